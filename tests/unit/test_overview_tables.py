"""Översikt's week as tables (analysis.overview_tables): counts against a hand count of the same
synthetic rows, the one correction over categories and areas against Benjamini–Hochberg on
their p-values, a doubled area flagged, and the Swedish tables as the page shows them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from ostan_dash.analysis import overview_tables as ot
from ostan_dash.analysis.hotspots import benjamini_hochberg

TZ = "Europe/Stockholm"
WEEK = dt.date(2026, 11, 16)  # a Monday
N_WEEKS = 120  # two years and twelve weeks back, and some
GROUPS = [  # (source, category, area_id, mean per week)
    ("est", "skadegorelse", 1, 4.0),
    ("est", "skadegorelse", 2, 3.0),
    ("est", "otrygg_plats", 1, 2.0),
    ("est", "otrygg_plats", None, 1.0),
    ("polis", "Misshandel", 2, 3.0),
    ("polis", "Misshandel", 3, 2.0),
]
NAMES = {1: "Centrum", 2: "Norr", 3: "Söder"}


def rows(seed: int = 7, extra_in_area_2: int = 0) -> list[tuple[str, str, int | None, dt.datetime]]:
    """Poisson counts per group and week at Tuesday noon, plus ``extra_in_area_2`` EST
    skadegörelse reports in area 2 on the Wednesday of the tested week."""
    rng = np.random.default_rng(seed)
    first = WEEK - dt.timedelta(weeks=N_WEEKS - 1)
    out = []
    for source, category, area, mean in GROUPS:
        for w, n in enumerate(rng.poisson(mean, size=N_WEEKS)):
            at = dt.datetime.combine(first + dt.timedelta(weeks=w, days=1), dt.time(12))
            out += [(source, category, area, at)] * int(n)
    wednesday = dt.datetime.combine(WEEK + dt.timedelta(days=2), dt.time(9))
    out += [("est", "skadegorelse", 2, wednesday)] * extra_in_area_2
    return out


def frame(data: list[tuple[str, str, int | None, dt.datetime]]) -> pl.DataFrame:
    """Rows → an incident frame typed as ``store.queries.incidents`` reads it."""
    return pl.DataFrame(
        data,
        schema={
            "source": pl.Utf8,
            "category": pl.Utf8,
            "area_id": pl.Int32,
            "occurred_from": pl.Datetime("us"),
        },
        orient="row",
    ).with_columns(
        pl.col("source").cast(pl.Categorical),
        pl.col("category").cast(pl.Categorical),
        pl.col("occurred_from").dt.replace_time_zone(TZ),
    )


def in_week(data, **match) -> int:
    """Hand count of the tested week's rows matching ``match`` (source/category/area)."""
    pos = {"source": 0, "category": 1, "area": 2}
    return sum(
        1
        for r in data
        if WEEK <= r[3].date() <= WEEK + dt.timedelta(days=6)
        and all(r[pos[k]] == v for k, v in match.items())
    )


@pytest.fixture(scope="module")
def doubled():
    data = rows(extra_in_area_2=25)
    return data, ot.week_figures(frame(data), week_start=WEEK, years=2)


def test_counts_are_the_weeks_rows_per_source_est_category_and_area(doubled):
    data, figs = doubled
    by = {
        name: {str(r[col]): r["count"] for r in t.iter_rows(named=True)}
        for name, t, col in [
            ("source", figs.by_source, "source"),
            ("category", figs.by_category, "category"),
            ("area", figs.by_area, "area_id"),
        ]
    }
    assert by["source"] == {
        "est": in_week(data, source="est"),
        "polis": in_week(data, source="polis"),
    }
    # categories are EST reports only: the police's crime group is not among them
    assert by["category"] == {
        "skadegorelse": in_week(data, category="skadegorelse"),
        "otrygg_plats": in_week(data, category="otrygg_plats"),
    }
    # areas count both sources; a report without an area is in no row
    assert by["area"] == {str(a): in_week(data, area=a) for a in (1, 2, 3)}


