"""The cause analysis in Chromium at 1280 px (issue 12): text typed into a hypothesis and a side
of the problem triangle is stored by a click on "Spara orsaksanalysen", without Enter first.
Screenshot tests/artifacts/orsaksanalys.png."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash.store import engine
from tests.e2e.conftest import logged_in, settled, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def wide(browser):
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    ctx.close()


@pytest.fixture
def problem_id():
    with engine().begin() as c:
        pid = c.execute(
            sa.text("INSERT INTO problem_pictures (title) VALUES ('E2e orsaksanalys') RETURNING id")
        ).scalar_one()
    yield pid
    with engine().begin() as c:
        c.execute(sa.text("DELETE FROM problem_pictures WHERE id = :p"), {"p": pid})


def test_typed_text_survives_a_click_on_save(server, wide, problem_id):
    page = wide
    logged_in(page, server, "analytiker")
    page.goto(f"{server}/problembilder?problem={problem_id}")
    page.get_by_role("heading", name="E2e orsaksanalys").first.wait_for()
    settled(page)
    page.get_by_role("tab", name="Orsaksanalys").click()
    # Typed key by key, no Enter and no Tab: the next thing the user does is click "Spara".
    page.get_by_label("Hypotes 1", exact=True).press_sequentially("Obevakad skolgård på kvällen")
    page.get_by_label("Platsansvarig", exact=True).press_sequentially("Fastighetsförvaltningen")
    page.get_by_role("button", name="Spara orsaksanalysen").click()
    page.get_by_text("Orsaksanalysen är sparad.").wait_for()
    settled(page)
    with engine().connect() as c:
        row = c.execute(
            sa.text(
                "SELECT hypotheses, triangle_place_manager FROM cause_analyses"
                " WHERE problem_id = :p"
            ),
            {"p": problem_id},
        ).one()
    assert row[0] == [{"hypotes": "Obevakad skolgård på kvällen", "stod": ""}]
    assert row[1] == "Fastighetsförvaltningen"
    # The view above the form shows the stored triangle and the confirmation.
    saved = page.get_by_text("Orsaksanalysen är sparad.")
    saved.scroll_into_view_if_needed()
    page.get_by_text("Fastighetsförvaltningen").first.wait_for()
    shot(page, "orsaksanalys")
