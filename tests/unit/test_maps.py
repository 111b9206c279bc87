"""The map builders: area layer always there, cells coloured by class, feature cap, escaping."""

from __future__ import annotations

import json
import math

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
    outlines = list(layer(deck, "omraden").data)
    assert {f["type"] for f in outlines} == {"Feature"}
    assert len(outlines) == 2
    assert [lyr.id for lyr in deck.layers][:2] == ["omraden", "hotspots"]


def test_area_layer_is_drawn_even_with_no_incidents(areas):
    empty = hotspot_grid(pl.DataFrame({"x": [], "y": []}), study_area(areas, cell_size=500))
    deck, _ = maps.hotspot_deck(areas, empty, cell_size=500)
    assert len(layer(deck, "omraden").data) == 2
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
    paths = layer(deck, "region").data
    assert len(paths) == 1  # the two segments meet at (X0, Y0): one path of three corners
    back = Transformer.from_crs(4326, 3006, always_xy=True)
    corners = {tuple(round(v) for v in back.transform(*p)) for p in paths[0]["path"]}
    assert corners == {(X0 + 500.0, Y0), (X0, Y0), (X0, Y0 + 500.0)}


def test_only_accessors_are_expressions(areas, grid):
    # pydeck turns plain strings into deck.gl expressions ("@@=pixels"), which breaks a layer
    # silently in the browser; only get_* accessors may be expressions.
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=250)
    for spec in json.loads(deck.to_json())["layers"]:
        for key, value in spec.items():
            if isinstance(value, str) and value.startswith("@@="):
                assert key.startswith("get"), (spec["id"], key, value)


def test_zoom_fills_the_map_width_with_the_span():
    """deck.gl's zoom z: the equator (40 075 016.686 m) spans 512 · 2^z pixels, so 700 px
    should show the span."""
    lat = 59.86
    z = maps.zoom_for_span(1_800.0, lat)
    metres_per_px = 40_075_016.686 * math.cos(math.radians(lat)) / (512 * 2**z)
    assert 700 * metres_per_px == pytest.approx(1_800.0, rel=0.01)
    assert maps.zoom_for_span(1.0, lat) == 17 and maps.zoom_for_span(1e7, lat) == 8


def test_a_searched_street_is_centred_and_ringed(areas, grid):
    street = {"label": "Storgatan", "lon": 16.8186, "lat": 59.8139, "extent_m": 1_800.0}
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=250, focus=street)
    view = deck.initial_view_state
    assert (view.longitude, view.latitude) == (16.8186, 59.8139)
    assert view.zoom == maps.zoom_for_span(1_800.0 * 1.2, 59.8139)
    ring = next(layer for layer in deck.layers if layer.id == "sokt-plats")
    assert ring.data[0]["position"] == [16.8186, 59.8139]
    assert deck.layers[-1] is ring  # on top of everything
    place = maps.view_at(16.8, 59.8)  # a place: about 400 m around it
    assert place.zoom == maps.zoom_for_span(400.0, 59.8) > view.zoom
    plain, _ = maps.hotspot_deck(areas, grid, cell_size=250)
    assert all(layer.id != "sokt-plats" for layer in plain.layers)


def _decoded(style_url: str) -> dict:
    import base64

    assert style_url.startswith("data:application/json;base64,")
    return json.loads(base64.b64decode(style_url.split(",", 1)[1]))


def test_no_base_map_unless_the_operator_configures_one(monkeypatch):
    monkeypatch.delenv("OSTAN_MAP_TILES", raising=False)
    assert maps.base_style() == EMPTY_MAP_STYLE
    assert _decoded(EMPTY_MAP_STYLE)["sources"] == {}


@pytest.mark.parametrize(
    "url",
    [
        "https://karta.ostan.se/tiles/{z}/{x}/{y}.png",
        "https://wms.example.se/wms?SERVICE=WMS&REQUEST=GetMap&LAYERS=topo&SRS=EPSG:3857"
        "&BBOX={bbox-epsg-3857}&WIDTH=256&HEIGHT=256&FORMAT=image/png",
    ],
    ids=["tiles", "wms"],
)
def test_configured_tiles_or_wms_lie_under_the_layers(monkeypatch, areas, grid, url):
    monkeypatch.setenv("OSTAN_MAP_TILES", url)
    monkeypatch.setenv("OSTAN_MAP_ATTRIBUTION", "© Lantmäteriet")
    style = _decoded(maps.base_style())
    assert style["sources"]["bas"] == {
        "type": "raster",
        "tiles": [url],
        "tileSize": 256,
        "attribution": "© Lantmäteriet",
    }
    assert [layer["id"] for layer in style["layers"]] == ["bakgrund", "baskarta"]
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=250)
    assert deck.map_style == maps.base_style()


