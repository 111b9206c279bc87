"""The Thursday meeting walks through the current veckolägesbild slide by slide (issue 11):
the last complete week's draft (or its published version), one question per slide, the slide in
the address so the wall reopens where it was."""

from __future__ import annotations

import pytest

from ostan_dash import config
from ostan_dash.reports import periods, slides

pytestmark = [pytest.mark.app, pytest.mark.db]

PAGE = "content/lagesbilder.py"


def test_the_meeting_walks_the_week_slide_by_slide(as_role):
    week = periods.complete_weeks(config.today(), n=1)[0]
    at = as_role("lasare")
    at.switch_page(PAGE).run()
    next(t for t in at.toggle if t.label == "Möte: bild för bild").set_value(True).run()
    assert not at.exception, at.exception
    assert at.query_params["mote"] in ("1", ["1"])
    first = [h.value for h in at.header]
    assert first == ["Veckan i siffror"]
    status = next(m.value for m in at.markdown if " · bild 1 av " in m.value)
    assert status.startswith(f"**{week.title}** (")
    n = int(status.rsplit(" av ", 1)[1])
    said = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "EST-rapporter: " in said and "Polisanmälda brott: " in said
    next(b for b in at.button if b.label == "Nästa →").click().run()
    assert [h.value for h in at.header] == ["Det viktigaste"]
    assert at.query_params["bild"] in ("2", ["2"])
    for _ in range(n):  # to the end: Nästa is then disabled and the slide stays the last
        nxt = next(b for b in at.button if b.label == "Nästa →")
        if nxt.disabled:
            break
        nxt.click().run()
    assert not at.exception, at.exception
    assert at.query_params["bild"] in (str(n), [str(n)])
    assert n >= 6 and n == len(slides.week_slides(_doc(week)))


def _doc(week: periods.Period) -> dict:
    from ostan_dash.reports import load

    return load.draft(week, figures=False)


def test_a_bad_slide_number_opens_the_first(as_role):
    at = as_role("analytiker")
    at.switch_page(PAGE)
    at.query_params["mote"] = "1"
    at.query_params["bild"] = "x"
    at.run()
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == ["Veckan i siffror"]
