"""Read what a lägesbild needs from the store and hand it to the pure drafting functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from ostan_dash.analysis import areas as aa
from ostan_dash.analysis import interventions as ai
from ostan_dash.reports import annual, periods, quarterly, sentences, weekly
from ostan_dash.reports.periods import Period


def running_in(ivs: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Interventions whose period overlaps ``period`` and that were not cancelled."""
    return ivs.filter(
        (pl.col("start_date") <= period.end)
        & (pl.col("end_date") >= period.start)
        & (pl.col("status") != "installd")
        & (pl.col("status") != "planerad")
    )


def intervention_rows(period: Period, *, ivs: pl.DataFrame | None = None) -> list[dict[str, Any]]:
    """Each intervention running in ``period`` with its SMART status as of the day after the
    period, decided by :func:`interventions.follow_up_row` (the Insatser page's and
    ``ostan-dash evaluate``'s function)."""
    from ostan_dash.store import interventions as si
    from ostan_dash.store import problems as sp

    ivs = si.interventions() if ivs is None else ivs
    as_of = period.end + dt.timedelta(days=1)
    unit_costs = dict(sp.setting("unit_costs", {}))
    out = []
    for row in running_in(ivs, period).iter_rows(named=True):
        # The status the intervention had then: running if the period lay within its dates.
        then = {**row, "status": "pagaende" if row["end_date"] >= as_of else "avslutad"}
        buffer_m = int(row["buffer_m"])
        plan = ai.followup_plan(row["start_date"], row["end_date"], as_of, row["baseline"])
        daily = si.zone_daily_counts(
            row["intervention_id"], plan.first, plan.last, buffer_m=buffer_m
        )
        fu = ai.follow_up_row(
            daily, then, plan=plan, buffer_m=buffer_m, today=as_of, unit_costs=unit_costs
        )
        p = fu.progress
        status = ai.SMART_LABELS[p.status]
        out.append(
            {
                "id": int(row["intervention_id"]),
                "title": row["title"],
                "areas": row["target_areas"] or "",
                "start": row["start_date"].isoformat(),
                "end": row["end_date"].isoformat(),
                "goal_pct": row["goal_reduction_pct"],
                "smart": p.status,
                "smart_text": status,
                "actual": int(p.actual),
                "baseline_same_days": int(p.baseline_so_far),
                "allowed_total": round(float(p.allowed_total), 1),
                "days_left": int(p.days_left),
                "reason": p.reason,
                "next_action": ai.next_action(
                    status=then["status"],
                    smart=p.status,
                    start=row["start_date"],
                    end=row["end_date"],
                    last_log=row["last_log"],
                    today=as_of,
                ),
                "text": sentences.intervention_sentence(
                    row["title"], row["target_areas"], status, p.reason
                ),
            }
        )
    return out


def focus_rows(period: Period, focus: pl.DataFrame | None = None) -> list[dict[str, Any]]:
    """The focus areas of the quarter the period starts in."""
    from ostan_dash.store import areas as sa

    focus = sa.focus_areas() if focus is None else focus
    q = aa.quarter_start(period.start)
    return [
        {"rank": int(r["rank"]), "area": r["area"], "rationale": r["rationale"]}
        for r in focus.filter(pl.col("quarter_start") == q).sort("rank").iter_rows(named=True)
    ]


def focus_proposal(quarter_start: dt.date) -> list[dict[str, Any]]:
    """The Områden page's proposal for the quarter starting ``quarter_start``: the three highest
    :func:`areas.focus_scores` with the latest indicator year, the latest survey year and the
    91 days before the quarter against the same days a year earlier."""
    from ostan_dash.store import areas as sa

    ind = sa.indicators()
    if ind.is_empty():
        return []
    long = aa.criteria_long(ind, thresholds=thresholds(), counts=sa.incident_counts())
    summary = aa.area_summary(long, year=int(ind["year"].max()))
    survey = sa.survey_responses()
    unsafety = (
        aa.survey_unsafety(survey, year=int(survey["year"].max()))
        if survey.height
        else pl.DataFrame(
            schema={"area_id": pl.Int64, "share": pl.Float64, "municipal": pl.Float64}
        )
    )
    recent = sa.recent_incident_counts(quarter_start)
    scores = aa.focus_scores(summary, trend=recent, unsafety=unsafety).head(3)
    from ostan_dash.store import queries

    areas = queries.areas()
    names = dict(
        zip(areas["area_id"].cast(pl.Int64).to_list(), areas["name"].to_list(), strict=True)
    )
    return [
        {
            "rank": int(r["rank"]),
            "area_id": int(r["area_id"]),
            "area": names.get(int(r["area_id"]), str(r["area_id"])),
            "rationale": sentences.focus_rationale(
                r["criteria_met"], r["n_worsened"], r["trend_pct"], r["score"]
            ),
            "proposed": True,
        }
        for r in scores.iter_rows(named=True)
    ]


