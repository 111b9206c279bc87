"""The kvartalsanalys drafted from the data: pure functions, frames in, a JSON-ready dict out.

The EST rhythm (shared/DOMAIN.md): every quarter, follow up last quarter's interventions, pick
the three geographic focus areas for the next quarter, and name their problem pictures and the
interventions planned there. The document for ``2026-Q3`` therefore reads the third quarter and
looks ahead to the fourth. Every figure comes from the functions the pages use:

- headline numbers and unusual rows: the quarter against the same quarter a year earlier with
  the veckolägesbild's negative binomial test and one Benjamini–Hochberg family
  (:mod:`.compare`);
- the map: Karta's hot cells for the quarter, their change against the same quarter a year
  earlier (:func:`weekly.hotspot_map`); hot times: the aoristic matrix (Ratcliffe 2002);
- interventions: the SMART status of :func:`interventions.smart_status` through
  :func:`interventions.follow_up_row` (:func:`ostan_dash.reports.load.intervention_rows`);
- focus areas: the ones the group recorded on Områden (``focus_areas``), else the Områden
  page's proposal (:func:`ostan_dash.analysis.areas.focus_scores`), marked as a proposal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from ostan_dash.analysis import problems as ap
from ostan_dash.analysis.areas import next_quarter_start, quarter_label
from ostan_dash.analysis.hottimes import hot_time_matrix
from ostan_dash.analysis.interventions import STATUS_LABELS as IV_STATUS
from ostan_dash.dates import quarter_number
from ostan_dash.reports import compare, weekly
from ostan_dash.reports.periods import Period

SCHEMA_VERSION = 1
TREND_QUARTERS = 8
SECTIONS = (
    "Kvartalet i siffror",
    "Det viktigaste",
    "Bedömning",
    "Uppföljning av kvartalets insatser",
    "Fokusområden nästa kvartal",
    "Heta rutor under kvartalet",
    "Heta tider",
    "Per område",
    "Trend per kvartal",
)
"""The section titles, in the order of the template (``kvartal.html``)."""


def next_quarter(period: Period) -> Period:
    """The quarter after ``period`` (the one the focus areas are chosen for)."""
    start = next_quarter_start(period.start)
    end = next_quarter_start(start) - dt.timedelta(days=1)
    return Period("kvartal", start, end)


def quarter_series(
    incidents: pl.DataFrame, period: Period, *, n: int = TREND_QUARTERS
) -> dict[str, Any]:
    """Counts per calendar quarter and source for the ``n`` quarters ending with ``period``."""
    starts = [period.start]
    for _ in range(n - 1):
        s = starts[0]
        starts.insert(
            0, dt.date(s.year - 1, 10, 1) if s.month == 1 else dt.date(s.year, s.month - 3, 1)
        )
    q = incidents.filter(
        pl.col("occurred_from").dt.date().is_between(starts[0], period.end)
    ).select(
        pl.col("source").cast(pl.Utf8),
        q=pl.col("occurred_from").dt.date().dt.truncate("1q"),
    )
    counts = {
        (r["source"], r["q"]): r["n"]
        for r in q.group_by("source", "q").agg(n=pl.len()).iter_rows(named=True)
    }
    return {
        "labels": [f"kv. {quarter_number(s)} {s.year}" for s in starts],
        "starts": [s.isoformat() for s in starts],
        "series": {
            src: [int(counts.get((src, s), 0)) for s in starts] for src in compare.SOURCE_LABELS
        },
    }


def focus_section(
    focus: Sequence[Mapping[str, Any]],
    problems: pl.DataFrame,
    interventions: pl.DataFrame,
    quarter: Period,
) -> list[dict[str, Any]]:
    """Each focus area with its open problem pictures and the interventions planned or running
    there during ``quarter``.

    ``focus``: ``rank``, ``area_id``, ``area``, ``rationale`` (and ``proposed``: from the score,
    not chosen). ``problems``: :func:`ostan_dash.store.problems.problems`; ``interventions``:
    :func:`ostan_dash.store.interventions.interventions`.
    """
    out = []
    for f in sorted(focus, key=lambda f: f["rank"]):
        aid = int(f["area_id"])
        pb = problems.filter(
            pl.col("area_ids").list.contains(aid) & pl.col("status").is_in(ap.OPEN_STATUSES)
        ).sort("created_at", descending=True)
        iv = interventions.filter(
            pl.col("target_area_ids").list.contains(aid)
            & pl.col("status").is_in(["planerad", "pagaende"])
            & (pl.col("start_date") <= quarter.end)
            & (pl.col("end_date") >= quarter.start)
        ).sort("start_date")
        out.append(
            {
                "rank": int(f["rank"]),
                "area_id": aid,
                "area": f["area"],
                "rationale": f.get("rationale") or "",
                "proposed": bool(f.get("proposed", False)),
                "problems": [
                    {
                        "id": int(r["problem_id"]),
                        "title": r["title"],
                        "status": ap.STATUS_LABELS.get(r["status"], r["status"]),
                        "description": r["description"] or "",
                        "n_interventions": int(r["n_interventions"] or 0),
                    }
                    for r in pb.iter_rows(named=True)
                ],
                "planned": [
                    {
                        "id": int(r["intervention_id"]),
                        "title": r["title"],
                        "status": IV_STATUS.get(r["status"], r["status"]),
                        "start": r["start_date"].isoformat(),
                        "end": r["end_date"].isoformat(),
                        "responsible": r["responsible_org"] or "",
                        "problem": r["problem_title"] or "",
                        "goal_pct": r["goal_reduction_pct"],
                    }
                    for r in iv.iter_rows(named=True)
                ],
            }
        )
    return out


def draft(
    period: Period,
    *,
    incidents: pl.DataFrame,
    areas: pl.DataFrame,
    population: pl.DataFrame | None = None,
    interventions: Sequence[Mapping[str, Any]] = (),
    focus: Sequence[Mapping[str, Any]] = (),
    drafted_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The kvartalsanalys of ``period`` as plain JSON-able data (figures are added by
    :func:`ostan_dash.reports.figures.attach`).

    ``interventions``: those running in the quarter with their SMART status already decided
    (:func:`ostan_dash.reports.load.intervention_rows`); ``focus``: the next quarter's focus
    areas with their problem pictures and planned interventions (:func:`focus_section`).
    """
    if period.kind != "kvartal":
        raise ValueError("quarterly.draft() skriver kvartalsanalyser")
    head, frame, by_area = compare.document_head(
        period,
        incidents=incidents,
        areas=areas,
        drafted_at=drafted_at,
        schema=SCHEMA_VERSION,
        classification=weekly.CLASSIFICATION,
    )
    hot = hot_time_matrix(frame)["weight"].to_numpy().reshape(7, 24)
    prev = compare.before(period)
    nxt = next_quarter(period)
    return {
        **head,
        "areas": compare.area_rows(by_area, areas),
        "trend": quarter_series(incidents, period),
        "hotspots": weekly.hotspot_map(
            incidents, areas, population, period, before=prev, against="samma kvartal i fjol"
        ),
        "hottimes": {"weights": np.round(hot, 3).tolist(), "total": compare._num(hot.sum(), 1)},
        "interventions": [dict(r) for r in interventions],
        "next_quarter": {
            "key": nxt.key,
            "label": quarter_label(nxt.start),
            "start": nxt.start.isoformat(),
            "end": nxt.end.isoformat(),
        },
        "focus": [dict(f) for f in focus],
        "focus_proposed": any(f.get("proposed") for f in focus),
        "assessment": "",
        "recommendations": "",
    }
