"""Pages read like a description of their screen (issue 16): a finished page stays short.

Every page in ``content/`` has had its sections moved to ``ostan_dash/ui`` and its logic to
``ostan_dash/analysis``; this test keeps it that way, and holds a new page to it from the start.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CONTENT = Path(__file__).resolve().parents[2] / "content"
MAX_LINES = 150

PAGES = sorted(p.name for p in CONTENT.glob("*.py"))


@pytest.mark.parametrize("page", PAGES)
def test_a_finished_page_stays_short(page):
    lines = len((CONTENT / page).read_text().splitlines())
    assert lines <= MAX_LINES, f"content/{page} har {lines} rader (högst {MAX_LINES})"


@pytest.mark.parametrize("page", PAGES)
def test_a_finished_page_holds_no_connection(page):
    source = (CONTENT / page).read_text()
    for word in ("as_user(", "engine()", "Connection"):
        assert word not in source, f"content/{page} öppnar själv en transaktion ({word})"


def test_every_page_in_the_navigation_is_held_to_it():
    from ostan_dash.ui import navigation

    routed = {Path(p.path).name for p in (*navigation.PAGES, navigation.PUBLIC)}
    assert routed and routed <= set(PAGES), routed - set(PAGES)
