"""Streets: the named network the map draws and the nearest street and place to a point.

Reference data like the places (``sql/022_streets.sql``): the demo's generated network or an
imported OpenStreetMap / Lantmäteriet extract. The nearest street and place are found with
PostGIS's index-assisted KNN ordering (``<->`` on the GiST index, exact distance for the
LIMIT 1 row), one LATERAL lookup per point, all points in one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from ostan_dash.schema import Schema
from ostan_dash.store import read_frame, scalar, transaction

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

NEAREST_SCHEMA: Schema = {
    "i": pl.Int64,
    "street": pl.Utf8,
    "street_m": pl.Float64,
    "place": pl.Utf8,
    "place_m": pl.Float64,
}

MAP_SCHEMA: Schema = {"name": pl.Utf8, "kind": pl.Utf8, "geojson": pl.Utf8}


def count(*, conn: Connection | None = None) -> int:
    """Number of streets."""
    return int(scalar("SELECT count(*) FROM streets", conn=conn) or 0)


_INSERT = """
INSERT INTO streets (name, kind, geom, source, import_id)
SELECT s.name, s.kind, ST_Multi(ST_GeomFromText(s.wkt, 3006)), :source, :import_id
FROM unnest(CAST(:name AS text[]), CAST(:kind AS text[]), CAST(:wkt AS text[]))
     AS s(name, kind, wkt)
"""


def write(
    frame: pl.DataFrame,
    *,
    source: str,
    import_id: int | None = None,
    conn: Connection | None = None,
) -> int:
    """Replace the streets of ``source`` with ``frame`` (name, kind, wkt in SWEREF 99 TM);
    one transaction. Returns the number of streets written."""
    import sqlalchemy as sa

    with transaction(conn) as c:
        c.execute(sa.text("DELETE FROM streets WHERE source = :source"), {"source": source})
        if frame.is_empty():
            return 0
        c.execute(
            sa.text(_INSERT),
            {
                "name": frame["name"].to_list(),
                "kind": frame["kind"].to_list(),
                "wkt": frame["wkt"].to_list(),
                "source": source,
                "import_id": import_id,
            },
        )
        return frame.height


_NEAREST = """
WITH pts AS (
    SELECT t.i, ST_SetSRID(ST_MakePoint(t.x, t.y), 3006) AS p
    FROM unnest(CAST(:x AS float8[]), CAST(:y AS float8[])) WITH ORDINALITY AS t(x, y, i)
)
SELECT pts.i - 1 AS i, s.name AS street, s.d AS street_m, pl.name AS place, pl.d AS place_m
FROM pts
LEFT JOIN LATERAL (
    SELECT name, ST_Distance(geom, pts.p) AS d FROM streets ORDER BY geom <-> pts.p, id LIMIT 1
) s ON true
LEFT JOIN LATERAL (
    SELECT name, ST_Distance(geom, pts.p) AS d FROM places ORDER BY geom <-> pts.p, id LIMIT 1
) pl ON true
ORDER BY pts.i
"""


def nearest(
    x: Sequence[float], y: Sequence[float], *, conn: Connection | None = None
) -> pl.DataFrame:
    """The nearest street and the nearest place to each point (SWEREF 99 TM metres).

    Returns one row per point in input order: ``i`` (0-based index), ``street``, ``street_m``,
    ``place``, ``place_m`` (null when there are no streets or no places).
    """
    xs = [float(v) for v in x]
    ys = [float(v) for v in y]
    if not xs:
        return pl.DataFrame(schema=NEAREST_SCHEMA)
    return read_frame(_NEAREST, {"x": xs, "y": ys}, conn=conn, schema=NEAREST_SCHEMA)


_FOR_MAP = """
SELECT s.name, s.kind,
       ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(s.geom, :tolerance), 4326), 6)
           AS geojson
FROM streets s
WHERE EXISTS (
    SELECT 1 FROM areas a
    WHERE (cardinality(CAST(:codes AS text[])) = 0 OR a.code = ANY(CAST(:codes AS text[])))
      AND ST_DWithin(a.geom, s.geom, :margin)
)
ORDER BY s.id
"""


def for_map(
    codes: Sequence[str] = (),
    *,
    tolerance: float = 5.0,
    margin: float = 250.0,
    conn: Connection | None = None,
) -> pl.DataFrame:
    """Streets to draw: those within ``margin`` metres of the chosen areas (all areas when
    none), simplified to ``tolerance`` metres, as WGS 84 GeoJSON (6 decimals, about 0.1 m)."""
    return read_frame(
        _FOR_MAP,
        {"codes": list(codes), "tolerance": tolerance, "margin": margin},
        conn=conn,
        schema=MAP_SCHEMA,
    )


SEARCH_SCHEMA = pl.Schema(
    {
        "label": pl.Utf8,
        "kind": pl.Utf8,
        "lon": pl.Float64,
        "lat": pl.Float64,
        "extent_m": pl.Float64,
        "x": pl.Float64,
        "y": pl.Float64,
    }
)

_SEARCH = """
SELECT label, kind, ST_X(ST_Transform(c, 4326)) AS lon, ST_Y(ST_Transform(c, 4326)) AS lat,
       extent_m, ST_X(c) AS x, ST_Y(c) AS y
FROM (
    -- A street's parts (one name can be several lines) as one target: the point on the line
    -- nearest the middle of its extent, and the extent's diagonal for the zoom.
    SELECT s.name AS label, 'gata' AS kind,
           ST_ClosestPoint(ST_Collect(s.geom), ST_Centroid(ST_Collect(s.geom))) AS c,
           sqrt(power(ST_XMax(ST_Extent(s.geom)) - ST_XMin(ST_Extent(s.geom)), 2)
                + power(ST_YMax(ST_Extent(s.geom)) - ST_YMin(ST_Extent(s.geom)), 2)) AS extent_m,
           0 AS o
    FROM streets s GROUP BY s.name
    UNION ALL
    SELECT p.name || coalesce(' (' || a.name || ')', ''), 'plats', p.geom, 0, 1
    FROM places p LEFT JOIN areas a ON a.id = p.area_id
) t
ORDER BY label, o
"""


def search_targets(*, conn: Connection | None = None) -> pl.DataFrame:
    """What the map's search can go to: every street (one row per name) and every place.

    Columns: ``label`` (street name, or place name with its area), ``kind`` (``gata`` |
    ``plats``), ``lon``, ``lat`` (WGS 84; on the street itself, not beside a curve) and
    ``extent_m`` (the street's bounding-box diagonal in metres, 0 for a place), ``x``, ``y``
    (the same point in SWEREF 99 TM), sorted by label.
    """
    return read_frame(_SEARCH, conn=conn, schema=SEARCH_SCHEMA)
