"""Översikt's week against its seasonal, overdispersed expectation.

Numbers are checked against statsmodels (GLM Poisson with ``scale='X2'``, its prediction
covariance) and scipy (``nbinom``, ``poisson``); the flags against null data (seasonal negative
binomial counts with no change) and a positive control (a doubling in one area).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from scipy import stats

from ostan_dash.analysis import overview
from ostan_dash.analysis.hotspots import benjamini_hochberg

TZ = "Europe/Stockholm"


def frame(rows: list[tuple[str, str]]) -> pl.DataFrame:
    """(category, local timestamp) rows → an incident frame."""
    return pl.DataFrame(
        {
            "category": [c for c, _ in rows],
            "occurred_from": [dt.datetime.fromisoformat(t) for _, t in rows],
        }
    ).with_columns(pl.col("occurred_from").dt.replace_time_zone(TZ, ambiguous="latest"))


def frame_from_counts(counts: np.ndarray, last_week: dt.date) -> pl.DataFrame:
    """One incident per count, on the Tuesday noon of its week; groups named g0, g1, …"""
    g, w = np.nonzero(counts)
    n = counts[g, w]
    first = last_week - dt.timedelta(weeks=counts.shape[1] - 1)
    return (
        pl.DataFrame({"category": [f"g{i:02d}" for i in g], "w": w, "n": n})
        .select(
            "category",
            occurred_from=pl.lit(dt.datetime.combine(first, dt.time(12)))
            + pl.duration(weeks=pl.col("w"), days=1),
            n="n",
        )
        .select(pl.exclude("n").repeat_by("n").explode(empty_as_null=True))
        .with_columns(pl.col("occurred_from").dt.replace_time_zone(TZ))
    )


def seasonal_nb(
    rng: np.random.Generator,
    shape: tuple[int, ...],
    *,
    weeks: int,
    mean: float,
    nb_alpha: float,
    amplitude: float = 0.3,
    trend: float = 0.03,
) -> tuple[np.ndarray, np.ndarray]:
    """Null data: negative binomial weekly counts around a yearly season, no change anywhere.

    Each series has a log-normal level (median ``mean`` per week), the same yearly sine
    (random phase per draw, ±``amplitude`` on the log scale) every year, a slow trend of
    ``trend`` per year and variance μ(1 + ``nb_alpha``·μ). Returns counts and means.
    """
    level = np.exp(rng.normal(np.log(mean), 0.8, size=shape))
    phase = rng.uniform(0, 2 * np.pi, size=(*shape[:-1], 1, 1)) if len(shape) > 1 else 0.0
    t = np.arange(weeks)
    mu = level[..., None] * np.exp(amplitude * np.sin(2 * np.pi * t / 52 + phase))
    mu = mu * (1 + trend) ** (t / 52)
    size = 1 / nb_alpha
    return rng.negative_binomial(size, size / (size + mu)), mu


def page_flags(areas: np.ndarray, cats: np.ndarray, *, years: int) -> tuple[np.ndarray, ...]:
    """Översikt's family for each draw: categories and areas tested, one BH over both."""
    ta = overview.week_test(areas, years=years)
    tc = overview.week_test(cats, years=years)
    p = np.concatenate([tc.p_high, ta.p_high], axis=-1)
    n = np.concatenate([tc.count, ta.count], axis=-1)
    flags = np.stack([benjamini_hochberg(p[i]) & (n[i] >= 3) for i in range(p.shape[0])])
    return flags, p


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        pytest.param(dt.date(2026, 11, 26), dt.date(2026, 11, 16), id="thursday"),
        pytest.param(dt.date(2026, 11, 23), dt.date(2026, 11, 16), id="monday"),
        pytest.param(dt.date(2026, 11, 22), dt.date(2026, 11, 9), id="sunday"),
        pytest.param(dt.date(2027, 1, 3), dt.date(2026, 12, 21), id="iso-week-53-boundary"),
    ],
)
def test_last_complete_week(today, monday):
    assert overview.last_complete_week(today) == monday


