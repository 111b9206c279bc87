"""The public page's data: what analysts published (``public_items``, ``sql/017_public.sql``),
the area-level counts a publication freezes, and the one read the anonymous page makes.

The anonymous page reads only through :func:`published`, which runs under the database role
``ostan_offentlig``: that role may read the published, not withdrawn rows of ``public_items``
and nothing else, whoever is logged in. Counts are aggregated in SQL to areas and periods (never
a point); the caller suppresses small counts (``ostan_dash.analysis.public``) before
:func:`publish`, and the database refuses any number below 5 in the stored figures again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash.schema import Schema
from ostan_dash.store import as_user, audit, begin, read_frame

PUBLIC_ROLE = "ostan_offentlig"
WRITER_ROLES = ("admin", "analytiker")
KINDS = ("fokusomrade", "insats", "omradestrend")

PUBLISHED_SCHEMA: Schema = {
    "id": pl.Int64,
    "kind": pl.Utf8,
    "title": pl.Utf8,
    "body": pl.Utf8,
    "figures": pl.Utf8,
    "published_at": pl.Datetime("us", "Europe/Stockholm"),
}
ITEM_SCHEMA: Schema = {
    **PUBLISHED_SCHEMA,
    "intervention_id": pl.Int64,
    "area_id": pl.Int64,
    "published_by": pl.Utf8,
    "withdrawn_by": pl.Utf8,
    "withdrawn_at": pl.Datetime("us", "Europe/Stockholm"),
}
MONTH_COUNT_SCHEMA: Schema = {
    "area_id": pl.Int64,
    "source": pl.Utf8,
    "month": pl.Date,
    "n": pl.Int64,
}


class NotAllowed(PermissionError):
    """The user's role may not publish or withdraw."""


@contextmanager
def as_public(conn: Connection | None = None) -> Iterator[Connection]:
    """A transaction (or the rest of ``conn``'s) under ``ostan_offentlig``, whatever user the
    request is bound to; with ``conn`` the previous role is restored afterwards."""
    if conn is not None:
        before = conn.execute(sa.text("SELECT current_setting('role')")).scalar()
        conn.execute(sa.text("SELECT set_config('role', :r, true)"), {"r": PUBLIC_ROLE})
        yield conn
        conn.execute(sa.text("SELECT set_config('role', :r, true)"), {"r": before})
        return
    with begin() as c:
        c.execute(sa.text("SELECT set_config('role', :r, true)"), {"r": PUBLIC_ROLE})
        yield c


def published(*, conn: Connection | None = None) -> pl.DataFrame:
    """Every published, not withdrawn item, newest first (what was published together in its
    order: the demo's focus areas by rank), read as the anonymous public.

    ``figures`` is the frozen JSON text (already suppressed when it was published).
    """
    with as_public(conn) as c:
        return read_frame(
            """
            SELECT id, kind, title, body, figures::text AS figures, published_at
            FROM public_items WHERE withdrawn_at IS NULL
            ORDER BY published_at DESC, id
            """,
            conn=c,
            schema=PUBLISHED_SCHEMA,
        )


def version(*, conn: Connection | None = None) -> tuple[int, int]:
    """What the public sees, in two numbers (items shown, highest id): a publication or a
    withdrawal changes it, so a cache keyed by it is never stale. Read as the public."""
    with as_public(conn) as c:
        row = c.execute(
            sa.text(
                "SELECT count(*), coalesce(max(id), 0) FROM public_items WHERE withdrawn_at IS NULL"
            )
        ).one()
    return int(row[0]), int(row[1])


def items(*, conn: Connection | None = None) -> pl.DataFrame:
    """Every publication with who published and who withdrew it (the analysts' list)."""
    return read_frame(
        """
        SELECT p.id, p.kind, p.title, p.body, p.figures::text AS figures, p.published_at,
               p.intervention_id, p.area_id, u.display_name AS published_by,
               w.display_name AS withdrawn_by, p.withdrawn_at
        FROM public_items p
        LEFT JOIN users u ON u.id = p.published_by
        LEFT JOIN users w ON w.id = p.withdrawn_by
        ORDER BY p.withdrawn_at IS NOT NULL, p.published_at DESC, p.id DESC
        """,
        conn=conn,
        schema=ITEM_SCHEMA,
    )