def test_categories_and_areas_are_one_family_and_a_doubled_area_is_flagged(doubled):
    _, figs = doubled
    assert figs.n_tests == 2 + 3
    p = np.concatenate([figs.by_category["p_high"], figs.by_area["p_high"]])
    n = np.concatenate([figs.by_category["count"], figs.by_area["count"]])
    expected = benjamini_hochberg(p, alpha=0.05) & (n >= 3)
    got = np.concatenate([figs.by_category["unusual"], figs.by_area["unusual"]])
    assert got.tolist() == expected.tolist()
    flagged = figs.by_area.filter(pl.col("unusual"))["area_id"].to_list()
    assert flagged == [2]
    names = ot.unusual_names(figs, NAMES)
    assert names[-1] == "Norr" and "Centrum" not in names and "Söder" not in names
    assert all(n in {"Skadegörelse", "Otrygg plats"} for n in names[:-1])


def test_without_a_change_nothing_is_flagged():
    figs = ot.week_figures(frame(rows(seed=11)), week_start=WEEK, years=2)
    assert ot.unusual_names(figs, NAMES) == []


def test_the_trend_has_thirteen_weeks_per_source_with_zeros_filled_in(doubled):
    data, figs = doubled
    series = figs.series.with_columns(pl.col("source").cast(pl.Utf8))
    assert series.group_by("source").len().sort("source").rows() == [("est", 13), ("polis", 13)]
    assert series["week_start"].max() == WEEK
    last = series.filter(pl.col("week_start") == WEEK).sort("source")["count"].to_list()
    assert last == [in_week(data, source="est"), in_week(data, source="polis")]


def test_scope_keeps_the_chosen_areas_or_everything():
    incidents = frame(rows())
    assert ot.in_scope(incidents, ()).height == incidents.height
    chosen = ot.in_scope(incidents, (1, 3))
    assert set(chosen["area_id"].unique().to_list()) == {1, 3}
    assert chosen.height == incidents.filter(pl.col("area_id").is_in([1, 3])).height


def test_a_card_without_rows_shows_zero_against_zero(doubled):
    _, figs = doubled
    got = ot.count_and_expected(
        figs.by_category, by="category", keys=["skadegorelse", "sarskilt_evenemang"]
    )
    row = figs.by_category.filter(pl.col("category") == "skadegorelse").row(0, named=True)
    assert got == {
        "skadegorelse": (row["count"], pytest.approx(row["expected"])),
        "sarskilt_evenemang": (0, 0.0),
    }


def test_the_category_details_are_labelled_rounded_and_signalled():
    by_category = pl.DataFrame(
        {
            "category": ["skadegorelse", "okand_kategori"],
            "count": [12, 2],
            "expected": [5.04, 2.96],
            "baseline_mean": [4.449, 3.0],
            "change_pct": [138.1, -32.4],
            "dispersion": [1.234, 1.0],
            "p_high": [0.00049, 0.8],
            "unusual": [True, False],
        }
    )
    got = ot.category_details(by_category, baseline_weeks=12)
    assert got.columns == [
        "Kategori",
        "Senaste veckan",
        "Förväntat",
        "Snitt 12 v",
        "Förändring %",
        "Spridning (varians/medel)",
        "p (ovanligt högt)",
        "Signal",
    ]
    assert got.rows() == [
        ("Skadegörelse", 12, 5.0, 4.4, 138.0, 1.23, 0.0, "Ovanligt högt"),
        ("okand_kategori", 2, 3.0, 3.0, -32.0, 1.0, 0.8, ""),
    ]


def test_the_area_table_has_names_and_counts_per_1000_inhabitants():
    by_area = pl.DataFrame(
        {
            "area_id": [2, 1],
            "count": [9, 3],
            "expected": [4.26, 3.0],
            "change_pct": [111.3, 0.0],
            "unusual": [True, False],
        }
    )
    areas = pl.DataFrame(
        {"area_id": [1, 2], "name": ["Centrum", "Norr"], "population": [6000, 1800]}
    )
    got = ot.area_details(by_area, areas)
    assert got.columns == [
        "Område",
        "Senaste veckan",
        "Förväntat",
        "Förändring %",
        "Per 1 000 inv.",
        "Signal",
    ]
    assert got.rows() == [
        ("Norr", 9, 4.3, 111.0, 5.0, "Ovanligt högt"),
        ("Centrum", 3, 3.0, 0.0, 0.5, ""),
    ]
