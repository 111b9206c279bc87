"""``ostan-dash bench-scaleout``: ten municipalities' incidents aggregated in one process and as
map/reduce over partitions, on this machine (issue 14, the design note for larger deployments).

What a county or national deployment would distribute is not a page's click (a page reads one
municipality's frame) but the batch aggregations over every incident: counts per area × local
year × source × category (what Områden reads) and per 250 m cell × ISO week (the input of a
county-wide hot-spot run). This module simulates that part at ``copies`` × the city scale:

1. the city frame (``store.hot``) is copied ``copies`` times as municipalities ``0 … copies-1``,
   each shifted east by a whole number of cells past the previous one, with its incident and
   area ids moved into a range of its own;
2. each municipality is written as one Parquet partition (``municipality_id=K/part.parquet``),
   the shape Citus (``create_distributed_table('incidents', 'municipality_id')``) or a
   Spark/Sedona job reading a partitioned data set would have;
3. (a) one process scans every partition lazily and aggregates all rows; (b) worker processes
   (``ProcessPoolExecutor``, spawned, one Polars thread each) aggregate one partition each and
   return their partial counts as Arrow IPC bytes, which the parent merges by summing.

(b) must equal (a) exactly (checked, not sampled). Times are wall and CPU seconds measured inside
each process, memory its peak resident set (``getrusage``). The time with N workers is a
projection from the measured per-partition time, not a measurement.

Local years and ISO weeks are found by binary search of each instant among the local year and
week starts (``Calendar``) rather than by converting every row to local time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import os
import statistics
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import polars as pl

from ostan_dash import procinfo

TZ_NAME = "Europe/Stockholm"
CELL_M = 250.0
MARGIN_M = 10_000.0
"""Empty land between two simulated municipalities."""
AREA_KEYS = ("municipality_id", "area_id", "year", "source", "category")
CELL_KEYS = ("municipality_id", "col", "row", "week")
COLUMNS = ("id", "source", "category", "x", "y", "area_id", "occurred_from")
"""What a partition holds: the incident's id and the columns the two aggregations read."""


@dataclass(frozen=True)
class Calendar:
    """Local year starts and ISO week starts (Mondays) as instants, covering every row."""

    year_starts: pl.Series
    """Microseconds since 1970 (UTC) of each local 1 January 00:00, ascending, one past the end."""
    years: pl.Series
    week_starts: pl.Series
    """Microseconds since 1970 (UTC) of each local Monday 00:00, ascending, one past the end."""
    weeks: pl.Series
    """The Monday (a date) of each week in ``week_starts`` but the last."""


@dataclass(frozen=True)
class Layout:
    """How copy ``k`` of the city becomes municipality ``k``."""

    dx: float
    """Eastward shift between two municipalities, a whole number of cells."""
    id_stride: int
    area_stride: int


@dataclass(frozen=True)
class Aggregates:
    """The two batch aggregations: counts per area and year, and per cell and week."""

    area_year: pl.DataFrame
    cell_week: pl.DataFrame


