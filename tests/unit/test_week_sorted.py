"""overview.with_week_sorted: the local ISO week of each row of a time-ordered frame found by
binary search on the Monday midnights equals the per-row local date's week (with_week), across
the changes to and from summer time; rows outside the weeks asked for get none."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from ostan_dash.analysis import overview


def _times(seconds: np.ndarray) -> pl.DataFrame:
    local = (
        pl.Series(np.sort(seconds) * 1_000_000)
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone("Europe/Stockholm")
    )
    return pl.DataFrame({"occurred_from": local.set_sorted(), "n": np.arange(len(seconds))})


@pytest.mark.parametrize("seed", [1, 2])
def test_weeks_by_binary_search_equal_the_local_dates_weeks(seed):
    rng = np.random.default_rng(seed)
    # 2023-01-01 … 2024-12-31 UTC, with extra rows in the hours around the clock changes.
    spread = rng.integers(1_672_531_200, 1_735_689_600, 20_000)
    changes = np.array([1_679_792_400, 1_698_541_200, 1_711_846_800, 1_729_990_800])
    near = (changes[:, None] + rng.integers(-7_200, 7_200, (4, 500))).ravel()
    frame = _times(np.concatenate([spread, near]))
    first, last = dt.date(2023, 3, 6), dt.date(2024, 11, 4)

    found = overview.with_week_sorted(frame, first, last)["week_start"]
    expected = overview.with_week(frame).collect()["week_start"]

    inside = expected.is_between(first, last)
    assert (found.filter(inside) == expected.filter(inside)).all()
    assert found.filter(~inside).null_count() == (~inside).sum() > 0


def test_a_frame_not_in_time_order_gets_the_per_row_weeks():
    frame = _times(np.array([1_700_000_000, 1_690_000_000])).with_columns(
        pl.col("occurred_from").reverse()
    )
    found = overview.with_week_sorted(frame, dt.date(2023, 7, 17), dt.date(2023, 11, 13))
    assert (
        found["week_start"].to_list() == overview.with_week(frame).collect()["week_start"].to_list()
    )
