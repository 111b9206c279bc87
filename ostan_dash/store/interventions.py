"""Interventions: plan, implementation log, and the counts their evaluation needs (in PostGIS).

The target is the intervention's own geometry, or the union of its target areas; the control
is its control geometry or the union of its control areas; the buffer ring is
``ST_Difference(ST_Buffer(target, w), target)`` with the control cut out too, so that no
incident is counted in two zones. Counts are EST incidents of the intervention's categories,
by the local (Europe/Stockholm) date their time window starts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash.store import audit, read_frame, scalar
from ostan_dash.store.problems import acting, change_status, touched

INTERVENTION_SCHEMA = {
    "intervention_id": pl.Int64,
    "title": pl.Utf8,
    "description": pl.Utf8,
    "kind": pl.Utf8,
    "type_name": pl.Utf8,
    "evidence": pl.Utf8,
    "problem_id": pl.Int64,
    "problem_title": pl.Utf8,
    "cause_hypothesis": pl.Utf8,
    "categories": pl.List(pl.Utf8),
    "target_area_ids": pl.List(pl.Int64),
    "target_areas": pl.Utf8,
    "has_target_geom": pl.Boolean,
    "control_area_ids": pl.List(pl.Int64),
    "control_areas": pl.Utf8,
    "has_control": pl.Boolean,
    "buffer_m": pl.Int64,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "responsible_org_id": pl.Int64,
    "responsible_org": pl.Utf8,
    "responsible_role": pl.Utf8,
    "cost_sek": pl.Float64,
    "cost_of_inaction_sek": pl.Float64,
    "expected_effect": pl.Utf8,
    "goal_reduction_pct": pl.Float64,
    "baseline": pl.Utf8,
    "status": pl.Utf8,
    "last_log": pl.Date,
    "n_log": pl.Int64,
    "created_date": pl.Date,
    "problem_created": pl.Date,
    "problem_period_to": pl.Date,
}


def interventions(*, conn: Connection | None = None) -> pl.DataFrame:
    """Every intervention with its plan, owner, linked problem picture and latest log date.

    ``problem_created`` and ``problem_period_to`` date the weeks in which the problem was
    picked (for the regression-to-the-mean warning); ``created_date`` stands in for them when
    no problem picture is linked.
    """
    return read_frame(
        """
        SELECT iv.id AS intervention_id, iv.title, iv.description, iv.kind, t.name AS type_name,
               t.evidence, iv.problem_id, p.title AS problem_title, iv.cause_hypothesis,
               iv.categories, iv.target_area_ids,
               (SELECT string_agg(a.name, ', ' ORDER BY a.name) FROM areas a
                 WHERE a.id = ANY(iv.target_area_ids)) AS target_areas,
               iv.target_geom IS NOT NULL AS has_target_geom, iv.control_area_ids,
               (SELECT string_agg(a.name, ', ' ORDER BY a.name) FROM areas a
                 WHERE a.id = ANY(iv.control_area_ids)) AS control_areas,
               (iv.control_geom IS NOT NULL OR cardinality(iv.control_area_ids) > 0) AS has_control,
               iv.buffer_m, iv.start_date, iv.end_date, iv.responsible_org_id,
               o.name AS responsible_org, iv.responsible_role,
               iv.cost_sek::float8 AS cost_sek, iv.cost_of_inaction_sek::float8 AS cost_of_inaction_sek,
               iv.expected_effect, iv.goal_reduction_pct::float8 AS goal_reduction_pct,
               iv.baseline, iv.status,
               (SELECT max(l.entry_date) FROM intervention_log l
                 WHERE l.intervention_id = iv.id) AS last_log,
               (SELECT count(*) FROM intervention_log l WHERE l.intervention_id = iv.id) AS n_log,
               (iv.created_at AT TIME ZONE 'Europe/Stockholm')::date AS created_date,
               (p.created_at AT TIME ZONE 'Europe/Stockholm')::date AS problem_created,
               p.period_to AS problem_period_to
        FROM interventions iv
        LEFT JOIN intervention_types t ON t.id = iv.intervention_type_id
        LEFT JOIN problem_pictures p ON p.id = iv.problem_id
        LEFT JOIN organisations o ON o.id = iv.responsible_org_id
        ORDER BY iv.start_date DESC, iv.id DESC
        """,
        conn=conn,
        schema=INTERVENTION_SCHEMA,
    )


def log_entries(intervention_id: int, *, conn: Connection | None = None) -> pl.DataFrame:
    """The implementation log of one intervention, newest first."""
    return read_frame(
        """
        SELECT l.entry_date, l.fidelity, l.note, u.display_name AS author
        FROM intervention_log l LEFT JOIN users u ON u.id = l.created_by
        WHERE l.intervention_id = :id ORDER BY l.entry_date DESC, l.id DESC
        """,
        {"id": intervention_id},
        conn=conn,
        schema={"entry_date": pl.Date, "fidelity": pl.Utf8, "note": pl.Utf8, "author": pl.Utf8},
    )


# Zones: the target, its buffer ring (target and control excluded) and the control, in PostGIS.
_ZONES = """
    iv AS (SELECT * FROM interventions WHERE id = :id),
    t AS (SELECT COALESCE(iv.target_geom,
                 (SELECT ST_Multi(ST_Union(a.geom)) FROM areas a WHERE a.id = ANY(iv.target_area_ids)))
                 AS g FROM iv),
    c AS (SELECT COALESCE(iv.control_geom,
                 (SELECT ST_Multi(ST_Union(a.geom)) FROM areas a WHERE a.id = ANY(iv.control_area_ids)))
                 AS g FROM iv),
    b AS (SELECT ST_Buffer(t.g, :w) AS g FROM t),
    r AS (SELECT CASE WHEN c.g IS NULL THEN ST_Difference(b.g, t.g)
                      ELSE ST_Difference(ST_Difference(b.g, t.g), c.g) END AS g
          FROM t, b, c),
    cats AS (SELECT COALESCE(CAST(:cats AS text[]), iv.categories) AS k FROM iv)
