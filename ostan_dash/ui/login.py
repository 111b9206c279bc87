"""The login gate around streamlit-authenticator, following the measured facts in shared/notes/login.md."""

from __future__ import annotations

import copy
import logging
import os
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from ostan_dash import auth, config
from ostan_dash.ui import navigation, texts

COOKIE_NAME = "ostan_dash_auth"
OIDC_BUTTON = "Logga in med organisationens konto"
log = logging.getLogger(__name__)


def _secret_cookie_key() -> str | None:
    """``[auth] cookie_key`` from secrets.toml, if there is one."""
    try:
        return st.secrets.get("auth", {}).get("cookie_key")
    except Exception:  # noqa: BLE001 - no or unreadable secrets.toml: fall back to the environment
        return None


def _auth_section() -> Mapping | None:
    """secrets.toml's ``[auth]``, or None when there is none (or it cannot be read)."""
    try:
        return st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no or unreadable secrets.toml: local accounts only
        return None


def oidc_providers() -> list[str | None]:
    """The OIDC providers configured for st.login (empty: local accounts only, as before)."""
    return auth.oidc_providers(_auth_section())


def oidc_logged_in() -> bool:
    """Whether this session came with the organisation's login (st.user), OIDC being on."""
    if not oidc_providers():
        return False
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # noqa: BLE001 - no request context (AppTest without auth)
        return False


def _oidc_buttons() -> None:
    """Beside the local form: one button per configured provider that starts st.login."""
    providers = oidc_providers()
    if not providers:
        return
    st.markdown("**eller**")
    for name in providers:
        label = OIDC_BUTTON if len(providers) == 1 else f"{OIDC_BUTTON} ({name})"
        st.button(
            label,
            key=f"ostan_oidc_{name}",
            on_click=_start_oidc,
            args=() if name is None else (name,),
            type="primary",
        )


XSRF_COOKIE = "_streamlit_xsrf"


def _browser_key() -> str | None:
    """This browser's key across the OIDC redirect (auth.browser_key), if it can be told."""
    try:
        return auth.browser_key(st.context.cookies.get(XSRF_COOKIE))
    except Exception:  # noqa: BLE001 - no request context (AppTest): no way back, the home page
        return None


def _start_oidc(*provider: str) -> None:
    """Button callback: remember the page and filters the login starts at, then st.login.
    Streamlit's callback brings everyone back to "/"; :func:`return_to` goes on from there."""
    key = _browser_key()
    url_path = auth.page_of_url(st.context.url)
    if key and url_path:
        query = {k: st.query_params.get_all(k) for k in st.query_params}
        auth.remember_destination(key, url_path, query)
    st.login(*provider)


def return_to(allowed: list[navigation.PageSpec]) -> None:
    """Right after a login with the organisation's account: open the page (with its filters) the
    login started at, when the role may open it; otherwise stay on the home page."""
    destination = st.session_state.pop("ostan_return_to", None)
    if destination is None:
        return
    url_path, query = destination
    page = next((p for p in allowed if p.url_path == url_path), None)
    if page is not None:
        st.switch_page(page.path, query_params=query)


def _oidc_gate(key: str, keep_address: Callable[[], object]) -> auth.User:
    """The organisation's login: the identity from st.user, the user from our users table, the
    session from user_sessions (auth.oidc_session); anything else ends in a Swedish refusal."""
    if st.session_state.pop("ostan_logout_requested", False):
        st.logout()  # clears the cookie, ends the provider's session, back to the form
        st.stop()
    identity = auth.oidc_identity(st.user.to_dict())
    user, reason = (None, auth.OIDC_INCOMPLETE) if identity is None else auth.oidc_user(identity)
    if user is None:
        if identity is not None and not st.session_state.get("ostan_oidc_refused"):
            log.warning(
                "OIDC-inloggning nekad (%s): utfärdare %s, subjekt %s, e-post %s",
                reason,
                identity.issuer,
                identity.subject,
                identity.email,
            )
            auth.record_oidc_refusal(identity, reason or "")
            st.session_state["ostan_oidc_refused"] = True
        st.error(reason)
        st.button(texts.LOGOUT, key="ostan_oidc_logout", on_click=st.logout)
        keep_address()
        st.stop()
    sid = st.session_state.get("ostan_sid") or auth.oidc_session_id(identity, key)
    if not auth.oidc_session(sid, user, identity):
        st.session_state.pop("ostan_sid", None)
        st.warning(texts.LOGIN_EXPIRED)
        st.button(OIDC_BUTTON, key="ostan_oidc_again", on_click=_start_oidc, args=_provider_args())
        st.button(texts.LOGOUT, key="ostan_oidc_logout", on_click=st.logout)
        keep_address()
        st.stop()
    if "ostan_sid" not in st.session_state:  # the first run after the provider sent us back
        destination = auth.take_destination(_browser_key())
        if destination is not None:
            st.session_state["ostan_return_to"] = destination
    st.session_state["ostan_sid"] = sid
    return user


