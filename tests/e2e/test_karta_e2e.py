"""Karta och tider in headless Chromium: the map draws, and a deep link with filters survives a
reload."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import logged_in, shot

pytestmark = pytest.mark.e2e

DEEP = "/karta?period=kvartal&kalla=est&ruta=500&dag=6&dag=7"


def _wait_for_map(page) -> None:
    page.get_by_role("heading", name="Karta och tider").first.wait_for()
    # deck.gl draws into a canvas once the map element has its data.
    page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for()
    page.get_by_text("Teckenförklaring").wait_for()
    page.wait_for_timeout(1500)  # let deck.gl paint before the screenshot


def test_map_page_draws_and_deep_link_survives_reload(server, page):
    logged_in(page, server, "analytiker")
    page.goto(server + DEEP)
    _wait_for_map(page)
    assert "period=kvartal" in page.url and "ruta=500" in page.url
    # The caption under the title states the period in force.
    page.get_by_text("Senaste kvartalet (").first.wait_for()
    path = shot(page, "karta-analytiker")
    assert path.stat().st_size > 30_000

    page.reload()
    _wait_for_map(page)
    assert "period=kvartal" in page.url and "kalla=est" in page.url and "dag=6" in page.url
    page.get_by_text("Senaste kvartalet (").first.wait_for()
    assert page.get_by_role("heading", name="Översikt").count() == 0
    shot(page, "karta-efter-omladdning")


def test_presentation_mode_hides_the_sidebar(server, page):
    logged_in(page, server, "lasare")
    page.goto(server + "/karta?visning=stor")
    _wait_for_map(page)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    shot(page, "karta-presentation")


def test_default_map_states_its_method_and_region(server, page):
    # Issue 9: the default map tests against the population in the settled cells and says so.
    logged_in(page, server, "analytiker")
    page.goto(server + "/karta")
    _wait_for_map(page)
    page.get_by_text("fler händelser än väntat utifrån befolkningen").first.wait_for()
    page.get_by_text("Benjamini–Yekutieli, FDR 5 %").first.wait_for()
    page.get_by_text("Studerat område: befolkade rutor").first.wait_for()
    path = shot(page, "karta-befolkning-standard")
    assert path.stat().st_size > 30_000
    page.goto(server + "/karta?region=hela&vantat=antal")
    _wait_for_map(page)
    page.get_by_text("Getis-Ord Gi* med rutan och dess åtta grannar").first.wait_for()
    assert "region=hela" in page.url and "vantat=antal" in page.url
    shot(page, "karta-bara-antal-hela-kommunen")


def test_streets_and_a_hot_cell_named_by_its_street(server, page):
    # Issue 12: the map has streets with names, and a hot cell says which street it is on.
    logged_in(page, server, "analytiker")
    page.goto(server + "/karta?omrade=C01")
    _wait_for_map(page)
    page.get_by_text("Gata eller väg").first.wait_for()
    page.get_by_role("heading", name="Heta rutor").first.wait_for()
    page.get_by_text("Hetast: ").first.wait_for()
    from ostan_dash.demo import streets as ds

    text = page.get_by_text("Hetast: ").first.inner_text()
    assert any(f"Hetast: {name}" in text for name in ds.network()["name"]), text
    path = shot(page, "karta-gator")
    assert path.stat().st_size > 30_000
