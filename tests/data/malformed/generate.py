"""Generate the malformed-file corpus: hundreds of broken, hostile or implausible import files.

Every file is meant to be refused: by the reader (a file-level Swedish sentence), by the
validator or by the database checks (row-level Swedish messages). Nothing in the corpus is a
valid import. ``tests/db/test_malformed_files.py`` runs each through
``ostan_dash.ingest.pipeline.run_import`` and checks the message and that no table changed.

Run as ``python tests/data/malformed/generate.py OUTDIR`` to look at the files; the tests call
:func:`generate` into a temporary directory (the corpus is generated, not committed).

Each case is (file name, import kind, crs, note); the kinds are those of
``ostan_dash.ingest.validate.KINDS``. Generic format-level breakage is applied to every kind,
value-level and geometry cases to the kinds they concern.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import sqlite3
import struct
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

KINDS = (
    "polisbrott",
    "omraden",
    "indikatorer",
    "enkat",
    "platser",
    "rapporter",
    "befolkningsrutor",
    "polishandelser",
    "gator",
    "brottsstatistik",
)

# A header each kind accepts and one data row that is wrong in a way the validator names.
HEADERS = {
    "polisbrott": "Diarienummer;Brottsnummer;Brottsbenämning;Från datum;Från tid;X-koordinat;"
    "Y-koordinat",
    "omraden": "Kod;Namn;Typ;Befolkning",
    "indikatorer": "Områdeskod;År;Folkmängd;Folkmängd 0–17 år",
    "enkat": "Löpnummer;År;Områdeskod;Vikt",
    "platser": "Namn;Typ;X-koordinat;Y-koordinat",
    "rapporter": "Ärende-id;Kategori;Undertyp;Från datum;X-koordinat;Y-koordinat",
    "befolkningsrutor": "Rutid;Befolkning",
    "polishandelser": "id;datetime;name;type",
    "gator": "Namn;Typ;Källa",
    "brottsstatistik": "Region;Brottstyp;År;Antal;Per 100 000 inv",
}
BAD_ROWS = {
    "polisbrott": "K1-26;1;Stöld;2026-13-45;25:99;abc;def",
    "omraden": "Ö1;Norr;okänd typ;-5",
    "indikatorer": "ZZ99;år;många;-1",
    "enkat": "1;tjugo;ZZ99;-2",
    "platser": "Skolan;okänd typ;1e300;1e300",
    "rapporter": "R1;okänd kategori;x;9999-01-01;1e300;1e300",
    "befolkningsrutor": "12345;-7",
    "polishandelser": "x;igår;31 december 23.50, Misshandel, Östan;Misshandel",
    "gator": "Gatan;residential;",  # no line: a street needs its geometry
    "brottsstatistik": "0180 Stockholm;Samtliga brott;1800;-5;många",
}

# Östan lies around E 601 900, N 6 632 000 (SWEREF 99 TM).
E0, N0 = 601_900.0, 6_632_000.0


@dataclass(frozen=True)
class Case:
    """One file of the corpus."""

    name: str
    kind: str
    crs: str
    note: str


def _csv(kind: str, *rows: str, header: str | None = None, enc: str = "utf-8") -> bytes:
    return ("\n".join([header or HEADERS[kind], *rows]) + "\n").encode(enc)


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _replace_in_zip(data: bytes, member: str, content: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = content if info.filename == member else src.read(info.filename)
            dst.writestr(info.filename, body)
    return out.getvalue()


def xlsx_with_small_dimension(kind: str) -> bytes:
    """A workbook whose sheet declares ``A1:B2`` but holds five data rows (the last one bad)."""
    header = HEADERS[kind].split(";")
    good = BAD_ROWS[kind].split(";")
    data = _xlsx([header, good, good, good, good, good])
    sheet = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(sheet).decode()
    start = xml.index("<dimension ref=")
    end = xml.index("/>", start) + 2
    xml = xml[:start] + '<dimension ref="A1:B2"/>' + xml[end:]
    return _replace_in_zip(data, sheet, xml.encode())


def _zip_bomb() -> bytes:
    """A 'workbook' whose sheet unpacks to 40 MB of spaces from ~40 kB."""
    base = _xlsx([["a"]])
    sheet = b"<worksheet><sheetData>" + b" " * 40_000_000 + b"</sheetData></worksheet>"
    return _replace_in_zip(base, "xl/worksheets/sheet1.xml", sheet)


def _geojson(features: object, crs: int | None = None, raw_crs: object = None) -> bytes:
    doc: dict = {"type": "FeatureCollection", "features": features}
    if raw_crs is not None:
        doc["crs"] = raw_crs
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs}"}}
    return json.dumps(doc, ensure_ascii=False).encode()


def _props(kind: str) -> dict:
    return {
        "omraden": {"Kod": "X1", "Namn": "Testområdet", "Typ": "centrum", "Befolkning": 100},
        "platser": {"Namn": "Testplatsen", "Typ": "Skola"},
        "befolkningsrutor": {"Befolkning": 12},
    }.get(kind, {"Namn": "x"})


def _square(x: float, y: float, side: float) -> list:
    return [[[x, y], [x, y + side], [x + side, y + side], [x + side, y], [x, y]]]


def _feature(kind: str, geometry: object) -> dict:
    return {"type": "Feature", "properties": _props(kind), "geometry": geometry}


def _gpkg(
    *,
    blobs: list[object] | None = None,
    setup: str = "",
    contents: bool = True,
    srs_id: object = 3006,
) -> bytes:
    """A small GeoPackage; ``setup`` SQL replaces or adds objects after the standard tables."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.gpkg"
        con = sqlite3.connect(path)
        con.execute("PRAGMA page_size = 1024")
        con.executescript(
            """
            CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
                geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
            """
        )
        if contents:
            con.execute(
                "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, "
                "identifier TEXT, srs_id INTEGER)"
            )
            con.execute(
                "INSERT INTO gpkg_contents VALUES (?, 'features', ?, ?)", ("lager", "lager", 3006)
            )
        con.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', ?, 0, 0)",
            ("lager", srs_id),
        )
        if blobs is not None:
            con.execute(
                "CREATE TABLE lager (fid INTEGER PRIMARY KEY, Kod TEXT, Namn TEXT, Typ TEXT, "
                "Befolkning INTEGER, Rutid TEXT, geom BLOB)"
            )
            for i, b in enumerate(blobs):
                con.execute(
                    "INSERT INTO lager (Kod, Namn, Typ, Befolkning, Rutid, geom) "
                    "VALUES (?, ?, 'skola', -1, 'x', ?)",
                    (f"G{i}", f"Namn {i}", b),
                )
        if setup:
            con.executescript(setup)
        con.commit()
        con.close()
        return path.read_bytes()


