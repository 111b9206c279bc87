"""Problem pictures, their criteria and cause analyses, the knowledge library and settings.

Every statement binds its parameters; every write adds an ``audit_log`` row in the same
transaction. The selection of a problem picture (categories, subtypes, areas or geometry,
weekdays and hours) is applied in the database, in local (Europe/Stockholm) time.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash.store import as_user, audit, execute, read_frame, scalar, transaction
from ostan_dash.store.queries import epoch_to_local


def setting(key: str, default: Any = None, *, conn: Connection | None = None) -> Any:
    """The JSON value of a setting (e.g. ``unit_costs``, ``criteria_thresholds``) or ``default``."""
    value = scalar("SELECT value FROM settings WHERE key = :k", {"k": key}, conn=conn)
    return default if value is None else value


# The six sides of the problem analysis triangle in cause_analyses (sql/023).
TRIANGLE_COLUMNS = (
    "triangle_place",
    "triangle_offender",
    "triangle_target",
    "triangle_place_manager",
    "triangle_handler",
    "triangle_guardian",
)

# Reads ---------------------------------------------------------------------------------------

PROBLEM_SCHEMA = {
    "problem_id": pl.Int64,
    "title": pl.Utf8,
    "description": pl.Utf8,
    "status": pl.Utf8,
    "categories": pl.List(pl.Utf8),
    "subtypes": pl.List(pl.Utf8),
    "area_ids": pl.List(pl.Int64),
    "areas": pl.Utf8,
    "has_geom": pl.Boolean,
    "weekdays": pl.List(pl.Int64),
    "hour_from": pl.Int64,
    "hour_to": pl.Int64,
    "period_from": pl.Date,
    "period_to": pl.Date,
    "owner_org_id": pl.Int64,
    "owner_org": pl.Utf8,
    "created_at": pl.Datetime("us", "Europe/Stockholm"),
    "n_interventions": pl.Int64,
}


def problems(*, conn: Connection | None = None) -> pl.DataFrame:
    """Every problem picture with its selection, owner and number of interventions."""
    df = read_frame(
        """
        SELECT p.id AS problem_id, p.title, p.description, p.status, p.categories, p.subtypes,
               p.area_ids,
               (SELECT string_agg(a.name, ', ' ORDER BY a.name) FROM areas a
                 WHERE a.id = ANY(p.area_ids)) AS areas,
               p.geom IS NOT NULL AS has_geom, p.weekdays, p.hour_from, p.hour_to,
               p.period_from, p.period_to, p.owner_org_id, o.name AS owner_org,
               p.created_at,
               (SELECT count(*) FROM interventions i WHERE i.problem_id = p.id) AS n_interventions
        FROM problem_pictures p LEFT JOIN organisations o ON o.id = p.owner_org_id
        ORDER BY p.created_at DESC, p.id DESC
        """,
        conn=conn,
        schema=PROBLEM_SCHEMA,
    )
    return df


CRITERIA_SCHEMA = {
    "problem_id": pl.Int64,
    "criterion": pl.Int64,
    "proposed": pl.Boolean,
    "proposed_basis": pl.Utf8,
    "met": pl.Boolean,
    "justification": pl.Utf8,
    "decided_by": pl.Utf8,
    "decided_at": pl.Datetime("us", "Europe/Stockholm"),
}


def criteria(problem_id: int | None = None, *, conn: Connection | None = None) -> pl.DataFrame:
    """Stored criteria rows (all problem pictures, or one)."""
    return read_frame(
        """
        SELECT c.problem_id, c.criterion, c.proposed, c.proposed_basis, c.met, c.justification,
               u.display_name AS decided_by, c.decided_at
        FROM problem_criteria c LEFT JOIN users u ON u.id = c.decided_by
        WHERE CAST(:pid AS integer) IS NULL OR c.problem_id = :pid
        ORDER BY c.problem_id, c.criterion
        """,
        {"pid": problem_id},
        conn=conn,
        schema=CRITERIA_SCHEMA,
    )


def cause_analysis(problem_id: int, *, conn: Connection | None = None) -> dict[str, Any] | None:
    """The cause analysis of a problem picture (hypotheses as a list of dicts) or None."""
    df = read_frame(
        """
        SELECT c.known_facts, c.hypotheses, c.evidence_ids, c.conclusion,
               c.triangle_place, c.triangle_offender, c.triangle_target,
               c.triangle_place_manager, c.triangle_handler, c.triangle_guardian,
               u.display_name AS updated_by, c.updated_at
        FROM cause_analyses c LEFT JOIN users u ON u.id = c.updated_by
        WHERE c.problem_id = :pid
        """,
        {"pid": problem_id},
        conn=conn,
    )
    if df.is_empty():
        return None
    row = df.row(0, named=True)
    hyps = row["hypotheses"]
    row["hypotheses"] = json.loads(hyps) if isinstance(hyps, str) else list(hyps or [])
    row["evidence_ids"] = list(row["evidence_ids"] or [])
    return row


def knowledge_sources(*, conn: Connection | None = None) -> pl.DataFrame:
    """The knowledge library: sources with publisher, year, link and summary."""
    return read_frame(
        "SELECT id AS source_id, title, publisher, year, url, summary FROM knowledge_sources "
        "ORDER BY publisher, title",
        conn=conn,
        schema={
            "source_id": pl.Int64,
            "title": pl.Utf8,
            "publisher": pl.Utf8,
            "year": pl.Int64,
            "url": pl.Utf8,
            "summary": pl.Utf8,
        },
    )


def intervention_types(*, conn: Connection | None = None) -> pl.DataFrame:
    """Intervention types with their kind, strength of evidence and source."""
    return read_frame(
        """
        SELECT t.id AS type_id, t.name, t.kind, t.evidence, t.description,
               s.title AS source, s.publisher
        FROM intervention_types t LEFT JOIN knowledge_sources s ON s.id = t.source_id
        ORDER BY t.kind, t.name
        """,
        conn=conn,
        schema={
            "type_id": pl.Int64,
            "name": pl.Utf8,
            "kind": pl.Utf8,
            "evidence": pl.Utf8,
            "description": pl.Utf8,
            "source": pl.Utf8,
            "publisher": pl.Utf8,
        },
    )


def places(*, conn: Connection | None = None) -> pl.DataFrame:
    """Named places (for a problem picture around a place)."""
    return read_frame(
        "SELECT p.id AS place_id, p.name, p.kind, p.critical, a.name AS area "
        "FROM places p LEFT JOIN areas a ON a.id = p.area_id ORDER BY p.name",
        conn=conn,
        schema={
            "place_id": pl.Int64,
            "name": pl.Utf8,
            "kind": pl.Utf8,
            "critical": pl.Boolean,
            "area": pl.Utf8,
        },
    )


# The selection of a problem picture, as SQL: incidents `i` matching problem picture `p`.
# Hours are [hour_from, hour_to) and may wrap past midnight (18–2 is 18:00–01:59); the small
# hours then belong to the evening's weekday, so "Friday 18–2" includes Saturday 01:00.
_SELECTION = """
    (cardinality(p.categories) = 0 OR i.category = ANY(p.categories))
    AND (cardinality(p.subtypes) = 0 OR i.subtype = ANY(p.subtypes))
    AND (cardinality(p.area_ids) = 0 OR i.area_id = ANY(p.area_ids))
    AND (p.geom IS NULL OR ST_Intersects(p.geom, i.geom))
    AND (p.hour_from IS NULL OR p.hour_to IS NULL OR p.hour_from = p.hour_to
         OR (p.hour_from < p.hour_to
             AND extract(hour FROM i.occurred_from AT TIME ZONE 'Europe/Stockholm')
                 BETWEEN p.hour_from AND p.hour_to - 1)
         OR (p.hour_from > p.hour_to
             AND (extract(hour FROM i.occurred_from AT TIME ZONE 'Europe/Stockholm') >= p.hour_from
                  OR extract(hour FROM i.occurred_from AT TIME ZONE 'Europe/Stockholm') < p.hour_to)))
    AND (cardinality(p.weekdays) = 0 OR extract(isodow FROM
            (i.occurred_from AT TIME ZONE 'Europe/Stockholm')
            - CASE WHEN p.hour_from > p.hour_to
                    AND extract(hour FROM i.occurred_from AT TIME ZONE 'Europe/Stockholm') < p.hour_to
                   THEN interval '1 day' ELSE interval '0' END)::integer = ANY(p.weekdays))
    AND (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :first AND :last
"""

_INC_SCHEMA = {
    "id": pl.Int64,
    "category": pl.Utf8,
    "subtype": pl.Utf8,
    "object_type": pl.Utf8,
    "t_from": pl.Int64,
    "t_to": pl.Int64,
    "x": pl.Float64,
    "y": pl.Float64,
    "area_id": pl.Int64,
}


def problem_incidents(
    problem_id: int, first: dt.date, last: dt.date, *, conn: Connection | None = None
) -> pl.DataFrame:
    """EST incidents in a problem picture's selection with a local date in ``first``–``last``.

    Columns: id, category, subtype, object_type, occurred_from, occurred_to (Europe/Stockholm),
    x, y (SWEREF 99 TM), area_id.
    """
    raw = read_frame(
        f"""
        SELECT i.id, i.category, i.subtype, i.object_type,
               floor(extract(epoch FROM i.occurred_from))::bigint AS t_from,
               floor(extract(epoch FROM i.occurred_to))::bigint AS t_to,
               ST_X(i.geom) AS x, ST_Y(i.geom) AS y, i.area_id
        FROM incidents i JOIN problem_pictures p ON p.id = :pid
        WHERE {_SELECTION}
        """,  # noqa: S608 (a constant SQL fragment, no values)
        {"pid": problem_id, "first": first, "last": last},
        conn=conn,
        schema=_INC_SCHEMA,
    )
    return raw.with_columns(
        occurred_from=epoch_to_local("t_from"), occurred_to=epoch_to_local("t_to")
    ).drop("t_from", "t_to")


def places_near(
    problem_id: int,
    first: dt.date,
    last: dt.date,
    *,
    radius_m: float,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """Places with the number of the selection's incidents within ``radius_m`` (PostGIS).

    Only places with at least one such incident are returned (name, kind, critical, n_near).
    """
    return read_frame(
        f"""
        WITH sel AS (
            SELECT i.geom FROM incidents i JOIN problem_pictures p ON p.id = :pid
            WHERE {_SELECTION}
        )
        SELECT pl.name, pl.kind, pl.critical, count(*) AS n_near
        FROM places pl JOIN sel ON ST_DWithin(pl.geom, sel.geom, :r)
        GROUP BY pl.id, pl.name, pl.kind, pl.critical
        ORDER BY n_near DESC, pl.name
        """,  # noqa: S608 (a constant SQL fragment, no values)
        {"pid": problem_id, "first": first, "last": last, "r": float(radius_m)},
        conn=conn,
        schema={"name": pl.Utf8, "kind": pl.Utf8, "critical": pl.Boolean, "n_near": pl.Int64},
    )


# Writes --------------------------------------------------------------------------------------
# One convention (issue 16): a page passes the acting user's id and role and the write opens its
# own transaction with that user's database privileges (``store.as_user``: grants and row-level
# security check again what the page allowed). Without ``role`` the write runs with the
# caller's privileges in ``conn`` or a new transaction (scripts, the demo, tests).


@contextmanager
def acting(
    user_id: int | None, role: str | None, conn: Connection | None = None
) -> Iterator[Connection]:
    """The transaction a write runs in: as ``role`` acting for ``user_id`` when ``role`` is
    given (inside ``conn`` when given), else ``conn`` itself or a new transaction."""
    if role is None:
        with transaction(conn) as c:
            yield c
        return
    if user_id is None:
        raise ValueError("A write as a role needs the acting user's id.")
    with as_user(user_id, role, conn=conn) as c:
        yield c


def create_problem(
    *,
    title: str,
    description: str | None,
    categories: Sequence[str],
    subtypes: Sequence[str] = (),
    area_ids: Sequence[int] = (),
    place_id: int | None = None,
    radius_m: float | None = None,
    weekdays: Sequence[int] = (),
    hour_from: int | None = None,
    hour_to: int | None = None,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    owner_org_id: int | None,
    user_id: int,
    username: str,
    client_token: uuid.UUID | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> int:
    """Create a problem picture; a place with a radius becomes its geometry (a buffer in PostGIS).

    With ``role`` it runs as that role acting for ``user_id`` (:func:`acting`)."""
    if not title.strip():
        raise ValueError("Problembilden behöver en rubrik.")
    if place_id is not None and not radius_m:
        raise ValueError("Ange en radie runt platsen.")
    with acting(user_id, role, conn) as c:
        if client_token is not None:
            # The same form instance again (a double click, a resent form): the row it made.
            done = _made_with(c, "problem_pictures", client_token)
            if done is not None:
                return done
        pid = scalar(
            """
            INSERT INTO problem_pictures (title, description, categories, subtypes, area_ids, geom,
                weekdays, hour_from, hour_to, period_from, period_to, owner_org_id, created_by,
                client_token)
            VALUES (:title, :description, CAST(:categories AS text[]), CAST(:subtypes AS text[]),
                CAST(:area_ids AS integer[]),
                (SELECT ST_Multi(ST_Buffer(geom, :radius)) FROM places WHERE id = :place_id),
                CAST(:weekdays AS integer[]), :hour_from, :hour_to, :period_from, :period_to,
                :owner, :user_id, :token)
            ON CONFLICT (client_token) DO NOTHING
            RETURNING id
            """,
            {
                "title": title.strip(),
                "description": description,
                "categories": list(categories),
                "subtypes": list(subtypes),
                "area_ids": [int(a) for a in area_ids],
                "radius": float(radius_m or 0),
                "place_id": place_id,
                "weekdays": [int(w) for w in weekdays],
                "hour_from": hour_from,
                "hour_to": hour_to,
                "period_from": period_from,
                "period_to": period_to,
                "owner": owner_org_id,
                "user_id": user_id,
                "token": client_token,
            },
            conn=c,
        )
        if pid is None:  # made by a concurrent submit of the same form
            return int(_made_with(c, "problem_pictures", client_token))
        audit(
            c,
            username=username,
            action="skapa",
            entity="problem_pictures",
            entity_id=pid,
            details={"title": title.strip(), "place_id": place_id, "radius_m": radius_m},
        )
    return int(pid)


def set_problem_status(
    problem_id: int,
    status: str,
    *,
    username: str,
    user_id: int | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> None:
    """Change a problem picture's status (oppen, atgardas, avslutad, overlamnad); with ``role``
    as that role acting for ``user_id`` (:func:`acting`)."""
    change_status(
        "problem_pictures",
        problem_id,
        status,
        username=username,
        user_id=user_id,
        role=role,
        conn=conn,
    )


_STATUS_UPDATES = {
    table: f"UPDATE {table} SET status = :s, updated_at = now() WHERE id = :id"  # noqa: S608
    for table in ("interventions", "problem_pictures")
}
_TOUCHES = {
    table: f"UPDATE {table} SET updated_at = now() WHERE id = :id"  # noqa: S608
    for table in ("interventions", "problem_pictures")
}


def touched(
    c: Connection,
    table: str,
    entity_id: int,
    *,
    username: str,
    action: str,
    details: Mapping[str, Any],
) -> None:
    """Mark a row of ``table`` (``interventions`` or ``problem_pictures``) as changed now, after
    a write to one of its child tables, and audit the write as ``action``."""
    execute(_TOUCHES[table], {"id": entity_id}, conn=c)
    audit(c, username=username, action=action, entity=table, entity_id=entity_id, details=details)


def change_status(
    table: str,
    entity_id: int,
    status: str,
    *,
    username: str,
    user_id: int | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> None:
    """Set the status of a row of ``table`` (``interventions`` or ``problem_pictures``, whose
    CHECK constraints name the statuses) and audit it as ``andra_status``, acting as
    :func:`acting` says."""
    with acting(user_id, role, conn) as c:
        execute(_STATUS_UPDATES[table], {"s": status, "id": entity_id}, conn=c)
        audit(
            c,
            username=username,
            action="andra_status",
            entity=table,
            entity_id=entity_id,
            details={"status": status},
        )


def save_criterion(
    problem_id: int,
    criterion: int,
    *,
    proposed: bool | None,
    proposed_basis: str | None,
    met: bool | None,
    justification: str | None,
    user_id: int,
    username: str,
    role: str | None = None,
    conn: Connection | None = None,
) -> None:
    """Record the data's proposal and the analyst's decision for one criterion (upsert); with
    ``role`` as that role acting for ``user_id`` (:func:`acting`)."""
    if (
        met is not None
        and proposed is not None
        and met != proposed
        and not (justification or "").strip()
    ):
        raise ValueError("Motivera varför du avviker från förslaget.")
    with acting(user_id, role, conn) as c:
        execute(
            """
            INSERT INTO problem_criteria (problem_id, criterion, proposed, proposed_basis, met,
                                          justification, decided_by, decided_at)
            VALUES (:pid, :k, :proposed, :basis, :met, :why, :uid, now())
            ON CONFLICT (problem_id, criterion) DO UPDATE SET
                proposed = EXCLUDED.proposed, proposed_basis = EXCLUDED.proposed_basis,
                met = EXCLUDED.met, justification = EXCLUDED.justification,
                decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at
            """,
            {
                "pid": problem_id,
                "k": criterion,
                "proposed": proposed,
                "basis": proposed_basis,
                "met": met,
                "why": (justification or "").strip() or None,
                "uid": user_id,
            },
            conn=c,
        )
        touched(
            c,
            "problem_pictures",
            problem_id,
            username=username,
            action="bedom_kriterium",
            details={"criterion": criterion, "proposed": proposed, "met": met},
        )


def save_criteria(
    problem_id: int,
    decisions: Sequence[Any],
    *,
    user_id: int,
    username: str,
    role: str | None = None,
    conn: Connection | None = None,
) -> None:
    """:func:`save_criterion` for each decision, in one transaction (all or none); with
    ``role`` as that role acting for ``user_id`` (:func:`acting`).

    Each decision has ``criterion``, ``met``, ``justification``, ``proposed`` and ``basis``
    (:class:`ostan_dash.analysis.problems.CriterionDecision`).
    """
    with acting(user_id, role, conn) as c:
        for d in decisions:
            save_criterion(
                problem_id,
                d.criterion,
                proposed=d.proposed,
                proposed_basis=d.basis,
                met=d.met,
                justification=d.justification,
                user_id=user_id,
                username=username,
                conn=c,
            )


def save_cause_analysis(
    problem_id: int,
    *,
    known_facts: str | None,
    hypotheses: Sequence[Mapping[str, str]],
    evidence_ids: Sequence[int],
    conclusion: str | None,
    user_id: int,
    username: str,
    triangle: Mapping[str, str | None] | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> None:
    """Save the cause analysis (Brå: known facts, hypotheses with support, evidence, conclusion).

    ``triangle`` holds the problem analysis triangle by column name (``triangle_place`` …
    ``triangle_guardian``); a blank or missing side is stored as NULL. With ``role`` it runs as
    that role acting for ``user_id`` (:func:`acting`).
    """
    tri = {k: (str((triangle or {}).get(k) or "").strip() or None) for k in TRIANGLE_COLUMNS}
    hyps = [
        {"hypotes": str(h.get("hypotes", "")).strip(), "stod": str(h.get("stod", "") or "").strip()}
        for h in hypotheses
        if str(h.get("hypotes", "")).strip()
    ]
    with acting(user_id, role, conn) as c:
        execute(
            """
            INSERT INTO cause_analyses (problem_id, known_facts, hypotheses, evidence_ids,
                                        conclusion, triangle_place, triangle_offender,
                                        triangle_target, triangle_place_manager,
                                        triangle_handler, triangle_guardian,
                                        updated_by, updated_at)
            VALUES (:pid, :facts, CAST(:hyps AS jsonb), CAST(:ev AS integer[]), :concl,
                    :triangle_place, :triangle_offender, :triangle_target,
                    :triangle_place_manager, :triangle_handler, :triangle_guardian, :uid, now())
            ON CONFLICT (problem_id) DO UPDATE SET
                known_facts = EXCLUDED.known_facts, hypotheses = EXCLUDED.hypotheses,
                evidence_ids = EXCLUDED.evidence_ids, conclusion = EXCLUDED.conclusion,
                triangle_place = EXCLUDED.triangle_place,
                triangle_offender = EXCLUDED.triangle_offender,
                triangle_target = EXCLUDED.triangle_target,
                triangle_place_manager = EXCLUDED.triangle_place_manager,
                triangle_handler = EXCLUDED.triangle_handler,
                triangle_guardian = EXCLUDED.triangle_guardian,
                updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
            """,
            {
                "pid": problem_id,
                "facts": known_facts,
                "hyps": json.dumps(hyps, ensure_ascii=False),
                "ev": [int(e) for e in evidence_ids],
                "concl": conclusion,
                "uid": user_id,
                **tri,
            },
            conn=c,
        )
        audit(
            c,
            username=username,
            action="spara_orsaksanalys",
            entity="problem_pictures",
            entity_id=problem_id,
            details={
                "hypotheses": len(hyps),
                "evidence": len(evidence_ids),
                "triangle": sum(v is not None for v in tri.values()),
            },
        )


def _made_with(c: Connection, table: str, token: uuid.UUID) -> int | None:
    """The id of the row a form instance already made (``client_token``), if any."""
    sql = {
        "problem_pictures": "SELECT id FROM problem_pictures WHERE client_token = :t",
        "interventions": "SELECT id FROM interventions WHERE client_token = :t",
    }[table]
    row = c.execute(sa.text(sql), {"t": token}).first()
    return None if row is None else int(row[0])
