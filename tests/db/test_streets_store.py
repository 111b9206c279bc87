"""Streets in the database: the demo's network is loaded, the nearest street and place answer
for every built-in hot spot, the map gets the streets of the chosen areas, and who may write."""

from __future__ import annotations

import json

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from ostan_dash.demo import geography as geo
from ostan_dash.demo import streets as ds
from ostan_dash.demo.incidents import SPOTS
from ostan_dash.store import as_user, streets

pytestmark = pytest.mark.db


def _user(db, username: str) -> int:
    return db.execute(
        sa.text("SELECT id FROM users WHERE username = :u"), {"u": username}
    ).scalar_one()


def test_the_demo_network_is_loaded(db) -> None:
    net = ds.network()
    rows = db.execute(
        sa.text("SELECT name, kind, source, ST_SRID(geom), GeometryType(geom) FROM streets")
    ).all()
    assert sorted(r[0] for r in rows) == sorted(net["name"].to_list())
    assert {r[2] for r in rows} == {"demo"}
    assert {(r[3], r[4]) for r in rows} == {(3006, "MULTILINESTRING")}
    assert streets.count(conn=db) == net.height


def test_nearest_street_for_every_hot_spot_is_a_demo_street(db) -> None:
    pts = [geo.xy(s.dx, s.dy) for s in SPOTS]
    near = streets.nearest([x for x, _ in pts], [y for _, y in pts], conn=db)
    assert near["i"].to_list() == list(range(len(SPOTS)))
    names = set(ds.network()["name"])
    for spot, (x, y), row in zip(SPOTS, pts, near.iter_rows(named=True), strict=True):
        # The database's KNN answer is the independent exact one of the generator.
        expected, metres = ds.distance_to_nearest(x, y)
        assert row["street"] == expected and row["street"] in names, spot.key
        assert row["street_m"] == pytest.approx(metres, abs=0.01)
        assert row["street_m"] <= 100
        assert row["place"] in {p.name for p in geo.PLACES}
    centre = near.row(0, named=True)
    assert (centre["street"], centre["place"]) == ("Storgatan", "Stora torget")


def test_nearest_with_no_streets_or_no_points(db) -> None:
    assert streets.nearest([], [], conn=db).is_empty()
    db.execute(sa.text("DELETE FROM streets"))
    near = streets.nearest([geo.CENTER[0]], [geo.CENTER[1]], conn=db)
    assert near["street"].to_list() == [None] and near["place"].to_list() == ["Stora torget"]


def test_the_map_gets_the_streets_of_the_chosen_areas_simplified(db) -> None:
    every = streets.for_map(conn=db)
    centre = streets.for_map(("C01",), conn=db)
    assert every.height == ds.network().height
    assert "Storgatan" in set(centre["name"]) and "Ekbyvägen" not in set(centre["name"])
    assert centre.height < every.height / 2
    geom = json.loads(centre.filter(pl.col("name") == "Storgatan")["geojson"][0])
    lines = geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]
    lon, lat = lines[0][0]
    assert 16 < lon < 19 and 59 < lat < 61  # WGS 84, for the browser


def test_rewriting_replaces_only_its_own_source(db) -> None:
    other = pl.DataFrame(
        {
            "name": ["Testgatan"],
            "kind": ["gata"],
            "wkt": ["LINESTRING(602000 6632000, 602100 6632000)"],
        }
    )
    assert streets.write(other, source="OpenStreetMap", conn=db) == 1
    assert ds.load_network(conn=db) == ds.network().height
    assert streets.count(conn=db) == ds.network().height + 1


def test_everyone_reads_analysts_write_readers_do_not(db) -> None:
    with as_user(_user(db, "rapportor"), "rapportor", conn=db):
        assert streets.nearest([geo.CENTER[0]], [geo.CENTER[1]], conn=db)["street"][0]
    db.execute(sa.text("RESET role"))
    with as_user(_user(db, "analytiker"), "analytiker", conn=db):
        assert ds.load_network(conn=db) > 0
    db.execute(sa.text("RESET role"))
    with (
        pytest.raises(DBAPIError, match="permission denied"),
        db.begin_nested(),
        as_user(_user(db, "lasare"), "lasare", conn=db),
    ):
        ds.load_network(conn=db)


def test_search_finds_each_street_once_on_the_street_and_every_place(db) -> None:
    """The map's search targets: one row per street name, its point on the street itself (not
    beside a curve), the extent for the zoom; every place with its area."""
    found = streets.search_targets(conn=db)
    names = db.execute(sa.text("SELECT DISTINCT name FROM streets")).scalars().all()
    gata = found.filter(pl.col("kind") == "gata")
    assert sorted(gata["label"].to_list()) == sorted(names)
    n_places = db.execute(sa.text("SELECT count(*) FROM places")).scalar_one()
    assert found.filter(pl.col("kind") == "plats").height == n_places
    assert found["label"].to_list() == sorted(found["label"].to_list())
    for label, lon, lat, extent in gata.select("label", "lon", "lat", "extent_m").iter_rows():
        off = db.execute(
            sa.text(
                "SELECT min(ST_Distance(geom, ST_Transform(ST_SetSRID(ST_MakePoint(:lon, :lat),"
                " 4326), 3006))) FROM streets WHERE name = :n"
            ),
            {"lon": lon, "lat": lat, "n": label},
        ).scalar_one()
        assert off < 1.0, (label, off)  # on the line (WGS 84 rounding only)
        assert extent > 0


def test_painted_squares_become_one_valid_area(db) -> None:
    """The union of painted squares (store.interventions.cells_union_wkt): neighbours merge,
    a ring keeps its hole, apart gives a MultiPolygon, nothing gives None."""
    from ostan_dash.store import interventions as si

    def shape(wkt: str) -> tuple:
        return db.execute(
            sa.text(
                "SELECT GeometryType(g), ST_Area(g), ST_IsValid(g), ST_NumInteriorRings("
                "ST_GeometryN(g, 1)) FROM ST_GeomFromText(:w, 3006) AS g"
            ),
            {"w": wkt},
        ).one()

    x, y = 600_000.0, 6_630_000.0
    assert shape(si.cells_union_wkt([x, x + 100], [y, y], 100, conn=db)) == (
        "POLYGON",
        20_000.0,
        True,
        0,
    )
    ring = [
        (x + dx, y + dy) for dx in (0, 100, 200) for dy in (0, 100, 200) if (dx, dy) != (100, 100)
    ]
    kind, area, valid, holes = shape(
        si.cells_union_wkt([p[0] for p in ring], [p[1] for p in ring], 100, conn=db)
    )
    assert (kind, area, valid, holes) == ("POLYGON", 80_000.0, True, 1)
    apart = si.cells_union_wkt([x, x + 500], [y, y], 100, conn=db)
    assert shape(apart)[:3] == ("MULTIPOLYGON", 20_000.0, True)
    assert si.cells_union_wkt([], [], 100, conn=db) is None