def _provider_args() -> tuple:
    """st.login's argument for the provider this session logged in with."""
    try:
        provider = st.user.to_dict().get("provider")
    except Exception:  # noqa: BLE001
        provider = None
    return (provider,) if provider and provider != "default" else ()


def _client() -> str:
    """Who a login attempt is counted against: the connection's address (or, behind a proxy,
    the header named in ``OSTAN_CLIENT_IP_HEADER``), else this browser session (auth.client_key)."""
    session = st.session_state.setdefault("ostan_client_session", secrets.token_hex(16))
    try:
        ip, headers = st.context.ip_address, dict(st.context.headers)
    except Exception:  # noqa: BLE001 - no request context (AppTest): count per session
        ip, headers = None, {}
    return auth.client_key(
        ip, headers, session, trusted_header=os.environ.get("OSTAN_CLIENT_IP_HEADER") or None
    )


TICKET = "ostan_login_ticket"
"""Session-state key of the database's one-time login ticket (``auth.login_ticket``), given
when the password passes and spent when the login's session is opened (``auth.open_session``).
The cookie that names the session may arrive a run later, so it cannot live in the run alone;
it goes at its first use and whenever a run ends with nobody logged in. Never the password."""


def _guard(authenticator: stauth.Authenticate) -> None:
    """Wrap the password check: backoff per (username, client), equal time for unknown users,
    audit. During a wait the password is not checked and the wait does not grow (auth.py).
    A password that passes is checked once more by the database, whose ticket (:data:`TICKET`)
    opens the session."""
    controller = authenticator.authentication_controller
    original = controller.login
    model = controller.authentication_model

    def refuse(message: str | None) -> bool:
        st.session_state["authentication_status"] = False
        if message:
            st.session_state["ostan_login_error"] = message
        return False

    def guarded(
        username: str | None = None, password: str | None = None, *args: Any, **kwargs: Any
    ):
        if kwargs.get("token") is not None or not (username and password):
            return original(username, password, *args, **kwargs)
        name = username.lower().strip()
        client = _client()
        wait = auth.login_wait(name, client)
        if wait:
            auth.record_attempt(name, client, auth.REFUSED)
            return refuse(texts.LOGIN_WAIT.format(tid=auth.delay_text(wait)))
        if name in model.credentials["usernames"]:
            ok = bool(original(username, password, *args, **kwargs))
        else:
            auth.burn_dummy_check(password)
            ok = False
        auth.record_attempt(name, client, auth.SUCCESS if ok else auth.FAILURE)
        if ok:
            # The database's own check, before the cookie is written (its component's rerun
            # must not find this run still busy): a ticket that opens the session.
            ticket = auth.login_ticket(name, password)
            if ticket is None:
                return refuse(None)
            st.session_state[TICKET] = ticket
            return True
        wait = auth.login_wait(name, client)
        return refuse(texts.LOGIN_FAILED_WAIT.format(tid=auth.delay_text(wait)) if wait else None)

    controller.login = guarded


def _login(authenticator: stauth.Authenticate) -> None:
    try:
        authenticator.login(location="main", fields=texts.LOGIN_FIELDS, key="ostan_login")
    except (jwt.exceptions.PyJWTError, LoginError, KeyError, TypeError):
        # A forged, malformed or stale cookie (e.g. ``alg: none``) means: logged out.
        st.session_state["authentication_status"] = None
        st.session_state["logout"] = True
        authenticator.login(location="main", fields=texts.LOGIN_FIELDS, key="ostan_login")


def _session_valid(authenticator: stauth.Authenticate, key: str, user: auth.User) -> bool:
    sid = st.session_state.get("ostan_sid")
    if sid is None:
        cookie = authenticator.cookie_controller.cookie_model
        if cookie.exp_date:  # fresh login through the form in this run
            sid = auth.session_id(user.username, cookie.exp_date, key)
            auth.open_session(sid, user.id, st.session_state.pop(TICKET, ""))
        elif isinstance(cookie.token, dict) and "exp_date" in cookie.token:
            sid = auth.session_id(user.username, cookie.token["exp_date"], key)
        else:
            return False
        st.session_state["ostan_sid"] = sid
    return auth.check_session(sid)


