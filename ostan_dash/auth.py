"""Accounts, login throttling and server-side sessions (no Streamlit here).

streamlit-authenticator renders the form and sets a signed cookie; this module decides who may
log in and whether a session is still valid. Measured weaknesses of the library that this covers
are listed in ``shared/notes/login.md``: no revocation on logout, no usable attempt limit,
usernames discoverable by timing. The SQL is in :mod:`ostan_dash.store.accounts`; the policy
(attempt limit, idle and absolute session limits, bcrypt, the cookie key) is here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from ostan_dash import config
from ostan_dash.store import accounts, transaction

IDLE_TIMEOUT = dt.timedelta(minutes=30)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=8)
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
# A valid bcrypt hash (cost 12) of a random string: checked for unknown users so that a wrong
# username costs as much time as a wrong password.
_DUMMY_HASH = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(12))


@dataclass(frozen=True)
class User:
    """A logged-in person: role and organisation always come from our own database."""

    id: int
    username: str
    name: str
    role: str
    organisation_id: int
    organisation: str


def hash_password(password: str) -> str:
    """bcrypt hash (cost 12) of ``password``."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(12)).decode()


def credentials() -> dict:
    """A fresh credentials dict for streamlit-authenticator from the active users in the database.

    Built anew on every run because the library mutates it in place (login.md).
    """
    users = accounts.active_users()
    return {
        "usernames": {
            r["username"]: {
                "name": r["display_name"],
                "password": r["password_hash"],
                "email": f"{r['username']}@ostan.invalid",
                "roles": [r["role"]],
                "failed_login_attempts": 0,
                "logged_in": False,
            }
            for r in users.iter_rows(named=True)
        }
    }


def user(username: str) -> User | None:
    """The active user ``username`` with role and organisation, or None."""
    r = accounts.active_user(username.lower().strip())
    if r is None:
        return None
    return User(
        r["id"],
        r["username"],
        r["display_name"],
        r["role"],
        r["organisation_id"],
        r["organisation"],
    )


def is_locked(username: str, *, now: dt.datetime | None = None) -> bool:
    """True when ``username`` had ``MAX_FAILURES`` failed logins within ``FAILURE_WINDOW``
    since its last successful one (the lock lifts by itself when the window has passed)."""
    now = now or dt.datetime.now(dt.UTC)
    return accounts.failures_since(username.lower().strip(), now - FAILURE_WINDOW) >= MAX_FAILURES


def record_attempt(username: str, success: bool) -> None:
    """Log a login attempt (and the last login time on success)."""
    accounts.record_attempt(username.lower().strip()[:64], success)


def burn_dummy_check(password: str) -> None:
    """Spend the time of one bcrypt check, for an unknown username."""
    bcrypt.checkpw(password.encode()[:72], _DUMMY_HASH)


def session_id(username: str, exp_date: float, key: str) -> str:
    """The server-side session id of a login cookie: an HMAC of its username and expiry."""
    msg = f"{username}:{exp_date!r}".encode()
    return hmac.new(key.encode(), msg, hashlib.sha256).hexdigest()


def open_session(sid: str, user_id: int) -> None:
    """Record a new session at login."""
    accounts.open_session(sid, user_id)


def check_session(sid: str, *, now: dt.datetime | None = None) -> bool:
    """True when session ``sid`` exists, is not revoked and has neither idled out (30 min) nor
    passed its absolute limit (8 h); a valid session's last-seen time is refreshed."""
    now = now or dt.datetime.now(dt.UTC)
    with transaction() as conn:
        row = accounts.lock_session(sid, conn=conn)
        if row is None or row.revoked_at is not None:
            return False
        if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_TIMEOUT:
            accounts.end_session(sid, now, conn=conn)
            return False
        accounts.touch_session(sid, now, conn=conn)
        return True


def revoke_session(sid: str) -> None:
    """Revoke one session (logout)."""
    accounts.revoke_session(sid)


def revoke_user_sessions(username: str) -> int:
    """Revoke every session of a user (an administrator's action); returns how many."""
    return accounts.revoke_user_sessions(username)


class WeakKeyError(RuntimeError):
    """No strong cookie key outside demo mode."""


def cookie_key(secret_value: str | None = None) -> str:
    """The cookie signing key: secrets/environment, or in demo mode one generated and kept in var/.

    Outside demo mode a key shorter than 32 characters is refused (a guessable key lets anyone
    forge a login cookie; login.md).
    """
    key = (secret_value or os.environ.get("OSTAN_COOKIE_KEY", "")).strip()
    if len(key) >= 32:
        return key
    if not config.demo_mode():
        raise WeakKeyError("OSTAN_COOKIE_KEY saknas eller är för kort (minst 32 tecken)")
    path = Path(config.VAR_DIR) / "cookie_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
