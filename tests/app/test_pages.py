"""Every page opens for every role that may see it, and the router hides the rest."""

from __future__ import annotations

import pytest

from ostan_dash.ui.navigation import ALL_ROLES, PAGES, pages_for

pytestmark = pytest.mark.app


@pytest.mark.parametrize("role", ALL_ROLES)
def test_login_shows_the_default_page_and_only_allowed_pages(as_role, role):
    at = as_role(role)
    assert not at.exception, at.exception
    assert at.session_state["authentication_status"] is True
    assert [t.value for t in at.title][:1] == [pages_for(role)[0].title]


def test_a_reporter_lands_on_the_report_form(as_role):
    at = as_role("rapportor")
    assert at.title[0].value == "Rapportera"


@pytest.mark.parametrize(
    ("role", "page"),
    [pytest.param(r, p, id=f"{r}-{p.url_path}") for r in ALL_ROLES for p in PAGES if r in p.roles],
)
def test_every_page_renders_for_every_role(as_role, role, page):
    at = as_role(role)
    at.switch_page(page.path).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_wrong_password_is_refused_with_a_swedish_message():
    from tests.app.conftest import login

    at = login("lasare", "fel-lösenord")
    assert at.session_state["authentication_status"] is False
    assert any("Fel användarnamn eller lösenord" in e.value for e in at.error)
    assert not at.title or at.title[0].value != "Översikt"


def test_unknown_user_gets_the_same_message():
    from tests.app.conftest import login

    at = login("finns-inte", "vad-som-helst")
    assert any("Fel användarnamn eller lösenord" in e.value for e in at.error)
