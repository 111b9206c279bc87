"""Hot spots: grid counts, Getis-Ord Gi*, false discovery rate and kernel density.

Coordinates are SWEREF 99 TM (EPSG:3006) metres. By default grid cells are aligned to
multiples of the cell size, like the statistical grid squares of Statistics Sweden, so the
same cell means the same square of ground whatever the filter or period.

References
----------
Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation statistics: distributional
issues and an application. *Geographical Analysis*, 27(4), 286–306.

Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a practical and
powerful approach to multiple testing. *Journal of the Royal Statistical Society B*, 57(1),
289–300.

Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*. Chapman & Hall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike
from scipy import ndimage, sparse, stats

Extent = tuple[float, float, float, float]
"""(xmin, ymin, xmax, ymax) in metres."""


@dataclass(frozen=True, eq=False)
class Grid:
    """Values on a square grid.

    Attributes
    ----------
    values
        2-D array of shape (nrows, ncols); row 0 is the southernmost row, column 0 the
        westernmost.
    x0, y0
        Lower-left corner of cell (row 0, col 0), metres.
    cell_size
        Side of a cell, metres.
    """

    values: np.ndarray
    x0: float
    y0: float
    cell_size: float

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def to_frame(self, **layers: np.ndarray) -> pl.DataFrame:
        """One row per cell (row-major, south to north, west to east).

        Columns ``col``, ``row``, ``x0``, ``y0`` (the cell's lower-left corner), ``value``
        and one column per extra 2-D array in `layers` of the grid's shape, e.g.
        ``grid.to_frame(z=gi_star_grid(grid.values))``.
        """
        nrows, ncols = self.shape
        row, col = np.divmod(np.arange(nrows * ncols), ncols)
        extra = {}
        for name, layer in layers.items():
            layer = np.asarray(layer)
            if layer.shape != self.shape:
                raise ValueError(f"layer {name!r} has shape {layer.shape}, grid {self.shape}")
            extra[name] = layer.ravel()
        return pl.DataFrame(
            {
                "col": col.astype(np.int32),
                "row": row.astype(np.int32),
                "x0": self.x0 + col * self.cell_size,
                "y0": self.y0 + row * self.cell_size,
                "value": self.values.ravel(),
                **extra,
            }
        )


def grid_layout(
    extent: Extent, *, cell_size: float, origin: tuple[float, float] = (0.0, 0.0)
) -> tuple[float, float, int, int]:
    """Lower-left corner and size of the grid of aligned cells covering `extent`.

    Cells are ``[x0 + i·cell_size, x0 + (i+1)·cell_size)`` with corners on
    ``origin + k·cell_size``; the grid holds every cell that contains a point of the closed
    box `extent`.

    Returns
    -------
    x0, y0, ncols, nrows
    """
    if cell_size <= 0:
        raise ValueError("cell_size must be positive")
    xmin, ymin, xmax, ymax = extent
    if xmax < xmin or ymax < ymin:
        raise ValueError(f"extent {extent} is not (xmin, ymin, xmax, ymax)")
    ox, oy = origin
    x0 = ox + np.floor((xmin - ox) / cell_size) * cell_size
    y0 = oy + np.floor((ymin - oy) / cell_size) * cell_size
    ncols = int(np.floor((xmax - x0) / cell_size)) + 1
    nrows = int(np.floor((ymax - y0) / cell_size)) + 1
    return float(x0), float(y0), ncols, nrows


def count_grid(
    x: ArrayLike,
    y: ArrayLike,
    *,
    cell_size: float,
    origin: tuple[float, float] = (0.0, 0.0),
    extent: Extent | None = None,
) -> Grid:
    """Count points in square cells.

    Parameters
    ----------
    x, y
        Point coordinates, metres. Points with a NaN coordinate or outside `extent` are
        not counted.
    cell_size
        Side of a cell, metres (e.g. 250).
    origin
        A point on the cell corner lattice; cell corners lie on ``origin + k·cell_size``.
        The default aligns cells to multiples of `cell_size`.
    extent
        (xmin, ymin, xmax, ymax) of the study area; every cell meeting it is in the grid,
        including empty ones. Defaults to the bounding box of the points.

    Returns
    -------
    Grid
        Integer counts of shape (nrows, ncols).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must be 1-D arrays of the same length")
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    if extent is None:
        if x.size == 0:
            raise ValueError("no points with coordinates and no extent given")
        extent = (x.min(), y.min(), x.max(), y.max())
    x0, y0, ncols, nrows = grid_layout(extent, cell_size=cell_size, origin=origin)
    xmin, ymin, xmax, ymax = extent
    inside = (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
    col = np.floor((x[inside] - x0) / cell_size).astype(np.int64)
    row = np.floor((y[inside] - y0) / cell_size).astype(np.int64)
    counts = np.bincount(row * ncols + col, minlength=nrows * ncols)
    return Grid(counts.reshape(nrows, ncols), x0, y0, float(cell_size))


def grid_counts(
    x: ArrayLike,
    y: ArrayLike,
    *,
    cell_size: float,
    origin: tuple[float, float] = (0.0, 0.0),
    extent: Extent | None = None,
) -> pl.DataFrame:
    """Point counts per square cell as a frame, empty cells included.

    Same arguments as :func:`count_grid`.

    Returns
    -------
    polars.DataFrame
        Columns ``col``, ``row``, ``x0``, ``y0`` (cell lower-left corner, metres) and
        ``count``, one row per cell of the grid, row-major from the south-west corner.
    """
    grid = count_grid(x, y, cell_size=cell_size, origin=origin, extent=extent)
    return grid.to_frame().rename({"value": "count"})


def gi_star(values: ArrayLike, neighbors: Sequence[Sequence[int]]) -> np.ndarray:
    """Getis-Ord Gi* z-scores with binary weights.

    Method of Ord & Getis (1995), eq. 14, with :math:`w_{ij} = 1` for j a neighbour of i
    and for j = i (each location is its own neighbour):

    .. math::

        G_i^* = \\frac{\\sum_j w_{ij} x_j - \\bar x W_i}
                     {S \\sqrt{(n W_i - W_i^2) / (n - 1)}}

    where :math:`W_i = \\sum_j w_{ij}`, :math:`\\bar x` and :math:`S^2 = \\overline{x^2} -
    \\bar x^2` are the mean and (population) variance over all n locations. The value is
    already a standard normal deviate under the null hypothesis of no clustering.

    Parameters
    ----------
    values
        1-D array of n values (counts, rates).
    neighbors
        ``neighbors[i]`` lists the indices of the other locations adjacent to location i.
        Self-references and duplicates are ignored.

    Returns
    -------
    numpy.ndarray
        n z-scores; NaN for all locations if the values are constant, and for a location
        whose neighbourhood is the whole study area (its statistic is undefined).

    Notes
    -----
    Equals PySAL esda's ``G_Local(values, w, star=True, transform="B").Zs``.
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if len(neighbors) != n:
        raise ValueError(f"{len(neighbors)} neighbour lists for {n} values")
    sizes = np.fromiter((len(nb) for nb in neighbors), dtype=np.int64, count=n)
    rows = np.repeat(np.arange(n), sizes)
    cols = np.concatenate([np.asarray(nb, dtype=np.int64) for nb in neighbors] + [np.arange(0)])
    w = sparse.coo_array(
        (
            np.ones(rows.size + n),
            (np.concatenate([rows, np.arange(n)]), np.concatenate([cols, np.arange(n)])),
        ),
        shape=(n, n),
    ).tocsr()
    w.data[:] = 1.0  # binary: a repeated or self-listed neighbour still weighs 1
    return _gi_star_z(w @ x, np.asarray(w.sum(axis=1)).ravel(), x)


def grid_neighbors(ncols: int, nrows: int) -> list[np.ndarray]:
    """Queen-contiguity neighbours of the cells of an nrows × ncols grid.

    Cell ``(row, col)`` has index ``row * ncols + col`` (the order of :meth:`Grid.to_frame`
    and of libpysal's ``lat2W``). Returns, for each cell, the sorted indices of the up to
    eight cells sharing an edge or a corner with it.
    """
    index = np.arange(nrows * ncols).reshape(nrows, ncols)
    pairs = []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr == dc == 0:
                continue
            src = index[max(0, -dr) : nrows - max(0, dr), max(0, -dc) : ncols - max(0, dc)]
            dst = index[max(0, dr) : nrows + min(0, dr), max(0, dc) : ncols + min(0, dc)]
            pairs.append(np.stack([src.ravel(), dst.ravel()]))
    src, dst = np.concatenate(pairs, axis=1)
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    return np.split(dst, np.cumsum(np.bincount(src, minlength=nrows * ncols))[:-1])


def gi_star_grid(counts: ArrayLike, *, mask: ArrayLike | None = None) -> np.ndarray:
    """Getis-Ord Gi* z-scores on a square grid with queen (3 × 3) binary weights.

    The same statistic as :func:`gi_star` with :func:`grid_neighbors` (Ord & Getis 1995),
    computed as convolutions: the local sum is the count grid convolved with a 3 × 3 kernel
    of ones, and :math:`W_i` the same convolution of a grid of ones, with zero padding so
    that edge cells have fewer neighbours.

    Parameters
    ----------
    counts
        2-D array of values per cell.
    mask
        Optional boolean array of the same shape: cells that belong to the study area.
        Cells outside (sea, another municipality) are neither locations nor neighbours and
        get NaN.

    Returns
    -------
    numpy.ndarray
        z-scores, same shape as `counts`.
    """
    x = np.asarray(counts, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("counts must be a 2-D array")
    inside = np.ones(x.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if inside.shape != x.shape:
        raise ValueError(f"mask has shape {inside.shape}, counts {x.shape}")
    kernel = np.ones((3, 3))
    xin = np.where(inside, x, 0.0)
    local_sum = ndimage.convolve(xin, kernel, mode="constant", cval=0.0)
    n_neighbours = ndimage.convolve(inside.astype(np.float64), kernel, mode="constant", cval=0.0)
    z = np.full(x.shape, np.nan)
    z[inside] = _gi_star_z(local_sum[inside], n_neighbours[inside], x[inside])
    return z


def _gi_star_z(local_sum: np.ndarray, weight_sum: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Ord & Getis (1995) eq. 14 given Σ_j w_ij x_j, W_i and all n values."""
    n = x.size
    mean = x.mean() if n else np.nan
    s = np.sqrt(np.mean(x**2) - mean**2) if n else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = s * np.sqrt((n * weight_sum - weight_sum**2) / (n - 1))
        z = (local_sum - mean * weight_sum) / denom
    z[~np.isfinite(z)] = np.nan
    return z


def benjamini_hochberg(p_values: ArrayLike, *, alpha: float = 0.05) -> np.ndarray:
    """Which hypotheses are rejected at false discovery rate `alpha`.

    Step-up procedure of Benjamini & Hochberg (1995): with the m p-values sorted,
    :math:`p_{(1)} \\le \\dots \\le p_{(m)}`, reject the k smallest, where k is the largest i
    with :math:`p_{(i)} \\le i \\alpha / m`.

    Parameters
    ----------
    p_values
        Array of any shape. NaN p-values are not tests: they are not rejected and do not
        count in m.

    Returns
    -------
    numpy.ndarray
        Boolean array of the same shape, True where rejected.
    """
    p = np.asarray(p_values, dtype=np.float64)
    flat = p.ravel()
    tested = np.flatnonzero(~np.isnan(flat))
    reject = np.zeros(flat.shape, dtype=bool)
    m = tested.size
    if m:
        order = tested[np.argsort(flat[tested], kind="stable")]
        below = flat[order] <= alpha * np.arange(1, m + 1) / m
        if below.any():
            k = np.flatnonzero(below)[-1]
            reject[order[: k + 1]] = True
    return reject.reshape(p.shape)


def benjamini_yekutieli(p_values: ArrayLike, *, alpha: float = 0.05) -> np.ndarray:
    """Which hypotheses are rejected at false discovery rate `alpha` under any dependence.

    The step-up procedure of Benjamini & Yekutieli (2001, *Annals of Statistics* 29(4),
    1165–1188, Theorem 1.3): Benjamini–Hochberg at level :math:`\\alpha / c(m)` with
    :math:`c(m) = \\sum_{i=1}^m 1/i`. It controls the FDR whatever the dependence between the
    tests, which is what overlapping 3 × 3 neighbourhoods need (each cell's count enters nine
    tests). Same conventions as :func:`benjamini_hochberg` (NaN p-values are not tests).
    Equals statsmodels' ``multipletests(p, alpha, method="fdr_by")[0]``.
    """
    p = np.asarray(p_values, dtype=np.float64)
    m = int(np.count_nonzero(~np.isnan(p)))
    c_m = float(np.sum(1.0 / np.arange(1, m + 1))) if m else 1.0
    return benjamini_hochberg(p, alpha=alpha / c_m)


CORRECTIONS = {"bh": benjamini_hochberg, "by": benjamini_yekutieli}
"""False-discovery-rate procedures by name."""


def adjusted_p_values(p_values: ArrayLike, *, method: str = "bh") -> np.ndarray:
    """FDR-adjusted p-values (q-values): a test is rejected at FDR α exactly when q ≤ α.

    :math:`q_{(i)} = \\min_{k \\ge i} \\min(1, c\\,m\\,p_{(k)} / k)` with c = 1 for
    Benjamini–Hochberg (``"bh"``) and :math:`c = \\sum_{i \\le m} 1/i` for Benjamini–Yekutieli
    (``"by"``); as statsmodels' ``multipletests(p, method="fdr_bh" | "fdr_by")[1]``. NaN stays
    NaN and does not count in m.
    """
    p = np.asarray(p_values, dtype=np.float64)
    flat = p.ravel()
    out = np.full(flat.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(flat))
    m = tested.size
    if m:
        c = float(np.sum(1.0 / np.arange(1, m + 1))) if method == "by" else 1.0
        if method not in CORRECTIONS:
            raise ValueError(f"unknown correction {method!r}")
        order = tested[np.argsort(flat[tested], kind="stable")]
        raw = c * m * flat[order] / np.arange(1, m + 1)
        out[order] = np.minimum(1.0, np.minimum.accumulate(raw[::-1])[::-1])
    return out.reshape(p.shape)


def classify_hotspots(z: ArrayLike, *, alpha: float = 0.05, correction: str = "bh") -> np.ndarray:
    """Label z-scores "hot", "cold" or "ns" (not significant).

    Two-sided normal p-values of the Gi* z-scores, with the false discovery rate `alpha` over
    all locations controlled by Benjamini & Hochberg (1995), as recommended for local
    statistics by Caldas de Castro & Singer (2006, *Geographical Analysis* 38(2), 180–208), or
    by Benjamini & Yekutieli (2001) with ``correction="by"`` (valid although neighbourhoods
    overlap). NaN z-scores are "ns".

    Returns
    -------
    numpy.ndarray
        String array of the same shape as `z`.
    """
    z = np.asarray(z, dtype=np.float64)
    significant = CORRECTIONS[correction](2 * stats.norm.sf(np.abs(z)), alpha=alpha)
    return np.where(significant & (z > 0), "hot", np.where(significant & (z < 0), "cold", "ns"))


def kernel_density(
    x: ArrayLike,
    y: ArrayLike,
    *,
    cell_size: float,
    bandwidth: float,
    extent: Extent,
    origin: tuple[float, float] = (0.0, 0.0),
) -> Grid:
    """Quartic kernel density estimate at the centres of a square grid.

    Kernel (Silverman 1986, eq. 4.5; the "quartic" of crime mapping software), with
    bandwidth h and distance d from an incident:

    .. math::  K(d) = \\frac{3}{\\pi h^2} \\left(1 - \\frac{d^2}{h^2}\\right)^2, \\quad d < h

    and 0 beyond h. It integrates to 1, so the density is in incidents per square metre;
    it is reported per square kilometre. Exact at cell centres (no binning of the points).

    Parameters
    ----------
    x, y
        Incident coordinates, metres. NaN coordinates are ignored.
    cell_size, extent, origin
        The grid, as for :func:`count_grid`.
    bandwidth
        Search radius h, metres.

    Returns
    -------
    Grid
        Incidents per km² at each cell centre.
    """
    if bandwidth <= 0:
        raise ValueError("bandwidth must be positive")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    x0, y0, ncols, nrows = grid_layout(extent, cell_size=cell_size, origin=origin)
    reach = int(np.ceil(bandwidth / cell_size))
    offsets = np.arange(-reach, reach + 1)
    # Each incident touches the cells whose centres are within `reach` cells of its own cell.
    home_col = np.floor((x - x0) / cell_size).astype(np.int64)
    home_row = np.floor((y - y0) / cell_size).astype(np.int64)
    density = np.zeros(nrows * ncols)
    for dr in offsets:  # loop over (2·reach + 1) offsets, not over incidents
        row = home_row + dr
        dy = y0 + (row + 0.5) * cell_size - y
        for dc in offsets:
            col = home_col + dc
            dx = x0 + (col + 0.5) * cell_size - x
            u2 = (dx**2 + dy**2) / bandwidth**2
            keep = (u2 < 1) & (row >= 0) & (row < nrows) & (col >= 0) & (col < ncols)
            k = 3 / (np.pi * bandwidth**2) * (1 - u2[keep]) ** 2
            density += np.bincount(
                row[keep] * ncols + col[keep], weights=k, minlength=nrows * ncols
            )
    return Grid((density * 1e6).reshape(nrows, ncols), x0, y0, float(cell_size))
