"""Drawing an intervention's area on the map (issue 12): paint 100 m squares around a chosen
street or place; their union is the area. WKT stays as the advanced option in the form."""

from __future__ import annotations

import polars as pl
import pydeck as pdk
import streamlit as st

from ostan_dash.analysis import drawing
from ostan_dash.store import interventions as si
from ostan_dash.store import streets as streets_store
from ostan_dash.ui import data, fmt, maps

LAYER_ID = "rutor"


@st.cache_data(show_spinner=False, max_entries=2)
def _streets(version: int) -> pl.DataFrame:
    return streets_store.for_map(())


def _deck(grid: pl.DataFrame, streets: pl.DataFrame, centre: dict) -> pdk.Deck:
    rings = maps.cell_polygons(grid["x0"].to_numpy(), grid["y0"].to_numpy(), drawing.CELL_M)
    squares = pdk.Layer(
        "PolygonLayer",
        id=LAYER_ID,
        data=[{"polygon": ring, "i": int(i)} for ring, i in zip(rings, grid["i"], strict=True)],
        get_polygon="polygon",
        get_fill_color=[33, 102, 172, 40],
        get_line_color=[33, 102, 172, 140],
        line_width_min_pixels=1,
        stroked=True,
        filled=True,
        pickable=True,
        auto_highlight=True,
    )
    layers = []
    if not streets.is_empty():
        layers += [maps.streets_layer(streets), maps.street_names_layer(streets)]
    layers += [squares, maps.focus_layer(centre["lon"], centre["lat"], centre["label"])]
    return maps.CompactDeck(
        layers=layers,
        initial_view_state=maps.view_at(
            centre["lon"], centre["lat"], extent_m=drawing.CELL_M * drawing.SIDE
        ),
        map_provider=None,
        map_style=maps.base_style(),
        tooltip=None,
    )


def draw(key: str) -> str | None:
    """The drawing map in an expander; returns the painted area as WKT (SWEREF 99 TM), or
    ``None`` when nothing is painted."""
    with st.expander("Rita insatsområdet på kartan"):
        st.caption(
            f"Välj en gata eller plats att utgå från och klicka på de rutor "
            f"({fmt.number(drawing.CELL_M)} × {fmt.number(drawing.CELL_M)} m) som ingår i "
            "insatsområdet; klicka igen för att ta bort en ruta. Det ritade området fylls i som "
            "polygon i formuläret nedan och används i stället för plats och radie."
        )
        targets = data.search_targets()
        if targets.is_empty():
            st.info(
                "Det finns inga gator eller platser att utgå från. Importera gator eller platser först."
            )
            return None
        pick = st.selectbox(
            "Utgå från gata eller plats",
            range(targets.height),
            index=None,
            format_func=lambda i: f"{targets['label'][i]} · {targets['kind'][i]}",
            placeholder="Skriv ett gatunamn eller en plats …",
            key=f"{key}_centre",
        )
        if pick is None:
            return None
        centre = targets.row(pick, named=True)
        grid = drawing.paint_grid(centre["x"], centre["y"])
        event = st.pydeck_chart(
            _deck(grid, _streets(data.current_version()), centre),
            height=480,
            on_select="rerun",
            selection_mode="multi-object",
            key=f"{key}_map_{pick}",
        )
        indices = (event.selection.get("indices") or {}).get(LAYER_ID, []) if event else []
        cells = drawing.painted(grid, indices)
        if cells.is_empty():
            st.caption("Inga rutor valda än.")
            return None
        wkt = si.cells_union_wkt(cells["x0"].to_list(), cells["y0"].to_list(), drawing.CELL_M)
        st.success(
            f"Ritat område: {fmt.count(cells.height, 'ruta', 'rutor')}, "
            f"{fmt.number(drawing.area_km2(cells.height), 2)} km². Det står som polygon i "
            "formuläret."
        )
        return wkt
