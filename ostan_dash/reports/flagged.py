"""The flagged rows of a family of tests, and what each row is about, for the documents'
sentences (veckolägesbild, kvartalsanalys, årsanalys).

A family is the tables tested together under one Benjamini–Hochberg correction: per EST category,
per area and per category × area cell. Their flagged rows are put in one table, strongest evidence
first, and each row is described by its category, its area and its peak times.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from ostan_dash import vocab
from ostan_dash.analysis.hottimes import hot_time_matrix
from ostan_dash.reports import sentences

MAX_CHANGES = 6  # sentences in a document's "what changed"
MIN_COUNT_FOR_TIMES = 5  # incidents a row needs before its peak times are named


def flagged_rows(*tables: pl.DataFrame, against: str) -> pl.DataFrame:
    """The ``unusual`` rows of ``tables`` as (category, area_id, count, ``against``, p_high),
    strongest evidence first; ``category``/``area_id`` are null where a table has no such key.
    ``against`` is the column the count was tested against (``expected``, ``count_before``)."""

    def norm(t: pl.DataFrame) -> pl.DataFrame:
        return t.filter(pl.col("unusual")).select(
            pl.col("category").cast(pl.Utf8)
            if "category" in t.columns
            else pl.lit(None, pl.Utf8).alias("category"),
            pl.col("area_id").cast(pl.Int64)
            if "area_id" in t.columns
            else pl.lit(None, pl.Int64).alias("area_id"),
            pl.col("count").cast(pl.Int64),
            pl.col(against).cast(pl.Float64 if against == "expected" else pl.Int64),
            pl.col("p_high").cast(pl.Float64),
        )

    return pl.concat([norm(t) for t in tables]).sort(["p_high", "count"], descending=[False, True])


def row_subject(
    row: Mapping[str, Any], frame: pl.DataFrame, area_names: Mapping[int, str]
) -> tuple[str, str, str]:
    """(what, where, peak times) of a flagged row: its category (EST reports, as the categories
    were tested) or all incidents, its area or the whole municipality, and the times its
    incidents in ``frame`` concentrate on when there are at least :data:`MIN_COUNT_FOR_TIMES`
    (:func:`sentences.peak_cells`; empty otherwise)."""
    cond = pl.lit(True)
    if row["category"] is not None:
        cond &= pl.col("category").cast(pl.Utf8) == row["category"]
        cond &= pl.col("source").cast(pl.Utf8) == "est"
    if row["area_id"] is not None:
        cond &= pl.col("area_id") == row["area_id"]
    rows = frame.filter(cond)
    times = ""
    if rows.height >= MIN_COUNT_FOR_TIMES:
        times = sentences.times_phrase(
            sentences.peak_cells(hot_time_matrix(rows)["weight"].to_numpy())
        )
    what = vocab.category_label(row["category"]) if row["category"] else "Alla händelser"
    area = row["area_id"]
    where = area_names.get(area, str(area)) if area else "hela kommunen"
    return what, where, times
