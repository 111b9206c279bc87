"""What the Närupprepning page decides before and around a Knox test (no Streamlit, no
database): which kinds of incident have points, the incidents of one choice, whether there are
enough (and not too many) for the test, and whether the permutations can reach significance.

The Knox test itself is :func:`ostan_dash.analysis.nearrepeat.knox_test` (Knox 1964; the
Monte Carlo version of Johnson et al. 2007).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl

MIN_EVENTS = 20
MAX_EVENTS = 20_000


@dataclasses.dataclass(frozen=True)
class Choice:
    """One kind of incident in one period, and how the Knox test is to be run on it."""

    source: str
    category: str
    subtype: str | None
    start: dt.date
    end: dt.date
    metric: str
    permutations: int
    distance_bands: tuple[float, ...]
    time_bands: tuple[float, ...]


def located_kinds(incidents: pl.DataFrame) -> pl.DataFrame:
    """``source``, ``category`` and ``len`` of the incidents with a point: police first, then
    the categories in alphabetical order."""
    return (
        incidents.filter(pl.col("x").is_not_null())
        .group_by(pl.col("source").cast(pl.Utf8), pl.col("category").cast(pl.Utf8))
        .len()
        .sort("source", "category", descending=[True, False])
    )


def sources_of(kinds: pl.DataFrame) -> list[str]:
    """The sources with located incidents, police first (police points show only to those the
    database shows them to, sql/014)."""
    return [s for s in ("polis", "est") if (kinds["source"] == s).any()]


def default_category(categories: list[str]) -> str:
    """Burglary when there is any (the classic near-repeat crime), else the first category.

    >>> default_category(["klotter", "inbrott"]), default_category(["klotter"])
    ('inbrott', 'klotter')
    """
    return "inbrott" if "inbrott" in categories else categories[0]


def subtypes_of(incidents: pl.DataFrame, *, source: str, category: str) -> list[str]:
    """The subtypes that occur for a source and category, sorted."""
    return (
        incidents.filter(
            (pl.col("source") == source)
            & (pl.col("category").cast(pl.Utf8) == category)
            & pl.col("subtype").is_not_null()
        )["subtype"]
        .unique()
        .sort()
        .to_list()
    )


def select(incidents: pl.DataFrame, choice: Choice) -> pl.DataFrame:
    """The located incidents of the chosen kind whose window begins in the period."""
    return incidents.filter(
        (pl.col("source") == choice.source)
        & (pl.col("category").cast(pl.Utf8) == choice.category)
        & (pl.col("subtype") == choice.subtype if choice.subtype else pl.lit(True))
        & pl.col("x").is_not_null()
        & pl.col("occurred_from").dt.date().is_between(choice.start, choice.end)
    )


def pairs(n: int) -> int:
    """The number of pairs among ``n`` incidents, n(n − 1)/2.

    >>> pairs(20), pairs(1)
    (190, 0)
    """
    return n * (n - 1) // 2


def size_problem(n: int) -> str | None:
    """``"few"`` below :data:`MIN_EVENTS`, ``"many"`` above :data:`MAX_EVENTS` (the work grows
    with the pairs), else None."""
    if n < MIN_EVENTS:
        return "few"
    if n > MAX_EVENTS:
        return "many"
    return None


def smallest_p(permutations: int) -> float:
    """The smallest p-value a Monte Carlo test with ``permutations`` can give, 1/(R + 1)
    (Davison & Hinkley 1997, ch. 4)."""
    return 1 / (permutations + 1)


def too_few_permutations(permutations: int, n_tested: int, *, alpha: float) -> bool:
    """True when even the smallest p cannot pass a Bonferroni-sized bound α/m over ``n_tested``
    cells, so no single cell can come out significant after the correction.

    >>> too_few_permutations(99, 9, alpha=0.05), too_few_permutations(999, 9, alpha=0.05)
    (True, False)
    """
    return smallest_p(permutations) > alpha / max(n_tested, 1)


def event_window(
    day: dt.date, start: dt.time, end: dt.time, *, tz: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """An event's start and end on ``day`` in ``tz``; an end at or before the start is the next
    day's (the event goes on over midnight).

    >>> from zoneinfo import ZoneInfo
    >>> a, b = event_window(dt.date(2026, 12, 31), dt.time(22), dt.time(2), tz=ZoneInfo("UTC"))
    >>> b - a
    datetime.timedelta(seconds=14400)
    """
    start_at = dt.datetime.combine(day, start, tzinfo=tz)
    end_at = dt.datetime.combine(day, end, tzinfo=tz)
    if end_at <= start_at:
        end_at += dt.timedelta(days=1)
    return start_at, end_at
