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

from ostan_dash.store import as_user, audit, execute, read_frame, scalar, transaction


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


def login_history(username: str, client: str, since: dt.datetime) -> pl.DataFrame:
    """Attempts of (``username``, ``client``) after ``since`` and the administrators' resets of
    that username (for every client or this one): ``at`` and ``kind`` (auth's FAILURE, SUCCESS,
    REFUSED, RESET: 'fel', 'ratt', 'nekad', 'upplast'), by time."""
    return read_frame(
        """
        SELECT at, CASE WHEN success THEN 'ratt' WHEN refused THEN 'nekad' ELSE 'fel' END AS kind
        FROM login_attempts WHERE username = :u AND client = :c AND at > :since
        UNION ALL
        SELECT at, 'upplast' FROM login_resets
        WHERE username = :u AND (client IS NULL OR client = :c) AND at > :since
        ORDER BY at
        """,
        {"u": username, "c": client, "since": since},
        schema={"at": pl.Datetime("us", "UTC"), "kind": pl.Utf8},
    )


_ATTEMPT_AUDIT = {
    "ratt": "inloggning",
    "fel": "misslyckad inloggning",
    "nekad": "inloggning nekad under väntetid",
}


def record_attempt(username: str, client: str, kind: str, *, at: dt.datetime | None = None) -> None:
    """Log a login attempt of ``kind`` ('ratt', 'fel' or 'nekad') at ``at`` (default: now), the
    last login time on success, and an audit row (one transaction)."""
    with transaction() as conn:
        execute(
            "INSERT INTO login_attempts (username, client, success, refused, at) "
            "VALUES (:u, :c, :s, :r, coalesce(CAST(:at AS timestamptz), now()))",
            {"u": username, "c": client, "s": kind == "ratt", "r": kind == "nekad", "at": at},
            conn=conn,
        )
        if kind == "ratt":
            execute(
                "UPDATE users SET last_login_at = now() WHERE username = :u",
                {"u": username},
                conn=conn,
            )
        audit(conn, username=username, action=_ATTEMPT_AUDIT[kind])


# Sessions only through the database's functions (sql/033_sessions_behind_functions.sql): the
# app's login can neither read the table nor touch a session whose id it does not hold.


def login_ticket(username: str, password: str) -> str | None:
    """A one-time ticket for opening ``username``'s session, given for their own password (the
    database checks it against the stored hash, sql/038_session_proof.sql), else None."""
    with transaction() as conn:
        return scalar(
            "SELECT ostan_login_ticket(:u, :p)", {"u": username, "p": password}, conn=conn
        )


def open_session(sid: str, user_id: int, ticket: str) -> bool:
    """Record a new session of an active user, paid for with their login ticket
    (:func:`login_ticket`, spent here; a second call with the same id does nothing); whether
    it was opened now."""
    with transaction() as conn:
        return bool(
            scalar(
                "SELECT ostan_session_open_with_ticket(:id, :u, :t)",
                {"id": sid, "u": user_id, "t": ticket},
                conn=conn,
            )
        )


def check_session(
    sid: str, now: dt.datetime, *, idle: dt.timedelta, limit: dt.timedelta, conn: Connection
) -> bool:
    """Whether session ``sid`` is valid at ``now`` (not revoked, idle at most ``idle``, younger
    than ``limit``): a valid one is touched, one past a limit revoked at ``now``."""
    return bool(
        conn.execute(
            sa.text("SELECT ostan_session_check(:id, :now, :idle, :limit)"),
            {"id": sid, "now": now, "idle": idle, "limit": limit},
        ).scalar_one()
    )


def revoke_session(sid: str) -> None:
    """Revoke one session now, unless it already is."""
    execute("SELECT ostan_session_revoke(:id)", {"id": sid})


def revoke_user_sessions(username: str) -> int:
    """Revoke every open session of ``username`` (operators; in the app an administrator uses
    :func:`revoke_sessions`); returns how many."""
    with transaction() as conn:
        return int(
            conn.execute(
                sa.text(
                    "SELECT coalesce(sum(ostan_sessions_revoke(id)), 0) FROM users "
                    "WHERE username = :u"
                ),
                {"u": username},
            ).scalar_one()
        )


