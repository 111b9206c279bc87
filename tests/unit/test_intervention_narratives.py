"""The Insatser page's sentences, word for word, and the page's small decisions (issue 16)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ostan_dash.analysis import interventions as ai
from ostan_dash.ui import intervention_narratives as say

D = dt.date
NB = "\u00a0"  # Swedish numbers and percentages keep their unit on the same line


def _row(**over):
    row = {
        "intervention_id": 7,
        "title": "Belysning vid Torget",
        "status": "pagaende",
        "kind": "situationell",
        "type_name": "Förbättrad belysning",
        "evidence": "stark",
        "description": "Nya lampor *längs* gångvägen",
        "target_areas": "Centrum",
        "has_target_geom": False,
        "responsible_org": "Östans kommun",
        "responsible_role": None,
        "categories": ["skadegorelse"],
        "problem_title": None,
        "cause_hypothesis": "Mörker",
        "expected_effect": None,
        "start_date": D(2026, 3, 2),
        "end_date": D(2026, 8, 30),
        "goal_reduction_pct": 30.0,
        "has_control": False,
        "control_areas": None,
        "problem_created": None,
        "created_date": D(2026, 2, 1),
        "problem_period_to": None,
    }
    return row | over


def _followup(row, today):
    """A real follow-up: one incident every third day in the target area, two years back."""
    plan = ai.followup_plan(row["start_date"], row["end_date"], today, "samma_period_forra_aret")
    days = pl.date_range(plan.first, plan.last, eager=True).filter(
        pl.date_range(plan.first, plan.last, eager=True).dt.day() % 3 == 0
    )
    daily = pl.DataFrame(
        {"zone": "target", "day": days, "category": "skadegorelse", "n": 1},
        schema=ai.DAILY_SCHEMA,
    )
    return ai.follow_up_row(daily, row, plan=plan, buffer_m=300, today=today)


def test_headline_names_status_kind_type_and_dates():
    assert say.headline(_row()) == (
        "**Pågående** · Situationell insats · Förbättrad belysning (evidens: stark) · "
        "2026-03-02 – 2026-08-30"
    )
    assert say.headline(_row(type_name=None, status="okand")) == (
        "**okand** · Situationell insats · 2026-03-02 – 2026-08-30"
    )


@pytest.mark.parametrize(
    ("areas", "geom", "expected"),
    [
        ("Centrum", False, "Centrum"),
        ("Centrum", True, "Centrum – avgränsad plats (polygon eller plats med radie)"),
        (None, True, "avgränsad plats (polygon eller plats med radie)"),
        (None, False, "–"),
    ],
    ids=["areas", "areas-and-place", "place-only", "nowhere"],
)
def test_where(areas, geom, expected):
    assert say.where(areas, geom) == expected


def test_plan_escapes_what_users_wrote_and_dashes_the_missing():
    text = say.plan(_row())
    assert text.splitlines() == [
        r"**Vad:** Nya lampor \*längs\* gångvägen  ",
        "**Var:** Centrum  ",
        "**När:** 2 mars 2026 – 30 augusti 2026  ",
        "**Ansvarig:** Östans kommun, –  ",
        "**Räknar:** Skadegörelse  ",
        "**Problembild:** –  ",
        "**Orsakshypotes:** Mörker  ",
        "**Förväntad effekt:** –",
    ]


def test_responsible_skips_what_is_missing():
    assert say.responsible("Östans kommun", "Samordnare") == "Östans kommun, Samordnare"
    assert say.responsible(None, "Samordnare") == "Samordnare"
    assert say.responsible(None, None) == ""


def test_smart_sentences_carry_the_follow_ups_numbers():
    row = _row()
    fu = _followup(row, D(2026, 5, 31))
    p = fu.progress
    # 30 incidents so far against 30 on the same days a year earlier; 60 in the whole baseline.
    assert (p.actual, p.baseline_so_far, p.baseline_total) == (30, 30, 60)
    assert say.smart_goal(row, fu, "samma_period_forra_aret") == (
        f"**SMART-mål:** minst 30{NB}% färre händelser 2026-03-02 – 2026-08-30 än under "
        "2025-03-02 – 2025-08-30 (samma kalenderperiod året innan). Målet tillåter högst "
        "42 händelser (jämförelseperioden hade 60)."
    )
    assert say.smart_status(p) == (
        "**I riskzonen:** Minskningen i nuvarande takt når inte målet. Händelser hittills: 30 "
        "(jämförelse samma dagar 30); målets kvot högst 0,70."
    )
    assert say.evaluation_periods(fu, 1500) == (
        "**Före:** 2025-03-02 – 2025-05-30 · **Under/efter:** 2026-03-02 – 2026-05-30 "
        f"(90 dagar var). Omgivning: ring på 1{NB}500 m, insatsområdet och kontrollområdet "
        "borträknade."
    )


def test_ratio_with_ci_and_not_started():
    assert say.ratio_with_ci(0.7234, 0.5, 1.049) == "0,72 (0,50–1,05)"
    assert say.not_started(D(2026, 9, 1)) == (
        "Utvärderingen visas när insatsen har startat (pågående eller avslutad). Start 2026-09-01."
    )


def test_intro_names_the_day():
    assert say.intro(D(2026, 12, 5)).endswith("Underlag per 2026-12-05.")


def test_smart_tally_counts_and_shows_the_nuances_only_when_present():
    plain = ai.smart_tally(["pa_vag", "pa_vag", "ej_startad"])
    assert [(c.status, c.n) for c in plain] == [
        ("pa_vag", 2),
        ("i_riskzonen", 0),
        ("uppnatt", 0),
        ("ej_uppnatt", 0),
        ("ej_startad", 1),
    ]
    nuanced = ai.smart_tally(["ej_sakerstallt", "omfordelat", "omfordelat"])
    assert [c.status for c in nuanced][3:5] == ["ej_sakerstallt", "omfordelat"]
    assert sum(c.n for c in nuanced) == 3
    assert nuanced[4].label == "omfördelat"


def test_initial_status_and_days_left():
    today = D(2026, 5, 1)
    assert ai.initial_status(today + dt.timedelta(days=1), today) == "planerad"
    assert ai.initial_status(today, today) == "pagaende"
    assert [ai.shows_days_left(s) for s in ai.STATUS_LABELS] == [True, True, False, False]


@pytest.mark.parametrize(
    ("cost", "savings", "verdict", "net", "uncertain"),
    [
        (100_000, 250_000.0, "success", 150_000.0, False),
        (None, 40_000.0, "diffusion", 40_000.0, False),
        (50_000, None, "too_early", -50_000.0, True),
        (50_000, 10_000.0, "no_effect", -40_000.0, True),
    ],
    ids=["saves", "no-cost", "too-early", "no-effect"],
)
def test_cost_balance(cost, savings, verdict, net, uncertain):
    money = ai.cost_balance(cost, savings, verdict)
    assert money.net == net
    assert money.net == money.savings - money.cost
    assert money.uncertain is uncertain