@pytest.mark.parametrize(
    ("first_day", "years"),
    [
        pytest.param(None, 0, id="no-data"),
        pytest.param(dt.date(2026, 1, 1), 0, id="under-a-year"),
        # week 2026-11-16 needs data from 2026-11-16 − 64 weeks = 2025-08-25 for one year back
        pytest.param(dt.date(2025, 8, 25), 1, id="exactly-a-year-and-12-weeks"),
        pytest.param(dt.date(2025, 8, 26), 0, id="a-day-short-partial-week"),
        pytest.param(dt.date(2024, 8, 20), 2, id="two-years"),
        pytest.param(dt.date(2015, 1, 1), 3, id="capped-at-three"),
    ],
)
def test_years_of_history(first_day, years):
    assert overview.years_of_history(dt.date(2026, 11, 16), first_day) == years


def test_week_vs_baseline_counts_and_mean_without_a_year_of_history():
    week = dt.date(2026, 11, 16)
    rows = [
        ("klotter", "2026-11-16 00:30"),
        ("klotter", "2026-11-22 23:59"),
        ("brand", "2026-11-18 12:00"),
    ]
    # baseline: 6 klotter spread over the 12 weeks before → mean 0.5; brand none
    rows += [
        ("klotter", f"2026-{m:02d}-{d:02d} 10:00")
        for m, d in [(8, 25), (9, 1), (9, 8), (10, 6), (11, 2), (11, 15)]
    ]
    rows += [
        ("klotter", "2026-11-23 00:00"),
        ("klotter", "2026-08-23 23:00"),
    ]  # outside both periods
    out = overview.week_vs_baseline(frame(rows), week_start=week, by=["category"])
    got = {r["category"]: r for r in out.iter_rows(named=True)}
    assert got["klotter"]["count"] == 2
    assert got["klotter"]["baseline_mean"] == pytest.approx(6 / 12)
    # less than a year of data: the expectation is the 12-week mean
    assert got["klotter"]["expected"] == pytest.approx(6 / 12)
    assert got["klotter"]["change_pct"] == pytest.approx(300.0)
    assert got["brand"]["count"] == 1 and got["brand"]["baseline_mean"] == 0
    assert got["brand"]["expected"] == pytest.approx(0.5 / 12)  # floor: half an incident


def test_dst_night_belongs_to_its_local_week():
    # Sunday 2026-10-25 02:30 local (after the autumn change) is in ISO week 43, not 44.
    out = overview.week_vs_baseline(
        frame([("x", "2026-10-25 02:30")]), week_start=dt.date(2026, 10, 19), by=["category"]
    )
    assert out["count"].to_list() == [1]


def test_weekly_series_fills_empty_weeks_with_zero():
    s = overview.weekly_series(
        frame([("a", "2026-11-17 10:00")]), last_week=dt.date(2026, 11, 16), weeks=3
    )
    assert s["count"].to_list() == [0, 0, 1]
    assert s["week_start"].to_list()[0] == dt.date(2026, 11, 2)


def test_frame_path_equals_the_array_test():
    """week_vs_baseline on incidents gives what week_test gives on their weekly counts."""
    rng = np.random.default_rng(11)
    counts, _ = seasonal_nb(rng, (6,), weeks=overview.weeks_needed(1), mean=4, nb_alpha=0.1)
    week = dt.date(2026, 11, 16)
    out = overview.week_vs_baseline(
        frame_from_counts(counts, week), week_start=week, by=["category"], years=1
    ).sort("category")
    ref = overview.week_test(counts, years=1)
    assert out["count"].to_list() == ref.count.astype(int).tolist()
    np.testing.assert_allclose(out["expected"].to_numpy(), ref.expected)
    np.testing.assert_allclose(out["p_high"].to_numpy(), ref.p_high)
    np.testing.assert_allclose(out["dispersion"].to_numpy(), ref.dispersion)


