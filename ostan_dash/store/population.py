"""The population grid: SCB's "befolkning på rutor" (or the demo's), one row per cell.

A cell is SCB's rutid, its lower-left corner in SWEREF 99 TM metres and its size (250 m or 1 km),
the number of residents in the year counted, and a ``daytime`` flag an analyst sets on cells with
a day-time population (the centre, the travel centre, schools, malls). Hot-spot analysis uses it
as the study region (settled cells) and as the exposure behind an expected count.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Connection

from ostan_dash.schema import Schema
from ostan_dash.store import execute, read_frame, scalar, transaction

CELL_SCHEMA: Schema = {
    "cell_id": pl.Utf8,
    "cell_size": pl.Int32,
    "x0": pl.Float64,
    "y0": pl.Float64,
    "population": pl.Int64,
    "daytime": pl.Boolean,
    "year": pl.Int32,
}

DEMO_SOURCE = "demo"


def cells(*, conn: Connection | None = None) -> pl.DataFrame:
    """Every cell of the grid with :data:`CELL_SCHEMA`, sorted by ``cell_id``.

    One row per cell: the importer keeps only a cell's latest year (a file of an older year does
    not overwrite a newer count), so this is the latest year per cell. Empty frame with the same
    schema when no grid has been loaded.
    """
    return read_frame(
        """
        SELECT cell_id, cell_size, x0::float8 AS x0, y0::float8 AS y0,
               population::bigint AS population, daytime, year
        FROM population_cells
        ORDER BY cell_id
        """,
        conn=conn,
        schema=CELL_SCHEMA,
    )


def count(*, conn: Connection | None = None) -> int:
    """Number of cells in the grid."""
    return int(scalar("SELECT count(*) FROM population_cells", conn=conn) or 0)


def demo_import(*, conn: Connection | None = None) -> str | None:
    """The file name the demo loader recorded (``ostan_dash.demo seed=… scale=… today=…``), or
    ``None`` when the database does not hold the demo data set."""
    return scalar(
        "SELECT file_name FROM imports WHERE kind = 'demo' ORDER BY id LIMIT 1", conn=conn
    )


_UPSERT = """
INSERT INTO population_cells (cell_id, cell_size, x0, y0, population, daytime, year, source)
SELECT * FROM unnest(CAST(:cell_id AS text[]), CAST(:cell_size AS integer[]),
                     CAST(:x0 AS integer[]), CAST(:y0 AS integer[]),
                     CAST(:population AS integer[]), CAST(:daytime AS boolean[]),
                     CAST(:year AS integer[]), CAST(:source AS text[]))
ON CONFLICT (cell_id) DO UPDATE SET cell_size = EXCLUDED.cell_size, x0 = EXCLUDED.x0,
    y0 = EXCLUDED.y0, population = EXCLUDED.population, daytime = EXCLUDED.daytime,
    year = EXCLUDED.year, source = EXCLUDED.source, import_id = NULL
"""


def write_cells(
    frame: pl.DataFrame, *, source: str, replace: bool = True, conn: Connection | None = None
) -> int:
    """Write a whole grid (the demo's, or one built in code) in one transaction.

    Parameters
    ----------
    frame
        Columns ``cell_id``, ``cell_size``, ``x0``, ``y0``, ``population``, optionally
        ``daytime`` (default false) and ``year`` (default null).
    source
        Recorded with every cell (``demo`` for the demo grid).
    replace
        First delete the cells previously written from the same ``source``, so a cell that has
        no residents any more does not linger.
    conn
        Write inside this connection's transaction (tests, the demo loader).

    Returns
    -------
    int
        Cells written. Files are imported with :func:`ostan_dash.ingest.pipeline.run_import`
        (kind ``befolkningsrutor``), which validates them and records the import.
    """
    df = frame.with_columns(
        daytime=pl.col("daytime") if "daytime" in frame.columns else pl.lit(False),
        year=pl.col("year") if "year" in frame.columns else pl.lit(None, dtype=pl.Int32),
    )
    params = {
        "cell_id": df["cell_id"].cast(pl.Utf8).to_list(),
        "cell_size": df["cell_size"].cast(pl.Int32).to_list(),
        "x0": df["x0"].round(0).cast(pl.Int64).to_list(),
        "y0": df["y0"].round(0).cast(pl.Int64).to_list(),
        "population": df["population"].cast(pl.Int64).to_list(),
        "daytime": df["daytime"].cast(pl.Boolean).fill_null(False).to_list(),
        "year": df["year"].cast(pl.Int32).to_list(),
        "source": [source] * df.height,
    }
    with transaction(conn) as c:
        if replace:
            execute("DELETE FROM population_cells WHERE source = :s", {"s": source}, conn=c)
        if df.is_empty():
            return 0
        return execute(_UPSERT, params, conn=c)


def set_daytime(cell_ids: list[str], daytime: bool, *, conn: Connection | None = None) -> int:
    """Set or clear the day-time flag of the given cells; returns the number of cells changed."""
    return execute(
        "UPDATE population_cells SET daytime = :d "
        "WHERE cell_id = ANY(CAST(:ids AS text[])) AND daytime IS DISTINCT FROM :d",
        {"ids": list(cell_ids), "d": bool(daytime)},
        conn=conn,
    )
