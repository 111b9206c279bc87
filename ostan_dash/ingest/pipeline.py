"""Import a file: read → validate → write, all or nothing (the one path for page and CLI).

:mod:`ostan_dash.ingest.read` turns bytes into a frame (encoding, separator, header, format),
:mod:`ostan_dash.ingest.validate` checks every row and names each problem with its line and
field — both in a child process with a time and memory limit
(:mod:`ostan_dash.ingest.worker`), so a hostile file cannot take the web server down — and
:func:`ostan_dash.store.imports.write_checked` writes the valid rows in one transaction — or
nothing, when any row of the file has a problem.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.engine import Connection

from ostan_dash.ingest import read, validate, worker
from ostan_dash.store.imports import (
    ImportOutcome,
    Progress,
    event_type_overrides,
    group_name_overrides,
    problem,
    write_checked,
)

log = logging.getLogger(__name__)

SAMPLE_ROWS = 10  # valid rows shown as they will be stored


def peek(
    data: bytes,
    file_name: str,
    *,
    header_row: int | None = None,
    limits: worker.Limits | None = None,
    isolate: bool = True,
) -> worker.Checked:
    """Read only (in the bounded child): the file's first rows as text with the header found,
    encoding, format and declared CRS, for the mapping step. ``error`` says why it cannot be
    read; nothing touches the database."""
    if not isolate:
        return worker.read_validate(worker.PEEK, data, file_name, header_row=header_row)
    return worker.read_validate_bounded(
        worker.PEEK, data, file_name, limits=limits, header_row=header_row
    )


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
    limits: worker.Limits | None = None,
    isolate: bool = True,
    municipality: str | None = None,
    header_row: int | None = None,
    mapping: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
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
    limits
        Time and memory of reading + validating (default :meth:`worker.Limits.web`; the
        command line passes :meth:`worker.Limits.cli`).
    isolate
        Read and validate in a child process under ``limits`` (always, except in tests that
        feed many small files and check only the messages).
    municipality
        Our municipality's name for the police's events (``polishandelser``), instead of the
        setting (:func:`ostan_dash.store.imports.municipality`): only its events are imported.
    header_row, mapping, values
        The mapping step (:mod:`ostan_dash.ingest.mapping`): the header's line in a CSV or
        sheet (None: found below any title lines), ``{file column: our column}`` and
        ``{our column: value}`` for a column the file lacks, the same on every row (the year
        of a population table without one).

    Returns
    -------
    ImportOutcome
        ``written`` is True only when every row was valid and the transaction committed.
    """
    t0 = time.perf_counter()
    step = progress or (lambda _f, _t: None)
    outcome = ImportOutcome(kind, file_name, read.sha256(data))
    step(0.05, "Läser filen …")
    # The municipality's changes to the police's event types (read here: the child has no DB).
    event_types = event_type_overrides(conn=conn) if kind == "polishandelser" and not url else None
    # … and to the police's and Brå's crime group names (a police extract's Brottsgrupp).
    group_names = group_name_overrides(conn=conn) if kind == "polisbrott" and not url else None
    if isolate:
        checked = worker.read_validate_bounded(
            kind,
            data,
            file_name,
            crs,
            limits=limits,
            event_types=event_types,
            group_names=group_names,
            header_row=header_row,
            mapping=mapping,
            values=values,
        )
    else:
        try:
            checked = worker.read_validate(
                kind,
                data,
                file_name,
                crs,
                event_types,
                group_names=group_names,
                header_row=header_row,
                mapping=mapping,
                values=values,
            )
        except MemoryError:
            log.warning("import %s of %s: out of memory reading in-process", kind, file_name)
            checked = worker.Checked(error=worker.msg_memory(None))
    if checked.error is not None or checked.rows is None or checked.problems is None:
        outcome.problems = problem(None, "fil", checked.error or worker.MSG_UNEXPECTED)
        outcome.seconds = time.perf_counter() - t0
        return outcome
    outcome.rows_read = checked.rows_read
    outcome.file_format, outcome.encoding = checked.fmt, checked.encoding
    outcome.srid, outcome.header_row = checked.srid, checked.header_row
    outcome.ignored_columns = checked.ignored_columns
    outcome.notes = list(checked.notes)
    if checked.skipped is not None:
        outcome.skipped = checked.skipped
    step(0.2, f"Kontrollerar {checked.rows_read} rader …")
    if checked.rows.is_empty() and not checked.problems.is_empty():
        outcome.problems = checked.problems
        outcome.seconds = time.perf_counter() - t0
        return outcome
    if checked.rows_read == 0:
        outcome.problems = problem(None, "fil", "filen innehåller inga rader")
        return outcome
    field_name = validate.Validated(
        checked.rows, checked.problems, checked.rows_read, [], checked.column_names
    ).field_name
    outcome.rows_valid = checked.rows.height
    outcome.sample = checked.rows.head(SAMPLE_ROWS)
    outcome.seconds = time.perf_counter() - t0
    return write_checked(
        outcome,
        checked.rows,
        checked.problems,
        field_name=field_name,
        geometry_format=checked.geometry_format,
        skipped=checked.skipped,
        municipality_override=municipality,
        user_id=user_id,
        username=username,
        role=role,
        organisation_id=organisation_id,
        dry_run=dry_run,
        conn=conn,
        url=url,
        step=step,
    )