def _wkb_polygon(ring: list[tuple[float, float]]) -> bytes:
    return struct.pack("<BIII", 1, 3, 1, len(ring)) + b"".join(struct.pack("<dd", *p) for p in ring)


def _gp(wkb: bytes, flags: int = 0b0000_0001, version: int = 0, envelope: bytes = b"") -> bytes:
    return b"GP" + bytes([version, flags]) + struct.pack("<i", 3006) + envelope + wkb


RING = [(E0, N0), (E0, N0 + 250), (E0 + 250, N0 + 250), (E0 + 250, N0), (E0, N0)]
RECURSIVE_VIEW = """
CREATE VIEW lager AS
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)
SELECT n AS fid, 'X' || n AS Kod, 'Namn' AS Namn, 'skola' AS Typ, n AS Befolkning,
       zeroblob(1000) AS geom FROM r;
"""


def recursive_view_gpkg() -> bytes:
    """The 8 kB GeoPackage of issue 13: its feature 'table' is a view over a recursive CTE that
    never ends (reading it once ran two minutes and reached 5.4 GB)."""
    return _gpkg(setup=RECURSIVE_VIEW)


def _generic(kind: str) -> dict[str, tuple[bytes, str]]:
    """Format-level breakage (file name → bytes, note), the same for every kind."""
    rnd = random.Random(f"malformed-{kind}")
    header = HEADERS[kind]
    bad = BAD_ROWS[kind]
    other = next(k for k in KINDS if k != kind and HEADERS[k] != header)
    base_xlsx = _xlsx([header.split(";"), bad.split(";")])
    sheet = "xl/worksheets/sheet1.xml"
    return {
        "empty.csv": (b"", "empty file"),
        "whitespace.csv": (b"  \r\n \n\t\n", "only whitespace"),
        "only_header.csv": (_csv(kind), "header without rows"),
        "header_blank_lines.csv": (_csv(kind, ";;;", "", ";;"), "header and blank Excel lines"),
        "unclosed_quote.csv": (_csv(kind, '"abc;def', bad), "truncated in a quoted cell"),
        "garbage.csv": (rnd.randbytes(4096), "random bytes"),
        "nul_in_cells.csv": (_csv(kind, bad.replace(";", "\x00;", 2)), "NUL bytes in cells"),
        "many_nuls.csv": (b"\x00" * 200 + _csv(kind, bad), "binary: many NUL bytes"),
        "utf16_bom.csv": (
            ("\ufeff" + header.replace(";", "\t") + "\n" + bad.replace(";", "\t") + "\n").encode(
                "utf-16-le"
            ),
            "UTF-16 with BOM, tab separated, bad values",
        ),
        "utf16_no_bom.csv": (_csv(kind, bad, enc="utf-16-le"), "UTF-16 without BOM"),
        "mixed_encoding.csv": (
            header.encode("utf-8") + b"\n" + bad.encode("cp1252", errors="replace") + b"\xe5\n",
            "UTF-8 header, Windows-1252 row",
        ),
        "double_bom.csv": (b"\xef\xbb\xbf\xef\xbb\xbf" + _csv(kind, bad), "two BOMs"),
        "huge_quoted_cell.csv": (
            _csv(kind, '"' + "x" * 1_200_000 + '";' + bad),
            "a quoted cell of 1.2 million characters",
        ),
        "huge_line.csv": (_csv(kind, "y" * 2_000_000 + ";" + bad), "a line of 2 MB"),
        "duplicate_headers.csv": (
            _csv(kind, bad + ";" + bad, header=header + ";" + header),
            "every header twice",
        ),
        "reserved_headers.csv": (
            _csv(kind, "1;x;" + bad, header="rad;__geometri__;" + header),
            "headers named like internal columns",
        ),
        "too_many_columns.csv": (
            _csv(kind, ";".join(["1"] * 1500), header=";".join(f"k{i}" for i in range(1500))),
            "1 500 columns",
        ),
        "parquet_as.csv": (b"PAR1" + rnd.randbytes(2000) + b"PAR1", "GeoParquet named .csv"),
        "old_excel.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rnd.randbytes(2000), ".xls"),
        "document.pdf": (b"%PDF-1.7\n" + rnd.randbytes(1000), "a PDF"),
        "packed.csv.gz": (gzip.compress(_csv(kind, bad)), "gzip"),
        "deep_nesting.json": (b"[" * 100_000 + b"]" * 100_000, "JSON nested 100 000 deep"),
        "deep_object.geojson": (
            b'{"type":"FeatureCollection","features":' + b'{"a":' * 50_000 + b"1" + b"}" * 50_001,
            "objects nested 50 000 deep",
        ),
        "zip_bomb.xlsx": (_zip_bomb(), "40 MB sheet packed 1000:1"),
        "broken_zip.xlsx": (b"PK\x03\x04" + rnd.randbytes(3000), "zip magic then garbage"),
        "truncated.xlsx": (base_xlsx[: len(base_xlsx) // 2], "half a workbook"),
        "bad_sheet_xml.xlsx": (
            _replace_in_zip(base_xlsx, sheet, b"<worksheet><sheetData><row r='1'><c r='A1'"),
            "sheet XML cut off",
        ),
        "bad_shared_string.xlsx": (
            _replace_in_zip(
                base_xlsx,
                sheet,
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1"><c r="A1" t="s"><v>999</v></c></row></sheetData>'
                b"</worksheet>",
            ),
            "a shared-string index that does not exist",
        ),
        "many_empty_rows.xlsx": (
            _replace_in_zip(
                base_xlsx,
                sheet,
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
                b'<row r="9"><c r="A9" t="inlineStr"><is><t>b</t></is></c></row>'
                b"</sheetData></worksheet>",
            ),
            "a header only, then a row far down",
        ),
        "small_dimension.xlsx": (xlsx_with_small_dimension(kind), "dimension A1:B2, 6 rows"),
        "only_separators.csv": (b";;;;\n;;;;\n", "only separators"),
        "cr_line_endings.csv": (
            (header + "\r" + bad + "\r").encode(),
            "old Mac line endings",
        ),
        "control_in_header.csv": (
            _csv(kind, bad, header=header.replace(";", "\x01;", 1)),
            "a control character in a header",
        ),
        "sqlite_garbage.gpkg": (b"SQLite format 3\x00" + rnd.randbytes(4000), "broken SQLite"),
        "json_not_geojson.json": (b'{"a": 1, "b": [1, 2]}', "JSON but not GeoJSON"),
        "long_integer.geojson": (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":'
            + b"1" * 5000
            + b"},"
            + b'"geometry":null}]}',
            "an integer of 5 000 digits",
        ),
        "ragged_rows.csv": (_csv(kind, bad + ";extra;extra", "1;2"), "rows of different lengths"),
        "wrong_kind.csv": (_csv(other, BAD_ROWS[other]), f"a {other} file"),
    }


def _geometry_cases(kind: str) -> dict[str, tuple[bytes, str, str]]:
    """GeoJSON and GeoPackage geometry cases (name → bytes, crs, note) for geometry kinds."""
    f = lambda g: _feature(kind, g)  # noqa: E731
    poly = lambda x, y, s=250: {"type": "Polygon", "coordinates": _square(x, y, s)}  # noqa: E731
    cases: dict[str, tuple[bytes, str, str]] = {
        "coords_1e300.geojson": (_geojson([f(poly(1e300, 1e300))]), "auto", "coordinates 1e300"),
        "outside_sweden.geojson": (
            _geojson([f(poly(100_000, 5_000_000))], crs=3006),
            "auto",
            "outside SWEREF 99 TM's Swedish extent",
        ),
        "degrees_as_metres.geojson": (
            _geojson([f(poly(13.5, 55.6, 0.01))], crs=3006),
            "auto",
            "degrees in a file that says EPSG:3006",
        ),
        "degrees_chosen_metres.geojson": (
            _geojson([f(poly(13.5, 55.6, 0.01))]),
            "3006",
            "degrees with SWEREF 99 TM chosen",
        ),
        "bowtie.geojson": (
            _geojson(
                [
                    f(
                        {
                            "type": "Polygon",
                            "coordinates": [
                                [
                                    [E0, N0],
                                    [E0 + 250, N0 + 250],
                                    [E0 + 250, N0],
                                    [E0, N0 + 250],
                                    [E0, N0],
                                ]
                            ],
                        }
                    )
                ]
            ),
            "auto",
            "self-intersecting polygon",
        ),
        "unclosed_ring.geojson": (
            _geojson(
                [f({"type": "Polygon", "coordinates": [[[E0, N0], [E0, N0 + 9], [E0 + 9, N0]]]})]
            ),
            "auto",
            "ring not closed",
        ),
        "latitude_200.geojson": (
            _geojson([f(poly(15.0, 200.0, 0.01))]),
            "4326",
            "latitude 200° in WGS 84",
        ),
        "infinite.geojson": (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
            + json.dumps(_props(kind)).encode()
            + b',"geometry":{"type":"Point","coordinates":[1e400, 2]}}]}',
            "auto",
            "coordinate 1e400 (infinite)",
        ),
        "nan.geojson": (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
            + json.dumps(_props(kind)).encode()
            + b',"geometry":{"type":"Point","coordinates":[NaN, 2]}}]}',
            "auto",
            "NaN coordinate",
        ),
        "string_coords.geojson": (
            _geojson([f({"type": "Point", "coordinates": ["a", "b"]})]),
            "auto",
            "coordinates that are text",
        ),
        "empty_coords.geojson": (
            _geojson([f({"type": "Polygon", "coordinates": []})]),
            "auto",
            "empty coordinates",
        ),
        "deep_coords.geojson": (
            b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
            b'"geometry":{"type":"Polygon","coordinates":' + b"[" * 3000 + b"]" * 3000 + b"}}]}",
            "auto",
            "coordinates nested 3 000 deep",
        ),
        "features_number.geojson": (_geojson(5), "auto", "features is a number"),
        "features_string.geojson": (_geojson("abc"), "auto", "features is a string"),
        "feature_number.geojson": (_geojson([7, "x"]), "auto", "features that are not objects"),
        "properties_list.geojson": (
            _geojson([{"type": "Feature", "properties": [1, 2], "geometry": poly(E0, N0)}]),
            "auto",
            "properties is a list",
        ),
        "geometry_string.geojson": (
            _geojson([{"type": "Feature", "properties": _props(kind), "geometry": "POINT(1 2)"}]),
            "auto",
            "geometry is a string",
        ),
        "crs_weird.geojson": (
            _geojson([f(poly(1e300, 5))], raw_crs={"properties": {"name": "EPSG:²"}}),
            "auto",
            "crs member of the wrong type",
        ),
        "gpkg_recursive_view.gpkg": (recursive_view_gpkg(), "auto", "recursive view as layer"),
        "gpkg_contents_view.gpkg": (
            _gpkg(
                blobs=[_gp(_wkb_polygon(RING))],
                contents=False,
                setup="CREATE VIEW gpkg_contents AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL "
                "SELECT n + 1 FROM r) SELECT 'lager' AS table_name, 'features' AS data_type "
                "FROM r;",
            ),
            "auto",
            "gpkg_contents is a recursive view",
        ),
        "gpkg_virtual_table.gpkg": (
            _gpkg(setup="CREATE VIRTUAL TABLE lager USING rtree(id, minx, maxx, miny, maxy);"),
            "auto",
            "layer is a virtual table",
        ),
        "gpkg_no_catalogue.gpkg": (
            _gpkg(blobs=[], setup="DROP TABLE gpkg_geometry_columns;"),
            "auto",
            "no gpkg_geometry_columns",
        ),
        "gpkg_missing_table.gpkg": (_gpkg(), "auto", "layer listed but absent"),
        "gpkg_bad_envelope.gpkg": (
            _gpkg(blobs=[_gp(_wkb_polygon(RING), flags=0b0000_1101)]),
            "auto",
            "envelope code 6 (reserved)",
        ),
        "gpkg_short_blob.gpkg": (_gpkg(blobs=[b"GP\x00"]), "auto", "blob shorter than header"),
        "gpkg_text_geometry.gpkg": (_gpkg(blobs=["POLYGON((1 2, 3 4))"]), "auto", "text geometry"),
        "gpkg_extended.gpkg": (
            _gpkg(blobs=[_gp(_wkb_polygon(RING), flags=0b0010_0001)]),
            "auto",
            "extended GeoPackage geometry",
        ),
        "gpkg_version_9.gpkg": (
            _gpkg(blobs=[_gp(_wkb_polygon(RING), version=9)]),
            "auto",
            "unknown blob version",
        ),
        "gpkg_envelope_lies.gpkg": (
            _gpkg(
                blobs=[
                    _gp(
                        _wkb_polygon(RING)[:20],
                        flags=0b0000_0011,
                        envelope=struct.pack("<4d", 0, 0, 0, 0),
                    )
                ]
            ),
            "auto",
            "envelope then truncated WKB",
        ),
        "gpkg_garbage_wkb.gpkg": (
            _gpkg(blobs=[_gp(b"\x01\x03\x00\x00\x00" + b"\xff" * 40)]),
            "auto",
            "WKB garbage after a valid header",
        ),
        "gpkg_1e300.gpkg": (
            _gpkg(
                blobs=[
                    _gp(
                        _wkb_polygon(
                            [(1e300, 1e300), (1e300, 2e300), (2e300, 1e300), (1e300, 1e300)]
                        )
                    )
                ]
            ),
            "auto",
            "GeoPackage polygon at 1e300",
        ),
        "gpkg_srs_text.gpkg": (
            _gpkg(blobs=[_gp(_wkb_polygon(RING))], srs_id="inte ett tal"),
            "auto",
            "srs_id is text (and the rows are bad)",
        ),
        "gpkg_huge_value.gpkg": (
            _gpkg(
                setup="CREATE TABLE lager (fid INTEGER PRIMARY KEY, geom BLOB, "
                "Namn TEXT GENERATED ALWAYS AS (hex(zeroblob(60000000))) VIRTUAL);"
                "INSERT INTO lager (geom) VALUES (NULL);"
            ),
            "auto",
            "a generated column of 120 MB per row",
        ),
    }
    return cases


def _value_cases(kind: str) -> dict[str, tuple[bytes, str, str]]:
    """Parseable files whose values are wrong (name → bytes, crs, note)."""
    c = lambda *rows, crs="auto", note="": (_csv(kind, *rows), crs, note)  # noqa: E731
    table: dict[str, dict[str, tuple[bytes, str, str]]] = {
        "polisbrott": {
            "date_9999.csv": c("K1;1;Stöld;9999-99-99;08:00;6632000;601900", note="bad date"),
            "coords_1e300.csv": c("K1;1;Stöld;2026-03-02;08:00;1e300;1e300", note="1e300"),
            "degrees_3006.csv": c(
                "K1;1;Stöld;2026-03-02;08:00;55.6;13.5", crs="3006", note="degrees as metres"
            ),
            "nan_coords.csv": c("K1;1;Stöld;2026-03-02;08:00;nan;inf", note="NaN, inf"),
            "no_case_no.csv": c(";1;Stöld;2026-03-02;08:00;6632000;601900", note="no id"),
            "outside.csv": c("K1;1;Stöld;2026-03-02;08:00;7600000;900000", note="outside town"),
        },
        "indikatorer": {
            "year_1e300.csv": c("X1;1e300;100;10", note="year 1e300"),
            "under18_gt_all.csv": c("X1;2024;100;1000", note="more children than people"),
            "unknown_area.csv": c("EJ-FINNS;2024;100;10", note="unknown area"),
        },
        "enkat": {
            "weight_negative.csv": c("1;2024;ZZ;-1", note="negative weight"),
            "year_text.csv": c("1;tjugo;ZZ;1", note="year as text"),
            "unknown_area.csv": c("1;2024;EJ-FINNS;1", note="unknown area"),
        },
        "platser": {
            "degrees_3006.csv": c("Skolan;Skola;55.6;13.5", crs="3006", note="degrees as metres"),
            "outside.csv": c("Skolan;Skola;7600000;900000", note="outside the municipality"),
            "rt90.csv": c("Skolan;Skola;6580000;1628000", note="RT 90"),
        },
        "rapporter": {
            "year_1900.csv": c("R1;Skadegörelse;Klotter;1900-01-01;6632000;601900", note="1900"),
            "year_9999.csv": c("R1;Skadegörelse;Klotter;9999-01-01;6632000;601900", note="9999"),
            "nul_description.csv": (
                _csv(
                    kind,
                    "R1;Skadegörelse;Klotter;2026-03-02;6632000;601900;Hej\x00då",
                    header=HEADERS[kind] + ";Beskrivning",
                ),
                "auto",
                "NUL in a description",
            ),
            "personnummer.csv": (
                _csv(
                    kind,
                    "R1;Skadegörelse;Klotter;2026-03-02;6632000;601900;Sågs av 19121212-1212",
                    header=HEADERS[kind] + ";Beskrivning",
                ),
                "auto",
                "personnummer in a description",
            ),
            "degrees_3006.csv": c(
                "R1;Skadegörelse;Klotter;2026-03-02;55.6;13.5", crs="3006", note="degrees"
            ),
        },
        "befolkningsrutor": {
            "rutid_12_digits.csv": c("491000699400;5", note="rutid of 12 digits"),
            "corner_1e300.csv": (
                _csv(kind, "1e300;1e300;5", header="x;y;Befolkning"),
                "auto",
                "corner at 1e300",
            ),
            "corner_degrees.csv": (
                _csv(kind, "13.5;55.6;5", header="x;y;Befolkning"),
                "auto",
                "corner in degrees",
            ),
        },
    }
    if kind == "polishandelser":
        table[kind] = _police_event_cases()
    return table.get(kind, {})


def _police_event(**kw: object) -> dict:
    base = {
        "id": 1,
        "datetime": "2026-08-22 19:51:41 +02:00",
        "name": "22 augusti 17.59, Misshandel, Östan",
        "summary": "",
        "url": "/",
        "type": "Misshandel",
        "location": {"name": "Östans län", "gps": "59.3,18.0"},
    }
    return {**base, **kw}


def _police_event_cases() -> dict[str, tuple[bytes, str, str]]:
    """The police's events API answer (a JSON array) with one broken crime event each."""

    def j(*events: object, note: str) -> tuple[bytes, str, str]:
        return (json.dumps(list(events), ensure_ascii=False).encode(), "auto", note)

    return {
        "not_an_object.json": j(_police_event(), "text", note="an element that is not an object"),
        "bad_datetime.json": j(_police_event(datetime="igår"), note="publication time as text"),
        "id_text.json": j(_police_event(id="abc"), note="id not a number"),
        "duplicate_id.json": j(_police_event(), _police_event(), note="the same id twice"),
        "nul_in_name.json": j(
            _police_event(name="22 augusti 17.59, Misshandel\x00, Östan"), note="NUL in the name"
        ),
        "no_type.json": j(_police_event(type=None), note="no type"),
    }


def row_beyond_excel() -> bytes:
    """A workbook with a row numbered 2 000 000, past Excel's last (openpyxl would fill the gap
    with empty rows for ever; the reader stops at row 1 048 577)."""
    base = _xlsx([["Namn"]])
    return _replace_in_zip(
        base,
        "xl/worksheets/sheet1.xml",
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
        b'<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>b</t></is></c></row>'
        b"</sheetData></worksheet>",
    )


def generate(outdir: Path) -> list[Case]:
    """Write the corpus into ``outdir`` (one folder per kind) and return its cases."""
    cases: list[Case] = []
    for kind in KINDS:
        d = outdir / kind
        d.mkdir(parents=True, exist_ok=True)
        entries: dict[str, tuple[bytes, str, str]] = {
            name: (data, "auto", note) for name, (data, note) in _generic(kind).items()
        }
        if kind in ("omraden", "platser", "befolkningsrutor"):
            entries.update(_geometry_cases(kind))
        entries.update(_value_cases(kind))
        if kind == "polisbrott":  # slow to refuse (a million empty rows), so once
            entries["row_beyond_excel.xlsx"] = (row_beyond_excel(), "auto", "row 2 000 000")
        for name, (data, crs, note) in entries.items():
            (d / name).write_bytes(data)
            cases.append(Case(f"{kind}/{name}", kind, crs, note))
    return cases


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "malformed-corpus")
    made = generate(out)
    print(f"{len(made)} files in {out}")
