"""``ostan-dash bench``: load throughput and the time of each interaction's data path against its floor.

The floor of an interaction is the same aggregation done on an in-memory Polars frame
(shared/notes/performance.md); each data path is reported as a ratio to its floor measured in
the same run. Every scale loads into its own scratch database of the local cluster (or of the
server ``DATABASE_URL`` points at, when the user may create databases), dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

from ostan_dash import config
from ostan_dash.bench.timing import timed
from ostan_dash.procinfo import peak_rss_mb


def oversikt_aggregation(frame: pl.DataFrame, week: dt.date) -> None:
    """Everything Översikt computes from the incident frame."""
    from ostan_dash.analysis import overview  # here: bench.scaleout's spawned workers skip SciPy

    overview.week_vs_baseline(frame, week_start=week, by=["source"])
    overview.week_vs_baseline(
        frame.filter(pl.col("source") == "est"), week_start=week, by=["category"]
    )
    overview.week_vs_baseline(frame, week_start=week, by=["area_id"])
    overview.weekly_series(frame, last_week=week, weeks=13, by=["source"])


def floor_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The least the aggregation needs, held in memory: its four columns in one chunk."""
    return frame.select("source", "category", "area_id", "occurred_from").rechunk()


def postgres_version(url: str) -> str:
    """The server's ``version()`` line."""
    import sqlalchemy as sa

    from ostan_dash import store

    with store.engine(url).connect() as conn:
        return str(conn.execute(sa.text("SELECT version()")).scalar_one())


def snapshot_read(frame: pl.DataFrame) -> dict[str, float]:
    """Reading ``frame`` back from a local Arrow snapshot (``store.hot``), and its size."""
    import tempfile

    from ostan_dash.store import hot

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-1.arrow"
        hot._write_snapshot(frame, path)
        out = timed(lambda: pl.read_ipc(path, memory_map=True).select(pl.len()), repeat=3)
        return out | {"megabytes": round(path.stat().st_size / 1e6, 1)}


