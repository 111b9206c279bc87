"""Read and validate an import file outside the web server's process, with a time and memory limit.

A hostile or broken file must not take the shared server down: an 8 kB GeoPackage with a
recursive view once ran for two minutes and reached 5 GB inside the web process. So
:func:`read_validate_bounded` runs :func:`read_validate` in a fresh Python process
(``python -m ostan_dash.ingest.worker DIR``) that limits its own address space
(``RLIMIT_AS``), CPU time and output size before importing anything, and is killed after a
wall-clock timeout. The validated frames come back as Arrow IPC files in a private temporary
directory; a timeout, an out-of-memory or a crash becomes one Swedish file-level message and is
logged on the server. Nothing in the child touches the database, so nothing can be written.

The limits (:class:`Limits`) default to 60 s and 1 536 MB for the web
(``OSTAN_IMPORT_TIMEOUT_S`` and ``OSTAN_IMPORT_MEMORY_MB`` override them); the command line
allows more (:meth:`Limits.cli`). The children are kept warm between imports (Python and Polars
take ~1.5 s CPU to start; a warm child adds ~30 ms to a small file) and replaced after
:attr:`_Worker.MAX_JOBS` files or any failure. The child's stderr goes to a private log file
that is copied into this process's log after each file.

Every exception of reading or validating becomes a Swedish message here as well, in the child
or in-process: :class:`ostan_dash.ingest.read.ReadError` keeps its own sentence, a
``RecursionError`` or ``MemoryError`` is named, anything else gets a general sentence and its
traceback goes to the log (never to the user).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import resource
import select
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ostan_dash import procinfo

if TYPE_CHECKING:  # the child sets its limits before importing Polars
    import polars as pl

log = logging.getLogger(__name__)

MB = 1024 * 1024
EXIT_MEMORY = 3


@dataclass(frozen=True)
class Limits:
    """Wall-clock seconds and address space (MB) of one read + validate in the child."""

    seconds: float = 60.0
    memory_mb: int = 1536

    @classmethod
    def web(cls) -> Limits:
        """The web server's limits; ``OSTAN_IMPORT_TIMEOUT_S`` / ``OSTAN_IMPORT_MEMORY_MB``."""
        return cls(
            float(os.environ.get("OSTAN_IMPORT_TIMEOUT_S", cls.seconds)),
            int(os.environ.get("OSTAN_IMPORT_MEMORY_MB", cls.memory_mb)),
        )

    @classmethod
    def cli(cls) -> Limits:
        """An operator on the command line may import larger files: 10 min and 4 GB."""
        return cls(
            float(os.environ.get("OSTAN_IMPORT_TIMEOUT_S", 600)),
            int(os.environ.get("OSTAN_IMPORT_MEMORY_MB", 4096)),
        )


@dataclass
class Checked:
    """What reading and validating a file found (the frames that the store's writer needs)."""

    rows: pl.DataFrame | None = None  # valid rows, typed (None when the file was refused)
    problems: pl.DataFrame | None = None  # every problem found (rad, falt, orsak, varde)
    rows_read: int = 0
    fmt: str | None = None
    encoding: str | None = None
    geometry_format: str | None = None
    srid: int | None = None
    ignored_columns: list[str] = field(default_factory=list)
    column_names: dict[str, str] = field(default_factory=dict)
    skipped: pl.DataFrame | None = None  # rows left out with their reason (not problems)
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # a Swedish sentence about the whole file: nothing else is valid
    peak_rss_mb: float | None = None  # the child's peak resident memory during this file
    peak_vm_mb: float | None = None  # the child's peak address space (what RLIMIT_AS limits)
    seconds: float = 0.0
    header_row: int | None = None  # where the header was found (CSV line, sheet row)


PEEK = "__titta__"
"""The "kind" of a job that only reads: :attr:`Checked.rows` are the file's first
:data:`PEEK_ROWS` rows as text (with ``rad`` and any geometry), for the mapping step."""
PEEK_ROWS = 200


