"""The map builders: area layer always there, cells coloured by class, feature cap, escaping."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from pyproj import Transformer

from ostan_dash.analysis.areas_compare import hotspot_grid, study_area
from ostan_dash.ui import maps
from ostan_dash.ui.maps import EMPTY_MAP_STYLE
from tests.unit.karta_fixtures import X0, Y0, two_areas


def layer(deck, layer_id):
    return next(lyr for lyr in deck.layers if lyr.id == layer_id)


@pytest.fixture
def areas():
    return two_areas()


@pytest.fixture
def grid(areas):
    rng = np.random.default_rng(7)
    # A tight cluster in the west area plus scattered background.
    x = np.concatenate([rng.normal(X0 + 500, 60, 200), rng.uniform(X0, X0 + 4000, 100)])
    y = np.concatenate([rng.normal(Y0 + 500, 60, 200), rng.uniform(Y0, Y0 + 2000, 100)])
    study = study_area(areas, cell_size=250)
    return hotspot_grid(pl.DataFrame({"x": x, "y": y}), study)


def test_deck_has_area_boundaries_and_no_base_map(areas, grid):
    deck, omitted = maps.hotspot_deck(areas, grid, cell_size=250)
    spec = json.loads(deck.to_json())
    assert omitted == 0
    assert spec.get("mapStyle") == EMPTY_MAP_STYLE  # a background only: no tiles, no CDN
    assert "mapProvider" not in spec or spec["mapProvider"] in (None, "")
    outlines = layer(deck, "omraden").data["features"]
    assert len(outlines) == 2
    assert [lyr.id for lyr in deck.layers][:2] == ["omraden", "hotspots"]


def test_area_layer_is_drawn_even_with_no_incidents(areas):
    empty = hotspot_grid(pl.DataFrame({"x": [], "y": []}), study_area(areas, cell_size=500))
    deck, _ = maps.hotspot_deck(areas, empty, cell_size=500)
    assert len(layer(deck, "omraden").data["features"]) == 2
    assert layer(deck, "hotspots").data == []


def test_cells_are_coloured_by_their_class(areas, grid):
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=250)
    cells = layer(deck, "hotspots").data
    colours = {tuple(c["color"][:3]) for c in cells}
    assert maps.HOT in colours
    hot = [c for c in cells if tuple(c["color"][:3]) == maps.HOT]
    assert len(hot) == grid.filter(pl.col("class") == "hot").height
    assert all("Het ruta" in c["tooltip"] for c in hot)
    # Grey cells are drawn only where something happened.
    assert len(cells) == grid.filter((pl.col("count") > 0) | (pl.col("class") != "ns")).height


def test_cell_polygons_are_the_sweref_squares_in_wgs84():
    ring = np.array(maps.cell_polygons(np.array([X0 + 250]), np.array([Y0 + 500]), 250)[0])
    back = Transformer.from_crs(4326, 3006, always_xy=True)
    x, y = back.transform(ring[:, 0], ring[:, 1])
    np.testing.assert_allclose(x, [X0 + 250, X0 + 500, X0 + 500, X0 + 250], atol=0.2)
    np.testing.assert_allclose(y, [Y0 + 500, Y0 + 500, Y0 + 750, Y0 + 750], atol=0.2)


def test_never_more_than_the_feature_budget(areas):
    n = 120_000
    big = pl.DataFrame(
        {
            "col": np.arange(n, dtype=np.int32),
            "row": np.zeros(n, dtype=np.int32),
            "x0": X0 + np.arange(n) * 10.0,
            "y0": np.full(n, Y0),
            "count": np.arange(n) % 5 + 1,
            "z": np.zeros(n),
            "class": ["hot" if i % 1000 == 0 else "ns" for i in range(n)],
        }
    )
    deck, omitted = maps.hotspot_deck(areas, big, cell_size=10, places=None, max_features=50_000)
    assert maps.feature_count(deck) <= 50_000
    assert omitted == n - (50_000 - areas.height)
    kept = layer(deck, "hotspots").data
    # Every significant cell survives the cut.
    assert sum(tuple(c["color"][:3]) == maps.HOT for c in kept) == n // 1000


def test_points_only_when_few(areas, grid):
    import datetime as dt

    from ostan_dash.config import TZ

    def incidents(k):
        return pl.DataFrame(
            {
                "x": np.full(k, X0 + 100.0),
                "y": np.full(k, Y0 + 100.0),
                "source": ["est"] * k,
                "category": ["skadegorelse"] * k,
                "occurred_from": [dt.datetime(2026, 3, 1, 22, 0, tzinfo=TZ)] * k,
            }
        )

    few, _ = maps.hotspot_deck(areas, grid, cell_size=250, points=incidents(10))
    many, _ = maps.hotspot_deck(areas, grid, cell_size=250, points=incidents(maps.MAX_POINTS + 1))
    assert len(layer(few, "handelser").data) == 10
    assert "handelser" not in [lyr.id for lyr in many.layers]


def test_tooltips_are_escaped(grid):
    evil = "<script>alert('x')</script>"
    areas = two_areas(west_name=evil)
    places = pl.DataFrame(
        {
            "name": ['<img src=x onerror="alert(1)">'],
            "kind": ["skola"],
            "lon": [17.6],
            "lat": [59.8],
        }
    )
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=250, places=places)
    payload = deck.to_json()
    assert "<script>" not in payload and "<img" not in payload
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in payload
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in payload
    # The raw name reaches the browser nowhere, escaped or not as data.
    assert evil not in json.dumps(json.loads(payload), ensure_ascii=False)


def test_payload_bytes_is_the_json_size(areas, grid):
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=250)
    assert maps.deck_payload_bytes(deck) == len(deck.to_json().encode("utf-8"))
    small, _ = maps.hotspot_deck(areas, grid.head(0), cell_size=250)
    assert maps.deck_payload_bytes(small) < maps.deck_payload_bytes(deck)


def test_legend_names_every_colour_and_the_method():
    text = maps.legend_html(cell_size=250, density=True, bandwidth=300)
    for label in ("Het ruta", "Kall ruta", "Ej signifikant", "Kritiskt objekt", "Täthet", "Ny het"):
        assert label in text
    assert "rgb(178, 24, 43)" in text and "rgb(33, 102, 172)" in text
    assert "250 × 250 m" in text
    assert "Getis-Ord Gi*" in text and "Benjamini–Yekutieli" in text
    assert "fast sökradie 300 m" in text
    pop = maps.legend_html(cell_size=100, expectation="befolkning", region="befolkade")
    assert "väntat utifrån befolkningen" in pop and "binomialtest" in pop
    assert "Benjamini–Yekutieli" in pop and "Getis-Ord" not in pop
    assert "befolkade rutor" in pop


def test_statuses_are_outlined_and_the_region_drawn(areas):
    study = study_area(areas, cell_size=500)
    grid = hotspot_grid(pl.DataFrame({"x": [X0 + 100.0] * 3, "y": [Y0 + 100.0] * 3}), study)
    grid = grid.with_columns(
        status=pl.when(pl.col("count") > 0).then(pl.lit("ny")).otherwise(pl.lit("")),
        count_before=pl.lit(0, dtype=pl.Int64),
    )
    segments = np.array([[X0, Y0, X0 + 500.0, Y0], [X0, Y0, X0, Y0 + 500.0]])
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=500, region=segments)
    cells = layer(deck, "hotspots").data
    new = [c for c in cells if "Ny het ruta" in c["tooltip"]]
    assert len(new) == 1 and new[0]["width"] == 4.0 and new[0]["line"][:3] == [0, 0, 0]
    assert "Väntat: 0,1" in new[0]["tooltip"]  # 3 incidents over 32 cells
    lines = layer(deck, "region").data
    assert len(lines) == 2
    back = Transformer.from_crs(4326, 3006, always_xy=True)
    x, y = back.transform(*lines[0]["t"])
    assert (x, y) == pytest.approx((X0 + 500.0, Y0), abs=0.2)


def test_only_accessors_are_expressions(areas, grid):
    # pydeck turns plain strings into deck.gl expressions ("@@=pixels"), which breaks a layer
    # silently in the browser; only get_* accessors may be expressions.
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=250)
    for spec in json.loads(deck.to_json())["layers"]:
        for key, value in spec.items():
            if isinstance(value, str) and value.startswith("@@="):
                assert key.startswith("get"), (spec["id"], key, value)
