"""Marking an area on the map by painting grid cells (issue 12: an intervention area is drawn,
not typed as WKT).

Streamlit's map element can report which objects were clicked but cannot draw free shapes, so
the user paints squares of a fixed grid around a chosen street or place; the union of the
painted squares (computed by PostGIS, :func:`ostan_dash.store.interventions.cells_union_wkt`)
becomes the intervention's polygon. The grid is aligned to whole multiples of the cell size in
SWEREF 99 TM, like the hot-spot grid, so a painted area lines up with the map's cells.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

CELL_M = 100.0  # side of a paintable square, metres
SIDE = 21  # squares per side: 2.1 km around the chosen street or place


def paint_grid(x: float, y: float, *, cell: float = CELL_M, side: int = SIDE) -> pl.DataFrame:
    """``side`` × ``side`` squares of ``cell`` metres centred on the square that holds (x, y).

    Returns one row per square in row-major order: ``i`` (0-based, the index the map reports
    when the square is clicked), ``x0``, ``y0`` (its SWEREF 99 TM lower-left corner).

    >>> g = paint_grid(601_234.0, 6_630_987.0, cell=100, side=3)
    >>> g.height, g["x0"].min(), g["y0"].max()
    (9, 601100.0, 6631000.0)
    """
    if side < 1 or side % 2 == 0:
        raise ValueError("side must be a positive odd number")
    cx = math.floor(x / cell) * cell
    cy = math.floor(y / cell) * cell
    offsets = (np.arange(side) - side // 2) * cell
    xs, ys = np.meshgrid(cx + offsets, cy + offsets)
    return pl.DataFrame(
        {
            "i": np.arange(side * side, dtype=np.int64),
            "x0": xs.ravel().astype(float),
            "y0": ys.ravel().astype(float),
        }
    )


def painted(grid: pl.DataFrame, indices: list[int] | tuple[int, ...]) -> pl.DataFrame:
    """The squares of ``grid`` whose index the map reported, each once, in index order;
    indices outside the grid (a stale selection after the grid moved) are ignored."""
    return grid.filter(pl.col("i").is_in(sorted(set(indices)))).sort("i")


def area_km2(n_squares: int, *, cell: float = CELL_M) -> float:
    """Area of ``n_squares`` painted squares, km².

    >>> area_km2(25)
    0.25
    """
    return n_squares * cell * cell / 1e6
