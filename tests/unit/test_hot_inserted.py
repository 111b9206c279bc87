"""store.hot.inserted: new rows put into the time-ordered incident frame by binary search give
the frame a full sort would, piece by piece or made one chunk again."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ostan_dash.store import hot


def _frame(rng: np.random.Generator, n: int, start_id: int) -> pl.DataFrame:
    seconds = np.sort(rng.integers(0, 10 * 365 * 86_400, n))
    return pl.DataFrame(
        {
            "id": np.arange(start_id, start_id + n),
            "subtype": rng.choice(["klotter", "brand", "stöld"], n),
            "occurred_from": pl.Series(seconds * 1_000_000).cast(pl.Datetime("us")),
        }
    ).with_columns(
        pl.col("occurred_from").dt.replace_time_zone("UTC").dt.convert_time_zone("Europe/Stockholm")
        + dt.timedelta(0)
    )


@pytest.mark.parametrize("n_new", [0, 1, 7, hot.MAX_CHUNKS, 500])
def test_rows_inserted_by_binary_search_equal_a_full_sort(n_new):
    rng = np.random.default_rng(n_new)
    frame, rows = _frame(rng, 5_000, 0), _frame(rng, n_new, 10_000)
    out = hot.inserted(frame, rows)
    assert out["occurred_from"].is_sorted()
    expected = pl.concat([frame, rows]).sort("occurred_from", "id")
    assert_frame_equal(out.sort("occurred_from", "id"), expected)
    assert out.n_chunks() <= hot.MAX_CHUNKS


def test_rows_before_the_first_and_after_the_last_find_their_ends():
    rng = np.random.default_rng(1)
    frame = _frame(rng, 100, 0)
    first, last = frame["occurred_from"][0], frame["occurred_from"][-1]
    rows = frame.head(2).with_columns(
        id=pl.Series([900, 901]),
        occurred_from=pl.Series([first - dt.timedelta(days=1), last + dt.timedelta(days=1)]),
    )
    out = hot.inserted(frame, rows)
    assert out["id"][0] == 900 and out["id"][-1] == 901 and out.height == 102


@pytest.mark.parametrize("n_gone", [0, 1, 5, 300])
def test_rows_removed_by_cutting_equal_a_filter(n_gone):
    rng = np.random.default_rng(100 + n_gone)
    frame = _frame(rng, 2_000, 0)
    gone = rng.choice(frame["id"].to_numpy(), n_gone, replace=False).tolist()
    out = hot.removed(frame, pl.col("id").is_in(gone))
    assert_frame_equal(out, frame.filter(~pl.col("id").is_in(gone)))
    if n_gone == 0:
        assert out is frame
    # The refresh puts the new rows in next; with none, the pieces are made one again.
    assert hot.inserted(out, frame.head(0)).n_chunks() <= hot.MAX_CHUNKS
