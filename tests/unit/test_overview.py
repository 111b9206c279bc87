"""Översikt's week-against-baseline figures on a hand-made data set."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from scipy import stats

from ostan_dash.analysis import overview

TZ = "Europe/Stockholm"


def frame(rows: list[tuple[str, str]]) -> pl.DataFrame:
    """(category, local timestamp) rows → an incident frame."""
    return pl.DataFrame(
        {
            "category": [c for c, _ in rows],
            "occurred_from": [dt.datetime.fromisoformat(t) for _, t in rows],
        }
    ).with_columns(pl.col("occurred_from").dt.replace_time_zone(TZ, ambiguous="latest"))


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        pytest.param(dt.date(2026, 11, 26), dt.date(2026, 11, 16), id="thursday"),
        pytest.param(dt.date(2026, 11, 23), dt.date(2026, 11, 16), id="monday"),
        pytest.param(dt.date(2026, 11, 22), dt.date(2026, 11, 9), id="sunday"),
        pytest.param(dt.date(2027, 1, 3), dt.date(2026, 12, 21), id="iso-week-53-boundary"),
    ],
)
def test_last_complete_week(today, monday):
    assert overview.last_complete_week(today) == monday


def test_week_vs_baseline_counts_and_mean():
    week = dt.date(2026, 11, 16)
    rows = [
        ("klotter", "2026-11-16 00:30"),
        ("klotter", "2026-11-22 23:59"),
        ("brand", "2026-11-18 12:00"),
    ]
    # baseline: 6 klotter spread over the 12 weeks before → mean 0.5; brand none
    rows += [
        ("klotter", f"2026-{m:02d}-{d:02d} 10:00")
        for m, d in [(8, 25), (9, 1), (9, 8), (10, 6), (11, 2), (11, 15)]
    ]
    rows += [
        ("klotter", "2026-11-23 00:00"),
        ("klotter", "2026-08-23 23:00"),
    ]  # outside both periods
    out = overview.week_vs_baseline(frame(rows), week_start=week, by=["category"])
    got = {r["category"]: r for r in out.iter_rows(named=True)}
    assert got["klotter"]["count"] == 2
    assert got["klotter"]["baseline_mean"] == pytest.approx(6 / 12)
    assert got["klotter"]["change_pct"] == pytest.approx(300.0)
    assert got["brand"]["count"] == 1 and got["brand"]["baseline_mean"] == 0
    assert got["brand"]["change_pct"] is None


def test_dst_night_belongs_to_its_local_week():
    # Sunday 2026-10-25 02:30 local (after the autumn change) is in ISO week 43, not 44.
    out = overview.week_vs_baseline(
        frame([("x", "2026-10-25 02:30")]), week_start=dt.date(2026, 10, 19), by=["category"]
    )
    assert out["count"].to_list() == [1]


def test_poisson_upper_tail_matches_scipy():
    p = overview.poisson_upper_tail([0, 3, 10], [2.0, 2.0, 2.0])
    assert p[0] == pytest.approx(1.0)
    assert p[1] == pytest.approx(1 - stats.poisson.cdf(2, 2.0))
    assert p[2] == pytest.approx(stats.poisson.sf(9, 2.0))


def test_weekly_series_fills_empty_weeks_with_zero():
    s = overview.weekly_series(
        frame([("a", "2026-11-17 10:00")]), last_week=dt.date(2026, 11, 16), weeks=3
    )
    assert s["count"].to_list() == [0, 0, 1]
    assert s["week_start"].to_list()[0] == dt.date(2026, 11, 2)


def test_one_incident_after_an_empty_baseline_is_not_unusual():
    week = dt.date(2026, 11, 16)
    out = overview.week_vs_baseline(
        frame([("brand", "2026-11-18 12:00")]), week_start=week, by=["category"]
    )
    assert out["unusual"].to_list() == [False]
    assert out["p_high"][0] > 0


def test_a_clear_spike_is_unusual_and_chance_is_corrected_for():
    week = dt.date(2026, 11, 16)
    base = [
        ("klotter", f"2026-{m:02d}-{d:02d} 10:00") for m, d in [(8, 25), (9, 8), (10, 6), (11, 2)]
    ]
    spike = [("klotter", "2026-11-17 22:00")] * 9
    # 20 quiet categories with one incident each now and one before: nothing to see there
    quiet = [(f"q{i}", "2026-11-17 10:00") for i in range(20)] + [
        (f"q{i}", "2026-10-01 10:00") for i in range(20)
    ]
    out = overview.week_vs_baseline(frame(base + spike + quiet), week_start=week, by=["category"])
    flagged = out.filter(pl.col("unusual"))["category"].to_list()
    assert flagged == ["klotter"]
