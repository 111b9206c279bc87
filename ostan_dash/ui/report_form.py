"""Words of the Rapportera page that depend on data: the duplicate warning, the time window,
how long ago a report was filed, what the form still lacks and what one's own reports fed (no
Streamlit calls; Swedish, Europe/Stockholm). The page's sections are in
:mod:`ostan_dash.ui.report_page`."""

from __future__ import annotations

import datetime as dt

from ostan_dash import vocab
from ostan_dash.analysis.own_reports import OwnReports
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


def missing_fields(
    category: str | None, subtype: str | None, object_type: str | None, *, has_point: bool
) -> list[str]:
    """What the form still lacks, in the words of ``Fyll i …`` (empty when it can be sent).

    The type is asked only once a category is chosen; the object damaged only for
    ``skadegorelse``.
    """
    missing = []
    if not category:
        missing.append("vad som hänt")
    elif not subtype:
        missing.append("typ")
    if category == "skadegorelse" and not object_type:
        missing.append("vad som skadades")
    if not has_point:
        missing.append("plats")
    return missing


def own_reports_text(summary: OwnReports) -> str:
    """``Du har skickat **12** rapporter. De ingår i underlaget för **2** problembilder och
    **1** insatser.``"""
    return (
        f"Du har skickat **{number(summary.count)}** rapporter. De ingår i underlaget för "
        f"**{len(summary.problem_pictures)}** problembilder och "
        f"**{len(summary.interventions)}** insatser."
    )


def edit_window_text(window: dt.timedelta) -> str:
    """How long a reporter may correct a report, in whole hours."""
    return (
        f"Du kan rätta tid, plats, typ och beskrivning i "
        f"{int(window.total_seconds() // 3600)} timmar efter att du skickat rapporten."
    )
