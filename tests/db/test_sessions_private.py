"""The login sessions are out of the app's reach (issue 13, ``sql/033_sessions_behind_functions.sql``).

A session's id is the proof ``ostan_identify()`` takes for a user's identity, so whoever reads
the table could act as anyone logged in. The tests connect as the web app's own login
``ostan_app``, before and after taking a user's identity, and try with direct SQL to read or write
``user_sessions``, and what the functions allow instead. Sessions are made by the owner and
removed afterwards; everything the app login does is rolled back.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ostan_dash import store
from ostan_dash.demo.people import DEMO_PASSWORD
from tests.db.conftest import act_as

pytestmark = pytest.mark.db

USERS = ("admin", "analytiker", "rapportor", "lasare")


def _refused(db: Connection, sql: str, params: dict | None = None) -> None:
    with pytest.raises(DBAPIError, match="permission denied"), db.begin_nested():
        db.execute(sa.text(sql), params or {})


@pytest.mark.parametrize("name", [None, *USERS])
def test_nobody_on_the_app_login_reads_or_writes_the_sessions(people, app_db, name):
    """Not the login itself, and no app role with its identity, the administrator included."""
    if name is not None:
        act_as(app_db, people[name])
    other = people["rapportor"]
    _refused(app_db, "SELECT id FROM user_sessions")
    _refused(app_db, "SELECT count(*) FROM user_sessions WHERE user_id = :u", {"u": other["id"]})
    _refused(
        app_db,
        "INSERT INTO user_sessions (id, user_id) VALUES (:s, :u)",
        {"s": secrets.token_hex(32), "u": other["id"]},
    )
    _refused(
        app_db, "UPDATE user_sessions SET last_seen_at = now() WHERE id = :s", {"s": other["sid"]}
    )
    _refused(app_db, "DELETE FROM user_sessions WHERE id = :s", {"s": other["sid"]})


def test_the_login_works_a_session_only_by_its_id(people, app_db):
    me = people["lasare"]
    now = app_db.execute(sa.text("SELECT now()")).scalar_one()
    check = sa.text(
        "SELECT ostan_session_check(:s, :now, interval '30 minutes', interval '8 hours')"
    )
    assert app_db.execute(check, {"s": me["sid"], "now": now}).scalar_one()
    assert not app_db.execute(check, {"s": secrets.token_hex(32), "now": now}).scalar_one()
    assert app_db.execute(sa.text("SELECT ostan_session_known(:s)"), {"s": me["sid"]}).scalar_one()
    # a limit asked beyond 30 minutes idle is held to 30 minutes
    later = now + dt.timedelta(minutes=31)
    assert not app_db.execute(
        sa.text("SELECT ostan_session_check(:s, :now, interval '1 day', interval '1 day')"),
        {"s": me["sid"], "now": later},
    ).scalar_one()
    assert not app_db.execute(check, {"s": me["sid"], "now": now}).scalar_one()  # ended for good
    sid = secrets.token_hex(32)
    opened = sa.text("SELECT ostan_session_open_with_ticket(:s, :u, :t)")
    mine = {"s": sid, "u": me["id"], "t": _ticket(app_db, "lasare", DEMO_PASSWORD)}
    assert app_db.execute(opened, mine).scalar_one()
    assert not app_db.execute(opened, mine).scalar_one()  # a ticket opens one session
    app_db.execute(sa.text("SELECT ostan_session_revoke(:s)"), {"s": sid})
    assert not app_db.execute(check, {"s": sid, "now": now}).scalar_one()


def _ticket(db: Connection, username: str, password: str) -> str | None:
    return db.execute(
        sa.text("SELECT ostan_login_ticket(:u, :p)"), {"u": username, "p": password}
    ).scalar_one()


@pytest.mark.parametrize("password", ["fel lösenord", "", DEMO_PASSWORD.upper()])
def test_the_login_opens_no_session_without_the_users_password(people, app_db, password):
    """The app's own login cannot make itself anybody: a session needs a ticket, the ticket
    needs the user's password (checked in the database against the stored hash), a ticket is
    the one user's, and the old way in, a session for any active user by id, is closed to it
    (sql/038_session_proof.sql)."""
    victim = people["admin"]["id"]
    sid = secrets.token_hex(32)
    assert _ticket(app_db, "admin", password) is None
    opened = sa.text("SELECT ostan_session_open_with_ticket(:s, :u, :t)")
    forged = {"s": sid, "u": victim, "t": secrets.token_hex(32)}
    assert not app_db.execute(opened, forged).scalar_one()
    someone_elses = {"s": sid, "u": victim, "t": _ticket(app_db, "lasare", DEMO_PASSWORD)}
    assert not app_db.execute(opened, someone_elses).scalar_one()
    _refused(app_db, "SELECT ostan_session_open(:s, :u)", {"s": sid, "u": victim})
    _refused(app_db, "SELECT ticket FROM login_tickets")
    assert not app_db.execute(sa.text("SELECT ostan_session_known(:s)"), {"s": sid}).scalar_one()


def test_an_organisation_login_opens_a_session_only_for_a_user_tied_to_such_an_account(
    people, app_db
):
    """A login through the organisation's account (OIDC, verified by Streamlit) has no
    password: its session opens only for a user an administrator tied to such an account."""
    me = people["analytiker"]["id"]
    opened = sa.text("SELECT ostan_session_open_oidc(:s, :u)")
    assert not app_db.execute(opened, {"s": secrets.token_hex(32), "u": me}).scalar_one()
    with store.begin() as c:
        c.execute(
            sa.text("UPDATE users SET oidc_email = 'analytiker@ostan.example' WHERE id = :u"),
            {"u": me},
        )
    try:
        assert app_db.execute(opened, {"s": secrets.token_hex(32), "u": me}).scalar_one()
    finally:
        with store.begin() as c:
            c.execute(sa.text("UPDATE users SET oidc_email = NULL WHERE id = :u"), {"u": me})


def test_no_session_for_an_inactive_user(people, app_db):
    uid = people["lasare"]["id"]
    with store.begin() as c:
        c.execute(sa.text("UPDATE users SET active = false WHERE id = :u"), {"u": uid})
    try:
        assert _ticket(app_db, "lasare", DEMO_PASSWORD) is None
    finally:
        with store.begin() as c:
            c.execute(sa.text("UPDATE users SET active = true WHERE id = :u"), {"u": uid})


@pytest.mark.parametrize("name", [None, "analytiker", "rapportor", "lasare"])
def test_only_an_administrator_logs_others_out_or_counts_their_sessions(people, app_db, name):
    if name is not None:
        act_as(app_db, people[name])
    victim = people["rapportor"]["id"]
    _refused(app_db, "SELECT ostan_sessions_revoke(:u)", {"u": victim})
    _refused(app_db, "SELECT ostan_open_sessions(:u, '-infinity', '-infinity')", {"u": victim})


def test_an_administrator_logs_a_user_out_everywhere(people, app_db):
    act_as(app_db, people["admin"])
    victim = people["rapportor"]
    count = sa.text("SELECT ostan_open_sessions(:u, now() - interval '30 minutes', '-infinity')")
    assert app_db.execute(count, {"u": victim["id"]}).scalar_one() >= 1
    n = app_db.execute(sa.text("SELECT ostan_sessions_revoke(:u)"), {"u": victim["id"]})
    assert n.scalar_one() >= 1
    assert app_db.execute(count, {"u": victim["id"]}).scalar_one() == 0
    # the administrator's role set by hand, without the identity: refused
    act_as(app_db, people["rapportor"])
    app_db.execute(sa.text("SET LOCAL ROLE ostan_admin"))
    with pytest.raises(DBAPIError, match="bara en administratör"), app_db.begin_nested():
        app_db.execute(sa.text("SELECT ostan_sessions_revoke(:u)"), {"u": victim["id"]})
