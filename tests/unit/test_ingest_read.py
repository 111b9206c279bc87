"""Reading the files people have: Swedish Excel CSV in two encodings, .xlsx, GeoJSON, GeoPackage."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sqlite3
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from ostan_dash.ingest import read

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def test_windows_1252_csv_keeps_swedish_letters_and_line_numbers():
    raw = read.read_file((DATA / "polisbrott_v10_cp1252.csv").read_bytes(), "v10.csv")
    assert raw.encoding == "cp1252"
    assert raw.rows_read == 10
    assert "Brottsbenämning" in raw.frame.columns
    first = raw.frame.row(0, named=True)
    assert first["rad"] == 2  # the header is line 1
    assert first["Brottsbenämning"].startswith("Stöld genom inbrott")


def test_utf8_bom_csv_is_recognised_and_the_bom_is_not_part_of_the_first_header():
    raw = read.read_file((DATA / "indikatorer_2016_utf8bom.csv").read_bytes(), "ind.csv")
    assert raw.encoding == "utf-8-sig"
    assert raw.frame.columns[1] == "Områdeskod"
    assert raw.frame["Folkmängd 0–17 år"][1] == "3 120"


def test_quoted_cells_with_line_breaks_and_blank_excel_lines_keep_true_line_numbers():
    text = 'Namn;Typ;Beskrivning\nA;Skola;"två\nrader"\n;;\nB;Park;"x; y"\n'
    raw = read.read_file(text.encode("cp1252"), "p.csv")
    assert raw.frame["rad"].to_list() == [2, 5]
    assert raw.frame["Beskrivning"].to_list() == ["två\nrader", "x; y"]


def test_comma_separated_csv_is_detected():
    raw = read.read_file(b"a,b\n1,2\n", "x.csv")
    assert raw.frame.columns == ["rad", "a", "b"]


def test_empty_file_is_refused_in_swedish():
    with pytest.raises(read.ReadError, match="tom"):
        read.read_file(b"", "x.csv")


def test_xlsx_cells_become_the_text_a_csv_export_would_hold():
    wb = Workbook()
    ws = wb.active
    ws.append(["Löpnummer", "År", "Datum", "Tid", "Vikt"])
    ws.append(["TU-1", 2016, dt.datetime(2026, 3, 2), dt.time(8, 15), 1.25])
    ws.append([None, None, None, None, None])
    ws.append(["TU-2", 2016.0, dt.datetime(2026, 3, 2, 22, 5), None, 2])
    buf = io.BytesIO()
    wb.save(buf)
    raw = read.read_file(buf.getvalue(), "enkat.xlsx")
    assert raw.fmt == "xlsx"
    assert raw.frame.to_dicts() == [
        {
            "rad": 2,
            "Löpnummer": "TU-1",
            "År": "2016",
            "Datum": "2026-03-02",
            "Tid": "08:15",
            "Vikt": "1.25",
        },
        {
            "rad": 4,
            "Löpnummer": "TU-2",
            "År": "2016",
            "Datum": "2026-03-02 22:05",
            "Tid": None,
            "Vikt": "2",
        },
    ]


def test_geojson_in_sweref_declares_its_crs_and_keeps_geometry_text():
    raw = read.read_file((DATA / "omraden_sweref99tm.geojson").read_bytes(), "o.geojson")
    assert raw.srid == 3006
    assert raw.geometry_format == "geojson"
    assert raw.frame["Kod"].to_list() == ["R07", "R08"]
    geom = json.loads(raw.frame[read.GEOMETRY][0])
    assert geom["type"] == "Polygon"
    assert raw.frame["rad"].to_list() == [1, 2]


def _gpkg_blob(wkb: bytes, srid: int) -> bytes:
    # GeoPackage binary: magic, version 0, flags (little endian, envelope [minx,maxx,miny,maxy]).
    flags = 0b00000011
    x, y = struct.unpack("<dd", wkb[5:21])
    return (
        b"GP" + bytes([0, flags]) + struct.pack("<i", srid) + struct.pack("<4d", x, x, y, y) + wkb
    )


def make_gpkg(rows: list[tuple[str, str, float, float]], srid: int = 3006) -> bytes:
    """A minimal GeoPackage with a point table (name, kind, geometry)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.gpkg"
        con = sqlite3.connect(path)
        con.executescript(
            """
            CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
                geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
            CREATE TABLE platser (fid INTEGER PRIMARY KEY, Namn TEXT, Typ TEXT, geom BLOB);
            """
        )
        con.execute(
            "INSERT INTO gpkg_geometry_columns VALUES ('platser', 'geom', 'POINT', ?, 0, 0)",
            (srid,),
        )
        for name, kind, x, y in rows:
            wkb = struct.pack("<BIdd", 1, 1, x, y)
            con.execute(
                "INSERT INTO platser (Namn, Typ, geom) VALUES (?, ?, ?)",
                (name, kind, _gpkg_blob(wkb, srid)),
            )
        con.commit()
        con.close()
        return path.read_bytes()


def test_geopackage_points_are_read_as_wkb_without_the_gpkg_header():
    data = make_gpkg([("Hållplats Torget", "Busshållplats", 601900.0, 6632050.0)])
    raw = read.read_file(data, "platser.gpkg")
    assert raw.fmt == "gpkg" and raw.srid == 3006 and raw.geometry_format == "wkb"
    wkb = bytes.fromhex(raw.frame[read.GEOMETRY][0])
    assert struct.unpack("<BIdd", wkb) == (1, 1, 601900.0, 6632050.0)
    assert raw.frame["Namn"][0] == "Hållplats Torget"


