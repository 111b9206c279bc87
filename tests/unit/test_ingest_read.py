"""Reading the files people have: Swedish Excel CSV in two encodings, .xlsx, GeoJSON, GeoPackage."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import struct
import tempfile
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
