"""Drawing an intervention's area on the map in Chromium (issue 12): paint three squares around
Storgatan, the form's polygon fills in, and the saved intervention's area is those squares.
Screenshot tests/artifacts/insats-rita-omrade.png."""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ostan_dash.analysis import drawing
from ostan_dash.store import engine
from tests.e2e.conftest import logged_in, settled, shot

pytestmark = pytest.mark.e2e


def _paint(page, canvas, dx: float, n: int) -> None:
    """Click the square ``dx`` px right of the map's middle until the page says ``n`` squares
    are painted (on a loaded machine a click that lands while the map is being redrawn is
    lost, and a person would click again)."""
    said = page.get_by_text(re.compile(rf"Ritat område: {n} rut(a|or),"))
    for _ in range(4):
        settled(page)
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        at = (box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
        page.mouse.move(*at)
        page.wait_for_timeout(300)
        page.mouse.click(*at)
        try:
            said.wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"ruta {n} blev aldrig vald")


def test_three_painted_squares_become_the_intervention_area(server, page):
    title = f"Trygghetsvandring Storgatan {uuid.uuid4().hex[:6]}"
    try:
        logged_in(page, server, "analytiker")
        page.goto(f"{server}/insatser")
        page.get_by_role("heading", name="Insatser", exact=True).first.wait_for()
        settled(page)
        page.get_by_text("Planera ny insats").first.click()
        page.get_by_text("Rita insatsområdet på kartan").first.click()
        for _ in range(3):  # a rerun that lands while typing closes the list: type again
            settled(page)
            page.get_by_role("combobox", name="Utgå från gata eller plats").click()
            page.keyboard.type("Storgatan")
            option = page.get_by_role("option", name="Storgatan · gata", exact=True)
            try:
                option.click(timeout=20_000)
                break
            except PlaywrightTimeout:
                page.keyboard.press("Escape")
        else:
            raise AssertionError("Storgatan gick inte att välja")
        settled(page)
        canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
        canvas.wait_for()
        page.wait_for_timeout(1500)  # deck.gl paints
        # More than one square (≈ 28 px at this zoom) apart, so three different squares; the
        # box is measured before each click, as the page may move between reruns.
        for n, dx in enumerate((0, 45, 90), start=1):
            _paint(page, canvas, dx, n)
        # The count shows while the rerun still draws: for a moment the old field and the new
        # one (a new identity for the new polygon) are both on the page.
        settled(page)
        polygon = page.get_by_label("Polygon (WKT)")
        for _ in range(50):
            if polygon.count() == 1:
                break
            page.wait_for_timeout(200)
        wkt = polygon.input_value()
        assert wkt.startswith(("POLYGON", "MULTIPOLYGON")), wkt

        page.get_by_label("Rubrik *").fill(title)
        page.get_by_role("combobox", name="Händelser som målet räknar *").click()
        page.keyboard.type("Skadegörelse")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Spara insatsen").click()
        page.get_by_text(f"”{title}” är sparad och vald ovan").first.wait_for()
        settled(page)
        # The next intervention starts from nothing: no drawing, no polygon.
        assert page.get_by_label("Polygon (WKT)").input_value() == ""
        assert page.get_by_text(re.compile(r"Ritat område:")).count() == 0
        shot(page, "insats-rita-omrade")
        with engine().connect() as c:
            area = c.execute(
                sa.text("SELECT ST_Area(target_geom) FROM interventions WHERE title = :t"),
                {"t": title},
            ).scalar_one()
        assert area == pytest.approx(3 * drawing.CELL_M**2)
    finally:
        with engine().begin() as c:
            c.execute(sa.text("DELETE FROM interventions WHERE title = :t"), {"t": title})
