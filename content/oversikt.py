"""Översikt: the last complete ISO week against what the season and recent weeks lead one to expect."""

import polars as pl
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.analysis import overview
from ostan_dash.reports import weekly
from ostan_dash.ui import charts, data, export, filters, fmt, login, texts, widgets

login.page_user("oversikt")

BASELINE_WEEKS = 12

incidents = data.incidents()
areas = data.areas()
week = overview.last_complete_week(config.today())
years = overview.years_of_history(
    week, overview.first_day(incidents), baseline_weeks=BASELINE_WEEKS
)

st.title("Översikt")
st.caption(
    f"{fmt.week_range(week)} jämfört med det förväntade antalet. Händelser räknas i den vecka "
    "deras tidsfönster börjar, svensk tid."
)

if incidents.is_empty():
    st.info(texts.EMPTY_DATA)
    st.stop()

# Filters: kept in the URL so a view can be bookmarked and shared.
area_names = dict(zip(areas["area_id"].to_list(), areas["name"].to_list(), strict=True))
code_of = dict(zip(areas["area_id"].to_list(), areas["code"].to_list(), strict=True))
id_of_code = {c: i for i, c in code_of.items()}
# The areas chosen on another page follow (ui/filters.py: follow/remember).
url_areas = [id_of_code[c] for c in filters.follow().get("omrade", []) if c in id_of_code]

c1, c2, c3 = st.columns([3, 2, 1])
chosen = c1.multiselect(
    "Områden",
    options=list(area_names),
    default=url_areas,
    format_func=area_names.get,
    placeholder="Hela kommunen",
    select_all=False,
)
large = widgets.meeting_toggle(c3)
st.query_params["omrade"] = [code_of[a] for a in chosen]
filters.remember()

scope = incidents if not chosen else incidents.filter(pl.col("area_id").is_in(chosen))
scope_label = "hela kommunen" if not chosen else ", ".join(area_names[a] for a in chosen)
c2.markdown(f"**Urval:** {scope_label}")


def against_expected(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    return overview.week_vs_baseline(
        frame, week_start=week, by=[by], baseline_weeks=BASELINE_WEEKS, years=years
    )


by_source = against_expected(scope, "source")
by_cat, by_area = overview.flag_together(
    against_expected(scope.filter(pl.col("source") == "est"), "category"),
    against_expected(scope.filter(pl.col("area_id").is_not_null()), "area_id"),
)
method = overview.comparison_text(
    week, years=years, n_tests=by_cat.height + by_area.height, baseline_weeks=BASELINE_WEEKS
)
story = weekly.week_story(
    by_source,
    by_cat,
    by_area,
    scope,
    week_start=week,
    area_names=area_names,
    n_tests=by_cat.height + by_area.height,
)
st.markdown("**Veckan i korthet.** " + " ".join(story))
kpi_help = (
    f"Antal under {fmt.iso_week(week)}; förändring mot förväntat antal (hur det räknas står "
    "under korten)."
)

# Headline numbers -----------------------------------------------------------------------------
src = {r["source"]: r for r in by_source.iter_rows(named=True)}
for col, key in zip(st.columns(2), ["est", "polis"], strict=True):
    r = src.get(key, {"count": 0, "expected": 0.0})
    widgets.kpi(
        col, texts.SOURCE_LABELS[key], int(r["count"]), float(r["expected"]), help_text=kpi_help
    )

cat_row = {r["category"]: r for r in by_cat.iter_rows(named=True)}
cat_cols = st.columns(len(vocab.CATEGORIES))
for col, (key, label) in zip(cat_cols, vocab.CATEGORIES.items(), strict=True):
    r = cat_row.get(key, {"count": 0, "expected": 0.0})
    widgets.kpi(col, label, int(r["count"]), float(r["expected"]), help_text=kpi_help)

flagged = [vocab.category_label(k) for k in by_cat.filter(pl.col("unusual"))["category"]]
flagged += [area_names.get(a, str(a)) for a in by_area.filter(pl.col("unusual"))["area_id"]]
if flagged:
    st.warning(f"Ovanligt många händelser jämfört med det förväntade: {', '.join(flagged)}.")
st.caption(method)

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
    config=charts.PLOTLY_CONFIG,
    width="stretch",
)

# Tables ----------------------------------------------------------------------------------------
cat_table = by_cat.with_columns(
    pl.col("category")
    .cast(pl.Utf8)
    .replace_strict(vocab.CATEGORIES, default=pl.col("category").cast(pl.Utf8))
    .alias("Kategori")
)
signal = pl.when(pl.col("unusual")).then(pl.lit("Ovanligt högt")).otherwise(pl.lit(""))
left, right = st.columns(2)
with left:
    st.subheader("EST-rapporter per kategori")
    st.plotly_chart(
        charts.change_bars(
            cat_table,
            label="Kategori",
            large=large,
            title=f"{fmt.iso_week(week)} mot förväntat antal",
            baseline="expected",
            baseline_name="Förväntat",
        ),
        config=charts.PLOTLY_CONFIG,
        width="stretch",
    )

with right:
    st.subheader("Per område")
    area_table = overview.per_population(by_area, areas).select(
        pl.col("name").alias("Område"),
        pl.col("count").alias("Senaste veckan"),
        pl.col("expected").round(1).alias("Förväntat"),
        pl.col("change_pct").round(0).alias("Förändring %"),
        pl.col("per_1000").round(2).alias("Per 1 000 inv."),
        signal.alias("Signal"),
    )
    export.table(
        area_table,
        name=f"oversikt-omraden-{week.isoformat()}",
        key="areas",
        height=export.table_height(area_table.height, max_rows=area_table.height),
        column_config={
            "Förväntat": st.column_config.NumberColumn(format="%.1f"),
            "Förändring %": st.column_config.NumberColumn(format="%+.0f %%"),
            "Per 1 000 inv.": st.column_config.NumberColumn(format="%.2f"),
        },
    )

st.subheader("Kategorier, detaljer")
export.table(
    cat_table.select(
        pl.col("Kategori"),
        pl.col("count").alias("Senaste veckan"),
        pl.col("expected").round(1).alias("Förväntat"),
        pl.col("baseline_mean").round(1).alias(f"Snitt {BASELINE_WEEKS} v"),
        pl.col("change_pct").round(0).alias("Förändring %"),
        pl.col("dispersion").round(2).alias("Spridning (varians/medel)"),
        pl.col("p_high").round(3).alias("p (ovanligt högt)"),
        signal.alias("Signal"),
    ),
    name=f"oversikt-kategorier-{week.isoformat()}",
    key="cats",
)

# Near-repeat risk zones (Närupprepning) --------------------------------------------------------
from ostan_dash.ui import nearrepeat_views  # noqa: E402 – this section only

nearrepeat_views.oversikt_section(config.today())
nearrepeat_views.week_ahead_section(config.today())

from ostan_dash.ui import alert_views  # noqa: E402 – Mina bevakningar (issue 15)

alert_views.subscriptions_section(login.page_user("oversikt"))