# Administration: every read and write runs under the administrator's own database role --------


class AccountError(ValueError):
    """A change the administrator may not make (the message is Swedish, for the page)."""


def users_overview(
    admin_id: int,
    *,
    failures_since: dt.datetime,
    idle_since: dt.datetime,
    started_since: dt.datetime,
) -> pl.DataFrame:
    """Every user with organisation, active flag, last login, OIDC identity, failed logins after
    ``failures_since`` (since the last unlock; refused attempts not counted) and open sessions
    (not revoked, seen after ``idle_since``, started after ``started_since``), by username."""
    with as_user(admin_id, "admin") as conn:
        return read_frame(
            """
            SELECT u.id, u.username, u.display_name, u.role, u.organisation_id,
                   o.name AS organisation, u.active, u.created_at, u.last_login_at,
                   u.oidc_issuer, u.oidc_subject, u.oidc_email,
                   (SELECT count(*) FROM login_attempts a
                    WHERE a.username = u.username AND NOT a.success AND NOT a.refused
                      AND a.at > greatest(:fs, coalesce((SELECT max(r.at) FROM login_resets r
                                                         WHERE r.username = u.username),
                                                        '-infinity'))) AS failures,
                   ostan_open_sessions(u.id, :idle, :started) AS open_sessions
            FROM users u JOIN organisations o ON o.id = u.organisation_id
            ORDER BY u.username
            """,
            {"fs": failures_since, "idle": idle_since, "started": started_since},
            conn=conn,
            schema={
                "id": pl.Int64,
                "username": pl.Utf8,
                "display_name": pl.Utf8,
                "role": pl.Utf8,
                "organisation_id": pl.Int64,
                "organisation": pl.Utf8,
                "active": pl.Boolean,
                "created_at": pl.Datetime("us", "Europe/Stockholm"),
                "last_login_at": pl.Datetime("us", "Europe/Stockholm"),
                "oidc_issuer": pl.Utf8(),
                "oidc_subject": pl.Utf8(),
                "oidc_email": pl.Utf8(),
                "failures": pl.Int64,
                "open_sessions": pl.Int64,
            },
        )


def organisations(admin_id: int) -> pl.DataFrame:
    """Every organisation (id, name, kind) with its number of active users, by name."""
    with as_user(admin_id, "admin") as conn:
        return read_frame(
            """
            SELECT o.id, o.name, o.kind,
                   (SELECT count(*) FROM users u WHERE u.organisation_id = o.id AND u.active)
                       AS active_users
            FROM organisations o ORDER BY o.name
            """,
            conn=conn,
            schema={"id": pl.Int64, "name": pl.Utf8, "kind": pl.Utf8, "active_users": pl.Int64},
        )


def _active_admins_other_than(conn: Connection, user_id: int) -> int:
    return int(
        conn.execute(
            sa.text("SELECT count(*) FROM users WHERE role = 'admin' AND active AND id <> :id"),
            {"id": user_id},
        ).scalar_one()
    )


def _username_of(conn: Connection, user_id: int) -> str:
    name = conn.execute(
        sa.text("SELECT username FROM users WHERE id = :id FOR UPDATE"), {"id": user_id}
    ).scalar()
    if name is None:
        raise AccountError("Användaren finns inte.")
    return name


def create_user(
    admin_id: int,
    *,
    username: str,
    display_name: str,
    role: str,
    organisation_id: int,
    password_hash: str,
) -> int:
    """Add a user (the hash made by ``auth.hash_password``); returns the new id."""
    with as_user(admin_id, "admin") as conn:
        taken = conn.execute(
            sa.text("SELECT 1 FROM users WHERE username = :u"), {"u": username}
        ).first()
        if taken:
            raise AccountError(f"Användarnamnet {username} är upptaget.")
        new_id = conn.execute(
            sa.text(
                "INSERT INTO users (username, display_name, password_hash, role, organisation_id) "
                "VALUES (:u, :n, :h, :r, :o) RETURNING id"
            ),
            {"u": username, "n": display_name, "h": password_hash, "r": role, "o": organisation_id},
        ).scalar_one()
        audit(
            conn,
            username=None,
            action="användare skapad",
            entity="users",
            entity_id=new_id,
            details={
                "användarnamn": username,
                "ny_roll": role,
                "ny_organisation_id": organisation_id,
            },
        )
        return int(new_id)


