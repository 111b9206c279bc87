"""The Import page's mapping step in Chromium (issue 10): the real OpenStreetMap police
stations (a GeoJSON of Göteborg, unedited) are uploaded as places; the page shows the column
mapping with its proposals, the detected format and CRS, and the five points on the preview map
before anything is written. Screenshots: import-mappning (page), import-mappning-karta (map)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import logged_in, settled, shot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not Path("/work/shared/reference/real/osm_goteborg_police.geojson").exists(),
        reason="real reference file not present",
    ),
]

OSM = Path("/work/shared/reference/real/osm_goteborg_police.geojson")


def test_mapping_step_shows_proposals_and_the_points_before_writing(server, page):
    logged_in(page, server, "analytiker")
    page.goto(f"{server}/import")
    page.get_by_role("heading", name="Import", exact=True).first.wait_for()
    settled(page)
    page.get_by_role("combobox", name="Vad vill du importera?").click()
    page.get_by_role("option", name="Platser (skolor, hållplatser m.m.)", exact=True).click()
    settled(page)
    # The uploader is keyed by the kind: a rerun for the choice that had not started when
    # ``settled`` looked replaces the uploader the file went into (seen in the clean-clone CI).
    # Upload again until the page has read the file.
    for attempt in range(3):
        page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(OSM))
        settled(page)
        try:
            page.get_by_role("heading", name="Kolumner").first.wait_for(timeout=30_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    page.get_by_text("Koordinatsystemet anges inte av filen").first.wait_for()
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.wait_for()
    deck = page.locator("[data-testid=stDeckGlJsonChart]").first
    deck.locator("canvas").first.wait_for()
    page.get_by_text("Kartan visar filens första 5 geometrier").first.wait_for()
    page.get_by_text("Förhandsgranskning").first.wait_for()
    shot(page, "import-mappning")
    deck.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the map's first frame
    box = deck.bounding_box()
    assert box is not None and box["height"] > 200 and box["width"] > 300
    path = shot(page, "import-mappning-sida")
    deck.screenshot(path=str(path.with_name("import-mappning-karta.png")))
    # Nothing is written from the preview: the stations lie outside the municipality.
    assert page.get_by_text("Ingenting importeras förrän alla är rättade").count() >= 1
