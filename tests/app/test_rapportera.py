"""Rapportera in AppTest: a reporter files a report from the form, sees it under Mina rapporter,
and a point outside the municipality is refused on the page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash import store
from ostan_dash.ui.navigation import pages_for

pytestmark = pytest.mark.app

PAGE = "content/rapportera.py"


def _open(as_role, role="rapportor"):
    at = as_role(role)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def cleanup():
    """Delete what a test filed through the page (AppTest writes to the test database)."""
    tokens: list[str] = []
    yield tokens
    with store.begin() as c:
        for t in tokens:
            ids = (
                c.execute(sa.text("SELECT id FROM incidents WHERE client_token = :t"), {"t": t})
                .scalars()
                .all()
            )
            for i in ids:
                c.execute(
                    sa.text("DELETE FROM audit_log WHERE entity = 'incidents' AND entity_id = :i"),
                    {"i": str(i)},
                )
            c.execute(sa.text("DELETE FROM incidents WHERE client_token = :t"), {"t": t})


def test_only_reporters_analysts_and_admins_see_rapportera():
    for role, sees in [
        ("rapportor", True),
        ("analytiker", True),
        ("admin", True),
        ("lasare", False),
    ]:
        assert any(p.path == PAGE for p in pages_for(role)) is sees, role


def test_the_form_asks_what_when_and_where_in_swedish(as_role):
    at = _open(as_role)
    assert [t.value for t in at.title] == ["Rapportera"]
    assert [r.label for r in at.radio][:3] == ["Vad har hänt?", "När?", "Var?"]
    assert at.radio(key="rap_when").value == "Nu"
    assert any("personuppgifter" in c.value for c in at.caption)


def test_a_report_filed_on_the_page_is_stored_once_and_listed_as_mine(as_role, cleanup):
    at = _open(as_role)
    token = at.session_state["rap_token"]
    cleanup.append(token)
    at.radio(key="rap_cat").set_value("skadegorelse").run()
    at.radio(key="rap_sub").set_value("klotter").run()
    at.radio(key="rap_obj").set_value("busshallplats").run()
    place = next(o for o in at.selectbox(key="rap_place").options if o.startswith("Stora torget"))
    at.selectbox(key="rap_place").set_value(place).run()
    assert any("Vald plats" in m.value and "Stora torget" in m.value for m in at.markdown)
    at.text_area(key="rap_text").input("Klotter på väderskyddet").run()
    at.button(key="rap_send").click().run()
    assert not at.exception, at.exception
    assert any("Rapporten är sparad" in s.value for s in at.success), [e.value for e in at.error]
    row = store.read_frame(
        "SELECT i.category, i.subtype, i.object_type, a.code, u.username FROM incidents i "
        "JOIN areas a ON a.id = i.area_id JOIN users u ON u.id = i.reported_by WHERE client_token = :t",
        {"t": token},
    )
    assert row.rows() == [("skadegorelse", "klotter", "busshallplats", "C01", "rapportor")]
    # the same form token again (a resent form) stores nothing new
    at.session_state["rap_done"] = None
    del at.session_state["rap_done"]
    at.run()
    at.radio(key="rap_cat").set_value("skadegorelse").run()
    at.radio(key="rap_sub").set_value("klotter").run()
    at.radio(key="rap_obj").set_value("busshallplats").run()
    at.selectbox(key="rap_place").set_value(place).run()
    at.button(key="rap_send").click().run()
    assert store.scalar("SELECT count(*) FROM incidents WHERE client_token = :t", {"t": token}) == 1
    mine = next(df for df in at.dataframe if "Kategori" in df.value.columns)
    assert "Skadegörelse" in mine.value["Kategori"].tolist()


def test_a_point_outside_the_municipality_is_refused_on_the_page(as_role, cleanup):
    at = _open(as_role)
    cleanup.append(at.session_state["rap_token"])
    at.session_state["rap_point"] = {
        "x": 640000.0,
        "y": 6660000.0,
        "lon": 17.7,
        "lat": 60.05,
        "label": "Långt bort",
    }
    at.run()
    assert any("utanför Östans kommun" in e.value for e in at.error)
    at.radio(key="rap_cat").set_value("otrygg_plats").run()
    at.radio(key="rap_sub").set_value("belysning").run()
    at.button(key="rap_send").click().run()
    assert not at.success
    assert (
        store.scalar(
            "SELECT count(*) FROM incidents WHERE client_token = :t",
            {"t": at.session_state["rap_token"]},
        )
        == 0
    )


def _fill_valid_report(at):
    at.radio(key="rap_cat").set_value("otrygg_plats").run()
    at.radio(key="rap_sub").set_value("belysning").run()
    place = next(o for o in at.selectbox(key="rap_place").options if o.startswith("Stora torget"))
    at.selectbox(key="rap_place").set_value(place).run()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mannen, 19121212 1212, slog sönder lampan",
            "Beskrivningen ser ut att innehålla ett personnummer (”19121212 1212”). "
            "Skriv inga personuppgifter",
        ),
        (
            "Lampan trasig\x00 igen",
            "Beskrivningen innehåller ett tecken som inte kan sparas: NUL (U+0000) vid tecken 14.",
        ),
        (
            "Ring Anna på 070-123 45 67",
            "Beskrivningen ser ut att innehålla ett telefonnummer (”070-123 45 67”).",
        ),
    ],
    ids=["personnummer-with-space", "nul-byte", "phone"],
)
def test_personal_data_and_control_characters_are_refused_in_swedish_and_nothing_is_stored(
    as_role, cleanup, text, expected
):
    at = _open(as_role)
    token = at.session_state["rap_token"]
    cleanup.append(token)
    _fill_valid_report(at)
    at.text_area(key="rap_text").input(text).run()
    at.button(key="rap_send").click().run()
    assert not at.exception, at.exception  # no English error box (psycopg refuses NUL)
    assert not at.success
    errors = [e.value for e in at.error]
    assert any(expected in e for e in errors), errors
    assert "personnummer" not in expected or "telefonnummer" not in " ".join(errors)
    assert at.text_area(key="rap_text").value == text  # the reporter's text is kept to correct
    assert store.scalar("SELECT count(*) FROM incidents WHERE client_token = :t", {"t": token}) == 0
