"""After "Skapa problembild" / "Spara insatsen" the new item is selected, the confirmation is
shown and the form is empty (issue 12)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from ostan_dash.store import engine

pytestmark = [pytest.mark.app, pytest.mark.db]


def _by_label(elements, label: str):
    return next(e for e in elements if e.label == label)


def _delete(table: str, title: str) -> None:
    sql = {
        "problem_pictures": "DELETE FROM problem_pictures WHERE title = :t RETURNING id",
        "interventions": "DELETE FROM interventions WHERE title = :t RETURNING id",
    }[table]
    with engine().begin() as c:
        c.execute(sa.text(sql), {"t": title})


def _id(table: str, title: str) -> list[int]:
    sql = {
        "problem_pictures": "SELECT id FROM problem_pictures WHERE title = :t",
        "interventions": "SELECT id FROM interventions WHERE title = :t",
    }[table]
    with engine().connect() as c:
        return [r[0] for r in c.execute(sa.text(sql), {"t": title})]


def test_a_new_problem_picture_is_selected_and_the_form_emptied(as_role):
    title = f"Apptest problembild {uuid.uuid4().hex[:8]}"
    try:
        at = as_role("analytiker")
        at.switch_page("content/problembilder.py").run()
        before = at.selectbox(key="pb_pick").value
        _by_label(at.text_input, "Rubrik *").input(title)
        _by_label(at.text_area, "Beskrivning (platser och händelser, inga personuppgifter)").input(
            "Klotter på skolans gavel."
        )
        _by_label(at.button, "Skapa problembild").click().run()
        assert not at.exception, at.exception
        (new_id,) = _id("problem_pictures", title)
        assert at.selectbox(key="pb_pick").value == new_id != before
        assert at.header[0].value == title
        assert any(title in s.value and "skapad och vald" in s.value for s in at.success)
        assert _by_label(at.text_input, "Rubrik *").value == ""
        assert (
            _by_label(
                at.text_area, "Beskrivning (platser och händelser, inga personuppgifter)"
            ).value
            == ""
        )
        assert at.query_params["problem"] == str(new_id)
        # The next run is quiet: the confirmation was for the save.
        at.run()
        assert not any("skapad och vald" in s.value for s in at.success)
    finally:
        _delete("problem_pictures", title)


def test_a_new_intervention_is_selected_and_the_form_emptied(as_role):
    title = f"Apptest insats {uuid.uuid4().hex[:8]}"
    try:
        at = as_role("analytiker")
        at.switch_page("content/insatser.py").run()
        _by_label(at.text_input, "Rubrik *").input(title)
        _by_label(at.multiselect, "Händelser som målet räknar *").select("skadegorelse")
        with engine().connect() as c:
            area = c.execute(sa.text("SELECT min(id) FROM areas")).scalar_one()
        _by_label(at.multiselect, "Områden").select(area)
        _by_label(at.button, "Spara insatsen").click().run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
        (new_id,) = _id("interventions", title)
        assert at.selectbox(key="iv_pick").value == new_id
        assert any(title in s.value and "sparad och vald" in s.value for s in at.success)
        assert _by_label(at.text_input, "Rubrik *").value == ""
        assert _by_label(at.multiselect, "Händelser som målet räknar *").value == []
    finally:
        _delete("interventions", title)


def test_personal_data_in_a_problem_picture_or_intervention_is_refused_and_kept(as_role):
    """The free-text guard of the report form also holds for problem pictures and interventions:
    nothing is saved, the reason names the field, and the user's text stays in the form."""
    title = f"Apptest pnr {uuid.uuid4().hex[:8]}"
    try:
        at = as_role("analytiker")
        at.switch_page("content/problembilder.py").run()
        _by_label(at.text_input, "Rubrik *").input(title)
        label = "Beskrivning (platser och händelser, inga personuppgifter)"
        _by_label(at.text_area, label).input("Sågs av 19121212-1212 vid skolan.")
        _by_label(at.button, "Skapa problembild").click().run()
        assert not at.exception, at.exception
        assert _id("problem_pictures", title) == []
        assert any(
            "Beskrivningen ser ut att innehålla ett personnummer" in e.value for e in at.error
        )
        assert "19121212-1212" in _by_label(at.text_area, label).value

        at.switch_page("content/insatser.py").run()
        _by_label(at.text_input, "Rubrik *").input(title)
        _by_label(at.text_area, "Förväntad effekt").input("Ring 070-123 45 67 vid frågor")
        _by_label(at.multiselect, "Händelser som målet räknar *").select("skadegorelse")
        _by_label(at.button, "Spara insatsen").click().run()
        assert not at.exception, at.exception
        assert _id("interventions", title) == []
        assert any(
            "Förväntad effekt ser ut att innehålla ett telefonnummer" in e.value for e in at.error
        )
    finally:
        _delete("problem_pictures", title)
        _delete("interventions", title)
