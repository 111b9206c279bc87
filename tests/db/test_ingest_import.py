"""Each import kind accepts a realistic Swedish file, refuses a file with one bad row while
writing nothing, and adds nothing when the same file comes again."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from ostan_dash.ingest import pipeline, read
from ostan_dash.store import reports as report_store
from tests.unit.test_ingest_read import make_gpkg

pytestmark = pytest.mark.db

DATA = Path(__file__).resolve().parents[1] / "data" / "import"

# kind, fixture, target table, a change that breaks exactly one data row and that row's line
FIXTURES = [
    (
        "polisbrott",
        "polisbrott_v10_cp1252.csv",
        "police_crimes",
        ("2026-03-01;14:20", "2026-03-01;14:70"),
        7,
        "Från tid",
    ),
    (
        "indikatorer",
        "indikatorer_2016_utf8bom.csv",
        "area_indicators",
        ("41,8", "141,8"),
        3,
        "Andel otrygga (%)",
    ),
    (
        "enkat",
        "enkat_2016_cp1252.csv",
        "survey_responses",
        ("TU16-00007;2016;", "TU16-00007;216;"),
        8,
        "År",
    ),
    ("platser", "platser_wgs84_utf8bom.csv", "places", (";Förskola;", ";Dagis;"), 4, "Typ"),
    (
        "rapporter",
        "rapporter_export_cp1252.csv",
        "incidents",
        ("Bristfällig belysning", "Trasig lampa"),
        3,
        "Undertyp",
    ),
    (
        "omraden",
        "omraden_sweref99tm.geojson",
        "areas",
        ('"Befolkning": 1320', '"Befolkning": -5'),
        2,
        "Befolkning",
    ),
]
ENCODING = {"utf8bom": "utf-8-sig", "cp1252": "cp1252"}


def _org(db) -> int:
    return db.execute(sa.text("SELECT min(id) FROM organisations")).scalar_one()


def _count(db, table: str) -> int:
    return db.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


def _run(db, kind, data, name="f", **kw):
    return pipeline.run_import(
        kind, data, name, conn=db, organisation_id=_org(db), username="test", **kw
    )


def _bytes(fixture: str) -> bytes:
    return (DATA / fixture).read_bytes()


def _with_change(fixture: str, old: str, new: str) -> bytes:
    enc = next((e for k, e in ENCODING.items() if k in fixture), "utf-8")
    text = _bytes(fixture).decode(enc)
    assert text.count(old) == 1, old
    return text.replace(old, new).encode(enc)


@pytest.mark.parametrize(
    ("kind", "fixture", "table"), [f[:3] for f in FIXTURES], ids=[f[0] for f in FIXTURES]
)
def test_each_kind_imports_its_realistic_file_once(db, kind, fixture, table):
    before = _count(db, table)
    first = _run(db, kind, _bytes(fixture), fixture)
    assert first.ok, first.problems
    assert first.written and first.rows_new == first.rows_read > 0
    assert _count(db, table) == before + first.rows_new
    again = _run(db, kind, _bytes(fixture), fixture)
    assert again.written and again.rows_new == 0 and again.rows_existing == first.rows_read
    assert _count(db, table) == before + first.rows_new
    rec = db.execute(
        sa.text(
            "SELECT kind, file_name, sha256, rows_read, rows_written FROM imports WHERE id = :id"
        ),
        {"id": first.import_id},
    ).one()
    assert tuple(rec) == (
        kind,
        fixture,
        read.sha256(_bytes(fixture)),
        first.rows_read,
        first.rows_new,
    )
    audit = db.execute(
        sa.text(
            "SELECT details->>'kind' FROM audit_log WHERE action = 'import' AND entity_id = :id"
        ),
        {"id": str(first.import_id)},
    ).scalar_one()
    assert audit == kind


@pytest.mark.parametrize(
    ("kind", "fixture", "table", "change", "line", "field"), FIXTURES, ids=[f[0] for f in FIXTURES]
)
def test_one_bad_row_writes_nothing_and_names_the_row(
    db, kind, fixture, table, change, line, field
):
    before = _count(db, table)
    imports_before = _count(db, "imports")
    out = _run(db, kind, _with_change(fixture, *change), fixture)
    assert not out.written and out.import_id is None
    assert out.problems.select("rad", "falt").rows() == [(line, field)]
    assert _count(db, table) == before
    assert _count(db, "imports") == imports_before


def test_preview_counts_new_rows_and_writes_nothing(db):
    before = _count(db, "police_crimes")
    out = _run(db, "polisbrott", _bytes("polisbrott_v10_cp1252.csv"), dry_run=True)
    assert out.ok and not out.written and out.rows_new == 10
    assert _count(db, "police_crimes") == before


def test_an_overlapping_police_extract_adds_only_the_new_crimes(db):
    _run(db, "polisbrott", _bytes("polisbrott_v10_cp1252.csv"))
    text = _bytes("polisbrott_v10_cp1252.csv").decode("cp1252")
    extra = "5000-K112600-26;1;0866;Snatteri;2026-03-05;15:10;;;Östan;C01;6631880;602180\r\n"
    out = _run(db, "polisbrott", (text + extra).encode("cp1252"))
    assert (out.rows_new, out.rows_existing) == (1, 10)


def test_police_points_get_their_area_and_a_point_outside_the_municipality_is_refused(db):
    out = _run(db, "polisbrott", _bytes("polisbrott_v10_cp1252.csv"))
    centrum = db.execute(
        sa.text(
            "SELECT a.code FROM police_crimes p JOIN areas a ON a.id = p.area_id WHERE p.external_id = :e"
        ),
        {"e": "5000-K112390-26/1"},
    ).scalar_one()
    assert centrum == "C01"
    only_area = db.execute(
        sa.text(
            "SELECT a.code FROM police_crimes p JOIN areas a ON a.id = p.area_id WHERE p.external_id = :e"
        ),
        {"e": "5000-K112510-26/1"},
    ).scalar_one()
    assert only_area == "R04"
    assert out.written
    bad = _with_change("polisbrott_v10_cp1252.csv", "6631880;602180", "6655000;640000")
    before = _count(db, "police_crimes")
    out = _run(db, "polisbrott", bad.replace(b"-26;", b"-27;"))
    assert out.problems.select("rad", "orsak").rows() == [(10, "punkten ligger utanför kommunen")]
    assert _count(db, "police_crimes") == before


def test_an_unknown_area_code_is_named(db):
    bad = _with_change("indikatorer_2016_utf8bom.csv", "V04;Sjöängen", "V99;Sjöängen")
    out = _run(db, "indikatorer", bad)
    assert out.problems.select("rad", "falt", "orsak", "varde").rows() == [
        (6, "Områdeskod", "okänt område", "V99")
    ]


def test_survey_from_xlsx_imports_like_the_csv(db):
    rows = read.read_file(_bytes("enkat_2016_cp1252.csv"), "e.csv").frame
    wb = Workbook()
    ws = wb.active
    ws.append([c for c in rows.columns if c != "rad"])
    for r in rows.drop("rad").iter_rows():
        cells = list(r)
        cells[1] = int(cells[1])  # År as a number, Vikt as a number: as Excel holds them
        cells[3] = float(cells[3].replace(",", "."))
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    out = _run(db, "enkat", buf.getvalue(), "enkat.xlsx")
    assert out.ok and out.file_format == "xlsx" and out.rows_new == 40, out.problems
    again = _run(db, "enkat", _bytes("enkat_2016_cp1252.csv"), "enkat.csv")
    assert again.rows_new == 0
    w = db.execute(
        sa.text(
            "SELECT weight FROM survey_responses WHERE year = 2016 AND respondent_ref = 'TU16-00001'"
        )
    ).scalar_one()
    assert w == pytest.approx(float(rows["Vikt"][0].replace(",", ".")))


def test_area_boundaries_in_sweref_extend_the_municipality(db):
    inside_new = (626000.0, 6631000.0)
    assert not report_store.inside_municipality(*inside_new, conn=db)
    out = _run(db, "omraden", _bytes("omraden_sweref99tm.geojson"))
    assert out.written and out.rows_new == 2
    area = db.execute(
        sa.text("SELECT code, kind, population, round(ST_Area(geom)) FROM areas WHERE code = 'R07'")
    ).one()
    assert tuple(area)[:3] == ("R07", "by", 2150)
    assert report_store.inside_municipality(*inside_new, conn=db)


def test_area_boundaries_in_wgs84_are_transformed_to_sweref(db):
    from pyproj import Transformer

    fc = json.loads(_bytes("omraden_sweref99tm.geojson"))
    del fc["crs"]  # RFC 7946: no crs member means WGS 84
    to_wgs = Transformer.from_crs(3006, 4326, always_xy=True)
    for f in fc["features"]:
        g = f["geometry"]
        rings = g["coordinates"] if g["type"] == "Polygon" else g["coordinates"][0]
        for ring in rings:
            ring[:] = [list(to_wgs.transform(x, y)) for x, y in ring]
    out = _run(db, "omraden", json.dumps(fc).encode())
    assert out.written, out.problems
    xmin = db.execute(sa.text("SELECT ST_XMin(geom) FROM areas WHERE code = 'R07'")).scalar_one()
    assert xmin == pytest.approx(621800, abs=0.5)


def test_a_self_intersecting_boundary_is_refused_with_the_reason(db):
    fc = json.loads(_bytes("omraden_sweref99tm.geojson"))
    fc["features"][0]["geometry"]["coordinates"] = [
        [
            [622000, 6628000],
            [628000, 6634000],
            [628000, 6628000],
            [622000, 6634000],
            [622000, 6628000],
        ]
    ]
    out = _run(db, "omraden", json.dumps(fc).encode())
    assert not out.written
    assert out.problems["rad"].to_list() == [1]
    assert out.problems["orsak"][0].startswith("ogiltig geometri")


def test_places_from_a_geopackage(db):
    data = make_gpkg([("Hållplats Torget", "Busshållplats", 601900.0, 6632050.0)])
    out = _run(db, "platser", data, "platser.gpkg")
    assert out.written and out.rows_new == 1, out.problems
    row = db.execute(
        sa.text(
            "SELECT a.code, p.critical FROM places p JOIN areas a ON a.id = p.area_id WHERE p.name = 'Hållplats Torget'"
        )
    ).one()
    assert tuple(row) == ("C01", False)
