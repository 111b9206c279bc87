"""A reporter's own reports: what they fed and which may still be corrected (Rapportera).

Pure functions over the frame of :func:`ostan_dash.store.reports.own_reports` (no Streamlit, no
database): the page shows their results.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl


@dataclasses.dataclass(frozen=True)
class OwnReports:
    """How many reports a reporter filed and the problem pictures and interventions they feed."""

    count: int
    problem_pictures: tuple[str, ...]
    interventions: tuple[str, ...]


def summarise(mine: pl.DataFrame) -> OwnReports:
    """Count the reports and collect, sorted and once each, the titles they feed.

    ``mine`` has list columns ``problem_pictures`` and ``interventions`` (titles).

    >>> frame = pl.DataFrame({"problem_pictures": [["B", "A"], ["A"]], "interventions": [[], ["X"]]})
    >>> summarise(frame)
    OwnReports(count=2, problem_pictures=('A', 'B'), interventions=('X',))
    """

    def titles(column: str) -> tuple[str, ...]:
        return tuple(sorted(set(mine[column].explode(empty_as_null=True).drop_nulls().to_list())))

    return OwnReports(mine.height, titles("problem_pictures"), titles("interventions"))


def editable(mine: pl.DataFrame, *, now: dt.datetime, window: dt.timedelta) -> pl.DataFrame:
    """The reports filed within ``window`` before ``now`` (``created_at`` aware): those the
    reporter may still correct."""
    return mine.filter(pl.col("created_at") >= now - window)
