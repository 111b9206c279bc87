"""Write a validated file in one transaction: all or nothing, no duplicates, recorded.

The rows are streamed with ``COPY`` into a temporary table; the database then derives what only
it can know (geometries transformed to SWEREF 99 TM, the area each point lies in, whether it lies
in the municipality at all, area codes and organisation names that exist) and reports every
row it cannot accept with its line number. Only when no row of the file has a problem are the
rows inserted with ``INSERT … SELECT … ON CONFLICT`` — events (police crimes, survey answers,
reports) are never inserted twice, reference data (areas, indicators, places) is updated only
where it changed — and the import is recorded in ``imports`` and ``audit_log``. A preview is the
same run rolled back, so its counts of new and already-present rows are exact.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
import psycopg
import psycopg.errors
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ostan_dash.store import assume, audit, read_frame, savepoint, scalar

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
IMPORT_TIMEOUT_S = 600

# Staging column types of each kind, in the order of the validated frame.
_PG_TYPES: dict[type[pl.DataType] | pl.DataType, str] = {
    pl.Int64: "bigint",
    pl.Int32: "integer",
    pl.Float64: "double precision",
    pl.Boolean: "boolean",
    pl.Utf8: "text",
    pl.Null: "text",
}

TARGET_TABLE = {
    "polisbrott": "police_crimes",
    "omraden": "areas",
    "indikatorer": "area_indicators",
    "enkat": "survey_responses",
    "platser": "places",
    "rapporter": "incidents",
    "befolkningsrutor": "population_cells",
    "polishandelser": "police_crimes",
    "gator": "streets",
    "brottsstatistik": "crime_statistics",
}

NAMES_ONLY = "omraden:namn"
"""The SQL of an ``omraden`` file without geometries: codes and names that rename known areas
(recorded in ``imports`` as ``omraden``)."""

MUNICIPALITY_SETTING = "kommun"
"""``settings`` key of our municipality: ``{"namn": "Malmö", "kod": "1280"}`` (SCB's name and
code). The police's events name their municipality as SCB does; only those are imported."""


PROBLEM_SCHEMA = {"rad": pl.Int64, "falt": pl.Utf8, "orsak": pl.Utf8, "varde": pl.Utf8}
"""One problem of a file: line (None for the whole file), field, reason, value."""


@dataclass
class ImportOutcome:
    """What an import (or its preview) found and did."""

    kind: str
    file_name: str
    sha256: str
    rows_read: int = 0
    rows_valid: int = 0
    rows_new: int = 0  # rows written (or that would be written, in a preview)
    rows_existing: int = 0  # rows already in the database (not written again)
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))
    written: bool = False
    import_id: int | None = None
    file_format: str | None = None
    encoding: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the import assumed, in Swedish
    # Rows read but deliberately not imported, each with its reason (rad, falt, orsak, varde):
    # the police's events that are no crimes or concern another municipality. Not problems.
    skipped: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))
    seconds: float = 0.0
    # The first valid rows as they will be stored (typed, our column keys): the preview shows them.
    sample: pl.DataFrame = field(default_factory=pl.DataFrame)
    srid: int | None = None  # the CRS the file declares (None: classified by magnitude)
    header_row: int | None = None  # the header's line (CSV) or sheet row (xlsx)

    @property
    def ok(self) -> bool:
        """True when the file has no problem at all."""
        return self.problems.is_empty()


class _Rollback(Exception):
    """Raised inside the transaction to undo it (a preview, or a file with problems)."""


def problem(rad: int | None, falt: str, orsak: str, varde: str | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        {"rad": [rad], "falt": [falt], "orsak": [orsak], "varde": [varde]},
        schema=PROBLEM_SCHEMA,
    )


def _copy_in(conn: Connection, table: str, frame: pl.DataFrame) -> None:
    """Stream ``frame`` into ``table`` with COPY (CSV; an empty unquoted cell is NULL)."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, null_value="", quote_style="non_numeric")
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as cp:
        cp.write(buf.getvalue())


def _stage(conn: Connection, rows: pl.DataFrame) -> None:
    """Create ``_raw`` with the validated columns and COPY the rows into it."""
    cols = ", ".join(
        f'"{c}" {_PG_TYPES.get(t.base_type(), "text")}' for c, t in rows.schema.items()
    )
    conn.execute(sa.text("DROP TABLE IF EXISTS _raw, _ingest"))
    # Column names and types come from our own validated frame, never from the file.
    conn.execute(sa.text(f"CREATE TEMP TABLE _raw ({cols})"))
    if rows.height:
        _copy_in(conn, "_raw", rows)


_SAFE_GEOM_FN = """
CREATE OR REPLACE FUNCTION pg_temp.ingest_geom(t text, fmt text) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF t IS NULL THEN RETURN NULL; END IF;
    IF fmt = 'wkb' THEN RETURN ST_GeomFromWKB(decode(t, 'hex')); END IF;
    RETURN ST_GeomFromGeoJSON(t);
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END $$;

