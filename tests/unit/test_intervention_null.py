"""Null test of the Insatser verdicts: interventions placed where counts had just peaked.

Every place has a stationary, overdispersed count process and no intervention changes it.
As in practice, the problem is picked where the last quarter's count was highest (the
problem picture is created ~two months before the start, like the demo's), the intervention
runs six months and is then evaluated against a control place and a ring. A success verdict
("Minskning …" or SMART "uppnått") is then a false positive. The issue measured 20–27 %
"Minskning" and 35–60 % "uppnått" with the old defaults (the period just before, Poisson
tests, a bare count comparison for SMART); the new defaults must stay at or under 10 %.

The counts are drawn with numpy for all draws at once; each draw then goes through the same
functions the page and the CLI use (``followup_plan``, ``selection_window``,
``quasi_poisson_dispersion``, ``evaluate``, ``smart_status``); ``follow_up`` itself is
checked against these in ``test_interventions.py``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ostan_dash.analysis import interventions as ai
from ostan_dash.analysis.evaluation import quasi_poisson_dispersion

DAY0 = dt.date(2020, 1, 6)  # a Monday
START = DAY0 + dt.timedelta(weeks=80)
END = START + dt.timedelta(days=181)  # 26 weeks
TODAY = END + dt.timedelta(days=30)  # finished
CHOSEN = START - dt.timedelta(days=59)  # problem picture created two months before the start
N_DAYS = (END - DAY0).days + 1
PLACES = 8  # candidate places the problem is picked among
DRAWS = 200
GOAL = 30.0
SUCCESS = {"success", "diffusion", "displacement"}  # every verdict whose label says "Minskning"


def _idx(d: dt.date) -> int:
    return (d - DAY0).days


def _counts(rng, scenario: str) -> tuple[np.ndarray, np.ndarray]:
    """Daily counts (draws, places, days) and the ring's (draws, days): gamma–Poisson, no effect."""
    phi = 2.0
    base = np.full((DRAWS, PLACES, 1), 4.0 / 7)  # four incidents a week
    if scenario == "places-differ":
        base = base * rng.gamma(4.0, 0.25, (DRAWS, PLACES, 1))  # CV 0.5 between places
    t = np.arange(N_DAYS)
    season = np.exp(0.4 * np.cos(2 * np.pi * t / 365.25)) if scenario == "seasonal" else 1.0
    mean = np.broadcast_to(base * season, (DRAWS, PLACES, N_DAYS))
    places = rng.poisson(rng.gamma(mean / (phi - 1), phi - 1))
    ring_mean = np.broadcast_to(3.0 / 7 * season, (DRAWS, N_DAYS))
    ring = rng.poisson(rng.gamma(ring_mean / 0.5, 0.5))  # phi 1.5
    return places, ring


def _sum(series: np.ndarray, period: tuple[dt.date, dt.date]) -> np.ndarray:
    return series[..., _idx(period[0]) : _idx(period[1]) + 1].sum(axis=-1)


def _weekly(series: np.ndarray, first: dt.date) -> np.ndarray:
    i = _idx(first)
    return series[i : i + 7 * ai.DISPERSION_WEEKS].reshape(ai.DISPERSION_WEEKS, 7).sum(axis=1)


def _rates(scenario: str, seed: int) -> dict[str, dict[str, float]]:
    rng = np.random.default_rng(seed)
    places, ring = _counts(rng, scenario)
    window = ai.selection_window(CHOSEN)
    peaked = np.argmax(_sum(places, window), axis=1)  # the place that "just peaked"
    control = np.where(peaked == 0, 1, 0)  # another place, not picked
    rows = np.arange(DRAWS)
    target, ctrl = places[rows, peaked], places[rows, control]
    out = {}
    for name, baseline, overdispersion, new_smart in [
        ("old", "foregaende_period", False, False),
        ("new", ai.DEFAULT_BASELINE, True, True),
        ("new-but-period-before", "foregaende_period", True, True),
    ]:
        plan = ai.followup_plan(START, END, TODAY, baseline)
        before, after = plan.periods
        warned = ai.regression_warning(plan.baseline_period, window, kind=baseline) is not None
        tb, ta = _sum(target, before), _sum(target, after)
        bb, ba = _sum(ring, before), _sum(ring, after)
        cb, ca = _sum(ctrl, before), _sum(ctrl, after)
        base_total = _sum(target, plan.baseline_period)
        verdict, smart = [], []
        for i in range(DRAWS):
            disp = None
            if overdispersion:
                w0 = plan.dispersion_weeks[0]
                disp = ai.ZoneDispersion(
                    quasi_poisson_dispersion(_weekly(target[i], w0)),
                    quasi_poisson_dispersion(_weekly(ring[i], w0)),
                    quasi_poisson_dispersion(_weekly(ctrl[i], w0)),
                )
            ev = ai.evaluate(
                ai.Counts(int(tb[i]), int(ta[i]), int(bb[i]), int(ba[i]), int(cb[i]), int(ca[i])),
                days=(after[1] - after[0]).days + 1,
                buffer_m=300,
                dispersion=disp,
            )
            verdict.append(ev.verdict in SUCCESS)
            if new_smart:
                p = ai.smart_status(
                    actual_so_far=int(ta[i]),
                    baseline_so_far=int(tb[i]),
                    baseline_total=int(base_total[i]),
                    goal_pct=GOAL,
                    days_elapsed=182,
                    days_total=182,
                    evaluation=ev,
                    dispersion=disp.target.phi if disp else 1.0,
                )
                smart.append(p.status == "uppnatt")
            else:  # the old rule: the count stayed within the allowance, nothing else
                smart.append(ta[i] <= (1 - GOAL / 100) * base_total[i])
        verdict, smart = np.array(verdict), np.array(smart)
        out[name] = {
            "minskning": verdict.mean(),
            "uppnatt": smart.mean(),
            "either": (verdict | smart).mean(),
            "warned": warned,
        }
    return out


@pytest.mark.parametrize(
    ("scenario", "seed"),
    [
        pytest.param("same-everywhere", 11, id="same-everywhere"),
        pytest.param("places-differ", 12, id="places-differ"),
        pytest.param("seasonal", 13, id="seasonal"),
    ],
)
def test_an_intervention_where_counts_just_peaked_rarely_looks_successful(scenario, seed):
    rates = _rates(scenario, seed)
    new, old, before = rates["new"], rates["old"], rates["new-but-period-before"]
    # The new defaults: at most 10 % success verdicts of any kind with no true effect.
    assert new["either"] <= 0.10, rates
    assert new["uppnatt"] <= new["minskning"] + 1e-12  # "uppnått" needs an established fall
    # The comparison is not blind to the problem: the old defaults really were misleading here.
    if scenario != "places-differ":  # (peaks there are partly real, so regression is smaller)
        assert old["either"] >= 0.15, rates
    assert old["either"] > new["either"], rates
    # Choosing the period just before still works, but says why it may mislead.
    assert before["warned"] and old["warned"] and not new["warned"]
