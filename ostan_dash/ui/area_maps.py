"""A choropleth of the areas for any indicator or rate: a plain pydeck ``Deck``, no base map.

The colour scale is ColorBrewer's sequential *Blues* (Brewer & Harrower), one hue from light to
dark, which stays readable for colour-blind viewers and on a washed-out projector: darker always
means more. Areas without a value are drawn light grey and say so in the tooltip and the legend.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import polars as pl
import pydeck as pdk

from ostan_dash.ui import fmt, maps

# ColorBrewer 2.0 "Blues", 5 classes (colour-blind safe, print friendly).
BLUES_5: tuple[tuple[int, int, int], ...] = (
    (239, 243, 255),
    (189, 215, 231),
    (107, 174, 214),
    (49, 130, 189),
    (8, 81, 156),
)
NO_DATA_RGB = (220, 220, 220)
OUTLINE_RGB = (60, 60, 60)


@dataclass(frozen=True)
class LegendEntry:
    """One class of the map: its colour (hex) and the range it covers, in Swedish text."""

    colour: str
    text: str


def class_breaks(values: list[float] | np.ndarray, *, k: int = 5) -> list[float]:
    """Upper bounds of ``k`` equal-count (quantile) classes of the finite ``values``.

    Quantile classes give every colour some areas even when one outlier (a small area with a
    high rate) would squeeze all others into the lightest class of an equal-interval scale.
    Duplicate bounds are merged, so fewer than ``k`` classes may come back.
    """
    v = np.asarray([x for x in values if x is not None and math.isfinite(x)], dtype=float)
    if v.size == 0:
        return []
    qs = np.quantile(v, np.linspace(0, 1, k + 1)[1:])
    out: list[float] = []
    for q in qs:
        if not out or q > out[-1]:
            out.append(float(q))
    return out


def _class_of(value: float | None, breaks: list[float]) -> int | None:
    if value is None or not math.isfinite(value) or not breaks:
        return None
    for i, b in enumerate(breaks):
        if value <= b:
            return i
    return len(breaks) - 1


def _palette(n: int) -> list[tuple[int, int, int]]:
    if n <= 0:
        return []
    idx = np.round(np.linspace(0, len(BLUES_5) - 1, n)).astype(int) if n > 1 else [2]
    return [BLUES_5[i] for i in idx]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def legend(values: list[float], *, unit: str, decimals: int = 1, k: int = 5) -> list[LegendEntry]:
    """The map's legend: one entry per colour class, ``"12,3–15,0 %"``, lightest first."""
    breaks = class_breaks(values, k=k)
    colours = _palette(len(breaks))
    finite = [x for x in values if x is not None and math.isfinite(x)]
    lows = [min(finite)] + breaks[:-1] if finite else []
    out = []
    for lo, hi, rgb in zip(lows, breaks, colours, strict=True):
        text = f"{fmt.number(lo, decimals)}–{fmt.number(hi, decimals)}"
        out.append(LegendEntry(_hex(rgb), f"{text} {unit}".strip()))
    if len(finite) < len(values):
        out.append(LegendEntry(_hex(NO_DATA_RGB), "Uppgift saknas"))
    return out


def choropleth(
    areas: pl.DataFrame,
    values: pl.DataFrame,
    *,
    value_col: str,
    label: str,
    unit: str,
    decimals: int = 1,
    selected_area: int | None = None,
    height: int = 560,
) -> pdk.Deck:
    """A pydeck ``Deck`` colouring each area by ``value_col``.

    Parameters
    ----------
    areas
        ``queries.areas()``: ``area_id``, ``name``, ``geojson_wgs84``.
    values
        ``area_id`` and ``value_col`` (areas missing here are drawn as "uppgift saknas").
    label, unit
        What the value is, shown in the tooltip (``"Ej i arbete: 23,4 %"``).
    selected_area
        Drawn with a thick outline (the area whose profile is open).

    Notes
    -----
    ``map_provider=None`` and ``maps.base_style()``: no base map tiles unless the operator configured a tile server (the product runs without internet). The tooltip uses
    deck.gl's text mode, so names and values are shown as text, never interpreted as HTML.
    """
    joined = areas.select("area_id", "name", "geojson_wgs84").join(
        values.select(pl.col("area_id").cast(areas.schema["area_id"]), pl.col(value_col)),
        on="area_id",
        how="left",
    )
    vals = joined[value_col].cast(pl.Float64).to_list()
    breaks = class_breaks(vals)
    colours = _palette(len(breaks))
    features = []
    lons: list[float] = []
    lats: list[float] = []
    for area_id, name, geo, v in zip(
        joined["area_id"].to_list(),
        joined["name"].to_list(),
        joined["geojson_wgs84"].to_list(),
        vals,
        strict=True,
    ):
        geom = json.loads(geo)
        _collect_coords(geom["coordinates"], lons, lats)
        cls = _class_of(v, breaks)
        rgb = NO_DATA_RGB if cls is None else colours[cls]
        shown = "uppgift saknas" if cls is None else f"{fmt.number(v, decimals)} {unit}".strip()
        features.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {
                    "area_id": int(area_id),
                    "name": str(name),
                    "value_text": f"{label}: {shown}",
                    "fill": [*rgb, 215],
                    "line_width": 4 if area_id == selected_area else 1,
                },
            }
        )
    layer = pdk.Layer(
        "GeoJsonLayer",
        data={"type": "FeatureCollection", "features": features},
        id="omraden",
        pickable=True,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color=list(OUTLINE_RGB),
        get_line_width="properties.line_width",
        line_width_units="'pixels'",  # quoted: pydeck would make a bare string an expression
        line_width_min_pixels=1,
    )
    view = _view_state(lons, lats)
    return pdk.Deck(
        layers=[layer],
        initial_view_state=view,
        # No base map at all: with a map provider set, the browser tries to fetch tiles (and
        # draws nothing offline).
        map_provider=None,
        map_style=maps.base_style(),
        tooltip={"text": "{name}\n{value_text}"},
        height=height,
    )


def _collect_coords(coords, lons: list[float], lats: list[float]) -> None:
    if coords and isinstance(coords[0], int | float):
        lons.append(float(coords[0]))
        lats.append(float(coords[1]))
        return
    for c in coords:
        _collect_coords(c, lons, lats)


def _view_state(lons: list[float], lats: list[float]) -> pdk.ViewState:
    if not lons:
        return pdk.ViewState(latitude=59.3, longitude=18.0, zoom=9)
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    span = max(lon1 - lon0, (lat1 - lat0) * 2, 1e-3)
    zoom = max(1.0, min(15.0, math.log2(360 / span) - 0.3))
    return pdk.ViewState(
        latitude=(lat0 + lat1) / 2, longitude=(lon0 + lon1) / 2, zoom=zoom, pitch=0
    )


def legend_html(entries: list[LegendEntry], *, title: str) -> str:
    """The legend as a small HTML block (the page renders it next to the map).

    ``title`` and entry texts are escaped.
    """
    import html

    rows = "".join(
        f'<div style="display:flex;align-items:center;gap:.5rem;margin:.15rem 0">'
        f'<span style="display:inline-block;width:1.6rem;height:1.1rem;background:{e.colour};'
        f'border:1px solid #444"></span><span>{html.escape(e.text)}</span></div>'
        for e in entries
    )
    return f"<div><strong>{html.escape(title)}</strong>{rows}</div>"
