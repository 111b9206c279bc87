"""Swedish formats for numbers, percentages, dates and ISO weeks (no Streamlit here)."""

from __future__ import annotations

import datetime as dt

from ostan_dash.text import MINUS, NBSP, count, date, number, p_value, percent

__all__ = [
    "MINUS",
    "MONTHS",
    "NBSP",
    "WEEKDAYS",
    "WEEKDAYS_SHORT",
    "count",
    "date",
    "datetime_local",
    "iso_week",
    "long_date",
    "number",
    "p_value",
    "percent",
    "week_range",
]

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
