"""The frozen figures of a publication on the public page, and the plain Swedish they read as.

Pure functions: area-level counts in (never points), JSON-ready dicts out, every count passed
through the disclosure control of :mod:`ostan_dash.analysis.public` first. A count below 5 is
stored and shown only as ``"färre än 5"``: the dicts hold no number below 5 at all (periods are
text), which ``sql/017_public.sql`` checks again when they are stored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl

from ostan_dash import text
from ostan_dash.analysis.public import SUPPRESSED_TEXT, THRESHOLD, suppress_counts

SOURCES = {"est": "Rapporterade händelser", "polis": "Polisanmälda brott"}
STATUS_TEXT = {
    "planerad": "Planerad",
    "pagaende": "Pågår",
    "avslutad": "Avslutad",
    "installd": "Inställd",
}
# A change smaller than this (in per cent) reads as "about as many": no small percentages.
SAME_PCT = 10

_SMALL_NUMBER = re.compile(r"(?<![\w.,:/\-−])[0-4](?![\w]|[.,:/\-]\d)")


def shown_count(n: int | None, *, threshold: int = THRESHOLD) -> str:
    """A count as the public may see it: ``"1 234"``, or ``"färre än 5"`` when below
    ``threshold`` or already suppressed (``None``)."""
    if n is None or n < threshold:
        return SUPPRESSED_TEXT
    return text.number(n)


def small_numbers(body: str) -> list[str]:
    """The stand-alone numbers 0–4 in an analyst's public text (a date, a year or ``12`` are
    not), so the page can refuse a count below 5 written by hand."""
    return _SMALL_NUMBER.findall(body or "")


def month_label(month: dt.date) -> str:
    """``januari 2026``."""
    return f"{text.MONTHS[month.month - 1]} {month.year}"


def last_full_months(today: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    """The first day of the earliest and of the latest of the ``months`` whole months before
    the month of ``today``."""
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    index = last.year * 12 + last.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1), last


def area_trend(counts: pl.DataFrame, *, area: str) -> dict[str, Any]:
    """An area's monthly counts per source, suppressed, as the frozen figures of a trend.

    Parameters
    ----------
    counts
        ``source``, ``month`` (date), ``n`` for one area, every month present (zeros too), as
        from ``store.public.area_month_counts``.
    area
        The area's name.

    Returns
    -------
    dict
        ``omrade``, ``perioder`` (month labels), ``fran``/``till`` (``YYYY-MM``) and ``serier``:
        per source its ``namn``, ``visas`` (text per month) and ``antal`` (the count, ``None``
        where suppressed). Each source is its own table; only primary suppression applies,
        since no total is published next to the months (:func:`suppress_counts` with one
        group per cell).
    """
    months = sorted(counts["month"].unique().to_list())
    series = []
    for source, name in SOURCES.items():
        rows = counts.filter(pl.col("source") == source).sort("month")
        if rows.is_empty():
            continue
        safe = suppress_counts(
            rows.with_columns(pl.col("month").cast(pl.Utf8).alias("cell")),
            group="cell",
            cell="cell",
            value="n",
        )
        antal = [None if s else int(n) for n, s in zip(safe["n"], safe["suppressed"], strict=True)]
        series.append(
            {
                "kalla": source,
                "namn": name,
                "antal": antal,
                "visas": [shown_count(n) for n in antal],
            }
        )
    return {
        "omrade": area,
        "perioder": [month_label(m) for m in months],
        "fran": months[0].strftime("%Y-%m") if months else "",
        "till": months[-1].strftime("%Y-%m") if months else "",
        "serier": series,
    }


def _change(before: int, after: int) -> str:
    pct = 100 * (after - before) / before
    if abs(pct) < SAME_PCT:
        return "ungefär lika många"
    word = "färre" if pct < 0 else "fler"
    return f"{text.number(abs(pct))} % {word}"


def intervention_result(
    *,
    status: str,
    areas: str,
    start: dt.date,
    end: dt.date,
    periods: tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None,
    n_before: int | None,
    n_after: int | None,
) -> dict[str, Any]:
    """An intervention's result for the public: where, when, its status and the reports in its
    area before and during it, suppressed, with one plain Swedish sentence.

    Parameters
    ----------
    periods
        ``(before, after)`` inclusive date ranges of equal length (``None``: not started), as
        from ``analysis.interventions.comparison_periods``.
    n_before, n_after
        Reports in the target before and during the intervention.

    Notes
    -----
    Each count is suppressed on its own (primary suppression): no total is published beside
    them. The change is given in words and in whole per cent only when both counts are shown
    and it is at least ``SAME_PCT`` per cent.
    """
    out: dict[str, Any] = {
        "status": status,
        "status_text": STATUS_TEXT.get(status, status),
        "omraden": areas,
        "start": text.date(start),
        "slut": text.date(end),
    }
    if periods is None or n_before is None or n_after is None:
        out["resultat"] = "Insatsen har inte börjat än, så det finns inget resultat att visa."
        return out
    (b0, b1), (a0, a1) = periods
    before = None if n_before < THRESHOLD else int(n_before)
    after = None if n_after < THRESHOLD else int(n_after)
    out["fore"] = {"fran": text.date(b0), "till": text.date(b1), "antal": before}
    out["under"] = {"fran": text.date(a0), "till": text.date(a1), "antal": after}
    out["fore"]["visas"] = shown_count(before)
    out["under"]["visas"] = shown_count(after)
    if before is None and after is None:
        out["resultat"] = (
            "Det kom för få rapporter från området för att visa antal: färre än 5 både före "
            "och under insatsen."
        )
        return out
    sentence = (
        f"Från {text.date(a0)} till {text.date(a1)} kom {shown_count(after)} rapporter om "
        f"händelser från området, jämfört med {shown_count(before)} under lika lång tid före "
        "insatsen"
    )
    if before is not None and after is not None:
        sentence += f" ({_change(before, after)})"
    out["resultat"] = sentence + "."
    return out


def focus_area(*, area: str, quarter_start: dt.date) -> dict[str, Any]:
    """A quarter's focus area: its name and the quarter as months (no small numbers)."""
    last = quarter_start.replace(month=quarter_start.month + 2)
    return {
        "omrade": area,
        "kvartal": f"{text.MONTHS[quarter_start.month - 1]}–{text.MONTHS[last.month - 1]} "
        f"{quarter_start.year}",
        "kvartal_start": text.date(quarter_start),
    }
