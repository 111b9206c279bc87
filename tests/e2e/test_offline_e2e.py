"""Nothing reaches past the app: on every page the browser asks only the app's own host (no map
style from a CDN, no icon fonts from Google), as on a municipality's closed network."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from ostan_dash.ui.navigation import pages_for
from tests.e2e.conftest import logged_in, shot

pytestmark = pytest.mark.e2e


def test_every_page_asks_only_the_app(server, page):
    app_host = urlparse(server).netloc
    outside: list[str] = []

    def note(request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != app_host:
            outside.append(request.url)

    page.on("request", note)
    logged_in(page, server, "analytiker")
    for spec in pages_for("analytiker"):
        page.goto(f"{server}/{spec.url_path}")
        page.get_by_role("heading", name=spec.title).first.wait_for()
        page.wait_for_timeout(2_000)  # maps and charts load their resources after the heading
        if spec.url_path == "karta":
            page.get_by_test_id("stDeckGlJsonChart").first.wait_for()
            shot(page, "karta-utan-natverk")
    assert outside == []
