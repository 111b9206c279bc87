"""Every download opens with what it shows (period, comparison, filters, when, by whom), and
tables show their numbers in Swedish whatever the browser's language."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl
import pytest

from ostan_dash import text
from ostan_dash.config import TZ
from ostan_dash.ui import export, filters

TODAY = dt.date(2026, 12, 5)  # a Saturday: the last complete ISO week is v. 48
NOW_UTC = dt.datetime(2026, 12, 5, 13, 4, tzinfo=dt.UTC)


def _about() -> export.About:
    f = filters.Filters(
        preset="kvartal",
        comparison="forra_aret",
        source="est",
        categories=("est:skadegorelse",),
        areas=("C01", "F01"),
        weekdays=(5, 6),
        hours=(22, 4),
    )
    return filters.about(
        f,
        today=TODAY,
        title="Karta och tider – jämförelse av områden",
        area_names={"C01": "Centrum", "F01": "Norrbacka"},
    )


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_a_csv_export_begins_with_period_comparison_filters_time_and_user():
    header = export.header_lines(
        _about(), user="Anna Analys (Analytiker, Östan kommun)", now=NOW_UTC
    )
    df = pl.DataFrame({"Område": ["Centrum"], "Antal": [12], "Kvot": [1.25]})
    rows = _rows(export.to_csv_bytes(df, header=header))
    head = {r[0]: r[1] for r in rows[: len(header)]}
    assert head["Östan-dash"] == "Karta och tider – jämförelse av områden"
    # Q4 2026 is not complete on 5 December: the last complete quarter is Q3.
    assert head["Period"] == "Senaste kvartalet: 2026-07-01 – 2026-09-30"
    assert head["Jämförelse"] == "Samma period förra året: 2025-07-01 – 2025-09-30"
    assert head["Urval"] == (
        "Källa: EST-rapporter; Kategori: Skadegörelse (EST); Områden: Centrum, Norrbacka; "
        "Veckodagar: fredag, lördag; Klockan: 22:00–04:59"
    )
    assert head["Skapad"].startswith("2026-12-05 14:04")  # 13:04 UTC is 14:04 in Stockholm
    assert head["Av"] == "Anna Analys (Analytiker, Östan kommun)"
    # An empty line, then the table as before (numbers with a decimal comma).
    assert rows[len(header)] == []
    assert rows[len(header) + 1] == ["Område", "Antal", "Kvot"]
    assert rows[len(header) + 2] == ["Centrum", "12", "1,25"]


def test_without_filters_the_header_says_so_and_a_template_has_no_header():
    header = export.header_lines(None, user=None, now=NOW_UTC, name="importhistorik")
    assert ("Urval", "inga filter") in header and header[0] == ("Östan-dash", "importhistorik")
    df = pl.DataFrame({"a": [1]})
    assert export.to_csv_bytes(df).decode("utf-8-sig").splitlines()[0] == "a"


def test_a_header_value_that_looks_like_a_formula_is_neutralised():
    about = export.About(title='=HYPERLINK("x")', filters="+1")
    rows = _rows(
        export.to_csv_bytes(
            pl.DataFrame({"a": [1]}), header=export.header_lines(about, user="@u", now=NOW_UTC)
        )
    )
    flat = [c for r in rows for c in r]
    assert '\'=HYPERLINK("x")' in flat and "'+1" in flat and "'@u" in flat


def test_the_xlsx_export_carries_the_same_header_and_keeps_formula_text_as_text():
    openpyxl = pytest.importorskip("openpyxl")
    header = export.header_lines(_about(), user="Anna", now=NOW_UTC)
    df = pl.DataFrame({"Område": ["=1+1", "b"], "Antal": [3, 4], "Kvot": [float("nan"), 1.5]})
    data = export.to_xlsx_bytes(df, header=header)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [tuple(c.value for c in r) for r in ws.iter_rows()]
    assert [r[:2] for r in rows[: len(header)]] == header
    assert set(rows[len(header)]) == {None}
    assert rows[len(header) + 1] == ("Område", "Antal", "Kvot")
    # "=1+1" was written as text, not as a formula (OWASP CSV injection, in xlsx too); NaN
    # becomes the spreadsheet's #NUM! rather than an error on download.
    assert rows[len(header) + 2][:2] == ("=1+1", 3)
    assert rows[len(header) + 3] == ("b", 4, 1.5)
    assert ws.cell(len(header) + 3, 1).data_type == "s"


@pytest.mark.parametrize(
    ("spec", "value", "shown"),
    [
        ("%.1f", 53.94, "53,9"),
        ("%.1f", 1234.5, "1\u00a0234,5"),
        ("%.2f", -0.5, "\u22120,50"),
        ("%+.0f %%", 12.4, "+12\u00a0%"),
        ("%+.0f %%", -7.6, "\u22128\u00a0%"),
        ("%+.0f %%", 0.2, "0\u00a0%"),
        ("%d", 2024.0, "2024"),
        ("%.4f", 0.00012, "0,0001"),
        ("%.1f", None, "–"),
    ],
)
def test_printf_formats_of_column_config_are_shown_in_swedish(spec, value, shown):
    assert export.printf_formatter(spec)(value) == shown


def test_the_styler_shows_swedish_numbers_and_keeps_the_values_for_sorting():
    df = pl.DataFrame(
        {
            "Område": ["A", "B"],
            "Antal": [1234, 5],
            "Kvot": [0.994, 0.5],
            "Per 1 000": [53.94, 5.81],
            "Rundat": [1.25, 2.5],
            "z": [5.812345, -1.0],
        }
    )
    styler = export.swedish_styler(df, formats={"Per 1 000": "%.1f"})
    shown = styler.to_html()
    for expected in [
        "1\u00a0234",
        "0,994",
        "0,500",
        "53,9",
        "5,8",
        "1,25",
        "2,50",
        "5,8",
        "\u22121,0",
    ]:
        assert expected in shown
    for english in ["53.9", "0.994", "5.81", "1,234"]:
        assert english not in shown
    assert styler.data["Kvot"].tolist() == [0.994, 0.5]  # still numbers behind


def test_number_formats_move_from_column_config_to_the_styler():
    import streamlit as st

    cfg = {
        "Förändring %": st.column_config.NumberColumn(format="%+.0f %%", help="h"),
        "Start": st.column_config.DateColumn(format="YYYY-MM-DD"),
    }
    rest, formats = export.split_number_formats(cfg)
    assert formats == {"Förändring %": "%+.0f %%"}
    assert rest["Förändring %"]["type_config"]["format"] is None
    assert rest["Förändring %"]["help"] == "h"
    assert rest["Start"] == cfg["Start"]


def test_decimals_follow_the_data():
    assert export.infer_decimals(pl.Series([1.0, 2.0])) == 0
    assert export.infer_decimals(pl.Series([1.25, 2.5])) == 2
    assert export.infer_decimals(pl.Series([0.123456, 0.5])) == 3
    assert export.infer_decimals(pl.Series([12.3456789, 0.5])) == 1
    assert export.infer_decimals(pl.Series([None, float("nan")], dtype=pl.Float64)) == 0


def test_time_is_written_in_stockholm_time_in_summer_too():
    summer = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)
    header = dict(export.header_lines(None, user=None, now=summer))
    assert header["Skapad"].startswith("2026-07-02 00:30")
    assert text.date(summer.astimezone(TZ)) == "2026-07-02"
