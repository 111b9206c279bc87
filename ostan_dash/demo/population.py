"""The demo's population grid: SCB-style 250 m cells consistent with where Östan's residents live.

The demo places residents (and the incidents that follow them, :func:`geography.sample_in_area`)
by a density on 100 m pixels: the town areas are built up nearly everywhere, a village area has its
people in the village and a thin scatter on farms around it. This module integrates that same
density over SCB's 250 m grid (lower-left corners on multiples of 250 m in SWEREF 99 TM):

1. each 100 m pixel's share of its area's residents is split over the grid cells it overlaps, in
   proportion to the overlap (the sampler spreads a pixel uniformly);
2. a cell belongs to the area its centre lies in (``geography.label``, the rule the database's
   polygons reproduce; :data:`LABEL_NUDGE` settles centres on an edge), and each area's
   population is spread over its cells by that mass;
3. the countryside is not a uniform film of 0.6 persons per cell: where a cell would hold fewer than
   :data:`SPARSE` residents, it holds a Poisson number of households (mean ``expected / HOUSEHOLD``)
   of :data:`HOUSEHOLD` persons, so most farmland and forest cells are empty, as in SCB's grid;
4. integer counts by the largest-remainder method, so every area's cells add up to exactly its
   population (:attr:`geography.Area.population`).

Cells in the centre and the travel centre, and around the malls, are flagged ``daytime``: people
are there in the day (shoppers, commuters, staff) whatever the number of residents. Only cells
with residents or the flag are listed, like SCB's file lists only cells with residents.
Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from ostan_dash.demo import geography as geo
from ostan_dash.schema import Schema

if TYPE_CHECKING:  # the database stack is imported only when something is written
    from sqlalchemy.engine import Connection

CELL = 250  # metres, SCB's grid in towns
SPARSE = 12.0  # below this many expected residents a cell is farmland: households, not a film
HOUSEHOLD = 4.0  # persons per farm household
DAYTIME_AREA_KINDS = frozenset({"centrum", "resecentrum"})
DAYTIME_PLACE_KINDS = frozenset({"centrum", "resecentrum", "kopcentrum"})
DAYTIME_RADIUS = 300.0  # metres from a daytime place to the nearest point of a cell
# A cell belongs to the area of a point 1 cm off its centre: some centres lie exactly on an edge
# between two areas (the seeds are on a 50 m lattice), where the database's polygons and the
# nearest-seed rule may disagree in the last bit.
LABEL_NUDGE = (0.010, 0.013)

SCHEMA: Schema = {
    "cell_id": pl.Utf8,
    "cell_size": pl.Int32,
    "x0": pl.Float64,
    "y0": pl.Float64,
    "population": pl.Int64,
    "daytime": pl.Boolean,
    "year": pl.Int32,
    "area": pl.Utf8,
}


def cell_id(x0: np.ndarray, y0: np.ndarray) -> list[str]:
    """SCB's rutid of cells with lower-left corners (x0, y0): easting (6 digits) + northing (7)."""
    return [f"{int(x):06d}{int(y):07d}" for x, y in zip(x0, y0, strict=True)]


