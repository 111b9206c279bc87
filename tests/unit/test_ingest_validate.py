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
        "T1;Otrygg plats;Klotter;2026-03-02;6632000;602000;Sågs av 19850312-1231\n"
        "T2;Otrygg plats;Bilbrand;2026-03-02;6632000;602000;\n"
    )
    v = _validate("rapporter", bad)
    assert v.problems.select("rad", "falt").rows() == [(2, "Beskrivning"), (3, "Undertyp")]
    assert v.problems["varde"][0] is None  # the whole cell is not echoed back, only the span
    assert "ett personnummer (”19850312-1231”)" in v.problems["orsak"][0]


def test_area_kinds_accept_swedish_labels():
    raw = read.read_file((DATA / "omraden_sweref99tm.geojson").read_bytes(), "o.geojson")
    v = validate.validate("omraden", raw.frame)
    assert v.ok, v.problems
    assert v.rows["kind"].to_list() == ["by", "by"]


def test_the_benchmark_extract_is_a_valid_police_file():
    from ostan_dash.bench import imports as bench

    data = bench.police_extract_csv(500)
    raw = read.read_file(data, "bench.csv")
    assert raw.encoding == "cp1252" and raw.rows_read == 500
    v = validate.validate("polisbrott", raw.frame)
    assert v.ok, v.problems
    assert v.rows["external_id"].n_unique() == 500
    assert (v.rows["srid"] == 3006).all()


REPORT_HEADER = "Ärende-id;Kategori;Undertyp;Från datum;Till datum;Nord;Öst;Beskrivning\n"


def _report_rows(*rows: tuple[str, str, str]) -> str:
    """Report lines with (from date, to date, description); everything else valid."""
    return REPORT_HEADER + "".join(
        f"T{i};Otrygg plats;Bristfällig belysning;{d0};{d1};6632000;602000;{text}\n"
        for i, (d0, d1, text) in enumerate(rows)
    )


def test_imported_descriptions_name_the_kind_and_span_of_personal_data():
    v = _validate(
        "rapporter",
        _report_rows(
            ("2026-03-02", "", "Ring 070-123 45 67 om lampan"),
            ("2026-03-02", "", "Anmält av anna.svensson@exempel.se"),
            ("2026-03-02", "", "Boende Anna Svensson, Storgatan 12, klagar"),
            ("2026-03-02", "", "Ärende 8503121234 (fel kontrollsiffra) och 3 lampor"),
            ("2026-03-02", "", "Lampan vid Storgatan 12 släckt kl 22-23"),
        ),
    )
    by_row = dict(zip(v.problems["rad"], v.problems["orsak"], strict=True))
    assert set(by_row) == {2, 3, 4}, by_row  # 8503121234 fails the Luhn check; no name at 6
    assert "ett telefonnummer (”070-123 45 67”)" in by_row[2]
    assert "personnummer" not in by_row[2]  # a phone number is not called a personnummer
    assert "en e-postadress (”anna.svensson@exempel.se”)" in by_row[3]
    assert "ett namn med adress (”Anna Svensson, Storgatan 12”)" in by_row[4]
    assert set(v.problems["falt"]) == {"Beskrivning"}
    assert v.rows["rad"].to_list() == [5, 6]


def test_report_dates_before_2000_or_after_tomorrow_are_refused(monkeypatch):
    monkeypatch.setenv("OSTAN_TODAY", "2026-03-04")
    v = _validate(
        "rapporter",
        _report_rows(
            ("1900-01-01", "", "a"),
            ("9999-12-31", "", "b"),
            ("2026-03-02", "9999-12-31", "c"),
            ("2026-03-05", "", "d"),  # tomorrow: within the clock-skew margin
            ("2000-01-01", "", "e"),
            ("2026-03-06", "", "f"),
        ),
    )
    got = v.problems.filter(pl.col("orsak").str.contains("datumet ligger")).select(
        "rad", "falt", "varde"
    )
    assert got.rows() == [
        (2, "Från datum", "1900-01-01"),
        (3, "Från datum", "9999-12-31"),
        (4, "Till datum", "9999-12-31"),
        (7, "Från datum", "2026-03-06"),
    ]
    assert "före 2000-01-01" in v.problems.filter(pl.col("rad") == 2)["orsak"][0]
    assert "framtiden (senast 2026-03-05)" in v.problems.filter(pl.col("rad") == 7)["orsak"][0]
    assert sorted(v.rows["rad"].to_list()) == [5, 6]


def test_control_characters_are_refused_in_every_cell_with_line_and_field():
    raw = pl.DataFrame(
        {
            "rad": [2, 3, 4, 5],
            "Ärende-id": ["T1", "T2\x00", "T3", "T4"],
            "Kategori": ["Otrygg plats"] * 4,
            "Undertyp": ["Bristfällig belysning"] * 4,
            "Från datum": ["2026-03-02"] * 4,
            "Nord": ["6632000"] * 4,
            "Öst": ["602000"] * 4,
            "Beskrivning": ["rad ett\nrad två\tmed tabb", "ok", "escape \x1b[31m", "nul\x00"],
        }
    )
    v = validate.validate("rapporter", raw)
    assert v.problems.select("rad", "falt", "varde").rows() == [
        (3, "Ärende-id", "T2\ufffd"),
        (4, "Beskrivning", "escape \ufffd[31m"),
        (5, "Beskrivning", "nul\ufffd"),
    ]
    assert "NUL (U+0000) vid tecken 3" in v.problems["orsak"][0]
    assert v.rows["rad"].to_list() == [2]  # newline and tab are fine in the free text


def test_a_line_break_in_a_one_line_field_is_refused():
    raw = pl.DataFrame(
        {
            "rad": [2],
            "Namn": ["Skolan\nNorr"],
            "Typ": ["Skola"],
            "X-koordinat": ["6632000"],
            "Y-koordinat": ["602000"],
        }
    )
    v = validate.validate("platser", raw)
    assert v.problems.select("rad", "falt").rows() == [(2, "Namn")]
    assert "radbrytning (U+000A)" in v.problems["orsak"][0]