def set_role(admin_id: int, user_id: int, *, role: str, organisation_id: int) -> None:
    """Change a user's role and organisation (the last active administrator keeps the role)."""
    with as_user(admin_id, "admin") as conn:
        name = _username_of(conn, user_id)
        if role != "admin" and _active_admins_other_than(conn, user_id) == 0:
            raise AccountError("Det måste finnas minst en aktiv administratör.")
        conn.execute(
            sa.text("UPDATE users SET role = :r, organisation_id = :o WHERE id = :id"),
            {"r": role, "o": organisation_id, "id": user_id},
        )
        audit(
            conn,
            username=None,
            action="roll ändrad",
            entity="users",
            entity_id=user_id,
            details={"användarnamn": name, "ny_roll": role, "ny_organisation_id": organisation_id},
        )


def set_active(admin_id: int, user_id: int, *, active: bool) -> int:
    """Activate or deactivate a user; deactivation also revokes every open session (returned)."""
    with as_user(admin_id, "admin") as conn:
        name = _username_of(conn, user_id)
        if not active and _active_admins_other_than(conn, user_id) == 0:
            raise AccountError("Det måste finnas minst en aktiv administratör.")
        conn.execute(
            sa.text("UPDATE users SET active = :a WHERE id = :id"), {"a": active, "id": user_id}
        )
        revoked = 0
        if not active:
            revoked = _revoke_all(conn, user_id)
        audit(
            conn,
            username=None,
            action="användare aktiverad" if active else "användare avaktiverad",
            entity="users",
            entity_id=user_id,
            details={"användarnamn": name, "återkallade_sessioner": revoked},
        )
        return revoked


def set_password(admin_id: int, user_id: int, *, password_hash: str) -> int:
    """Give a user a new password (hash); their open sessions are revoked (returned)."""
    with as_user(admin_id, "admin") as conn:
        name = _username_of(conn, user_id)
        conn.execute(
            sa.text("UPDATE users SET password_hash = :h WHERE id = :id"),
            {"h": password_hash, "id": user_id},
        )
        revoked = _revoke_all(conn, user_id)
        audit(
            conn,
            username=None,
            action="lösenord bytt",
            entity="users",
            entity_id=user_id,
            details={"användarnamn": name, "återkallade_sessioner": revoked},
        )
        return revoked


def unlock(admin_id: int, user_id: int) -> None:
    """Clear the login wait of a user for every client (a row in login_resets; history kept)."""
    with as_user(admin_id, "admin") as conn:
        name = _username_of(conn, user_id)
        conn.execute(
            sa.text(
                "INSERT INTO login_resets (username, client, by_user) "
                "VALUES (:u, NULL, ostan_user_id())"
            ),
            {"u": name},
        )
        audit(
            conn,
            username=None,
            action="inloggning upplåst",
            entity="users",
            entity_id=user_id,
            details={"användarnamn": name},
        )


def _revoke_all(conn: Connection, user_id: int) -> int:
    return int(
        conn.execute(sa.text("SELECT ostan_sessions_revoke(:id)"), {"id": user_id}).scalar_one()
    )


def revoke_sessions(admin_id: int, user_id: int) -> int:
    """Revoke every open session of a user (they must log in again); returns how many."""
    with as_user(admin_id, "admin") as conn:
        name = _username_of(conn, user_id)
        n = _revoke_all(conn, user_id)
        audit(
            conn,
            username=None,
            action="sessioner återkallade",
            entity="users",
            entity_id=user_id,
            details={"användarnamn": name, "antal": n},
        )
        return n


