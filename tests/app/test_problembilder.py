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
