"""Bevakningar (issue 15): which subscriptions a computed result makes fire, and the e-mail.

Pure: the statistics are computed elsewhere and passed in (Översikt's weekly flag,
:func:`ostan_dash.analysis.overview.week_vs_baseline` with one Benjamini–Hochberg correction by
:func:`~ostan_dash.analysis.overview.flag_together`, exactly as the page computes it for the same
area filter), so an alert says what the linked view shows. Each alert carries a *condition key*
and a *period key*; the log (``sql/021_alerts.sql``) holds each (subscription, condition,
period) once, so the same condition is sent at most once per period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import polars as pl

from ostan_dash import vocab
from ostan_dash.text import count, number, percent, week_range

DEFAULT_BASE_URL = "http://localhost:8501"
WHOLE = ""  # the scope key of the whole municipality (no area filter)

KINDS: dict[str, str] = {
    "kategori_hog": "En kategori över det förväntade den här veckan",
    "het_ruta": "En ny eller växande het ruta i mitt område",
    "narupprepning": "En riskzon för närupprepning",
    "kritisk_plats": "En ny rapport vid en kritisk plats (t.ex. en skola)",
}

FOOTER = (
    "Du får det här meddelandet för att du bevakar ”{kind}” i Östan-dash. Samma villkor "
    "skickas högst en gång per {period}. Ändra eller avsluta bevakningen under "
    "”Mina bevakningar” längst ned på sidan Översikt."
)


@dataclass(frozen=True)
class Alert:
    """One e-mail to send for one subscription, condition and period."""

    subscription_id: int
    email: str
    condition_key: str
    period_key: str
    subject: str
    body: str
    link: str


def week_key(monday: dt.date) -> str:
    """The period key of an ISO week: ``2026-W48``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def view_link(base_url: str, page: str, params: Mapping[str, str | Sequence[str]] = ()) -> str:
    """The address of a page with its filters in the query string (as the pages keep them)."""
    query = urlencode({k: v for k, v in dict(params).items() if v}, doseq=True)
    return f"{base_url.rstrip('/')}/{page}" + (f"?{query}" if query else "")


def _body(lines: Sequence[str], link: str, kind: str, period: str) -> str:
    return "\n\n".join(
        ["Hej!", *lines, f"Se vyn: {link}", FOOTER.format(kind=KINDS[kind], period=period)]
    )


def category_alerts(
    subscriptions: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame],
    *,
    week_start: dt.date,
    area_names: Mapping[str, str],
    base_url: str = DEFAULT_BASE_URL,
) -> list[Alert]:
    """Subscriptions of kind ``kategori_hog`` whose category is unusually high this week.

    Parameters
    ----------
    subscriptions
        ``subscription_id, email, kind, area_code, category`` (``area_code`` null: the whole
        municipality; ``category`` null: any category). Other kinds are ignored.
    tables
        Översikt's table per EST category for each scope (area code, or :data:`WHOLE`):
        ``category, count, expected, change_pct, unusual``, flagged as on the page.
    week_start
        Monday of the week tested.

    A subscription fires for each category row of its scope with ``unusual`` set (at least
    three incidents and a p-value below 5 % after Benjamini–Hochberg over the page's tests);
    a week without such a row sends nothing.
    """
    subs = subscriptions.filter(pl.col("kind") == "kategori_hog")
    if subs.is_empty() or not tables:
        return []
    flagged = pl.concat(
        [
            t.filter(pl.col("unusual")).select(
                scope=pl.lit(scope),
                category=pl.col("category").cast(pl.Utf8),
                count=pl.col("count").cast(pl.Int64),
                expected=pl.col("expected").cast(pl.Float64),
                change_pct=pl.col("change_pct").cast(pl.Float64),
            )
            for scope, t in tables.items()
        ]
    )
    hits = (
        subs.select(
            "subscription_id",
            "email",
            scope=pl.col("area_code").fill_null(WHOLE),
            wanted=pl.col("category").cast(pl.Utf8),
        )
        .join(flagged, on="scope", how="inner")
        .filter(pl.col("wanted").is_null() | (pl.col("wanted") == pl.col("category")))
        .sort("subscription_id", "category")
    )
    period = week_key(week_start)
    out = []
    for r in hits.iter_rows(named=True):
        where = area_names.get(r["scope"], r["scope"]) if r["scope"] else "hela kommunen"
        label = vocab.category_label(r["category"])
        link = view_link(base_url, "oversikt", {"omrade": [r["scope"]] if r["scope"] else []})
        lines = [
            f"{label} i {where}: {count(r['count'], 'rapport', 'rapporter')} under "
            f"{week_range(week_start)}, mot förväntat {number(r['expected'], 1)} "
            f"({percent(r['change_pct'], signed=True)}).",
            "Det är ovanligt högt enligt Översiktens test: säsongens förväntade antal, "
            "negativ binomial och Benjamini–Hochberg över sidans test (minst 3 rapporter). "
            "Samma siffror står på sidan Översikt med samma områdesurval.",
        ]
        out.append(
            Alert(
                subscription_id=int(r["subscription_id"]),
                email=r["email"],
                condition_key=f"kategori_hog:{r['scope'] or 'kommun'}:{r['category']}",
                period_key=period,
                subject=f"Bevakning: {label} ovanligt högt i {where}, {week_range(week_start)}",
                body=_body(lines, link, "kategori_hog", "vecka"),
                link=link,
            )
        )
    return out


def oversikt_category_table(
    incidents: pl.DataFrame,
    *,
    week_start: dt.date,
    area_id: int | None = None,
    baseline_weeks: int = 12,
) -> pl.DataFrame:
    """Översikt's table per EST category for one area filter, flagged as the page flags it.

    The same calls as ``content/oversikt.py``: history years from the whole frame, the scope
    filtered to the area, categories (EST reports) and areas tested against their seasonal
    expectation and flagged with one Benjamini–Hochberg correction over both tables
    (:func:`ostan_dash.analysis.overview.flag_together`).
    """
    from ostan_dash.analysis import overview

    years = overview.years_of_history(
        week_start, overview.first_day(incidents), baseline_weeks=baseline_weeks
    )
    scope = incidents if area_id is None else incidents.filter(pl.col("area_id") == area_id)

    def against_expected(frame: pl.DataFrame, by: str) -> pl.DataFrame:
        return overview.week_vs_baseline(
            frame, week_start=week_start, by=[by], baseline_weeks=baseline_weeks, years=years
        )

    by_cat, _ = overview.flag_together(
        against_expected(scope.filter(pl.col("source") == "est"), "category"),
        against_expected(scope.filter(pl.col("area_id").is_not_null()), "area_id"),
    )
    return by_cat
