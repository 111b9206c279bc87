"""Östan-dash: page config, login gate and the navigation this user's role may see."""

import logging

import streamlit as st
from sqlalchemy.exc import OperationalError

from ostan_dash import store, vocab
from ostan_dash.ui import login, navigation, swedish, texts

log = logging.getLogger("ostan_dash.app")
if not logging.getLogger("ostan_dash").handlers:  # once per server process: our log to stderr
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("ostan_dash").addHandler(_handler)
    logging.getLogger("ostan_dash").setLevel(logging.INFO)

st.set_page_config(page_title=texts.APP_TITLE, page_icon="🛡️", layout="wide")
swedish.install()  # Streamlit's own English texts in Swedish (see ui/swedish.py)


def pages(specs: list[navigation.PageSpec]) -> list[st.Page]:
    """``st.Page`` objects for these specs; the first is the default page at "/", the public
    page comes last.

    Streamlit serves the default page only at "/" (its ``url_path`` is ignored), so a link to
    /oversikt or a reporter's /rapportera would say "Page not found". The default page therefore
    also gets a hidden twin at its own address.
    """
    home, *rest = specs
    return [
        st.Page(home.path, title=home.title, icon=home.icon, url_path="start", default=True),
        st.Page(home.path, title=home.title, url_path=home.url_path, visibility="hidden"),
        *(st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path) for p in rest),
        public_page(),
    ]


def public_page() -> st.Page:
    """The public page for citizens (/offentlig): it runs with or without a login."""
    spec = navigation.PUBLIC
    return st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path)


def login_form() -> None:
    """The default page while logged out: the form itself is drawn by login.gate."""


def keep_address() -> st.Page:
    """While logged out: every page registered, hidden and not run (see login.gate), and the
    public page. The default is the form, so that after login "/" opens the role's own home
    page. Returns the page the address asks for."""
    everything = [st.Page(p.path, title=p.title, url_path=p.url_path) for p in navigation.PAGES]
    return st.navigation(
        [st.Page(login_form, title="Logga in", default=True), public_page(), *everything],
        position="hidden",
    )


store.bind(None, None)  # the login runs as the web login itself
address_kept = False
if not st.session_state.get("authentication_status") and not login.oidc_logged_in():
    # Not logged in (or not yet known in this session): /offentlig is the one address that
    # opens without login, so it is decided here, before the form is drawn. The page reads only
    # what is published, as the database role ostan_offentlig (store.public), never as a user.
    requested = keep_address()
    address_kept = True
    if requested.url_path == navigation.PUBLIC.url_path:
        try:
            requested.run()
        except OperationalError:
            st.error(texts.DB_DOWN)
        st.stop()
try:
    # keep_address has already run in this case. Should this run log the user in (the form
    # or the cookie), the role's navigation below replaces the hidden one: st.navigation
    # resolves the same address again (tests/e2e/test_login_e2e.py keeps deep links).
    user = login.gate(keep_address=(lambda: None) if address_kept else keep_address)
except OperationalError:
    st.error(texts.DB_DOWN)
    st.stop()

st.session_state["user"] = user
store.bind(user.id, user.role)  # everything after this runs under the user's role (RLS)
nav = st.navigation(pages(navigation.pages_for(user.role)))
login.return_to(navigation.pages_for(user.role))  # after OIDC: the deep link the login began at
with st.sidebar:
    st.markdown(f"**{user.name}**  \n{vocab.ROLES[user.role]}, {user.organisation}")
    login.logout_button()
try:
    nav.run()
except OperationalError:
    log.exception("Databasen svarade inte på sidan %s (/%s)", nav.title, nav.url_path)
    st.error(texts.DB_DOWN)
except Exception:  # Streamlit's stop and rerun are BaseExceptions and pass through
    # Never a stack trace on screen (showErrorDetails = "none" only hides its details): a Swedish
    # message for the user, the trace in the server's log.
    log.exception("Sidan %s (/%s) kunde inte visas för %s", nav.title, nav.url_path, user.username)
    st.error(texts.PAGE_FAILED)
