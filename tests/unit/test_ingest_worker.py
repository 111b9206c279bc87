"""Reading and validating in the bounded child process (issue 13): the same result as in-process,
and a file that needs too much time or memory becomes a Swedish message, not a dead server."""

from __future__ import annotations

from pathlib import Path

from ostan_dash.bench.imports import police_extract_csv
from ostan_dash.ingest import worker
from tests.data.malformed.generate import row_beyond_excel

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


def test_the_child_gives_the_same_rows_and_problems_as_reading_in_process():
    data = (DATA / "polisbrott_v10_cp1252.csv").read_bytes()
    bad = data.replace(b"2026-03-01;14:20", b"2026-03-01;14:70")
    for payload in (data, bad):
        here = worker.read_validate("polisbrott", payload, "v.csv")
        there = worker.read_validate_bounded("polisbrott", payload, "v.csv")
        assert there.error is None
        assert there.rows.equals(here.rows) and there.problems.equals(here.problems)
        assert (there.rows_read, there.encoding, there.column_names) == (
            here.rows_read,
            here.encoding,
            here.column_names,
        )
    assert not there.problems.is_empty()


def test_a_file_that_takes_too_long_is_stopped_with_a_swedish_message_and_the_next_one_works():
    slow = row_beyond_excel()  # about a second of empty rows before the reader gives up
    out = worker.read_validate_bounded("polisbrott", slow, "x.xlsx", limits=worker.Limits(0.2))
    assert out.error is not None and out.error.startswith("Filen tog för lång tid att läsa")
    assert "0,2 s" in out.error
    ok = worker.read_validate_bounded(
        "polisbrott", (DATA / "polisbrott_v10_cp1252.csv").read_bytes(), "v.csv"
    )
    assert ok.error is None and ok.rows.height == 10


def test_a_file_that_needs_more_memory_than_allowed_is_stopped_with_a_swedish_message():
    data = police_extract_csv(100_000)  # ~10 MB; its validation peaks near 500 MB address space
    out = worker.read_validate_bounded(
        "polisbrott", data, "stor.csv", limits=worker.Limits(60, 400)
    )
    assert out.error is not None and out.error.startswith("Filen kräver för mycket minne")
    assert "400 MB" in out.error
