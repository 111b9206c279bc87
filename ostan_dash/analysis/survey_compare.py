"""What the Trygghetsundersökning page decides from the weighted shares (no Streamlit, no
database): one frame for areas and the whole municipality, the order areas are offered in, the
populations a year is read with, and the municipality's reference point against incidents.

The shares themselves (Kish's effective n, Wilson intervals, z-tests with Benjamini–Hochberg)
are computed in :mod:`ostan_dash.analysis.survey`.
"""

from __future__ import annotations

import dataclasses

import polars as pl

MUNICIPALITY = "kommunen"


def group_names(names: dict[int, str]) -> dict[str, str]:
    """Group keys as text – an area id, or ``kommunen`` for the whole municipality – to names.

    >>> group_names({3: "Norr"})
    {'3': 'Norr', 'kommunen': 'Hela kommunen'}
    """
    return {str(k): v for k, v in names.items()} | {MUNICIPALITY: "Hela kommunen"}


def grouped_shares(
    per_area: pl.DataFrame, whole: pl.DataFrame, groups: dict[str, str]
) -> pl.DataFrame:
    """Per-area and municipal shares in one frame with a text column ``group`` (areas that are
    not in ``groups`` dropped)."""
    return pl.concat(
        [
            per_area.with_columns(group=pl.col("area_id").cast(pl.Utf8)).drop("area_id"),
            whole.with_columns(group=pl.lit(MUNICIPALITY)),
        ],
        how="diagonal_relaxed",
    ).filter(pl.col("group").is_in(list(groups)))


def area_order(latest: pl.DataFrame, groups: dict[str, str]) -> list[str]:
    """The areas to offer for the trend: highest share in the year first, then the areas without
    a share that year by name (the municipality is always shown and not offered)."""
    ranked = (
        latest.filter(pl.col("group") != MUNICIPALITY)
        .sort("share", descending=True, nulls_last=True)["group"]
        .to_list()
    )
    rest = sorted(
        (g for g in groups if g != MUNICIPALITY and g not in ranked), key=lambda g: groups[g]
    )
    return ranked + rest


def populations_for(indicators: pl.DataFrame, areas: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """``area_id``, ``year``, ``population`` from the official statistics; a year they lack is
    read with the areas' own population."""
    populations = indicators.select("area_id", "year", "population")
    if not populations.filter(pl.col("year") == year).is_empty():
        return populations
    return pl.concat(
        [
            populations,
            areas.select(
                pl.col("area_id").cast(pl.Int64),
                pl.lit(year, dtype=pl.Int64).alias("year"),
                pl.col("population"),
            ),
        ],
        how="vertical_relaxed",
    )


@dataclasses.dataclass(frozen=True)
class Reference:
    """The municipality's point: incidents per 1 000 inhabitants and the share in percent."""

    per_1000: float | None
    share_pct: float | None


def municipal_reference(
    whole: pl.DataFrame,
    counts: pl.DataFrame,
    populations: pl.DataFrame,
    *,
    year: int,
    question: str,
    sources: tuple[str, ...],
) -> Reference:
    """Incidents of ``sources`` per 1 000 inhabitants over all areas, and the municipal share
    answering yes, in ``year`` (None where the year has no population or share)."""
    share = whole.filter((pl.col("year") == year) & (pl.col("question") == question))["share"]
    total_pop = populations.filter(pl.col("year") == year).select(pl.col("population").sum())
    total_n = counts.filter(
        (pl.col("year") == year) & pl.col("source").is_in(list(sources))
    ).select(pl.col("n").sum())
    return Reference(
        per_1000=total_n.item() / total_pop.item() * 1000 if total_pop.item() else None,
        share_pct=share[0] * 100 if share.len() and share[0] is not None else None,
    )
