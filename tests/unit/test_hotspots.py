"""Grid counts, Gi* (against PySAL esda), Benjamini-Hochberg (against statsmodels), KDE."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from esda.getisord import G_Local
from libpysal.weights import W, lat2W
from statsmodels.stats.multitest import multipletests

from ostan_dash.analysis.hotspots import (
    adjusted_p_values,
    benjamini_hochberg,
    benjamini_yekutieli,
    classify_hotspots,
    count_grid,
    gi_star,
    gi_star_grid,
    grid_counts,
    grid_neighbors,
    kernel_density,
)

DATA = Path(__file__).parents[1] / "data"


def esda_gi_star(values: np.ndarray, w: W) -> np.ndarray:
    # With star=True and binary weights esda puts 1 on the diagonal itself
    # (esda.getisord._infer_star_and_structure_w), so w is passed without self-neighbours.
    return G_Local(values, w, star=True, transform="B", permutations=0).Zs


def chicago_counts(cell_size: float = 250.0) -> np.ndarray:
    # No header row: x, y (metres) and date.
    df = pl.read_csv(
        DATA / "chicago_be_month1.csv", has_header=False, new_columns=["x", "y", "date"]
    )
    assert df.height == 970
    return count_grid(df["x"], df["y"], cell_size=cell_size).values


# --- grid counts -------------------------------------------------------------------------------


def test_grid_counts_hand_example():
    x = [10.0, 240.0, 260.0, 499.9, 600.0]
    y = [10.0, 20.0, 10.0, 260.0, 10.0]
    frame = grid_counts(x, y, cell_size=250, extent=(0, 0, 749, 499))
    assert frame.columns == ["col", "row", "x0", "y0", "count"]
    assert frame.height == 3 * 2
    counts = {(c, r): n for c, r, n in frame.select("col", "row", "count").iter_rows()}
    assert counts == {(0, 0): 2, (1, 0): 1, (2, 0): 1, (0, 1): 0, (1, 1): 1, (2, 1): 0}
    assert frame.filter(col=2, row=1).select("x0", "y0").row(0) == (500.0, 250.0)


@pytest.mark.parametrize(
    ("extent", "origin", "corner", "shape"),
    [
        pytest.param(
            (1010, 2020, 1490, 2260), (0, 0), (1000, 2000), (2, 2), id="aligned-to-multiples"
        ),
        pytest.param((1010, 2020, 1490, 2260), (10, 20), (1010, 2020), (1, 2), id="own-origin"),
        pytest.param((1000, 2000, 1500, 2250), (0, 0), (1000, 2000), (2, 3), id="edges-on-lattice"),
        pytest.param((-260, -10, -1, -1), (0, 0), (-500, -250), (1, 2), id="negative"),
    ],
)
def test_grid_layout(extent, origin, corner, shape):
    grid = count_grid([], [], cell_size=250, extent=extent, origin=origin)
    assert (grid.x0, grid.y0) == corner
    assert grid.shape == shape
    assert grid.values.sum() == 0


def test_points_outside_extent_or_without_coordinates_are_not_counted():
    grid = count_grid([5, 5, np.nan, 1e6], [5, np.nan, 5, 5], cell_size=100, extent=(0, 0, 99, 99))
    assert grid.values.tolist() == [[1]]


def test_default_extent_is_bounding_box_and_all_points_counted():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(6.5e5, 6.6e5, 500), rng.uniform(6.58e6, 6.59e6, 500)
    grid = count_grid(x, y, cell_size=250)
    assert grid.values.sum() == 500
    assert grid.x0 <= x.min() < grid.x0 + 250
    assert grid.x0 % 250 == 0 and grid.y0 % 250 == 0


def test_to_frame_rejects_misshaped_layer():
    grid = count_grid([1.0], [1.0], cell_size=10, extent=(0, 0, 19, 9))
    with pytest.raises(ValueError, match="shape"):
        grid.to_frame(z=np.zeros((2, 2)))
    assert grid.to_frame(z=np.ones(grid.shape))["z"].to_list() == [1.0, 1.0]


# --- Gi* ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nrows", "ncols", "seed"),
    [
        pytest.param(5, 5, 0, id="5x5"),
        pytest.param(7, 12, 1, id="7x12"),
        pytest.param(1, 6, 2, id="one-row"),
    ],
)
def test_gi_star_matches_esda_on_grid(nrows, ncols, seed):
    values = np.random.default_rng(seed).poisson(3, nrows * ncols).astype(float)
    expected = esda_gi_star(values, lat2W(nrows, ncols, rook=False))
    np.testing.assert_allclose(gi_star(values, grid_neighbors(ncols, nrows)), expected, atol=1e-12)
    grid_z = gi_star_grid(values.reshape(nrows, ncols))
    np.testing.assert_allclose(grid_z.ravel(), expected, atol=1e-12)


def test_gi_star_matches_esda_on_irregular_areas():
    neighbors = {
        0: [1, 2],
        1: [0, 2, 3],
        2: [0, 1, 4],
        3: [1, 4, 5],
        4: [2, 3, 5],
        5: [3, 4],
        6: [5],
    }
    neighbors[5] = [3, 4, 6]
    values = np.array([12.0, 9, 3, 4, 0, 1, 2])
    expected = esda_gi_star(values, W(neighbors))
    np.testing.assert_allclose(
        gi_star(values, [neighbors[i] for i in range(7)]), expected, atol=1e-12
    )


def test_gi_star_ignores_self_and_repeated_neighbours():
    values = np.array([5.0, 1, 2, 8, 3])
    plain = [[1], [0, 2], [1, 3], [2, 4], [3]]
    noisy = [[1, 0, 1], [0, 2, 2], [1, 3], [2, 4, 3], [3]]
    np.testing.assert_array_equal(gi_star(values, plain), gi_star(values, noisy))


def test_gi_star_hand_example():
    # Two isolated pairs: x = (4, 0, 1, 1), n = 4, mean 1.5, S² = 4.5 - 2.25.
    z = gi_star([4.0, 0, 1, 1], [[1], [0], [3], [2]])
    expected = (4 - 1.5 * 2) / (np.sqrt(2.25) * np.sqrt((4 * 2 - 4) / 3))
    assert z[0] == pytest.approx(expected)
    assert z[2] == pytest.approx((2 - 3) / (1.5 * np.sqrt(4 / 3)))


def test_gi_star_constant_values_give_nan():
    assert np.isnan(gi_star([2.0, 2.0, 2.0], [[1], [0, 2], [1]])).all()
    assert np.isnan(gi_star_grid(np.ones((3, 3)))).all()


def test_gi_star_grid_matches_esda_on_chicago_burglaries():
    counts = chicago_counts()
    nrows, ncols = counts.shape
    assert counts.sum() == 970
    assert nrows * ncols > 1000  # a real city-sized grid, mostly empty cells
    expected = esda_gi_star(counts.ravel().astype(float), lat2W(nrows, ncols, rook=False))
    np.testing.assert_allclose(gi_star_grid(counts).ravel(), expected, atol=1e-10)
    # Real clustering: some cells are significant hot spots after FDR control.
    assert (classify_hotspots(gi_star_grid(counts)) == "hot").sum() > 0


def test_gi_star_grid_with_mask_equals_general_gi_star_on_the_masked_cells():
    rng = np.random.default_rng(11)
    counts = rng.poisson(2, (6, 8)).astype(float)
    mask = np.ones(counts.shape, dtype=bool)
    mask[0, :3] = mask[4:, 6:] = False  # a bay and a corner outside the municipality
    ids = np.flatnonzero(mask.ravel())
    position = {cell: i for i, cell in enumerate(ids)}
    full = grid_neighbors(8, 6)
    neighbors = [[position[j] for j in full[cell] if j in position] for cell in ids]
    z = gi_star_grid(counts, mask=mask)
    assert np.isnan(z[~mask]).all()
    np.testing.assert_allclose(z[mask], gi_star(counts.ravel()[ids], neighbors), atol=1e-12)


def test_grid_neighbors_corner_edge_and_interior():
    nb = grid_neighbors(4, 3)  # 3 rows × 4 columns, index = row * 4 + col
    assert nb[0].tolist() == [1, 4, 5]
    assert nb[1].tolist() == [0, 2, 4, 5, 6]
    assert nb[5].tolist() == [0, 1, 2, 4, 6, 8, 9, 10]
    assert sum(len(n) for n in nb) == 2 * (3 * 3 + 4 * 2 + 2 * 2 * 3)


# --- Benjamini-Hochberg and classification ----------------------------------------------------


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.2])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_benjamini_hochberg_matches_statsmodels(seed, alpha):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(size=200), rng.uniform(0, 0.002, size=30)])
    rng.shuffle(p)
    expected = multipletests(p, alpha=alpha, method="fdr_bh")[0]
    got = benjamini_hochberg(p, alpha=alpha)
    np.testing.assert_array_equal(got, expected)
    assert got.any()


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.2])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_benjamini_yekutieli_matches_statsmodels(seed, alpha):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(size=500), rng.uniform(0, 1e-5, size=20)])
    rng.shuffle(p)
    expected = multipletests(p, alpha=alpha, method="fdr_by")[0]
    got = benjamini_yekutieli(p, alpha=alpha)
    np.testing.assert_array_equal(got, expected)
    assert got.any()
    assert got.sum() <= benjamini_hochberg(p, alpha=alpha).sum()


@pytest.mark.parametrize("method", ["bh", "by"])
def test_adjusted_p_values_match_statsmodels(method):
    rng = np.random.default_rng(9)
    p = np.concatenate([rng.uniform(size=80), rng.uniform(0, 0.01, size=10), [np.nan]])
    got = adjusted_p_values(p, method=method)
    expected = multipletests(p[:-1], method=f"fdr_{method}")[1]
    np.testing.assert_allclose(got[:-1], expected, rtol=1e-12)
    assert np.isnan(got[-1])
    reject = (benjamini_hochberg if method == "bh" else benjamini_yekutieli)(p[:-1])
    np.testing.assert_array_equal(got[:-1] <= 0.05, reject)


def test_benjamini_hochberg_step_up_hand_example():
    # m = 4, thresholds 0.0125, 0.025, 0.0375, 0.05: p(3) = 0.03 <= 0.0375, so the three
    # smallest are rejected although p(2) = 0.028 is above its own threshold 0.025.
    p = np.array([0.03, 0.001, 0.9, 0.028])
    assert benjamini_hochberg(p).tolist() == [True, True, False, True]


def test_benjamini_hochberg_keeps_shape_and_skips_nan():
    p = np.array([[0.001, np.nan], [0.04, 0.5]])
    got = benjamini_hochberg(p)
    assert got.shape == (2, 2)
    # m = 3 tests, not 4: 0.04 > 2 * 0.05 / 3 is false only with m = 3.
    assert got.tolist() == [[True, False], [False, False]]
    assert not benjamini_hochberg(np.array([np.nan])).any()


def test_classify_hotspots():
    z = np.array([4.0, -4.0, 0.5, np.nan, 1.97])
    assert classify_hotspots(z).tolist() == ["hot", "cold", "ns", "ns", "ns"]
    # On its own 1.97 is significant (p = 0.049); among five tests it is not.
    assert classify_hotspots(np.array([1.97])).tolist() == ["hot"]
    # Benjamini–Yekutieli with m = 2: c(2) = 1.5, thresholds 0.0167 and 0.0333.
    z2 = np.array([2.05, 2.1])  # p = 0.040, 0.036: BH rejects both, BY neither
    assert classify_hotspots(z2).tolist() == ["hot", "hot"]
    assert classify_hotspots(z2, correction="by").tolist() == ["ns", "ns"]


# --- kernel density ----------------------------------------------------------------------------


def test_kernel_density_integrates_to_number_of_incidents():
    rng = np.random.default_rng(5)
    x, y = rng.uniform(2000, 8000, 300), rng.uniform(2000, 8000, 300)
    grid = kernel_density(x, y, cell_size=50, bandwidth=400, extent=(0, 0, 9999, 9999))
    cell_km2 = (50 / 1000) ** 2
    assert grid.values.sum() * cell_km2 == pytest.approx(300, rel=0.01)


def test_kernel_density_matches_direct_sum_at_cell_centres():
    rng = np.random.default_rng(6)
    x, y = rng.uniform(0, 1000, 40), rng.uniform(0, 1000, 40)
    h = 230.0
    grid = kernel_density(x, y, cell_size=100, bandwidth=h, extent=(0, 0, 999, 999))
    cx = grid.x0 + (np.arange(grid.shape[1]) + 0.5) * 100
    cy = grid.y0 + (np.arange(grid.shape[0]) + 0.5) * 100
    d2 = (cx[None, :, None] - x) ** 2 + (cy[:, None, None] - y) ** 2
    kernel = np.where(d2 < h**2, 3 / (np.pi * h**2) * (1 - d2 / h**2) ** 2, 0.0)
    np.testing.assert_allclose(grid.values, kernel.sum(axis=2) * 1e6, rtol=1e-12)
