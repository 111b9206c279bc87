"""The sections of the Trygghetsundersökning page (content/trygghet.py): the shares read once,
the year's table per area, the change and its significance, the trend over the years and
unsafety against reported incidents.

Decisions are made in :mod:`ostan_dash.analysis.survey_compare` and
:mod:`ostan_dash.analysis.areas`, sentences in :mod:`ostan_dash.ui.survey_narratives`.
"""

from __future__ import annotations

import dataclasses

import polars as pl
import streamlit as st

from ostan_dash.analysis import area_texts
from ostan_dash.analysis import areas as aa
from ostan_dash.analysis import survey_compare as compare
from ostan_dash.ui import area_data, area_views, charts, data
from ostan_dash.ui import survey_narratives as say

QUESTIONS = area_views.SURVEY_QUESTIONS
MUNICIPALITY = compare.MUNICIPALITY
SOURCES = {
    "alla": ("EST-rapporter och polisanmälda brott", ("est", "polis")),
    "est": ("EST-rapporter", ("est",)),
    "polis": ("Polisanmälda brott", ("polis",)),
}


@dataclasses.dataclass(frozen=True)
class Shares:
    """The weighted shares per area and for the whole municipality, with names and years."""

    survey: pl.DataFrame
    areas: pl.DataFrame
    names: dict[int, str]
    groups: dict[str, str]
    per_area: pl.DataFrame
    whole: pl.DataFrame
    rows: pl.DataFrame
    years: list[int]


def load_shares() -> Shares | None:
    """Read the answers and their shares (None when the survey has no answers yet)."""
    survey = area_data.survey_responses()
    if survey.is_empty():
        return None
    areas = data.areas()
    names = dict(
        zip(areas["area_id"].cast(pl.Int64).to_list(), areas["name"].to_list(), strict=True)
    )
    groups = compare.group_names(names)
    per_area, whole = area_data.survey_shares()
    return Shares(
        survey=survey,
        areas=areas,
        names=names,
        groups=groups,
        per_area=per_area,
        whole=whole,
        rows=compare.grouped_shares(per_area, whole, groups),
        years=sorted(survey["year"].unique().to_list(), reverse=True),
    )


def year_table(s: Shares, *, year: int) -> dict[str, str]:
    """Andelar per område: every question's share with its interval; returns the names of the
    groups that have answers this year."""
    year_rows = s.rows.filter(pl.col("year") == year)
    year_names = {g: s.groups[g] for g in year_rows["group"].unique().to_list()}
    st.subheader(f"Andelar per område {year}")
    overview = area_views.survey_overview(year_rows, names=year_names, questions=QUESTIONS)
    area_views.show_table(
        overview.export,
        name=f"trygghet-{year}",
        key="trygghet",
        styler=overview.styler,
        height=area_views.table_height(len(overview.data), max_px=820),
    )
    n_suppressed = int(year_rows["suppressed"].sum())
    if n_suppressed:
        st.caption(say.suppressed_caption(area_views.SUPPRESSED_TEXT, n_suppressed))
    st.caption("Andel som svarat ja, i procent; inom parentes 95 % konfidensintervall.")
    return year_names


def change(s: Shares, year_names: dict[str, str], *, year: int, question: str) -> None:
    """One question's change against the year before, with its significance per area."""
    # One family per question and year-pair: the areas tested (the municipality apart).
    area_tests = s.per_area.filter((pl.col("question") == question) & (pl.col("year") == year))
    family_text = area_texts.bh_family_text(area_tests["n_tests"].to_list())
    with st.expander(f"{QUESTIONS[question]}: förändring mot {year - 1} och signifikans"):
        change_table = area_views.survey_change_table(
            s.rows.filter((pl.col("year") == year) & (pl.col("question") == question)),
            names=year_names,
            question_label=QUESTIONS[question],
            previous_year=year - 1,
        )
        area_views.show_table(
            change_table,
            name=f"trygghet-{question}-{year}",
            key="trygghet_forandring",
            decimals={"Effektivt n": 0, "p": 3, "p justerat (BH)": 3},
            height=area_views.table_height(change_table.height, max_px=820),
        )
        st.caption(say.change_caption(family_text))


def trend(s: Shares, *, year: int, question: str, large: bool) -> None:
    """The question over the years: chosen areas against the whole municipality."""
    st.subheader(f"{QUESTIONS[question]}: utveckling över åren")
    latest = s.rows.filter((pl.col("year") == year) & (pl.col("question") == question))
    area_options = compare.area_order(latest, s.groups)
    chosen = st.multiselect(
        "Områden att jämföra med hela kommunen",
        area_options,
        default=area_options[:3],
        format_func=s.groups.get,
        key="trygghet_omraden",
        select_all=False,
        placeholder="Välj områden",
    )
    trend_names = {MUNICIPALITY: s.groups[MUNICIPALITY]} | {g: s.groups[g] for g in chosen}
    trend_rows = s.rows.filter(
        (pl.col("question") == question) & pl.col("group").is_in(list(trend_names))
    )
    n_tests = s.per_area.filter(pl.col("question") == question)["n_tests"].to_list()
    st.plotly_chart(
        area_views.survey_trend(
            trend_rows,
            group="group",
            names=trend_names,
            question_label=QUESTIONS[question],
            ring_label=area_views.ring_label(n_tests),
            large=large,
        ),
        config=charts.PLOTLY_CONFIG,
        width="stretch",
    )
    st.caption(say.trend_caption(area_texts.bh_family_text(n_tests)))


def against_incidents(
    s: Shares, year_names: dict[str, str], *, year: int, question: str, large: bool
) -> None:
    """The question's share per area against reported incidents per 1 000 inhabitants."""
    st.subheader(f"{QUESTIONS[question]} mot rapporterade händelser {year}")
    source = st.radio(
        "Händelser",
        list(SOURCES),
        format_func=lambda k: SOURCES[k][0],
        horizontal=True,
        key="trygghet_kalla",
    )
    label, sources = SOURCES[source]
    counts = area_data.incident_counts()
    populations = compare.populations_for(area_data.indicators(), s.areas, year=year)
    points = aa.incidents_vs_survey(
        s.per_area, counts, populations, year=year, question=question, sources=sources
    )
    if points.is_empty():
        st.info(f"Det finns inga händelser eller enkätandelar per område för {year} att jämföra.")
        return
    ref = compare.municipal_reference(
        s.whole, counts, populations, year=year, question=question, sources=sources
    )
    st.plotly_chart(
        area_views.unsafety_scatter(
            points.with_columns(
                name=pl.col("area_id").replace_strict(s.names, default="?", return_dtype=pl.Utf8),
                x=pl.col("per_1000"),
                y=pl.col("share") * 100,
            ),
            x_label=f"{label} per 1 000 invånare",
            y_label=QUESTIONS[question],
            x_ref=ref.per_1000,
            y_ref=ref.share_pct,
            title=f"{QUESTIONS[question]} mot {label} per 1 000 invånare, {year}",
            large=large,
        ),
        config=charts.PLOTLY_CONFIG,
        width="stretch",
    )
    st.caption(say.scatter_caption(len(year_names) - 1 - points.height))
