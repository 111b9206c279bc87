"""Before/after evaluation of place-based interventions with crime counts.

All functions take counts (and exposures) and return frozen dataclasses; none needs more than
the eight numbers of a treated area, its surroundings and a control area.

References
----------
Breslow, N. E. & Day, N. E. (1987). *Statistical Methods in Cancer Research, Vol. II: The
Design and Analysis of Cohort Studies*. IARC, ch. 3.

Ulm, K. (1990). A simple method to calculate the confidence interval of a standardized
mortality ratio. *American Journal of Epidemiology*, 131(2), 373–375.

Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and diffusion
of benefit effects of crime prevention activity. *Journal of Quantitative Criminology*, 19(3),
275–301.

Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted displacement difference test to
evaluate place based crime interventions. *Crime Science*, 7, 11.

Welsh, B. C. & Farrington, D. P. (2009). Public area CCTV and crime prevention: an updated
systematic review and meta-analysis. *Justice Quarterly*, 26(4), 716–745.

McCullagh, P. & Nelder, J. A. (1989). *Generalized Linear Models*, 2nd ed. Chapman & Hall,
§4.5 (the Pearson estimate of the dispersion, "quasi-Poisson").

Gu, K., Ng, H. K. T., Tang, M. L. & Schucany, W. R. (2008). Testing the ratio of two Poisson
rates. *Biometrical Journal*, 50(2), 283–298 (the Wald test on the log scale and its power).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import optimize, stats

_Z95 = stats.norm.ppf(0.975)


@dataclass(frozen=True)
class RateRatio:
    """After-rate divided by before-rate, with a confidence interval and two-sided p-value."""

    ratio: float
    ci_low: float
    ci_high: float
    p_value: float


def rate_ratio_test(
    count_before: int,
    count_after: int,
    *,
    exposure_before: float = 1.0,
    exposure_after: float = 1.0,
    confidence: float = 0.95,
    dispersion: float = 1.0,
) -> RateRatio:
    """Exact conditional test of a change in a Poisson rate (quasi-Poisson Wald test if overdispersed).

    Conditional on the total n = before + after, the after count is Binomial(n, π) with
    :math:`\\pi_0 = E_a / (E_b + E_a)` under no change (Breslow & Day 1987, §3.3). The
    p-value is the exact two-sided binomial probability of an outcome no more likely than
    the one observed; the interval is the Clopper–Pearson interval for π mapped to the
    rate ratio :math:`RR = \\frac{\\pi}{1 - \\pi} \\cdot \\frac{E_b}{E_a}` (the approach of
    Ulm 1990 for Poisson counts).

    Parameters
    ----------
    count_before, count_after
        Incident counts, non-negative integers.
    exposure_before, exposure_after
        Exposure of each period, e.g. its length in days or a population, in the same unit.
    confidence
        Level of the interval.
    dispersion
        Quasi-Poisson dispersion φ ≥ 1 (:func:`quasi_poisson_dispersion`). With φ > 1 the
        counts vary more than Poisson counts and the exact test would be too sure of itself;
        the test is then the Wald test on the log scale with the variance inflated by φ,
        :math:`\\operatorname{SE}(\\log RR) = \\sqrt{\\varphi (1/a + 1/b)}` (McCullagh & Nelder
        1989, §4.5; Gu et al. 2008), the same as a Poisson GLM of the two counts with its scale
        fixed at φ. With a zero count the exact test is run on the effective counts
        :math:`a/\\varphi, b/\\varphi` rounded to whole numbers.

    Returns
    -------
    RateRatio
        ``ratio`` is inf when nothing happened before but something after, and NaN when
        both counts are 0 (interval 0 to inf, p-value 1).
    """
    a, b = _count(count_before), _count(count_after)
    if exposure_before <= 0 or exposure_after <= 0:
        raise ValueError("exposures must be positive")
    if not dispersion >= 1:
        raise ValueError("dispersion must be at least 1")
    if dispersion > 1:
        if a > 0 and b > 0:
            log_rr = math.log(b / exposure_after) - math.log(a / exposure_before)
            se = math.sqrt(dispersion * (1 / a + 1 / b))
            z = stats.norm.ppf(1 - (1 - confidence) / 2)
            return RateRatio(
                ratio=math.exp(log_rr),
                ci_low=math.exp(log_rr - z * se),
                ci_high=math.exp(log_rr + z * se),
                p_value=float(2 * stats.norm.sf(abs(log_rr) / se)),
            )
        eff = rate_ratio_test(
            round(a / dispersion),
            round(b / dispersion),
            exposure_before=exposure_before,
            exposure_after=exposure_after,
            confidence=confidence,
        )
        ratio = _odds(b, a) * exposure_before / exposure_after
        return RateRatio(ratio, eff.ci_low, eff.ci_high, eff.p_value)
    n = a + b
    scale = exposure_before / exposure_after
    pi0 = exposure_after / (exposure_before + exposure_after)
    alpha = 1 - confidence
    pi_low = stats.beta.ppf(alpha / 2, b, n - b + 1) if b > 0 else 0.0
    pi_high = stats.beta.ppf(1 - alpha / 2, b + 1, n - b) if b < n else 1.0
    return RateRatio(
        ratio=_odds(b, a) * scale,
        ci_low=_odds(pi_low, 1 - pi_low) * scale,
        ci_high=_odds(pi_high, 1 - pi_high) * scale,
        p_value=_binomial_two_sided(b, n, pi0),
    )


def _count(value: int) -> int:
    if value < 0 or value != int(value):
        raise ValueError(f"counts must be non-negative integers, got {value}")
    return int(value)


def _odds(num: float, den: float) -> float:
    """num / den with x/0 = inf for x > 0 and 0/0 = NaN."""
    if den == 0:
        return math.inf if num > 0 else math.nan
    return num / den


def _binomial_two_sided(k: int, n: int, p: float) -> float:
    """Exact two-sided p-value: total probability of outcomes no likelier than k."""
    if n == 0:
        return 1.0
    pmf = stats.binom.pmf(np.arange(n + 1), n, p)
    # The relative tolerance keeps outcomes tied with k in floating point on the same side.
    return float(min(1.0, pmf[pmf <= pmf[k] * (1 + 1e-7)].sum()))


Effect = Literal["diffusion", "displacement", "no_effect_in_buffer", "not_applicable"]


@dataclass(frozen=True)
class DisplacementQuotient:
    """Weighted Displacement Quotient and its parts (Bowers & Johnson 2003)."""

    wdq: float
    success_measure: float
    buffer_measure: float
    total_net_effect: float
    effect: Effect


def wdq(
    treated_before: float,
    treated_after: float,
    buffer_before: float,
    buffer_after: float,
    control_before: float,
    control_after: float,
) -> DisplacementQuotient:
    """Weighted Displacement Quotient (Bowers & Johnson 2003).

    With R the treated (response) area, D the buffer (displacement) zone and C the control
    area, B before and A after:

    .. math::

        \\text{WDQ} = \\frac{D_A / C_A - D_B / C_B}{R_A / C_A - R_B / C_B}

    The denominator, the *success measure*, must be negative (crime fell in the treated area
    relative to the control) for the quotient to mean anything; the numerator is the
    *buffer measure*. WDQ > 0 means diffusion of benefits into the buffer, WDQ < 0
    displacement into it (below −1: more crime displaced than prevented), 0 no change in the
    buffer. The *total net effect* (Bowers & Johnson 2003) counts the crimes prevented in
    the treated area and buffer together, each scaled by the control area's trend:
    :math:`(R_B C_A / C_B - R_A) + (D_B C_A / C_B - D_A)`.

    Returns
    -------
    DisplacementQuotient
        ``effect`` is "not_applicable" and ``wdq`` NaN when the success measure is not
        negative or a control count is 0.
    """
    if control_before <= 0 or control_after <= 0:
        return DisplacementQuotient(math.nan, math.nan, math.nan, math.nan, "not_applicable")
    success = treated_after / control_after - treated_before / control_before
    buffer = buffer_after / control_after - buffer_before / control_before
    trend = control_after / control_before
    net = (treated_before * trend - treated_after) + (buffer_before * trend - buffer_after)
    if not success < 0:
        return DisplacementQuotient(math.nan, success, buffer, net, "not_applicable")
    quotient = buffer / success
    if math.isclose(buffer, 0.0, abs_tol=1e-12):
        effect: Effect = "no_effect_in_buffer"
        quotient = 0.0
    else:
        effect = "diffusion" if quotient > 0 else "displacement"
    return DisplacementQuotient(quotient, success, buffer, net, effect)


@dataclass(frozen=True)
class DifferenceTest:
    """An estimated change in counts with its normal-approximation inference."""

    estimate: float
    se: float
    z: float
    ci_low: float
    ci_high: float
    p_value: float


def wdd(
    treated_before: float,
    treated_after: float,
    buffer_before: float,
    buffer_after: float,
    control_before: float,
    control_after: float,
    *,
    buffer_control_before: float | None = None,
    buffer_control_after: float | None = None,
    dispersion: float = 1.0,
    buffer_dispersion: float | None = None,
    control_dispersion: float | None = None,
) -> DifferenceTest:
    """Weighted Displacement Difference test (Wheeler & Ratcliffe 2018).

    .. math::

        \\text{WDD} = \\Delta T - \\Delta C_T + \\Delta D - \\Delta C_D

    with Δ the after-minus-before count in the treated area T, its control C_T, the
    displacement (buffer) area D and the buffer's control C_D. Counts are taken as
    independent Poisson, so the variance is the sum of the eight counts; z, the 95 %
    interval and the two-sided p-value use the normal approximation. Negative means fewer
    crimes than expected.

    Parameters
    ----------
    buffer_control_before, buffer_control_after
        Counts of the buffer's own control area. If not given, the one control area serves
        both the treated area and the buffer: :math:`\\Delta C_T = \\Delta C_D`. Its counts then
        enter the estimate twice, and since they are the same random variables the variance
        has :math:`4 (C_B + C_A)` for them, not :math:`2 (C_B + C_A)`. To leave the buffer
        unadjusted (the default of Wheeler's ``ptools::wdd``), pass 0 and 0. With no buffer
        at all, pass 0 for the buffer counts and for these too.
    dispersion, buffer_dispersion, control_dispersion
        Quasi-Poisson dispersion of the treated area, the buffer and the control(s): each
        zone's counts enter the variance multiplied by its φ (Var = φ·μ). The buffer and the
        control default to ``dispersion``.

    Notes
    -----
    Worked example of Wheeler & Ratcliffe (2018): treated 207 → 110, control 308 → 318,
    displacement 178 → 157, displacement control 150 → 140 gives WDD = −118,
    SE ≈ 39.6, 95 % CI ≈ (−195.6, −40.4).
    """
    counts = (treated_before, treated_after, buffer_before, buffer_after)
    counts += (control_before, control_after)
    if (buffer_control_before is None) != (buffer_control_after is None):
        raise ValueError("give both buffer control counts or neither")
    if buffer_control_before is None:
        buffer_control_before, buffer_control_after = control_before, control_after
        shared_control = True
    else:
        shared_control = False
        counts += (buffer_control_before, buffer_control_after)
    if min(counts) < 0:
        raise ValueError("counts must be non-negative")
    estimate = (
        (treated_after - treated_before)
        - (control_after - control_before)
        + (buffer_after - buffer_before)
        - (buffer_control_after - buffer_control_before)
    )
    phi_t = dispersion
    phi_b = dispersion if buffer_dispersion is None else buffer_dispersion
    phi_c = dispersion if control_dispersion is None else control_dispersion
    if min(phi_t, phi_b, phi_c) <= 0:
        raise ValueError("dispersion must be positive")
    variance = phi_t * (treated_before + treated_after) + phi_b * (buffer_before + buffer_after)
    control = control_before + control_after
    if shared_control:
        variance += 4 * phi_c * control
    else:
        variance += phi_c * (control + buffer_control_before + buffer_control_after)
    return _normal_test(float(estimate), math.sqrt(variance))


def _normal_test(estimate: float, se: float) -> DifferenceTest:
    if se == 0:
        z = 0.0 if estimate == 0 else math.copysign(math.inf, estimate)
    else:
        z = estimate / se
    return DifferenceTest(
        estimate=estimate,
        se=se,
        z=z,
        ci_low=estimate - _Z95 * se,
        ci_high=estimate + _Z95 * se,
        p_value=float(2 * stats.norm.sf(abs(z))),
    )


@dataclass(frozen=True)
class RatioOfRateRatios:
    """Treated after/before divided by control after/before, with 95 % CI and p-value."""

    ratio: float
    log_se: float
    ci_low: float
    ci_high: float
    p_value: float


def did_ratio(
    treated_before: float,
    treated_after: float,
    control_before: float,
    control_after: float,
    *,
    dispersion: float = 1.0,
    control_dispersion: float | None = None,
) -> RatioOfRateRatios:
    """Difference-in-differences as a ratio of rate ratios.

    .. math::

        \\text{ratio} = \\frac{T_A / T_B}{C_A / C_B}, \\qquad
        \\operatorname{SE}(\\log \\text{ratio}) = \\sqrt{D \\left(\\frac1{T_B} + \\frac1{T_A}
        + \\frac1{C_B} + \\frac1{C_A}\\right)}

    the log-scale Poisson variance used for the "relative effect size" of Welsh & Farrington
    (2009) in Campbell reviews of place-based prevention (their RES is the reciprocal,
    :math:`1/\\text{ratio}`, so RES > 1 there is ratio < 1 here). Below 1 means the treated
    area improved relative to the control. The interval and two-sided p-value are normal on
    the log scale.

    Parameters
    ----------
    dispersion
        Variance inflation D for overdispersed counts (Farrington & Welsh use values
        estimated from monthly series); 1 is pure Poisson.
    control_dispersion
        The control's own D for its two terms (default: ``dispersion``), so that
        :math:`\\operatorname{Var} = D_T (1/T_B + 1/T_A) + D_C (1/C_B + 1/C_A)`.

    Returns
    -------
    RatioOfRateRatios
        With a zero count the ratio is 0, inf or NaN and the interval and p-value are NaN.
    """
    counts = (treated_before, treated_after, control_before, control_after)
    if min(counts) < 0:
        raise ValueError("counts must be non-negative")
    phi_c = dispersion if control_dispersion is None else control_dispersion
    if dispersion <= 0 or phi_c <= 0:
        raise ValueError("dispersion must be positive")
    if min(counts) == 0:
        ratio = _odds(treated_after * control_before, treated_before * control_after)
        return RatioOfRateRatios(ratio, math.nan, math.nan, math.nan, math.nan)
    log_ratio = math.log(treated_after / treated_before) - math.log(control_after / control_before)
    log_se = math.sqrt(
        dispersion * (1 / treated_before + 1 / treated_after)
        + phi_c * (1 / control_before + 1 / control_after)
    )
    return RatioOfRateRatios(
        ratio=math.exp(log_ratio),
        log_se=log_se,
        ci_low=math.exp(log_ratio - _Z95 * log_se),
        ci_high=math.exp(log_ratio + _Z95 * log_se),
        p_value=float(2 * stats.norm.sf(abs(log_ratio) / log_se)),
    )


# --- overdispersion and power ------------------------------------------------------------------


@dataclass(frozen=True)
class Dispersion:
    """A quasi-Poisson dispersion estimate from a weekly series."""

    phi: float  # the estimate floored at 1: what the tests use
    phi_raw: float  # Pearson X² / (n − p), NaN without incidents
    n_weeks: int
    df: int


def quasi_poisson_dispersion(
    weekly_counts: np.ndarray | list[int], *, harmonics: int = 1, period: float = 52.0
) -> Dispersion:
    """Pearson estimate of the quasi-Poisson dispersion φ of weekly counts, floored at 1.

    A Poisson GLM with log link is fitted by iteratively reweighted least squares to the
    weekly counts with an intercept and ``harmonics`` annual sine/cosine pairs (period
    ``period`` weeks), so that the season's swing is not taken for noise; then

    .. math::

        \\hat\\varphi = \\frac{1}{n - p} \\sum_w \\frac{(y_w - \\hat\\mu_w)^2}{\\hat\\mu_w}

    (McCullagh & Nelder 1989, §4.5; statsmodels' ``GLM(..., Poisson()).fit(scale="X2")``).
    Counts of crime at places vary more from week to week than Poisson counts (repeat
    victimisation, sprees), so φ > 1 is the rule; φ < 1 is taken as 1, the Poisson floor,
    so that the tests never become less cautious than the exact Poisson test.

    Parameters
    ----------
    weekly_counts
        Counts of consecutive weeks (zeros included), at least ``2 + 2·harmonics`` of them.
    harmonics
        Number of annual Fourier pairs in the mean (0: a constant mean).
    """
    y = np.asarray(weekly_counts, dtype=float)
    n = y.size
    t = np.arange(n, dtype=float)
    cols = [np.ones(n)]
    for k in range(1, harmonics + 1):
        cols += [np.cos(2 * np.pi * k * t / period), np.sin(2 * np.pi * k * t / period)]
    x = np.column_stack(cols)
    p = x.shape[1]
    if n <= p or y.sum() == 0:
        return Dispersion(1.0, math.nan, n, max(n - p, 0))
    mu = _poisson_irls(x, y)
    x2 = float(np.sum((y - mu) ** 2 / mu))
    raw = x2 / (n - p)
    return Dispersion(max(1.0, raw), raw, n, n - p)


def _poisson_irls(x: np.ndarray, y: np.ndarray, *, tol: float = 1e-10) -> np.ndarray:
    """Fitted means of a log-link Poisson GLM (Fisher scoring; McCullagh & Nelder §2.5)."""
    mu = np.full_like(y, y.mean())
    eta = np.log(mu)
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        z = eta + (y - mu) / mu
        xw = x * mu[:, None]
        new = np.linalg.lstsq(xw.T @ x, xw.T @ z, rcond=None)[0]
        eta = np.clip(x @ new, -30, 30)
        mu = np.exp(eta)
        if np.max(np.abs(new - beta)) < tol:
            break
        beta = new
    return mu


def min_detectable_ratio(
    count_before: float,
    *,
    dispersion: float = 1.0,
    exposure_ratio: float = 1.0,
    control_before: float | None = None,
    control_after: float | None = None,
    control_dispersion: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float:
    """The largest rate ratio below 1 that the before/after test detects with the given power.

    For the Wald test of the log rate ratio (Gu et al. 2008), a true ratio ρ < 1 is detected
    at two-sided level α with probability ``power`` when

    .. math::

        -\\log \\rho = (z_{1-\\alpha/2} + z_{\\text{power}})
        \\sqrt{\\varphi_T \\left(\\frac{1}{\\mu_B} + \\frac{1}{\\rho\\,\\mu_B\\,q}\\right) + V_C}

    with :math:`\\mu_B` the expected count before (the observed one is used), q the after/before
    exposure ratio times the control's trend :math:`C_A/C_B`, and
    :math:`V_C = \\varphi_C (1/C_B + 1/C_A)` with a control (0 without). The minimum detectable
    effect is :math:`1 - \\rho`. The equation is solved numerically; NaN when no reduction,
    not even to zero, reaches the power with these counts.
    """
    if count_before <= 0:
        return math.nan
    k = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    q = exposure_ratio
    v_c = 0.0
    if control_before is not None and control_after is not None:
        if control_before <= 0 or control_after <= 0:
            return math.nan
        phi_c = dispersion if control_dispersion is None else control_dispersion
        q *= control_after / control_before
        v_c = phi_c * (1 / control_before + 1 / control_after)

    def gap(log_rho: np.ndarray | float) -> np.ndarray | float:
        var = dispersion * (1 / count_before + np.exp(-log_rho) / (count_before * q)) + v_c
        return -log_rho - k * np.sqrt(var)

    # gap is negative at ρ = 1, rises as ρ falls and then falls again (tiny after counts are
    # noisy); the minimum detectable effect is the first crossing below 1.
    grid = np.linspace(-12.0, 0.0, 1201)
    values = gap(grid)
    best = int(np.argmax(values))
    if values[best] < 0:
        return math.nan
    return math.exp(optimize.brentq(lambda g: float(gap(g)), grid[best], 0.0))
