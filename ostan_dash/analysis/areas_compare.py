"""Karta och tider: the study-area grid, the hot-spot grid, the compare-areas table and
"new or growing hot spots". Pure functions, Polars and NumPy in, Polars out.

The statistics themselves live in :mod:`ostan_dash.analysis.hotspots` (Gi*, Benjamini–Hochberg)
and :mod:`ostan_dash.analysis.evaluation` (the exact conditional Poisson rate-ratio test); this
module only wires them to the page's questions.

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

from ostan_dash.analysis.evaluation import rate_ratio_test
from ostan_dash.analysis.hotspots import (
    benjamini_hochberg,
    classify_hotspots,
    count_grid,
    gi_star_grid,
    grid_layout,
    kernel_density,
)

CELL_SIZES = (100, 250, 500)
"""Cell sides offered on the map, metres."""


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
        (nrows, ncols) boolean: cells whose centre lies in a chosen area. Only these are
        locations of the Gi* statistic (other cells are not study area).
    """

    extent: tuple[float, float, float, float]
    cell_size: float
    mask: np.ndarray

    @property
    def layout(self) -> tuple[float, float, int, int]:
        """x0, y0, ncols, nrows of the grid (as :func:`hotspots.grid_layout`)."""
        return grid_layout(self.extent, cell_size=self.cell_size)


def study_area(areas: pl.DataFrame, *, cell_size: float, codes: Sequence[str] = ()) -> StudyArea:
    """The grid over the chosen areas (all areas when `codes` is empty).

    Parameters
    ----------
    areas
        ``queries.areas()``: code and geojson_wgs84 per area.
    cell_size
        Cell side, metres (100, 250 or 500).
    codes
        Area codes of the selection.
    """
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
    return StudyArea(extent=extent, cell_size=float(cell_size), mask=mask)


