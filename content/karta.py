"""Karta och tider: where and when the problems are right now, is it new or growing, against what.

The sections are drawn by :mod:`ostan_dash.ui.karta_page`; this script reads like the screen:
the filters and view settings, the key figures, then the map with its cell lists, the hot
times, season and trend, and the comparison of areas.
"""

import streamlit as st

from ostan_dash import config
from ostan_dash.ui import data, filters, login, texts
from ostan_dash.ui import karta_narratives as say
from ostan_dash.ui import karta_page as page

login.page_user("karta")

# The page's caches are keyed by the database's data version (sql/024), read before the data.
stamp = data.current_version()

st.title("Karta och tider")

incidents = data.incidents()
areas = data.areas()
if incidents.is_empty() or areas.is_empty():
    st.info(texts.EMPTY_DATA)
    st.stop()

today = config.today()
f = filters.render(incidents, areas, data.organisations(), today=today)
has_population = not data.population_cells().is_empty()
view = page.view_settings(has_population=has_population)
st.caption(filters.describe(f, today=today, area_names=page.area_names(areas)))

k = page.compute(incidents, areas, f, view, today=today, stamp=stamp, has_population=has_population)
if k.now.is_empty():
    st.info(say.NO_MATCH)
page.key_figures(k)

# Only the open tab is drawn (its name is in the address as ?flik=).
tab_map, tab_times, tab_trend, tab_compare = page.tabs()

if tab_map.open:
    with tab_map:
        page.hotspot_map(k)
        page.method(k)
        page.accuracy(k)
        st.subheader("Heta rutor")
        page.hot_cells(k)
        st.subheader("Nya, växande och minskande rutor")
        page.changed_cells(k)

if tab_times.open:
    with tab_times:
        page.hot_times(k)

if tab_trend.open:
    with tab_trend:
        page.weekly(k)
        page.season(k)

if tab_compare.open:
    with tab_compare:
        page.compare_areas(k)
