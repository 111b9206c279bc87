"""Karta och tider: where and when the problems are right now, is it new or growing, against what."""

import dataclasses
import datetime as dt

import polars as pl
import streamlit as st

from ostan_dash import config
from ostan_dash.analysis import areas_compare as ac
from ostan_dash.analysis import locations
from ostan_dash.analysis.hottimes import hot_time_matrix
from ostan_dash.store import places as places_store
from ostan_dash.store import streets as streets_store
from ostan_dash.ui import (
    charts,
    data,
    export,
    filters,
    fmt,
    karta_charts,
    login,
    maps,
    texts,
    widgets,
)

login.page_user("karta")


@st.cache_data(ttl=data.TTL_SECONDS, show_spinner=False)
def critical_places() -> pl.DataFrame:
    return places_store.places(critical_only=True)


@st.cache_data(ttl=data.TTL_SECONDS, show_spinner=False)
def street_lines(codes: tuple[str, ...]) -> pl.DataFrame:
    """The streets around the chosen areas, simplified, for the map."""
    return streets_store.for_map(codes)


@st.cache_data(ttl=data.TTL_SECONDS, show_spinner=False, max_entries=64)
def locations_of(centres: tuple[tuple[float, float], ...]) -> list[str | None]:
    """Each point in words from its nearest street and place ("Storgatan vid Stora torget")."""
    near = streets_store.nearest([x for x, _ in centres], [y for _, y in centres])
    return near.select(locations.describe_expr()).to_series().to_list()


def with_location(cells: pl.DataFrame, *, cell_size: float) -> pl.DataFrame:
    """``cells`` with ``where``: its centre described by the nearest street and place."""
    if cells.is_empty():
        return cells.with_columns(where=pl.lit(None, dtype=pl.Utf8))
    centres = tuple(
        zip(
            (cells["x0"] + cell_size / 2).to_list(),
            (cells["y0"] + cell_size / 2).to_list(),
            strict=True,
        )
    )
    return cells.with_columns(where=pl.Series(locations_of(centres), dtype=pl.Utf8))


def population_version(cells: pl.DataFrame) -> tuple[int, int, int]:
    """Cache key of the population grid: cells, residents, day-time cells."""
    if cells.is_empty():
        return 0, 0, 0
    return cells.height, int(cells["population"].sum()), int(cells["daytime"].sum())


@st.cache_resource(ttl=data.TTL_SECONDS, show_spinner=False)
def study(
    codes: tuple[str, ...], cell_size: int, region: str, pop_version: tuple[int, int, int]
) -> tuple[ac.StudyArea, object]:
    """The study grid and region with the outline of the region (None for the whole
    municipality), per area choice, cell size, region and population grid."""
    grid = ac.study_area(
        data.areas(),
        cell_size=cell_size,
        codes=codes,
        population=data.population_cells(),
        region=region,
    )
    return grid, (ac.region_outline(grid) if region == "befolkade" else None)


@st.cache_resource(ttl=data.TTL_SECONDS, show_spinner=False)
def density_raster(codes: tuple[str, ...]) -> ac.StudyArea:
    """The fine raster of the density surface (the chosen areas, whatever the region)."""
    return ac.study_area(data.areas(), cell_size=ac.DENSITY_CELL_M, codes=codes)


