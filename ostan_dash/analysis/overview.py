"""Översikt: the last complete ISO week against what the season and recent weeks lead one to expect.

Pure Polars and numpy. An incident belongs to the ISO week (Monday–Sunday, Europe/Stockholm) of
the start of its time window, ``occurred_from``: the earliest moment it can have happened.

The expected count of a week is seasonal-naive: the same weeks in earlier years, scaled by how
the last ``baseline_weeks`` compare with the same weeks of those years (a ratio-to-past-years
estimate in the spirit of Farrington et al. 1996, "A statistical algorithm for the early
detection of outbreaks of infectious disease", J. R. Stat. Soc. A 159:547–563). Weekly counts
vary more than Poisson chance, so the dispersion is estimated from the same baseline and the
week is compared with a negative binomial predictive distribution that also carries the
uncertainty of the expectation itself. With less than a year of history the expectation falls
back to the mean of the last ``baseline_weeks``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from scipy import stats

from ostan_dash.analysis.hotspots import benjamini_hochberg
from ostan_dash.text import percent

WEEKS_PER_YEAR = 52  # 364 days: the same weekday and (nearly always) the same ISO week a year back
HALF = 0.5  # added to sums of counts before dividing or taking logs (Haldane–Anscombe)


def last_complete_week(today: dt.date) -> dt.date:
    """Monday of the last ISO week that has ended before ``today``."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return this_monday - dt.timedelta(days=7)


def with_week(df: pl.LazyFrame | pl.DataFrame, *, time_col: str = "occurred_from") -> pl.LazyFrame:
    """Add ``week_start``: the Monday (a date) of the local ISO week of ``time_col``."""
    return df.lazy().with_columns(week_start=pl.col(time_col).dt.date().dt.truncate("1w"))


