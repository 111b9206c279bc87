"""Aoristic hot times (Ratcliffe 2002) against hand examples and a published table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest

from ostan_dash.analysis.hottimes import (
    WEEKDAYS_SV,
    aoristic_weights,
    hot_time_matrix,
    hot_time_wide,
)

DATA = Path(__file__).parents[1] / "data"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def incidents(*windows: tuple[str, str | None]) -> pl.DataFrame:
    """Naive local windows, ids 1, 2, …"""
    return pl.DataFrame(
        {
            "id": list(range(1, len(windows) + 1)),
            "occurred_from": [w[0] for w in windows],
            "occurred_to": [w[1] for w in windows],
        },
        schema_overrides={"occurred_to": pl.String},
    ).with_columns(pl.col("occurred_from", "occurred_to").str.to_datetime("%Y-%m-%d %H:%M"))


def as_dict(weights: pl.DataFrame) -> dict[tuple[int, int], float]:
    return {(d, h): w for d, h, w in weights.select("weekday", "hour", "weight").iter_rows()}


# 2025-06-02 is a Monday.
@pytest.mark.parametrize(
    ("window", "expected"),
    [
        pytest.param(("2025-06-02 10:00", "2025-06-02 10:00"), {(1, 10): 1.0}, id="point"),
        pytest.param(("2025-06-02 10:15", None), {(1, 10): 1.0}, id="missing-end"),
        pytest.param(("2025-06-02 10:15", "2025-06-02 08:00"), {(1, 10): 1.0}, id="reversed-end"),
        pytest.param(("2025-06-02 10:15", "2025-06-02 10:45"), {(1, 10): 1.0}, id="within-hour"),
        pytest.param(
            ("2025-06-02 10:30", "2025-06-02 12:00"),
            {(1, 10): 1 / 3, (1, 11): 2 / 3},
            id="ends-on-the-hour",
        ),
        pytest.param(
            ("2025-06-08 23:00", "2025-06-09 01:00"),
            {(7, 23): 0.5, (1, 0): 0.5},
            id="sunday-to-monday",
        ),
        pytest.param(
            ("2025-06-06 18:00", "2025-06-09 06:00"),
            {(5, h): 1 / 60 for h in range(18, 24)}
            | {(d, h): 1 / 60 for d in (6, 7) for h in range(24)}
            | {(1, h): 1 / 60 for h in range(6)},
            id="weekend",
        ),
    ],
)
def test_aoristic_weights_hand_examples(window, expected):
    got = as_dict(aoristic_weights(incidents(window)))
    assert got.keys() == expected.keys()
    np.testing.assert_allclose([got[k] for k in expected], list(expected.values()))


@pytest.mark.parametrize(
    ("window", "uniform"),
    [
        pytest.param(("2025-06-02 10:00", "2025-06-09 10:00"), True, id="exactly-a-week"),
        pytest.param(("2025-06-02 10:20", "2025-07-01 03:00"), True, id="a-month"),
        pytest.param(("2025-06-02 10:20", "2025-06-09 10:00"), False, id="just-under-a-week"),
    ],
)
def test_long_windows_cover_every_bin(window, uniform):
    weights = aoristic_weights(incidents(window))
    assert weights.height == 168
    assert weights["weight"].sum() == pytest.approx(1.0)
    assert np.allclose(weights["weight"].to_numpy(), 1 / 168) == uniform


def test_just_under_a_week_merges_first_and_last_partial_hour():
    # 10:20 Monday to 10:00 next Monday: Monday 10:00 gets 40 min at the start and nothing at
    # the end, every other hour a full 60 min, out of 167 h 40 min.
    got = as_dict(aoristic_weights(incidents(("2025-06-02 10:20", "2025-06-09 10:00"))))
    total = 167 * 60 + 40
    assert got[(1, 10)] == pytest.approx(40 / total)
    assert got[(1, 11)] == pytest.approx(60 / total)


@pytest.mark.parametrize(
    ("day", "clock", "expected"),
    [
        # Spring: 01:30 CET to 03:30 CEST is one real hour; 02:00-02:59 never happens.
        pytest.param("2025-03-30", "elapsed", {(7, 1): 0.5, (7, 3): 0.5}, id="spring-elapsed"),
        # Autumn: 01:30 CEST to 03:30 CET is three real hours, two of them at 02 o'clock.
        pytest.param(
            "2025-10-26",
            "elapsed",
            {(7, 1): 1 / 6, (7, 2): 2 / 3, (7, 3): 1 / 6},
            id="autumn-elapsed",
        ),
        pytest.param(
            "2025-03-30", "wall", {(7, 1): 0.25, (7, 2): 0.5, (7, 3): 0.25}, id="spring-wall"
        ),
        pytest.param(
            "2025-10-26", "wall", {(7, 1): 0.25, (7, 2): 0.5, (7, 3): 0.25}, id="autumn-wall"
        ),
    ],
)
def test_dst_change_days_in_stockholm(day, clock, expected):
    df = incidents((f"{day} 01:30", f"{day} 03:30"))
    for frame in (
        df,
        df.with_columns(pl.col("occurred_from", "occurred_to").dt.cast_time_unit("ms")),
    ):
        got = as_dict(aoristic_weights(frame, clock=clock))
        assert got.keys() == expected.keys()
        np.testing.assert_allclose([got[k] for k in expected], list(expected.values()))
    matrix = as_dict(hot_time_matrix(df, clock=clock).filter(pl.col("weight") > 0))
    np.testing.assert_allclose([matrix[k] for k in expected], list(expected.values()))


@pytest.mark.parametrize(
    ("naive", "expected"),
    [
        pytest.param("2025-03-30 02:30", (7, 3), id="spring-gap-read-with-winter-offset"),
        pytest.param("2025-10-26 02:30", (7, 2), id="autumn-repeat-read-as-first"),
        pytest.param("2025-06-02 02:30", (1, 2), id="ordinary"),
    ],
)
def test_naive_times_at_dst_edges(naive, expected):
    # Same reading as zoneinfo with fold=0.
    local = datetime.fromisoformat(naive).replace(tzinfo=STOCKHOLM).astimezone(UTC)
    assert (local.astimezone(STOCKHOLM).isoweekday(), local.astimezone(STOCKHOLM).hour) == expected
    got = aoristic_weights(incidents((naive, None)))
    assert got.select("weekday", "hour", "weight").rows() == [(*expected, 1.0)]


def random_windows(n: int, seed: int) -> pl.DataFrame:
    """Naive Stockholm windows around both 2025 DST changes, some open or reversed."""
    rng = np.random.default_rng(seed)
    base = np.array(["2025-03-28T00:00", "2025-10-24T00:00"], dtype="datetime64[m]")
    start = base[rng.integers(0, 2, n)] + rng.integers(0, 5 * 24 * 60, n).astype("timedelta64[m]")
    length = rng.choice([0, 1, 30, 59, 60, 61, 150, 600, 3000, 10_020, 10_080, 12_000], n)
    end = start + length.astype("timedelta64[m]")
    reversed_ = rng.random(n) < 0.1
    end[reversed_] = start[reversed_] - np.timedelta64(5, "m")
    df = pl.DataFrame(
        {
            "id": np.arange(n),
            "occurred_from": start.astype("datetime64[us]"),
            "occurred_to": end.astype("datetime64[us]"),
        }
    )
    return df.with_columns(
        occurred_to=pl.when(pl.col("id") % 17 == 0).then(None).otherwise(pl.col("occurred_to"))
    )


@pytest.mark.parametrize("clock", ["elapsed", "wall"])
@pytest.mark.parametrize("seed", [1, 2])
def test_weights_sum_to_one_and_matrix_agrees(seed, clock):
    df = random_windows(3000, seed)
    weights = aoristic_weights(df, clock=clock)
    assert weights.select(pl.struct("id", "weekday", "hour").is_duplicated().any()).item() is False
    assert (weights["weight"] > 0).all()
    per_id = weights.group_by("id").agg(pl.col("weight").sum())
    assert per_id.height == df.height
    np.testing.assert_allclose(per_id["weight"].to_numpy(), 1.0, rtol=1e-12)
    # The matrix is computed by a different route (difference array, no explode).
    matrix = hot_time_matrix(df, clock=clock)
    summed = (
        matrix.select("weekday", "hour")
        .join(
            weights.group_by("weekday", "hour").agg(pl.col("weight").sum()),
            on=["weekday", "hour"],
            how="left",
        )
        .fill_null(0.0)
    )
    np.testing.assert_allclose(matrix["weight"].to_numpy(), summed["weight"].to_numpy(), atol=1e-9)


def test_naive_and_aware_input_agree():
    df = random_windows(2000, seed=3)
    aware = df.with_columns(
        pl.Series(
            name,
            [
                None if t is None else t.replace(tzinfo=STOCKHOLM).astimezone(UTC)
                for t in df[name].to_list()
            ],
            dtype=pl.Datetime("us", "UTC"),
        )
        for name in ("occurred_from", "occurred_to")
    )
    assert aoristic_weights(df).equals(aoristic_weights(aware))


def test_matrix_shape_order_and_empty_input():
    empty = incidents(("2025-06-02 10:00", None)).clear()
    matrix = hot_time_matrix(empty)
    assert matrix.shape == (168, 3)
    assert matrix["weight"].sum() == 0
    assert matrix.select("weekday", "hour").rows()[:2] == [(1, 0), (1, 1)]
    assert matrix.select("weekday", "hour").rows()[-1] == (7, 23)
    assert aoristic_weights(empty).columns == ["id", "weekday", "hour", "weight"]


def test_rows_without_start_are_left_out():
    df = incidents(("2025-06-02 10:00", None), ("2025-06-02 11:00", None)).with_columns(
        occurred_from=pl.when(pl.col("id") == 2).then(None).otherwise(pl.col("occurred_from"))
    )
    assert hot_time_matrix(df)["weight"].sum() == 1.0
    assert aoristic_weights(df)["id"].to_list() == [1]


def test_wrong_types_and_options_are_rejected():
    with pytest.raises(TypeError, match="Datetime or Date"):
        hot_time_matrix(pl.DataFrame({"occurred_from": ["2025-01-01"], "occurred_to": [None]}))
    with pytest.raises(ValueError, match="clock"):
        hot_time_matrix(incidents(("2025-06-02 10:00", None)), clock="local")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="whole number of hours"):
        hot_time_matrix(incidents(("2025-06-02 10:00", "2025-06-02 12:00")), tz="Asia/Kolkata")


def test_hot_time_wide_layout():
    matrix = hot_time_matrix(incidents(("2025-06-08 23:00", "2025-06-09 01:00")))
    wide = hot_time_wide(matrix)
    assert wide.shape == (24, 7)
    assert tuple(wide.columns) == WEEKDAYS_SV == ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
    assert wide["sön"][23] == 0.5
    assert wide["mån"][0] == 0.5
    assert wide.sum_horizontal().sum() == 1.0
    assert hot_time_wide(matrix, hour_col="timme").columns[0] == "timme"


# --- The published DC burglary table (aoristic R package, Ratcliffe) ---------------------------


def dc_burglaries() -> pl.DataFrame:
    """1,025 Washington DC burglaries; the CSV times are UTC instants ("NA" = no end)."""
    return (
        pl.read_csv(DATA / "dcburglaries.csv", null_values="NA")
        .with_row_index("id")
        .with_columns(
            pl.col("StartDateTime", "EndDateTime")
            .str.to_datetime("%Y-%m-%d %H:%M:%S")
            .dt.replace_time_zone("UTC")
        )
    )


def published_table() -> np.ndarray:
    """24 hours × 7 weekdays, Monday first (row 2's label "0000-0159" is a typo for 0100)."""
    table = pl.read_csv(DATA / "dcburgsum_published.csv")
    assert table.columns == ["Range", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert table["Range"][2] == "0200-0259"
    return table.drop("Range").to_numpy()


DC = {"start": "StartDateTime", "end": "EndDateTime", "tz": "America/New_York"}
PRINTED = 0.0005 + 1e-9  # 3 printed decimals


def test_reproduces_published_dc_table():
    # The R package measures windows on the local wall clock, so one burglary whose window
    # crosses the March 2016 spring-forward puts weight in the non-existent 02:00 hour.
    wide = hot_time_wide(hot_time_matrix(dc_burglaries(), **DC, clock="wall"))
    assert np.abs(wide.to_numpy() - published_table()).max() <= PRINTED


def test_dc_table_elapsed_clock_differs_only_by_dst():
    wide = hot_time_wide(hot_time_matrix(dc_burglaries(), **DC)).to_numpy()
    diff = np.abs(wide - published_table())
    assert diff.max() > PRINTED
    assert diff.max() < 0.03
    assert np.unravel_index(diff.argmax(), diff.shape) == (2, 6)  # Sunday 02 o'clock


@pytest.mark.parametrize("tz", ["UTC", "Europe/Stockholm"])
def test_dc_table_binned_in_the_wrong_time_zone_does_not_match(tz):
    wide = hot_time_wide(hot_time_matrix(dc_burglaries(), **(DC | {"tz": tz}), clock="wall"))
    assert np.abs(wide.to_numpy() - published_table()).max() > 1.0


def test_dc_total_weight_is_number_of_burglaries():
    df = dc_burglaries()
    assert df.height == 1025
    assert hot_time_matrix(df, **DC)["weight"].sum() == pytest.approx(1025)
    weights = aoristic_weights(df, **DC, id_col="id")
    assert weights["id"].n_unique() == 1025


def test_input_datetime_timezone_does_not_matter_for_aware_input():
    df = dc_burglaries()
    other = df.with_columns(
        pl.col("StartDateTime", "EndDateTime").dt.convert_time_zone("Asia/Tokyo")
    )
    assert hot_time_matrix(df, **DC).equals(hot_time_matrix(other, **DC))


def test_hour_slot_arithmetic_is_exact_for_microsecond_windows():
    start = datetime(2025, 6, 2, 10, 0)
    df = pl.DataFrame(
        {
            "id": [1],
            "occurred_from": [start],
            "occurred_to": [start + timedelta(hours=1, microseconds=1)],
        }
    )
    got = as_dict(aoristic_weights(df))
    assert got[(1, 11)] == pytest.approx(1 / 3_600_000_001)
