"""Near-repeat patterns saved per kind of incident, and the incidents of one kind (issue 15).

The pattern an analyst saves on Närupprepning (``nearrepeat_patterns``, sql/011) draws a risk
zone around each new incident of that kind; the zones themselves are computed, not stored.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy.engine import Connection

from ostan_dash.schema import Schema
from ostan_dash.store import as_user, audit, execute, read_frame
from ostan_dash.store.queries import epoch_to_local

PATTERN_SCHEMA: Schema = {
    "selection": pl.Utf8,
    "source": pl.Utf8,
    "category": pl.Utf8,
    "subtype": pl.Utf8,
    "label": pl.Utf8,
    "distance_m": pl.Float64,
    "days": pl.Float64,
    "metric": pl.Utf8,
    "ratio": pl.Float64,
    "n_events": pl.Int64,
    "permutations": pl.Int64,
    "period_from": pl.Date,
    "period_to": pl.Date,
    "reading": pl.Utf8,
    "saved_at": pl.Datetime("us", "Europe/Stockholm"),
}
WRITE_ROLES = ("analytiker", "admin")


def selection_key(source: str, category: str, subtype: str | None) -> str:
    """``polis/inbrott/*``, ``est/annat_otryggt/inbrott``: the key of one kind of incident."""
    return f"{source}/{category}/{subtype or '*'}"


def patterns(*, conn: Connection | None = None) -> pl.DataFrame:
    """Every saved pattern, by label."""
    return read_frame(
        """
        SELECT selection, source, category, subtype, label, distance_m, days, metric, ratio,
               n_events, permutations, period_from, period_to, reading, saved_at
        FROM nearrepeat_patterns ORDER BY label
        """,
        conn=conn,
        schema=PATTERN_SCHEMA,
    )


def save_pattern(
    *,
    source: str,
    category: str,
    subtype: str | None,
    label: str,
    distance_m: float,
    days: float,
    metric: str,
    ratio: float,
    n_events: int,
    permutations: int,
    period_from: dt.date,
    period_to: dt.date,
    reading: str,
    user_id: int,
    username: str,
    role: str,
    conn: Connection | None = None,
) -> str:
    """Store (or replace) the pattern of one kind under the user's role; audited. Returns the
    selection key."""
    if role not in WRITE_ROLES:
        raise PermissionError("Bara analytiker och administratörer sparar mönster")
    key = selection_key(source, category, subtype)
    params = {
        "k": key,
        "source": source,
        "category": category,
        "subtype": subtype,
        "label": label,
        "distance_m": float(distance_m),
        "days": float(days),
        "metric": metric,
        "ratio": float(ratio),
        "n": int(n_events),
        "perm": int(permutations),
        "pf": period_from,
        "pt": period_to,
        "reading": reading,
        "u": user_id,
    }
    with as_user(user_id, role, conn=conn) as c:
        execute(
            """
            INSERT INTO nearrepeat_patterns (selection, source, category, subtype, label,
                distance_m, days, metric, ratio, n_events, permutations, period_from, period_to,
                reading, saved_by, saved_at)
            VALUES (:k, :source, :category, :subtype, :label, :distance_m, :days, :metric,
                :ratio, :n, :perm, :pf, :pt, :reading, :u, now())
            ON CONFLICT (selection) DO UPDATE SET
                label = EXCLUDED.label, distance_m = EXCLUDED.distance_m, days = EXCLUDED.days,
                metric = EXCLUDED.metric, ratio = EXCLUDED.ratio, n_events = EXCLUDED.n_events,
                permutations = EXCLUDED.permutations, period_from = EXCLUDED.period_from,
                period_to = EXCLUDED.period_to, reading = EXCLUDED.reading,
                saved_by = EXCLUDED.saved_by, saved_at = now()
            """,
            params,
            conn=c,
        )
        audit(
            c,
            username=username,
            action="nearrepeat_pattern",
            entity="nearrepeat_patterns",
            entity_id=key,
            details={k: str(v) for k, v in params.items() if k not in ("u",)},
        )
    return key


def delete_pattern(
    selection: str, *, user_id: int, username: str, role: str, conn: Connection | None = None
) -> int:
    """Remove a saved pattern (its zones disappear with it); audited."""
    if role not in WRITE_ROLES:
        raise PermissionError("Bara analytiker och administratörer tar bort mönster")
    with as_user(user_id, role, conn=conn) as c:
        n = execute(
            "DELETE FROM nearrepeat_patterns WHERE selection = :k", {"k": selection}, conn=c
        )
        audit(
            c,
            username=username,
            action="nearrepeat_pattern_delete",
            entity="nearrepeat_patterns",
            entity_id=selection,
        )
    return n


def kind_incidents(
    source: str,
    category: str,
    subtype: str | None,
    *,
    since: dt.date,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """Incidents of one kind that started on or after ``since`` (local time): ``id, x, y,
    occurred_from, occurred_to``. EST reports by category and subtype; police crimes by crime
    group and crime type."""
    table = (
        "incidents i WHERE i.category = :category AND (CAST(:subtype AS text) IS NULL "
        "OR i.subtype = :subtype)"
        if source == "est"
        else "police_crimes i WHERE i.crime_group = :category AND (CAST(:subtype AS text) IS NULL "
        "OR i.crime_type = :subtype)"
    )
    raw = read_frame(
        "SELECT i.id, ST_X(i.geom) AS x, ST_Y(i.geom) AS y, "  # noqa: S608 – fixed text
        "floor(extract(epoch FROM i.occurred_from))::bigint AS t_from, "
        "floor(extract(epoch FROM i.occurred_to))::bigint AS t_to "
        f"FROM {table} AND i.occurred_from >= CAST(:since AS date) "
        "AND i.geom IS NOT NULL ORDER BY i.occurred_from, i.id",
        {"category": category, "subtype": subtype, "since": since},
        conn=conn,
        schema={
            "id": pl.Int64,
            "x": pl.Float64,
            "y": pl.Float64,
            "t_from": pl.Int64,
            "t_to": pl.Int64,
        },
    )
    return raw.with_columns(
        occurred_from=epoch_to_local("t_from"), occurred_to=epoch_to_local("t_to")
    ).drop("t_from", "t_to")