def test_expectation_equals_the_poisson_glm_prediction():
    """μ̂ is the prediction of a Poisson GLM: year level + same-weeks window (statsmodels)."""
    rng = np.random.default_rng(3)
    y = rng.poisson(6, size=overview.weeks_needed(1)).astype(float)
    y[8:12] = 0  # the window's weeks before week T−52 also lie in R': no overlap covariance
    res = overview.week_test(y[None, :], years=1)
    recent, same_weeks, window = y[52:64], y[0:12], y[8:17]
    # the ½ added to each sum, spread over the block's weeks (a float response is fine for GLM)
    endog = np.concatenate([recent + 0.5 / 12, same_weeks + 0.5 / 12, window + 0.5 / 9])
    exog = np.column_stack(
        [np.ones(33), np.r_[np.ones(12), np.zeros(21)], np.r_[np.zeros(24), np.ones(9)]]
    )
    phi = res.dispersion[0]
    glm = sm.GLM(endog, exog, family=sm.families.Poisson()).fit(scale=phi, tol=1e-12)
    pred = glm.get_prediction(np.array([[1.0, 1.0, 1.0]]))
    assert res.expected[0] == pytest.approx(pred.predicted_mean[0])
    assert res.expected_rel_var[0] == pytest.approx(pred.linpred.se_mean[0] ** 2)


@pytest.mark.parametrize("years", [1, 3])
def test_dispersion_table_matches_statsmodels_x2(years):
    """Pearson X² and df of the year × week table = statsmodels GLM C(year) + C(week)."""
    rng = np.random.default_rng(years)
    table = rng.negative_binomial(3, 3 / (3 + rng.uniform(3, 9, size=(years + 1, 12))))
    x2, df = overview.homogeneity_x2(table)
    rows, cols = np.indices(table.shape)
    exog = np.column_stack(
        [np.ones(table.size)]
        + [(rows.ravel() == r).astype(float) for r in range(1, years + 1)]
        + [(cols.ravel() == c).astype(float) for c in range(1, 12)]
    )
    glm = sm.GLM(table.ravel(), exog, family=sm.families.Poisson()).fit(scale="X2")
    assert x2 == pytest.approx(glm.pearson_chi2)
    assert df == glm.df_resid == years * 11
    assert x2 / df == pytest.approx(glm.scale)


def test_pooled_alpha_recovers_the_negative_binomial_shape():
    rng = np.random.default_rng(5)
    counts, _ = seasonal_nb(rng, (400,), weeks=overview.weeks_needed(1), mean=8, nb_alpha=0.1)
    res = overview.week_test(counts, years=1)
    assert res.nb_alpha[0] == pytest.approx(0.1, abs=0.02)
    poisson = rng.poisson(8, size=(400, overview.weeks_needed(1)))
    assert 0 <= overview.week_test(poisson, years=1).nb_alpha[0] < 0.01


def test_successive_differences_do_not_take_a_drift_for_noise():
    drift = np.linspace(10, 21, 12)  # a rise of one per week, no noise at all
    x2, df = overview.successive_difference_x2(drift)
    assert df == 11
    assert x2 / df == pytest.approx(11 * 1 / 2 / drift.mean() / 11)
    assert x2 / df < 0.5 * drift.var(ddof=1) / drift.mean()  # what a plain variance/mean says


def test_predictive_tail_is_scipy_negative_binomial_and_poisson_without_dispersion():
    mu, a, rv = np.array([4.0, 4.0, 20.0]), np.array([0.2, 0.2, 0.05]), np.array([0.1, 0.1, 0.02])
    count = np.array([0, 9, 30])
    var = mu * (1 + a * mu) + mu**2 * rv
    n = mu**2 / (var - mu)
    p = overview.predictive_upper_tail(count, mu, a, rv)
    assert p[0] == 1.0
    assert p[1:] == pytest.approx(1 - stats.nbinom.cdf(count[1:] - 1, n[1:], mu[1:] / var[1:]))
    plain = overview.predictive_upper_tail(np.array([5]), np.array([2.0]), 0.0, 0.0)
    assert plain[0] == pytest.approx(stats.poisson.sf(4, 2.0), rel=1e-6)


