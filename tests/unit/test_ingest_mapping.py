"""The import's mapping step (issue 10): header below title lines, proposals by alias and by
likeness, a confirmed mapping applied before validation, a table wide by year made long."""

import io

import polars as pl
from openpyxl import Workbook

from ostan_dash.ingest import mapping, pipeline, read
from ostan_dash.ingest.validate import validate

TITLED = (
    "Folkmängd efter region och år\nKälla: SCB, 2025-02-21\n\n"
    "kommun_kod;Namn;År;population;Antal barn 0-17\n"
    "0880;Kalmar;2024;71000;14000\n0881;Nybro;2024;20000;4200\n"
).encode("cp1252")


def test_a_csv_with_title_lines_is_read_from_its_header_with_the_files_line_numbers():
    raw = read.read_file(TITLED, "scb.csv")
    assert raw.header_row == 4 and raw.encoding == "cp1252"
    assert raw.frame.columns[1:] == ["kommun_kod", "Namn", "År", "population", "Antal barn 0-17"]
    assert raw.frame["rad"].to_list() == [5, 6]  # as a person counts lines in the file
    assert raw.frame["Namn"].to_list() == ["Kalmar", "Nybro"]


def test_a_header_row_given_by_the_user_wins():
    raw = read.read_file(TITLED, "scb.csv", header_row=5)
    assert raw.frame.columns[1] == "0880" and raw.frame["rad"].to_list() == [6]


def test_an_xlsx_with_a_title_row_is_read_from_its_header():
    wb = Workbook()
    ws = wb.active
    ws.append(["Folkmängd per kommun"])
    ws.append([])
    ws.append(["Kod", "År", "Folkmängd"])
    ws.append(["0880", 2024, 71000])
    buf = io.BytesIO()
    wb.save(buf)
    raw = read.read_file(buf.getvalue(), "f.xlsx")
    assert raw.header_row == 3
    assert raw.frame.to_dicts() == [{"rad": 4, "Kod": "0880", "År": "2024", "Folkmängd": "71000"}]


def test_the_proposal_takes_names_first_then_likeness_and_each_target_once():
    props = mapping.propose(
        "indikatorer", ["Områdeskod", "Kod", "Ar", "Folkmangd", "Folkmängd 0-17", "x"]
    )
    got = {p.column: (p.target, p.how) for p in props}
    assert got["Områdeskod"] == ("Områdeskod", "namn")
    assert got["Kod"] == (None, "")  # Områdeskod is taken by the exact name
    assert got["Ar"] == ("År", "namn")
    assert got["Folkmangd"] == ("Folkmängd", "likhet")  # ä ≠ a: by likeness
    assert got["x"] == (None, "")


def test_a_remembered_mapping_comes_first():
    props = mapping.propose(
        "indikatorer", ["Antal barn 0-17", "population"], {"Antal barn 0-17": "Folkmängd 0–17 år"}
    )
    assert [(p.target, p.how) for p in props] == [
        ("Folkmängd 0–17 år", "sparad"),
        ("Folkmängd", "namn"),
    ]


def test_a_confirmed_mapping_makes_the_titled_file_valid_indicators():
    raw = read.read_file(TITLED, "scb.csv")
    chosen = mapping.as_dict(mapping.propose("indikatorer", raw.frame.columns))
    assert "Antal barn 0-17" not in chosen  # not similar enough: the user maps it
    chosen["Antal barn 0-17"] = "Folkmängd 0–17 år"
    checked = validate("indikatorer", mapping.apply(raw.frame, chosen))
    assert checked.ok, checked.problems
    assert checked.rows.select("rad", "area_ref", "population_under18").rows() == [
        (5, "0880", 14000),
        (6, "0881", 4200),
    ]


def test_apply_keeps_a_clashing_unmapped_column_aside():
    df = pl.DataFrame({"rad": [2], "Kod": ["a"], "Id": ["b"]})
    out = mapping.apply(df, {"Id": "Kod"})
    assert out.columns == ["rad", "Kod_", "Kod"] and out["Kod"].to_list() == ["b"]


def test_a_table_wide_by_year_becomes_one_row_per_year_with_its_line():
    df = pl.DataFrame(
        {"rad": [4, 5], "region": ["0880", "0881"], "2023": ["1", "2"], "2024": ["3", "4"]}
    )
    long = mapping.to_long(df, "Folkmängd")
    assert long.select("rad", "region", "År", "Folkmängd").rows() == [
        (4, "0880", "2023", "1"),
        (4, "0880", "2024", "3"),
        (5, "0881", "2023", "2"),
        (5, "0881", "2024", "4"),
    ]


def test_peek_in_the_bounded_child_gives_header_encoding_and_first_rows():
    got = pipeline.peek(TITLED, "scb.csv")
    assert got.error is None and got.header_row == 4 and got.encoding == "cp1252"
    assert got.rows is not None and got.rows["rad"].to_list() == [5, 6]
    assert mapping.source_key(got.rows.columns) == "kommunkod|namn|år|population|antalbarn017"
