"""The events calendar (``events``, sql/011): read every event, add one, remove one.

Writes run under the user's role (analysts and administrators) and are audited; the event's
point is its place's point when a place is chosen, else the coordinates given.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy.engine import Connection

from ostan_dash.store import as_user, audit, read_frame, scalar
from ostan_dash.store.queries import epoch_to_local

WRITE_ROLES = ("analytiker", "admin")


def events(*, conn: Connection | None = None) -> pl.DataFrame:
    """Every event: ``id, title, kind, place, x, y, starts_at, ends_at`` (Europe/Stockholm),
    ``expected_crowd, recurrence, note``, by start."""
    raw = read_frame(
        """
        SELECT e.id, e.title, e.kind, p.name AS place,
               ST_X(coalesce(e.geom, p.geom)) AS x, ST_Y(coalesce(e.geom, p.geom)) AS y,
               floor(extract(epoch FROM e.starts_at))::bigint AS t_start,
               floor(extract(epoch FROM e.ends_at))::bigint AS t_end,
               e.expected_crowd, e.recurrence, e.note
        FROM events e LEFT JOIN places p ON p.id = e.place_id
        ORDER BY e.starts_at, e.id
        """,
        conn=conn,
        schema={
            "id": pl.Int64,
            "title": pl.Utf8,
            "kind": pl.Utf8,
            "place": pl.Utf8,
            "x": pl.Float64,
            "y": pl.Float64,
            "t_start": pl.Int64,
            "t_end": pl.Int64,
            "expected_crowd": pl.Int64,
            "recurrence": pl.Utf8,
            "note": pl.Utf8,
        },
    )
    return raw.with_columns(
        starts_at=epoch_to_local("t_start"), ends_at=epoch_to_local("t_end")
    ).drop("t_start", "t_end")


def add_event(
    *,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place_id: int | None = None,
    x: float | None = None,
    y: float | None = None,
    expected_crowd: int | None = None,
    recurrence: str | None = None,
    note: str | None = None,
    user_id: int,
    username: str,
    role: str,
    conn: Connection | None = None,
) -> int:
    """Add an event (times must carry their time zone); returns its id. Audited."""
    if role not in WRITE_ROLES:
        raise PermissionError("Bara analytiker och administratörer lägger till evenemang")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("tider ska ha tidszon")
    with as_user(user_id, role, conn=conn) as c:
        new_id = int(
            scalar(
                """
                INSERT INTO events (title, kind, place_id, geom, area_id, starts_at, ends_at,
                                    expected_crowd, recurrence, note, created_by)
                SELECT :title, :kind, :place_id, g, area_of(coalesce(g, p.geom)), :s, :e,
                       :crowd, :rec, :note, :u
                FROM (SELECT CASE WHEN CAST(:x AS float8) IS NULL THEN NULL
                             ELSE ST_SetSRID(ST_MakePoint(:x, :y), 3006) END AS g) pt
                LEFT JOIN places p ON p.id = :place_id
                RETURNING id
                """,
                {
                    "title": title.strip(),
                    "kind": kind,
                    "place_id": place_id,
                    "x": x,
                    "y": y,
                    "s": starts_at,
                    "e": ends_at,
                    "crowd": expected_crowd,
                    "rec": recurrence,
                    "note": note,
                    "u": user_id,
                },
                conn=c,
            )
        )
        audit(
            c,
            username=username,
            action="event_add",
            entity="events",
            entity_id=new_id,
            details={"title": title, "kind": kind, "recurrence": recurrence},
        )
    return new_id


def delete_event(
    event_id: int, *, user_id: int, username: str, role: str, conn: Connection | None = None
) -> int:
    """Remove an event; audited."""
    if role not in WRITE_ROLES:
        raise PermissionError("Bara analytiker och administratörer tar bort evenemang")
    with as_user(user_id, role, conn=conn) as c:
        n = int(
            scalar(
                "WITH d AS (DELETE FROM events WHERE id = :i RETURNING 1) SELECT count(*) FROM d",
                {"i": event_id},
                conn=c,
            )
        )
        audit(c, username=username, action="event_delete", entity="events", entity_id=event_id)
    return n