def test_one_incident_after_an_empty_baseline_is_not_unusual():
    week = dt.date(2026, 11, 16)
    out = overview.week_vs_baseline(
        frame([("brand", "2026-11-18 12:00")]), week_start=week, by=["category"]
    )
    assert out["unusual"].to_list() == [False]
    assert out["p_high"][0] > 0


def test_a_clear_spike_is_unusual_and_chance_is_corrected_for():
    week = dt.date(2026, 11, 16)
    base = [
        ("klotter", f"2026-{m:02d}-{d:02d} 10:00") for m, d in [(8, 25), (9, 8), (10, 6), (11, 2)]
    ]
    spike = [("klotter", "2026-11-17 22:00")] * 9
    # 20 quiet categories with one incident each now and one before: nothing to see there
    quiet = [(f"q{i}", "2026-11-17 10:00") for i in range(20)] + [
        (f"q{i}", "2026-10-01 10:00") for i in range(20)
    ]
    out = overview.week_vs_baseline(frame(base + spike + quiet), week_start=week, by=["category"])
    flagged = out.filter(pl.col("unusual"))["category"].to_list()
    assert flagged == ["klotter"]


def test_one_correction_over_the_tables_on_the_page():
    alone = pl.DataFrame({"count": [5], "p_high": [0.03]})
    others = pl.DataFrame({"count": [5] * 19, "p_high": [0.9] * 19})
    assert overview.flag_together(alone)[0]["unusual"].to_list() == [True]
    joint, rest = overview.flag_together(alone, others)  # 0.03 > 0.05 · 1/20
    assert joint["unusual"].to_list() == [False] and not rest["unusual"].any()


@pytest.mark.parametrize(
    ("years", "words"),
    [
        pytest.param(0, ["mindre än ett år", "snittet för de 12 veckorna"], id="fallback"),
        pytest.param(1, ["samma veckor i fjol", "negativ binomial"], id="last-year"),
        pytest.param(3, ["de 3 senaste åren", "Benjamini–Hochberg"], id="three-years"),
    ],
)
def test_comparison_text_says_which_expectation(years, words):
    text = overview.comparison_text(dt.date(2026, 11, 16), years=years, n_tests=26)
    assert all(w in text for w in words)
    assert "26 test" in text and "v. 35–46" in text


# Null tests --------------------------------------------------------------------------------------
# 20 areas × 4 categories over 5 years, seasonal negative binomial, no change. Every one of the
# last 26 weeks is tested as "the last week", with Översikt's family (the 4 category totals and
# the 20 area totals, one Benjamini–Hochberg). Measured on these draws: 0.28 % of the tests
# flagged with one earlier year, 0.26 % with three (the old Poisson test against the 12-week mean,
# BH per table: 7.6 %); p < 0.05 in 5.5 % and 5.4 % of the tests (a calibrated test: 5 %).

AREAS, CATS, DRAWS, TARGETS = 20, 4, 8, 26


@pytest.fixture(scope="module")
def null_counts() -> np.ndarray:
    rng = np.random.default_rng(2026)
    counts, _ = seasonal_nb(
        rng, (DRAWS, AREAS, CATS), weeks=5 * 52 + 1, mean=5, nb_alpha=0.1, amplitude=0.3
    )
    return counts