def _pixel_mass(i: int) -> pl.DataFrame:
    """Area ``i``'s residents (as shares summing to 1) on the 250 m cells its pixels overlap."""
    px, py, cdf = geo._area_pixel_weights(i)
    w = np.diff(cdf, prepend=0.0)
    half = geo._PIXEL / 2

    def split(c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lo = c - half
        j = np.floor(lo / CELL).astype(np.int64)
        f = np.minimum(1.0, ((j + 1) * CELL - lo) / geo._PIXEL)
        return j, f, 1.0 - f

    jx, fx, gx = split(px)
    jy, fy, gy = split(py)
    return (
        pl.DataFrame(
            {
                "jx": np.concatenate([jx, jx + 1, jx, jx + 1]),
                "jy": np.concatenate([jy, jy, jy + 1, jy + 1]),
                "m": np.concatenate([w * fx * fy, w * gx * fy, w * fx * gy, w * gx * gy]),
            }
        )
        .filter(pl.col("m") > 0)
        .group_by("jx", "jy")
        .agg(pl.col("m").sum())
    )


def _largest_remainder(quota: np.ndarray, total: int) -> np.ndarray:
    """Integers with the given sum, each the floor of its quota or one more (Hamilton's method);
    ties go to the earlier cell, so the result is deterministic."""
    base = np.floor(quota).astype(np.int64)
    short = int(total - base.sum())
    if short > 0:
        order = np.argsort(-(quota - base), kind="stable")
        base[order[:short]] += 1
    return base


def _daytime(x0: np.ndarray, y0: np.ndarray, area_idx: np.ndarray) -> np.ndarray:
    kinds = np.array([a.kind for a in geo.AREAS])
    flag = np.isin(kinds[area_idx], list(DAYTIME_AREA_KINDS))
    for p in geo.PLACES:
        if p.kind not in DAYTIME_PLACE_KINDS:
            continue
        px, py = geo.xy(p.dx, p.dy)
        dx = np.maximum(np.maximum(x0 - px, px - (x0 + CELL)), 0.0)
        dy = np.maximum(np.maximum(y0 - py, py - (y0 + CELL)), 0.0)
        flag |= np.hypot(dx, dy) <= DAYTIME_RADIUS
    return flag


def grid(*, seed: int = 2026, today: dt.date | None = None) -> pl.DataFrame:
    """The demo's 250 m population grid (columns of :data:`SCHEMA`, sorted by ``cell_id``).

    ``year`` is the last complete year before ``today`` (the demo's populations do not change
    between years); ``area`` is the name of the area the cell's centre lies in.
    """
    from ostan_dash.demo.clock import default_today

    today = today or default_today()
    rng = np.random.default_rng([seed, 41])
    parts: list[pl.DataFrame] = []
    for i, a in enumerate(geo.AREAS):
        m = _pixel_mass(i).sort("jx", "jy")
        cx = (m["jx"].to_numpy() + 0.5) * CELL + LABEL_NUDGE[0]
        cy = (m["jy"].to_numpy() + 0.5) * CELL + LABEL_NUDGE[1]
        m = m.filter(pl.Series(geo.label(cx, cy) == i))
        mass = m["m"].to_numpy()
        expected = a.population * mass / mass.sum()
        sparse = expected < SPARSE
        weight = expected.copy()
        weight[sparse] = rng.poisson(expected[sparse] / HOUSEHOLD) * HOUSEHOLD
        pop = _largest_remainder(a.population * weight / weight.sum(), a.population)
        parts.append(
            pl.DataFrame(
                {
                    "x0": m["jx"] * CELL,
                    "y0": m["jy"] * CELL,
                    "population": pop,
                    "area_idx": np.full(m.height, i),
                }
            )
        )
    cells = pl.concat(parts)
    x0 = cells["x0"].to_numpy().astype(float)
    y0 = cells["y0"].to_numpy().astype(float)
    area_idx = cells["area_idx"].to_numpy()
    cells = cells.with_columns(
        cell_id=pl.Series(cell_id(x0, y0), dtype=pl.Utf8),
        daytime=pl.Series(_daytime(x0, y0, area_idx)),
        area=pl.Series([geo.AREAS[k].name for k in area_idx], dtype=pl.Utf8),
    )
    return (
        cells.filter((pl.col("population") > 0) | pl.col("daytime"))
        .select(
            "cell_id",
            pl.lit(CELL, dtype=pl.Int32).alias("cell_size"),
            pl.col("x0").cast(pl.Float64),
            pl.col("y0").cast(pl.Float64),
            pl.col("population").cast(pl.Int64),
            "daytime",
            pl.lit(today.year - 1, dtype=pl.Int32).alias("year"),
            "area",
        )
        .sort("cell_id")
    )


def load_grid(
    *, conn: Connection | None = None, seed: int = 2026, today: dt.date | None = None
) -> int:
    """(Re)write the demo grid into the database (cells of source ``demo``); returns the count."""
    from ostan_dash.store import population

    return population.write_cells(
        grid(seed=seed, today=today).drop("area"), source=population.DEMO_SOURCE, conn=conn
    )


_DEMO_NAME = re.compile(r"seed=(?P<seed>-?\d+).*today=(?P<today>\d{4}-\d{2}-\d{2})")


def reload_grid(*, conn: Connection | None = None) -> int | None:
    """(Re)write the demo grid of a database that holds the demo, with the seed and "today" the
    demo was loaded with (read from its import record). ``None`` when the demo is not loaded:
    a real municipality's grid is imported from SCB's file instead."""
    from ostan_dash.store import population, transaction

    with transaction(conn) as c:
        name = population.demo_import(conn=c)
        if name is None:
            return None
        m = _DEMO_NAME.search(name)
        seed = int(m["seed"]) if m else 2026
        today = dt.date.fromisoformat(m["today"]) if m else None
        return load_grid(conn=c, seed=seed, today=today)
