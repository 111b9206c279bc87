"""The public page's pieces: freezing a publication's figures (counts from the store, suppressed
by ``analysis.public``), checking an analyst's public text, and drawing what is published.

The public page draws only from the frozen figures read as ``ostan_offentlig``
(``store.public.published``); every count passes :func:`public_figures.shown_count` again as it
is drawn, so a number below 5 cannot reach the page even from a row stored some other way.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import polars as pl
import streamlit as st

from ostan_dash.analysis import interventions as ai
from ostan_dash.analysis import public_figures as pf
from ostan_dash.ingest import freetext
from ostan_dash.store import interventions as iv_store
from ostan_dash.store import public as public_store
from ostan_dash.ui import fmt, texts
from ostan_dash.ui.safe_text import plain_markdown as plain

# Freezing the figures at publish time ---------------------------------------------------------


def trend_figures(area_id: int, area: str, today: dt.date) -> dict[str, Any]:
    """The last twelve whole months of an area, per source, suppressed."""
    first, last = pf.last_full_months(today)
    counts = public_store.area_month_counts([area_id], first, last)
    return pf.area_trend(counts.drop("area_id"), area=area)


def intervention_figures(row: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """An intervention's result in its target so far (the same periods as on Insatser)."""
    periods = ai.comparison_periods(row["start_date"], row["end_date"], today, row["baseline"])
    n_before = n_after = None
    if periods is not None:
        before, after = periods
        counts = iv_store.zone_counts(int(row["intervention_id"]), before=before, after=after)
        target = iv_store.counts_summary(counts)["target"]
        n_before, n_after = target["before"], target["after"]
    areas = row.get("target_areas") or "insatsens område"
    return pf.intervention_result(
        status=row["status"],
        areas=areas,
        start=row["start_date"],
        end=row["end_date"],
        periods=periods,
        n_before=n_before,
        n_after=n_after,
    )


def text_problems(title: str, body: str, *, today: dt.date | None = None) -> list[str]:
    """Why a public title or text may not be published (Swedish; empty when fine): personal
    data and the like (the free-text guard) and hand-written counts below 5."""
    found = freetext.problems(title, subject="Rubriken", multiline=False, today=today)
    found += freetext.problems(body, subject="Texten", today=today)
    for subject, value in (("Rubriken", title), ("Texten", body)):
        for n in pf.small_numbers(value):
            found.append(texts.PUBLIC_SMALL_NUMBER.format(falt=subject, tal=n))
    if not title.strip():
        found.append("Rubriken saknas.")
    return found


# Reading what is published ----------------------------------------------------------------------


def published_items() -> pl.DataFrame:
    """What the public page shows, read as the anonymous public (``ostan_offentlig``); cached
    per :func:`ostan_dash.store.public.version`, so a publication or a withdrawal shows at once
    in every session and process (no waiting for a cache to expire)."""
    return _published_items(public_store.version())


@st.cache_data(show_spinner=False, max_entries=4)
def _published_items(version: tuple[int, int]) -> pl.DataFrame:
    return public_store.published()


def _figures(raw: str | None) -> dict[str, Any]:
    try:
        out = json.loads(raw or "{}")
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def trend_table(figures: dict[str, Any]) -> pl.DataFrame:
    """Months as rows, one text column per source; every count through ``shown_count``."""
    months = [str(m) for m in figures.get("perioder", [])]
    columns: dict[str, list[str]] = {"Månad": months}
    for serie in figures.get("serier", []):
        counts = list(serie.get("antal", []))[: len(months)]
        counts += [None] * (len(months) - len(counts))
        columns[str(serie.get("namn", ""))] = [
            pf.shown_count(n if isinstance(n, int) else None) for n in counts
        ]
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.Utf8))


def _published_line(at: dt.datetime) -> None:
    st.caption(texts.PUBLIC_PUBLISHED.format(datum=fmt.date(at)))


def _focus(row: dict[str, Any]) -> None:
    fig = _figures(row["figures"])
    with st.container(border=True):
        st.markdown(f"**{plain(row['title'])}**")
        if fig.get("omrade") or fig.get("kvartal"):
            st.markdown(plain(f"{fig.get('omrade', '')}, {fig.get('kvartal', '')}"))
        if row["body"]:
            st.markdown(plain(row["body"]))
        _published_line(row["published_at"])


def _intervention(row: dict[str, Any]) -> None:
    fig = _figures(row["figures"])
    with st.container(border=True):
        st.markdown(f"**{plain(row['title'])}**")
        st.markdown(
            plain(
                f"{fig.get('status_text', '')} · {fig.get('omraden', '')} · "
                f"{fig.get('start', '')} till {fig.get('slut', '')}"
            )
        )
        if row["body"]:
            st.markdown(plain(row["body"]))
        if fig.get("resultat"):
            st.markdown(f"**Resultat:** {plain(str(fig['resultat']))}")
        before, during = fig.get("fore"), fig.get("under")
        if isinstance(before, dict) and isinstance(during, dict):
            c1, c2 = st.columns(2)
            c1.markdown(
                f"Före insatsen ({plain(str(before.get('fran', '')))} till "
                f"{plain(str(before.get('till', '')))}):  \n"
                f"**{pf.shown_count(_int(before.get('antal')))}** rapporter"
            )
            c2.markdown(
                f"Under insatsen ({plain(str(during.get('fran', '')))} till "
                f"{plain(str(during.get('till', '')))}):  \n"
                f"**{pf.shown_count(_int(during.get('antal')))}** rapporter"
            )
        _published_line(row["published_at"])


def _trend(row: dict[str, Any]) -> None:
    fig = _figures(row["figures"])
    with st.container(border=True):
        st.markdown(f"**{plain(row['title'])}**")
        if row["body"]:
            st.markdown(plain(row["body"]))
        table = trend_table(fig)
        if table.height:
            st.table(table.to_pandas().set_index("Månad"))
        _published_line(row["published_at"])


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def render_published(items: pl.DataFrame) -> None:
    """Focus areas, running and finished interventions, and trends per area; or what to do."""
    if items.is_empty():
        st.info(texts.PUBLIC_EMPTY)
        return
    rows = items.to_dicts()
    focus = [r for r in rows if r["kind"] == "fokusomrade"]
    ivs = [(r, _figures(r["figures"]).get("status")) for r in rows if r["kind"] == "insats"]
    trends = [r for r in rows if r["kind"] == "omradestrend"]
    if focus:
        st.header(texts.PUBLIC_FOCUS)
        st.caption(texts.PUBLIC_FOCUS_CAPTION)
        for r in focus:
            _focus(r)
    running = [r for r, status in ivs if status != "avslutad"]
    finished = [r for r, status in ivs if status == "avslutad"]
    if running:
        st.header(texts.PUBLIC_RUNNING)
        for r in running:
            _intervention(r)
    if finished:
        st.header(texts.PUBLIC_FINISHED)
        for r in finished:
            _intervention(r)
    if trends:
        st.header(texts.PUBLIC_TRENDS)
        st.caption(texts.PUBLIC_TRENDS_CAPTION)
        for r in trends:
            _trend(r)
    st.caption(texts.PUBLIC_SUPPRESSION_NOTE)
