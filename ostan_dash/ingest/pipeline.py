"""Import a file: read → validate → write, all or nothing (the one path for page and CLI).

:mod:`ostan_dash.ingest.read` turns bytes into a frame (encoding, separator, header, format),
:mod:`ostan_dash.ingest.validate` checks every row and names each problem with its line and
field, and :func:`ostan_dash.store.imports.write_checked` writes the valid rows in one
transaction — or nothing, when any row of the file has a problem.
"""

from __future__ import annotations

import time

from sqlalchemy.engine import Connection

from ostan_dash.ingest import read, validate
from ostan_dash.store.imports import ImportOutcome, Progress, problem, write_checked


def run_import(
    kind: str,
    data: bytes,
    file_name: str,
    *,
    user_id: int | None = None,
    username: str | None = None,
    role: str | None = None,
    organisation_id: int | None = None,
    crs: str = "auto",
    dry_run: bool = False,
    conn: Connection | None = None,
    url: str | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Read, validate and (unless ``dry_run`` or any row has a problem) write a file.

    Parameters
    ----------
    kind
        One of :data:`ostan_dash.ingest.validate.KINDS` (the ``imports.kind`` keys).
    data, file_name
        The file's bytes and its name (recorded with its SHA-256).
    user_id, username
        Who imports (recorded in ``imports`` and ``audit_log``).
    role
        The importer's app role: the whole import then runs under that database role
        (:func:`ostan_dash.store.as_user`). ``None`` only for operators on the command line.
    organisation_id
        The organisation of EST reports without an Organisation column (``rapporter``).
    crs
        ``auto``, ``3006`` (SWEREF 99 TM) or ``4326`` (WGS 84) for coordinates and geometries.
    dry_run
        Preview: do everything in a transaction and roll it back.
    conn
        Run inside this connection's transaction (as a savepoint), e.g. a test's.
    url
        Database URL (the benchmark's scratch database); default the process's database.
    progress
        Called with (fraction done, Swedish text) between the steps.

    Returns
    -------
    ImportOutcome
        ``written`` is True only when every row was valid and the transaction committed.
    """
    t0 = time.perf_counter()
    step = progress or (lambda _f, _t: None)
    outcome = ImportOutcome(kind, file_name, read.sha256(data))
    step(0.05, "Läser filen …")
    try:
        raw = read.read_file(data, file_name)
    except read.ReadError as e:
        outcome.problems = problem(None, "fil", str(e))
        return outcome
    outcome.rows_read = raw.rows_read
    outcome.file_format, outcome.encoding = raw.fmt, raw.encoding
    effective_crs = crs if crs != "auto" or raw.srid is None else str(raw.srid)
    step(0.2, f"Kontrollerar {raw.rows_read} rader …")
    checked = validate.validate(kind, raw.frame, crs=effective_crs)
    outcome.ignored_columns = checked.ignored_columns
    if checked.rows.is_empty() and not checked.problems.is_empty():
        outcome.problems = checked.problems
        outcome.seconds = time.perf_counter() - t0
        return outcome
    if checked.rows_read == 0:
        outcome.problems = problem(None, "fil", "filen innehåller inga rader")
        return outcome
    outcome.rows_valid = checked.rows.height
    outcome.seconds = time.perf_counter() - t0
    return write_checked(
        outcome,
        checked.rows,
        checked.problems,
        field_name=checked.field_name,
        geometry_format=raw.geometry_format,
        user_id=user_id,
        username=username,
        role=role,
        organisation_id=organisation_id,
        dry_run=dry_run,
        conn=conn,
        url=url,
        step=step,
    )
