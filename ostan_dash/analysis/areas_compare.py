"""Karta och tider: the study region, the hot-spot grid, the compare-areas table and the
new, growing and shrinking hot spots. Pure functions, Polars and NumPy in, Polars out.

The statistics themselves live in :mod:`ostan_dash.analysis.hotspots` (Gi*, Benjamini–Hochberg
and –Yekutieli), :mod:`ostan_dash.analysis.exposure` (population exposure, the local excess test,
the change test, PAI/PEI) and :mod:`ostan_dash.analysis.evaluation` (the exact conditional
Poisson rate-ratio test); this module only wires them to the page's questions. The page
(``content/karta.py``) and ``ostan-dash hotspots`` call the same functions.

References
----------
Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation statistics: distributional issues
and an application. *Geographical Analysis*, 27(4), 286–306.

Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B*, 57(1),
289–300.

Breslow, N. E. & Day, N. E. (1987). *Statistical Methods in Cancer Research, vol. II*, §3.3
(comparison of two Poisson rates conditional on their sum).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl
from pyproj import Transformer
from scipy import stats

from ostan_dash.analysis import exposure as ex
from ostan_dash.analysis.evaluation import quasi_poisson_dispersion, rate_ratio_test
from ostan_dash.analysis.hotspots import (
    adjusted_p_values,
    count_grid,
    gi_star_grid,
    grid_layout,
    kernel_density,
)

CELL_SIZES = (100, 250, 500)
"""Cell sides offered on the map, metres."""
REGIONS = {"befolkade": "Befolkade rutor", "hela": "Hela kommunen"}
"""Study regions: settled (and day-time) cells of the population grid, or every cell."""
EXPECTATIONS = {"befolkning": "Befolkning", "antal": "Bara antal"}
"""What a hot cell is measured against: the exposure-based expectation, or the counts alone
(Getis-Ord Gi*, the map as it used to be)."""
ALPHA = 0.05
"""False discovery rate of the map and of the change test."""
DENSITY_BANDWIDTH_M = 300.0
"""Search radius of the kernel density, metres: fixed, whatever the cell size."""
DENSITY_CELL_M = 100
"""The density surface is evaluated on this raster (a 500 m raster would miss most of a
300 m kernel)."""
STATUSES = ("ny", "växande", "minskande", "het", "kall")
"""Cell statuses, most newsworthy first."""


@cache
def _to_sweref() -> Transformer:
    return Transformer.from_crs(4326, 3006, always_xy=True)


def area_polygons_sweref(geojson_wgs84: str) -> list[list[np.ndarray]]:
    """The polygons of one area's GeoJSON (WGS 84) as rings of SWEREF 99 TM coordinates.

    Returns a list of polygons, each a list of rings (outer ring first, then holes), each
    an (n, 2) array of metres. Polygon and MultiPolygon are understood.
    """
    geom = json.loads(geojson_wgs84)
    if geom["type"] == "Polygon":
        polys = [geom["coordinates"]]
    elif geom["type"] == "MultiPolygon":
        polys = geom["coordinates"]
    else:
        raise ValueError(f"not a polygon: {geom['type']}")
    tr = _to_sweref()
    out = []
    for poly in polys:
        rings = []
        for ring in poly:
            lonlat = np.asarray(ring, dtype=np.float64)
            x, y = tr.transform(lonlat[:, 0], lonlat[:, 1])
            rings.append(np.column_stack([x, y]))
        out.append(rings)
    return out


def polygon_mask(
    polygons: Sequence[Sequence[np.ndarray]],
    *,
    x0: float,
    y0: float,
    ncols: int,
    nrows: int,
    cell_size: float,
) -> np.ndarray:
    """Cells of a square grid whose centre lies inside any of `polygons` (even–odd rule).

    A scan-line rasterisation: for every grid row the crossings of each polygon's edges with
    the horizontal line through the cell centres are found at once, and a running parity
    along the row marks the inside cells. Holes are respected (they are rings of the same
    polygon). Linear in rows × edges plus the number of cells; no per-cell Python loop.

    Returns
    -------
    numpy.ndarray
        Boolean array of shape (nrows, ncols), row 0 the southernmost.
    """
    mask = np.zeros((nrows, ncols), dtype=bool)
    yc = y0 + (np.arange(nrows) + 0.5) * cell_size
    for rings in polygons:
        toggles = np.zeros(nrows * (ncols + 1), dtype=np.int64)
        for ring in rings:
            ring = np.asarray(ring, dtype=np.float64)
            if len(ring) > 1 and np.array_equal(ring[0], ring[-1]):
                ring = ring[:-1]
            if len(ring) < 3:
                continue
            a, b = ring, np.roll(ring, -1, axis=0)
            x1, y1, x2, y2 = a[:, 0], a[:, 1], b[:, 0], b[:, 1]
            crosses = (y1[None, :] <= yc[:, None]) != (y2[None, :] <= yc[:, None])
            r, e = np.nonzero(crosses)
            xc = x1[e] + (yc[r] - y1[e]) * (x2[e] - x1[e]) / (y2[e] - y1[e])
            # A crossing at xc flips the parity of every cell whose centre lies east of it.
            j = np.clip(np.ceil((xc - x0) / cell_size - 0.5), 0, ncols).astype(np.int64)
            toggles += np.bincount(r * (ncols + 1) + j, minlength=toggles.size)
        parity = np.cumsum(toggles.reshape(nrows, ncols + 1), axis=1)[:, :ncols] % 2
        mask |= parity.astype(bool)
    return mask


@dataclass(frozen=True, eq=False)
class StudyArea:
    """The grid the hot-spot map is computed on: aligned cells over the chosen areas.

    Attributes
    ----------
    extent
        (xmin, ymin, xmax, ymax) of the chosen areas, SWEREF 99 TM metres.
    cell_size
        Cell side, metres.
    mask
        (nrows, ncols) boolean: the study region, the cells that are locations of the
        statistics (others are neither tested nor counted).
    area_mask
        Cells whose centre lies in a chosen area ("hela kommunen" when all areas).
    exposure
        (nrows, ncols) residents with day-time cells raised to the ambient level
        (:func:`exposure.ambient_exposure`), or ``None`` when no population grid is loaded.
    region
        ``"befolkade"`` (settled and day-time cells) or ``"hela"`` (the whole area mask).
    """

    extent: tuple[float, float, float, float]
    cell_size: float
    mask: np.ndarray
    area_mask: np.ndarray | None = None
    exposure: np.ndarray | None = None
    region: str = "hela"

    @property
    def layout(self) -> tuple[float, float, int, int]:
        """x0, y0, ncols, nrows of the grid (as :func:`hotspots.grid_layout`)."""
        return grid_layout(self.extent, cell_size=self.cell_size)

    @property
    def km2(self) -> float:
        """Area of the study region, km²."""
        return float(self.mask.sum()) * (self.cell_size / 1000) ** 2


def study_area(
    areas: pl.DataFrame,
    *,
    cell_size: float,
    codes: Sequence[str] = (),
    population: pl.DataFrame | None = None,
    region: str = "befolkade",
) -> StudyArea:
    """The grid over the chosen areas (all areas when `codes` is empty) and its region.

    Parameters
    ----------
    areas
        ``queries.areas()``: code and geojson_wgs84 per area.
    cell_size
        Cell side, metres (100, 250 or 500).
    codes
        Area codes of the selection.
    population
        ``store.population.cells()``. With it, every cell gets an exposure
        (:func:`exposure.population_on_grid`, :func:`exposure.ambient_exposure`); without it
        (or when empty) the region is the whole area mask.
    region
        ``"befolkade"``: the cells with residents or a day-time population inside the chosen
        areas; ``"hela"``: every cell inside them.
    """
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}")
    chosen = areas.filter(pl.col("code").is_in(list(codes))) if codes else areas
    polygons = [
        poly
        for text in chosen["geojson_wgs84"].to_list()
        if text
        for poly in area_polygons_sweref(text)
    ]
    if not polygons:
        raise ValueError("no area outlines to build the grid on")
    pts = np.concatenate([ring for poly in polygons for ring in poly])
    extent = (
        float(pts[:, 0].min()),
        float(pts[:, 1].min()),
        float(pts[:, 0].max()),
        float(pts[:, 1].max()),
    )
    x0, y0, ncols, nrows = grid_layout(extent, cell_size=cell_size)
    mask = polygon_mask(polygons, x0=x0, y0=y0, ncols=ncols, nrows=nrows, cell_size=cell_size)
    if population is None or population.is_empty():
        return StudyArea(extent=extent, cell_size=float(cell_size), mask=mask, area_mask=mask)
    pop, day = ex.population_on_grid(
        population, x0=x0, y0=y0, ncols=ncols, nrows=nrows, cell_size=cell_size
    )
    exposure = ex.ambient_exposure(pop, day, within=mask)
    region_mask = mask & (exposure > 0) if region == "befolkade" else mask
    return StudyArea(
        extent=extent,
        cell_size=float(cell_size),
        mask=region_mask,
        area_mask=mask,
        exposure=exposure,
        region=region,
    )


def hotspot_grid(
    frame: pl.DataFrame,
    study: StudyArea,
    *,
    expectation: str = "befolkning",
    alpha: float = ALPHA,
) -> pl.DataFrame:
    """Counts per cell of the study region, their expectation, test and class.

    Counts in aligned square cells (:func:`hotspots.count_grid`); only incidents in the
    region count. With ``expectation="befolkning"`` (and a population grid) the expected
    count is the region's total spread in proportion to exposure
    (:func:`exposure.expected_counts`) and a cell is hot when it holds significantly more
    than expected (:func:`exposure.local_excess_test` with a one-cell window: exact
    conditional binomial tails, Benjamini–Yekutieli FDR `alpha` over the region's cells). With
    ``"antal"`` the counts alone are tested by Getis-Ord Gi* with queen weights
    (Ord & Getis 1995; :func:`hotspots.gi_star_grid`), normal p-values and the same
    Benjamini–Yekutieli correction; its expectation is the region's mean count.

    Parameters
    ----------
    frame
        Incidents with x, y in SWEREF 99 TM (rows without coordinates are not on the map).
    study
        The grid and region (:func:`study_area`).

    Returns
    -------
    polars.DataFrame
        Only cells of the region: ``col``, ``row``, ``x0``, ``y0`` (lower-left corner,
        metres), ``count`` (Int64), ``expected`` (Float64), ``z`` (Float64, NaN when
        undefined), ``p_value`` (two-sided, before the correction) and ``class``
        (``"hot"``, ``"cold"`` or ``"ns"``).
    """
    x = frame["x"].to_numpy() if frame.height else np.empty(0)
    y = frame["y"].to_numpy() if frame.height else np.empty(0)
    grid = count_grid(
        np.asarray(x, dtype=np.float64),
        np.asarray(y, dtype=np.float64),
        cell_size=study.cell_size,
        extent=study.extent,
    )
    inside = study.mask
    counts = np.where(inside, grid.values, 0)
    total = float(counts.sum())
    if expectation == "befolkning" and study.exposure is not None:
        expected = ex.expected_counts(total, study.exposure, inside)
        res = ex.local_excess_test(counts, expected, inside, alpha=alpha, correction="by")
        z, p, hot, cold = res.z, res.p_value, res.hot, res.cold
    elif expectation in EXPECTATIONS:
        n_cells = max(int(inside.sum()), 1)
        expected = np.where(inside, total / n_cells, np.nan)
        z = gi_star_grid(grid.values, mask=inside)
        p = 2 * stats.norm.sf(np.abs(z))
        significant = ex.CORRECTIONS["by"](p, alpha=alpha)
        hot, cold = significant & (z > 0), significant & (z < 0)
    else:
        raise ValueError(f"unknown expectation {expectation!r}")
    # Build the frame from the region's cells only, with the class as a small integer
    # code: turning ~10⁵ NumPy strings into a Polars column costs more than the test itself.
    idx = np.flatnonzero(inside.ravel())
    _, ncols = grid.shape
    row, col = np.divmod(idx, ncols)
    code = np.where(hot.ravel()[idx], 1, np.where(cold.ravel()[idx], 2, 0))
    return pl.DataFrame(
        {
            "col": col.astype(np.int32),
            "row": row.astype(np.int32),
            "x0": grid.x0 + col * grid.cell_size,
            "y0": grid.y0 + row * grid.cell_size,
            "count": grid.values.ravel()[idx].astype(np.int64),
            "expected": np.asarray(expected, dtype=np.float64).ravel()[idx],
            "z": np.asarray(z, dtype=np.float64).ravel()[idx],
            "p_value": np.asarray(p, dtype=np.float64).ravel()[idx],
            "class": pl.Series(code.astype(np.int8)).replace_strict(
                {0: "ns", 1: "hot", 2: "cold"}, return_dtype=pl.Utf8
            ),
        }
    )


def region_counts(frame: pl.DataFrame, study: StudyArea) -> tuple[int, int]:
    """Incidents with a point inside the study region, and with a point outside it."""
    pts = frame.filter(pl.col("x").is_not_null() & pl.col("y").is_not_null())
    if pts.is_empty():
        return 0, 0
    x0, y0, ncols, nrows = study.layout
    col = np.floor((pts["x"].to_numpy() - x0) / study.cell_size).astype(np.int64)
    row = np.floor((pts["y"].to_numpy() - y0) / study.cell_size).astype(np.int64)
    ok = (col >= 0) & (col < ncols) & (row >= 0) & (row < nrows)
    inside = np.zeros(col.shape, dtype=bool)
    inside[ok] = study.mask[row[ok], col[ok]]
    return int(inside.sum()), int((~inside).sum())


def density_grid(
    frame: pl.DataFrame, study: StudyArea, *, bandwidth: float = DENSITY_BANDWIDTH_M
) -> pl.DataFrame:
    """Quartic kernel density (Silverman 1986) at the cell centres of the chosen areas, per km².

    The bandwidth is a fixed search radius (:data:`DENSITY_BANDWIDTH_M`), not a number of
    cells, so the surface does not change with the map's cell size; the page evaluates it on
    a :data:`DENSITY_CELL_M` raster.

    Returns ``col``, ``row``, ``x0``, ``y0``, ``density`` for the cells of the chosen areas.
    """
    x = np.asarray(frame["x"].to_numpy() if frame.height else np.empty(0), dtype=np.float64)
    y = np.asarray(frame["y"].to_numpy() if frame.height else np.empty(0), dtype=np.float64)
    kde = kernel_density(x, y, cell_size=study.cell_size, bandwidth=bandwidth, extent=study.extent)
    inside = study.area_mask if study.area_mask is not None else study.mask
    return (
        kde.to_frame(inside=inside)
        .filter(pl.col("inside"))
        .select("col", "row", "x0", "y0", pl.col("value").alias("density"))
    )


def cell_of(study: StudyArea, x: float, y: float) -> tuple[int, int]:
    """(col, row) of the cell holding point (x, y)."""
    x0, y0, _, _ = study.layout
    return int(np.floor((x - x0) / study.cell_size)), int(np.floor((y - y0) / study.cell_size))


def in_cell(study: StudyArea, col: int, row: int) -> pl.Expr:
    """Rows whose point lies in cell (col, row) of the study grid."""
    x0, y0, _, _ = study.layout
    cs = study.cell_size
    return pl.col("x").is_between(x0 + col * cs, x0 + (col + 1) * cs, closed="left") & pl.col(
        "y"
    ).is_between(y0 + row * cs, y0 + (row + 1) * cs, closed="left")


def pooled_dispersion(weekly: np.ndarray) -> float:
    """Quasi-Poisson dispersion φ pooled over areas, floored at 1.

    Each row of ``weekly`` (areas × consecutive weeks) gets its own seasonal Poisson fit
    (:func:`evaluation.quasi_poisson_dispersion`: intercept and one annual sine/cosine pair);
    the Pearson statistics and degrees of freedom are then summed over the areas,
    :math:`\\hat\\varphi = \\sum_a X^2_a / \\sum_a (n - p)` (McCullagh & Nelder 1989, §4.5), so
    that a small area's few incidents do not decide its own φ. Areas without incidents carry
    no information and are left out; with no usable area φ = 1 (Poisson).
    """
    x2 = df = 0.0
    for row in np.asarray(weekly, dtype=float):
        if row.sum() <= 0 or row.size < 8:
            continue
        d = quasi_poisson_dispersion(row, harmonics=1 if row.size >= 26 else 0)
        if np.isfinite(d.phi_raw) and d.df > 0:
            x2 += d.phi_raw * d.df
            df += d.df
    return max(1.0, x2 / df) if df > 0 else 1.0


def weekly_counts_by_area(
    history: pl.DataFrame, area_ids: Sequence[int], *, first: dt.date, weeks: int
) -> np.ndarray:
    """Counts per area (rows, in ``area_ids`` order) and week (columns) of the ``weeks`` weeks
    starting on ``first``, zeros included; ``history`` has ``area_id`` and ``occurred_from``."""
    out = np.zeros((len(area_ids), weeks), dtype=float)
    if history.is_empty() or weeks <= 0:
        return out
    index = {int(a): i for i, a in enumerate(area_ids)}
    start = dt.datetime.combine(first, dt.time())
    counts = (
        history.lazy()
        .filter(pl.col("area_id").is_not_null())
        .select(
            pl.col("area_id").cast(pl.Int64),
            (
                (pl.col("occurred_from").dt.replace_time_zone(None) - pl.lit(start)).dt.total_days()
                // 7
            ).alias("week"),
        )
        .filter(pl.col("week").is_between(0, weeks - 1))
        .group_by("area_id", "week")
        .len()
        .collect()
    )
    for a, w, n in counts.iter_rows():
        if a in index:
            out[index[a], int(w)] = n
    return out


def compare_counts(
    count: np.ndarray,
    count_before: np.ndarray,
    *,
    days_now: float,
    days_before: float,
    region_ratio: float = 1.0,
    dispersion: float = 1.0,
    confidence: float = 0.95,
) -> dict[str, np.ndarray]:
    """Per area: the change of its rate against the region's change, and its test.

    Under "no change of its own" an area's rate changes as much as the whole region's,
    ``region_ratio`` (the season and the town-wide trend are then nobody's news). The test is
    :func:`evaluation.rate_ratio_test` with the comparison period's exposure scaled by it —
    exact and conditional for Poisson counts, the quasi-Poisson Wald test on the log scale when
    ``dispersion`` φ > 1 — so the returned ``ratio`` is the area's rate ratio relative to the
    region's; Benjamini–Hochberg over the areas gives ``q_value``.
    """
    tests = [
        rate_ratio_test(
            int(b),
            int(a),
            exposure_before=days_before,
            exposure_after=days_now * region_ratio,
            confidence=confidence,
            dispersion=dispersion,
        )
        for a, b in zip(count, count_before, strict=True)
    ]
    p = np.array([t.p_value for t in tests], dtype=float)
    return {
        "ratio": np.array([t.ratio for t in tests], dtype=float),
        "ci_low": np.array([t.ci_low for t in tests], dtype=float),
        "ci_high": np.array([t.ci_high for t in tests], dtype=float),
        "p_value": p,
        "q_value": adjusted_p_values(p, method="bh"),
    }


def compare_areas(
    now: pl.DataFrame,
    before: pl.DataFrame,
    areas: pl.DataFrame,
    *,
    days_now: int,
    days_before: int,
    codes: Sequence[str] = (),
    confidence: float = 0.95,
    history: pl.DataFrame | None = None,
    history_start: dt.date | None = None,
    history_weeks: int = 52,
    relative: bool = True,
) -> pl.DataFrame:
    """Per area: counts now and before, rate per 1,000 inhabitants, change and its test.

    The change is that of the rate per day, so periods of unequal length compare fairly.
    Whether an area changed is tested against the whole municipality's change (``relative``;
    the season and the town-wide trend move every area) with the dispersion of weekly counts
    estimated from ``history`` (the ``history_weeks`` weeks from ``history_start``, usually the
    year before the periods; :func:`pooled_dispersion`) — :func:`compare_counts`. The areas in
    view are one family: ``significant`` is decided by Benjamini–Hochberg at false discovery
    rate ``1 − confidence``. Without ``history`` φ = 1 (exact Poisson); with
    ``relative=False`` the test is of the area's own change (ratio against 1).

    Parameters
    ----------
    now, before
        Filtered incidents of the period and of the comparison period (``area_id`` used).
    areas
        ``queries.areas()``: area_id, code, name, population.
    days_now, days_before
        Lengths of the two periods in days (the exposures).
    codes
        Area codes to show (all when empty); areas with no incident get 0.
    history, history_start, history_weeks
        Filtered incidents before the periods, for the dispersion.

    Returns
    -------
    polars.DataFrame
        One row per area, sorted by count descending then name: ``area_id``, ``code``,
        ``name``, ``population``, ``count``, ``count_before``, ``per_1000``, ``change_pct``
        (the area's own change, null when there was nothing before), ``region_change_pct``,
        ``ratio`` (relative to the region when ``relative``), ``ci_low``, ``ci_high``,
        ``p_value``, ``q_value``, ``significant`` and ``dispersion`` (φ used).
    """

    def counts(df: pl.DataFrame, name: str) -> pl.DataFrame:
        return (
            df.lazy()
            .filter(pl.col("area_id").is_not_null())
            .group_by(pl.col("area_id").cast(pl.Int32))
            .agg(pl.len().cast(pl.Int64).alias(name))
            .collect()
        )

    everything = (
        areas.select(
            pl.col("area_id").cast(pl.Int32), "code", "name", pl.col("population").cast(pl.Int64)
        )
        .join(counts(now, "count"), on="area_id", how="left")
        .join(counts(before, "count_before"), on="area_id", how="left")
        .with_columns(pl.col("count", "count_before").fill_null(0))
    )
    total_now, total_before = int(everything["count"].sum()), int(everything["count_before"].sum())
    region_ratio = (
        (total_now / days_now) / (total_before / days_before)
        if relative and total_now > 0 and total_before > 0
        else 1.0
    )
    table = everything.filter(pl.col("code").is_in(list(codes))) if codes else everything
    phi = 1.0
    if history is not None and history_start is not None:
        ids = everything["area_id"].to_list()
        phi = pooled_dispersion(
            weekly_counts_by_area(history, ids, first=history_start, weeks=history_weeks)
        )
    tested = compare_counts(
        table["count"].to_numpy(),
        table["count_before"].to_numpy(),
        days_now=days_now,
        days_before=days_before,
        region_ratio=region_ratio,
        dispersion=phi,
        confidence=confidence,
    )
    rate_now = pl.col("count") / days_now
    rate_before = pl.col("count_before") / days_before
    return (
        table.with_columns(
            per_1000=pl.when(pl.col("population") > 0).then(
                pl.col("count") / pl.col("population") * 1000
            ),
            change_pct=pl.when(pl.col("count_before") > 0).then((rate_now / rate_before - 1) * 100),
            region_change_pct=pl.lit((region_ratio - 1) * 100 if relative else None, pl.Float64),
            **{k: pl.Series(v, dtype=pl.Float64) for k, v in tested.items()},
            dispersion=pl.lit(phi, pl.Float64),
        )
        .with_columns(significant=pl.col("q_value") <= (1 - confidence))
        .sort(["count", "name"], descending=[True, False])
    )


def cell_changes(now: pl.DataFrame, before: pl.DataFrame, *, alpha: float = ALPHA) -> pl.DataFrame:
    """Each cell's status: new, growing or shrinking against the comparison period, else hot
    or cold now.

    The change is the exact conditional binomial test of the cell's split between the two
    periods against the region's own split, with Benjamini–Hochberg over the cells that can
    reach significance (:func:`exposure.change_test`), so a rise everywhere is no cell's
    news. Statuses:

    - ``"ny"``: hot now, not hot in the comparison period, and a significant rise;
    - ``"växande"``: a significant rise otherwise (hot before too, or not hot now);
    - ``"minskande"``: a significant fall;
    - ``"het"`` / ``"kall"``: hot / cold now without a significant change;
    - ``""``: nothing to say.

    A cell with no incident now is never "ny" nor "växande".

    Parameters
    ----------
    now, before
        Outputs of :func:`hotspot_grid` on the same :class:`StudyArea` (same cells, same
        order) for the period and for the comparison period (the user's choice: the period
        before or the same period last year).

    Returns
    -------
    polars.DataFrame
        `now` with ``count_before``, ``class_before``, ``ratio`` (the cell's now/before split
        over the region's; inf when nothing before), ``change_p`` (two-sided, null where not
        tested) and ``status``.
    """
    a = now["count"].to_numpy().astype(np.int64)
    b = before["count"].to_numpy().astype(np.int64)
    if a.shape != b.shape:
        raise ValueError("now and before must be grids of the same study area")
    test = ex.change_test(a, b, alpha=alpha, correction="bh")
    hot_now = (now["class"] == "hot").to_numpy()
    cold_now = (now["class"] == "cold").to_numpy()
    hot_before = (before["class"] == "hot").to_numpy()
    new = test.rise & hot_now & ~hot_before & (a > 0)
    status = np.select(
        [new, test.rise, test.fall, hot_now, cold_now],
        ["ny", "växande", "minskande", "het", "kall"],
        default="",
    )
    odds0 = test.pi0 / (1 - test.pi0) if 0 < test.pi0 < 1 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(b > 0, a / np.where(b > 0, b, 1) / odds0, np.where(a > 0, np.inf, np.nan))
    return now.with_columns(
        count_before=pl.Series(b, dtype=pl.Int64),
        class_before=before["class"],
        ratio=pl.Series(ratio, dtype=pl.Float64),
        change_p=pl.Series(test.p_value, dtype=pl.Float64).fill_nan(None),
        status=pl.Series(status.astype(str), dtype=pl.Utf8),
    )


def changed_cells(grid: pl.DataFrame) -> pl.DataFrame:
    """The cells of :func:`cell_changes` that are new, growing or shrinking, most newsworthy
    first (new, growing, shrinking; then by count now)."""
    rank = {s: i for i, s in enumerate(STATUSES)}
    return (
        grid.filter(pl.col("status").is_in(["ny", "växande", "minskande"]))
        .with_columns(_rank=pl.col("status").replace_strict(rank, return_dtype=pl.Int8))
        .sort(["_rank", "count"], descending=[False, True])
        .drop("_rank")
    )


def hotspot_cells(
    grid: pl.DataFrame, *, cell_size: float, only_notable: bool = True
) -> pl.DataFrame:
    """One row per cell for export (``ostan-dash hotspots --json``): SWEREF 99 TM centre,
    counts, expectation, test statistics and status.

    Parameters
    ----------
    grid
        :func:`grid_results`' grid (:func:`cell_changes` output).
    only_notable
        Keep only cells with an incident now or before, or a status.

    Returns
    -------
    polars.DataFrame
        ``x``, ``y`` (cell centre, metres), ``count``, ``expected``, ``z``, ``p_value``
        (two-sided, before the FDR correction), ``count_before``, ``change_p`` and ``status``
        (``"het"``, ``"kall"``, ``"ny"``, ``"växande"``, ``"minskande"`` or null).
    """
    out = grid
    if only_notable:
        out = out.filter(
            (pl.col("count") > 0) | (pl.col("count_before") > 0) | (pl.col("status") != "")
        )
    return out.select(
        (pl.col("x0") + cell_size / 2).alias("x"),
        (pl.col("y0") + cell_size / 2).alias("y"),
        "count",
        pl.col("expected").round(4),
        pl.col("z").fill_nan(None).round(4),
        pl.col("p_value").fill_nan(None),
        "count_before",
        "change_p",
        pl.when(pl.col("status") != "").then(pl.col("status")).alias("status"),
    )


def after_period(
    bounds: tuple[dt.date, dt.date], *, today: dt.date, min_days: int = 7
) -> tuple[dt.date, dt.date] | None:
    """The days after a period, as many as the period has but not past yesterday, on which
    its hot cells can be checked (PAI/PEI); ``None`` when fewer than `min_days` exist."""
    days = (bounds[1] - bounds[0]).days + 1
    first = bounds[1] + dt.timedelta(days=1)
    last = min(bounds[1] + dt.timedelta(days=days), today - dt.timedelta(days=1))
    if (last - first).days + 1 < min_days:
        return None
    return first, last


def accuracy(grid: pl.DataFrame, later: pl.DataFrame, study: StudyArea) -> ex.Accuracy:
    """PAI and PEI (:func:`exposure.pai_pei`) of the hot cells of `grid` on the incidents of
    a later period (`later`, filtered like the period), over the study region."""
    later_grid = hotspot_grid(later, study, expectation="antal") if later.height else None
    counts = (
        later_grid["count"].to_numpy()
        if later_grid is not None
        else np.zeros(grid.height, dtype=np.int64)
    )
    return ex.pai_pei((grid["class"] == "hot").to_numpy(), counts, cell_size=study.cell_size)


def region_outline(study: StudyArea) -> np.ndarray:
    """The boundary of the study region as straight segments, SWEREF 99 TM metres.

    Every edge between a region cell and a non-region cell (or the grid's edge), with runs of
    edges along a row or column merged into one segment.

    Returns
    -------
    numpy.ndarray
        Shape (k, 4): x1, y1, x2, y2 per segment.
    """
    m = np.pad(study.mask, 1, constant_values=False)
    x0, y0, _, _ = study.layout
    cs = study.cell_size
    # Horizontal edges: between padded rows r-1 and r, i.e. at y = y0 + r·cs.
    r, a, b = _runs(m[1:, 1:-1] != m[:-1, 1:-1])  # (nrows+1, ncols)
    horizontal = np.column_stack([x0 + a * cs, y0 + r * cs, x0 + b * cs, y0 + r * cs])
    # Vertical edges: between padded columns c-1 and c, i.e. at x = x0 + c·cs.
    c, a, b = _runs((m[1:-1, 1:] != m[1:-1, :-1]).T)  # (ncols+1, nrows)
    vertical = np.column_stack([x0 + c * cs, y0 + a * cs, x0 + c * cs, y0 + b * cs])
    return np.concatenate([horizontal, vertical]).astype(np.float64).reshape(-1, 4)


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every run of True along the rows of a 2-D boolean array: its row, first column and the
    column after its last, row by row and left to right (one vectorised pass)."""
    padded = np.zeros((flags.shape[0], flags.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = flags
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)
    return rows, starts, ends


def weekly_comparison(
    now: pl.DataFrame,
    before: pl.DataFrame,
    *,
    bounds: tuple[dt.date, dt.date],
    comparison: tuple[dt.date, dt.date],
    time_col: str = "occurred_from",
) -> pl.DataFrame:
    """Counts per 7-day step of the period beside the same step of the comparison period.

    Steps start at the period's first day (an ISO week when the period is made of whole
    ISO weeks); the last step may be shorter. Empty steps count 0.

    Returns
    -------
    polars.DataFrame
        ``step`` (0, 1, …), ``week_start`` and ``week_start_before`` (first day of the step
        in each period), ``count`` and ``count_before``.
    """
    n_steps = ((bounds[1] - bounds[0]).days) // 7 + 1
    steps = pl.DataFrame(
        {
            "step": pl.Series(range(n_steps), dtype=pl.Int64),
            "week_start": [bounds[0] + dt.timedelta(weeks=i) for i in range(n_steps)],
            "week_start_before": [comparison[0] + dt.timedelta(weeks=i) for i in range(n_steps)],
        }
    )

    def per_step(df: pl.DataFrame, first: dt.date, name: str) -> pl.DataFrame:
        return (
            df.lazy()
            .select(step=(pl.col(time_col).dt.date() - pl.lit(first)).dt.total_days() // 7)
            .group_by("step")
            .agg(pl.len().cast(pl.Int64).alias(name))
            .collect()
        )

    return (
        steps.join(per_step(now, bounds[0], "count"), on="step", how="left")
        .join(per_step(before, comparison[0], "count_before"), on="step", how="left")
        .with_columns(pl.col("count", "count_before").fill_null(0))
    )


def month_profile(frame: pl.DataFrame, *, time_col: str = "occurred_from") -> pl.DataFrame:
    """Counts per year and calendar month (local time), every month of every year present.

    Returns ``year``, ``month`` (1–12) and ``count`` (0 for empty months), sorted.
    """
    if frame.is_empty():
        return pl.DataFrame(schema={"year": pl.Int32, "month": pl.Int8, "count": pl.Int64})
    counts = _month_counts(frame[time_col])
    years = pl.DataFrame(
        {"year": sorted(counts["year"].unique().to_list())}, schema={"year": pl.Int32}
    )
    months = pl.DataFrame({"month": list(range(1, 13))}, schema={"month": pl.Int8})
    return (
        years.join(months, how="cross")
        .join(counts, on=["year", "month"], how="left")
        .with_columns(pl.col("count").fill_null(0))
        .sort("year", "month")
    )


def _month_counts(times: pl.Series) -> pl.DataFrame:
    """``year``, ``month``, ``count`` of the months that have rows in ``times``.

    For a time-zone-aware column the local month of each row is found by binary search of its
    instant among the local month starts between the first and the last row, not by converting
    every row to local time (``dt.year()`` and ``dt.month()`` each do that: 0.24 s for
    2.5 M rows against some 0.02 s here)."""
    dtype = times.dtype
    times = times.drop_nulls()
    if not (isinstance(dtype, pl.Datetime) and dtype.time_zone) or times.is_empty():
        return (
            times.to_frame("t")
            .select(year=pl.col("t").dt.year(), month=pl.col("t").dt.month())
            .group_by("year", "month")
            .agg(pl.len().cast(pl.Int64).alias("count"))
        )
    first, last = times.min(), times.max()
    assert isinstance(first, dt.datetime) and isinstance(last, dt.datetime)
    n = (last.year - first.year) * 12 + last.month - first.month + 2
    starts = [
        dt.datetime(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(n)
    ]
    bounds = (
        pl.Series(starts, dtype=pl.Datetime(dtype.time_unit))
        .dt.replace_time_zone(dtype.time_zone)
        .to_physical()
        .to_numpy()
    )
    which = np.searchsorted(bounds, times.to_physical().to_numpy(), side="right") - 1
    found = np.bincount(which, minlength=n)[: n - 1]
    return pl.DataFrame(
        {
            "year": [d.year for d in starts[:-1]],
            "month": [d.month for d in starts[:-1]],
            "count": found.astype(np.int64),
        },
        schema={"year": pl.Int32, "month": pl.Int8, "count": pl.Int64},
    ).filter(pl.col("count") > 0)


def nearest_place(cells: pl.DataFrame, places: pl.DataFrame, *, cell_size: float) -> pl.DataFrame:
    """Add the nearest place (name) and its distance in metres to each cell's centre.

    `cells` has x0, y0 (lower-left corners); `places` has name, x, y (SWEREF 99 TM). With no
    places the columns are null.
    """
    if cells.is_empty() or places.is_empty():
        return cells.with_columns(
            place=pl.lit(None, dtype=pl.Utf8), place_m=pl.lit(None, dtype=pl.Float64)
        )
    cx = cells["x0"].to_numpy() + cell_size / 2
    cy = cells["y0"].to_numpy() + cell_size / 2
    px = places["x"].to_numpy()
    py = places["y"].to_numpy()
    d = np.hypot(cx[:, None] - px[None, :], cy[:, None] - py[None, :])
    best = d.argmin(axis=1)
    return cells.with_columns(
        place=pl.Series(places["name"].to_numpy()[best], dtype=pl.Utf8),
        place_m=pl.Series(d[np.arange(len(best)), best], dtype=pl.Float64),
    )


@dataclass(frozen=True, eq=False)
class KartaResult:
    """Everything the page computes from the filtered incidents on one interaction."""

    grid: pl.DataFrame
    hot_times: pl.DataFrame
    compare: pl.DataFrame
    new_hotspots: pl.DataFrame


def grid_results(
    now: pl.DataFrame,
    before: pl.DataFrame,
    study: StudyArea,
    *,
    expectation: str = "befolkning",
    alpha: float = ALPHA,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The part that depends on the cell size: the map grid (:func:`hotspot_grid`) with each
    cell's change against the comparison period and its status (:func:`cell_changes`), and
    the new, growing and shrinking cells (:func:`changed_cells`)."""
    grid = cell_changes(
        hotspot_grid(now, study, expectation=expectation, alpha=alpha),
        hotspot_grid(before, study, expectation=expectation, alpha=alpha),
        alpha=alpha,
    )
    return grid, changed_cells(grid)


def period_results(
    now: pl.DataFrame,
    before: pl.DataFrame,
    areas: pl.DataFrame,
    *,
    days_now: int,
    days_before: int,
    codes: Sequence[str] = (),
    history: pl.DataFrame | None = None,
    history_start: dt.date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The part that does not depend on the cell size: the aoristic weekday × hour matrix
    (Ratcliffe 2002; :func:`hottimes.hot_time_matrix`) and the compare-areas table
    (:func:`compare_areas`, with the dispersion from ``history``)."""
    from ostan_dash.analysis.hottimes import hot_time_matrix

    return hot_time_matrix(now), compare_areas(
        now,
        before,
        areas,
        days_now=days_now,
        days_before=days_before,
        codes=codes,
        history=history,
        history_start=history_start,
    )


def history_bounds(*periods: tuple[dt.date, dt.date], weeks: int = 52) -> tuple[dt.date, dt.date]:
    """The ``weeks`` whole weeks before the earliest of ``periods``: where the compare table
    estimates the week-to-week dispersion."""
    first = min(p[0] for p in periods)
    return first - dt.timedelta(weeks=weeks), first - dt.timedelta(days=1)


def karta_results(
    now: pl.DataFrame,
    before: pl.DataFrame,
    areas: pl.DataFrame,
    study: StudyArea,
    *,
    days_now: int,
    days_before: int,
    codes: Sequence[str] = (),
    expectation: str = "befolkning",
    history: pl.DataFrame | None = None,
    history_start: dt.date | None = None,
) -> KartaResult:
    """Everything the page shows for one filter: :func:`grid_results` and :func:`period_results`.

    `now` and `before` are the filtered incidents of the period and of the comparison period,
    `history` those of the year before both (:func:`history_bounds`), from `history_start`.
    """
    grid, new = grid_results(now, before, study, expectation=expectation)
    hot_times, compare = period_results(
        now,
        before,
        areas,
        days_now=days_now,
        days_before=days_before,
        codes=codes,
        history=history,
        history_start=history_start,
    )
    return KartaResult(grid=grid, hot_times=hot_times, compare=compare, new_hotspots=new)
