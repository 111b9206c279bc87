"""Publicera: an analyst chooses what the public page (/offentlig) shows, previews the frozen,
suppressed figures, publishes with a plain Swedish text, and withdraws what should go.

The sections are drawn by :mod:`ostan_dash.ui.public_page`."""

import streamlit as st

from ostan_dash import config
from ostan_dash.store import public as public_store
from ostan_dash.ui import login, navigation
from ostan_dash.ui import public_page as page

user = login.page_user("publicera")
can_write = navigation.may_write(user.role, "publicera")
today = config.today()

st.title("Publicera")
st.caption(
    "Välj vad som visas på den offentliga sidan för invånare (/offentlig, utan inloggning). "
    "Siffrorna räknas per område och månad när du publicerar och fryses; antal under fem visas "
    "som 'färre än 5'. Inga punkter och ingen fritext ur rapporterna publiceras."
)
st.page_link("content/offentlig.py", label="Öppna den offentliga sidan", icon="🌐")
page.flash()

if can_write:
    st.header("Publicera något nytt")
    draft = page.choose(today)
    if draft is not None:
        page.publish_form(draft, user, today=today)

st.header("Publicerat")
items = public_store.items()
page.published(items, user, can_write=can_write)
page.withdrawn(items)
