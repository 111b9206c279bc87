"""Weighted shares from safety surveys, with design-effect-aware intervals.

A weighted sample carries less information than its size suggests. Intervals here use Kish's
effective sample size in place of n, and the Wilson score interval, which behaves well for
shares near 0 or 1 and for small samples.

References
----------
Kish, L. (1965). *Survey Sampling*. Wiley. (Effective sample size, §11.7.)

Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
*Journal of the American Statistical Association*, 22(158), 209–212.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike
from scipy import stats

_Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class WeightedShare:
    """A weighted share of "yes" answers with its 95 % Wilson interval."""

    share: float
    ci_low: float
    ci_high: float
    n_eff: float
    n: int


def weighted_share(answers: ArrayLike, weights: ArrayLike) -> WeightedShare:
    """Weighted share of true answers, Kish effective sample size and Wilson interval.

    .. math::

        \\hat p = \\frac{\\sum w_i y_i}{\\sum w_i}, \\qquad
        n_\\text{eff} = \\frac{(\\sum w_i)^2}{\\sum w_i^2}

    (Kish 1965), and the 95 % Wilson (1927) score interval for :math:`\\hat p` with
    :math:`n_\\text{eff}` in place of n.

    Parameters
    ----------
    answers
        Booleans (or 0/1); None or NaN is a missing answer and is left out.
    weights
        Non-negative survey weights, same length. Rows with a missing or zero weight are
        left out.

    Returns
    -------
    WeightedShare
        ``n`` is the number of answers used. With none, share and interval are NaN.
    """
    y = _as_float(answers)
    w = _as_float(weights)
    if y.shape != w.shape or y.ndim != 1:
        raise ValueError("answers and weights must be 1-D and of the same length")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    if np.any((y != 0) & (y != 1) & ~np.isnan(y)):
        raise ValueError("answers must be boolean (or 0/1)")
    used = ~np.isnan(y) & ~np.isnan(w) & (w > 0)
    y, w = y[used], w[used]
    n = int(y.size)
    if n == 0:
        return WeightedShare(math.nan, math.nan, math.nan, 0.0, 0)
    share = float(np.sum(w * y) / np.sum(w))
    n_eff = float(np.sum(w) ** 2 / np.sum(w**2))
    low, high = wilson_interval(share, n_eff)
    return WeightedShare(share, float(low), float(high), n_eff, n)


def wilson_interval(share: ArrayLike, n: ArrayLike, *, z: float = _Z95) -> tuple:
    """Wilson (1927) score interval for a proportion; `n` may be an effective size.

    Works elementwise on arrays; returns (low, high).
    """
    share, n = np.asarray(share, dtype=np.float64), np.asarray(n, dtype=np.float64)
    centre = (share + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def _as_float(values: ArrayLike) -> np.ndarray:
    if isinstance(values, pl.Series):
        return values.cast(pl.Float64).fill_null(np.nan).to_numpy()
    return np.array(values, dtype=np.float64)  # None becomes NaN


def weighted_shares(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    by: str | Sequence[str],
    answer_cols: Sequence[str],
    weight: str = "weight",
    min_n: int = 30,
) -> pl.DataFrame:
    """:func:`weighted_share` for every group and question, in one Polars pass.

    Parameters
    ----------
    df
        One row per respondent.
    by
        Grouping column(s), e.g. ``["year", "area"]``; an empty list gives one group.
    answer_cols
        Boolean (or 0/1) question columns; null or NaN is a missing answer.
    weight
        Survey weight column.
    min_n
        Smallest number of answers for which results are shown. Smaller groups are
        ``suppressed``: their share, interval and n_eff are null (n is kept), so that
        neither unstable numbers nor small groups' answers are displayed.

    Returns
    -------
    polars.DataFrame
        Columns ``*by``, ``question``, ``share``, ``ci_low``, ``ci_high``, ``n``, ``n_eff``,
        ``suppressed``; one row per group present in `df` and question, sorted.
    """
    keys = [by] if isinstance(by, str) else list(by)
    answer_cols = list(answer_cols)
    y = pl.col("answer").cast(pl.Float64).fill_nan(None)
    w = pl.col(weight).cast(pl.Float64).fill_nan(None)
    used = y.is_not_null() & w.is_not_null() & (w > 0)
    wu = pl.when(used).then(w)
    per_question = (
        df.lazy()
        .select(*keys, weight, *answer_cols)
        .unpivot(
            index=[*keys, weight], on=answer_cols, variable_name="question", value_name="answer"
        )
        .group_by(*keys, "question")
        .agg(n=used.sum().cast(pl.Int64), sw=wu.sum(), sw2=(wu**2).sum(), swy=(wu * y).sum())
        .with_columns(share=pl.col("swy") / pl.col("sw"), n_eff=pl.col("sw") ** 2 / pl.col("sw2"))
        .collect()
    )
    low, high = wilson_interval(per_question["share"].to_numpy(), per_question["n_eff"].to_numpy())
    suppressed = pl.col("n") < min_n
    shown = {
        c: pl.when(~suppressed).then(pl.col(c)).fill_nan(None)
        for c in ("share", "ci_low", "ci_high", "n_eff")
    }
    return (
        per_question.with_columns(ci_low=pl.Series(low), ci_high=pl.Series(high))
        .select(
            *keys,
            "question",
            share=shown["share"],
            ci_low=shown["ci_low"],
            ci_high=shown["ci_high"],
            n="n",
            n_eff=shown["n_eff"],
            suppressed=suppressed,
        )
        .sort(*keys, "question")
    )


@dataclass(frozen=True)
class ShareDifference:
    """Change from share a to share b (b − a) with a two-proportion z-test."""

    difference: float
    z: float
    p_value: float


def share_difference(a: WeightedShare, b: WeightedShare) -> ShareDifference:
    """Two-proportion z-test between independent weighted samples, e.g. two survey years.

    The usual pooled test with Kish effective sizes :math:`n_a, n_b` as the sample sizes:

    .. math::

        \\bar p = \\frac{n_a p_a + n_b p_b}{n_a + n_b}, \\qquad
        z = \\frac{p_b - p_a}{\\sqrt{\\bar p (1 - \\bar p) (1/n_a + 1/n_b)}}

    Assumes the two samples are independent (different respondents) and that the design
    effect is captured by the weights (Kish 1965).

    Returns
    -------
    ShareDifference
        NaN statistics if a sample is empty; z = 0, p = 1 if both shares are 0 or both 1.
    """
    if a.n == 0 or b.n == 0:
        return ShareDifference(math.nan, math.nan, math.nan)
    diff = b.share - a.share
    pooled = (a.n_eff * a.share + b.n_eff * b.share) / (a.n_eff + b.n_eff)
    se = math.sqrt(pooled * (1 - pooled) * (1 / a.n_eff + 1 / b.n_eff))
    if se == 0:
        return ShareDifference(diff, 0.0, 1.0)
    z = diff / se
    return ShareDifference(diff, z, float(2 * stats.norm.sf(abs(z))))


def share_difference_significant(
    a: WeightedShare, b: WeightedShare, *, alpha: float = 0.05
) -> bool:
    """Whether shares a and b differ at level `alpha` (two-sided test of
    :func:`share_difference`); False when it cannot be tested."""
    return bool(share_difference(a, b).p_value < alpha)


def share_differences(
    share_a: ArrayLike, n_eff_a: ArrayLike, share_b: ArrayLike, n_eff_b: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`share_difference` elementwise on arrays: the pooled two-proportion z-test with
    Kish effective sizes (Kish 1965) as the sample sizes.

    Returns
    -------
    tuple of numpy.ndarray
        ``(z, p)``, two-sided. NaN where an input is missing or an effective size is not
        positive; z = 0, p = 1 where both shares are 0 or both 1 (no variance).
    """
    pa, na = np.asarray(share_a, dtype=np.float64), np.asarray(n_eff_a, dtype=np.float64)
    pb, nb = np.asarray(share_b, dtype=np.float64), np.asarray(n_eff_b, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (na * pa + nb * pb) / (na + nb)
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        z = np.where(se > 0, (pb - pa) / se, 0.0)
    bad = ~(np.isfinite(pa) & np.isfinite(pb) & (na > 0) & (nb > 0))
    z = np.where(bad, np.nan, z)
    p = np.where(bad, np.nan, 2 * stats.norm.sf(np.abs(z)))
    return z, p
