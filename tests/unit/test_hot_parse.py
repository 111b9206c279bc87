"""The binary COPY parser reads only the layout it knows and refuses anything else (a NULL, a
missing field, columns of unequal length), so the reader falls back to CSV instead of misreading."""

from __future__ import annotations

import datetime as dt
import struct

import numpy as np
import polars as pl
import pytest

from ostan_dash.store import hot

HEADER = hot._SIGNATURE + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = b"\xff\xff"
OID = {">i8": 20, ">i4": 23, ">f8": 701}


def _array(values, kind: str, *, null_at: int | None = None) -> bytes:
    """``values`` in PostgreSQL's binary array format (array_send), one dimension."""
    dtype = np.dtype(kind)
    out = struct.pack(">iiIii", 1, int(null_at is not None), OID[kind], len(values), 1)
    for i, v in enumerate(values):
        if i == null_at:
            out += struct.pack(">i", -1)
        else:
            out += struct.pack(">i", dtype.itemsize) + np.array([v], dtype=dtype).tobytes()
    return out


def _stream(columns: dict[str, list], **broken) -> bytes:
    row = struct.pack(">h", len(hot.COLUMNS))
    for name, kind in hot.COLUMNS:
        field = _array(columns[name], kind, null_at=broken.get(name))
        row += struct.pack(">i", len(field)) + field
    return HEADER + row + TRAILER


def _columns(n: int) -> dict[str, list]:
    cols = {name: [0] * n for name, _ in hot.COLUMNS}
    cols["id"] = list(range(1, n + 1))
    cols["kind"] = [1] * n
    return cols


KINDS = pl.DataFrame(
    {"source": ["est"], "category": ["skadegorelse"], "subtype": ["klotter"], "object_type": [""]}
)


def test_a_well_formed_stream_is_read_back_row_for_row():
    cols = _columns(3)
    cols["x"] = [1.5, float("nan"), 3.0]
    cols["area_id"] = [7, -1, 9]
    # 1969-12-31 23:59:59.5 UTC: floors to 23:59:59 like floor(extract(epoch ...)).
    cols["t_from"] = [-946_684_800_500_000, 0, 1]
    cols["t_to"] = cols["t_from"]
    frame = hot.frame_of(hot.parse_binary_copy(_stream(cols)), KINDS)
    assert frame["id"].to_list() == [1, 2, 3]
    assert frame["x"].to_list() == [1.5, None, 3.0]
    assert frame["area_id"].to_list() == [7, None, 9]
    assert frame["object_type"].to_list() == [None, None, None]
    assert frame["category"].cast(pl.Utf8).to_list() == ["skadegorelse"] * 3
    utc = [t.astimezone(dt.UTC) for t in frame["occurred_from"]]
    assert utc[0] == dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    assert utc[1] == utc[2] == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert str(frame.schema["occurred_from"].time_zone) == "Europe/Stockholm"


def test_no_rows_give_an_empty_frame():
    empty = HEADER + struct.pack(">h", len(hot.COLUMNS))
    empty += struct.pack(">i", -1) * len(hot.COLUMNS) + TRAILER  # array_agg of nothing: NULL
    frame = hot.frame_of(hot.parse_binary_copy(empty), KINDS)
    assert frame.height == 0 and frame.width == 11


def test_a_null_inside_a_column_is_refused():
    with pytest.raises(ValueError):
        hot.parse_binary_copy(_stream(_columns(2), y=1))


def test_a_stream_of_another_layout_is_refused():
    cols = _columns(2)
    cols["x"] = [1.0]  # one column shorter than the others
    with pytest.raises(ValueError):
        hot.parse_binary_copy(_stream(cols))
    with pytest.raises(ValueError):
        hot.parse_binary_copy(_stream(_columns(2))[:-3] + TRAILER)
    with pytest.raises(ValueError):
        hot.parse_binary_copy(b"id,source\n1,est\n")
