"""The data version held in memory (store/version_watch.py, sql/039): another process's write
reaches it by notification, this process's own commit sends the next reader to the database,
and without a listener every reader asks the database."""

from __future__ import annotations

import time

import psycopg
import pytest
import sqlalchemy as sa

from ostan_dash import store
from ostan_dash.store import queries, version_watch
from tests.statements import statements_of

pytestmark = pytest.mark.db

BUMP = """
    INSERT INTO settings (key, value) VALUES ('test_version_watch', '1'::jsonb)
    ON CONFLICT (key) DO UPDATE SET value = to_jsonb(coalesce(settings.value::text::int, 0) + 1)
"""


def _db_version() -> int:
    with store.engine().connect() as c:
        return int(c.execute(sa.text("SELECT version FROM data_version")).scalar_one())


def _other_process_write() -> None:
    """A write on a connection of its own, outside this process's pool (as another process's)."""
    url = store.engine().url
    cargs, cparams = store.engine().dialect.create_connect_args(url)
    with psycopg.connect(*cargs, **cparams, autocommit=True) as conn:
        conn.execute(BUMP)


def _until(condition, timeout_s: float = 10.0) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def watch():
    w = version_watch.Watch(store.engine())
    version_watch._WATCHES["test"] = w  # so this process's commits reach it
    w.start()
    assert w.ready.wait(10), "the listener never got ready"
    try:
        yield w
    finally:
        version_watch._WATCHES.pop("test", None)
        w.stop()
        store.execute("DELETE FROM settings WHERE key = 'test_version_watch'")


def test_another_process_write_reaches_the_held_version_by_notification(watch):
    assert watch.current() == _db_version()  # the listener's own read: no query of the caller
    before = watch.version
    _other_process_write()
    assert _until(lambda: watch.version != before), "no notification arrived"
    assert watch.current() == _db_version() > before


def test_a_commit_of_this_process_sends_the_next_reader_to_the_database(watch):
    held = watch.current()
    with store.begin() as c:
        c.execute(sa.text(BUMP))
    assert watch.current() is None  # callers must read, whatever the notification's timing
    assert watch.current() is None  # every caller, until one read after the commit is back
    started = watch.read_started()
    watch.saw(_db_version(), started)
    assert watch.current() == _db_version() > held


def test_the_pages_reader_has_this_process_write_at_once():
    before = queries.data_version()
    store.execute(BUMP)
    try:
        assert queries.data_version() == _db_version() > before
    finally:
        store.execute("DELETE FROM settings WHERE key = 'test_version_watch'")


def test_a_read_only_transaction_keeps_the_held_version(watch):
    held = watch.current()
    with store.engine().connect() as c:  # rolled back, not committed
        c.execute(sa.text("SELECT 1"))
    assert watch.current() == held


def test_without_a_listener_every_reader_asks_the_database(watch):
    watch.stop()
    assert watch.current() is None
    idle = version_watch.Watch(store.engine())  # never started
    assert idle.current() is None


def test_a_process_told_not_to_listen_asks_the_database_every_time(monkeypatch):
    monkeypatch.setenv("OSTAN_VERSION_LISTEN", "0")
    before = dict(version_watch._WATCHES)
    version_watch._WATCHES.clear()
    try:
        read = statements_of(queries.data_version)
        assert read == ["SELECT version FROM data_version"]
        assert not version_watch._WATCHES  # no listener started
    finally:
        version_watch._WATCHES.update(before)


def test_the_threads_late_read_never_lowers_what_a_caller_saw():
    w = version_watch.Watch(store.engine())  # not started: only its bookkeeping
    w._set(4, fresh=True)
    w.committed()
    w.saw(5, w.read_started())  # a caller's read after this process's commit
    w._set(4)  # the thread's read that began before the commit ends after it
    assert w.current() == 5
    w._set(3, fresh=True)  # a new connection: the database may have been replaced
    assert w.current() == 3
