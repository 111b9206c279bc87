"""Published lägesbilder: the analyses row of a period and its frozen versions (``sql/010``).

A version holds the document's content as JSON and the PDF as it was sent; it is written under
the publishing user's role (:func:`ostan_dash.store.as_user`) and never changed afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash.store import as_user, audit, engine, read_frame

VERSION_SCHEMA = {
    "version_id": pl.Int64,
    "analysis_id": pl.Int64,
    "kind": pl.Utf8,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "title": pl.Utf8,
    "version": pl.Int64,
    "published_at": pl.Datetime("us", "Europe/Stockholm"),
    "published_by": pl.Utf8,
    "has_pdf": pl.Boolean,
}


@dataclass(frozen=True)
class Published:
    """One published version: its content, its PDF and who published it when."""

    version_id: int
    analysis_id: int
    version: int
    document: dict[str, Any]
    pdf: bytes | None
    published_at: dt.datetime
    published_by: str

    @property
    def publication(self) -> dict[str, Any]:
        """What the templates print in the date block."""
        return {
            "version": self.version,
            "published_at": self.published_at.isoformat(),
            "published_by": self.published_by,
        }


def publish(
    document: Mapping[str, Any],
    *,
    user_id: int,
    role: str,
    pdf: bytes | None = None,
    conn: Connection | None = None,
) -> tuple[int, int]:
    """Freeze ``document`` as the next version of its period's analysis; returns (version id,
    version number).

    Runs as ``role`` acting for ``user_id`` (the database checks that the role may publish and
    records the user as publisher). The period's ``analyses`` row is created or its title and
    text (the assessment) updated; the audit trail gets one row.
    """
    period = document["period"]
    with as_user(user_id, role, conn=conn) as c:
        analysis_id = c.execute(
            sa.text(
                """
                INSERT INTO analyses (kind, period_start, period_end, title, body, created_by)
                VALUES (:kind, :start, :end, :title, :body, ostan_user_id())
                ON CONFLICT (kind, period_start) DO UPDATE
                   SET title = EXCLUDED.title, body = EXCLUDED.body, period_end = EXCLUDED.period_end,
                       updated_at = now()
                RETURNING id
                """
            ),
            {
                "kind": document["kind"],
                "start": dt.date.fromisoformat(period["start"]),
                "end": dt.date.fromisoformat(period["end"]),
                "title": document["title"],
                "body": document.get("assessment", ""),
            },
        ).scalar_one()
        row = c.execute(
            sa.text(
                """
                INSERT INTO analysis_versions (analysis_id, version, document, pdf)
                SELECT :a, coalesce(max(version), 0) + 1, CAST(:doc AS jsonb), :pdf
                FROM analysis_versions WHERE analysis_id = :a
                RETURNING id, version
                """
            ),
            {
                "a": analysis_id,
                "doc": json.dumps(document, ensure_ascii=False),
                "pdf": pdf,
            },
        ).one()
        audit(
            c,
            username=None,
            action="lägesbild publicerad",
            entity="analysis_versions",
            entity_id=row.id,
            details={"period": period["key"], "version": row.version},
        )
    return int(row.id), int(row.version)


def versions(*, kind: str | None = None, conn: Connection | None = None) -> pl.DataFrame:
    """Every published version (without content), newest first."""
    return read_frame(
        """
        SELECT v.id AS version_id, a.id AS analysis_id, a.kind, a.period_start, a.period_end,
               a.title, v.version, v.published_at, u.display_name AS published_by,
               v.pdf IS NOT NULL AS has_pdf
        FROM analysis_versions v
        JOIN analyses a ON a.id = v.analysis_id
        LEFT JOIN users u ON u.id = v.published_by
        WHERE CAST(:kind AS text) IS NULL OR a.kind = :kind
        ORDER BY v.published_at DESC, v.id DESC
        """,
        {"kind": kind},
        conn=conn,
        schema=VERSION_SCHEMA,
    )


def version(version_id: int, *, conn: Connection | None = None) -> Published | None:
    """One published version with its content and PDF, exactly as stored."""
    sql = sa.text(
        """
        SELECT v.id, v.analysis_id, v.version, v.document, v.pdf, v.published_at,
               coalesce(u.display_name, u.username) AS published_by
        FROM analysis_versions v LEFT JOIN users u ON u.id = v.published_by
        WHERE v.id = :id
        """
    )

    def run(c: Connection) -> Published | None:
        r = c.execute(sql, {"id": version_id}).one_or_none()
        if r is None:
            return None
        return Published(
            version_id=int(r.id),
            analysis_id=int(r.analysis_id),
            version=int(r.version),
            document=r.document,
            pdf=bytes(r.pdf) if r.pdf is not None else None,
            published_at=r.published_at,
            published_by=r.published_by or "",
        )

    if conn is not None:
        return run(conn)
    with engine().connect() as c:
        return run(c)
