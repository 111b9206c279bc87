"""Hot spots against what is expected: population exposure, excess, change and accuracy.

A hot spot of raw counts mostly shows where people are. Here the population grid (SCB's
"befolkning på rutor", or the demo's) gives every cell of the analysis grid an *exposure*, the
study region is where people are (settled cells plus cells with a day-time population), and a
cell is hot when its neighbourhood holds more incidents than the exposure leads one to expect.

Pure NumPy/SciPy functions on 2-D grids (row 0 the southernmost, as
:class:`ostan_dash.analysis.hotspots.Grid`) or on 1-D arrays of region cells.

References
----------
Kulldorff, M. & Nagarwalla, N. (1995). Spatial disease clusters: detection and inference.
*Statistics in Medicine*, 14(8), 799–810 (counts against population-based expectation,
conditional on the total).

Benjamini, Y. & Yekutieli, D. (2001). The control of the false discovery rate in multiple
testing under dependency. *Annals of Statistics*, 29(4), 1165–1188.

Breslow, N. E. & Day, N. E. (1987). *Statistical Methods in Cancer Research, vol. II*, §3.3.

Tarone, R. E. (1990). A modified Bonferroni method for discrete data. *Biometrics*, 46(2),
515–522; Gilbert, P. B. (2005). A modified false discovery rate multiple-comparisons procedure
for discrete data. *JRSS C*, 54(1), 143–158.

Chainey, S., Tompson, L. & Uhlig, S. (2008). The utility of hotspot mapping for predicting
spatial patterns of crime. *Security Journal*, 21(1–2), 4–28 (PAI).

Hunt, J. M. (2016). Do crime hot spots move? Exploring the effects of the modifiable areal unit
problem and modifiable temporal unit problem on crime hot spot stability. PhD thesis, American
University (PEI: PAI over the largest PAI attainable with the same area).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike
from scipy import ndimage, stats

from ostan_dash.analysis.hotspots import CORRECTIONS

DAYTIME_QUANTILE = 0.9
"""A day-time cell counts as at least this quantile of the settled cells' residents."""


