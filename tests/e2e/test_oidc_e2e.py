"""Login with the organisation's account (OIDC, st.login) in headless Chromium, fully offline.

The provider is ``oidc-provider-mock`` on 127.0.0.1 inside this test process; a second app server
of its own gets ``[auth]`` + ``[auth.entra]`` in a secrets.toml in a temporary directory (the
session's ``server`` fixture stays without OIDC). A person known to our users table logs in
through the provider's form and sees their home page with the role from our database; an unknown
subject sees the Swedish refusal; logout revokes the server-side session and clears the cookie.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ostan_dash import auth, store, vocab
from ostan_dash.ui.navigation import pages_for
from tests.e2e.conftest import _free_port, serve, settled, shot

pytestmark = pytest.mark.e2e

USERNAME = "oidc-e2e"  # one row reused by every run; its identity is set anew for each provider
SUBJECT = "entra-objekt-4711"
ROLE = "analytiker"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The mock OIDC provider on a free loopback port; yields its issuer URL."""
    import oidc_provider_mock
    import werkzeug.serving

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback, test only
    app = oidc_provider_mock.app(
        user_claims=[
            oidc_provider_mock.User(
                sub=SUBJECT,
                claims={"email": "anna.analytiker@ostan.invalid", "email_verified": True},
            )
        ]
    )
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture(scope="module")
def known_user(provider) -> auth.User:
    """A user of our own database tied to (the mock's issuer, SUBJECT), role ROLE."""
    admin = auth.user("admin")
    assert admin is not None, "demodata saknas (användaren admin)"
    row = auth.user(USERNAME)
    if row is None:
        with store.begin() as conn:
            existing = conn.execute(
                sa.text("SELECT id FROM users WHERE username = :u"), {"u": USERNAME}
            ).scalar()
        if existing is None:
            auth.create_user(
                admin,
                username=USERNAME,
                display_name="Anna Analytiker (OIDC)",
                role=ROLE,
                organisation_id=admin.organisation_id,
                password=secrets.token_urlsafe(24),
            )
        else:
            auth.set_active(admin, existing, active=True)
        row = auth.user(USERNAME)
    auth.change_role(admin, row.id, role=ROLE, organisation_id=admin.organisation_id)
    auth.set_oidc_identity(admin, row.id, issuer=provider, subject=SUBJECT, email="")
    return auth.user(USERNAME)


