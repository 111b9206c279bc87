"""Remembered import mappings and the municipality's own boundary (issue 10, sql/027).

A mapping says which of a file's columns is which of ours (``{"kommun_kod": "Områdeskod"}``)
and on which line its header stands. It is remembered per import kind and *source*: the file's
header as a signature (:func:`ostan_dash.ingest.mapping.source_key`), so the next file of the same
shape is proposed the confirmed mapping, whatever the file is called.

The municipality's boundary is the setting ``kommungrans`` = ``{"kod": …}``: one of the imported
areas (typically SCB's kommun polygon). The database's ``inside_municipality(geom)`` uses it for
"punkten ligger utanför kommunen"; without it a point is inside when it lies in any area.
"""

from __future__ import annotations

import json

from sqlalchemy.engine import Connection

from ostan_dash.store import as_user, execute, scalar

BOUNDARY_SETTING = "kommungrans"


def remembered(kind: str, source: str, *, conn: Connection | None = None) -> dict | None:
    """The confirmed mapping ``{"header_row": n, "mapping": {...}}`` for this source, or None."""
    value = scalar(
        "SELECT jsonb_build_object('header_row', header_row, 'mapping', mapping) "
        "FROM import_mappings WHERE kind = :k AND source = :s",
        {"k": kind, "s": source},
        conn=conn,
    )
    return value if isinstance(value, dict) else None


def remember(
    kind: str,
    source: str,
    mapping: dict[str, str],
    *,
    header_row: int = 1,
    username: str | None = None,
    user_id: int | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> None:
    """Store (or replace) the confirmed mapping of this source, as the acting user's role when
    ``role`` is given (the page), else as the connection's (operators on the command line)."""
    if role is not None:
        if user_id is None:
            raise ValueError("user_id krävs tillsammans med role")
        with as_user(user_id, role, conn=conn) as c:
            remember(kind, source, mapping, header_row=header_row, username=username, conn=c)
        return
    execute(
        "INSERT INTO import_mappings (kind, source, header_row, mapping, updated_by) "
        "VALUES (:k, :s, :h, CAST(:m AS jsonb), :u) ON CONFLICT (kind, source) DO UPDATE SET "
        "header_row = EXCLUDED.header_row, mapping = EXCLUDED.mapping, "
        "updated_by = EXCLUDED.updated_by, updated_at = now()",
        {
            "k": kind,
            "s": source,
            "h": header_row,
            "m": json.dumps(mapping, ensure_ascii=False),
            "u": username,
        },
        conn=conn,
    )


def boundary_code(*, conn: Connection | None = None) -> str | None:
    """The code of the area that is the municipality's boundary (setting ``kommungrans``)."""
    value = scalar(
        "SELECT value->>'kod' FROM settings WHERE key = :k", {"k": BOUNDARY_SETTING}, conn=conn
    )
    return str(value) if value else None


def set_boundary(
    code: str | None,
    *,
    user_id: int | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> None:
    """Choose the area ``code`` as the municipality's boundary (None: back to all areas), as
    the acting user's ``role`` when given (the page).

    Raises ValueError (Swedish) when no area has that code."""
    if role is not None:
        if user_id is None:
            raise ValueError("user_id krävs tillsammans med role")
        with as_user(user_id, role, conn=conn) as c:
            set_boundary(code, conn=c)
        return
    if code is None:
        execute("DELETE FROM settings WHERE key = :k", {"k": BOUNDARY_SETTING}, conn=conn)
        return
    if not scalar("SELECT count(*) FROM areas WHERE code = :c", {"c": code}, conn=conn):
        raise ValueError(f"Det finns inget område med koden {code}: importera kommungränsen först.")
    execute(
        "INSERT INTO settings (key, value) VALUES (:k, CAST(:v AS jsonb)) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()",
        {"k": BOUNDARY_SETTING, "v": json.dumps({"kod": code})},
        conn=conn,
    )
