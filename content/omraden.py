"""Områden: the six area criteria per area, a map, each area's profile, the protective view and
the quarter's three focus areas. The sections are drawn by :mod:`ostan_dash.ui.area_page`."""

import streamlit as st

from ostan_dash import config
from ostan_dash.analysis import areas as aa
from ostan_dash.ui import area_data, login, navigation, widgets
from ostan_dash.ui import area_page as page

user = login.page_user("omraden")
can_edit = navigation.may_write(user.role, "omraden")
today = config.today()

st.title("Områden")
st.caption(
    "Sex kriterier för att prioritera områden i det långsiktiga arbetet. Ett enda uppfyllt "
    "kriterium kan räcka, och en försämring i något kriterium ska uppmärksammas direkt."
)
page.flash()

criteria = page.load_criteria()
if criteria is None:
    st.info(
        "Det finns inga områdesindikatorer än. Importera årets officiella statistik per område "
        "(sidan Import) eller ladda demodata med `make demo`."
    )
    st.stop()

top_left, _, top_right = st.columns([1, 2, 1])
year = top_left.selectbox("År (officiell statistik)", criteria.years, index=0, key="omraden_ar")
large = widgets.meeting_toggle(top_right)
summary = aa.area_summary(criteria.long, year=year)

page.worsening_notice(criteria, year)
view = page.choose_view()

if view == "Kriteriematris":
    page.criteria_matrix(criteria, summary, year=year)
    page.thresholds(criteria, user, can_edit=can_edit)

if view == "Karta":
    page.area_map(criteria, year=year)

if view == "Områdesprofil":
    area_id = page.choose_area(criteria, summary)
    page.key_figures(criteria, summary, area_id=area_id, year=year)
    page.indicator_trends(criteria, area_id=area_id, large=large)
    page.incident_bars(criteria, area_id=area_id, year=year, large=large)
    page.survey_trend(criteria, area_id=area_id, large=large)

if view == "Skyddande områden":
    page.protective_areas(criteria, year=year)

if view == "Fokusområden":
    quarter = aa.next_quarter_start(today)
    scores = page.focus_proposal(criteria, summary, quarter=quarter, today=today)
    history = area_data.focus_areas()
    page.focus_choice(criteria, scores, history, user, quarter=quarter, can_edit=can_edit)
    page.focus_history(history)
