"""Streets imported as a kind (issue 12): an OpenStreetMap-shaped GeoJSON extract (name,
highway, WGS 84 lines) goes into ``streets`` with OSM's kinds mapped to ours, a new extract from
the same source replaces the old one and leaves the demo's network alone, a polygon or a nameless
way is refused by row, and the map's search then finds the imported street."""

from __future__ import annotations

import json

import polars as pl
import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline
from ostan_dash.store import streets

pytestmark = pytest.mark.db

# Two short ways in Östan's centre (WGS 84), as an OSM export writes them.
_LINE = [[16.8160, 59.8140], [16.8175, 59.8142]]
_OTHER = [[16.8160, 59.8150], [16.8160, 59.8160]]


def _extract(*features: tuple[dict, dict]) -> bytes:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": geom} for props, geom in features
        ],
    }
    return json.dumps(doc).encode()


def _line(coords) -> dict:
    return {"type": "LineString", "coordinates": coords}


def _import(db, data: bytes):
    return pipeline.run_import(
        "gator",
        data,
        "osm-utdrag.geojson",
        conn=db,
        isolate=False,
        username="test",
        organisation_id=1,
    )


def _imported(db) -> pl.DataFrame:
    rows = db.execute(
        sa.text("SELECT name, kind, source FROM streets WHERE source <> 'demo' ORDER BY name")
    ).all()
    return pl.DataFrame(rows, schema=["name", "kind", "source"], orient="row")


def test_an_osm_extract_becomes_streets_and_replaces_its_own_source(db):
    demo_before = db.execute(sa.text("SELECT count(*) FROM streets WHERE source = 'demo'")).scalar()
    out = _import(
        db,
        _extract(
            ({"name": "Testgatan", "highway": "residential"}, _line(_LINE)),
            ({"name": "Teststigen", "highway": "footway"}, _line(_OTHER)),
            ({"name": "Bygget", "highway": "construction"}, _line(_OTHER)),
        ),
    )
    assert out.problems.is_empty(), out.problems.to_dicts()
    assert out.written and out.rows_valid == 3
    assert _imported(db).rows() == [
        ("Bygget", "övrigt", "import"),
        ("Testgatan", "gata", "import"),
        ("Teststigen", "gång- och cykelväg", "import"),
    ]
    # In SWEREF 99 TM, as lines, about 85 m long (0.0015° of longitude at 59.8° N).
    length = db.execute(
        sa.text("SELECT ST_Length(geom) FROM streets WHERE name = 'Testgatan'")
    ).scalar()
    assert 80 < length < 95
    # The map's search finds it.
    assert "Testgatan" in streets.search_targets(conn=db)["label"].to_list()

    again = _import(db, _extract(({"name": "Nygatan", "highway": "primary"}, _line(_LINE))))
    assert again.written, again.problems.to_dicts()
    assert _imported(db).rows() == [("Nygatan", "väg", "import")]
    assert any("ersätts" in n and "3" in n for n in again.notes), again.notes
    demo_after = db.execute(sa.text("SELECT count(*) FROM streets WHERE source = 'demo'")).scalar()
    assert demo_after == demo_before > 0


def test_a_polygon_or_a_nameless_way_is_refused_by_row_and_nothing_is_written(db):
    square = {
        "type": "Polygon",
        "coordinates": [[[16.81, 59.81], [16.82, 59.81], [16.82, 59.82], [16.81, 59.81]]],
    }
    out = _import(
        db,
        _extract(
            ({"name": "Torget", "highway": "pedestrian"}, square),
            ({"highway": "residential"}, _line(_LINE)),
            ({"name": "Rätt gata", "highway": "residential"}, _line(_OTHER)),
        ),
    )
    assert not out.written
    reasons = {(r["rad"], r["orsak"]) for r in out.problems.to_dicts()}
    assert any(rad == 1 and "linje" in why for rad, why in reasons), reasons
    assert any(rad == 2 for rad, _ in reasons), reasons
    assert _imported(db).is_empty()
