"""The veckolägesbild drafted from the data: pure functions, frames in, a JSON-ready dict out.

Every figure comes from the functions the pages use, with their defaults, so the document and
the screen agree:

- headline numbers and unusual weeks: Översikt's test (:func:`overview.week_vs_baseline`:
  seasonal expectation, negative binomial predictive tail; Farrington et al. 1996, Noufaily et
  al. 2013), with one Benjamini–Hochberg correction (Benjamini & Hochberg 1995) over every test
  the document reports: categories, areas and category × area (:func:`overview.flag_together`);
- the map: Karta's hot cells against the population (:func:`areas_compare.study_area`,
  :func:`areas_compare.grid_results`: exact test per cell, Benjamini–Yekutieli) and their change
  against the week before;
- hot times: the aoristic weekday × hour matrix (Ratcliffe 2002, :func:`hottimes.hot_time_matrix`);
- interventions: the SMART status decided by :func:`interventions.smart_status` (through
  :func:`interventions.follow_up_row`, in :mod:`.load`), never re-decided here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from ostan_dash import vocab
from ostan_dash.analysis import areas_compare as ac
from ostan_dash.analysis import events as events_ahead
from ostan_dash.analysis import overview
from ostan_dash.analysis.hottimes import hot_time_matrix
from ostan_dash.filters import period_expr
from ostan_dash.reports import flagged, sentences
from ostan_dash.reports.flagged import MAX_CHANGES
from ostan_dash.reports.periods import Period

SCHEMA_VERSION = 1
CLASSIFICATION = "Får delas inom samverkan"
BASELINE_WEEKS = 12
TREND_WEEKS = 13
CELL_SIZE = 250
MAP_STATUSES = ("ny", "växande", "het", "minskande")
"""Cell statuses drawn on the document's map (cold cells are left out: the week is short)."""
SOURCE_LABELS = {"est": "EST-rapporter", "polis": "Polisanmälda brott"}


def _num(x: Any, nd: int = 3) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else round(x, nd)


