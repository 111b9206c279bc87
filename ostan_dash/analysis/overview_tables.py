"""Översikt's week as tables: the statistics of :mod:`ostan_dash.analysis.overview` put together
the way the page shows them, and the Swedish tables drawn from them.

The week is tested against its seasonal expectation per source, per EST category and per area;
categories and areas are one family for the Benjamini–Hochberg correction (Benjamini & Hochberg
1995, via :func:`overview.flag_together`), because they are flagged on one screen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping

import polars as pl

from ostan_dash import vocab
from ostan_dash.analysis import overview

BASELINE_WEEKS = 12  # the recent weeks the expectation is scaled by (and the trend's length − 1)
UNUSUAL = "Ovanligt högt"


@dataclasses.dataclass(frozen=True)
class WeekFigures:
    """The week against the expected, per source, EST category and area, and the trend.

    ``by_source``, ``by_category`` and ``by_area`` are :func:`overview.week_vs_baseline` tables
    (the last two flagged together); ``series`` counts per ISO week and source for the
    ``baseline_weeks + 1`` weeks ending with the week.
    """

    by_source: pl.DataFrame
    by_category: pl.DataFrame
    by_area: pl.DataFrame
    series: pl.DataFrame

    @property
    def n_tests(self) -> int:
        """The size of the family the flags are corrected over: one test per category and area."""
        return self.by_category.height + self.by_area.height


def in_scope(incidents: pl.DataFrame, area_ids: Collection[int]) -> pl.DataFrame:
    """The incidents of the chosen areas; the whole municipality when none is chosen."""
    if not area_ids:
        return incidents
    return incidents.filter(pl.col("area_id").is_in(list(area_ids)))


def week_figures(
    scope: pl.DataFrame,
    *,
    week_start: dt.date,
    years: int,
    baseline_weeks: int = BASELINE_WEEKS,
) -> WeekFigures:
    """Test the week starting ``week_start`` in ``scope`` against its seasonal expectation.

    Parameters
    ----------
    scope
        Incidents (``source``, ``category``, ``area_id``, ``occurred_from``) of the chosen areas.
    week_start
        Monday of the ISO week tested.
    years
        Earlier years in the expectation (:func:`overview.years_of_history` of the whole data,
        so that choosing an area does not change the method).
    baseline_weeks
        Recent weeks the seasonal expectation is scaled by.

    Returns
    -------
    WeekFigures
        Sources tested on their own; EST categories (EST reports only) and areas (both
        sources, incidents with an area) flagged with one correction.
    """

    def against_expected(frame: pl.DataFrame, by: str) -> pl.DataFrame:
        return overview.week_vs_baseline(
            frame, week_start=week_start, by=[by], baseline_weeks=baseline_weeks, years=years
        )

    by_category, by_area = overview.flag_together(
        against_expected(scope.filter(pl.col("source") == "est"), "category"),
        against_expected(scope.filter(pl.col("area_id").is_not_null()), "area_id"),
    )
    return WeekFigures(
        by_source=against_expected(scope, "source"),
        by_category=by_category,
        by_area=by_area,
        series=overview.weekly_series(
            scope, last_week=week_start, weeks=baseline_weeks + 1, by=["source"]
        ),
    )


def count_and_expected(
    table: pl.DataFrame, *, by: str, keys: Collection[str]
) -> dict[str, tuple[int, float]]:
    """(count, expected) of each of ``keys`` in a ``week_vs_baseline`` table; (0, 0.0) for a
    key with no row (nothing in the weeks read), so every card can be drawn."""
    rows = {str(r[by]): r for r in table.iter_rows(named=True)}
    return {
        k: (int(rows[k]["count"]), float(rows[k]["expected"])) if k in rows else (0, 0.0)
        for k in keys
    }


def unusual_names(figures: WeekFigures, area_names: Mapping[int, str]) -> list[str]:
    """The flagged categories (Swedish labels) and then the flagged areas (names), in their
    tables' order (most incidents first)."""
    categories = figures.by_category.filter(pl.col("unusual"))["category"].cast(pl.Utf8)
    areas = figures.by_area.filter(pl.col("unusual"))["area_id"]
    return [vocab.category_label(k) for k in categories] + [
        area_names.get(a, str(a)) for a in areas
    ]


def _signal() -> pl.Expr:
    return pl.when(pl.col("unusual")).then(pl.lit(UNUSUAL)).otherwise(pl.lit("")).alias("Signal")


def with_category_label(by_category: pl.DataFrame) -> pl.DataFrame:
    """``Kategori``: the Swedish label of each EST category (the key itself when unknown)."""
    key = pl.col("category").cast(pl.Utf8)
    return by_category.with_columns(
        key.replace_strict(vocab.CATEGORIES, default=key).alias("Kategori")
    )


def category_details(
    by_category: pl.DataFrame, *, baseline_weeks: int = BASELINE_WEEKS
) -> pl.DataFrame:
    """Kategorier, detaljer: the test of each EST category, rounded as shown."""
    return with_category_label(by_category).select(
        pl.col("Kategori"),
        pl.col("count").alias("Senaste veckan"),
        pl.col("expected").round(1).alias("Förväntat"),
        pl.col("baseline_mean").round(1).alias(f"Snitt {baseline_weeks} v"),
        pl.col("change_pct").round(0).alias("Förändring %"),
        pl.col("dispersion").round(2).alias("Spridning (varians/medel)"),
        pl.col("p_high").round(3).alias("p (ovanligt högt)"),
        _signal(),
    )


def area_details(by_area: pl.DataFrame, areas: pl.DataFrame) -> pl.DataFrame:
    """Per område: each area's week against the expected and per 1 000 inhabitants."""
    return overview.per_population(by_area, areas).select(
        pl.col("name").alias("Område"),
        pl.col("count").alias("Senaste veckan"),
        pl.col("expected").round(1).alias("Förväntat"),
        pl.col("change_pct").round(0).alias("Förändring %"),
        pl.col("per_1000").round(2).alias("Per 1 000 inv."),
        _signal(),
    )
