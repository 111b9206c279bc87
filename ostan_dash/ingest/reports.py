"""Validate an EST report from the Rapportera page: the draft, its rules and the Swedish reasons.

No Streamlit. :func:`file_report` and :func:`update_report` validate a draft and hand it to the
writers of :mod:`ostan_dash.store.reports`, which also decide what only the database can (the
point lies in the municipality, the form was not used before). Reporters may correct their own
reports for :data:`EDIT_WINDOW` after filing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from ostan_dash import vocab
from ostan_dash.config import TZ
from ostan_dash.ingest import freetext
from ostan_dash.store import reports as report_store
from ostan_dash.store.reports import EDIT_WINDOW, OUTSIDE_MESSAGE, Filed

__all__ = ["EDIT_WINDOW", "OUTSIDE_MESSAGE", "Filed", "ReportDraft", "ReportRefused"]
MAX_WINDOW = dt.timedelta(days=31)
FUTURE_SLACK = dt.timedelta(minutes=10)
MAX_DESCRIPTION = 2000
# No EST report is older than this: earlier dates are typing errors (1900, 0206 for 2026).
EARLIEST_DATE = dt.date(2000, 1, 1)
# Imports may run a day ahead of the server's clock (a file from another time zone or a
# machine whose clock is slightly off); the form allows FUTURE_SLACK against the clock.
IMPORT_FUTURE_DAYS = 1


class ReportRefused(report_store.WriteRefused):
    """The report cannot be saved; the message is Swedish and meant for the reporter."""


@dataclass(frozen=True)
class ReportDraft:
    """What the form holds. Times are aware datetimes; x, y are SWEREF 99 TM metres."""

    category: str
    subtype: str
    occurred_from: dt.datetime
    occurred_to: dt.datetime
    x: float
    y: float
    client_token: uuid.UUID
    object_type: str | None = None
    persons_count: int | None = None
    description: str | None = None


def new_token() -> uuid.UUID:
    """A fresh form token (one per form instance, kept in the session)."""
    return uuid.uuid4()


def problems(draft: ReportDraft, *, now: dt.datetime) -> list[str]:
    """Everything wrong with a draft, in Swedish (an empty list when it can be filed).

    Pure: the vocabulary of DOMAIN.md, the time window, plausible dates (not before
    :data:`EARLIEST_DATE`, not after ``now`` + :data:`FUTURE_SLACK`), and the free-text guard
    (:func:`ostan_dash.ingest.freetext.problems`: no control characters, no personal data).
    Whether the point lies in the municipality needs the database
    (:func:`ostan_dash.store.reports.inside_municipality`).
    """
    out: list[str] = []
    if draft.category not in vocab.CATEGORIES:
        out.append("Välj en kategori.")
    elif draft.subtype not in vocab.SUBTYPES[draft.category]:
        out.append("Välj vad som hänt (undertyp) i kategorin.")
    if draft.object_type is not None:
        if draft.category != "skadegorelse":
            out.append("Objekttyp anges bara för skadegörelse.")
        elif draft.object_type not in vocab.OBJECT_TYPES:
            out.append("Okänd objekttyp.")
    if draft.persons_count is not None:
        if draft.category != "otrygg_samling":
            out.append("Antal personer anges bara för samlingar av personer.")
        elif not 1 <= draft.persons_count <= 1000:
            out.append("Antal personer ska vara mellan 1 och 1 000.")
    if draft.occurred_from.tzinfo is None or draft.occurred_to.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    if draft.occurred_to < draft.occurred_from:
        out.append("Till-tiden ligger före från-tiden.")
    if draft.occurred_to - draft.occurred_from > MAX_WINDOW:
        out.append("Tidsfönstret får vara högst 31 dagar.")
    times = [("Från-tiden", draft.occurred_from)]
    if draft.occurred_to != draft.occurred_from:  # a window: both ends are checked
        times.append(("Till-tiden", draft.occurred_to))
    for label, t in times:
        shown = f"{t:%Y-%m-%d %H:%M}"
        if t.date() < EARLIEST_DATE:
            out.append(
                f"{label} ({shown}) ligger före {EARLIEST_DATE.isoformat()}. Kontrollera datumet."
            )
        elif t > now + FUTURE_SLACK:
            out.append(f"{label} ({shown}) ligger i framtiden. Kontrollera datum och klockslag.")
    text = draft.description or ""
    if len(text) > MAX_DESCRIPTION:
        out.append(f"Beskrivningen får vara högst {MAX_DESCRIPTION} tecken.")
    out += freetext.problems(text, subject="Beskrivningen", multiline=True, today=now.date())
    return out


def editable(created_at: dt.datetime, *, now: dt.datetime) -> bool:
    """True while a report may still be corrected by its reporter."""
    return now - created_at <= EDIT_WINDOW


def file_report(
    draft: ReportDraft,
    *,
    user_id: int,
    username: str,
    organisation_id: int,
    role: str,
    now: dt.datetime | None = None,
    conn: Connection | None = None,
) -> Filed:
    """Validate ``draft`` and store it once, under the user's database role.

    Raises :class:`ReportRefused` with every reason, in Swedish. The same ``client_token``
    again (a double tap, a resent form) returns the stored report.
    """
    now = now or dt.datetime.now(TZ)
    found = problems(draft, now=now)
    if found:
        raise ReportRefused(" ".join(found))
    try:
        return report_store.write_report(
            draft,
            user_id=user_id,
            username=username,
            organisation_id=organisation_id,
            role=role,
            now=now,
            conn=conn,
        )
    except ReportRefused:
        raise
    except report_store.WriteRefused as e:
        raise ReportRefused(str(e)) from e


def update_report(
    report_id: int,
    draft: ReportDraft,
    *,
    user_id: int,
    username: str,
    role: str,
    now: dt.datetime | None = None,
    conn: Connection | None = None,
) -> None:
    """Validate ``draft`` and correct one's own report ``report_id`` within :data:`EDIT_WINDOW`."""
    now = now or dt.datetime.now(TZ)
    found = problems(draft, now=now)
    if found:
        raise ReportRefused(" ".join(found))
    try:
        report_store.rewrite_report(
            report_id, draft, user_id=user_id, username=username, role=role, now=now, conn=conn
        )
    except ReportRefused:
        raise
    except report_store.WriteRefused as e:
        raise ReportRefused(str(e)) from e
