"""Cached loaders: finished Polars frames for the pages (the store does the reading).

Every cache is keyed by the database's data version (``sql/024_data_version.sql``), which the
database raises with every write to the tables the pages read, from any process or session.
A rerun takes the version (held in memory, ``store/version_watch.py``) and gets the held frame
while nothing changed, a fresh one right after anything did; there is no timer in a user's
click path, and the held frames of older versions are dropped (``max_entries``). The incident
frame, the largest, is held once per visibility and refreshed by the rows that changed
(:func:`_incidents`, ``store/hot.py``).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import polars as pl
import streamlit as st

from ostan_dash.store import hot, population, queries, streets
from ostan_dash.ui.versioned import cached, current_version

Fingerprint = tuple[int, int, int, str]
""":func:`version`'s key for caches derived from an incident frame."""

_LOADED_AT: dict[int, tuple[weakref.ref[pl.DataFrame], Fingerprint]] = {}
"""``id(frame)`` → the fingerprint of an incident frame held by the cache (see :func:`version`):
its height and highest id (taken once when it was read), the data version it was read at and
what its reader could see."""


def incidents() -> pl.DataFrame:
    """The EST reports this user may see (``sql/032_sharing_policy.sql``), and the police-reported
    crimes this user may see row by row (``sql/014_police_rows.sql``): one frame per visibility,
    held once per process, at least as new as the data version and never mutated (a newer
    version makes a new frame)."""
    stamp = current_version()
    return _incidents(visibility(stamp), stamp)


def visibility(stamp: int) -> str:
    """What the acting user may see (``queries.visibility_key``), asked of the database once
    per login check (``auth.RECHECK``) and data version: the sharing policy is versioned, and a
    user's changed organisation is seen with the next check of their login, as their role is.
    Outside a checked login (the bench, tests' own reads) it is asked every time."""
    checked = st.session_state.get("ostan_checked")
    if checked is None:
        return queries.visibility_key()
    token = (checked.sid, checked.user.id, checked.at, stamp)
    held = st.session_state.get(_VISIBILITY)
    if held is not None and held[0] == token:
        return held[1]
    key = queries.visibility_key()
    st.session_state[_VISIBILITY] = (token, key)
    return key


_VISIBILITY = "ostan_visibility"


def _incidents(visibility: str, stamp: int) -> pl.DataFrame:
    """The frame of what the database lets the reader see, at data version ``stamp`` or newer:
    one frame per visibility key, held once per process (:data:`_HELD`). A newer version
    refreshes it by the rows that changed (``hot.hold``) instead of reading every row again; an
    older one (a session that read the version a moment before) gets the held, newer frame.
    The read runs under the user's role, so the database decides the rows (the key only keeps
    the kinds of frame apart)."""
    found = _held(visibility)
    if found is not None and found[0] >= stamp:
        return found[1].frame
    with _reader(visibility):  # one read per visibility at a time; the others wait for it
        found = _held(visibility)
        if found is not None and found[0] >= stamp:
            return found[1].frame
        with st.spinner("Läser händelser …"):  # shown only if it takes a while
            fresh = hot.hold(base=found[1] if found is not None else None)
        remember(fresh.frame, stamp, visibility)
        with _HELD_LOCK:
            _HELD[visibility] = (stamp, fresh)
            _HELD.move_to_end(visibility)
            while len(_HELD) > HELD_VISIBILITIES:
                _HELD.popitem(last=False)
        return fresh.frame


HELD_VISIBILITIES = 2
"""Frames kept per process, one per visibility key, the least recently read going first."""
_HELD: OrderedDict[str, tuple[int, hot.Held]] = OrderedDict()
"""Visibility key → the data version its frame was last read or refreshed at, and the frame
with its database snapshot (the base of the next refresh). Only the newest frame of a
visibility is held: a refresh lets the one before it go."""
_HELD_LOCK = threading.Lock()
_READERS: dict[str, threading.Lock] = {}


def _held(visibility: str) -> tuple[int, hot.Held] | None:
    with _HELD_LOCK:
        found = _HELD.get(visibility)
        if found is not None:
            _HELD.move_to_end(visibility)
        return found


def _reader(visibility: str) -> threading.Lock:
    with _HELD_LOCK:
        return _READERS.setdefault(visibility, threading.Lock())


def remember(frame: pl.DataFrame, stamp: int, visibility: str) -> pl.DataFrame:
    """Note the data version ``frame`` was read at and its reader's visibility key, for
    :func:`version`; the notes of frames of older versions go (eight are kept)."""
    top = int(frame["id"].max() or 0) if frame.height else 0  # once, not on every rerun
    _LOADED_AT[id(frame)] = (weakref.ref(frame), (frame.height, top, stamp, visibility))
    while len(_LOADED_AT) > 8:  # frames of older versions are gone from the cache
        del _LOADED_AT[next(iter(_LOADED_AT))]
    return frame


def sees_police_rows() -> bool:
    """Whether the acting user sees the police's crimes row by row (asked of the database)."""
    return bool(queries.sees_police_rows())


@cached(shared=True)
def areas(stamp: int) -> pl.DataFrame:
    """Areas with population and outlines."""
    return queries.areas()


@cached(shared=True)
def search_targets(stamp: int) -> pl.DataFrame:
    """Streets and places a map can be centred on (``store.streets.search_targets``)."""
    return streets.search_targets()


@cached(shared=True)
def organisations(stamp: int) -> pl.DataFrame:
    """Organisations."""
    return queries.organisations()


@cached(shared=True)
def population_cells(stamp: int) -> pl.DataFrame:
    """The population grid (SCB's befolkning på rutor or the demo's): one row per cell with
    ``cell_id, cell_size, x0, y0, population, daytime, year``; empty when none is loaded."""
    return population.cells()


def version(frame: pl.DataFrame) -> Fingerprint:
    """A fingerprint of the incident frame for derived caches' keys: row count, highest id, the
    data version it was read at (an edited report changes neither count nor highest id) and
    what its reader may see (``ostan_visibility_key()``: a user who sees police crimes only by
    area has the same rows, count and ids as one who sees their points, and must never be
    given a table or grid derived from the other's frame)."""
    held = _LOADED_AT.get(id(frame))
    if held is not None and held[0]() is frame:  # not another frame that reuses a freed id
        return held[1]
    top = int(frame["id"].max() or 0) if frame.height else 0
    return frame.height, top, -1, f"frame {id(frame)}"


def clear() -> None:
    """Forget the small cached frames after a write of this process (areas, organisations,
    the population grid). The incident frame is kept: the write raised the data version, so the
    next rerun refreshes it by the rows that changed (``hot.hold``) instead of reading every
    row again, which dropping it here would force."""
    areas.clear()
    organisations.clear()
    population_cells.clear()


def clear_process() -> None:
    """Forget every cached read and resource of this process, the incident frames included (the
    bench between scales: another database may have the same data version)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    with _HELD_LOCK:
        _HELD.clear()
    _LOADED_AT.clear()
