"""The shared filter model of the analysis pages: period, comparison, source, category, area …

Pure and tested without Streamlit; the pages draw it with :mod:`ostan_dash.ui.filters` (with the header block of
an export, :func:`ostan_dash.ui.filters.about`), and the
command line (``ostan-dash hotspots``) and the bench use it as it is. The state lives in
the URL query string (:meth:`Filters.to_query_params` / :meth:`Filters.from_query_params`), so a
view can be bookmarked, shared and reopened as it was.

Period rules (Swedish calendar, ISO weeks starting Monday, Europe/Stockholm dates):

- ``vecka``: the last complete ISO week before today (the Thursday weekly picture).
- ``4v``: the last four complete ISO weeks.
- ``kvartal``: the last complete calendar quarter (the quarterly analysis).
- ``ar``: the last 52 complete ISO weeks (364 days, every weekday equally often).
- ``eget``: a custom interval of dates, both ends included.

Comparison periods:

- ``foregaende``: the period just before, of the same length (for ``kvartal`` the previous
  calendar quarter, whose length may differ by a day or two; rates per day compare them).
- ``forra_aret``: the same period a year earlier. Periods of whole ISO weeks move to the same
  ISO week numbers of the previous ISO year (week 53 becomes week 52 when that year has none),
  so weekdays stay aligned; other periods move by one calendar year (29 February becomes
  28 February).

An incident belongs to a period, a weekday and an hour by the start of its time window, in
local time (as on Översikt).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import polars as pl

from ostan_dash import vocab
from ostan_dash.config import TZ
from ostan_dash.dates import quarter_start
from ostan_dash.text import date

PRESETS: dict[str, str] = {
    "vecka": "Senaste veckan",
    "4v": "Senaste 4 veckorna",
    "kvartal": "Senaste kvartalet",
    "ar": "Senaste året",
    "eget": "Eget intervall",
}
COMPARISONS: dict[str, str] = {
    "foregaende": "Föregående period",
    "forra_aret": "Samma period förra året",
}
SOURCES: dict[str, str] = {
    "alla": "Båda",
    "est": "EST-rapporter",
    "polis": "Polisanmälda brott",
}
WEEKDAYS: dict[int, str] = {
    1: "måndag",
    2: "tisdag",
    3: "onsdag",
    4: "torsdag",
    5: "fredag",
    6: "lördag",
    7: "söndag",
}
_WEEK_PRESETS = {"vecka": 1, "4v": 4, "ar": 52}

Period = Literal["current", "comparison", "none"]


@dataclass(frozen=True)
class Filters:
    """What the user has chosen. Empty tuples mean "all".

    Attributes
    ----------
    preset, start, end
        Period preset (a key of :data:`PRESETS`); ``start`` and ``end`` (inclusive) are used
        only with ``"eget"``.
    comparison
        A key of :data:`COMPARISONS`.
    source
        ``"alla"``, ``"est"`` or ``"polis"``.
    categories
        ``"source:category"`` keys, e.g. ``"est:skadegorelse"`` or ``"polis:vald"`` (an EST
        category and a police crime group may share a key, so the source qualifies it).
    subtypes
        ``"source:category:subtype"`` keys.
    areas
        Area codes (``"C01"``), as on Översikt.
    organisations
        Reporting organisation ids (police crimes have none and drop out when this is set).
    weekdays
        ISO weekdays 1–7 (Monday = 1).
    hours
        First and last hour (0–23, inclusive); a first hour after the last wraps over
        midnight, e.g. ``(22, 4)`` is 22:00–04:59.
    """

    preset: str = "4v"
    start: dt.date | None = None
    end: dt.date | None = None
    comparison: str = "foregaende"
    source: str = "alla"
    categories: tuple[str, ...] = ()
    subtypes: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    organisations: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()
    hours: tuple[int, int] = field(default=(0, 23))

    # URL ------------------------------------------------------------------------------------
    def to_query_params(self) -> dict[str, str | list[str]]:
        """The filter as query parameters; defaults are left out to keep links short."""
        d = Filters()
        out: dict[str, str | list[str]] = {}
        if self.preset != d.preset:
            out["period"] = self.preset
        if self.preset == "eget" and self.start and self.end:
            out["fran"] = self.start.isoformat()
            out["till"] = self.end.isoformat()
        if self.comparison != d.comparison:
            out["jfr"] = self.comparison
        if self.source != d.source:
            out["kalla"] = self.source
        if self.categories:
            out["kategori"] = list(self.categories)
        if self.subtypes:
            out["undertyp"] = list(self.subtypes)
        if self.areas:
            out["omrade"] = list(self.areas)
        if self.organisations:
            out["org"] = [str(o) for o in self.organisations]
        if self.weekdays:
            out["dag"] = [str(w) for w in self.weekdays]
        if self.hours != d.hours:
            out["timmar"] = f"{self.hours[0]}-{self.hours[1]}"
        return out

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | Sequence[str]]) -> Filters:
        """Read a filter from query parameters; unknown or malformed values fall back to the
        defaults (a hand-edited or old link never breaks the page)."""

        def many(key: str) -> list[str]:
            v = params.get(key)
            if v is None:
                return []
            return [v] if isinstance(v, str) else [str(x) for x in v]

        def one(key: str) -> str | None:
            v = many(key)
            return v[-1] if v else None

        d = cls()
        preset = one("period")
        preset = preset if preset in PRESETS else d.preset
        start = _parse_date(one("fran"))
        end = _parse_date(one("till"))
        if preset == "eget" and not (start and end and start <= end):
            preset, start, end = d.preset, None, None
        if preset != "eget":
            start = end = None
        comparison = one("jfr")
        source = one("kalla")
        hours = d.hours
        raw_hours = one("timmar")
        if raw_hours:
            parts = raw_hours.split("-")
            if len(parts) == 2 and all(p.isdigit() and 0 <= int(p) <= 23 for p in parts):
                hours = (int(parts[0]), int(parts[1]))
        return cls(
            preset=preset,
            start=start,
            end=end,
            comparison=comparison if comparison in COMPARISONS else d.comparison,
            source=source if source in SOURCES else d.source,
            categories=tuple(dict.fromkeys(c for c in many("kategori") if _valid_category(c))),
            subtypes=tuple(dict.fromkeys(s for s in many("undertyp") if _valid_subtype(s))),
            areas=tuple(dict.fromkeys(a for a in many("omrade") if a and len(a) <= 40)),
            organisations=tuple(dict.fromkeys(int(o) for o in many("org") if o.isdigit())),
            weekdays=tuple(
                sorted({int(w) for w in many("dag") if w.isdigit() and 1 <= int(w) <= 7})
            ),
            hours=hours,
        )

    # Periods --------------------------------------------------------------------------------
    def bounds(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """First and last day (inclusive) of the chosen period."""
        return period_bounds(self.preset, today, start=self.start, end=self.end)

    def comparison_bounds(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """First and last day (inclusive) of the comparison period."""
        return comparison_bounds(self.preset, self.comparison, self.bounds(today))

    def with_(self, **changes) -> Filters:
        """A copy with some fields changed."""
        return replace(self, **changes)


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _valid_category(key: str) -> bool:
    source, _, cat = key.partition(":")
    return (source == "est" and cat in vocab.CATEGORIES) or (
        source == "polis" and bool(cat) and len(cat) <= 40
    )


def _valid_subtype(key: str) -> bool:
    parts = key.split(":")
    if len(parts) != 3 or not all(parts) or any(len(p) > 60 for p in parts):
        return False
    source, cat, sub = parts
    if source == "est":
        return sub in vocab.SUBTYPES.get(cat, {})
    return source == "polis"


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _previous_quarter(start: dt.date) -> tuple[dt.date, dt.date]:
    end = start - dt.timedelta(days=1)
    return quarter_start(end), end


def _minus_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def period_bounds(
    preset: str, today: dt.date, *, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """First and last day (both inclusive) of a period preset, seen from `today`.

    Parameters
    ----------
    preset
        A key of :data:`PRESETS` (rules in the module docstring).
    today
        Today's local date (``config.today()``); the period never includes it, only
        complete weeks and quarters.
    start, end
        The interval of ``"eget"``.
    """
    if preset in _WEEK_PRESETS:
        last_monday = _monday(today) - dt.timedelta(weeks=1)
        first = last_monday - dt.timedelta(weeks=_WEEK_PRESETS[preset] - 1)
        return first, last_monday + dt.timedelta(days=6)
    if preset == "kvartal":
        return _previous_quarter(quarter_start(today))
    if preset == "eget":
        if start is None or end is None or end < start:
            raise ValueError("eget intervall needs start <= end")
        return start, end
    raise ValueError(f"unknown period preset {preset!r}")


def comparison_bounds(
    preset: str, comparison: str, bounds: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date]:
    """The comparison period of a period (rules in the module docstring)."""
    start, end = bounds
    days = (end - start).days + 1
    whole_weeks = start.weekday() == 0 and days % 7 == 0
    if comparison == "foregaende":
        if preset == "kvartal" and start == quarter_start(start):
            return _previous_quarter(start)
        return start - dt.timedelta(days=days), start - dt.timedelta(days=1)
    if comparison == "forra_aret":
        if whole_weeks and preset != "kvartal":
            year, week, _ = start.isocalendar()
            try:
                first = dt.date.fromisocalendar(year - 1, week, 1)
            except ValueError:  # week 53 in a year that has 52
                first = dt.date.fromisocalendar(year - 1, 52, 1)
            return first, first + dt.timedelta(days=days - 1)
        return _minus_year(start), _minus_year(end)
    raise ValueError(f"unknown comparison {comparison!r}")


def days_in(bounds: tuple[dt.date, dt.date]) -> int:
    """Number of days of an inclusive date interval."""
    return (bounds[1] - bounds[0]).days + 1


def _local_midnight(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, tzinfo=TZ)


def period_expr(bounds: tuple[dt.date, dt.date], *, time_col: str = "occurred_from") -> pl.Expr:
    """Rows whose `time_col` falls on a local date within `bounds` (inclusive)."""
    lo = _local_midnight(bounds[0])
    hi = _local_midnight(bounds[1] + dt.timedelta(days=1))
    return (pl.col(time_col) >= lo) & (pl.col(time_col) < hi)


def attribute_expr(
    filters: Filters, *, area_ids: Mapping[str, int] | None = None, time_col: str = "occurred_from"
) -> pl.Expr:
    """Every filter except the period, as one Polars expression.

    `area_ids` maps area codes to ids (``areas()``); unknown codes select nothing.
    """
    conds: list[pl.Expr] = []
    if filters.source != "alla":
        conds.append(pl.col("source") == filters.source)
    if filters.categories or filters.subtypes:
        # A subtype narrows its own category; other chosen categories stay whole.
        narrowed = {s.rsplit(":", 1)[0] for s in filters.subtypes}
        whole = [c for c in filters.categories if c not in narrowed]
        conds.append(_kinds_expr(whole, filters.subtypes))
    if filters.areas:
        ids = [area_ids[a] for a in filters.areas if area_ids and a in area_ids]
        conds.append(pl.col("area_id").is_in(ids).fill_null(False))
    if filters.organisations:
        conds.append(pl.col("organisation_id").is_in(list(filters.organisations)).fill_null(False))
    t = pl.col(time_col)
    if filters.weekdays and len(filters.weekdays) < 7:
        conds.append(t.dt.weekday().is_in(list(filters.weekdays)))
    first, last = filters.hours
    if (first, last) != (0, 23):
        h = t.dt.hour()
        conds.append(h.is_between(first, last) if first <= last else (h >= first) | (h <= last))
    return pl.all_horizontal(conds) if conds else pl.lit(True)


def _kinds_expr(categories: Sequence[str], subtypes: Sequence[str]) -> pl.Expr:
    """Rows of any of ``categories`` (``"source:category"``) or ``subtypes``
    (``"source:category:subtype"``), compared column by column: on the frame's categorical
    source and category that is a comparison of small codes, where text keys built for every
    row cost a quarter of a second per 2.5 M rows."""
    by_source: dict[str, list[str]] = {}
    for key in categories:
        source, _, cat = key.partition(":")
        by_source.setdefault(source, []).append(cat)
    conds = [
        (pl.col("source") == source) & pl.col("category").is_in(cats)
        for source, cats in by_source.items()
    ]
    for key in subtypes:
        source, cat, sub = (key.split(":", 2) + ["", ""])[:3]
        conds.append(
            (pl.col("source") == source) & (pl.col("category") == cat) & (pl.col("subtype") == sub)
        )
    return pl.any_horizontal(conds).fill_null(False) if conds else pl.lit(False)


def apply(
    df: pl.DataFrame | pl.LazyFrame,
    filters: Filters,
    *,
    today: dt.date | None = None,
    period: Period = "current",
    area_ids: Mapping[str, int] | None = None,
    bounds: tuple[dt.date, dt.date] | None = None,
) -> pl.DataFrame:
    """The rows of an incident frame (``queries.incidents()``) that the filters select.

    Parameters
    ----------
    df
        Incident frame with source, category, subtype, occurred_from, area_id,
        organisation_id.
    filters
        The user's choice.
    today
        Needed unless ``period="none"``.
    period
        ``"current"`` (the chosen period), ``"comparison"`` or ``"none"`` (all dates: the
        month-of-year profile over several years).
    area_ids
        Area code → id, to resolve ``filters.areas``.
    bounds
        An explicit date interval (inclusive) instead of `period`.
    """
    cond = attribute_expr(filters, area_ids=area_ids)
    if bounds is None and period != "none":
        if today is None:
            raise ValueError("today is needed to resolve the period")
        bounds = filters.bounds(today) if period == "current" else filters.comparison_bounds(today)
    if bounds is not None:
        cond = period_expr(bounds) & cond
        df = in_period(df, bounds)
    return df.lazy().filter(cond).collect()


def in_period(
    df: pl.DataFrame | pl.LazyFrame,
    bounds: tuple[dt.date, dt.date],
    *,
    time_col: str = "occurred_from",
) -> pl.DataFrame | pl.LazyFrame:
    """The rows of a frame in order of ``time_col`` (``store.hot.by_time``) that can fall in
    ``bounds``, found by binary search: a slice, not a scan of every row. Any other frame
    comes back as it is (the period's own condition still decides every row)."""
    if not isinstance(df, pl.DataFrame) or not df[time_col].flags["SORTED_ASC"]:
        return df
    column = df[time_col]
    lo = column.search_sorted(_local_midnight(bounds[0]), side="left")
    hi = column.search_sorted(_local_midnight(bounds[1] + dt.timedelta(days=1)), side="left")
    return df.slice(lo, hi - lo)


def describe(
    filters: Filters, *, today: dt.date, area_names: Mapping[str, str] | None = None
) -> str:
    """One Swedish line saying what is shown, for captions and exports."""
    a, b = filters.bounds(today)
    c, d = filters.comparison_bounds(today)
    parts = [
        f"{PRESETS[filters.preset]} ({date(a)} – {date(b)})",
        f"jämfört med {date(c)} – {date(d)}",
        SOURCES[filters.source]
        if filters.source != "alla"
        else "EST-rapporter och polisanmälda brott",
    ]
    if filters.areas:
        names = area_names or {}
        parts.append(", ".join(names.get(x, x) for x in filters.areas))
    if filters.weekdays and len(filters.weekdays) < 7:
        parts.append(", ".join(WEEKDAYS[w] for w in filters.weekdays))
    if filters.hours != (0, 23):
        parts.append(f"kl. {filters.hours[0]:02d}–{filters.hours[1]:02d}")
    return " · ".join(parts)


def filter_text(
    filters: Filters,
    *,
    area_names: Mapping[str, str] | None = None,
    org_names: Mapping[int, str] | None = None,
) -> str | None:
    """Every filter except the period in one Swedish line (``None`` when nothing is filtered),
    for the header block of an export."""
    parts = []
    if filters.source != "alla":
        parts.append(f"Källa: {SOURCES[filters.source]}")
    if filters.categories:
        parts.append("Kategori: " + ", ".join(_category_label(c) for c in filters.categories))
    if filters.subtypes:
        parts.append("Undertyp: " + ", ".join(_subtype_label(s) for s in filters.subtypes))
    if filters.areas:
        names = area_names or {}
        parts.append("Områden: " + ", ".join(names.get(a, a) for a in filters.areas))
    if filters.organisations:
        orgs = org_names or {}
        parts.append(
            "Organisation: " + ", ".join(orgs.get(o, str(o)) for o in filters.organisations)
        )
    if filters.weekdays and len(filters.weekdays) < 7:
        parts.append("Veckodagar: " + ", ".join(WEEKDAYS[w] for w in filters.weekdays))
    if filters.hours != (0, 23):
        parts.append(f"Klockan: {filters.hours[0]:02d}:00–{filters.hours[1]:02d}:59")
    return "; ".join(parts) or None


def _category_label(key: str) -> str:
    source, _, cat = key.partition(":")
    if source == "est":
        return f"{vocab.CATEGORIES.get(cat, cat)} (EST)"
    return f"{vocab.POLICE_GROUPS.get(cat, cat)} (polis)"


def _subtype_label(key: str) -> str:
    source, cat, sub = key.split(":", 2)
    return vocab.SUBTYPES.get(cat, {}).get(sub, sub) if source == "est" else sub


def category_options(df: pl.DataFrame, source: str = "alla") -> dict[str, str]:
    """``"source:category"`` → Swedish label, for the categories present in `df`."""
    out: dict[str, str] = {}
    if source in ("alla", "est"):
        out |= {f"est:{k}": f"{v} (EST)" for k, v in vocab.CATEGORIES.items()}
    if source in ("alla", "polis") and not df.is_empty():
        groups = _police_groups(df)
        out |= {f"polis:{g}": f"{vocab.POLICE_GROUPS.get(g, g)} (polis)" for g in groups if g}
    return out


_PER_FRAME: dict[tuple[str, int], list] = {}
"""(what, ``id(frame)``) → a list computed from that frame, for as long as the frame lives."""


def _once_per_frame(what: str, df: pl.DataFrame, compute: Callable[[pl.DataFrame], list]) -> list:
    """``compute(df)``, once per frame object. The incident frame is held per data version and
    never changed in place (``ui.data``), so what is derived from it is too: every rerun of
    every page with the filter panel asked again (a scan of the whole frame). The entry goes
    when the frame does (``weakref.finalize``), before its ``id`` can be reused."""
    key = (what, id(df))
    found = _PER_FRAME.get(key)
    if found is None:
        found = _PER_FRAME[key] = compute(df)
        weakref.finalize(df, _PER_FRAME.pop, key, None)
    return found


def _police_groups(df: pl.DataFrame) -> list[str]:
    """The police crime groups present in ``df``, sorted; computed once per frame object."""
    return list(_once_per_frame("groups", df, _groups_in))


def _groups_in(df: pl.DataFrame) -> list[str]:
    # Unique on the categorical column first: casting every row to text cost ~0.4 s per 2.5 M
    # rows.
    return (
        df.lazy()
        .filter(pl.col("source") == "polis")
        .select(pl.col("category").unique())
        .collect()["category"]
        .cast(pl.Utf8)
        .sort()
        .to_list()
    )


def subtype_options(df: pl.DataFrame, categories: Sequence[str]) -> dict[str, str]:
    """``"source:category:subtype"`` → label for the subtypes of the chosen categories."""
    out: dict[str, str] = {}
    police = [c.split(":", 1)[1] for c in categories if c.startswith("polis:")]
    for c in categories:
        source, _, cat = c.partition(":")
        if source == "est":
            out |= {f"est:{cat}:{k}": v for k, v in vocab.SUBTYPES.get(cat, {}).items()}
    if police and not df.is_empty():
        chosen = set(police)
        for cat, sub in _police_pairs(df):
            if cat in chosen and sub:
                out[f"polis:{cat}:{sub}"] = sub
    return out


def _police_pairs(df: pl.DataFrame) -> list[tuple[str, str]]:
    """Every police crime group and type present in ``df``, sorted; computed once per frame
    object (a choice of police group scanned the whole frame for its types on every rerun)."""
    return _once_per_frame("pairs", df, _pairs_in)


def _pairs_in(df: pl.DataFrame) -> list[tuple[str, str]]:
    return [
        (str(cat), str(sub))
        for cat, sub in df.lazy()
        .filter(pl.col("source") == "polis")
        .select("category", "subtype")
        .unique()
        .collect()
        .with_columns(pl.col("category").cast(pl.Utf8))
        .sort("category", "subtype")
        .iter_rows()
        if sub
    ]


# Filters that follow the user ----------------------------------------------------------------
# Period (with its dates), comparison, source and areas chosen on one page are preselected on the
# next: remembered in the session, filled into the address of a page whose address does not say
# them. What the address says always wins (a shared link shows what was shared).
SHARED_GROUPS: tuple[tuple[str, ...], ...] = (
    ("period", "fran", "till"),
    ("jfr",),
    ("kalla",),
    ("omrade",),
)
SHARED_STATE = "ostan_filters_shared"


def shared_part(params: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The shared keys of a set of query parameters (lists of values)."""
    return {k: list(params[k]) for group in SHARED_GROUPS for k in group if params.get(k)}


def fill_shared(
    params: Mapping[str, Sequence[str]], remembered: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """What to add to an address: every remembered group of which the address says nothing.

    A group is taken whole (a custom period with its dates), and never when the address names
    any key of it.
    """
    add: dict[str, list[str]] = {}
    for group in SHARED_GROUPS:
        if any(params.get(k) for k in group):
            continue
        add |= {k: list(remembered[k]) for k in group if remembered.get(k)}
    return add
