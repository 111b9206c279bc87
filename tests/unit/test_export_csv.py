"""CSV downloads neutralise formula cells (OWASP CSV injection) and leave numbers as numbers."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest

from ostan_dash.ui import export

ATTACK = "=cmd|' /C calc'!A0"


def _read_back(data: bytes) -> list[dict[str, str]]:
    """Parse the bytes as a spreadsheet would: BOM, ``;`` separator, every cell as text."""
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(
    "cell",
    [ATTACK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"],
    ids=["equals", "plus", "minus", "at", "tab", "cr"],
)
def test_a_text_cell_that_begins_like_a_formula_reads_back_as_text(cell):
    df = pl.DataFrame({"Beskrivning": [cell, "vanlig text"]})
    rows = _read_back(export.to_csv_bytes(df))
    assert rows[0]["Beskrivning"] == "'" + cell
    assert rows[1]["Beskrivning"] == "vanlig text"


def test_the_calc_attack_is_written_quoted_away_and_numbers_stay_numbers():
    df = pl.DataFrame(
        {
            "Område": [ATTACK, "C01", None],
            "Antal": [-3, 4, 5],
            "Förändring": [-1.25, 0.5, None],
            "Kategori": pl.Series(["-x", "y", "z"], dtype=pl.Categorical),
        }
    )
    data = export.to_csv_bytes(df)
    assert ATTACK.encode() in data and b"\n=cmd" not in data and b";=cmd" not in data
    rows = _read_back(data)
    assert rows[0]["Område"].startswith("'=")
    assert [r["Antal"] for r in rows] == ["-3", "4", "5"]
    assert [r["Förändring"] for r in rows] == ["-1,25", "0,5", ""]  # decimal comma, no quote
    assert [r["Kategori"] for r in rows] == ["'-x", "y", "z"]
    back = pl.read_csv(io.BytesIO(data), separator=";", decimal_comma=True)
    assert back["Antal"].dtype.is_integer() and back["Antal"][0] == -3
    assert back["Förändring"][0] == pytest.approx(-1.25)
    assert back["Område"][0] == "'" + ATTACK
