"""The demo's calendar: which days it covers, and local (Europe/Stockholm) time → UTC.

Incident times are generated as *local* wall-clock minutes (an evening is a local evening) and
only converted to UTC instants at the end, so daylight-saving changes cannot shift hot times.
"""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import polars as pl

from ostan_dash.config import TZ, TZ_NAME

YEARS_BACK = 5
MINUTES_PER_DAY = 1440
_EPOCH = dt.date(1970, 1, 1)


def default_today() -> dt.date:
    """``OSTAN_TODAY`` (ISO date) when set, else today's date in Europe/Stockholm."""
    raw = os.environ.get("OSTAN_TODAY", "").strip()
    if raw:
        return dt.date.fromisoformat(raw)
    return dt.datetime.now(TZ).date()


def period(today: dt.date) -> tuple[dt.date, dt.date]:
    """First day of the data (1 January, ``today.year - 5``) and the exclusive end (``today``).

    Incidents cover whole days up to and including yesterday, so the current week is partial
    and last week is complete.
    """
    return dt.date(today.year - YEARS_BACK, 1, 1), today


def years(today: dt.date) -> list[int]:
    """The calendar years the incident data touches (the current one partly)."""
    start, _ = period(today)
    return list(range(start.year, today.year + 1))


def complete_years(today: dt.date) -> list[int]:
    """Years with a full year of statistics: indicators and surveys exist for these."""
    start, _ = period(today)
    return list(range(start.year, today.year))


def day_number(d: dt.date) -> int:
    """Days since 1970-01-01 (the unit of the generated time axis)."""
    return (d - _EPOCH).days


def weekday(day: np.ndarray) -> np.ndarray:
    """Weekday, Monday = 0, of day numbers (1970-01-01 was a Thursday)."""
    return (day + 3) % 7


def local_minutes_to_utc(minutes: np.ndarray | pl.Series, name: str) -> pl.Series:
    """Local Stockholm wall-clock minutes since 1970 → a UTC ``Datetime`` series.

    A time in the spring-forward gap (02:00–03:00 on the last Sunday of March) does not
    exist and is moved one hour on; an ambiguous autumn time takes the earlier (summer) instant.
    """
    naive = pl.Series(name, np.asarray(minutes, dtype=np.int64) * 60_000_000).cast(
        pl.Datetime("us")
    )
    first = naive.dt.replace_time_zone(TZ_NAME, ambiguous="earliest", non_existent="null")
    shifted = (naive + dt.timedelta(hours=1)).dt.replace_time_zone(
        TZ_NAME, ambiguous="earliest", non_existent="null"
    )
    out = pl.select(pl.coalesce(first, shifted).alias(name)).to_series()
    return out.dt.convert_time_zone("UTC")


def local_midnight_minutes(d: dt.date) -> int:
    """Local minutes since 1970 of 00:00 on ``d``."""
    return day_number(d) * MINUTES_PER_DAY
