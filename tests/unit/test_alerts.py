"""Bevakningar: which subscriptions fire on Översikt's flags, and what the e-mail says."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ostan_dash.analysis import alerts as aa

WEEK = dt.date(2026, 11, 23)  # Monday of ISO week 48
NAMES = {"C01": "Centrum", "F01": "Fjällbacken"}


def _table(rows: list[tuple[str, int, float, bool]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["category", "count", "expected", "unusual"], orient="row"
    ).with_columns(change_pct=(pl.col("count") / pl.col("expected") - 1) * 100)


def _subs(rows: list[tuple[int, str | None, str | None]], kind: str = "kategori_hog"):
    return pl.DataFrame(
        [(i, f"u{i}@example.se", kind, area, cat) for i, area, cat in rows],
        schema=["subscription_id", "email", "kind", "area_code", "category"],
        orient="row",
    )


TABLES = {
    "C01": _table([("skadegorelse", 14, 5.2, True), ("otrygg_plats", 6, 5.0, False)]),
    aa.WHOLE: _table([("skadegorelse", 40, 30.0, False), ("otrygg_plats", 12, 4.0, True)]),
}


@pytest.mark.parametrize(
    ("area", "category", "fired"),
    [
        ("C01", "skadegorelse", ["kategori_hog:C01:skadegorelse"]),
        ("C01", None, ["kategori_hog:C01:skadegorelse"]),  # any category: the flagged one
        ("C01", "otrygg_plats", []),  # above expected but not unusual: nothing
        (None, "skadegorelse", []),  # flagged in the area, not in the whole municipality
        (None, "otrygg_plats", ["kategori_hog:kommun:otrygg_plats"]),
        ("F01", None, []),  # no table for the scope: nothing
    ],
    ids=["area-category", "area-any", "not-unusual", "whole-not-flagged", "whole", "no-data"],
)
def test_a_subscription_fires_only_on_a_flagged_row_of_its_scope(area, category, fired):
    out = aa.category_alerts(
        _subs([(1, area, category)]), TABLES, week_start=WEEK, area_names=NAMES
    )
    assert [a.condition_key for a in out] == fired
    assert all(a.period_key == "2026-W48" and a.subscription_id == 1 for a in out)


def test_other_kinds_and_a_week_without_flags_send_nothing():
    quiet = {k: t.with_columns(unusual=pl.lit(False)) for k, t in TABLES.items()}
    subs = _subs([(1, "C01", None), (2, None, None)])
    assert aa.category_alerts(subs, quiet, week_start=WEEK, area_names=NAMES) == []
    other = _subs([(3, "C01", None)], kind="het_ruta")
    assert aa.category_alerts(other, TABLES, week_start=WEEK, area_names=NAMES) == []


def test_the_mail_is_swedish_and_links_to_the_view_with_its_filter():
    (alert,) = aa.category_alerts(
        _subs([(7, "C01", "skadegorelse")]),
        TABLES,
        week_start=WEEK,
        area_names=NAMES,
        base_url="https://ostan.example.se/",
    )
    assert alert.email == "u7@example.se"
    assert alert.subject == (
        "Bevakning: Skadegörelse ovanligt högt i Centrum, v.\u00a048 2026 (23–29 november)"
    )
    assert alert.link == "https://ostan.example.se/oversikt?omrade=C01"
    assert "14 rapporter under v.\u00a048 2026 (23–29 november)" in alert.body
    assert "förväntat 5,2 (+169\u00a0%)" in alert.body
    assert f"Se vyn: {alert.link}" in alert.body
    assert "högst en gång per vecka" in alert.body


def test_whole_municipality_link_has_no_filter():
    (alert,) = aa.category_alerts(
        _subs([(1, None, "otrygg_plats")]), TABLES, week_start=WEEK, area_names=NAMES
    )
    assert alert.link == "http://localhost:8501/oversikt"
    assert "i hela kommunen" in alert.subject


@pytest.mark.parametrize(
    ("monday", "key"),
    [
        (dt.date(2026, 11, 23), "2026-W48"),
        (dt.date(2026, 12, 28), "2026-W53"),
        (dt.date(2024, 12, 30), "2025-W01"),
    ],
    ids=["w48", "w53", "iso-year-differs"],
)
def test_week_key_is_the_iso_week(monday, key):
    assert aa.week_key(monday) == key


def test_view_link_keeps_repeated_filters_and_drops_empty_ones():
    link = aa.view_link("http://x", "karta", {"omrade": ["C01", "F01"], "kategori": []})
    assert link == "http://x/karta?omrade=C01&omrade=F01"


# The other conditions ---------------------------------------------------------------------------

TZ = "Europe/Stockholm"
TODAY = dt.date(2026, 12, 5)


def _full_subs(rows: list[tuple[int, str, int | None, int | None]]) -> pl.DataFrame:
    """(id, kind, area_id, place_id) with the columns the store returns."""
    codes = {1: "C01", 2: "F01"}
    return pl.DataFrame(
        [
            (
                i,
                f"u{i}@example.se",
                kind,
                area,
                codes.get(area),
                NAMES.get(codes.get(area)),
                None,
                place,
            )
            for i, kind, area, place in rows
        ],
        schema={
            "subscription_id": pl.Int64,
            "email": pl.Utf8,
            "kind": pl.Utf8,
            "area_id": pl.Int64,
            "area_code": pl.Utf8,
            "area_name": pl.Utf8,
            "category": pl.Utf8,
            "place_id": pl.Int64,
        },
        orient="row",
    )


def _reports(rows: list[tuple[int, str, int, int]]) -> pl.DataFrame:
    """(incident id, filed 'YYYY-MM-DD HH:MM', place id, place area id)."""
    places = {10: ("Solhöjdsskolan", "skola"), 11: ("Stora torget", "centrum")}
    return pl.DataFrame(
        [
            (
                i,
                "skadegorelse",
                "klotter",
                dt.datetime.fromisoformat(t),
                dt.datetime.fromisoformat(t) - dt.timedelta(days=2),
                p,
                *places[p],
                a,
                42.4,
            )
            for i, t, p, a in rows
        ],
        schema=[
            "incident_id",
            "category",
            "subtype",
            "created_at",
            "occurred_from",
            "place_id",
            "place_name",
            "place_kind",
            "place_area_id",
            "distance_m",
        ],
        orient="row",
    ).with_columns(pl.col("created_at", "occurred_from").dt.replace_time_zone(TZ))


REPORTS = _reports(
    [
        (1, "2026-12-05 08:10", 10, 2),
        (2, "2026-12-05 09:00", 10, 2),
        (3, "2026-12-04 22:00", 11, 1),
        (4, "2026-12-02 10:00", 11, 1),  # filed three days ago: not new
    ]
)


@pytest.mark.parametrize(
    ("area", "place", "fired"),
    [
        (None, None, [("kritisk_plats:10", "2026-12-05"), ("kritisk_plats:11", "2026-12-04")]),
        (1, None, [("kritisk_plats:11", "2026-12-04")]),
        (None, 10, [("kritisk_plats:10", "2026-12-05")]),
        (1, 10, [("kritisk_plats:10", "2026-12-05")]),  # the place decides, not the area
        (2, 11, [("kritisk_plats:11", "2026-12-04")]),
    ],
    ids=["all-places", "area", "one-place", "place-over-area", "place-elsewhere"],
)
def test_a_new_report_at_a_critical_place_fires_once_per_place_and_day(area, place, fired):
    subs = _full_subs([(5, "kritisk_plats", area, place)])
    out = aa.place_alerts(subs, REPORTS, today=TODAY, area_codes={1: "C01", 2: "F01"})
    assert sorted((a.condition_key, a.period_key) for a in out) == sorted(fired)


def test_the_critical_place_mail_lists_the_reports_and_links_to_karta():
    subs = _full_subs([(5, "kritisk_plats", None, 10)])
    (alert,) = aa.place_alerts(subs, REPORTS, today=TODAY, area_codes={2: "F01"})
    assert alert.subject == "Bevakning: ny rapport vid Solhöjdsskolan, 2026-12-05"
    assert "2 nya rapporter inom 100 m från Solhöjdsskolan (skola)" in alert.body
    assert "- Skadegörelse: Klotter, inträffade 2026-12-03 08:10, 42 m från platsen" in alert.body
    assert alert.link == (
        "http://localhost:8501/karta?period=eget&fran=2026-12-03&till=2026-12-05&kalla=est"
        "&omrade=F01"
    )


def test_no_new_report_no_mail():
    subs = _full_subs([(5, "kritisk_plats", None, None)])
    old = REPORTS.filter(pl.col("incident_id") == 4)
    assert aa.place_alerts(subs, old, today=TODAY, area_codes={}) == []


def _cells(statuses: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "status": statuses,
            "count": [12] * len(statuses),
            "count_before": [3] * len(statuses),
            "x0": [603_250.0] * len(statuses),
            "y0": [6_630_000.0] * len(statuses),
            "place": ["Stora torget"] + [None] * (len(statuses) - 1),
            "place_m": [80.0] + [None] * (len(statuses) - 1),
        }
    )


def test_a_new_or_growing_cell_fires_for_its_area_and_other_statuses_do_not():
    cells = {"C01": _cells(["ny", "het", "minskande"]), aa.WHOLE: _cells(["het", "kall"])}
    subs = _full_subs([(1, "het_ruta", 1, None), (2, "het_ruta", None, None)])
    period = (dt.date(2026, 11, 2), dt.date(2026, 11, 29))
    out = aa.hotspot_alerts(subs, cells, period=period, cell_size=250, area_names=NAMES)
    (alert,) = out
    assert (alert.subscription_id, alert.condition_key, alert.period_key) == (
        1,
        "het_ruta:C01",
        "2026-W48",
    )
    assert alert.link == "http://localhost:8501/karta?omrade=C01"
    assert "- Ny het ruta nära Stora torget (80 m): 12 händelser, 3 under" in alert.body
    assert "(E 603\u00a0375, N 6\u00a0630\u00a0125)" in alert.body
    assert "1 ruta om 250 m i Centrum" in alert.body


def _zones(rows: list[tuple[int, str, int | None]]) -> pl.DataFrame:
    """(incident id, day, area id) of one pattern's zones."""
    return pl.DataFrame(
        [
            (
                i,
                dt.date.fromisoformat(d),
                dt.date.fromisoformat(d) + dt.timedelta(days=13),
                "Stora torget" if a == 1 else None,
                a,
                "est/skadegorelse/*",
                "Skadegörelse (EST-rapporter)",
            )
            for i, d, a in rows
        ],
        schema=["incident_id", "day", "valid_to", "place", "area_id", "selection", "label"],
        orient="row",
    )


def test_a_new_risk_zone_fires_per_pattern_area_and_day():
    zones = _zones([(1, "2026-12-05", 1), (2, "2026-12-04", 2), (3, "2026-11-28", 1)])
    subs = _full_subs([(1, "narupprepning", 1, None), (2, "narupprepning", None, None)])
    out = aa.zone_alerts(subs, zones, today=TODAY)
    assert sorted((a.subscription_id, a.condition_key, a.period_key) for a in out) == [
        (1, "narupprepning:est/skadegorelse/*:C01", "2026-12-05"),
        (2, "narupprepning:est/skadegorelse/*:kommun", "2026-12-04"),
        (2, "narupprepning:est/skadegorelse/*:kommun", "2026-12-05"),
    ]
    first = next(a for a in out if a.subscription_id == 1)
    assert "- Förhöjd risk kring Stora torget till 18 december" in first.body
    assert first.link == "http://localhost:8501/narupprepning"
    assert aa.zone_alerts(subs, zones.filter(pl.col("incident_id") == 3), today=TODAY) == []