def week_tables(
    incidents: pl.DataFrame, week_start: dt.date, *, baseline_weeks: int = BASELINE_WEEKS
) -> tuple[int, pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Översikt's tests for the week: by source, and the document's one BH family.

    Returns ``years`` (earlier years in the expectation) and the tables by source, by EST
    category, by area (both sources) and by EST category × area, the last three flagged
    together (:func:`overview.flag_together`).
    """
    years = overview.years_of_history(
        week_start, overview.first_day(incidents), baseline_weeks=baseline_weeks
    )

    def test(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
        return overview.week_vs_baseline(
            frame.with_columns(pl.col(c).cast(pl.Utf8) for c in ("source", "category")),
            week_start=week_start,
            by=by,
            baseline_weeks=baseline_weeks,
            years=years,
        )

    est = incidents.filter(pl.col("source") == "est")
    by_source = test(incidents, ["source"])
    by_cat, by_area, by_cell = overview.flag_together(
        test(est, ["category"]),
        test(incidents.filter(pl.col("area_id").is_not_null()), ["area_id"]),
        test(est.filter(pl.col("area_id").is_not_null()), ["category", "area_id"]),
    )
    return years, by_source, by_cat, by_area, by_cell


def in_week(incidents: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Incidents whose time window starts in the period (local dates)."""
    return incidents.filter(pl.col("occurred_from").dt.date().is_between(period.start, period.end))


def change_rows(by_cat: pl.DataFrame, by_area: pl.DataFrame, by_cell: pl.DataFrame) -> pl.DataFrame:
    """The flagged rows of the family, strongest evidence first (``category``/``area_id`` null
    where a table has no such key)."""
    return flagged.flagged_rows(by_cell, by_cat, by_area, against="expected")


def change_sentences(
    changes: pl.DataFrame,
    week_frame: pl.DataFrame,
    area_names: Mapping[int, str],
    *,
    limit: int = MAX_CHANGES,
) -> list[str]:
    """One sentence per flagged row (at most ``limit``), with its peak times
    (:func:`flagged.row_subject`)."""
    out = []
    for r in changes.head(limit).iter_rows(named=True):
        what, where, times = flagged.row_subject(r, week_frame, area_names)
        out.append(sentences.change_sentence(what, where, r["count"], r["expected"], times))
    return out


_NO_CELLS = pl.DataFrame(
    schema={"unusual": pl.Boolean, "count": pl.Int64, "expected": pl.Float64, "p_high": pl.Float64}
)


def week_story(
    by_source: pl.DataFrame,
    by_cat: pl.DataFrame,
    by_area: pl.DataFrame,
    incidents: pl.DataFrame,
    *,
    week_start: dt.date,
    area_names: Mapping[int, str],
    n_tests: int,
) -> list[str]:
    """The week in three sentences, as Översikt opens in meeting mode: each source against its
    expectation, then the strongest flagged change with its peak times (or that nothing was
    unusual after the correction). The tables are Översikt's (:func:`overview.flag_together`), so
    the sentences and the cards below them cannot disagree."""
    src = {r["source"]: r for r in by_source.iter_rows(named=True)}
    story = [
        sentences.headline_sentence(
            label, int(src.get(key, {}).get("count", 0)), float(src.get(key, {}).get("expected", 0))
        )
        for key, label in SOURCE_LABELS.items()
    ]
    week_frame = incidents.filter(  # instants against local midnights: no per-row date
        period_expr((week_start, week_start + dt.timedelta(days=6)))
    )
    changes = change_rows(by_cat, by_area, _NO_CELLS)
    story += change_sentences(changes, week_frame, area_names, limit=1) or [
        sentences.no_change_sentence(n_tests)
    ]
    return story


def headline(by_source: pl.DataFrame, by_cat: pl.DataFrame) -> list[dict[str, Any]]:
    """The headline rows: each source, then each EST category (zeros where nothing happened)."""
    src = {r["source"]: r for r in by_source.iter_rows(named=True)}
    cat = {r["category"]: r for r in by_cat.iter_rows(named=True)}
    rows = []
    for key, label in SOURCE_LABELS.items():
        r = src.get(key, {})
        rows.append(_headline_row(key, label, r, group="source"))
    for key, label in vocab.CATEGORIES.items():
        rows.append(_headline_row(key, label, cat.get(key, {}), group="category"))
    return rows


def _headline_row(key: str, label: str, r: Mapping[str, Any], *, group: str) -> dict[str, Any]:
    count = int(r.get("count", 0))
    expected = float(r.get("expected", 0.0))
    return {
        "group": group,
        "key": key,
        "label": label,
        "count": count,
        "expected": _num(expected, 2),
        "change_pct": _num((count / expected - 1) * 100, 1) if expected > 0 else None,
        "p_high": _num(r.get("p_high"), 4),
        "unusual": bool(r.get("unusual", False)) if group == "category" else None,
        "text": sentences.headline_sentence(label, count, expected),
    }


def area_rows(by_area: pl.DataFrame, areas: pl.DataFrame) -> list[dict[str, Any]]:
    """Every area with incidents in the weeks read: count, expected, change and flag."""
    t = overview.per_population(by_area, areas).sort(["count", "name"], descending=[True, False])
    return [
        {
            "name": r["name"],
            "count": int(r["count"]),
            "expected": _num(r["expected"], 2),
            "change_pct": _num(r["change_pct"], 1),
            "per_1000": _num(r["per_1000"], 3),
            "unusual": bool(r["unusual"]),
        }
        for r in t.iter_rows(named=True)
    ]


def hotspot_map(
    incidents: pl.DataFrame,
    areas: pl.DataFrame,
    population: pl.DataFrame | None,
    period: Period,
    *,
    before: Period | None = None,
    against: str = "veckan före",
) -> dict[str, Any]:
    """Karta's hot cells for the period against ``before`` (default the week before, named
    ``against`` in the method text), with its default region and expectation (populated cells
    against the population; counts alone without a grid)."""
    has_pop = population is not None and not population.is_empty()
    region, expectation = ("befolkade", "befolkning") if has_pop else ("hela", "antal")
    study = ac.study_area(
        areas, cell_size=CELL_SIZE, population=population if has_pop else None, region=region
    )
    if before is None:
        before = Period(
            period.kind, period.start - dt.timedelta(days=7), period.start - dt.timedelta(days=1)
        )
    grid, _ = ac.grid_results(
        in_week(incidents, period), in_week(incidents, before), study, expectation=expectation
    )
    cells = grid.filter(pl.col("status").is_in(list(MAP_STATUSES))).select(
        pl.col("x0").round(1), pl.col("y0").round(1), "count", pl.col("expected").round(3), "status"
    )
    outlines = []
    for text in areas["geojson_wgs84"].to_list():
        for poly in ac.area_polygons_sweref(text) if text else []:
            outlines.append([np.round(ring, 0).tolist() for ring in poly])
    counts = dict(grid["status"].value_counts().iter_rows())
    view = map_view(in_week(incidents, period), cells, cell_size=CELL_SIZE, extent=study.extent)
    return {
        "cell_size": CELL_SIZE,
        "region": region,
        "expectation": expectation,
        "cells": cells.to_dicts(),
        "areas": outlines,
        "labels": _area_labels(areas),
        "view": view,
        "status_counts": {s: int(counts.get(s, 0)) for s in ac.STATUSES},
        "method": (
            f"Rutor om {CELL_SIZE} m. "
            + (
                "En ruta är het när den har fler händelser än väntat utifrån befolkningen "
                "(exakt binomialtest per ruta, Benjamini–Yekutieli, FDR 5 %)"
                if expectation == "befolkning"
                else "Getis-Ord Gi* på antalen (Benjamini–Yekutieli, FDR 5 %)"
            )
            + f"; ny, växande och minskande mot {against} (exakt test av rutans andel, "
            "Benjamini–Hochberg). Kalla rutor visas inte"
            + (", och bara befolkade rutor prövas." if region == "befolkade" else ".")
        ),
    }


def map_view(
    points: pl.DataFrame, cells: pl.DataFrame, *, cell_size: float, extent: Sequence[float]
) -> list[float]:
    """The map's window: the central 95 % of the week's points in x and in y, widened to hold
    every drawn cell (the whole extent when there are no points)."""
    pts = points.filter(pl.col("x").is_not_null() & pl.col("y").is_not_null())
    if pts.height < 2:
        return [float(v) for v in extent]
    x = pts["x"].to_numpy()
    y = pts["y"].to_numpy()
    box = [
        *np.quantile(x, [0.025]),
        *np.quantile(y, [0.025]),
        *np.quantile(x, [0.975]),
        *np.quantile(y, [0.975]),
    ]
    if cells.height:
        box = [
            min(box[0], float(cells["x0"].min())),
            min(box[1], float(cells["y0"].min())),
            max(box[2], float(cells["x0"].max()) + cell_size),
            max(box[3], float(cells["y0"].max()) + cell_size),
        ]
    return [round(float(v)) for v in box]


def _area_labels(areas: pl.DataFrame) -> list[dict[str, Any]]:
    out = []
    for name, text in zip(areas["name"].to_list(), areas["geojson_wgs84"].to_list(), strict=True):
        polys = ac.area_polygons_sweref(text) if text else []
        if not polys:
            continue
        ring = max((p[0] for p in polys), key=len)
        out.append(
            {
                "name": name,
                "x": round(float(ring[:, 0].mean())),
                "y": round(float(ring[:, 1].mean())),
            }
        )
    return out


def draft(
    period: Period,
    *,
    incidents: pl.DataFrame,
    areas: pl.DataFrame,
    population: pl.DataFrame | None = None,
    interventions: Sequence[Mapping[str, Any]] = (),
    focus_areas: Sequence[Mapping[str, Any]] = (),
    events: pl.DataFrame | None = None,
    drafted_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The veckolägesbild of ``period`` as plain JSON-able data (figures are added by
    :func:`ostan_dash.reports.figures.attach`).

    ``interventions`` are the running interventions with their SMART status already decided
    (:func:`ostan_dash.reports.load.intervention_rows`); ``focus_areas`` the quarter's;
    ``events`` the events calendar, whose occurrences in the week after the period (the week
    the Thursday meeting plans for) the document lists.
    """
    if period.kind != "vecka":
        raise ValueError("weekly.draft() skriver veckolägesbilder (kvartal: quarterly, år: annual)")
    years, by_source, by_cat, by_area, by_cell = week_tables(incidents, period.start)
    n_tests = by_cat.height + by_area.height + by_cell.height
    names = dict(zip(areas["area_id"].to_list(), areas["name"].to_list(), strict=True))
    week_frame = in_week(incidents, period)
    changes = change_sentences(change_rows(by_cat, by_area, by_cell), week_frame, names)
    hot = hot_time_matrix(week_frame)["weight"].to_numpy().reshape(7, 24)
    trend = overview.weekly_series(
        incidents, last_week=period.start, weeks=TREND_WEEKS, by=["source"]
    )
    trend = trend.with_columns(pl.col("source").cast(pl.Utf8))
    return {
        "schema": SCHEMA_VERSION,
        "kind": period.kind,
        "period": {
            "key": period.key,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
        },
        "title": period.title,
        "classification": CLASSIFICATION,
        "drafted_at": (drafted_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "data": {
            "incidents_total": int(incidents.height),
            "incidents_in_week": int(week_frame.height),
        },
        "headline": headline(by_source, by_cat),
        "method": overview.comparison_text(
            period.start, years=years, n_tests=n_tests, baseline_weeks=BASELINE_WEEKS
        ),
        "n_tests": n_tests,
        "changes": changes or [sentences.no_change_sentence(n_tests)],
        "n_changes": len(changes),
        "areas": area_rows(by_area, areas),
        "trend": {
            "weeks": [d.isoformat() for d in trend.filter(pl.col("source") == "est")["week_start"]],
            "series": {
                s: trend.filter(pl.col("source") == s)["count"].to_list() for s in SOURCE_LABELS
            },
        },
        "hotspots": hotspot_map(incidents, areas, population, period),
        "hottimes": {"weights": np.round(hot, 3).tolist(), "total": _num(hot.sum(), 1)},
        "interventions": [dict(r) for r in interventions],
        "focus_areas": [dict(r) for r in focus_areas],
        "week_ahead": (
            events_ahead.week_ahead(events, period.end + dt.timedelta(days=1))
            if events is not None
            else []
        ),
        "assessment": "",
        "recommendations": "",
    }
