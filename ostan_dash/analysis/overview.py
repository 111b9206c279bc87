"""Översikt: the last complete ISO week against the average of the weeks before it.

Pure Polars. An incident belongs to the ISO week (Monday–Sunday, Europe/Stockholm) of the start
of its time window, ``occurred_from``: the earliest moment it can have happened.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from scipy import stats

from ostan_dash.analysis.hotspots import benjamini_hochberg


def last_complete_week(today: dt.date) -> dt.date:
    """Monday of the last ISO week that has ended before ``today``."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return this_monday - dt.timedelta(days=7)


def with_week(df: pl.LazyFrame | pl.DataFrame, *, time_col: str = "occurred_from") -> pl.LazyFrame:
    """Add ``week_start``: the Monday (a date) of the local ISO week of ``time_col``."""
    return df.lazy().with_columns(week_start=pl.col(time_col).dt.date().dt.truncate("1w"))


def poisson_upper_tail(count: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """P(X ≥ count) for X ~ Poisson(mean): how surprising a week this high is.

    The weekly count is compared with the Poisson distribution whose mean is the baseline
    average (a Shewhart-type c-chart test; Montgomery, *Introduction to Statistical Quality
    Control*, ch. 7). A small value flags an unusually high week.
    """
    count = np.asarray(count, dtype=float)
    mean = np.asarray(mean, dtype=float)
    return np.where(count > 0, stats.poisson.sf(count - 1, np.maximum(mean, 1e-12)), 1.0)


def week_vs_baseline(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    week_start: dt.date,
    by: list[str],
    baseline_weeks: int = 12,
    alpha: float = 0.05,
    min_count: int = 3,
) -> pl.DataFrame:
    """Counts in the week starting ``week_start`` against the mean of the ``baseline_weeks`` before.

    Returns one row per group of ``by`` seen in either period, with ``count`` (the week),
    ``baseline_mean`` (mean count per week over the baseline, zero weeks included),
    ``change`` (count − mean), ``change_pct`` (null when the mean is zero), ``p_high``
    (:func:`poisson_upper_tail`) and ``unusual``. Sorted by count, descending.

    A group is ``unusual`` when it has at least ``min_count`` incidents and its p-value stays
    below ``alpha`` after the Benjamini–Hochberg false-discovery-rate correction over all groups
    of the table (Benjamini & Hochberg 1995): a table of 20 areas would otherwise flag one by
    chance every week. The test uses a baseline of at least half an incident over the baseline
    weeks, so a single incident where none was seen before is not "unusual" by construction.
    """
    base_start = week_start - dt.timedelta(weeks=baseline_weeks)
    week_end = week_start + dt.timedelta(weeks=1)
    weekly = (
        with_week(df)
        .filter(pl.col("week_start").is_between(base_start, week_end, closed="left"))
        .group_by([*by, "week_start"])
        .agg(n=pl.len())
    )
    out = (
        weekly.group_by(by)
        .agg(
            count=pl.col("n").filter(pl.col("week_start") == week_start).sum(),
            baseline_total=pl.col("n").filter(pl.col("week_start") < week_start).sum(),
        )
        .with_columns(baseline_mean=pl.col("baseline_total") / baseline_weeks)
        .drop("baseline_total")
        .with_columns(
            change=pl.col("count") - pl.col("baseline_mean"),
            change_pct=pl.when(pl.col("baseline_mean") > 0)
            .then((pl.col("count") / pl.col("baseline_mean") - 1) * 100)
            .otherwise(None),
        )
        .collect()
    )
    counts = out["count"].to_numpy()
    floor_mean = np.maximum(out["baseline_mean"].to_numpy(), 0.5 / baseline_weeks)
    p = poisson_upper_tail(counts, floor_mean)
    unusual = benjamini_hochberg(p, alpha=alpha) & (counts >= min_count)
    return out.with_columns(p_high=pl.Series(p), unusual=pl.Series(unusual)).sort(
        ["count", *by], descending=[True, *([False] * len(by))]
    )


def weekly_series(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    last_week: dt.date,
    weeks: int = 13,
    by: list[str] | None = None,
) -> pl.DataFrame:
    """Counts per ISO week for the ``weeks`` weeks ending with ``last_week`` (zeros filled in)."""
    by = by or []
    first = last_week - dt.timedelta(weeks=weeks - 1)
    all_weeks = pl.DataFrame({"week_start": pl.date_range(first, last_week, "1w", eager=True)})
    counts = (
        with_week(df)
        .filter(pl.col("week_start").is_between(first, last_week))
        .group_by([*by, "week_start"])
        .agg(count=pl.len())
        .collect()
    )
    if by:
        keys = counts.select(by).unique()
        grid = keys.join(all_weeks, how="cross")
    else:
        grid = all_weeks
    return (
        grid.join(counts, on=[*by, "week_start"], how="left")
        .with_columns(pl.col("count").fill_null(0).cast(pl.Int64))
        .sort([*by, "week_start"])
    )
