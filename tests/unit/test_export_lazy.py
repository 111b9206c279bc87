"""Downloads are built when asked for (issue 14): a page run builds no CSV or Excel bytes, the
click does, and the file is the one the page offered before – the same header block (filters,
time, user) and the same table."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from ostan_dash.ui import export

NOW = dt.datetime(2026, 12, 5, 13, 4, tzinfo=dt.UTC)
FRAME = pl.DataFrame({"Område": ["Centrum", "=1+1"], "Antal": [12, 3], "Kvot": [1.25, 0.5]})
ABOUT = export.About(title="Karta och tider – heta rutor", filters="Områden: Centrum")


def test_the_deferred_files_equal_the_files_built_at_once():
    files = export.Download(FRAME, "heta-rutor", ABOUT, "Anna Analys", "Rutor", lambda: NOW)
    header = export.header_lines(ABOUT, user="Anna Analys", now=NOW, name="heta-rutor")
    assert files.csv() == export.to_csv_bytes(FRAME, header=header)
    openpyxl = pytest.importorskip("openpyxl")

    def cells(data: bytes) -> list[tuple]:
        book = openpyxl.load_workbook(io.BytesIO(data))
        assert book.sheetnames == ["Rutor"]
        return [tuple(c.value for c in r) for r in book.active.iter_rows()]

    assert cells(files.xlsx()) == cells(export.to_xlsx_bytes(FRAME, sheet="Rutor", header=header))


def test_the_header_time_is_the_time_of_the_click():
    times = iter([NOW, NOW + dt.timedelta(minutes=30)])
    files = export.Download(FRAME, "t", None, None, "Data", lambda: next(times))
    first, later = files.csv().decode("utf-8-sig"), files.csv().decode("utf-8-sig")
    assert "Skapad;2026-12-05 14:04" in first and "Skapad;2026-12-05 14:34" in later


def _page() -> None:
    import polars as pl

    from ostan_dash.ui import export

    frame = pl.DataFrame({"Område": ["Centrum"], "Antal": [12]})
    export.download_buttons(frame, name="tabell", key="t", about=export.About(title="Tabell"))


def test_a_page_run_builds_no_file(monkeypatch):
    built: list[str] = []

    def counting(kind):
        def build(*args, **kwargs) -> bytes:
            built.append(kind)
            return b""

        return build

    monkeypatch.setattr(export, "to_csv_bytes", counting("csv"))
    monkeypatch.setattr(export, "to_xlsx_bytes", counting("xlsx"))
    at = AppTest.from_function(_page).run()
    assert not at.exception, at.exception
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["Ladda ned CSV", "Ladda ned Excel"]
    assert built == []
