"""Reads the dashboard needs, each returning a finished Polars frame.

Times leave the database as epoch seconds (exact, zone-free) and become Europe/Stockholm
datetimes here, so every analysis bins in local time.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from ostan_dash.config import TZ_NAME, listens_for_versions
from ostan_dash.schema import Schema
from ostan_dash.store import copy_frame, engine, read_frame, scalar, shared_scalar, version_watch

INCIDENT_SCHEMA: Schema = {
    "id": pl.Int64,
    "source": pl.Utf8,
    "category": pl.Utf8,
    "subtype": pl.Utf8,
    "object_type": pl.Utf8,
    "t_from": pl.Int64,
    "t_to": pl.Int64,
    "x": pl.Float64,
    "y": pl.Float64,
    "area_id": pl.Int32,
    "organisation_id": pl.Int32,
}

_INCIDENTS_TEMPLATE = """
SELECT i.id, 'est' AS source, i.category, i.subtype, i.object_type,
       floor(extract(epoch FROM i.occurred_from))::bigint AS t_from,
       floor(extract(epoch FROM i.occurred_to))::bigint AS t_to,
       ST_X(i.geom) AS x, ST_Y(i.geom) AS y, i.area_id, i.organisation_id
FROM incidents i
WHERE i.occurred_from >= %(since)s{est}
UNION ALL
SELECT p.id, 'polis' AS source, p.crime_group, p.crime_type, NULL,
       floor(extract(epoch FROM p.occurred_from))::bigint,
       floor(extract(epoch FROM p.occurred_to))::bigint,
       ST_X(p.geom), ST_Y(p.geom), p.area_id, NULL
FROM police_crimes p
WHERE p.occurred_from >= %(since)s AND p.location_precision IS NULL{police}
UNION ALL
SELECT v.id, 'polis' AS source, v.crime_group, v.crime_type, NULL,
       floor(extract(epoch FROM v.occurred_from))::bigint,
       floor(extract(epoch FROM v.occurred_to))::bigint,
       NULL, NULL, v.area_id, NULL
