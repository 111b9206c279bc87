"""pydeck maps built by plain functions (testable without a browser).

No base map tiles (the product runs without internet): area boundaries are always drawn so the
map reads on its own. Grid cells are squares in SWEREF 99 TM, sent to the browser as polygons in
WGS 84 (corners transformed with pyproj, vectorised). Tooltips are rendered by the browser as
HTML, so every text placed in them is escaped here (``html.escape``) and nothing else is
interpolated. At most :data:`MAX_FEATURES` features go to the browser.

Colours are colour-blind safe: hot and cold spots use the two ends of ColorBrewer's diverging
RdBu scheme (Brewer 2003), kernel density the viridis ramp, places black on white.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import threading
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Sequence
from functools import cache, lru_cache

import numpy as np
import polars as pl
import pydeck as pdk
import pydeck.bindings.deck as _pdk_deck
from pydeck.bindings.json_tools import default_serialize
from pyproj import Transformer

from ostan_dash import config, vocab

# pydeck asks five times per Deck whether its Jupyter widget imports: a failing import each
# time (1.3 ms here, ~6 ms per map). The answer cannot change while the process runs.
_pdk_deck.has_jupyter_extra = cache(_pdk_deck.has_jupyter_extra)

MAX_FEATURES = 50_000
"""Never send more features than this to the browser (cells, points, places and areas)."""
MAX_POINTS = 2_000
"""Incidents are drawn as points only when there are at most this many."""

HOT = (178, 24, 43)  # RdBu, darkest red
COLD = (33, 102, 172)  # RdBu, darkest blue
NOT_SIGNIFICANT = (150, 150, 150)
AREA_LINE = (40, 40, 40)
GROUND = (244, 243, 238)
POINT = (20, 20, 20)
VIRIDIS = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]

STREET = (150, 150, 150)  # streets: thin grey lines under the data, names in dark grey
STREET_NAME = (80, 80, 80)
STREET_WIDTH = {"landsväg": 2.5, "gata": 2.0, "väg": 1.5, "gång- och cykelväg": 1.0}

REGION_LINE = (120, 60, 150)  # the study region's outline: purple, apart from the area lines

CLASS_LABELS = {
    "hot": "Het ruta",
    "cold": "Kall ruta",
    "ns": "Ej signifikant",
}
STATUS_LABELS = {
    "ny": "Ny het ruta",
    "växande": "Växande",
    "minskande": "Minskande",
}
"""Change statuses (analysis.areas_compare.cell_changes) drawn as an outline on the cell."""
STATUS_OUTLINE = {
    "ny": ((0, 0, 0), 4.0),
    "växande": ((0, 0, 0), 2.5),
    "minskande": ((255, 255, 255), 2.5),
}


# An empty base map: a MapLibre style with only a plain background, as a data URL. Streamlit's
# pydeck element draws CARTO's positron style from a CDN whenever the Deck has no map style
# (DeckGlJsonChart in Streamlit 1.67: `!mapStyle && isMapView → cartocdn`), and an object
# style breaks its `mapStyle.includes("cartocdn")` check; a string the browser can read
# without the network does neither. Streets come from our own layers, not from tiles.
EMPTY_MAP_STYLE = (
    "data:application/json;base64,"
    + base64.b64encode(
        json.dumps(
            {
                "version": 8,
                "sources": {},
                "layers": [
                    {
                        "id": "bakgrund",
                        "type": "background",
                        "paint": {"background-color": "#f6f6f2"},
                    }
                ],
            },
            separators=(",", ":"),
        ).encode()
    ).decode()
)


def _style_url(style: dict) -> str:
    return (
        "data:application/json;base64,"
        + base64.b64encode(json.dumps(style, separators=(",", ":")).encode()).decode()
    )


def base_style() -> str:
    """The map style every map uses: :data:`EMPTY_MAP_STYLE`, or – when the operator set
    ``OSTAN_MAP_TILES`` (:func:`ostan_dash.config.map_tiles`) – the same background with the
    configured raster tiles or WMS images on it (MapLibre style spec v8, a raster source of
    256-pixel tiles), still as a data URL so nothing but the tile server is asked."""
    tiles = config.map_tiles()
    if tiles is None:
        return EMPTY_MAP_STYLE
    source: dict = {"type": "raster", "tiles": [tiles.url], "tileSize": 256}
    if tiles.attribution:
        source["attribution"] = tiles.attribution
    return _style_url(
        {
            "version": 8,
            "sources": {"bas": source},
            "layers": [
                {"id": "bakgrund", "type": "background", "paint": {"background-color": "#f6f6f2"}},
                {"id": "baskarta", "type": "raster", "source": "bas"},
            ],
        }
    )


class JsonRows(Sequence):
    """A layer's rows already written as a JSON array (:func:`remembered_rows`).

    :class:`CompactDeck` puts the text into the deck's JSON as it is, so a rerun that draws
    the same cells builds no Python object per cell and encodes nothing again. Indexing parses
    the text once (for tests and :func:`feature_count`, which only needs the length).
    """

    def __init__(self, text: str, n: int) -> None:
        self.text = text
        self._n = n
        self._rows: list | None = None

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # type: ignore[override]
        if self._rows is None:
            self._rows = json.loads(self.text)
        return self._rows[i]

    def __iter__(self) -> Iterator:
        return iter(self[:])


_ROWS: OrderedDict[bytes, JsonRows] = OrderedDict()
_ROWS_LOCK = threading.Lock()
_ROWS_KEPT = 24
"""Layers' rows kept per process, by content (a few filters × cell sizes × layers)."""


