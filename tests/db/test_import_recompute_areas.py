"""New area boundaries move the points they concern (issue 10, sql/035): an area import puts every
incident, police crime and place in the changed polygons in the area area_of() now gives, in the
same transaction, and says how many moved."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline

pytestmark = pytest.mark.db

TABLES = ("incidents", "police_crimes", "places")


def _district(x: float, y: float, half: float = 400) -> bytes:
    """A GeoJSON (SWEREF 99 TM) with one square district around (x, y)."""
    ring = [[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]]
    feature = {
        "type": "Feature",
        "properties": {"Kod": "N01", "Namn": "Nytorp", "Typ": "Blandat", "Befolkning": 10},
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}
    return json.dumps({"type": "FeatureCollection", "crs": crs, "features": [feature]}).encode()


def _areas(db) -> dict[str, dict[int, int | None]]:
    return {
        t: dict(db.execute(sa.text(f"SELECT id, area_id FROM {t}")).all())  # noqa: S608
        for t in TABLES
    }


def _inside(db, x: float, y: float, half: float = 400) -> dict[str, set[int]]:
    box = "ST_MakeEnvelope(:x - :h, :y - :h, :x + :h, :y + :h, 3006)"
    return {
        t: set(
            db.execute(
                sa.text(f"SELECT id FROM {t} WHERE ST_Intersects(geom, {box})"),  # noqa: S608
                {"x": x, "y": y, "h": half},
            ).scalars()
        )
        for t in TABLES
    }


def test_a_new_district_takes_the_points_inside_it_and_leaves_the_rest(db):
    x, y = db.execute(
        sa.text("SELECT ST_X(geom), ST_Y(geom) FROM incidents ORDER BY id LIMIT 1")
    ).one()
    before = _areas(db)
    inside = _inside(db, x, y)
    assert inside["incidents"], "the demo has incidents around its first one"
    preview = pipeline.run_import(
        "omraden", _district(x, y), "n.geojson", conn=db, username="t", dry_run=True
    )
    assert _areas(db) == before  # a preview moves nothing
    out = pipeline.run_import("omraden", _district(x, y), "n.geojson", conn=db, username="t")
    assert out.written, out.problems
    new_id = db.execute(sa.text("SELECT id FROM areas WHERE code = 'N01'")).scalar_one()
    after = _areas(db)
    for t in TABLES:
        assert {i for i, a in after[t].items() if a == new_id} == inside[t], t
        assert {i: a for i, a in after[t].items() if i not in inside[t]} == {
            i: a for i, a in before[t].items() if i not in inside[t]
        }, t
    n = {t: f"{len(inside[t]):,}".replace(",", "\u00a0") for t in TABLES}
    text = (
        f"De nya områdesgränserna flyttar {n['incidents']} händelser, {n['police_crimes']} "
        f"polisanmälda brott och {n['places']} platser till ett annat område."
    )
    assert text in out.notes and text in preview.notes
    # The same boundaries again change nothing and say nothing about moving.
    again = pipeline.run_import("omraden", _district(x, y), "n.geojson", conn=db, username="t")
    assert again.written and not [s for s in again.notes if "flyttar" in s]
