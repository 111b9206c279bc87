"""Sändlistor per dokumenttyp and the log of what was sent to whom (``sql/016``, ``sql/020``).

Every function runs as the acting user's role (:func:`ostan_dash.store.as_user`, or the role
bound for the request): analysts and admins read the lists and the log and write log rows under
their own name; only admins change the lists. Readers and reporters are refused by the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash.store import as_user, audit, read_frame

KINDS = ("vecka", "kvartal", "ar")

RECIPIENT_SCHEMA = {
    "kind": pl.Utf8,
    "address": pl.Utf8,
    "added_at": pl.Datetime("us", "Europe/Stockholm"),
    "added_by": pl.Utf8,
}

LOG_SCHEMA = {
    "recipient": pl.Utf8,
    "ok": pl.Boolean,
    "error": pl.Utf8,
    "sent_at": pl.Datetime("us", "Europe/Stockholm"),
    "sent_by": pl.Utf8,
}


@dataclass(frozen=True)
class Delivery:
    """What happened to one recipient: ``error`` is ``None`` when the server took the message."""

    recipient: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def recipients(
    kind: str | None = None,
    *,
    user_id: int | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """The distribution list of ``kind`` (every kind when ``None``), in the order added.

    With ``user_id`` and ``role`` the read runs as that user (a reader is refused); without,
    under the role the request is bound to (:func:`ostan_dash.store.bind`) or ``conn``'s.
    """
    sql = """
        SELECT r.kind, r.address, r.added_at, coalesce(u.display_name, u.username) AS added_by
        FROM mail_recipients r LEFT JOIN users u ON u.id = r.added_by
        WHERE CAST(:kind AS text) IS NULL OR r.kind = :kind
        ORDER BY r.kind, r.id
    """
    if user_id is None or role is None:
        return read_frame(sql, {"kind": kind}, conn=conn, schema=RECIPIENT_SCHEMA)
    with as_user(user_id, role, conn=conn) as c:
        return read_frame(sql, {"kind": kind}, conn=c, schema=RECIPIENT_SCHEMA)


def set_recipients(
    kind: str,
    addresses: Sequence[str],
    *,
    user_id: int,
    role: str,
    conn: Connection | None = None,
) -> tuple[list[str], list[str]]:
    """Make ``addresses`` the distribution list of ``kind``; returns (added, removed).

    The addresses must already be checked (:func:`ostan_dash.mail.parse_addresses`); the
    database refuses a non-admin. Unchanged entries keep who added them and when; addresses
    compare regardless of case. One audit row when something changed.
    """
    if kind not in KINDS:
        raise ValueError(f"Okänd dokumenttyp: {kind!r}")
    wanted = {a.lower(): a for a in addresses}
    with as_user(user_id, role, conn=conn) as c:
        current = {
            r.address.lower(): r.address
            for r in c.execute(
                sa.text("SELECT address FROM mail_recipients WHERE kind = :k ORDER BY id"),
                {"k": kind},
            )
        }
        removed = [a for key, a in current.items() if key not in wanted]
        added = [a for key, a in wanted.items() if key not in current]
        if removed:
            c.execute(
                sa.text("DELETE FROM mail_recipients WHERE kind = :k AND lower(address) = ANY(:a)"),
                {"k": kind, "a": [a.lower() for a in removed]},
            )
        for a in added:
            c.execute(
                sa.text("INSERT INTO mail_recipients (kind, address) VALUES (:k, :a)"),
                {"k": kind, "a": a},
            )
        if added or removed:
            audit(
                c,
                username=None,
                action="sändlista ändrad",
                entity="mail_recipients",
                entity_id=kind,
                details={"tillagda": len(added), "borttagna": len(removed)},
            )
    return added, removed


def set_lists(
    lists: Mapping[str, Sequence[str]],
    *,
    user_id: int,
    role: str,
    conn: Connection | None = None,
) -> dict[str, tuple[list[str], list[str]]]:
    """:func:`set_recipients` for several kinds in one transaction: all lists or none."""
    with as_user(user_id, role, conn=conn) as c:
        return {
            kind: set_recipients(kind, addresses, user_id=user_id, role=role, conn=c)
            for kind, addresses in lists.items()
        }


def log_deliveries(
    version_id: int,
    deliveries: Iterable[Delivery],
    *,
    user_id: int,
    role: str,
    conn: Connection | None = None,
) -> int:
    """One log row per recipient of a send of ``version_id``, under the sending user's name
    (the database sets who and when); returns the number of rows."""
    rows = [{"v": version_id, "r": d.recipient, "ok": d.ok, "e": d.error} for d in deliveries]
    if not rows:
        return 0
    with as_user(user_id, role, conn=conn) as c:
        c.execute(
            sa.text(
                "INSERT INTO mail_log (version_id, recipient, ok, error) VALUES (:v, :r, :ok, :e)"
            ),
            rows,
        )
        audit(
            c,
            username=None,
            action="lägesbild skickad",
            entity="analysis_versions",
            entity_id=version_id,
            details={
                "mottagare": len(rows),
                "misslyckade": sum(not r["ok"] for r in rows),
            },
        )
    return len(rows)


def send_log(
    version_id: int,
    *,
    user_id: int | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """What was sent of ``version_id`` to whom, by whom and when, newest first."""
    sql = """
        SELECT l.recipient, l.ok, l.error, l.sent_at,
               coalesce(u.display_name, u.username) AS sent_by
        FROM mail_log l LEFT JOIN users u ON u.id = l.sent_by
        WHERE l.version_id = :v
        ORDER BY l.sent_at DESC, l.id DESC
    """
    if user_id is None or role is None:
        return read_frame(sql, {"v": version_id}, conn=conn, schema=LOG_SCHEMA)
    with as_user(user_id, role, conn=conn) as c:
        return read_frame(sql, {"v": version_id}, conn=c, schema=LOG_SCHEMA)
