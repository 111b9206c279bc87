"""Tables and actions of the Administration page: Swedish columns for the users and
organisations, and button callbacks that call :mod:`ostan_dash.auth` and leave a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from ostan_dash import auth, retention, vocab

FLASH = "admin_flash"


def users_table(users: pl.DataFrame) -> pl.DataFrame:
    """The users as the page shows them: Swedish headings, labels and dates."""

    def when(col: str) -> pl.Expr:
        return pl.col(col).dt.strftime("%Y-%m-%d %H:%M").fill_null("–")

    return users.select(
        pl.col("username").alias("Användarnamn"),
        pl.col("display_name").alias("Namn"),
        pl.col("role").replace_strict(vocab.ROLES, default=pl.col("role")).alias("Roll"),
        pl.col("organisation").alias("Organisation"),
        pl.when(pl.col("active")).then(pl.lit("Ja")).otherwise(pl.lit("Nej")).alias("Aktiv"),
        pl.coalesce("oidc_email", "oidc_subject", pl.lit("–")).alias("Organisationens konto"),
        when("last_login_at").alias("Senaste inloggning"),
        pl.col("failures").alias("Misslyckade inloggningar (24 h)"),
        pl.col("open_sessions").alias("Öppna sessioner"),
    )


def organisations_table(orgs: pl.DataFrame) -> pl.DataFrame:
    """The organisations with Swedish headings and kinds."""
    return orgs.select(
        pl.col("name").alias("Organisation"),
        pl.col("kind")
        .replace_strict(vocab.ORGANISATION_KINDS, default=pl.col("kind"))
        .alias("Typ"),
        pl.col("active_users").alias("Aktiva användare"),
    )


def flash() -> None:
    """Show the message the last action left (success or error)."""
    kind, message = st.session_state.pop(FLASH, (None, None))
    if kind == "ok":
        st.success(message)
    elif kind == "fel":
        st.error(message)


def act(action: Callable[[], Any], done: Callable[[Any], str]) -> None:
    """Run ``action``; leave ``done(result)`` as a success, or the refusal as an error."""
    try:
        result = action()
    except (auth.AccountError, ValueError) as e:
        st.session_state[FLASH] = ("fel", str(e))
    else:
        st.session_state[FLASH] = ("ok", done(result))


def policy_from_state(prefix: str) -> retention.Policy:
    """The retention policy from the page's three number inputs."""
    return retention.Policy(
        fritext_manader=int(st.session_state[f"{prefix}_text"]),
        aggregera_efter_ar=int(st.session_state[f"{prefix}_agg"]),
        inloggningsforsok_dagar=int(st.session_state[f"{prefix}_att"]),
    )


def create_user(admin: auth.User, *, oidc_email: str, **fields: Any) -> int:
    """A new user (auth.create_user) tied at once to a verified e-mail address at the
    organisation's login, when one is given."""
    new_id = auth.create_user(admin, **fields)
    if oidc_email.strip():
        auth.set_oidc_identity(admin, new_id, issuer="", subject="", email=oidc_email)
    return new_id
