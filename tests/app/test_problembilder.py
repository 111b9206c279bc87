"""Problembilder: the ranking follows the analysts' decisions; proposals come from the data."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from ostan_dash.auth import User
from ostan_dash.ui.navigation import pages_for

pytestmark = [pytest.mark.app, pytest.mark.db]

PAGE = "content/problembilder.py"


def test_ranking_lists_open_pictures_by_criteria_met(as_role, db):
    import streamlit as st

    st.cache_data.clear()  # another test may have created and removed a picture since the cache
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    ranking = at.dataframe[0].value
    expected = dict(
        db.execute(
            sa.text(
                "SELECT p.title, count(*) FILTER (WHERE c.met) FROM problem_pictures p "
                "LEFT JOIN problem_criteria c ON c.problem_id = p.id "
                "WHERE p.status IN ('oppen', 'atgardas') GROUP BY p.title"
            )
        ).all()
    )
    assert set(ranking["Problembild"]) == set(expected)
    met = ranking["Uppfyllda kriterier"].tolist()
    assert met == sorted(met, reverse=True)
    for title, n in zip(ranking["Problembild"], met, strict=True):
        assert n == expected[title], title


def test_criteria_proposals_for_a_school_yard(as_role, db):
    pid = db.execute(
        sa.text("SELECT id FROM problem_pictures WHERE title LIKE '%skolgård%' ORDER BY id LIMIT 1")
    ).scalar_one()
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox(key="pb_pick").set_value(pid).run()
    assert not at.exception, at.exception
    crit = at.dataframe[1].value
    assert crit["Kriterium"].tolist() == [1, 2, 3, 4, 5, 6]
    by_k = {r["Kriterium"]: r for r in crit.to_dict("records")}
    assert by_k[3]["Förslag"] == by_k[6]["Förslag"] == "Bedömning"
    # A school yard: the school itself is named as the protected object near the incidents.
    assert by_k[4]["Förslag"] == "Uppfyllt" and "skola" in by_k[4]["Underlag"]
    assert "kr" in by_k[5]["Underlag"]
    assert {b.label for b in at.button} >= {"Spara bedömningen", "Spara orsaksanalysen"}


def test_readers_get_no_forms(as_role):
    at = as_role("lasare")
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "Spara bedömningen" not in {b.label for b in at.button}


def test_reporters_are_refused():
    assert "Problembilder" not in [p.title for p in pages_for("rapportor")]
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / PAGE), default_timeout=60)
    at.session_state["user"] = User(1, "rapportor", "R", "rapportor", 1, "Östan kommun")
    at.run()
    assert any("behörighet" in e.value for e in at.error)


@pytest.fixture
def fresh_problem(engine):
    """A problem picture of its own (no cause analysis yet), removed after the test."""
    with engine.begin() as c:
        pid = c.execute(
            sa.text(
                "INSERT INTO problem_pictures (title) VALUES ('Testbild orsaksanalys') RETURNING id"
            )
        ).scalar_one()
    yield pid
    with engine.begin() as c:
        c.execute(sa.text("DELETE FROM problem_pictures WHERE id = :p"), {"p": pid})


def _open_cause_form(as_role, pid):
    # No cache clearing: the new problem picture raised the data version the page's cache is
    # keyed by.
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox(key="pb_pick").set_value(pid).run()
    assert not at.exception, at.exception
    return at


def _area(at, label):
    return next(t for t in at.text_area if t.label == label)


def _save_cause(at):
    next(b for b in at.button if b.label == "Spara orsaksanalysen").click()
    at.run()
    assert not at.exception, at.exception


def test_cause_analysis_stores_hypotheses_and_the_problem_triangle(as_role, engine, fresh_problem):
    pid = fresh_problem
    at = _open_cause_form(as_role, pid)
    # One text area per hypothesis (no grid whose cell drops text unless Enter is pressed).
    assert not at.get("arrow_data_editor")
    _area(at, "Hypotes 1").input("Skolgården är öppen och obevakad på kvällarna")
    _area(at, "Stöd för hypotes 1").input("Rapporterna ligger 19–23")
    _area(at, "Hypotes 2").input("Ingen vuxen rör sig i området efter stängning")
    triangle = {
        "Plats": "Skolgården vid Östanskolan, baksidan mot parken",
        "Platsansvarig": "Fastighetsförvaltningen",
        "Förövare": "Ungdomar som samlas efter träningen",
        "Den som kan påverka förövaren": "Fritidsgården och föräldrar",
        "Mål eller offer": "Fönster och fasad på idrottshallen",
        "Väktare eller skyddare": "Nattvandrare och ordningsvakter",
    }
    for label, value in triangle.items():
        _area(at, label).input(value)
    _save_cause(at)
    assert not at.error, [e.value for e in at.error]
    assert any("Orsaksanalysen är sparad" in s.value for s in at.success)

    with engine.connect() as c:
        row = (
            c.execute(
                sa.text(
                    "SELECT hypotheses, triangle_place, triangle_place_manager, triangle_offender,"
                    " triangle_handler, triangle_target, triangle_guardian"
                    " FROM cause_analyses WHERE problem_id = :p"
                ),
                {"p": pid},
            )
            .one()
            ._mapping
        )
    assert row["hypotheses"] == [
        {
            "hypotes": "Skolgården är öppen och obevakad på kvällarna",
            "stod": "Rapporterna ligger 19–23",
        },
        {"hypotes": "Ingen vuxen rör sig i området efter stängning", "stod": ""},
    ]
    assert [row[k] for k in list(row)[1:]] == list(triangle.values())
    # The view shows the triangle, and the form offers the stored text plus empty rows.
    shown = " ".join(m.value for m in at.markdown)
    assert "Fastighetsförvaltningen" in shown and "Nattvandrare och ordningsvakter" in shown
    assert _area(at, "Hypotes 2").value == "Ingen vuxen rör sig i området efter stängning"
    assert _area(at, "Hypotes 4").value == ""


def test_cause_analysis_refuses_personal_data_in_the_triangle(as_role, engine, fresh_problem):
    pid = fresh_problem
    at = _open_cause_form(as_role, pid)
    _area(at, "Förövare").input("Kalle 19850612-2384 och hans kompisar")
    _save_cause(at)
    errors = " ".join(e.value for e in at.error)
    assert "”Förövare” ser ut att innehålla ett personnummer" in errors, errors
    with engine.connect() as c:
        n = c.execute(
            sa.text("SELECT count(*) FROM cause_analyses WHERE problem_id = :p"), {"p": pid}
        ).scalar_one()
    assert n == 0
    # The text stays in the form so that it can be corrected.
    assert _area(at, "Förövare").value == "Kalle 19850612-2384 och hans kompisar"
    # Support without its hypothesis is refused too, rather than silently dropped.
    _area(at, "Förövare").input("Ungdomar")
    _area(at, "Stöd för hypotes 1").input("Ett stöd utan hypotes")
    _save_cause(at)
    assert "Skriv hypotesen till stödet på rad 1." in " ".join(e.value for e in at.error)
