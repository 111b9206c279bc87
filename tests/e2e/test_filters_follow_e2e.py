"""A manager's filters follow her (issue 12): the period, source and areas chosen on Karta are
preselected on Översikt and back on Karta after going through the sidebar, and a download
opens with those filters, the time and her name. Screenshots in tests/artifacts/."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ostan_dash import config
from ostan_dash.ui import filters
from tests.e2e.conftest import logged_in, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def wide(browser):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        accept_downloads=True,
    )
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    ctx.close()


def test_filters_follow_to_the_next_page_and_into_the_export(server, wide):
    page = wide
    logged_in(page, server, "analytiker")
    page.goto(f"{server}/karta?period=kvartal&kalla=est&omrade=C01&omrade=R01")
    page.get_by_role("heading", name="Karta och tider").first.wait_for()
    page.get_by_role("tab", name="Jämför områden").click()
    button = page.locator("[data-testid=stDownloadButton]:visible").filter(has_text="CSV").first
    button.wait_for()
    with page.expect_download() as info:
        button.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    a, b = filters.period_bounds("kvartal", config.today())
    c, d = filters.comparison_bounds("kvartal", "foregaende", (a, b))
    assert lines[0] == "Östan-dash;Karta och tider – jämförelse av områden"
    assert lines[1] == f"Period;Senaste kvartalet: {a} – {b}"
    assert lines[2] == f"Jämförelse;Föregående period: {c} – {d}"
    # The filter line holds ";" and is quoted as CSV does; a spreadsheet shows it in one cell.
    assert rows[3] == ["Urval", "Källa: EST-rapporter; Områden: Centrum, Ekby"]
    assert rows[4] == ["Metod", "250 m rutor; befolkade rutor; jämfört med befolkning"]
    assert lines[5].startswith("Skapad;") and "Europe/Stockholm" in lines[5]
    assert lines[6].startswith("Av;") and "(Analytiker, " in lines[6]
    assert lines[7] == "" and lines[8].startswith("Område;Antal;")
    shot(page, "filter-karta")

    # Through the sidebar (the address loses its parameters) to Översikt: the areas follow.
    page.get_by_role("link", name="Översikt").click()
    page.get_by_role("heading", name="Översikt").first.wait_for()
    chosen = page.get_by_test_id("stMultiSelect").filter(has_text="Områden").first
    chosen.get_by_text("Centrum").wait_for()
    chosen.get_by_text("Ekby").wait_for()
    assert "omrade=C01" in page.url and "omrade=R01" in page.url
    shot(page, "filter-oversikt")

    # Back to Karta through the sidebar: period and source are still chosen.
    page.get_by_role("link", name="Karta och tider").click()
    page.get_by_role("heading", name="Karta och tider").first.wait_for()
    # The caption under the controls says what is shown.
    page.get_by_text(f"Senaste kvartalet ({a} – {b})").wait_for()
    page.get_by_text("EST-rapporter · Centrum, Ekby").wait_for()
    assert "period=kvartal" in page.url and "kalla=est" in page.url
    assert "omrade=C01" in page.url
    shot(page, "filter-karta-igen")
