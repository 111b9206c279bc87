"""Sentences of the Publicera page (no Streamlit calls; Swedish): the default titles, how an
intervention is offered, the lines of what is published and withdrawn, and the confirmations.

Everything a user wrote (titles, user names) passes :func:`plain_markdown`, so it shows as
typed next to our own bold labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ostan_dash.analysis import public_figures as pf
from ostan_dash.text import date
from ostan_dash.ui.safe_text import plain_markdown as plain
from ostan_dash.ui.texts import PUBLIC_KIND_LABELS


def trend_title(area: str) -> str:
    """The proposed title of an area's trend."""
    return f"Utvecklingen i {area}"


def focus_title(area: str) -> str:
    """The proposed title of a focus area."""
    return f"Fokusområde: {area}"


def intervention_option(row: Mapping[str, Any]) -> str:
    """An intervention in the list to choose from: its title and status."""
    return f"{row['title']} ({pf.STATUS_TEXT[row['status']]})"


def published_line(item: Mapping[str, Any]) -> str:
    """A published item: bold title, then its kind, when and by whom it was published."""
    return (
        f"**{plain(item['title'])}**  \n{PUBLIC_KIND_LABELS[item['kind']]} · "
        f"publicerad {date(item['published_at'])} av {plain(item['published_by'])}"
    )


def withdrawn_line(item: Mapping[str, Any]) -> str:
    """A withdrawn item as a list entry: title, when and by whom it was withdrawn."""
    return (
        f"- {plain(item['title'])} (dragen tillbaka {date(item['withdrawn_at'])} "
        f"av {plain(item['withdrawn_by'])})"
    )


def published_flash(title: str) -> str:
    """The confirmation after publishing, shown on the next run."""
    return f"”{title.strip()}” är publicerad."


def withdrawn_flash(title: str) -> str:
    """The confirmation after withdrawing, shown on the next run."""
    return f"”{title}” är tillbakadragen."
