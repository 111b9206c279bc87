"""The periods a document covers: an ISO week, a quarter or a year, written ``2026-W48``,
``2026-Q3`` or ``2026``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ostan_dash.dates import quarter_number
from ostan_dash.text import week_range

KINDS = {"vecka": "Veckolägesbild", "kvartal": "Kvartalsanalys", "ar": "Årsanalys"}
"""Document kinds (the ``analyses.kind`` values) and their titles."""


_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    """A document's period: its kind, first and last day (inclusive) and key."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        """``2026-W48``, ``2026-Q3`` or ``2026``."""
        if self.kind == "vecka":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "kvartal":
            return f"{self.start.year}-Q{quarter_number(self.start)}"
        return str(self.start.year)

    @property
    def label(self) -> str:
        """``v. 48 2026 (23–29 november)``, ``kvartal 3 2026`` or ``2026``."""
        if self.kind == "vecka":
            return week_range(self.start)
        if self.kind == "kvartal":
            return f"kvartal {quarter_number(self.start)} {self.start.year}"
        return str(self.start.year)

    @property
    def title(self) -> str:
        """``Veckolägesbild v. 48 2026``."""
        short = self.label.split(" (")[0]
        return f"{KINDS[self.kind]} {short}"


def week(monday: dt.date) -> Period:
    """The ISO week starting ``monday`` (any day of the week is moved back to its Monday)."""
    start = monday - dt.timedelta(days=monday.weekday())
    return Period("vecka", start, start + dt.timedelta(days=6))


def parse(kind: str, text: str) -> Period:
    """The period of ``kind`` written as ``text`` (``ValueError`` with a Swedish message)."""
    text = text.strip()
    if kind == "vecka" and (m := _WEEK.match(text)):
        try:
            return week(dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
        except ValueError:
            raise ValueError(f"{text}: år {m.group(1)} har ingen vecka {m.group(2)}") from None
    if kind == "kvartal" and (m := _QUARTER.match(text)):
        year, q = int(m.group(1)), int(m.group(2))
        start = dt.date(year, 3 * q - 2, 1)
        end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
        return Period("kvartal", start, end - dt.timedelta(days=1))
    if kind == "ar" and (m := _YEAR.match(text)):
        year = int(m.group(1))
        return Period("ar", dt.date(year, 1, 1), dt.date(year, 12, 31))
    examples = {"vecka": "2026-W48", "kvartal": "2026-Q3", "ar": "2026"}
    if kind not in examples:
        raise ValueError(f"okänt slag av lägesbild: {kind} (vecka, kvartal eller ar)")
    raise ValueError(f"{text}: skriv perioden som {examples[kind]}")


def complete_weeks(today: dt.date, n: int = 26) -> list[Period]:
    """The ``n`` last ISO weeks that have ended before ``today``, newest first."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return [week(this_monday - dt.timedelta(weeks=k)) for k in range(1, n + 1)]


def complete_quarters(today: dt.date, n: int = 8) -> list[Period]:
    """The ``n`` last calendar quarters that have ended before ``today``, newest first."""
    out: list[Period] = []
    year, q = today.year, quarter_number(today)
    for _ in range(n):
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
        out.append(parse("kvartal", f"{year}-Q{q}"))
    return out


def complete_years(today: dt.date, n: int = 5) -> list[Period]:
    """The ``n`` last calendar years that have ended before ``today``, newest first."""
    return [parse("ar", str(today.year - k)) for k in range(1, n + 1)]


def complete(kind: str, today: dt.date) -> list[Period]:
    """The periods of ``kind`` one can draft a document for on ``today``, newest first."""
    if kind == "vecka":
        return complete_weeks(today)
    if kind == "kvartal":
        return complete_quarters(today)
    return complete_years(today)
