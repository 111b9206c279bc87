"""Small synthetic geography for the Karta och tider tests: two square areas in SWEREF 99 TM."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
from pyproj import Transformer

X0, Y0 = 600_000.0, 6_630_000.0
_TO_WGS = Transformer.from_crs(3006, 4326, always_xy=True)


def square_geojson(xmin: float, ymin: float, size: float, *, hole: float = 0.0) -> str:
    """A square polygon (optionally with a centred square hole) as WGS 84 GeoJSON."""

    def ring(x0, y0, s):
        xs = np.array([x0, x0 + s, x0 + s, x0, x0])
        ys = np.array([y0, y0, y0 + s, y0 + s, y0])
        lon, lat = _TO_WGS.transform(xs, ys)
        return [[round(a, 7), round(b, 7)] for a, b in zip(lon, lat, strict=True)]

    rings = [ring(xmin, ymin, size)]
    if hole:
        rings.append(ring(xmin + (size - hole) / 2, ymin + (size - hole) / 2, hole))
    return json.dumps({"type": "Polygon", "coordinates": rings})


def two_areas(*, west_name: str = "Väster", population: tuple[int, int] = (2000, 500)):
    """Areas W01 (x 600 000–602 000) and E01 (602 000–604 000), both 2 km tall."""
    return pl.DataFrame(
        {
            "area_id": pl.Series([1, 2], dtype=pl.Int32),
            "code": ["W01", "E01"],
            "name": [west_name, "Öster"],
            "kind": ["blandat", "blandat"],
            "population": pl.Series(list(population), dtype=pl.Int64),
            "geojson_wgs84": [square_geojson(X0, Y0, 2000), square_geojson(X0 + 2000, Y0, 2000)],
            "km2": [4.0, 4.0],
        }
    )
