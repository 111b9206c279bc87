"""The database enforces roles again: grants per role and row-level security on reports."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ostan_dash.store import as_user

pytestmark = pytest.mark.db

INSERT = sa.text(
    """
    INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, organisation_id, reported_by)
    SELECT 'otrygg_plats', 'belysning', now() - interval '1 hour', now(),
           ST_PointOnSurface(a.geom), :org, :by
    FROM areas a ORDER BY a.id LIMIT 1
    RETURNING id
    """
)


def _user(db, username):
    return db.execute(
        sa.text("SELECT id, organisation_id FROM users WHERE username = :u"), {"u": username}
    ).one()


def test_reporter_files_own_report(db):
    uid, org = _user(db, "rapportor")
    with as_user(uid, "rapportor", conn=db):
        assert db.execute(INSERT, {"org": org, "by": uid}).scalar_one() > 0


def test_reporter_cannot_file_in_someone_elses_name(db):
    uid, org = _user(db, "rapportor")
    other, _ = _user(db, "analytiker")
    with pytest.raises(DBAPIError, match="row-level security"), as_user(uid, "rapportor", conn=db):
        db.execute(INSERT, {"org": org, "by": other})


def test_reader_cannot_write_reports(db):
    uid, org = _user(db, "lasare")
    with pytest.raises(DBAPIError, match="permission denied"), as_user(uid, "lasare", conn=db):
        db.execute(INSERT, {"org": org, "by": uid})


def test_password_hashes_are_not_readable_through_a_role(db):
    uid, _ = _user(db, "analytiker")
    with pytest.raises(DBAPIError, match="permission denied"), as_user(uid, "analytiker", conn=db):
        db.execute(sa.text("SELECT password_hash FROM users"))


def test_reporter_cannot_change_another_reporters_report(db):
    uid, org = _user(db, "rapportor")
    analyst, _ = _user(db, "analytiker")
    with as_user(analyst, "analytiker", conn=db):
        rid = db.execute(INSERT, {"org": org, "by": analyst}).scalar_one()
    db.execute(sa.text("RESET role"))
    with as_user(uid, "rapportor", conn=db):
        n = db.execute(
            sa.text("UPDATE incidents SET description = 'x' WHERE id = :id"), {"id": rid}
        ).rowcount
    assert n == 0