def with_week_sorted(
    df: pl.DataFrame, first: dt.date, last: dt.date, *, time_col: str = "occurred_from"
) -> pl.DataFrame:
    """``df`` with ``week_start`` as :func:`with_week` gives it, for a frame in order of
    ``time_col`` (``store.hot.by_time``): the rows of each week from the one starting ``first``
    to the one starting ``last`` are found by binary search on the local Monday midnights, so
    no row is converted to a local date (rows outside those weeks get null). Any other frame
    gets :func:`with_week`."""
    column = df[time_col]
    dtype = column.dtype
    if not (isinstance(dtype, pl.Datetime) and column.flags["SORTED_ASC"]):
        return with_week(df, time_col=time_col).collect()
    zone = ZoneInfo(dtype.time_zone) if dtype.time_zone else None
    mondays = [first + dt.timedelta(weeks=k) for k in range((last - first).days // 7 + 2)]
    edges = column.search_sorted(
        pl.Series([dt.datetime.combine(m, dt.time(), tzinfo=zone) for m in mondays]).cast(dtype),
        side="left",
    ).to_numpy()
    days = np.full(df.height, np.iinfo(np.int32).min, dtype=np.int32)
    epoch = dt.date(1970, 1, 1)
    for monday, a, b in zip(mondays, edges[:-1], edges[1:], strict=False):
        days[a:b] = (monday - epoch).days
    week = pl.Series("week_start", days).cast(pl.Date)
    week = week.set(pl.Series(days == np.iinfo(np.int32).min), None)
    return df.with_columns(week)


def in_weeks(
    df: pl.LazyFrame | pl.DataFrame,
    first: dt.date,
    last: dt.date,
    *,
    time_col: str = "occurred_from",
) -> pl.LazyFrame:
    """The rows of the ISO weeks from the one starting ``first`` to the one starting ``last``
    (Mondays), with ``week_start`` (:func:`with_week`; a frame that has it already keeps it).

    The rows are chosen by comparing the instants with local midnights (in the column's own
    time zone) before any local date is computed: a local date is a time-zone conversion per
    row (0.26 s for 2.5 M rows), which the rows outside the weeks need not pay."""
    lazy = df.lazy()
    schema = lazy.collect_schema()
    dtype = schema[time_col]
    lo, hi = first, last + dt.timedelta(days=7)
    if isinstance(dtype, pl.Datetime):
        zone = ZoneInfo(dtype.time_zone) if dtype.time_zone else None
        lo_t = dt.datetime.combine(lo, dt.time(), tzinfo=zone)
        hi_t = dt.datetime.combine(hi, dt.time(), tzinfo=zone)
        lazy = lazy.filter((pl.col(time_col) >= lo_t) & (pl.col(time_col) < hi_t))
    if "week_start" not in schema:
        lazy = with_week(lazy, time_col=time_col)
    return lazy.filter(pl.col("week_start").is_between(first, last))


def first_full_week(first_day: dt.date) -> dt.date:
    """Monday of the first ISO week that lies wholly on or after ``first_day``."""
    return first_day + dt.timedelta(days=(7 - first_day.weekday()) % 7)


def first_day(
    df: pl.DataFrame | pl.LazyFrame, *, time_col: str = "occurred_from"
) -> dt.date | None:
    """The local date of the earliest incident of ``df`` (None when it is empty)."""
    first = df.lazy().select(pl.col(time_col).min()).collect().item()
    return None if first is None else first.date()


def years_of_history(
    week_start: dt.date,
    first_day: dt.date | None,
    *,
    max_years: int = 3,
    baseline_weeks: int = 12,
) -> int:
    """How many earlier years the seasonal expectation of ``week_start`` can use (0 … ``max_years``).

    Year ``y`` is usable when its ``baseline_weeks`` before the same week (52·y weeks back)
    lie wholly after ``first_day``, the first day with data. 0 means less than a year of data:
    the expectation is then the mean of the last ``baseline_weeks``.
    """
    if first_day is None:
        return 0
    start = first_full_week(first_day)
    years = 0
    while years < max_years:
        need = week_start - dt.timedelta(weeks=WEEKS_PER_YEAR * (years + 1) + baseline_weeks)
        if need < start:
            break
        years += 1
    return years


def weeks_needed(years: int, *, baseline_weeks: int = 12) -> int:
    """Weeks of counts, ending with the week tested, that :func:`week_test` reads."""
    return WEEKS_PER_YEAR * years + baseline_weeks + 1


@dataclass(frozen=True)
class WeekTest:
    """The week tested against its expectation, one entry per group (arrays of equal shape).

    Attributes
    ----------
    count
        The count in the week tested.
    expected
        Its expected count (:func:`week_test`).
    baseline_mean
        Mean count per week over the ``baseline_weeks`` before.
    dispersion
        Variance-to-mean ratio used for a week at the group's level, ``1 + nb_alpha · level``.
    nb_alpha
        The negative binomial shape ``α`` (variance ``μ + αμ²``), shared by the groups of a table.
    expected_rel_var
        Var(log ``expected``) by the delta method: the uncertainty of the expectation itself.
    p_high
        One-sided p-value P(X ≥ count) under the predictive distribution.
    """

    count: np.ndarray
    expected: np.ndarray
    baseline_mean: np.ndarray
    dispersion: np.ndarray
    nb_alpha: np.ndarray
    expected_rel_var: np.ndarray
    p_high: np.ndarray


def pooled_nb_alpha(x2: np.ndarray, df: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Method-of-moments negative binomial ``α`` shared by the groups along the last axis.

    Under a negative binomial with mean μ and variance μ(1 + αμ), a Pearson statistic on
    ``df`` degrees of freedom has expectation ≈ df·(1 + α·μ) (McCullagh & Nelder 1989,
    *Generalized Linear Models*, §4.5; Cameron & Trivedi 2013, *Regression Analysis of Count
    Data*, §3.2.3). Summed over groups,

    .. math:: \\hat\\alpha = \\max\\Big(0, \\frac{\\sum_g (X^2_g - df_g)}{\\sum_g df_g\\,\\bar\\mu_g}\\Big).

    One α for the table rather than one per group because a group's Pearson statistic on
    11–33 degrees of freedom from counts near one a week is too noisy to set its own tail
    (its coefficient of variation is ≥ 0.25 before the small-count skew), while a common α still
    lets a large group be more overdispersed than a small one, as the demo's weekly counts are.
    Floored at 0: counts that vary less than Poisson are tested as Poisson.
    """
    num = np.sum(x2 - df, axis=-1)
    den = np.sum(df * level, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    return np.maximum(a, 0.0)


def homogeneity_x2(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson X² and degrees of freedom of a year × week table under independence.

    ``table`` has shape (…, years, weeks). The fitted count of a cell is row total × column
    total / grand total: the Poisson log-linear model with a level per year and a seasonal
    factor per week (the fit of ``statsmodels`` GLM Poisson on ``C(year) + C(week)``). What is
    left over is week-to-week noise; its excess over Poisson is the dispersion. Degrees of
    freedom (r − 1)(c − 1) over the non-empty rows and columns.
    """
    z = np.asarray(table, dtype=float)
    row = z.sum(-1, keepdims=True)
    col = z.sum(-2, keepdims=True)
    tot = z.sum((-1, -2), keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = np.where(tot > 0, row * col / np.where(tot > 0, tot, 1.0), 0.0)
        terms = np.where(fit > 0, (z - fit) ** 2 / np.where(fit > 0, fit, 1.0), 0.0)
    rows = (row[..., 0] > 0).sum(-1)
    cols = (col[..., 0, :] > 0).sum(-1)
    df = np.maximum(rows - 1, 0) * np.maximum(cols - 1, 0)
    return terms.sum((-1, -2)), df.astype(float)


def successive_difference_x2(weeks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dispersion statistic from week-to-week differences, for less than a year of history.

    ``Σ (y_t − y_{t−1})² / (2 ȳ)`` over the last axis: von Neumann's mean square successive
    difference (von Neumann et al. 1941, Ann. Math. Stat. 12:153–162) divided by the mean. Under
    a slowly drifting mean it estimates variance/mean on n − 1 degrees of freedom without
    taking the drift for noise (the moving-range idea of Shewhart charts for individuals).
    """
    y = np.asarray(weeks, dtype=float)
    level = y.mean(-1)
    ss = (np.diff(y, axis=-1) ** 2).sum(-1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = np.where(level > 0, ss / np.where(level > 0, level, 1.0), 0.0)
    df = np.where(level > 0, y.shape[-1] - 1, 0).astype(float)
    return x2, df


def predictive_upper_tail(
    count: np.ndarray, expected: np.ndarray, nb_alpha: np.ndarray, rel_var: np.ndarray
) -> np.ndarray:
    """P(X ≥ count) when X is negative binomial with the predictive mean and variance.

    The variance of a new week is ``μ(1 + αμ)`` (negative binomial) plus ``μ²·rel_var``, the
    variance of the estimated expectation (delta method on log μ̂). The distribution is the
    negative binomial with those two moments (size ``μ² / (V − μ)``, success probability
    ``μ / V``; scipy's ``nbinom``; Poisson when V = μ), in the manner of Noufaily et al. 2013, "An improved algorithm
    for outbreak detection in multiple surveillance systems", Stat. Med. 32:1206–1222, with
    the estimation variance added to the plug-in. A count of 0 gives 1.
    """
    y = np.asarray(count, dtype=float)
    mu = np.maximum(np.asarray(expected, dtype=float), 1e-9)
    var = mu * (1 + nb_alpha * mu) + mu**2 * rel_var
    over = var > mu * (1 + 1e-9)
    size = mu**2 / np.where(over, var - mu, 1.0)
    tail = np.where(over, stats.nbinom.sf(y - 1, size, mu / var), stats.poisson.sf(y - 1, mu))
    return np.where(y > 0, tail, 1.0)


def week_test(
    counts: np.ndarray, *, years: int, baseline_weeks: int = 12, window: int = 4
) -> WeekTest:
    """Test the last week of ``counts`` against its seasonal expectation, group by group.

    Parameters
    ----------
    counts
        Weekly counts, shape (…, groups, weeks); the last column is the week tested, the
        columns before it the weeks before, consecutive, at least :func:`weeks_needed`.
        Dispersion is pooled over the groups axis (one table); leading axes are independent
        tables (used by the null tests).
    years
        Earlier years to compare with (0: the mean of the last ``baseline_weeks``).
    baseline_weeks
        Recent weeks that set the current level (R).
    window
        Half-width of the window around the same week in each earlier year (L).

    Notes
    -----
    With ``years`` ≥ 1, for week T, R the ``baseline_weeks`` before T, and for each earlier
    year y the same weeks R_y (52·y weeks back) and the window L_y of ±``window`` weeks around
    T − 52·y,

    .. math:: \\hat\\mu_T = \\frac{S_R + ½}{2w + 1}\\,\\frac{\\sum_y S_{L_y} + ½}{\\sum_y S_{R_y} + ½}

    – the seasonal-naive level of the same weeks in earlier years, scaled by this year's level
    against theirs. Dispersion: Pearson X² of the (years + 1) × ``baseline_weeks`` table of R
    and the R_y under independence (:func:`homogeneity_x2`), turned into a shared negative
    binomial α (:func:`pooled_nb_alpha`). Estimation variance by the delta method,
    Var(log μ̂) ≈ φ(1/S_R + 1/S_L + 1/S_{R'} − 2 S_{L∩R'}/(S_L S_{R'})) with φ = 1 + α·level.
    With ``years`` = 0, μ̂ = S_R / ``baseline_weeks`` and the dispersion comes from
    :func:`successive_difference_x2`.
    """
    y = np.asarray(counts, dtype=float)
    b, w = baseline_weeks, window
    n = y.shape[-1]
    if n < weeks_needed(years, baseline_weeks=b):
        raise ValueError(f"{n} weeks of counts, {weeks_needed(years, baseline_weeks=b)} needed")
    t = n - 1
    now = y[..., t]
    recent = y[..., t - b : t]
    s_r = recent.sum(-1)
    baseline_mean = s_r / b
    if years == 0:
        x2, df = successive_difference_x2(recent)
        level = baseline_mean
        expected = np.maximum(baseline_mean, HALF / b)
        a = pooled_nb_alpha(x2, df, level)
        phi = 1 + a[..., None] * level
        rel_var = phi / (s_r + HALF)
    else:
        past = [t - WEEKS_PER_YEAR * k for k in range(1, years + 1)]
        table = np.stack([recent, *(y[..., p - b : p] for p in past)], axis=-2)
        x2, df = homogeneity_x2(table)
        level = table.mean((-1, -2))
        s_l = sum(y[..., p - w : p + w + 1].sum(-1) for p in past) + HALF
        s_rp = sum(y[..., p - b : p].sum(-1) for p in past) + HALF
        overlap = sum(y[..., p - min(w, b) : p].sum(-1) for p in past)
        s_rh = s_r + HALF
        expected = s_rh * s_l / ((2 * w + 1) * s_rp)
        a = pooled_nb_alpha(x2, df, level)
        phi = 1 + a[..., None] * level
        rel_var = phi * (1 / s_rh + 1 / s_l + 1 / s_rp - 2 * overlap / (s_l * s_rp))
    a_b = np.broadcast_to(a[..., None], now.shape)
    p = predictive_upper_tail(now, expected, a_b, rel_var)
    return WeekTest(
        count=now,
        expected=expected,
        baseline_mean=baseline_mean,
        dispersion=phi,
        nb_alpha=a_b,
        expected_rel_var=rel_var,
        p_high=p,
    )


def weekly_counts(
    df: pl.DataFrame | pl.LazyFrame, *, by: list[str], first: dt.date, last: dt.date
) -> tuple[pl.DataFrame, np.ndarray]:
    """Counts per group of ``by`` and ISO week from ``first`` to ``last`` (Mondays), zeros filled.

    Returns the groups (sorted) and a (groups, weeks) integer matrix whose columns are the
    consecutive weeks.
    """
    n_weeks = (last - first).days // 7 + 1
    counts = in_weeks(df, first, last).group_by([*by, "week_start"]).agg(n=pl.len()).collect()
    keys = counts.select(by).unique().sort(by, nulls_last=True)
    idx = counts.join(keys.with_row_index("g"), on=by, how="left", nulls_equal=True).select(
        "g", col=(pl.col("week_start") - pl.lit(first)).dt.total_days() // 7, n="n"
    )
    mat = np.zeros((keys.height, n_weeks), dtype=np.int64)
    np.add.at(mat, (idx["g"].to_numpy(), idx["col"].to_numpy()), idx["n"].to_numpy())
    return keys, mat


def week_vs_baseline(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    week_start: dt.date,
    by: list[str],
    baseline_weeks: int = 12,
    years: int | None = None,
    max_years: int = 3,
    window: int = 4,
    alpha: float = 0.05,
    min_count: int = 3,
) -> pl.DataFrame:
    """Counts in the week starting ``week_start`` against their seasonal expectation, per group.

    Returns one row per group of ``by`` with incidents in the weeks read, with ``count`` (the
    week), ``expected`` (:func:`week_test`), ``baseline_mean`` (mean per week over the
    ``baseline_weeks`` before, zero weeks included), ``change`` (count − expected),
    ``change_pct`` (against the expected), ``dispersion`` (variance/mean assumed for the
    group), ``p_high`` and ``unusual``. Sorted by count, descending.

    ``years`` earlier years are used (default: as many as the data allow, up to
    ``max_years``, by :func:`years_of_history` from the first incident). A group is
    ``unusual`` when it has at least ``min_count`` incidents and its p-value stays below
    ``alpha`` after the Benjamini–Hochberg correction over the groups of the table (Benjamini &
    Hochberg 1995); use :func:`flag_together` for one correction over several tables.
    """
    if years is None:
        years = years_of_history(
            week_start, first_day(df), max_years=max_years, baseline_weeks=baseline_weeks
        )
    n_weeks = weeks_needed(years, baseline_weeks=baseline_weeks)
    first = week_start - dt.timedelta(weeks=n_weeks - 1)
    keys, mat = weekly_counts(df, by=by, first=first, last=week_start)
    res = week_test(mat, years=years, baseline_weeks=baseline_weeks, window=window)
    out = keys.with_columns(
        count=pl.Series(res.count, dtype=pl.Int64),
        expected=pl.Series(res.expected, dtype=pl.Float64),
        baseline_mean=pl.Series(res.baseline_mean, dtype=pl.Float64),
        dispersion=pl.Series(res.dispersion, dtype=pl.Float64),
        p_high=pl.Series(res.p_high, dtype=pl.Float64),
    ).with_columns(
        change=pl.col("count") - pl.col("expected"),
        change_pct=(pl.col("count") / pl.col("expected") - 1) * 100,
    )
    out = flag_together(out, alpha=alpha, min_count=min_count)[0]
    return out.sort(["count", *by], descending=[True, *([False] * len(by))])


def flag_together(
    *tables: pl.DataFrame, alpha: float = 0.05, min_count: int = 3
) -> list[pl.DataFrame]:
    """Set ``unusual`` on every row of ``tables`` with one Benjamini–Hochberg correction.

    The family is everything flagged on one screen: the p-values ``p_high`` of all tables are
    corrected together at false discovery rate ``alpha``, and a row also needs at least
    ``min_count`` incidents, so a single incident where none was seen before never counts.
    """
    p = np.concatenate([t["p_high"].to_numpy() for t in tables]) if tables else np.array([])
    n = np.concatenate([t["count"].to_numpy() for t in tables]) if tables else np.array([])
    flags = benjamini_hochberg(p, alpha=alpha) & (n >= min_count)
    out, start = [], 0
    for t in tables:
        out.append(t.with_columns(unusual=pl.Series(flags[start : start + t.height])))
        start += t.height
    return out


def per_population(table: pl.DataFrame, areas: pl.DataFrame, *, per: int = 1000) -> pl.DataFrame:
    """Join area name and population onto a per-area table and add ``per_1000`` (count per ``per``)."""
    return table.join(
        areas.select("area_id", "name", "population"), on="area_id", how="left"
    ).with_columns(per_1000=pl.col("count") / pl.col("population") * per)


def comparison_text(
    week_start: dt.date,
    *,
    years: int,
    n_tests: int,
    baseline_weeks: int = 12,
    window: int = 4,
    alpha: float = 0.05,
    min_count: int = 3,
) -> str:
    """The comparison, the dispersion and the correction behind ``unusual``, in Swedish."""
    before = week_start - dt.timedelta(weeks=baseline_weeks)
    last = week_start - dt.timedelta(weeks=1)
    recent = f"v. {before.isocalendar()[1]}–{last.isocalendar()[1]}"
    if years == 0:
        expectation = (
            f"Förväntat antal: snittet för de {baseline_weeks} veckorna före ({recent}); "
            "det finns mindre än ett år med data, så säsongen kan inte räknas bort."
        )
    else:
        when = "i fjol" if years == 1 else f"de {years} senaste åren"
        expectation = (
            f"Förväntat antal: samma veckor {when} (±{window} veckor kring samma vecka), "
            f"skalat med hur de {baseline_weeks} senaste veckorna ({recent}) ligger mot samma "
            f"veckor {when}; det tar hänsyn till säsongen."
        )
    return (
        f"{expectation} Veckoantal varierar mer än slumpen, så spridningen skattas ur samma "
        "veckor (negativ binomial, gemensam för raderna i en tabell) och osäkerheten i det "
        f"förväntade räknas med. Ovanligt högt: ensidigt test per rad, Benjamini–Hochberg över "
        f"sidans {n_tests} test (FDR {percent(alpha * 100)}) och minst {min_count} händelser."
    )


def weekly_series(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    last_week: dt.date,
    weeks: int = 13,
    by: list[str] | None = None,
) -> pl.DataFrame:
    """Counts per ISO week for the ``weeks`` weeks ending with ``last_week`` (zeros filled in)."""
    by = by or []
    first = last_week - dt.timedelta(weeks=weeks - 1)
    all_weeks = pl.DataFrame({"week_start": pl.date_range(first, last_week, "1w", eager=True)})
    counts = (
        in_weeks(df, first, last_week).group_by([*by, "week_start"]).agg(count=pl.len()).collect()
    )
    if by:
        keys = counts.select(by).unique()
        grid = keys.join(all_weeks, how="cross")
    else:
        grid = all_weeks
    return (
        grid.join(counts, on=[*by, "week_start"], how="left")
        .with_columns(pl.col("count").fill_null(0).cast(pl.Int64))
        .sort([*by, "week_start"])
    )
