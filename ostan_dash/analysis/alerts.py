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
from ostan_dash.analysis import overview, overview_tables
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
    """Översikt's table per EST category for one area filter, flagged as the page flags it:
    history years from the whole frame, then :func:`overview_tables.week_figures` on the scope
    (categories and areas flagged with one Benjamini–Hochberg correction)."""
    years = overview.years_of_history(
        week_start, overview.first_day(incidents), baseline_weeks=baseline_weeks
    )
    scope = overview_tables.in_scope(incidents, [] if area_id is None else [area_id])
    figures = overview_tables.week_figures(
        scope, week_start=week_start, years=years, baseline_weeks=baseline_weeks
    )
    return figures.by_category


# Ny rapport vid en kritisk plats ---------------------------------------------------------------

CRITICAL_RADIUS_M = 100.0  # a report this close to a critical object is "at" it


def _scope_match(subs: pl.DataFrame, rows: pl.DataFrame, *, area_col: str) -> pl.DataFrame:
    """Every (subscription, row) pair where the row lies in the subscription's area (all rows
    for a subscription on the whole municipality); a subscription on one place matches that
    place's rows only (``place_id``)."""
    pairs = subs.select(
        "subscription_id",
        "email",
        sub_area=pl.col("area_id"),
        sub_code=pl.col("area_code"),
        sub_name=pl.col("area_name"),
        sub_place=pl.col("place_id"),
    ).join(rows, how="cross")
    in_area = pl.col("sub_area").is_null() | (pl.col("sub_area") == pl.col(area_col))
    if "place_id" not in rows.columns:
        return pairs.filter(in_area)
    return pairs.filter(
        pl.when(pl.col("sub_place").is_null())
        .then(in_area)
        .otherwise(pl.col("sub_place") == pl.col("place_id"))
    )


def place_alerts(
    subscriptions: pl.DataFrame,
    reports: pl.DataFrame,
    *,
    today: dt.date,
    area_codes: Mapping[int, str],
    base_url: str = DEFAULT_BASE_URL,
) -> list[Alert]:
    """Subscriptions of kind ``kritisk_plats`` with a new EST report at their critical place.

    Parameters
    ----------
    subscriptions
        ``subscription_id, email, kind, area_id, area_code, place_id`` (``place_id`` null: every
        critical place in the area, or in the whole municipality).
    reports
        EST reports within :data:`CRITICAL_RADIUS_M` of a critical place: ``incident_id,
        category, subtype, created_at, occurred_from`` (local datetimes), ``place_id,
        place_name, place_kind, place_area_id, distance_m``.
    today
        Reports filed today or yesterday are new; one e-mail per place and day of filing.
    """
    subs = subscriptions.filter(pl.col("kind") == "kritisk_plats")
    new = reports.filter(pl.col("created_at").dt.date() >= today - dt.timedelta(days=1))
    new = new.filter(pl.col("created_at").dt.date() <= today)
    if subs.is_empty() or new.is_empty():
        return []
    pairs = (
        _scope_match(subs, new, area_col="place_area_id")
        .with_columns(filed=pl.col("created_at").dt.date())
        .sort("subscription_id", "place_name", "filed", "created_at", "incident_id")
    )
    out = []
    for (sid, place_id, filed), g in pairs.group_by(
        ["subscription_id", "place_id", "filed"], maintain_order=True
    ):
        first = g.row(0, named=True)
        code = area_codes.get(first["place_area_id"])
        start = min(g["occurred_from"].dt.date().min(), filed)
        link = view_link(
            base_url,
            "karta",
            {
                "period": "eget",
                "fran": start.isoformat(),
                "till": filed.isoformat(),
                "kalla": "est",
                "omrade": [code] if code else [],
            },
        )
        lines = [
            f"{count(g.height, 'ny rapport', 'nya rapporter')} inom "
            f"{number(CRITICAL_RADIUS_M)} m från {first['place_name']} "
            f"({vocab.PLACE_KINDS.get(first['place_kind'], first['place_kind']).lower()}), "
            f"inlämnade {filed.isoformat()}:",
            "\n".join(
                f"- {vocab.category_label(r['category'])}: "
                f"{vocab.SUBTYPES.get(r['category'], {}).get(r['subtype'], r['subtype'])}, "
                f"inträffade {r['occurred_from'].strftime('%Y-%m-%d %H:%M')}, "
                f"{number(r['distance_m'])} m från platsen"
                for r in g.iter_rows(named=True)
            ),
        ]
        out.append(
            Alert(
                subscription_id=int(sid),
                email=first["email"],
                condition_key=f"kritisk_plats:{place_id}",
                period_key=filed.isoformat(),
                subject=f"Bevakning: ny rapport vid {first['place_name']}, {filed.isoformat()}",
                body=_body(lines, link, "kritisk_plats", "dag"),
                link=link,
            )
        )
    return out


# Ny eller växande het ruta (Karta) -------------------------------------------------------------

CHANGE_WORDS = {"ny": "Ny het ruta", "växande": "Växande ruta"}