@pytest.mark.parametrize("years", [1, 3], ids=["last-year", "three-years"])
def test_null_flags_at_most_five_percent_of_area_weeks(null_counts, years):
    need = overview.weeks_needed(years)
    end = null_counts.shape[-1]
    flagged, small_p, old = [], [], []
    for k in range(TARGETS):
        x = null_counts[..., end - k - need : end - k]
        areas, cats = x.sum(2), x.sum(1)
        flags, p = page_flags(areas, cats, years=years)
        flagged.append(flags.mean())
        small_p.append((p < 0.05).mean())
        old.append(np.concatenate([old_flags(cats), old_flags(areas)], axis=-1).mean())
    assert np.mean(flagged) <= 0.05
    assert np.mean(small_p) <= 0.06  # the tests themselves hold their level
    assert np.mean(old) > 0.05  # the data defeat the old Poisson test against the 12-week mean


def old_flags(counts: np.ndarray) -> np.ndarray:
    """The test Översikt used before: Poisson against the 12-week mean, BH per table."""
    now = counts[..., -1]
    p = stats.poisson.sf(now - 1, np.maximum(counts[..., -13:-1].mean(-1), 0.5 / 12))
    return np.stack([benjamini_hochberg(row) for row in p]) & (now >= 3)


def test_null_fallback_holds_without_a_season():
    """Under a year of data: the 12-week mean with successive-difference dispersion."""
    rng = np.random.default_rng(7)
    counts, _ = seasonal_nb(
        rng, (40, AREAS), weeks=13, mean=10, nb_alpha=0.1, amplitude=0.0, trend=0.0
    )
    flags, p = page_flags(counts, counts[:, :CATS], years=0)
    assert flags.mean() <= 0.05
    assert (p < 0.05).mean() <= 0.06


def test_a_doubling_in_one_area_is_found():
    """Positive control: the area's mean doubles in the last week (30 → 60 a week).

    Measured power 0.70 over 200 draws (0.28 at 10 a week, 0.55 at 20; variance μ(1 + 0.02μ));
    the other areas are flagged in 0.5 % of draws.
    """
    rng = np.random.default_rng(8)
    size = 1 / 0.02
    counts, mu = seasonal_nb(
        rng, (200, AREAS), weeks=overview.weeks_needed(1), mean=10, nb_alpha=0.02
    )
    area = mu[:, 0, :] * (30 / mu[:, 0, -1:])  # area 0's season, scaled to 30 in the last week
    counts[:, 0, :] = rng.negative_binomial(size, size / (size + area))
    counts[:, 0, -1] += rng.negative_binomial(size, size / (size + area[:, -1]))  # twice as many
    res = overview.week_test(counts, years=1)
    flags = np.stack([benjamini_hochberg(p) for p in res.p_high]) & (res.count >= 3)
    assert flags[:, 0].mean() >= 0.5
    assert flags[:, 1:].mean() <= 0.01


@pytest.mark.parametrize("zone", ["Europe/Stockholm", None], ids=["local-time", "naive"])
def test_in_weeks_takes_the_weeks_to_their_last_minute_across_the_autumn_clock_change(zone):
    times = [
        dt.datetime(2025, 10, 19, 23, 59),  # Sunday before the first week: out
        dt.datetime(2025, 10, 20, 0, 0),  # first Monday, midnight: in
        dt.datetime(2025, 10, 26, 2, 30),  # the hour that comes twice: in
        dt.datetime(2025, 11, 2, 23, 59),  # last week's Sunday, last minute: in
        dt.datetime(2025, 11, 3, 0, 0),  # the Monday after: out
    ]
    frame = pl.DataFrame({"occurred_from": times})
    if zone:
        frame = frame.with_columns(
            pl.col("occurred_from").dt.replace_time_zone(zone, ambiguous="earliest")
        )
    got = overview.in_weeks(frame, dt.date(2025, 10, 20), dt.date(2025, 10, 27)).collect()
    assert got["occurred_from"].dt.replace_time_zone(None).to_list() == times[1:4]
    assert got["week_start"].to_list() == [dt.date(2025, 10, 20)] * 2 + [dt.date(2025, 10, 27)]
