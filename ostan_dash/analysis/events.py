"""The events calendar: yearly recurring dates and incidents around past events of a kind.

Recurring events are stored once with a rule (``events.recurrence``, sql/011); their dates
are generated for any year here, so nobody types Valborg in again each spring. Past incidents
around similar events (same kind, within a radius, from some hours before to some hours after)
are set against the same place and clock hours one to four weeks earlier, so the risk of the
next event can be judged against an ordinary day of the same weekday (a before–after
comparison on matched days, as in the event studies of Kurland, Johnson & Tilley 2014,
"Offenses around stadiums", *Journal of Research in Crime and Delinquency* 51(1), 5–28).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import polars as pl

from ostan_dash.schema import Schema
from ostan_dash.text import WEEKDAYS, long_date, number

TZ_NAME = "Europe/Stockholm"

RULES: dict[str, str] = {
    "valborg": "Valborgsmässoafton (30 april)",
    "midsommarafton": "Midsommarafton (fredagen 19–25 juni)",
    "lucia": "Lucia (13 december)",
    "nyarsafton": "Nyårsafton (31 december)",
    "skolavslutning": "Skolavslutning (fredagen i vecka 24 om inget annat är angivet)",
}
KINDS: dict[str, str] = {
    "demonstration": "Demonstration",
    "idrottsevenemang": "Idrottsevenemang",
    "konsert": "Konsert",
    "omradesevenemang": "Områdesevenemang",
    "ungdomsfest": "Ungdomsfest",
    "uthyrning_lokaler": "Uthyrning av lokaler",
    "hogtid": "Högtid",
    "skollov": "Skolavslutning och lov",
    "annat": "Annat",
}
SCHOOL_END_WEEK = 24
FRIDAY = 5  # ISO weekday


def midsommarafton(year: int) -> dt.date:
    """The Friday between 19 and 25 June (Swedish midsummer eve since 1953)."""
    first = dt.date(year, 6, 19)
    return first + dt.timedelta(days=(4 - first.weekday()) % 7)


def skolavslutning(year: int, *, overrides: Mapping[int, dt.date] | None = None) -> dt.date:
    """The end of the spring term: the municipality's own date for ``year`` when given (the
    ``events.skolavslutning`` setting), else the Friday of ISO week 24."""
    if overrides and year in overrides:
        return overrides[year]
    return dt.date.fromisocalendar(year, SCHOOL_END_WEEK, FRIDAY)


def rule_date(rule: str, year: int, *, school_end: Mapping[int, dt.date] | None = None) -> dt.date:
    """The date of a yearly rule (:data:`RULES`) in ``year``."""
    if rule == "valborg":
        return dt.date(year, 4, 30)
    if rule == "midsommarafton":
        return midsommarafton(year)
    if rule == "lucia":
        return dt.date(year, 12, 13)
    if rule == "nyarsafton":
        return dt.date(year, 12, 31)
    if rule == "skolavslutning":
        return skolavslutning(year, overrides=school_end)
    raise ValueError(f"okänd regel {rule!r}")


OCCURRENCE_SCHEMA: Schema = {
    "event_id": pl.Int64,
    "title": pl.Utf8,
    "kind": pl.Utf8,
    "x": pl.Float64,
    "y": pl.Float64,
    "starts_at": pl.Datetime("us", TZ_NAME),
    "ends_at": pl.Datetime("us", TZ_NAME),
    "expected_crowd": pl.Int64,
    "recurrence": pl.Utf8,
}


def occurrences(
    events: pl.DataFrame,
    start: dt.date,
    end: dt.date,
    *,
    school_end: Mapping[int, dt.date] | None = None,
) -> pl.DataFrame:
    """Every occurrence of the calendar's events that overlaps the days ``start``–``end``.

    ``events`` has ``id, title, kind, x, y, starts_at, ends_at, expected_crowd, recurrence``
    (local datetimes). A one-off event is itself; a recurring one is repeated on its rule's
    date in every year from its first, at the same clock time and for the same length (in
    Europe/Stockholm, so summer time does not move it).
    """
    rows = []
    for e in events.iter_rows(named=True):
        first_start, first_end = e["starts_at"], e["ends_at"]
        length = first_end - first_start
        if e["recurrence"]:
            years = range(max(first_start.year, start.year - 1), end.year + 1)
            starts = [
                dt.datetime.combine(
                    rule_date(e["recurrence"], y, school_end=school_end),
                    first_start.timetz().replace(tzinfo=None),
                )
                for y in years
            ]
        else:
            starts = [first_start.replace(tzinfo=None)]
        for s in starts:
            s_local = s.replace(tzinfo=None)
            if s_local.date() > end or (s_local + length).date() < start:
                continue
            if e["recurrence"] and s_local < first_start.replace(tzinfo=None):
                continue
            rows.append(
                {
                    "event_id": e["id"],
                    "title": e["title"],
                    "kind": e["kind"],
                    "x": e["x"],
                    "y": e["y"],
                    "starts_at": s_local,
                    "ends_at": s_local + length,
                    "expected_crowd": e["expected_crowd"],
                    "recurrence": e["recurrence"],
                }
            )
    if not rows:
        return pl.DataFrame(schema=OCCURRENCE_SCHEMA)
    naive = {**OCCURRENCE_SCHEMA, "starts_at": pl.Datetime("us"), "ends_at": pl.Datetime("us")}
    return (
        pl.DataFrame(rows, schema=naive)
        .with_columns(
            pl.col("starts_at", "ends_at").dt.replace_time_zone(TZ_NAME, ambiguous="earliest")
        )
        .sort("starts_at")
    )


def week_ahead(
    events: pl.DataFrame,
    first_day: dt.date,
    *,
    days: int = 7,
    school_end: Mapping[int, dt.date] | None = None,
) -> list[str]:
    """The calendar's occurrences in the ``days`` days from ``first_day``, one Swedish sentence
    each, for Översikt and the veckolägesbild: ``Valborgsfirande vid Stadsparken: torsdag
    30 april kl. 18.00–23.59, väntat 2 000 besökare.``"""
    occ = occurrences(
        events, first_day, first_day + dt.timedelta(days=days - 1), school_end=school_end
    )
    places = (
        dict(zip(events["id"].to_list(), events["place"].to_list(), strict=True))
        if "place" in events.columns
        else {}
    )
    out = []
    for r in occ.iter_rows(named=True):
        start, end = r["starts_at"], r["ends_at"]
        where = f" vid {places[r['event_id']]}" if places.get(r["event_id"]) else ""
        when = (
            f"{WEEKDAYS[start.weekday()]} {long_date(start.date())} kl. {start:%H.%M}–{end:%H.%M}"
        )
        crowd = f", väntat {number(r['expected_crowd'])} besökare" if r["expected_crowd"] else ""
        out.append(f"{r['title']}{where}: {when}{crowd}.")
    return out


def incidents_around(
    incidents: pl.DataFrame,
    occ: pl.DataFrame,
    *,
    radius_m: float = 500.0,
    hours_before: float = 2.0,
    hours_after: float = 4.0,
    weeks_back: int = 4,
) -> pl.DataFrame:
    """Incidents near each past occurrence against the same hours on ordinary days.

    For each occurrence with a point: the incidents within ``radius_m`` (Euclidean) whose
    window starts between ``hours_before`` before the start and ``hours_after`` after the end,
    and the mean count in the same window 1 … ``weeks_back`` weeks earlier (same weekday and
    clock hours, same place). Columns: ``event_id, title, starts_at, during, usual, ratio``
    (NaN ratio when the usual count is 0).
    """
    occ = occ.filter(pl.col("x").is_not_null() & pl.col("y").is_not_null())
    schema = {
        "event_id": pl.Int64,
        "title": pl.Utf8,
        "starts_at": pl.Datetime("us", TZ_NAME),
        "during": pl.Int64,
        "usual": pl.Float64,
        "ratio": pl.Float64,
    }
    pts = incidents.filter(pl.col("x").is_not_null() & pl.col("y").is_not_null())
    if occ.is_empty():
        return pl.DataFrame(schema=schema)
    ix, iy = pts["x"].to_numpy(), pts["y"].to_numpy()
    it = pts["occurred_from"].dt.epoch("s").to_numpy() if pts.height else np.zeros(0, np.int64)
    rows = []
    for o in occ.iter_rows(named=True):
        near = np.hypot(ix - o["x"], iy - o["y"]) <= radius_m
        lo = o["starts_at"].timestamp() - hours_before * 3600
        hi = o["ends_at"].timestamp() + hours_after * 3600

        def count(shift_days: int, near=near, lo=lo, hi=hi) -> int:
            s = shift_days * 86400
            return int(np.sum(near & (it >= lo - s) & (it <= hi - s)))

        during = count(0)
        usual = float(np.mean([count(7 * k) for k in range(1, weeks_back + 1)]))
        rows.append(
            {
                "event_id": o["event_id"],
                "title": o["title"],
                "starts_at": o["starts_at"],
                "during": during,
                "usual": usual,
                "ratio": during / usual if usual > 0 else float("nan"),
            }
        )
    return pl.DataFrame(rows, schema=schema)
