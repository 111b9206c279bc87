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
from ostan_dash.analysis import overview
from ostan_dash.bench.timing import timed


def oversikt_aggregation(frame: pl.DataFrame, week: dt.date) -> None:
    """Everything Översikt computes from the incident frame."""
    overview.week_vs_baseline(frame, week_start=week, by=["source"])
    overview.week_vs_baseline(
        frame.filter(pl.col("source") == "est"), week_start=week, by=["category"]
    )
    overview.week_vs_baseline(frame, week_start=week, by=["area_id"])
    overview.weekly_series(frame, last_week=week, weeks=13, by=["source"])


def floor_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The least the aggregation needs, held in memory: its four columns in one chunk."""
    return frame.select("source", "category", "area_id", "occurred_from").rechunk()


def bench_scale(scale: float, progress: Callable[[str], None]) -> dict[str, object]:
    """Load the demo at ``scale`` into a scratch database and time Översikt's data path there."""
    from ostan_dash import demo, store
    from ostan_dash.store import cluster, migrate, queries

    name = f"ostan_bench_{str(scale).replace('.', '_')}"
    cluster.ensure_database(name)
    url = config.LOCAL.url(name)
    try:
        migrate.apply(store.engine(url))
        progress(f"Skala {scale}: laddar demodata …")
        t0 = time.perf_counter()
        written = demo.load(url, scale=scale)
        load_s = time.perf_counter() - t0
        incident_rows = written.get("incidents", 0) + written.get("police_crimes", 0)

        os.environ["OSTAN_DATABASE"] = name
        store.dispose()
        try:
            week = overview.last_complete_week(config.today())
            frame = queries.incidents()
            cold = timed(lambda: oversikt_aggregation(queries.incidents(), week), repeat=3)
            warm = timed(lambda: oversikt_aggregation(frame, week))
            minimal = floor_frame(frame)
            floor = timed(lambda: oversikt_aggregation(minimal, week))
            read = timed(queries.incidents, repeat=3)
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
            "scale": scale,
            "incident_rows": incident_rows,
            "load_seconds": round(load_s, 2),
            "load_rows_per_second": round(incident_rows / load_s),
            "oversikt": {
                "read_from_database": read,
                "data_path_cold": cold,
                "data_path_cached_frame": warm,
                "floor_in_memory": floor,
                "ratio_cold_to_floor": round(cold["median_ms"] / floor["median_ms"], 2),
                "ratio_cached_to_floor": round(warm["median_ms"] / floor["median_ms"], 2),
            },
            "karta": karta,
            "omraden_trygghet": areas,
            "lagesbild_vecka": lagesbild,
            "lagesbild_kvartal": kvartal,
        }
    finally:
        store.dispose()
        cluster.drop_database(name)


def run(
    *,
    scales: list[float],
    output: str,
    import_rows: int = 100_000,
    progress: Callable[[str], None] = print,
) -> dict[str, object]:
    """Benchmark every scale and write the JSON report to ``output``."""
    if not config.uses_local_cluster():
        raise SystemExit(
            "Benchmarken skapar egna databaser i det lokala klustret; kör utan DATABASE_URL."
        )
    from ostan_dash.store import cluster

    cluster.start()
    result = {
        "when": dt.datetime.now(config.TZ).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "scales": [bench_scale(s, progress) for s in scales],
    }
    if import_rows:
        from ostan_dash.bench.imports import police_extract_throughput

        progress(f"Import av ett polisutdrag med {import_rows} rader …")
        result["import"] = police_extract_throughput(import_rows)
    from ostan_dash.bench.nearrepeat import knox_timing

    progress("Närupprepning: Knox-test, 10 000 händelser, 99 permutationer …")
    result["nearrepeat"] = knox_timing()
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    progress(f"Skrev {path}")
    return result
