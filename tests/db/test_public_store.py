"""The public page's store: a small area's trend is published with its counts under 5 stored as
'färre än 5', the database refuses a number below 5 in the figures, a publication is frozen,
and the anonymous role reads the published rows of public_items and nothing else."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ostan_dash.analysis import public_figures as pf
from ostan_dash.store import as_user
from ostan_dash.store import public as public_store

pytestmark = pytest.mark.db

X0, Y0 = 905_000.0, 7_650_000.0  # SWEREF 99 TM, far north of the demo's areas
# The small area's reports per month: below 5 in January, March and April (none in April).
MONTHS = {dt.date(2026, 1, 1): 3, dt.date(2026, 2, 1): 7, dt.date(2026, 3, 1): 1}


def _user(db, username: str) -> int:
    return db.execute(sa.text("SELECT id FROM users WHERE username = :u"), {"u": username}).scalar()


@pytest.fixture
def small_area(db) -> int:
    """A 200 m square area with 3, 7, 1 and 0 EST reports in January to April 2026."""
    area_id = db.execute(
        sa.text(
            "INSERT INTO areas (code, name, kind, population, geom) VALUES ('T99', 'Lilla byn', "
            "'by', 40, ST_Multi(ST_MakeEnvelope(:x, :y, :x + 200, :y + 200, 3006))) RETURNING id"
        ),
        {"x": X0, "y": Y0},
    ).scalar_one()
    org = db.execute(sa.text("SELECT min(id) FROM organisations")).scalar_one()
    for month, n in MONTHS.items():
        t = dt.datetime.combine(month + dt.timedelta(days=9), dt.time(12), tzinfo=dt.UTC)
        for k in range(n):
            db.execute(
                sa.text(
                    "INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, "
                    "organisation_id, description) VALUES ('skadegorelse', 'klotter', :t, :t, "
                    "ST_SetSRID(ST_MakePoint(:x, :y), 3006), :o, 'Lisa på Storgatan 3 såg det')"
                ),
                {"t": t, "x": X0 + 20 + 10 * k, "y": Y0 + 50, "o": org},
            )
    return area_id


def _publish_trend(db, area_id: int) -> int:
    counts = public_store.area_month_counts(
        [area_id], dt.date(2026, 1, 1), dt.date(2026, 4, 1), conn=db
    )
    figures = pf.area_trend(counts.drop("area_id"), area="Lilla byn")
    return public_store.publish(
        kind="omradestrend",
        title="Utvecklingen i Lilla byn",
        body="Klottret har minskat sedan februari.",
        figures=figures,
        user_id=_user(db, "analytiker"),
        role="analytiker",
        area_id=area_id,
        conn=db,
    )


def test_a_small_areas_counts_are_aggregated_per_month_with_every_month(db, small_area):
    counts = public_store.area_month_counts(
        [small_area], dt.date(2026, 1, 1), dt.date(2026, 4, 1), conn=db
    )
    est = counts.filter(source="est")
    assert est["n"].to_list() == [3, 7, 1, 0]
    assert counts.filter(source="polis")["n"].to_list() == [0, 0, 0, 0]
    assert set(counts.columns) == {"area_id", "source", "month", "n"}


def test_published_trend_stores_and_shows_counts_under_5_as_farre_an_5(db, small_area):
    item = _publish_trend(db, small_area)
    stored = db.execute(
        sa.text("SELECT figures FROM public_items WHERE id = :i"), {"i": item}
    ).scalar_one()
    est = stored["serier"][0]
    assert est["visas"] == ["färre än 5", "7", "färre än 5", "färre än 5"]
    assert est["antal"] == [None, 7, None, None]
    text = json.dumps(stored)
    for point_word in ("lat", "lon", "geom", "POINT", "coordinates", "Storgatan", "Lisa"):
        assert point_word not in text

    shown = public_store.published(conn=db)
    assert shown.filter(id=item).height == 1
    assert json.loads(shown.filter(id=item)["figures"][0]) == stored


def test_the_database_refuses_a_number_below_5_in_the_figures(db, small_area):
    uid = _user(db, "analytiker")
    for figures in ({"antal": [7, 3]}, {"a": {"b": [{"n": 0}]}}, {"forandring": -12}):
        with pytest.raises(DBAPIError, match="no_small_numbers"), db.begin_nested():
            public_store.publish(
                kind="omradestrend",
                title="Rå siffror",
                body="",
                figures=figures,
                user_id=uid,
                role="analytiker",
                area_id=small_area,
                conn=db,
            )


def test_a_reader_cannot_publish_and_an_analyst_only_as_themselves(db, small_area):
    reader, analyst, admin = (_user(db, u) for u in ("lasare", "analytiker", "admin"))
    with pytest.raises(public_store.NotAllowed):
        public_store.publish(
            kind="omradestrend", title="x", body="", figures={}, user_id=reader, role="lasare"
        )
    insert = sa.text(
        "INSERT INTO public_items (kind, area_id, title, published_by) "
        "VALUES ('omradestrend', :a, 'x', :by)"
    )
    with pytest.raises(DBAPIError, match="permission denied"), db.begin_nested():
        with as_user(reader, "lasare", conn=db):
            db.execute(insert, {"a": small_area, "by": reader})
    with pytest.raises(DBAPIError, match="row-level security"), db.begin_nested():
        with as_user(analyst, "analytiker", conn=db):
            db.execute(insert, {"a": small_area, "by": admin})


def test_withdrawn_is_gone_from_the_public_and_a_publication_is_frozen(db, small_area):
    item = _publish_trend(db, small_area)
    analyst = _user(db, "analytiker")
    with pytest.raises(DBAPIError, match="ändras inte"), db.begin_nested():
        db.execute(sa.text("UPDATE public_items SET title = 'Ny' WHERE id = :i"), {"i": item})
    assert public_store.withdraw(item, user_id=analyst, role="analytiker", conn=db)
    assert public_store.published(conn=db).filter(id=item).is_empty()
    assert not public_store.withdraw(item, user_id=analyst, role="analytiker", conn=db)
    row = public_store.items(conn=db).filter(id=item).row(0, named=True)
    assert row["withdrawn_by"] is not None and row["withdrawn_at"] is not None


def test_the_anonymous_role_reads_public_items_and_nothing_else(db):
    readable = db.execute(
        sa.text(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
              AND (has_table_privilege('ostan_offentlig', c.oid, 'SELECT')
                   OR has_any_column_privilege('ostan_offentlig', c.oid, 'SELECT'))
            """
        )
    ).scalars()
    assert sorted(readable) == ["public_items"]
    for table in ("incidents", "police_crimes_by_area", "areas", "users", "analysis_versions"):
        with pytest.raises(DBAPIError, match="permission denied"), db.begin_nested():
            with public_store.as_public(db):
                db.execute(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608 (fixed names)
    with pytest.raises(DBAPIError, match="permission denied"), db.begin_nested():
        with public_store.as_public(db):
            db.execute(sa.text("SELECT published_by FROM public_items"))


def test_the_web_login_may_switch_to_the_anonymous_role_without_inheriting_it(db):
    member, usage = db.execute(
        sa.text(
            "SELECT pg_has_role('ostan_app', 'ostan_offentlig', 'MEMBER'), "
            "pg_has_role('ostan_app', 'ostan_offentlig', 'USAGE')"
        )
    ).one()
    assert member and not usage


def test_the_demo_publishes_focus_areas_trends_and_interventions(db):
    from ostan_dash import config
    from ostan_dash.demo import public as demo_public

    before = public_store.published(conn=db).height
    n = demo_public.publish_examples(db, today=config.today(), analyst_id=_user(db, "analytiker"))
    shown = public_store.published(conn=db)
    assert n >= 4 and shown.height == before + n
    assert set(shown["kind"]) == {"fokusomrade", "omradestrend", "insats"}
    for raw in shown["figures"]:
        assert pf.small_numbers(raw) == [], raw
