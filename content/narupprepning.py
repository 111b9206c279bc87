"""Närupprepning: does one incident foretell another close by, soon after? Knox test, reading,
risk zones around the latest incidents, and the events calendar. The sections are drawn by
:mod:`ostan_dash.ui.nearrepeat_page`."""

import streamlit as st

from ostan_dash import config
from ostan_dash.analysis import nearrepeat as nr
from ostan_dash.ui import data, login, navigation, texts
from ostan_dash.ui import nearrepeat_page as page
from ostan_dash.ui import nearrepeat_views as views

user = login.page_user("narupprepning")
may_write = navigation.may_write(user.role, "narupprepning")
today = config.today()

st.title("Närupprepning")
st.caption(
    "Leder en händelse till fler i närheten strax efteråt? Alla par av händelser räknas efter "
    "avstånd och tid mellan dem och jämförs med vad som vore väntat om platser och tider inte "
    "hängde ihop (tiderna slumpas om mellan platserna). Ett mönster ger riskzoner kring nya "
    "händelser av samma slag."
)

incidents = data.incidents()
if incidents.is_empty():
    st.info(texts.EMPTY_DATA)
    st.stop()

# What to analyse, and the Knox test on it ------------------------------------------------------
choice = page.what_to_analyse(incidents, today)
if choice is None:
    st.stop()
chosen = page.selection(incidents, choice)
if chosen is None:
    st.stop()
result = page.knox(choice, chosen, data.version(incidents))
found = nr.pattern(result)
reading = nr.reading(found, noun=views.noun_of(choice.source, choice.category, choice.subtype))
page.reading(result, reading)

saved = views.saved_patterns()
page.saved_pattern(choice, result, found, reading, saved, user, may_write=may_write)

# Active risk zones and the events calendar -------------------------------------------------------
page.risk_zones(saved, today)
page.events_calendar(incidents, today)
if may_write:
    page.new_event(user, today)
