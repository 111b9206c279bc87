"""Cached loaders of the Områden and Trygghetsundersökning pages (the store does the reading)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from ostan_dash.analysis import areas as area_analysis
from ostan_dash.store import areas as store

TTL_SECONDS = 120


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def indicators() -> pl.DataFrame:
    """The yearly area indicators."""
    return store.indicators()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def incident_counts() -> pl.DataFrame:
    """Incidents and police crimes per area, year and category."""
    return store.incident_counts()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def recent_incident_counts(today: dt.date) -> pl.DataFrame:
    """Incidents per area in the last 91 days and the same days a year earlier."""
    return store.recent_incident_counts(today)


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Läser enkätsvar …")
def survey_responses() -> pl.DataFrame:
    """Every survey answer (no personal data: year, area, weight, four booleans)."""
    return store.survey_responses()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def thresholds_raw() -> object:
    """The stored thresholds (JSON), None when never saved."""
    return store.get_setting(area_analysis.SETTINGS_KEY)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def focus_areas() -> pl.DataFrame:
    """Every recorded quarter's focus areas."""
    return store.focus_areas()


def clear_settings() -> None:
    """Forget the cached settings and focus areas (after a write)."""
    thresholds_raw.clear()
    focus_areas.clear()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def survey_shares() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Weighted shares with 95 % Wilson intervals and year-on-year changes: per area and year,
    and for the whole municipality per year (cells with fewer than 30 answers suppressed)."""
    from ostan_dash.analysis.survey import weighted_shares

    responses = survey_responses()
    questions = list(store.SURVEY_QUESTIONS)
    per_area = weighted_shares(responses, by=["area_id", "year"], answer_cols=questions)
    whole = weighted_shares(responses, by=["year"], answer_cols=questions)
    return (
        area_analysis.survey_changes(per_area, by="area_id"),
        area_analysis.survey_changes(whole, by=[]),
    )
