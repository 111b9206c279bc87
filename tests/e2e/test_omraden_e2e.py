"""Områden and Trygghetsundersökning in headless Chromium: the pages a meeting projects."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ostan_dash.demo import KNOWN
from tests.e2e.conftest import logged_in, shot

pytestmark = pytest.mark.e2e


def test_omraden_shows_the_worsened_criterion(server, page):
    logged_in(page, server, "analytiker")
    # By its address, as Trygghet below: a click on the sidebar link right after login can be
    # lost to the login cookie's own rerun (sidebar links are followed in test_filters_follow_e2e).
    page.goto(f"{server}/omraden")
    page.get_by_role("heading", name="Områden", exact=True).first.wait_for()
    try:
        page.get_by_test_id("stAlertContentWarning").get_by_text("Försämrat sedan").wait_for()
    except PlaywrightTimeout as exc:  # say what the page showed instead (failed once in CI)
        shot(page, "omraden-utan-varning")
        shown = page.locator("[data-testid=stApp]").inner_text()[:2000]
        raise AssertionError(f"{page.url}\n{shown}") from exc
    page.get_by_text(KNOWN.worsened_area).first.wait_for()
    page.wait_for_timeout(1500)  # let the data grid paint
    path = shot(page, "omraden")
    assert path.stat().st_size > 20_000
    views = page.get_by_test_id("stRadio")
    views.get_by_text("Karta", exact=True).click()
    page.get_by_text("Mörkare färg = högre värde").wait_for()
    page.wait_for_timeout(3000)  # WebGL paints the areas
    shot(page, "omraden-karta")
    views.get_by_text("Områdesprofil", exact=True).click()
    page.get_by_text("indikatorerna år för år").first.wait_for()
    page.wait_for_timeout(1500)
    shot(page, "omraden-profil")
    views.get_by_text("Fokusområden", exact=True).click()
    page.get_by_text("Tidigare kvartals fokusområden").wait_for()
    shot(page, "omraden-fokus")


def test_trygghet_shows_shares_and_trends(server, page):
    logged_in(page, server, "lasare")
    # By its address: a click on the sidebar link right after login can be lost to the login
    # cookie's own rerun (sidebar links are followed in test_filters_follow_e2e).
    page.goto(f"{server}/trygghet")
    page.get_by_role("heading", name="Trygghetsundersökning", exact=True).first.wait_for()
    page.get_by_text("utveckling över åren").wait_for()
    page.wait_for_timeout(2000)
    path = shot(page, "trygghet")
    assert path.stat().st_size > 20_000
    page.get_by_text("mot rapporterade händelser").first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    shot(page, "trygghet-handelser")