def hotspot_alerts(
    subscriptions: pl.DataFrame,
    cells: Mapping[str, pl.DataFrame],
    *,
    period: tuple[dt.date, dt.date],
    cell_size: int,
    area_names: Mapping[str, str],
    base_url: str = DEFAULT_BASE_URL,
    max_cells: int = 10,
) -> list[Alert]:
    """Subscriptions of kind ``het_ruta`` whose area has a new or growing hot cell on Karta.

    ``cells`` holds, per scope (area code or :data:`WHOLE`), Karta's changed cells
    (:func:`ostan_dash.analysis.areas_compare.grid_results` with
    :func:`~ostan_dash.analysis.areas_compare.nearest_place`): ``status, count, count_before,
    x0, y0, place, place_m``. A cell is news when its status is ``"ny"`` or ``"växande"``: a
    significant rise against the comparison period after Benjamini–Hochberg over the cells
    (:func:`~ostan_dash.analysis.areas_compare.cell_changes`). One e-mail per area and period.
    """
    subs = subscriptions.filter(pl.col("kind") == "het_ruta")
    out = []
    for r in subs.iter_rows(named=True):
        scope = r["area_code"] or WHOLE
        news = cells.get(scope)
        if news is None:
            continue
        news = news.filter(pl.col("status").is_in(list(CHANGE_WORDS)))
        if news.is_empty():
            continue
        where = area_names.get(scope, scope) if scope else "hela kommunen"
        link = view_link(base_url, "karta", {"omrade": [scope] if scope else []})
        listed = [
            f"- {CHANGE_WORDS[c['status']]}"
            + (f" nära {c['place']} ({number(c['place_m'])} m)" if c["place"] else "")
            + f": {count(c['count'], 'händelse', 'händelser')}, {number(c['count_before'])} "
            f"under jämförelseperioden (E {number(c['x0'] + cell_size / 2)}, "
            f"N {number(c['y0'] + cell_size / 2)})"
            for c in news.head(max_cells).iter_rows(named=True)
        ]
        if news.height > max_cells:
            listed.append(f"- och {number(news.height - max_cells)} till på kartan")
        lines = [
            f"Karta jämför {period[0].isoformat()}–{period[1].isoformat()} med lika lång tid "
            f"före: {count(news.height, 'ruta', 'rutor')} om {cell_size} m i {where} är nya "
            "eller växande (signifikant ökning efter Benjamini–Hochberg över rutorna).",
            "\n".join(listed),
        ]
        out.append(
            Alert(
                subscription_id=int(r["subscription_id"]),
                email=r["email"],
                condition_key=f"het_ruta:{scope or 'kommun'}",
                period_key=week_key(period[1] - dt.timedelta(days=period[1].weekday())),
                subject=f"Bevakning: ny eller växande het ruta i {where}",
                body=_body(lines, link, "het_ruta", "vecka"),
                link=link,
            )
        )
    return out


# Ny riskzon för närupprepning ------------------------------------------------------------------


def zone_alerts(
    subscriptions: pl.DataFrame,
    zones: pl.DataFrame,
    *,
    today: dt.date,
    base_url: str = DEFAULT_BASE_URL,
) -> list[Alert]:
    """Subscriptions of kind ``narupprepning`` with a new near-repeat risk zone in their area.

    ``zones`` are the zones valid ``today`` of every saved pattern
    (:func:`ostan_dash.analysis.nearrepeat.risk_zones`) with ``selection``, ``label`` (the
    pattern) and ``area_id`` (of the zone's centre). A zone is new when its incident happened
    today or yesterday; one e-mail per pattern, area and day of the incidents.
    """
    from ostan_dash.analysis.nearrepeat import zone_sentence

    subs = subscriptions.filter(pl.col("kind") == "narupprepning")
    new = zones.filter(pl.col("day") >= today - dt.timedelta(days=1))
    if subs.is_empty() or new.is_empty():
        return []
    pairs = _scope_match(subs, new, area_col="area_id").sort(
        "subscription_id", "label", "day", "incident_id"
    )
    link = view_link(base_url, "narupprepning")
    out = []
    for (sid, selection, day), g in pairs.group_by(
        ["subscription_id", "selection", "day"], maintain_order=True
    ):
        first = g.row(0, named=True)
        where = (first["sub_name"] or first["sub_code"]) if first["sub_code"] else "hela kommunen"
        sentences = [zone_sentence(z) for z in g.iter_rows(named=True)]
        lines = [
            f"{count(g.height, 'ny händelse', 'nya händelser')} {day.isoformat()} i {where} "
            f"av ett slag med närupprepning ({first['label']}: fler händelser nära i tid och "
            "rum än slumpen ger, Knox-test på sidan Närupprepning) ger nya riskzoner:",
            "\n".join(f"- {s}" for s in dict.fromkeys(sentences)),
        ]
        out.append(
            Alert(
                subscription_id=int(sid),
                email=first["email"],
                condition_key=f"narupprepning:{selection}:{first['sub_code'] or 'kommun'}",
                period_key=day.isoformat(),
                subject=f"Bevakning: ny riskzon för närupprepning i {where} – {first['label']}",
                body=_body(lines, link, "narupprepning", "dag"),
                link=link,
            )
        )
    return out
