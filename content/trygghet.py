"""Trygghetsundersökning: weighted shares per area and year with 95 % intervals, trends against
the municipality, and perceived unsafety against reported incidents."""

import polars as pl
import streamlit as st

from ostan_dash.analysis import area_texts
from ostan_dash.analysis import areas as A
from ostan_dash.ui import area_data, area_views, charts, data, fmt, login, widgets

login.page_user("trygghet")

QUESTIONS = area_views.SURVEY_QUESTIONS
MUNICIPALITY = "kommunen"

st.title("Trygghetsundersökning")
st.caption(
    "Vägda andelar av de svarande, med 95 % konfidensintervall (Wilsonintervall på Kishs "
    "effektiva urvalsstorlek: vikterna gör urvalet mindre informativt än antalet svar antyder). "
    "Celler med färre än 30 svar visas inte."
)

survey = area_data.survey_responses()
if survey.is_empty():
    st.info(
        "Det finns inga svar från trygghetsundersökningen än. Importera årets enkätsvar "
        "(sidan Import) eller ladda demodata med `make demo`."
    )
    st.stop()

areas = data.areas()
names = dict(zip(areas["area_id"].cast(pl.Int64).to_list(), areas["name"].to_list(), strict=True))
# One frame for areas and the whole municipality; the group key is text: an area id or "kommunen".
group_names = {str(k): v for k, v in names.items()} | {MUNICIPALITY: "Hela kommunen"}
per_area, whole = area_data.survey_shares()
rows = pl.concat(
    [
        per_area.with_columns(group=pl.col("area_id").cast(pl.Utf8)).drop("area_id"),
        whole.with_columns(group=pl.lit(MUNICIPALITY)),
    ],
    how="diagonal_relaxed",
).filter(pl.col("group").is_in(list(group_names)))
years = sorted(survey["year"].unique().to_list(), reverse=True)

c1, c2, c3 = st.columns([1, 2, 1])
year = c1.selectbox("År", years, index=0, key="trygghet_ar")
large = widgets.meeting_toggle(c3)
question = c2.selectbox(
    "Fråga (trender och jämförelse med händelser)",
    list(QUESTIONS),
    format_func=QUESTIONS.get,
    key="trygghet_fraga",
)
year_rows = rows.filter(pl.col("year") == year)
year_names = {g: group_names[g] for g in year_rows["group"].unique().to_list()}

# Per area and year ----------------------------------------------------------------------------
st.subheader(f"Andelar per område {year}")
overview = area_views.survey_overview(
    year_rows,
    names=year_names,
    questions=QUESTIONS,
)
area_views.show_table(
    overview.export,
    name=f"trygghet-{year}",
    key="trygghet",
    styler=overview.styler,
    height=area_views.table_height(len(overview.data), max_px=820),
)
n_suppressed = int(year_rows["suppressed"].sum())
if n_suppressed:
    st.caption(
        f"{area_views.SUPPRESSED_TEXT}: {n_suppressed} celler har färre än 30 svar och visas "
        "inte som andelar; osäkerheten vore för stor och små grupper ska inte gå att känna igen."
    )
st.caption("Andel som svarat ja, i procent; inom parentes 95 % konfidensintervall.")

