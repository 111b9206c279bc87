"""Sentences of the Problembilder page, built from a problem picture and its cause analysis.

Plain functions without Streamlit (tests check the exact strings); the page only places them.
What users wrote is shown literally (:func:`ostan_dash.ui.safe_text.plain_markdown`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ostan_dash import text as fmt
from ostan_dash import vocab
from ostan_dash.analysis import problems as ap
from ostan_dash.ui.safe_text import plain_markdown

INTRO = (
    "Ju fler av de sex prioriteringskriterierna en problembild uppfyller, desto högre prioritet. "
    "Kriterierna 1, 2, 4 och 5 föreslås ur rapporterna; 3 och 6 är bedömningar. Bara "
    "analytikerns beslut räknas i rangordningen."
)

CAUSE_INTRO = (
    "Enligt Brås vägledning *Orsaksanalys i lokalt brottsförebyggande arbete*: vad vet vi om "
    "platsen eller gruppen, vilka orsaker kan förklara problemet, vad säger kunskapen, och "
    "vilken slutsats drar vi för valet av insats?"
)


def status(code: str) -> str:
    """A status in words, the code itself when unknown."""
    return ap.STATUS_LABELS.get(code, code)


def picker_label(title: str, status_code: str) -> str:
    """A problem picture in the picker: ``"Klotter i Centrum (Öppen)"``."""
    return f"{title} ({ap.STATUS_LABELS.get(status_code, '')})"


def hours(hour_from: int | None, hour_to: int | None) -> str:
    """The hour window, ``"22–04"``, or ``"alla tider"`` without one."""
    if hour_from is None or hour_to is None:
        return "alla tider"
    return f"{hour_from:02d}–{hour_to:02d}"


def days(weekdays: Sequence[int]) -> str:
    """The weekdays (1 = Monday), or ``"alla dagar"``."""
    return ", ".join(fmt.WEEKDAYS[d - 1] for d in weekdays) or "alla dagar"


def summary(pb: Mapping[str, Any]) -> str:
    """Under a problem picture's title: its description, selection, status and owner."""
    cats = ", ".join(vocab.category_label(c) for c in pb["categories"]) or "alla kategorier"
    return (
        f"{plain_markdown(pb['description'], empty='')}  \n"
        f"**Urval:** {cats}"
        + (f" ({', '.join(pb['subtypes'])})" if pb["subtypes"] else "")
        + f" · {pb['areas'] or 'hela kommunen'}"
        + (" · avgränsad plats" if pb["has_geom"] else "")
        + f" · {days(pb['weekdays'])}, {hours(pb['hour_from'], pb['hour_to'])}  \n"
        f"**Status:** {status(pb['status'])} · **Ägare:** {pb['owner_org'] or '–'}"
    )


def proposals_basis(reference: dt.date, n_incidents: int) -> str:
    """What the criteria proposals were computed from."""
    return (
        f"Förslag beräknade per {fmt.date(reference)} ur "
        f"{fmt.count(n_incidents, 'händelse', 'händelser')} i urvalet de senaste två åren."
    )


def unexplained(criteria: Sequence[int]) -> str:
    """The error for decisions that deviate from the proposal without a justification."""
    return (
        "Motivera avvikelsen från förslaget för kriterium "
        + ", ".join(str(k) for k in criteria)
        + "."
    )


def orphans(rows: Sequence[int]) -> str:
    """The error for support written without its hypothesis."""
    return "Skriv hypotesen till stödet på rad " + ", ".join(str(i) for i in rows) + "."


def triangle_side(ca: Mapping[str, Any], inner: str, outer: str) -> str:
    """One side of the problem triangle: the inner side over the one who can act on it."""
    return (
        f"**{ap.TRIANGLE[inner]}:** {plain_markdown(ca[inner])}  \n"
        f"*{ap.TRIANGLE[outer]}:* {plain_markdown(ca[outer])}"
    )


def knowledge_used(sources: Iterable[Mapping[str, Any]]) -> str:
    """The knowledge sources the analysis used: ``"Titel (Utgivare); …"``, or ``"–"``."""
    used = "; ".join(f"{r['title']} ({r['publisher']})" for r in sources)
    return "**Kunskap som använts:** " + (used or "–")


def last_changed(by: str, at: dt.datetime) -> str:
    """Who changed the cause analysis last, and when (Swedish time)."""
    return f"Senast ändrad av {by} {fmt.datetime_local(at)}."
