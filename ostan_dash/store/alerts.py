"""Bevakningar: subscriptions and the log of what was sent (``sql/021_alerts.sql``).

Acting for a user (the web app), row-level security shows and changes only that user's own
subscriptions; the scheduled ``ostan-dash alerts run`` connects as the operator and sees all.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash.store import copy_frame, queries, read_frame, transaction

SUBSCRIPTION_SCHEMA = {
    "subscription_id": pl.Int64,
    "user_id": pl.Int64,
    "username": pl.Utf8,
    "kind": pl.Utf8,
    "area_id": pl.Int64,
    "area_code": pl.Utf8,
    "area_name": pl.Utf8,
    "category": pl.Utf8,
    "place_id": pl.Int64,
    "place_name": pl.Utf8,
    "email": pl.Utf8,
    "active": pl.Boolean,
    "sees_police": pl.Boolean,
    "created_at": pl.Datetime(time_zone="Europe/Stockholm"),
}

LOG_SCHEMA = {
    "log_id": pl.Int64,
    "subscription_id": pl.Int64,
    "email": pl.Utf8,
    "condition_key": pl.Utf8,
    "period_key": pl.Utf8,
    "subject": pl.Utf8,
    "link": pl.Utf8,
    "status": pl.Utf8,
    "error": pl.Utf8,
    "attempts": pl.Int64,
    "sent_at": pl.Datetime(time_zone="Europe/Stockholm"),
}


def incidents(*, conn: Connection | None = None) -> pl.DataFrame:
    """The incident frame of :func:`ostan_dash.store.queries.incidents`, read through ``conn``
    when given (the caller's transaction sees its own uncommitted rows)."""
    if conn is None:
        return queries.incidents()
    raw = copy_frame(
        queries._INCIDENTS_SQL,  # the same read, inside the caller's transaction
        {"since": "1900-01-01"},
        schema=queries.INCIDENT_SCHEMA,
        conn=conn,
    )
    if raw.is_empty():
        raw = pl.DataFrame(schema=queries.INCIDENT_SCHEMA)
    return raw.with_columns(
        occurred_from=queries.epoch_to_local("t_from"),
        occurred_to=queries.epoch_to_local("t_to"),
        source=pl.col("source").cast(pl.Categorical),
        category=pl.col("category").cast(pl.Categorical),
    ).drop("t_from", "t_to")


def subscriptions(
    *, user_id: int | None = None, active_only: bool = False, conn: Connection | None = None
) -> pl.DataFrame:
    """Subscriptions with their area and place names (only ``user_id``'s when given)."""
    return read_frame(
        """
        SELECT s.id AS subscription_id, s.user_id, u.username, s.kind, s.area_id,
               a.code AS area_code, a.name AS area_name, s.category, s.place_id,
               p.name AS place_name, s.email, s.active,
               -- as ostan_sees_police_rows() decides for the user (sql/014_police_rows.sql)
               (u.role IN ('analytiker', 'admin')
                OR EXISTS (SELECT 1 FROM organisations o
                           WHERE o.id = u.organisation_id AND o.kind = 'polis')) AS sees_police,
               s.created_at
        FROM alert_subscriptions s
        JOIN users u ON u.id = s.user_id
        LEFT JOIN areas a ON a.id = s.area_id
        LEFT JOIN places p ON p.id = s.place_id
        WHERE (CAST(:u AS integer) IS NULL OR s.user_id = :u)
          AND (NOT :active OR (s.active AND u.active))
        ORDER BY s.id
        """,
        {"u": user_id, "active": active_only},
        schema=SUBSCRIPTION_SCHEMA,
        conn=conn,
    )


def add(
    *,
    user_id: int,
    kind: str,
    email: str,
    area_id: int | None = None,
    category: str | None = None,
    place_id: int | None = None,
    conn: Connection | None = None,
) -> int:
    """A new active subscription; returns its id (the database checks kind, address, owner)."""
    with transaction(conn) as c:
        return c.execute(
            sa.text(
                """
                INSERT INTO alert_subscriptions (user_id, kind, email, area_id, category, place_id)
                VALUES (:u, :k, :e, :a, :c, :p) RETURNING id
                """
            ),
            {
                "u": user_id,
                "k": kind,
                "e": email.strip(),
                "a": area_id,
                "c": category,
                "p": place_id,
            },
        ).scalar_one()


def set_active(subscription_id: int, active: bool, *, conn: Connection | None = None) -> int:
    """Pause or resume a subscription; returns rows changed (0: not yours or gone)."""
    with transaction(conn) as c:
        return c.execute(
            sa.text("UPDATE alert_subscriptions SET active = :a WHERE id = :i"),
            {"a": active, "i": subscription_id},
        ).rowcount


def delete(subscription_id: int, *, conn: Connection | None = None) -> int:
    """Remove a subscription and its log; returns rows removed (0: not yours or gone)."""
    with transaction(conn) as c:
        return c.execute(
            sa.text("DELETE FROM alert_subscriptions WHERE id = :i"), {"i": subscription_id}
        ).rowcount


REPORT_SCHEMA = {
    "incident_id": pl.Int64,
    "category": pl.Utf8,
    "subtype": pl.Utf8,
    "created_at": pl.Datetime(time_zone="Europe/Stockholm"),
    "occurred_from": pl.Datetime(time_zone="Europe/Stockholm"),
    "place_id": pl.Int64,
    "place_name": pl.Utf8,
    "place_kind": pl.Utf8,
    "place_area_id": pl.Int64,
    "distance_m": pl.Float64,
}


def reports_near_critical_places(
    first: dt.date, last: dt.date, *, radius_m: float, conn: Connection | None = None
) -> pl.DataFrame:
    """EST reports filed (``created_at``, local dates ``first``–``last``) within ``radius_m``
    of a critical place, one row per report and place."""
    return read_frame(
        """
        SELECT i.id AS incident_id, i.category, i.subtype, i.created_at, i.occurred_from,
               p.id AS place_id, p.name AS place_name, p.kind AS place_kind,
               p.area_id AS place_area_id, ST_Distance(i.geom, p.geom) AS distance_m
        FROM incidents i JOIN places p ON p.critical AND ST_DWithin(i.geom, p.geom, :r)
        WHERE i.created_at >= CAST(:first AS timestamp) AT TIME ZONE 'Europe/Stockholm'
          AND i.created_at < CAST(:after AS timestamp) AT TIME ZONE 'Europe/Stockholm'
        ORDER BY i.created_at, i.id, p.id
        """,
        {"first": first, "after": last + dt.timedelta(days=1), "r": float(radius_m)},
        schema=REPORT_SCHEMA,
        conn=conn,
    )


def area_ids_of(
    x: list[float], y: list[float], *, conn: Connection | None = None
) -> list[int | None]:
    """The area (``area_of()``, sql/001) of each SWEREF 99 TM point, in order."""
    if not x:
        return []
    frame = read_frame(
        """
        SELECT n, area_of(ST_SetSRID(ST_MakePoint(px, py), 3006)) AS area_id
        FROM unnest(CAST(:x AS float8[]), CAST(:y AS float8[])) WITH ORDINALITY AS t(px, py, n)
        ORDER BY n
        """,
        {"x": list(x), "y": list(y)},
        schema={"n": pl.Int64, "area_id": pl.Int64},
        conn=conn,
    )
    return frame["area_id"].to_list()


def already_logged(
    subscription_id: int, condition_key: str, period_key: str, *, conn: Connection | None = None
) -> bool:
    """Whether this condition and period has been sent, or is being sent, for the subscription."""
    frame = read_frame(
        """
        SELECT 1 AS x FROM alert_log
        WHERE subscription_id = :s AND condition_key = :c AND period_key = :p
          AND status <> 'misslyckad'
        """,
        {"s": subscription_id, "c": condition_key, "p": period_key},
        conn=conn,
    )
    return not frame.is_empty()


def claim(
    subscription_id: int,
    condition_key: str,
    period_key: str,
    *,
    subject: str,
    link: str,
    conn: Connection | None = None,
) -> int | None:
    """Reserve the log row of an alert before sending it; ``None`` when it was already sent.

    The UNIQUE (subscription, condition, period) decides: a second run, or a run overlapping
    this one, gets no row. A row of a failed attempt is taken over and tried again. Without
    ``conn`` the reservation is committed before the e-mail goes out.
    """
    with transaction(conn) as c:
        return c.execute(
            sa.text(
                """
                INSERT INTO alert_log (subscription_id, condition_key, period_key, subject, link,
                                       status)
                VALUES (:s, :c, :p, :subject, :link, 'skickar')
                ON CONFLICT (subscription_id, condition_key, period_key) DO UPDATE
                    SET status = 'skickar', error = NULL, sent_at = now(),
                        attempts = alert_log.attempts + 1
                    WHERE alert_log.status = 'misslyckad'
                RETURNING id
                """
            ),
            {
                "s": subscription_id,
                "c": condition_key,
                "p": period_key,
                "subject": subject,
                "link": link,
            },
        ).scalar()


def finish(
    log_id: int, *, ok: bool, error: str | None = None, conn: Connection | None = None
) -> None:
    """Record how the send of a claimed row ended."""
    with transaction(conn) as c:
        c.execute(
            sa.text("UPDATE alert_log SET status = :st, error = :e, sent_at = now() WHERE id = :i"),
            {"st": "skickad" if ok else "misslyckad", "e": error, "i": log_id},
        )


def log(
    *, user_id: int | None = None, limit: int = 200, conn: Connection | None = None
) -> pl.DataFrame:
    """What was sent (newest first), only for ``user_id``'s subscriptions when given."""
    return read_frame(
        """
        SELECT l.id AS log_id, l.subscription_id, s.email, l.condition_key, l.period_key,
               l.subject, l.link, l.status, l.error, l.attempts, l.sent_at
        FROM alert_log l JOIN alert_subscriptions s ON s.id = l.subscription_id
        WHERE (CAST(:u AS integer) IS NULL OR s.user_id = :u)
        ORDER BY l.sent_at DESC, l.id DESC
        LIMIT :n
        """,
        {"u": user_id, "n": limit},
        schema=LOG_SCHEMA,
        conn=conn,
    )
