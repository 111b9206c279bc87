"""Loaders cached by the database's data version (``sql/024_data_version.sql``, issue 14).

A loader written as ``def load(stamp: int, …)`` and decorated with :func:`cached` is called
without the stamp; each call asks for the data version (one one-row query) and gets the held
result while nothing changed, a fresh read right after any write from any session or process.
Nothing expires by a timer in a user's click path; ``max_entries`` drops older versions.

Loaders that are called many times in one run (one per row of a table) take the version
as an argument instead, read once by the caller (:func:`current_version`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

import streamlit as st

from ostan_dash.store import queries

P = ParamSpec("P")
R = TypeVar("R")


def current_version() -> int:
    """The database's data version now (read before the data it keys)."""
    return queries.data_version()


class Versioned(Generic[P, R]):
    """A cached loader called without its data version: :meth:`__call__` supplies it."""

    def __init__(self, load: Callable[Concatenate[int, P], R]) -> None:
        self._load = load
        self.__doc__ = load.__doc__
        self.__name__ = getattr(load, "__name__", "loader")

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._load(current_version(), *args, **kwargs)

    def clear(self) -> None:
        """Free the held results at once (the data version already makes them unused)."""
        self._load.clear()  # type: ignore[attr-defined]


def cached(
    *,
    max_entries: int = 2,
    show_spinner: bool | str = False,
    shared: bool = False,
    **options: Any,
) -> Callable[[Callable[Concatenate[int, P], R]], Versioned[P, R]]:
    """``st.cache_data`` keyed by the data version, passed as the loader's first argument;
    ``max_entries`` (two by default: the version in use and the one before) drops the rest.

    ``shared``: ``st.cache_resource`` instead, the one held object for every caller, not a
    copy unpickled on every call (a Polars frame, which no caller changes in place: the
    population grid was unpickled on every Karta rerun)."""

    def wrap(load: Callable[Concatenate[int, P], R]) -> Versioned[P, R]:
        cache = st.cache_resource if shared else st.cache_data
        held = cache(max_entries=max_entries, show_spinner=show_spinner, **options)(load)
        return Versioned(held)

    return wrap
