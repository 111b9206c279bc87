"""Log in as each demo user in headless Chromium and see Översikt."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import logged_in, login, shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("username", ["admin", "analytiker", "rapportor", "lasare"])
def test_each_demo_user_sees_oversikt(server, page, username):
    login(page, server, username)
    page.get_by_role("heading", name="Översikt").wait_for()
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
    page.get_by_role("heading", name="Karta och tider").wait_for()
    page.reload()
    page.get_by_role("heading", name="Karta och tider").wait_for()
    assert "/karta" in page.url