def _checked_user(authenticator: stauth.Authenticate, key: str, username: str) -> auth.User | None:
    """The logged-in user if their login session is valid: asked of the database at most once
    per :data:`auth.RECHECK` for the same session (the database checks it again on every
    transaction with data), else ``None``."""
    checked = st.session_state.get("ostan_checked")
    sid = st.session_state.get("ostan_sid")
    if isinstance(checked, auth.Checked) and sid and checked.still(sid, username, time.monotonic()):
        return auth.relied_on(checked)
    st.session_state.pop("ostan_checked", None)
    user = auth.user(username)
    if user is None or not _session_valid(authenticator, key, user):
        return None
    st.session_state["ostan_checked"] = auth.Checked(
        st.session_state["ostan_sid"], user, time.monotonic()
    )
    return user


def _credentials() -> dict:
    """The login library's credentials (``auth.credentials``): read from the database on the
    login form and at most once per :data:`auth.RECHECK` while the same login session is
    logged in (issue 14: not on every click). A fresh copy each run, as the library changes it
    in place; the password hashes stay in the server's session memory."""
    sid = st.session_state.get("ostan_sid")
    logged_in = bool(st.session_state.get("authentication_status")) and bool(sid)
    now = time.monotonic()
    held = st.session_state.get(_CREDENTIALS)
    window = auth.RECHECK.total_seconds()
    if logged_in and held is not None and held[0] == sid and 0 <= now - held[1] < window:
        return copy.deepcopy(held[2])
    fresh = auth.credentials()
    if logged_in:
        st.session_state[_CREDENTIALS] = (sid, now, copy.deepcopy(fresh))
    else:
        st.session_state.pop(_CREDENTIALS, None)
    return fresh


_CREDENTIALS = "ostan_credentials"


def gate(*, keep_address: Callable[[], object] = lambda: None) -> auth.User:
    """Show the login form until a valid user is logged in; return that user (else ``st.stop``).

    ``keep_address`` runs before the stop while the form is shown: ``app.py`` registers the pages
    there, hidden and never run, so the address a person came with (a QR code to /rapportera, a
    shared /karta?omrade=F01) is still the address when the form is sent, and the router opens that
    page after login instead of the default one.
    """
    try:
        key = auth.cookie_key(_secret_cookie_key())
    except auth.WeakKeyError:
        st.error(texts.WEAK_KEY)
        st.stop()
    if oidc_logged_in():
        return _oidc_gate(key, keep_address)
    authenticator = stauth.Authenticate(
        _credentials(),
        COOKIE_NAME,
        key,
        cookie_expiry_days=auth.ABSOLUTE_TIMEOUT.total_seconds() / 86400,
        auto_hash=False,
        login_sleep_time=0,
    )
    _guard(authenticator)
    if st.session_state.pop("ostan_logout_requested", False) and st.session_state.get(
        "authentication_status"
    ):
        authenticator.logout(location="unrendered")
    _login(authenticator)

    user = None
    if st.session_state.get("authentication_status"):
        user = _checked_user(authenticator, key, st.session_state["username"])
        if user is None:
            st.session_state.pop("ostan_sid", None)
            authenticator.logout(location="unrendered")
            st.warning(texts.LOGIN_EXPIRED)
            _login(authenticator)
            user = None
    if user is None:
        st.session_state.pop(TICKET, None)
        if st.session_state.get("authentication_status") is False:
            st.error(st.session_state.pop("ostan_login_error", texts.LOGIN_FAILED))
        _oidc_buttons()
        if config.demo_mode():
            st.info(texts.LOGIN_DEMO_HINT)
        keep_address()
        st.stop()
    return user


def _request_logout() -> None:
    """Button callback (runs before the next script run): revoke the server session at once."""
    sid = st.session_state.pop("ostan_sid", None)
    st.session_state.pop("ostan_checked", None)
    st.session_state.pop(_CREDENTIALS, None)
    if sid:
        auth.revoke_session(sid)
    st.session_state["ostan_logout_requested"] = True


def logout_button() -> None:
    """Log out: the server session is revoked in the click's callback; the next run's gate then
    lets the library delete the cookie and shows the login form (no st.rerun: login.md)."""
    st.sidebar.button(texts.LOGOUT, key="ostan_logout", on_click=_request_logout)


def page_user(url_path: str) -> auth.User:
    """The logged-in user, if their role may open the page at ``url_path``; else stop the run.

    Every page script calls this first. The router in ``app.py`` only offers the pages a role may
    see, but a page script must never draw anything on its own, whatever path led to it (a script
    served outside the router, a stale session): access is decided twice (STYLE.md).
    """
    user = st.session_state.get("user")
    if user is None or not navigation.may_open(user.role, url_path):
        st.error(texts.NO_ACCESS)
        st.stop()
    return user
