"""Caches derived from the incident frame are keyed by ``data.version``: frames of the same
rows read by users who see different things (police crimes with points, or only by area) must
never share a key."""

from __future__ import annotations

import polars as pl

from ostan_dash.ui import data


def _frame() -> pl.DataFrame:
    return pl.DataFrame({"id": [3, 1, 2], "x": [1.0, None, 2.0]})


def test_the_same_rows_seen_differently_have_different_fingerprints():
    with_points = data.remember(_frame(), 41, "true:1,2")
    by_area = data.remember(_frame().with_columns(x=None), 41, "false:1,2")
    assert data.version(with_points) != data.version(by_area)
    assert data.version(with_points) == (3, 3, 41, "true:1,2")


def test_a_frame_read_at_another_version_has_another_fingerprint():
    frame = _frame()
    before = data.version(data.remember(frame, 41, "true:1,2"))
    assert data.version(data.remember(frame, 42, "true:1,2")) != before


def test_a_frame_not_read_through_the_loader_is_keyed_by_itself():
    a, b = _frame(), _frame()
    assert data.version(a) != data.version(b)  # never another frame's entry
