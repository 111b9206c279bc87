"""File, correct and list a reporter's own EST reports (the Rapportera page's database work).

A report is refused when its point lies outside the municipality (the union of the areas,
decided by PostGIS), and filing is idempotent: the form carries a UUID generated once per form
instance (``incidents.client_token`` is unique), so a double tap or a resubmitted form stores one
row. Drafts are validated first by :mod:`ostan_dash.ingest.reports`, which calls the writers here;
reporters may correct their own reports for :data:`EDIT_WINDOW` after filing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ostan_dash.config import TZ, TZ_NAME
from ostan_dash.store import as_user, audit, read_frame, savepoint, scalar, transaction

# The row-level security of sql/003_roles.sql gives a reporter the same 48 hours.
EDIT_WINDOW = dt.timedelta(hours=48)
OUTSIDE_MESSAGE = (
    "Platsen ligger utanför Östans kommun. Välj en plats i kommunen eller flytta punkten."
)


class WriteRefused(ValueError):
    """The database cannot take the report; the message is Swedish and meant for the reporter."""


def inside_municipality(x: float, y: float, *, conn: Connection | None = None) -> bool:
    """True when the SWEREF 99 TM point lies in one of the areas (i.e. in the municipality)."""
    return bool(
        scalar(
            "SELECT EXISTS (SELECT 1 FROM areas "
            "WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:x, :y), 3006)))",
            {"x": x, "y": y},
            conn=conn,
        )
    )


def to_sweref(lon: float, lat: float, *, conn: Connection | None = None) -> tuple[float, float]:
    """WGS 84 longitude/latitude → SWEREF 99 TM (x, y), transformed by PostGIS."""
    row = read_frame(
        "SELECT ST_X(p) AS x, ST_Y(p) AS y FROM "
        "(SELECT ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 3006) AS p) s",
        {"lon": lon, "lat": lat},
        conn=conn,
    )
    return float(row["x"][0]), float(row["y"][0])


@dataclass(frozen=True)
class Filed:
    """A stored report: its id and whether this call created it (False = already stored)."""

    id: int
    created: bool


def write_report(
    draft: Any,
    *,
    user_id: int,
    username: str,
    organisation_id: int,
    role: str,
    now: dt.datetime | None = None,
    conn: Connection | None = None,
) -> Filed:
    """Store a validated report (an ``ingest.reports.ReportDraft``) once; :class:`WriteRefused`
    when only the database can tell it is wrong (outside the municipality, a used form).

    The same ``client_token`` again (a double tap, a resent form) returns the stored report.
    The insert runs under the user's database role (:func:`ostan_dash.store.as_user`), so the
    row-level security of ``sql/003_roles.sql`` applies to it.
    """
    now = now or dt.datetime.now(TZ)

    def run(c: Connection) -> Filed:
        existing = c.execute(
            sa.text("SELECT id, reported_by FROM incidents WHERE client_token = :t"),
            {"t": draft.client_token},
        ).first()
        if existing is not None:
            if existing.reported_by != user_id:
                raise WriteRefused("Formuläret har redan använts. Ladda om sidan.")
            return Filed(int(existing.id), False)
        if not inside_municipality(draft.x, draft.y, conn=c):
            raise WriteRefused(OUTSIDE_MESSAGE)
        row = c.execute(
            sa.text(
                """
                INSERT INTO incidents (category, subtype, object_type, persons_count,
                    occurred_from, occurred_to, geom, organisation_id, reported_by, description,
                    client_token)
                VALUES (:cat, :sub, :obj, :n, :t0, :t1, ST_SetSRID(ST_MakePoint(:x, :y), 3006),
                        :org, :uid, :txt, :tok)
                ON CONFLICT (client_token) DO NOTHING
                RETURNING id
                """
            ),
            {
                "cat": draft.category,
                "sub": draft.subtype,
                "obj": draft.object_type,
                "n": draft.persons_count,
                "t0": draft.occurred_from,
                "t1": draft.occurred_to,
                "x": draft.x,
                "y": draft.y,
                "org": organisation_id,
                "uid": user_id,
                "txt": (draft.description or "").strip() or None,
                "tok": draft.client_token,
            },
        ).first()
        if row is None:  # a concurrent twin won the race; it is the same report
            rid = c.execute(
                sa.text("SELECT id FROM incidents WHERE client_token = :t"),
                {"t": draft.client_token},
            ).scalar_one()
            return Filed(int(rid), False)
        audit(
            c,
            username=username,
            action="rapport",
            entity="incidents",
            entity_id=row.id,
            details={"category": draft.category},
        )
        return Filed(int(row.id), True)

    with savepoint(conn) as c, as_user(user_id, role, conn=c):
        return run(c)


def _changed(row: Any, draft: Any) -> list[str]:
    """The parts of a stored report (``row``) that ``draft`` changes, in Swedish words."""
    out = []
    if (row.category, row.subtype) != (draft.category, draft.subtype):
        out.append("typ")
    if row.object_type != draft.object_type:
        out.append("objekt")
    if row.persons_count != draft.persons_count:
        out.append("antal personer")
    if (row.occurred_from, row.occurred_to) != (draft.occurred_from, draft.occurred_to):
        out.append("tid")
    # A point read back from PostGIS and sent again may differ in the last bits.
    if abs(row.x - draft.x) > 0.01 or abs(row.y - draft.y) > 0.01:
        out.append("plats")
    if (row.description or None) != ((draft.description or "").strip() or None):
        out.append("beskrivning")
    return out


def rewrite_report(
    report_id: int,
    draft: Any,
    *,
    user_id: int,
    username: str,
    role: str,
    now: dt.datetime | None = None,
    conn: Connection | None = None,
) -> None:
    """Correct one's own report within :data:`EDIT_WINDOW` of filing it, under the user's
    database role (the row-level security allows a reporter only their own, for 48 hours).

    Time window and place may change like the rest; the area follows the point in the database
    (the trigger of ``sql/001_schema.sql``), and a point outside the municipality is refused.
    The audit row names the parts that changed; a draft that changes nothing writes nothing.
    """
    now = now or dt.datetime.now(TZ)

    def run(c: Connection) -> None:
        row = c.execute(
            sa.text(
                """
                SELECT reported_by, created_at, category, subtype, object_type, persons_count,
                       occurred_from, occurred_to, ST_X(geom) AS x, ST_Y(geom) AS y,
                       ostan_incident_description(id) AS description
                FROM incidents WHERE id = :id FOR UPDATE
                """
            ),
            {"id": report_id},
        ).first()
        if row is None or row.reported_by != user_id:
            raise WriteRefused("Du kan bara ändra dina egna rapporter.")
        if now - row.created_at > EDIT_WINDOW:
            raise WriteRefused(
                f"Rapporten kan inte längre ändras (det går i {int(EDIT_WINDOW.total_seconds() // 3600)} "
                "timmar efter att den skickats)."
            )
        changed = _changed(row, draft)
        if not changed:
            return
        if "plats" in changed and not inside_municipality(draft.x, draft.y, conn=c):
            raise WriteRefused(OUTSIDE_MESSAGE)
        c.execute(
            sa.text(
                """
                UPDATE incidents SET category = :cat, subtype = :sub, object_type = :obj,
                    persons_count = :n, occurred_from = :t0, occurred_to = :t1,
                    geom = ST_SetSRID(ST_MakePoint(:x, :y), 3006), description = :txt
                WHERE id = :id
                """
            ),
            {
                "cat": draft.category,
                "sub": draft.subtype,
                "obj": draft.object_type,
                "n": draft.persons_count,
                "t0": draft.occurred_from,
                "t1": draft.occurred_to,
                "x": draft.x,
                "y": draft.y,
                "txt": (draft.description or "").strip() or None,
                "id": report_id,
            },
        )
        # Which parts changed, never the text itself (the audit trail is read more widely).
        audit(
            c,
            username=username,
            action="rapport ändrad",
            entity="incidents",
            entity_id=report_id,
            details={"ändrat": changed},
        )

    with savepoint(conn) as c, as_user(user_id, role, conn=c):
        run(c)


OWN_REPORTS_SCHEMA = {
    "id": pl.Int64,
    "created_at": pl.Datetime("us", TZ_NAME),
    "category": pl.Utf8,
    "subtype": pl.Utf8,
    "object_type": pl.Utf8,
    "persons_count": pl.Int64,
    "occurred_from": pl.Datetime("us", TZ_NAME),
    "occurred_to": pl.Datetime("us", TZ_NAME),
    "x": pl.Float64,
    "y": pl.Float64,
    "area": pl.Utf8,
    "description": pl.Utf8,
    "problem_pictures": pl.List(pl.Utf8),
    "interventions": pl.List(pl.Utf8),
    "in_lagesbild": pl.Boolean,
    "status": pl.Utf8,
}
# A report's status for its reporter, furthest first (texts in ostan_dash.ui.texts).
STATUSES = ("insats", "problembild", "behandlad", "mottagen")


def own_reports(
    user_id: int, role: str, *, limit: int = 100, conn: Connection | None = None
) -> pl.DataFrame:
    """The reporter's latest reports with the feedback on what they fed, read under the
    user's role (the free text comes through ``ostan_incident_description``, sql/013).

    A report fed a **problem picture** when the picture covers its category (or names none),
    its place (the picture's areas or polygon) and its date (the picture's period, open ends
    allowed). It fed an **intervention** when the intervention counts its category (or names
    none), targets its place (areas or polygon) and the report came before the intervention
    ended and at most a year before it started — the data its planning and follow-up used.

    ``status`` is the furthest of :data:`STATUSES` the report has come: ``insats`` when it fed
    an intervention, ``problembild`` a problem picture, ``behandlad`` when a lägesbild covering
    its dates was published after it was filed (``in_lagesbild``), else ``mottagen``. There is
    no stored link from a report to what used it: all of this is derived by the rules above.
    """
    with transaction(conn) as t, as_user(user_id, role, conn=t) as c:
        return _own_reports(c, user_id, limit)


def _own_reports(c: Connection, user_id: int, limit: int) -> pl.DataFrame:
    return read_frame(
        """
        SELECT r.*,
               CASE WHEN cardinality(r.interventions) > 0 THEN 'insats'
                    WHEN cardinality(r.problem_pictures) > 0 THEN 'problembild'
                    WHEN r.in_lagesbild THEN 'behandlad'
                    ELSE 'mottagen' END AS status
        FROM (
        SELECT i.id, i.created_at, i.category, i.subtype, i.object_type,
               i.persons_count::bigint AS persons_count, i.occurred_from, i.occurred_to,
               ST_X(i.geom) AS x, ST_Y(i.geom) AS y, a.name AS area,
               ostan_incident_description(i.id) AS description,
               coalesce((
                   SELECT array_agg(p.title ORDER BY p.id) FROM problem_pictures p
                   WHERE (cardinality(p.categories) = 0 OR i.category = ANY(p.categories))
                     AND (i.area_id = ANY(p.area_ids) OR ST_Intersects(p.geom, i.geom))
                     AND (p.period_from IS NULL
                          OR p.period_from <= (i.occurred_to AT TIME ZONE 'Europe/Stockholm')::date)
                     AND (p.period_to IS NULL
                          OR p.period_to >= (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date)
               ), '{}') AS problem_pictures,
               coalesce((
                   SELECT array_agg(v.title ORDER BY v.id) FROM interventions v
                   WHERE (cardinality(v.categories) = 0 OR i.category = ANY(v.categories))
                     AND (i.area_id = ANY(v.target_area_ids) OR ST_Intersects(v.target_geom, i.geom))
                     AND (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date <= v.end_date
                     AND (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date
                         >= v.start_date - 365
               ), '{}') AS interventions,
               EXISTS (
                   SELECT 1 FROM analysis_versions av JOIN analyses an ON an.id = av.analysis_id
                   WHERE av.published_at >= i.created_at
                     AND an.period_start <= (i.occurred_to AT TIME ZONE 'Europe/Stockholm')::date
                     AND an.period_end >= (i.occurred_from AT TIME ZONE 'Europe/Stockholm')::date
               ) AS in_lagesbild
        FROM incidents i LEFT JOIN areas a ON a.id = i.area_id
        WHERE i.reported_by = :u
        ORDER BY i.created_at DESC, i.id DESC
        LIMIT :n
        ) r
        ORDER BY r.created_at DESC, r.id DESC
        """,
        {"u": user_id, "n": limit},
        conn=c,
        schema=OWN_REPORTS_SCHEMA,
    )


SIMILAR_SCHEMA = {
    "id": pl.Int64,
    "category": pl.Utf8,
    "subtype": pl.Utf8,
    "x": pl.Float64,
    "y": pl.Float64,
    "occurred_from": pl.Datetime("us", TZ_NAME),
    "occurred_to": pl.Datetime("us", TZ_NAME),
    "created_at": pl.Datetime("us", TZ_NAME),
    "reported_by": pl.Int64,
    "organisation_id": pl.Int64,
    "area": pl.Utf8,
}


def recent_similar_reports(
    category: str,
    *,
    user_id: int,
    organisation_id: int,
    role: str,
    since: dt.datetime,
    exclude_token: Any = None,
    limit: int = 500,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """Reports of ``category`` filed since ``since`` by the user or the user's organisation:
    the candidates :func:`ostan_dash.analysis.duplicates.likely_duplicates` judges before a new
    report is filed. Read under the user's database role; no free text. ``exclude_token``
    leaves out the report this form already stored (a resent form is no duplicate of itself).

    Columns: :data:`SIMILAR_SCHEMA` (points in SWEREF 99 TM, ``area`` the area's name).
    """
    with transaction(conn) as t, as_user(user_id, role, conn=t) as c:
        return read_frame(
            """
            SELECT i.id, i.category, i.subtype, ST_X(i.geom) AS x, ST_Y(i.geom) AS y,
                   i.occurred_from, i.occurred_to, i.created_at, i.reported_by::bigint AS reported_by,
                   i.organisation_id::bigint AS organisation_id, a.name AS area
            FROM incidents i LEFT JOIN areas a ON a.id = i.area_id
            WHERE i.category = :cat AND i.created_at >= :since
              AND (i.reported_by = :u OR i.organisation_id = :org)
              AND i.client_token IS DISTINCT FROM CAST(:tok AS uuid)
            ORDER BY i.created_at DESC, i.id DESC
            LIMIT :n
            """,
            {
                "cat": category,
                "since": since,
                "u": user_id,
                "org": organisation_id,
                "tok": None if exclude_token is None else str(exclude_token),
                "n": limit,
            },
            conn=c,
            schema=SIMILAR_SCHEMA,
        )


def known_places(*, conn: Connection | None = None) -> pl.DataFrame:
    """Places to pick on the phone: places of interest and area centres, with both coordinates.

    Columns: label, kind (``plats`` | ``omrade``), x, y (SWEREF 99 TM), lon, lat (WGS 84).
    """
    return read_frame(
        """
        SELECT label, kind, ST_X(p) AS x, ST_Y(p) AS y,
               ST_X(ST_Transform(p, 4326)) AS lon, ST_Y(ST_Transform(p, 4326)) AS lat
        FROM (
            SELECT pl.name || coalesce(' (' || a.name || ')', '') AS label, 'plats' AS kind,
                   pl.geom AS p, 0 AS s
            FROM places pl LEFT JOIN areas a ON a.id = pl.area_id
            UNION ALL
            SELECT 'Området ' || name, 'omrade', ST_PointOnSurface(geom), 1 FROM areas
        ) s
        ORDER BY s.s, label
        """,
        conn=conn,
        schema={
            "label": pl.Utf8,
            "kind": pl.Utf8,
            "x": pl.Float64,
            "y": pl.Float64,
            "lon": pl.Float64,
            "lat": pl.Float64,
        },
    )


def pick_grid(
    x: float, y: float, *, cells: int = 15, conn: Connection | None = None
) -> pl.DataFrame:
    """Candidate points to tap on the map around (x, y): a square grid inside the municipality.

    The grid covers the area the point lies in (at most 3 km across), with ``cells`` points a
    side, so a tap on the map lands within a few tens of metres in town.
    Columns: x, y (SWEREF 99 TM), lon, lat (WGS 84).
    """
    return read_frame(
        """
        WITH a AS (
            SELECT coalesce(
                (SELECT geom FROM areas WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:x, :y), 3006))
                 ORDER BY id LIMIT 1),
                ST_Buffer(ST_SetSRID(ST_MakePoint(:x, :y), 3006), 500)) AS g
        ), box AS (
            SELECT least(greatest(ST_XMax(g) - ST_XMin(g), ST_YMax(g) - ST_YMin(g)), 3000) AS side
            FROM a
        ), pts AS (
            SELECT ST_SetSRID(ST_MakePoint(:x + (i - (:n - 1) / 2.0) * side / :n,
                                           :y + (j - (:n - 1) / 2.0) * side / :n), 3006) AS p
            FROM box, generate_series(0, :n - 1) i, generate_series(0, :n - 1) j
        )
        SELECT ST_X(p) AS x, ST_Y(p) AS y,
               ST_X(ST_Transform(p, 4326)) AS lon, ST_Y(ST_Transform(p, 4326)) AS lat
        FROM pts WHERE EXISTS (SELECT 1 FROM areas WHERE ST_Intersects(areas.geom, pts.p))
        """,
        {"x": x, "y": y, "n": cells},
        conn=conn,
        schema={"x": pl.Float64, "y": pl.Float64, "lon": pl.Float64, "lat": pl.Float64},
    )
