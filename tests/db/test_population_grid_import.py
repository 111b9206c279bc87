"""Importing SCB's population grid: the real GeoPackage as it is, CSV, all or nothing, and the
rules that keep the grid one grid (newest year, the analyst's day-time flag, no double cover)."""

from __future__ import annotations

import shutil
import sqlite3
import struct
import tempfile
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from ostan_dash.ingest import pipeline
from ostan_dash.store import imports, population

pytestmark = pytest.mark.db

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
REAL = DATA / "scb_population_1km_subset.gpkg"
KIND = "befolkningsrutor"


def _run(db, data: bytes, name: str = "rutor.csv", **kw) -> imports.ImportOutcome:
    return pipeline.run_import(KIND, data, name, conn=db, username="test", **kw)


def _cells(db) -> pl.DataFrame:
    return population.cells(conn=db)


def _real_copy_with(sql: str, params: tuple = ()) -> bytes:
    """A copy of the real file with one change (the file itself is never edited)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "rutor.gpkg"
        shutil.copyfile(REAL, path)
        con = sqlite3.connect(path)
        # The file's R-tree triggers call SpatiaLite functions that plain sqlite3 lacks.
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            con.execute(f'DROP TRIGGER "{name}"')
        con.execute(sql, params)
        con.commit()
        con.close()
        return path.read_bytes()


def _square_gpkg(cells: list[tuple[str | None, float, float, float, int]], srs_id: int) -> bytes:
    """A GeoPackage of square polygons (Rutid, corner, side, Befolkning) with the given srs_id."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "rutor.gpkg"
        con = sqlite3.connect(path)
        con.executescript(
            """
            CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
                geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
            CREATE TABLE rutor (fid INTEGER PRIMARY KEY, Rutid TEXT, Befolkning INTEGER, geom BLOB);
            """
        )
        con.execute(
            "INSERT INTO gpkg_geometry_columns VALUES ('rutor', 'geom', 'POLYGON', ?, 0, 0)",
            (srs_id,),
        )
        for rutid, x, y, side, pop in cells:
            ring = [(x, y), (x, y + side), (x + side, y + side), (x + side, y), (x, y)]
            wkb = struct.pack("<BIII", 1, 3, 1, 5) + b"".join(struct.pack("<dd", *p) for p in ring)
            blob = b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", srs_id) + wkb
            con.execute(
                "INSERT INTO rutor (Rutid, Befolkning, geom) VALUES (?, ?, ?)", (rutid, pop, blob)
            )
        con.commit()
        con.close()
        return path.read_bytes()


@pytest.fixture
def empty(db):
    db.execute(sa.text("DELETE FROM population_cells"))
    return db


def test_the_real_scb_file_imports_as_it_is(empty):
    db = empty
    out = _run(db, REAL.read_bytes(), REAL.name)
    assert out.ok, out.problems
    assert out.written and out.rows_read == out.rows_new == 200
    assert any("inget koordinatsystem" in n and "EPSG:3006" in n for n in out.notes)
    cells = _cells(db)
    con = sqlite3.connect(f"file:{REAL}?mode=ro", uri=True)
    try:
        want = pl.DataFrame(
            con.execute("SELECT rutid_scb, beftotalt FROM population_test").fetchall(),
            schema={"cell_id": pl.Utf8, "population": pl.Int64},
            orient="row",
        )
    finally:
        con.close()
    assert cells.select("cell_id", "population").sort("cell_id").equals(want.sort("cell_id"))
    assert (cells["cell_size"] == 1000).all() and (cells["year"] == 2024).all()
    assert cells["x0"].to_list() == [float(c[:6]) for c in cells["cell_id"]]
    assert cells["y0"].to_list() == [float(c[6:]) for c in cells["cell_id"]]
    assert not cells["daytime"].any()
    kind = db.execute(
        sa.text("SELECT kind FROM imports WHERE id = :i"), {"i": out.import_id}
    ).scalar_one()
    assert kind == KIND
    again = _run(db, REAL.read_bytes(), REAL.name)
    assert again.written and again.rows_new == 0 and again.rows_existing == 200


