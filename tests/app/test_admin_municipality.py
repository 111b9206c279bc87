"""Administration → Kommun: an administrator sets our municipality's name and SCB code (the
police's events are chosen by the name, Brå's statistics find us by the code); a code that is
not four digits is refused in Swedish and nothing is saved."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from ostan_dash import store
from ostan_dash.store import imports

pytestmark = pytest.mark.app


@pytest.fixture
def saved_setting():
    """The municipality setting as it was, restored afterwards (with this test's audit rows gone)."""
    with store.begin() as c:
        before = c.execute(sa.text("SELECT value FROM settings WHERE key = 'kommun'")).scalar()
    yield
    with store.begin() as c:
        c.execute(sa.text("DELETE FROM settings WHERE key = 'kommun'"))
        if before is not None:
            c.execute(
                sa.text("INSERT INTO settings (key, value) VALUES ('kommun', CAST(:v AS jsonb))"),
                {"v": json.dumps(before)},
            )


def _kommun_form(as_role):
    at = as_role("admin")
    at.switch_page("content/admin.py").run()
    assert not at.exception, at.exception
    fields = {t.label: t for t in at.text_input}
    return at, fields["Kommunens namn"], fields["Kommunkod (SCB, fyra siffror)"]


def _submit(at):
    next(b for b in at.button if b.label == "Spara kommunen").click()
    return at.run()


def test_admin_sets_the_municipality_name_and_code(as_role, saved_setting):
    at, name, code = _kommun_form(as_role)
    name.input("Håbo kommun")
    code.input("0305")
    _submit(at)
    assert not at.exception, at.exception
    assert any("Kommunen är sparad: Håbo (0305)." in s.value for s in at.success)
    assert imports.municipality() == {"namn": "Håbo", "kod": "0305"}
    with store.begin() as c:
        who = c.execute(
            sa.text(
                "SELECT username FROM audit_log WHERE entity = 'settings' "
                "AND entity_id = 'kommun' ORDER BY id DESC LIMIT 1"
            )
        ).scalar()
    assert who == "admin"


def test_a_code_that_is_not_four_digits_is_refused_and_nothing_is_saved(as_role, saved_setting):
    before = imports.municipality()
    at, name, code = _kommun_form(as_role)
    name.input("Håbo")
    code.input("305")
    _submit(at)
    assert any("fyra siffror" in e.value and "305" in e.value for e in at.error)
    assert imports.municipality() == before


@pytest.mark.parametrize(
    ("name", "code", "expected"),
    [
        ("Malmö kommun", "1280", {"namn": "Malmö", "kod": "1280"}),
        ("  Håbo ", "", {"namn": "Håbo"}),
        ("Göteborg", None, {"namn": "Göteborg"}),
    ],
)
def test_the_setting_as_typed(name, code, expected):
    assert imports.municipality_value(name, code) == expected


@pytest.mark.parametrize(("name", "code"), [("", "1280"), ("   ", None), ("Malmö", "12a0")])
def test_a_blank_name_or_a_bad_code_is_refused(name, code):
    with pytest.raises(ValueError):
        imports.municipality_value(name, code)
