"""The scale-out simulation: municipalities apart, one partition each, map/reduce = one pass."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from ostan_dash.bench import scaleout

TZ = "Europe/Stockholm"
COPIES = 3


@pytest.fixture(scope="module")
def city() -> pl.DataFrame:
    """A few thousand incidents over three years, some without area or point, and rows on the
    edges of a local new year and of the spring and autumn clock changes."""
    rng = np.random.default_rng(14)
    n = 4000
    start = dt.datetime(2019, 1, 1, tzinfo=dt.UTC).timestamp()
    seconds = rng.integers(int(start), int(start) + 3 * 365 * 86400, n)
    edges = [
        dt.datetime(2020, 12, 31, 23, 30),  # local 2020, UTC 2020 too
        dt.datetime(2021, 1, 1, 0, 30),  # local 2021, UTC still 2020
        dt.datetime(2020, 3, 29, 3, 0),  # just after the spring change, a Sunday
        dt.datetime(2020, 3, 30, 0, 15),  # the Monday after: a new ISO week
        dt.datetime(2020, 10, 25, 23, 59),  # Sunday of the autumn change
    ]
    local = pl.concat(
        [
            pl.from_epoch(pl.Series(seconds), time_unit="s")
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(TZ),
            pl.Series(edges).dt.replace_time_zone(TZ).dt.cast_time_unit("us"),
        ]
    )
    m = local.len()
    x = rng.uniform(148_000, 160_000, m)
    area = rng.integers(1, 40, m)
    return pl.DataFrame(
        {
            "id": np.arange(1, m + 1) * 7,
            "source": rng.choice(["est", "polis"], m),
            "category": rng.choice(["skadegorelse", "klotter", "vald", "stold"], m),
            "subtype": ["x"] * m,
            "x": [None if i % 97 == 0 else v for i, v in enumerate(x)],
            "y": rng.uniform(6_570_000, 6_585_000, m),
            "area_id": [None if i % 53 == 0 else int(v) for i, v in enumerate(area)],
            "occurred_from": local.dt.cast_time_unit("us"),
        }
    ).with_columns(pl.col("source", "category").cast(pl.Categorical))


@pytest.fixture(scope="module")
def partitions(city, tmp_path_factory):
    return scaleout.write_partitions(city, COPIES, tmp_path_factory.mktemp("parts"))


def test_one_partition_per_municipality(partitions, city):
    assert [p.parent.name for p in partitions] == [f"municipality_id={k}" for k in range(COPIES)]
    for k, path in enumerate(partitions):
        part = pl.read_parquet(path)
        assert part.height == city.height
        assert part["municipality_id"].unique().to_list() == [k]


def test_copies_are_shifted_apart_and_their_ids_distinct(partitions, city):
    parts = [pl.read_parquet(p) for p in partitions]
    for before, after in zip(parts, parts[1:], strict=False):
        assert after["x"].min() > before["x"].max()  # east of the previous one, no overlap
        assert after["y"].equals(before["y"])
        assert after["occurred_from"].equals(before["occurred_from"])
    ids = pl.concat([p.select("source", "id") for p in parts])
    assert ids.n_unique() == COPIES * city.height
    areas = [set(p["area_id"].drop_nulls().to_list()) for p in parts]
    assert not (areas[0] & areas[1]) and not (areas[1] & areas[2])
    shift = parts[1]["x"][1] - parts[0]["x"][1]
    assert shift % scaleout.CELL_M == pytest.approx(0.0)  # the copies' cells line up


def test_single_pass_counts_local_years_and_iso_weeks(partitions, city):
    cal = scaleout.calendar_of(city)
    got = scaleout.aggregate(pl.scan_parquet([str(p) for p in partitions]), cal)
    # An independent count: every row converted to local time, Polars' own ISO weeks.
    local = city.with_columns(pl.col("source", "category").cast(pl.Utf8))
    t = pl.col("occurred_from")
    years = (
        local.filter(pl.col("area_id").is_not_null())
        .group_by(t.dt.year().alias("year"))
        .agg(n=pl.len() * COPIES)
        .sort("year")
    )
    assert (
        got.area_year.group_by("year")
        .agg(pl.col("n").sum())
        .sort("year")
        .equals(years.with_columns(pl.col("n").cast(pl.Int64)))
    )
    weeks = (
        local.filter(pl.col("x").is_not_null())
        .group_by(t.dt.date().dt.truncate("1w").alias("week"))
        .agg(n=pl.len().cast(pl.Int64) * COPIES)
        .sort("week")
    )
    assert got.cell_week.group_by("week").agg(pl.col("n").sum()).sort("week").equals(weeks)
    new_year = got.area_year.filter(pl.col("year") == 2021)["n"].sum()
    assert (
        new_year
        == local.filter(pl.col("area_id").is_not_null() & (t.dt.year() == 2021)).height * COPIES
    )  # 00:30 on 1 January counts in 2021 although it is 2020 in UTC


def test_map_reduce_in_worker_processes_equals_the_single_pass(partitions, city):
    cal = scaleout.calendar_of(city)
    single = scaleout.aggregate(pl.scan_parquet([str(p) for p in partitions]), cal)
    dist = scaleout.run_distributed(partitions, cal, workers=2)
    assert scaleout.same(single, dist.result)
    assert len(dist.tasks) == COPIES and {u.threads for u in dist.tasks} == {1}
    assert dist.shipped_bytes > 0
    assert 0 < dist.idle_rss_mb <= min(u.peak_rss_mb for u in dist.tasks)  # the worker's own
    assert single.area_year["municipality_id"].n_unique() == COPIES


def test_a_changed_partial_is_not_the_same():
    a = scaleout.Aggregates(
        pl.DataFrame({k: [1] for k in scaleout.AREA_KEYS} | {"n": [2]}),
        pl.DataFrame({k: [1] for k in scaleout.CELL_KEYS} | {"n": [3]}),
    )
    b = scaleout.merge([a, a])
    assert b.area_year["n"].to_list() == [4]
    assert not scaleout.same(a, b)
    assert scaleout.same(b, scaleout.merge([b]))


def test_projection_stops_helping_past_one_worker_per_partition():
    assert scaleout.projected_seconds(2.0, 10, 2, 0.5) == pytest.approx(10.5)
    assert scaleout.projected_seconds(2.0, 10, 20, 0.5) == scaleout.projected_seconds(
        2.0, 10, 10, 0.5
    )
