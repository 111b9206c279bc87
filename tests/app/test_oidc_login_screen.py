"""The login screen with and without an OIDC configuration, and the administrator's form that
ties a user to the organisation's account (AppTest on app.py and content/admin.py)."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from ostan_dash import auth
from ostan_dash.store import begin
from tests.app.conftest import APP

pytestmark = pytest.mark.app

BUTTON = "Logga in med organisationens konto"
ISS = "https://login.microsoftonline.com/test-tenant/v2.0"


def _login_screen(auth_section: dict | None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    if auth_section is not None:
        at.secrets["auth"] = auth_section
    at.run()
    assert not at.exception, at.exception
    return at


def test_without_oidc_only_the_local_form():
    at = _login_screen(None)
    assert [b.label for b in at.button if b.label == BUTTON] == []
    assert any(t.label == "Användarnamn" for t in at.text_input)


def test_with_oidc_the_button_beside_the_local_form():
    at = _login_screen(
        {
            "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
            "cookie_secret": secrets.token_urlsafe(32),
            "entra": {
                "client_id": "ostan-dash",
                "client_secret": "hemligt",
                "server_metadata_url": f"{ISS}/.well-known/openid-configuration",
            },
        }
    )
    assert [b.label for b in at.button if b.label == BUTTON] == [BUTTON]
    assert any(t.label == "Användarnamn" for t in at.text_input)


@pytest.fixture
def new_name():
    name = f"h13-oidc-ny-{secrets.token_hex(3)}"
    yield name
    with begin() as conn:
        for q in (
            "DELETE FROM audit_log WHERE details->>'användarnamn' = :u OR username = :u",
            "DELETE FROM users WHERE username = :u",
        ):
            conn.execute(sa.text(q), {"u": name})


def test_admin_ties_a_new_user_to_the_organisations_account(as_role, new_name):
    at = as_role("admin")
    at.switch_page("content/admin.py").run()
    assert not at.exception, at.exception
    fields = {t.label: t for t in at.text_input}
    fields["Användarnamn"].input(new_name)
    fields["Namn"].input("Test Testsson")
    fields["Första lösenord"].input("ett långt lösenord 42")
    fields["E-post för organisationens konto (frivilligt)"].input(f" {new_name}@Ostan.invalid ")
    next(b for b in at.button if b.label == "Skapa användare").click()
    at.run()
    assert not at.exception, at.exception
    with begin() as conn:
        uid, mail = conn.execute(
            sa.text("SELECT id, oidc_email FROM users WHERE username = :u"), {"u": new_name}
        ).one()
    assert mail == f"{new_name}@ostan.invalid"

    at.selectbox(key="admin_user").set_value(uid).run()
    fields = {t.label: t for t in at.text_input}
    fields["Utfärdare (iss)"].input(ISS)
    next(b for b in at.button if b.label == "Spara organisationens konto").click()
    at.run()
    assert any("både utfärdare och subjekt" in e.value for e in at.error)

    fields = {t.label: t for t in at.text_input}
    fields["Utfärdare (iss)"].input(ISS)
    fields["Subjekt (sub)"].input("objekt-123")
    next(b for b in at.button if b.label == "Spara organisationens konto").click()
    at.run()
    assert any(f"Organisationens konto för {new_name} är sparat" in s.value for s in at.success)
    identity = auth.oidc_identity({"iss": ISS, "sub": "objekt-123"})
    found, reason = auth.oidc_user(identity)
    assert reason is None and found.username == new_name
