"""The SQL of the retention policy (:mod:`ostan_dash.retention` decides the dates).

One run is one transaction: old reports are deleted and counted into ``incident_aggregates`` in
a single statement (the counts are made from exactly the rows deleted, so totals are preserved
whatever else writes meanwhile), then the free text of the remaining old reports is removed and
old login attempts are deleted, with one audit row for the whole run.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash.store import as_user, audit, read_frame, transaction

# A run over years of reports may take longer than a page's statement limit.
RUN_TIMEOUT = "15min"


@dataclass(frozen=True)
class Counts:
    """What a run changes (or would change)."""

    free_texts: int
    aggregated_rows: int
    aggregate_groups: int
    login_attempts: int


def policy_value(*, conn: Connection | None = None) -> dict[str, Any] | None:
    """The stored ``retention`` setting (JSON), or None."""
    df = read_frame(
        "SELECT value::text AS value FROM settings WHERE key = 'retention'",
        conn=conn,
        schema={"value": pl.Utf8},
    )
    return None if df.is_empty() else json.loads(df["value"][0])


def save_policy(admin_id: int, value: dict[str, Any], *, conn: Connection | None = None) -> None:
    """Store the policy as the administrator ``admin_id`` (their role; audited)."""
    with as_user(admin_id, "admin", conn=conn) as c:
        c.execute(
            sa.text(
                """
                INSERT INTO settings (key, value, updated_by, updated_at)
                VALUES ('retention', CAST(:v AS jsonb), :u, now())
                ON CONFLICT (key) DO UPDATE
                  SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()
                """
            ),
            {"v": json.dumps(value), "u": admin_id},
        )
        audit(
            c,
            username=None,
            action="gallringspolicy ändrad",
            entity="settings",
            entity_id="retention",
            details=value,
        )


def _count(conn: Connection, sql: str, params: dict[str, Any]) -> int:
    return int(conn.execute(sa.text(sql), params).scalar_one())


def _plan(conn: Connection, p: dict[str, Any]) -> Counts:
    return Counts(
        free_texts=_count(
            conn,
            "SELECT count(*) FROM incidents WHERE description IS NOT NULL "
            "AND occurred_from < :ft AND occurred_from >= :agg",
            p,
        ),
        aggregated_rows=_count(
            conn, "SELECT count(*) FROM incidents WHERE occurred_from < :agg", p
        ),
        aggregate_groups=_count(
            conn,
            "SELECT count(*) FROM (SELECT DISTINCT date_trunc('month', occurred_from AT TIME ZONE "
            "'Europe/Stockholm')::date, area_id, organisation_id, category "
            "FROM incidents WHERE occurred_from < :agg) AS g",
            p,
        ),
        login_attempts=_count(conn, "SELECT count(*) FROM login_attempts WHERE at < :att", p),
    )


def _apply(conn: Connection, p: dict[str, Any]) -> Counts:
    rows, groups = conn.execute(
        sa.text(
            """
            WITH gone AS (
                DELETE FROM incidents WHERE occurred_from < :agg
                RETURNING occurred_from, area_id, organisation_id, category
            ), added AS (
                INSERT INTO incident_aggregates (month, area_id, organisation_id, category, n)
                SELECT date_trunc('month', occurred_from AT TIME ZONE 'Europe/Stockholm')::date,
                       area_id, organisation_id, category, count(*)
                FROM gone GROUP BY 1, 2, 3, 4
                ON CONFLICT (month, area_id, organisation_id, category)
                DO UPDATE SET n = incident_aggregates.n + EXCLUDED.n, aggregated_at = now()
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM added)
            """
        ),
        p,
    ).one()
    texts = conn.execute(
        sa.text(
            "UPDATE incidents SET description = NULL "
            "WHERE description IS NOT NULL AND occurred_from < :ft"
        ),
        p,
    ).rowcount
    attempts = conn.execute(sa.text("DELETE FROM login_attempts WHERE at < :att"), p).rowcount
    conn.execute(sa.text("DELETE FROM login_resets WHERE at < :att"), p)
    return Counts(
        free_texts=texts,
        aggregated_rows=int(rows),
        aggregate_groups=int(groups),
        login_attempts=attempts,
    )


def run(
    *,
    free_text_before: dt.datetime,
    aggregate_before: dt.datetime,
    attempts_before: dt.datetime,
    dry_run: bool,
    policy: dict[str, Any],
    conn: Connection | None = None,
) -> Counts:
    """Apply the cut-offs (or, with ``dry_run``, only count what would change) in one
    transaction; a real run writes one audit row with the counts, cut-offs and policy."""
    p = {"ft": free_text_before, "agg": aggregate_before, "att": attempts_before}
    with transaction(conn) as c:
        c.execute(sa.text("SELECT set_config('statement_timeout', :t, true)"), {"t": RUN_TIMEOUT})
        if dry_run:
            return _plan(c, p)
        counts = _apply(c, p)
        audit(
            c,
            username="gallring",
            action="gallring",
            entity="incidents",
            details={
                **asdict(counts),
                "fritext_fore": free_text_before.isoformat(),
                "aggregerat_fore": aggregate_before.isoformat(),
                "inloggningsforsok_fore": attempts_before.isoformat(),
                "policy": policy,
            },
        )
        return counts


def preview(
    admin_id: int,
    *,
    free_text_before: dt.datetime,
    aggregate_before: dt.datetime,
    attempts_before: dt.datetime,
) -> Counts:
    """What a run would change, counted under the administrator's role (changes nothing)."""
    p = {"ft": free_text_before, "agg": aggregate_before, "att": attempts_before}
    with as_user(admin_id, "admin") as c:
        return _plan(c, p)


def last_run(admin_id: int) -> tuple[dt.datetime, dict[str, Any]] | None:
    """Time and details of the latest retention run in the audit trail, or None."""
    with as_user(admin_id, "admin") as c:
        row = c.execute(
            sa.text(
                "SELECT at, details FROM audit_log WHERE action = 'gallring' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).first()
    return None if row is None else (row[0], dict(row[1]))


def monthly_counts(*, conn: Connection | None = None) -> pl.DataFrame:
    """Reports per month, area, organisation and category: the kept reports plus the counts that
    replaced aggregated ones (``incident_monthly_counts``), for long-term trends."""
    return read_frame(
        "SELECT month, area_id, organisation_id, category, n FROM incident_monthly_counts "
        "ORDER BY month, area_id, organisation_id, category",
        conn=conn,
        schema={
            "month": pl.Date,
            "area_id": pl.Int64,
            "organisation_id": pl.Int64,
            "category": pl.Utf8,
            "n": pl.Int64,
        },
    )
