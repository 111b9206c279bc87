"""The real OpenStreetMap police stations (osm_goteborg_police.geojson, unedited) are places:
OSM's ``name`` and ``category``/``amenity`` columns and values are understood (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ostan_dash.ingest import read, validate

REAL = Path("/work/shared/reference/real/osm_goteborg_police.geojson")


@pytest.mark.skipif(not REAL.exists(), reason="real reference file not present")
def test_osm_police_stations_validate_as_critical_police_places():
    doc = json.loads(REAL.read_text(encoding="utf-8"))
    raw = read.read_file(REAL.read_bytes(), REAL.name)
    v = validate.validate("platser", raw.frame)
    assert v.ok, v.problems
    assert v.rows["name"].to_list() == [f["properties"]["name"] for f in doc["features"]]
    assert set(v.rows["kind"]) == {"polisstation"}
    assert v.rows["critical"].all()  # a police station is critical by default
    first = json.loads(v.rows["geom"][0])
    assert first["coordinates"] == doc["features"][0]["geometry"]["coordinates"]


@pytest.mark.parametrize(
    ("amenity", "kind"),
    [("school", "skola"), ("kindergarten", "forskola"), ("bus_stop", "busshallplats")],
)
def test_osm_amenity_values_are_place_kinds(amenity, kind):
    text = f"name;amenity;lat;lon\nPlatsen;{amenity};57.70;11.97\n"
    v = validate.validate("platser", read.read_file(text.encode(), "osm.csv").frame)
    assert v.ok, v.problems
    assert v.rows["kind"][0] == kind
