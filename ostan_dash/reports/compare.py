"""A quarter or a year against the same period one year earlier, with the weekly's test.

The kvartalsanalys and the årsanalys compare their period with the same dates a year before.
They do not get a test of their own: the count is held against the negative binomial
predictive distribution of Översikt's week test (:func:`overview.predictive_upper_tail`;
Noufaily et al. 2013, with the estimation variance of the expectation added), its dispersion is
the weekly one (:func:`overview.successive_difference_x2` and :func:`overview.pooled_nb_alpha`,
one α per table, from the 52 weeks before the period), and one Benjamini–Hochberg family over
categories, areas and category × area with at least three incidents
(:func:`overview.flag_together`), exactly as the veckolägesbild flags its week.

What changes is the expectation and how the weekly dispersion adds up over the period:

- expected count :math:`\\hat\\mu = (B + ½)\\,d/d_B`, the count :math:`B` of the same dates a
  year earlier scaled to the period's length (``d`` days against ``d_B``: 29 February);
- a sum of :math:`n` independent weeks, each negative binomial with shape α, has variance
  :math:`M(1 + (α/n) M)`, so the period total is tested with shape α/n;
- the expectation's own uncertainty, Var(log μ̂) ≈ φ/(B + ½) with φ = 1 + (α/n)·μ̂ (delta
  method, as the week test's fallback without earlier years).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl

from ostan_dash.analysis import overview
from ostan_dash.reports import flagged, sentences
from ostan_dash.reports.flagged import MAX_CHANGES
from ostan_dash.reports.periods import Period
from ostan_dash.text import long_date, number, percent

HISTORY_WEEKS = 52
ALPHA = 0.05
MIN_COUNT = 3


def year_earlier(d: dt.date) -> dt.date:
    """The same day one year earlier (28 February for 29 February)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def before(period: Period) -> Period:
    """The same dates one year earlier (same kind)."""
    return Period(period.kind, year_earlier(period.start), year_earlier(period.end))