# One family per question and year-pair: the areas tested (the municipality is tested apart).
area_tests = per_area.filter(pl.col("question") == question)
family_text = area_texts.bh_family_text(
    area_tests.filter(pl.col("year") == year)["n_tests"].to_list()
)
with st.expander(f"{QUESTIONS[question]}: förändring mot {year - 1} och signifikans"):
    change_table = area_views.survey_change_table(
        year_rows.filter(pl.col("question") == question),
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
    st.caption(
        "Signifikant: tvåsidigt z-test för två andelar med effektiva urvalsstorlekar, och "
        f"eftersom alla områden prövas samtidigt {family_text} (justerat p ≤ 0,05). Hela "
        "kommunen prövas för sig. En förändring som inte är signifikant kan vara "
        "slumpvariation mellan urvalen."
    )

# Trends ---------------------------------------------------------------------------------------
st.subheader(f"{QUESTIONS[question]}: utveckling över åren")
latest = rows.filter((pl.col("year") == year) & (pl.col("question") == question))
ranked = (
    latest.filter(pl.col("group") != MUNICIPALITY)
    .sort("share", descending=True, nulls_last=True)["group"]
    .to_list()
)
area_options = ranked + sorted(
    (g for g in group_names if g != MUNICIPALITY and g not in ranked), key=group_names.get
)
chosen = st.multiselect(
    "Områden att jämföra med hela kommunen",
    area_options,
    default=area_options[:3],
    format_func=group_names.get,
    key="trygghet_omraden",
    select_all=False,
    placeholder="Välj områden",
)
trend_names = {MUNICIPALITY: group_names[MUNICIPALITY]} | {g: group_names[g] for g in chosen}
trend_rows = rows.filter(
    (pl.col("question") == question) & pl.col("group").is_in(list(trend_names))
)
st.plotly_chart(
    area_views.survey_trend(
        trend_rows,
        group="group",
        names=trend_names,
        question_label=QUESTIONS[question],
        ring_label=area_views.ring_label(area_tests["n_tests"].to_list()),
        large=large,
    ),
    config=charts.PLOTLY_CONFIG,
    width="stretch",
)
st.caption(
    "Streckad linje: hela kommunen. Lodräta streck: 95 % konfidensintervall. Ring: förändringen "
    "mot året före är statistiskt signifikant (z-test på effektiva urvalsstorlekar, "
    f"{area_texts.bh_family_text(area_tests['n_tests'].to_list())}; hela kommunen prövas för "
    "sig); utan ring kan skillnaden vara slump. Luckor: färre än 30 svar det året."
)

# Unsafety against incidents -------------------------------------------------------------------
st.subheader(f"{QUESTIONS[question]} mot rapporterade händelser {year}")
source_options = {
    "alla": ("EST-rapporter och polisanmälda brott", ("est", "polis")),
    "est": ("EST-rapporter", ("est",)),
    "polis": ("Polisanmälda brott", ("polis",)),
}
source = st.radio(
    "Händelser",
    list(source_options),
    format_func=lambda k: source_options[k][0],
    horizontal=True,
    key="trygghet_kalla",
)
counts = area_data.incident_counts()
populations = area_data.indicators().select("area_id", "year", "population")
if populations.filter(pl.col("year") == year).is_empty():
    populations = pl.concat(
        [
            populations,
            areas.select(
                pl.col("area_id").cast(pl.Int64),
                pl.lit(year, dtype=pl.Int64).alias("year"),
                pl.col("population"),
            ),
        ],
        how="vertical_relaxed",
    )
points = A.incidents_vs_survey(
    per_area,
    counts,
    populations,
    year=year,
    question=question,
    sources=source_options[source][1],
)
if points.is_empty():
    st.info(f"Det finns inga händelser eller enkätandelar per område för {year} att jämföra.")
else:
    mun_share = whole.filter((pl.col("year") == year) & (pl.col("question") == question))["share"]
    total_pop = populations.filter(pl.col("year") == year)["population"].sum()
    total_n = counts.filter(
        (pl.col("year") == year) & pl.col("source").is_in(list(source_options[source][1]))
    )["n"].sum()
    x_label = f"{source_options[source][0]} per 1 000 invånare"
    st.plotly_chart(
        area_views.unsafety_scatter(
            points.with_columns(
                name=pl.col("area_id").replace_strict(names, default="?", return_dtype=pl.Utf8),
                x=pl.col("per_1000"),
                y=pl.col("share") * 100,
            ),
            x_label=x_label,
            y_label=QUESTIONS[question],
            x_ref=total_n / total_pop * 1000 if total_pop else None,
            y_ref=mun_share[0] * 100 if mun_share.len() and mun_share[0] is not None else None,
            title=f"{QUESTIONS[question]} mot {source_options[source][0]} per 1 000 invånare, {year}",
            large=large,
        ),
        config=charts.PLOTLY_CONFIG,
        width="stretch",
    )
    left_out = len(year_names) - 1 - points.height
    st.caption(
        "Uppe till vänster: man känner sig otrygg fast det rapporteras få händelser; nere till "
        "höger: många händelser men låg otrygghet. Båda är skäl att fråga varför."
        + (
            f" {fmt.count(left_out, 'område', 'områden')} saknas i diagrammet (för få svar eller inga invånare)."
            if left_out > 0
            else ""
        )
    )
