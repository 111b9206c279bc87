"""A base map the operator configures (issue 12): with ``OSTAN_MAP_TILES`` pointing at a tile
server – here one on loopback inside the test, drawing every tile in one colour – Karta's map
asks that server for tiles and shows them under the data. Screenshot karta-baskarta.png."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from tests.e2e.conftest import logged_in, serve, shot

pytestmark = pytest.mark.e2e

TILE_RGB = (120, 200, 140)  # a green no layer of ours uses


def _tile_png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), TILE_RGB).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server answering every /tiles/z/x/y.png with the green tile; yields its
    URL template and the paths asked for."""
    asked: list[str] = []
    png = _tile_png()

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args):  # quiet
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/tiles/{{z}}/{{x}}/{{y}}.png", asked
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_configured_tiles_are_drawn_under_the_map(tile_server, page, monkeypatch):
    template, asked = tile_server
    monkeypatch.setenv("OSTAN_MAP_TILES", template)
    monkeypatch.setenv("OSTAN_MAP_ATTRIBUTION", "© Testkartan")
    with serve("streamlit-baskarta") as url:
        logged_in(page, url, "analytiker")
        page.goto(url + "/karta?omrade=C01")
        deck = page.locator("[data-testid='stDeckGlJsonChart']").first
        deck.locator("canvas").first.wait_for()
        page.get_by_text("Teckenförklaring").wait_for()
        page.wait_for_timeout(2500)  # tiles load, deck.gl paints
        img = np.asarray(Image.open(io.BytesIO(deck.screenshot())).convert("RGB")).astype(int)
        # The tile's green, seen through the areas' faint veil: clearly greener than red/blue.
        r, g, b = img[..., 0], img[..., 1], img[..., 2]
        green = ((g - r > 35) & (g - b > 25)).mean()
        shot(page, "karta-baskarta")
    assert asked and all(p.startswith("/tiles/") and p.endswith(".png") for p in asked), asked
    assert green > 0.3, green  # the tiles show between the cells and streets