def hotspot_grid(frame: pl.DataFrame, study: StudyArea, *, alpha: float = 0.05) -> pl.DataFrame:
    """Counts per cell with Getis-Ord Gi* z-scores and hot/cold classes.

    Counts in aligned square cells (:func:`hotspots.count_grid`), Gi* with queen binary
    weights, each cell its own neighbour (Ord & Getis 1995; :func:`hotspots.gi_star_grid`,
    restricted to the study-area cells), and significance decided by the Benjamini–Hochberg
    false discovery rate `alpha` over all study-area cells (:func:`hotspots.classify_hotspots`).

    Parameters
    ----------
    frame
        Incidents with x, y in SWEREF 99 TM (rows without coordinates are not on the map).
    study
        The grid (:func:`study_area`).

    Returns
    -------
    polars.DataFrame
        Only cells of the study area: ``col``, ``row``, ``x0``, ``y0`` (lower-left corner,
        metres), ``count`` (Int64), ``z`` (Float64, NaN when undefined) and ``class``
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
    z = gi_star_grid(grid.values, mask=study.mask)
    cls = classify_hotspots(z, alpha=alpha)
    # Build the frame from the study-area cells only, with the class as a small integer
    # code: turning ~10⁵ NumPy strings into a Polars column costs more than Gi* itself.
    inside = study.mask.ravel()
    idx = np.flatnonzero(inside)
    nrows, ncols = grid.shape
    row, col = np.divmod(idx, ncols)
    code = np.where(cls.ravel()[idx] == "hot", 1, np.where(cls.ravel()[idx] == "cold", 2, 0))
    return pl.DataFrame(
        {
            "col": col.astype(np.int32),
            "row": row.astype(np.int32),
            "x0": grid.x0 + col * grid.cell_size,
            "y0": grid.y0 + row * grid.cell_size,
            "count": grid.values.ravel()[idx].astype(np.int64),
            "z": z.ravel()[idx].astype(np.float64),
            "class": pl.Series(code.astype(np.int8)).replace_strict(
                {0: "ns", 1: "hot", 2: "cold"}, return_dtype=pl.Utf8
            ),
        }
    )


def density_grid(frame: pl.DataFrame, study: StudyArea, *, bandwidth: float) -> pl.DataFrame:
    """Quartic kernel density (Silverman 1986) at the study-area cell centres, per km².

    Returns ``col``, ``row``, ``x0``, ``y0``, ``density`` for the study-area cells.
    """
    x = np.asarray(frame["x"].to_numpy() if frame.height else np.empty(0), dtype=np.float64)
    y = np.asarray(frame["y"].to_numpy() if frame.height else np.empty(0), dtype=np.float64)
    kde = kernel_density(x, y, cell_size=study.cell_size, bandwidth=bandwidth, extent=study.extent)
    return (
        kde.to_frame(inside=study.mask)
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


def compare_areas(
    now: pl.DataFrame,
    before: pl.DataFrame,
    areas: pl.DataFrame,
    *,
    days_now: int,
    days_before: int,
    codes: Sequence[str] = (),
    confidence: float = 0.95,
) -> pl.DataFrame:
    """Per area: counts now and before, rate per 1,000 inhabitants, change and its test.

    The change is that of the rate per day, so periods of unequal length (quarters) compare
    fairly; with equal lengths it is the change of the counts. Whether it is more than
    chance is the exact conditional Poisson rate-ratio test with the period lengths as
    exposures (Breslow & Day 1987 §3.3; :func:`evaluation.rate_ratio_test`), with a
    `confidence` interval for the rate ratio.

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

    Returns
    -------
    polars.DataFrame
        One row per area, sorted by count descending then name: ``area_id``, ``code``,
        ``name``, ``population``, ``count``, ``count_before``, ``per_1000`` (count per 1,000
        inhabitants in the period), ``change_pct`` (null when there was nothing before),
        ``ratio``, ``ci_low``, ``ci_high``, ``p_value`` and ``significant`` (p < 1 −
        `confidence`).
    """
    chosen = areas.filter(pl.col("code").is_in(list(codes))) if codes else areas

    def counts(df: pl.DataFrame, name: str) -> pl.DataFrame:
        return (
            df.lazy()
            .filter(pl.col("area_id").is_not_null())
            .group_by(pl.col("area_id").cast(pl.Int32))
            .agg(pl.len().cast(pl.Int64).alias(name))
            .collect()
        )

    table = (
        chosen.select(
            pl.col("area_id").cast(pl.Int32), "code", "name", pl.col("population").cast(pl.Int64)
        )
        .join(counts(now, "count"), on="area_id", how="left")
        .join(counts(before, "count_before"), on="area_id", how="left")
        .with_columns(pl.col("count", "count_before").fill_null(0))
    )
    tests = [
        rate_ratio_test(
            b, a, exposure_before=days_before, exposure_after=days_now, confidence=confidence
        )
        for a, b in zip(table["count"].to_list(), table["count_before"].to_list(), strict=True)
    ]
    rate_now = pl.col("count") / days_now
    rate_before = pl.col("count_before") / days_before
    return (
        table.with_columns(
            per_1000=pl.when(pl.col("population") > 0).then(
                pl.col("count") / pl.col("population") * 1000
            ),
            change_pct=pl.when(pl.col("count_before") > 0).then((rate_now / rate_before - 1) * 100),
            ratio=pl.Series([t.ratio for t in tests], dtype=pl.Float64),
            ci_low=pl.Series([t.ci_low for t in tests], dtype=pl.Float64),
            ci_high=pl.Series([t.ci_high for t in tests], dtype=pl.Float64),
            p_value=pl.Series([t.p_value for t in tests], dtype=pl.Float64),
        )
        .with_columns(significant=pl.col("p_value") < (1 - confidence))
        .sort(["count", "name"], descending=[True, False])
    )


def previous_quarter(bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The 13 weeks (91 days) just before a period: "the previous quarter" of the
    new-hot-spot check."""
    start = bounds[0]
    return start - dt.timedelta(days=91), start - dt.timedelta(days=1)


