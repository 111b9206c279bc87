"""Hot spots against population: areal weighting, expectation, the local excess test (against
scipy's binomial test and statsmodels' Benjamini–Yekutieli), the change test, PAI/PEI, and the
null tests the map must survive."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from ostan_dash.analysis import areas_compare as ac
from ostan_dash.analysis import exposure as ex
from tests.unit.karta_fixtures import X0, Y0, points_by_population, town_areas, town_population


def cells(rows: list[tuple[float, float, int, int, bool]]) -> pl.DataFrame:
    x0, y0, size, pop, day = zip(*rows, strict=True)
    return pl.DataFrame(
        {
            "x0": list(map(float, x0)),
            "y0": list(map(float, y0)),
            "cell_size": pl.Series(size, dtype=pl.Int32),
            "population": pl.Series(pop, dtype=pl.Int64),
            "daytime": list(day),
        }
    )


# Population on the analysis grid ----------------------------------------------------------------
def test_250_m_cells_add_up_into_500_m_cells():
    pop = cells([(0, 0, 250, 10, False), (250, 250, 250, 30, True), (500, 0, 250, 7, False)])
    grid, day = ex.population_on_grid(pop, x0=0, y0=0, ncols=2, nrows=1, cell_size=500)
    assert grid.tolist() == [[40.0, 7.0]]
    assert day.tolist() == [[True, False]]


def test_a_1_km_cell_is_split_evenly():
    pop = cells([(1000, 0, 1000, 800, False)])
    grid, _ = ex.population_on_grid(pop, x0=0, y0=0, ncols=8, nrows=4, cell_size=250)
    assert grid[:, 4:].tolist() == [[50.0] * 4] * 4
    assert grid[:, :4].sum() == 0


def test_100_m_cells_share_a_250_m_cell_by_overlap():
    # The 250 m cell [0, 250) overlaps 100 m columns [0,100), [100,200), [200,300) by
    # 100, 100 and 50 m: shares 0.4, 0.4, 0.2 in each direction.
    pop = cells([(0, 0, 250, 100, False)])
    grid, _ = ex.population_on_grid(pop, x0=0, y0=0, ncols=3, nrows=3, cell_size=100)
    share = np.array([0.4, 0.4, 0.2])
    np.testing.assert_allclose(grid, 100 * np.outer(share, share))


@pytest.mark.parametrize(("cell", "offset"), [(100, 0), (500, 0), (100, 50), (250, 125)])
def test_areal_weighting_matches_a_fine_raster(cell, offset):
    # Independent route: spread each population cell over 5 m pixels and count pixels per cell.
    pop = town_population(3, size=2000)
    x0, y0 = X0 - offset, Y0 - offset
    n = int(np.ceil((2000 + offset) / cell)) + 1
    grid, _ = ex.population_on_grid(pop, x0=x0, y0=y0, ncols=n, nrows=n, cell_size=cell)
    fine = np.zeros((n, n))
    for px, py, size, people in pop.select("x0", "y0", "cell_size", "population").iter_rows():
        sub = np.arange(size // 5) * 5 + 2.5
        gx, gy = np.meshgrid(px + sub, py + sub)
        c = ((gx - x0) // cell).astype(int).ravel()
        r = ((gy - y0) // cell).astype(int).ravel()
        np.add.at(fine, (r, c), people / sub.size**2)
    np.testing.assert_allclose(grid, fine, atol=1e-9)
    assert grid.sum() == pytest.approx(pop["population"].sum())


def test_daytime_cells_get_the_ambient_level_and_empty_cells_stay_empty():
    pop = np.array([[0.0, 10, 20, 30], [40, 50, 60, 0]])
    day = np.array([[False, True, False, False], [False, False, False, True]])
    # Settled values 10 … 60; their 0.9 quantile (linear) is 55.
    out = ex.ambient_exposure(pop, day)
    assert out.tolist() == [[0.0, 55.0, 20, 30], [40, 50, 60, 55.0]]


def test_expected_counts_are_proportional_and_sum_to_the_total():
    e = ex.expected_counts(30, np.array([[1.0, 2.0], [0.0, 3.0]]), np.array([[1, 1], [0, 1]]))
    np.testing.assert_allclose(e[[0, 0, 1], [0, 1, 1]], [5.0, 10.0, 15.0])
    assert np.isnan(e[1, 0])
    # An empty cell of the region counts as the smallest positive exposure.
    f = ex.expected_counts(8, np.array([[0.0, 1.0], [1.0, 2.0]]), np.ones((2, 2), bool))
    np.testing.assert_allclose(f, [[1.6, 1.6], [1.6, 3.2]])


# The local excess test ----------------------------------------------------------------------------
def test_local_excess_test_matches_scipy_and_statsmodels():
    rng = np.random.default_rng(4)
    expo = rng.gamma(1.0, 20.0, (12, 15))
    region = expo > 5
    counts = np.where(region, rng.poisson(expo / 10), 0)
    counts[5, 5] += 12  # a planted excess
    e = ex.expected_counts(counts.sum(), expo, region)
    res = ex.local_excess_test(counts, e, region)
    n = int(counts[region].sum())
    p_ref = []
    for o, s in zip(counts[region], e[region] / n, strict=True):
        hi = stats.binomtest(int(o), n, s, alternative="greater").pvalue
        lo = stats.binomtest(int(o), n, s, alternative="less").pvalue
        p_ref.append(min(1.0, 2 * min(hi, lo)))
    p_ref = np.array(p_ref)
    np.testing.assert_allclose(res.p_value[region], p_ref, rtol=1e-9)
    reject = multipletests(p_ref, alpha=0.05, method="fdr_by")[0]
    np.testing.assert_array_equal(res.hot[region] | res.cold[region], reject)
    assert res.hot[5, 5]
    assert not res.hot[~region].any() and np.isnan(res.p_value[~region]).all()


def test_3x3_window_sums_the_neighbourhood():
    rng = np.random.default_rng(8)
    counts = rng.poisson(2, (6, 7))
    region = np.ones(counts.shape, bool)
    region[0, 0] = False
    e = ex.expected_counts(counts[region].sum(), np.ones(counts.shape), region)
    res = ex.local_excess_test(counts, e, region, window=3)
    # Brute force for one interior and one edge cell next to the hole.
    for r, c in [(3, 3), (1, 1)]:
        sl = (slice(max(r - 1, 0), r + 2), slice(max(c - 1, 0), c + 2))
        assert res.observed[r, c] == counts[sl][region[sl]].sum()
        assert res.expected[r, c] == pytest.approx(np.nansum(e[sl]))


def test_local_excess_with_nothing_is_not_tested():
    res = ex.local_excess_test(np.zeros((3, 3)), np.zeros((3, 3)), np.ones((3, 3), bool))
    assert not res.hot.any() and np.isnan(res.p_value).all()


# The change test ----------------------------------------------------------------------------------
def test_change_test_against_scipy_and_bh():
    rng = np.random.default_rng(2)
    before = rng.poisson(3, 300)
    now = rng.poisson(4.5, 300)  # a rise everywhere: nobody's news
    now[:5] += 60  # five real risers
    res = ex.change_test(now, before)
    pi0 = now.sum() / (now.sum() + before.sum())
    assert res.pi0 == pytest.approx(pi0)
    n = now + before
    min_p = np.minimum(1, 2 * np.minimum(pi0**n, (1 - pi0) ** n))
    np.testing.assert_array_equal(res.tested, (n > 0) & (min_p <= 0.05))
    idx = np.flatnonzero(res.tested)
    ref = np.array(
        [
            min(
                1.0,
                2
                * min(
                    stats.binomtest(int(now[i]), int(n[i]), pi0, alternative="greater").pvalue,
                    stats.binomtest(int(now[i]), int(n[i]), pi0, alternative="less").pvalue,
                ),
            )
            for i in idx
        ]
    )
    np.testing.assert_allclose(res.p_value[idx], ref, rtol=1e-9)
    reject = multipletests(ref, alpha=0.05, method="fdr_bh")[0]
    np.testing.assert_array_equal((res.rise | res.fall)[idx], reject)
    assert res.rise[:5].all()
    assert res.rise[5:].sum() + res.fall.sum() <= 2


def test_a_cell_with_nothing_now_never_rises():
    res = ex.change_test(np.array([0, 0, 30, 30]), np.array([9, 0, 30, 31]))
    assert not res.rise[:2].any()
    assert res.fall[0] or not res.tested[0]
    one = ex.change_test(np.array([1, 5]), np.array([0, 5]))
    assert not one.tested[0]  # a single incident can never be significant (Tarone)


# PAI and PEI ------------------------------------------------------------------------------------
def test_pai_and_pei_hand_example():
    # 10 cells of 250 m (0.0625 km² each); hot cells 0 and 1; later counts below.
    hot = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], bool)
    later = np.array([6, 2, 8, 1, 1, 0, 0, 1, 1, 0])
    acc = ex.pai_pei(hot, later, cell_size=250)
    assert (acc.n, acc.N, acc.n_best) == (8, 20, 14)
    assert acc.a_km2 == pytest.approx(0.125) and acc.A_km2 == pytest.approx(0.625)
    assert acc.pai == pytest.approx((8 / 20) / (2 / 10))
    assert acc.pei == pytest.approx(8 / 14)
    none = ex.pai_pei(np.zeros(3, bool), np.array([1, 2, 3]), cell_size=100)
    assert np.isnan(none.pai) and np.isnan(none.pei)


# Null tests: points only where people live, no hot spot, no change --------------------------------
@pytest.fixture(scope="module")
def town():
    pop = town_population(0)
    areas = town_areas()
    studies = {s: ac.study_area(areas, cell_size=s, population=pop) for s in ac.CELL_SIZES}
    return pop, studies


def draws(pop, rng, n_mean=1400):
    x, y = points_by_population(pop, int(rng.poisson(n_mean)), rng)
    return pl.DataFrame({"x": x, "y": y})


@pytest.mark.parametrize("cell", ac.CELL_SIZES)
def test_null_population_only_gives_at_most_one_false_hot_or_new_cell_per_view(town, cell):
    pop, studies = town
    study = studies[cell]
    rng = np.random.default_rng(100 + cell)
    hot, new, changed, hot_counts_only = [], [], [], []
    for _ in range(60):
        now, before = draws(pop, rng), draws(pop, rng)
        grid, changes = ac.grid_results(now, before, study)
        hot.append(int((grid["class"] == "hot").sum()))
        new.append(int((grid["status"] == "ny").sum()))
        changed.append(changes.height)
        if len(hot_counts_only) < 5:
            g = ac.hotspot_grid(now, study, expectation="antal")
            hot_counts_only.append(int((g["class"] == "hot").sum()))
    assert np.mean(hot) <= 1.0, hot
    assert np.mean(new) <= 1.0, new
    assert np.mean(changed) <= 1.0, changed
    # The counts-only map paints the town itself: what the default replaced.
    assert np.mean(hot_counts_only) > 10 * max(np.mean(hot), 1)


def test_a_citywide_rise_is_not_new_anywhere(town):
    pop, studies = town
    rng = np.random.default_rng(7)
    news = [
        ac.grid_results(draws(pop, rng, 2100), draws(pop, rng, 1400), studies[250])[1].height
        for _ in range(30)
    ]
    assert np.mean(news) <= 1.0, news


def test_planted_hot_spot_is_found_and_new(town):
    pop, studies = town
    rng = np.random.default_rng(11)
    # A busy block in the town (thousands of residents around it) with 40 extra incidents.
    at = (X0 + 4625.0, Y0 + 3375.0)
    extra = pl.DataFrame({"x": rng.normal(at[0], 40, 40), "y": rng.normal(at[1], 40, 40)})
    before, now = draws(pop, rng), pl.concat([draws(pop, rng), extra])
    for cell in ac.CELL_SIZES:
        grid, changes = ac.grid_results(now, before, studies[cell])
        col, row = ac.cell_of(studies[cell], *at)
        spot = grid.filter((pl.col("col") == col) & (pl.col("row") == row)).row(0, named=True)
        assert spot["class"] == "hot", (cell, spot)
        assert spot["status"] == "ny", (cell, spot)
        far = grid.filter(
            (pl.col("class") == "hot")
            & (((pl.col("x0") - at[0]) ** 2 + (pl.col("y0") - at[1]) ** 2).sqrt() > 2 * cell)
        )
        assert far.height <= 1, (cell, far)
