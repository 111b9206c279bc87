"""Words of the Rapportera page that depend on data: the duplicate warning, the time window
and how long ago a report was filed (no Streamlit calls; Swedish, Europe/Stockholm)."""

from __future__ import annotations

import datetime as dt

from ostan_dash import vocab
from ostan_dash.config import TZ
from ostan_dash.text import count, datetime_local, number


def window_text(t0: dt.datetime, t1: dt.datetime) -> str:
    """``2026-12-03 22:00``, ``2026-12-03 22:00–23:30`` or ``2026-12-03 22:00 – 2026-12-04 06:00``
    (local time)."""
    a, b = t0.astimezone(TZ), t1.astimezone(TZ)
    if a == b:
        return datetime_local(a)
    if a.date() == b.date():
        return f"{datetime_local(a)}–{b:%H:%M}"
    return f"{datetime_local(a)} – {datetime_local(b)}"


def ago_text(then: dt.datetime, now: dt.datetime) -> str:
    """``för 12 minuter sedan``, ``för 1 timme sedan``; ``alldeles nyss`` under a minute."""
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return "alldeles nyss"
    if minutes < 60:
        return f"för {count(minutes, 'minut', 'minuter')} sedan"
    return f"för {count(minutes // 60, 'timme', 'timmar')} sedan"


def duplicate_warning(earlier: dict, *, more: int, user_id: int, now: dt.datetime) -> str:
    """The warning before a likely duplicate is filed, naming the earlier report.

    ``earlier`` is a row of :func:`ostan_dash.analysis.duplicates.likely_duplicates` (with
    ``subtype`` and ``area`` from :func:`ostan_dash.store.reports.recent_similar_reports`);
    ``more`` counts further likely duplicates.
    """
    who = "Du" if earlier["reported_by"] == user_id else "En kollega i din organisation"
    what = vocab.subtype_label(earlier["category"], earlier["subtype"])
    where = f" i {earlier['area']}" if earlier.get("area") else ""
    text = (
        f"**Liknande rapport finns redan.** {who} skickade rapport nr {earlier['id']} "
        f"{ago_text(earlier['created_at'], now)}: "
        f"{vocab.CATEGORIES.get(earlier['category'], '')} – {what}"
        f"{where}, {number(earlier['distance_m'])} m härifrån, "
        f"tid {window_text(earlier['occurred_from'], earlier['occurred_to'])}."
    )
    if more:
        text += f" Det finns {count(more, 'liknande rapport', 'liknande rapporter')} till."
    return (
        text + " Är det samma händelse behöver du inte skicka den igen. "
        "Välj **Skicka ändå** om det är en ny händelse."
    )
