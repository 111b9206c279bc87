"""Every page's address, opened with no cookie on a freshly started server, shows only the login form.

Streamlit runs the files of a folder named ``pages/`` next to the main script as pages of their
own until some session has called ``st.navigation`` (``_mpa_v1`` in Streamlit 1.67's script
runner). Only a server that nobody has logged in to yet shows that, so this test starts its own.
"""

from __future__ import annotations

import pytest

from ostan_dash.ui import navigation
from tests.e2e.conftest import serve, shot

pytestmark = pytest.mark.e2e

DEEP_LINKS = [f"/{p.url_path}" for p in navigation.PAGES] + ["/karta?omrade=F01&dag=5", "/"]
PAGE_HEADINGS = [p.title for p in navigation.PAGES]


@pytest.fixture(scope="module")
def fresh_server():
    with serve("streamlit-fresh") as url:
        yield url


def test_no_page_opens_without_login_on_a_fresh_server(fresh_server, browser):
    for link in DEEP_LINKS:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.goto(fresh_server + link)
        page.get_by_label("Användarnamn").wait_for()
        page.get_by_role("button", name="Logga in").wait_for()
        # Let a page that would draw after the form finish its run before looking.
        page.wait_for_timeout(1_500)
        headings = [h.strip() for h in page.locator("h1, h2, h3").all_inner_texts()]
        leaked = [h for h in headings if h in PAGE_HEADINGS]
        assert not leaked, f"{link}: {leaked} visas utan inloggning"
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0, link
        assert page.locator('[data-testid="stSidebar"]').count() == 0, link
        for kind in ("stPlotlyChart", "stDeckGlJsonChart", "stDataFrame", "stTable", "stMetric"):
            assert page.locator(f'[data-testid="{kind}"]').count() == 0, (link, kind)
        if link == "/oversikt":
            shot(page, "deep-link-without-login")
        ctx.close()
