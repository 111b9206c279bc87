"""Study-area grid, hot-spot grid, compare-areas table and new or growing hot spots."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from scipy import stats

from ostan_dash.analysis import areas_compare as ac
from ostan_dash.analysis.evaluation import rate_ratio_test
from ostan_dash.analysis.hotspots import gi_star, grid_neighbors
from ostan_dash.config import TZ
from tests.unit.karta_fixtures import X0, Y0, two_areas


# Study area -----------------------------------------------------------------------------------
def test_polygon_mask_of_a_square_with_a_hole():
    outer = np.array([[0, 0], [1000, 0], [1000, 1000], [0, 1000], [0, 0]], float)
    hole = np.array([[400, 400], [600, 400], [600, 600], [400, 600]], float)
    mask = ac.polygon_mask([[outer, hole]], x0=-200, y0=-200, ncols=14, nrows=14, cell_size=100)
    centres = -200 + (np.arange(14) + 0.5) * 100
    cx, cy = np.meshgrid(centres, centres)
    expected = (cx > 0) & (cx < 1000) & (cy > 0) & (cy < 1000)
    expected &= ~((cx > 400) & (cx < 600) & (cy > 400) & (cy < 600))
    np.testing.assert_array_equal(mask, expected)


def test_polygon_mask_agrees_with_shapely_on_a_star():
    shapely = pytest.importorskip("shapely")
    theta = np.linspace(0, 2 * np.pi, 23, endpoint=False)
    r = np.where(np.arange(23) % 2 == 0, 3000, 1200)
    ring = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    mask = ac.polygon_mask([[ring]], x0=-3500, y0=-3500, ncols=70, nrows=70, cell_size=100)
    centres = -3500 + (np.arange(70) + 0.5) * 100
    cx, cy = np.meshgrid(centres, centres)
    expected = shapely.contains_xy(shapely.Polygon(ring), cx, cy)
    np.testing.assert_array_equal(mask, expected)


def test_study_area_covers_the_chosen_areas_only():
    areas = two_areas()
    both = ac.study_area(areas, cell_size=500)
    west = ac.study_area(areas, cell_size=500, codes=("W01",))
    assert both.mask.sum() == 32  # 4 km × 2 km in 500 m cells
    assert west.mask.sum() == 16
    assert west.extent[2] == pytest.approx(X0 + 2000, abs=1)


# Hot-spot grid --------------------------------------------------------------------------------
def cluster_frame(seed: int = 1, *, n_cluster: int = 150, at=(X0 + 625, Y0 + 625)) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(at[0], 40, n_cluster), rng.uniform(X0, X0 + 4000, 150)])
    y = np.concatenate([rng.normal(at[1], 40, n_cluster), rng.uniform(Y0, Y0 + 2000, 150)])
    return pl.DataFrame({"x": x, "y": y})


def test_hotspot_grid_finds_the_cluster_and_matches_gi_star():
    study = ac.study_area(two_areas(), cell_size=250)
    grid = ac.hotspot_grid(cluster_frame(), study)
    assert grid.height == int(study.mask.sum())
    assert grid["count"].sum() == 300
    busiest = grid.sort("count", descending=True).row(0, named=True)
    assert (busiest["x0"], busiest["y0"]) == (X0 + 500, Y0 + 500)
    assert busiest["class"] == "hot"
    assert grid.filter(pl.col("x0") > X0 + 2000)["class"].to_list().count("hot") == 0
    # The same z-scores through the general neighbour-list Gi* (Ord & Getis 1995), with the
    # locations and neighbours restricted to the study-area cells.
    _, _, ncols, nrows = study.layout
    cells = grid["row"].to_numpy() * ncols + grid["col"].to_numpy()
    position = {c: i for i, c in enumerate(cells)}
    neighbours = grid_neighbors(ncols, nrows)
    local = [[position[j] for j in neighbours[c] if j in position] for c in cells]
    np.testing.assert_allclose(
        gi_star(grid["count"].to_numpy(), local), grid["z"].to_numpy(), rtol=1e-10
    )


def test_points_without_coordinates_are_left_out_of_the_grid():
    study = ac.study_area(two_areas(), cell_size=500)
    grid = ac.hotspot_grid(pl.DataFrame({"x": [X0 + 10, None], "y": [Y0 + 10, None]}), study)
    assert grid["count"].sum() == 1


# Compare areas --------------------------------------------------------------------------------
def test_compare_areas_counts_rates_and_test():
    areas = two_areas(population=(2000, 500))
    now = pl.DataFrame({"area_id": [1] * 30 + [2] * 4 + [None]}, schema={"area_id": pl.Int32})
    before = pl.DataFrame({"area_id": [1] * 10 + [2] * 4}, schema={"area_id": pl.Int32})
    table = ac.compare_areas(now, before, areas, days_now=91, days_before=92)
    west = table.filter(pl.col("code") == "W01").row(0, named=True)
    east = table.filter(pl.col("code") == "E01").row(0, named=True)
    assert (west["count"], west["count_before"]) == (30, 10)
    assert west["per_1000"] == pytest.approx(15.0)
    assert west["change_pct"] == pytest.approx((30 / 91) / (10 / 92) * 100 - 100)
    expected = rate_ratio_test(10, 30, exposure_before=92, exposure_after=91)
    assert west["ratio"] == pytest.approx(expected.ratio)
    assert (west["ci_low"], west["ci_high"]) == pytest.approx((expected.ci_low, expected.ci_high))
    # Independent check: conditional on 40 incidents, 30 or more in "now" under H0.
    p = stats.binomtest(30, 40, 91 / 183).pvalue
    assert west["p_value"] == pytest.approx(p, rel=1e-6)
    assert west["significant"] is True
    assert east["significant"] is False and east["change_pct"] == pytest.approx(
        4 / 91 / (4 / 92) * 100 - 100
    )
    assert table["code"].to_list() == ["W01", "E01"]  # most incidents first


def test_compare_areas_keeps_quiet_areas_and_respects_the_selection():
    areas = two_areas()
    now = pl.DataFrame({"area_id": [1, 1]}, schema={"area_id": pl.Int32})
    table = ac.compare_areas(now, now.head(0), areas, days_now=7, days_before=7)
    east = table.filter(pl.col("code") == "E01").row(0, named=True)
    assert (east["count"], east["count_before"]) == (0, 0)
    assert east["change_pct"] is None and east["p_value"] == 1.0
    only = ac.compare_areas(now, now, areas, days_now=7, days_before=7, codes=("E01",))
    assert only["code"].to_list() == ["E01"]


# New or growing hot spots ---------------------------------------------------------------------
def blob(seed: int, n: int, at: tuple[float, float], sd: float = 120) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame({"x": rng.normal(at[0], sd, n), "y": rng.normal(at[1], sd, n)})


def background(seed: int, n: int = 300) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame({"x": rng.uniform(X0, X0 + 4000, n), "y": rng.uniform(Y0, Y0 + 2000, n)})


def test_new_and_growing_hot_spots():
    study = ac.study_area(two_areas(), cell_size=100)
    west, east = (X0 + 650, Y0 + 650), (X0 + 3150, Y0 + 1350)
    # Before: a cluster in the west. Now: the same cluster almost four times bigger, and a
    # new one in the east.
    before = ac.hotspot_grid(pl.concat([blob(1, 80, west), background(2)]), study)
    now = ac.hotspot_grid(pl.concat([blob(3, 300, west), blob(4, 150, east), background(5)]), study)
    out = ac.new_or_growing_hotspots(now, before, days_now=91, days_before=91)
    new = out.filter(pl.col("status") == "ny")
    growing = out.filter(pl.col("status") == "växande")
    assert (X0 + 3100, Y0 + 1300) in list(zip(new["x0"], new["y0"], strict=True))
    assert (X0 + 600, Y0 + 600) in list(zip(growing["x0"], growing["y0"], strict=True))
    assert growing["x0"].max() < X0 + 2000  # nothing in the east is "growing"
    assert (growing["ratio"] > 1).all()
    # Independent check of the one-sided exact conditional test of one growing cell.
    cell = growing.row(0, named=True)
    n = cell["count"] + cell["count_before"]
    expected = stats.binomtest(cell["count"], n, 0.5, alternative="greater").pvalue
    assert cell["p_value"] == pytest.approx(expected, rel=1e-9)
    assert new["p_value"].is_null().all()
    assert out["status"].to_list()[: new.height] == ["ny"] * new.height


def test_a_stable_hot_spot_is_neither_new_nor_growing():
    study = ac.study_area(two_areas(), cell_size=250)
    grid = ac.hotspot_grid(cluster_frame(1), study)
    assert ac.new_or_growing_hotspots(grid, grid, days_now=91, days_before=91).is_empty()


# Trend ----------------------------------------------------------------------------------------
def _times(*stamps: tuple[int, ...]) -> pl.DataFrame:
    return pl.DataFrame(
        {"occurred_from": [dt.datetime(*s, tzinfo=TZ) for s in stamps]}
    ).with_columns(pl.col("occurred_from").dt.convert_time_zone("Europe/Stockholm"))


def test_weekly_comparison_aligns_weeks():
    now = _times((2026, 2, 2, 0, 30), (2026, 2, 8, 23, 59), (2026, 2, 9, 1), (2026, 3, 1, 23))
    before = _times((2025, 2, 3, 12), (2025, 2, 24, 8))
    table = ac.weekly_comparison(
        now,
        before,
        bounds=(dt.date(2026, 2, 2), dt.date(2026, 3, 1)),
        comparison=(dt.date(2025, 2, 3), dt.date(2025, 3, 2)),
    )
    assert table["count"].to_list() == [2, 1, 0, 1]
    assert table["count_before"].to_list() == [1, 0, 0, 1]
    assert table["week_start"].to_list()[1] == dt.date(2026, 2, 9)


def test_month_profile_fills_empty_months():
    prof = ac.month_profile(_times((2024, 1, 31, 23, 30), (2024, 2, 1, 0, 10), (2025, 12, 31, 23)))
    assert prof.height == 24
    assert prof.filter(pl.col("year") == 2024)["count"].to_list()[:3] == [1, 1, 0]
    assert prof.filter((pl.col("year") == 2025) & (pl.col("month") == 12))["count"][0] == 1


def test_nearest_place():
    cells = pl.DataFrame({"x0": [X0, X0 + 1000.0], "y0": [Y0, Y0]})
    places = pl.DataFrame({"name": ["A", "B"], "x": [X0 + 50.0, X0 + 1200.0], "y": [Y0, Y0 + 50]})
    out = ac.nearest_place(cells, places, cell_size=100)
    assert out["place"].to_list() == ["A", "B"]
    assert out["place_m"][0] == pytest.approx(np.hypot(0, 50))
