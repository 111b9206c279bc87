"""Rapportera: file an EST report from a phone in well under a minute, and see one's own reports.

One column, big touch targets. When: now, a time, a window, or a shortcut (Nyss / I natt /
I helgen) that fills the window. Where: a known place from the list, the device's position, or a
tap on the map; the map always shows the chosen point for confirmation. A report that repeats a
recent one is not filed before the reporter chose "Skicka ändå". Mina rapporter shows each
report's status and lets the reporter correct time window and place for 48 hours. The sections
are drawn by :mod:`ostan_dash.ui.report_page`.
"""

import streamlit as st

from ostan_dash.ui import login
from ostan_dash.ui import report_page as page

user = login.page_user("rapportera")
st.title("Rapportera")
st.markdown(page.MOBILE_CSS, unsafe_allow_html=True)

tab_new, tab_mine = st.tabs([page.NEW_TAB, page.MINE_TAB], key="rap_tab", on_change="rerun")


def new_report(user) -> None:
    """The form: what, when, where, free text, send (one column, for a phone)."""
    if page.confirmation():
        return
    what = page.what()
    when = page.when(page.now())
    point = page.where()
    description = page.description()
    page.send(user, what, when, point, description)


def my_reports(user) -> None:
    """The reporter's own reports: status, what they fed, and corrections within 48 hours."""
    mine = page.load_own(user)
    if mine.is_empty():
        st.info("Du har inte skickat några rapporter än.")
        return
    page.saved_notice()
    page.fed_summary(mine)
    page.status_table(mine)
    page.corrections(mine, user)


with tab_new:
    new_report(user)

with tab_mine:
    my_reports(user)