def area_month_counts(
    area_ids: Sequence[int], first: dt.date, last: dt.date, *, conn: Connection | None = None
) -> pl.DataFrame:
    """EST reports (``est``) and police-reported crimes (``polis``) per area and calendar month
    (Swedish time) from the month of ``first`` to the month of ``last``, every month present
    (``n = 0`` when nothing happened). Only counts leave the database, never a point."""
    return read_frame(
        """
        WITH months AS (
            SELECT generate_series(date_trunc('month', CAST(:first AS timestamp)),
                                   date_trunc('month', CAST(:last AS timestamp)),
                                   interval '1 month')::date AS month
        ),
        span AS (
            SELECT date_trunc('month', CAST(:first AS timestamp))
                       AT TIME ZONE 'Europe/Stockholm' AS t0,
                   (date_trunc('month', CAST(:last AS timestamp)) + interval '1 month')
                       AT TIME ZONE 'Europe/Stockholm' AS t1
        ),
        events AS (
            SELECT area_id, 'est' AS source,
                   date_trunc('month', occurred_from AT TIME ZONE 'Europe/Stockholm')::date AS month
            FROM incidents
            WHERE area_id = ANY(:areas)
              AND occurred_from >= (SELECT t0 FROM span) AND occurred_from < (SELECT t1 FROM span)
            UNION ALL
            SELECT area_id, 'polis',
                   date_trunc('month', occurred_from AT TIME ZONE 'Europe/Stockholm')::date
            FROM police_crimes_by_area
            WHERE area_id = ANY(:areas)
              AND occurred_from >= (SELECT t0 FROM span) AND occurred_from < (SELECT t1 FROM span)
        ),
        grid AS (
            SELECT a.area_id, s.source, m.month
            FROM unnest(CAST(:areas AS integer[])) AS a(area_id)
            CROSS JOIN (VALUES ('est'), ('polis')) AS s(source)
            CROSS JOIN months m
        )
        SELECT g.area_id, g.source, g.month, count(e.month) AS n
        FROM grid g
        LEFT JOIN events e USING (area_id, source, month)
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        """,
        {"areas": [int(a) for a in area_ids], "first": first, "last": last},
        conn=conn,
        schema=MONTH_COUNT_SCHEMA,
    )


def publish(
    *,
    kind: str,
    title: str,
    body: str,
    figures: Mapping[str, Any],
    user_id: int,
    role: str,
    intervention_id: int | None = None,
    area_id: int | None = None,
    conn: Connection | None = None,
) -> int:
    """Publish one item under the analyst's own identity (RLS) with its frozen figures; the
    database refuses figures holding a number below 5. Returns the new id."""
    if role not in WRITER_ROLES:
        raise NotAllowed(role)
    if kind not in KINDS:
        raise ValueError(f"okänd publiceringstyp {kind!r}")
    with as_user(user_id, role, conn=conn) as c:
        new_id = c.execute(
            sa.text(
                """
                INSERT INTO public_items (kind, intervention_id, area_id, title, body, figures,
                                          published_by)
                VALUES (:k, :iv, :a, :t, :b, CAST(:f AS jsonb), :u)
                RETURNING id
                """
            ),
            {
                "k": kind,
                "iv": intervention_id,
                "a": area_id,
                "t": title.strip(),
                "b": body.strip(),
                "f": json.dumps(dict(figures), ensure_ascii=False),
                "u": int(user_id),
            },
        ).scalar_one()
        audit(
            c,
            username=None,
            action="publish_public",
            entity="public_items",
            entity_id=new_id,
            details={"kind": kind, "title": title.strip()},
        )
    return int(new_id)


def withdraw(item_id: int, *, user_id: int, role: str, conn: Connection | None = None) -> bool:
    """Withdraw a publication (it stays stored, with who and when); False if it was not shown."""
    if role not in WRITER_ROLES:
        raise NotAllowed(role)
    with as_user(user_id, role, conn=conn) as c:
        n = c.execute(
            sa.text(
                """
                UPDATE public_items SET withdrawn_at = now(), withdrawn_by = :u
                WHERE id = :id AND withdrawn_at IS NULL
                """
            ),
            {"id": int(item_id), "u": int(user_id)},
        ).rowcount
        if n:
            audit(
                c,
                username=None,
                action="withdraw_public",
                entity="public_items",
                entity_id=item_id,
            )
    return bool(n)