def new_or_growing_hotspots(
    now: pl.DataFrame,
    before: pl.DataFrame,
    *,
    days_now: int,
    days_before: int,
    alpha: float = 0.05,
) -> pl.DataFrame:
    """Hot spots now that are new, or hot before too but significantly growing.

    A cell is **new** when it is a significant hot spot now (Gi* with FDR, see
    :func:`hotspot_grid`) and was not one in the earlier period. It is **growing** when it
    was a hot spot then too and its own count rose more than chance allows: the exact
    conditional test of two Poisson counts with the period lengths as exposures (Breslow &
    Day 1987 §3.3: given the total n, the count now is Binomial(n, π₀) with
    π₀ = E_now / (E_now + E_before) if nothing changed), one-sided because the question is
    growth, with the p-values of all such cells corrected by Benjamini–Hochberg (1995) at
    `alpha`. The one-sided upper tail is computed for all cells at once (hundreds of hot
    cells on a 100 m grid); :func:`evaluation.rate_ratio_test` is its two-sided sibling.

    Parameters
    ----------
    now, before
        Outputs of :func:`hotspot_grid` on the same :class:`StudyArea`.
    days_now, days_before
        Lengths of the two periods in days.

    Returns
    -------
    polars.DataFrame
        ``col``, ``row``, ``x0``, ``y0``, ``count``, ``count_before``, ``z``, ``z_before``,
        ``status`` (``"ny"`` | ``"växande"``), ``ratio`` (rate now over rate before; inf
        when nothing before) and ``p_value`` (one-sided, of growth; null for new cells);
        sorted by status (new first) and z descending.
    """
    joined = (
        now.filter(pl.col("class") == "hot")
        .join(
            before.select(
                "col",
                "row",
                pl.col("count").alias("count_before"),
                pl.col("z").alias("z_before"),
                pl.col("class").alias("class_before"),
            ),
            on=["col", "row"],
            how="left",
        )
        .with_columns(pl.col("count_before").fill_null(0), pl.col("class_before").fill_null("ns"))
    )
    a = joined["count"].to_numpy().astype(np.int64)
    b = joined["count_before"].to_numpy().astype(np.int64)
    pi0 = days_now / (days_now + days_before)
    p_up = stats.binom.sf(a - 1, a + b, pi0) if a.size else np.empty(0)
    was_hot = (joined["class_before"] == "hot").to_numpy()
    p = np.where(was_hot, p_up, np.nan)
    growing = benjamini_hochberg(p, alpha=alpha) & was_hot
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(b > 0, (a / days_now) / np.where(b > 0, b, 1) * days_before, np.inf)
    status = np.where(~was_hot, "ny", np.where(growing, "växande", ""))
    return (
        joined.with_columns(
            ratio=pl.Series(ratio, dtype=pl.Float64),
            p_value=pl.Series(p, dtype=pl.Float64).fill_nan(None),
            status=pl.Series(status, dtype=pl.Utf8),
        )
        .filter(pl.col("status") != "")
        .with_columns(rank=pl.when(pl.col("status") == "ny").then(0).otherwise(1))
        .sort(["rank", "z"], descending=[False, True])
        .select(
            "col",
            "row",
            "x0",
            "y0",
            "count",
            "count_before",
            "z",
            "z_before",
            "status",
            "ratio",
            "p_value",
        )
    )


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
    counts = (
        frame.lazy()
        .select(year=pl.col(time_col).dt.year(), month=pl.col(time_col).dt.month())
        .group_by("year", "month")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .collect()
    )
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
    earlier: pl.DataFrame,
    study: StudyArea,
    *,
    days_now: int,
    days_earlier: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The part that depends on the cell size: the map grid with Gi* (:func:`hotspot_grid`) and
    the new or growing hot spots against `earlier`, the quarter before the period
    (:func:`new_or_growing_hotspots`)."""
    grid = hotspot_grid(now, study)
    new = new_or_growing_hotspots(
        grid, hotspot_grid(earlier, study), days_now=days_now, days_before=days_earlier
    )
    return grid, new


def period_results(
    now: pl.DataFrame,
    before: pl.DataFrame,
    areas: pl.DataFrame,
    *,
    days_now: int,
    days_before: int,
    codes: Sequence[str] = (),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The part that does not depend on the cell size: the aoristic weekday × hour matrix
    (Ratcliffe 2002; :func:`hottimes.hot_time_matrix`) and the compare-areas table
    (:func:`compare_areas`)."""
    from ostan_dash.analysis.hottimes import hot_time_matrix

    return hot_time_matrix(now), compare_areas(
        now, before, areas, days_now=days_now, days_before=days_before, codes=codes
    )


def karta_results(
    now: pl.DataFrame,
    before: pl.DataFrame,
    earlier: pl.DataFrame,
    areas: pl.DataFrame,
    study: StudyArea,
    *,
    days_now: int,
    days_before: int,
    days_earlier: int,
    codes: Sequence[str] = (),
) -> KartaResult:
    """Everything the page shows for one filter: :func:`grid_results` and :func:`period_results`.

    `now`, `before` and `earlier` are the filtered incidents of the period, the comparison
    period and the previous quarter.
    """
    grid, new = grid_results(now, earlier, study, days_now=days_now, days_earlier=days_earlier)
    hot_times, compare = period_results(
        now, before, areas, days_now=days_now, days_before=days_before, codes=codes
    )
    return KartaResult(grid=grid, hot_times=hot_times, compare=compare, new_hotspots=new)