-- An input geometry in SWEREF 99 TM, or NULL when its coordinates are absurd (|c| >= 1e9, NaN,
-- 1e300) or cannot be transformed (latitude beyond 90°): the checks then name the row.
CREATE OR REPLACE FUNCTION pg_temp.ingest_to_3006(g0 geometry, s integer) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF g0 IS NULL THEN RETURN NULL; END IF;
    IF NOT ST_IsEmpty(g0) AND NOT coalesce(abs(ST_XMin(g0)) < 1e9 AND abs(ST_XMax(g0)) < 1e9
            AND abs(ST_YMin(g0)) < 1e9 AND abs(ST_YMax(g0)) < 1e9, false) THEN
        RETURN NULL;
    END IF;
    RETURN ST_Transform(ST_SetSRID(g0, coalesce(s,
        CASE WHEN ST_XMax(g0) <= 180 AND ST_YMax(g0) <= 90 THEN 4326 ELSE 3006 END)), 3006);
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END $$;
"""

_DROP_GEOM_FN = (
    "DROP FUNCTION IF EXISTS pg_temp.ingest_geom(text, text), "
    "pg_temp.ingest_to_3006(geometry, integer)"
)

# An input geometry in SWEREF 99 TM: the declared/chosen SRID, else by magnitude (WGS 84 degrees
# never exceed 180; SWEREF 99 TM metres in Sweden are always above 180 000); NULL when absurd.
_TO_3006 = "pg_temp.ingest_to_3006(g0, srid)"

# Geometry plausibility (issue 13), shared by areas, places and population cells.
_SWEDEN = (
    "ST_XMin(g) >= 180000 AND ST_XMax(g) <= 1000000 AND ST_YMin(g) >= 6100000 "
    "AND ST_YMax(g) <= 7700000"
)
_DEGREES_AS_METRES = "srid = 3006 AND ST_XMax(g0) <= 180 AND ST_YMax(g0) <= 90"
_BBOX = (
    "round(ST_XMin(@G@)::numeric, 1) || ', ' || round(ST_YMin(@G@)::numeric, 1) || ' – ' || "
    "round(ST_XMax(@G@)::numeric, 1) || ', ' || round(ST_YMax(@G@)::numeric, 1)"
)
# ST_IsValidReason's English, in Swedish (the location in brackets is kept).
_VALID_REASON = r"""CASE
    WHEN r LIKE 'Ring Self-intersection%' THEN 'en ring korsar sig själv'
    WHEN r LIKE 'Self-intersection%' THEN 'ytan korsar sig själv'
    WHEN r LIKE 'Too few points%' THEN 'för få punkter i en del av geometrin'
    WHEN r LIKE 'Hole lies outside shell%' THEN 'ett hål ligger utanför ytan'
    WHEN r LIKE 'Holes are nested%' THEN 'hål ligger i varandra'
    WHEN r LIKE 'Interior is disconnected%' THEN 'ytans inre är delat'
    WHEN r LIKE 'Nested shells%' THEN 'ytor ligger i varandra'
    WHEN r LIKE 'Duplicate Rings%' THEN 'samma ring två gånger'
    WHEN r LIKE 'Invalid Coordinate%' THEN 'ogiltig koordinat'
    WHEN r LIKE 'Ring is not closed%' THEN 'en ring är inte sluten'
    ELSE 'geometrin är inte giltig' END
    || coalesce(' vid ' || substring(r from '\[(.*)\]'), '')"""
_GEOM_CHECKS = [
    "SELECT rad, 'geometri', 'geometrins koordinater är orimliga (t.ex. 1e300 eller utanför "
    "WGS 84:s gränser) och kan inte räknas om till SWEREF 99 TM', NULL FROM _ingest "
    "WHERE g0 IS NOT NULL AND g IS NULL",
    "SELECT rad, 'geometri', 'geometrin är tom (inga koordinater)', NULL FROM _ingest "
    "WHERE g IS NOT NULL AND ST_IsEmpty(g)",
    "SELECT rad, 'geometri', 'koordinaterna ser ut att vara grader (WGS 84), men filen anger "
    "SWEREF 99 TM (meter): välj WGS 84 eller exportera i SWEREF 99 TM', @BBOX_G0@ "
    "FROM _ingest WHERE g IS NOT NULL AND @DEGREES@",
    "SELECT rad, 'geometri', 'ogiltig geometri: ' || (SELECT @VALID_REASON@ FROM "
    "(SELECT ST_IsValidReason(g) AS r) v), NULL FROM _ingest "
    "WHERE g IS NOT NULL AND NOT ST_IsValid(g)",
]

# Population cells have their own check of the corner against Sweden's extent.
_GEOM_OUTSIDE = (
    "SELECT rad, 'geometri', 'geometrin ligger utanför Sverige i SWEREF 99 TM (öst 180 000–"
    "1 000 000, nord 6 100 000–7 700 000)', @BBOX_G@ FROM _ingest "
    "WHERE g IS NOT NULL AND NOT ST_IsEmpty(g) AND NOT (@DEGREES@) AND NOT (@SWEDEN@)"
)

_AREA_MAP = """(SELECT DISTINCT ON (k) k, id FROM (
    SELECT lower(code) AS k, id, 0 AS pri FROM areas UNION ALL
    SELECT lower(name), id, 1 FROM areas) s ORDER BY k, pri, id)"""

_OUTSIDE = "punkten ligger utanför kommunen"
_POINT = "ST_Transform(ST_SetSRID(ST_MakePoint(r.x, r.y), r.srid), 3006)"
_CELL_FIELD = (
    "CASE WHEN cell_ref IS NOT NULL THEN 'cell_ref' WHEN x0_in IS NOT NULL THEN 'coord_a' "
    "ELSE 'geometri' END"
)


# Per kind: the staging SELECT (from _raw r) that derives g / ids, the problem checks
# (rad, falt, orsak, varde), the count of rows already present, and the write.
def _fill(sql: dict) -> dict:
    """Put the shared SQL fragments (constants of this module, never values) into templates."""
    frags = {
        "@POINT@": _POINT,
        "@AREA_MAP@": _AREA_MAP,
        "@TO_3006@": _TO_3006,
        "@OUTSIDE@": _OUTSIDE,
        "@CELL_FIELD@": _CELL_FIELD,
        "@SWEDEN@": _SWEDEN,
        "@DEGREES@": _DEGREES_AS_METRES,
        "@BBOX_G0@": _BBOX.replace("@G@", "g0"),
        "@BBOX_G@": _BBOX.replace("@G@", "g"),
        "@VALID_REASON@": _VALID_REASON,
    }

    def fill(t: str) -> str:
        for k, v in frags.items():
            t = t.replace(k, v)
        return t

    return {k: [fill(t) for t in v] if isinstance(v, list) else fill(v) for k, v in sql.items()}


_STAGE_SQL: dict[str, str] = _fill(
    {
        # Each point's area once here (area_of(), sql/034): the insert passes it in and the
        # trigger then has nothing to correct, instead of a PL/pgSQL call per row.
        "polisbrott": """
        CREATE TEMP TABLE _ingest AS
        SELECT r.*, s.g, am.id AS ref_area_id, area_of(s.g) AS point_area_id
        FROM _raw r
        CROSS JOIN LATERAL (SELECT CASE WHEN r.x IS NOT NULL THEN @POINT@ END AS g) s
        LEFT JOIN @AREA_MAP@ am ON am.k = lower(r.area_ref)""",
        "polishandelser": """
        CREATE TEMP TABLE _ingest AS
        SELECT r.*, lower(r.place) = ANY(CAST(:kommun AS text[])) AS inside FROM _raw r""",
        "rapporter": """
        CREATE TEMP TABLE _ingest AS
        SELECT r.*, s.g, o.id AS organisation_id
        FROM _raw r
        CROSS JOIN LATERAL (SELECT @POINT@ AS g) s
        LEFT JOIN organisations o
          ON CASE WHEN r.organisation IS NULL THEN o.id = :org ELSE lower(o.name) = lower(r.organisation) END""",
        "omraden": """
        CREATE TEMP TABLE _ingest AS
        SELECT r.*, CASE WHEN g0 IS NOT NULL THEN @TO_3006@ END AS g, g0
        FROM _raw r CROSS JOIN LATERAL (SELECT pg_temp.ingest_geom(r.geom, :fmt) AS g0) s""",
        # Codes and names without geometries rename known areas (validate.NAMES_ONLY_NOTE).
        NAMES_ONLY: """
        CREATE TEMP TABLE _ingest AS
        SELECT r.*, a.id AS area_id FROM _raw r LEFT JOIN areas a ON a.code = r.code""",
        "gator": """
        CREATE TEMP TABLE _ingest AS
        SELECT r.*, CASE WHEN g0 IS NOT NULL THEN @TO_3006@ END AS g, g0
        FROM _raw r CROSS JOIN LATERAL (SELECT pg_temp.ingest_geom(r.geom, :fmt) AS g0) s""",
        "platser": """
        CREATE TEMP TABLE _ingest AS
        SELECT r.*, coalesce(CASE WHEN r.x IS NOT NULL THEN @POINT@ END,
                             CASE WHEN g0 IS NOT NULL THEN @TO_3006@ END) AS g, g0
        FROM _raw r CROSS JOIN LATERAL (SELECT pg_temp.ingest_geom(r.geom, :fmt) AS g0) s""",
        "indikatorer": """
        CREATE TEMP TABLE _ingest AS
        SELECT r.*, am.id AS area_id FROM _raw r LEFT JOIN @AREA_MAP@ am ON am.k = lower(r.area_ref)""",
        # The cell from its rutid / corner, else its polygon; the size from the file's column,
        # else the polygon, else the corners (ostan_dash.ingest.validate.GRID_SIZES).
        "befolkningsrutor": """
        CREATE TEMP TABLE _ingest AS
        SELECT c.*,
               coalesce(c.cell_ref, lpad(c.x0::text, 6, '0') || lpad(c.y0::text, 7, '0')) AS cell_id
        FROM (
            SELECT t.*, coalesce(t.x0_in, t.gx0) AS x0, coalesce(t.y0_in, t.gy0) AS y0,
                   coalesce(t.size_in, t.gsize, t.size_guess) AS cell_size
            FROM (
                SELECT r.*, s0.g0, s.g, round(ST_XMin(s.g))::bigint AS gx0,
                       round(ST_YMin(s.g))::bigint AS gy0,
                       round(ST_XMax(s.g) - ST_XMin(s.g))::bigint AS gw,
                       round(ST_YMax(s.g) - ST_YMin(s.g))::bigint AS gh,
                       CASE WHEN round(ST_XMax(s.g) - ST_XMin(s.g)) IN (250, 1000)
                             AND round(ST_XMax(s.g) - ST_XMin(s.g)) = round(ST_YMax(s.g) - ST_YMin(s.g))
                             AND abs(ST_Area(s.g) - (ST_XMax(s.g) - ST_XMin(s.g))
                                                  * (ST_YMax(s.g) - ST_YMin(s.g))) < 1
                            THEN round(ST_XMax(s.g) - ST_XMin(s.g))::bigint END AS gsize
                FROM _raw r
                CROSS JOIN LATERAL (SELECT pg_temp.ingest_geom(r.geom, :fmt) AS g0) s0
                CROSS JOIN LATERAL (SELECT CASE WHEN g0 IS NOT NULL THEN @TO_3006@ END AS g) s
            ) t
        ) c""",
        "enkat": """
        CREATE TEMP TABLE _ingest AS
        SELECT r.*, am.id AS area_id FROM _raw r LEFT JOIN @AREA_MAP@ am ON am.k = lower(r.area_ref)""",
        # Brå's statistics name regions, not our areas: nothing to look up.
        "brottsstatistik": "CREATE TEMP TABLE _ingest AS SELECT r.* FROM _raw r",
    }
)

_CHECK_SQL: dict[str, list[str]] = _fill(
    {
        "polishandelser": [],
        "brottsstatistik": [],
        "polisbrott": [
            "SELECT rad, 'area_ref', 'okänt område', area_ref FROM _ingest "
            "WHERE area_ref IS NOT NULL AND ref_area_id IS NULL AND g IS NULL",
        ],
        "rapporter": [
            "SELECT rad, 'organisation', 'okänd organisation', organisation FROM _ingest "
            "WHERE organisation_id IS NULL",
        ],
        "omraden": [
            "SELECT rad, 'geometri', 'geometrin går inte att läsa', NULL FROM _ingest WHERE g0 IS NULL",
            "SELECT rad, 'geometri', 'geometrin måste vara en yta (Polygon eller MultiPolygon)', "
            "GeometryType(g) FROM _ingest WHERE g IS NOT NULL AND ST_Dimension(g) <> 2",
            *_GEOM_CHECKS,
            _GEOM_OUTSIDE,
            "SELECT i.rad, 'name', 'namnet används redan av området ' || a.code, i.name "
            "FROM _ingest i JOIN areas a ON a.name = i.name AND a.code <> i.code",
        ],
        NAMES_ONLY: [
            "SELECT rad, 'code', 'okänd områdeskod: området finns inte (importera dess gräns "
            "först)', code FROM _ingest WHERE area_id IS NULL",
            "SELECT i.rad, 'name', 'namnet används redan av området ' || a.code, i.name "
            "FROM _ingest i JOIN areas a ON a.name = i.name AND a.code <> i.code "
            "AND NOT EXISTS (SELECT 1 FROM _ingest j WHERE j.code = a.code)",
        ],
        "gator": [
            "SELECT rad, 'geometri', 'geometrin går inte att läsa', NULL FROM _ingest "
            "WHERE g0 IS NULL AND geom IS NOT NULL",
            "SELECT rad, 'geometri', 'en gata ska vara en linje (LineString eller "
            "MultiLineString)', GeometryType(g) FROM _ingest "
            "WHERE g IS NOT NULL AND ST_Dimension(g) <> 1",
            *_GEOM_CHECKS,
            _GEOM_OUTSIDE,
        ],
        "platser": [
            "SELECT rad, 'geometri', 'geometrin går inte att läsa', NULL FROM _ingest "
            "WHERE g0 IS NULL AND geom IS NOT NULL",
            *(
                c.replace("FROM _ingest WHERE", "FROM _ingest WHERE x IS NULL AND")
                for c in [*_GEOM_CHECKS, _GEOM_OUTSIDE]
            ),
            "SELECT rad, 'geometri', 'en plats ska vara en punkt', GeometryType(g) FROM _ingest "
            "WHERE g IS NOT NULL AND GeometryType(g) <> 'POINT'",
            "SELECT rad, 'coord_a', '@OUTSIDE@', coalesce(x || ', ' || y, ST_AsText(g0)) "
            "FROM _ingest WHERE GeometryType(g) = 'POINT' AND NOT inside_municipality(g)",
        ],
        "indikatorer": [
            "SELECT rad, 'area_ref', 'okänt område', area_ref FROM _ingest WHERE area_id IS NULL",
        ],
        "enkat": [
            "SELECT rad, 'area_ref', 'okänt område', area_ref FROM _ingest WHERE area_id IS NULL",
        ],
        "befolkningsrutor": [
            "SELECT rad, 'geometri', 'geometrin går inte att läsa', NULL FROM _ingest "
            "WHERE geom IS NOT NULL AND g0 IS NULL",
            *_GEOM_CHECKS,
            "SELECT rad, 'geometri', 'geometrin är inte en ruta på 250 m eller 1 km i SWEREF 99 TM', "
            "gw || ' × ' || gh || ' m' FROM _ingest WHERE g IS NOT NULL AND gsize IS NULL",
            "SELECT rad, 'size_in', 'rutstorleken stämmer inte med rutans polygon (' || gsize "
            "|| ' m)', size_in FROM _ingest WHERE size_in <> gsize",
            "SELECT rad, @CELL_FIELD@, 'rutans hörn ' || x0_in || ', ' || y0_in || ' är inte "
            "polygonens nedre vänstra hörn ' || gx0 || ', ' || gy0, cell_id FROM _ingest "
            "WHERE gsize IS NOT NULL AND x0_in IS NOT NULL AND (x0_in, y0_in) <> (gx0, gy0)",
            "SELECT rad, @CELL_FIELD@, 'hörnet ' || x0 || ', ' || y0 || ' ligger inte på SCB:s "
            "rutnät för rutor på ' || cell_size || ' m (ange rutans nedre vänstra hörn)', cell_id "
            "FROM _ingest WHERE x0 IS NOT NULL AND cell_size IS NOT NULL "
            "AND (x0 % cell_size <> 0 OR y0 % cell_size <> 0)",
            "SELECT rad, @CELL_FIELD@, 'rutan ' || x0 || ', ' || y0 || ' ligger inte i Sverige i "
            "SWEREF 99 TM: är filen i ett annat koordinatsystem?', cell_id FROM _ingest "
            "WHERE x0 IS NOT NULL AND NOT (x0 BETWEEN 180000 AND 1000000 "
            "AND y0 BETWEEN 6100000 AND 7700000)",
            "SELECT rad, @CELL_FIELD@, 'samma ruta finns redan på rad ' || first, cell_id "
            "FROM (SELECT *, min(rad) OVER (PARTITION BY cell_id) AS first FROM _ingest "
            "WHERE cell_id IS NOT NULL) d WHERE rad <> first",
        ],
    }
)

# Rows the database leaves out on purpose (rad, falt, orsak, varde): not problems, the rest of
# the file is imported. The police's events outside our municipality are counted, not written.
_SKIP_SQL: dict[str, list[str]] = {
    "polishandelser": [
        "SELECT rad, 'title', CASE WHEN precision = 'lan' THEN 'händelsen gäller hela ' "
        "|| place ELSE 'händelsen gäller ' || place END || ', inte kommunen: importeras inte', "
        "place FROM _ingest WHERE NOT inside",
    ],
}

# After the insert: the trigger has put each new point in its area; none means outside.
_POST_CHECK_SQL: dict[str, list[str]] = _fill(
    {
        "polisbrott": [
            "SELECT i.rad, 'coord_a', '@OUTSIDE@', i.x || ', ' || i.y "
            "FROM police_crimes p JOIN _ingest i USING (external_id) "
            "WHERE p.import_id = :imp AND p.geom IS NOT NULL "
            "AND (p.area_id IS NULL OR NOT inside_municipality(p.geom))"
        ],
        "rapporter": [
            "SELECT i.rad, 'coord_a', '@OUTSIDE@', i.x || ', ' || i.y "
            "FROM incidents t JOIN _ingest i "
            "ON t.organisation_id = i.organisation_id AND t.external_id = i.external_id "
            "WHERE t.import_id = :imp "
            "AND (t.area_id IS NULL OR NOT inside_municipality(t.geom))"
        ],
    }
)

_WRITE_SQL: dict[str, str] = {
    # No point and no area: the event's place is known only as a municipality (sql/018).
    "polishandelser": """
        INSERT INTO police_crimes (external_id, crime_type, crime_group, occurred_from,
                                   occurred_to, location_precision, location_name, published_at,
                                   import_id)
        SELECT external_id, crime_type, crime_group, to_timestamp(t_from), to_timestamp(t_to),
               precision, place, to_timestamp(t_published), :imp
        FROM _ingest ORDER BY rad
        ON CONFLICT (external_id) DO NOTHING""",
    "polisbrott": """
        INSERT INTO police_crimes (external_id, crime_type, crime_group, occurred_from,
                                   occurred_to, geom, area_id, import_id)
        SELECT external_id, crime_type, crime_group, to_timestamp(t_from), to_timestamp(t_to),
               g, CASE WHEN g IS NULL THEN ref_area_id ELSE point_area_id END, :imp
        FROM _ingest ORDER BY rad
        ON CONFLICT (external_id) DO NOTHING""",
    "rapporter": """
        INSERT INTO incidents (category, subtype, object_type, persons_count, occurred_from,
                               occurred_to, geom, organisation_id, description, import_id,
                               external_id)
        SELECT category, subtype, object_type, persons_count, to_timestamp(t_from),
               to_timestamp(t_to), g, organisation_id, description, :imp, external_id
        FROM _ingest ORDER BY rad
        ON CONFLICT (organisation_id, external_id) DO NOTHING""",
    # Without Typ / Befolkning in the file a known area keeps its own, a new one gets 'blandat'
    # and 0 (a note says so).
    "omraden": """
        INSERT INTO areas (code, name, kind, population, geom)
        SELECT i.code, i.name, coalesce(i.kind, a.kind, 'blandat'),
               coalesce(i.population, a.population, 0), ST_Multi(i.g)
        FROM _ingest i LEFT JOIN areas a ON a.code = i.code ORDER BY i.rad
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
            population = EXCLUDED.population, geom = EXCLUDED.geom
        WHERE (areas.name, areas.kind, areas.population) IS DISTINCT FROM
              (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.population)
           OR NOT (areas.geom = EXCLUDED.geom)""",
    NAMES_ONLY: """
        UPDATE areas a SET name = i.name FROM _ingest i
        WHERE a.id = i.area_id AND a.name IS DISTINCT FROM i.name""",
    "gator": """
        INSERT INTO streets (name, kind, geom, source, import_id)
        SELECT name, kind, ST_Multi(g), source, :imp FROM _ingest ORDER BY rad""",
    "platser": """
        INSERT INTO places (name, kind, critical, geom)
        SELECT name, kind, critical, g FROM _ingest ORDER BY rad
        ON CONFLICT (name, kind) DO UPDATE SET critical = EXCLUDED.critical, geom = EXCLUDED.geom
        WHERE places.critical IS DISTINCT FROM EXCLUDED.critical
           OR NOT (places.geom = EXCLUDED.geom)""",
    "indikatorer": """
        INSERT INTO area_indicators (area_id, year, population, population_under18, pct_unsafe,
            pct_not_working, pct_low_education, pct_no_final_grades, pct_under18,
            pct_non_voters, organised_crime, n, n_eff, import_id)
        SELECT area_id, year, population, population_under18, pct_unsafe, pct_not_working,
               pct_low_education, pct_no_final_grades, pct_under18, pct_non_voters,
               organised_crime, n, n_eff, :imp
        FROM _ingest ORDER BY rad
        ON CONFLICT (area_id, year) DO UPDATE SET population = EXCLUDED.population,
            population_under18 = EXCLUDED.population_under18, pct_unsafe = EXCLUDED.pct_unsafe,
            pct_not_working = EXCLUDED.pct_not_working,
            pct_low_education = EXCLUDED.pct_low_education,
            pct_no_final_grades = EXCLUDED.pct_no_final_grades,
            pct_under18 = EXCLUDED.pct_under18, pct_non_voters = EXCLUDED.pct_non_voters,
            organised_crime = EXCLUDED.organised_crime, n = EXCLUDED.n,
            n_eff = EXCLUDED.n_eff, import_id = EXCLUDED.import_id
        WHERE (area_indicators.population, area_indicators.population_under18,
               area_indicators.pct_unsafe, area_indicators.pct_not_working,
               area_indicators.pct_low_education, area_indicators.pct_no_final_grades,
               area_indicators.pct_under18, area_indicators.pct_non_voters,
               area_indicators.organised_crime, area_indicators.n, area_indicators.n_eff)
              IS DISTINCT FROM
              (EXCLUDED.population, EXCLUDED.population_under18, EXCLUDED.pct_unsafe,
               EXCLUDED.pct_not_working, EXCLUDED.pct_low_education,
               EXCLUDED.pct_no_final_grades, EXCLUDED.pct_under18, EXCLUDED.pct_non_voters,
               EXCLUDED.organised_crime, EXCLUDED.n, EXCLUDED.n_eff)""",
    # A cell keeps its analyst's day-time flag unless the file sets it; an older year never
    # overwrites a newer count.
    "befolkningsrutor": """
        INSERT INTO population_cells (cell_id, cell_size, x0, y0, population, daytime, year,
                                      source, import_id)
        SELECT i.cell_id, i.cell_size, i.x0, i.y0, i.population,
               coalesce(i.daytime, p.daytime, false), i.year, 'SCB', :imp
        FROM _ingest i LEFT JOIN population_cells p ON p.cell_id = i.cell_id ORDER BY i.rad
        ON CONFLICT (cell_id) DO UPDATE SET cell_size = EXCLUDED.cell_size, x0 = EXCLUDED.x0,
            y0 = EXCLUDED.y0, population = EXCLUDED.population, daytime = EXCLUDED.daytime,
            year = EXCLUDED.year, source = EXCLUDED.source, import_id = EXCLUDED.import_id
        WHERE (population_cells.year IS NULL OR EXCLUDED.year IS NULL
               OR EXCLUDED.year >= population_cells.year)
          AND (population_cells.cell_size, population_cells.x0, population_cells.y0,
               population_cells.population, population_cells.daytime, population_cells.year)
              IS DISTINCT FROM
              (EXCLUDED.cell_size, EXCLUDED.x0, EXCLUDED.y0, EXCLUDED.population,
               EXCLUDED.daytime, EXCLUDED.year)""",
    # A region, crime type and year once (sql/037): Brå's revised figures replace the stored.
    "brottsstatistik": """
        INSERT INTO crime_statistics (region_code, region_name, is_national, crime_type, year,
                                      count, per_100k, population, import_id)
        SELECT region_code, region_name, is_national, crime_type, year, count, per_100k,
               population, :imp
        FROM _ingest ORDER BY rad
        ON CONFLICT (region_key, crime_type, year) DO UPDATE SET
            region_name = EXCLUDED.region_name, count = EXCLUDED.count,
            per_100k = EXCLUDED.per_100k, population = EXCLUDED.population,
            import_id = EXCLUDED.import_id
        WHERE (crime_statistics.region_name, crime_statistics.count, crime_statistics.per_100k,
               crime_statistics.population)
              IS DISTINCT FROM
              (EXCLUDED.region_name, EXCLUDED.count, EXCLUDED.per_100k, EXCLUDED.population)""",
    "enkat": """
        INSERT INTO survey_responses (year, area_id, weight, unsafe_evening, worried_crime,
                                      avoids_going_out, victim, import_id, respondent_ref)
        SELECT year, area_id, weight, unsafe_evening, worried_crime, avoids_going_out, victim,
               :imp, respondent_ref
        FROM _ingest ORDER BY rad
        ON CONFLICT (year, respondent_ref) DO NOTHING""",
}


# Before the write: statements whose row count becomes a note ({n} = the count).
_PRE_WRITE_SQL: dict[str, list[tuple[str, str]]] = {
    # A new extract from a source replaces that source's streets (the demo's stay their own).
    "gator": [
        (
            "DELETE FROM streets WHERE source IN (SELECT DISTINCT source FROM _ingest)",
            "Gator som importerats tidigare från samma källa ersätts av filens: {n}.",
        )
    ],
    # A finer (or coarser) grid replaces the stored cells it covers, so no one counts twice.
    "befolkningsrutor": [
        (
            "DELETE FROM population_cells p USING _ingest i WHERE p.cell_size <> i.cell_size "
            "AND p.geom && ST_MakeEnvelope(i.x0 + 1, i.y0 + 1, i.x0 + i.cell_size - 1, "
            "i.y0 + i.cell_size - 1, 3006)",
            "Lagrade rutor av en annan storlek som filens rutor täcker ersätts av dem: {n}.",
        )
    ],
}

# Notes on what the import assumed: a query giving one row (or none) and its Swedish text.
_NOTE_SQL: dict[str, list[tuple[str, str]]] = {
    "brottsstatistik": [
        (
            "SELECT count(*) AS n FROM _ingest WHERE per_100k IS NULL AND population IS NULL "
            "HAVING count(*) > 0",
            "{n} rader anger varken antal per 100 000 invånare eller folkmängd: för dem kan "
            "ingen takt räknas ut, och de jämförs inte.",
        ),
    ],
    "omraden": [
        (
            "SELECT count(*) AS n FROM _ingest i WHERE i.kind IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = i.code) HAVING count(*) > 0",
            "Filen anger ingen områdestyp (kolumnen Typ): {n} nya områden får typen Blandat. "
            "Kända områden behåller sin typ.",
        ),
        (
            "SELECT count(*) AS n FROM _ingest i WHERE i.population IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM areas a WHERE a.code = i.code) HAVING count(*) > 0",
            "Filen anger ingen befolkning (kolumnen Befolkning): {n} nya områden får 0 tills "
            "befolkningen importeras (indikatorer eller befolkning på rutor). Kända områden "
            "behåller sin.",
        ),
    ],
    "befolkningsrutor": [
        (
            "SELECT count(*) AS n FROM _ingest WHERE g IS NOT NULL "
            "HAVING count(*) > 0 AND bool_and(srid IS NULL)",
            "Filen anger inget koordinatsystem. Rutornas koordinater ligger inom SWEREF 99 TM:s "
            "utbredning i Sverige och tolkas därför som SWEREF 99 TM (EPSG:3006).",
        ),
        (
            "SELECT count(*) AS n, min(cell_size) AS size, "
            "CASE WHEN min(cell_size) = 1000 THEN 'alla hörn ligger på hela kilometer' "
            "ELSE 'hörnen ligger på 250-metersrutnätet' END AS why "
            "FROM _ingest WHERE size_in IS NULL AND gsize IS NULL HAVING count(*) > 0",
            "Rutstorleken står inte i filen: {size} m antas för {n} rutor, eftersom {why}.",
        ),
    ],
}


def _count_text(v: object) -> object:
    """Whole numbers in a note as Swedes write them: ``12 345`` (non-breaking space)."""
    return f"{v:,}".replace(",", "\u00a0") if isinstance(v, int) else v


def _notes(conn: Connection, kind: str) -> list[str]:
    out: list[str] = []
    for sql, text in _NOTE_SQL.get(kind, []):
        for row in conn.execute(sa.text(sql)).mappings():
            out.append(text.format(**{k: _count_text(v) for k, v in row.items()}))
    for sql, text in _PRE_WRITE_SQL.get(kind, []):
        n = conn.execute(sa.text(sql)).rowcount
        if n:
            out.append(text.format(n=_count_text(n)))
    return out


# New boundaries move the points they concern (sql/035): the areas as they were before the write,
# then every incident, police crime and place in a changed polygon (new or replaced) gets the
# area area_of() now gives, whatever rows the importing role may see.
_AREAS_BEFORE = "CREATE TEMP TABLE _areas_before AS SELECT id, geom FROM areas"
_RECOMPUTE = """
SELECT tbl, moved FROM ostan_recompute_areas(ARRAY(
    SELECT a.geom FROM areas a LEFT JOIN _areas_before b USING (id)
    WHERE b.id IS NULL OR NOT (a.geom = b.geom)
    UNION ALL
    SELECT b.geom FROM _areas_before b JOIN areas a USING (id) WHERE NOT (a.geom = b.geom)))"""
_MOVED_TEXT = (
    "De nya områdesgränserna flyttar {incidents} händelser, {police_crimes} polisanmälda brott "
    "och {places} platser till ett annat område."
)


def _recompute_areas(conn: Connection) -> list[str]:
    """Recompute the area of the points in changed areas; the note on what moved (or none)."""
    moved = {r.tbl: int(r.moved) for r in conn.execute(sa.text(_RECOMPUTE))}
    if not any(moved.values()):
        return []
    return [_MOVED_TEXT.format(**{k: _count_text(v) for k, v in moved.items()})]


def _db_problems(conn: Connection, checks: list[str], params: dict | None = None) -> pl.DataFrame:
    parts = [
        read_frame(
            f"SELECT rad::bigint AS rad, falt, orsak, varde::text AS varde "  # noqa: S608
            f"FROM ({sql}) AS p(rad, falt, orsak, varde)",
            params,
            conn=conn,
            schema=PROBLEM_SCHEMA,
        )
        for sql in checks
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=PROBLEM_SCHEMA)


def _record(
    conn: Connection,
    outcome: ImportOutcome,
    *,
    user_id: int | None,
    username: str | None,  # noqa: ARG001 (the audit row is written by _audit, with the name)
) -> int:
    imp = conn.execute(
        sa.text(
            "INSERT INTO imports (kind, file_name, sha256, rows_read, rows_written, imported_by) "
            "VALUES (:k, :f, :s, :r, 0, :u) RETURNING id"
        ),
        {
            "k": outcome.kind,
            "f": outcome.file_name[:255],
            "s": outcome.sha256,
            "r": outcome.rows_read,
            "u": user_id,
        },
    ).scalar_one()
    return int(imp)


def _audit(conn: Connection, outcome: ImportOutcome, username: str | None) -> None:
    audit(
        conn,
        username=username,
        action="import",
        entity="imports",
        entity_id=outcome.import_id,
        details={
            "kind": outcome.kind,
            "file_name": outcome.file_name,
            "sha256": outcome.sha256,
            "rows_read": outcome.rows_read,
            "rows_written": outcome.rows_new,
        },
    )


def municipality_name(name: str | None) -> str | None:
    """Our municipality as SCB and the police name it: ``Malmö kommun`` → ``Malmö``."""
    if name is None or not name.strip():
        return None
    return re.sub(r"(?i)\s+kommun$", "", name.strip()) or None


def municipality_value(name: str | None, code: str | None = None) -> dict[str, str]:
    """The setting :data:`MUNICIPALITY_SETTING` as an administrator types it: the name as SCB
    writes it (``Malmö kommun`` → ``Malmö``) and, if given, SCB's four-digit municipality code
    (by which Brå's statistics find us). A blank name or a code that is not four digits is
    refused with a Swedish message (``ValueError``)."""
    short = municipality_name(name)
    if short is None:
        raise ValueError("Ange kommunens namn, som SCB skriver det (t.ex. Malmö).")
    value = {"namn": short}
    typed = (code or "").strip()
    if typed:
        if not re.fullmatch(r"\d{4}", typed):
            raise ValueError(f"Kommunkoden ska vara SCB:s fyra siffror (t.ex. 1280), inte {typed}.")
        value["kod"] = typed
    return value


def _name_forms(name: str) -> list[str]:
    """The forms a municipality's name may take in the police's text, lower case: the long form's
    genitive ``Göteborgs kommun`` is ``Göteborg`` (``Borås kommun`` stays ``Borås``)."""
    short = municipality_name(name) or ""
    forms = [short]
    if re.search(r"(?i)s\s+kommun$", name.strip()) and short.endswith("s"):
        forms.append(short[:-1])
    return [f.lower() for f in forms if f]


EVENT_TYPES_SETTING = "polishandelser_typer"
"""``settings`` key of the municipality's changes to the police's event types: ``{"Bråk":
"vald", "Stöld/inbrott": "inbrott", "Knivlagen": null}`` (type → crime group key, or null for
"not a crime"), on top of :data:`ostan_dash.ingest.police_events.EVENT_TYPES`."""


def event_type_overrides(*, conn: Connection | None = None) -> dict[str, str | None]:
    """The setting :data:`EVENT_TYPES_SETTING` (empty when not set or not an object)."""
    value = scalar(
        "SELECT value FROM settings WHERE key = :k", {"k": EVENT_TYPES_SETTING}, conn=conn
    )
    return dict(value) if isinstance(value, dict) else {}


GROUP_NAMES_SETTING = "polisens_brottsgrupper"
"""``settings`` key of the municipality's changes to the police's and Brå's crime group names:
``{"Tillgreppsbrott": "inbrott", "Brott mot djur": "ovrigt"}`` (the name in a police extract's
Brottsgrupp column → crime group key), on top of
:data:`ostan_dash.ingest.police_groups.GROUP_NAMES`."""


def group_name_overrides(*, conn: Connection | None = None) -> dict[str, str]:
    """The setting :data:`GROUP_NAMES_SETTING` (empty when not set or not an object)."""
    value = scalar(
        "SELECT value FROM settings WHERE key = :k", {"k": GROUP_NAMES_SETTING}, conn=conn
    )
    return dict(value) if isinstance(value, dict) else {}


def municipality(*, conn: Connection | None = None) -> dict[str, str] | None:
    """The setting :data:`MUNICIPALITY_SETTING` (``{"namn": …, "kod": …}``), or None."""
    value = scalar(
        "SELECT value FROM settings WHERE key = :k", {"k": MUNICIPALITY_SETTING}, conn=conn
    )
    return value if isinstance(value, dict) and value.get("namn") else None


def _skipped_note(
    outcome: ImportOutcome, kind: str, *, not_crime: int, elsewhere: int
) -> list[str]:
    """What was left out and why, in one paragraph (the police's events)."""
    if kind != "polishandelser":
        return []
    return [
        f"Av {_count_text(outcome.rows_read)} händelser är {_count_text(outcome.rows_valid)}"
        f" brott i kommunen; {_count_text(not_crime)} är inga brott (olyckor, bränder, "
        f"sammanfattningar m.m.) och {_count_text(elsewhere)} gäller andra kommuner eller län. "
        "Polisens händelser anger bara kommunen, inte platsen: de sparas utan punkt och syns inte "
        "på kartor eller i analyser av platser. Tidpunkten är den i rubriken, inte "
        "publiceringstiden.",
    ]


def write_checked(
    outcome: ImportOutcome,
    rows: pl.DataFrame,
    problems: pl.DataFrame,
    *,
    field_name: Callable[[str], str],
    geometry_format: str | None,
    skipped: pl.DataFrame | None = None,
    municipality_override: str | None = None,
    user_id: int | None = None,
    username: str | None = None,
    role: str | None = None,
    organisation_id: int | None = None,
    dry_run: bool = False,
    conn: Connection | None = None,
    url: str | None = None,
    step: Progress = lambda _f, _t: None,
) -> ImportOutcome:
    """Write validated ``rows`` of ``outcome.kind`` in one transaction, all or nothing.

    ``problems`` are the validator's; the database adds what only it can check (codes that
    exist, geometries, the municipality). Nothing is written unless both are empty and
    ``dry_run`` is False; a preview is the same run rolled back. ``role``: the importer's app
    role, under which the whole write runs (:func:`ostan_dash.store.as_user`); ``None`` only for
    operators on the command line. Files are read and validated by
    :func:`ostan_dash.ingest.pipeline.run_import`, which calls this.
    """
    t0 = time.perf_counter() - outcome.seconds
    kind = outcome.kind
    sql_kind = NAMES_ONLY if kind == "omraden" and "geom" not in rows.columns else kind
    file_name = outcome.file_name
    skipped = skipped if skipped is not None else pl.DataFrame(schema=PROBLEM_SCHEMA)
    try:
        with savepoint(conn, url=url) as c:
            if role is not None:
                assume(c, int(user_id or 0), role)
            ours = municipality_override if municipality_name(municipality_override) else None
            if kind == "polishandelser" and ours is None:
                setting = municipality(conn=c)
                ours = setting["namn"] if setting else None
                if municipality_name(ours) is None:
                    outcome.problems = pl.concat(
                        [
                            problem(
                                None,
                                "fil",
                                "kommunen är inte inställd: ange kommunens namn som SCB skriver "
                                "det (t.ex. Malmö), så importeras bara händelserna i kommunen",
                            ),
                            problems.cast(PROBLEM_SCHEMA),
                        ]
                    )
                    raise _Rollback
            # A large file is one long transaction; the app's 30 s statement limit is for reads.
            c.execute(sa.text(f"SET LOCAL statement_timeout = '{IMPORT_TIMEOUT_S}s'"))
            # The planner guesses ~500 rows in a fresh temp table; with the geometry functions
            # that makes JIT compile the staging SELECT, 0.5 s for a file of one row.
            c.execute(sa.text("SET LOCAL jit = off"))
            step(0.4, "Läser in i databasen …")
            _stage(c, rows)
            c.execute(sa.text(_SAFE_GEOM_FN))
            c.execute(
                sa.text(_STAGE_SQL[sql_kind]),
                {
                    "fmt": geometry_format,
                    "org": organisation_id,
                    "kommun": _name_forms(ours) if ours else None,
                },
            )
            step(0.55, "Kontrollerar koder och geometrier …")
            db_skipped = _db_problems(c, _SKIP_SQL.get(kind, []))
            if not db_skipped.is_empty():
                c.execute(
                    sa.text("DELETE FROM _ingest WHERE rad = ANY(:skip)"),
                    {"skip": db_skipped["rad"].unique().to_list()},
                )
            outcome.skipped = pl.concat(
                [
                    skipped.cast(PROBLEM_SCHEMA),
                    db_skipped.with_columns(
                        pl.col("falt").replace_strict(
                            {f: field_name(f) for f in db_skipped["falt"].unique().to_list()},
                            return_dtype=pl.Utf8,
                        )
                    ),
                ]
            ).sort("rad")
            pre = _db_problems(c, _CHECK_SQL[sql_kind])
            if not pre.is_empty():
                c.execute(
                    sa.text("DELETE FROM _ingest WHERE rad = ANY(:bad)"),
                    {"bad": pre["rad"].unique().to_list()},
                )
            step(0.65, "Skriver …")
            outcome.notes = [*outcome.notes, *_notes(c, sql_kind)]
            outcome.import_id = _record(c, outcome, user_id=user_id, username=username)
            if sql_kind == "omraden":
                c.execute(sa.text("DROP TABLE IF EXISTS _areas_before"))
                c.execute(sa.text(_AREAS_BEFORE))
            written = c.execute(sa.text(_WRITE_SQL[sql_kind]), {"imp": outcome.import_id}).rowcount
            if sql_kind == "omraden":
                outcome.notes = [*outcome.notes, *_recompute_areas(c)]
            step(0.9, "Kontrollerar att platserna ligger i kommunen …")
            post = _db_problems(c, _POST_CHECK_SQL.get(kind, []), {"imp": outcome.import_id})
            db_problems = pl.concat([pre, post])
            names = {f: field_name(f) for f in db_problems["falt"].unique().to_list()}
            db_problems = db_problems.with_columns(pl.col("falt").replace(names))
            outcome.problems = pl.concat([problems, db_problems]).sort(
                "rad", nulls_last=True, maintain_order=True
            )
            outcome.rows_valid = (
                rows.height - db_problems["rad"].n_unique() - db_skipped["rad"].n_unique()
            )
            outcome.rows_new = int(written) - post.height
            outcome.rows_existing = outcome.rows_valid - outcome.rows_new
            outcome.notes = [
                *_skipped_note(
                    outcome, kind, not_crime=skipped.height, elsewhere=db_skipped.height
                ),
                *outcome.notes,
            ]
            if not outcome.problems.is_empty() or dry_run:
                raise _Rollback
            c.execute(
                sa.text("UPDATE imports SET rows_written = :n WHERE id = :id"),
                {"n": outcome.rows_new, "id": outcome.import_id},
            )
            _audit(c, outcome, username)
            c.execute(sa.text("DROP TABLE IF EXISTS _raw, _ingest, _areas_before"))
            # The helpers too: a temporary function outlives the transaction in the pooled
            # connection and belongs to this import's role, so the next import on the same
            # connection under another role could not replace it ("must be owner").
            c.execute(sa.text(_DROP_GEOM_FN))
        outcome.written = True
    except _Rollback:
        outcome.import_id = None
    except DBAPIError as e:
        # A constraint we did not foresee: nothing is written and the user gets a plain reason.
        log.warning("import %s of %s refused by the database: %s", kind, file_name, e.orig)
        constraint = getattr(getattr(e.orig, "diag", None), "constraint_name", None)
        if isinstance(e.orig, psycopg.errors.QueryCanceled):
            reason = "importen tog för lång tid och avbröts; ingenting har sparats"
        elif isinstance(e.orig, psycopg.errors.InsufficientPrivilege):
            reason = (
                "din roll får inte skriva de här raderna (rapporter kan bara importeras för "
                "den egna organisationen, utom av en administratör); ingenting har sparats"
            )
        else:
            reason = (
                "databasen godtog inte filen"
                + (f" (villkoret {constraint})" if constraint else "")
                + "; ingenting har sparats"
            )
        outcome.problems = problem(None, "fil", reason)
        outcome.written = False
        outcome.import_id = None
    step(1.0, "Klart")
    outcome.seconds = time.perf_counter() - t0
    return outcome


def history(limit: int = 200) -> pl.DataFrame:
    """The latest imports: when, who, kind, file name and checksum, rows read and written."""
    return read_frame(
        """
        SELECT i.id, i.imported_at, i.kind, i.file_name, i.sha256, i.rows_read, i.rows_written,
               coalesce(u.display_name, '–') AS imported_by
        FROM imports i LEFT JOIN users u ON u.id = i.imported_by
        WHERE i.kind <> 'demo'
        ORDER BY i.imported_at DESC, i.id DESC LIMIT :n
        """,
        {"n": limit},
        schema={
            "id": pl.Int64,
            "imported_at": pl.Datetime("us", "Europe/Stockholm"),
            "kind": pl.Utf8,
            "file_name": pl.Utf8,
            "sha256": pl.Utf8,
            "rows_read": pl.Int64,
            "rows_written": pl.Int64,
            "imported_by": pl.Utf8,
        },
    )