def add_organisation(admin_id: int, *, name: str, kind: str) -> int:
    """Add an organisation; returns its id."""
    with as_user(admin_id, "admin") as conn:
        taken = conn.execute(
            sa.text("SELECT 1 FROM organisations WHERE lower(name) = lower(:n)"), {"n": name}
        ).first()
        if taken:
            raise AccountError(f"Organisationen {name} finns redan.")
        new_id = conn.execute(
            sa.text("INSERT INTO organisations (name, kind) VALUES (:n, :k) RETURNING id"),
            {"n": name, "k": kind},
        ).scalar_one()
        audit(
            conn,
            username=None,
            action="organisation skapad",
            entity="organisations",
            entity_id=new_id,
            details={"namn": name, "typ": kind},
        )
        return int(new_id)


# Login with the organisation's own account (OIDC, sql/025_oidc.sql) ----------------------------


def oidc_candidates(issuer: str, subject: str, email: str | None) -> list[dict[str, Any]]:
    """Users whose OIDC identity is (``issuer``, ``subject``) or, when ``email`` is given, whose
    ``oidc_email`` is that address; active or not, with ``oidc_subject`` for auth's choice."""
    df = read_frame(
        """
        SELECT u.id, u.username, u.display_name, u.role, u.organisation_id,
               o.name AS organisation, u.active, u.oidc_issuer, u.oidc_subject, u.oidc_email
        FROM users u JOIN organisations o ON o.id = u.organisation_id
        WHERE (u.oidc_issuer = :iss AND u.oidc_subject = :sub)
           OR (CAST(:email AS text) IS NOT NULL AND u.oidc_email = CAST(:email AS text))
        ORDER BY u.id
        """,
        {"iss": issuer, "sub": subject, "email": email},
    )
    return list(df.iter_rows(named=True))


def session_known(sid: str) -> bool:
    """Whether session ``sid`` has ever been opened (revoked or not)."""
    return bool(scalar("SELECT ostan_session_known(:id)", {"id": sid}))


def record_oidc_login(sid: str, user_id: int, username: str, issuer: str) -> None:
    """Open session ``sid`` for a login through the organisation's account, set the last login
    time and write the audit row (one transaction; a second call with the same id does nothing)."""
    with transaction() as conn:
        opened = scalar(  # only for a user tied to such an account (sql/038_session_proof.sql)
            "SELECT ostan_session_open_oidc(:id, :u)", {"id": sid, "u": user_id}, conn=conn
        )
        if not opened:
            return
        execute("UPDATE users SET last_login_at = now() WHERE id = :u", {"u": user_id}, conn=conn)
        audit(
            conn,
            username=username,
            action="inloggning med organisationens konto",
            details={"utfärdare": issuer},
        )


def record_oidc_refusal(issuer: str, subject: str, email: str | None, reason: str) -> None:
    """Audit a refused login through the organisation's account (unknown or inactive user)."""
    with transaction() as conn:
        audit(
            conn,
            username=None,
            action="inloggning med organisationens konto nekad",
            details={"utfärdare": issuer, "subjekt": subject, "e-post": email, "skäl": reason},
        )


def set_oidc_identity(
    admin_id: int, user_id: int, *, issuer: str | None, subject: str | None, email: str | None
) -> None:
    """Set (or clear, with None) the OIDC identity of a user; refused if another user has it."""
    with as_user(admin_id, "admin") as conn:
        name = _username_of(conn, user_id)
        taken = conn.execute(
            sa.text(
                "SELECT username FROM users WHERE id <> :id AND ("
                "(oidc_issuer = :iss AND oidc_subject = :sub) "
                "OR (CAST(:email AS text) IS NOT NULL AND oidc_email = CAST(:email AS text)))"
            ),
            {"id": user_id, "iss": issuer, "sub": subject, "email": email},
        ).scalar()
        if taken:
            raise AccountError(f"Identiteten används redan av {taken}.")
        conn.execute(
            sa.text(
                "UPDATE users SET oidc_issuer = :iss, oidc_subject = :sub, oidc_email = :email "
                "WHERE id = :id"
            ),
            {"iss": issuer, "sub": subject, "email": email, "id": user_id},
        )
        audit(
            conn,
            username=None,
            action="OIDC-identitet ändrad",
            entity="users",
            entity_id=user_id,
            details={
                "användarnamn": name,
                "utfärdare": issuer,
                "subjekt": subject,
                "e-post": email,
            },
        )
