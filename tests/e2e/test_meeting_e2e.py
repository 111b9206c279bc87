"""Meeting mode on a 1920 × 1080 wall (issue 11): every visible text at least 20 px, tables
with all their rows and no inner scrolling, nothing cut off with an ellipsis."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import logged_in, settled, shot

pytestmark = pytest.mark.e2e

# Every visible text node's element, with its computed size; Material icon ligatures ("expand_more")
# are glyphs, not text. Plotly's SVG <text> counts like any other text.
_SMALL_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    if (!text || !el || el.closest('style,script,noscript,[aria-hidden=true]')) continue;
    const s = getComputedStyle(el);
    if (s.fontFamily.includes('Material')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || s.opacity === '0') continue;
    const size = parseFloat(s.fontSize);
    if (size < 20) out.push(`${el.tagName} ${size}px «${text.slice(0, 40)}»`);
  }
  return out;
}"""

# Tables drawn on a canvas scroll inside themselves; HTML tables must not either, and no text
# may end in an ellipsis because its box is too narrow.
_SCROLLING_OR_CUT = """() => {
  const out = [];
  for (const t of document.querySelectorAll('[data-testid=stDataFrame]')) out.push('canvas table');
  for (const el of document.querySelectorAll('[data-testid=stTable], [data-testid=stTable] *')) {
    const s = getComputedStyle(el);
    if (['auto', 'scroll'].includes(s.overflowY) && el.scrollHeight > el.clientHeight + 1)
      out.push('scrolling table');
  }
  for (const el of document.querySelectorAll('[data-testid=stMain] *')) {
    const s = getComputedStyle(el);
    if (s.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && el.innerText.trim())
      out.push(`cut off «${el.innerText.trim().slice(0, 40)}»`);
  }
  return out;
}"""


@pytest.fixture
def wall(browser):
    ctx = browser.new_context(
        viewport={"width": 1920, "height": 1080}, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    yield pg
    ctx.close()


@pytest.mark.parametrize(
    ("path", "title"),
    [("oversikt", "Översikt"), ("karta", "Karta och tider"), ("omraden", "Områden")],
)
def test_meeting_mode_reads_from_the_back_of_the_room(server, wall, path, title):
    logged_in(wall, server, "analytiker")
    wall.goto(f"{server}/{path}?visning=stor")
    wall.get_by_role("heading", name=title).first.wait_for()
    settled(wall)
    wall.wait_for_timeout(2000)  # plotly and the map lay out their text after the first paint
    shot(wall, f"motesläge-{path}-1920")
    _assert_readable(wall)
    tabs = wall.get_by_role("tab")
    for i in range(1, tabs.count()):  # each tab's charts and tables too
        tabs.nth(i).click()
        settled(wall)
        wall.wait_for_timeout(1500)
        shot(wall, f"motesläge-{path}-flik{i}-1920")
        _assert_readable(wall)


def _assert_readable(page) -> None:
    assert page.evaluate(_SMALL_TEXTS) == []
    assert page.evaluate(_SCROLLING_OR_CUT) == []


def test_the_thursday_meeting_walks_the_week_slide_by_slide(server, wall):
    logged_in(wall, server, "analytiker")
    wall.goto(f"{server}/lagesbilder?mote=1")
    wall.get_by_role("heading", name="Veckan i siffror").first.wait_for()
    for i in range(1, 6):  # numbers, changes, map, hot times, areas
        settled(wall)
        wall.wait_for_timeout(1500)
        shot(wall, f"motesläge-lagesbild-bild{i}-1920")
        _assert_readable(wall)
        assert wall.get_by_text(f"bild {i} av ").count() == 1
        wall.get_by_role("button", name="Nästa →").click()
        wall.get_by_text(f"bild {i + 1} av ").first.wait_for()
    assert "bild=6" in wall.url
