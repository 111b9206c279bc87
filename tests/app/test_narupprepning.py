"""Närupprepning: the page's Knox table is the one knox_counts gives for the same incidents read
independently from the database, the reading and method are on screen, only editors may save a
pattern, and a saved pattern's zones appear on the page and at the bottom of Översikt."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import sqlalchemy as sa

from ostan_dash import config
from ostan_dash.analysis import nearrepeat as nr
from ostan_dash.store import queries
from ostan_dash.ui import nearrepeat_views as views

pytestmark = [pytest.mark.app, pytest.mark.db]

SAVE = "Spara mönstret för riskzoner"


def open_page(as_role, role: str):
    at = as_role(role)
    at.switch_page("content/narupprepning.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def burglaries(db, start: dt.date, end: dt.date) -> tuple[np.ndarray, np.ndarray, list]:
    """Police burglaries with a point whose window starts in [start, end] (local days)."""
    rows = db.execute(
        sa.text(
            """
            SELECT ST_X(geom), ST_Y(geom), (occurred_from AT TIME ZONE 'Europe/Stockholm')::date
            FROM police_crimes
            WHERE crime_group = 'inbrott' AND geom IS NOT NULL
              AND (occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a AND :b
            """
        ),
        {"a": start, "b": end},
    ).all()
    return (
        np.array([r[0] for r in rows]),
        np.array([r[1] for r in rows]),
        [r[2] for r in rows],
    )


def test_the_table_is_knox_counts_of_the_same_incidents(as_role, db):
    at = open_page(as_role, "analytiker")
    assert [t.value for t in at.title] == ["Närupprepning"]
    today = config.today()
    x, y, t = burglaries(db, today - dt.timedelta(days=365), today)
    want = nr.knox_counts(x, y, t, distance_bands=[0, 1, 100, 200, 300], time_bands=[0, 7, 14, 21])
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Avstånd",
        "Tid mellan",
        "Observerade par",
        "Förväntade par",
        "Knox-kvot",
        "p",
        "Justerat p (BH)",
        "Signifikant",
    ]
    got = [int(v.replace("\u00a0", "")) for v in table["Observerade par"]]
    assert got == want.ravel().tolist()
    assert table["Avstånd"].iloc[0] == "Samma plats"
    # Swedish numbers: decimal comma in the expected counts
    assert all("," in v for v in table["Förväntade par"])
    captions = " ".join(c.value for c in at.caption)
    assert "Benjamini–Hochberg" in captions and "999" in captions
    # the reading or the statement that there is none
    said = [s.value for s in at.success] + [i.value for i in at.info]
    assert any(s.startswith("**Inom ") or "Inget närupprepningsmönster" in s for s in said)


def test_a_reader_sees_no_police_points_and_saves_nothing(as_role):
    at = open_page(as_role, "lasare")
    assert at.button_group[0].label == "Källa"
    assert at.button_group[0].value == "est"  # police crimes have no points for a reader
    assert len(at.get("plotly_chart")) == 1
    assert not any(b.label == SAVE for b in at.button)


def test_an_analyst_saves_the_pattern_and_zones_show_here_and_on_oversikt(as_role, engine):
    at = open_page(as_role, "analytiker")
    at.button_group[0].set_value("est").run()  # the demo's "annat otryggt" clusters
    key = "est/annat_otryggt/*"
    try:
        if not any(b.label == SAVE for b in at.button):
            # The demo is generated relative to today; on some days its planted clustering of
            # "annat otryggt" is not significant after the correction, and the page says so.
            assert any("Inget närupprepningsmönster" in i.value for i in at.info), [
                i.value for i in at.info
            ]
            pytest.skip("demons kluster är inte signifikant i dag: inget mönster att spara")
        reading = next(s.value for s in at.success).strip("*.")
        next(b for b in at.button if b.label == SAVE).click().run()
        assert not at.exception, at.exception
        with engine.connect() as c:
            stored = c.execute(
                sa.text("SELECT reading, saved_by FROM nearrepeat_patterns WHERE selection = :k"),
                {"k": key},
            ).one()
        assert stored.reading == reading
        assert any(SAVE not in c.value and reading in c.value for c in at.caption)
        zones = views.active_zones(config.today(), True, queries.visibility_key())
        if zones.is_empty():
            assert any("Inga aktiva riskzoner" in i.value for i in at.info)
        else:
            listed = at.dataframe[1].value
            assert listed["Riskzon"].tolist() == zones["sentence"].to_list()
            at.switch_page("content/oversikt.py").run()
            assert not at.exception, at.exception
            text = " ".join(m.value for m in at.markdown)
            assert zones["sentence"][0] in text
    finally:
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM nearrepeat_patterns WHERE selection = :k"), {"k": key})
        views.clear()


def test_an_analyst_adds_an_event_and_it_is_listed(as_role, engine):
    at = open_page(as_role, "analytiker")
    title = "Valborgsfirande i testparken"
    try:
        form_title = next(t for t in at.text_input if t.label == "Namn")
        form_title.input(title)
        next(s for s in at.selectbox if s.label == "Slag").set_value("hogtid")
        next(b for b in at.button if b.label == "Spara evenemanget").click().run()
        assert not at.exception, at.exception
        assert any("Evenemanget är sparat" in s.value for s in at.success)
        at.run()
        tables = [d.value for d in at.dataframe if "Evenemang" in d.value.columns]
        assert any(title in t["Evenemang"].tolist() for t in tables)
        row = next(t for t in tables if title in t["Evenemang"].tolist())
        listed = row.loc[row["Evenemang"] == title]
        # today (the form's default day), 18–22, a one-off
        assert listed["Dag"].iloc[0] == config.today().isoformat()
        assert (listed["Tid"].iloc[0], listed["Återkommer"].iloc[0]) == ("18:00–22:00", "")
    finally:
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM events WHERE title = :t"), {"t": title})
        views.calendar.clear()
