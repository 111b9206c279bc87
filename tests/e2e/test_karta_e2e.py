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


def _ring_pixels(png: bytes) -> tuple[int, tuple[float, float]]:
    """Pixels of the search ring's blue (0, 90, 200) in a map screenshot, and their mean
    position as a share of the width and height."""
    import io

    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    blue = (
        (abs(img[..., 0] - 0) < 30) & (abs(img[..., 1] - 90) < 30) & (abs(img[..., 2] - 200) < 30)
    )
    ys, xs = np.nonzero(blue)
    if not len(xs):
        return 0, (0.0, 0.0)
    return len(xs), (xs.mean() / img.shape[1], ys.mean() / img.shape[0])


def test_a_searched_street_is_centred_and_ringed(server, page):
    # Issue 12: search a street; the map moves there and a ring marks it in the middle.
    logged_in(page, server, "analytiker")
    page.goto(server + "/karta")
    _wait_for_map(page)
    deck = page.locator("[data-testid='stDeckGlJsonChart']").first
    assert _ring_pixels(deck.screenshot())[0] == 0
    page.get_by_role("combobox", name="Sök gata eller plats").click()
    page.keyboard.type("Storgatan")
    page.get_by_role("option", name="Storgatan · gata", exact=True).click()
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for()
    page.wait_for_timeout(1500)  # deck.gl eases to the new view
    n, (fx, fy) = _ring_pixels(deck.screenshot())
    assert n > 20, n
    assert 0.3 < fx < 0.7 and 0.3 < fy < 0.7, (fx, fy)
    shot(page, "karta-sok-gata")
