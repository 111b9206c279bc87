"""What the Områden page decides from the criteria (no Streamlit, no database): the matrix
order, the unit of a mapped measure, one area's key figures and the focus areas to record.

The frames are those of :mod:`ostan_dash.analysis.areas`: ``long`` from
:func:`~ostan_dash.analysis.areas.criteria_long`, ``summary`` from
:func:`~ostan_dash.analysis.areas.area_summary`.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from ostan_dash.analysis.areas import RATES


def order_by_indicator(
    summary: pl.DataFrame, long: pl.DataFrame, *, year: int, indicator: str | None
) -> pl.DataFrame:
    """The summary sorted by one indicator's value in ``year``, highest first and areas without a
    value last; ``indicator=None`` keeps the summary's own order (criteria met)."""
    if indicator is None:
        return summary
    by_value = long.filter((pl.col("year") == year) & (pl.col("indicator") == indicator)).select(
        "area_id", "value"
    )
    return (
        summary.join(by_value, on="area_id", how="left")
        .sort("value", descending=True, nulls_last=True)
        .drop("value")
    )


def map_unit(indicator: str) -> str:
    """The unit a mapped measure is read in: rates per 1 000 inhabitants, organised crime none,
    the rest percent.

    >>> map_unit("est_per_1000"), map_unit("organised_crime"), map_unit("pct_unsafe")
    ('per 1 000 inv.', '', '%')
    """
    if indicator in RATES:
        return "per 1 000 inv."
    return "" if indicator == "organised_crime" else "%"


@dataclasses.dataclass(frozen=True)
class AreaFigures:
    """One area's key figures in a year."""

    criteria_met: int
    n_worsened: int
    worsened: tuple[str, ...]
    population: float | None
    events_per_1000: float | None


def area_figures(
    summary: pl.DataFrame, long: pl.DataFrame, populations: pl.DataFrame, *, area_id: int, year: int
) -> AreaFigures:
    """Criteria met, the worsened criteria, inhabitants and events per 1 000 inhabitants (EST
    reports plus police-reported crime; None when the year has no EST rate for the area)."""
    row = summary.filter(pl.col("area_id") == area_id).row(0, named=True)
    cur = long.filter((pl.col("area_id") == area_id) & (pl.col("year") == year))
    rate = {r["indicator"]: r["value"] for r in cur.iter_rows(named=True)}
    pop = populations.filter((pl.col("area_id") == area_id) & (pl.col("year") == year))[
        "population"
    ]
    events = (
        (rate.get("est_per_1000") or 0) + (rate.get("police_per_1000") or 0)
        if "est_per_1000" in rate
        else None
    )
    return AreaFigures(
        criteria_met=row["criteria_met"],
        n_worsened=row["n_worsened"],
        worsened=tuple(row["worsened"]),
        population=pop[0] if pop.len() else None,
        events_per_1000=events,
    )


def focus_rows(picks: list[tuple[int, int, str]], scores: pl.DataFrame) -> list[dict]:
    """The rows to record for the chosen focus areas: ``(rank, area_id, rationale)`` each, with
    the area's proposed score (None when it was not proposed)."""
    score_of = dict(zip(scores["area_id"].to_list(), scores["score"].to_list(), strict=True))
    return [
        {"area_id": a, "rank": r, "score": score_of.get(a), "rationale": t} for r, a, t in picks
    ]
