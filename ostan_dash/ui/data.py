"""Cached loaders: finished Polars frames for the pages (the store does the reading)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ostan_dash.store import population, queries

TTL_SECONDS = 120


@st.cache_resource(ttl=TTL_SECONDS, show_spinner="Läser händelser …")
def incidents() -> pl.DataFrame:
    """Every EST report and police-reported crime. Held once per process, not copied per user:
    the frame is never mutated, and nothing in it depends on who asks."""
    return queries.incidents()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def areas() -> pl.DataFrame:
    """Areas with population and outlines."""
    return queries.areas()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def organisations() -> pl.DataFrame:
    """Organisations."""
    return queries.organisations()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def population_cells() -> pl.DataFrame:
    """The population grid (SCB's befolkning på rutor or the demo's): one row per cell with
    ``cell_id, cell_size, x0, y0, population, daytime, year``; empty when none is loaded."""
    return population.cells()


def version(frame: pl.DataFrame) -> tuple[int, int]:
    """A cheap fingerprint of the incident frame for cache keys: row count and highest id."""
    return frame.height, int(frame["id"].max() or 0) if frame.height else 0


def clear() -> None:
    """Forget cached data (after a write)."""
    incidents.clear()
    areas.clear()
    organisations.clear()
    population_cells.clear()
