"""Issue 12, the reporter's path in the database: a report's time window and place are
corrected by its reporter within 48 hours (area re-derived from the point, refused outside the
municipality, audited), by nobody else and not after; the row-level security holds with direct
SQL; candidate duplicates are read under the reporter's role; Mina rapporter has a status."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ostan_dash.analysis import duplicates
from ostan_dash.config import TZ
from ostan_dash.ingest import reports
from ostan_dash.store import as_user
from ostan_dash.store import reports as report_store

pytestmark = pytest.mark.db

NOW = dt.datetime(2026, 3, 4, 9, 30, tzinfo=TZ)


def _user(db, username: str) -> dict:
    row = db.execute(
        sa.text("SELECT id, username, organisation_id, role FROM users WHERE username = :u"),
        {"u": username},
    ).one()
    return {
        "user_id": row.id,
        "username": row.username,
        "organisation_id": row.organisation_id,
        "role": row.role,
    }


@pytest.fixture
def reporter(db):
    return _user(db, "rapportor")


def _point(db, code: str) -> tuple[float, float]:
    row = db.execute(
        sa.text(
            "SELECT ST_X(p), ST_Y(p) FROM "
            "(SELECT ST_PointOnSurface(geom) p FROM areas WHERE code = :c) s"
        ),
        {"c": code},
    ).one()
    return float(row[0]), float(row[1])


def _other_area_code(db) -> str:
    return db.execute(
        sa.text("SELECT code FROM areas WHERE code <> 'C01' ORDER BY code LIMIT 1")
    ).scalar_one()


def _draft(db, **over) -> reports.ReportDraft:
    x, y = _point(db, "C01")
    base = reports.ReportDraft(
        category="otrygg_plats",
        subtype="belysning",
        occurred_from=NOW - dt.timedelta(hours=3),
        occurred_to=NOW - dt.timedelta(hours=2),
        x=x,
        y=y,
        client_token=reports.new_token(),
    )
    return dataclasses.replace(base, **over)


def _file(db, who, **over) -> tuple[int, reports.ReportDraft]:
    d = _draft(db, **over)
    return reports.file_report(d, now=NOW, conn=db, **who).id, d


def _stored(db, rid: int):
    return db.execute(
        sa.text(
            "SELECT i.occurred_from, i.occurred_to, a.code, ST_X(i.geom) AS x, ST_Y(i.geom) AS y "
            "FROM incidents i JOIN areas a ON a.id = i.area_id WHERE i.id = :i"
        ),
        {"i": rid},
    ).one()


def _edit(db, rid, draft, who, now):
    reports.update_report(
        rid,
        draft,
        user_id=who["user_id"],
        username=who["username"],
        role=who["role"],
        now=now,
        conn=db,
    )


def test_time_window_and_place_are_corrected_and_the_area_follows_the_point(db, reporter):
    rid, d = _file(db, reporter)
    code = _other_area_code(db)
    x, y = _point(db, code)
    t0 = dt.datetime(2026, 3, 3, 22, 0, tzinfo=TZ)
    t1 = dt.datetime(2026, 3, 4, 6, 0, tzinfo=TZ)
    _edit(
        db, rid, dataclasses.replace(d, occurred_from=t0, occurred_to=t1, x=x, y=y), reporter, NOW
    )
    row = _stored(db, rid)
    assert (row.occurred_from, row.occurred_to, row.code) == (t0, t1, code)
    assert (round(row.x, 2), round(row.y, 2)) == (round(x, 2), round(y, 2))
    details = db.execute(
        sa.text(
            "SELECT details FROM audit_log WHERE entity = 'incidents' AND entity_id = :i "
            "AND action = 'rapport ändrad'"
        ),
        {"i": str(rid)},
    ).scalar_one()
    details = details if isinstance(details, dict) else json.loads(details)
    assert details["ändrat"] == ["tid", "plats"]
    assert details["roll"] == "ostan_rapportor"


def test_a_point_outside_the_municipality_is_refused_on_edit(db, reporter):
    rid, d = _file(db, reporter)
    before = _stored(db, rid)
    with pytest.raises(reports.ReportRefused, match="utanför Östans kommun"):
        _edit(db, rid, dataclasses.replace(d, x=640000.0, y=6660000.0), reporter, NOW)
    assert _stored(db, rid) == before


def test_another_reporter_of_the_same_organisation_cannot_edit(db, reporter):
    rid, d = _file(db, reporter)
    colleague = db.execute(
        sa.text(
            "SELECT username FROM users WHERE role = 'rapportor' AND organisation_id = :o "
            "AND id <> :u ORDER BY id LIMIT 1"
        ),
        {"o": reporter["organisation_id"], "u": reporter["user_id"]},
    ).scalar_one()
    other = _user(db, colleague)
    moved = dataclasses.replace(d, occurred_from=NOW - dt.timedelta(hours=5))
    with pytest.raises(reports.ReportRefused, match="egna"):
        _edit(db, rid, moved, other, NOW)
    # the database says the same without the store's check: the UPDATE finds no row
    with as_user(other["user_id"], "rapportor", conn=db):
        n = db.execute(
            sa.text(
                "UPDATE incidents SET occurred_from = occurred_from - interval '1 hour' "
                "WHERE id = :i"
            ),
            {"i": rid},
        ).rowcount
    assert n == 0
    assert _stored(db, rid).occurred_from == d.occurred_from


def test_after_48_hours_the_reporter_cannot_edit_not_even_with_direct_sql(db, reporter):
    rid, d = _file(db, reporter)
    moved = dataclasses.replace(d, occurred_from=NOW - dt.timedelta(hours=5))
    created = db.execute(
        sa.text("SELECT created_at FROM incidents WHERE id = :i"), {"i": rid}
    ).scalar_one()
    with pytest.raises(reports.ReportRefused, match="inte längre ändras"):
        _edit(db, rid, moved, reporter, created + dt.timedelta(hours=49))
    # Age the row as the owner, then try as the reporter: the policy counts from now().
    db.execute(
        sa.text("UPDATE incidents SET created_at = now() - interval '49 hours' WHERE id = :i"),
        {"i": rid},
    )
    with as_user(reporter["user_id"], "rapportor", conn=db):
        n = db.execute(
            sa.text(
                "UPDATE incidents SET occurred_from = occurred_from - interval '1 hour' "
                "WHERE id = :i"
            ),
            {"i": rid},
        ).rowcount
    assert n == 0
    db.execute(
        sa.text("UPDATE incidents SET created_at = now() - interval '47 hours' WHERE id = :i"),
        {"i": rid},
    )
    with as_user(reporter["user_id"], "rapportor", conn=db):
        n = db.execute(
            sa.text(
                "UPDATE incidents SET occurred_from = occurred_from - interval '1 hour' "
                "WHERE id = :i"
            ),
            {"i": rid},
        ).rowcount
    assert n == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE incidents SET created_at = now() WHERE id = :i",
        "UPDATE incidents SET organisation_id = organisation_id WHERE id = :i",
        "UPDATE incidents SET area_id = area_id WHERE id = :i",
        "UPDATE incidents SET client_token = gen_random_uuid() WHERE id = :i",
    ],
    ids=["created_at", "organisation", "area", "token"],
)
def test_a_reporter_cannot_write_what_the_48_hours_and_the_area_depend_on(db, reporter, statement):
    """sql/019: the reporter's UPDATE is limited to what the form corrects; created_at (the
    48 hours count from it) and the derived area are not theirs to set."""
    rid, _ = _file(db, reporter)
    with (
        pytest.raises(DBAPIError, match="permission denied"),
        db.begin_nested(),
        as_user(reporter["user_id"], "rapportor", conn=db),
    ):
        db.execute(sa.text(statement), {"i": rid})


def test_an_edit_that_changes_nothing_writes_nothing(db, reporter):
    rid, d = _file(db, reporter)
    n_audit = "SELECT count(*) FROM audit_log WHERE entity = 'incidents' AND entity_id = :i"
    before = db.execute(sa.text(n_audit), {"i": str(rid)}).scalar_one()
    _edit(db, rid, dataclasses.replace(d, client_token=reports.new_token()), reporter, NOW)
    assert db.execute(sa.text(n_audit), {"i": str(rid)}).scalar_one() == before


def test_candidate_duplicates_are_the_reporters_and_organisations_recent_reports(db, reporter):
    rid, d = _file(db, reporter)
    outsider = db.execute(
        sa.text(
            "SELECT username FROM users WHERE role = 'rapportor' AND organisation_id <> :o "
            "ORDER BY id LIMIT 1"
        ),
        {"o": reporter["organisation_id"]},
    ).scalar_one()
    other_org_rid, _ = _file(db, _user(db, outsider))
    since = db.execute(sa.text("SELECT now() - interval '1 day'")).scalar_one()
    found = report_store.recent_similar_reports(
        "otrygg_plats",
        user_id=reporter["user_id"],
        organisation_id=reporter["organisation_id"],
        role="rapportor",
        since=since,
        conn=db,
    )
    assert rid in found["id"].to_list()
    assert other_org_rid not in found["id"].to_list()
    assert (
        found.filter(found["id"] == rid)["area"].to_list() == ["Centrum"]
        or found.filter(found["id"] == rid)["area"].item()
    )
    # the pure rule on top: the same place and window again is a likely duplicate
    now = db.execute(sa.text("SELECT now()")).scalar_one()
    dup = duplicates.likely_duplicates(
        found,
        category=d.category,
        x=d.x + 10,
        y=d.y,
        occurred_from=d.occurred_from,
        occurred_to=d.occurred_to,
        reported_by=reporter["user_id"],
        organisation_id=reporter["organisation_id"],
        now=now,
    )
    assert dup["id"].to_list()[:1] == [rid]
    # the role is the reporter's: it cannot read the free text in the same transaction
    assert "description" not in found.columns


def _status(db, reporter, rid) -> str:
    mine = report_store.own_reports(reporter["user_id"], "rapportor", conn=db)
    return mine.filter(mine["id"] == rid)["status"].item()


# Nothing in the demo data covers threats to staff in Centrum in June 2020.
OLD = dt.datetime(2020, 6, 3, 21, 0, tzinfo=TZ)
OLD_REPORT = {
    "category": "incident_mot_anstalld",
    "subtype": "hotad",
    "occurred_from": OLD,
    "occurred_to": OLD,
}
PUBLISH_WEEK = (
    "INSERT INTO analyses (kind, period_start, period_end, title) "
    "VALUES ('vecka', '2020-06-01', '2020-06-07', 'Vecka 23 (test)') RETURNING id"
)


def test_status_goes_from_received_to_handled_to_problem_picture_to_intervention(db, reporter):
    rid, _ = _file(db, reporter, **OLD_REPORT)
    assert _status(db, reporter, rid) == "mottagen"
    analyst = db.execute(sa.text("SELECT id FROM users WHERE username = 'analytiker'")).scalar_one()
    aid = db.execute(sa.text(PUBLISH_WEEK)).scalar_one()
    db.execute(
        sa.text(
            "INSERT INTO analysis_versions (analysis_id, version, document, published_by) "
            "VALUES (:a, coalesce((SELECT max(version) + 1 FROM analysis_versions "
            "WHERE analysis_id = :a), 1), '{}'::jsonb, :u)"
        ),
        {"a": aid, "u": analyst},
    )
    assert _status(db, reporter, rid) == "behandlad"
    centrum = db.execute(sa.text("SELECT id FROM areas WHERE code = 'C01'")).scalar_one()
    db.execute(
        sa.text(
            "INSERT INTO problem_pictures (title, categories, area_ids, period_from) "
            "VALUES ('Hot i butik (test)', ARRAY['incident_mot_anstalld'], ARRAY[:a]::int[], "
            "'2020-05-01')"
        ),
        {"a": centrum},
    )
    assert _status(db, reporter, rid) == "problembild"
    db.execute(
        sa.text(
            "INSERT INTO interventions (title, kind, categories, target_area_ids, start_date, "
            "end_date) VALUES ('Väktare Centrum (test)', 'situationell', "
            "ARRAY['incident_mot_anstalld'], ARRAY[:a]::int[], '2020-09-01', '2021-02-28')"
        ),
        {"a": centrum},
    )
    assert _status(db, reporter, rid) == "insats"


def test_a_lagesbild_published_before_the_report_does_not_count_as_handled(db, reporter):
    rid, _ = _file(db, reporter, **OLD_REPORT)
    analyst = db.execute(sa.text("SELECT id FROM users WHERE username = 'analytiker'")).scalar_one()
    aid = db.execute(sa.text(PUBLISH_WEEK)).scalar_one()
    db.execute(
        sa.text(
            "INSERT INTO analysis_versions (analysis_id, version, document, published_by, "
            "published_at) VALUES (:a, coalesce((SELECT max(version) + 1 FROM analysis_versions "
            "WHERE analysis_id = :a), 1), '{}'::jsonb, :u, now() - interval '1 day')"
        ),
        {"a": aid, "u": analyst},
    )
    assert _status(db, reporter, rid) == "mottagen"