@pytest.mark.parametrize(
    "url",
    ["ftp://karta.ostan.se/{z}/{x}/{y}.png", "https://karta.ostan.se/tiles/{z}/{x}.png"],
    ids=["not-http", "no-y"],
)
def test_an_unusable_tile_address_gives_no_base_map_and_a_log_line(monkeypatch, caplog, url):
    monkeypatch.setenv("OSTAN_MAP_TILES", url)
    assert maps.base_style() == EMPTY_MAP_STYLE
    assert any("OSTAN_MAP_TILES används inte" in r.getMessage() for r in caplog.records)


def test_the_area_ground_lets_a_configured_base_map_show_through(monkeypatch, areas):
    monkeypatch.delenv("OSTAN_MAP_TILES", raising=False)
    assert list(maps.area_layer(areas).get_fill_color) == list(maps.GROUND)  # opaque land
    monkeypatch.setenv("OSTAN_MAP_TILES", "https://karta.ostan.se/{z}/{x}/{y}.png")
    assert list(maps.area_layer(areas).get_fill_color) == [*maps.GROUND, 60]


def test_region_outline_is_drawn_as_joined_paths_where_pyproj_puts_them():
    # A closed square of four segments and a lone segment apart from it.
    x, y, s = X0, Y0, 250.0
    square = [
        [x, y, x + s, y],
        [x + s, y, x + s, y + s],
        [x + s, y + s, x, y + s],
        [x, y + s, x, y],
    ]
    segments = np.array([*square, [x + 1000, y, x + 1000, y + s]])
    points, paths = maps.outline_paths(segments)
    assert sorted(len(p) for p in paths) == [2, 5]  # the square closes on its first corner
    ring = next(p for p in paths if len(p) == 5)
    assert ring[0] == ring[-1]
    to_wgs = Transformer.from_crs(3006, 4326, always_xy=True)
    data = maps.region_layer(segments).data
    drawn = sorted(data, key=lambda r: len(r["path"]))
    for row, path in zip(drawn, sorted(paths, key=len), strict=True):
        for (lon, lat), i in zip(row["path"], path, strict=True):
            assert [lon, lat] == pytest.approx(list(to_wgs.transform(*points[i])), abs=1e-6)


def test_the_same_cells_are_written_once_and_reach_the_browser_unchanged(areas, grid):
    deck, _ = maps.hotspot_deck(areas, grid, cell_size=250)
    again, _ = maps.hotspot_deck(areas, grid.clone(), cell_size=250)
    rows = layer(deck, "hotspots").data
    assert layer(again, "hotspots").data is rows  # same content: nothing built again
    spec = json.loads(again.to_json())
    sent = next(lyr for lyr in spec["layers"] if lyr["id"] == "hotspots")["data"]
    assert sent == list(rows) and len(sent) == len(rows) > 0
    # Another grid (one count changed) is other rows, and another cell size too.
    changed = grid.with_columns(pl.col("count") + (pl.int_range(pl.len()) == 0).cast(pl.Int64))
    assert layer(maps.hotspot_deck(areas, changed, cell_size=250)[0], "hotspots").data is not rows
    assert (
        maps.hotspot_layer(grid, cell_size=100).data
        is not maps.hotspot_layer(grid, cell_size=250).data
    )


def _tooltip_one_by_one(row: dict, cell_size: float) -> str:
    """The hot-spot tooltip written for one cell in plain Python (the former per-cell loop)."""
    import html

    from ostan_dash.ui import fmt

    tip = f"<b>{html.escape(maps.CLASS_LABELS.get(row['class'], row['class']))}</b>"
    if row.get("status") in maps.STATUS_LABELS:
        tip += f" · <b>{html.escape(maps.STATUS_LABELS[row['status']])}</b>"
    if row.get("where"):
        tip += f"<br/>{html.escape(row['where'])}"
    size = f"({fmt.number(cell_size)} × {fmt.number(cell_size)} m)"
    tip += f"<br/>{fmt.number(row['count'])} händelser i rutan {size}"
    exp = row.get("expected")
    if exp is not None and math.isfinite(exp):
        tip += f"<br/>Väntat: {fmt.number(exp, 1)}"
    if row.get("count_before") is not None:
        tip += f"<br/>Jämförelseperioden: {fmt.number(row['count_before'])}"
    z = row.get("z")
    tip += f"<br/>z = {fmt.number(z, 2) if z is not None and math.isfinite(z) else '–'}"
    return tip


