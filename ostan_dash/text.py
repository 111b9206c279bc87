"""Swedish wording of numbers, percentages, dates and p-values, for any layer.

The analysis modules write plain-Swedish conclusions and must not import :mod:`ostan_dash.ui`
(an arrow pointing up); :mod:`ostan_dash.ui.fmt` re-exports these so the pages keep one
``fmt`` module. Numbers are written ``1 234,5`` (no-break space, decimal comma, real minus).
"""

from __future__ import annotations

import datetime as dt
import math

NBSP = "\u00a0"
MINUS = "\u2212"


def number(value: float | int | None, decimals: int = 0) -> str:
    """``1234.5`` → ``"1 234,5"``: space as thousands separator, decimal comma, real minus sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else f"{MINUS}∞"
    text = f"{abs(value):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return (
        MINUS if value < 0 and float(text.replace(NBSP, "").replace(",", ".")) != 0 else ""
    ) + text


def percent(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """A percentage in Swedish style: ``12,5 %``; ``signed`` adds ``+`` to increases."""
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "–"
    text = number(value, decimals)
    if signed and value > 0 and text != number(0, decimals):
        text = "+" + text
    return f"{text}{NBSP}%"


def date(d: dt.date | dt.datetime) -> str:
    """ISO date, the Swedish standard: ``2026-11-26``."""
    return d.strftime("%Y-%m-%d")


def p_value(p: float) -> str:
    """``p = 0,012``, ``p < 0,001`` or ``p –`` (not computable)."""
    if math.isnan(p):
        return "p –"
    return "p < 0,001" if p < 0.001 else f"p = {number(p, 3)}"


def count(n: int | float, singular: str, plural: str) -> str:
    """A number with its noun in the right form: ``1 händelse``, ``2 händelser``,
    ``1 234 händelser``, ``0 händelser`` (Swedish takes the singular only for exactly one)."""
    return f"{number(n)} {singular if n == 1 else plural}"


MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
WEEKDAYS_SHORT = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")


def long_date(d: dt.date) -> str:
    """``26 november 2026``."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def datetime_local(t: dt.datetime) -> str:
    """``2026-11-26 18:05`` in the time zone the value carries (Europe/Stockholm in this product)."""
    return t.strftime("%Y-%m-%d %H:%M")


def iso_week(d: dt.date) -> str:
    """``v. 48 2026``: the ISO week (Monday first) and its ISO year."""
    year, week, _ = d.isocalendar()
    return f"v.{NBSP}{week} {year}"


def week_range(monday: dt.date) -> str:
    """``v. 47 2026 (16–22 november)``."""
    sunday = monday + dt.timedelta(days=6)
    if monday.month == sunday.month:
        span = f"{monday.day}–{sunday.day} {MONTHS[sunday.month - 1]}"
    else:
        span = f"{monday.day} {MONTHS[monday.month - 1]}–{sunday.day} {MONTHS[sunday.month - 1]}"
    return f"{iso_week(monday)} ({span})"
