"""The data version (sql/024): raised by the database itself with every write the pages read,
visible only when that write commits, readable by every app role."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash import store
from ostan_dash.store import queries

pytestmark = pytest.mark.db

VERSION = sa.text("SELECT version FROM data_version")


def _user_of(db, role: str) -> int:
    return db.execute(sa.text("SELECT id FROM users WHERE username = :u"), {"u": role}).scalar_one()


def _insert_reports(db, n: int) -> None:
    """``n`` reports in one statement, at the first area's inner point."""
    db.execute(
        sa.text(
            """
            INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, area_id,
                                   organisation_id, reported_by)
            SELECT s.category, s.key, now() - interval '1 hour', now(), ST_PointOnSurface(a.geom),
                   a.id, coalesce(ostan_user_org(), (SELECT min(id) FROM organisations)),
                   ostan_user_id()
            FROM (SELECT * FROM est_subtypes ORDER BY category, key LIMIT 1) s,
                 (SELECT * FROM areas ORDER BY id LIMIT 1) a, generate_series(1, :n)
            """
        ),
        {"n": n},
    )


def test_a_reporters_insert_raises_the_version_once_per_statement(db):
    before = db.execute(VERSION).scalar_one()
    with store.as_user(_user_of(db, "rapportor"), "rapportor", conn=db):
        _insert_reports(db, 3)
    assert db.execute(VERSION).scalar_one() == before + 1
    db.execute(sa.text("UPDATE places SET name = name"))
    assert db.execute(VERSION).scalar_one() == before + 2


def test_another_session_sees_the_new_version_only_when_the_write_commits(db, engine):
    before = db.execute(VERSION).scalar_one()
    _insert_reports(db, 1)
    with engine.connect() as other:
        assert other.execute(VERSION).scalar_one() == before  # uncommitted: not yet announced
    # (the db fixture rolls the insert back: the version returns with it)


@pytest.mark.parametrize("role", ["lasare", "rapportor", "analytiker", "admin"])
def test_every_role_reads_the_version_through_the_store(db, role):
    with store.as_user(_user_of(db, role), role, conn=db):
        assert queries.data_version() == db.execute(VERSION).scalar_one()
    assert queries.data_version() >= 1  # the store's own connection, as the app reads it


# 036: a log instead of one row -----------------------------------------------------------------
BUMP = sa.text("UPDATE places SET name = name WHERE false")  # no row changes; the trigger fires


def test_a_writer_does_not_wait_for_another_writers_open_transaction(db, engine):
    """A long import's open transaction no longer holds the version: a report filed meanwhile
    goes through at once (under 024 it waited on the one row until the import committed)."""
    before = db.execute(VERSION).scalar_one()
    db.execute(BUMP)  # an import in progress: written, not committed
    with engine.connect() as other:
        with other.begin():
            other.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
            other.execute(sa.text("UPDATE organisations SET name = name WHERE false"))
            assert other.execute(VERSION).scalar_one() == before + 1  # its own write counts
        assert other.execute(VERSION).scalar_one() >= before + 1  # committed: announced


def test_the_version_rises_with_every_commit_whatever_order_writers_commit_in(engine):
    """Two writers bump, the later one commits first: each commit raises the version, so a
    frame read between the commits is never kept under the final number."""
    with engine.connect() as a, engine.connect() as b, engine.connect() as reader:
        v0 = reader.execute(VERSION).scalar_one()
        ta = a.begin()
        a.execute(BUMP)
        with b.begin():
            b.execute(BUMP)
        v1 = reader.execute(VERSION).scalar_one()
        ta.commit()
        v2 = reader.execute(VERSION).scalar_one()
    assert v0 < v1 < v2


def test_folding_the_log_keeps_the_version_and_the_log_short(db):
    """Every 256th bump folds older rows into one of the same total weight."""
    before = db.execute(VERSION).scalar_one()
    for _ in range(600):
        db.execute(BUMP)
    assert db.execute(VERSION).scalar_one() == before + 600
    assert db.execute(sa.text("SELECT count(*) FROM data_version_log")).scalar_one() < 400


def test_no_app_role_reads_or_writes_the_log_itself(app_db):
    """The log is read through the view; the web login may not touch the table."""
    with pytest.raises(sa.exc.ProgrammingError):
        with app_db.begin_nested():
            app_db.execute(sa.text("SELECT count(*) FROM data_version_log"))
    assert app_db.execute(VERSION).scalar_one() >= 1
