"""Duplicate warning for a report about to be filed ("Liknande rapport finns redan").

A rule, not a statistic: a candidate is a likely duplicate of an existing report of the
same type, by the same reporter or organisation, filed during the last day, whose point
lies within ``radius_m`` (SWEREF 99 TM metres) and whose occurrence window lies within
``gap`` of the candidate's window.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

RADIUS_M = 150.0
GAP = dt.timedelta(hours=2)
LOOKBACK = dt.timedelta(days=1)


def likely_duplicates(
    existing: pl.DataFrame,
    *,
    category: str,
    x: float,
    y: float,
    occurred_from: dt.datetime,
    occurred_to: dt.datetime,
    reported_by: int,
    organisation_id: int,
    now: dt.datetime,
    radius_m: float = RADIUS_M,
    gap: dt.timedelta = GAP,
    lookback: dt.timedelta = LOOKBACK,
) -> pl.DataFrame:
    """Existing reports the candidate probably repeats, nearest first.

    Parameters
    ----------
    existing : pl.DataFrame
        Columns ``id, category, x, y, occurred_from, occurred_to, created_at,
        reported_by, organisation_id`` (datetimes aware).
    category, x, y, occurred_from, occurred_to, reported_by, organisation_id
        The candidate report.
    now : datetime
        Aware current time; only reports created within ``lookback`` count.

    Returns
    -------
    pl.DataFrame
        The matching rows of ``existing`` with a ``distance_m`` column.
    """
    if existing.is_empty():
        return existing.with_columns(pl.lit(None, pl.Float64).alias("distance_m"))
    return (
        existing.with_columns(
            ((pl.col("x") - x) ** 2 + (pl.col("y") - y) ** 2).sqrt().alias("distance_m")
        )
        .filter(
            (pl.col("category") == category)
            & (
                (pl.col("reported_by") == reported_by)
                | (pl.col("organisation_id") == organisation_id)
            )
            & (pl.col("created_at") >= now - lookback)
            & (pl.col("distance_m") <= radius_m)
            & (pl.col("occurred_from") <= occurred_to + gap)
            & (pl.col("occurred_to") >= occurred_from - gap)
        )
        .sort("distance_m")
    )
