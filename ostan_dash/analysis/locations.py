"""Where a spot is, in words: the nearest street and the nearest place.

A hot cell, a report or a place is described as people give directions – "Storgatan vid
Stora torget", "Storgatan, 120 m från Stora torget" – not by SWEREF coordinates. Pure:
the nearest street and place (name and distance in metres) come from the store
(:func:`ostan_dash.store.streets.nearest`).
"""

from __future__ import annotations

import polars as pl

STREET_NEAR_M = 150.0
"""A street further away than this does not describe the spot (about half a block)."""
PLACE_AT_M = 100.0
"""Within this distance the spot is *at* the place ("vid Stora torget")."""
PLACE_NEAR_M = 600.0
"""Further away than this the place is not named (a place a kilometre away says nothing).
Kept below 1 000 m so distances need no thousands separator."""


def _metres(col: str) -> pl.Expr:
    """Distance rounded to the nearest 10 m (at least 10 m) as text: ``"120 m"``."""
    rounded = ((pl.col(col) / 10).round(0) * 10).clip(lower_bound=10).cast(pl.Int64)
    return rounded.cast(pl.Utf8) + pl.lit("\u00a0m")


def describe_expr(
    street: str = "street",
    street_m: str = "street_m",
    place: str = "place",
    place_m: str = "place_m",
) -> pl.Expr:
    """A Polars expression wording the location of each row from its nearest street and place.

    - street near and place within :data:`PLACE_AT_M`: ``"Storgatan vid Stora torget"``;
    - street near, place within :data:`PLACE_NEAR_M`: ``"Storgatan, 120 m från Stora torget"``;
    - street near, no place near: ``"Storgatan"``;
    - no street near: only the place, ``"Stora torget"`` or ``"350 m från Stora torget"``;
    - neither near: null (the caller says so in its own words).

    A street is near within :data:`STREET_NEAR_M`. Null names or distances count as far.
    """
    s_ok = pl.col(street).is_not_null() & (pl.col(street_m) <= STREET_NEAR_M)
    p_ok = pl.col(place).is_not_null() & (pl.col(place_m) <= PLACE_NEAR_M)
    p_at = p_ok & (pl.col(place_m) <= PLACE_AT_M)
    s_ok = s_ok.fill_null(False)
    p_ok = p_ok.fill_null(False)
    p_at = p_at.fill_null(False)
    far = _metres(place_m) + pl.lit(" från ") + pl.col(place)
    return (
        pl.when(s_ok & p_at)
        .then(pl.col(street) + pl.lit(" vid ") + pl.col(place))
        .when(s_ok & p_ok)
        .then(pl.col(street) + pl.lit(", ") + far)
        .when(s_ok)
        .then(pl.col(street))
        .when(p_at)
        .then(pl.col(place))
        .when(p_ok)
        .then(far)
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )


def describe(
    street: str | None, street_m: float | None, place: str | None, place_m: float | None
) -> str | None:
    """One location in words (:func:`describe_expr` on a single row)."""
    row = pl.DataFrame(
        {"street": [street], "street_m": [street_m], "place": [place], "place_m": [place_m]},
        schema={
            "street": pl.Utf8,
            "street_m": pl.Float64,
            "place": pl.Utf8,
            "place_m": pl.Float64,
        },
    )
    return row.select(describe_expr())[0, 0]
