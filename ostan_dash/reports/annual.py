"""The årsanalys drafted from the data: pure functions, frames in, a JSON-ready dict out.

The EST rhythm (shared/DOMAIN.md): every year, follow up the year's interventions, describe
and assess every area (for prioritisation and for change over time) and evaluate how the
cooperation itself worked (the analyst's text). Every figure comes from the functions the
pages use:

- headline numbers and unusual rows: the year against the year before with the
  veckolägesbild's negative binomial test and one Benjamini–Hochberg family (:mod:`.compare`);
- every area: its criteria matrix from Områden (:func:`areas.criteria_long` with the analyst's
  thresholds, :func:`areas.area_summary`) for the latest indicator year up to the document's,
  and its incidents per year (EST reports and police crimes);
- interventions: the SMART status of :func:`interventions.smart_status` through
  :func:`interventions.follow_up_row` (:func:`ostan_dash.reports.load.intervention_rows`);
- the map: Karta's hot cells for the year and their change against the year before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from ostan_dash.analysis import areas as aa
from ostan_dash.analysis import overview
from ostan_dash.reports import compare, sentences, weekly
from ostan_dash.reports.periods import Period

SCHEMA_VERSION = 1
TREND_YEARS = 5
SECTIONS = (
    "Året i siffror",
    "Det viktigaste",
    "Bedömning",
    "Uppföljning av årets insatser",
    "Årets fokusområden",
    "Områdena: kriterier och trend",
    "Heta rutor under året",
    "Trend per år",
    "Hur samverkan fungerat",
)
"""The section titles, in the order of the template (``ar.html``)."""


def yearly_counts(incidents: pl.DataFrame, years: Sequence[int]) -> pl.DataFrame:
    """Incidents per area, calendar year (local time) and source for ``years`` (zeros filled).

    Returns ``area_id``, ``year``, ``est``, ``polis``, ``total``.
    """
    counts = (
        incidents.filter(pl.col("area_id").is_not_null())
        .select(
            pl.col("area_id").cast(pl.Int64),
            year=pl.col("occurred_from").dt.year().cast(pl.Int64),
            source=pl.col("source").cast(pl.Utf8),
        )
        .filter(pl.col("year").is_in(list(years)))
        .group_by("area_id", "year")
        .agg(
            est=(pl.col("source") == "est").sum().cast(pl.Int64),
            polis=(pl.col("source") == "polis").sum().cast(pl.Int64),
        )
    )
    grid = (
        counts.select("area_id")
        .unique()
        .join(pl.DataFrame({"year": list(years)}, schema={"year": pl.Int64}), how="cross")
    )
    return (
        grid.join(counts, on=["area_id", "year"], how="left")
        .with_columns(pl.col("est", "polis").fill_null(0))
        .with_columns(total=pl.col("est") + pl.col("polis"))
        .sort("area_id", "year")
    )


def year_series(incidents: pl.DataFrame, years: Sequence[int]) -> dict[str, Any]:
    """Counts per calendar year and source (the whole municipality)."""
    c = (
        incidents.select(
            year=pl.col("occurred_from").dt.year().cast(pl.Int64),
            source=pl.col("source").cast(pl.Utf8),
        )
        .filter(pl.col("year").is_in(list(years)))
        .group_by("year", "source")
        .agg(n=pl.len())
    )
    got = {(r["year"], r["source"]): int(r["n"]) for r in c.iter_rows(named=True)}
    return {
        "labels": [str(y) for y in years],
        "series": {s: [got.get((y, s), 0) for y in years] for s in compare.SOURCE_LABELS},
    }


def indicator_year(indicators: pl.DataFrame, year: int) -> int | None:
    """The latest year of official statistics up to ``year`` (None when there is none)."""
    ys = (
        [y for y in indicators["year"].unique().to_list() if y <= year] if indicators.height else []
    )
    return max(ys) if ys else None


def area_profiles(
    areas: pl.DataFrame,
    long: pl.DataFrame | None,
    *,
    indicator_year: int | None,
    yearly: pl.DataFrame,
    years: Sequence[int],
    tested: Sequence[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """Every area described: its criteria matrix row, criteria met and worsened, a sentence, its
    incidents per year and the year's test against the year before.

    ``long``: :func:`areas.criteria_long`; ``yearly``: :func:`yearly_counts`; ``tested``:
    :func:`compare.area_rows` of the year (``unusual``, ``change_pct``). Sorted by criteria met,
    then worsenings, then incidents this year.
    """
    crit = (
        long.filter((pl.col("year") == indicator_year) & pl.col("criterion").is_not_null())
        if long is not None and indicator_year is not None
        else None
    )
    summary = (
        {r["area_id"]: r for r in aa.area_summary(long, year=indicator_year).iter_rows(named=True)}
        if crit is not None
        else {}
    )
    test = {int(r["area_id"]): r for r in tested}
    out = []
    for a in areas.iter_rows(named=True):
        aid = int(a["area_id"])
        cells = {}
        if crit is not None:
            for r in crit.filter(pl.col("area_id") == aid).iter_rows(named=True):
                cells[r["indicator"]] = {
                    "value": compare._num(r["value"], 1),
                    "municipal": compare._num(r["municipal"], 1),
                    "level": r["level"],
                    "met": bool(r["met"]),
                    "change": compare._num(r["change"], 1),
                    "worsened": bool(r["worsened"]),
                }
        s = summary.get(aid)
        met_labels = [aa.INDICATORS[k] for k in aa.INDICATORS if cells.get(k, {}).get("met", False)]
        worsened = [aa.INDICATORS[k] for k in (s["worsened"] if s else [])]
        ys = yearly.filter(pl.col("area_id") == aid).sort("year")
        by_year = {r["year"]: r for r in ys.iter_rows(named=True)}
        t = test.get(aid, {})
        out.append(
            {
                "area_id": aid,
                "name": a["name"],
                "population": int(a["population"]) if a["population"] is not None else None,
                "criteria_met": int(s["criteria_met"]) if s else 0,
                "n_worsened": int(s["n_worsened"]) if s else 0,
                "matrix": cells,
                "text": sentences.area_sentence(
                    a["name"],
                    met=int(s["criteria_met"]) if s else 0,
                    met_labels=met_labels,
                    worsened=worsened,
                    year=indicator_year if cells else None,
                ),
                "yearly": {
                    k: [int(by_year.get(y, {}).get(k, 0)) for y in years]
                    for k in ("est", "polis", "total")
                },
                "change_pct": t.get("change_pct"),
                "unusual": bool(t.get("unusual", False)),
            }
        )
    return sorted(
        out, key=lambda p: (-p["criteria_met"], -p["n_worsened"], -p["yearly"]["total"][-1])
    )


def focus_of_year(focus: pl.DataFrame, year: int) -> list[dict[str, Any]]:
    """The focus areas recorded for each quarter of ``year``."""
    rows = focus.filter(pl.col("quarter_start").dt.year() == year).sort("quarter_start", "rank")
    return [
        {
            "quarter": aa.quarter_label(r["quarter_start"]),
            "rank": int(r["rank"]),
            "area": r["area"],
            "rationale": r["rationale"] or "",
        }
        for r in rows.iter_rows(named=True)
    ]


def draft(
    period: Period,
    *,
    incidents: pl.DataFrame,
    areas: pl.DataFrame,
    population: pl.DataFrame | None = None,
    indicators: pl.DataFrame | None = None,
    thresholds: aa.Thresholds = aa.DEFAULT_THRESHOLDS,
    indicator_counts: pl.DataFrame | None = None,
    interventions: Sequence[Mapping[str, Any]] = (),
    focus: pl.DataFrame | None = None,
    drafted_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The årsanalys of ``period`` as plain JSON-able data (figures are added by
    :func:`ostan_dash.reports.figures.attach`).

    ``indicators``: ``area_indicators`` (:func:`ostan_dash.store.areas.indicators`) and
    ``indicator_counts`` the incident counts Områden adds as rates; ``interventions``: those
    running in the year with their SMART status already decided; ``focus``: the recorded focus
    areas (:func:`ostan_dash.store.areas.focus_areas`).
    """
    if period.kind != "ar":
        raise ValueError("annual.draft() skriver årsanalyser")
    head, frame, by_area = compare.document_head(
        period,
        incidents=incidents,
        areas=areas,
        drafted_at=drafted_at,
        schema=SCHEMA_VERSION,
        classification=weekly.CLASSIFICATION,
    )
    prev = compare.before(period)
    first = overview.first_day(incidents)
    first_year = first.year if first is not None else period.start.year
    years = list(range(max(first_year, period.start.year - TREND_YEARS + 1), period.start.year + 1))
    ind_year = indicator_year(indicators, period.start.year) if indicators is not None else None
    long = (
        aa.criteria_long(indicators, thresholds=thresholds, counts=indicator_counts)
        if indicators is not None and indicators.height
        else None
    )
    area_tests = compare.area_rows(by_area, areas)
    return {
        **head,
        "areas": area_tests,
        "years": years,
        "trend": year_series(incidents, years),
        "indicator_year": ind_year,
        "indicators": dict(aa.INDICATORS),
        "area_profiles": area_profiles(
            areas,
            long,
            indicator_year=ind_year,
            yearly=yearly_counts(incidents, years),
            years=years,
            tested=area_tests,
        ),
        "hotspots": weekly.hotspot_map(
            incidents, areas, population, period, before=prev, against="året före"
        ),
        "interventions": [dict(r) for r in interventions],
        "focus_year": focus_of_year(focus, period.start.year) if focus is not None else [],
        "assessment": "",
        "recommendations": "",
        "cooperation": "",
    }
