"""Baselines, SMART status rules and evaluation verdicts on hand-made numbers."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import polars as pl
import pytest

from ostan_dash.analysis import interventions as ai
from ostan_dash.analysis.evaluation import quasi_poisson_dispersion

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


# --- issue 9: baseline, regression to the mean, dispersion, SMART with its interval -------------


def test_the_default_baseline_is_the_same_period_last_year():
    assert ai.DEFAULT_BASELINE == "samma_period_forra_aret"
    assert next(iter(ai.BASELINE_LABELS)) == ai.DEFAULT_BASELINE  # first in the radio buttons
    plan = ai.followup_plan(D(2026, 3, 1), D(2026, 8, 31), D(2026, 12, 1))
    assert plan.baseline_period == (D(2025, 3, 1), D(2025, 8, 31))
    assert plan.dispersion_weeks == (D(2026, 3, 1) - dt.timedelta(weeks=52), D(2026, 2, 28))
    assert plan.first == D(2025, 3, 1) and plan.last == D(2026, 8, 31)  # baseline ∪ φ-year


def test_selection_window_is_the_quarter_before_the_problem_was_picked():
    assert ai.selection_window(D(2026, 1, 10)) == (D(2025, 10, 11), D(2026, 1, 10))
    # The problem picture's data ended earlier than it was written down: the quarter before that.
    assert ai.selection_window(D(2026, 1, 10), data_until=D(2025, 12, 1)) == (
        D(2025, 9, 1),
        D(2026, 1, 10),
    )
    assert ai.selection_window(None) is None


@pytest.mark.parametrize(
    ("kind", "overlaps", "advice"),
    [
        pytest.param("foregaende_period", True, "Jämför hellre med samma period", id="just-before"),
        pytest.param("samma_period_forra_aret", False, None, id="last-year"),
    ],
)
def test_regression_warning_when_the_baseline_meets_the_peak(kind, overlaps, advice):
    start, end = D(2026, 3, 1), D(2026, 8, 31)
    window = ai.selection_window(start - dt.timedelta(days=59))
    text = ai.regression_warning(ai.baseline_period(start, end, kind), window, kind=kind)
    assert (text is not None) == overlaps
    if overlaps:
        assert "regression mot medelvärdet" in text and advice in text


def test_a_year_long_intervention_is_warned_even_against_last_year():
    start, end = D(2025, 1, 15), D(2025, 12, 15)
    window = ai.selection_window(D(2024, 11, 17))
    text = ai.regression_warning(
        ai.baseline_period(start, end, "samma_period_forra_aret"), window, kind=ai.DEFAULT_BASELINE
    )
    assert text is not None and "försiktighet" in text and "hellre" not in text


def _finished(counts: ai.Counts, **kw):
    ev = ai.evaluate(counts, days=180, buffer_m=300, **kw)
    return ev, ai.smart_status(
        actual_so_far=counts.treated_after,
        baseline_so_far=counts.treated_before,
        baseline_total=counts.treated_before,
        goal_pct=30,
        days_elapsed=180,
        days_total=180,
        evaluation=ev,
    )


def test_uppnatt_needs_an_established_fall_and_shows_its_interval():
    ev, p = _finished(ai.Counts(200, 100, 100, 100, 300, 300))
    assert ev.verdict == "success" and p.status == "uppnatt"
    assert p.rate_ratio.ratio == pytest.approx(0.5)
    assert p.rate_ratio.ci_high < 1 and p.goal_ratio == pytest.approx(0.7)
    # Within the allowance (-30 %) but too few incidents to tell from chance.
    ev, p = _finished(ai.Counts(20, 13, 10, 10, 30, 30))
    assert ev.verdict == "no_effect" and p.status == "ej_sakerstallt"
    assert "inte statistiskt säkerställd" in p.reason


def test_never_uppnatt_when_the_problem_moved_next_door():
    # Target halved, the ring rose by 71 %: the overview must not call this achieved.
    ev, p = _finished(ai.Counts(200, 100, 100, 171, 300, 300))
    assert ev.verdict == "displacement"
    assert p.status == "omfordelat"
    running = ai.smart_status(
        actual_so_far=50,
        baseline_so_far=100,
        baseline_total=200,
        goal_pct=30,
        days_elapsed=90,
        days_total=180,
        evaluation=ev,
    )
    assert running.status == "omfordelat"
    assert "BF-gruppen" in ai.next_action(
        status="pagaende",
        smart="omfordelat",
        start=D(2026, 9, 1),
        end=D(2027, 2, 28),
        last_log=D(2026, 11, 20),
        today=D(2026, 11, 26),
    )


def test_smart_interval_widens_with_overdispersion():
    kw = dict(
        actual_so_far=60, baseline_so_far=100, baseline_total=200, goal_pct=30,
        days_elapsed=90, days_total=180,
    )  # fmt: skip
    plain, wide = ai.smart_status(**kw), ai.smart_status(**kw, dispersion=2.5)
    assert plain.rate_ratio.ratio == pytest.approx(wide.rate_ratio.ratio)
    assert wide.rate_ratio.ci_high > plain.rate_ratio.ci_high
    assert wide.rate_ratio.ci_low < plain.rate_ratio.ci_low


def _disp(t: float, b: float, c: float | None = None) -> ai.ZoneDispersion:
    def one(phi):
        return ai.Dispersion(phi, phi, 52, 49)

    return ai.ZoneDispersion(one(t), one(b), one(c) if c is not None else None)


def test_dispersion_can_turn_a_verdict_into_no_effect_and_says_the_mde():
    counts = ai.Counts(100, 60, 30, 30, 100, 100)
    assert ai.evaluate(counts, days=180, buffer_m=300).verdict == "success"
    ev = ai.evaluate(counts, days=180, buffer_m=300, dispersion=_disp(3.0, 1.0, 1.5))
    assert ev.verdict == "no_effect"
    expected = 100 * (
        1
        - ai.min_detectable_ratio(
            100, dispersion=3.0, control_before=100, control_after=100, control_dispersion=1.5
        )
    )
    assert ev.mde_pct == pytest.approx(expected)
    assert "Minsta påvisbara effekt" in ev.conclusion
    assert ai.fmt.percent(expected) in ev.conclusion
    assert "φ" in ev.conclusion and "kvasi-Poisson" in ev.conclusion


# --- follow_up: the one computation behind the page and the CLI ---------------------------------


def _daily_frame(rng, plan, *, effect: float = 1.0) -> pl.DataFrame:
    days = pl.date_range(plan.first, plan.last, eager=True)
    rows = []
    for zone, mean in (("target", 1.2), ("buffer", 0.8), ("control", 1.5)):
        for cat, share in (("skadegorelse", 0.7), ("otrygg_plats", 0.3)):
            lam = np.full(days.len(), mean * share)
            if zone == "target":
                lam[np.array([d >= plan.start for d in days.to_list()])] *= effect
            n = rng.poisson(lam)
            rows += [(zone, d, cat, int(k)) for d, k in zip(days.to_list(), n, strict=True) if k]
    return pl.DataFrame(rows, schema=ai.DAILY_SCHEMA, orient="row")


def test_follow_up_composes_the_same_functions_the_page_and_cli_show():
    start, end, today = D(2026, 3, 2), D(2026, 8, 30), D(2026, 10, 1)
    plan = ai.followup_plan(start, end, today)
    daily = _daily_frame(np.random.default_rng(5), plan, effect=0.5)
    sel = ai.selection_window(start - dt.timedelta(days=59))
    fu = ai.follow_up(
        daily,
        plan=plan,
        goal_pct=30,
        status="avslutad",
        has_control=True,
        buffer_m=300,
        today=today,
        unit_costs={"skadegorelse": 1000.0, "otrygg_plats": 0.0},
        selection=sel,
    )
    before, after = plan.periods

    def total(zone, period):
        return int(
            daily.filter((pl.col("zone") == zone) & pl.col("day").is_between(*period))["n"].sum()
        )

    counts = ai.Counts(
        *(total(z, p) for z in ("target", "buffer", "control") for p in (before, after))
    )
    assert fu.evaluation.counts == counts
    phi_t = quasi_poisson_dispersion(
        ai.weekly_counts(daily, "target", plan.dispersion_weeks[0], 52)
    )
    assert fu.dispersion.target == phi_t
    assert sum(ai.weekly_counts(daily, "target", plan.dispersion_weeks[0], 52)) == total(
        "target", plan.dispersion_weeks
    )
    again = ai.evaluate(counts, days=182, buffer_m=300, dispersion=fu.dispersion)
    assert fu.evaluation == again
    assert fu.evaluation.verdict in ("success", "diffusion")
    assert fu.progress.status == "uppnatt"
    assert fu.progress.actual == counts.treated_after
    assert fu.warnings == ()  # the same period last year is clear of the peak
    assert fu.zone_table["Före"].to_list() == [
        counts.treated_before,
        counts.buffer_before,
        counts.control_before,
    ]
    sk = daily.filter(pl.col("category") == "skadegorelse", pl.col("zone") != "control")
    trend = counts.control_after / counts.control_before
    b = int(sk.filter(pl.col("day").is_between(*before))["n"].sum())
    a = int(sk.filter(pl.col("day").is_between(*after))["n"].sum())
    assert fu.savings == pytest.approx((b * trend - a) * 1000)

    out = ai.followup_json(fu, intervention={"intervention_id": 7, "title": "T", "buffer_m": 300})
    text = json.dumps(out, ensure_ascii=False)
    assert out["verdict"] == fu.evaluation.verdict
    assert out["smart"]["status"] == "uppnatt"
    assert out["smart"]["rate_ratio"]["ci_high"] < 1
    assert out["estimates"]["rate_ratio"]["ci_low"] < out["estimates"]["rate_ratio"]["ratio"]
    assert out["estimates"]["counts"]["target"] == [counts.treated_before, counts.treated_after]
    assert out["warnings"] == [] and "NaN" not in text

    # The user picks the period just before: same counts machinery, now with the warning.
    plan_b = ai.followup_plan(start, end, today, "foregaende_period")
    fu_b = ai.follow_up(
        _daily_frame(np.random.default_rng(5), plan_b),
        plan=plan_b,
        goal_pct=30,
        status="avslutad",
        has_control=True,
        buffer_m=300,
        today=today,
        selection=sel,
    )
    assert any("regression mot medelvärdet" in w for w in fu_b.warnings)
    assert ai.followup_json(fu_b, intervention={})["warnings"] == list(fu_b.warnings)


def test_follow_up_before_the_start_has_no_evaluation():
    start, end, today = D(2027, 1, 4), D(2027, 6, 30), D(2026, 12, 1)
    plan = ai.followup_plan(start, end, today)
    fu = ai.follow_up(
        _daily_frame(np.random.default_rng(1), plan),
        plan=plan,
        goal_pct=30,
        status="planerad",
        has_control=False,
        buffer_m=300,
        today=today,
    )
    assert plan.periods is None and fu.evaluation is None and fu.savings is None
    assert fu.progress.status == "ej_startad" and fu.dispersion.control is None
    assert ai.followup_json(fu, intervention={})["estimates"] is None


def test_smart_figure_draws_baseline_goal_and_actual():
    from ostan_dash.ui.intervention_charts import smart_figure

    tr = ai.smart_trajectory(
        pl.DataFrame({"day": [D(2026, 1, 2)], "n": [1]}),
        pl.DataFrame({"day": [D(2025, 1, 1)], "n": [5]}),
        start=D(2026, 1, 1),
        end=D(2026, 1, 10),
        baseline_start=D(2025, 1, 1),
        today=D(2026, 1, 5),
        goal_pct=30,
    )
    fig = smart_figure(tr, title="x", goal_pct=30)
    assert [t.name for t in fig.data] == [
        "Jämförelseperiod (utan insats)",
        "Mål (30\u00a0% färre)",
        "Faktiskt utfall",
    ]
    assert list(fig.data[1].y) == pytest.approx([3.5] * 10)
