"""Import page, the police's own crime group names (issue 10): the table is shown for a police
extract, an analyst changes a group and adds a name, and "Spara brottsgrupperna" stores them as
the setting (with its audit entry); the saved table then shows the choices and nothing to save."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from ostan_dash import store
from ostan_dash.ingest import police_groups
from ostan_dash.store import imports

pytestmark = pytest.mark.app

PAGE = "content/importera.py"
SAVE = "Spara brottsgrupperna"


@pytest.fixture
def restore():
    with store.begin() as c:
        saved = c.execute(
            sa.text("SELECT value FROM settings WHERE key = :k"), {"k": imports.GROUP_NAMES_SETTING}
        ).scalar()
        last_audit = c.execute(sa.text("SELECT coalesce(max(id), 0) FROM audit_log")).scalar_one()
        c.execute(
            sa.text("DELETE FROM settings WHERE key = :k"), {"k": imports.GROUP_NAMES_SETTING}
        )
    yield
    with store.begin() as c:
        c.execute(
            sa.text("DELETE FROM settings WHERE key = :k"), {"k": imports.GROUP_NAMES_SETTING}
        )
        c.execute(
            sa.text(
                "DELETE FROM audit_log WHERE id > :i AND action = 'setting' AND entity_id = :k"
            ),
            {"i": last_audit, "k": imports.GROUP_NAMES_SETTING},
        )
        if saved is not None:
            c.execute(
                sa.text("INSERT INTO settings (key, value) VALUES (:k, CAST(:v AS jsonb))"),
                {"k": imports.GROUP_NAMES_SETTING, "v": json.dumps(saved)},
            )


def _table(at):
    return next(d for d in at.dataframe if "Polisens grupp" in d.value.columns)


def test_the_group_names_are_edited_and_saved_as_the_setting(as_role, restore):
    at = as_role("analytiker")
    at.switch_page(PAGE).run()
    at.selectbox[0].select("polisbrott").run()
    assert not at.exception, at.exception
    table = _table(at)
    assert table.editing_mode == "dynamic"
    assert table.value["Polisens grupp"].tolist() == list(police_groups.GROUP_NAMES)
    assert not [b for b in at.button if b.label == SAVE]  # nothing changed yet

    row = list(police_groups.GROUP_NAMES).index("Skadegörelsebrott")
    at.session_state["imp_groups"] = {
        "edited_rows": {row: {"Vår brottsgrupp": "Övriga brott"}},
        "added_rows": [{"Polisens grupp": "Brott mot djur", "Vår brottsgrupp": "Övriga brott"}],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, at.exception
    next(b for b in at.button if b.label == SAVE).click().run()
    assert not at.exception, at.exception

    with store.begin() as c:
        saved = c.execute(
            sa.text("SELECT value FROM settings WHERE key = :k"), {"k": imports.GROUP_NAMES_SETTING}
        ).scalar_one()
        who = c.execute(
            sa.text(
                "SELECT username FROM audit_log WHERE action = 'setting' AND entity_id = :k "
                "ORDER BY id DESC LIMIT 1"
            ),
            {"k": imports.GROUP_NAMES_SETTING},
        ).scalar_one()
    assert saved == {"Skadegörelsebrott": "ovrigt", "Brott mot djur": "ovrigt"}
    assert who == "analytiker"
    shown = _table(at).value.set_index("Polisens grupp")["Vår brottsgrupp"]
    assert shown["Skadegörelsebrott"] == "Övriga brott"
    assert shown["Brott mot djur"] == "Övriga brott"
    assert list(_table(at).value["Polisens grupp"]).count("Brott mot djur") == 1
    assert not [b for b in at.button if b.label == SAVE]