@st.cache_data(ttl=data.TTL_SECONDS, show_spinner=False, max_entries=32)
def period_tables(
    filter_key: str,
    version: tuple[int, int],
    _now: pl.DataFrame,
    _before: pl.DataFrame,
    _areas: pl.DataFrame,
    days_now: int,
    days_before: int,
    codes: tuple[str, ...],
    _history: pl.DataFrame,
    history_start: dt.date,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Hot times and the compare table, which a change of cell size does not touch. Keyed by
    the filter with its dates resolved, and the data version; the frames themselves are not
    hashed (leading underscore)."""
    return ac.period_results(
        _now,
        _before,
        _areas,
        days_now=days_now,
        days_before=days_before,
        codes=codes,
        history=_history,
        history_start=history_start,
    )


st.title("Karta och tider")

incidents = data.incidents()
areas = data.areas()
if incidents.is_empty() or areas.is_empty():
    st.info(texts.EMPTY_DATA)
    st.stop()

today = config.today()
f = filters.render(incidents, areas, data.organisations(), today=today)
area_ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
area_names = dict(zip(areas["code"].to_list(), areas["name"].to_list(), strict=True))

# View settings, in the URL as well -------------------------------------------------------------
qp = st.query_params
population = data.population_cells()
has_population = not population.is_empty()
url_cell = int(qp.get("ruta", "250")) if qp.get("ruta", "250").isdigit() else 250
c1, c2, c3 = st.columns(3)
cell_size = (
    c1.segmented_control(
        "Rutstorlek",
        ac.CELL_SIZES,
        default=url_cell if url_cell in ac.CELL_SIZES else 250,
        format_func=lambda s: f"{s} m",
        key="karta_ruta",
    )
    or 250
)
url_region = qp.get("region", "befolkade")
region = (
    c2.segmented_control(
        "Studerat område",
        list(ac.REGIONS),
        default=url_region if url_region in ac.REGIONS else "befolkade",
        format_func=ac.REGIONS.get,
        disabled=not has_population,
        help="Befolkade rutor: rutor där någon bor eller som har dagbefolkning (centrum, "
        "resecentrum, köpcentrum), enligt befolkningsrutnätet. Hela kommunen: alla rutor, "
        "även skog och åker.",
        key="karta_region",
    )
    or "befolkade"
)
url_expectation = qp.get("vantat", "befolkning")
expectation = (
    c3.segmented_control(
        "Jämför med",
        list(ac.EXPECTATIONS),
        default=url_expectation if url_expectation in ac.EXPECTATIONS else "befolkning",
        format_func=ac.EXPECTATIONS.get,
        disabled=not has_population,
        help="Befolkning: en ruta är het när den har fler händelser än väntat utifrån hur "
        "många som bor (eller vistas) där. Bara antal: Getis-Ord Gi* på antalen, som visar "
        "var folk finns lika mycket som var problemen är.",
        key="karta_vantat",
    )
    or "befolkning"
)
if not has_population:
    region, expectation = "hela", "antal"
c4, c5, _ = st.columns(3)
show_density = c4.toggle("Visa täthetsyta", value=qp.get("tathet") == "1", key="karta_tathet")
large = c5.toggle("Presentationsläge", value=widgets.meeting_mode(), key="karta_visning")
for key, value, default in (
    ("ruta", str(cell_size), "250"),
    ("region", region if has_population else "befolkade", "befolkade"),
    ("vantat", expectation if has_population else "befolkning", "befolkning"),
    ("tathet", "1" if show_density else "0", "0"),
    ("visning", "stor" if large else "", ""),
):
    if value != default:
        if qp.get(key) != value:
            qp[key] = value
    elif key in qp:
        del qp[key]
if large:
    widgets.presentation_mode_css()

bounds = f.bounds(today)
comparison = f.comparison_bounds(today)
org_names = dict(data.organisations().select("organisation_id", "name").iter_rows())


def about(title: str) -> export.About:
    """The header block of this page's downloads: the filters and the method chosen."""
    base = filters.about(f, today=today, title=title, area_names=area_names, org_names=org_names)
    method = (
        f"{cell_size} m rutor; {ac.REGIONS[region].lower()}; "
        f"jämfört med {ac.EXPECTATIONS[expectation].lower()}"
    )
    return dataclasses.replace(base, extra=(("Metod", method),))


comparison_label = filters.COMPARISONS[f.comparison].lower()
st.caption(filters.describe(f, today=today, area_names=area_names))

now = filters.apply(incidents, f, bounds=bounds, area_ids=area_ids)
before = filters.apply(incidents, f, bounds=comparison, area_ids=area_ids)
grid_study, outline = study(f.areas, int(cell_size), region, population_version(population))
days_now, days_before = filters.days_in(bounds), filters.days_in(comparison)
history = ac.history_bounds(bounds, comparison)
grid, changes = ac.grid_results(now, before, grid_study, expectation=expectation)
hot_times, compare = period_tables(
    f"{sorted(f.to_query_params().items())}|{bounds}|{comparison}",
    data.version(incidents),
    now,
    before,
    areas,
    days_now,
    days_before,
    f.areas,
    filters.apply(incidents, f, bounds=history, area_ids=area_ids),
    history[0],
)
result = ac.KartaResult(grid=grid, hot_times=hot_times, compare=compare, new_hotspots=changes)
if now.is_empty():
    st.info(
        "Inga händelser matchar urvalet under perioden. Välj en längre period, fler kategorier "
        "eller ta bort filter för område, organisation, veckodag eller timmar."
    )

n_hot = result.grid.filter(pl.col("class") == "hot").height
n_new = result.new_hotspots.filter(pl.col("status").is_in(["ny", "växande"])).height
k1, k2, k3, k4 = st.columns(4)
k1.metric("Händelser under perioden", fmt.number(now.height))
k2.metric("Under jämförelseperioden", fmt.number(before.height))
k3.metric("Heta rutor", fmt.number(n_hot))
k4.metric("Nya eller växande heta rutor", fmt.number(n_new))

tab_map, tab_times, tab_trend, tab_compare = st.tabs(
    ["Karta", "Tider", "Säsong och trend", "Jämför områden"]
)

# The cells worth naming: hot now, or new, growing or shrinking (on the map's tooltips and in
# the lists), each described by its nearest street and place.
named = with_location(
    result.grid.filter(
        (pl.col("class") == "hot") | pl.col("status").is_in(["ny", "växande", "minskande"])
    )
    .sort("z", descending=True)
    .head(2_000),
    cell_size=cell_size,
)
map_grid = result.grid.join(named.select("col", "row", "where"), on=["col", "row"], how="left")
hot_cells = ac.nearest_place(
    named.filter(pl.col("class") == "hot").head(25), critical_places(), cell_size=cell_size
)

# Map -------------------------------------------------------------------------------------------
with tab_map:
    density = (
        ac.density_grid(now, density_raster(f.areas), bandwidth=ac.DENSITY_BANDWIDTH_M)
        if show_density and now.height
        else None
    )
    labels = filters.category_options(incidents)
    street_frame = street_lines(f.areas)
    deck, omitted = maps.hotspot_deck(
        areas,
        map_grid,
        cell_size=cell_size,
        points=now,
        places=critical_places(),
        density=density,
        density_cell_size=ac.DENSITY_CELL_M,
        codes=f.areas,
        point_labels={k: v.rsplit(" (", 1)[0] for k, v in labels.items()},
        region=outline,
        streets=street_frame,
    )
    left, right = st.columns([4, 1])
    with left:
        st.pydeck_chart(deck, height=720 if large else 560, key="karta_map")
    with right:
        st.markdown("**Teckenförklaring**")
        st.html(
            maps.legend_html(
                cell_size=cell_size,
                density=density is not None,
                alpha=ac.ALPHA,
                expectation=expectation,
                region=region,
                bandwidth=ac.DENSITY_BANDWIDTH_M,
                streets=not street_frame.is_empty(),
            )
        )
        if now.height > maps.MAX_POINTS:
            st.caption(
                f"Enskilda händelser visas när urvalet har högst {fmt.number(maps.MAX_POINTS)}; "
                "nu visas bara rutorna."
            )
        if omitted:
            st.caption(
                f"{fmt.count(omitted, 'ruta', 'rutor')} med få händelser och utan signifikans visas inte "
                "(högst 50 000 objekt skickas till webbläsaren)."
            )
        no_xy = now.filter(pl.col("x").is_null()).height
        if no_xy:
            st.caption(
                f"{fmt.count(no_xy, 'händelse', 'händelser')} saknar punktläge (kända bara per område) och "
                "finns inte i rutorna men räknas i tabellerna."
            )

    inside, outside = ac.region_counts(now, grid_study)
    area_km2 = (
        float(grid_study.area_mask.sum()) * (cell_size / 1000) ** 2
        if grid_study.area_mask is not None
        else grid_study.km2
    )
    if expectation == "befolkning":
        method = (
            "Heta rutor: fler händelser än väntat utifrån befolkningen (periodens händelser "
            "fördelade efter de boende i rutan enligt befolkningsrutnätet; rutor med "
            "dagbefolkning räknas som minst en av de tätast befolkade tiondelarna; exakt "
            f"binomialtest per ruta); Benjamini–Yekutieli, FDR {fmt.number(ac.ALPHA * 100)} %."
        )
    else:
        method = (
            "Heta rutor: bara antal – Getis-Ord Gi* med rutan och dess åtta grannar, utan hänsyn "
            "till var folk bor; Benjamini–Yekutieli, FDR "
            f"{fmt.number(ac.ALPHA * 100)} %."
        )
    if region == "befolkade":
        where = (
            "Studerat område: befolkade rutor och rutor med dagbefolkning (lila kontur), "
            f"{fmt.number(grid_study.km2, 1)} km² av {fmt.number(area_km2, 1)} km²"
        )
        if outside:
            where += f"; {fmt.count(outside, 'händelse', 'händelser')} utanför dem ingår inte i kartans test"
        where += "."
    else:
        where = f"Studerat område: hela kommunen ({fmt.number(grid_study.km2, 1)} km²)."
    if not has_population:
        where += (
            " Inget befolkningsrutnät är inläst (Import → befolkningsrutor), så kartan kan "
            "bara räkna antal."
        )
    st.caption(f"{method} {where}")

    after = ac.after_period(bounds, today=today)
    if after is None:
        st.caption(
            "Träffsäkerhet (PAI och PEI, Chainey m.fl. 2008): räknas när veckorna efter "
            f"perioden finns (perioden slutar {fmt.date(bounds[1])})."
        )
    elif n_hot == 0:
        st.caption("Träffsäkerhet (PAI och PEI): inga heta rutor att pröva.")
    else:
        later = filters.apply(incidents, f, bounds=after, area_ids=area_ids)
        acc = ac.accuracy(result.grid, later, grid_study)
        share_n = acc.n / acc.N * 100 if acc.N else float("nan")
        share_a = acc.a_km2 / acc.A_km2 * 100 if acc.A_km2 else float("nan")
        st.caption(
            f"Träffsäkerhet {fmt.date(after[0])} – {fmt.date(after[1])} (dagarna efter "
            f"perioden): de heta rutorna ({fmt.number(acc.a_km2, 2)} km², "
            f"{fmt.percent(share_a, 1)} av studerat område A = {fmt.number(acc.A_km2, 1)} km²) "
            f"fick {fmt.number(acc.n)} av {fmt.number(acc.N)} händelser "
            f"({fmt.percent(share_n, 0)}). PAI = {fmt.number(acc.pai, 1)} (andel händelser "
            "delat med andel yta; 1 = som slumpen, Chainey, Tompson & Uhlig 2008). "
            f"PEI = {fmt.number(acc.pei, 2)} (de bästa {fmt.number(n_hot)} rutorna i efterhand "
            f"hade fått {fmt.number(acc.n_best)}; Hunt 2016)."
        )

    st.subheader("Heta rutor")
    if hot_cells.is_empty():
        st.info("Inga heta rutor under perioden.")
    else:
        st.caption(
            f"De {fmt.number(hot_cells.height)} hetaste rutorna (högst z först), beskrivna med "
            "närmaste gata och plats. Hetast: "
            f"{hot_cells['where'][0] or 'nära ' + str(hot_cells['place'][0] or '–')} "
            f"({fmt.count(hot_cells['count'][0], 'händelse', 'händelser')})."
        )
        export.table(
            hot_cells.select(
                pl.col("where").fill_null("–").alias("Läge"),
                pl.col("count").alias("Antal"),
                pl.col("expected").round(1).alias("Väntat"),
                pl.col("z").round(2).alias("z"),
                pl.col("place").alias("Närmaste kritiska objekt"),
                pl.col("place_m").round(0).alias("Avstånd (m)"),
            ),
            name=f"heta-rutor-{bounds[0].isoformat()}",
            key="hot_cells",
            about=about("Karta och tider – heta rutor"),
            height=export.table_height(hot_cells.height, max_rows=10),
        )

    st.subheader("Nya, växande och minskande rutor")
    st.caption(
        f"Varje ruta jämförs med {comparison_label} ({fmt.date(comparison[0])} – "
        f"{fmt.date(comparison[1])}): exakt binomialtest av rutans fördelning mellan "
        "perioderna mot hela det studerade områdets fördelning, så att en ökning överallt "
        "inte gör alla rutor nya; Benjamini–Hochberg, FDR "
        f"{fmt.number(ac.ALPHA * 100)} %, över de rutor som kan bli signifikanta. Ny = het nu, "
        "inte het under jämförelseperioden och signifikant ökning; växande = signifikant "
        "ökning i övrigt; minskande = signifikant minskning. En ruta utan händelser nu är "
        "aldrig ny."
    )
    changed = ac.nearest_place(
        result.new_hotspots.join(
            named.select("col", "row", "where"), on=["col", "row"], how="left"
        ),
        critical_places(),
        cell_size=cell_size,
    )
    if changed.is_empty():
        st.info("Inga nya, växande eller minskande rutor under perioden.")
    else:
        export.table(
            changed.select(
                pl.col("status").alias("Status"),
                pl.col("where").fill_null("–").alias("Läge"),
                pl.col("count").alias("Antal nu"),
                pl.col("expected").round(1).alias("Väntat nu"),
                pl.col("count_before").alias("Antal jämförelseperiod"),
                pl.col("ratio").round(2).alias("Kvot mot området"),
                pl.col("change_p").alias("p (förändring)"),
                pl.col("place").alias("Närmaste kritiska objekt"),
                pl.col("place_m").round(0).alias("Avstånd (m)"),
                pl.col("x0").cast(pl.Int64).alias("Ruta, öst (SWEREF)"),
                pl.col("y0").cast(pl.Int64).alias("Ruta, nord (SWEREF)"),
            ),
            name=f"nya-heta-rutor-{bounds[0].isoformat()}",
            key="new_hot",
            about=about("Karta och tider – nya, växande och minskande rutor"),
            height=export.table_height(changed.height, max_rows=15),
            column_config={
                "p (förändring)": st.column_config.NumberColumn(format="%.4f"),
            },
        )

# Hot times -------------------------------------------------------------------------------------
with tab_times:
    scopes: dict[str, str] = {"alla": "Hela urvalet"}
    scopes |= {f"omrade:{c}": f"Område: {area_names[c]}" for c in (f.areas or tuple(area_names))}
    scopes |= {
        f"ruta:{c}:{r}": f"Het ruta {i}: {w or ('nära ' + p if p else '–')}, "
        f"{fmt.count(n, 'händelse', 'händelser')}"
        for i, (c, r, n, p, w) in enumerate(
            hot_cells.select("col", "row", "count", "place", "where").iter_rows(), start=1
        )
    }
    url_scope = qp.get("tider", "alla")
    scope = st.selectbox(
        "Visa tider för",
        list(scopes),
        index=list(scopes).index(url_scope) if url_scope in scopes else 0,
        format_func=scopes.get,
        key="karta_tider",
    )
    if scope != "alla":
        qp["tider"] = scope
    elif "tider" in qp:
        del qp["tider"]
    if scope.startswith("omrade:"):
        part = now.filter(pl.col("area_id") == area_ids[scope.split(":", 1)[1]])
        matrix = hot_time_matrix(part)
    elif scope.startswith("ruta:"):
        _, col, row = scope.split(":")
        part = now.filter(ac.in_cell(grid_study, int(col), int(row)))
        matrix = hot_time_matrix(part)
    else:
        part, matrix = now, result.hot_times
    if part.is_empty():
        st.info("Inga händelser att fördela över veckan i det här urvalet.")
    else:
        st.plotly_chart(
            karta_charts.hot_times(
                matrix,
                title=f"Heta tider: {scopes[scope].lower() if scope == 'alla' else scopes[scope]}"
                f" ({fmt.count(part.height, 'händelse', 'händelser')})",
                large=large,
            ),
            config=charts.PLOTLY_CONFIG,
            width="stretch",
        )
        st.caption(
            "Aoristisk analys (Ratcliffe 2002): en händelse med ett tidsfönster fördelas "
            "jämnt över fönstrets timmar, så att t.ex. klotter som upptäcks på måndagsmorgonen "
            "inte hamnar på upptäcktstiden. Svensk tid, måndag först."
        )

# Seasons and trend -----------------------------------------------------------------------------
with tab_trend:
    weekly = ac.weekly_comparison(now, before, bounds=bounds, comparison=comparison)
    st.plotly_chart(
        karta_charts.weekly_comparison(
            weekly,
            title="Händelser per vecka: perioden och jämförelseperioden",
            labels=(
                f"Perioden ({fmt.date(bounds[0])} – {fmt.date(bounds[1])})",
                f"{filters.COMPARISONS[f.comparison]} ({fmt.date(comparison[0])} – "
                f"{fmt.date(comparison[1])})",
            ),
            large=large,
        ),
        config=charts.PLOTLY_CONFIG,
        width="stretch",
    )
    all_years = filters.apply(incidents, f, period="none", area_ids=area_ids)
    last_month_start = today.replace(day=1)
    profile = ac.month_profile(
        all_years.filter(pl.col("occurred_from").dt.date() < last_month_start)
    )
    if profile.is_empty():
        st.info("Det finns inga hela månader med händelser i urvalet än.")
    else:
        st.plotly_chart(
            karta_charts.month_profile(
                profile.filter((pl.col("year") < today.year) | (pl.col("month") < today.month)),
                title="Säsong: händelser per månad, år för år (hela månader)",
                partial_year=today.year,
                large=large,
            ),
            config=charts.PLOTLY_CONFIG,
            width="stretch",
        )

# Compare areas ---------------------------------------------------------------------------------
with tab_compare:
    st.caption(
        f"Perioden {fmt.date(bounds[0])} – {fmt.date(bounds[1])} mot "
        f"{fmt.date(comparison[0])} – {fmt.date(comparison[1])}. Förändringen avser antal per "
        "dag (lika med antalet när perioderna är lika långa). Ett område prövas mot hela "
        "kommunens förändring (kommunen: "
        f"{fmt.number(result.compare['region_change_pct'][0] if result.compare.height else 0, 0)} %"
        "), så säsongen och en allmän trend inte räknas som områdets egen; kvoten är områdets "
        "förändring i förhållande till kommunens, med 95 % konfidensintervall och p-värde. "
        "Veckoantal varierar mer än slumpen: spridningen skattas ur de 52 veckorna före "
        f"(kvasi-Poisson, φ = {fmt.number(result.compare['dispersion'][0] if result.compare.height else 1, 1)}). "
        f"Bedömningen är korrigerad för att {fmt.number(result.compare.height)} områden prövas "
        "samtidigt (Benjamini–Hochberg över områdena i tabellen, FDR 5 %; q-värdet är det "
        "korrigerade p-värdet, intervallen är varje områdes eget). Händelser utan område "
        "räknas inte."
    )
    table = result.compare.with_columns(
        verdict=pl.when(pl.col("significant") & (pl.col("ratio") > 1))
        .then(pl.lit("Säker ökning"))
        .when(pl.col("significant") & (pl.col("ratio") < 1))
        .then(pl.lit("Säker minskning"))
        .otherwise(pl.lit("Ingen säker förändring"))
    )
    export.table(
        table.select(
            pl.col("name").alias("Område"),
            pl.col("count").alias("Antal"),
            pl.col("count_before").alias("Antal jämförelseperiod"),
            pl.col("per_1000").round(2).alias("Per 1 000 inv."),
            pl.col("change_pct").round(0).alias("Förändring %"),
            pl.col("ratio").round(2).alias("Kvot mot kommunen"),
            pl.col("ci_low").round(2).alias("95 % KI, nedre"),
            pl.col("ci_high").round(2).alias("95 % KI, övre"),
            pl.col("p_value").round(3).alias("p-värde"),
            pl.col("q_value").round(3).alias("q-värde (BH)"),
            pl.col("verdict").alias("Bedömning"),
        ),
        name=f"jamfor-omraden-{bounds[0].isoformat()}",
        key="compare",
        about=about("Karta och tider – jämförelse av områden"),
        height=export.table_height(table.height, max_rows=15),
        column_config={
            "Per 1 000 inv.": st.column_config.NumberColumn(format="%.2f"),
            "Förändring %": st.column_config.NumberColumn(format="%+.0f %%"),
        },
    )
