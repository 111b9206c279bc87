"""Filing a report from the phone: stored once, refused outside the municipality, editable for
48 hours by its reporter, and fed back with the problem pictures and interventions it fed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from ostan_dash.config import TZ
from ostan_dash.ingest import reports
from ostan_dash.store import reports as report_store

pytestmark = pytest.mark.db

NOW = dt.datetime(2026, 3, 4, 9, 30, tzinfo=TZ)


@pytest.fixture
def reporter(db):
    row = db.execute(
        sa.text(
            "SELECT id, username, organisation_id FROM users WHERE role = 'rapportor' ORDER BY id LIMIT 1"
        )
    ).one()
    return {
        "user_id": row.id,
        "username": row.username,
        "organisation_id": row.organisation_id,
        "role": "rapportor",
    }


def _centrum_point(db) -> tuple[float, float]:
    row = db.execute(
        sa.text(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM areas WHERE code = 'C01') s"
        )
    ).one()
    return float(row[0]), float(row[1])


def _draft(db, **over) -> reports.ReportDraft:
    x, y = _centrum_point(db)
    base = reports.ReportDraft(
        category="skadegorelse",
        subtype="klotter",
        object_type="skola",
        occurred_from=NOW - dt.timedelta(hours=14),
        occurred_to=NOW - dt.timedelta(hours=1),
        x=x,
        y=y,
        client_token=reports.new_token(),
        description="Klotter på gaveln mot skolgården",
    )
    return dataclasses.replace(base, **over)


def _count_token(db, token) -> int:
    return db.execute(
        sa.text("SELECT count(*) FROM incidents WHERE client_token = :t"), {"t": token}
    ).scalar_one()


def test_a_report_is_stored_with_its_area_and_reporter(db, reporter):
    d = _draft(db)
    filed = reports.file_report(d, now=NOW, conn=db, **reporter)
    assert filed.created
    row = db.execute(
        sa.text(
            "SELECT a.code, i.reported_by, i.category, i.object_type, i.occurred_to - i.occurred_from "
            "FROM incidents i JOIN areas a ON a.id = i.area_id WHERE i.id = :id"
        ),
        {"id": filed.id},
    ).one()
    assert tuple(row) == (
        "C01",
        reporter["user_id"],
        "skadegorelse",
        "skola",
        dt.timedelta(hours=13),
    )


def test_a_double_submit_stores_one_row(db, reporter):
    d = _draft(db)
    first = reports.file_report(d, now=NOW, conn=db, **reporter)
    second = reports.file_report(d, now=NOW, conn=db, **reporter)
    assert (first.created, second.created) == (True, False)
    assert first.id == second.id
    assert _count_token(db, d.client_token) == 1


def test_a_point_outside_the_municipality_is_refused_and_nothing_is_stored(db, reporter):
    d = _draft(db, x=640_000.0, y=6_660_000.0)
    with pytest.raises(reports.ReportRefused, match="utanför Östans kommun"):
        reports.file_report(d, now=NOW, conn=db, **reporter)
    assert _count_token(db, d.client_token) == 0


@pytest.mark.parametrize(
    ("over", "message"),
    [
        pytest.param(
            {"subtype": "bilbrand", "category": "otrygg_plats", "object_type": None},
            "undertyp",
            id="subtype-not-in-category",
        ),
        pytest.param(
            {"category": "otrygg_plats", "subtype": "klotter"},
            "Objekttyp",
            id="object-only-for-damage",
        ),
        pytest.param(
            {
                "occurred_from": NOW + dt.timedelta(days=1),
                "occurred_to": NOW + dt.timedelta(days=1),
            },
            "framtiden",
            id="future",
        ),
        pytest.param(
            {"occurred_from": NOW - dt.timedelta(days=40)}, "31 dagar", id="window-too-long"
        ),
        pytest.param(
            {"description": "Det var Kalle 19850312-1231"}, "personnummer", id="personal-number"
        ),
    ],
)
def test_invalid_reports_are_refused_in_swedish(db, reporter, over, message):
    d = _draft(db, **over)
    with pytest.raises(reports.ReportRefused, match=message):
        reports.file_report(d, now=NOW, conn=db, **reporter)
    assert _count_token(db, d.client_token) == 0


def test_own_report_can_be_edited_within_48_hours_but_not_after(db, reporter):
    d = _draft(db)
    filed = reports.file_report(d, now=NOW, conn=db, **reporter)
    created = db.execute(
        sa.text("SELECT created_at FROM incidents WHERE id = :i"), {"i": filed.id}
    ).scalar_one()
    fixed = dataclasses.replace(d, subtype="ovrig_skadegorelse", description="Krossad ruta")
    reports.update_report(
        filed.id,
        fixed,
        user_id=reporter["user_id"],
        username="t",
        role="rapportor",
        now=created + dt.timedelta(hours=47),
        conn=db,
    )
    assert (
        db.execute(
            sa.text("SELECT subtype FROM incidents WHERE id = :i"), {"i": filed.id}
        ).scalar_one()
        == "ovrig_skadegorelse"
    )
    with pytest.raises(reports.ReportRefused, match="inte längre ändras"):
        reports.update_report(
            filed.id,
            d,
            user_id=reporter["user_id"],
            username="t",
            role="rapportor",
            now=created + dt.timedelta(hours=49),
            conn=db,
        )


def test_someone_elses_report_cannot_be_edited(db, reporter):
    filed = reports.file_report(_draft(db), now=NOW, conn=db, **reporter)
    other = db.execute(
        sa.text("SELECT id FROM users WHERE id <> :u ORDER BY id LIMIT 1"),
        {"u": reporter["user_id"]},
    ).scalar_one()
    with pytest.raises(reports.ReportRefused, match="egna"):
        reports.update_report(
            filed.id, _draft(db), user_id=other, username="x", role="rapportor", now=NOW, conn=db
        )


def test_my_reports_show_which_problem_pictures_and_interventions_they_fed(db, reporter):
    filed = reports.file_report(_draft(db), now=NOW, conn=db, **reporter)
    centrum = db.execute(sa.text("SELECT id FROM areas WHERE code = 'C01'")).scalar_one()
    db.execute(
        sa.text(
            "INSERT INTO problem_pictures (title, categories, area_ids, period_from) "
            "VALUES ('Klotter i Centrum (test)', ARRAY['skadegorelse'], ARRAY[:a]::int[], '2026-01-01'), "
            "('Bilbränder i villaområden (test)', ARRAY['skadegorelse'], ARRAY[]::int[], '2026-01-01')"
        ),
        {"a": centrum},
    )
    db.execute(
        sa.text(
            "INSERT INTO interventions (title, kind, categories, target_area_ids, start_date, end_date) "
            "VALUES ('Snabb klottersanering Centrum (test)', 'situationell', ARRAY['skadegorelse'], "
            "ARRAY[:a]::int[], '2026-04-01', '2026-09-30'), "
            "('Nattvandring Norrbacka (test)', 'social', ARRAY['otrygg_samling'], ARRAY[:a]::int[], "
            "'2026-04-01', '2026-09-30')"
        ),
        {"a": centrum},
    )
    mine = report_store.own_reports(reporter["user_id"], "rapportor", conn=db)
    row = mine.filter(mine["id"] == filed.id).row(0, named=True)
    assert "Klotter i Centrum (test)" in row["problem_pictures"]
    assert "Bilbränder i villaområden (test)" not in row["problem_pictures"]
    assert "Snabb klottersanering Centrum (test)" in row["interventions"]
    assert "Nattvandring Norrbacka (test)" not in row["interventions"]


def test_known_places_include_places_and_areas_with_both_coordinate_systems(db):
    places = report_store.known_places(conn=db)
    assert {"plats", "omrade"} <= set(places["kind"])
    assert places["lat"].is_between(54.5, 69.5).all()
    assert places["y"].is_between(6.1e6, 7.7e6).all()


def test_the_tap_grid_lies_inside_the_municipality(db):
    x, y = _centrum_point(db)
    grid = report_store.pick_grid(x, y, conn=db)
    assert grid.height > 50
    assert all(
        report_store.inside_municipality(gx, gy, conn=db)
        for gx, gy in grid.select("x", "y").head(20).iter_rows()
    )


def test_a_report_is_written_under_the_reporters_database_role(db, reporter):
    """A trigger records ``current_user`` for every insert: the form's write runs as
    ostan_rapportor, not as the connection's login (issue: 17 of 17 writes ran as postgres)."""
    db.execute(sa.text("CREATE TEMP TABLE _who (usr text) ON COMMIT DROP"))
    db.execute(sa.text("GRANT INSERT ON _who TO PUBLIC"))
    db.execute(
        sa.text(
            "CREATE FUNCTION pg_temp._log_who() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN INSERT INTO pg_temp._who VALUES (current_user); RETURN NEW; END $$"
        )
    )
    db.execute(
        sa.text(
            "CREATE TRIGGER _who_ins BEFORE INSERT OR UPDATE ON incidents "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp._log_who()"
        )
    )
    d = _draft(db)
    filed = reports.file_report(d, now=NOW, conn=db, **reporter)
    reports.update_report(
        filed.id,
        dataclasses.replace(d, description="Rättad"),
        user_id=reporter["user_id"],
        username="t",
        role="rapportor",
        now=NOW,
        conn=db,
    )
    who = db.execute(sa.text("SELECT usr FROM pg_temp._who")).scalars().all()
    assert who == ["ostan_rapportor", "ostan_rapportor"]