MSG_UNEXPECTED = (
    "Filen kunde inte läsas: den verkar trasig eller har ett format som inte stöds "
    "(felet är loggat på servern)."
)
MSG_RECURSION = "Filen är för djupt nästlad för att läsas (t.ex. listor i listor i tusentals led)."


def msg_timeout(limits: Limits) -> str:
    """The Swedish sentence for a file whose reading ran out of time."""
    return (
        f"Filen tog för lång tid att läsa (mer än {f'{limits.seconds:g}'.replace('.', ',')} s) och avbröts. "
        "Dela upp filen eller spara den som CSV."
    )


def msg_memory(limits: Limits | None) -> str:
    """The Swedish sentence for a file whose reading ran out of memory."""
    mb = f" (mer än {limits.memory_mb:,} MB)".replace(",", "\u00a0") if limits else ""
    return (
        f"Filen kräver för mycket minne för att läsas{mb} och avbröts. "
        "Dela upp filen i mindre delar."
    )


# A file recognised by its shape imports as one kind only.
SHAPE_KIND = {"polishandelser": "polishandelser", "pxweb": "indikatorer"}
SHAPE_REFUSAL = {
    "polishandelser": "Filen är ett svar från polisens händelse-API (polisen.se/api/events) och "
    "kan bara importeras som ”{kind}”: välj den importtypen.",
    "pxweb": "Filen är ett svar från SCB:s PxWeb-API med folkmängd per område och år och kan "
    "bara importeras som ”{kind}”: välj den importtypen.",
}


