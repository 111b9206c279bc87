"""The data version held in memory and kept fresh by the database's notifications (issue 14).

Every page rerun keys its caches by the data version (``sql/024``, ``sql/036``). Asking the
database for it costs a pooled connection, a ping and a round trip several times per rerun. A
process instead holds the version and lets the database tell it when the number moves:
``ostan_bump_data_version()`` sends ``NOTIFY ostan_data_version`` with every write
(``sql/039_data_version_notify.sql``), PostgreSQL delivers it when the write commits, and a
thread of this process, listening on a connection of its own, then reads the version again.

Why the held number is never wrong in a way that matters:

* **Never old data under a new number.** The thread reads the version *after* a notification,
  that is after the write committed, so a number it holds is never ahead of the data.
* **A write of this process shows at once.** Every commit through SQLAlchemy in this process
  is counted once its connection is back in the pool (the commit done); until a read of the
  version that started after it is back, :meth:`Watch.current` returns ``None`` and callers
  ask the database (one query), as they always did. A user who saves sees the save on the same
  rerun, whatever the notification's timing.
* **Another process's write shows when its notification arrives** (within milliseconds of its
  commit), without a timer in anyone's click path. The thread also re-reads the version every
  :data:`IDLE_S` seconds with no notification, in case one was ever lost.
* **No listener, no shortcut.** Until the thread has listened and read, after its connection
  broke, and in processes that never start it, :func:`current` returns ``None``: the caller
  reads the database as before.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

log = logging.getLogger(__name__)

CHANNEL = "ostan_data_version"
IDLE_S = 30.0
"""Seconds without a notification after which the thread reads the version anyway."""
WAKE_S = 1.0
"""Seconds the thread waits for a notification at a time (so that :meth:`Watch.stop` ends it)."""
RETRY_S = 2.0
MAX_RETRY_S = 60.0
"""Seconds before the first try to listen again after the connection broke, doubling up to
the most."""
_SQL = "SELECT version FROM data_version"


@dataclass
class Watch:
    """One database's data version, held by a listening thread (see the module)."""

    engine: Engine
    version: int | None = None
    commits: int = 0
    """Commits of this process so far (counted once each is done)."""
    settled: int = 0
    """The most commits a caller's own read of the version has started after."""
    stopped: threading.Event = field(default_factory=threading.Event)
    ready: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ostan-data-version", daemon=True)
        self._thread.start()

    def current(self) -> int | None:
        """The held version, or ``None`` when the caller must ask the database: no listener
        yet or any more, or a commit of this process that no caller's read has followed yet
        (every caller asks until one such read is back: :meth:`read_started`, :meth:`saw`)."""
        with self.lock:
            if self.version is None or self.settled < self.commits:
                return None
            return self.version

    def read_started(self) -> int:
        """Note that a caller starts its own read now: the commits it will include."""
        with self.lock:
            return self.commits

    def saw(self, version: int, started: int) -> None:
        """A version a caller read itself, its read started after ``started`` commits of this
        process: those are settled, and the held number rises to it (never falls)."""
        with self.lock:
            self.settled = max(self.settled, started)
            if self.version is not None and version > self.version:
                self.version = version

    def committed(self) -> None:
        with self.lock:
            self.commits += 1

    def stop(self) -> None:
        """End the thread (within :data:`WAKE_S`) and close its connection."""
        self.stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=WAKE_S + 5)
        with self.lock:
            self.version = None

    def _run(self) -> None:
        wait = RETRY_S
        while not self.stopped.is_set():
            try:
                self._listen()
            except Exception:
                with self.lock:
                    self.version = None  # until it listens again, callers read the database
                if self.stopped.is_set():
                    return
                if wait == RETRY_S:  # once per outage, not at every try
                    log.warning(
                        "Dataversionen hålls inte i minnet: lyssnaren når inte databasen; "
                        "sidorna frågar databasen tills den svarar igen",
                        exc_info=True,
                    )
                self.stopped.wait(wait)
                wait = min(wait * 2, MAX_RETRY_S)
            else:
                wait = RETRY_S

    def _listen(self) -> None:
        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        cparams = {**cparams, "application_name": "ostan-dash-dataversion", "autocommit": True}
        with psycopg.connect(*cargs, **cparams) as conn:
            conn.execute(f"LISTEN {CHANNEL}")  # before the first read: nothing slips between
            self._set(_read(conn), fresh=True)
            self.ready.set()
            log.info("Dataversionen hålls i minnet (LISTEN %s)", CHANNEL)
            idle = 0.0
            while not self.stopped.is_set():
                heard = False
                for _ in conn.notifies(timeout=WAKE_S, stop_after=1):
                    heard = True  # notifications arriving during the read wait in a backlog
                idle = 0.0 if heard else idle + WAKE_S
                if heard or idle >= IDLE_S:
                    idle = 0.0
                    self._set(_read(conn))

    def _set(self, version: int, *, fresh: bool = False) -> None:
        """The thread's own read: on a new connection as it is (the database may have been
        replaced), else never below what a caller already saw (a read that began before a
        commit of this process can end after that caller's own read)."""
        with self.lock:
            if fresh or self.version is None:
                self.version = version
            else:
                self.version = max(self.version, version)


def _read(conn: psycopg.Connection) -> int:
    row = conn.execute(_SQL).fetchone()
    return int(row[0] or 0) if row else 0


_WATCHES: dict[str, Watch] = {}
_WATCHES_LOCK = threading.Lock()


def watch(engine: Engine) -> Watch:
    """The watch of ``engine``'s database, started on first use (one per process and URL)."""
    key = engine.url.render_as_string(hide_password=False)
    with _WATCHES_LOCK:
        found = _WATCHES.get(key)
        if found is None:
            found = _WATCHES[key] = Watch(engine)
            found.start()
        return found


def stop_all() -> None:
    """Stop every listening thread (tests; a process that disposes its engines)."""
    with _WATCHES_LOCK:
        watches = list(_WATCHES.values())
        _WATCHES.clear()
    for w in watches:
        w.stop()


def _committing(conn: sa.Connection) -> None:
    """A transaction of this process is about to commit: note it on its pooled connection
    (SQLAlchemy's ``commit`` event comes before the commit itself)."""
    conn.connection.info[_COMMITTED] = True


def _checked_in(_dbapi: object, record: object) -> None:
    """A pooled connection came back after a commit, so the commit is done: it is counted,
    and :meth:`Watch.current` sends callers to the database, whose answer now includes it."""
    info = getattr(record, "info", None)
    if info is not None and info.pop(_COMMITTED, False):
        for w in list(_WATCHES.values()):
            w.committed()


_COMMITTED = "ostan_committed"
sa.event.listen(Engine, "commit", _committing)
sa.event.listen(Pool, "checkin", _checked_in)
