"""Översikt shows the numbers a meeting asks for first: checked against independent SQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ostan_dash import config, vocab
from ostan_dash.analysis.overview import last_complete_week
from ostan_dash.ui import fmt

pytestmark = [pytest.mark.app, pytest.mark.db]

COUNT_SQL = {
    "est": "SELECT count(*) FROM incidents WHERE (occurred_from AT TIME ZONE 'Europe/Stockholm')::date "
    "BETWEEN :a AND :b",
    "polis": "SELECT count(*) FROM police_crimes WHERE (occurred_from AT TIME ZONE 'Europe/Stockholm')::date "
    "BETWEEN :a AND :b",
}


def _count(db, source: str, first: dt.date, last: dt.date, category: str | None = None) -> int:
    sql = COUNT_SQL[source] + (" AND category = :c" if category else "")
    return db.execute(sa.text(sql), {"a": first, "b": last, "c": category}).scalar_one()


def test_week_counts_equal_sql(as_role, db):
    week = last_complete_week(config.today())
    sunday = week + dt.timedelta(days=6)
    at = as_role("analytiker")
    assert not at.exception, at.exception
    metrics = {m.label: m for m in at.metric}
    assert metrics["EST-rapporter"].value == fmt.number(_count(db, "est", week, sunday))
    assert metrics["Polisanmälda brott"].value == fmt.number(_count(db, "polis", week, sunday))
    for key, label in vocab.CATEGORIES.items():
        assert metrics[label].value == fmt.number(_count(db, "est", week, sunday, key)), label


def test_delta_is_change_against_twelve_week_mean(as_role, db):
    week = last_complete_week(config.today())
    at = as_role("lasare")
    now = _count(db, "est", week, week + dt.timedelta(days=6))
    base = _count(db, "est", week - dt.timedelta(weeks=12), week - dt.timedelta(days=1)) / 12
    delta = {m.label: m for m in at.metric}["EST-rapporter"].delta
    assert delta.startswith(("+" if now - base >= 0 else "-") + fmt.number(abs(now - base), 1))


def test_area_filter_comes_from_the_url(as_role, db):
    code, area_id = db.execute(sa.text("SELECT code, id FROM areas ORDER BY id LIMIT 1")).one()
    at = as_role("analytiker")
    at.query_params["omrade"] = [code]
    at.run()
    assert not at.exception
    week = last_complete_week(config.today())
    n = db.execute(
        sa.text(COUNT_SQL["est"] + " AND area_id = :id"),
        {"a": week, "b": week + dt.timedelta(days=6), "id": area_id},
    ).scalar_one()
    assert {m.label: m for m in at.metric}["EST-rapporter"].value == fmt.number(n)
