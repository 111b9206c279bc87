"""A report filed by another process shows on the very next rerun (issue 14): the incident
cache is keyed by the database's data version, not a timer. No sleeping, no cache clearing.
And the held frame is refreshed by the rows that changed, not read again whole
(sql/040_hot_changes.sql)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ostan_dash import config, store
from ostan_dash.analysis.overview import last_complete_week
from ostan_dash.store import hot
from ostan_dash.ui import fmt

pytestmark = [pytest.mark.app, pytest.mark.db]


def _est_this_week(at) -> str:
    return {m.label: m for m in at.metric}["EST-rapporter"].value


def test_a_report_committed_elsewhere_shows_on_the_next_rerun(as_role, monkeypatch):
    at = as_role("analytiker")
    assert not at.exception, at.exception
    shown = _est_this_week(at)
    at.run()
    assert _est_this_week(at) == shown  # held, not re-read: nothing changed

    def whole_read(*args, **kwargs):
        raise AssertionError("the whole frame was read again for one report")

    monkeypatch.setattr(hot, "read_binary", whole_read)

    week = last_complete_week(config.today())
    noon = dt.datetime.combine(week + dt.timedelta(days=2), dt.time(12), tzinfo=config.TZ)
    with store.begin() as other:  # another connection, committed before the rerun
        new_id = other.execute(
            sa.text(
                """
                INSERT INTO incidents (category, subtype, occurred_from, occurred_to, geom,
                                       area_id, organisation_id, external_id)
                SELECT s.category, s.key, :t, :t, ST_PointOnSurface(a.geom), a.id,
                       (SELECT min(id) FROM organisations), 'test-fresh-by-version'
                FROM (SELECT * FROM est_subtypes ORDER BY category, key LIMIT 1) s,
                     (SELECT * FROM areas ORDER BY id LIMIT 1) a
                RETURNING id
                """
            ),
            {"t": noon},
        ).scalar_one()
    try:
        at.run()
        assert not at.exception, at.exception
        count = int("".join(ch for ch in shown if ch.isdigit()))
        assert _est_this_week(at) == fmt.number(count + 1)
    finally:
        with store.begin() as other:
            other.execute(sa.text("DELETE FROM incidents WHERE id = :i"), {"i": new_id})
    at.run()
    assert _est_this_week(at) == shown  # the deletion too, at once