@dataclass(frozen=True)
class Usage:
    """What one step cost the process that ran it."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    pid: int
    threads: int


def _local_starts(starts: Sequence[dt.datetime], tz: str) -> pl.Series:
    """Local wall times ``starts`` as microseconds since 1970 UTC."""
    return (
        pl.Series(list(starts), dtype=pl.Datetime("us"))
        .dt.replace_time_zone(tz)
        .dt.convert_time_zone("UTC")
        .to_physical()
    )


def calendar(first: dt.date, last: dt.date, *, tz: str = TZ_NAME) -> Calendar:
    """The local years and ISO weeks from the one holding ``first`` to the one holding ``last``
    (local dates), each with the start of the next as its end."""
    years = list(range(first.year, last.year + 2))
    monday = first - dt.timedelta(days=first.weekday())
    n_weeks = (last - monday).days // 7 + 2
    mondays = [monday + dt.timedelta(weeks=i) for i in range(n_weeks)]
    return Calendar(
        year_starts=_local_starts([dt.datetime(y, 1, 1) for y in years], tz),
        years=pl.Series("year", years[:-1], dtype=pl.Int32),
        week_starts=_local_starts([dt.datetime.combine(d, dt.time()) for d in mondays], tz),
        weeks=pl.Series("week", mondays[:-1], dtype=pl.Date),
    )


def calendar_of(frame: pl.DataFrame) -> Calendar:
    """The calendar that covers every ``occurred_from`` of ``frame`` (local dates)."""
    local = frame.select(
        first=pl.col("occurred_from").min().dt.date(),
        last=pl.col("occurred_from").max().dt.date(),
    ).row(0)
    return calendar(local[0], local[1])


def layout(frame: pl.DataFrame, *, cell: float = CELL_M) -> Layout:
    """Shifts that keep every copy apart: the city's east–west extent plus :data:`MARGIN_M`,
    rounded up to whole cells (so the cells of every copy line up), and id ranges one power of
    ten above the largest incident and area id."""
    span = frame.select(pl.col("x").max() - pl.col("x").min()).item() or 0.0
    dx = math.ceil((span + MARGIN_M) / cell) * cell
    top_id, top_area = frame.select(pl.col("id", "area_id").max().fill_null(0)).row(0)
    return Layout(dx=dx, id_stride=10 ** len(str(top_id)), area_stride=10 ** len(str(top_area)))


def municipality(frame: pl.DataFrame, k: int, lay: Layout) -> pl.DataFrame:
    """Copy ``k`` of the city frame as municipality ``k``: shifted ``k × dx`` east, its incident
    and area ids moved by ``k`` strides; source and category as given (``Enum`` keeps them the
    same type in every partition)."""
    return frame.select(
        pl.lit(k, dtype=pl.Int16).alias("municipality_id"),
        (pl.col("id") + k * lay.id_stride).alias("id"),
        "source",
        "category",
        (pl.col("x") + k * lay.dx).alias("x"),
        "y",
        (pl.col("area_id") + k * lay.area_stride).alias("area_id"),
        "occurred_from",
    )


def minimal(frame: pl.DataFrame) -> pl.DataFrame:
    """The city frame's columns a partition holds, source and category as ``Enum`` of the
    values present (a categorical's dictionary would differ between files)."""

    def enum(name: str) -> pl.Expr:
        values = sorted(frame[name].cast(pl.Utf8).drop_nulls().unique().to_list())
        return pl.col(name).cast(pl.Utf8).cast(pl.Enum(values))

    return frame.select(
        pl.col("id").cast(pl.Int64),
        enum("source"),
        enum("category"),
        pl.col("x").cast(pl.Float64),
        pl.col("y").cast(pl.Float64),
        pl.col("area_id").cast(pl.Int32),
        pl.col("occurred_from").dt.convert_time_zone(TZ_NAME).dt.cast_time_unit("us"),
    )


def write_partitions(frame: pl.DataFrame, copies: int, directory: Path) -> list[Path]:
    """Write ``copies`` municipalities of ``frame`` (see :func:`minimal`) as one Parquet file
    each, ``directory/municipality_id=K/part.parquet``; their paths in municipality order."""
    base = minimal(frame)
    lay = layout(base)
    paths = []
    for k in range(copies):
        path = directory / f"municipality_id={k}" / "part.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        municipality(base, k, lay).write_parquet(path, statistics=True)
        paths.append(path)
    return paths


def _in(starts: pl.Series, labels: pl.Series, instant: pl.Expr) -> pl.Expr:
    """The label of the interval of ``starts`` that holds ``instant`` (binary search)."""
    return pl.lit(labels).gather(pl.lit(starts).search_sorted(instant, side="right") - 1)


def aggregate(rows: pl.LazyFrame, cal: Calendar) -> Aggregates:
    """Counts per municipality, area, local year, source and category (rows with an area) and
    per municipality, 250 m cell and ISO week (rows with a point), in one pass over ``rows``."""
    t = pl.col("occurred_from").dt.convert_time_zone("UTC").to_physical()
    by_area = (
        rows.filter(pl.col("area_id").is_not_null())
        .group_by(
            "municipality_id",
            "area_id",
            _in(cal.year_starts, cal.years, t).alias("year"),
            "source",
            "category",
        )
        .agg(n=pl.len().cast(pl.Int64))
    )
    by_cell = (
        rows.filter(pl.col("x").is_not_null() & pl.col("y").is_not_null())
        .group_by(
            "municipality_id",
            (pl.col("x") / CELL_M).floor().cast(pl.Int32).alias("col"),
            (pl.col("y") / CELL_M).floor().cast(pl.Int32).alias("row"),
            _in(cal.week_starts, cal.weeks, t).alias("week"),
        )
        .agg(n=pl.len().cast(pl.Int64))
    )
    area_year, cell_week = pl.collect_all([by_area, by_cell])
    return Aggregates(area_year=area_year, cell_week=cell_week)


def merge(partials: Sequence[Aggregates]) -> Aggregates:
    """The reduce step: partial counts summed per key (with partitions by municipality no key
    occurs twice, but a merge by sum is also right for any other partitioning)."""

    def summed(frames: list[pl.DataFrame], keys: tuple[str, ...]) -> pl.DataFrame:
        return pl.concat(frames).group_by(*keys).agg(pl.col("n").sum())

    return Aggregates(
        area_year=summed([p.area_year for p in partials], AREA_KEYS),
        cell_week=summed([p.cell_week for p in partials], CELL_KEYS),
    )


def same(a: Aggregates, b: Aggregates) -> bool:
    """Whether two results hold exactly the same rows (order aside)."""
    return a.area_year.sort(AREA_KEYS).equals(b.area_year.sort(AREA_KEYS)) and a.cell_week.sort(
        CELL_KEYS
    ).equals(b.cell_week.sort(CELL_KEYS))


def to_ipc(agg: Aggregates) -> tuple[bytes, bytes]:
    """The two partial frames as Arrow IPC bytes: what a worker ships to the reducer."""

    def one(frame: pl.DataFrame) -> bytes:
        buf = io.BytesIO()
        frame.write_ipc(buf, compression="uncompressed")
        return buf.getvalue()

    return one(agg.area_year), one(agg.cell_week)


def from_ipc(shipped: tuple[bytes, bytes]) -> Aggregates:
    """The inverse of :func:`to_ipc`."""
    return Aggregates(pl.read_ipc(io.BytesIO(shipped[0])), pl.read_ipc(io.BytesIO(shipped[1])))


def _usage(t0: float, c0: float) -> Usage:
    """This process's cost since wall time ``t0`` and CPU time ``c0``, and its peak memory."""
    return Usage(
        wall_s=time.perf_counter() - t0,
        cpu_s=time.process_time() - c0,
        peak_rss_mb=procinfo.peak_rss_mb(),
        pid=os.getpid(),
        threads=pl.thread_pool_size(),
    )


def single_pass(paths: Sequence[str], cal: Calendar) -> tuple[tuple[bytes, bytes], Usage]:
    """(a) One process aggregates every partition in one lazy scan (run in a fresh process so
    that its peak memory is its own)."""
    t0, c0 = time.perf_counter(), time.process_time()
    agg = aggregate(pl.scan_parquet(list(paths)), cal)
    return to_ipc(agg), _usage(t0, c0)


def map_partition(path: str, cal: Calendar) -> tuple[tuple[bytes, bytes], Usage]:
    """(b) The map step: one partition's partial counts, as the bytes shipped to the reducer."""
    t0, c0 = time.perf_counter(), time.process_time()
    shipped = to_ipc(aggregate(pl.scan_parquet(path), cal))
    return shipped, _usage(t0, c0)


def _started() -> float:
    """Keep a new worker busy for a moment, so that every worker is started before the timed
    map step; its resident memory before any work (interpreter, Polars, this module), in MB."""
    time.sleep(0.5)
    return procinfo.peak_rss_mb()


@contextlib.contextmanager
def _polars_threads(n: int | None) -> Iterator[None]:
    """Processes spawned inside get ``n`` Polars threads (``None``: Polars' default)."""
    before = os.environ.get("POLARS_MAX_THREADS")
    if n is not None:
        os.environ["POLARS_MAX_THREADS"] = str(n)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("POLARS_MAX_THREADS", None)
        else:
            os.environ["POLARS_MAX_THREADS"] = before


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Spawned workers (a fork would copy the parent's Polars thread pool and its frame).

    A spawned worker first runs the parent's ``__main__`` module. Where Streamlit has run a
    page in this process (AppTest, the server), ``__main__`` is that page script, and the worker
    would run the page and die. So the workers are started, and live, under a bare
    ``__main__``; the parent's own is put back afterwards."""
    own = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            yield pool
    finally:
        if own is not None:
            sys.modules["__main__"] = own


def run_single(paths: Sequence[Path], cal: Calendar) -> tuple[Aggregates, Usage]:
    """(a) in a fresh process with Polars' default threads (every core of this machine)."""
    with _polars_threads(None), _pool(1) as pool:
        shipped, usage = pool.submit(single_pass, [str(p) for p in paths], cal).result()
    return from_ipc(shipped), usage


@dataclass(frozen=True)
class Distributed:
    """(b): the merged result, each map task's cost, the bytes shipped, the reduce's cost and
    the wall time of the whole map step as seen by the parent."""

    result: Aggregates
    tasks: list[Usage]
    shipped_bytes: int
    map_wall_s: float
    reduce: Usage
    idle_rss_mb: float
    """A started worker's peak memory before its first partition."""


def run_distributed(
    paths: Sequence[Path], cal: Calendar, *, workers: int, threads: int = 1
) -> Distributed:
    """(b) ``workers`` spawned processes with ``threads`` Polars threads each map one partition
    at a time; the parent reduces."""
    with _polars_threads(threads), _pool(workers) as pool:
        idle = max(f.result() for f in [pool.submit(_started) for _ in range(workers)])
        t0 = time.perf_counter()
        done = list(pool.map(map_partition, [str(p) for p in paths], [cal] * len(paths)))
        map_wall = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    result = merge([from_ipc(shipped) for shipped, _ in done])
    reduce = _usage(t0, c0)
    return Distributed(
        result=result,
        tasks=[u for _, u in done],
        shipped_bytes=sum(len(a) + len(b) for (a, b), _ in done),
        map_wall_s=map_wall,
        reduce=reduce,
        idle_rss_mb=idle,
    )


def projected_seconds(
    per_partition_s: float, partitions: int, workers: int, reduce_s: float
) -> float:
    """The projection the note uses: per-partition time × partitions / workers + reduce (no
    start-up, no network, no stragglers; with more workers than partitions it stops helping)."""
    return per_partition_s * partitions / min(workers, partitions) + reduce_s


def report(
    rows: int, single: Usage, dist: Distributed, *, partitions: int, workers: int
) -> dict[str, object]:
    """The figures of one run, rounded for the JSON file."""
    per_part = statistics.mean(u.wall_s for u in dist.tasks)
    per_part_cpu = statistics.mean(u.cpu_s for u in dist.tasks)
    per_worker: dict[int, float] = {}
    for u in dist.tasks:
        per_worker[u.pid] = max(per_worker.get(u.pid, 0.0), u.peak_rss_mb)
    dist_wall = dist.map_wall_s + dist.reduce.wall_s
    return {
        "rows": rows,
        "partitions": partitions,
        "single_process": {
            "wall_s": round(single.wall_s, 2),
            "cpu_s": round(single.cpu_s, 2),
            "polars_threads": single.threads,
            "rows_per_s": round(rows / single.wall_s),
            "rows_per_cpu_s": round(rows / single.cpu_s),
            "peak_rss_mb": round(single.peak_rss_mb),
        },
        "distributed": {
            "workers": workers,
            "polars_threads_per_worker": dist.tasks[0].threads,
            "map_wall_s": round(dist.map_wall_s, 2),
            "map_cpu_s": round(sum(u.cpu_s for u in dist.tasks), 2),
            "per_partition_wall_s": {
                "mean": round(per_part, 3),
                "min": round(min(u.wall_s for u in dist.tasks), 3),
                "max": round(max(u.wall_s for u in dist.tasks), 3),
            },
            "per_partition_cpu_s": round(per_part_cpu, 3),
            "reduce_wall_s": round(dist.reduce.wall_s, 3),
            "reduce_cpu_s": round(dist.reduce.cpu_s, 3),
            "wall_s": round(dist_wall, 2),
            "rows_per_s": round(rows / dist_wall),
            "shipped_to_reducer_mb": round(dist.shipped_bytes / 1e6, 2),
            "peak_rss_mb_per_worker": sorted(round(v) for v in per_worker.values()),
            "idle_worker_rss_mb": round(dist.idle_rss_mb),
        },
        "projected_wall_s_with_n_workers": {
            "note": "projection: mean measured per-partition wall × partitions / N + reduce",
            **{
                str(n): round(projected_seconds(per_part, partitions, n, dist.reduce.wall_s), 2)
                for n in (1, 2, 5, 10)
            },
        },
        "projected_wall_s_with_n_idle_cores": {
            "note": "projection: mean per-partition CPU × partitions / N + reduce CPU, i.e. "
            "one uncontended core per worker (this machine was shared while measured)",
            **{
                str(n): round(projected_seconds(per_part_cpu, partitions, n, dist.reduce.cpu_s), 2)
                for n in (1, 2, 5, 10)
            },
        },
        "results": {
            "area_year_rows": dist.result.area_year.height,
            "cell_week_rows": dist.result.cell_week.height,
            "equal": True,
        },
    }


def simulate(
    paths: Sequence[Path],
    cal: Calendar,
    *,
    workers: int,
    progress: Callable[[str], None] = print,
) -> dict[str, object]:
    """Aggregate the partitions at ``paths`` both ways, check that the two agree and report
    the cost (see the module)."""
    rows = pl.scan_parquet([str(p) for p in paths]).select(pl.len()).collect().item()
    progress("(a) en process, alla partitioner …")
    single, single_usage = run_single(paths, cal)
    progress(f"(b) {workers} arbetsprocesser, en partition i taget, och sammanslagning …")
    dist = run_distributed(paths, cal, workers=workers)
    if not same(single, dist.result):
        raise AssertionError("map/reduce gav inte samma räkningar som en process")
    out = report(rows, single_usage, dist, partitions=len(paths), workers=workers)
    out["parquet_mb"] = round(sum(p.stat().st_size for p in paths) / 1e6, 1)
    return out


def city_frame(database: str) -> tuple[pl.DataFrame, str]:
    """The incident frame of ``database`` in the local cluster: its local Arrow snapshot when
    one of the current data version exists (read only, never written here), else binary COPY."""
    from ostan_dash import store
    from ostan_dash.store import hot

    before = os.environ.get("OSTAN_DATABASE")
    os.environ["OSTAN_DATABASE"] = database
    store.dispose()
    try:
        path = hot.snapshot_path()
        if path is not None and path.exists():
            return pl.read_ipc(path, memory_map=False), "snapshot"
        return hot.read_binary(), "binary COPY"
    finally:
        if before is None:
            os.environ.pop("OSTAN_DATABASE", None)
        else:
            os.environ["OSTAN_DATABASE"] = before
        store.dispose()


def run(
    *,
    database: str,
    copies: int = 10,
    workers: int = 2,
    output: str = "var/scaleout.json",
    progress: Callable[[str], None] = print,
) -> dict[str, object]:
    """Read the city frame of ``database``, simulate ``copies`` municipalities in a temporary
    directory (removed afterwards) and write the report, with the machine, to ``output``."""
    from ostan_dash.bench import machine

    frame, source = city_frame(database)
    city_rows = frame.height
    cal = calendar_of(frame)
    with tempfile.TemporaryDirectory(prefix="ostan-scaleout-") as tmp:
        progress(f"Skriver {copies} kommuner à {city_rows} rader ({source}) som Parquet …")
        t0 = time.perf_counter()
        paths = write_partitions(frame, copies, Path(tmp))
        write_s = time.perf_counter() - t0
        del frame  # the aggregations run in processes of their own; the parent only reduces
        out = simulate(paths, cal, workers=workers, progress=progress)
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": database,
        "city_rows": city_rows,
        "read_from": source,
        "copies": copies,
        "write_parquet_s": round(write_s, 2),
        **out,
    }
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    progress(f"Skrev {path}")
    return result
