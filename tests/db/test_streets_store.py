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
