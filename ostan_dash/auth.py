"""Accounts, login throttling and server-side sessions (no Streamlit here).

streamlit-authenticator renders the form and sets a signed cookie; this module decides who may
log in and whether a session is still valid. Measured weaknesses of the library that this covers
are listed in ``shared/notes/login.md``: no revocation on logout, no usable attempt limit,
usernames discoverable by timing.
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
from sqlalchemy import text

from ostan_dash import config
from ostan_dash.store import begin, read_frame

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
    users = read_frame(
        "SELECT username, display_name, password_hash, role FROM users WHERE active ORDER BY username"
    )
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
    df = read_frame(
        """
        SELECT u.id, u.username, u.display_name, u.role, u.organisation_id, o.name AS organisation
        FROM users u JOIN organisations o ON o.id = u.organisation_id
        WHERE u.username = :u AND u.active
        """,
        {"u": username.lower().strip()},
    )
    if df.is_empty():
        return None
    r = df.row(0, named=True)
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
    df = read_frame(
        """
        SELECT count(*) AS n FROM login_attempts
        WHERE username = :u AND NOT success AND at > :since
          AND at > coalesce((SELECT max(at) FROM login_attempts WHERE username = :u AND success),
                            '-infinity')
        """,
        {"u": username.lower().strip(), "since": now - FAILURE_WINDOW},
    )
    return int(df["n"][0]) >= MAX_FAILURES


def record_attempt(username: str, success: bool) -> None:
    """Log a login attempt (and the last login time on success)."""
    name = username.lower().strip()[:64]
    with begin() as conn:
        conn.execute(
            text("INSERT INTO login_attempts (username, success) VALUES (:u, :s)"),
            {"u": name, "s": success},
        )
        if success:
            conn.execute(
                text("UPDATE users SET last_login_at = now() WHERE username = :u"), {"u": name}
            )
        conn.execute(
            text("INSERT INTO audit_log (username, action) VALUES (:u, :a)"),
            {"u": name, "a": "inloggning" if success else "misslyckad inloggning"},
        )


def burn_dummy_check(password: str) -> None:
    """Spend the time of one bcrypt check, for an unknown username."""
    bcrypt.checkpw(password.encode()[:72], _DUMMY_HASH)


def session_id(username: str, exp_date: float, key: str) -> str:
    """The server-side session id of a login cookie: an HMAC of its username and expiry."""
    msg = f"{username}:{exp_date!r}".encode()
    return hmac.new(key.encode(), msg, hashlib.sha256).hexdigest()


def open_session(sid: str, user_id: int) -> None:
    """Record a new session at login."""
    with begin() as conn:
        conn.execute(
            text(
                "INSERT INTO user_sessions (id, user_id) VALUES (:id, :u) ON CONFLICT (id) DO NOTHING"
            ),
            {"id": sid, "u": user_id},
        )


def check_session(sid: str, *, now: dt.datetime | None = None) -> bool:
    """True when session ``sid`` exists, is not revoked and has neither idled out (30 min) nor
    passed its absolute limit (8 h); a valid session's last-seen time is refreshed."""
    now = now or dt.datetime.now(dt.UTC)
    with begin() as conn:
        row = conn.execute(
            text(
                "SELECT created_at, last_seen_at, revoked_at FROM user_sessions WHERE id = :id FOR UPDATE"
            ),
            {"id": sid},
        ).first()
        if row is None or row.revoked_at is not None:
            return False
        if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_TIMEOUT:
            conn.execute(
                text("UPDATE user_sessions SET revoked_at = :now WHERE id = :id"),
                {"id": sid, "now": now},
            )
            return False
        conn.execute(
            text("UPDATE user_sessions SET last_seen_at = :now WHERE id = :id"),
            {"id": sid, "now": now},
        )
        return True


def revoke_session(sid: str) -> None:
    """Revoke one session (logout)."""
    with begin() as conn:
        conn.execute(
            text(
                "UPDATE user_sessions SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL"
            ),
            {"id": sid},
        )


def revoke_user_sessions(username: str) -> int:
    """Revoke every session of a user (an administrator's action); returns how many."""
    with begin() as conn:
        return conn.execute(
            text(
                "UPDATE user_sessions s SET revoked_at = now() FROM users u "
                "WHERE u.id = s.user_id AND u.username = :u AND s.revoked_at IS NULL"
            ),
            {"u": username},
        ).rowcount


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
