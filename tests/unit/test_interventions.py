"""Baselines, SMART status rules and evaluation verdicts on hand-made numbers."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from ostan_dash.analysis import interventions as ai

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "kind", "expected"),
    [
        pytest.param(
            D(2026, 3, 1),
            D(2026, 8, 31),
            "foregaende_period",
            (D(2025, 8, 29), D(2026, 2, 28)),
            id="six-months-just-before",
        ),
        pytest.param(
            D(2026, 3, 1),
            D(2026, 8, 31),
            "samma_period_forra_aret",
            (D(2025, 3, 1), D(2025, 8, 31)),
            id="same-season-last-year",
        ),
        pytest.param(
            D(2024, 2, 29),
            D(2024, 3, 10),
            "samma_period_forra_aret",
            (D(2023, 2, 28), D(2023, 3, 10)),
            id="leap-day",
        ),
    ],
)
def test_baseline_period(start, end, kind, expected):
    first, last = ai.baseline_period(start, end, kind)
    assert (first, last) == expected
    if kind == "foregaende_period":
        assert (last - first) == (end - start)
        assert last == start - dt.timedelta(days=1)


def test_comparison_periods_pair_the_same_days_and_wait_for_the_start():
    start, end = D(2026, 9, 1), D(2027, 2, 28)
    before, after = ai.comparison_periods(start, end, D(2026, 10, 1), "foregaende_period")
    assert after == (start, D(2026, 9, 30))
    assert (before[1] - before[0]) == (after[1] - after[0])
    assert before[0] == ai.baseline_period(start, end, "foregaende_period")[0]
    assert ai.comparison_periods(start, end, start, "foregaende_period") is None


def _status(**kw):
    base = dict(
        actual_so_far=0,
        baseline_so_far=0,
        baseline_total=100,
        goal_pct=30,
        days_elapsed=90,
        days_total=180,
    )
    base.update(kw)
    return ai.smart_status(**base)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        pytest.param(dict(actual_so_far=30, baseline_so_far=50), "pa_vag", id="40pct-down-goal-30"),
        pytest.param(
            dict(actual_so_far=40, baseline_so_far=50), "i_riskzonen", id="20pct-down-goal-30"
        ),
        pytest.param(dict(actual_so_far=35, baseline_so_far=50), "pa_vag", id="exactly-the-goal"),
        pytest.param(
            dict(actual_so_far=71, baseline_so_far=50), "ej_uppnatt", id="allowance-used-up"
        ),
        pytest.param(dict(actual_so_far=0, baseline_so_far=0), "pa_vag", id="nothing-yet"),
        pytest.param(dict(actual_so_far=2, baseline_so_far=0), "i_riskzonen", id="no-baseline-yet"),
        pytest.param(
            dict(actual_so_far=70, baseline_so_far=100, days_elapsed=180),
            "ej_sakerstallt",
            id="finished-within-but-not-established",
        ),
        pytest.param(dict(actual_so_far=71, days_elapsed=180), "ej_uppnatt", id="finished-over"),
        pytest.param(dict(days_elapsed=0), "ej_startad", id="not-started"),
    ],
)
def test_smart_status_rules(kw, expected):
    assert _status(**kw).status == expected


def test_smart_status_reports_reduction_and_days_left():
    p = _status(actual_so_far=30, baseline_so_far=50)
    assert p.reduction_pct == pytest.approx(40)
    assert p.allowed_total == pytest.approx(70)
    assert p.days_left == 90
    assert (
        ai.smart_status(
            actual_so_far=0,
            baseline_so_far=0,
            baseline_total=0,
            goal_pct=30,
            days_elapsed=5,
            days_total=10,
            cancelled=True,
        ).status
        == "installd"
    )


def test_smart_trajectory_aligns_days_and_hides_the_future():
    start, end = D(2026, 1, 1), D(2026, 1, 10)
    actual = pl.DataFrame({"day": [D(2026, 1, 1), D(2026, 1, 3), D(2026, 1, 8)], "n": [1, 2, 5]})
    base = pl.DataFrame({"day": [D(2025, 1, 1), D(2025, 1, 2), D(2025, 1, 10)], "n": [4, 4, 2]})
    tr = ai.smart_trajectory(
        actual,
        base,
        start=start,
        end=end,
        baseline_start=D(2025, 1, 1),
        today=D(2026, 1, 5),
        goal_pct=50,
    )
    assert tr.height == 10
    assert tr["baseline_cum"].to_list() == [4, 8, 8, 8, 8, 8, 8, 8, 8, 10]
    assert tr["goal_cum"][-1] == pytest.approx(5)
    assert tr["actual_cum"].to_list()[:4] == [1, 1, 3, 3]
    assert tr["actual_cum"][4:].null_count() == 6  # from today on: not known yet


def test_verdict_success_with_control_and_quiet_buffer():
    ev = ai.evaluate(ai.Counts(200, 100, 100, 100, 300, 300), days=180, buffer_m=300)
    assert ev.verdict == "success"
    assert ev.did is not None and ev.did.ratio == pytest.approx(0.5)
    assert "statistiskt säkerställd" in ev.conclusion
    assert "inte statistiskt säkerställd" not in ev.conclusion


def test_verdict_displacement_when_the_ring_rises():
    ev = ai.evaluate(ai.Counts(200, 100, 100, 190, 300, 300), days=180, buffer_m=300)
    assert ev.verdict == "displacement"
    assert ev.wdq.wdq < -0.5
    assert "flyttat" in ev.conclusion


def test_verdict_diffusion_when_the_ring_falls_too():
    ev = ai.evaluate(ai.Counts(200, 100, 200, 120, 300, 300), days=180, buffer_m=300)
    assert ev.verdict == "diffusion"
    assert ev.wdq.wdq > 0
    assert "spridningseffekt" in ev.conclusion


def test_a_small_fall_is_not_called_an_effect():
    ev = ai.evaluate(ai.Counts(30, 24, 20, 20, 100, 100), days=180, buffer_m=300)
    assert ev.rate_ratio.ratio < 1
    assert ev.verdict == "no_effect"
    assert "minskningen är inte statistiskt säkerställd" in ev.conclusion.lower()


def test_a_fall_matched_by_the_control_is_not_an_effect():
    ev = ai.evaluate(ai.Counts(200, 100, 50, 50, 400, 200), days=180, buffer_m=300)
    assert ev.rate_ratio.p_value < 0.05  # the target fell significantly ...
    assert ev.verdict == "no_effect"  # ... but so did the control
    assert "kontrollområdet" in ev.conclusion


def test_without_control_the_plain_change_is_used_and_said():
    ev = ai.evaluate(ai.Counts(200, 100, 100, 100), days=180, buffer_m=300)
    assert ev.did is None
    assert ev.verdict == "success"
    assert ev.wdd.estimate == -100
    assert ev.wdd.se == pytest.approx(math.sqrt(500))
    assert "Inget kontrollområde" in ev.conclusion


@pytest.mark.parametrize(
    ("counts", "days"),
    [
        pytest.param(ai.Counts(200, 100, 10, 10, 50, 50), 14, id="two-weeks"),
        pytest.param(ai.Counts(4, 3, 1, 1, 50, 50), 180, id="few-incidents"),
    ],
)
def test_too_early(counts, days):
    ev = ai.evaluate(counts, days=days, buffer_m=300)
    assert ev.verdict == "too_early"
    assert "För tidigt" in ev.conclusion


def test_savings_credit_only_the_change_beyond_the_control_trend():
    costs = {"skadegorelse": 9000, "otrygg_plats": 1500}
    before = {"skadegorelse": 100, "otrygg_plats": 40}
    after = {"skadegorelse": 60, "otrygg_plats": 40}
    assert ai.estimated_savings(before, after, costs) == pytest.approx(40 * 9000)
    # The control rose 10 %: 110 expected, 60 seen; 44 expected, 40 seen.
    assert ai.estimated_savings(before, after, costs, trend=1.1) == pytest.approx(
        50 * 9000 + 4 * 1500
    )


def test_fidelity_summary():
    log = pl.DataFrame({"fidelity": ["enligt_plan"] * 3 + ["delvis", "ej_genomford"]})
    s = ai.fidelity_summary(log)
    assert (s["n"], s["enligt_plan"], s["delvis"], s["ej_genomford"]) == (5, 3, 1, 1)
    assert s["share_as_planned"] == pytest.approx(0.6)
    assert s["text"].startswith("3 av 5")
    assert (
        ai.fidelity_summary(pl.DataFrame({"fidelity": []}, schema={"fidelity": pl.Utf8}))["n"] == 0
    )


def test_next_action_follows_the_state():
    today = D(2026, 11, 26)
    kw = dict(start=D(2026, 9, 1), end=D(2027, 2, 28), today=today)
    assert "Logga" in ai.next_action(
        status="pagaende", smart="pa_vag", last_log=D(2026, 9, 15), **kw
    )
    assert "BF-gruppen" in ai.next_action(
        status="pagaende", smart="i_riskzonen", last_log=D(2026, 11, 20), **kw
    )
    assert "Utvärdera" in ai.next_action(
        status="avslutad",
        smart="uppnatt",
        start=D(2026, 1, 1),
        end=D(2026, 6, 30),
        last_log=None,
        today=today,
    )


def test_smart_progress_reads_the_trajectory_as_of_today():
    start, end = D(2026, 1, 1), D(2026, 1, 10)
    actual = pl.DataFrame({"day": [D(2026, 1, 2)], "n": [1]})
    base = pl.DataFrame({"day": [D(2025, 1, 1), D(2025, 1, 9)], "n": [5, 5]})
    tr = ai.smart_trajectory(
        actual,
        base,
        start=start,
        end=end,
        baseline_start=D(2025, 1, 1),
        today=D(2026, 1, 5),
        goal_pct=30,
    )
    p = ai.smart_progress(tr, goal_pct=30, today=D(2026, 1, 5))
    assert (p.actual, p.baseline_so_far, p.baseline_total) == (1, 5, 10)
    assert p.days_left == 6
    assert p.status == "pa_vag"  # 80 % down so far
