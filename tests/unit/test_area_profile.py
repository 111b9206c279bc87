"""The Områden page's decisions (analysis.area_profile) on small worked frames."""

from __future__ import annotations

import polars as pl
import pytest

from ostan_dash.analysis import area_profile

SUMMARY = pl.DataFrame(
    {
        "area_id": [1, 2, 3],
        "criteria_met": [3, 2, 0],
        "n_worsened": [1, 0, 0],
        "worsened": [["pct_unsafe"], [], []],
    },
    schema_overrides={"worsened": pl.List(pl.Utf8)},
)
LONG = pl.DataFrame(
    {
        "area_id": [1, 2, 3, 1, 1, 1],
        "year": [2025, 2025, 2025, 2024, 2025, 2025],
        "indicator": ["pct_unsafe"] * 4 + ["est_per_1000", "police_per_1000"],
        "value": [10.0, 30.0, None, 99.0, 12.5, 4.0],
    }
)
POP = pl.DataFrame({"area_id": [1, 2], "year": [2025, 2025], "population": [2500.0, 800.0]})


def test_order_by_indicator_puts_the_highest_first_and_missing_last():
    ordered = area_profile.order_by_indicator(SUMMARY, LONG, year=2025, indicator="pct_unsafe")
    assert ordered["area_id"].to_list() == [2, 1, 3]
    assert ordered.columns == SUMMARY.columns


def test_without_an_indicator_the_summary_order_stays():
    same = area_profile.order_by_indicator(SUMMARY, LONG, year=2025, indicator=None)
    assert same.equals(SUMMARY)


@pytest.mark.parametrize(
    ("indicator", "unit"),
    [("police_per_1000", "per 1 000 inv."), ("organised_crime", ""), ("pct_not_working", "%")],
)
def test_map_unit(indicator, unit):
    assert area_profile.map_unit(indicator) == unit


def test_area_figures_add_est_and_police_rates_of_the_year():
    f = area_profile.area_figures(SUMMARY, LONG, POP, area_id=1, year=2025)
    assert f == area_profile.AreaFigures(3, 1, ("pct_unsafe",), 2500.0, 12.5 + 4.0)


def test_area_figures_without_an_est_rate_or_population_give_none():
    f = area_profile.area_figures(SUMMARY, LONG, POP, area_id=3, year=2025)
    assert (f.population, f.events_per_1000) == (None, None)


def test_focus_rows_carry_the_proposed_score_or_none():
    scores = pl.DataFrame({"area_id": [5, 7], "score": [3.25, 1.0]})
    rows = area_profile.focus_rows([(1, 7, "Ökning"), (2, 9, "")], scores)
    assert rows == [
        {"area_id": 7, "rank": 1, "score": 1.0, "rationale": "Ökning"},
        {"area_id": 9, "rank": 2, "score": None, "rationale": ""},
    ]


def test_unknown_share_under_18_stays_unknown_through_the_criteria_and_the_matrix():
    """A population file without 0–17 years (SCB's 5-year bands) stores NULL: the criterion is
    neither met nor compared with a municipal 0 or NaN, and the cell says 'uppgift saknas'."""
    from ostan_dash.analysis import areas
    from ostan_dash.ui import area_views

    ind = pl.DataFrame(
        {
            "area_id": [1, 2],
            "year": [2024, 2024],
            "population": [100, 300],
            **{k: [10.0, 30.0] for k in areas.NUMERIC_INDICATORS},
            "organised_crime": [False, False],
        }
    ).with_columns(pl.lit(None, dtype=pl.Float64).alias("pct_under18"))
    municipal = areas.municipal_values(ind)
    assert municipal["pct_under18"].to_list() == [None]
    assert municipal["pct_unsafe"].to_list() == [25.0]  # (10·100 + 30·300) / 400
    long = areas.criteria_long(ind).filter(pl.col("indicator") == "pct_under18")
    assert (
        long.select("value", "municipal", "level", "met").rows() == [(None, None, None, False)] * 2
    )
    assert area_views.cell_text("pct_under18", None, None, False) == "uppgift saknas"
