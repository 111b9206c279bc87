"""Counts for evaluations are made in PostGIS: the buffer ring excludes the target (and the
control), only the intervention's categories and periods count; writes leave an audit trail.

Every test runs inside the rolled-back ``db`` transaction, far outside Östan (no demo incident
lies there), so the expected counts are exactly the points inserted here.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import polars as pl
import pytest
import sqlalchemy as sa

from ostan_dash import cli
from ostan_dash.analysis import interventions as ai
from ostan_dash.demo import KNOWN
from ostan_dash.store import interventions as si
from ostan_dash.store import problems as sp

pytestmark = pytest.mark.db

X0, Y0 = 900_000.0, 7_600_000.0  # SWEREF 99 TM, in the far north: nothing of the demo is here
BEFORE = (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
AFTER = (dt.date(2025, 7, 1), dt.date(2025, 12, 31))


def _square(x: float, y: float, side: float) -> str:
    return (
        f"MULTIPOLYGON((({x} {y}, {x + side} {y}, {x + side} {y + side}, {x} {y + side}, {x} {y})))"
    )


def _intervention(db, *, buffer_m: int = 50, control: bool = True) -> int:
    org = db.execute(sa.text("SELECT min(id) FROM organisations")).scalar_one()
    return db.execute(
        sa.text(
            """
            INSERT INTO interventions (title, kind, categories, target_geom, control_geom, buffer_m,
                                       start_date, end_date, responsible_org_id, goal_reduction_pct)
            VALUES ('Testinsats', 'situationell', ARRAY['skadegorelse'],
                    ST_GeomFromText(:t, 3006), ST_GeomFromText(:c, 3006), :w, :s, :e, :org, 30)
            RETURNING id
            """
        ),
        {
            "t": _square(X0, Y0, 100),
            "c": _square(X0 + 1000, Y0, 100) if control else None,
            "w": buffer_m,
            "s": AFTER[0],
            "e": AFTER[1],
            "org": org,
        },
    ).scalar_one()


def _incident(db, x: float, y: float, day: dt.date, category: str = "skadegorelse") -> None:
    org = db.execute(sa.text("SELECT min(id) FROM organisations")).scalar_one()
    subtype = {"skadegorelse": "klotter", "otrygg_plats": "belysning"}[category]
    t = dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)
    db.execute(
        sa.text(
            "INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, "
            "organisation_id) VALUES (:c, :s, :t, :t, ST_SetSRID(ST_MakePoint(:x, :y), 3006), :o)"
        ),
        {"c": category, "s": subtype, "t": t, "x": x, "y": y, "o": org},
    )


@pytest.fixture
def scene(db):
    iid = _intervention(db)
    b, a = dt.date(2025, 3, 1), dt.date(2025, 9, 1)
    inside = (X0 + 50, Y0 + 50)
    ring = (X0 + 130, Y0 + 50)  # 30 m east of the target: inside a 50 m ring
    beyond = (X0 + 180, Y0 + 50)  # 80 m east: outside the ring
    control = (X0 + 1050, Y0 + 50)
    for _ in range(3):
        _incident(db, *inside, b)
    for _ in range(2):
        _incident(db, *inside, a)
    for _ in range(2):
        _incident(db, *ring, b)
    for _ in range(4):
        _incident(db, *ring, a)
    _incident(db, *beyond, a)
    for _ in range(5):
        _incident(db, *control, b)
    _incident(db, *control, a)
    _incident(db, *inside, a, category="otrygg_plats")  # not a category the goal counts
    _incident(db, *inside, dt.date(2024, 6, 1))  # outside both periods
    return iid


def test_zone_counts_in_target_ring_and_control(db, scene):
    counts = si.counts_summary(si.zone_counts(scene, before=BEFORE, after=AFTER, conn=db))
    assert counts == {
        "target": {"before": 3, "after": 2},
        "buffer": {"before": 2, "after": 4},
        "control": {"before": 5, "after": 1},
    }


def test_a_wider_ring_reaches_further_but_never_into_the_target(db, scene):
    wide = si.counts_summary(
        si.zone_counts(scene, before=BEFORE, after=AFTER, buffer_m=100, conn=db)
    )
    assert wide["buffer"] == {"before": 2, "after": 5}  # the point 80 m out is now in the ring
    assert wide["target"] == {"before": 3, "after": 2}  # the target's own points stay out of it


def test_the_ring_is_a_ring(db, scene):
    area_ring, area_target = db.execute(
        sa.text(
            "SELECT ST_Area(ST_Difference(ST_Buffer(target_geom, 50), target_geom)), "
            "ST_Area(target_geom) FROM interventions WHERE id = :id"
        ),
        {"id": scene},
    ).one()
    geo = si.zone_geojson(scene, buffer_m=50, conn=db)
    assert geo["target"] and geo["buffer"] and geo["control"]
    assert area_target == pytest.approx(10_000)
    # 4 sides × 100 m × 50 m plus four quarter circles: the target itself is the hole.
    assert area_ring == pytest.approx(4 * 100 * 50 + math.pi * 50**2, rel=0.01)


def test_other_categories_can_be_asked_for(db, scene):
    counts = si.counts_summary(
        si.zone_counts(scene, before=BEFORE, after=AFTER, categories=["otrygg_plats"], conn=db)
    )
    assert counts["target"] == {"before": 0, "after": 1}


def test_daily_counts_in_the_target(db, scene):
    daily = si.daily_target_counts(scene, dt.date(2025, 1, 1), dt.date(2025, 12, 31), conn=db)
    assert dict(daily.iter_rows()) == {dt.date(2025, 3, 1): 3, dt.date(2025, 9, 1): 2}


def test_without_control_nothing_is_counted_as_control(db):
    iid = _intervention(db, control=False)
    _incident(db, X0 + 1050, Y0 + 50, dt.date(2025, 3, 1))
    _incident(db, X0 + 50, Y0 + 50, dt.date(2025, 3, 1))
    counts = si.counts_summary(si.zone_counts(iid, before=BEFORE, after=AFTER, conn=db))
    assert counts["control"] == {"before": 0, "after": 0}
    assert counts["target"] == {"before": 1, "after": 0}


def test_area_target_matches_an_independent_count(db):
    areas = db.execute(sa.text("SELECT id FROM areas ORDER BY id LIMIT 2")).scalars().all()
    if len(areas) < 2:
        pytest.skip("no areas loaded")
    org = db.execute(sa.text("SELECT min(id) FROM organisations")).scalar_one()
    iid = db.execute(
        sa.text(
            "INSERT INTO interventions (title, kind, categories, target_area_ids, control_area_ids, "
            "start_date, end_date, responsible_org_id) VALUES ('Områdesinsats', 'social', "
            "ARRAY['skadegorelse', 'otrygg_samling'], ARRAY[:a]::integer[], ARRAY[:c]::integer[], "
            ":s, :e, :org) RETURNING id"
        ),
        {"a": areas[0], "c": areas[1], "s": AFTER[0], "e": AFTER[1], "org": org},
    ).scalar_one()
    counts = si.counts_summary(si.zone_counts(iid, before=BEFORE, after=AFTER, conn=db))
    sql = (
        "SELECT count(*) FROM incidents WHERE area_id = :a AND category IN ('skadegorelse', "
        "'otrygg_samling') AND (occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :f AND :l"
    )
    for period, (f, last) in (("before", BEFORE), ("after", AFTER)):
        for zone, area in (("target", areas[0]), ("control", areas[1])):
            expected = db.execute(sa.text(sql), {"a": area, "f": f, "l": last}).scalar_one()
            assert counts[zone][period] == expected, (zone, period)


def test_log_entry_and_status_change_are_audited(db, scene):
    user = db.execute(sa.text("SELECT id, username FROM users ORDER BY id LIMIT 1")).one()
    si.add_log_entry(
        scene,
        entry_date=dt.date(2025, 8, 1),
        fidelity="delvis",
        note="Två pass inställda.",
        user_id=user.id,
        username=user.username,
        conn=db,
    )
    si.set_status(scene, "avslutad", username=user.username, conn=db)
    log = si.log_entries(scene, conn=db)
    assert log["fidelity"].to_list() == ["delvis"]
    actions = (
        db.execute(
            sa.text(
                "SELECT action FROM audit_log WHERE entity = 'interventions' AND entity_id = :i "
                "ORDER BY id"
            ),
            {"i": str(scene)},
        )
        .scalars()
        .all()
    )
    assert actions == ["logga_genomforande", "andra_status"]


def test_problem_picture_around_a_place_and_its_criteria(db):
    user = db.execute(sa.text("SELECT id, username FROM users ORDER BY id LIMIT 1")).one()
    place = db.execute(sa.text("SELECT id FROM places ORDER BY id LIMIT 1")).scalar()
    if place is None:
        pytest.skip("no places loaded")
    pid = sp.create_problem(
        title="Test runt en plats",
        description=None,
        categories=["skadegorelse"],
        place_id=place,
        radius_m=200,
        owner_org_id=None,
        user_id=user.id,
        username=user.username,
        conn=db,
    )
    radius = db.execute(
        sa.text("SELECT sqrt(ST_Area(p.geom) / pi()) FROM problem_pictures p WHERE p.id = :id"),
        {"id": pid},
    ).scalar_one()
    assert radius == pytest.approx(200, rel=0.01)
    with pytest.raises(ValueError, match="Motivera"):
        sp.save_criterion(
            pid,
            1,
            proposed=True,
            proposed_basis="x",
            met=False,
            justification="",
            user_id=user.id,
            username=user.username,
            conn=db,
        )
    sp.save_criterion(
        pid,
        1,
        proposed=True,
        proposed_basis="x",
        met=False,
        justification="Engångshändelser",
        user_id=user.id,
        username=user.username,
        conn=db,
    )
    crit = sp.criteria(pid, conn=db)
    assert crit.select("criterion", "proposed", "met").rows() == [(1, True, False)]
    n_audit = db.execute(
        sa.text(
            "SELECT count(*) FROM audit_log WHERE entity = 'problem_pictures' AND entity_id = :i"
        ),
        {"i": str(pid)},
    ).scalar_one()
    assert n_audit == 2


# --- issue 9: the follow-up's one read, the problem's selection dates and the CLI ----------------


def test_daily_zone_counts_add_up_to_the_zone_counts(db, scene):
    daily = si.zone_daily_counts(scene, BEFORE[0], AFTER[1], buffer_m=50, conn=db)
    assert set(daily.columns) == {"zone", "day", "category", "n"}

    def period(p):
        return {
            z: int(daily.filter(pl.col("zone") == z, pl.col("day").is_between(*p))["n"].sum())
            for z in ("target", "buffer", "control")
        }

    counts = si.counts_summary(si.zone_counts(scene, before=BEFORE, after=AFTER, conn=db))
    assert {z: {"before": period(BEFORE)[z], "after": period(AFTER)[z]} for z in counts} == counts
    # The local (Stockholm) date: an incident at 23:30 UTC on 31 Dec is on 1 January locally.
    late = dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC)
    db.execute(
        sa.text(
            "INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom, "
            "organisation_id) VALUES ('skadegorelse', 'klotter', :t, :t, "
            "ST_SetSRID(ST_MakePoint(:x, :y), 3006), (SELECT min(id) FROM organisations))"
        ),
        {"t": late, "x": X0 + 50, "y": Y0 + 50},
    )
    first_day = si.zone_daily_counts(scene, BEFORE[0], BEFORE[0], buffer_m=50, conn=db)
    assert first_day.filter(pl.col("zone") == "target")["n"].sum() == 1


def test_interventions_carry_the_dates_the_problem_was_picked(db):
    org = db.execute(sa.text("SELECT min(id) FROM organisations")).scalar_one()
    uid = db.execute(sa.text("SELECT min(id) FROM users")).scalar_one()
    pid = sp.create_problem(
        title="Testproblem",
        description=None,
        categories=["skadegorelse"],
        period_from=dt.date(2024, 7, 1),
        period_to=dt.date(2025, 5, 31),
        owner_org_id=org,
        user_id=uid,
        username="test",
        conn=db,
    )
    iid = si.create_intervention(
        title="Testinsats med problembild",
        description=None,
        kind="situationell",
        intervention_type_id=None,
        problem_id=pid,
        cause_hypothesis=None,
        categories=["skadegorelse"],
        target_wkt=_square(X0, Y0, 100),
        start_date=dt.date(2025, 7, 1),
        end_date=dt.date(2025, 12, 31),
        responsible_org_id=org,
        responsible_role=None,
        cost_sek=None,
        cost_of_inaction_sek=None,
        expected_effect=None,
        goal_reduction_pct=30,
        user_id=uid,
        username="test",
        conn=db,
    )
    row = si.interventions(conn=db).filter(pl.col("intervention_id") == iid).row(0, named=True)
    assert row["baseline"] == ai.DEFAULT_BASELINE  # the new default
    assert row["problem_period_to"] == dt.date(2025, 5, 31)
    created = db.execute(
        sa.text("SELECT (now() AT TIME ZONE 'Europe/Stockholm')::date")
    ).scalar_one()
    assert row["problem_created"] == row["created_date"] == created
    # Without an explicit baseline the column default applies too (migration 006).
    raw = db.execute(
        sa.text(
            "INSERT INTO interventions (title, kind, categories, target_geom, start_date, end_date) "
            "VALUES ('x', 'social', ARRAY['skadegorelse'], ST_GeomFromText(:t, 3006), "
            "'2025-01-01', '2025-02-01') RETURNING baseline"
        ),
        {"t": _square(X0, Y0, 100)},
    ).scalar_one()
    assert raw == "samma_period_forra_aret"


def test_cli_evaluate_tells_the_same_story_as_the_page(capsys):
    assert cli.main(["evaluate", str(KNOWN.displaced_intervention_id), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "displacement"
    assert out["smart"]["status"] == "omfordelat"  # never "uppnått" with displacement
    rr = out["estimates"]["rate_ratio"]
    assert rr["ci_low"] < rr["ratio"] < rr["ci_high"] < 1
    assert out["estimates"]["min_detectable_reduction_pct"] > 0
    assert out["dispersion"]["target"] >= 1

    assert cli.main(["evaluate", str(KNOWN.successful_intervention_id), "--json"]) == 0
    ok = json.loads(capsys.readouterr().out)
    assert ok["smart"]["status"] == "uppnatt" and ok["verdict"] in ("success", "diffusion")
    assert ok["smart"]["rate_ratio"]["ci_high"] < 1

    args = [str(KNOWN.successful_intervention_id), "--json", "--baseline", "foregaende_period"]
    assert cli.main(["evaluate", *args]) == 0
    before = json.loads(capsys.readouterr().out)
    assert any("regression mot medelvärdet" in w for w in before["warnings"])
    assert cli.main(["evaluate", "999999"]) == 2
