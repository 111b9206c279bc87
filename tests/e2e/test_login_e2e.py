"""Log in as each demo user in headless Chromium and see Översikt."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login, shot

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
