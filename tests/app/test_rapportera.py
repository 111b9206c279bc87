"""Rapportera in AppTest: a reporter files a report from the form, sees it under Mina rapporter,
and a point outside the municipality is refused on the page."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ostan_dash import config, store
from ostan_dash.analysis import time_shortcuts
from ostan_dash.ingest import reports
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
    # Issue 12: the place in words, by its nearest demo street, before the coordinates.
    from ostan_dash.demo import streets as demo_streets

    chosen = next(m.value for m in at.markdown if "Vald plats" in m.value)
    assert any(f" · {name}" in chosen for name in demo_streets.network()["name"]), chosen
    assert chosen.index("SWEREF") > chosen.index(" · ")
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


# --- Issue 12: the reporter's path ------------------------------------------------------------


def _fill_klotter_at_stora_torget(at):
    at.radio(key="rap_cat").set_value("skadegorelse").run()
    at.radio(key="rap_sub").set_value("klotter").run()
    at.radio(key="rap_obj").set_value("busshallplats").run()
    place = next(o for o in at.selectbox(key="rap_place").options if o.startswith("Stora torget"))
    at.selectbox(key="rap_place").set_value(place).run()


@pytest.mark.parametrize(
    ("name", "key"),
    [("Nyss", "rap_quick_nyss"), ("I natt", "rap_quick_natt"), ("I helgen", "rap_quick_helg")],
    ids=["nyss", "i-natt", "i-helgen"],
)
def test_a_time_shortcut_fills_the_window(as_role, name, key):
    at = _open(as_role)
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    now = dt.datetime.now(config.TZ).replace(second=0, microsecond=0)
    t0, t1 = time_shortcuts.shortcut_window(name, now)
    t0, t1 = t0.astimezone(config.TZ), t1.astimezone(config.TZ)
    assert at.radio(key="rap_when").value == "Upptäckt i efterhand (från–till)"
    shown = (
        at.date_input(key="rap_d0").value,
        at.time_input(key="rap_t0").value,
        at.date_input(key="rap_d1").value,
        at.time_input(key="rap_t1").value,
    )
    # Nyss follows the clock: the minute may turn between the click and this line.
    if name == "Nyss":
        assert shown[1].hour in {t0.hour, (t0 - dt.timedelta(minutes=1)).hour}
        assert shown[0] <= t1.date() and shown[2] <= t1.date()
    else:
        assert shown == (t0.date(), t0.time(), t1.date(), t1.time())
        assert any(c.value.startswith(f"{name}: ") for c in at.caption)


def test_the_confirmation_offers_a_new_report_and_my_reports(as_role, cleanup):
    at = _open(as_role)
    cleanup.append(at.session_state["rap_token"])
    _fill_klotter_at_stora_torget(at)
    at.button(key="rap_send").click().run()
    assert any("Rapporten är sparad" in s.value for s in at.success), [e.value for e in at.error]
    assert [at.button(key=k).label for k in ("rap_again", "rap_to_mine")] == [
        "Ny rapport",
        "Mina rapporter",
    ]
    at.button(key="rap_to_mine").click().run()
    assert at.session_state["rap_tab"] == "Mina rapporter"
    at.button(key="rap_again").click().run()
    assert not at.success and at.radio(key="rap_cat").value is None  # an empty form


def _tokens_of(user: str, since) -> list[str]:
    return [
        str(t)
        for t in store.read_frame(
            "SELECT i.client_token FROM incidents i JOIN users u ON u.id = i.reported_by "
            "WHERE u.username = :u AND i.created_at >= :t",
            {"u": user, "t": since},
        )["client_token"].to_list()
    ]


def test_a_repeated_report_warns_and_avbryt_files_nothing_but_skicka_anda_does(as_role, cleanup):
    started = store.scalar("SELECT now()")
    at = _open(as_role)
    cleanup.append(at.session_state["rap_token"])
    _fill_klotter_at_stora_torget(at)
    at.button(key="rap_send").click().run()
    first = at.session_state["rap_done"]
    at.button(key="rap_again").click().run()

    second = at.session_state["rap_token"]
    cleanup.append(second)
    _fill_klotter_at_stora_torget(at)
    at.button(key="rap_send").click().run()
    assert not at.exception, at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "Liknande rapport finns redan" in warning, warning
    assert f"nr {first}" in warning and "Du skickade" in warning
    assert not at.success
    assert (
        store.scalar("SELECT count(*) FROM incidents WHERE client_token = :t", {"t": second}) == 0
    )

    at.button(key="rap_dup_cancel").click().run()
    assert not at.warning
    assert any("skickades inte" in i.value for i in at.info)
    assert (
        store.scalar("SELECT count(*) FROM incidents WHERE client_token = :t", {"t": second}) == 0
    )
    assert len(_tokens_of("rapportor", started)) == 1

    at.button(key="rap_send").click().run()  # the same again: warned again
    assert any("Liknande rapport finns redan" in w.value for w in at.warning)
    at.button(key="rap_dup_send").click().run()
    assert any("Rapporten är sparad" in s.value for s in at.success), [e.value for e in at.error]
    assert (
        store.scalar("SELECT count(*) FROM incidents WHERE client_token = :t", {"t": second}) == 1
    )


def test_a_different_report_at_the_same_place_is_filed_without_a_warning(as_role, cleanup):
    at = _open(as_role)
    cleanup.append(at.session_state["rap_token"])
    _fill_klotter_at_stora_torget(at)
    at.button(key="rap_send").click().run()
    at.button(key="rap_again").click().run()
    cleanup.append(at.session_state["rap_token"])
    _fill_valid_report(at)  # a dark place at Stora torget: another kind of event
    at.button(key="rap_send").click().run()
    assert not at.warning
    assert any("Rapporten är sparad" in s.value for s in at.success)


def _file_directly(username: str) -> tuple[int, str]:
    who = store.read_frame(
        "SELECT id, organisation_id FROM users WHERE username = :u", {"u": username}
    ).row(0, named=True)
    x, y = store.read_frame(
        "SELECT ST_X(p) AS x, ST_Y(p) AS y FROM "
        "(SELECT ST_PointOnSurface(geom) p FROM areas WHERE code = 'C01') s"
    ).row(0)
    now = dt.datetime.now(config.TZ).replace(second=0, microsecond=0)
    # No demo problem picture or intervention covers threats to staff in Centrum today.
    draft = reports.ReportDraft(
        category="incident_mot_anstalld",
        subtype="hotad",
        occurred_from=now - dt.timedelta(hours=1),
        occurred_to=now - dt.timedelta(hours=1),
        x=x,
        y=y,
        client_token=reports.new_token(),
    )
    filed = reports.file_report(
        draft,
        user_id=who["id"],
        username=username,
        organisation_id=who["organisation_id"],
        role="rapportor",
    )
    return filed.id, str(draft.client_token)


def test_my_reports_show_a_status_and_the_time_window_and_place_can_be_corrected(as_role, cleanup):
    rid, token = _file_directly("rapportor")
    cleanup.append(token)
    at = _open(as_role)
    mine = next(df for df in at.dataframe if "Status" in df.value.columns)
    row = mine.value[mine.value["Nr"] == rid]
    assert row["Status"].tolist() == ["Mottagen"]
    assert any("Behandlad" in c.value for c in at.caption)

    yesterday = dt.datetime.now(config.TZ).date() - dt.timedelta(days=1)
    at.date_input(key=f"rap_edit_d0_{rid}").set_value(yesterday)
    at.time_input(key=f"rap_edit_t0_{rid}").set_value(dt.time(22, 0))
    at.date_input(key=f"rap_edit_d1_{rid}").set_value(yesterday)
    at.time_input(key=f"rap_edit_t1_{rid}").set_value(dt.time(23, 30))
    target = store.scalar("SELECT name FROM areas WHERE code <> 'C01' ORDER BY code LIMIT 1")
    at.selectbox(key=f"rap_edit_place_{rid}").set_value(f"Området {target}")
    at.button(key=f"rap_edit_save_{rid}").click().run()
    assert not at.exception, at.exception
    assert any(f"nr {rid} är sparad" in s.value for s in at.success), [e.value for e in at.error]
    stored = store.read_frame(
        "SELECT (i.occurred_from AT TIME ZONE 'Europe/Stockholm') AS t0, "
        "(i.occurred_to AT TIME ZONE 'Europe/Stockholm') AS t1, a.name "
        "FROM incidents i JOIN areas a ON a.id = i.area_id WHERE i.id = :i",
        {"i": rid},
    ).row(0)
    assert stored == (
        dt.datetime.combine(yesterday, dt.time(22, 0)),
        dt.datetime.combine(yesterday, dt.time(23, 30)),
        target,
    )
    audited = store.scalar(
        "SELECT details->'ändrat' FROM audit_log WHERE entity = 'incidents' AND entity_id = :i "
        "AND action = 'rapport ändrad'",
        {"i": str(rid)},
    )
    assert audited == ["tid", "plats"]


def test_another_reporters_report_is_not_offered_for_editing(as_role, cleanup):
    rid, token = _file_directly("rapportor.ostanhem")  # a colleague in the same organisation
    cleanup.append(token)
    at = _open(as_role)
    assert not [b for b in at.button if b.key == f"rap_edit_save_{rid}"]
