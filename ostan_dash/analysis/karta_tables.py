"""The three tables of Karta och tider as they are shown and downloaded (Swedish column names):
the hot cells, the new, growing and shrinking cells, and the comparison of areas.

Each takes the frame of :mod:`ostan_dash.analysis.areas_compare` (with ``where``, the cell
described in words, and ``place``/``place_m`` from :func:`areas_compare.nearest_place`).
"""

from __future__ import annotations

import polars as pl

NO_WORDS = "–"

VERDICTS = ("Säker ökning", "Säker minskning", "Ingen säker förändring")


def hot_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """The hot cells: where, count, expected count, z and the nearest critical place."""
    return cells.select(
        pl.col("where").fill_null(NO_WORDS).alias("Läge"),
        pl.col("count").alias("Antal"),
        pl.col("expected").round(1).alias("Väntat"),
        pl.col("z").round(2).alias("z"),
        pl.col("place").alias("Närmaste kritiska objekt"),
        pl.col("place_m").round(0).alias("Avstånd (m)"),
    )


def changed_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """The new, growing and shrinking cells, with the counts of both periods, the cell's ratio
    against the study region, the change's p-value and the cell's SWEREF 99 TM corner."""
    return cells.select(
        pl.col("status").alias("Status"),
        pl.col("where").fill_null(NO_WORDS).alias("Läge"),
        pl.col("count").alias("Antal nu"),
        pl.col("expected").round(1).alias("Väntat nu"),
        pl.col("count_before").alias("Antal jämförelseperiod"),
        pl.col("ratio").round(2).alias("Kvot mot området"),
        pl.col("change_p").alias("p (förändring)"),
        pl.col("place").alias("Närmaste kritiska objekt"),
        pl.col("place_m").round(0).alias("Avstånd (m)"),
        pl.col("x0").cast(pl.Int64).alias("Ruta, öst (SWEREF)"),
        pl.col("y0").cast(pl.Int64).alias("Ruta, nord (SWEREF)"),
    )


def verdict() -> pl.Expr:
    """A significant change read as a word: an increase, a decrease, or no certain change."""
    return (
        pl.when(pl.col("significant") & (pl.col("ratio") > 1))
        .then(pl.lit(VERDICTS[0]))
        .when(pl.col("significant") & (pl.col("ratio") < 1))
        .then(pl.lit(VERDICTS[1]))
        .otherwise(pl.lit(VERDICTS[2]))
    )


def compare_areas(compare: pl.DataFrame) -> pl.DataFrame:
    """The areas side by side (:func:`areas_compare.compare_areas`): counts of both periods,
    the rate per 1 000 residents, the change, its ratio to the municipality's with its 95 %
    interval, p- and q-value and the verdict."""
    return compare.select(
        pl.col("name").alias("Område"),
        pl.col("count").alias("Antal"),
        pl.col("count_before").alias("Antal jämförelseperiod"),
        pl.col("per_1000").round(2).alias("Per 1 000 inv."),
        pl.col("change_pct").round(0).alias("Förändring %"),
        pl.col("ratio").round(2).alias("Kvot mot kommunen"),
        pl.col("ci_low").round(2).alias("95 % KI, nedre"),
        pl.col("ci_high").round(2).alias("95 % KI, övre"),
        pl.col("p_value").round(3).alias("p-värde"),
        pl.col("q_value").round(3).alias("q-värde (BH)"),
        verdict().alias("Bedömning"),
    )
