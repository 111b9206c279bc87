"""Översikt: last complete ISO week against the average of the 12 weeks before."""

import datetime as dt

import polars as pl
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.analysis import overview
from ostan_dash.ui import charts, data, export, fmt, login, texts, widgets

login.page_user("oversikt")

BASELINE_WEEKS = 12

incidents = data.incidents()
areas = data.areas()
week = overview.last_complete_week(config.today())

st.title("Översikt")
st.caption(
    f"{fmt.week_range(week)} jämfört med snittet för de {BASELINE_WEEKS} veckorna före "
    f"(v. {(week - dt.timedelta(weeks=BASELINE_WEEKS)).isocalendar()[1]}–"
    f"{(week - dt.timedelta(weeks=1)).isocalendar()[1]}). Händelser räknas i den vecka deras "
    "tidsfönster börjar, svensk tid."
)

if incidents.is_empty():
    st.info(texts.EMPTY_DATA)
    st.stop()

# Filters: kept in the URL so a view can be bookmarked and shared.
area_names = dict(zip(areas["area_id"].to_list(), areas["name"].to_list(), strict=True))
code_of = dict(zip(areas["area_id"].to_list(), areas["code"].to_list(), strict=True))
id_of_code = {c: i for i, c in code_of.items()}
url_areas = [id_of_code[c] for c in st.query_params.get_all("omrade") if c in id_of_code]

c1, c2, c3 = st.columns([3, 2, 1])
chosen = c1.multiselect(
    "Områden",
    options=list(area_names),
    default=url_areas,
    format_func=area_names.get,
    placeholder="Hela kommunen",
)
large = c3.toggle("Presentationsläge", value=st.query_params.get("visning") == "stor")
st.query_params["omrade"] = [code_of[a] for a in chosen]
if large:
    st.query_params["visning"] = "stor"
    widgets.presentation_mode_css()
elif "visning" in st.query_params:
    del st.query_params["visning"]

scope = incidents if not chosen else incidents.filter(pl.col("area_id").is_in(chosen))
scope_label = "hela kommunen" if not chosen else ", ".join(area_names[a] for a in chosen)
c2.markdown(f"**Urval:** {scope_label}")

# Headline numbers -----------------------------------------------------------------------------
by_source = overview.week_vs_baseline(
    scope, week_start=week, by=["source"], baseline_weeks=BASELINE_WEEKS
)
src = {r["source"]: r for r in by_source.iter_rows(named=True)}
cols = st.columns(2)
for col, key in zip(cols, ["est", "polis"], strict=True):
    r = src.get(key, {"count": 0, "baseline_mean": 0.0})
    widgets.kpi(
        col,
        texts.SOURCE_LABELS[key],
        int(r["count"]),
        float(r["baseline_mean"]),
        help_text=f"Antal under {fmt.iso_week(week)}; förändring mot snittet per vecka.",
    )

est = scope.filter(pl.col("source") == "est")
by_cat = overview.week_vs_baseline(
    est, week_start=week, by=["category"], baseline_weeks=BASELINE_WEEKS
)
cat_row = {r["category"]: r for r in by_cat.iter_rows(named=True)}
cat_cols = st.columns(len(vocab.CATEGORIES))
for col, (key, label) in zip(cat_cols, vocab.CATEGORIES.items(), strict=True):
    r = cat_row.get(key, {"count": 0, "baseline_mean": 0.0})
    widgets.kpi(col, label, int(r["count"]), float(r["baseline_mean"]))

unusual = by_cat.filter(pl.col("unusual"))
if unusual.height:
    names = ", ".join(vocab.category_label(k) for k in unusual["category"].to_list())
    st.warning(
        f"Ovanligt många händelser jämfört med de senaste {BASELINE_WEEKS} veckorna: {names} "
        "(Poissontest mot snittet, Benjamini–Hochberg-korrigerat, minst 3 händelser)."
    )

# Trend -----------------------------------------------------------------------------------------
series = overview.weekly_series(scope, last_week=week, weeks=BASELINE_WEEKS + 1, by=["source"])
st.plotly_chart(
    charts.weekly_trend(
        series.with_columns(pl.col("source").cast(pl.Utf8)),
        group="source",
        labels=texts.SOURCE_LABELS,
        highlight_week=week,
        large=large,
        title=f"Händelser per vecka, de senaste {BASELINE_WEEKS + 1} veckorna",
    ),
    width="stretch",
)

# Tables ----------------------------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader("EST-rapporter per kategori")
    cat_table = by_cat.with_columns(
        pl.col("category")
        .cast(pl.Utf8)
        .replace_strict(vocab.CATEGORIES, default=pl.col("category").cast(pl.Utf8))
        .alias("Kategori")
    )
    st.plotly_chart(
        charts.change_bars(
            cat_table,
            label="Kategori",
            large=large,
            title=f"{fmt.iso_week(week)} mot snitt per vecka",
        ),
        width="stretch",
    )

with right:
    st.subheader("Per område")
    by_area = overview.week_vs_baseline(
        scope.filter(pl.col("area_id").is_not_null()),
        week_start=week,
        by=["area_id"],
        baseline_weeks=BASELINE_WEEKS,
    )
    area_table = (
        by_area.join(areas.select("area_id", "name", "population"), on="area_id", how="left")
        .with_columns(per_1000=pl.col("count") / pl.col("population") * 1000)
        .select(
            pl.col("name").alias("Område"),
            pl.col("count").alias("Senaste veckan"),
            pl.col("baseline_mean").round(1).alias("Snitt 12 v"),
            pl.col("change_pct").round(0).alias("Förändring %"),
            pl.col("per_1000").round(2).alias("Per 1 000 inv."),
            pl.when(pl.col("unusual"))
            .then(pl.lit("Ovanligt högt"))
            .otherwise(pl.lit(""))
            .alias("Signal"),
        )
    )
    export.table(
        area_table,
        name=f"oversikt-omraden-{week.isoformat()}",
        key="areas",
        column_config={
            "Snitt 12 v": st.column_config.NumberColumn(format="%.1f"),
            "Förändring %": st.column_config.NumberColumn(format="%+.0f %%"),
            "Per 1 000 inv.": st.column_config.NumberColumn(format="%.2f"),
        },
    )

st.subheader("Kategorier, detaljer")
export.table(
    cat_table.select(
        pl.col("Kategori"),
        pl.col("count").alias("Senaste veckan"),
        pl.col("baseline_mean").round(1).alias("Snitt 12 v"),
        pl.col("change_pct").round(0).alias("Förändring %"),
        pl.col("p_high").round(3).alias("p (ovanligt högt)"),
    ),
    name=f"oversikt-kategorier-{week.isoformat()}",
    key="cats",
)
