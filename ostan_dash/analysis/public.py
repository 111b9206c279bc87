"""Röjandeskydd (disclosure control) for figures on the public page.

Pure functions: Polars in, Polars out. Counts below a threshold (5) are
suppressed, and complementary (secondary) suppression makes sure that a row
total minus the shown cells cannot reveal a suppressed cell.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
ch. 4 (primary and secondary cell suppression in tables).
"""

from __future__ import annotations

import polars as pl

THRESHOLD = 5
SUPPRESSED_TEXT = "färre än 5"


def suppress_counts(
    df: pl.DataFrame,
    *,
    group: str,
    cell: str,  # noqa: ARG001 (the long table's key, named by the callers)
    value: str,
    threshold: int = THRESHOLD,
) -> pl.DataFrame:
    """Suppress small counts with primary and complementary suppression.

    Parameters
    ----------
    df
        Long table with one row per (group, cell) and an integer count ``value``.
    group
        Column whose rows form one table margin (e.g. area); the group total is
        assumed public, so each group needs 0 or at least 2 suppressed cells.
    cell
        Column naming the cell within a group (e.g. week or category).
    value
        Count column.
    threshold
        Counts ``0 <= n < threshold`` are primary-suppressed.

    Returns
    -------
    pl.DataFrame
        Input columns plus ``suppressed`` (bool) and ``shown`` (str: the count
        or ``"färre än 5"``). A suppressed cell's ``value`` is set to null.

    Notes
    -----
    Secondary suppression (Hundepool et al. 2012, §4.2): if a group has exactly
    one primary-suppressed cell, the smallest other cell in the group is also
    suppressed, so ``total - sum(shown)`` only gives the sum of at least two
    hidden cells. Totals computed by :func:`group_totals` are themselves
    suppressed if below the threshold.
    """
    out = df.with_columns(
        (pl.col(value) < threshold).alias("_primary"),
        pl.col(value).rank("ordinal").over(group).alias("_rank_all"),
    )
    n_primary = pl.col("_primary").sum().over(group)
    # rank among non-primary cells (smallest first)
    rank_other = (
        pl.when(~pl.col("_primary")).then(pl.col(value)).otherwise(None).rank("ordinal").over(group)
    )
    out = out.with_columns(
        (pl.col("_primary") | ((n_primary == 1) & (rank_other == 1))).alias("suppressed")
    )
    out = out.with_columns(
        pl.when(pl.col("suppressed"))
        .then(pl.lit(SUPPRESSED_TEXT))
        .otherwise(pl.col(value).cast(pl.String))
        .alias("shown"),
        pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(value)).alias(value),
    )
    return out.drop("_primary", "_rank_all")


def group_totals(
    df: pl.DataFrame, *, group: str, value: str, threshold: int = THRESHOLD
) -> pl.DataFrame:
    """Totals per group, shown as ``"färre än 5"`` when below ``threshold``.

    ``df`` must be the unsuppressed table; the returned total is safe to
    publish next to :func:`suppress_counts` output.
    """
    tot = df.group_by(group, maintain_order=True).agg(pl.col(value).sum().alias("total"))
    return tot.with_columns(
        pl.when(pl.col("total") < threshold)
        .then(pl.lit(SUPPRESSED_TEXT))
        .otherwise(pl.col("total").cast(pl.String))
        .alias("shown"),
        pl.when(pl.col("total") < threshold).then(None).otherwise(pl.col("total")).alias("total"),
    )