@contextlib.contextmanager
def oidc_server(issuer: str, tmp: Path) -> Iterator[str]:
    """``streamlit run app.py`` (tests/e2e/conftest.serve, on the app's own database login)
    with an OIDC configuration pointing at ``issuer``; yields the base URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    secrets_file = tmp / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'cookie_key = "{secrets.token_urlsafe(48)}"\n'  # the local accounts' key beside OIDC
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        "[auth.entra]\n"
        'client_id = "ostan-dash-test"\n'
        f'client_secret = "{secrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
    )
    with serve(
        "streamlit-oidc",
        port=port,
        extra_env={"AUTHLIB_INSECURE_TRANSPORT": "1"},
        extra_args=("--secrets.files", str(secrets_file)),
    ) as served:
        yield served


@pytest.fixture(scope="module")
def app_url(provider, tmp_path_factory) -> Iterator[str]:
    with oidc_server(provider, tmp_path_factory.mktemp("oidc")) as url:
        yield url


def _open_sessions(user_id: int) -> int:
    with store.begin() as conn:
        return int(
            conn.execute(
                sa.text(
                    "SELECT count(*) FROM user_sessions WHERE user_id = :u AND revoked_at IS NULL"
                ),
                {"u": user_id},
            ).scalar_one()
        )


def _provider_login(page, app_url: str, subject: str, *, predefined: bool) -> None:
    """From the app's login screen through the provider's form as ``subject``."""
    page.goto(app_url)
    page.get_by_role("button", name="Logga in med organisationens konto").click()
    page.get_by_role("heading", name="Authorize Client").wait_for()
    if predefined:
        page.get_by_role("button", name=subject, exact=True).click()
    else:
        page.get_by_placeholder("sub").fill(subject)
        page.get_by_role("button", name="Authorize", exact=True).click()


def test_the_local_form_and_the_organisation_button_side_by_side(app_url, page):
    page.goto(app_url)
    page.get_by_label("Användarnamn").first.wait_for()
    page.get_by_role("button", name="Logga in med organisationens konto").wait_for()
    shot(page, "oidc-inloggning")


def test_a_local_account_still_logs_in_beside_oidc(app_url, page):
    page.goto(app_url)
    page.get_by_label("Användarnamn").fill("lasare")
    page.get_by_label("Lösenord").fill("ostan-demo")
    page.get_by_role("button", name="Logga in", exact=True).click()
    page.get_by_role("heading", name=pages_for("lasare")[0].title).first.wait_for()
    page.get_by_test_id("stSidebar").get_by_text(vocab.ROLES["lasare"]).first.wait_for()


def test_a_known_person_logs_in_sees_the_role_and_logs_out(app_url, known_user, page):
    before = _open_sessions(known_user.id)
    _provider_login(page, app_url, SUBJECT, predefined=True)
    page.get_by_role("heading", name=pages_for(ROLE)[0].title).first.wait_for()
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text(f"{vocab.ROLES[ROLE]}, {known_user.organisation}").wait_for()
    sidebar.get_by_text(known_user.name).first.wait_for()
    assert _open_sessions(known_user.id) == before + 1
    shot(page, "oidc-inloggad")

    settled(page)
    sidebar.get_by_role("button", name="Logga ut").click()
    # The mock provider asks to confirm the end of its session, then sends the browser back.
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="Logga in med organisationens konto").wait_for()
    assert _open_sessions(known_user.id) == before
    assert not any(c["name"].startswith("_streamlit_user") for c in page.context.cookies())
    page.goto(app_url)
    page.get_by_label("Användarnamn").first.wait_for()
    assert page.get_by_role("heading", name=pages_for(ROLE)[0].title).count() == 0


def test_an_administrators_revocation_ends_the_oidc_session(app_url, known_user, page):
    _provider_login(page, app_url, SUBJECT, predefined=True)
    page.get_by_role("heading", name=pages_for(ROLE)[0].title).first.wait_for()
    admin = auth.user("admin")
    assert auth.revoke_sessions(admin, known_user.id) >= 1
    page.reload()
    page.get_by_text("Din session har avslutats").first.wait_for()
    assert page.get_by_role("heading", name=pages_for(ROLE)[0].title).count() == 0


def test_an_unknown_subject_is_refused_in_swedish(app_url, page):
    stranger = f"okand-{secrets.token_hex(4)}"
    _provider_login(page, app_url, stranger, predefined=False)
    page.get_by_text(
        "Ditt konto finns inte i Östan-dash – be administratören lägga till det"
    ).wait_for()
    assert page.get_by_role("heading", name="Översikt").count() == 0
    shot(page, "oidc-okand")
    with store.begin() as conn:
        logged = conn.execute(
            sa.text(
                "SELECT count(*) FROM audit_log WHERE action = :a AND details->>'subjekt' = :s"
            ),
            {"a": "inloggning med organisationens konto nekad", "s": stranger},
        ).scalar_one()
    assert logged == 1


def test_an_inactive_account_is_refused(app_url, known_user, page):
    admin = auth.user("admin")
    auth.set_active(admin, known_user.id, active=False)
    try:
        _provider_login(page, app_url, SUBJECT, predefined=True)
        page.get_by_text(auth.OIDC_INACTIVE.rstrip(".")).wait_for()
        assert page.get_by_role("heading", name=pages_for(ROLE)[0].title).count() == 0
    finally:
        auth.set_active(admin, known_user.id, active=True)


def test_a_deep_link_survives_the_organisations_login(app_url, known_user, page):
    """A shared address with filters, opened logged out, is where the person lands after the
    provider, although Streamlit's callback itself always sends the browser to "/"."""
    page.goto(f"{app_url}/karta?omrade=F01")
    page.get_by_role("button", name="Logga in med organisationens konto").click()
    page.get_by_role("heading", name="Authorize Client").wait_for()
    page.get_by_role("button", name=SUBJECT, exact=True).click()
    page.get_by_role("heading", name="Karta och tider").first.wait_for()
    assert "/karta" in page.url and "omrade=F01" in page.url
    shot(page, "oidc-djuplank")
