"""This process's memory as Linux reports it (``/proc/self/status``): what the bench records for
the app and its workers, and what the import worker reports for one file.

One reader for every caller; the store, ingest and bench layers may all use it (it imports
nothing of ours)."""

from __future__ import annotations

import resource
from pathlib import Path

STATUS = Path("/proc/self/status")


def status_mb(field: str) -> float | None:
    """A memory line of ``/proc/self/status`` (``VmRSS``, ``VmHWM``, ``VmPeak`` …) in MB,
    rounded to 0.1; None where there is no ``/proc`` or no such line."""
    try:
        lines = STATUS.read_text().splitlines()
    except OSError:  # not Linux
        return None
    for line in lines:
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def peak_rss_mb() -> float:
    """The highest resident memory of this process so far, in MB: ``VmHWM``, which belongs to
    the program now running. (``getrusage``'s ``ru_maxrss`` survives ``exec`` on Linux, so a
    process the bench starts would report the bench's own peak when that was higher; it is
    only the fallback where there is no ``/proc``.)"""
    peak = status_mb("VmHWM")
    if peak is not None:
        return peak
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def reset_peak() -> None:
    """Start a new peak measurement: ``VmHWM`` falls back to the resident memory now (Linux:
    writing 5 to ``/proc/self/clear_refs``); nothing where that is not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:  # not Linux, or not allowed
        pass
