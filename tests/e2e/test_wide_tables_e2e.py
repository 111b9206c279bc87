"""Tables at 1280 px (issue 12): beside the open sidebar, the last column of Områden's criteria
matrix, of Problembilder's ranking and criteria and of Insatser's overview is on screen (no
sideways scrolling inside the table), and Översikt's "Per område" shows every area without
scrolling. st.dataframe draws on a canvas, so the checks read the grid's scroll box and the
header row of its accessibility layer (which holds only the columns drawn). Screenshots
tests/artifacts/tabell-1280-*.png."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash.store import engine
from tests.e2e.conftest import ARTIFACTS, logged_in, settled

pytestmark = pytest.mark.e2e

WIDTH = 1280

_GRIDS = """() => Array.from(document.querySelectorAll('[data-testid=stDataFrame]'))
  .filter(el => el.querySelector('.dvn-scroller'))
  .map(el => {
    const box = el.getBoundingClientRect();
    const sc = el.querySelector('.dvn-scroller');
    return {
      right: box.right,
      scrollWidth: sc.scrollWidth, clientWidth: sc.clientWidth,
      scrollHeight: sc.scrollHeight, clientHeight: sc.clientHeight,
      headers: Array.from(el.querySelectorAll('[role=columnheader]')).map(t => t.textContent),
      rowcount: Number(el.querySelector('[role=grid]')?.getAttribute('aria-rowcount') ?? 0),
    };
  })"""


@pytest.fixture
def wide(browser):
    ctx = browser.new_context(
        viewport={"width": WIDTH, "height": 900}, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    ctx.close()


def _grids(page, url: str, path: str, heading: str, expected: int) -> list[dict]:
    """Open ``path`` and return its drawn grids once ``expected`` of them are there."""
    page.goto(f"{url}/{path}")
    page.get_by_role("heading", name=heading).first.wait_for()
    settled(page)
    for _ in range(100):
        grids = page.evaluate(_GRIDS)
        if len(grids) >= expected and all(g["headers"] and g["rowcount"] for g in grids):
            return grids
        page.wait_for_timeout(200)
    raise AssertionError(f"{path}: {grids}, väntade {expected} tabeller")


def _shot(page, name: str, index: int) -> None:
    table = page.locator("[data-testid=stDataFrame]").nth(index)
    table.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    table.screenshot(path=str(ARTIFACTS / f"tabell-1280-{name}.png"))


def _whole_width(grid: dict, last: str, what: str) -> None:
    assert grid["headers"][-1] == last, (what, grid["headers"])
    assert grid["scrollWidth"] <= grid["clientWidth"] + 1, (what, grid)
    assert grid["right"] <= WIDTH, (what, grid)


@pytest.mark.parametrize(
    ("path", "heading", "tables"),
    [
        ("omraden", "Områden", {"Område": "Org. brott"}),
        ("problembilder", "Problembilder", {"Plats": "Insatser", "Nr": "Motivering"}),
        ("insatser", "Insatser", {"Insats": "Nästa steg"}),
    ],
    ids=["omraden", "problembilder", "insatser"],
)
def test_the_last_column_is_on_screen_at_1280(server, wide, path, heading, tables):
    page = wide
    logged_in(page, server, "analytiker")
    grids = _grids(page, server, path, heading, len(tables))
    for first, last in tables.items():
        i, grid = next(
            (i, g) for i, g in enumerate(grids) if first in g["headers"][:2]
        )  # a selectable grid has its checkbox column first
        _whole_width(grid, last, f"{path}: {first}")
        _shot(page, f"{path}-{first.lower()}", i)


def test_oversikt_lists_every_area(server, wide):
    page = wide
    logged_in(page, server, "analytiker")
    with engine().connect() as c:
        n_areas = c.execute(sa.text("SELECT count(*) FROM areas")).scalar_one()
    grids = _grids(page, server, "oversikt", "Översikt", 1)
    i, grid = next((i, g) for i, g in enumerate(grids) if g["headers"][0] == "Område")
    assert grid["rowcount"] == n_areas + 1  # the header row counts
    # Tall enough for every row: no scrolling inside the table.
    assert grid["scrollHeight"] <= grid["clientHeight"] + 1, grid
    _shot(page, "oversikt-omraden", i)
