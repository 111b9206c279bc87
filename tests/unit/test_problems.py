"""Criteria proposals 1, 2, 4, 5 and the ranking of problem pictures, on hand-made incidents."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from ostan_dash.analysis import problems as ap

REF = dt.date(2026, 11, 26)
TZ = "Europe/Stockholm"


def _incidents(
    days_ago: list[int],
    xy: list[tuple[float, float]] | None = None,
    *,
    hour: int = 21,
    category: str = "skadegorelse",
    object_type: str | None = None,
) -> pl.DataFrame:
    t = [dt.datetime.combine(REF - dt.timedelta(days=int(d)), dt.time(hour)) for d in days_ago]
    xy = xy or [(500_000.0, 6_500_000.0)] * len(t)
    return pl.DataFrame(
        {
            "occurred_from": t,
            "occurred_to": t,
            "x": [p[0] for p in xy],
            "y": [p[1] for p in xy],
            "category": [category] * len(t),
            "object_type": [object_type] * len(t),
        }
    ).with_columns(pl.col("occurred_from", "occurred_to").dt.replace_time_zone(TZ))


LIMITS = ap.thresholds({"min_antal": 20, "okning_pct": 20})


def test_frequency_common_enough():
    p = ap.propose_frequency(_incidents(list(range(1, 300, 12))), reference=REF, limits=LIMITS)
    assert p.met is True  # 25 in the last year
    assert p.basis.startswith("25 händelser")


def test_frequency_significant_increase_counts_even_when_rare():
    limits = ap.thresholds({"min_antal": 100})
    rising = _incidents(list(range(1, 360, 8)) + list(range(370, 720, 50)))  # 45 vs 7
    p = ap.propose_frequency(rising, reference=REF, limits=limits)
    assert p.met is True
    assert "ökning" in p.basis
    flat = _incidents(list(range(1, 360, 30)) + list(range(370, 720, 30)))  # 12 vs 12
    assert ap.propose_frequency(flat, reference=REF, limits=limits).met is False


def test_frequency_ignores_a_chance_rise():
    limits = ap.thresholds({"min_antal": 100, "okning_pct": 20})
    p = ap.propose_frequency(_incidents([10, 20, 30, 400, 500]), reference=REF, limits=limits)
    assert p.met is False  # 3 vs 2 is +50 % but p ≫ 0.05


def test_concentration_hot_spot_that_still_holds():
    rng = np.random.default_rng(1)
    n = 200
    hot = [
        (500_050.0 + rng.uniform(-40, 40), 6_500_050.0 + rng.uniform(-40, 40)) for _ in range(120)
    ]
    spread = [(rng.uniform(495_000, 505_000), rng.uniform(6_495_000, 6_505_000)) for _ in range(80)]
    days = list(rng.integers(1, 365, n))
    p = ap.propose_concentration(_incidents(days, hot + spread), reference=REF, limits=LIMITS)
    assert p.met is True
    assert "hot spot som håller i sig" in p.basis


def test_concentration_not_met_when_spread_out():
    rng = np.random.default_rng(2)
    xy = [(rng.uniform(495_000, 505_000), rng.uniform(6_495_000, 6_505_000)) for _ in range(150)]
    p = ap.propose_concentration(
        _incidents(list(rng.integers(1, 365, 150)), xy), reference=REF, limits=LIMITS
    )
    assert p.met is False


def test_concentration_that_faded_last_quarter_is_not_met():
    rng = np.random.default_rng(3)
    old_hot = [(500_050.0, 6_500_050.0)] * 100
    old_days = list(rng.integers(120, 365, 100))
    new_xy = [(rng.uniform(495_000, 505_000), rng.uniform(6_495_000, 6_505_000)) for _ in range(60)]
    new_days = list(rng.integers(1, 90, 60))
    p = ap.propose_concentration(
        _incidents(old_days + new_days, old_hot + new_xy), reference=REF, limits=LIMITS
    )
    assert p.met is False
    assert "håller inte i sig" in p.basis


def test_concentration_with_too_few_incidents_is_left_to_the_analyst():
    p = ap.propose_concentration(_incidents([1, 2, 3]), reference=REF, limits=LIMITS)
    assert p.met is None


def test_vulnerable_places_nearby():
    inc = _incidents(list(range(1, 50)))
    near = pl.DataFrame(
        {
            "name": ["Solhöjdsskolan", "Kiosk"],
            "kind": ["skola", "annan"],
            "critical": [False, False],
            "n_near": [12, 40],
        }
    )
    p = ap.propose_vulnerable(inc, near, reference=REF, limits=LIMITS)
    assert p.met is True and "Solhöjdsskolan" in p.basis and "Kiosk" not in p.basis
    few = near.with_columns(pl.col("n_near").clip(upper_bound=2))
    assert ap.propose_vulnerable(inc, few, reference=REF, limits=LIMITS).met is False
    schools = _incidents(list(range(1, 50)), object_type="skola")
    assert ap.propose_vulnerable(schools, few, reference=REF, limits=LIMITS).met is True


def test_cost_from_unit_costs():
    inc = pl.concat(
        [
            _incidents(list(range(1, 31))),  # 30 skadegörelse
            _incidents(list(range(1, 11)), category="otrygg_plats"),
            _incidents([400, 500]),  # older than a year: not counted
        ]
    )
    costs = {"skadegorelse": 9000, "otrygg_plats": 1500}
    p = ap.propose_cost(inc, reference=REF, unit_costs=costs, limits=ap.thresholds({}))
    assert ap.estimated_cost({"skadegorelse": 30, "otrygg_plats": 10}, costs) == 285_000
    assert p.met is True
    assert "285\u00a0000 kr" in p.basis
    cheap = ap.propose_cost(
        inc, reference=REF, unit_costs={"skadegorelse": 100}, limits=ap.thresholds({})
    )
    assert cheap.met is False


def test_propose_criteria_has_six_rows_and_leaves_3_and_6_to_judgement():
    inc = _incidents(list(range(1, 100, 3)))
    near = pl.DataFrame(
        schema={"name": pl.Utf8, "kind": pl.Utf8, "critical": pl.Boolean, "n_near": pl.Int64}
    )
    df = ap.propose_criteria(inc, near, reference=REF, unit_costs={"skadegorelse": 9000})
    assert df["criterion"].to_list() == [1, 2, 3, 4, 5, 6]
    assert df.filter(pl.col("criterion").is_in([3, 6]))["proposed"].null_count() == 2
    assert df.filter(pl.col("criterion") == 1)["proposed"].item() is True


def test_ranking_counts_decisions_and_drops_closed_pictures():
    problems = pl.DataFrame(
        {
            "problem_id": [1, 2, 3, 4],
            "title": ["A", "B", "C", "D"],
            "status": ["oppen", "atgardas", "oppen", "avslutad"],
        }
    )
    rows = []
    decided = {
        1: [True, False, True, False, False, True],
        2: [True] * 5 + [False],
        3: [True, None, None, None, None, None],
        4: [True] * 6,
    }
    for pid, mets in decided.items():
        for k, met in enumerate(mets, start=1):
            rows.append({"problem_id": pid, "criterion": k, "proposed": True, "met": met})
    ranked = ap.rank_problems(problems, pl.DataFrame(rows))
    assert ranked["problem_id"].to_list() == [2, 1, 3]
    assert ranked["rank"].to_list() == [1, 2, 3]
    assert ranked.filter(pl.col("problem_id") == 1)["met_criteria"].item() == "1, 3, 6"
    assert ranked.filter(pl.col("problem_id") == 3)["undecided"].item() == 5
