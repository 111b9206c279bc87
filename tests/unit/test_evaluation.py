"""Before/after evaluation statistics against worked examples and scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2

from ostan_dash.analysis.evaluation import did_ratio, rate_ratio_test, wdd, wdq

# --- rate ratio --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "exp_before", "exp_after"),
    [
        pytest.param(40, 25, 1.0, 1.0, id="equal-periods"),
        pytest.param(12, 30, 1.0, 1.0, id="increase"),
        pytest.param(90, 20, 3.0, 1.0, id="three-years-before"),
        pytest.param(7, 3, 365.0, 181.0, id="days-of-exposure"),
        pytest.param(1500, 1350, 1.0, 1.0, id="large-counts"),
        pytest.param(5, 5, 1.0, 1.0, id="symmetric-no-change"),
    ],
)
def test_rate_ratio_matches_scipy_binomtest(before, after, exp_before, exp_after):
    got = rate_ratio_test(before, after, exposure_before=exp_before, exposure_after=exp_after)
    n = before + after
    reference = stats.binomtest(after, n, exp_after / (exp_before + exp_after))
    ci = reference.proportion_ci(confidence_level=0.95, method="exact")
    to_ratio = lambda p: p / (1 - p) * exp_before / exp_after  # noqa: E731
    assert got.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert got.ratio == pytest.approx((after / exp_after) / (before / exp_before))
    assert got.ci_low == pytest.approx(to_ratio(ci.low), rel=1e-9)
    assert got.ci_high == pytest.approx(to_ratio(ci.high), rel=1e-9)
    assert got.ci_low < got.ratio < got.ci_high


def test_rate_ratio_hand_example():
    # 10 before, 0 after in equal periods: P(X = 0 or X = 10 | Bin(10, 1/2)) = 2 / 1024.
    got = rate_ratio_test(10, 0)
    assert got.ratio == 0
    assert got.ci_low == 0
    assert got.p_value == pytest.approx(2 / 1024)
    # Clopper-Pearson upper limit for 0/10 is 1 - 0.025^(1/10).
    upper = 1 - 0.025 ** (1 / 10)
    assert got.ci_high == pytest.approx(upper / (1 - upper))


@pytest.mark.parametrize(
    ("before", "after", "ratio", "ci_low", "ci_high"),
    [
        pytest.param(0, 4, math.inf, None, math.inf, id="nothing-before"),
        pytest.param(0, 0, math.nan, 0.0, math.inf, id="nothing-at-all"),
    ],
)
def test_rate_ratio_zero_counts(before, after, ratio, ci_low, ci_high):
    got = rate_ratio_test(before, after)
    assert got.ratio == ratio or (math.isnan(ratio) and math.isnan(got.ratio))
    if ci_low is not None:
        assert got.ci_low == ci_low
    else:
        assert 0 < got.ci_low < math.inf
    assert got.ci_high == ci_high
    assert 0 < got.p_value <= 1


@pytest.mark.parametrize(
    "args",
    [
        pytest.param((-1, 3), id="negative"),
        pytest.param((2.5, 3), id="fractional"),
    ],
)
def test_rate_ratio_rejects_bad_counts(args):
    with pytest.raises(ValueError):
        rate_ratio_test(*args)


def test_rate_ratio_interval_covers_at_nominal_rate():
    rng = np.random.default_rng(42)
    before = rng.poisson(20, 2000)
    after = rng.poisson(20 * 0.7, 2000)
    covered = [
        (r := rate_ratio_test(int(b), int(a))).ci_low <= 0.7 <= r.ci_high
        for b, a in zip(before, after, strict=True)
    ]
    # Clopper-Pearson is conservative: at least 95 %, less two Monte Carlo standard errors.
    assert np.mean(covered) >= 0.94


# --- WDQ ---------------------------------------------------------------------------------------


def test_wdq_all_reduction_displaced_into_buffer_is_minus_one():
    # Control flat; treated falls by 40 and the buffer rises by the same 40.
    got = wdq(100, 60, 50, 90, 200, 200)
    assert got.wdq == pytest.approx(-1.0)
    assert got.effect == "displacement"
    assert got.success_measure == pytest.approx(-40 / 200)
    assert got.total_net_effect == pytest.approx(0.0)


@pytest.mark.parametrize(
    ("counts", "effect", "quotient"),
    [
        pytest.param((100, 60, 50, 30, 200, 200), "diffusion", 0.5, id="buffer-also-fell"),
        pytest.param((100, 60, 50, 60, 200, 200), "displacement", -0.25, id="some-displacement"),
        pytest.param((100, 60, 50, 50, 200, 200), "no_effect_in_buffer", 0.0, id="buffer-flat"),
        # Control doubled: a treated area that stayed flat still did relatively well.
        pytest.param((100, 100, 50, 100, 100, 200), "no_effect_in_buffer", 0.0, id="control-trend"),
        pytest.param((100, 120, 50, 40, 200, 200), "not_applicable", math.nan, id="no-success"),
        pytest.param((100, 60, 50, 40, 0, 200), "not_applicable", math.nan, id="empty-control"),
    ],
)
def test_wdq_interpretation(counts, effect, quotient):
    got = wdq(*counts)
    assert got.effect == effect
    if math.isnan(quotient):
        assert math.isnan(got.wdq)
    else:
        assert got.wdq == pytest.approx(quotient)


def test_wdq_total_net_effect_uses_control_trend():
    # Control fell 20 %: expected treated 80 and buffer 40 without the intervention.
    got = wdq(100, 50, 50, 45, 200, 160)
    assert got.total_net_effect == pytest.approx((80 - 50) + (40 - 45))
    assert got.wdq == pytest.approx((45 / 160 - 50 / 200) / (50 / 160 - 100 / 200))


# --- WDD ---------------------------------------------------------------------------------------


def test_wdd_reproduces_wheeler_ratcliffe_worked_example():
    got = wdd(207, 110, 178, 157, 308, 318, buffer_control_before=150, buffer_control_after=140)
    assert got.estimate == -118
    assert got.se == pytest.approx(39.6, abs=0.05)
    assert got.ci_low == pytest.approx(-195.6, abs=0.1)
    assert got.ci_high == pytest.approx(-40.4, abs=0.1)
    assert got.z == pytest.approx(-118 / math.sqrt(1568))
    assert got.p_value == pytest.approx(2 * stats.norm.cdf(-118 / math.sqrt(1568)))
    assert got.p_value < 0.01


def test_wdd_without_buffer_is_poisson_difference_in_differences():
    # Wheeler's blog example: treated 80 -> 20, control 100 -> 50: -10, SE sqrt(250).
    got = wdd(80, 20, 0, 0, 100, 50, buffer_control_before=0, buffer_control_after=0)
    assert got.estimate == -10
    assert got.se == pytest.approx(math.sqrt(250))


def test_wdd_shared_control_counts_control_variance_four_times():
    got = wdd(207, 110, 178, 157, 308, 318)
    assert got.estimate == (110 - 207) - 2 * (318 - 308) + (157 - 178)
    assert got.se == pytest.approx(math.sqrt(207 + 110 + 178 + 157 + 4 * (308 + 318)))


def test_wdd_shared_control_variance_matches_simulation():
    rng = np.random.default_rng(2018)
    means = np.array([60, 40, 50, 45, 80, 85])
    draws = rng.poisson(means, size=(20_000, 6))
    estimates = [wdd(*row).estimate for row in draws[:, [0, 1, 2, 3, 4, 5]]]
    predicted = wdd(*means).se
    assert np.std(estimates) == pytest.approx(predicted, rel=0.03)


def test_wdd_rejects_half_given_buffer_control():
    with pytest.raises(ValueError, match="both"):
        wdd(1, 2, 3, 4, 5, 6, buffer_control_before=3)


# --- ratio of rate ratios ---------------------------------------------------------------------


def test_did_ratio_hand_example():
    got = did_ratio(100, 60, 200, 200)
    assert got.ratio == pytest.approx(0.6)
    se = math.sqrt(1 / 100 + 1 / 60 + 1 / 200 + 1 / 200)
    assert got.log_se == pytest.approx(se)
    assert got.ci_low == pytest.approx(0.6 * math.exp(-1.959964 * se), rel=1e-6)
    assert got.ci_high == pytest.approx(0.6 * math.exp(1.959964 * se), rel=1e-6)
    assert got.p_value == pytest.approx(2 * stats.norm.sf(abs(math.log(0.6)) / se))


def test_did_ratio_dispersion_widens_interval():
    plain = did_ratio(100, 60, 200, 200)
    inflated = did_ratio(100, 60, 200, 200, dispersion=2.0)
    assert inflated.log_se == pytest.approx(plain.log_se * math.sqrt(2))
    assert inflated.ci_low < plain.ci_low and inflated.p_value > plain.p_value


@pytest.mark.parametrize(
    "counts",
    [
        pytest.param((100, 60, 200, 230), id="improved"),
        pytest.param((12, 19, 340, 310), id="worse-small-area"),
    ],
)
def test_did_ratio_is_the_odds_ratio_of_the_two_by_two_table(counts):
    # Braga's odds-ratio effect size: rows treated/control, columns after/before.
    tb, ta, cb, ca = counts
    table = Table2x2(np.array([[ta, tb], [ca, cb]]))
    got = did_ratio(*counts)
    assert got.ratio == pytest.approx(table.oddsratio)
    assert got.log_se == pytest.approx(table.log_oddsratio_se)
    assert (got.ci_low, got.ci_high) == pytest.approx(table.oddsratio_confint(alpha=0.05))
    assert got.p_value == pytest.approx(table.oddsratio_pvalue())


def test_did_ratio_zero_count():
    got = did_ratio(10, 0, 20, 25)
    assert got.ratio == 0
    assert math.isnan(got.ci_low) and math.isnan(got.p_value)
