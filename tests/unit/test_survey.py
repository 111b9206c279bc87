"""Weighted survey shares against statsmodels and hand calculations."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from ostan_dash.analysis.survey import (
    WeightedShare,
    share_difference,
    share_difference_significant,
    share_differences,
    weighted_share,
    weighted_shares,
)


def survey(n: int, seed: int, share: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random(n) < share, rng.lognormal(0, 0.6, n)


@pytest.mark.parametrize(
    ("n", "seed", "share"),
    [
        pytest.param(40, 0, 0.3, id="small"),
        pytest.param(800, 1, 0.55, id="large"),
        pytest.param(60, 2, 0.03, id="rare"),
    ],
)
def test_weighted_share_matches_statsmodels_wilson(n, seed, share):
    answers, weights = survey(n, seed, share)
    got = weighted_share(answers, weights)
    assert got.share == pytest.approx(np.average(answers, weights=weights))
    assert got.n == n
    assert got.n_eff == pytest.approx(weights.sum() ** 2 / (weights**2).sum())
    assert got.n_eff < n  # unequal weights lose information
    low, high = proportion_confint(got.share * got.n_eff, got.n_eff, alpha=0.05, method="wilson")
    assert (got.ci_low, got.ci_high) == pytest.approx((low, high), rel=1e-12)


def test_equal_weights_give_plain_wilson_interval():
    got = weighted_share([True] * 3 + [False] * 7, [2.5] * 10)
    assert got.share == pytest.approx(0.3)
    assert got.n_eff == pytest.approx(10)
    assert (got.ci_low, got.ci_high) == pytest.approx(
        proportion_confint(3, 10, method="wilson"), rel=1e-12
    )


def test_weighted_share_hand_example_and_missing_answers():
    # Answers True, False, True with weights 1, 2, 1; a missing answer and a zero weight
    # are left out.
    got = weighted_share([True, False, None, True, float("nan"), True], [1, 2, 5, 1, 1, 0])
    assert got.share == pytest.approx(0.5)
    assert got.n == 3
    assert got.n_eff == pytest.approx(16 / 6)


def test_weighted_share_accepts_polars_series_with_nulls():
    got = weighted_share(pl.Series([True, None, False]), pl.Series([1.0, 1.0, 3.0]))
    assert (got.share, got.n) == (0.25, 2)


def test_weighted_share_empty_and_invalid():
    empty = weighted_share([None, None], [1.0, 1.0])
    assert empty.n == 0 and math.isnan(empty.share) and math.isnan(empty.ci_low)
    with pytest.raises(ValueError, match="non-negative"):
        weighted_share([True], [-1.0])
    with pytest.raises(ValueError, match="boolean"):
        weighted_share([2], [1.0])
    with pytest.raises(ValueError, match="same length"):
        weighted_share([True, False], [1.0])


@pytest.mark.parametrize(
    ("answers", "low_is_zero", "high_is_one"),
    [
        pytest.param([False] * 30, True, False, id="all-no"),
        pytest.param([True] * 30, False, True, id="all-yes"),
    ],
)
def test_wilson_interval_at_the_edges(answers, low_is_zero, high_is_one):
    got = weighted_share(answers, np.ones(30))
    assert (got.ci_low == pytest.approx(0, abs=1e-15)) == low_is_zero
    assert (got.ci_high == pytest.approx(1, abs=1e-15)) == high_is_one
    assert 0 <= got.ci_low < got.ci_high <= 1


def respondents(seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n = 500
    area = rng.choice(["Centrum", "Norr", "Söder", "Holmen"], n, p=[0.45, 0.3, 0.2, 0.05])
    return pl.DataFrame(
        {
            "year": rng.choice([2024, 2025], n),
            "area": area,
            "otrygg_kvall": np.where(rng.random(n) < 0.08, None, rng.random(n) < 0.35).tolist(),
            "sett_klotter": (rng.random(n) < 0.6).astype(int),
            "weight": rng.lognormal(0, 0.5, n),
        }
    )


@pytest.mark.parametrize("seed", [3, 4])
def test_weighted_shares_equals_weighted_share_per_group(seed):
    df = respondents(seed)
    result = weighted_shares(
        df, by=["year", "area"], answer_cols=["otrygg_kvall", "sett_klotter"], min_n=30
    )
    assert result.columns == [
        "year",
        "area",
        "question",
        "share",
        "ci_low",
        "ci_high",
        "n",
        "n_eff",
        "suppressed",
    ]
    assert result.height == 2 * 4 * 2
    assert result["suppressed"].any() and not result["suppressed"].all()
    for row in result.iter_rows(named=True):
        group = df.filter(year=row["year"], area=row["area"])
        single = weighted_share(group[row["question"]], group["weight"])
        assert row["n"] == single.n
        assert row["suppressed"] == (single.n < 30)
        if row["suppressed"]:
            assert row["share"] is None and row["ci_low"] is None and row["n_eff"] is None
        else:
            assert row["share"] == pytest.approx(single.share)
            assert row["ci_low"] == pytest.approx(single.ci_low)
            assert row["ci_high"] == pytest.approx(single.ci_high)
            assert row["n_eff"] == pytest.approx(single.n_eff)


def test_weighted_shares_without_groups():
    df = respondents(5)
    result = weighted_shares(df, by=[], answer_cols=["sett_klotter"])
    overall = weighted_share(df["sett_klotter"], df["weight"])
    assert result.height == 1
    assert result["share"][0] == pytest.approx(overall.share)
    assert result["n"][0] == 500


# --- comparing two years -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param((0.30, 400.0), (0.36, 350.0), id="six-points"),
        pytest.param((0.52, 120.5), (0.41, 98.2), id="fractional-n-eff"),
    ],
)
def test_share_difference_matches_statsmodels_pooled_z_test(a, b):
    first = WeightedShare(a[0], math.nan, math.nan, a[1], int(a[1]))
    second = WeightedShare(b[0], math.nan, math.nan, b[1], int(b[1]))
    got = share_difference(first, second)
    z, p = proportions_ztest([b[0] * b[1], a[0] * a[1]], [b[1], a[1]])
    assert got.difference == pytest.approx(b[0] - a[0])
    assert got.z == pytest.approx(z)
    assert got.p_value == pytest.approx(p)


def test_share_difference_significant_depends_on_effective_size():
    big_a = WeightedShare(0.30, math.nan, math.nan, 1000.0, 1000)
    big_b = WeightedShare(0.36, math.nan, math.nan, 1000.0, 1000)
    # The same shares with heavy weighting: an effective size of 150 each.
    small_a = WeightedShare(0.30, math.nan, math.nan, 150.0, 1000)
    small_b = WeightedShare(0.36, math.nan, math.nan, 150.0, 1000)
    assert share_difference_significant(big_a, big_b)
    assert not share_difference_significant(small_a, small_b)


def test_share_difference_degenerate_cases():
    zero = WeightedShare(0.0, 0.0, 0.1, 50.0, 50)
    assert share_difference(zero, zero).p_value == 1.0
    empty = WeightedShare(math.nan, math.nan, math.nan, 0.0, 0)
    assert math.isnan(share_difference(empty, zero).p_value)
    assert not share_difference_significant(empty, zero)


def test_share_differences_on_arrays_equal_the_single_test():
    a = [(0.30, 400.0), (0.52, 120.5), (0.0, 50.0), (0.2, 0.0), (math.nan, 80.0)]
    b = [(0.36, 350.0), (0.41, 98.2), (0.0, 60.0), (0.3, 40.0), (0.4, 80.0)]
    z, p = share_differences(*np.array(a).T, *np.array(b).T)
    for i in range(2):
        zs, ps = proportions_ztest([b[i][0] * b[i][1], a[i][0] * a[i][1]], [b[i][1], a[i][1]])
        assert (z[i], p[i]) == pytest.approx((zs, ps))
    assert (z[2], p[2]) == (0.0, 1.0)  # both shares 0: nothing to test, no change
    assert np.isnan(p[3]) and np.isnan(p[4])  # an empty sample or a suppressed share
