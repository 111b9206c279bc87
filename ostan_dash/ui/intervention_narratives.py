"""Sentences of the Insatser page, built from an intervention's row and its follow-up.

Plain functions without Streamlit (tests check the exact strings); the page only places them.
Numbers and dates are written the Swedish way (:mod:`ostan_dash.text`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ostan_dash import text as fmt
from ostan_dash import vocab
from ostan_dash.analysis import interventions as ai
from ostan_dash.ui.safe_text import plain_markdown


def intro(today: dt.date) -> str:
    """The page's caption: what is compared, how, and the day the figures are for."""
    return (
        "Insatser följs upp mot sitt SMART-mål och utvärderas före/efter i insatsområdet, mot ett "
        "kontrollområde och i en ring runt insatsområdet (omfördelning och spridning). Händelser "
        "räknas den dag deras tidsfönster börjar, svensk tid. Förval för jämförelsen är samma "
        "period året innan: perioden närmast före är ofta toppen som fick problemet valt, och den "
        "går tillbaka av sig själv (regression mot medelvärdet). Testen tar hänsyn till att "
        "veckoantalen varierar mer än ren slump (kvasi-Poisson). Underlag per "
        + fmt.date(today)
        + "."
    )


def responsible(org: str | None, role: str | None) -> str:
    """Who is responsible, as the overview lists it: ``"Östans kommun, Trygghetssamordnare"``."""
    return ", ".join(x for x in (org, role) if x)


def headline(row: Mapping[str, Any]) -> str:
    """The line under an intervention's title: status, kind, type with evidence and dates."""
    return (
        f"**{ai.STATUS_LABELS.get(row['status'], row['status'])}** · "
        f"{ai.KIND_LABELS.get(row['kind'], row['kind'])} insats"
        + (f" · {row['type_name']} (evidens: {row['evidence']})" if row["type_name"] else "")
        + f" · {fmt.date(row['start_date'])} – {fmt.date(row['end_date'])}"
    )


def where(target_areas: str | None, has_target_geom: bool) -> str:
    """Where the intervention is done: its areas and/or a delimited place; ``"–"`` if neither."""
    text = target_areas or ""
    if has_target_geom:
        text = (text + " – " if text else "") + "avgränsad plats (polygon eller plats med radie)"
    return text or "–"


def plan(row: Mapping[str, Any]) -> str:
    """The plan tab's description: what, where, when, who, what is counted, and why."""
    return (
        f"**Vad:** {plain_markdown(row['description'])}  \n"
        f"**Var:** {where(row['target_areas'], row['has_target_geom'])}  \n"
        f"**När:** {fmt.long_date(row['start_date'])} – {fmt.long_date(row['end_date'])}  \n"
        f"**Ansvarig:** {row['responsible_org'] or '–'}, {row['responsible_role'] or '–'}  \n"
        f"**Räknar:** {', '.join(vocab.category_label(c) for c in row['categories'])}  \n"
        f"**Problembild:** {plain_markdown(row['problem_title'])}  \n"
        f"**Orsakshypotes:** {plain_markdown(row['cause_hypothesis'])}  \n"
        f"**Förväntad effekt:** {plain_markdown(row['expected_effect'])}"
    )


def smart_goal(row: Mapping[str, Any], fu: ai.FollowUp, baseline: str) -> str:
    """The SMART goal in words: the reduction, the two periods and what the goal allows."""
    p = fu.progress
    b0, b1 = fu.plan.baseline_period
    return (
        f"**SMART-mål:** minst {fmt.percent(row['goal_reduction_pct'] or 0.0)} färre händelser "
        f"{fmt.date(row['start_date'])} – {fmt.date(row['end_date'])} än under "
        f"{fmt.date(b0)} – {fmt.date(b1)} ({ai.BASELINE_TEXT[baseline]}). "
        f"Målet tillåter högst {fmt.number(p.allowed_total, 0)} händelser "
        f"(jämförelseperioden hade {fmt.number(p.baseline_total)})."
    )


def ratio_with_ci(ratio: float, low: float, high: float) -> str:
    """A rate ratio with its interval: ``"0,72 (0,55–0,94)"``."""
    return f"{fmt.number(ratio, 2)} ({fmt.number(low, 2)}–{fmt.number(high, 2)})"


def smart_status(p: ai.SmartProgress) -> str:
    """The SMART status with its reason and the counts behind it."""
    return (
        f"**{ai.SMART_LABELS[p.status].capitalize()}:** {p.reason} "
        f"Händelser hittills: {fmt.number(p.actual)} (jämförelse samma dagar "
        f"{fmt.number(p.baseline_so_far)}); målets kvot högst {fmt.number(p.goal_ratio, 2)}."
    )


def evaluation_periods(fu: ai.FollowUp, buffer_m: int) -> str:
    """The two periods the evaluation compares and the buffer ring it counts in."""
    assert fu.plan.periods is not None and fu.evaluation is not None
    before, after = fu.plan.periods
    return (
        f"**Före:** {fmt.date(before[0])} – {fmt.date(before[1])} · "
        f"**Under/efter:** {fmt.date(after[0])} – {fmt.date(after[1])} "
        f"({fmt.number(fu.evaluation.days)} dagar var). Omgivning: ring på "
        f"{fmt.number(buffer_m)} m, insatsområdet och kontrollområdet borträknade."
    )


def not_started(start: dt.date) -> str:
    """Why the evaluation tab is empty."""
    return (
        "Utvärderingen visas när insatsen har startat (pågående eller avslutad). "
        f"Start {fmt.date(start)}."
    )
