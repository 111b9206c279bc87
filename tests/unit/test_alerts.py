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
