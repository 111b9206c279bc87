"""Översikt shows the numbers a meeting asks for first: checked against independent SQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ostan_dash import config, vocab
from ostan_dash.analysis import overview
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


def _expected_sql(db, week: dt.date) -> tuple[float, int]:
    """The seasonal expectation of all EST reports in ``week``, from SQL counts and the formula.

    (S_R + ½)(Σ S_L + ½) / (9 (Σ S_R' + ½)): R the 12 weeks before, and for each earlier year y
    the window ±4 weeks around the week 52·y weeks back (L) and the 12 weeks before it (R').
    """
    first = db.execute(
        sa.text("SELECT min((occurred_from AT TIME ZONE 'Europe/Stockholm')::date) FROM incidents")
    ).scalar_one()
    years = overview.years_of_history(week, first)
    day, wk = dt.timedelta(days=1), dt.timedelta(weeks=1)
    s_r = _count(db, "est", week - 12 * wk, week - day)
    s_l = s_rp = 0
    for y in range(1, years + 1):
        then = week - 52 * y * wk
        s_l += _count(db, "est", then - 4 * wk, then + 5 * wk - day)
        s_rp += _count(db, "est", then - 12 * wk, then - day)
    if years == 0:
        return s_r / 12, years
    return (s_r + 0.5) * (s_l + 0.5) / (9 * (s_rp + 0.5)), years


def test_delta_is_change_against_the_seasonal_expectation(as_role, db):
    week = last_complete_week(config.today())
    at = as_role("lasare")
    now = _count(db, "est", week, week + dt.timedelta(days=6))
    expected, years = _expected_sql(db, week)
    assert years == 3  # the demo has six years of data
    delta = {m.label: m for m in at.metric}["EST-rapporter"].delta
    sign = "+" if now - expected >= 0 else "-"
    assert delta.startswith(sign + fmt.number(abs(now - expected), 1)), (delta, now, expected)


def test_method_is_stated_and_every_area_is_listed(as_role, db):
    at = as_role("analytiker")
    method = next(c.value for c in at.caption if "Benjamini–Hochberg" in c.value)
    assert "samma veckor de 3 senaste åren" in method and "negativ binomial" in method
    areas = at.dataframe[0].value
    n_areas = db.execute(
        sa.text(
            "SELECT count(DISTINCT area_id) FROM (SELECT area_id, occurred_from FROM incidents "
            "UNION ALL SELECT area_id, occurred_from FROM police_crimes) i "
            "WHERE area_id IS NOT NULL AND occurred_from >= :since"
        ),
        {"since": last_complete_week(config.today()) - dt.timedelta(weeks=52 * 3 + 12)},
    ).scalar_one()
    assert list(areas.columns)[:3] == ["Område", "Senaste veckan", "Förväntat"]
    assert len(areas) == n_areas == 20
    n_tests = len(areas) + len(at.dataframe[1].value)
    assert f"sidans {n_tests} test" in method


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


def test_the_week_in_three_sentences_agrees_with_the_cards(as_role, db):
    """Issue 11 (meeting mode): the page opens with the week in words, from the same tables."""
    week = last_complete_week(config.today())
    sunday = week + dt.timedelta(days=6)
    at = as_role("analytiker")
    story = next(m.value for m in at.markdown if m.value.startswith("**Veckan i korthet.**"))
    est = fmt.number(_count(db, "est", week, sunday))
    police = fmt.number(_count(db, "polis", week, sunday))
    assert f"EST-rapporter: {est} (förväntat " in story
    assert f"Polisanmälda brott: {police} (förväntat " in story
    if any(
        w.value.startswith("Ovanligt många") for w in at.warning
    ):  # the strongest change is one of the flagged rows, in words
        assert " mot normalt " in story
    else:
        assert "Benjamini–Hochberg" in story


def test_the_week_ahead_lists_the_calendars_events(as_role, engine):
    """Issue 15: the coming seven days' events on Översikt, with their place and crowd."""
    from ostan_dash.ui import nearrepeat_views

    title = "Derby på testarenan"
    day = config.today() + dt.timedelta(days=2)
    try:
        with engine.begin() as c:
            c.execute(
                sa.text(
                    "INSERT INTO events (title, kind, place_id, starts_at, ends_at, expected_crowd) "
                    "SELECT :t, 'idrottsevenemang', min(id), "
                    "(:d + time '19:00') AT TIME ZONE 'Europe/Stockholm', "
                    "(:d + time '21:00') AT TIME ZONE 'Europe/Stockholm', 1500 FROM places"
                ),
                {"t": title, "d": day},
            )
            place = c.execute(sa.text("SELECT name FROM places ORDER BY id LIMIT 1")).scalar_one()
        nearrepeat_views.calendar.clear()
        at = as_role("analytiker")
        # shown literally: plain_markdown backslash-escapes the punctuation of the calendar's text
        text = " ".join(m.value for m in at.markdown).replace("\\", "")
        assert any(s.value == "Evenemang de kommande sju dagarna" for s in at.subheader)
        weekday = fmt.WEEKDAYS[day.weekday()]
        assert f"{title} vid {place}: {weekday} {fmt.long_date(day)} kl. 19.00–21.00" in text
        assert "väntat 1\u00a0500 besökare" in text
    finally:
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM events WHERE title = :t"), {"t": title})
        nearrepeat_views.calendar.clear()
