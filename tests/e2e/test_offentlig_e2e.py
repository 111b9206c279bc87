"""In Chromium, logged out: /offentlig shows what is published, per area and month, with counts
under 5 as 'färre än 5' and no map; /karta in the same browser still shows only the login form."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from ostan_dash.analysis import public_figures as pf
from ostan_dash.ui import texts
from tests.app.test_offentlig import _publish_a_little_of_everything
from tests.e2e.conftest import settled, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def published(engine) -> Iterator[str]:
    """A small area's trend, interventions and a focus area, committed for the server to read."""
    with engine.connect() as c:
        start = c.execute(sa.text("SELECT coalesce(max(id), 0) FROM public_items")).scalar()
    area = _publish_a_little_of_everything()
    yield area
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM public_items WHERE id > :s"), {"s": start})


def test_the_public_page_opens_logged_out_and_hides_small_counts(server, page, published):
    page.goto(server + "/offentlig")
    page.get_by_role("heading", name=texts.PUBLIC_TITLE).wait_for()
    page.get_by_text(f"Utvecklingen i {published}").wait_for()
    settled(page)
    page.locator('[data-testid="stTable"] td').first.wait_for()
    shot(page, "offentlig-utan-inloggning")

    assert page.get_by_label("Användarnamn").count() == 0
    assert page.locator('[data-testid="stSidebar"]').count() == 0
    for kind in ("stDeckGlJsonChart", "stPlotlyChart", "stDataFrame", "stMap"):
        assert page.locator(f'[data-testid="{kind}"]').count() == 0, kind
    cells = [c.strip() for c in page.locator('[data-testid="stTable"] td').all_inner_texts()]
    assert "färre än 5" in cells
    for cell in cells:
        assert cell == "färre än 5" or int(cell.replace("\u00a0", "").replace(" ", "")) >= 5
    page.locator('[data-testid="stTable"]').first.scroll_into_view_if_needed()
    shot(page, "offentlig-trend")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert [line for line in main.splitlines() if pf.small_numbers(line)] == []


def test_karta_still_needs_a_login_after_the_public_page(server, page):
    page.goto(server + "/offentlig")
    page.get_by_role("heading", name=texts.PUBLIC_TITLE).wait_for()
    page.goto(server + "/karta")
    page.get_by_label("Användarnamn").wait_for()
    settled(page)
    headings = [h.strip() for h in page.locator("h1, h2, h3").all_inner_texts()]
    assert "Karta och tider" not in headings
    assert texts.PUBLIC_TITLE not in headings
    assert page.locator('[data-testid="stDeckGlJsonChart"]').count() == 0