def read_validate(
    kind: str,
    data: bytes,
    file_name: str,
    crs: str = "auto",
    event_types: dict[str, str | None] | None = None,
    *,
    group_names: dict[str, str] | None = None,
    header_row: int | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Checked:
    """Read and validate in this process; every failure becomes a Swedish message.

    ``event_types`` and ``group_names`` are the municipality's changes to the police's event
    types and crime group names (:func:`ostan_dash.ingest.validate.validate`): the child has no
    database, so the parent reads them.

    ``header_row``, ``mapping`` and ``values`` are the mapping step's
    (:mod:`ostan_dash.ingest.mapping`): the header's line (None: found below title lines), the
    file's columns renamed to ours, and values for every row of our columns the file lacks.

    Row problems the reader found (a geometry blob that cannot be decoded) join the
    validator's, and their rows are not among the valid ones.
    """
    import polars as pl

    from ostan_dash.ingest import read, validate
    from ostan_dash.store.imports import PROBLEM_SCHEMA

    out = Checked()
    try:
        raw = read.read_file(data, file_name, header_row)
        out.header_row = raw.header_row
        if mapping or values:
            from ostan_dash.ingest import mapping as mapping_step

            raw.frame = mapping_step.with_values(
                mapping_step.apply(raw.frame, mapping or {}), values or {}
            )
        out.rows_read = raw.rows_read
        out.fmt, out.encoding = raw.fmt, raw.encoding
        out.geometry_format, out.srid = raw.geometry_format, raw.srid
        if kind == PEEK:
            out.rows_read, out.notes = raw.rows_read, list(raw.notes)
            out.rows = raw.frame.head(PEEK_ROWS)
            out.problems = pl.DataFrame(schema=PROBLEM_SCHEMA)
            return out
        effective_crs = crs if crs != "auto" or raw.srid is None else str(raw.srid)
        if raw.shape is not None and SHAPE_KIND.get(raw.shape, raw.shape) != kind:
            out.error = SHAPE_REFUSAL[raw.shape].format(
                kind=validate.KINDS[SHAPE_KIND.get(raw.shape, raw.shape)]
            )
            return out
        checked = validate.validate(
            kind,
            raw.frame,
            crs=effective_crs,
            event_types=event_types,
            group_names=group_names,
        )
    except read.ReadError as e:
        out.error = str(e)
        return out
    except RecursionError:
        log.warning("import %s of %s: too deeply nested", kind, file_name)
        out.error = MSG_RECURSION
        return out
    except (MemoryError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # also Polars' PanicException, which is not an Exception
        log.exception("import %s of %s: unexpected error reading or validating", kind, file_name)
        out.error = MSG_UNEXPECTED
        return out
    problems = checked.problems
    rows = checked.rows
    if raw.problems:
        names = {"geometri": checked.column_names.get(read.GEOMETRY, "geometri")}
        extra = pl.DataFrame(
            [(r, names.get(f, f), o, v) for r, f, o, v in raw.problems],
            schema=PROBLEM_SCHEMA,
            orient="row",
        )
        problems = pl.concat([problems.cast(PROBLEM_SCHEMA), extra]).sort(
            "rad", maintain_order=True
        )
        if not rows.is_empty():
            rows = rows.filter(~pl.col(read.ROW).is_in(extra["rad"].to_list()))
    out.rows, out.problems = rows, problems
    out.ignored_columns = checked.ignored_columns
    out.column_names = checked.column_names
    out.skipped, out.notes = checked.skipped, [*raw.notes, *checked.notes]
    return out


def _set_limits(memory_mb: int, cpu_seconds: float) -> None:
    """Limit this (child) process: address space, CPU seconds, written bytes, no core dump."""
    mem = int(memory_mb) * MB
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = int(cpu_seconds)  # a backstop if the parent is gone; its timeout comes first
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _job(workdir: Path) -> int:
    """One read + validate in the child: the frames to Arrow IPC, the rest to result.json."""
    job = json.loads((workdir / "job.json").read_text())
    procinfo.reset_peak()
    t0 = time.perf_counter()
    try:
        out = read_validate(
            job["kind"],
            (workdir / "input.bin").read_bytes(),
            job["file_name"],
            job["crs"],
            job.get("event_types"),
            group_names=job.get("group_names"),
            header_row=job.get("header_row"),
            mapping=job.get("mapping"),
            values=job.get("values"),
        )
        meta = {
            "rows_read": out.rows_read,
            "fmt": out.fmt,
            "encoding": out.encoding,
            "geometry_format": out.geometry_format,
            "srid": out.srid,
            "header_row": out.header_row,
            "ignored_columns": out.ignored_columns,
            "column_names": out.column_names,
            "notes": out.notes,
            "error": out.error,
        }
        if out.error is None:
            assert out.rows is not None and out.problems is not None
            out.rows.write_ipc(workdir / "rows.arrow")
            out.problems.write_ipc(workdir / "problems.arrow")
            if out.skipped is not None:
                out.skipped.write_ipc(workdir / "skipped.arrow")
        del out
    except MemoryError:
        print("MemoryError: read/validate exceeded the memory limit", file=sys.stderr, flush=True)
        return EXIT_MEMORY
    meta["seconds"] = time.perf_counter() - t0
    meta["peak_rss_mb"] = procinfo.status_mb("VmHWM")
    meta["peak_vm_mb"] = procinfo.status_mb("VmPeak")
    meta["rss_mb"] = procinfo.status_mb("VmRSS")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    meta["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    (workdir / "result.json").write_text(json.dumps(meta, ensure_ascii=False))
    return 0


def _serve(memory_mb: int, cpu_seconds: float) -> int:
    """The child's loop: limits first, then warm imports, then one job directory per stdin line.

    Replies ``0`` (result written) or an exit code on stdout; exits after a failed job, on
    EOF (the parent is gone) and when the parent sends nothing more.
    """
    _set_limits(memory_mb, cpu_seconds)
    import ostan_dash.ingest.validate  # noqa: F401 - warm: the first job should not pay for it

    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        rc = _job(Path(line.strip()))
        sys.stdout.write(f"{rc}\n")
        sys.stdout.flush()
        if rc != 0:
            return rc
    return 0


_OOM_SIGNS = (
    "MemoryError",  # Python
    "memory allocation of",  # Rust (Polars) aborting on a failed allocation
    "Cannot allocate memory",
    "failed to map segment",  # a shared library that no longer fits under RLIMIT_AS
    "std::bad_alloc",
    "failed to spawn thread",  # a thread's stack that no longer fits
)


def _out_of_memory(stderr: str) -> bool:
    """Whether what a child wrote before it died says it ran out of (address) space."""
    return any(s in stderr for s in _OOM_SIGNS)


_SECRET_ENV = frozenset(
    {"DATABASE_URL", "OSTAN_APP_DATABASE_URL", "OSTAN_COOKIE_KEY", "PGPASSWORD", "PGPASSFILE"}
)


class _Worker:
    """One child process serving jobs (``python -m ostan_dash.ingest.worker``)."""

    MAX_JOBS = 500  # then a fresh process, so fragmentation and CPU time do not accumulate

    def __init__(self, limits: Limits):
        self.limits = limits
        self.jobs = 0
        self.spent = False  # used up: too much CPU time or memory kept after a file
        self.log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the child
            prefix="ostan-import-worker-", suffix=".log"
        )
        self.log_pos = 0
        env = {
            # The child reads hostile files and never needs the database: no credentials.
            **{k: v for k, v in os.environ.items() if k not in _SECRET_ENV},
            # Few threads: each reserves address space (stacks, malloc arenas) under RLIMIT_AS.
            "POLARS_MAX_THREADS": "2",
            "MALLOC_ARENA_MAX": "2",
            "OMP_NUM_THREADS": "1",
        }
        cpu = self.cpu_limit = max(10 * limits.seconds, 120)
        # our own interpreter and module, no shell
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ostan_dash.ingest.worker",
                str(limits.memory_mb),
                str(cpu),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log_file,
            env=env,
            bufsize=0,
            start_new_session=True,
        )
        self.buf = b""

    def reply(self, timeout: float) -> str | None:
        """The child's next line; ``None`` on timeout, ``""`` when the child has exited."""
        deadline = time.monotonic() + timeout
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:  # the child is gone (or going): wait for its exit status
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
                return ""
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def stderr_tail(self) -> str:
        """What the child wrote to stderr since the last call (its log lines, tracebacks)."""
        with open(self.log_file.name, "rb") as f:
            f.seek(self.log_pos)
            text = f.read(1_000_000)
        self.log_pos += len(text)
        return text.decode("utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            if f is not None:
                f.close()
        self.log_file.close()


_IDLE: dict[Limits, list[_Worker]] = {}
_LOCK = threading.Lock()


def _take(limits: Limits) -> _Worker:
    with _LOCK:
        idle = _IDLE.setdefault(limits, [])
        while idle:
            w = idle.pop()
            if w.alive():
                return w
            w.kill()
    return _Worker(limits)


def _give_back(w: _Worker) -> None:
    if w.spent or w.jobs >= _Worker.MAX_JOBS or not w.alive():
        w.kill()
        return
    with _LOCK:
        _IDLE.setdefault(w.limits, []).append(w)


@atexit.register
def shutdown() -> None:
    """Stop the idle children (they also exit by themselves when this process is gone)."""
    with _LOCK:
        workers = [w for ws in _IDLE.values() for w in ws]
        _IDLE.clear()
    for w in workers:
        w.kill()


def read_validate_bounded(
    kind: str,
    data: bytes,
    file_name: str,
    crs: str = "auto",
    *,
    limits: Limits | None = None,
    event_types: dict[str, str | None] | None = None,
    group_names: dict[str, str] | None = None,
    header_row: int | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Checked:
    """:func:`read_validate` in a child process with ``limits`` (default :meth:`Limits.web`).

    The children are kept warm between imports (up to :attr:`_Worker.MAX_JOBS` jobs each) so
    an import does not pay for starting Python and importing Polars; a child that ran out of
    time or memory or crashed is killed and never reused.

    Returns
    -------
    Checked
        As :func:`read_validate`; ``error`` holds the Swedish sentence when the child ran out
        of time or memory or crashed (then logged here with what the child wrote to stderr).
    """
    import polars as pl

    limits = limits or Limits.web()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ostan-import-") as d:
        workdir = Path(d)
        (workdir / "input.bin").write_bytes(data)
        (workdir / "job.json").write_text(
            json.dumps(
                {
                    "kind": kind,
                    "file_name": file_name,
                    "crs": crs,
                    "event_types": event_types,
                    "group_names": group_names,
                    "header_row": header_row,
                    "mapping": mapping,
                    "values": values,
                },
                ensure_ascii=False,
            )
        )
        w = _take(limits)
        what = f"import {kind} of {file_name!r} ({len(data)} bytes)"
        if w.jobs == 0 and w.reply(max(limits.seconds, 60)) != "ready":
            tail = w.stderr_tail()
            log.warning("%s: the import worker did not start: %s", what, tail[-4000:])
            w.kill()
            error = msg_memory(limits) if _out_of_memory(tail) else MSG_UNEXPECTED
            return Checked(error=error, seconds=time.perf_counter() - t0)
        assert w.proc.stdin is not None
        try:
            w.proc.stdin.write(f"{workdir}\n".encode())
        except OSError:
            w.kill()
            log.warning("%s: the import worker had exited", what)
            return Checked(error=MSG_UNEXPECTED, seconds=time.perf_counter() - t0)
        w.jobs += 1
        answer = w.reply(limits.seconds)
        tail = w.stderr_tail()
        if answer != "0":
            timed_out = answer is None and w.alive()
            w.kill()
            memory = answer == str(EXIT_MEMORY) or _out_of_memory(tail)
            if timed_out:
                log.warning("%s: read/validate killed after %.0f s", what, limits.seconds)
                error = msg_timeout(limits)
            else:
                log.warning(
                    "%s: read/validate child exited with %s%s: %s",
                    what,
                    w.proc.returncode,
                    " (out of memory)" if memory else "",
                    tail[-4000:],
                )
                error = msg_memory(limits) if memory else MSG_UNEXPECTED
            return Checked(error=error, seconds=time.perf_counter() - t0)
        meta = json.loads((workdir / "result.json").read_text())
        # A child that kept much memory or used half its CPU allowance is not given more files.
        w.spent = (meta.get("rss_mb") or 0) > limits.memory_mb / 3 or (
            meta.get("cpu_seconds") or 0
        ) > w.cpu_limit / 2
        _give_back(w)
        if tail.strip():  # the child's own log lines (unexpected errors with tracebacks)
            log.warning("%s: %s", what, tail[-4000:])
        out = Checked(
            rows_read=meta["rows_read"],
            fmt=meta["fmt"],
            encoding=meta["encoding"],
            geometry_format=meta["geometry_format"],
            srid=meta["srid"],
            header_row=meta.get("header_row"),
            ignored_columns=meta["ignored_columns"],
            column_names=meta["column_names"],
            notes=meta.get("notes") or [],
            error=meta["error"],
            peak_rss_mb=meta["peak_rss_mb"],
            peak_vm_mb=meta["peak_vm_mb"],
        )
        if out.error is None:
            out.rows = pl.read_ipc(workdir / "rows.arrow", memory_map=False)
            out.problems = pl.read_ipc(workdir / "problems.arrow", memory_map=False)
            if (workdir / "skipped.arrow").exists():
                out.skipped = pl.read_ipc(workdir / "skipped.arrow", memory_map=False)
    out.seconds = time.perf_counter() - t0
    return out


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    sys.exit(_serve(int(sys.argv[1]), float(sys.argv[2])))
