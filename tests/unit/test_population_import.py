"""SCB's "befolkning på rutor" read and validated as it is published: the real GeoPackage of 200
1 km cells (SCB open data 2024, via dnouri/crimecity3k @ 2fd6066,
``tests/fixtures/data/population_test.gpkg``; byte-identical copy in ``tests/data/import``) and
CSV as SCB's and Swedish Excel's exports look; every bad row named with its line and field."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import polars as pl
import pytest

from ostan_dash.ingest import read, validate

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
REAL = DATA / "scb_population_1km_subset.gpkg"
KIND = "befolkningsrutor"


def _validate_csv(text: str, encoding: str = "cp1252") -> validate.Validated:
    return validate.validate(KIND, read.read_file(text.encode(encoding), "rutor.csv").frame)


def _ring_bbox(wkb: bytes) -> tuple[float, float, float, float]:
    """Bounding box of a little- or big-endian WKB Polygon's outer ring (ISO WKB, 2D)."""
    order = "<" if wkb[0] == 1 else ">"
    gtype, nrings, npts = struct.unpack(order + "III", wkb[1:13])
    assert gtype == 3 and nrings >= 1
    xy = struct.unpack(order + f"{2 * npts}d", wkb[13 : 13 + 16 * npts])
    xs, ys = xy[0::2], xy[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_the_real_file_is_the_published_one():
    """The copy in tests/data is the reference file unchanged (the importer adapts, not the file)."""
    reference = Path("/work/shared/reference/real/scb_population_1km_subset.gpkg")
    if not reference.exists():
        pytest.skip("the shared reference copy is not on this machine")
    assert REAL.read_bytes() == reference.read_bytes()


def test_the_real_file_declares_no_crs_and_reads_as_wkb_polygons():
    raw = read.read_file(REAL.read_bytes(), REAL.name)
    assert raw.fmt == "gpkg" and raw.geometry_format == "wkb"
    assert raw.srid is None  # srs_id 0: "Undefined geographic SRS"
    assert raw.rows_read == 200
    assert {"rutid_scb", "rutstorl", "beftotalt", "kvinna", "man", "referenstid"} <= set(
        raw.frame.columns
    )


def test_scb_rutid_is_the_lower_left_corner_of_the_cell_geometry():
    """Read with sqlite3 directly (not our reader): for every cell, the 13-digit rutid is the
    easting (6 digits) and northing (7 digits) of the polygon's lower-left corner, and the
    polygon is a 1 000 m square."""
    con = sqlite3.connect(f"file:{REAL}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT rutid_scb, rutstorl, sp_geometry FROM population_test"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == 200
    for rutid, size, blob in rows:
        assert len(rutid) == 13
        flags = blob[3]
        envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 0b111]
        x0, y0, x1, y1 = _ring_bbox(blob[8 + envelope :])
        assert (round(x0), round(y0)) == (int(rutid[:6]), int(rutid[6:])), rutid
        assert round(x1 - x0) == round(y1 - y0) == size == 1000


def test_the_real_file_validates_as_it_is():
    raw = read.read_file(REAL.read_bytes(), REAL.name)
    v = validate.validate(KIND, raw.frame)
    assert v.ok, v.problems
    assert sorted(v.ignored_columns) == ["kvinna", "man", "objectid"]
    rows = v.rows
    assert rows.height == 200
    con = sqlite3.connect(f"file:{REAL}?mode=ro", uri=True)
    try:
        total, n_ids = con.execute(
            "SELECT sum(beftotalt), count(DISTINCT rutid_scb) FROM population_test"
        ).fetchone()
    finally:
        con.close()
    assert rows["population"].sum() == total
    assert rows["cell_ref"].n_unique() == n_ids == 200
    assert rows["x0_in"].to_list() == [int(r[:6]) for r in rows["cell_ref"]]
    assert rows["y0_in"].to_list() == [int(r[6:]) for r in rows["cell_ref"]]
    assert set(rows["size_in"]) == {1000}
    assert set(rows["year"]) == {2024}  # referenstid 20241231
    assert rows["srid"].is_null().all()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Ruta;Beftotalt;Referenstid\n6020006632000;1 445;20241231\n6022506632250;12;20241231\n",
            id="rutid-and-beftotalt",
        ),
        pytest.param(
            "Ostkoordinat;Nordkoordinat;Befolkning;År\n"
            "602000;6632000;1 445;2024\n602250,0;6632250,0;12;2024\n",
            id="ost-nord-decimal-comma",
        ),
        pytest.param(
            "x;y;Totalt\n6632000;602000;1445\n6632250;602250;12\n",
            id="x-is-northing-as-swedish-surveyors-write",
        ),
        pytest.param(
            "rutid;x;y;Rutstorlek;befolkning\n"
            "6020006632000;602000;6632000;250;1445\n6022506632250;602250;6632250;250;12\n",
            id="rutid-and-corner-agree",
        ),
    ],
)
def test_csv_as_scb_publishes_it(text: str) -> None:
    v = _validate_csv(text)
    assert v.ok, v.problems
    assert v.rows.select("x0_in", "y0_in", "population").rows() == [
        (602000, 6632000, 1445),
        (602250, 6632250, 12),
    ]
    # a corner between whole kilometres makes it the 250 m grid when no size column says so
    size = v.rows["size_in"].fill_null(v.rows["size_guess"])
    assert set(size) == {250}


def test_a_grid_on_whole_kilometres_is_taken_as_1_km_cells():
    v = _validate_csv("Ruta;Beftotalt\n4910006994000;1445\n4870007002000;1444\n")
    assert v.ok
    assert v.rows["size_guess"].to_list() == [1000, 1000]
    assert v.rows["size_in"].is_null().all()


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        (2, "Ruta", "13 siffror"),
        (3, "Beftotalt", "utanför tillåtet intervall"),
        (4, "Beftotalt", "inte ett heltal"),
        (5, "Rutstorlek", "250 eller 1000"),
        (6, "Referenstid", "ogiltigt år"),
        (7, "x", "inte i Sverige"),
        (8, "x", "inte rutans nedre vänstra hörn enligt rutid"),
        (9, "Ruta", "läge saknas"),
        (10, "Beftotalt", "värde saknas"),
    ],
)
def test_each_bad_row_is_named_with_its_line_and_field(line: int, field: str, reason: str) -> None:
    v = _validate_csv(
        "Ruta;x;y;Rutstorlek;Beftotalt;Referenstid\n"
        "491000699400;;;1000;10;20241231\n"  # 2: 12 digits
        "4910006995000;;;1000;-3;20241231\n"  # 3: negative
        "4910006996000;;;1000;1,5;20241231\n"  # 4: not whole persons
        "4910006997000;;;500;10;20241231\n"  # 5: not an SCB size
        "4910006998000;;;1000;10;31.12.2024\n"  # 6: not a year
        ";4910;69990;1000;10;2024\n"  # 7: not SWEREF 99 TM in Sweden
        "4910007000000;491000;7001000;1000;10;2024\n"  # 8: corner and rutid disagree
        ";;;1000;10;2024\n"  # 9: where?
        "4910007002000;;;1000;;2024\n"  # 10: no population
        "4910007003000;;;1000;10;2024\n"  # 11: fine
    )
    assert not v.ok
    found = v.problems.filter(pl.col("rad") == line)
    assert found["falt"].to_list() == [field], v.problems
    assert reason in found["orsak"][0]
    assert 11 not in v.problems["rad"].to_list()
    assert v.rows["rad"].to_list() == [11]
