"""The small map of the mapping step (issue 10): the file's first geometries before anything is
written, so a wrong CRS or axis order shows at once (points in the sea, polygons in Africa)."""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import polars as pl
import pydeck as pdk
from pyproj import Transformer
from shapely import from_wkb, geometry, transform

from ostan_dash.ingest.read import GEOMETRY
from ostan_dash.ui import maps

PREVIEW_FEATURES = 200
HEIGHT_PX = 320  # the map's height on the page: the extent must fit it, not only the width


def guess_srid(x: float, declared: int | None) -> int:
    """The file's CRS, or by magnitude: beyond 180 the coordinates are SWEREF 99 TM metres.

    >>> guess_srid(674_000.0, None), guess_srid(16.36, None), guess_srid(1.0, 3006)
    (3006, 4326, 3006)
    """
    if declared:
        return declared
    return 3006 if abs(x) > 180 else 4326


def features(sample: pl.DataFrame, *, geometry_format: str | None, srid: int | None) -> list[dict]:
    """The sample's geometries as GeoJSON features in WGS 84 (lon, lat), at most
    :data:`PREVIEW_FEATURES`; each carries its line as ``rad``. A geometry that cannot be read
    is left out (the validation names it)."""
    if GEOMETRY not in sample.columns or geometry_format is None:
        return []
    out: list[dict] = []
    for rad, text in sample.select("rad", GEOMETRY).head(PREVIEW_FEATURES).iter_rows():
        if not text:
            continue
        try:
            shape = (
                geometry.shape(json.loads(text))
                if geometry_format == "geojson"
                else from_wkb(bytes.fromhex(text))
            )
        except (ValueError, TypeError, AttributeError, KeyError):
            continue
        if shape.is_empty:
            continue
        code = guess_srid(shape.representative_point().x, srid)
        if code != 4326:
            try:
                to_wgs = Transformer.from_crs(code, 4326, always_xy=True)
            except Exception:  # noqa: BLE001 – an EPSG code pyproj does not know: no map
                continue
            # shapely.ops.transform is deprecated since Shapely 2.2 in favour of
            # shapely.transform over the coordinate array (its DeprecationWarning points to
            # https://shapely.readthedocs.io/en/latest/manual.html#shapely.ops.transform).
            shape = transform(shape, functools.partial(_to, to_wgs))
        out.append(
            {"type": "Feature", "geometry": geometry.mapping(shape), "properties": {"rad": rad}}
        )
    return out


def _to(transformer: Transformer, xy: np.ndarray) -> np.ndarray:
    """An ``(n, 2)`` coordinate array through ``transformer`` (x, y order)."""
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def zoom_for(span_m: float, lat: float, *, width_px: int = 700) -> float:
    """As :func:`ostan_dash.ui.maps.zoom_for_span` (deck.gl's 512-px tiles) but from zoom 3, so
    a file of the whole country shows whole; 400 m at least around a single point.

    >>> zoom_for(1_500_000, 60.0) < 6 < zoom_for(5_000, 57.7)
    True
    """
    zoom = math.log2(78_271.5 * math.cos(math.radians(lat)) * width_px / max(span_m * 1.2, 400.0))
    return round(min(max(zoom, 3), 17), 2)


def preview_deck(feats: list[dict]) -> pdk.Deck:
    """The features on the empty base map, framed on their extent."""
    collection = {"type": "FeatureCollection", "features": feats}
    bounds = [geometry.shape(f["geometry"]).bounds for f in feats]
    lon0, lat0 = min(b[0] for b in bounds), min(b[1] for b in bounds)
    lon1, lat1 = max(b[2] for b in bounds), max(b[3] for b in bounds)
    span_m = max((lon1 - lon0) * math.cos(math.radians(lat0)), lat1 - lat0) * 111_000
    layer = pdk.Layer(
        "GeoJsonLayer",
        id="importforhandsvisning",
        data=collection,
        get_fill_color=[33, 102, 172, 60],
        get_line_color=[33, 102, 172, 230],
        get_point_color=[178, 24, 43, 230],
        point_radius_min_pixels=5,
        line_width_min_pixels=1,
        stroked=True,
        filled=True,
        pickable=True,
    )
    return maps.CompactDeck(
        layers=[layer],
        initial_view_state=pdk.ViewState(
            longitude=(lon0 + lon1) / 2,
            latitude=(lat0 + lat1) / 2,
            zoom=zoom_for(span_m, lat0, width_px=HEIGHT_PX),
        ),
        map_provider=None,
        map_style=maps.EMPTY_MAP_STYLE,
        tooltip={"html": "Rad {rad}"},
    )
