"""Mina bevakningar at the foot of Översikt: a user adds, sees, pauses and removes their own."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ostan_dash.ui.alert_views import OPEN_KEY

pytestmark = [pytest.mark.app, pytest.mark.db]

ADDRESS = "bevakning-apptest@example.se"


@pytest.fixture
def clean(engine):
    yield
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM alert_subscriptions WHERE email = :e"), {"e": ADDRESS})


def _form(at):
    return {s.label: s for s in at.selectbox}, {t.label: t for t in at.text_input}


def _submit(at):
    next(b for b in at.button if b.label == "Bevaka").click()
    at.run()


def test_a_user_adds_pauses_and_removes_a_subscription(as_role, engine, clean):
    at = as_role("lasare")
    assert not at.exception, at.exception
    assert any(e.label == "Mina bevakningar" for e in at.expander)
    assert "E-post" not in _form(at)[1]  # closed: nothing inside is drawn (nor read)
    at.session_state[OPEN_KEY] = True  # the user opens it
    at.run()
    selects, inputs = _form(at)
    selects["Villkor"].select("kategori_hog")
    selects["Kategori (för kategori över det förväntade)"].select("skadegorelse")
    inputs["E-post"].input("inte en adress")
    _submit(at)
    assert any("giltig e-postadress" in e.value for e in at.error)

    selects, inputs = _form(at)
    selects["Villkor"].select("kategori_hog")
    selects["Kategori (för kategori över det förväntade)"].select("skadegorelse")
    inputs["E-post"].input(ADDRESS)
    _submit(at)
    assert not at.exception, at.exception
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT u.username, s.kind, s.category, s.area_id, s.active "
                "FROM alert_subscriptions s JOIN users u ON u.id = s.user_id WHERE s.email = :e"
            ),
            {"e": ADDRESS},
        ).one()
    assert tuple(row) == ("lasare", "kategori_hog", "skadegorelse", None, True)
    mine = next(d.value for d in at.dataframe if "Bevakning" in d.value.columns)
    assert list(mine["Bevakning"]) == ["Skadegörelse över det förväntade i hela kommunen"]
    assert list(mine["Status"]) == ["Aktiv"]

    next(b for b in at.button if b.label == "Pausa").click()
    at.run()
    mine = next(d.value for d in at.dataframe if "Bevakning" in d.value.columns)
    assert list(mine["Status"]) == ["Pausad"]

    next(b for b in at.button if b.label == "Ta bort").click()
    at.run()
    assert not at.exception
    with engine.connect() as conn:
        n = conn.execute(
            sa.text("SELECT count(*) FROM alert_subscriptions WHERE email = :e"), {"e": ADDRESS}
        ).scalar_one()
    assert n == 0
