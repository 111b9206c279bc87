"""Login throttling and server-side sessions (shared/notes/login.md)."""

from __future__ import annotations

import datetime as dt
import secrets
import time

import bcrypt
import pytest
import sqlalchemy as sa

from ostan_dash import auth
from ostan_dash.store import begin

pytestmark = pytest.mark.db


@pytest.fixture
def username():
    name = f"test-{secrets.token_hex(4)}"
    yield name
    with begin() as conn:
        conn.execute(sa.text("DELETE FROM login_attempts WHERE username = :u"), {"u": name})
        conn.execute(sa.text("DELETE FROM audit_log WHERE username = :u"), {"u": name})


def test_five_failures_lock_and_a_success_unlocks(username):
    for _ in range(auth.MAX_FAILURES - 1):
        auth.record_attempt(username, False)
    assert not auth.is_locked(username)
    auth.record_attempt(username, False)
    assert auth.is_locked(username)
    auth.record_attempt(username, True)
    assert not auth.is_locked(username)


def test_lock_lifts_when_the_window_has_passed(username):
    for _ in range(auth.MAX_FAILURES):
        auth.record_attempt(username, False)
    later = dt.datetime.now(dt.UTC) + auth.FAILURE_WINDOW + dt.timedelta(seconds=1)
    assert not auth.is_locked(username, now=later)


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
    auth.open_session(sid, uid)
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
