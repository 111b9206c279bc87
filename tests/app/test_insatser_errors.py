"""An intervention the database cannot store (a malformed polygon) gives the user a Swedish
message and the server a log line with the traceback (issue 16); nothing is saved."""

from __future__ import annotations

import logging
import uuid

import pytest
import sqlalchemy as sa

from ostan_dash.store import engine

pytestmark = [pytest.mark.app, pytest.mark.db]

LOGGER = "ostan_dash.content.insatser"


def _by_label(elements, label: str):
    return next(e for e in elements if e.label == label)


def _ids(title: str) -> list[int]:
    with engine().connect() as c:
        rows = c.execute(sa.text("SELECT id FROM interventions WHERE title = :t"), {"t": title})
        return [r[0] for r in rows]


def test_a_polygon_postgis_refuses_is_a_swedish_message_and_a_logged_traceback(as_role, caplog):
    title = f"Apptest trasig polygon {uuid.uuid4().hex[:8]}"
    try:
        at = as_role("analytiker")
        at.switch_page("content/insatser.py").run()
        _by_label(at.text_input, "Rubrik *").input(title)
        _by_label(at.multiselect, "Händelser som målet räknar *").select("skadegorelse")
        # Not closed and not even a ring: PostGIS rejects it when the row is written.
        _by_label(at.text_area, "Polygon (WKT)").input("POLYGON((0 0, 1 1))")
        with caplog.at_level(logging.ERROR, logger=LOGGER):
            _by_label(at.button, "Spara insatsen").click().run()
        assert not at.exception, at.exception
        assert _ids(title) == []
        assert [e.value for e in at.error] == [
            "Insatsen kunde inte sparas. Kontrollera platsen eller polygonen "
            "(WKT i SWEREF 99 TM) och försök igen."
        ]
        (record,) = [r for r in caplog.records if r.name == LOGGER]
        assert record.getMessage() == "insatsen kunde inte sparas"
        assert record.exc_info is not None and "Traceback" in caplog.text
        # What the user typed is still there to correct.
        assert _by_label(at.text_input, "Rubrik *").value == title
    finally:
        with engine().begin() as c:
            c.execute(sa.text("DELETE FROM interventions WHERE title = :t"), {"t": title})


def test_a_refused_log_note_keeps_its_message_and_saves_nothing(as_role):
    """The message stays on screen (it used to be followed by 'sparad' and a rerun that hid it)."""
    at = as_role("analytiker")
    at.switch_page("content/insatser.py").run()
    chosen = at.selectbox(key="iv_pick").value
    with engine().connect() as c:
        count = "SELECT count(*) FROM intervention_log WHERE intervention_id = :i"
        before = c.execute(sa.text(count), {"i": chosen}).scalar_one()
    _by_label(at.text_area, "Notering (inga personuppgifter)").input(
        "Pratade med 19121212-1212 vid torget."
    )
    _by_label(at.button, "Spara uppföljning").click().run()
    assert not at.exception, at.exception
    assert any("personnummer" in e.value for e in at.error)
    assert not any("Uppföljningen är sparad" in s.value for s in at.success)
    with engine().connect() as c:
        assert c.execute(sa.text(count), {"i": chosen}).scalar_one() == before
