"""Insatser: plan, implementation log, SMART goal progress and evaluation of interventions.

The sections are drawn by :mod:`ostan_dash.ui.intervention_page`; this script reads like the
screen: the overview of all interventions, one chosen intervention in four tabs, and the form
that plans a new one.
"""

import streamlit as st

from ostan_dash import config
from ostan_dash.ui import intervention_narratives as say
from ostan_dash.ui import intervention_page as page
from ostan_dash.ui import login, navigation, widgets

st.title("Insatser")
user = login.page_user("insatser")
can_write = navigation.may_write(user.role, "insatser")
today = config.today()

unit_costs = page.load_unit_costs()
ivs = page.load_interventions()
if ivs.is_empty():
    st.info(
        "Det finns inga insatser än. Planera den första under **Planera ny insats** nedan, "
        "gärna utifrån en problembild med orsaksanalys."
    )
st.caption(say.intro(today))

followups = page.overview(ivs, today, unit_costs)

# One intervention ----------------------------------------------------------------------------
# (id, title) of one just planned below, shown until a run reaches the end of the page.
created = widgets.once("iv_created")
if followups:
    row = page.pick(ivs, created)
    st.header(row["title"])
    st.markdown(say.headline(row))
    tab_plan, tab_log, tab_smart, tab_eval = st.tabs(
        ["Plan", "Genomförande", "SMART-mål", "Utvärdering"]
    )
    with tab_plan:
        page.plan_tab(row, user, can_write=can_write)
    with tab_log:
        page.log_tab(row["intervention_id"], user, can_write=can_write, today=today)
    with tab_smart:
        followup, buffer_m = page.smart_tab(
            row, followups[row["intervention_id"]], today=today, unit_costs=unit_costs
        )
    with tab_eval:
        page.evaluation_tab(row, followup, buffer_m)

# Plan a new intervention -----------------------------------------------------------------------
if can_write:
    # Open after a save too, so that its confirmation is seen where the user clicked.
    with st.expander("Planera ny insats", expanded=ivs.is_empty() or bool(created)):
        page.new_intervention(user, today=today, created=created)

# The confirmations have been drawn in a run that finished: the next one is quiet.
widgets.drop_shown()