# Hostile and broken files (issue 13) ------------------------------------------------------------
def _gpkg_with(setup: str) -> bytes:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.gpkg"
        con = sqlite3.connect(path)
        con.executescript(
            """
            CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
                geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
            CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT);
            INSERT INTO gpkg_geometry_columns VALUES ('lager', 'geom', 'POINT', 3006, 0, 0);
            INSERT INTO gpkg_contents VALUES ('lager', 'features');
            """
        )
        con.executescript(setup)
        con.commit()
        con.close()
        return path.read_bytes()


def test_a_geopackage_layer_that_is_a_recursive_view_is_refused_without_running_it():
    data = _gpkg_with(
        "CREATE VIEW lager AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT n AS fid, zeroblob(100) AS geom FROM r;"
    )
    with pytest.raises(read.ReadError, match="vy"):
        read.read_file(data, "vy.gpkg")


def test_a_geopackage_reads_its_feature_table_and_ignores_other_views():
    wkb = struct.pack("<BIdd", 1, 1, 601900.0, 6632050.0)
    data = _gpkg_with(
        "CREATE TABLE lager (fid INTEGER PRIMARY KEY, Namn TEXT, geom BLOB);"
        "CREATE VIEW annan AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT n FROM r;"
    )
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.gpkg"
        path.write_bytes(data)
        con = sqlite3.connect(path)
        con.execute("INSERT INTO lager (Namn, geom) VALUES ('A', ?)", (_gpkg_blob(wkb, 3006),))
        con.commit()
        con.close()
        data = path.read_bytes()
    raw = read.read_file(data, "f.gpkg")
    assert raw.frame["Namn"].to_list() == ["A"]
    assert bytes.fromhex(raw.frame[read.GEOMETRY][0]) == wkb


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        pytest.param(b"GP\x00\x0d" + b"\x00" * 60, "envelope", id="reserved-envelope-code"),
        pytest.param(b"GP\x00", "GeoPackage-geometri", id="shorter-than-header"),
        pytest.param(b"GP\x07\x01" + b"\x00" * 30, "version", id="unknown-version"),
        pytest.param(b"GP\x00\x21" + b"\x00" * 30, "utökade", id="extended-type"),
        pytest.param("POINT(1 2)", "inte binär", id="text"),
    ],
)
def test_a_broken_geometry_header_is_a_row_problem_in_swedish(blob, reason):
    data = _gpkg_with(
        "CREATE TABLE lager (fid INTEGER PRIMARY KEY, Namn TEXT, geom BLOB);"
        "INSERT INTO lager (Namn, geom) VALUES ('A', NULL);"
    )
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.gpkg"
        path.write_bytes(data)
        con = sqlite3.connect(path)
        con.execute("INSERT INTO lager (Namn, geom) VALUES ('B', ?)", (blob,))
        con.commit()
        con.close()
        data = path.read_bytes()
    raw = read.read_file(data, "f.gpkg")
    assert raw.rows_read == 2
    assert [(r, f) for r, f, _, _ in raw.problems] == [(2, "geometri")]
    assert reason in raw.problems[0][2]


def test_an_xlsx_whose_dimension_is_smaller_than_its_data_is_read_whole():
    wb = Workbook()
    ws = wb.active
    ws.append(["Namn", "Typ"])
    for i in range(5):
        ws.append([f"P{i}", "Skola", "extra"])
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:B2"/>', body)
                assert b'ref="A1:B2"' in body
            dst.writestr(info.filename, body)
    raw = read.read_file(out.getvalue(), "f.xlsx")
    assert raw.frame["rad"].to_list() == [2, 3, 4, 5, 6]
    assert raw.frame["Namn"].to_list() == [f"P{i}" for i in range(5)]


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b" " * 30_000_000)
    with pytest.raises(read.ReadError, match="packas upp"):
        read.read_file(out.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize(
    ("data", "name", "match"),
    [
        pytest.param(b"PAR1\x00\x01PAR1", "g.csv", "Parquet", id="geoparquet-as-csv"),
        pytest.param(b"[" * 100_000, "d.json", "nästlad", id="deep-json"),
        pytest.param(b"a;b\n" + b'"' + b"x" * 1_100_000 + b'";1\n', "h.csv", "längre", id="cell"),
        pytest.param(b"\x00" * 100 + b"a;b\n", "n.csv", "NUL", id="binary"),
        pytest.param(b'{"type":"FeatureCollection","features":5}', "f.json", "lista", id="type"),
        pytest.param(b"x;" * 2000 + b"\n", "w.csv", "kolumner", id="too-wide"),
    ],
)
def test_hostile_files_are_refused_with_a_swedish_sentence(data, name, match):
    with pytest.raises(read.ReadError, match=match) as e:
        read.read_file(data, name)
    assert "Error" not in str(e.value) and "line" not in str(e.value)


def test_headers_named_like_our_own_columns_cannot_overwrite_the_line_numbers():
    raw = read.read_file(b"rad;__geometri__;Namn\nx;y;A\n", "f.csv")
    assert raw.frame["rad"].to_list() == [2]
    assert raw.frame.columns == ["rad", "rad_", "__geometri___", "Namn"]


def test_utf16_with_bom_as_excel_saves_unicode_text_is_read():
    raw = read.read_file("\ufeffNamn\tTyp\nÅsa\tSkola\n".encode("utf-16-le"), "u.txt")
    assert raw.encoding == "utf-16"
    assert raw.frame.row(0, named=True) == {"rad": 2, "Namn": "Åsa", "Typ": "Skola"}
