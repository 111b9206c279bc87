"""Login throttling and server-side sessions (shared/notes/login.md)."""

from __future__ import annotations

import datetime as dt
import secrets
import time

import bcrypt
import pytest
import sqlalchemy as sa

from ostan_dash import auth
from ostan_dash.demo.people import DEMO_PASSWORD
from ostan_dash.store import begin

pytestmark = pytest.mark.db


@pytest.fixture
def username():
    name = f"test-{secrets.token_hex(4)}"
    yield name
    with begin() as conn:
        conn.execute(sa.text("DELETE FROM login_attempts WHERE username = :u"), {"u": name})
        conn.execute(sa.text("DELETE FROM login_resets WHERE username = :u"), {"u": name})
        conn.execute(sa.text("DELETE FROM audit_log WHERE username = :u"), {"u": name})


S = dt.timedelta(seconds=1)


def test_backoff_grows_per_client_from_the_stored_history(username):
    """Stored attempts at fake times give the same waits as the pure policy (unit tests)."""
    t0 = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    t = t0
    for n in range(1, 7):
        auth.record_attempt(username, "ip:192.0.2.1", auth.FAILURE, at=t)
        assert auth.login_wait(username, "ip:192.0.2.1", now=t) == auth.backoff_delay(n)
        t += auth.backoff_delay(n)
    # Another client is not slowed down at all.
    assert auth.login_wait(username, "ip:192.0.2.2", now=t) == 0 * S


def test_refused_attempts_are_stored_but_do_not_extend_the_wait(username):
    t0 = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    for k in range(6):
        auth.record_attempt(username, "c", auth.FAILURE, at=t0 + k * 100 * S)
    last = t0 + 500 * S
    end = last + auth.backoff_delay(6)
    for k in range(1, 10):
        auth.record_attempt(username, "c", auth.REFUSED, at=last + k * S)
    assert auth.login_wait(username, "c", now=last + 10 * S) == end - (last + 10 * S)
    assert auth.login_wait(username, "c", now=end) == 0 * S
    with begin() as conn:
        kinds = conn.execute(
            sa.text(
                "SELECT count(*) FILTER (WHERE refused), count(*) FILTER (WHERE NOT refused) "
                "FROM login_attempts WHERE username = :u AND client = 'c'"
            ),
            {"u": username},
        ).one()
    assert tuple(kinds) == (9, 6)


def test_a_success_resets_only_its_own_client(username):
    t0 = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    for client in ("a", "b"):
        for k in range(5):
            auth.record_attempt(username, client, auth.FAILURE, at=t0 + k * S)
    auth.record_attempt(username, "a", auth.SUCCESS, at=t0 + 60 * S)
    now = t0 + 61 * S
    assert auth.login_wait(username, "a", now=now) == 0 * S
    assert auth.login_wait(username, "b", now=t0 + 4 * S) == auth.backoff_delay(5)


def test_unknown_user_check_costs_as_much_as_a_wrong_password():
    hashed = bcrypt.hashpw(b"right", bcrypt.gensalt(12))
    t0 = time.perf_counter()
    bcrypt.checkpw(b"wrong", hashed)
    known = time.perf_counter() - t0
    t0 = time.perf_counter()
    auth.burn_dummy_check("wrong")
    unknown = time.perf_counter() - t0
    assert unknown > 0.5 * known


@pytest.fixture
def session():
    with begin() as conn:
        uid = conn.execute(sa.text("SELECT id FROM users WHERE username = 'lasare'")).scalar_one()
    sid = auth.session_id("lasare", time.time() + secrets.randbelow(10**6), "k" * 40)
    assert auth.open_session(sid, uid, auth.login_ticket("lasare", DEMO_PASSWORD))
    yield sid
    with begin() as conn:
        conn.execute(sa.text("DELETE FROM user_sessions WHERE id = :id"), {"id": sid})


def test_session_valid_until_revoked(session):
    assert auth.check_session(session)
    auth.revoke_session(session)
    assert not auth.check_session(session)


def test_session_idles_out_after_30_minutes(session):
    now = dt.datetime.now(dt.UTC)
    assert auth.check_session(session, now=now)
    assert not auth.check_session(session, now=now + auth.IDLE_TIMEOUT + dt.timedelta(seconds=5))
    assert not auth.check_session(session, now=now)  # revoked for good


def test_session_ends_after_8_hours_even_when_active(session):
    now = dt.datetime.now(dt.UTC)
    t = now
    while t < now + auth.ABSOLUTE_TIMEOUT - dt.timedelta(minutes=20):
        t += dt.timedelta(minutes=20)
        assert auth.check_session(session, now=t)
    assert not auth.check_session(
        session, now=now + auth.ABSOLUTE_TIMEOUT + dt.timedelta(minutes=1)
    )


def test_admin_revokes_every_session_of_a_user(session):
    assert auth.revoke_user_sessions("lasare") >= 1
    assert not auth.check_session(session)


def test_weak_cookie_key_refused_outside_demo(monkeypatch):
    monkeypatch.setenv("OSTAN_DEMO", "0")
    monkeypatch.delenv("OSTAN_COOKIE_KEY", raising=False)
    with pytest.raises(auth.WeakKeyError):
        auth.cookie_key("some_key")
    assert auth.cookie_key("x" * 32) == "x" * 32