def bench_scale(
    scale: float, progress: Callable[[str], None], *, database: str | None = None
) -> dict[str, object]:
    """Load the demo at ``scale`` into a scratch database and time every page there; with
    ``database``, time the pages on that existing database of the local cluster instead (no
    load, nothing dropped: a city-scale database loads once and is measured again and again)."""
    from ostan_dash import demo, store
    from ostan_dash.analysis import overview
    from ostan_dash.store import cluster, migrate, queries

    name = database or f"ostan_bench_{str(scale).replace('.', '_')}"
    if database is None:
        cluster.ensure_database(name)
    url = config.LOCAL.url(name)
    try:
        migrate.apply(store.engine(url))
        load_s, incident_rows = 0.0, 0
        if database is None:
            progress(f"Skala {scale}: laddar demodata …")
            t0 = time.perf_counter()
            written = demo.load(url, scale=scale)
            load_s = time.perf_counter() - t0
            incident_rows = written.get("incidents", 0) + written.get("police_crimes", 0)

        os.environ["OSTAN_DATABASE"] = name
        store.dispose()
        try:
            week = overview.last_complete_week(config.today())
            from ostan_dash.store import hot

            frame = hot.read_binary()
            incident_rows = incident_rows or frame.height
            cold = timed(lambda: oversikt_aggregation(hot.read_binary(), week), repeat=1)
            warm = timed(lambda: oversikt_aggregation(frame, week))
            minimal = floor_frame(frame)
            floor = timed(lambda: oversikt_aggregation(minimal, week))
            read = timed(queries.incidents, repeat=1)  # the CSV reader, for comparison
            read_binary = timed(hot.read_binary, repeat=2)
            read_snapshot = snapshot_read(frame)
            from ostan_dash.bench import refresh as bench_refresh

            progress(f"Skala {scale}: händelseramen efter en skrivning …")
            after_writes = bench_refresh.after_writes()
            progress(f"Skala {scale}: Översikt och Karta som hela sidor …")
            from ostan_dash.bench import pages as bench_pages

            pages = bench_pages.interactions(frame, config.today())
            progress(f"Skala {scale}: Karta och tider …")
            from ostan_dash.bench import areas as bench_areas
            from ostan_dash.bench import karta as bench_karta

            karta = bench_karta.interactions(frame)
            progress(f"Skala {scale}: Områden och Trygghetsundersökning …")
            areas = bench_areas.interactions()
            from ostan_dash.bench import reports as bench_reports

            lagesbild = bench_reports.weekly_pdf(frame, today=config.today(), progress=progress)
            kvartal = bench_reports.quarterly_pdf(frame, today=config.today(), progress=progress)
        finally:
            os.environ.pop("OSTAN_DATABASE", None)
            store.dispose()
        return {
            "scale": scale if database is None else None,
            "database": name,
            "postgresql": postgres_version(url),
            "incident_rows": incident_rows,
            "load_seconds": round(load_s, 2) if load_s else None,
            "load_rows_per_second": round(incident_rows / load_s) if load_s else None,
            "peak_rss_mb": peak_rss_mb(),
            "oversikt": {
                "read_from_database": read,
                "read_binary_from_database": read_binary,
                "read_local_snapshot": read_snapshot,
                "refresh_after_writes": after_writes,
                "data_path_cold": cold,
                "data_path_cached_frame": warm,
                "floor_in_memory": floor,
                "ratio_cold_to_floor": round(cold["median_ms"] / floor["median_ms"], 2),
                "ratio_cached_to_floor": round(warm["median_ms"] / floor["median_ms"], 2),
            },
            "karta": karta,
            "pages": pages,
            "omraden_trygghet": areas,
            "lagesbild_vecka": lagesbild,
            "lagesbild_kvartal": kvartal,
        }
    finally:
        store.dispose()
        if database is None:
            cluster.drop_database(name)


def machine() -> dict[str, object]:
    """Where and on what the figures were measured: CPU model and count, memory, Python and
    the commit of the code (with ``+`` when the working tree had changes)."""
    import subprocess

    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    mem_kb = (
        next(
            (
                int(line.split()[1])
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            ),
            0,
        )
        if Path("/proc/meminfo").exists()
        else 0
    )
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD")
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "commit": commit
        + ("+" if commit and git("status", "--porcelain", "--untracked-files=no") else ""),
    }


def run(
    *,
    scales: list[float],
    output: str,
    import_rows: int = 100_000,
    progress: Callable[[str], None] = print,
    database: str | None = None,
) -> dict[str, object]:
    """Benchmark every scale (or only the existing ``database``) and write the JSON report to
    ``output``."""
    if not config.uses_local_cluster():
        raise SystemExit(
            "Benchmarken skapar egna databaser i det lokala klustret; kör utan DATABASE_URL."
        )
    from ostan_dash.store import cluster

    cluster.start()
    result = {
        "when": dt.datetime.now(config.TZ).isoformat(timespec="seconds"),
        "machine": machine(),
        "scales": (
            [bench_scale(0, progress, database=database)]
            if database
            else [bench_scale(s, progress) for s in scales]
        ),
    }
    if import_rows:
        from ostan_dash.bench.imports import police_extract_throughput

        progress(f"Import av ett polisutdrag med {import_rows} rader …")
        result["import"] = police_extract_throughput(import_rows)
    from ostan_dash.bench.nearrepeat import knox_timing

    progress("Närupprepning: Knox-test, 10 000 händelser, 99 permutationer …")
    result["nearrepeat"] = knox_timing()
    result["machine"]["postgresql"] = next(  # type: ignore[index]
        (s.get("postgresql") for s in result["scales"]),
        None,  # type: ignore[union-attr]
    )
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    progress(f"Skrev {path}")
    return result