def in_period(frame: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Incidents whose time window starts in ``period`` (local dates)."""
    return frame.filter(pl.col("occurred_from").dt.date().is_between(period.start, period.end))


def _days(p: Period) -> int:
    return (p.end - p.start).days + 1


def _counts(frame: pl.DataFrame, by: list[str], name: str) -> pl.DataFrame:
    return frame.group_by(by).agg(pl.len().cast(pl.Int64).alias(name))


def period_test(
    incidents: pl.DataFrame,
    period: Period,
    *,
    by: list[str],
    history_weeks: int = HISTORY_WEEKS,
    alpha: float = ALPHA,
    min_count: int = MIN_COUNT,
) -> pl.DataFrame:
    """Counts per group of ``by`` in ``period`` against the same dates a year earlier.

    Returns one row per group with an incident in either period: the ``by`` columns,
    ``count``, ``count_before``, ``expected``, ``change_pct`` (count against expected),
    ``p_high`` (one-sided, see the module docstring) and ``unusual`` (Benjamini–Hochberg over
    this table alone; use :func:`overview.flag_together` for one family over several tables).
    Sorted by count, descending.
    """
    frame = incidents.with_columns(
        pl.col(c).cast(pl.Utf8) for c in ("source", "category") if c in incidents.columns
    )
    prev = before(period)
    now = _counts(in_period(frame, period), by, "count")
    then = _counts(in_period(frame, prev), by, "count_before")
    table = (
        now.join(then, on=by, how="full", coalesce=True, nulls_equal=True)
        .with_columns(pl.col("count", "count_before").fill_null(0))
        .sort(by, nulls_last=True)
    )
    # The weekly dispersion: the whole ISO weeks of the year before the period starts.
    last = period.start - dt.timedelta(days=period.start.weekday() + 7)
    first = last - dt.timedelta(weeks=history_weeks - 1)
    _, weeks = overview.weekly_counts(frame, by=by, first=first, last=last)
    level_w = weeks.mean(-1)
    x2, df = overview.successive_difference_x2(weeks)
    alpha_w = float(overview.pooled_nb_alpha(x2, df, level_w)) if weeks.size else 0.0
    n_weeks = _days(period) / 7
    a = alpha_w / n_weeks
    b = table["count_before"].to_numpy().astype(float)
    c = table["count"].to_numpy().astype(float)
    expected = (b + overview.HALF) * _days(period) / _days(prev)
    rel_var = (1 + a * expected) / (b + overview.HALF)
    p = overview.predictive_upper_tail(c, expected, np.full_like(c, a), rel_var)
    out = table.with_columns(
        expected=pl.Series(expected, dtype=pl.Float64),
        p_high=pl.Series(p, dtype=pl.Float64),
        nb_alpha_week=pl.lit(alpha_w, pl.Float64),
    ).with_columns(change_pct=(pl.col("count") / pl.col("expected") - 1) * 100)
    out = overview.flag_together(out, alpha=alpha, min_count=min_count)[0]
    return out.sort(["count", *by], descending=[True, *([False] * len(by))])


def method_text(period: Period, *, n_tests: int) -> str:
    """The comparison, the dispersion and the correction behind ``unusual``, in Swedish."""
    prev = before(period)
    return (
        f"Jämfört med samma period ett år tidigare ({long_date(prev.start)} – "
        f"{long_date(prev.end)}), omräknat till periodens längd. Antal varierar mer än slumpen, "
        f"så spridningen skattas ur veckoantalen de {HISTORY_WEEKS} veckorna före perioden "
        "(negativ binomial, samma test som veckolägesbildens, gemensam för raderna i en tabell) "
        "och osäkerheten i jämförelsetalet räknas med. Ovanligt högt: ensidigt test per rad, "
        f"Benjamini–Hochberg över dokumentets {number(n_tests)} test "
        f"(FDR {percent(ALPHA * 100)}) och minst {MIN_COUNT} händelser."
    )


SOURCE_LABELS = {"est": "EST-rapporter", "polis": "Polisanmälda brott"}
WHEN = {"kvartal": "samma kvartal i fjol", "ar": "året före"}


def tables(
    incidents: pl.DataFrame, period: Period
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The period against the year before: by source, and the document's one BH family (EST
    category, area with both sources, EST category × area) flagged together."""
    est = incidents.filter(pl.col("source").cast(pl.Utf8) == "est")
    located = incidents.filter(pl.col("area_id").is_not_null())
    by_source = period_test(incidents, period, by=["source"])
    by_cat, by_area, by_cell = overview.flag_together(
        period_test(est, period, by=["category"]),
        period_test(located, period, by=["area_id"]),
        period_test(
            est.filter(pl.col("area_id").is_not_null()), period, by=["category", "area_id"]
        ),
        alpha=ALPHA,
        min_count=MIN_COUNT,
    )
    return by_source, by_cat, by_area, by_cell


def _num(x: Any, nd: int = 3) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else round(x, nd)


def headline(by_source: pl.DataFrame, by_cat: pl.DataFrame, *, when: str) -> list[dict[str, Any]]:
    """Each source, then each EST category (zeros where nothing happened), against ``when``."""
    from ostan_dash import vocab

    src = {r["source"]: r for r in by_source.iter_rows(named=True)}
    cat = {r["category"]: r for r in by_cat.iter_rows(named=True)}
    rows = []
    for group, labels, found in (
        ("source", SOURCE_LABELS, src),
        ("category", vocab.CATEGORIES, cat),
    ):
        for key, label in labels.items():
            r = found.get(key, {})
            count, prev = int(r.get("count", 0)), int(r.get("count_before", 0))
            rows.append(
                {
                    "group": group,
                    "key": key,
                    "label": label,
                    "count": count,
                    "count_before": prev,
                    "expected": _num(r.get("expected"), 2),
                    "change_pct": _num((count / prev - 1) * 100, 1) if prev > 0 else None,
                    "p_high": _num(r.get("p_high"), 4),
                    "unusual": bool(r.get("unusual", False)) if group == "category" else None,
                    "text": sentences.versus_year_sentence(label, count, prev, when),
                }
            )
    return rows


def area_rows(by_area: pl.DataFrame, areas: pl.DataFrame) -> list[dict[str, Any]]:
    """Every area with incidents in either period: count, the year before, change and flag."""
    t = overview.per_population(by_area, areas).sort(["count", "name"], descending=[True, False])
    return [
        {
            "area_id": int(r["area_id"]),
            "name": r["name"],
            "count": int(r["count"]),
            "count_before": int(r["count_before"]),
            "change_pct": _num((r["count"] / r["count_before"] - 1) * 100, 1)
            if r["count_before"]
            else None,
            "per_1000": _num(r["per_1000"], 3),
            "unusual": bool(r["unusual"]),
        }
        for r in t.iter_rows(named=True)
    ]


def change_sentences(
    by_cat: pl.DataFrame,
    by_area: pl.DataFrame,
    by_cell: pl.DataFrame,
    frame: pl.DataFrame,
    area_names: Mapping[int, str],
    *,
    when: str,
    limit: int = MAX_CHANGES,
) -> list[str]:
    """One sentence per flagged row, strongest evidence first (at most ``limit``), with its peak
    times (:func:`flagged.row_subject`); ``frame`` holds the period's incidents."""
    rows = flagged.flagged_rows(by_cell, by_cat, by_area, against="count_before")
    out = []
    for r in rows.head(limit).iter_rows(named=True):
        what, where, times = flagged.row_subject(r, frame, area_names)
        out.append(
            sentences.year_change_sentence(what, where, r["count"], r["count_before"], when, times)
        )
    return out


def document_head(
    period: Period,
    *,
    incidents: pl.DataFrame,
    areas: pl.DataFrame,
    drafted_at: dt.datetime | None,
    schema: int,
    classification: str,
) -> tuple[dict[str, Any], pl.DataFrame, pl.DataFrame]:
    """What a kvartalsanalys and an årsanalys open with: the period and the one it is compared
    with, the headline rows against the same period a year earlier, the method with its family
    of tests (:func:`tables`), and the changes in words (or that there were none after the
    correction). Also the period's incidents and the per-area tests, which the rest of the
    document is built from: ``(head, frame, by_area)``."""
    by_source, by_cat, by_area, by_cell = tables(incidents, period)
    n_tests = by_cat.height + by_area.height + by_cell.height
    names = dict(zip(areas["area_id"].to_list(), areas["name"].to_list(), strict=True))
    frame = in_period(incidents, period)
    when = WHEN[period.kind]
    changes = change_sentences(by_cat, by_area, by_cell, frame, names, when=when)
    prev = before(period)
    head = {
        "schema": schema,
        "kind": period.kind,
        "period": {
            "key": period.key,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
        },
        "title": period.title,
        "classification": classification,
        "drafted_at": (drafted_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "compared_with": {
            "start": prev.start.isoformat(),
            "end": prev.end.isoformat(),
            "label": prev.label,
        },
        "data": {
            "incidents_total": int(incidents.height),
            "incidents_in_period": int(frame.height),
        },
        "headline": headline(by_source, by_cat, when=when),
        "method": method_text(period, n_tests=n_tests),
        "n_tests": n_tests,
        "changes": changes or [sentences.no_year_change_sentence(n_tests, when)],
        "n_changes": len(changes),
    }
    return head, frame, by_area
