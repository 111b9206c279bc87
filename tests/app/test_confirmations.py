"""After a save the page confirms it once: the run after the save says so, the run after that is
quiet. The confirmation is dropped only by a run that reached the end of the page, so a run cut
short by the next click (a double click on a slow server) does not lose it. One status form
('Ändra status', 'Spara status') serves Insatser and Problembilder."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
import streamlit as st

from ostan_dash import store
from ostan_dash.ui import intervention_page
from tests.app.fixtures import make_problem, plan_intervention

pytestmark = [pytest.mark.app, pytest.mark.db]

SAVED = "Statusen är sparad."
DELETE = {
    "interventions": "DELETE FROM interventions WHERE id = :i",
    "problem_pictures": "DELETE FROM problem_pictures WHERE id = :i",
}


def _by_label(elements, label: str):
    return next(e for e in elements if e.label == label)


def _delete(sql: str, **params) -> None:
    with store.begin() as c:
        c.execute(sa.text(sql), params)


def _status(table: str, row_id: int) -> str:
    sql = {
        "interventions": "SELECT status FROM interventions WHERE id = :i",
        "problem_pictures": "SELECT status FROM problem_pictures WHERE id = :i",
    }[table]
    with store.engine().connect() as c:
        return c.execute(sa.text(sql), {"i": row_id}).scalar_one()


def test_a_planned_interventions_confirmation_survives_a_run_cut_short(as_role, monkeypatch):
    title = f"Apptest avbruten körning {uuid.uuid4().hex[:8]}"
    cut: list[str] = []
    plan_tab = intervention_page.plan_tab

    def cut_once(row, *args, **kwargs):
        # The first run that draws the new intervention is cut short, as a click arriving
        # before it ends would do; the next run draws the page to its end.
        if row["title"] == title and not cut:
            cut.append(title)
            st.rerun()
        plan_tab(row, *args, **kwargs)

    try:
        at = as_role("analytiker")
        at.switch_page("content/insatser.py").run()
        monkeypatch.setattr(intervention_page, "plan_tab", cut_once)
        _by_label(at.text_input, "Rubrik *").input(title)
        _by_label(at.multiselect, "Händelser som målet räknar *").select("skadegorelse")
        with store.engine().connect() as c:
            area = c.execute(sa.text("SELECT min(id) FROM areas")).scalar_one()
        _by_label(at.multiselect, "Områden").select(area)
        _by_label(at.button, "Spara insatsen").click().run()
        assert not at.exception, at.exception
        assert cut == [title]
        assert any(title in s.value and "sparad och vald" in s.value for s in at.success)
        assert at.header[0].value == title
        at.run()
        assert not any("sparad och vald" in s.value for s in at.success)
    finally:
        _delete("DELETE FROM interventions WHERE title = :t", t=title)


STATUS_CASES = [
    pytest.param(
        "content/insatser.py",
        "iv_pick",
        "interventions",
        plan_intervention,
        "pagaende",
        id="insatser",
    ),
    pytest.param(
        "content/problembilder.py",
        "pb_pick",
        "problem_pictures",
        make_problem,
        "atgardas",
        id="problembilder",
    ),
]


@pytest.mark.parametrize(("page", "pick", "table", "make", "status"), STATUS_CASES)
def test_a_status_is_saved_and_confirmed_once(as_role, page, pick, table, make, status):
    row_id = make(f"Apptest status {uuid.uuid4().hex[:8]}")
    try:
        at = as_role("analytiker")
        at.switch_page(page).run()
        at.selectbox(key=pick).set_value(row_id).run()
        assert not any(s.value == SAVED for s in at.success)
        _by_label(at.selectbox, "Ändra status").set_value(status)
        _by_label(at.button, "Spara status").click().run()
        assert not at.exception, at.exception
        assert _status(table, row_id) == status
        assert any(s.value == SAVED for s in at.success)
        assert _by_label(at.selectbox, "Ändra status").value == status
        at.run()
        assert not any(s.value == SAVED for s in at.success)
        # Unchanged and saved again: nothing is written, nothing is confirmed.
        _by_label(at.button, "Spara status").click().run()
        assert not any(s.value == SAVED for s in at.success)
    finally:
        _delete(DELETE[table], i=row_id)


def _quiet_after(at, message: str) -> None:
    """``message`` is shown now and gone after one more run."""
    assert not at.exception, at.exception
    assert any(s.value == message for s in at.success), [s.value for s in at.success]
    at.run()
    assert not any(s.value == message for s in at.success)


def test_a_log_entry_is_confirmed_once_after_the_save(as_role):
    iid = plan_intervention(f"Apptest logg {uuid.uuid4().hex[:8]}")
    try:
        at = as_role("analytiker")
        at.switch_page("content/insatser.py").run()
        at.selectbox(key="iv_pick").set_value(iid).run()
        _by_label(at.text_area, "Notering (inga personuppgifter)").input("Belysningen är uppsatt.")
        _by_label(at.button, "Spara uppföljning").click().run()
        logged = next(d.value for d in at.dataframe if "Notering" in d.value.columns)
        assert logged["Notering"].tolist() == ["Belysningen är uppsatt."]
        _quiet_after(at, "Uppföljningen är sparad.")
    finally:
        _delete(DELETE["interventions"], i=iid)


def test_a_criteria_assessment_is_confirmed_once_after_the_save(as_role):
    pid = make_problem(f"Apptest bedömning {uuid.uuid4().hex[:8]}")
    try:
        at = as_role("analytiker")
        at.switch_page("content/problembilder.py").run()
        at.selectbox(key="pb_pick").set_value(pid).run()
        _by_label(at.button, "Spara bedömningen").click().run()
        with store.engine().connect() as c:
            stored = c.execute(
                sa.text("SELECT count(*) FROM problem_criteria WHERE problem_id = :p"), {"p": pid}
            ).scalar_one()
        assert stored == 6
        _quiet_after(at, "Bedömningen är sparad.")
    finally:
        _delete(DELETE["problem_pictures"], i=pid)