def remembered_rows(key: bytes, build: Callable[[], list[dict] | pl.DataFrame]) -> JsonRows:
    """The rows of a layer whose inputs hash to ``key``, built and written as JSON once.

    A Karta rerun with nothing changed (a tab, a table sort, another session with the same
    filter) otherwise rebuilt thousands of cell dicts and encoded them again; at 2.5 M
    incidents that allocation set off Python's garbage collector inside the rerun. Keyed by
    content, never by time: another grid is another key. ``build`` may give a frame, one row
    per feature with array columns for coordinates: Polars writes its JSON without a Python
    object per coordinate."""
    with _ROWS_LOCK:
        if key in _ROWS:
            _ROWS.move_to_end(key)
            return _ROWS[key]
    rows = build()
    if isinstance(rows, pl.DataFrame):
        found = JsonRows(rows.write_json() if rows.height else "[]", rows.height)
    else:
        found = JsonRows(json.dumps(rows, separators=(",", ":"), ensure_ascii=False), len(rows))
    with _ROWS_LOCK:
        _ROWS[key] = found
        while len(_ROWS) > _ROWS_KEPT:
            _ROWS.popitem(last=False)
    return found


def _content_key(kind: str, frame: pl.DataFrame | None, *extra: object) -> bytes:
    """A digest of a layer's inputs: its kind, the frame's columns and rows, and ``extra``."""
    digest = hashlib.blake2b(f"{kind}|{extra!r}".encode(), digest_size=20)
    if frame is not None:
        digest.update(repr(frame.schema).encode())
        digest.update(frame.hash_rows(seed=0).to_numpy().tobytes())
    return digest.digest()


