"""store.hot's snapshot file: the frame and the database snapshot it was read in go into one
file together, a frame of many pieces included; a failed write is logged and leaves nothing."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
from polars.testing import assert_frame_equal

from ostan_dash.store import hot


def _pieces() -> pl.DataFrame:
    one = pl.DataFrame({"id": [1, 2], "category": ["klotter", "brand"]}).cast(
        {"category": pl.Categorical}
    )
    two = pl.DataFrame({"id": [3], "category": ["stöld"]}).cast({"category": pl.Categorical})
    return pl.concat([one, two], rechunk=False)


def test_the_frame_and_its_snapshot_are_written_together(tmp_path):
    frame = _pieces()
    assert frame.n_chunks() > 1  # as a refreshed frame is (hot.inserted)
    path = tmp_path / "key-7.arrow"
    hot._write_snapshot(frame, path, "123/10:12:11")
    assert hot._file_snapshot(path) == "123/10:12:11"
    assert_frame_equal(pl.read_ipc(path), frame, categorical_as_str=True)
    assert list(tmp_path.iterdir()) == [path]


def test_a_failed_write_is_logged_and_leaves_no_file(tmp_path, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise pa.ArrowInvalid("trasig")

    monkeypatch.setattr(pa.ipc, "new_file", broken)
    hot._write_snapshot(_pieces(), tmp_path / "key-8.arrow", "1/1:1:")
    assert list(tmp_path.iterdir()) == []
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)


def test_files_of_one_key_newest_version_first_and_nothing_else(tmp_path):
    for name in ("key-9.arrow", "key-10.arrow", "key-x.arrow", "other-11.arrow"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in hot._files(tmp_path / "key-12.arrow")] == [
        "key-10.arrow",
        "key-9.arrow",
    ]
