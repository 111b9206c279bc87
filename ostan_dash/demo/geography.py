"""Östan's geography: the municipality boundary, 20 areas that tile it, places and hot spots.

The municipality lies in inland Uppland (SWEREF 99 TM, EPSG:3006). The town (tätort) is a compact
convex polygon a few kilometres across, cut into its areas by the Voronoi cells of the area seeds;
the countryside outside the town is cut into village areas by the Voronoi cells of the villages.
The database builds the polygons from the same seeds (``load.py``: Voronoi lines and both
boundaries polygonised into faces, each face given to its nearest seed), and :func:`label`
reproduces that tiling exactly as a nearest-seed rule, so generation needs no
database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

CENTER = (602_000.0, 6_632_000.0)  # the town square, E / N metres (SWEREF 99 TM)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    kind: str
    population: int
    vulnerability: float  # 0 = affluent villas … 1 = most socio-economically vulnerable
    dx: float  # seed offset from CENTER, metres
    dy: float
    town: bool = True


AREAS: tuple[Area, ...] = (
    Area("C01", "Centrum", "centrum", 4300, 0.45, 0, 0),
    Area("C02", "Resecentrum", "resecentrum", 1200, 0.50, 900, -650),
    Area("B01", "Västra stan", "blandat", 7200, 0.30, -1250, -200),
    Area("B02", "Kvarnbacken", "blandat", 6100, 0.40, -300, -1350),
    Area("F01", "Norrbacka", "flerbostadsomrade", 9800, 0.92, -500, 1500),
    Area("F02", "Björkdalen", "flerbostadsomrade", 6300, 0.45, 750, 1250),
    Area("F03", "Österängen", "flerbostadsomrade", 8600, 0.85, 2000, 300),
    Area("F04", "Solhöjden", "flerbostadsomrade", 7400, 0.62, 1600, -1700),
    Area("I01", "Norra industriområdet", "verksamhetsomrade", 250, 0.30, 1500, 2650),
    Area("V01", "Ekhagen", "villaomrade", 5600, 0.10, -2600, 1000),
    Area("V02", "Lindvik", "villaomrade", 5200, 0.07, -2400, -1700),
    Area("V03", "Tallmon", "villaomrade", 4600, 0.15, -1400, 2800),
    Area("V04", "Sjöängen", "villaomrade", 4100, 0.05, 300, -3000),
    Area("V05", "Höglunda", "villaomrade", 3900, 0.12, 3300, -900),
    Area("R01", "Ekby", "by", 5400, 0.22, -9000, 6000, False),
    Area("R02", "Rävsta", "by", 4300, 0.18, 2000, 11000, False),
    Area("R03", "Lövnäs", "by", 3900, 0.15, 11000, 4000, False),
    Area("R04", "Backa", "by", 4100, 0.30, 8500, -7500, False),
    Area("R05", "Skogsby", "by", 3800, 0.25, -3000, -11500, False),
    Area("R06", "Norrby", "by", 3950, 0.20, -11500, -3500, False),
)

CODES = tuple(a.code for a in AREAS)
BY_NAME = {a.name: a for a in AREAS}
BY_CODE = {a.code: a for a in AREAS}


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    dx: float
    dy: float

    @property
    def critical(self) -> bool:
        return self.kind in CRITICAL_KINDS


CRITICAL_KINDS = frozenset(
    {
        "skola",
        "forskola",
        "vard",
        "aldreboende",
        "polisstation",
        "centrum",
        "resecentrum",
        "kopcentrum",
    }
)

PLACES: tuple[Place, ...] = (
    Place("Stora torget", "centrum", -50, 80),
    Place("Östan resecentrum", "resecentrum", 950, -700),
    Place("Gallerian Östan", "kopcentrum", 180, -120),
    Place("Köpcentrum Norr", "kopcentrum", 1750, 2550),
    Place("Polisstationen Östan", "polisstation", -350, -300),
    Place("Solhöjdsskolan", "skola", 1500, -1900),
    Place("Norrbackaskolan", "skola", -650, 1800),
    Place("Österängsskolan", "skola", 2250, 550),
    Place("Västra skolan", "skola", -1350, -350),
    Place("Ekhagsskolan", "skola", -2650, 1150),
    Place("Östans gymnasium", "skola", 350, 550),
    Place("Ekby skola", "skola", -8900, 6100),
    Place("Rävsta skola", "skola", 2100, 10900),
    Place("Förskolan Humlan", "forskola", -300, 1350),
    Place("Förskolan Solstrålen", "forskola", 1800, -1500),
    Place("Förskolan Ekorren", "forskola", -2300, -1850),
    Place("Förskolan Myran", "forskola", 2350, 150),
    Place("Förskolan Tallkotten", "forskola", -1450, 2650),
    Place("Backa förskola", "forskola", 8450, -7400),
    Place("Vårdcentralen Östan", "vard", 250, 750),
    Place("Vårdcentralen Norrbacka", "vard", -450, 1650),
    Place("Lindgårdens äldreboende", "aldreboende", -1150, -50),
    Place("Ekbackens äldreboende", "aldreboende", -9100, 5850),
    Place("Fritidsgården Solhöjden", "fritidsgard", 1650, -1800),
    Place("Fritidsgården Norrbacka", "fritidsgard", -550, 1650),
    Place("Östans IP", "idrottsplats", -900, -1150),
    Place("Stadsparken", "park", -450, -550),
    Place("Norrbackaparken", "park", -350, 1750),
    Place("Hållplats Norrbacka centrum", "busshallplats", -400, 1550),
    Place("Hållplats Österängen", "busshallplats", 1950, 400),
)
PLACE_BY_NAME = {p.name: p for p in PLACES}


@dataclass(frozen=True)
class HotSpot:
    key: str
    name: str
    area: str  # the area name its centre lies in
    dx: float
    dy: float
    sigma: float  # metres, spatial Gaussian


HOT_SPOTS: tuple[HotSpot, ...] = (
    HotSpot("centrum", "Stora torget", "Centrum", -50, 80, 150),
    HotSpot("resecentrum", "Östan resecentrum", "Resecentrum", 950, -700, 110),
    HotSpot("skolgard", "Solhöjdsskolans skolgård", "Solhöjden", 1500, -1900, 55),
    HotSpot("norrbacka", "Norrbacka centrum", "Norrbacka", -450, 1600, 170),
    HotSpot("osterangen", "Österängens torg", "Österängen", 2050, 350, 170),
)
HOT_SPOT_BY_KEY = {h.key: h for h in HOT_SPOTS}


def xy(dx: float, dy: float) -> tuple[float, float]:
    """Absolute SWEREF 99 TM coordinates of an offset from the town square."""
    return CENTER[0] + dx, CENTER[1] + dy


# Boundaries -------------------------------------------------------------------------------------
_N_BOUNDARY = 120
_N_TOWN = 48


def _star(radius: np.ndarray, n: int) -> np.ndarray:
    theta = np.arange(n) * 2 * np.pi / n
    return np.column_stack([CENTER[0] + radius * np.cos(theta), CENTER[1] + radius * np.sin(theta)])


@cache
def boundary() -> np.ndarray:
    """Municipality boundary: a star-shaped polygon around the town (vertices, counter-clockwise)."""
    theta = np.arange(_N_BOUNDARY) * 2 * np.pi / _N_BOUNDARY
    r = 15_800 * (
        1
        + 0.10 * np.sin(2 * theta + 0.7)
        + 0.07 * np.sin(3 * theta + 2.1)
        + 0.04 * np.sin(5 * theta + 0.3)
        + 0.02 * np.sin(9 * theta + 1.3)
    )
    return np.round(_star(r, _N_BOUNDARY), 1)


@cache
def town() -> np.ndarray:
    """The town (tätort): a convex polygon, tiled by the town areas."""
    theta = np.arange(_N_TOWN) * 2 * np.pi / _N_TOWN
    r = 1 / np.sqrt((np.cos(theta) / 3_950) ** 2 + (np.sin(theta) / 3_750) ** 2)
    return np.round(_star(r, _N_TOWN), 1)


def _inside_star(poly: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Exact point-in-polygon for a polygon star-shaped around CENTER with equal-angle vertices."""
    n = len(poly)
    ang = np.mod(np.arctan2(y - CENTER[1], x - CENTER[0]), 2 * np.pi)
    k = np.minimum((ang / (2 * np.pi / n)).astype(np.int64), n - 1)
    a = poly[k]
    b = poly[(k + 1) % n]
    cross = (b[:, 0] - a[:, 0]) * (y - a[:, 1]) - (b[:, 1] - a[:, 1]) * (x - a[:, 0])
    return cross >= 0