def population_on_grid(
    cells: pl.DataFrame,
    *,
    x0: float,
    y0: float,
    ncols: int,
    nrows: int,
    cell_size: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Residents and the day-time flag of a population grid moved onto an analysis grid.

    Each population cell's residents are spread uniformly over its square and summed into
    the analysis cells in proportion to the overlap (areal weighting). So 250 m cells add up
    into a 500 m cell, a 1 km cell is split evenly over its 500 m or 250 m cells, and a 250 m
    cell is shared by the 100 m cells it overlaps (which need not be aligned with it). An
    analysis cell is day-time when it overlaps a day-time population cell.

    Parameters
    ----------
    cells
        ``store.population.cells()``: ``x0``, ``y0`` (lower-left corner, SWEREF 99 TM),
        ``cell_size``, ``population`` and ``daytime``.
    x0, y0, ncols, nrows, cell_size
        The analysis grid (:func:`hotspots.grid_layout`).

    Returns
    -------
    population, daytime
        Float array and boolean array of shape (nrows, ncols). Population outside the grid
        is dropped.
    """
    pop = np.zeros(nrows * ncols)
    day = np.zeros(nrows * ncols, dtype=bool)
    if cells.is_empty():
        return pop.reshape(nrows, ncols), day.reshape(nrows, ncols)
    px = cells["x0"].to_numpy().astype(np.float64)
    py = cells["y0"].to_numpy().astype(np.float64)
    size = cells["cell_size"].to_numpy().astype(np.float64)
    people = cells["population"].fill_null(0).to_numpy().astype(np.float64)
    daytime = cells["daytime"].fill_null(False).to_numpy().astype(bool)
    c0 = np.floor((px - x0) / cell_size).astype(np.int64)
    r0 = np.floor((py - y0) / cell_size).astype(np.int64)
    reach = int(np.ceil(size.max() / cell_size)) + 1
    for dr in range(reach):  # loop over offsets, not over cells
        row = r0 + dr
        oy = np.minimum(py + size, y0 + (row + 1) * cell_size) - np.maximum(
            py, y0 + row * cell_size
        )
        for dc in range(reach):
            col = c0 + dc
            ox = np.minimum(px + size, x0 + (col + 1) * cell_size) - np.maximum(
                px, x0 + col * cell_size
            )
            share = np.clip(ox, 0, None) * np.clip(oy, 0, None) / size**2
            keep = (share > 0) & (row >= 0) & (row < nrows) & (col >= 0) & (col < ncols)
            idx = row[keep] * ncols + col[keep]
            pop += np.bincount(idx, weights=people[keep] * share[keep], minlength=pop.size)
            day[idx[daytime[keep]]] = True
    return pop.reshape(nrows, ncols), day.reshape(nrows, ncols)


def ambient_exposure(
    population: ArrayLike,
    daytime: ArrayLike,
    *,
    within: ArrayLike | None = None,
    quantile: float = DAYTIME_QUANTILE,
) -> np.ndarray:
    """Exposure per cell: residents, with day-time cells raised to an ambient level.

    Residents are a poor denominator where people work, shop and travel (Andresen 2006,
    *British Journal of Criminology* 46(2), 258–285: the ambient population). Lacking counts of
    the day-time population, a day-time cell (the centre, the travel centre, malls) counts as
    at least as many people as the `quantile` of the settled cells' residents (by default the
    most populous tenth of settled cells): a busy block's worth, not the handful of residents
    a shopping street may have. The choice is stated on the page.

    Parameters
    ----------
    population, daytime
        From :func:`population_on_grid`.
    within
        Optional boolean mask: the cells whose settled values set the level (the areas in
        view); all cells when omitted.

    Returns
    -------
    numpy.ndarray
        Exposure, same shape; 0 where nobody lives and no day-time flag is set.
    """
    pop = np.asarray(population, dtype=np.float64)
    day = np.asarray(daytime, dtype=bool)
    inside = np.ones(pop.shape, bool) if within is None else np.asarray(within, bool)
    settled = pop[inside & (pop > 0)]
    level = float(np.quantile(settled, quantile)) if settled.size else 1.0
    return np.where(day, np.maximum(pop, level), pop)


def expected_counts(total: float, exposure: ArrayLike, region: ArrayLike) -> np.ndarray:
    """Expected incidents per cell if they fell in proportion to exposure.

    :math:`E_i = N \\cdot e_i / \\sum_{j \\in R} e_j` for the cells of the region R and NaN
    outside it. In "hela kommunen" with the population expectation, cells with no exposure
    get the smallest positive exposure in the region (as if one household lived there), so
    an incident in empty countryside is not infinitely surprising.
    """
    e = np.asarray(exposure, dtype=np.float64)
    reg = np.asarray(region, dtype=bool)
    out = np.full(e.shape, np.nan)
    if not reg.any():
        return out
    inside = e[reg]
    positive = inside[inside > 0]
    floor = positive.min() if positive.size else 1.0
    inside = np.where(inside > 0, inside, floor)
    out[reg] = total * inside / inside.sum()
    return out


@dataclass(frozen=True, eq=False)
class LocalExcess:
    """Result of :func:`local_excess_test`, arrays of the grid's shape (NaN outside the
    region).

    Attributes
    ----------
    observed, expected
        Incidents and expected incidents in the cell's window (cells of the region).
    p_high, p_low
        Exact one-sided p-values of more and of fewer incidents than expected.
    p_value
        Two-sided: ``min(1, 2 · min(p_high, p_low))``.
    z
        ``(observed − expected) / sqrt(N s (1 − s))`` with s the neighbourhood's share, for
        reading (the test uses the exact tails).
    hot, cold
        Boolean: rejected by the FDR procedure, the neighbourhood above (below) its
        expectation and the cell itself above (below) its own expectation.
    """

    observed: np.ndarray
    expected: np.ndarray
    p_high: np.ndarray
    p_low: np.ndarray
    p_value: np.ndarray
    z: np.ndarray
    hot: np.ndarray
    cold: np.ndarray


def local_excess_test(
    counts: ArrayLike,
    expected: ArrayLike,
    region: ArrayLike,
    *,
    window: int = 1,
    alpha: float = 0.05,
    correction: str = "by",
) -> LocalExcess:
    """Cells that hold more (fewer) incidents than expected: a local Poisson test.

    For each cell i of the region, O_i is the number of incidents in its window (the cell
    itself by default; ``window=3`` for the 3 × 3 neighbourhood of Getis-Ord Gi*) and E_i the
    sum of the expected counts there. Conditional on the region's total N, if incidents fall
    independently in proportion to exposure, :math:`O_i \\sim \\text{Binomial}(N, s_i)` with
    :math:`s_i = E_i / N` exactly (the conditional Poisson model of Kulldorff & Nagarwalla
    1995, for one fixed window per cell). The p-values are the exact binomial tails. The
    cells share one total (and with ``window=3`` their windows overlap), so the tests are
    dependent; the false discovery rate `alpha` over the region's cells is controlled by
    Benjamini & Yekutieli (2001), valid under any dependence (``correction="bh"`` for
    Benjamini–Hochberg). A cell is marked hot only when its own count is above its own
    expectation as well, so with ``window=3`` a quiet cell next to a hot one is not painted
    red by its neighbour.

    The one-cell window is the default because it points where a patrol can go: on the
    demo's last four weeks the 3 × 3 window marks 19 of the centre's 27 settled 250 m cells
    hot, the one-cell window the 4 around the planted hot spot.

    Parameters
    ----------
    counts
        2-D incident counts per cell.
    expected
        2-D expected counts (:func:`expected_counts`), summing to the region's total.
    region
        2-D boolean: the cells of the study region (others are neither tested nor counted).
    window
        Side of the square window in cells, odd.

    Returns
    -------
    LocalExcess
    """
    x = np.asarray(counts, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    reg = np.asarray(region, dtype=bool)
    if x.shape != e.shape or x.shape != reg.shape or x.ndim != 2:
        raise ValueError("counts, expected and region must be 2-D arrays of one shape")
    xin = np.where(reg, x, 0.0)
    ein = np.where(reg, np.nan_to_num(e), 0.0)
    n = int(round(xin.sum()))
    if window < 1 or window % 2 == 0:
        raise ValueError("window must be a positive odd number of cells")
    kernel = np.ones((window, window))
    obs = ndimage.convolve(xin, kernel, mode="constant", cval=0.0)
    exp = ndimage.convolve(ein, kernel, mode="constant", cval=0.0)
    o, ex = np.round(obs[reg]), exp[reg]
    if n > 0:
        s = np.clip(ex / n, 0.0, 1.0)
        p_high_r = stats.binom.sf(o - 1, n, s)
        p_low_r = stats.binom.cdf(o, n, s)
        with np.errstate(divide="ignore", invalid="ignore"):
            z_r = (o - ex) / np.sqrt(n * s * (1 - s))
    else:  # nothing happened: nothing to test
        p_high_r = p_low_r = np.ones(o.shape)
        z_r = np.full(o.shape, np.nan)
    p_r = np.minimum(1.0, 2 * np.minimum(p_high_r, p_low_r))
    if n == 0:
        p_r = np.full(o.shape, np.nan)
    reject = CORRECTIONS[correction](p_r, alpha=alpha)
    own_x, own_e = x[reg], np.nan_to_num(e[reg])
    hot_r = reject & (o > ex) & (own_x > own_e)
    cold_r = reject & (o < ex) & (own_x < own_e)

    def spread(values: np.ndarray) -> np.ndarray:
        out = np.zeros(x.shape, dtype=bool) if values.dtype == bool else np.full(x.shape, np.nan)
        out[reg] = values
        return out

    return LocalExcess(
        observed=spread(o),
        expected=spread(ex),
        p_high=spread(p_high_r),
        p_low=spread(p_low_r),
        p_value=spread(p_r),
        z=spread(np.where(np.isfinite(z_r), z_r, np.nan)),
        hot=spread(hot_r),
        cold=spread(cold_r),
    )


@dataclass(frozen=True, eq=False)
class ChangeTest:
    """Result of :func:`change_test` (1-D arrays, one entry per cell).

    Attributes
    ----------
    pi0
        The region's share of incidents in the current period, ``A / (A + B)``.
    tested
        Cells that were tested (some incident in either period, and a significant split
        attainable).
    p_value
        Exact two-sided conditional binomial p-value (NaN where not tested).
    rise, fall
        Rejected by the FDR procedure, with more (fewer) incidents now than the region's
        ratio predicts. A cell with no incident now never rises.
    """

    pi0: float
    tested: np.ndarray
    p_value: np.ndarray
    rise: np.ndarray
    fall: np.ndarray


def change_test(
    now: ArrayLike,
    before: ArrayLike,
    *,
    alpha: float = 0.05,
    correction: str = "bh",
) -> ChangeTest:
    """Did a cell's share of incidents change between the comparison period and now?

    Conditional on a cell's total :math:`n_i = a_i + b_i` (now plus before), under no change
    relative to the region :math:`a_i \\sim \\text{Binomial}(n_i, \\pi_0)` with
    :math:`\\pi_0 = A / (A + B)`, the region's own split between the periods (Breslow & Day
    1987 §3.3 with the region as the reference). A rise or fall everywhere therefore changes
    π₀, not the verdicts: a citywide increase is not "new everywhere". The p-value is the
    two-sided exact one, ``min(1, 2 · min(upper tail, lower tail))``.

    Cells where no split could reach `alpha` (all n_i incidents in one period would still
    give p > α, e.g. a cell with one incident) cannot be rejected and are not counted among
    the tests (Tarone 1990; Gilbert 2005). The false discovery rate over the remaining cells
    is controlled by Benjamini–Hochberg (cells are disjoint; ``correction="by"`` for
    Benjamini–Yekutieli).

    Parameters
    ----------
    now, before
        Counts per cell (1-D, the same cells), current period and comparison period.
    """
    a = np.asarray(now, dtype=np.int64)
    b = np.asarray(before, dtype=np.int64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("now and before must be 1-D arrays of the same length")
    total_a, total_b = int(a.sum()), int(b.sum())
    n = a + b
    p = np.full(a.shape, np.nan)
    if total_a == 0 or total_b == 0:  # nothing to compare with
        pi0 = float(total_a > 0)
        empty = np.zeros(a.shape, dtype=bool)
        return ChangeTest(pi0=pi0, tested=empty, p_value=p, rise=empty, fall=empty.copy())
    pi0 = total_a / (total_a + total_b)
    min_p = np.minimum(1.0, 2 * np.minimum(pi0**n, (1 - pi0) ** n))
    tested = (n > 0) & (min_p <= alpha)
    at, nt = a[tested], n[tested]
    upper = stats.binom.sf(at - 1, nt, pi0)
    lower = stats.binom.cdf(at, nt, pi0)
    p[tested] = np.minimum(1.0, 2 * np.minimum(upper, lower))
    reject = CORRECTIONS[correction](p, alpha=alpha)
    rise = reject & (a > n * pi0) & (a > 0)
    fall = reject & (a < n * pi0)
    return ChangeTest(pi0=pi0, tested=tested, p_value=p, rise=rise, fall=fall)


@dataclass(frozen=True)
class Accuracy:
    """Predictive accuracy of a set of hot cells on later incidents.

    Attributes
    ----------
    n, N
        Later incidents in the hot cells and in the whole region.
    a_km2, A_km2
        Area of the hot cells and of the region, km².
    pai
        Prediction Accuracy Index (Chainey et al. 2008): ``(n / N) / (a / A)``; 1 is no better
        than chance, NaN when nothing happened later or there are no hot cells.
    n_best
        Most later incidents any set of as many cells could have held.
    pei
        Predictive Efficiency Index (Hunt 2016): ``n / n_best``, i.e. PAI over the largest
        PAI attainable with the same area (1 = the best possible map of that size).
    """

    n: int
    N: int
    a_km2: float
    A_km2: float
    pai: float
    n_best: int
    pei: float


def pai_pei(hot: ArrayLike, later: ArrayLike, *, cell_size: float) -> Accuracy:
    """PAI and PEI of hot cells against the incidents of a later period.

    Parameters
    ----------
    hot
        1-D boolean per region cell: flagged hot in the period.
    later
        1-D incident counts per region cell in the later period (the same cells).
    cell_size
        Cell side in metres (each cell has area ``cell_size²``).
    """
    h = np.asarray(hot, dtype=bool)
    c = np.asarray(later, dtype=np.int64)
    km2 = (cell_size / 1000) ** 2
    k = int(h.sum())
    n, total = int(c[h].sum()), int(c.sum())
    a, area = k * km2, c.size * km2
    pai = (n / total) / (a / area) if total and k else float("nan")
    best = int(np.sort(c)[::-1][:k].sum()) if k else 0
    pei = n / best if best else float("nan")
    return Accuracy(n=n, N=total, a_km2=a, A_km2=area, pai=pai, n_best=best, pei=pei)
