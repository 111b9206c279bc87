"""A reporter on a 390 px phone files a report in Chromium; a double tap stores one row and the
report is counted on Översikt at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from ostan_dash import config, store
from ostan_dash.analysis import overview
from tests.e2e.conftest import delete_reports_since, logged_in, settled, shot

pytestmark = pytest.mark.e2e


def _skadegorelse_last_week(page, server) -> int:
    page.goto(f"{server}/oversikt?omrade=C01")
    card = page.get_by_test_id("stMetric").filter(has_text="Skadegörelse").first
    card.wait_for()
    value = card.get_by_test_id("stMetricValue").inner_text()
    return int(re.sub(r"\D", "", value))


def _on_the_map(page, server, day: dt.date) -> int:
    """Events the map page counts for Centrum's skadegörelse on ``day`` (a deep link)."""
    page.goto(
        f"{server}/karta?period=eget&fran={day.isoformat()}&till={day.isoformat()}"
        "&kalla=est&kategori=est:skadegorelse&omrade=C01"
    )
    card = page.get_by_test_id("stMetric").filter(has_text="Händelser under perioden").first
    card.wait_for()
    return int(re.sub(r"\D", "", card.get_by_test_id("stMetricValue").inner_text()))


def test_a_report_filed_on_a_phone_is_stored_once_and_counted_on_oversikt(server, phone):
    page = phone
    user_id = store.scalar("SELECT id FROM users WHERE username = 'rapportor'")
    started = store.scalar("SELECT now()")
    week = overview.last_complete_week(config.today())
    day = week + dt.timedelta(days=2)  # Wednesday of the last complete week
    logged_in(page, server, "rapportor")
    before = _skadegorelse_last_week(page, server)
    on_map_before = _on_the_map(page, server, day)
    try:
        page.goto(f"{server}/rapportera")
        page.get_by_role("heading", name="Rapportera").first.wait_for()
        page.get_by_text("Skadegörelse", exact=True).click()
        page.get_by_text("Klotter", exact=True).click()
        page.get_by_text("Skola", exact=True).click()
        page.get_by_text("Vid en viss tid", exact=True).click()
        # Streamlit's date field is segmented (year, month, day); typing fills and advances.
        page.get_by_role("spinbutton", name="year, Datum").click()
        page.keyboard.type(day.strftime("%Y%m%d"))
        page.keyboard.press("Tab")
        page.get_by_text("Välj plats i listan", exact=True).wait_for()
        place_box = page.get_by_label("Plats eller område")
        place_box.click()
        page.keyboard.type("Stora torget")
        page.get_by_role("option", name=re.compile("^Stora torget")).first.click()
        page.get_by_text("Vald plats:").wait_for()
        page.get_by_label("Beskrivning (frivillig)").fill("Klotter på skolans gavel (e2e)")
        page.get_by_test_id("stDeckGlJsonChart").first.wait_for()
        shot(page, "rapportera-telefon-ifylld")
        page.get_by_role("button", name="Skicka rapport").dblclick()
        page.get_by_text(re.compile(r"Rapporten är sparad \(nr \d+\)")).wait_for()
        shot(page, "rapportera-telefon-skickad")

        rows = store.read_frame(
            "SELECT i.id, a.code, i.category, (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date AS d "
            "FROM incidents i JOIN areas a ON a.id = i.area_id "
            "WHERE i.reported_by = :u AND i.created_at >= :t",
            {"u": user_id, "t": started},
        )
        assert rows.height == 1, rows  # the double tap stored one report
        assert rows.select("code", "category", "d").row(0) == ("C01", "skadegorelse", day)

        after = _skadegorelse_last_week(page, server)
        assert after == before + 1
        shot(page, "rapportera-telefon-oversikt")
        assert _on_the_map(page, server, day) == on_map_before + 1
        shot(page, "rapportera-telefon-karta")
    finally:
        delete_reports_since(user_id, started)


def _klotter_at_stora_torget(page) -> None:
    settled(page)
    page.get_by_text("Skadegörelse", exact=True).click()
    settled(page)
    page.get_by_text("Klotter", exact=True).click()
    page.get_by_text("Skola", exact=True).click()
    settled(page)
    place_box = page.get_by_label("Plats eller område")
    place_box.click()
    page.keyboard.type("Stora torget")
    page.get_by_role("option", name=re.compile("^Stora torget")).first.click()
    page.get_by_text("Vald plats:").wait_for()
    settled(page)


def test_the_same_report_again_on_a_phone_is_warned_about_in_view_and_avbryt_files_nothing(
    server, phone
):
    page = phone
    user_id = store.scalar("SELECT id FROM users WHERE username = 'rapportor'")
    started = store.scalar("SELECT now()")

    def filed() -> int:
        return store.scalar(
            "SELECT count(*) FROM incidents WHERE reported_by = :u AND created_at >= :t",
            {"u": user_id, "t": started},
        )

    logged_in(page, server, "rapportor")
    try:
        page.goto(f"{server}/rapportera")
        page.get_by_role("heading", name="Rapportera").wait_for()
        _klotter_at_stora_torget(page)
        page.get_by_role("button", name="Skicka rapport").click()
        confirmation = page.get_by_text(re.compile(r"Rapporten är sparad \(nr \d+\)"))
        confirmation.wait_for()
        assert filed() == 1
        settled(page)
        # The confirmation is in view with its two ways on: a new report or Mina rapporter.
        expect(confirmation).to_be_in_viewport(ratio=1, timeout=10_000)
        for name in ("Ny rapport", "Mina rapporter"):
            expect(page.get_by_role("button", name=name)).to_be_in_viewport(ratio=1)
        page.get_by_role("button", name="Ny rapport").click()
        page.get_by_text("Vad har hänt?").wait_for()
        settled(page)

        _klotter_at_stora_torget(page)
        page.get_by_role("button", name="Skicka rapport").click()
        warning = page.get_by_text("Liknande rapport finns redan.")
        warning.wait_for()
        settled(page)
        # The page brings the warning and its buttons into view (they appear under the button).
        for thing in (warning, page.get_by_role("button", name="Skicka ändå")):
            expect(thing).to_be_in_viewport(ratio=1, timeout=10_000)
        page.screenshot(
            path=str(shot(page, "rapportera-telefon-dubblett")).replace(".png", "-vy.png")
        )
        assert filed() == 1

        page.get_by_role("button", name="Avbryt").click()
        page.get_by_text("Rapporten skickades inte.").wait_for()
        page.wait_for_timeout(1000)
        assert filed() == 1
    finally:
        delete_reports_since(user_id, started)