def test_hotspot_tooltips_match_the_one_by_one_text(grid):
    """The tooltip expression writes, cell for cell, what the per-cell Python text did:
    statuses, escaped places, missing comparison counts, infinite and missing z included."""
    n = grid.height
    rng = np.random.default_rng(3)

    def pick(options: list) -> list:
        return [options[i] for i in rng.integers(0, len(options), n)]

    varied = grid.with_columns(
        status=pl.Series(pick(["ny", "växande", "minskande", "", None]), dtype=pl.Utf8),
        where=pl.Series(
            pick(["Storgatan 3 & <Torget>", "Parkvägen 'norr'", "", None]), dtype=pl.Utf8
        ),
        count_before=pl.Series(pick([None, 0, 3, 1234]), dtype=pl.Int64),
        z=pl.Series(pick([float("inf"), float("nan"), -1.955, 2.675, 0.0, None]), dtype=pl.Float64),
    )
    for cell_size in (250, 1000):
        got = maps.hotspot_tooltip(varied, cell_size)
        want = [_tooltip_one_by_one(r, cell_size) for r in varied.iter_rows(named=True)]
        assert got.to_list() == want
    bare = grid.select("class", "count")  # no expectation, status, place or z columns
    got = maps.hotspot_tooltip(bare, 250).to_list()
    assert got == [_tooltip_one_by_one(r, 250) for r in bare.iter_rows(named=True)]


def test_point_rows_match_a_row_by_row_build():
    """The points' rows, built as columns, equal the row-by-row build they replaced: position
    rounded to 6 decimals, tooltip ``label<br/>local time`` with the label escaped, a missing
    label falling back to the category key and a null category written as ``None``."""
    import datetime as dt
    import html

    from ostan_dash.config import TZ

    rng = np.random.default_rng(3)
    n = 40
    frame = pl.DataFrame(
        {
            "x": rng.uniform(X0, X0 + 4000, n),
            "y": rng.uniform(Y0, Y0 + 2000, n),
            "source": ["est", "polis"] * (n // 2),
            "category": (["skadegorelse", "<b>&x</b>", None, "stold"] * n)[:n],
            "occurred_from": [
                dt.datetime(2026, 3, 1, 22, 5, tzinfo=TZ) + dt.timedelta(hours=7 * i)
                for i in range(n)
            ],
        }
    )
    labels = {"est:skadegorelse": "Skadegörelse & klotter", "polis:stold": "Stöld"}
    got = list(maps.points_layer(frame, labels=labels).data)

    lon, lat = maps.to_lonlat(frame["x"].to_numpy(), frame["y"].to_numpy())
    expected = [
        {
            "position": [round(float(a), 6), round(float(b), 6)],
            "tooltip": f"{html.escape(labels.get(f'{s}:{c}', str(c)))}<br/>"
            f"{html.escape(t.astimezone(TZ).strftime('%Y-%m-%d %H:%M'))}",
        }
        for a, b, c, s, t in zip(
            lon, lat, frame["category"], frame["source"], frame["occurred_from"], strict=True
        )
    ]
    assert [g["tooltip"] for g in got] == [e["tooltip"] for e in expected]
    np.testing.assert_allclose(
        [g["position"] for g in got], [e["position"] for e in expected], atol=1e-9
    )
    assert (
        maps.points_layer(frame, labels=labels).data is maps.points_layer(frame, labels=labels).data
    )


def test_cell_rings_transform_grid_nodes_once_and_equal_the_direct_transform():
    rng = np.random.default_rng(7)
    for cell, shift in ((250.0, 0.0), (250.0, 40_000.0), (100.0, 0.0), (250.0, 3.3)):
        x0 = rng.integers(2400, 2500, 300) * 250.0 + shift  # a second block further east
        y0 = rng.integers(26000, 26100, 300) * 250.0
        xs = np.stack([x0, x0 + cell, x0 + cell, x0], axis=1).ravel()
        ys = np.stack([y0, y0, y0 + cell, y0 + cell], axis=1).ravel()
        lon, lat = maps.to_lonlat(xs, ys)
        direct = np.stack([np.round(lon, 6), np.round(lat, 6)], axis=1).reshape(-1, 4, 2)
        assert np.array_equal(maps.cell_rings(x0, y0, cell), direct)
