"""Creating a problem picture in Chromium at 1280 px (issue 12): a double click on "Skapa
problembild" stores exactly one, the new one is selected with its confirmation in view, and
the form is empty again. Screenshot tests/artifacts/skapa-problembild.png."""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeout

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


def _ids(title: str) -> list[int]:
    with engine().connect() as c:
        return [
            r[0]
            for r in c.execute(
                sa.text("SELECT id FROM problem_pictures WHERE title = :t"), {"t": title}
            )
        ]


def test_a_double_click_creates_one_problem_picture_and_selects_it(server, wide):
    page = wide
    title = f"Klotter vid gångtunneln {uuid.uuid4().hex[:6]}"
    try:
        logged_in(page, server, "analytiker")
        page.goto(f"{server}/problembilder")
        page.get_by_role("heading", name="Problembilder").first.wait_for()
        settled(page)  # the page's own first rerun (the chosen problem into the address) is over
        page.get_by_text("Ny problembild").first.click()
        page.get_by_label("Rubrik *").fill(title)
        page.keyboard.press("Tab")  # the field commits its text on blur, as after typing
        settled(page)  # a rerun still under way would redraw the form under the click
        page.get_by_role("button", name="Skapa problembild").dblclick()

        # Both confirmations: "Problembilden ”…” är skapad och vald." at the top and
        # "”…” är skapad och vald ovan." in the form.
        confirmation = page.get_by_text(re.compile(f"”{re.escape(title)}” är skapad och vald"))
        refused = page.locator('[data-testid="stAlertContentError"]')
        try:
            confirmation.or_(refused).first.wait_for(timeout=90_000)
        except PlaywrightTimeout as exc:  # say what the page showed instead
            shown = page.locator('[data-testid="stMain"]').inner_text()[:1500]
            raise AssertionError(f"{page.url}\n{shown}") from exc
        assert refused.count() == 0, refused.all_inner_texts()  # say why, if it was refused
        page.get_by_role("heading", name=title).first.wait_for()
        page.wait_for_timeout(1500)  # a second submission, if any, would land by now
        assert len(_ids(title)) == 1
        (new_id,) = _ids(title)
        assert f"problem={new_id}" in page.url
        assert page.get_by_label("Rubrik *").input_value() == ""
        # The page scrolls to the confirmation at the top, over the new picture, wherever the
        # rerun left the view (the form's own confirmation is far below it).
        top = page.get_by_text(re.compile(f"Problembilden ”{re.escape(title)}” är skapad"))
        page.wait_for_timeout(300)  # the scroll runs on the next animation frame
        box = top.bounding_box()
        assert box is not None and 0 <= box["y"] < 900 - box["height"], box
        shot(page, "skapa-problembild")
    finally:
        with engine().begin() as c:
            c.execute(sa.text("DELETE FROM problem_pictures WHERE title = :t"), {"t": title})
