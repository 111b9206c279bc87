"""Brå's statistics imported as the kind ``brottsstatistik`` (issue 10), through the pipeline
the Import page and ``ostan-dash import`` use: a file shaped like Brå's export (a title line
above the header, ``;``, decimal comma, spaces as thousands separators, cp1252 or UTF-8 with BOM,
or xlsx) lands in ``crime_statistics`` as it reads; the same file again adds nothing; a row with
an impossible year or a negative count refuses the whole file, naming its line and field."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from ostan_dash.ingest import pipeline

pytestmark = pytest.mark.db

TITLE = "Anmälda brott, totalt och per 100 000 av medelfolkmängden, efter region, brottstyp och år"
HEADER = ["Region", "Brottstyp", "År", "Antal", "Per 100 000 inv"]
NBSP = "\u00a0"
# (region, crime type, year, count, rate) as Brå writes them.
ROWS = [
    ("Riket", "Samtliga brott", "2023", "1 476 011", "14 005,5"),
    ("Riket", "Misshandel", "2023", f"82{NBSP}512", "782,9"),
    ("0180 Stockholm", "Samtliga brott", "2023", "211 118", "21 449,1"),
    ("0180 Stockholm", "Misshandel", "2023", "9 810", "996,7"),
    ("1280 Malmö", "Samtliga brott", "2023", "62 204", "17 257,0"),
    ("0305 Håbo", "Samtliga brott", "2023", "1 987", "8 701,2"),
    ("0305 Håbo", "Misshandel", "2023", "118", "516,7"),
    ("Riket", "Samtliga brott", "2024", "1 456 789", "13 751,8"),
]
N = len(ROWS)


def bra_csv(rows=ROWS, *, encoding: str = "cp1252") -> bytes:
    """Brå's CSV export: a title line, a blank line, the header and the rows."""
    lines = [TITLE, "", ";".join(HEADER), *(";".join(r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def bra_xlsx(rows=ROWS) -> bytes:
    """The same as a workbook: the title in A1, the header in row 3."""
    wb = Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.append([])
    ws.append(HEADER)
    for r in rows:
        ws.append([r[0], r[1], int(r[2]), r[3], r[4]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(db, data: bytes, name: str):
    return pipeline.run_import(
        "brottsstatistik", data, name, conn=db, isolate=False, username="test"
    )


def _stored(db) -> dict[tuple, tuple]:
    rows = db.execute(
        sa.text(
            "SELECT region_code, region_name, is_national, crime_type, year, count, "
            "per_100k::float8, population FROM crime_statistics"
        )
    ).all()
    return {(r[1], r[3], r[4]): (r[0], r[2], r[5], r[6], r[7]) for r in rows}


FILES = {
    "cp1252.csv": lambda: bra_csv(),
    "utf8-bom.csv": lambda: bra_csv(encoding="utf-8-sig"),
    "bra.xlsx": lambda: bra_xlsx(),
}


@pytest.mark.parametrize("name", list(FILES))
def test_a_bra_export_is_imported_as_it_reads_and_once(db, name):
    before = db.execute(sa.text("SELECT count(*) FROM crime_statistics")).scalar_one()
    out = _import(db, FILES[name](), name)
    assert out.problems.is_empty(), out.problems.to_dicts()
    assert out.written and out.rows_read == N and out.rows_new == N
    assert out.header_row == 3  # below the title line and the blank one
    stored = _stored(db)
    assert len(stored) == before + N
    assert stored[("Riket", "Samtliga brott", 2023)] == (None, True, 1_476_011, 14005.5, None)
    assert stored[("Stockholm", "Misshandel", 2023)] == ("0180", False, 9810, 996.7, None)
    assert stored[("Håbo", "Samtliga brott", 2023)] == ("0305", False, 1987, 8701.2, None)
    assert stored[("Riket", "Misshandel", 2023)][2] == 82_512  # non-breaking space as separator
    kind = db.execute(
        sa.text("SELECT kind, rows_written FROM imports WHERE id = :i"), {"i": out.import_id}
    ).one()
    assert tuple(kind) == ("brottsstatistik", N)

    again = _import(db, FILES[name](), name)
    assert again.written and again.rows_new == 0 and again.rows_existing == N
    assert _stored(db) == stored


def test_a_revised_count_replaces_the_stored_one(db):
    assert _import(db, bra_csv(), "bra.csv").written
    revised = [("0305 Håbo", "Misshandel", "2023", "121", "530,0")]
    out = _import(db, bra_csv(revised), "bra-rev.csv")
    assert out.written and out.rows_new == 1
    assert _stored(db)[("Håbo", "Misshandel", 2023)][2:4] == (121, 530.0)


def test_hela_landet_is_the_country_and_a_region_without_code_is_kept_by_name(db):
    rows = [
        ("Hela landet", "Samtliga brott", "2022", "1 444 000", "13 800,0"),
        ("Östan", "Samtliga brott", "2022", "4 100", ""),
    ]
    out = _import(db, bra_csv(rows), "bra.csv")
    assert out.written, out.problems.to_dicts()
    stored = _stored(db)
    assert stored[("Riket", "Samtliga brott", 2022)][:2] == (None, True)
    assert stored[("Östan", "Samtliga brott", 2022)] == (None, False, 4100, None, None)
    assert any("varken antal per 100 000" in n for n in out.notes), out.notes


def test_a_bad_row_refuses_the_whole_file_naming_line_and_field(db):
    before = _stored(db)
    bad = [
        *ROWS[:3],
        ("0305 Håbo", "Samtliga brott", "1800", "1 987", "8 701,2"),  # line 7
        ("1280 Malmö", "Misshandel", "2023", "-4", "12,0"),  # line 8
        ("0180 Stockholm", "Samtliga brott", "2023", "211 118", "21 449,1"),  # line 9: again
    ]
    out = _import(db, bra_csv(bad), "bra.csv")
    assert not out.written and out.import_id is None
    problems = {(p["rad"], p["falt"]): p["orsak"] for p in out.problems.to_dicts()}
    assert "1975" in problems[(7, "År")]
    assert "negativt" in problems[(8, "Antal")]
    assert "rad 6" in problems[(9, "Region")]
    assert _stored(db) == before


def test_footnotes_missing_figures_and_county_rows_are_left_out_with_their_reason(db):
    """What Brå's real exports carry besides the table: a county row, a count marked missing
    (``..``), a rate marked missing with a count, and the footnotes under the table. The file
    imports; the rows without a count, the county and the footnotes are listed as left out."""
    rows = [
        *ROWS[:3],
        ("01 Stockholms län", "Samtliga brott", "2023", "330 412", "13 270,0"),  # line 7
        ("0305 Håbo", "Bedrägeri", "2023", "..", ".."),  # line 8
        ("1280 Malmö", "Misshandel", "2023", "2 901", ".."),  # line 9: imported, no rate
    ]
    lines = [
        TITLE,
        "",
        ";".join(HEADER),
        *(";".join(r) for r in rows),
        "Källa: Brå, Anmälda brott;;;;",  # line 10
        "Anm.: Uppgifterna för 2024 är preliminära.;;;;",  # line 11
    ]
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    before = len(_stored(db))
    out = _import(db, data, "bra-med-fotnoter.csv")
    assert out.written, out.problems.to_dicts()
    left_out = {r["rad"]: r["orsak"] for r in out.skipped.to_dicts()}
    assert set(left_out) == {7, 8, 10, 11}, left_out
    assert "län" in left_out[7]
    assert "saknas" in left_out[8]
    assert "fotnot" in left_out[10] and "fotnot" in left_out[11]
    stored = _stored(db)
    assert len(stored) == before + 4
    assert stored[("Malmö", "Misshandel", 2023)] == ("1280", False, 2901, None, None)
    assert ("Stockholms län", "Samtliga brott", 2023) not in stored


def test_imports_under_two_roles_on_one_connection(db):
    """An import leaves no temporary helper behind on its pooled connection: the next import
    on the same connection, under another role, may create it again (before, it failed with
    "must be owner of function ingest_geom" and every file was refused)."""
    first = _import(db, bra_csv(ROWS[:2]), "bra-agare.csv")  # the owner, as operators import
    assert first.written, first.problems.to_dicts()
    analyst = db.execute(sa.text("SELECT id FROM users WHERE username = 'analytiker'")).scalar()
    second = pipeline.run_import(
        "brottsstatistik",
        bra_csv(ROWS[2:4]),
        "bra-analytiker.csv",
        conn=db,
        isolate=False,
        user_id=analyst,
        username="analytiker",
        role="analytiker",
    )
    assert second.written, second.problems.to_dicts()
    assert second.rows_new == 2
