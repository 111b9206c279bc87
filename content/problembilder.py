"""Problembilder: prioritise problem pictures by the six criteria and record their cause analysis.

The sections are drawn by :mod:`ostan_dash.ui.problem_page`; this script reads like the screen:
the ranking, one chosen problem picture (criteria, cause analysis, knowledge bank, status), and
the form for a new one, prefilled from the map's selection.
"""

import streamlit as st

from ostan_dash import config
from ostan_dash.analysis import problems as ap
from ostan_dash.filters import Filters
from ostan_dash.ui import data, login, navigation, widgets
from ostan_dash.ui import problem_narratives as say
from ostan_dash.ui import problem_page as page
from ostan_dash.ui.filters import follow

st.title("Problembilder")
user = login.page_user("problembilder")
can_write = navigation.may_write(user.role, "problembilder")
today = config.today()

problems, criteria = page.load_problems()
settings = page.load_settings()  # (unit costs, criteria thresholds)
areas = data.areas()
st.caption(say.INTRO)

ranked = page.ranking(problems, criteria, today)

# One problem picture -------------------------------------------------------------------------
# (id, title) of one just made below, shown until a run reaches the end of the page.
created = widgets.once("pb_created")
if not problems.is_empty():
    pb = page.pick(problems, ranked, created)
    chosen = pb["problem_id"]
    st.header(pb["title"])
    st.markdown(say.summary(pb))
    tab_crit, tab_cause, tab_lib = st.tabs(["Kriterier", "Orsaksanalys", "Kunskapsbank"])
    with tab_crit:
        page.criteria_tab(
            chosen,
            criteria,
            reference=ap.reference_day(pb["period_to"], today),
            settings=settings,
            user=user,
            can_write=can_write,
        )
    sources, types = page.load_library()
    with tab_cause:
        page.cause_tab(chosen, sources, user, can_write=can_write)
    with tab_lib:
        page.library_tab(sources, types)
    if can_write:
        page.status_form(pb, user)

# New problem picture (prefilled from the map's filters in the URL) ---------------------------
if can_write:
    # Preselected from the filters in the address or chosen on another page (Karta, Översikt).
    f = Filters.from_query_params(follow())
    fill = page.prefill(f, areas)
    # Open after a save too, so that its confirmation is seen where the user clicked.
    with st.expander(
        "Ny problembild", expanded=fill.from_map or problems.is_empty() or bool(created)
    ):
        page.new_problem(user, f=f, fill=fill, areas=areas, today=today, created=created)

# The confirmations have been drawn in a run that finished: the next one is quiet.
widgets.drop_shown()
