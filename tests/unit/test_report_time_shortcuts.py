from datetime import UTC, datetime, timedelta

import pytest

from ostan_dash.analysis.time_shortcuts import STOCKHOLM, shortcut_window


def test_nyss_is_last_hour():
    now = datetime(2026, 6, 3, 12, 30, tzinfo=UTC)
    start, end = shortcut_window("Nyss", now)
    assert end == now and end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1)


def test_natt_after_six_is_previous_night():
    now = datetime(2026, 6, 3, 10, 0, tzinfo=STOCKHOLM)
    start, end = shortcut_window("I natt", now)
    assert (start.day, start.hour, end.day, end.hour) == (2, 22, 3, 6)


def test_natt_during_night_is_clipped_to_now():
    now = datetime(2026, 6, 3, 2, 0, tzinfo=STOCKHOLM)
    start, end = shortcut_window("I natt", now)
    assert (start.day, start.hour) == (2, 22) and end == now


def test_natt_across_dst_start_is_seven_hours():
    # 2026-03-29 02:00 CET -> 03:00 CEST
    now = datetime(2026, 3, 29, 9, 0, tzinfo=STOCKHOLM)
    start, end = shortcut_window("I natt", now)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=7)
    assert end.astimezone(STOCKHOLM).hour == 6


def test_helgen_across_dst_end_keeps_local_hours():
    # 2026-10-25 03:00 CEST -> 02:00 CET; asked on Wednesday after
    now = datetime(2026, 10, 28, 12, 0, tzinfo=STOCKHOLM)
    start, end = shortcut_window("I helgen", now)
    assert (start.month, start.day, start.hour) == (10, 23, 18)
    assert (end.month, end.day, end.hour) == (10, 26, 6)
    assert start.astimezone(UTC).hour == 16 and end.astimezone(UTC).hour == 5
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=61)


def test_helgen_friday_before_18_is_previous_weekend():
    now = datetime(2026, 6, 5, 17, 0, tzinfo=STOCKHOLM)  # Friday
    start, end = shortcut_window("I helgen", now)
    assert start.day == 29 and start.month == 5 and end.day == 1


def test_helgen_on_saturday_is_clipped():
    now = datetime(2026, 6, 6, 12, 0, tzinfo=STOCKHOLM)
    start, end = shortcut_window("I helgen", now)
    assert start.day == 5 and end == now


def test_errors():
    with pytest.raises(ValueError):
        shortcut_window("Nyss", datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        shortcut_window("Igår", datetime(2026, 1, 1, tzinfo=UTC))


def test_nyss_across_dst_start_is_one_real_hour():
    now = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST, just after the jump
    start, end = shortcut_window("Nyss", now)
    assert start.astimezone(STOCKHOLM).hour == 1 and end.astimezone(STOCKHOLM).hour == 3
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1)
