"""Accounts, login attempts and server-side sessions: the SQL behind :mod:`ostan_dash.auth`.

Only reads and writes here; the policy (how many failures lock an account, when a session idles
out, how usernames are normalised) is decided in :mod:`ostan_dash.auth`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash.store import audit, execute, read_frame, scalar, transaction


def active_users() -> pl.DataFrame:
    """Every active user: username, display_name, password_hash and role, by username."""
    # The hashes are readable only through this function (sql/008_app_login.sql).
    return read_frame("SELECT * FROM ostan_login_credentials()")


def active_user(username: str) -> dict[str, Any] | None:
    """The active user ``username`` with role and organisation (a row as a dict), or None."""
    df = read_frame(
        """
        SELECT u.id, u.username, u.display_name, u.role, u.organisation_id, o.name AS organisation
        FROM users u JOIN organisations o ON o.id = u.organisation_id
        WHERE u.username = :u AND u.active
        """,
        {"u": username},
    )
    return None if df.is_empty() else df.row(0, named=True)


def failures_since(username: str, since: dt.datetime) -> int:
    """Failed logins of ``username`` after ``since`` and after its last successful login."""
    return int(
        scalar(
            """
            SELECT count(*) AS n FROM login_attempts
            WHERE username = :u AND NOT success AND at > :since
              AND at > coalesce((SELECT max(at) FROM login_attempts WHERE username = :u AND success),
                                '-infinity')
            """,
            {"u": username, "since": since},
        )
    )


def record_attempt(username: str, success: bool) -> None:
    """Log a login attempt, the last login time on success, and an audit row (one transaction)."""
    with transaction() as conn:
        execute(
            "INSERT INTO login_attempts (username, success) VALUES (:u, :s)",
            {"u": username, "s": success},
            conn=conn,
        )
        if success:
            execute(
                "UPDATE users SET last_login_at = now() WHERE username = :u",
                {"u": username},
                conn=conn,
            )
        audit(
            conn,
            username=username,
            action="inloggning" if success else "misslyckad inloggning",
        )


def open_session(sid: str, user_id: int) -> None:
    """Record a new session (a second call with the same id does nothing)."""
    execute(
        "INSERT INTO user_sessions (id, user_id) VALUES (:id, :u) ON CONFLICT (id) DO NOTHING",
        {"id": sid, "u": user_id},
    )


def lock_session(sid: str, *, conn: Connection) -> Any:
    """Session ``sid`` (created_at, last_seen_at, revoked_at), locked for update; None if unknown."""
    return conn.execute(
        sa.text(
            "SELECT created_at, last_seen_at, revoked_at FROM user_sessions WHERE id = :id FOR UPDATE"
        ),
        {"id": sid},
    ).first()


def touch_session(sid: str, now: dt.datetime, *, conn: Connection) -> None:
    """Set the session's last-seen time to ``now``."""
    execute(
        "UPDATE user_sessions SET last_seen_at = :now WHERE id = :id",
        {"id": sid, "now": now},
        conn=conn,
    )


def end_session(sid: str, now: dt.datetime, *, conn: Connection) -> None:
    """Mark the session revoked at ``now`` (it idled out or reached its absolute limit)."""
    execute(
        "UPDATE user_sessions SET revoked_at = :now WHERE id = :id",
        {"id": sid, "now": now},
        conn=conn,
    )


def revoke_session(sid: str) -> None:
    """Revoke one session now, unless it already is."""
    execute(
        "UPDATE user_sessions SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL",
        {"id": sid},
    )


def revoke_user_sessions(username: str) -> int:
    """Revoke every open session of ``username``; returns how many."""
    return execute(
        "UPDATE user_sessions s SET revoked_at = now() FROM users u "
        "WHERE u.id = s.user_id AND u.username = :u AND s.revoked_at IS NULL",
        {"u": username},
    )
