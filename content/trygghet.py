"""Trygghetsundersökning: weighted shares per area and year with 95 % intervals, trends against
the municipality, and perceived unsafety against reported incidents. The sections are drawn by
:mod:`ostan_dash.ui.survey_page`."""

import streamlit as st

from ostan_dash.ui import login, widgets
from ostan_dash.ui import survey_page as page

login.page_user("trygghet")

st.title("Trygghetsundersökning")
st.caption(
    "Vägda andelar av de svarande, med 95 % konfidensintervall (Wilsonintervall på Kishs "
    "effektiva urvalsstorlek: vikterna gör urvalet mindre informativt än antalet svar antyder). "
    "Celler med färre än 30 svar visas inte."
)

shares = page.load_shares()
if shares is None:
    st.info(
        "Det finns inga svar från trygghetsundersökningen än. Importera årets enkätsvar "
        "(sidan Import) eller ladda demodata med `make demo`."
    )
    st.stop()

c1, c2, c3 = st.columns([1, 2, 1])
year = c1.selectbox("År", shares.years, index=0, key="trygghet_ar")
large = widgets.meeting_toggle(c3)
question = c2.selectbox(
    "Fråga (trender och jämförelse med händelser)",
    list(page.QUESTIONS),
    format_func=page.QUESTIONS.get,
    key="trygghet_fraga",
)

year_names = page.year_table(shares, year=year)
page.change(shares, year_names, year=year, question=question)
page.trend(shares, year=year, question=question, large=large)
page.against_incidents(shares, year_names, year=year, question=question, large=large)
