"""Sections of the Översikt page (content/oversikt.py): the area choice kept in the address, the
week in words, the cards, the flags with their method, the trend and the tables.

The tests and tables are built in :mod:`ostan_dash.analysis.overview_tables`, the week's
sentences in :mod:`ostan_dash.reports.weekly` (the same as the veckolägesbild's).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import streamlit as st

from ostan_dash import vocab
from ostan_dash.analysis import overview
from ostan_dash.analysis import overview_tables as ot
from ostan_dash.filters import in_period
from ostan_dash.reports import weekly
from ostan_dash.ui import charts, data, export, filters, fmt, texts, widgets

BASELINE_WEEKS = ot.BASELINE_WEEKS


@dataclasses.dataclass(frozen=True)
class AreaChoice:
    """The areas chosen (none: the whole municipality), every area's name, and meeting mode."""

    chosen: list[int]
    names: dict[int, str]
    large: bool


def choose_areas(areas: pl.DataFrame) -> AreaChoice:
    """Områden, Urval and Presentationsläge. The areas are kept in the address (``omrade``, by
    code) so a view can be bookmarked and shared; the areas chosen on another page follow
    (:func:`ostan_dash.ui.filters.follow` / ``remember``)."""
    names = dict(zip(areas["area_id"].to_list(), areas["name"].to_list(), strict=True))
    code_of = dict(zip(areas["area_id"].to_list(), areas["code"].to_list(), strict=True))
    id_of_code = {c: i for i, c in code_of.items()}
    url_areas = [id_of_code[c] for c in filters.follow().get("omrade", []) if c in id_of_code]

    c1, c2, c3 = st.columns([3, 2, 1])
    chosen = c1.multiselect(
        "Områden",
        options=list(names),
        default=url_areas,
        format_func=names.get,
        placeholder="Hela kommunen",
        select_all=False,
    )
    large = widgets.meeting_toggle(c3)
    st.query_params["omrade"] = [code_of[a] for a in chosen]
    filters.remember()
    scope_label = "hela kommunen" if not chosen else ", ".join(names[a] for a in chosen)
    c2.markdown(f"**Urval:** {scope_label}")
    return AreaChoice(chosen=chosen, names=names, large=large)


@st.cache_data(show_spinner=False, max_entries=16)
def week_figures(
    chosen: tuple[int, ...],
    week: dt.date,
    years: int,
    version: data.Fingerprint,
    _incidents: pl.DataFrame,
    _area_names: dict[int, str],
) -> tuple[ot.WeekFigures, list[str]]:
    """The week's tests and trend (:func:`overview_tables.week_figures`) and its story: every
    pass over the whole frame this page makes, kept per area choice, week and data version (a
    rerun that changes none of them – the meeting mode, a download – reuses them). The frame is
    not hashed (leading underscore); ``version`` stands for it."""
    # Only the weeks the tests read, cut out of the time-ordered frame by binary search before
    # any row is filtered (a third of ten years' rows), their local week found once for the four
    # tables, by binary search too.
    first = week - dt.timedelta(
        weeks=overview.weeks_needed(years, baseline_weeks=BASELINE_WEEKS) - 1
    )
    weeks_read = in_period(_incidents, (first, week + dt.timedelta(days=6)))
    scope = ot.in_scope(overview.with_week_sorted(weeks_read, first, week), chosen)
    figures = ot.week_figures(scope, week_start=week, years=years, baseline_weeks=BASELINE_WEEKS)
    story = weekly.week_story(
        figures.by_source,
        figures.by_category,
        figures.by_area,
        scope,
        week_start=week,
        area_names=_area_names,
        n_tests=figures.n_tests,
    )
    return figures, story


def headline_numbers(figures: ot.WeekFigures, week: dt.date) -> None:
    """One card per source, then one per EST category: the week's count and its change."""
    kpi_help = (
        f"Antal under {fmt.iso_week(week)}; förändring mot förväntat antal (hur det räknas står "
        "under korten)."
    )
    sources = ot.count_and_expected(figures.by_source, by="source", keys=["est", "polis"])
    for col, (key, (count, expected)) in zip(st.columns(2), sources.items(), strict=True):
        widgets.kpi(col, texts.SOURCE_LABELS[key], count, expected, help_text=kpi_help)
    categories = ot.count_and_expected(
        figures.by_category, by="category", keys=list(vocab.CATEGORIES)
    )
    cat_cols = st.columns(len(vocab.CATEGORIES))
    for col, (key, label) in zip(cat_cols, vocab.CATEGORIES.items(), strict=True):
        count, expected = categories[key]
        widgets.kpi(col, label, count, expected, help_text=kpi_help)


def flags(figures: ot.WeekFigures, names: dict[int, str], *, week: dt.date, years: int) -> None:
    """What is unusually high this week, and how the expectation and the flags are computed."""
    if flagged := ot.unusual_names(figures, names):
        st.warning(f"Ovanligt många händelser jämfört med det förväntade: {', '.join(flagged)}.")
    st.caption(
        overview.comparison_text(
            week, years=years, n_tests=figures.n_tests, baseline_weeks=BASELINE_WEEKS
        )
    )


def trend(figures: ot.WeekFigures, *, week: dt.date, large: bool) -> None:
    """Händelser per vecka per source, the week highlighted."""
    charts.chart(
        charts.weekly_trend,
        figures.series.with_columns(pl.col("source").cast(pl.Utf8)),
        group="source",
        labels=texts.SOURCE_LABELS,
        highlight_week=week,
        large=large,
        title=f"Händelser per vecka, de senaste {BASELINE_WEEKS + 1} veckorna",
    )


def category_chart(figures: ot.WeekFigures, *, week: dt.date, large: bool) -> None:
    """EST-rapporter per kategori: the week's bars against the expected."""
    st.subheader("EST-rapporter per kategori")
    charts.chart(
        charts.change_bars,
        ot.with_category_label(figures.by_category),
        label="Kategori",
        large=large,
        title=f"{fmt.iso_week(week)} mot förväntat antal",
        baseline="expected",
        baseline_name="Förväntat",
    )


def area_table(figures: ot.WeekFigures, areas: pl.DataFrame, *, week: dt.date) -> None:
    """Per område: every area in one table, with its download."""
    st.subheader("Per område")
    table = ot.area_details(figures.by_area, areas)
    export.table(
        table,
        name=f"oversikt-omraden-{week.isoformat()}",
        key="areas",
        height=export.table_height(table.height, max_rows=table.height),
        column_config={
            "Förväntat": st.column_config.NumberColumn(format="%.1f"),
            "Förändring %": st.column_config.NumberColumn(format="%+.0f %%"),
            "Per 1 000 inv.": st.column_config.NumberColumn(format="%.2f"),
        },
    )


def category_table(figures: ot.WeekFigures, *, week: dt.date) -> None:
    """Kategorier, detaljer: the test of each EST category, with its download."""
    st.subheader("Kategorier, detaljer")
    export.table(
        ot.category_details(figures.by_category, baseline_weeks=BASELINE_WEEKS),
        name=f"oversikt-kategorier-{week.isoformat()}",
        key="cats",
    )
