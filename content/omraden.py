"""Områden: the six area criteria per area, a map, each area's profile, the protective view and
the quarter's three focus areas."""

import polars as pl
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.analysis import area_texts
from ostan_dash.analysis import areas as A
from ostan_dash.store import areas as area_store
from ostan_dash.ui import (
    area_data,
    area_maps,
    area_views,
    charts,
    data,
    fmt,
    login,
    navigation,
    widgets,
)

user = login.page_user("omraden")
can_edit = navigation.may_write(user.role, "omraden")
today = config.today()

st.title("Områden")
st.caption(
    "Sex kriterier för att prioritera områden i det långsiktiga arbetet. Ett enda uppfyllt "
    "kriterium kan räcka, och en försämring i något kriterium ska uppmärksammas direkt."
)
if flash := st.session_state.pop("omraden_flash", None):
    st.success(flash)

areas = data.areas()
ind = area_data.indicators()
if ind.is_empty() or areas.is_empty():
    st.info(
        "Det finns inga områdesindikatorer än. Importera årets officiella statistik per område "
        "(sidan Import) eller ladda demodata med `make demo`."
    )
    st.stop()

counts = area_data.incident_counts()
try:
    thresholds = A.Thresholds.from_json(area_data.thresholds_raw())
except (ValueError, TypeError, AttributeError):
    thresholds = A.DEFAULT_THRESHOLDS
    st.warning(
        "De sparade trösklarna kunde inte läsas; standardvärdena används. "
        "En analytiker kan spara nya under Trösklar."
    )

long = A.criteria_long(ind, thresholds=thresholds, counts=counts)
names = dict(zip(areas["area_id"].cast(pl.Int64).to_list(), areas["name"].to_list(), strict=True))
labels = A.INDICATORS
titles = area_views.column_titles(labels, A.RATES)
years = sorted(ind["year"].unique().to_list(), reverse=True)

top_left, _, top_right = st.columns([1, 2, 1])
year = top_left.selectbox("År (officiell statistik)", years, index=0, key="omraden_ar")
large = widgets.meeting_toggle(top_right)
summary = A.area_summary(long, year=year)

worse = A.worsened_criteria(long, year=year)
if worse.height:
    lines = area_texts.worsening_lines(
        worse, names=names, labels=labels, worsening_pp=thresholds.worsening_pp
    )
    st.warning(
        f"**Försämrat sedan {year - 1}** – metoden säger: agera nu, vänta inte tills fler "
        "kriterier är uppfyllda.\n\n" + "\n".join(lines),
        icon=":material/warning:",
    )
elif year - 1 in years:
    st.success(f"Inget kriterium har försämrats i något område sedan {year - 1}.")
if quiet := area_texts.within_sampling_error(
    long, year=year, names=names, labels=labels, worsening_pp=thresholds.worsening_pp
):
    st.caption(quiet)

# One section at a time: only what is shown is computed, and a click in the matrix or on the
# map can open the area's profile directly.
VIEWS = ["Kriteriematris", "Karta", "Områdesprofil", "Skyddande områden", "Fokusområden"]
if goto := st.session_state.pop("omraden_goto", None):
    st.session_state["omraden_vy"] = goto
view_choice = st.radio(
    "Visa", VIEWS, horizontal=True, key="omraden_vy", label_visibility="collapsed"
)


def open_profile(area_id: object, *, seen_key: str) -> None:
    """Open the profile of the area clicked in the matrix or on the map (once per new click:
    the selection stays set on every rerun after it)."""
    if area_id is not None and st.session_state.get(seen_key) != area_id:
        st.session_state[seen_key] = area_id
        st.session_state["omraden_profil"] = int(area_id)
        st.session_state["omraden_goto"] = "Områdesprofil"
        st.rerun()


