"""The binary incident reader (store.hot) gives the very frame the CSV reader gives: same rows,
same values, same dtypes (Europe/Stockholm, categoricals), for a user who sees police crimes
with their points and for one who sees them per area only."""

from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa
from polars.testing import assert_frame_equal

from ostan_dash.store import hot, queries
from tests.acting import acting_as

pytestmark = pytest.mark.db


def _same(binary, csv) -> None:
    assert binary.schema == csv.schema
    assert binary.height == csv.height > 0
    assert_frame_equal(
        binary.sort("source", "id"), csv.sort("source", "id"), categorical_as_str=True
    )


@pytest.mark.parametrize("role", [None, "lasare", "analytiker"])
def test_binary_frame_equals_the_csv_frame(engine, role):
    if role is None:
        _same(hot.read_binary(), queries.incidents())
        return
    with acting_as(engine, role):
        binary, csv = hot.read_binary(), queries.incidents()
        sees_points = queries.sees_police_rows()
    _same(binary, csv)
    police = binary.filter(binary["source"].cast(str) == "polis")
    assert police.height > 0
    # Points only to those who may see them (some crimes are known by area only, for anyone).
    assert (police["x"].null_count() < police.height) is sees_points


def test_a_later_start_gives_the_same_rows_as_the_csv_reader():
    since = "2024-01-01"
    _same(hot.read_binary(since), queries.incidents(since))


def test_a_stream_it_cannot_read_falls_back_to_csv_and_says_so(monkeypatch, caplog):
    def unreadable(payload):
        raise ValueError("binär COPY med oväntat antal fält")

    monkeypatch.setattr(hot, "parse_binary_copy", unreadable)
    monkeypatch.setattr(hot, "SNAPSHOTS", False)
    frame = hot.hold().frame
    _same(frame, queries.incidents())
    assert any(
        r.name == "ostan_dash.store.hot" and r.levelname == "ERROR" and r.exc_info
        for r in caplog.records
    )


def test_the_snapshot_of_the_current_version_is_read_instead_of_the_database(monkeypatch, tmp_path):
    monkeypatch.setattr(hot, "SNAPSHOT_DIR", tmp_path / "hot")
    path = hot.snapshot_path()
    assert path is not None and path.name.endswith(f"-{queries.data_version()}.arrow")
    snapshot = hot.snapshot_now()
    frame = hot.read_binary()
    hot._write_snapshot(frame, path, snapshot)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700

    def no_database(*args, **kwargs):
        raise AssertionError("read the database although the snapshot was there")

    monkeypatch.setattr(hot, "read_binary", no_database)
    monkeypatch.setattr(queries, "incidents", no_database)
    held = hot.hold()
    assert held.snapshot == snapshot  # kept in the file, and nothing changed since
    _same(held.frame, frame)
    # A file of the same key and another version is what the next write removes.
    newer = path.with_name(path.name.rsplit("-", 1)[0] + "-999999999.arrow")
    hot._write_snapshot(frame, newer)
    assert newer.exists() and not path.exists()


def test_a_restarted_server_reads_its_older_file_and_only_the_rows_changed_since(
    engine, monkeypatch, tmp_path
):
    monkeypatch.setattr(hot, "SNAPSHOT_DIR", tmp_path / "hot")
    path = hot.snapshot_path()
    assert path is not None
    hot._write_snapshot(hot.read_binary(), path, hot.snapshot_now())
    with engine.begin() as c:
        crime = c.execute(
            sa.text(
                "INSERT INTO police_crimes (external_id, crime_type, crime_group, occurred_from, "
                "occurred_to, area_id) SELECT 'HOT-RESTART-1', 'Snatteri', 'stold', now(), now(), "
                "min(id) FROM areas RETURNING id"
            )
        ).scalar_one()
    try:
        assert hot.snapshot_path() != path  # the data version moved on

        def no_whole_read(*args, **kwargs):
            raise AssertionError("read every row although a file and the change log were there")

        monkeypatch.setattr(hot, "read_binary", no_whole_read)
        monkeypatch.setattr(hot, "FILE_EVERY_S", 0)  # the old file is older than that
        held = hot.hold()
        assert crime in held.frame.filter(pl.col("source") == "polis")["id"].to_list()
        monkeypatch.setattr(hot, "FILE_EVERY_S", 3600)
        # The refreshed frame was written for the new version; the next start begins there.
        newer = hot.snapshot_path()
        assert newer is not None and _written(newer)
        assert _same_held(hot.hold(), held)
        monkeypatch.undo()
        _same(held.frame, hot.read_binary())
    finally:
        with engine.begin() as c:
            c.execute(sa.text("DELETE FROM police_crimes WHERE id = :i"), {"i": crime})


def _written(path, timeout_s: float = 30) -> bool:
    import time

    until = time.monotonic() + timeout_s
    while time.monotonic() < until:
        if path.exists():
            return True
        time.sleep(0.05)
    return False


def _same_held(a: hot.Held, b: hot.Held) -> bool:
    _same(a.frame, b.frame)
    return a.snapshot is not None and b.snapshot is not None


def test_each_visibility_has_its_own_snapshot(engine, monkeypatch, tmp_path):
    monkeypatch.setattr(hot, "SNAPSHOT_DIR", tmp_path / "hot")
    paths, sees = {}, {}
    for role in ("lasare", "analytiker"):
        with acting_as(engine, role):
            paths[role], sees[role] = hot.snapshot_path(), queries.visibility_key()
    assert sees["lasare"] != sees["analytiker"]  # the demo's reader sees fewer police points
    assert paths["lasare"] != paths["analytiker"]
