"""Översikt: the last complete ISO week against what the season and recent weeks lead one to expect.

The sections are drawn by :mod:`ostan_dash.ui.overview_page`; this script reads like the screen:
the area choice, the week in words, the cards and flags, the trend, the tables, then the
near-repeat risk zones, the week ahead and the user's own alerts.
"""

import streamlit as st

from ostan_dash import config
from ostan_dash.analysis import overview
from ostan_dash.ui import alert_views, data, fmt, login, nearrepeat_views, texts
from ostan_dash.ui import crime_statistics_views as bra
from ostan_dash.ui import overview_page as page

user = login.page_user("oversikt")

incidents = data.incidents()
areas = data.areas()
week = overview.last_complete_week(config.today())
years = overview.years_of_history(
    week, overview.first_day(incidents), baseline_weeks=page.BASELINE_WEEKS
)

st.title("Översikt")
st.caption(
    f"{fmt.week_range(week)} jämfört med det förväntade antalet. Händelser räknas i den vecka "
    "deras tidsfönster börjar, svensk tid."
)

if incidents.is_empty():
    st.info(texts.EMPTY_DATA)
    st.stop()

choice = page.choose_areas(areas)
figures, story = page.week_figures(
    tuple(sorted(choice.chosen)), week, years, data.version(incidents), incidents, choice.names
)
st.markdown("**Veckan i korthet.** " + " ".join(story))

page.headline_numbers(figures, week)
page.flags(figures, choice.names, week=week, years=years)
page.trend(figures, week=week, large=choice.large)

left, right = st.columns(2)
with left:
    page.category_chart(figures, week=week, large=choice.large)
with right:
    page.area_table(figures, areas, week=week)
page.category_table(figures, week=week)

# Near-repeat risk zones (Närupprepning), the week ahead, Mina bevakningar (issue 15) ----------
nearrepeat_views.oversikt_section(config.today())
nearrepeat_views.week_ahead_section(config.today())
alert_views.subscriptions_section(user)
bra.section()  # Brå: against the country and other municipalities
