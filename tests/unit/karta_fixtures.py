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


def town_areas(*, size: float = 8000.0) -> pl.DataFrame:
    """One square area ``T01`` of `size` metres from (X0, Y0): a town and its countryside."""
    return pl.DataFrame(
        {
            "area_id": pl.Series([1], dtype=pl.Int32),
            "code": ["T01"],
            "name": ["Staden"],
            "kind": ["blandat"],
            "population": pl.Series([0], dtype=pl.Int64),
            "geojson_wgs84": [square_geojson(X0, Y0, size)],
            "km2": [size**2 / 1e6],
        }
    )


def town_population(seed: int = 0, *, size: float = 8000.0, cell: int = 250) -> pl.DataFrame:
    """An SCB-style population grid (only cells with residents or a day-time flag): a town of
    about 30 000 around the middle, a village, and farm households scattered so that most
    countryside cells are empty; three day-time cells in the town centre."""
    rng = np.random.default_rng(seed)
    n = int(size // cell)
    j, i = np.meshgrid(np.arange(n), np.arange(n))
    cx, cy = (j + 0.5) * cell, (i + 0.5) * cell
    town = 30_000 * np.exp(-((cx - size / 2) ** 2 + (cy - size / 2) ** 2) / (2 * 1200.0**2))
    village = 3_000 * np.exp(-((cx - size * 0.85) ** 2 + (cy - size * 0.2) ** 2) / (2 * 400.0**2))
    dens = (town + village) / (town + village).sum() * 33_000
    people = np.where(dens >= 8, np.round(dens), 4 * rng.poisson(dens / 4 + 0.02))
    day = np.zeros(people.shape, dtype=bool)
    mid = n // 2
    day[mid, mid - 1 : mid + 2] = True
    keep = (people > 0) | day
    x0 = X0 + j[keep] * cell
    y0 = Y0 + i[keep] * cell
    return pl.DataFrame(
        {
            "cell_id": [f"{int(a):06d}{int(b):07d}" for a, b in zip(x0, y0, strict=True)],
            "cell_size": pl.Series(np.full(x0.size, cell), dtype=pl.Int32),
            "x0": x0.astype(float),
            "y0": y0.astype(float),
            "population": pl.Series(people[keep].astype(np.int64), dtype=pl.Int64),
            "daytime": day[keep],
            "year": pl.Series(np.full(x0.size, 2025), dtype=pl.Int32),
        }
    )


def points_by_population(
    cells: pl.DataFrame, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """`n` points, each in a population cell drawn with probability ∝ its residents, uniform
    inside it: no hot spot anywhere, only people."""
    w = cells["population"].to_numpy().astype(float)
    k = rng.choice(w.size, size=n, p=w / w.sum())
    size = cells["cell_size"].to_numpy()[k]
    return (
        cells["x0"].to_numpy()[k] + rng.random(n) * size,
        cells["y0"].to_numpy()[k] + rng.random(n) * size,
    )
