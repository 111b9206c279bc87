"""The page bench's floors count what the screens show, and the bench says where it ran."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ostan_dash.bench import machine, pages

TZ = "Europe/Stockholm"


def _frame(rows: list[tuple[str, str, dt.datetime, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": [r[0] for r in rows],
            "category": [r[1] for r in rows],
            "area_id": [1] * len(rows),
            "x": [r[3] for r in rows],
            "y": [r[3] for r in rows],
            "occurred_from": [r[2] for r in rows],
        }
    ).with_columns(pl.col("occurred_from").dt.replace_time_zone(TZ))  # local wall times


def test_oversikt_floor_counts_the_week_and_the_seasonal_windows_only():
    week = dt.date(2026, 11, 23)  # a Monday
    frame = _frame(
        [
            ("est", "skadegorelse", dt.datetime(2026, 11, 23, 0, 30), 1.0),  # in the week
            ("est", "skadegorelse", dt.datetime(2026, 11, 29, 23, 59), 1.0),  # its last minute
            ("polis", "vald", dt.datetime(2025, 11, 24, 12), 1.0),  # a year back
            ("est", "skadegorelse", dt.datetime(2026, 6, 1, 12), 1.0),  # in no window
        ]
    )
    counts = pages.oversikt_floor(pages.floor_columns(frame), week)
    week_est = counts.filter(
        (pl.col("w") == dt.datetime(2026, 11, 23)) & (pl.col("source") == "est")
    )["len"]
    assert week_est.to_list() == [2]
    assert counts["len"].sum() == 3


def test_karta_floor_counts_cells_of_the_last_four_weeks():
    today = dt.date(2026, 12, 5)
    frame = _frame(
        [
            ("est", "a", dt.datetime(2026, 12, 1, 12), 100.0),
            ("est", "a", dt.datetime(2026, 12, 2, 12), 200.0),  # same 250 m cell
            ("est", "a", dt.datetime(2026, 12, 3, 12), 300.0),  # the next cell
            ("polis", "b", dt.datetime(2026, 12, 3, 12), None),  # known by area only
            ("est", "a", dt.datetime(2026, 10, 1, 12), 100.0),  # before the period
        ]
    )
    cells = pages.karta_floor(pages.floor_columns(frame), today).sort("cx")
    assert cells["len"].to_list() == [2, 1]


def test_the_bench_records_the_machine_and_the_commit():
    m = machine()
    assert m["cpus"] and m["python"] and m["commit"]


def test_omraden_floor_counts_areas_by_local_year_and_the_recent_days():
    today = dt.date(2026, 12, 5)
    frame = _frame(
        [
            ("est", "a", dt.datetime(2026, 1, 1, 0, 30), 1.0),  # 2026 in local time
            ("est", "a", dt.datetime(2025, 12, 31, 23, 30), 1.0),  # 2025 in local time
            ("est", "a", dt.datetime(2026, 12, 1, 12), 1.0),
        ]
    )
    counts = pages.omraden_floor(pages.floor_columns(frame), today).sort("year")
    assert counts["year"].to_list() == [2025, 2026]
    assert counts["len"].to_list() == [1, 2]
    assert pages.trygghet_floor(pages.floor_columns(frame))["len"].sum() == 3


def test_karta_tab_floors_count_what_each_tab_shows():
    today = dt.date(2026, 12, 5)  # a Saturday; the period is 7 Nov – 4 Dec
    frame = _frame(
        [
            ("est", "a", dt.datetime(2026, 12, 1, 22, 30), 1.0),  # Tuesday 22 in the period
            ("est", "a", dt.datetime(2026, 11, 24, 22, 10), 1.0),  # Tuesday 22 in the period
            ("est", "a", dt.datetime(2026, 10, 20, 9), 1.0),  # comparison period
            ("est", "a", dt.datetime(2025, 11, 3, 9), 1.0),  # history
            ("est", "a", dt.datetime(2026, 12, 4, 8), None),  # no point, still counted
        ]
    )
    floor = pages.floor_columns(frame)
    times = pages.karta_times_floor(floor, today).sort("len", descending=True)
    assert times.row(0) == (2, 22, 2)
    assert times["len"].sum() == 3
    months = pages.karta_trend_floor(floor, today)
    assert months.filter(pl.col("year") == 2026)["len"].sum() == 2  # October, November
    assert months["len"].sum() == 3  # December is not a whole month yet
    assert pages.karta_compare_floor(floor, today)["len"].to_list() == [3]


def test_a_run_counts_the_server_not_the_test_harness():
    # 50 ms of process CPU, 20 of it AppTest's own thread, 1 ms to serialise the messages
    assert pages.server_cpu(0.050, 0.020, 0.001) == pytest.approx(0.031)
    assert pages.server_cpu(0.010, 0.012, 0.0) == 0.0  # clocks of two threads never go below 0


def test_serialising_walks_every_element_message():
    from streamlit.testing.v1 import AppTest

    small = AppTest.from_string("import streamlit as st\nst.write('a')")
    big = AppTest.from_string("import streamlit as st\nfor i in range(3000):\n    st.write(i)")
    small.run()
    big.run()
    assert pages.serialize_s(big._tree) > pages.serialize_s(small._tree)
