"""Validation names every bad row with its line, field and reason, and reads Swedish formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from ostan_dash.config import TZ
from ostan_dash.ingest import read, validate

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
POLICE_HEADER = (
    "Diarienummer;Brottsbenämning;Från datum;Från tid;Till datum;Till tid;X-koordinat;Y-koordinat"
)


def _validate(kind: str, text: str, **kw) -> validate.Validated:
    return validate.validate(kind, read.read_file(text.encode("cp1252"), "f.csv").frame, **kw)


def _epoch(*args) -> int:
    return int(dt.datetime(*args, tzinfo=TZ).timestamp())


def test_the_police_fixture_is_valid_and_groups_crimes_like_an_analyst_would():
    v = validate.validate(
        "polisbrott", read.read_file((DATA / "polisbrott_v10_cp1252.csv").read_bytes(), "v").frame
    )
    assert v.ok, v.problems
    groups = dict(zip(v.rows["crime_type"], v.rows["crime_group"], strict=True))
    assert groups["Stöld genom inbrott, ej vapen, i bostad (villa)"] == "inbrott"
    assert groups["Rån mot privatperson, ej väpnat, utomhus"] == "rån"
    assert groups["Olaga hot mot man 18 år eller äldre, obekant"] == "hot"
    assert groups["Snatteri"] == "stold"
    assert groups["Rattfylleri"] == "trafik"
    # one case with two crimes gets two keys
    assert {"5000-K112233-26/1", "5000-K112233-26/2"} <= set(v.rows["external_id"])
    # the row without coordinates keeps its area code
    r = v.rows.filter(pl.col("crime_type") == "Rattfylleri").row(0, named=True)
    assert r["x"] is None and r["area_ref"] == "R04"


def test_one_bad_row_is_named_with_its_line_field_and_reason():
    text = (
        POLICE_HEADER + "\n"
        "K1;Snatteri;2026-03-02;10:00;;;6632000;602000\n"
        "K2;Snatteri;2026-02-30;10:00;;;6632000;602000\n"
        "K3;Snatteri;2026-03-02;25:10;;;6632000;602000\n"
    )
    v = _validate("polisbrott", text)
    assert v.problems.select("rad", "falt").rows() == [(3, "Från datum"), (4, "Från tid")]
    assert v.problems["orsak"].to_list() == [
        "ogiltigt datum (skriv ÅÅÅÅ-MM-DD)",
        "ogiltig tid (skriv TT:MM)",
    ]
    assert v.problems["varde"].to_list() == ["2026-02-30", "25:10"]
    assert v.rows["external_id"].to_list() == ["K1"]


def test_a_missing_required_column_is_reported_on_the_header_line():
    v = _validate("polisbrott", "Diarienummer;Från datum\nK1;2026-03-02\n")
    assert v.problems.select("rad", "falt", "orsak").rows() == [
        (1, "Brottsbenämning", "kolumnen saknas")
    ]


def test_a_repeated_key_names_the_line_it_repeats():
    text = (
        POLICE_HEADER
        + "\nK1;Snatteri;2026-03-02;;;;6632000;602000\nK1;Snatteri;2026-03-03;;;;6632000;602000\n"
    )
    v = _validate("polisbrott", text)
    assert v.problems.row(0, named=True) | {"varde": None} == {
        "rad": 3,
        "falt": "Diarienummer",
        "orsak": "samma diarienummer och brottsnummer finns redan på rad 2",
        "varde": None,
    }


@pytest.mark.parametrize(
    ("a", "b", "crs", "expected"),
    [
        pytest.param(
            "6632000", "602000", "auto", (602000.0, 6632000.0, 3006), id="sweref-x-is-north"
        ),
        pytest.param(
            "602000", "6632000", "auto", (602000.0, 6632000.0, 3006), id="sweref-east-first"
        ),
        pytest.param(
            "59,8179", "16,8365", "auto", (16.8365, 59.8179, 4326), id="wgs84-lat-lon-decimal-comma"
        ),
        pytest.param("16.8365", "59.8179", "auto", (16.8365, 59.8179, 4326), id="wgs84-lon-lat"),
        pytest.param(
            "6 632 000", "602 000", "3006", (602000.0, 6632000.0, 3006), id="thousands-spaces"
        ),
    ],
)
def test_coordinates_are_classified_by_magnitude(a, b, crs, expected):
    v = _validate("polisbrott", f"{POLICE_HEADER}\nK1;Snatteri;2026-03-02;;;;{a};{b}\n", crs=crs)
    assert v.ok, v.problems
    assert v.rows.select("x", "y", "srid").row(0) == expected


@pytest.mark.parametrize(
    ("a", "b", "crs", "reason"),
    [
        pytest.param("6632000", "1602000", "auto", "RT 90", id="rt90"),
        pytest.param("59.8", "16.8", "3006", "SWEREF 99 TM", id="wgs-when-sweref-chosen"),
        pytest.param("1000", "2000", "auto", "ligger inte i Sverige", id="nonsense"),
    ],
)
def test_coordinates_outside_sweden_or_in_rt90_are_refused(a, b, crs, reason):
    v = _validate("polisbrott", f"{POLICE_HEADER}\nK1;Snatteri;2026-03-02;;;;{a};{b}\n", crs=crs)
    assert v.problems["rad"].to_list() == [2]
    assert reason in v.problems["orsak"][0]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param(
            "2026-03-02;22:00;;02:00",
            (_epoch(2026, 3, 2, 22), _epoch(2026, 3, 3, 2)),
            id="overnight",
        ),
        pytest.param(
            "2026-03-02;;;", (_epoch(2026, 3, 2, 0), _epoch(2026, 3, 2, 23, 59)), id="whole-day"
        ),
        pytest.param("2026-03-02;08:15;;", (_epoch(2026, 3, 2, 8, 15),) * 2, id="point-in-time"),
        pytest.param(
            "2026-02-27;18:00;2026-03-01;21:30",
            (_epoch(2026, 2, 27, 18), _epoch(2026, 3, 1, 21, 30)),
            id="window",
        ),
        pytest.param("20260302;0815;;", (_epoch(2026, 3, 2, 8, 15),) * 2, id="compact"),
        pytest.param(
            "2026-03-29;02:30;;", (_epoch(2026, 3, 29, 3, 30),) * 2, id="spring-forward-gap"
        ),
    ],
)
def test_time_windows_follow_the_documented_rules(cells, expected):
    v = _validate("polisbrott", f"{POLICE_HEADER}\nK1;Snatteri;{cells};6632000;602000\n")
    assert v.ok, v.problems
    assert v.rows.select("t_from", "t_to").row(0) == expected


def test_a_window_ending_before_it_starts_is_refused():
    v = _validate(
        "polisbrott",
        f"{POLICE_HEADER}\nK1;Snatteri;2026-03-02;10:00;2026-03-01;09:00;6632000;602000\n",
    )
    assert v.problems.select("rad", "falt", "orsak").rows() == [
        (2, "Till datum", "till-tiden ligger före från-tiden")
    ]


def test_indicators_read_decimal_comma_percentages_and_thousands_spaces():
    v = validate.validate(
        "indikatorer",
        read.read_file((DATA / "indikatorer_2016_utf8bom.csv").read_bytes(), "i").frame,
    )
    assert v.ok, v.problems
    r = v.rows.filter(pl.col("area_ref") == "F01").row(0, named=True)
    assert (r["population"], r["population_under18"], r["pct_unsafe"], r["organised_crime"]) == (
        9655,
        3120,
        41.8,
        True,
    )
    assert r["pct_under18"] == pytest.approx(3120 / 9655 * 100, abs=0.01)


def test_survey_answers_ja_nej_and_no_answer():
    text = "Löpnummer;År;Områdeskod;Vikt;Otrygg utomhus kvällstid\nA;2016;C01;1,5;Ja\nB;2016;C01;0,8;Vet ej\nC;2016;C01;1;Kanske\n"
    v = _validate("enkat", text)
    assert v.problems.select("rad", "falt").rows() == [(4, "Otrygg utomhus kvällstid")]
    assert v.rows.select("respondent_ref", "weight", "unsafe_evening").rows() == [
        ("A", 1.5, True),
        ("B", 0.8, None),
    ]


def test_reports_from_another_system_map_swedish_labels_and_refuse_personal_data():
    v = validate.validate(
        "rapporter", read.read_file((DATA / "rapporter_export_cp1252.csv").read_bytes(), "r").frame
    )
    assert v.ok, v.problems
    assert v.rows.select("category", "subtype", "object_type").row(0) == (
        "skadegorelse",
        "klotter",
        "skola",
    )
    assert v.rows.filter(pl.col("category") == "otrygg_samling")["persons_count"].to_list() == [12]
    bad = (
        "Ärende-id;Kategori;Undertyp;Från datum;Nord;Öst;Beskrivning\n"
        "T1;Otrygg plats;Klotter;2026-03-02;6632000;602000;Sågs av 19850312-1234\n"
        "T2;Otrygg plats;Bilbrand;2026-03-02;6632000;602000;\n"
    )
    v = _validate("rapporter", bad)
    assert v.problems.select("rad", "falt").rows() == [(2, "Beskrivning"), (3, "Undertyp")]
    assert v.problems["varde"][0] is None  # the personal data is not echoed back
    assert "personnummer" in v.problems["orsak"][0]


def test_area_kinds_accept_swedish_labels():
    raw = read.read_file((DATA / "omraden_sweref99tm.geojson").read_bytes(), "o.geojson")
    v = validate.validate("omraden", raw.frame)
    assert v.ok, v.problems
    assert v.rows["kind"].to_list() == ["by", "by"]


def test_the_benchmark_extract_is_a_valid_police_file():
    from ostan_dash.ingest import bench

    data = bench.police_extract_csv(500)
    raw = read.read_file(data, "bench.csv")
    assert raw.encoding == "cp1252" and raw.rows_read == 500
    v = validate.validate("polisbrott", raw.frame)
    assert v.ok, v.problems
    assert v.rows["external_id"].n_unique() == 500
    assert (v.rows["srid"] == 3006).all()
