"""Places on the map: schools, preschools, the centre, the travel centre and other objects."""

from __future__ import annotations

import polars as pl

from ostan_dash.schema import Schema
from ostan_dash.store import read_frame

PLACE_SCHEMA: Schema = {
    "id": pl.Int32,
    "name": pl.Utf8,
    "kind": pl.Utf8,
    "critical": pl.Boolean,
    "area_id": pl.Int32,
    "x": pl.Float64,
    "y": pl.Float64,
    "lon": pl.Float64,
    "lat": pl.Float64,
}


def places(*, critical_only: bool = False) -> pl.DataFrame:
    """Places with SWEREF 99 TM (x, y) and WGS 84 (lon, lat) coordinates, sorted by name.

    ``critical_only`` keeps the critical objects (criterion 4 of the problem-picture
    priorities: schools, preschools, care, police station, centre, travel centre, malls).
    """
    return read_frame(
        """
        SELECT id, name, kind, critical, area_id, ST_X(geom) AS x, ST_Y(geom) AS y,
               ST_X(ST_Transform(geom, 4326)) AS lon, ST_Y(ST_Transform(geom, 4326)) AS lat
        FROM places
        WHERE critical OR NOT :critical_only
        ORDER BY name
        """,
        {"critical_only": critical_only},
        schema=PLACE_SCHEMA,
    )
