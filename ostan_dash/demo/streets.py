"""Östan's street network: believable streets with Swedish names, in the demo's own frame.

A grid-ish town centre around Stora torget (Storgatan, Kyrkogatan, Drottninggatan,
Järnvägsgatan, Torggatan …), roads out to every town area named after it (Norrbackavägen,
Österängsvägen …), a few local streets in each area, country roads to the villages and a
village street in each. Every built-in hot spot (:data:`ostan_dash.demo.incidents.SPOTS`) lies
on or beside a named street, so the map can say where it is. Deterministic: the local streets
are placed and named from ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from ostan_dash.demo import geography as geo

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

SOURCE = "demo"


@dataclass(frozen=True)
class Street:
    name: str
    kind: str  # 'gata', 'väg', 'gång- och cykelväg', 'landsväg'
    points: tuple[tuple[float, float], ...]  # offsets (dx, dy) from the town square, metres


# The centre: streets around Stora torget (-50, 80).
CENTRE: tuple[Street, ...] = (
    Street("Storgatan", "gata", ((-900, 60), (-450, 75), (-50, 80), (400, 95), (900, 110))),
    Street("Kyrkogatan", "gata", ((-700, 380), (-50, 390), (650, 400))),
    Street("Drottninggatan", "gata", ((-750, -180), (-50, -190), (600, -200))),
    Street("Järnvägsgatan", "gata", ((-300, -420), (400, -450), (950, -650), (1150, -760))),
    Street("Torggatan", "gata", ((-60, -420), (-50, 80), (-40, 600))),
    Street("Nygatan", "gata", ((-410, -450), (-400, 80), (-390, 600))),
    Street("Skolgatan", "gata", ((330, -450), (345, 95), (360, 650))),
    Street("Prästgatan", "gata", ((640, -400), (650, 100), (660, 420))),
    Street("Stationsgatan", "gata", ((950, -650), (920, -250), (900, 110))),
    Street("Stadsparksstråket", "gång- och cykelväg", ((-700, -700), (-450, -550), (-60, -420))),
)

# Roads from the centre out through each town area, named after it.
RADIAL: tuple[Street, ...] = (
    Street("Norrbackavägen", "väg", ((-390, 600), (-430, 1100), (-450, 1600), (-520, 2150))),
    Street("Björkdalsvägen", "väg", ((360, 650), (750, 1250), (900, 1700))),
    Street(
        "Industrivägen",
        "väg",
        ((660, 420), (1100, 1500), (1500, 2300), (1750, 2550), (1900, 3000)),
    ),
    Street("Österängsvägen", "väg", ((900, 110), (1500, 250), (2050, 350), (2700, 420))),
    Street("Solhöjdsvägen", "väg", ((640, -400), (1100, -1100), (1500, -1850), (1750, -2300))),
    Street("Höglundavägen", "väg", ((1150, -760), (2300, -850), (3300, -900), (3800, -950))),
    Street("Sjöängsvägen", "väg", ((330, -450), (300, -1500), (300, -3000), (280, -3400))),
    Street("Kvarnbacksvägen", "väg", ((-60, -420), (-250, -900), (-300, -1350), (-350, -1800))),
    Street("Lindviksvägen", "väg", ((-410, -450), (-1300, -1000), (-2400, -1700), (-2900, -2000))),
    Street("Västra Storgatan", "gata", ((-900, 60), (-1250, -200), (-1900, -300))),
    Street("Ekhagsvägen", "väg", ((-700, 380), (-1600, 700), (-2600, 1000), (-3200, 1150))),
    Street("Tallmonsvägen", "väg", ((-430, 1100), (-900, 1900), (-1400, 2800), (-1600, 3300))),
    # Cross streets at the busy places, so that a spot there is on a street in both directions.
    Street("Handelsvägen", "väg", ((1300, 2650), (1750, 2550), (2300, 2450))),
    Street("Brunnsvägen", "väg", ((2150, -350), (2100, 350), (2150, 900))),
    Street("Bangårdsgatan", "gata", ((650, -950), (1000, -900), (1400, -880))),
    Street("Centrumvägen", "väg", ((-950, 1550), (-450, 1600), (50, 1630))),
    Street("Idrottsvägen", "väg", ((-250, -900), (-600, -1050), (-900, -1150))),
    Street("Norrbackastigen", "gång- och cykelväg", ((-600, 1500), (-350, 1750), (-100, 1900))),
)

# Country roads from the town's edge to the villages: (name, from (dx, dy), village code).
_COUNTRY = (
    ("Ekbyvägen", (-3200, 1150), "R01"),
    ("Rävstavägen", (1900, 3000), "R02"),
    ("Lövnäsvägen", (2700, 420), "R03"),
    ("Backavägen", (3800, -950), "R04"),
    ("Skogsbyvägen", (280, -3400), "R05"),
    ("Norrbyvägen", (-1900, -300), "R06"),
)

# Names of the local streets: stems with the suffix they take.
_LOCAL_NAMES = (
    "Björkvägen",
    "Lönnvägen",
    "Ekvägen",
    "Almvägen",
    "Rönnvägen",
    "Hasselvägen",
    "Syrenvägen",
    "Liljevägen",
    "Rosenvägen",
    "Granvägen",
    "Tallvägen",
    "Aspvägen",
    "Lindvägen",
    "Pilvägen",
    "Fläderstigen",
    "Sälgvägen",
    "Hägervägen",
    "Trastvägen",
    "Vitsippsvägen",
    "Blåbärsstigen",
    "Smedsgatan",
    "Bryggargatan",
    "Mjölnarvägen",
    "Snickarvägen",
    "Murargatan",
    "Skomakargatan",
    "Lärkvägen",
    "Svalvägen",
    "Ängsvägen",
    "Hagvägen",
    "Gärdesvägen",
    "Solvägen",
    "Vallmovägen",
    "Klövervägen",
    "Ljungvägen",
    "Mossvägen",
    "Videvägen",
    "Envägen",
    "Kastanjevägen",
    "Körsbärsvägen",
    "Plommonvägen",
    "Äppelvägen",
    "Päronvägen",
    "Havrevägen",
    "Kornvägen",
    "Vetevägen",
    "Linvägen",
    "Humlevägen",
)
_LOCAL_PER_AREA = 3


def _country_roads(rng: np.random.Generator) -> list[Street]:
    out = []
    for name, start, code in _COUNTRY:
        a = geo.BY_CODE[code]
        end = np.array([a.dx, a.dy], float)
        s = np.array(start, float)
        d = end - s
        normal = np.array([-d[1], d[0]]) / np.hypot(*d)
        # Gently winding: three inner points pushed sideways by up to 300 m.
        inner = [s + d * t + normal * rng.uniform(-300, 300) for t in (0.25, 0.5, 0.75)]
        pts = [tuple(s), *(tuple(p) for p in inner), tuple(end)]
        out.append(Street(name, "landsväg", tuple((round(x), round(y)) for x, y in pts)))
        out.append(
            Street(
                f"{a.name} bygata",
                "väg",
                ((round(a.dx - 450), round(a.dy + 60)), (round(a.dx + 450), round(a.dy - 60))),
            )
        )
    return out


def _local_streets(rng: np.random.Generator) -> list[Street]:
    """A few residential streets around the seed of every town area outside the centre:
    alternately east–west and north–south, 450–700 m long, 150–350 m from the seed."""
    names = list(_LOCAL_NAMES)
    order = rng.permutation(len(names))
    pool = iter(names[i] for i in order)
    out = []
    for a in geo.AREAS:
        if not a.town or a.code == "C01":
            continue
        for k in range(_LOCAL_PER_AREA):
            off = rng.uniform(150, 350) * (1 if k % 2 == 0 else -1)
            half = rng.uniform(225, 350)
            tilt = rng.uniform(-60, 60)
            if k % 2 == 0:  # east–west, north or south of the seed
                p0 = (a.dx - half, a.dy + off - tilt)
                p1 = (a.dx + half, a.dy + off + tilt)
            else:  # north–south, east or west of the seed
                p0 = (a.dx + off - tilt, a.dy - half)
                p1 = (a.dx + off + tilt, a.dy + half)
            out.append(
                Street(
                    next(pool),
                    "väg",
                    ((round(p0[0]), round(p0[1])), (round(p1[0]), round(p1[1]))),
                )
            )
    return out


def streets(seed: int = 2026) -> tuple[Street, ...]:
    """Every street of the demo network (offsets from the town square)."""
    rng = np.random.default_rng(seed)
    return (*CENTRE, *RADIAL, *_local_streets(rng), *_country_roads(rng))


def _wkt(points: tuple[tuple[float, float], ...]) -> str:
    coords = ", ".join(f"{x:.1f} {y:.1f}" for x, y in (geo.xy(dx, dy) for dx, dy in points))
    return f"MULTILINESTRING(({coords}))"


def network(seed: int = 2026) -> pl.DataFrame:
    """The network as name, kind and WKT MultiLineString in SWEREF 99 TM (one row per street)."""
    s = streets(seed)
    return pl.DataFrame(
        {
            "name": [x.name for x in s],
            "kind": [x.kind for x in s],
            "wkt": [_wkt(x.points) for x in s],
        }
    )


def distance_to_nearest(x: float, y: float, seed: int = 2026) -> tuple[str, float]:
    """The nearest demo street to a SWEREF 99 TM point and its distance in metres (exact, to
    the polyline's segments; the database answers the same with ``ST_Distance``)."""
    best = ("", float("inf"))
    for s in streets(seed):
        p = np.array([geo.xy(dx, dy) for dx, dy in s.points])
        a, b = p[:-1], p[1:]
        ab = b - a
        t = np.clip(((x - a[:, 0]) * ab[:, 0] + (y - a[:, 1]) * ab[:, 1]) / (ab**2).sum(1), 0, 1)
        d = float(np.hypot(a[:, 0] + t * ab[:, 0] - x, a[:, 1] + t * ab[:, 1] - y).min())
        if d < best[1]:
            best = (s.name, d)
    return best


def load_network(*, conn: Connection | None = None, seed: int = 2026) -> int:
    """(Re)write the demo network (streets of source ``demo``); returns the number of streets."""
    from ostan_dash.store import streets as street_store

    return street_store.write(network(seed), source=SOURCE, conn=conn)


def reload_network(*, conn: Connection | None = None) -> int | None:
    """Write the demo network into a database that holds the demo (one loaded before streets
    existed, migration 022). ``None`` when the demo is not loaded: a real municipality imports
    its streets from an OpenStreetMap or Lantmäteriet extract instead."""
    from ostan_dash.store import population, transaction

    with transaction(conn) as c:
        if population.demo_import(conn=c) is None:
            return None
        return load_network(conn=c)