def inside_municipality(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _inside_star(boundary(), np.asarray(x, float), np.asarray(y, float))


def inside_town(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _inside_star(town(), np.asarray(x, float), np.asarray(y, float))


@cache
def _seeds() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    town_idx = np.array([i for i, a in enumerate(AREAS) if a.town])
    rural_idx = np.array([i for i, a in enumerate(AREAS) if not a.town])
    seeds = np.array([xy(a.dx, a.dy) for a in AREAS])
    return seeds[town_idx], town_idx, seeds[rural_idx], rural_idx


def _nearest(seeds: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index of the nearest seed (ties to the lower index), in chunks to bound memory."""
    out = np.empty(len(x), dtype=np.int64)
    step = 200_000
    for i in range(0, len(x), step):
        dx = x[i : i + step, None] - seeds[None, :, 0]
        dy = y[i : i + step, None] - seeds[None, :, 1]
        out[i : i + step] = np.argmin(dx * dx + dy * dy, axis=1)
    return out


def label(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Index into :data:`AREAS` of the area each point lies in; -1 outside the municipality."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    t_seeds, t_idx, r_seeds, r_idx = _seeds()
    out = np.full(len(x), -1, dtype=np.int64)
    in_town = inside_town(x, y)
    if in_town.any():
        out[in_town] = t_idx[_nearest(t_seeds, x[in_town], y[in_town])]
    rural = ~in_town & inside_municipality(x, y)
    if rural.any():
        out[rural] = r_idx[_nearest(r_seeds, x[rural], y[rural])]
    return out


# Sampling ------------------------------------------------------------------------------------
_PIXEL = 100.0


@cache
def _pixels() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres of a 100 m grid over the municipality and the area index of each."""
    b = boundary()
    xs = np.arange(b[:, 0].min() + _PIXEL / 2, b[:, 0].max(), _PIXEL)
    ys = np.arange(b[:, 1].min() + _PIXEL / 2, b[:, 1].max(), _PIXEL)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    lab = label(gx, gy)
    keep = lab >= 0
    return gx[keep], gy[keep], lab[keep]


@cache
def _area_pixel_weights(i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pixels of area ``i`` and where its people live: the town areas are built-up nearly
    everywhere; a village cell has its people in the village, a few on farms around it."""
    gx, gy, lab = _pixels()
    sel = lab == i
    a = AREAS[i]
    cx, cy = xy(a.dx, a.dy)
    d2 = (gx[sel] - cx) ** 2 + (gy[sel] - cy) ** 2
    if a.town:
        w = 0.35 + np.exp(-d2 / (2 * 700.0**2))
    else:
        w = 0.015 + np.exp(-d2 / (2 * 550.0**2))
    return gx[sel], gy[sel], np.cumsum(w) / w.sum()


def sample_in_area(i: int, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in area ``i``, denser where people live (rejection at the pixel edges)."""
    px, py, cdf = _area_pixel_weights(i)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    need = n
    while need > 0:
        m = int(need * 1.15) + 8
        k = np.minimum(np.searchsorted(cdf, rng.random(m)), len(cdf) - 1)
        x = px[k] + (rng.random(m) - 0.5) * _PIXEL
        y = py[k] + (rng.random(m) - 0.5) * _PIXEL
        ok = label(x, y) == i
        xs.append(x[ok][:need])
        ys.append(y[ok][:need])
        need -= int(min(ok.sum(), need))
    return np.concatenate(xs), np.concatenate(ys)


def sample_gaussian(
    cx: float, cy: float, sigma: float, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points from a circular Gaussian, resampling any that fall outside the municipality."""
    x = cx + rng.normal(0, sigma, n)
    y = cy + rng.normal(0, sigma, n)
    bad = ~inside_municipality(x, y)
    while bad.any():
        k = int(bad.sum())
        x[bad] = cx + rng.normal(0, sigma, k)
        y[bad] = cy + rng.normal(0, sigma, k)
        bad = ~inside_municipality(x, y)
    return x, y


def circle_wkt(cx: float, cy: float, r: float, n: int = 64) -> str:
    """A regular ``n``-gon of radius ``r`` as a WKT MultiPolygon (for target geometries)."""
    theta = np.arange(n + 1) * 2 * np.pi / n
    ring = ", ".join(f"{cx + r * np.cos(t):.1f} {cy + r * np.sin(t):.1f}" for t in theta)
    return f"MULTIPOLYGON((({ring})))"


def polygon_wkt(poly: np.ndarray) -> str:
    ring = [*poly, poly[0]]
    return "POLYGON((" + ", ".join(f"{x:.1f} {y:.1f}" for x, y in ring) + "))"


def areas_frame() -> pl.DataFrame:
    """The areas with their seeds: the loader turns seeds into polygons in PostGIS."""
    return pl.DataFrame(
        {
            "code": [a.code for a in AREAS],
            "name": [a.name for a in AREAS],
            "kind": [a.kind for a in AREAS],
            "population": [a.population for a in AREAS],
            "town": [a.town for a in AREAS],
            "seed_x": [xy(a.dx, a.dy)[0] for a in AREAS],
            "seed_y": [xy(a.dx, a.dy)[1] for a in AREAS],
        }
    )


def places_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name": [p.name for p in PLACES],
            "kind": [p.kind for p in PLACES],
            "critical": [p.critical for p in PLACES],
            "x": [xy(p.dx, p.dy)[0] for p in PLACES],
            "y": [xy(p.dx, p.dy)[1] for p in PLACES],
        }
    )
