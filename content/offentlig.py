"""Offentlig sida (/offentlig, utan inloggning): vad arbetet är, fokusområden, insatser med
resultat och utvecklingen per område, bara det en analytiker har publicerat, per område och
månad, med antal under fem som 'färre än 5'. Läses som ostan_offentlig, aldrig som en användare."""

import streamlit as st

from ostan_dash.ui import public_views, texts

st.title(texts.PUBLIC_TITLE)
st.markdown(texts.PUBLIC_INTRO)
public_views.render_published(public_views.published_items())