FROM police_crimes_by_area v
WHERE v.occurred_from >= %(since)s AND NOT ostan_sees_police_rows(){by_area}
"""
_INCIDENTS_SQL = _INCIDENTS_TEMPLATE.format(est="", police="", by_area="")
_INCIDENTS_BY_ID_SQL = _INCIDENTS_TEMPLATE.format(
    est=" AND i.id = ANY(%(est_ids)s::bigint[])",
    police=" AND p.id = ANY(%(police_ids)s::bigint[])",
    by_area=" AND v.id = ANY(%(police_ids)s::bigint[])",
)
# Police crimes come with their point only to those the database lets see them row by row
# (sql/014_police_rows.sql); everyone else gets them per area, with x and y null. The police's
# public events (location_precision set: no point, no area, sql/018) are no crimes of the
# extract and stay out of the frame (the view has only rows with an area).


def epoch_to_local(col: str) -> pl.Expr:
    """Epoch seconds → ``Datetime('us', 'Europe/Stockholm')``."""
    return (
        pl.from_epoch(pl.col(col), time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(TZ_NAME)
    )


def incidents(
    since: str = "1900-01-01",
    *,
    est_ids: Sequence[int] | None = None,
    police_ids: Sequence[int] | None = None,
) -> pl.DataFrame:
    """All EST reports and police-reported crimes since ``since`` in one frame; with ``est_ids``
    or ``police_ids`` only those rows (the others of none), as they are now (the hot frame's
    refresh, :mod:`ostan_dash.store.hot`).

    Columns: id, source (``est`` | ``polis``), category (EST category or police crime group),
    subtype (EST subtype or police crime type), object_type, occurred_from, occurred_to
    (Europe/Stockholm), x, y (SWEREF 99 TM metres; null for police crimes known only by area),
    area_id, organisation_id.
    """
    if est_ids is None and police_ids is None:
        raw = copy_frame(_INCIDENTS_SQL, {"since": since}, schema=INCIDENT_SCHEMA)
    else:
        ids = {"est_ids": list(est_ids or ()), "police_ids": list(police_ids or ())}
        raw = copy_frame(_INCIDENTS_BY_ID_SQL, {"since": since} | ids, schema=INCIDENT_SCHEMA)
    if raw.is_empty():
        raw = pl.DataFrame(schema=INCIDENT_SCHEMA)
    return raw.with_columns(
        occurred_from=epoch_to_local("t_from"),
        occurred_to=epoch_to_local("t_to"),
        source=pl.col("source").cast(pl.Categorical),
        category=pl.col("category").cast(pl.Categorical),
    ).drop("t_from", "t_to")


def data_version() -> int:
    """The database's data version (``sql/024_data_version.sql``): raised in the same transaction
    as every write to a table the pages read, so a cache keyed by it is never stale. Read it
    before the data it keys, never after (then new data can only land under a newer key).
    Every role and the web login may read it, so no user's role is assumed for it.

    Held in memory while this process listens for the database's notifications
    (:mod:`ostan_dash.store.version_watch`): no query at all then, except right after a commit
    of this process."""
    if not listens_for_versions():
        return int(shared_scalar("SELECT version FROM data_version") or 0)
    watch = version_watch.watch(engine())
    held = watch.current()
    if held is not None:
        return held
    started = watch.read_started()
    read = int(shared_scalar("SELECT version FROM data_version") or 0)
    watch.saw(read, started)
    return read


def visibility_key() -> str:
    """What the acting user sees, as a cache key (``ostan_visibility_key()``,
    ``sql/032_sharing_policy.sql``): users with the same key see the same rows."""
    return str(scalar("SELECT ostan_visibility_key()"))


def sees_police_rows() -> bool:
    """``ostan_sees_police_rows()`` for the acting user (``sql/014_police_rows.sql``)."""
    return bool(scalar("SELECT ostan_sees_police_rows()"))


def areas() -> pl.DataFrame:
    """Areas with population and outline as GeoJSON in WGS 84 (for maps) and in SWEREF 99 TM."""
    return read_frame(
        """
        SELECT id AS area_id, code, name, kind, population,
               ST_AsGeoJSON(ST_Transform(geom, 4326), 6) AS geojson_wgs84,
               ST_Area(geom) / 1e6 AS km2
        FROM areas ORDER BY name
        """,
        schema={
            "area_id": pl.Int32,
            "code": pl.Utf8,
            "name": pl.Utf8,
            "kind": pl.Utf8,
            "population": pl.Int64,
            "geojson_wgs84": pl.Utf8,
            "km2": pl.Float64,
        },
    )


def organisations() -> pl.DataFrame:
    """Organisations (id, name, kind)."""
    return read_frame(
        "SELECT id AS organisation_id, name, kind FROM organisations ORDER BY name",
        schema={"organisation_id": pl.Int32, "name": pl.Utf8, "kind": pl.Utf8},
    )


def table_counts() -> dict[str, int]:
    """Exact row count of every table of the public schema (for ``ostan-dash stats``)."""
    names = read_frame(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename NOT IN ('spatial_ref_sys') ORDER BY tablename"
    )["tablename"].to_list()
    counts: dict[str, int] = {}
    for name in names:
        # Table names come from the catalogue, quoted as identifiers; no value is interpolated.
        counts[name] = int(read_frame(f'SELECT count(*) AS n FROM "{name}"')["n"][0])  # noqa: S608
    return counts


def incident_summary() -> dict[str, object]:
    """First and last incident date and the row count per category (EST and police crimes);
    the police's public events (no place but a municipality) are counted apart, per group."""
    span = read_frame(
        """
        SELECT min(d_min)::date::text AS first, max(d_max)::date::text AS last FROM (
          SELECT min(occurred_from AT TIME ZONE 'Europe/Stockholm') d_min,
                 max(occurred_from AT TIME ZONE 'Europe/Stockholm') d_max FROM incidents
          UNION ALL
          SELECT min(occurred_from AT TIME ZONE 'Europe/Stockholm'),
                 max(occurred_from AT TIME ZONE 'Europe/Stockholm') FROM police_crimes
          WHERE location_precision IS NULL) s
        """
    )
    by_cat = read_frame(
        "SELECT category, count(*) AS n FROM incidents GROUP BY category ORDER BY category"
    )
    by_police = read_frame(
        "SELECT crime_group, location_precision IS NOT NULL AS event, count(*) AS n "
        "FROM police_crimes GROUP BY 1, 2 ORDER BY 1"
    )

    def groups(events: bool) -> dict[str, int]:
        part = by_police.filter(pl.col("event") == events)
        return {r["crime_group"]: int(r["n"]) for r in part.iter_rows(named=True)}

    return {
        "first": span["first"][0],
        "last": span["last"][0],
        "by_category": {r["category"]: int(r["n"]) for r in by_cat.iter_rows(named=True)},
        "police_by_group": groups(False),
        "police_events_by_group": groups(True),
    }
