"""'Ny problembild' opens prefilled with the selection the user came with from Karta or
Översikt (the filters in the address), and stays closed and empty without one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash.store import engine

pytestmark = [pytest.mark.app, pytest.mark.db]

PAGE = "content/problembilder.py"


def _by_label(elements, label: str):
    return next(e for e in elements if e.label == label)


def _open(as_role, params: dict[str, str]):
    at = as_role("analytiker")
    at.switch_page(PAGE)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_maps_selection_fills_the_new_problem_form(as_role):
    with engine().connect() as c:
        area_id, code = c.execute(sa.text("SELECT id, code FROM areas ORDER BY code LIMIT 1")).one()
    at = _open(
        as_role,
        {
            "kategori": "est:skadegorelse",
            "undertyp": "est:skadegorelse:klotter",
            "omrade": code,
            "timmar": "22-3",
        },
    )
    assert "Förifyllt med urvalet från kartan." in [c.value for c in at.caption]
    assert _by_label(at.multiselect, "Kategorier").value == ["skadegorelse"]
    assert _by_label(at.multiselect, "Undertyper").value == ["skadegorelse:klotter"]
    assert _by_label(at.multiselect, "Områden").value == [area_id]
    # The map's last hour is inclusive (03), the form's "till" is not: 04.
    assert _by_label(at.number_input, "Från timme").value == 22
    assert _by_label(at.number_input, "Till timme (ej inräknad)").value == 4


def test_without_a_selection_the_form_starts_empty(as_role):
    at = _open(as_role, {})
    assert "Förifyllt med urvalet från kartan." not in [c.value for c in at.caption]
    assert _by_label(at.multiselect, "Kategorier").value == []
    assert _by_label(at.multiselect, "Områden").value == []
