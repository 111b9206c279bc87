"""The events calendar: recurring dates land on the right days, occurrences repeat at the same
local clock time, and incidents around an event are set against the same hours on ordinary
weeks."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ostan_dash.analysis import events as ev

TZ = "Europe/Stockholm"


@pytest.mark.parametrize(
    ("year", "day"),
    [(2021, 25), (2022, 24), (2023, 23), (2024, 21), (2025, 20), (2026, 19), (2027, 25)],
)
def test_midsommarafton_is_the_friday_between_19_and_25_june(year, day):
    got = ev.midsommarafton(year)
    assert got == dt.date(year, 6, day)
    assert got.isoweekday() == 5


def test_midsommarafton_over_a_century():
    for year in range(1953, 2054):
        d = ev.midsommarafton(year)
        assert d.month == 6 and 19 <= d.day <= 25 and d.weekday() == 4


@pytest.mark.parametrize(
    ("rule", "year", "want"),
    [
        ("valborg", 2026, dt.date(2026, 4, 30)),
        ("lucia", 2026, dt.date(2026, 12, 13)),
        ("nyarsafton", 2027, dt.date(2027, 12, 31)),
        ("skolavslutning", 2026, dt.date(2026, 6, 12)),  # Friday of week 24
        ("skolavslutning", 2027, dt.date(2027, 6, 18)),
    ],
)
def test_rule_dates(rule, year, want):
    assert ev.rule_date(rule, year) == want


def test_skolavslutning_is_configurable_per_year():
    own = {2026: dt.date(2026, 6, 11)}
    assert ev.rule_date("skolavslutning", 2026, school_end=own) == dt.date(2026, 6, 11)
    assert ev.rule_date("skolavslutning", 2027, school_end=own) == dt.date(2027, 6, 18)
    with pytest.raises(ValueError):
        ev.rule_date("påsk", 2026)


def calendar() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [1, 2],
            "title": ["Valborgsfirande i Stadsparken", "Derby på Östans IP"],
            "kind": ["hogtid", "idrottsevenemang"],
            "x": [600_000.0, 601_000.0],
            "y": [6_630_000.0, 6_631_000.0],
            "starts_at": [dt.datetime(2024, 4, 30, 19), dt.datetime(2026, 5, 9, 15)],
            "ends_at": [dt.datetime(2024, 4, 30, 23, 30), dt.datetime(2026, 5, 9, 17)],
            "expected_crowd": [3000, 1200],
            "recurrence": ["valborg", None],
        }
    ).with_columns(pl.col("starts_at", "ends_at").dt.replace_time_zone(TZ))


def test_recurring_events_repeat_every_year_at_the_same_local_time():
    occ = ev.occurrences(calendar(), dt.date(2025, 1, 1), dt.date(2026, 12, 31))
    valborg = occ.filter(pl.col("event_id") == 1)
    assert valborg["starts_at"].dt.date().to_list() == [dt.date(2025, 4, 30), dt.date(2026, 4, 30)]
    assert valborg["starts_at"].dt.hour().to_list() == [19, 19]
    assert (valborg["ends_at"] - valborg["starts_at"]).to_list() == [dt.timedelta(hours=4.5)] * 2
    assert occ.filter(pl.col("event_id") == 2)["starts_at"].dt.date().to_list() == [
        dt.date(2026, 5, 9)
    ]
    # nothing before the first occurrence
    assert ev.occurrences(calendar(), dt.date(2020, 1, 1), dt.date(2023, 12, 31)).is_empty()


def test_incidents_around_an_event_against_the_same_hours_on_earlier_weeks():
    occ = ev.occurrences(calendar(), dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    start = dt.datetime(2026, 4, 30, 19)
    times = (
        [start + dt.timedelta(hours=h) for h in (0, 1, 2, 5)]  # during (to 23:30 + 4 h)
        + [start - dt.timedelta(days=7) + dt.timedelta(hours=1)]  # one a week earlier
        + [start - dt.timedelta(hours=3)]  # before the 2-hour margin
    )
    inc = pl.DataFrame(
        {
            "x": [600_010.0] * 5 + [600_000.0],
            "y": [6_630_000.0] * 6,
            "occurred_from": times,
        }
    ).with_columns(pl.col("occurred_from").dt.replace_time_zone(TZ))
    far = inc.with_columns(pl.col("x") + 2000)
    got = ev.incidents_around(pl.concat([inc, far]), occ, radius_m=500)
    row = got.row(0, named=True)
    assert (row["during"], row["usual"]) == (4, 0.25)
    assert row["ratio"] == pytest.approx(16.0)


def test_the_week_ahead_in_sentences():
    cal = calendar().with_columns(place=pl.Series(["Stadsparken", None]))
    said = ev.week_ahead(cal, dt.date(2026, 4, 27))  # Monday 27 April – Sunday 3 May
    assert said == [
        "Valborgsfirande i Stadsparken vid Stadsparken: torsdag 30 april 2026 kl. 19.00–23.30, "
        "väntat 3\u00a0000 besökare."
    ]
    derby = ev.week_ahead(cal, dt.date(2026, 5, 4))
    assert derby == [
        "Derby på Östans IP: lördag 9 maj 2026 kl. 15.00–17.00, väntat 1\u00a0200 besökare."
    ]
    assert ev.week_ahead(cal, dt.date(2026, 5, 11)) == []