"""


def zone_counts(
    intervention_id: int,
    *,
    before: tuple[dt.date, dt.date],
    after: tuple[dt.date, dt.date],
    buffer_m: int | None = None,
    categories: Sequence[str] | None = None,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """Incident counts per zone (target, buffer, control), period (before, after) and category.

    Parameters
    ----------
    before, after
        Inclusive local-date ranges.
    buffer_m
        Width of the buffer ring in metres (default: the intervention's own ``buffer_m``).
    categories
        EST categories to count (default: the intervention's).

    Returns
    -------
    polars.DataFrame
        ``zone``, ``period``, ``category``, ``n``; combinations without incidents are missing.
    """
    if buffer_m is None:
        buffer_m = int(
            scalar(
                "SELECT buffer_m FROM interventions WHERE id = :id",
                {"id": intervention_id},
                conn=conn,
            )
        )
    return read_frame(
        f"""
        WITH {_ZONES},
        inc AS (
            SELECT i.category, i.geom,
                   (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date AS d
            FROM incidents i, b, c, cats
            WHERE i.category = ANY(cats.k)
              AND (ST_Intersects(b.g, i.geom) OR (c.g IS NOT NULL AND ST_Intersects(c.g, i.geom)))
              AND ((i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :b0 AND :b1
                OR (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :a0 AND :a1)
        ),
        zoned AS (
            SELECT inc.category, inc.d,
                   CASE WHEN ST_Intersects(t.g, inc.geom) THEN 'target'
                        WHEN ST_Intersects(r.g, inc.geom) THEN 'buffer'
                        WHEN c.g IS NOT NULL AND ST_Intersects(c.g, inc.geom) THEN 'control'
                   END AS zone
            FROM inc, t, r, c
        )
        SELECT zone, 'before' AS period, category, count(*) AS n FROM zoned
        WHERE zone IS NOT NULL AND d BETWEEN :b0 AND :b1 GROUP BY zone, category
        UNION ALL
        SELECT zone, 'after', category, count(*) FROM zoned
        WHERE zone IS NOT NULL AND d BETWEEN :a0 AND :a1 GROUP BY zone, category
        ORDER BY 1, 2, 3
        """,  # noqa: S608 (a constant SQL fragment, no values)
        {
            "id": intervention_id,
            "w": float(buffer_m),
            "cats": list(categories) if categories is not None else None,
            "b0": before[0],
            "b1": before[1],
            "a0": after[0],
            "a1": after[1],
        },
        conn=conn,
        schema={"zone": pl.Utf8, "period": pl.Utf8, "category": pl.Utf8, "n": pl.Int64},
    )


def zone_daily_counts(
    intervention_id: int,
    first: dt.date,
    last: dt.date,
    *,
    buffer_m: int,
    categories: Sequence[str] | None = None,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """Incidents per zone (target, buffer, control), local day and category, ``first``–``last``.

    The one read a follow-up needs (baseline, intervention period and the dispersion year):
    ``zone``, ``day``, ``category``, ``n``; combinations without incidents are missing.
    """
    return read_frame(
        f"""
        WITH {_ZONES},
        inc AS (
            SELECT i.category, i.geom,
                   (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date AS d
            FROM incidents i, b, c, cats
            WHERE i.category = ANY(cats.k)
              AND (ST_Intersects(b.g, i.geom) OR (c.g IS NOT NULL AND ST_Intersects(c.g, i.geom)))
              AND i.occurred_from >= (CAST(:f AS date)::timestamp AT TIME ZONE 'Europe/Stockholm')
              AND i.occurred_from < ((CAST(:l AS date) + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')
        ),
        zoned AS (
            SELECT inc.category, inc.d,
                   CASE WHEN ST_Intersects(t.g, inc.geom) THEN 'target'
                        WHEN ST_Intersects(r.g, inc.geom) THEN 'buffer'
                        WHEN c.g IS NOT NULL AND ST_Intersects(c.g, inc.geom) THEN 'control'
                   END AS zone
            FROM inc, t, r, c
        )
        SELECT zone, d AS day, category, count(*) AS n FROM zoned
        WHERE zone IS NOT NULL GROUP BY zone, d, category ORDER BY 1, 2, 3
        """,  # noqa: S608 (a constant SQL fragment, no values)
        {
            "id": intervention_id,
            "w": float(buffer_m),
            "cats": list(categories) if categories is not None else None,
            "f": first,
            "l": last,
        },
        conn=conn,
        schema={"zone": pl.Utf8, "day": pl.Date, "category": pl.Utf8, "n": pl.Int64},
    )


def daily_target_counts(
    intervention_id: int,
    first: dt.date,
    last: dt.date,
    *,
    categories: Sequence[str] | None = None,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """Incidents in the target per local day ``first``–``last`` (``day``, ``n``; empty days missing)."""
    return read_frame(
        """
        WITH iv AS (SELECT * FROM interventions WHERE id = :id),
        t AS (SELECT COALESCE(iv.target_geom,
                     (SELECT ST_Multi(ST_Union(a.geom)) FROM areas a
                       WHERE a.id = ANY(iv.target_area_ids))) AS g FROM iv),
        cats AS (SELECT COALESCE(CAST(:cats AS text[]), iv.categories) AS k FROM iv)
        SELECT (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date AS day, count(*) AS n
        FROM incidents i, t, cats
        WHERE i.category = ANY(cats.k) AND ST_Intersects(t.g, i.geom)
          AND (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date BETWEEN :f AND :l
        GROUP BY 1 ORDER BY 1
        """,
        {
            "id": intervention_id,
            "f": first,
            "l": last,
            "cats": list(categories) if categories is not None else None,
        },
        conn=conn,
        schema={"day": pl.Date, "n": pl.Int64},
    )


def zone_geojson(
    intervention_id: int, *, buffer_m: int, conn: Connection | None = None
) -> dict[str, str | None]:
    """Target, buffer ring and control as GeoJSON in WGS 84 (for the map)."""
    df = read_frame(
        f"""
        WITH {_ZONES}
        SELECT ST_AsGeoJSON(ST_Transform(t.g, 4326), 6) AS target,
               ST_AsGeoJSON(ST_Transform(r.g, 4326), 6) AS buffer,
               ST_AsGeoJSON(ST_Transform(c.g, 4326), 6) AS control
        FROM t, r, c
        """,  # noqa: S608 (a constant SQL fragment, no values)
        {"id": intervention_id, "w": float(buffer_m), "cats": None},
        conn=conn,
        schema={"target": pl.Utf8, "buffer": pl.Utf8, "control": pl.Utf8},
    )
    return df.row(0, named=True) if df.height else {"target": None, "buffer": None, "control": None}


# Writes --------------------------------------------------------------------------------------


def create_intervention(
    *,
    title: str,
    description: str | None,
    kind: str,
    intervention_type_id: int | None,
    problem_id: int | None,
    cause_hypothesis: str | None,
    categories: Sequence[str],
    target_area_ids: Sequence[int] = (),
    place_id: int | None = None,
    radius_m: float | None = None,
    target_wkt: str | None = None,
    control_area_ids: Sequence[int] = (),
    buffer_m: int = 300,
    start_date: dt.date,
    end_date: dt.date,
    responsible_org_id: int | None,
    responsible_role: str | None,
    cost_sek: float | None,
    cost_of_inaction_sek: float | None,
    expected_effect: str | None,
    goal_reduction_pct: float | None,
    baseline: str = "samma_period_forra_aret",
    status: str = "planerad",
    user_id: int,
    username: str,
    client_token: uuid.UUID | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> int:
    """Plan an intervention. Where: areas, a polygon (WKT in SWEREF 99 TM) or a place with a radius.

    With ``role`` it runs as that role acting for ``user_id`` (:func:`store.problems.acting`)."""
    if not title.strip():
        raise ValueError("Insatsen behöver en rubrik.")
    if end_date < start_date:
        raise ValueError("Slutdatum före startdatum.")
    if not categories:
        raise ValueError("Välj minst en kategori som målet räknar.")
    if place_id is None and target_wkt is None and not target_area_ids:
        raise ValueError("Ange var insatsen görs: område, plats med radie eller polygon.")
    with acting(user_id, role, conn) as c:
        if client_token is not None:
            # The same form instance again (a double click, a resent form): the row it made.
            done = _made_with(c, "interventions", client_token)
            if done is not None:
                return done
        iid = scalar(
            """
            INSERT INTO interventions (title, description, kind, intervention_type_id, problem_id,
                cause_hypothesis, categories, target_area_ids, target_geom, control_area_ids,
                buffer_m, start_date, end_date, responsible_org_id, responsible_role, cost_sek,
                cost_of_inaction_sek, expected_effect, goal_reduction_pct, baseline, status,
                created_by, client_token)
            VALUES (:title, :description, :kind, :type_id, :problem_id, :hyp,
                CAST(:cats AS text[]), CAST(:areas AS integer[]),
                CASE WHEN CAST(:wkt AS text) IS NOT NULL
                     THEN ST_Multi(ST_GeomFromText(CAST(:wkt AS text), 3006))
                     ELSE (SELECT ST_Multi(ST_Buffer(geom, :radius)) FROM places WHERE id = :place_id)
                END,
                CAST(:controls AS integer[]), :buffer_m, :start, :end, :org, :role, :cost,
                :inaction, :effect, :goal, :baseline, :status, :uid, :token)
            ON CONFLICT (client_token) DO NOTHING
            RETURNING id
            """,
            {
                "title": title.strip(),
                "description": description,
                "kind": kind,
                "type_id": intervention_type_id,
                "problem_id": problem_id,
                "hyp": cause_hypothesis,
                "cats": list(categories),
                "areas": [int(a) for a in target_area_ids],
                "wkt": target_wkt,
                "radius": float(radius_m or 0),
                "place_id": place_id,
                "controls": [int(a) for a in control_area_ids],
                "buffer_m": int(buffer_m),
                "start": start_date,
                "end": end_date,
                "org": responsible_org_id,
                "role": responsible_role,
                "cost": cost_sek,
                "inaction": cost_of_inaction_sek,
                "effect": expected_effect,
                "goal": goal_reduction_pct,
                "baseline": baseline,
                "status": status,
                "uid": user_id,
                "token": client_token,
            },
            conn=c,
        )
        if iid is None:  # made by a concurrent submit of the same form
            return int(_made_with(c, "interventions", client_token))
        audit(
            c,
            username=username,
            action="skapa",
            entity="interventions",
            entity_id=iid,
            details={"title": title.strip(), "problem_id": problem_id},
        )
    return int(iid)


def set_status(
    intervention_id: int,
    status: str,
    *,
    username: str,
    user_id: int | None = None,
    role: str | None = None,
    conn: Connection | None = None,
) -> None:
    """Change an intervention's status (planerad, pagaende, avslutad, installd); with ``role`` as
    that role acting for ``user_id`` (:func:`store.problems.acting`)."""
    change_status(
        "interventions",
        intervention_id,
        status,
        username=username,
        user_id=user_id,
        role=role,
        conn=conn,
    )


def add_log_entry(
    intervention_id: int,
    *,
    entry_date: dt.date,
    fidelity: str,
    note: str | None,
    user_id: int,
    username: str,
    role: str | None = None,
    conn: Connection | None = None,
) -> int:
    """Add a dated implementation log entry (enligt_plan, delvis, ej_genomford); with ``role`` as
    that role acting for ``user_id`` (:func:`store.problems.acting`)."""
    with acting(user_id, role, conn) as c:
        lid = scalar(
            "INSERT INTO intervention_log (intervention_id, entry_date, fidelity, note, created_by) "
            "VALUES (:id, :d, :f, :n, :u) RETURNING id",
            {
                "id": intervention_id,
                "d": entry_date,
                "f": fidelity,
                "n": (note or "").strip() or None,
                "u": user_id,
            },
            conn=c,
        )
        touched(
            c,
            "interventions",
            intervention_id,
            username=username,
            action="logga_genomforande",
            details={"entry_date": entry_date, "fidelity": fidelity},
        )
    return int(lid)


def counts_summary(df: pl.DataFrame) -> dict[str, Any]:
    """Totals of :func:`zone_counts` per zone and period: ``{"target": {"before": n, ...}, ...}``."""
    out: dict[str, dict[str, int]] = {
        z: {"before": 0, "after": 0} for z in ("target", "buffer", "control")
    }
    for zone, period, n in df.group_by("zone", "period").agg(pl.col("n").sum()).iter_rows():
        out[zone][period] = int(n)
    return out


def _made_with(c: Connection, table: str, token: uuid.UUID) -> int | None:
    """The id of the row a form instance already made (``client_token``), if any."""
    sql = {
        "problem_pictures": "SELECT id FROM problem_pictures WHERE client_token = :t",
        "interventions": "SELECT id FROM interventions WHERE client_token = :t",
    }[table]
    row = c.execute(sa.text(sql), {"t": token}).first()
    return None if row is None else int(row[0])


def cells_union_wkt(
    x0: Sequence[float], y0: Sequence[float], cell: float, *, conn: Connection | None = None
) -> str | None:
    """The union of square cells (SWEREF 99 TM lower-left corners, side ``cell`` metres) as a
    valid (Multi)Polygon WKT – neighbouring squares merge, holes stay holes – or ``None`` for
    no cells. PostGIS ``ST_Union`` of ``ST_MakeEnvelope``s; the text is what the intervention
    form stores as its area."""
    if len(x0) == 0:
        return None
    return scalar(
        """
        SELECT ST_AsText(ST_Union(ST_MakeEnvelope(x, y, x + :c, y + :c, 3006)))
        FROM unnest(CAST(:x AS float8[]), CAST(:y AS float8[])) AS t(x, y)
        """,
        {"x": [float(v) for v in x0], "y": [float(v) for v in y0], "c": float(cell)},
        conn=conn,
    )
