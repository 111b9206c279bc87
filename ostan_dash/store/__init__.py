"""The one place that owns the database Engine, SQL text, time limits, row caps and reads into Polars.

Nothing outside ``ostan_dash.store`` opens a connection. Every statement binds its parameters.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import polars as pl
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ostan_dash.config import database_url

STATEMENT_TIMEOUT_MS = int(os.environ.get("OSTAN_STATEMENT_TIMEOUT_MS", "30000"))
MAX_ROWS = 5_000_000


_ENGINES: dict[str, Engine] = {}


def engine(url: str | None = None) -> Engine:
    """The process's Engine (one per URL): pre-ping, Stockholm time and a statement timeout."""
    key = url or database_url()
    if key not in _ENGINES:
        _ENGINES[key] = sa.create_engine(
            key,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={
                "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
                "-c timezone=Europe/Stockholm",
                "application_name": "ostan-dash",
            },
        )
    return _ENGINES[key]


def dispose() -> None:
    """Close every pooled connection of every Engine and forget them (tests, after a fork),
    and stop listening for the data version (:mod:`ostan_dash.store.version_watch`)."""
    from ostan_dash.store import version_watch

    version_watch.stop_all()
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


# The user a web request acts for, bound by app.py once the login gate has passed: every read
# and write of that request then runs under the user's app role and identity (RLS applies),
# not as the web login. Nothing bound: operators, tests' own connections, the login itself.
# The identity is made in the database by ostan_identify() (sql/026_unforgeable_identity.sql)
# from the login session's secret id, which auth.check_session hands over (session_checked).
_acting: ContextVar[tuple[int, str] | None] = ContextVar("ostan_acting", default=None)
_session: ContextVar[str | None] = ContextVar("ostan_session", default=None)


def session_checked(sid: str | None) -> None:
    """The login session just found valid in this context (its id is the database's proof)."""
    _session.set(sid)


def bind(user_id: int | None, role: str | None) -> None:
    """Act for ``user_id`` in ``role`` from now on in this thread's context (``None``: nobody,
    and the login session checked in this context is forgotten)."""
    if user_id is None or role is None:
        _acting.set(None)
        _session.set(None)
    else:
        _acting.set((int(user_id), role))


@contextmanager
def begin(url: str | None = None) -> Iterator[Connection]:
    """A connection inside one transaction: committed on success, rolled back on any error;
    under the bound user's role when a request acts for one (:func:`bind`)."""
    with engine(url).begin() as conn:
        acting = _acting.get()
        if acting is not None and url is None:
            assume(conn, *acting)
        yield conn


@contextmanager
def _reading() -> Iterator[Connection]:
    """A connection for reads: a transaction under the bound user's role, or a plain one."""
    if _acting.get() is None:
        with engine().connect() as c:
            yield c
    else:
        with begin() as c:
            yield c


def read_frame(
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    conn: Connection | None = None,
    schema: Mapping[str, pl.DataType | type[pl.DataType]] | None = None,
    max_rows: int = MAX_ROWS,
) -> pl.DataFrame:
    """Run a SELECT with bound parameters and return a Polars frame (at most ``max_rows`` rows)."""

    def run(c: Connection) -> pl.DataFrame:
        result = c.execute(sa.text(sql), dict(params or {}))
        cols = list(result.keys())
        rows = result.fetchmany(max_rows + 1)
        if len(rows) > max_rows:
            raise RuntimeError(f"Frågan gav fler än {max_rows} rader")
        if schema is not None:
            return pl.DataFrame(rows, schema=dict(schema), orient="row")
        if not rows:
            return pl.DataFrame(schema=dict.fromkeys(cols, pl.Null))
        return pl.DataFrame(
            [tuple(r) for r in rows], schema=cols, orient="row", infer_schema_length=None
        )

    if conn is not None:
        return run(conn)
    with _reading() as c:
        return run(c)