def test_a_preview_writes_nothing(empty):
    out = _run(empty, REAL.read_bytes(), REAL.name, dry_run=True)
    assert out.ok and not out.written and out.rows_new == 200
    assert population.count(conn=empty) == 0


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        pytest.param(
            ("UPDATE population_test SET rutid_scb = '4910006900000' WHERE fid = 1",),
            "rutid_scb",
            "inte polygonens nedre vänstra hörn",
            id="rutid-not-the-polygons-corner",
        ),
        pytest.param(
            ("UPDATE population_test SET rutstorl = 250 WHERE fid = 1",),
            "rutstorl",
            "stämmer inte med rutans polygon",
            id="size-not-the-polygons",
        ),
        pytest.param(
            (
                "INSERT INTO population_test (sp_geometry, objectid, rutid_scb, rutstorl, "
                "beftotalt, kvinna, man, referenstid) SELECT sp_geometry, objectid, rutid_scb, "
                "rutstorl, beftotalt, kvinna, man, referenstid FROM population_test WHERE fid = 1",
            ),
            "rutid_scb",
            "samma ruta finns redan på rad 1",
            id="same-cell-twice",
        ),
        pytest.param(
            ("UPDATE population_test SET beftotalt = -1 WHERE fid = 1",),
            "beftotalt",
            "utanför tillåtet intervall",
            id="negative-population",
        ),
    ],
)
def test_one_bad_row_of_the_real_file_writes_nothing(empty, change, field, reason):
    out = _run(empty, _real_copy_with(*change), "rutor.gpkg")
    assert not out.written and out.import_id is None
    assert out.problems["falt"].to_list() == [field], out.problems
    assert reason in out.problems["orsak"][0]
    assert out.problems["rad"].to_list() == [201 if "rad 1" in reason else 1]
    assert population.count(conn=empty) == 0


def test_a_corner_off_the_grid_is_named_by_the_database_check(empty):
    out = _run(
        empty,
        b"Ruta;Rutstorlek;Beftotalt\n6020006632000;1000;10\n6021006632000;1000;10\n",
    )
    assert not out.written
    assert out.problems.select("rad", "falt").rows() == [(3, "Ruta")]
    assert "ligger inte på SCB:s rutnät för rutor på 1000 m" in out.problems["orsak"][0]


@pytest.mark.parametrize(
    ("rutid", "reason"),
    [
        pytest.param(None, "ligger inte i Sverige i SWEREF 99 TM", id="by-its-coordinates"),
        pytest.param("1kmN3996E4605", "EU:s rutnät", id="by-its-ids"),
    ],
)
def test_a_file_in_another_crs_without_a_declaration_is_refused(empty, rutid, reason):
    """EU's 1 km grid (LAEA, EPSG:3035) with srs_id 0: the coordinates are not Sweden in
    SWEREF 99 TM, so nothing is taken for EPSG:3006."""
    data = _square_gpkg([(rutid, 4_605_000, 3_996_000, 1000, 12)], srs_id=0)
    out = _run(empty, data, "eu.gpkg")
    assert not out.written
    assert out.problems["rad"].to_list() == [1]
    assert reason in out.problems["orsak"][0]
    assert not any("EPSG:3006" in n for n in out.notes)


def test_a_declared_sweref_polygon_file_needs_no_note_and_gives_the_size(empty):
    data = _square_gpkg(
        [("6020006632000", 602000, 6632000, 250, 40), ("6022506632000", 602250, 6632000, 250, 7)],
        srs_id=3006,
    )
    out = _run(empty, data, "rutor.gpkg")
    assert out.written, out.problems
    assert out.notes == []
    assert _cells(empty)["cell_size"].to_list() == [250, 250]


def test_an_older_year_does_not_overwrite_and_the_daytime_flag_survives(empty):
    db = empty
    assert _run(db, "Ruta;Beftotalt;År\n6020006632000;100;2024\n".encode()).written
    population.set_daytime(["6020006632000"], True, conn=db)
    older = _run(db, "Ruta;Beftotalt;År\n6020006632000;90;2023\n".encode())
    assert older.written and older.rows_new == 0 and older.rows_existing == 1
    newer = _run(db, "Ruta;Beftotalt;År\n6020006632000;120;2025\n".encode())
    assert newer.written and newer.rows_new == 1
    cell = _cells(db).row(0, named=True)
    assert (cell["population"], cell["year"], cell["daytime"]) == (120, 2025, True)
    unset = _run(db, "Ruta;Beftotalt;År;Dagbefolkning\n6020006632000;120;2025;Nej\n".encode())
    assert unset.rows_new == 1 and not _cells(db)["daytime"][0]


def test_a_250_m_grid_replaces_the_1_km_cells_it_covers(empty):
    db = empty
    assert _run(db, b"Ruta;Beftotalt\n6020006632000;400\n6030006632000;50\n").written
    fine = _run(db, b"Ruta;Beftotalt\n6022506632250;300\n6020006632000;100\n")
    assert fine.written, fine.problems
    assert any("ersätts" in n and "1." in n for n in fine.notes)
    cells = _cells(db)
    assert cells.select("cell_id", "cell_size", "population").rows() == [
        ("6020006632000", 250, 100),
        ("6022506632250", 250, 300),
        ("6030006632000", 1000, 50),
    ]
