"""Insatser in headless Chromium: the overview and one intervention's evaluation (screenshots)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash.demo import KNOWN
from ostan_dash.store import engine
from tests.e2e.conftest import logged_in, shot

pytestmark = pytest.mark.e2e


def _id(title: str) -> int:
    with engine().connect() as c:
        return c.execute(
            sa.text("SELECT id FROM interventions WHERE title = :t"), {"t": title}
        ).scalar_one()


def test_overview_and_a_displaced_intervention(server, page):
    page.set_default_timeout(120_000)  # the page counts nine interventions in PostGIS on first load
    logged_in(page, server, "analytiker")

    page.goto(f"{server}/insatser")
    page.get_by_role("heading", name="Insatser", exact=True).first.wait_for()
    page.get_by_text("Alla insatser").wait_for()
    page.get_by_text("I riskzonen", exact=True).first.wait_for()  # the SMART counts
    page.get_by_role("button", name="Ladda ned CSV").first.wait_for()
    page.wait_for_timeout(1500)  # the table is drawn on a canvas; give it a moment
    overview = shot(page, "insatser-oversikt")
    assert overview.stat().st_size > 20_000

    page.goto(f"{server}/insatser?insats={_id(KNOWN.displaced_intervention)}")
    page.get_by_role("heading", name=KNOWN.displaced_intervention).first.wait_for()
    page.get_by_role("tab", name="Utvärdering").click()
    page.get_by_text("Minskning men omfördelning till omgivningen.").wait_for()
    page.get_by_text("WDQ", exact=True).first.wait_for()
    detail = shot(page, "insatser-omfordelning")
    assert detail.stat().st_size > 20_000
    assert "insats=" in page.url
