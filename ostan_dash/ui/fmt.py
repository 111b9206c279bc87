"""Swedish formats for numbers, percentages, dates and ISO weeks (no Streamlit here)."""

from __future__ import annotations

import datetime as dt
import math

NBSP = "\u00a0"
MINUS = "\u2212"
MONTHS = [
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
]
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
WEEKDAYS_SHORT = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]


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
