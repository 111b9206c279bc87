"""Östan-dash: page config, login gate and the navigation this user's role may see."""

import streamlit as st
from sqlalchemy.exc import OperationalError

from ostan_dash import vocab
from ostan_dash.ui import login, navigation, texts

st.set_page_config(page_title=texts.APP_TITLE, page_icon=":material/shield:", layout="wide")

try:
    user = login.gate()
except OperationalError:
    st.error(texts.DB_DOWN)
    st.stop()

st.session_state["user"] = user
pages = [
    st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path, default=(i == 0))
    for i, p in enumerate(navigation.pages_for(user.role))
]
nav = st.navigation(pages)
with st.sidebar:
    st.markdown(f"**{user.name}**  \n{vocab.ROLES[user.role]}, {user.organisation}")
    login.logout_button()
nav.run()