TOOLTIP = {
    "html": "{tooltip}",
    "style": {"backgroundColor": "white", "color": "black", "fontSize": "14px"},
}
"""The deck's tooltip: each feature's escaped ``tooltip`` text, black on white."""


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation.

    pydeck serialises with ``indent=2`` and sorted keys, which for polygon data means one
    line, deeply indented, per coordinate: about three times the bytes and the slow pure-Python
    JSON encoder. ``st.pydeck_chart`` sends ``to_json()`` as it is, so the compact form is what
    reaches the browser. Same content, same keys (camelCase via pydeck's own serialiser);
    :class:`JsonRows` go in as the text they already are.
    """

    def to_json(self) -> str:
        """The deck as compact JSON, written once per deck object: a deck kept by the page
        (``karta_page.hotspot_deck``) is sent again on every rerun without being encoded
        again (decks are not changed after they are built)."""
        held = _DECK_JSON.get(id(self))
        if held is not None and held[0]() is self:
            return held[1]
        text = self._encoded()
        _DECK_JSON[id(self)] = (weakref.ref(self), text)
        weakref.finalize(self, _DECK_JSON.pop, id(self), None)
        return text

    def _encoded(self) -> str:
        raw: dict[str, str] = {}

        def default(o: object) -> object:
            if isinstance(o, JsonRows):
                token = f"\x00rows{len(raw)}\x00"
                raw[json.dumps(token)] = o.text
                return token
            return default_serialize(o)

        text = json.dumps(self, default=default, separators=(",", ":"))
        for token, rows in raw.items():
            text = text.replace(token, rows, 1)
        return text


_DECK_JSON: dict[int, tuple[weakref.ref[CompactDeck], str]] = {}
"""``id(deck)`` → the deck and its JSON (:meth:`CompactDeck.to_json`), while the deck lives."""


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(3006, 4326, always_xy=True)


def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SWEREF 99 TM metres → WGS 84 longitude, latitude (vectorised)."""
    lon, lat = _to_wgs84().transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


def _num(value: float | int | None, decimals: int = 0) -> str:
    from ostan_dash.ui import fmt

    return fmt.number(value, decimals)


def cell_rings(x0: np.ndarray, y0: np.ndarray, cell_size: float) -> np.ndarray:
    """Square cells given by their SWEREF lower-left corners as WGS 84 rings: an array of
    shape (n, 4, 2), longitude and latitude of the four corners.

    Coordinates are rounded to 6 decimals (about 0.1 m), which keeps the payload small.
    """
    x0 = np.asarray(x0, float)
    y0 = np.asarray(y0, float)
    xs = np.stack([x0, x0 + cell_size, x0 + cell_size, x0], axis=1)
    ys = np.stack([y0, y0, y0 + cell_size, y0 + cell_size], axis=1)
    lon, lat = _node_lonlat(xs.ravel(), ys.ravel(), cell_size)
    return np.stack([np.round(lon, 6), np.round(lat, 6)], axis=1).reshape(-1, 4, 2)


_NODES: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
"""Cell size → grid nodes already transformed: their keys (row index · 2³² + column index,
sorted), longitudes and latitudes. Kept per process (the grid does not move), emptied when it
would pass :data:`MAX_NODES`."""
MAX_NODES = 2_000_000


def _node_lonlat(x: np.ndarray, y: np.ndarray, cell_size: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`to_lonlat` of grid nodes (multiples of ``cell_size``), each node transformed once
    per process: neighbouring cells share their corners, and every click drew the same cells'
    corners again (pyproj was a tenth of a Karta click). Only nodes not seen before are
    transformed. Points off the grid are transformed directly."""
    ix, iy = np.round(x / cell_size), np.round(y / cell_size)
    on_grid = np.allclose(ix * cell_size, x, rtol=0, atol=1e-6) and np.allclose(
        iy * cell_size, y, rtol=0, atol=1e-6
    )
    if x.size == 0 or not on_grid or ix.min() < 0 or ix.max() >= 2**31:
        return to_lonlat(x, y)
    keys, inverse = np.unique(
        iy.astype(np.int64) * 2**32 + ix.astype(np.int64), return_inverse=True
    )
    known, lon, lat = _NODES.get(cell_size, (np.empty(0, np.int64), np.empty(0), np.empty(0)))
    at = np.clip(np.searchsorted(known, keys), 0, max(len(known) - 1, 0))
    seen = (known[at] == keys) if len(known) else np.zeros(len(keys), dtype=bool)
    if not seen.all():
        new = keys[~seen]
        new_lon, new_lat = to_lonlat((new % 2**32) * cell_size, (new // 2**32) * cell_size)
        if len(known) + len(new) > MAX_NODES:
            known, lon, lat = np.empty(0, np.int64), np.empty(0), np.empty(0)
        known = np.concatenate([known, new])
        order = np.argsort(known, kind="stable")
        known = known[order]
        lon, lat = np.concatenate([lon, new_lon])[order], np.concatenate([lat, new_lat])[order]
        _NODES[cell_size] = (known, lon, lat)
        at = np.searchsorted(known, keys)
    return lon[at][inverse], lat[at][inverse]


def cell_polygons(x0: np.ndarray, y0: np.ndarray, cell_size: float) -> list[list[list[float]]]:
    """:func:`cell_rings` as nested lists."""
    return cell_rings(x0, y0, cell_size).tolist()


def cells_for_browser(grid: pl.DataFrame, *, budget: int) -> tuple[pl.DataFrame, int]:
    """The cells worth drawing, at most `budget` of them.

    Empty, non-significant cells are not drawn (the background is the study area itself).
    When more remain than `budget`, significant cells are kept first, then the cells with
    most incidents; the number left out is returned so the page can say so.

    Returns
    -------
    (frame, omitted)
    """
    keep = (pl.col("count") > 0) | (pl.col("class") != "ns")
    if "status" in grid.columns:
        keep = keep | (pl.col("status") != "")
    drawn = grid.filter(keep)
    if drawn.height <= budget:
        return drawn, 0
    ranked = drawn.with_columns(_sig=(pl.col("class") != "ns").cast(pl.Int8)).sort(
        ["_sig", "count"], descending=[True, True]
    )
    return ranked.head(budget).drop("_sig"), drawn.height - budget


def area_layer(areas: pl.DataFrame, *, highlight: tuple[str, ...] = ()) -> pdk.Layer:
    """Area boundaries on a light ground as a GeoJSON layer (always drawn; chosen areas with a
    thicker line).

    Each feature carries only an escaped tooltip text, never the raw name. The features are
    an array (deck.gl takes one as a GeoJSON layer's data), written once per areas and choice
    (:func:`remembered_rows`): the outlines are the largest fixed part of every Karta rerun.
    """
    shown = areas.select("code", "name", "population", "geojson_wgs84")

    def features() -> list[dict]:
        out = []
        for code, name, pop, text in shown.iter_rows():
            if not text:
                continue
            tip = f"<b>{html.escape(str(name))}</b><br/>{_num(pop)} invånare"
            out.append(
                {
                    "type": "Feature",
                    "geometry": json.loads(text),
                    "tooltip": tip,
                    "properties": {"tooltip": tip, "width": 4 if code in highlight else 1.5},
                }
            )
        return out

    return pdk.Layer(
        "GeoJsonLayer",
        id="omraden",
        data=remembered_rows(_content_key("omraden", shown, sorted(highlight)), features),
        stroked=True,
        filled=True,
        # Opaque light ground: without base tiles the canvas behind is dark, and the
        # municipality must read as land with dark boundaries on it. Over a configured base
        # map only a faint veil, so the map shows through.
        get_fill_color=list(GROUND) if config.map_tiles() is None else [*GROUND, 60],
        get_line_color=list(AREA_LINE),
        get_line_width="properties.width",
        # A plain string would become a deck.gl accessor expression ("@@=pixels").
        line_width_units=pdk.types.String("pixels"),
        pickable=True,
    )


def _street_paths(streets: pl.DataFrame) -> list[tuple[str, str, list[list[float]]]]:
    """(name, kind, path) for every line of every street (a MultiLineString has several)."""
    out = []
    for name, kind, text in streets.select("name", "kind", "geojson").iter_rows():
        if not text:
            continue
        geom = json.loads(text)
        lines = geom["coordinates"] if geom["type"] == "MultiLineString" else [geom["coordinates"]]
        out.extend((str(name), str(kind), line) for line in lines if len(line) >= 2)
    return out


def streets_layer(streets: pl.DataFrame) -> pdk.Layer:
    """Streets as thin grey lines (wider for country roads and town streets), drawn over the
    area ground and under the data; the tooltip names the street (escaped).

    `streets` is :func:`ostan_dash.store.streets.for_map` (name, kind, WGS 84 GeoJSON).
    """
    data = remembered_rows(
        _content_key("gator", streets),
        lambda: [
            {
                "path": path,
                "width": STREET_WIDTH.get(kind, 1.0),
                "tooltip": f"<b>{html.escape(name)}</b><br/>{html.escape(kind)}",
            }
            for name, kind, path in _street_paths(streets)
        ],
    )
    return pdk.Layer(
        "PathLayer",
        id="gator",
        data=data,
        get_path="path",
        get_color=[*STREET, 255],
        get_width="width",
        width_units=pdk.types.String("pixels"),
        cap_rounded=True,
        joint_rounded=True,
        pickable=True,
    )


def street_names_layer(streets: pl.DataFrame) -> pdk.Layer:
    """Street names along the streets, sized in metres so they are legible when zoomed in to
    a few blocks and shrink away at the municipality's scale (no font is fetched: deck.gl
    draws its glyphs from the browser's own fonts).

    One label per street, at the middle of its longest line, turned along the line (built once
    per set of streets: :func:`remembered_rows`).
    """
    data = remembered_rows(_content_key("gatunamn", streets), lambda: _street_labels(streets))
    return pdk.Layer(
        "TextLayer",
        id="gatunamn",
        data=data,
        get_position="position",
        get_text="text",
        get_angle="angle",
        get_size=40,
        size_units=pdk.types.String("meters"),
        size_max_pixels=15,
        get_color=[*STREET_NAME, 255],
        character_set=pdk.types.String("auto"),
        font_family=pdk.types.String("DejaVu Sans, Arial, sans-serif"),
        outline_width=2,
        outline_color=[255, 255, 255, 255],
        font_settings={"sdf": True},
        pickable=False,
    )


def _street_labels(streets: pl.DataFrame) -> list[dict]:
    """One label per street name: position and angle at the middle of its longest line."""
    best: dict[str, tuple[float, list[float], float]] = {}
    for name, _kind, path in _street_paths(streets):
        p = np.asarray(path, float)
        lat_scale = math.cos(math.radians(float(p[:, 1].mean())))
        seg = np.diff(p, axis=0) * [lat_scale, 1.0]
        lengths = np.hypot(seg[:, 0], seg[:, 1])
        total = float(lengths.sum())
        if total <= 0 or (name in best and best[name][0] >= total):
            continue
        k = int(np.searchsorted(np.cumsum(lengths), total / 2))
        k = min(k, len(lengths) - 1)
        mid = (p[k] + p[k + 1]) / 2
        angle = math.degrees(math.atan2(seg[k, 1], seg[k, 0]))
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        best[name] = (total, [round(float(mid[0]), 6), round(float(mid[1]), 6)], round(angle, 1))
    return [
        {"position": pos, "text": name, "angle": angle}
        for name, (_total, pos, angle) in sorted(best.items())
    ]


def hotspot_layer(grid: pl.DataFrame, *, cell_size: float) -> pdk.Layer:
    """Grid cells coloured by their class: hot red, cold blue, not significant grey; new,
    growing and shrinking cells outlined (:data:`STATUS_OUTLINE`).

    `grid` is (a subset of) :func:`analysis.areas_compare.hotspot_grid`'s output, optionally
    with ``status`` and ``count_before`` (:func:`analysis.areas_compare.cell_changes`).
    """
    data: Sequence[dict] = (
        []
        if grid.is_empty()
        else remembered_rows(
            _content_key("hotspots", grid, cell_size), lambda: _hotspot_rows(grid, cell_size)
        )
    )
    return pdk.Layer(
        "PolygonLayer",
        id="hotspots",
        data=data,
        get_polygon="polygon",
        get_fill_color="color",
        get_line_color="line",
        get_line_width="width",
        line_width_units=pdk.types.String("pixels"),
        stroked=True,
        filled=True,
        pickable=True,
    )


def _hotspot_rows(grid: pl.DataFrame, cell_size: float) -> pl.DataFrame:
    """One row per cell of :func:`hotspot_layer`: polygon, colours, outline and tooltip, all
    built as arrays and expressions (no Python object per cell)."""
    n = grid.height
    fills = np.array([[*HOT, 200], [*COLD, 200], [*NOT_SIGNIFICANT, 70]], dtype=np.int64)
    cls_code = (
        grid["class"]
        .replace_strict({"hot": 0, "cold": 1}, default=2, return_dtype=pl.Int8)
        .fill_null(2)
        .to_numpy()
    )
    outlines = [((255, 255, 255), 0.5), *STATUS_OUTLINE.values()]
    status_col = grid["status"] if "status" in grid.columns else pl.Series([""] * n)
    st_code = (
        status_col.replace_strict(
            {st: i for i, st in enumerate(STATUS_OUTLINE, start=1)}, default=0, return_dtype=pl.Int8
        )
        .fill_null(0)
        .to_numpy()
    )
    lines = np.array([[*line, 230] for line, _ in outlines], dtype=np.int64)
    widths = np.array([width for _, width in outlines], dtype=np.float64)
    return pl.DataFrame(
        {
            "polygon": cell_rings(grid["x0"].to_numpy(), grid["y0"].to_numpy(), cell_size),
            "color": fills[cls_code],
            "line": lines[st_code],
            "width": widths[st_code],
            "tooltip": hotspot_tooltip(grid, cell_size),
        }
    )


def _escaped(expr: pl.Expr) -> pl.Expr:
    """``html.escape`` of a text column (``&`` first, then ``<``, ``>``, ``"`` and ``'``)."""
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        expr = expr.str.replace_all(raw, entity, literal=True)
    return expr.str.replace_all("'", "&#x27;", literal=True)


def _line(text: pl.Expr, when: pl.Expr) -> pl.Expr:
    """``text`` where ``when`` holds, else the empty string (a tooltip line left out)."""
    return pl.when(when).then(text).otherwise(pl.lit(""))


def hotspot_tooltip(grid: pl.DataFrame, cell_size: float) -> pl.Series:
    """The hot-spot cells' tooltips, one per row of ``grid``: class and change status,
    location, count, expected count, comparison count and z, numbers in Swedish
    (:func:`ostan_dash.text.number_series`), texts escaped for the tooltip's HTML."""
    from ostan_dash import text

    n = grid.height

    def column(name: str, dtype: type[pl.DataType]) -> pl.Series:
        return (
            grid[name].cast(dtype) if name in grid.columns else pl.Series([None] * n, dtype=dtype)
        )

    parts = pl.DataFrame(
        {
            "label": column("class", pl.Utf8).replace(CLASS_LABELS),
            "status": column("status", pl.Utf8).replace_strict(STATUS_LABELS, default=None),
            "where": column("where", pl.Utf8),
            "count": text.number_series(column("count", pl.Float64)),
            "expected": column("expected", pl.Float64),
            "expected_text": text.number_series(column("expected", pl.Float64), 1),
            "before": text.number_series(column("count_before", pl.Float64)),
            "has_before": column("count_before", pl.Float64).is_not_null(),
            "z": column("z", pl.Float64),
            "z_text": text.number_series(column("z", pl.Float64), 2),
        }
    )
    status, where = pl.col("status"), pl.col("where")
    size = f"({_num(cell_size)} × {_num(cell_size)} m)"
    tip = pl.concat_str(
        pl.lit("<b>"),
        _escaped(pl.col("label")),
        pl.lit("</b>"),
        _line(pl.lit(" · <b>") + _escaped(status) + pl.lit("</b>"), status.is_not_null()),
        _line(pl.lit("<br/>") + _escaped(where), where.str.len_chars() > 0),
        pl.lit("<br/>"),
        pl.col("count"),
        pl.lit(f" händelser i rutan {size}"),
        _line(pl.lit("<br/>Väntat: ") + pl.col("expected_text"), pl.col("expected").is_finite()),
        _line(pl.lit("<br/>Jämförelseperioden: ") + pl.col("before"), pl.col("has_before")),
        pl.lit("<br/>z = "),
        pl.when(pl.col("z").is_finite()).then(pl.col("z_text")).otherwise(pl.lit("–")),
        ignore_nulls=False,
    )
    return parts.select(tip.alias("tooltip")).to_series()


def outline_paths(segments: np.ndarray) -> tuple[np.ndarray, list[list[int]]]:
    """Straight segments (x1, y1, x2, y2) joined end to end into paths.

    Returns the distinct end points (k, 2) and each path as a list of indices into them; a
    closed outline comes back as a path whose last point is its first. Every segment is in
    exactly one path."""
    seg = np.asarray(segments, dtype=np.float64).reshape(-1, 4)
    n = len(seg)
    points, inv = np.unique(
        np.concatenate([seg[:, :2], seg[:, 2:]]).round(3), axis=0, return_inverse=True
    )
    inv = inv.ravel()
    a, b = inv[:n].tolist(), inv[n:].tolist()
    touching: dict[int, list[int]] = {}
    for i, (p, q) in enumerate(zip(a, b, strict=True)):
        touching.setdefault(p, []).append(i)
        touching.setdefault(q, []).append(i)
    used = [False] * n

    def walk(path: deque[int], *, forward: bool) -> None:
        while True:
            end = path[-1] if forward else path[0]
            nxt = next((j for j in touching[end] if not used[j]), None)
            if nxt is None:
                return
            used[nxt] = True
            other = b[nxt] if a[nxt] == end else a[nxt]
            if forward:
                path.append(other)
            else:
                path.appendleft(other)

    paths = []
    for start in range(n):
        if not used[start]:
            used[start] = True
            path = deque([a[start], b[start]])
            walk(path, forward=True)
            walk(path, forward=False)
            paths.append(list(path))
    return points, paths


def region_layer(segments: np.ndarray) -> pdk.Layer:
    """The study region's outline (:func:`analysis.areas_compare.region_outline`): its
    segments in SWEREF 99 TM joined into paths (:func:`outline_paths`; each corner sent once,
    not twice) and drawn as thin purple lines."""
    seg = np.asarray(segments, dtype=np.float64).reshape(-1, 4)

    def rows() -> pl.DataFrame:
        points, paths = outline_paths(seg)
        lon, lat = to_lonlat(points[:, 0], points[:, 1])
        # Rounded as arrays (a Python round() per coordinate was most of a Karta rerun).
        lonlat = np.stack([lon, lat], axis=1).round(6)
        order = np.fromiter((i for path in paths for i in path), dtype=np.int64)
        which = np.repeat(np.arange(len(paths)), [len(path) for path in paths])
        return (
            pl.DataFrame({"which": which, "path": lonlat[order]})
            .group_by("which", maintain_order=True)
            .agg("path")
            .select("path")
        )

    key = hashlib.blake2b(b"region" + seg.tobytes(), digest_size=20).digest()
    data: Sequence[dict] = remembered_rows(key, rows) if seg.size else []
    return pdk.Layer(
        "PathLayer",
        id="region",
        data=data,
        get_path="path",
        get_color=[*REGION_LINE, 150],
        get_width=1,
        width_units=pdk.types.String("pixels"),
        pickable=False,
    )


def density_layer(density: pl.DataFrame, *, cell_size: float, budget: int) -> pdk.Layer:
    """Kernel density as cells on the viridis ramp (five classes of the non-zero density).

    Cells below 5 % of the maximum are not drawn; at most `budget` cells (the densest).
    """
    data: Sequence[dict] = []
    if not density.is_empty():
        top = float(density["density"].max() or 0.0)
        if top > 0:
            keep = (
                density.filter(pl.col("density") >= 0.05 * top)
                .sort("density", descending=True)
                .head(budget)
            )

            def rows() -> pl.DataFrame:
                level = np.minimum((keep["density"].to_numpy() / top * 5).astype(int), 4)
                ramp = np.array([[*rgb, 120] for rgb in VIRIDIS], dtype=np.int64)
                return pl.DataFrame(
                    {
                        "polygon": cell_rings(
                            keep["x0"].to_numpy(), keep["y0"].to_numpy(), cell_size
                        ),
                        "color": ramp[level],
                        "tooltip": [
                            f"Täthet: {_num(d, 0)} händelser per km²"
                            for d in keep["density"].to_list()
                        ],
                    }
                )

            data = remembered_rows(_content_key("tathet", keep, cell_size, top), rows)
    return pdk.Layer(
        "PolygonLayer",
        id="tathet",
        data=data,
        get_polygon="polygon",
        get_fill_color="color",
        stroked=False,
        filled=True,
        pickable=True,
    )


def points_layer(frame: pl.DataFrame, *, labels: dict[str, str] | None = None) -> pdk.Layer:
    """Incidents as small dots (only when few: the page checks :data:`MAX_POINTS`).

    Tooltip: the category label (escaped) and the local start time. The rows are built as
    columns and written once per set of points (:func:`remembered_rows`)."""
    pts = frame.filter(pl.col("x").is_not_null() & pl.col("y").is_not_null()).select(
        "x", "y", "category", "source", "occurred_from"
    )
    labels = labels or {}
    data: Sequence[dict] = (
        remembered_rows(
            _content_key("handelser", pts, sorted(labels.items())),
            lambda: _point_rows(pts, labels),
        )
        if pts.height
        else []
    )
    return pdk.Layer(
        "ScatterplotLayer",
        id="handelser",
        data=data,
        get_position="position",
        get_fill_color=[*POINT, 200],
        get_radius=12,
        radius_min_pixels=2,
        radius_max_pixels=5,
        pickable=True,
    )


def _point_rows(pts: pl.DataFrame, labels: dict[str, str]) -> pl.DataFrame:
    """One row per point of :func:`points_layer`: ``position`` [lon, lat] (6 decimals) and
    the escaped tooltip ``label<br/>YYYY-MM-DD HH:MM`` (the label of ``source:category``, else
    the category's key), built as arrays and expressions."""
    lon, lat = to_lonlat(pts["x"].to_numpy(), pts["y"].to_numpy())
    category = pl.col("category").cast(pl.Utf8)
    key = pl.concat_str(pl.col("source").cast(pl.Utf8), pl.lit(":"), category)
    label = key.replace_strict(labels, default=category, return_dtype=pl.Utf8).fill_null("None")
    when = pl.col("occurred_from").dt.strftime("%Y-%m-%d %H:%M").fill_null("")
    return pts.select(
        position=pl.Series(np.stack([np.round(lon, 6), np.round(lat, 6)], axis=1)),
        tooltip=pl.concat_str(_escaped(label), pl.lit("<br/>"), _escaped(when)),
    )


def places_layer(places: pl.DataFrame) -> pdk.Layer:
    """Critical objects (schools, preschools, centre, travel centre …): white dots with a
    black ring, tooltip with the escaped name and kind."""
    data: list[dict] = []
    if places.height:
        data = [
            {
                "position": [round(float(lon), 6), round(float(lat), 6)],
                "tooltip": f"<b>{html.escape(str(name))}</b><br/>"
                f"{html.escape(vocab.PLACE_KINDS.get(kind, str(kind)))}",
            }
            for name, kind, lon, lat in places.select("name", "kind", "lon", "lat").iter_rows()
        ]
    return pdk.Layer(
        "ScatterplotLayer",
        id="platser",
        data=data,
        get_position="position",
        get_fill_color=[255, 255, 255, 255],
        get_line_color=[0, 0, 0, 255],
        stroked=True,
        line_width_min_pixels=2,
        get_radius=40,
        radius_min_pixels=5,
        radius_max_pixels=10,
        pickable=True,
    )


def view_for(areas: pl.DataFrame, *, codes: tuple[str, ...] = ()) -> pdk.ViewState:
    """A view that frames the chosen areas (all when none), for a map about 700 px wide."""
    chosen = areas.filter(pl.col("code").is_in(list(codes))) if codes else areas
    boxes = [_bounds(text) for text in chosen["geojson_wgs84"].to_list() if text]
    if not boxes:
        return pdk.ViewState(longitude=17.64, latitude=59.86, zoom=10)
    lon_min, lat_min = (min(b[i] for b in boxes) for i in (0, 1))
    lon_max, lat_max = (max(b[i] for b in boxes) for i in (2, 3))
    lat_c = (lat_min + lat_max) / 2
    width_m = (lon_max - lon_min) * 111_320 * math.cos(math.radians(lat_c))
    height_m = (lat_max - lat_min) * 110_540
    span = max(width_m, height_m * 1.6, 500.0)
    return pdk.ViewState(
        longitude=(lon_min + lon_max) / 2,
        latitude=lat_c,
        zoom=zoom_for_span(span, lat_c),
    )


@lru_cache(maxsize=1024)
def _bounds(geojson: str) -> tuple[float, float, float, float]:
    """(lon min, lat min, lon max, lat max) of a GeoJSON geometry, once per outline."""
    coords = np.asarray(_flatten_coords(json.loads(geojson)["coordinates"]), float)
    return (
        float(coords[:, 0].min()),
        float(coords[:, 1].min()),
        float(coords[:, 0].max()),
        float(coords[:, 1].max()),
    )


def zoom_for_span(span_m: float, lat: float, *, width_px: int = 700) -> float:
    """Web-Mercator zoom at which ``span_m`` metres fill about ``width_px`` pixels, kept within
    8–17. deck.gl counts zoom in 512-pixel tiles: at zoom 0 the equator's 40 075 km span 512 px,
    so a pixel is 78 272 m · cos(latitude) / 2^zoom. The map is about 700 px wide beside the
    legend on a 1280–1400 px screen."""
    zoom = math.log2(78_271.5 * math.cos(math.radians(lat)) * width_px / max(span_m, 1.0))
    return round(min(max(zoom, 8), 17), 2)


def view_at(lon: float, lat: float, *, extent_m: float = 0.0) -> pdk.ViewState:
    """A view centred on a searched street or place: the street's whole extent in view, a
    place (extent 0) with about 400 m around it."""
    return pdk.ViewState(
        longitude=float(lon),
        latitude=float(lat),
        zoom=zoom_for_span(max(extent_m * 1.2, 400.0), lat),
    )


def focus_layer(lon: float, lat: float, label: str) -> pdk.Layer:
    """A ring and the name at a searched street or place (drawn on top, not pickable)."""
    return pdk.Layer(
        "ScatterplotLayer",
        id="sokt-plats",
        data=[{"position": [round(float(lon), 6), round(float(lat), 6)], "name": label}],
        get_position="position",
        get_fill_color=[0, 0, 0, 0],
        get_line_color=[0, 90, 200, 255],
        stroked=True,
        filled=False,
        line_width_min_pixels=3,
        get_radius=60,
        radius_min_pixels=10,
        radius_max_pixels=30,
        pickable=False,
    )


def _flatten_coords(c) -> list[list[float]]:
    if c and isinstance(c[0], (int, float)):
        return [c]
    out: list[list[float]] = []
    for part in c:
        out.extend(_flatten_coords(part))
    return out


def hotspot_deck(
    areas: pl.DataFrame,
    grid: pl.DataFrame,
    *,
    cell_size: float,
    points: pl.DataFrame | None = None,
    places: pl.DataFrame | None = None,
    density: pl.DataFrame | None = None,
    codes: tuple[str, ...] = (),
    point_labels: dict[str, str] | None = None,
    max_features: int = MAX_FEATURES,
    region: np.ndarray | None = None,
    density_cell_size: float | None = None,
    streets: pl.DataFrame | None = None,
    focus: dict | None = None,
) -> tuple[CompactDeck, int]:
    """The map of Karta och tider: areas, optional density, hot-spot grid, points, places.

    Parameters
    ----------
    areas
        ``queries.areas()`` (outlines drawn for all areas, the chosen ones thicker).
    grid
        :func:`analysis.areas_compare.hotspot_grid` output.
    cell_size
        Cell side, metres.
    points
        Incidents to draw as points; not drawn when more than :data:`MAX_POINTS`.
    places
        Critical objects with name, kind, lon, lat.
    density
        :func:`analysis.areas_compare.density_grid` output, drawn under the grid, on cells of
        `density_cell_size` (default `cell_size`).
    codes
        Chosen area codes (the view frames them).
    max_features
        Total feature budget; grid cells are cut to fit (:func:`cells_for_browser`).
    region
        Outline segments of the study region (:func:`analysis.areas_compare.region_outline`).
    streets
        :func:`ostan_dash.store.streets.for_map`: drawn over the area ground, under the data,
        with their names.
    focus
        A row of :func:`ostan_dash.store.streets.search_targets` (label, lon, lat, extent_m):
        the view is centred on it and a ring marks it; otherwise the view frames ``codes``.

    Returns
    -------
    (pydeck.Deck, omitted_cells)
    """
    layers = []
    fixed = areas.height + (places.height if places is not None else 0)
    fixed += len(region) if region is not None else 0
    street_layers = (
        [streets_layer(streets), street_names_layer(streets)]
        if streets is not None and not streets.is_empty()
        else []
    )
    fixed += sum(len(layer.data) for layer in street_layers)
    show_points = points is not None and 0 < points.height <= MAX_POINTS
    if show_points:
        fixed += points.height
    budget = max(max_features - fixed, 0)
    density_budget = budget // 3 if density is not None else 0
    cells, omitted = cells_for_browser(grid, budget=budget - density_budget)
    layers.append(area_layer(areas, highlight=codes))
    layers.extend(street_layers)
    if density is not None:
        layers.append(
            density_layer(density, cell_size=density_cell_size or cell_size, budget=density_budget)
        )
    layers.append(hotspot_layer(cells, cell_size=cell_size))
    if region is not None:
        layers.append(region_layer(region))
    if show_points:
        layers.append(points_layer(points, labels=point_labels))
    if places is not None:
        layers.append(places_layer(places))
    view = view_for(areas, codes=codes)
    if focus is not None:
        layers.append(focus_layer(focus["lon"], focus["lat"], focus["label"]))
        view = view_at(focus["lon"], focus["lat"], extent_m=focus["extent_m"])
    deck = CompactDeck(
        layers=layers,
        initial_view_state=view,
        map_provider=None,
        map_style=base_style(),
        tooltip=TOOLTIP,
    )
    return deck, omitted


def feature_count(deck: pdk.Deck) -> int:
    """Number of features the deck sends to the browser (rows of every layer's data)."""
    n = 0
    for layer in deck.layers:
        data = layer.data
        if isinstance(data, dict) and "features" in data:
            n += len(data["features"])
        elif data is not None:
            n += len(data)
    return n


def deck_payload_bytes(deck: pdk.Deck) -> int:
    """Size in bytes of the deck's JSON as sent to the browser (UTF-8)."""
    return len(deck.to_json().encode("utf-8"))


def legend_html(
    *,
    cell_size: float,
    density: bool = False,
    alpha: float = 0.05,
    expectation: str = "antal",
    region: str = "hela",
    bandwidth: float | None = None,
    streets: bool = False,
) -> str:
    """The map's legend as HTML (static text only): what the colours mean and the method.

    `expectation` is ``"befolkning"`` (the local excess test against the population) or
    ``"antal"`` (Getis-Ord Gi* on the counts); `region` ``"befolkade"`` or ``"hela"``.
    """

    def swatch(rgb, label, *, ring: bool = False, outline=None) -> str:
        border = (
            f"border:3px solid rgb{tuple(outline)};"
            if outline is not None
            else ("border:2px solid black;border-radius:50%;" if ring else "border:1px solid #555;")
        )
        style = (
            "display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:middle;"
            f"background:rgb{tuple(rgb)};" + border
        )
        return f'<span style="{style}"></span>{html.escape(label)}'

    by_population = expectation == "befolkning"
    items = [
        swatch(
            HOT,
            "Het ruta: signifikant fler händelser än väntat utifrån befolkningen"
            if by_population
            else "Het ruta: signifikant fler händelser i rutan och grannrutorna",
        ),
        swatch(COLD, "Kall ruta: signifikant färre" + (" än väntat" if by_population else "")),
        swatch((205, 205, 205), "Ej signifikant (ruta med händelser)"),
        swatch((205, 205, 205), "Ny het ruta (tjock svart kant)", outline=(0, 0, 0)),
        swatch(
            (205, 205, 205), "Växande (svart kant) / minskande (vit kant)", outline=(90, 90, 90)
        ),
        swatch((255, 255, 255), "Kritiskt objekt (skola, förskola, centrum …)", ring=True),
        swatch(AREA_LINE, "Områdesgräns"),
    ]
    if streets:
        items.append(swatch(STREET, "Gata eller väg (namnen syns när du zoomar in)"))
    if region == "befolkade":
        items.append(swatch(REGION_LINE, "Studerat område: befolkade rutor och dagbefolkning"))
    if density:
        items.append(
            "Täthet (kärnskattning): "
            + "".join(
                f'<span style="display:inline-block;width:18px;height:12px;background:rgb{c}"></span>'
                for c in VIRIDIS
            )
            + " låg → hög"
        )
    pct = f"{alpha * 100:.0f}".replace(".", ",")
    if by_population:
        method = (
            f"Rutor {int(cell_size)} × {int(cell_size)} m i SWEREF 99 TM. Väntat antal: "
            "periodens händelser fördelade efter befolkningen i rutan (SCB:s befolkning på "
            "rutor; rutor med dagbefolkning räknas som minst en tättbefolkad ruta). Exakt "
            "binomialtest per ruta; signifikans efter Benjamini–Yekutieli-korrektion "
            f"(falsk upptäcktsandel {pct} %)."
        )
    else:
        method = (
            f"Rutor {int(cell_size)} × {int(cell_size)} m i SWEREF 99 TM. Bara antal: "
            "Getis-Ord Gi* med rutan och dess åtta grannar, utan hänsyn till var folk bor; "
            f"signifikans efter Benjamini–Yekutieli-korrektion (falsk upptäcktsandel {pct} %)."
        )
    if density and bandwidth:
        method += f" Täthetsytan: kvartisk kärna med fast sökradie {int(bandwidth)} m."
    return (
        '<div style="line-height:1.9">'
        + "<br/>".join(items)
        + f'<br/><span style="font-size:0.85em;color:#444">{html.escape(method)}</span></div>'
    )
