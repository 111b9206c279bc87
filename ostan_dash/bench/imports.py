"""Import throughput: a synthetic police extract written into a scratch database and dropped.

Called by ``ostan-dash bench``. The scratch database gets the schema and Östan's areas (built
from the demo geography's seeds the same way the demo does: Voronoi cells clipped to the
municipality boundary), so the area lookup and the outside-the-municipality check run against
the real polygons.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import polars as pl

from ostan_dash import config, vocab
from ostan_dash.ingest import pipeline

SCRATCH_DB = "ostan_bench_import"

_CRIME_TYPES = (
    ("0857", "Stöld genom inbrott, ej vapen, i bostad (villa)"),
    ("0866", "Snatteri"),
    ("0375", "Misshandel, ej grov, utomhus, obekant med offret"),
    ("0402", "Olaga hot mot man 18 år eller äldre, obekant"),
    ("1201", "Skadegörelse, ej klotter"),
    ("1213", "Skadegörelse genom klotter (ej på fordon)"),
    ("5010", "Narkotikabrott, innehav (eget bruk)"),
    ("0889", "Rån mot privatperson, ej väpnat, utomhus"),
    ("3005", "Rattfylleri"),
)


def police_extract_csv(rows: int, *, seed: int = 20260302, case_prefix: str = "5000-K") -> bytes:
    """A Windows-1252 ``;`` CSV like the police's weekly extract, ``rows`` crimes in the town.

    Points are drawn around the town centre and kept only where they fall in the municipality
    (the demo geography's own test), so every row is valid.
    """
    from ostan_dash.demo import geography

    rng = np.random.default_rng(seed)
    xs = np.empty(0)
    ys = np.empty(0)
    while xs.size < rows:
        x = geography.CENTER[0] + rng.normal(0, 2500, rows)
        y = geography.CENTER[1] + rng.normal(0, 2500, rows)
        keep = geography.label(x, y) >= 0
        xs = np.concatenate([xs, x[keep]])
        ys = np.concatenate([ys, y[keep]])
    xs, ys = xs[:rows].round(0), ys[:rows].round(0)
    start = dt.datetime(2025, 1, 1)
    minutes = rng.integers(0, 365 * 24 * 60, rows)
    which = rng.integers(0, len(_CRIME_TYPES), rows)
    t0 = [start + dt.timedelta(minutes=int(m)) for m in minutes]
    frame = pl.DataFrame(
        {
            "Diarienummer": [f"{case_prefix}{100000 + i // 2}-25" for i in range(rows)],
            "Brottsnummer": [str(1 + i % 2) for i in range(rows)],
            "Brottskod": [_CRIME_TYPES[k][0] for k in which],
            "Brottsbenämning": [_CRIME_TYPES[k][1] for k in which],
            "Från datum": [t.strftime("%Y-%m-%d") for t in t0],
            "Från tid": [t.strftime("%H:%M") for t in t0],
            "Till datum": [None] * rows,
            "Till tid": [None] * rows,
            "Kommun": ["Östan"] * rows,
            "X (SWEREF99)": [str(int(v)) for v in ys],  # Swedish surveying: X is the northing
            "Y (SWEREF99)": [str(int(v)) for v in xs],
        },
        schema_overrides={"Till datum": pl.Utf8, "Till tid": pl.Utf8},
    )
    return frame.write_csv(separator=";", line_terminator="\r\n").encode("cp1252")


def _load_areas(url: str) -> None:
    """Östan's 20 areas as Voronoi cells of their seeds, clipped to the municipality."""
    from ostan_dash.demo import geography as g
    from ostan_dash.store import areas

    b = g.boundary()
    boundary = "POLYGON((" + ",".join(f"{x} {y}" for x, y in [*b, b[0]]) + "))"
    seeds = (
        "MULTIPOINT("
        + ",".join(f"({g.xy(a.dx, a.dy)[0]} {g.xy(a.dx, a.dy)[1]})" for a in g.AREAS)
        + ")"
    )
    rows = [
        {
            "code": a.code,
            "name": a.name,
            "kind": a.kind,
            "population": a.population,
            "x": g.xy(a.dx, a.dy)[0],
            "y": g.xy(a.dx, a.dy)[1],
        }
        for a in g.AREAS
    ]
    areas.insert_voronoi_areas(rows, boundary_wkt=boundary, seeds_wkt=seeds, url=url)


# The extract as another system writes it: two title lines and none of our column names.
RENAMED = {
    "Diarienummer": "Ärendenr RAR",
    "Brottsbenämning": "Brottsrubricering",
    "Från datum": "Startdatum",
    "Från tid": "Starttid",
    "X (SWEREF99)": "Koordinat N",
    "Y (SWEREF99)": "Koordinat E",
}
MAPPING = {
    "Ärendenr RAR": "Diarienummer",
    "Brottsrubricering": "Brottsbenämning",
    "Startdatum": "Från datum",
    "Starttid": "Från tid",
    "Koordinat N": "X-koordinat",
    "Koordinat E": "Y-koordinat",
}


def titled_extract_csv(rows: int) -> bytes:
    """:func:`police_extract_csv` (other case numbers) with two title lines above a header of
    other names (:data:`RENAMED`): what the mapping step is for."""
    body = police_extract_csv(rows, seed=20260303, case_prefix="6000-K").decode("cp1252")
    header, rest = body.split("\r\n", 1)
    for ours, theirs in RENAMED.items():
        header = header.replace(ours, theirs)
    title = "Anmälda brott, utdrag ur RAR\r\nFramtaget 2026-03-02\r\n"
    return (title + header + "\r\n" + rest).encode("cp1252")


def mapped_throughput(rows: int, url: str) -> dict[str, object]:
    """The mapping step and the import of :func:`titled_extract_csv`: peek (header row found in
    the child), the proposal, then the import with the confirmed mapping :data:`MAPPING`."""
    from ostan_dash.ingest import mapping

    data = titled_extract_csv(rows)
    t = time.perf_counter()
    peeked = pipeline.peek(data, "bench-mappad.csv")
    assert peeked.rows is not None and peeked.header_row == 3, peeked.error
    mapping.propose("polisbrott", peeked.rows.columns)
    out = pipeline.run_import(
        "polisbrott",
        data,
        "bench-mappad.csv",
        url=url,
        header_row=peeked.header_row,
        mapping=MAPPING,
    )
    took = time.perf_counter() - t
    if not (out.written and out.rows_new == rows):
        raise RuntimeError(f"importen med mappning gav fel resultat: {out.problems.head(5)}")
    return {"mapped_import_s": round(took, 2), "mapped_rows_per_s": round(rows / took)}


def police_extract_throughput(rows: int = 100_000) -> dict[str, object]:
    """Import a ``rows``-row police extract into a scratch database; time it and its re-import.

    Returns
    -------
    dict
        rows, seconds and rows per second of the first import (validation, COPY, area lookup,
        municipality check, insert, all in one transaction), of a preview (dry run) and of the
        re-import of the same file (which writes nothing), and the file size.
    """
    from ostan_dash import store
    from ostan_dash.store import cluster, migrate

    assert set(vocab.POLICE_GROUPS)  # the vocabulary the extract maps into
    data = police_extract_csv(rows)
    cluster.ensure_database(SCRATCH_DB)
    url = config.LOCAL.url(SCRATCH_DB)
    try:
        migrate.apply(store.engine(url))
        _load_areas(url)
        t = time.perf_counter()
        preview = pipeline.run_import("polisbrott", data, "bench.csv", dry_run=True, url=url)
        preview_s = time.perf_counter() - t
        t = time.perf_counter()
        first = pipeline.run_import("polisbrott", data, "bench.csv", url=url)
        first_s = time.perf_counter() - t
        t = time.perf_counter()
        again = pipeline.run_import("polisbrott", data, "bench.csv", url=url)
        again_s = time.perf_counter() - t
        if not (first.written and first.rows_new == rows and again.rows_new == 0):
            raise RuntimeError(f"importen gav fel resultat: {first.problems.head(5)}")
        mapped = mapped_throughput(rows, url)
        return {
            **mapped,
            "rows": rows,
            "file_mb": round(len(data) / 1e6, 2),
            "preview_s": round(preview_s, 2),
            "import_s": round(first_s, 2),
            "rows_per_s": round(rows / first_s),
            "reimport_s": round(again_s, 2),
            "reimport_rows_written": again.rows_new,
            "preview_rows_new": preview.rows_new,
        }
    finally:
        store.engine(url).dispose()
        cluster.drop_database(SCRATCH_DB)
