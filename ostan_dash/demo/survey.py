"""The yearly safety survey (trygghetsundersökning): one row per respondent, with design weights.

Respondents are drawn per area and year from six sex × age strata with unequal response rates
(young men answer least); the weight of a respondent is the stratum's population over its number
of respondents (post-stratification), so weighted shares estimate the area's population.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from ostan_dash.demo import geography as geo
from ostan_dash.demo.clock import complete_years
from ostan_dash.demo.indicators import unsafe_truth

# strata: (sex, age) → response propensity and effect on feeling unsafe (log-odds)
STRATA = (
    ("man", "16-29", 0.45, -0.5),
    ("man", "30-64", 0.85, -0.3),
    ("man", "65+", 1.15, 0.1),
    ("kvinna", "16-29", 0.70, 0.6),
    ("kvinna", "30-64", 1.00, 0.3),
    ("kvinna", "65+", 1.10, 0.6),
)
MISSING = 0.02


def _expit(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _calibrate(shares: np.ndarray, eff: np.ndarray, truth: float) -> float:
    """Shift ``c`` so that the population share ``sum(shares * expit(logit(truth) + eff - c))``
    equals ``truth`` (bisection; the share falls monotonically in ``c``)."""
    lo, hi = -5.0, 5.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if (shares * _expit(_logit(truth) + eff - mid)).sum() > truth:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _strata_shares(a: geo.Area) -> np.ndarray:
    young, old = {
        "villaomrade": (0.16, 0.28),
        "by": (0.15, 0.30),
        "centrum": (0.30, 0.22),
        "resecentrum": (0.35, 0.15),
    }.get(a.kind, (0.26, 0.18))
    mid = 1 - young - old
    return np.array([young, mid, old, young, mid, old]) / 2


def survey(
    *,
    seed: int,
    today: dt.date,
    truth: Callable[[geo.Area, int, int], float] = unsafe_truth,
) -> pl.DataFrame:
    """Every area × every complete year, 100–400 respondents each.

    ``truth(area, year, first_year)`` is the population share (%) feeling unsafe that the sample
    is drawn from (default :func:`ostan_dash.demo.indicators.unsafe_truth`); the other answers
    follow from it, so a truth that does not change between years gives surveys with no true
    change at all (the null tests of the year-on-year rings use that)."""
    years = complete_years(today)
    rng = np.random.default_rng([seed, 31])
    prop = np.array([s[2] for s in STRATA])
    eff = np.array([s[3] for s in STRATA])
    frames = []
    for y in years:
        parts = []
        for ai, a in enumerate(geo.AREAS):
            n = int(np.clip(round(a.population / 30 * rng.uniform(0.85, 1.15)), 100, 400))
            shares = _strata_shares(a)
            counts = rng.multinomial(n, shares * prop / (shares * prop).sum())
            counts = np.maximum(counts, 1)
            stratum = np.repeat(np.arange(len(STRATA)), counts)
            adults = a.population * 0.8
            weight = (adults * shares / counts)[stratum] * rng.uniform(0.97, 1.03, len(stratum))
            truth_y = truth(a, y, years[0]) / 100
            shift = _calibrate(shares, eff, truth_y)
            p_u = _expit(_logit(truth_y) + eff - shift)[stratum]
            m = len(stratum)
            unsafe = rng.random(m) < p_u
            p_w = np.minimum(p_u + 0.12, 0.95)
            worried = np.where(
                unsafe,
                rng.random(m) < 0.75,
                rng.random(m) < np.clip((p_w - 0.75 * p_u) / (1 - p_u), 0, 1),
            )
            avoids = np.where(unsafe, rng.random(m) < 0.45, rng.random(m) < 0.04)
            young = np.isin(stratum, (0, 3))
            victim = rng.random(m) < 0.05 + 0.15 * a.vulnerability + 0.05 * young
            parts.append(
                pl.DataFrame(
                    {
                        "year": np.full(m, y),
                        "area": np.full(m, a.code),
                        "weight": np.round(weight, 3),
                        "unsafe_evening": unsafe,
                        "worried_crime": worried,
                        "avoids_going_out": avoids,
                        "victim": victim,
                        "ai": np.full(m, ai),
                    }
                )
            )
        df = pl.concat(parts)
        serial = rng.permutation(len(df)) + 1
        df = df.with_columns(
            respondent_ref=pl.format(
                "{}-{}", pl.lit(str(y)), pl.Series(serial).cast(pl.String).str.zfill(5)
            )
        )
        frames.append(df)
    out = pl.concat(frames).drop("ai")
    miss = {
        c: rng.random(len(out)) < MISSING
        for c in ("unsafe_evening", "worried_crime", "avoids_going_out", "victim")
    }
    return out.with_columns(
        [pl.when(pl.Series(v)).then(None).otherwise(pl.col(c)).alias(c) for c, v in miss.items()]
    )


def fill_indicator_sampling(*, conn=None) -> int:
    """Make the demo's indicator "andel otrygga" what its own survey measured: the weighted share
    feeling unsafe per area and year with the number of answers ``n`` and Kish's ``n_eff``
    (so that "försämrad" on it can be tested against its sampling error, issue 9).

    The loader calls it after writing the survey; on a database loaded before the columns
    existed, run it once (idempotent, touches only the demo's rows)::

        uv run python -c "from ostan_dash.demo import survey; print(survey.fill_indicator_sampling())"

    Returns the number of indicator rows changed.
    """
    from ostan_dash.store import areas as area_store

    return area_store.indicator_sampling_from_survey(conn=conn)
