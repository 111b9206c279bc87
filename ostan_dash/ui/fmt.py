"""Swedish formats for numbers, percentages, dates and ISO weeks (no Streamlit here); the
wording itself lives in :mod:`ostan_dash.text`, usable outside ``ui``."""

from __future__ import annotations

from ostan_dash.text import (
    MINUS,
    MONTHS,
    NBSP,
    WEEKDAYS,
    WEEKDAYS_SHORT,
    count,
    date,
    datetime_local,
    iso_week,
    long_date,
    number,
    p_value,
    percent,
    week_range,
)

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
