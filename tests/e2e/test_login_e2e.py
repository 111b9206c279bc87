"""Log in as each demo user in headless Chromium and see Översikt."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import logged_in, login, shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("username", ["admin", "analytiker", "lasare"])
def test_each_demo_user_sees_oversikt(server, page, username):
    login(page, server, username)
    page.get_by_role("heading", name="Översikt").first.wait_for()
    page.get_by_text("EST-rapporter").first.wait_for()
    path = shot(page, f"oversikt-{username}")
    assert path.stat().st_size > 10_000


def test_wrong_password_stays_on_the_login_form(server, page):
    login(page, server, "lasare", "fel")
    page.get_by_text("Fel användarnamn eller lösenord").wait_for()
    assert page.get_by_role("heading", name="Översikt").count() == 0


def test_health_endpoint_answers(server):
    import urllib.request

    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=5) as r:
        assert r.status == 200


def test_a_copied_cookie_does_not_log_in_after_logout(server, browser, page):
    """Logout revokes the server-side session: replaying the old cookie shows the login form."""
    logged_in(page, server, "analytiker")
    cookies = page.context.cookies()
    page.get_by_role("button", name="Logga ut").click()
    page.get_by_label("Användarnamn").first.wait_for()

    replay = browser.new_context(viewport={"width": 1200, "height": 900})
    replay.add_cookies(cookies)
    other = replay.new_page()
    other.goto(server)
    other.get_by_label("Användarnamn").first.wait_for()
    assert other.get_by_role("heading", name="Översikt").count() == 0
    replay.close()


def test_reloading_a_deep_link_stays_on_the_page(server, page):
    """A bookmarked sub-page with its filters survives a reload (login.md: upstream #179)."""
    logged_in(page, server, "analytiker")
    page.goto(f"{server}/karta?visning=stor")
    page.get_by_role("heading", name="Karta och tider").first.wait_for()
    page.reload()
    page.get_by_role("heading", name="Karta och tider").first.wait_for()
    assert "/karta" in page.url


def test_a_deep_link_survives_the_login_form(server, browser):
    """A shared address with filters, opened logged out, is where the person lands after login."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    login(page, f"{server}/karta?omrade=F01", "analytiker")
    page.get_by_role("heading", name="Karta och tider").first.wait_for()
    assert "/karta" in page.url and "omrade=F01" in page.url
    ctx.close()


def test_a_reporter_lands_on_the_report_form(server, page):
    login(page, server, "rapportor")
    page.get_by_role("heading", name="Rapportera").first.wait_for()
    assert page.get_by_role("heading", name="Översikt").count() == 0


def test_every_page_address_opens_its_own_page(server, page):
    """/oversikt (the default page) and every other address open their page, with no
    "Page not found" from Streamlit."""
    from ostan_dash.ui.navigation import pages_for

    logged_in(page, server, "analytiker")
    for spec in pages_for("analytiker"):
        page.goto(f"{server}/{spec.url_path}")
        page.get_by_role("heading", name=spec.title).first.wait_for()
        page.wait_for_timeout(500)
        assert page.get_by_text("Page not found").count() == 0, spec.url_path
        assert f"/{spec.url_path}" in page.url
