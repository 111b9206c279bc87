"""The Rapportera page's data-dependent words: the duplicate warning names the earlier report,
who sent it, where, how far and when; windows and ages read in Swedish, Stockholm time."""

from __future__ import annotations

import datetime as dt

import pytest

from ostan_dash.analysis.own_reports import OwnReports
from ostan_dash.config import TZ
from ostan_dash.ui.report_form import (
    ago_text,
    duplicate_warning,
    edit_window_text,
    missing_fields,
    own_reports_text,
    window_text,
)

NOW = dt.datetime(2026, 12, 5, 19, 30, tzinfo=TZ)


@pytest.mark.parametrize(
    ("t0", "t1", "expected"),
    [
        (dt.datetime(2026, 12, 4, 22, 0), dt.datetime(2026, 12, 4, 22, 0), "2026-12-04 22:00"),
        (
            dt.datetime(2026, 12, 4, 22, 0),
            dt.datetime(2026, 12, 4, 23, 30),
            "2026-12-04 22:00–23:30",
        ),
        (
            dt.datetime(2026, 12, 4, 22, 0),
            dt.datetime(2026, 12, 5, 6, 0),
            "2026-12-04 22:00 – 2026-12-05 06:00",
        ),
    ],
    ids=["instant", "same-day", "overnight"],
)
def test_window_text(t0, t1, expected):
    assert window_text(t0.replace(tzinfo=TZ), t1.replace(tzinfo=TZ)) == expected


def test_window_text_shows_stockholm_time_for_utc_values():
    t = dt.datetime(2026, 7, 1, 20, 0, tzinfo=dt.UTC)  # 22:00 CEST
    assert window_text(t, t) == "2026-07-01 22:00"


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, "alldeles nyss"),
        (1, "för 1 minut sedan"),
        (12, "för 12 minuter sedan"),
        (61, "för 1 timme sedan"),
        (150, "för 2 timmar sedan"),
    ],
)
def test_ago_text(minutes, expected):
    assert ago_text(NOW - dt.timedelta(minutes=minutes), NOW) == expected


def _earlier(**over):
    row = {
        "id": 4711,
        "category": "skadegorelse",
        "subtype": "klotter",
        "area": "Centrum",
        "distance_m": 42.4,
        "created_at": NOW - dt.timedelta(minutes=12),
        "occurred_from": dt.datetime(2026, 12, 5, 18, 0, tzinfo=TZ),
        "occurred_to": dt.datetime(2026, 12, 5, 19, 15, tzinfo=TZ),
        "reported_by": 7,
    }
    row.update(over)
    return row


def test_the_warning_names_the_reporters_own_earlier_report():
    text = duplicate_warning(_earlier(), more=0, user_id=7, now=NOW)
    assert text.startswith(
        "**Liknande rapport finns redan.** Du skickade rapport nr 4711 för 12 minuter sedan: "
        "Skadegörelse – Klotter i Centrum, 42 m härifrån"
    )
    assert "tid 2026-12-05 18:00–19:15" in text
    assert "**Skicka ändå**" in text and "till." not in text


def test_the_warning_says_a_colleague_and_counts_further_duplicates():
    text = duplicate_warning(_earlier(reported_by=8), more=2, user_id=7, now=NOW)
    assert "En kollega i din organisation skickade" in text
    assert "Det finns 2 liknande rapporter till." in text
    one = duplicate_warning(_earlier(), more=1, user_id=7, now=NOW)
    assert "Det finns 1 liknande rapport till." in one


def test_missing_fields_name_what_the_form_lacks_in_order():
    assert missing_fields(None, None, None, has_point=False) == ["vad som hänt", "plats"]
    assert missing_fields("skadegorelse", None, None, has_point=True) == [
        "typ",
        "vad som skadades",
    ]
    assert missing_fields("skadegorelse", "klotter", "buss", has_point=True) == []
    assert missing_fields("otrygg_samling", "grupp", None, has_point=True) == []


def test_own_reports_text_counts_in_swedish():
    text = own_reports_text(OwnReports(1234, ("A", "B"), ("X",)))
    assert text == (
        "Du har skickat **1\u00a0234** rapporter. De ingår i underlaget för **2** problembilder "
        "och **1** insatser."
    )


def test_edit_window_text_says_whole_hours():
    assert edit_window_text(dt.timedelta(hours=48)) == (
        "Du kan rätta tid, plats, typ och beskrivning i 48 timmar efter att du skickat rapporten."
    )


def test_the_tap_grid_fills_a_phone_so_its_dots_lie_apart():
    """Issue 12: with an area chosen and no point yet, the map shows the area's tap grid
    (15 × 15 dots, about 200 m apart) across a phone's ~360 px – not the whole municipality,
    where the dots would overlap and none could be tapped."""
    import math

    import polars as pl

    from ostan_dash.ui import report_page

    side = [600_000.0 + 200 * i for i in range(15)]
    grid = pl.DataFrame(
        {
            "x": side,
            "y": [6_630_000.0] * 15,
            "lon": [16.8 + 0.0036 * i for i in range(15)],
            "lat": [59.8] * 15,
        }
    )
    view = report_page._view(None, grid)
    metres_per_px = 40_075_016.686 * math.cos(math.radians(59.8)) / (512 * 2**view.zoom)
    assert 200 / metres_per_px > 15  # neighbouring dots (7 px radius) stand apart
    assert view.longitude == pytest.approx(16.8 + 0.0036 * 7)
    point = {"lon": 16.81, "lat": 59.81}
    assert report_page._view(point, grid).zoom == 14  # a chosen point close up
    assert report_page._view(None, None).zoom == 9.5  # nothing chosen: the municipality