def thresholds() -> aa.Thresholds:
    """The analyst's stored area thresholds (the defaults when unset or unreadable, as on
    Områden)."""
    from ostan_dash.store import areas as sa

    try:
        return aa.Thresholds.from_json(sa.get_setting(aa.SETTINGS_KEY))
    except (ValueError, TypeError, AttributeError):
        return aa.DEFAULT_THRESHOLDS


def next_focus(period: Period) -> list[dict[str, Any]]:
    """The focus areas of the quarter after ``period`` with their problem pictures and planned
    interventions: the recorded choice, else the proposal."""
    from ostan_dash.store import areas as sa
    from ostan_dash.store import interventions as si
    from ostan_dash.store import problems as sp

    nxt = quarterly.next_quarter(period)
    chosen = sa.focus_areas().filter(pl.col("quarter_start") == nxt.start).sort("rank")
    focus = (
        [
            {
                "rank": r["rank"],
                "area_id": r["area_id"],
                "area": r["area"],
                "rationale": r["rationale"],
            }
            for r in chosen.iter_rows(named=True)
        ]
        if chosen.height
        else focus_proposal(nxt.start)
    )
    return quarterly.focus_section(focus, sp.problems(), si.interventions(), nxt)


def calendar_events() -> pl.DataFrame:
    """The events calendar (:func:`ostan_dash.store.events.events`)."""
    from ostan_dash.store import events

    return events.events()


def draft(period: Period, *, figures: bool = True, **frames: Any) -> dict[str, Any]:
    """The document of ``period`` drafted from the database (frames given in ``frames``, as
    ``incidents``, ``areas``, ``population``, are used instead of reading them)."""
    from ostan_dash.store import population, queries

    incidents = frames.get("incidents")
    areas = frames.get("areas")
    cells = frames.get("population")
    incidents = queries.incidents() if incidents is None else incidents
    areas = queries.areas() if areas is None else areas
    cells = population.cells() if cells is None else cells
    if period.kind == "vecka":
        doc = weekly.draft(
            period,
            incidents=incidents,
            areas=areas,
            population=cells,
            interventions=intervention_rows(period),
            focus_areas=focus_rows(period),
            events=frames["events"] if "events" in frames else calendar_events(),
        )
        doc["focus_quarter"] = aa.quarter_label(period.start)
    elif period.kind == "kvartal":
        doc = quarterly.draft(
            period,
            incidents=incidents,
            areas=areas,
            population=cells,
            interventions=intervention_rows(period),
            focus=next_focus(period),
        )
    else:
        doc = annual_draft(period, incidents=incidents, areas=areas, population=cells)
    if figures:
        from ostan_dash.reports import figures as fig

        fig.attach(doc)
    return doc


def annual_draft(period: Period, **frames: Any) -> dict[str, Any]:
    """The årsanalys of ``period`` from the store (``incidents``, ``areas``, ``population`` as
    given): Områden's indicators with the analyst's thresholds, the year's interventions and the
    recorded focus areas."""
    from ostan_dash.store import areas as sa

    return annual.draft(
        period,
        **frames,
        indicators=sa.indicators(),
        thresholds=thresholds(),
        indicator_counts=sa.incident_counts(),
        interventions=intervention_rows(period),
        focus=sa.focus_areas(),
    )


def period_of(kind: str, text: str) -> Period:
    """``periods.parse`` (re-exported for the CLI)."""
    return periods.parse(kind, text)


def with_texts(
    doc: Mapping[str, Any],
    *,
    assessment: str,
    recommendations: str = "",
    cooperation: str | None = None,
) -> dict[str, Any]:
    """The document with the analyst's free text (:data:`ostan_dash.reports.forms.FIELDS`): the
    assessment, the recommended (weekly) or planned (quarterly) interventions, and for the
    årsanalys how the cooperation worked."""
    out = {**doc, "assessment": assessment.strip(), "recommendations": recommendations.strip()}
    if cooperation is not None:
        out["cooperation"] = cooperation.strip()
    return out
