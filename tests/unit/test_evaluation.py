"""Before/after evaluation statistics against worked examples and scipy."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from ostan_dash.analysis.evaluation import (
    did_ratio,
    min_detectable_ratio,
    quasi_poisson_dispersion,
    rate_ratio_test,
    wdd,
    wdq,
)

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


# --- overdispersion ------------------------------------------------------------------------------


def _negative_binomial(rng, mean, phi, size):
    """Gamma–Poisson counts with Var = phi × mean (phi > 1)."""
    mean = np.broadcast_to(np.asarray(mean, dtype=float), size)
    return rng.poisson(rng.gamma(mean / (phi - 1), phi - 1))


@pytest.mark.parametrize("harmonics", [0, 1, 2], ids=["constant", "one-pair", "two-pairs"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dispersion_matches_statsmodels_quasi_poisson(harmonics, seed):
    import statsmodels.api as sm

    rng = np.random.default_rng(seed)
    t = np.arange(52)
    season = 4 * np.exp(0.4 * np.cos(2 * np.pi * t / 52))
    y = _negative_binomial(rng, season, 2.5, 52)
    cols = [np.ones(52)]
    for k in range(1, harmonics + 1):
        cols += [np.cos(2 * np.pi * k * t / 52), np.sin(2 * np.pi * k * t / 52)]
    ref = sm.GLM(y, np.column_stack(cols), family=sm.families.Poisson()).fit(scale="X2")
    got = quasi_poisson_dispersion(y, harmonics=harmonics)
    assert got.phi_raw == pytest.approx(ref.scale, rel=1e-6)
    assert got.df == 52 - (1 + 2 * harmonics)
    assert got.phi == pytest.approx(max(1.0, ref.scale), rel=1e-6)


def test_dispersion_recovers_the_truth_and_floors_at_one():
    rng = np.random.default_rng(7)
    phis = [quasi_poisson_dispersion(_negative_binomial(rng, 5, 3.0, 52)).phi for _ in range(200)]
    assert np.mean(phis) == pytest.approx(3.0, rel=0.1)
    poisson = [quasi_poisson_dispersion(rng.poisson(5, 52)) for _ in range(200)]
    assert all(d.phi >= 1 for d in poisson)
    assert np.mean([d.phi_raw for d in poisson]) == pytest.approx(1.0, abs=0.06)
    empty = quasi_poisson_dispersion(np.zeros(52))
    assert empty.phi == 1 and math.isnan(empty.phi_raw)


@pytest.mark.parametrize(
    ("before", "after", "phi", "exp_before", "exp_after"),
    [
        pytest.param(40, 25, 2.0, 1.0, 1.0, id="equal-periods"),
        pytest.param(12, 30, 3.5, 1.0, 1.0, id="increase"),
        pytest.param(90, 20, 1.4, 365.0, 181.0, id="days-of-exposure"),
    ],
)
def test_overdispersed_rate_ratio_is_the_quasi_poisson_glm(
    before, after, phi, exp_before, exp_after
):
    import statsmodels.api as sm

    x = np.array([[1.0, 0.0], [1.0, 1.0]])
    offset = np.log([exp_before, exp_after])
    # Two observations fit exactly: statsmodels warns about "perfect prediction" and divides by
    # the zero residual df before it uses the scale we give it. Neither touches the estimates.
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        model = sm.GLM(np.array([before, after]), x, family=sm.families.Poisson(), offset=offset)
        ref = model.fit(scale=phi)
    got = rate_ratio_test(
        before, after, exposure_before=exp_before, exposure_after=exp_after, dispersion=phi
    )
    low, high = np.exp(ref.conf_int()[1])
    assert got.ratio == pytest.approx(math.exp(ref.params[1]))
    assert (got.ci_low, got.ci_high) == pytest.approx((low, high), rel=1e-6)
    assert got.p_value == pytest.approx(ref.pvalues[1], rel=1e-6)


def test_overdispersed_rate_ratio_with_a_zero_count_uses_effective_counts():
    got = rate_ratio_test(20, 0, dispersion=2.0)
    assert got.ratio == 0
    assert got.p_value == pytest.approx(rate_ratio_test(10, 0).p_value)
    with pytest.raises(ValueError):
        rate_ratio_test(20, 3, dispersion=0.5)


def test_ignoring_overdispersion_calls_noise_a_change_and_the_dispersion_repairs_it():
    """Null: 26 weeks before and 26 after from the same overdispersed process (phi = 2.5)."""
    rng = np.random.default_rng(99)
    n = 400
    weeks = _negative_binomial(rng, 3.0, 2.5, (n, 104))
    before, after = weeks[:, 52:78].sum(axis=1), weeks[:, 78:].sum(axis=1)
    naive = [
        rate_ratio_test(int(b), int(a)).p_value < 0.05 for b, a in zip(before, after, strict=True)
    ]
    fixed = [
        rate_ratio_test(int(b), int(a), dispersion=quasi_poisson_dispersion(w[:52]).phi).p_value
        < 0.05
        for b, a, w in zip(before, after, weeks, strict=True)
    ]
    assert np.mean(naive) > 0.15  # about 22 % false "changes" at a nominal 5 %
    assert np.mean(fixed) <= 0.075  # 5 % plus two Monte Carlo standard errors


def test_did_ratio_control_has_its_own_dispersion():
    got = did_ratio(100, 60, 200, 200, dispersion=2.0, control_dispersion=1.5)
    se = math.sqrt(2.0 * (1 / 100 + 1 / 60) + 1.5 * (1 / 200 + 1 / 200))
    assert got.log_se == pytest.approx(se)
    assert did_ratio(100, 60, 200, 200, dispersion=2.0).log_se == pytest.approx(
        math.sqrt(2.0 * (1 / 100 + 1 / 60 + 1 / 200 + 1 / 200))
    )


def test_wdd_dispersion_inflates_each_zone():
    got = wdd(
        207, 110, 178, 157, 308, 318, dispersion=2, buffer_dispersion=1.5, control_dispersion=3
    )
    assert got.estimate == (110 - 207) - 2 * (318 - 308) + (157 - 178)
    assert got.se == pytest.approx(
        math.sqrt(2 * (207 + 110) + 1.5 * (178 + 157) + 3 * 4 * (308 + 318))
    )


# --- minimum detectable effect ---------------------------------------------------------------


def test_minimum_detectable_ratio_solves_the_power_equation():
    rho = min_detectable_ratio(60)
    k = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    assert -math.log(rho) == pytest.approx(k * math.sqrt(1 / 60 + 1 / (60 * rho)))
    assert min_detectable_ratio(60, dispersion=2) < rho  # noisier counts: a larger fall needed
    assert min_detectable_ratio(600) > rho  # more incidents: a smaller fall is detectable
    assert math.isnan(min_detectable_ratio(0))
    assert math.isnan(min_detectable_ratio(3))  # no fall at all could be shown with 3 before


@pytest.mark.parametrize(
    ("before", "phi", "control"),
    [
        pytest.param(60, 1.0, None, id="poisson-exact-test"),
        pytest.param(80, 2.0, None, id="overdispersed-wald"),
        pytest.param(70, 1.5, (150, 150), id="against-control"),
    ],
)
def test_power_at_the_minimum_detectable_effect_is_eighty_percent(before, phi, control):
    """Simulate the true ratio at the MDE and count how often the page's test sees the fall."""
    rng = np.random.default_rng(2008)
    n = 1500
    cb, ca = control if control else (None, None)
    rho = min_detectable_ratio(
        before, dispersion=phi, control_before=cb, control_after=ca, control_dispersion=phi
    )
    draw = (
        (lambda m: rng.poisson(m, n))
        if phi == 1
        else (lambda m: _negative_binomial(rng, m, phi, n))
    )
    tb, ta = draw(before), draw(before * rho)
    if control:
        c_b, c_a = draw(cb), draw(ca)
        hits = [
            (r := did_ratio(int(a), int(b), int(c), int(d), dispersion=phi)).ratio < 1
            and r.p_value < 0.05
            for a, b, c, d in zip(tb, ta, c_b, c_a, strict=True)
        ]
    else:
        hits = [
            (r := rate_ratio_test(int(a), int(b), dispersion=phi)).ratio < 1 and r.p_value < 0.05
            for a, b in zip(tb, ta, strict=True)
        ]
    assert np.mean(hits) == pytest.approx(0.8, abs=0.05)
