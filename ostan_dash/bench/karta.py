"""Karta och tider in ``ostan-dash bench``: each interaction's server-side time against its floor.

An interaction (change of period, of category, of cell size) recomputes, from the cached
incident frame: the two filtered slices (period and comparison period), the hot-spot grid with
its expected counts, exact tests and FDR classes for both, each cell's change test and status,
the aoristic weekday × hour matrix and the compare-areas table with its exact tests
(:func:`analysis.areas_compare.karta_results`), on the page's default study region (settled
cells, population expectation). A change of cell size only recomputes the grid part
(:func:`analysis.areas_compare.grid_results`): the page keeps the hot times and the compare
table of an unchanged filter in its cache. Its floor is the same filtering and the same
aggregations done minimally on an in-memory Polars frame: counts per cell, per weekday and
start hour and per area, no statistics (shared/notes/performance.md). Building the pydeck map
and its JSON is timed separately, with the payload size in bytes.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ostan_dash import config
from ostan_dash import filters as flt
from ostan_dash.analysis import areas_compare as ac
from ostan_dash.bench.timing import timed
from ostan_dash.ui import maps

BASE = flt.Filters(preset="4v")
INTERACTIONS: dict[str, tuple[flt.Filters, int]] = {
    "period": (BASE.with_(preset="kvartal"), 250),
    "category": (BASE.with_(categories=("est:skadegorelse",)), 250),
    "cell_size": (BASE, 100),
}


def server_side(
    frame: pl.DataFrame,
    areas: pl.DataFrame,
    f: flt.Filters,
    study: ac.StudyArea,
    *,
    today: dt.date,
    grid_only: bool = False,
) -> ac.KartaResult | tuple[pl.DataFrame, pl.DataFrame]:
    """What content/karta.py computes on an interaction, without Streamlit (``grid_only``: a
    change of cell size, where the period tables come from the page's cache)."""
    area_ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
    bounds = f.bounds(today)
    comparison = f.comparison_bounds(today)
    now = flt.apply(frame, f, bounds=bounds, area_ids=area_ids)
    before = flt.apply(frame, f, bounds=comparison, area_ids=area_ids)
    if grid_only:
        return ac.grid_results(now, before, study)
    history = ac.history_bounds(bounds, comparison)
    return ac.karta_results(
        now,
        before,
        areas,
        study,
        days_now=flt.days_in(bounds),
        days_before=flt.days_in(comparison),
        codes=f.areas,
        history=flt.apply(frame, f, bounds=history, area_ids=area_ids),
        history_start=history[0],
    )


def floor(
    frame: pl.DataFrame, f: flt.Filters, *, cell_size: int, today: dt.date, grid_only: bool = False
) -> tuple[pl.DataFrame, ...]:
    """The minimal in-memory equivalent: filter, then plain counts per cell, weekday-hour
    and area (now and comparison), in one Polars pass each."""
    cond = flt.attribute_expr(f)
    bounds = f.bounds(today)
    now = frame.lazy().filter(flt.period_expr(bounds) & cond)
    before = frame.lazy().filter(flt.period_expr(f.comparison_bounds(today)) & cond)
    cell = [(pl.col("x") // cell_size).alias("cx"), (pl.col("y") // cell_size).alias("cy")]
    t = pl.col("occurred_from")
    queries = [now.group_by(cell).len(), before.group_by(cell).len()]
    if not grid_only:
        queries += [
            now.group_by(t.dt.weekday().alias("d"), t.dt.hour().alias("h")).len(),
            now.group_by("area_id").len(),
            before.group_by("area_id").len(),
            # the year before, per area and week (the compare table's dispersion)
            frame.lazy()
            .filter(flt.period_expr(ac.history_bounds(bounds, f.comparison_bounds(today))) & cond)
            .group_by("area_id", t.dt.truncate("1w").alias("w"))
            .len(),
        ]
    return tuple(pl.collect_all(queries))


def interactions(
    frame: pl.DataFrame,
    areas: pl.DataFrame | None = None,
    places: pl.DataFrame | None = None,
    population: pl.DataFrame | None = None,
    *,
    today: dt.date | None = None,
    repeat: int = 5,
) -> dict[str, object]:
    """Time each of the page's interactions against its floor; the map payload in bytes.

    Parameters
    ----------
    frame
        The incident frame (``queries.incidents()``), as the page holds it in its cache.
    areas, places, population
        ``queries.areas()``, the critical places and the population grid; read from the
        database when omitted.
    today
        Defaults to ``config.today()``.

    Returns
    -------
    dict
        ``rows``; per interaction ``server`` and ``floor`` (min and median ms) and
        ``ratio`` (median over median); ``study_area_ms`` (building a grid mask, cached by
        the page per cell size and area choice); ``map`` with the deck build time, feature
        count and payload bytes per cell size.
    """
    if areas is None:
        from ostan_dash.store import queries

        areas = queries.areas()
    if places is None:
        from ostan_dash.store.places import places as read_places

        places = read_places(critical_only=True)
    if population is None:
        from ostan_dash.store.population import cells

        population = cells()
    today = today or config.today()
    frame = frame.rechunk()
    studies = {s: ac.study_area(areas, cell_size=s, population=population) for s in ac.CELL_SIZES}
    out: dict[str, object] = {"rows": frame.height, "interactions": {}}
    for name, (f, cell) in INTERACTIONS.items():
        server = timed(
            lambda f=f, c=cell, g=(name == "cell_size"): server_side(
                frame, areas, f, studies[c], today=today, grid_only=g
            ),
            repeat=repeat,
        )
        base = timed(
            lambda f=f, c=cell, g=(name == "cell_size"): floor(
                frame, f, cell_size=c, today=today, grid_only=g
            ),
            repeat=repeat,
        )
        out["interactions"][name] = {
            "server": server,
            "floor": base,
            "ratio": round(server["median_ms"] / max(base["median_ms"], 1e-6), 2),
        }
    out["study_area_ms"] = {
        str(s): timed(
            lambda s=s: ac.study_area(areas, cell_size=s, population=population), repeat=3
        )
        for s in ac.CELL_SIZES
    }
    maps_out = {}
    for cell in ac.CELL_SIZES:
        res = server_side(frame, areas, BASE, studies[cell], today=today)
        now = flt.apply(frame, BASE, today=today)

        outline = ac.region_outline(studies[cell])

        def build(res=res, now=now, cell=cell, outline=outline):
            deck, _ = maps.hotspot_deck(
                areas, res.grid, cell_size=cell, points=now, places=places, region=outline
            )
            return deck.to_json()

        deck, omitted = maps.hotspot_deck(
            areas, res.grid, cell_size=cell, points=now, places=places, region=outline
        )
        maps_out[str(cell)] = {
            "build_and_json": timed(build, repeat=3),
            "features": maps.feature_count(deck),
            "omitted_cells": omitted,
            "payload_bytes": maps.deck_payload_bytes(deck),
        }
    out["map"] = maps_out
    return out
