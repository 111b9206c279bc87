"""Streets on the map: thin grey lines over the area ground and under the cells, one name per
street turned along it, escaped tooltips, the hot cell's location in its tooltip."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from pyproj import Transformer

from ostan_dash.analysis.areas_compare import hotspot_grid, study_area
from ostan_dash.ui import maps
from tests.unit.karta_fixtures import X0, Y0, two_areas

_TO_WGS = Transformer.from_crs(3006, 4326, always_xy=True)


def _line(points, *, multi: bool = False) -> str:
    lon, lat = _TO_WGS.transform(*np.array(points, float).T)
    coords = [[round(a, 6), round(b, 6)] for a, b in zip(lon, lat, strict=True)]
    if multi:
        return json.dumps({"type": "MultiLineString", "coordinates": [coords, coords[::-1]]})
    return json.dumps({"type": "LineString", "coordinates": coords})


@pytest.fixture
def streets() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name": ["Storgatan", "<b>Skolgatan</b>", "Stadsparksstråket"],
            "kind": ["gata", "gata", "gång- och cykelväg"],
            "geojson": [
                _line([(X0, Y0 + 1000), (X0 + 4000, Y0 + 1000)]),
                _line([(X0 + 1000, Y0), (X0 + 1000, Y0 + 2000)]),
                _line([(X0 + 200, Y0 + 200), (X0 + 600, Y0 + 600)], multi=True),
            ],
        }
    )


def layer(deck, layer_id):
    return next(lyr for lyr in deck.layers if lyr.id == layer_id)


def test_streets_are_drawn_over_the_ground_and_under_the_cells(streets):
    areas = two_areas()
    grid = hotspot_grid(
        pl.DataFrame({"x": [X0 + 500.0] * 30, "y": [Y0 + 500.0] * 30}),
        study_area(areas, cell_size=250),
    )
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=250, streets=streets)
    ids = [lyr.id for lyr in deck.layers]
    assert ids[:4] == ["omraden", "gator", "gatunamn", "hotspots"]
    paths = layer(deck, "gator").data
    assert len(paths) == 4  # the MultiLineString's two lines are two paths
    assert {p["width"] for p in paths} == {2.0, 1.0}
    # Names are escaped in the tooltip; the text layer draws plain text (no HTML).
    assert any("&lt;b&gt;Skolgatan&lt;/b&gt;" in p["tooltip"] for p in paths)
    assert not any("<b>Skolgatan" in p["tooltip"] for p in paths)
    # The features are counted against the budget.
    assert maps.feature_count(deck) <= maps.MAX_FEATURES


def test_one_name_per_street_at_its_middle_turned_along_it(streets):
    names = {d["text"]: d for d in maps.street_names_layer(streets).data}
    assert set(names) == {"Storgatan", "<b>Skolgatan</b>", "Stadsparksstråket"}
    mid_lon, mid_lat = _TO_WGS.transform(X0 + 2000, Y0 + 1000)
    assert names["Storgatan"]["position"] == pytest.approx([mid_lon, mid_lat], abs=1e-4)
    # East–west and north–south in SWEREF 99 TM, give or take its grid convergence (~2°).
    assert names["Storgatan"]["angle"] == pytest.approx(0, abs=3)
    assert abs(names["<b>Skolgatan</b>"]["angle"]) == pytest.approx(90, abs=3)
    # Never upside down.
    assert all(-90 <= d["angle"] <= 90 for d in names.values())


def test_no_streets_no_street_layers():
    areas = two_areas()
    grid = hotspot_grid(pl.DataFrame({"x": [], "y": []}), study_area(areas, cell_size=500))
    empty = pl.DataFrame(schema={"name": pl.Utf8, "kind": pl.Utf8, "geojson": pl.Utf8})
    for streets in (None, empty):
        deck, _ = maps.hotspot_deck(areas, grid, cell_size=500, streets=streets)
        assert "gator" not in [lyr.id for lyr in deck.layers]


def test_a_hot_cell_tooltip_says_where_it_is():
    grid = pl.DataFrame(
        {
            "x0": [X0],
            "y0": [Y0],
            "count": [12],
            "z": [4.2],
            "class": ["hot"],
            "where": ["Storgatan vid <Stora torget>"],
        }
    )
    tip = maps.hotspot_layer(grid, cell_size=250).data[0]["tooltip"]
    assert "Storgatan vid &lt;Stora torget&gt;" in tip


def test_the_legend_names_the_streets_only_when_drawn():
    assert "Gata eller väg" in maps.legend_html(cell_size=250, streets=True)
    assert "Gata eller väg" not in maps.legend_html(cell_size=250)


def test_fixed_layers_are_written_once_per_content(streets):
    """A rerun with the same areas and streets reuses their written rows (no per-feature Python
    objects, no JSON encoding again); another choice of area or another street set is new."""
    areas = two_areas()
    a1, a2 = maps.area_layer(areas, highlight=("W01",)), maps.area_layer(areas, highlight=("W01",))
    assert a1.data is a2.data
    assert maps.area_layer(areas, highlight=("E01",)).data is not a1.data
    assert maps.streets_layer(streets).data is maps.streets_layer(streets).data
    assert maps.street_names_layer(streets).data is maps.street_names_layer(streets).data
    fewer = streets.head(2)
    assert len(maps.streets_layer(fewer).data) < len(maps.streets_layer(streets).data)
    assert {d["text"] for d in maps.street_names_layer(fewer).data} == {
        "Storgatan",
        "<b>Skolgatan</b>",
    }


def test_the_view_frames_the_chosen_areas(streets):
    """The view's centre and zoom come from the chosen areas' outlines (bounds kept per
    outline): one area gives a closer view than both."""
    areas = two_areas()
    both, one = maps.view_for(areas), maps.view_for(areas, codes=(areas["code"][0],))
    assert one.zoom > both.zoom
    lon, lat = _TO_WGS.transform(X0 + 2000, Y0 + 1000)
    assert both.longitude == pytest.approx(lon, abs=0.02)
    assert both.latitude == pytest.approx(lat, abs=0.02)
