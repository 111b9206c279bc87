"""Options for select boxes, read from a frame of ids and names (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import polars as pl

NONE_LABEL = "–"


def labelled(frame: pl.DataFrame, key: str, label: str, *, none: bool = False) -> dict[Any, str]:
    """``{id: name}`` in the frame's order, for a selectbox's ``format_func``; with ``none`` a
    first choice ``None: "–"`` (nothing chosen).

    >>> labelled(pl.DataFrame({"id": [3, 1], "name": ["Torget", "Parken"]}), "id", "name", none=True)
    {None: '–', 3: 'Torget', 1: 'Parken'}
    """
    opts = dict(zip(frame[key].to_list(), frame[label].to_list(), strict=True))
    return {None: NONE_LABEL, **opts} if none else opts


def position(options: Mapping[Hashable, str], value: Hashable) -> int:
    """The index of ``value`` among ``options``, the first one when it is not there (a user's
    own organisation as the default owner, when it has one).

    >>> position({1: "Polisen", 2: "Kommunen"}, 2), position({1: "Polisen"}, None)
    (1, 0)
    """
    keys = list(options)
    return keys.index(value) if value in options else 0
