"""The veckolägesbild's own choices: one BH family over everything it reports, sentences for the
flagged rows only, a map on plain x/y axes and HTML that escapes what the analyst wrote.

Null test: seasonal negative binomial counts per area × category with no change (the
generator of Översikt's null test); the document should name a change in at most ~5 % of
weeks (Benjamini–Hochberg bounds the false discovery rate, which under the global null is the
chance of naming anything at all)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from ostan_dash.reports import figures, render, weekly
from ostan_dash.reports.periods import week
from tests.unit.test_overview import seasonal_nb

TZ = "Europe/Stockholm"
AREAS, CATS = 5, 4
CATEGORIES = ["skadegorelse", "otrygg_plats", "otrygg_samling", "annat_otryggt"]
LAST = dt.date(2026, 11, 23)  # Monday of v. 48
N_WEEKS = 66  # one earlier year for the seasonal expectation


def incidents(
    counts: np.ndarray,
    rng: np.random.Generator,
    *,
    first_monday: dt.date = LAST - dt.timedelta(weeks=N_WEEKS - 1),
) -> pl.DataFrame:
    """An incident frame from (areas, categories, weeks) counts, at random minutes of each week
    counted from ``first_monday``."""
    a, c, w = np.nonzero(counts)
    n = counts[a, c, w]
    a, c, w = (np.repeat(v, n) for v in (a, c, w))
    first = dt.datetime.combine(first_monday, dt.time(0))
    minutes = rng.integers(0, 7 * 24 * 60, size=a.size)
    start = [
        first + dt.timedelta(weeks=int(wk), minutes=int(m))
        for wk, m in zip(w, minutes, strict=True)
    ]
    return (
        pl.DataFrame(
            {
                "id": np.arange(a.size),
                "source": "est",
                "category": [CATEGORIES[i] for i in c],
                "area_id": (a + 1).astype(np.int32),
                "occurred_from": start,
            }
        )
        .with_columns(
            pl.col("occurred_from").dt.replace_time_zone(
                TZ, ambiguous="earliest", non_existent="null"
            ),
        )
        .drop_nulls("occurred_from")
        .with_columns(occurred_to=pl.col("occurred_from"))
    )


def changes(frame: pl.DataFrame) -> list[str]:
    _, _, by_cat, by_area, by_cell = weekly.week_tables(frame, LAST)
    names = {i: f"Område {i}" for i in range(1, AREAS + 1)}
    return weekly.change_sentences(
        weekly.change_rows(by_cat, by_area, by_cell), weekly.in_week(frame, week(LAST)), names
    )


@pytest.fixture(scope="module")
def null_counts() -> np.ndarray:
    rng = np.random.default_rng(48)
    counts, _ = seasonal_nb(rng, (60, AREAS, CATS), weeks=N_WEEKS, mean=2.5, nb_alpha=0.1)
    return counts


def test_null_weeks_rarely_name_a_change(null_counts):
    """Measured: a change named in 1 of 60 null weeks (1,7 %); 0,06 % of the 29 tests flagged."""
    rng = np.random.default_rng(1)
    named = [bool(changes(incidents(c, rng))) for c in null_counts]
    assert np.mean(named) <= 0.07, np.mean(named)


def test_a_weekend_spike_is_named_with_its_times(null_counts):
    rng = np.random.default_rng(2)
    frame = incidents(null_counts[0], rng)
    friday = dt.datetime.combine(LAST + dt.timedelta(days=4), dt.time(20))
    saturday = friday + dt.timedelta(days=1, hours=1)
    spike = pl.DataFrame(
        {
            "id": np.arange(10**6, 10**6 + 16),
            "source": "est",
            "category": "skadegorelse",
            "area_id": np.int32(3),
            "occurred_from": [friday] * 8 + [saturday] * 8,
        }
    ).with_columns(pl.col("occurred_from").dt.replace_time_zone(TZ))
    frame = pl.concat([frame, spike.with_columns(occurred_to=pl.col("occurred_from"))])
    said = changes(frame)
    assert said, "the spike was not named"
    assert said[0].startswith("Skadegörelse i Område 3: ")
    assert said[0].endswith(", främst fredag och lördag kväll.")


def test_one_family_over_categories_areas_and_cells(null_counts):
    frame = incidents(null_counts[1], np.random.default_rng(3))
    _, by_source, by_cat, by_area, by_cell = weekly.week_tables(frame, LAST)
    assert (by_cat.height, by_area.height, by_cell.height) == (CATS, AREAS, AREAS * CATS)
    assert by_source["count"].sum() == weekly.in_week(frame, week(LAST)).height


DOC = {
    "kind": "vecka",
    "title": "Veckolägesbild v.\u00a048 2026",
    "classification": weekly.CLASSIFICATION,
    "period": {"key": "2026-W48", "start": "2026-11-23", "end": "2026-11-29", "label": "v. 48"},
    "drafted_at": "2026-12-05T09:00:00+00:00",
    "data": {"incidents_total": 10, "incidents_in_week": 3},
    "headline": [
        {
            "group": "source",
            "label": "EST-rapporter",
            "count": 3,
            "expected": 2.5,
            "change_pct": 20.0,
            "unusual": None,
        },
    ],
    "method": "Metod.",
    "changes": ["Skadegörelse i Ekby: 3 mot normalt 1, främst fredag kväll."],
    "areas": [],
    "trend": {"weeks": ["2026-11-16", "2026-11-23"], "series": {"est": [2, 3], "polis": [1, 1]}},
    "hotspots": {
        "cell_size": 250,
        "method": "Rutor.",
        "view": [0, 0, 1000, 800],
        "cells": [{"x0": 250.0, "y0": 250.0, "count": 3, "expected": 0.5, "status": "het"}],
        "areas": [[[[0, 0], [1000, 0], [1000, 800], [0, 800], [0, 0]]]],
        "labels": [{"name": "Ekby", "x": 500, "y": 400}],
        "status_counts": {"ny": 0, "växande": 0, "het": 1, "minskande": 0, "kall": 0},
    },
    "hottimes": {"weights": np.zeros((7, 24)).tolist(), "total": 3.0},
    "interventions": [],
    "focus_areas": [],
    "assessment": "<script>alert(1)</script> Lugn vecka.",
    "recommendations": "Fotpatrull fredag kväll.",
}


def test_the_map_is_plain_xy_with_equal_aspect():
    fig = figures.build(DOC)["map"]
    assert {t.type for t in fig.data} == {"scatter"}  # no geo or tile traces: nothing fetched
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    hot = next(t for t in fig.data if t.name and t.name.startswith("Het"))
    assert list(hot.x[:5]) == [250.0, 500.0, 500.0, 250.0, 250.0]


def test_html_escapes_the_analysts_text_and_states_the_draft():
    page = render.html(DOC)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "Utkast – inte publicerat" in page
    assert "Får delas inom samverkan" in page
    published = render.html(
        DOC,
        publication={
            "version": 2,
            "published_at": "2026-12-03T08:15:00+00:00",
            "published_by": "Anna Analytiker",
        },
    )
    assert "version 2, 2026-12-03 09:15 av Anna Analytiker" in published


def _story(frame: pl.DataFrame) -> list[str]:
    """Översikt's week in three sentences, from Översikt's own two tables (no cells)."""
    from ostan_dash.analysis import overview

    def against(f: pl.DataFrame, by: str) -> pl.DataFrame:
        return overview.week_vs_baseline(f, week_start=LAST, by=[by], baseline_weeks=12, years=1)

    by_cat, by_area = overview.flag_together(against(frame, "category"), against(frame, "area_id"))
    return weekly.week_story(
        against(frame, "source"),
        by_cat,
        by_area,
        frame,
        week_start=LAST,
        area_names={i: f"Område {i}" for i in range(1, AREAS + 1)},
        n_tests=by_cat.height + by_area.height,
    )


def test_the_week_in_three_sentences(null_counts):
    frame = incidents(null_counts[2], np.random.default_rng(4))
    story = _story(frame)
    in_week = weekly.in_week(frame, week(LAST)).height
    assert len(story) == 3
    assert story[0].startswith(f"EST-rapporter: {in_week} (förväntat ")
    assert story[1].startswith("Polisanmälda brott: 0 (förväntat 0")
    assert story[2].startswith("Ingen kategori, inget område")  # a null week
    friday = dt.datetime.combine(LAST + dt.timedelta(days=4), dt.time(21))
    spike = pl.DataFrame(
        {
            "id": np.arange(10**6, 10**6 + 30),
            "source": "est",
            "category": "skadegorelse",
            "area_id": np.int32(2),
            "occurred_from": [friday] * 30,
        }
    ).with_columns(pl.col("occurred_from").dt.replace_time_zone(TZ))
    spiked = _story(pl.concat([frame, spike.with_columns(occurred_to=pl.col("occurred_from"))]))
    assert spiked[2].startswith(("Skadegörelse i hela kommunen: ", "Alla händelser i Område 2: "))
    assert spiked[2].endswith("främst fredag kväll.")