# The criteria matrix ------------------------------------------------------------------------------
if view_choice == "Kriteriematris":
    sort_options = ["Kriterier uppfyllda", *titles.values()]
    sort_by = st.selectbox("Sortera efter", sort_options, index=0, key="omraden_sortera")
    ordered = summary
    if sort_by != "Kriterier uppfyllda":
        key = next(k for k, t in titles.items() if t == sort_by)
        by_value = long.filter((pl.col("year") == year) & (pl.col("indicator") == key)).select(
            "area_id", "value"
        )
        ordered = (
            summary.join(by_value, on="area_id", how="left")
            .sort("value", descending=True, nulls_last=True)
            .drop("value")
        )
    view = area_views.criteria_matrix(
        long,
        ordered,
        year=year,
        names=names,
        labels=labels,
        rates=A.RATES,
        worsened_labels=labels,
    )
    st.markdown(area_views.level_legend_html(), unsafe_allow_html=True)
    st.caption("Markera en rad för att öppna områdets profil.")
    event = area_views.show_table(
        view.export,
        name=f"kriteriematris-{year}",
        key="matris",
        styler=view.styler,
        height=area_views.table_height(len(view.data), max_px=820),
        column_config=area_views.matrix_column_config(titles),
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = event.selection.rows if event is not None else []
    open_profile(ordered["area_id"][rows[0]] if rows else None, seen_key="omraden_matris_senast")

    with st.expander("Trösklar: när ett kriterium räknas som uppfyllt", expanded=False):
        st.markdown(
            "\n".join(
                f"- **{labels[k]}**: {area_texts.threshold_text(thresholds.of(k))}"
                for k in A.NUMERIC_INDICATORS
            )
            + "\n- **Organiserad brottslighet**: uppfyllt när den förekommer"
            + f"\n- **Försämring**: {area_texts.worsening_rule_text(thresholds.worsening_pp)}"
            + "\n\nKommunens värde är befolkningsviktat över alla områden samma år. Kriterium 3 "
            "(utbildning) är uppfyllt när någon av dess två indikatorer är det. Händelser per "
            "1 000 invånare visas som jämförelse men räknas inte som kriterier."
        )
        if not can_edit:
            st.caption("Endast analytiker och administratörer kan ändra trösklarna.")
        else:
            with st.form("omraden_troesklar"):
                wpp = st.number_input(
                    "Försämring: ökning med minst (procentenheter)",
                    min_value=0.1,
                    max_value=50.0,
                    value=float(thresholds.worsening_pp),
                    step=0.5,
                )
                chosen: dict[str, tuple[str, float]] = {}
                mode_text = {"relative": "× kommunens värde", "absolute": "fast gräns, %"}
                for key in A.NUMERIC_INDICATORS:
                    t = thresholds.of(key)
                    m_col, v_col = st.columns(2)
                    mode = m_col.selectbox(
                        labels[key],
                        list(mode_text),
                        index=list(mode_text).index(t.mode),
                        format_func=mode_text.get,
                        key=f"troskel_satt_{key}",
                    )
                    value = v_col.number_input(
                        f"Tröskel för {labels[key].lower()}",
                        min_value=0.0,
                        max_value=100.0,
                        value=float(t.value),
                        step=0.05,
                        key=f"troskel_varde_{key}",
                    )
                    chosen[key] = (mode, value)
                saved = st.form_submit_button("Spara trösklar", type="primary")
            if saved:
                if not can_edit:
                    st.warning("Endast analytiker och administratörer kan ändra trösklarna.")
                else:
                    try:
                        new = A.Thresholds(
                            {k: A.Threshold(m, v) for k, (m, v) in chosen.items()}, wpp
                        )
                        area_store.save_setting(
                            A.SETTINGS_KEY,
                            new.to_json(),
                            user_id=user.id,
                            username=user.username,
                            role=user.role,
                        )
                    except ValueError as exc:
                        st.warning(f"Trösklarna sparades inte: {exc}.")
                    else:
                        area_data.clear_settings()
                        st.session_state["omraden_flash"] = "Trösklarna är sparade."
                        st.rerun()

# The map ------------------------------------------------------------------------------------------
if view_choice == "Karta":
    map_key = st.selectbox(
        "Visa på kartan",
        list(titles),
        format_func=titles.get,
        index=list(titles).index("pct_unsafe"),
        key="omraden_karta_matt",
    )
    is_rate = map_key in A.RATES
    unit = "per 1 000 inv." if is_rate else ("" if map_key == "organised_crime" else "%")
    map_values = long.filter((pl.col("year") == year) & (pl.col("indicator") == map_key)).select(
        "area_id", "value"
    )
    m_col, l_col = st.columns([4, 1])
    deck = area_maps.choropleth(
        areas,
        map_values,
        value_col="value",
        label=titles[map_key],
        unit=unit,
        selected_area=st.session_state.get("omraden_profil"),
    )
    with m_col:
        map_event = st.pydeck_chart(
            deck,
            width="stretch",
            on_select="rerun",
            selection_mode="single-object",
            key="omraden_karta",
        )
    with l_col:
        st.markdown(
            area_maps.legend_html(
                area_maps.legend(map_values["value"].to_list(), unit=unit),
                title=f"{titles[map_key]}, {year}",
            ),
            unsafe_allow_html=True,
        )
        st.caption("Mörkare färg = högre värde. Klasserna har lika många områden var.")
    objects = (map_event.selection.get("objects", {}) if map_event is not None else {}) or {}
    clicked = next(iter(objects.get("omraden", [])), None) or {}
    open_profile(clicked.get("properties", clicked).get("area_id"), seen_key="omraden_karta_senast")
    st.caption("Klicka på ett område för att öppna dess profil.")

# The area profile ---------------------------------------------------------------------------------
if view_choice == "Områdesprofil":
    area_ids = summary["area_id"].to_list()
    if st.session_state.get("omraden_profil") not in area_ids:
        st.session_state["omraden_profil"] = area_ids[0]
    area_id = st.selectbox(
        "Område", area_ids, format_func=lambda i: names.get(i, str(i)), key="omraden_profil"
    )
    name = names.get(area_id, str(area_id))
    row = summary.filter(pl.col("area_id") == area_id).row(0, named=True)
    cur = long.filter((pl.col("area_id") == area_id) & (pl.col("year") == year))
    rate = {r["indicator"]: r["value"] for r in cur.iter_rows(named=True)}
    pop = ind.filter((pl.col("area_id") == area_id) & (pl.col("year") == year))["population"]
    k1, k2, k3, k4 = st.columns(4)
    k1.metric("Kriterier uppfyllda", f"{row['criteria_met']} av 6")
    k2.metric(
        "Försämrade kriterier",
        str(row["n_worsened"]),
        help=", ".join(labels[k] for k in row["worsened"]) or "Inga",
    )
    k3.metric("Invånare", fmt.number(pop[0] if pop.len() else None))
    k4.metric(
        "Händelser per 1 000 inv.",
        fmt.number(
            (rate.get("est_per_1000") or 0) + (rate.get("police_per_1000") or 0)
            if "est_per_1000" in rate
            else None,
            1,
        ),
        help="EST-rapporter och polisanmälda brott under året.",
    )
    series = long.filter((pl.col("area_id") == area_id) & pl.col("criterion").is_not_null()).select(
        "indicator", "year", "value", "municipal", "worsened"
    )
    st.plotly_chart(
        area_views.indicator_trends(series, labels=labels, area_name=name, large=large),
        config=charts.PLOTLY_CONFIG,
        width="stretch",
    )
    area_counts = counts.filter(pl.col("area_id") == area_id)
    est_col, pol_col = st.columns(2)
    for col, source, vocab_map, heading in (
        (est_col, "est", vocab.CATEGORIES, "EST-rapporter per kategori"),
        (pol_col, "polis", vocab.POLICE_GROUPS, "Polisanmälda brott per brottsgrupp"),
    ):
        part = (
            area_counts.filter(
                (pl.col("source") == source) & pl.col("year").is_in([year - 1, year])
            )
            .with_columns(
                label=pl.col("category").replace_strict(vocab_map, default=pl.col("category"))
            )
            .select("label", "year", "n")
        )
        with col:
            if part.is_empty():
                st.info(f"Inga {heading.split(' per ')[0].lower()} i {name} {year - 1}–{year}.")
            else:
                st.plotly_chart(
                    area_views.category_bars(
                        part, year=year, title=f"{heading}, {name}", large=large
                    ),
                    config=charts.PLOTLY_CONFIG,
                    width="stretch",
                )
    # The same shares and rings as on Trygghetsundersökning: each ring corrected over all areas.
    changes = area_data.survey_shares()[0].filter(pl.col("area_id") == area_id)
    if changes.is_empty():
        st.info(f"Trygghetsundersökningen har inga svar från {name} än.")
    else:
        st.plotly_chart(
            area_views.survey_trend(
                changes,
                group="question",
                names=area_views.SURVEY_QUESTIONS,
                question_label=f"Trygghetsundersökningen i {name}",
                ring_label=area_views.ring_label(changes["n_tests"].to_list()),
                large=large,
            ),
            config=charts.PLOTLY_CONFIG,
            width="stretch",
        )
        st.caption(
            "Ring: förändringen mot året före är signifikant (z-test på effektiva "
            f"urvalsstorlekar, {area_texts.bh_family_text(changes['n_tests'].to_list())}, "
            "per fråga och årspar)."
            + (
                " Luckor i linjerna: färre än 30 svar det året, andelen visas inte."
                if changes["suppressed"].any()
                else ""
            )
        )

# Protective view ----------------------------------------------------------------------------------
if view_choice == "Skyddande områden":
    st.markdown(
        "Metoden ber oss studera också områdena med **minst** brott och otrygghet: vad skyddar "
        "dem? Här jämförs de tre områden (med minst 1 000 invånare) som har lägst index av "
        "händelser per 1 000 invånare och andel otrygga, båda i förhållande till kommunen."
    )
    protective = A.protective_areas(long, year=year, populations=ind, n=3)
    if protective.is_empty():
        st.info("Det behövs både indikatorer och händelser för året för att jämföra områdena.")
    else:
        prot_ids = protective["area_id"].to_list()
        area_views.show_table(
            area_views.protective_table(protective, names=names),
            name=f"skyddande-omraden-{year}",
            key="skydd_lista",
            decimals={"Index (1 = som kommunen)": 2},
        )
        comparison = area_views.protective_comparison_table(
            A.protective_comparison(long, year=year, protective_ids=prot_ids, populations=ind),
            titles=titles,
        )
        st.subheader("Hur skiljer de sig från övriga områden?")
        area_views.show_table(comparison, name=f"skyddande-jamforelse-{year}", key="skydd")
        st.caption(
            "Befolkningsviktade medelvärden. Organiserad brottslighet: andel av invånarna som bor "
            "i ett område där den förekommer. Skillnaderna är samband, inte bevis på orsak: "
            "använd dem som hypoteser om skyddsfaktorer att pröva."
        )

# Quarterly focus areas ----------------------------------------------------------------------------
if view_choice == "Fokusområden":
    quarter = A.next_quarter_start(today)
    survey = area_data.survey_responses()
    survey_year = int(survey["year"].max()) if survey.height else None
    unsafety = (
        A.survey_unsafety(survey, year=survey_year)
        if survey_year is not None
        else pl.DataFrame(
            schema={"area_id": pl.Int64, "share": pl.Float64, "municipal": pl.Float64}
        )
    )
    recent = area_data.recent_incident_counts(today)
    scores = A.focus_scores(summary, trend=recent, unsafety=unsafety)
    st.subheader(f"Förslag till fokusområden för {A.quarter_label(quarter)}")
    w = A.FOCUS_WEIGHTS
    window = (
        f"{fmt.date(recent['window_start'][0])}–{fmt.date(recent['window_end'][0])}"
        if recent.height
        else "de senaste 91 dagarna"
    )
    st.markdown(
        f"**Poäng** = {fmt.number(w.criteria, 0)} × uppfyllda kriterier "
        f"+ {fmt.number(w.worsened, 0)} × försämrade kriterier "
        f"+ trendpoäng + otrygghetspoäng.  \n"
        f"*Trendpoäng*: händelser (EST och polis) {window} mot samma dagar ett år tidigare; "
        f"1 poäng per {fmt.percent(w.trend_step * 100)} ökning, högst ±{fmt.number(w.cap, 0)}.  \n"
        f"*Otrygghetspoäng*: andel otrygga ute på kvällen i trygghetsundersökningen "
        f"{survey_year or '–'} mot kommunens andel; 1 poäng per {fmt.percent(w.unsafety_step * 100)} "
        f"över, högst ±{fmt.number(w.cap, 0)}. Förslaget är ett underlag: gruppen väljer."
    )
    area_views.show_table(
        area_views.focus_table(scores, names=names),
        name=f"fokusforslag-{quarter.isoformat()}",
        key="fokus",
        decimals={"Poäng": 2, "Trendpoäng": 2, "Otrygghetspoäng": 2},
    )

    history = area_data.focus_areas()
    st.subheader(f"Välj fokusområden för {A.quarter_label(quarter)}")
    already = history.filter(pl.col("quarter_start") == quarter)
    if already.height:
        st.info(
            f"Redan valda för {A.quarter_label(quarter)}: "
            + ", ".join(already.sort("rank")["area"].to_list())
            + ". Ett nytt val ersätter det."
        )
    if not can_edit:
        st.caption("Endast analytiker och administratörer kan registrera kvartalets fokusområden.")
    else:
        proposal = scores["area_id"].to_list()
        with st.form("omraden_fokus"):
            picks = []
            for rank in (1, 2, 3):
                a_col, r_col = st.columns([1, 2])
                pick = a_col.selectbox(
                    f"Fokusområde {rank}",
                    proposal,
                    index=rank - 1 if len(proposal) >= rank else 0,
                    format_func=lambda i: names.get(i, str(i)),
                    key=f"fokus_omrade_{rank}",
                )
                why = r_col.text_area(
                    f"Motivering {rank}", key=f"fokus_motivering_{rank}", height=80
                )
                picks.append((rank, pick, why))
            record = st.form_submit_button("Registrera fokusområden", type="primary")
        if record:
            if not can_edit:
                st.warning("Endast analytiker och administratörer kan registrera fokusområden.")
            else:
                score_of = dict(
                    zip(scores["area_id"].to_list(), scores["score"].to_list(), strict=True)
                )
                try:
                    area_store.save_focus_areas(
                        quarter,
                        [
                            {"area_id": a, "rank": r, "score": score_of.get(a), "rationale": t}
                            for r, a, t in picks
                        ],
                        user_id=user.id,
                        username=user.username,
                        role=user.role,
                    )
                except ValueError as exc:
                    st.warning(f"Fokusområdena registrerades inte: {exc}")
                else:
                    area_data.clear_settings()
                    st.session_state["omraden_flash"] = (
                        f"Fokusområdena för {A.quarter_label(quarter)} är registrerade."
                    )
                    st.rerun()

    st.subheader("Tidigare kvartals fokusområden")
    if history.is_empty():
        st.info("Inga fokusområden är registrerade än.")
    else:
        area_views.show_table(
            area_views.focus_history_table(history),
            name="fokusomraden",
            key="fokus_historik",
            decimals={"Poäng": 2},
            height=area_views.table_height(history.height, max_px=460),
        )
