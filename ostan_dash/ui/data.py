"""Cached loaders: finished Polars frames for the pages (the store does the reading)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ostan_dash.store import population, queries

TTL_SECONDS = 120


def incidents() -> pl.DataFrame:
    """Every EST report, and the police-reported crimes this user may see row by row
    (``sql/014_police_rows.sql``): one frame per visibility, held once per process and
    never mutated."""
    return _incidents(sees_police_rows())


@st.cache_resource(ttl=TTL_SECONDS, show_spinner="Läser händelser …")
def _incidents(with_police: bool) -> pl.DataFrame:
    """Keyed by what the database lets the reader see; the read itself runs under the user's
    role, so the database decides the rows (the key only keeps the two kinds of frame apart)."""
    return queries.incidents()


def sees_police_rows() -> bool:
    """Whether the acting user sees the police's crimes row by row (asked of the database)."""
    return bool(queries.sees_police_rows())


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
    _incidents.clear()
    areas.clear()
    organisations.clear()
    population_cells.clear()
