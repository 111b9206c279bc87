"""Cached loaders of the Områden and Trygghetsundersökning pages (the store does the reading).

Keyed by the database's data version like ``ui/data.py``: a write from any process shows on
the next rerun, and no cache expires by a timer in a user's click path."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from ostan_dash.analysis import areas as area_analysis
from ostan_dash.store import areas as store
from ostan_dash.ui import data


def _keyed(loader):
    """A public loader that asks the data version and calls the versioned cache ``loader``;
    ``.clear`` forgets the cache (kept for callers and tests that free it after a write)."""

    def public(*args):
        return loader(*args, data.current_version())

    public.__doc__ = loader.__doc__
    public.__name__ = loader.__name__.lstrip("_")
    public.clear = loader.clear  # type: ignore[attr-defined]
    return public


@st.cache_data(max_entries=2, show_spinner=False)
def _indicators(stamp: int) -> pl.DataFrame:
    """The yearly area indicators."""
    return store.indicators()


@st.cache_data(max_entries=2, show_spinner=False)
def _incident_counts(stamp: int) -> pl.DataFrame:
    """Incidents and police crimes per area, year and category."""
    return store.incident_counts()


@st.cache_data(max_entries=4, show_spinner=False)
def _recent_incident_counts(today: dt.date, stamp: int) -> pl.DataFrame:
    """Incidents per area in the last 91 days and the same days a year earlier."""
    return store.recent_incident_counts(today)


@st.cache_data(max_entries=2, show_spinner="Läser enkätsvar …")
def _survey_responses(stamp: int) -> pl.DataFrame:
    """Every survey answer (no personal data: year, area, weight, four booleans)."""
    return store.survey_responses()


@st.cache_data(max_entries=2, show_spinner=False)
def _thresholds_raw(stamp: int) -> object:
    """The stored thresholds (JSON), None when never saved."""
    return store.get_setting(area_analysis.SETTINGS_KEY)


@st.cache_data(max_entries=2, show_spinner=False)
def _focus_areas(stamp: int) -> pl.DataFrame:
    """Every recorded quarter's focus areas."""
    return store.focus_areas()


@st.cache_data(max_entries=2, show_spinner=False)
def _survey_shares(stamp: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Weighted shares with 95 % Wilson intervals and year-on-year changes: per area and year,
    and for the whole municipality per year (cells with fewer than 30 answers suppressed)."""
    from ostan_dash.analysis.survey import weighted_shares

    responses = _survey_responses(stamp)
    questions = list(store.SURVEY_QUESTIONS)
    per_area = weighted_shares(responses, by=["area_id", "year"], answer_cols=questions)
    whole = weighted_shares(responses, by=["year"], answer_cols=questions)
    return (
        area_analysis.survey_changes(per_area, by="area_id"),
        area_analysis.survey_changes(whole, by=[]),
    )


indicators = _keyed(_indicators)
incident_counts = _keyed(_incident_counts)
recent_incident_counts = _keyed(_recent_incident_counts)
survey_responses = _keyed(_survey_responses)
thresholds_raw = _keyed(_thresholds_raw)
focus_areas = _keyed(_focus_areas)
survey_shares = _keyed(_survey_shares)


def clear_settings() -> None:
    """Forget the cached settings and focus areas (after a write)."""
    _thresholds_raw.clear()
    _focus_areas.clear()