def copy_frame(
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    schema: Mapping[str, pl.DataType | type[pl.DataType]] | None = None,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """Stream a large SELECT through ``COPY ... TO STDOUT`` as CSV into Polars (fast path).

    ``params`` are bound by psycopg, which quotes each value (COPY cannot take server-side
    parameters); never format values into ``sql`` yourself.
    """

    def run(c: Connection) -> pl.DataFrame:
        raw = c.connection.driver_connection
        assert isinstance(raw, psycopg.Connection)
        buf = io.BytesIO()
        with (
            raw.cursor() as cur,
            cur.copy(
                f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", params or None
            ) as cp,
        ):
            for chunk in cp:
                buf.write(chunk)
        buf.seek(0)
        if buf.getbuffer().nbytes == 0:
            return pl.DataFrame(schema=dict(schema or {}))
        return pl.read_csv(
            buf, schema_overrides=dict(schema) if schema else None, infer_schema_length=10000
        )

    if conn is not None:
        return run(conn)
    with _reading() as c:
        return run(c)


def execute(
    sql: str, params: Mapping[str, Any] | None = None, *, conn: Connection | None = None
) -> int:
    """Run one writing statement with bound parameters; returns the affected row count."""
    if conn is not None:
        return conn.execute(sa.text(sql), dict(params or {})).rowcount
    with begin() as c:
        return c.execute(sa.text(sql), dict(params or {})).rowcount


@contextmanager
def transaction(conn: Connection | None = None) -> Iterator[Connection]:
    """``conn`` itself (the caller owns its transaction) or a new transaction, committed on success."""
    if conn is not None:
        yield conn
    else:
        with begin() as c:
            yield c


@contextmanager
def savepoint(conn: Connection | None = None, *, url: str | None = None) -> Iterator[Connection]:
    """A unit of work that fails alone: a savepoint inside ``conn`` (the caller's transaction
    lives on after an error), else a new transaction, committed on success."""
    if conn is not None:
        with conn.begin_nested():
            yield conn
    else:
        with begin(url) as c:
            yield c


def audit(
    conn: Connection,
    *,
    username: str | None,
    action: str,
    entity: str | None = None,
    entity_id: Any = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """One row in the audit trail, written in the same transaction as the change it records.

    Through ``ostan_audit()`` (``sql/007_write_identity.sql``): acting for a user, the database
    records that user's name, role and organisation itself and ignores ``username``.
    """
    conn.execute(
        sa.text("SELECT ostan_audit(:u, :a, :e, :i, CAST(:d AS jsonb))"),
        {
            "u": username,
            "a": action,
            "e": entity,
            "i": None if entity_id is None else str(entity_id),
            "d": json.dumps(dict(details or {}), default=str, ensure_ascii=False),
        },
    )


def scalar(
    sql: str, params: Mapping[str, Any] | None = None, *, conn: Connection | None = None
) -> Any:
    """The single value a query returns (``None`` when no row)."""
    if conn is not None:
        return conn.execute(sa.text(sql), dict(params or {})).scalar()
    with _reading() as c:
        return c.execute(sa.text(sql), dict(params or {})).scalar()


def shared_scalar(sql: str, params: Mapping[str, Any] | None = None) -> Any:
    """The single value of a query on something every role may read (the data version): on
    the login's own connection, one round trip instead of a transaction that first assumes
    the acting user's role and checks their session."""
    with engine().connect() as c:
        return c.execute(sa.text(sql), dict(params or {})).scalar()


ROLE_OF = {
    "admin": "ostan_admin",
    "analytiker": "ostan_analytiker",
    "rapportor": "ostan_rapportor",
    "lasare": "ostan_lasare",
}


def assume(conn: Connection, user_id: int, role: str) -> None:
    """Run the rest of ``conn``'s transaction as the app role ``role`` acting for ``user_id``.

    The database decides (``ostan_identify``, ``sql/026_unforgeable_identity.sql``): for the
    web login only with a valid login session of that user checked in this context
    (:func:`session_checked`), and only in the user's own role (another one is an error); the
    owner (operators, tests) may act for anyone. Without such a session the web login gets the
    role but no identity, and every table under row-level security refuses it.
    """
    db_role = ROLE_OF[role]  # KeyError for an unknown role: never run without a role
    # Back to the login itself first: only it (not an app role in force) may ask for identities.
    conn.execute(sa.text("SELECT set_config('role', 'none', true)"))
    conn.execute(
        sa.text("SELECT set_config('role', coalesce(ostan_identify(:s, :u, :r), :db), true)"),
        {"s": _session.get(), "u": int(user_id), "r": role, "db": db_role},
    )


@contextmanager
def as_user(user_id: int, role: str, *, conn: Connection | None = None) -> Iterator[Connection]:
    """One transaction run with the database privileges of ``role`` (``sql/003_roles.sql``).

    The page decided the user may act; the database checks it again: grants per role and
    row-level security (a reporter may change only their own reports, for 48 hours). With
    ``conn`` the role is assumed inside that connection's current transaction and the previous
    role and identity are restored afterwards (a test's transaction goes on as before).
    """
    if conn is not None:
        before = conn.execute(
            sa.text(
                "SELECT current_setting('role'), current_setting('ostan.user_id', true), "
                "current_setting('ostan.identity', true)"
            )
        ).one()
        assume(conn, user_id, role)
        yield conn
        # After an error the caller's savepoint rollback undoes the settings with the rest.
        conn.execute(
            sa.text(
                "SELECT set_config('role', :r, true), set_config('ostan.user_id', :u, true), "
                "set_config('ostan.identity', :i, true)"
            ),
            {"r": before[0], "u": before[1] or "", "i": before[2] or ""},
        )
        return
    with engine().begin() as c:
        assume(c, user_id, role)
        yield c
