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
    analyst, analyst_org = _user(db, "analytiker")
    with as_user(analyst, "analytiker", conn=db):
        rid = db.execute(INSERT, {"org": analyst_org, "by": analyst}).scalar_one()
    db.execute(sa.text("RESET role"))
    with as_user(uid, "rapportor", conn=db):
        n = db.execute(
            sa.text("UPDATE incidents SET description = 'x' WHERE id = :id"), {"id": rid}
        ).rowcount
    assert n == 0


def _other_org(db, org: int) -> int:
    return db.execute(
        sa.text("SELECT id FROM organisations WHERE id <> :o ORDER BY id LIMIT 1"), {"o": org}
    ).scalar_one()


def test_reporter_cannot_file_under_another_organisation(db):
    uid, org = _user(db, "rapportor")
    with pytest.raises(DBAPIError, match="row-level security"), as_user(uid, "rapportor", conn=db):
        db.execute(INSERT, {"org": _other_org(db, org), "by": uid})


def test_analyst_adds_reports_only_under_their_own_organisation(db):
    uid, org = _user(db, "analytiker")
    with as_user(uid, "analytiker", conn=db):
        assert db.execute(INSERT, {"org": org, "by": None}).scalar_one() > 0
    with pytest.raises(DBAPIError, match="row-level security"), as_user(uid, "analytiker", conn=db):
        db.execute(INSERT, {"org": _other_org(db, org), "by": None})


@pytest.mark.parametrize("role", ["lasare", "rapportor", "analytiker", "admin"])
def test_no_role_can_write_the_audit_trail_directly(db, role):
    uid, _ = _user(db, role)
    with pytest.raises(DBAPIError, match="permission denied"), as_user(uid, role, conn=db):
        db.execute(sa.text("INSERT INTO audit_log (username, action) VALUES ('admin', 'falsk')"))


def test_the_audit_function_records_the_identity_not_the_claimed_name(db):
    from ostan_dash.store import audit

    uid, org = _user(db, "rapportor")
    with as_user(uid, "rapportor", conn=db):
        audit(db, username="admin", action="test: påstått namn")
    row = db.execute(
        sa.text("SELECT username, details FROM audit_log WHERE action = 'test: påstått namn'")
    ).one()
    assert row.username == "rapportor"
    assert row.details["roll"] == "ostan_rapportor"
    assert row.details["organisation_id"] == org


def test_every_write_of_reports_is_audited_by_the_database(db):
    uid, org = _user(db, "rapportor")
    with as_user(uid, "rapportor", conn=db):
        rid = db.execute(INSERT, {"org": org, "by": uid}).scalar_one()
    row = db.execute(
        sa.text(
            "SELECT username, details FROM audit_log "
            "WHERE action = 'incidents insert' AND entity_id = :i"
        ),
        {"i": str(rid)},
    ).one()
    assert row.username == "rapportor"
    assert row.details["roll"] == "ostan_rapportor"
    assert row.details["rader"] == 1


def _report_of_other_org(db, org: int) -> int:
    """A report with free text filed by another organisation (inserted as the owner)."""
    other = _other_org(db, org)
    return db.execute(
        sa.text(
            "INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, "
            "organisation_id, description) SELECT 'otrygg_plats', 'belysning', now(), now(), "
            "ST_PointOnSurface(geom), :o, 'Hemlig text från en annan organisation' "
            "FROM areas LIMIT 1 RETURNING id"
        ),
        {"o": other},
    ).scalar_one()


@pytest.mark.parametrize("role", ["lasare", "rapportor"])
def test_free_text_of_another_organisations_reports_is_not_readable(db, role):
    uid, org = _user(db, role)
    rid = _report_of_other_org(db, org)
    with as_user(uid, role, conn=db):
        db.execute(sa.text("SAVEPOINT s"))
        with pytest.raises(DBAPIError, match="permission denied"):
            db.execute(sa.text("SELECT description FROM incidents WHERE id = :i"), {"i": rid})
        db.execute(sa.text("ROLLBACK TO SAVEPOINT s"))
        text = db.execute(sa.text("SELECT ostan_incident_description(:i)"), {"i": rid}).scalar()
        assert text is None
        # the common picture: category, place and time stay shared
        assert (
            db.execute(
                sa.text("SELECT category FROM incidents WHERE id = :i"), {"i": rid}
            ).scalar_one()
            == "otrygg_plats"
        )


def test_own_organisations_and_analysts_read_the_free_text(db):
    uid, org = _user(db, "rapportor")
    other_rid = _report_of_other_org(db, org)
    with as_user(uid, "rapportor", conn=db):
        own = db.execute(INSERT, {"org": org, "by": uid}).scalar_one()
    db.execute(sa.text("UPDATE incidents SET description = 'Egen text' WHERE id = :i"), {"i": own})
    with as_user(uid, "rapportor", conn=db):
        assert (
            db.execute(sa.text("SELECT ostan_incident_description(:i)"), {"i": own}).scalar()
            == "Egen text"
        )
    analyst, _ = _user(db, "analytiker")
    with as_user(analyst, "analytiker", conn=db):
        # through the sharing policy (sql/032), not the column itself
        assert (
            db.execute(sa.text("SELECT ostan_incident_description(:i)"), {"i": other_rid})
            .scalar_one()
            .startswith("Hemlig")
        )


@pytest.mark.parametrize(
    ("username", "role", "rows"),
    [
        ("rapportor", "rapportor", False),  # a housing company's reporter
        ("lasare", "lasare", False),  # the business association's reader
        ("rapportor.polis", "rapportor", True),  # the police's own reporter
        ("analytiker", "analytiker", True),
        ("admin", "admin", True),
    ],
)
def test_police_crimes_row_by_row_only_for_the_police_and_analysts(db, username, role, rows):
    uid, _ = _user(db, username)
    total = db.execute(sa.text("SELECT count(*) FROM police_crimes")).scalar_one()
    by_area = db.execute(
        sa.text("SELECT count(*) FROM police_crimes WHERE area_id IS NOT NULL")
    ).scalar_one()
    assert total > 0
    with as_user(uid, role, conn=db):
        seen = db.execute(sa.text("SELECT count(*) FROM police_crimes")).scalar_one()
        assert seen == (total if rows else 0)
        # everyone has the crimes per area and time, without the point
        assert db.execute(sa.text("SELECT count(*) FROM police_crimes_by_area")).scalar_one() == (
            by_area
        )
        cols = db.execute(sa.text("SELECT * FROM police_crimes_by_area LIMIT 1")).keys()
        assert "geom" not in cols and "external_id" not in cols


def test_the_incident_frame_gives_police_points_only_to_those_who_may_see_them(db):
    from ostan_dash.store import queries

    for username, role, points in (
        ("rapportor", "rapportor", False),
        ("analytiker", "analytiker", True),
    ):
        uid, _ = _user(db, username)
        with as_user(uid, role, conn=db):
            raw = queries.copy_frame(
                queries._INCIDENTS_SQL,
                {"since": "2000-01-01"},
                schema=queries.INCIDENT_SCHEMA,
                conn=db,
            )
        police = raw.filter(raw["source"] == "polis")
        assert police.height > 0
        assert (police["x"].null_count() < police.height) is points
