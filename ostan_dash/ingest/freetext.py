"""The guard for every free-text field: no control characters, no personal data.

Pure (no database, no Streamlit). One call, :func:`problems`, gives the Swedish reasons a text
cannot be saved; every page and import with free text uses it (the report form through
:func:`ostan_dash.ingest.reports.problems`, imports through :mod:`ostan_dash.ingest.validate`).
Problem pictures and interventions can use it the same way::

    found = freetext.problems(text, subject="Beskrivningen")
    if found:
        st.error(" ".join(found))  # and keep the user's text in the widget

Control characters are refused at the edge because PostgreSQL cannot store a NUL byte in a text
value (psycopg raises before the query is sent) and because the others (escape sequences,
backspace, bidirectional overrides that make a text display differently from what it holds)
have no place in a report. A multi-line field keeps newline, carriage return and tab.
"""

from __future__ import annotations

import datetime as dt
import re

from ostan_dash.ingest import privacy

# C0 and C1 controls, DEL, bidirectional embeddings/overrides/isolates, lone surrogates.
_BIDI = "\u202a-\u202e\u2066-\u2069"
CONTROL_MULTILINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
CONTROL_SINGLE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
# The same classes in the syntax of Polars' regex engine (Rust ``regex``; no surrogates there).
POLARS_CONTROL_MULTILINE = (
    r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x{9F}\x{202A}-\x{202E}\x{2066}-\x{2069}]"
)
POLARS_CONTROL_SINGLE_LINE = r"[\x00-\x1F\x7F-\x{9F}\x{202A}-\x{202E}\x{2066}-\x{2069}]"

_NAMES = {"\x00": "NUL", "\t": "tabb", "\n": "radbrytning", "\r": "vagnretur"}


def char_name(ch: str) -> str:
    """How a refused character is named to a user: ``NUL (U+0000)``, ``radbrytning (U+000A)``."""
    if ch in _NAMES:
        name = _NAMES[ch]
    elif "\u202a" <= ch <= "\u2069":
        name = "riktningstecken"
    else:
        name = "kontrolltecken"
    return f"{name} (U+{ord(ch):04X})"


def control_characters(text: str | None, *, multiline: bool = True) -> list[int]:
    """Positions (0-based) of characters that may not be stored in a text field."""
    if not text:
        return []
    rx = CONTROL_MULTILINE if multiline else CONTROL_SINGLE_LINE
    return [m.start() for m in rx.finditer(text)]


def control_message(
    text: str | None, *, subject: str = "Texten", multiline: bool = True
) -> str | None:
    """A Swedish sentence naming the first refused character and where it is, else None."""
    where = control_characters(text, multiline=multiline)
    if not where:
        return None
    assert text is not None
    first = where[0]
    more = f" och {len(where) - 1} till" if len(where) > 1 else ""
    return (
        f"{subject} innehåller ett tecken som inte kan sparas: {char_name(text[first])} vid "
        f"tecken {first + 1}{more}. Ta bort det, eller klistra in texten som ren text."
    )


def problems(
    text: str | None,
    *,
    subject: str = "Texten",
    multiline: bool = True,
    today: dt.date | None = None,
) -> list[str]:
    """Everything that stops ``text`` from being stored, as Swedish sentences (empty when fine).

    Parameters
    ----------
    text
        The field's content (``None`` or ``""`` is fine).
    subject
        The field as the sentence names it: ``Beskrivningen``, ``Texten``, ``Orsaksanalysen``.
    multiline
        A text area (newline, carriage return and tab allowed) or a one-line field.
    today
        Passed to :func:`ostan_dash.ingest.privacy.find_personal_data`.
    """
    out = []
    control = control_message(text, subject=subject, multiline=multiline)
    if control:
        out.append(control)
    out += privacy.messages(privacy.find_personal_data(text, today=today), subject=subject)
    return out


def ensure_clean(
    fields: dict[str, str | None],
    *,
    one_line: tuple[str, ...] = (),
    today: dt.date | None = None,
) -> None:
    """Refuse several free-text fields of one form at once: raise :class:`ValueError` with every
    reason (Swedish, each naming its field) when any field fails :func:`problems`.

    The pages of problem pictures and interventions call this right before they write, inside
    the ``try`` that turns a ``ValueError`` into a message, so the user's text stays in the form.

    Parameters
    ----------
    fields
        Subject as the sentence names it (``"Rubriken"``, ``"Beskrivningen"``) → the text.
    one_line
        The subjects that are one-line fields (no newline or tab allowed).
    today
        Passed to :func:`ostan_dash.ingest.privacy.find_personal_data`.
    """
    found = [
        msg
        for subject, text in fields.items()
        for msg in problems(text, subject=subject, multiline=subject not in one_line, today=today)
    ]
    if found:
        raise ValueError(" ".join(found))
