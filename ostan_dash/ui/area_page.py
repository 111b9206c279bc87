"""The sections of the Områden page (content/omraden.py): the criteria data read once, the
worsening notice, and the five views – criteria matrix with its thresholds, map, area profile,
protective areas and the quarter's focus areas.

Decisions are made in :mod:`ostan_dash.analysis.areas` and
:mod:`ostan_dash.analysis.area_profile`, sentences in :mod:`ostan_dash.ui.area_narratives`;
writes go through the store as the acting user.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import polars as pl
import streamlit as st

from ostan_dash import vocab
from ostan_dash.analysis import area_profile, area_texts
from ostan_dash.analysis import areas as aa
from ostan_dash.store import areas as area_store
from ostan_dash.ui import area_data, area_maps, area_views, charts, data, fmt
from ostan_dash.ui import area_narratives as say

log = logging.getLogger(__name__)

VIEWS = ["Kriteriematris", "Karta", "Områdesprofil", "Skyddande områden", "Fokusområden"]
BY_CRITERIA = "Kriterier uppfyllda"
ONLY_EDITORS = "Endast analytiker och administratörer kan ändra trösklarna."


@dataclasses.dataclass(frozen=True)
class Criteria:
    """What every view reads: areas, indicators, incident counts, thresholds and the criteria."""

    areas: pl.DataFrame
    indicators: pl.DataFrame
    counts: pl.DataFrame
    thresholds: aa.Thresholds
    long: pl.DataFrame
    names: dict[int, str]
    titles: dict[str, str]
    years: list[int]

    @property
    def labels(self) -> dict[str, str]:
        return aa.INDICATORS


def flash() -> None:
    """The confirmation of a save on the previous run."""
    if message := st.session_state.pop("omraden_flash", None):
        st.success(message)


def load_criteria() -> Criteria | None:
    """Read the indicators and evaluate the six criteria (None when there are none yet). Saved
    thresholds that cannot be read give way to the defaults, with a warning."""
    areas = data.areas()
    ind = area_data.indicators()
    if ind.is_empty() or areas.is_empty():
        return None
    counts = area_data.incident_counts()
    try:
        thresholds = aa.Thresholds.from_json(area_data.thresholds_raw())
    except (ValueError, TypeError, AttributeError):
        log.exception("saved area thresholds unreadable; the defaults are used")
        thresholds = aa.DEFAULT_THRESHOLDS
        st.warning(
            "De sparade trösklarna kunde inte läsas; standardvärdena används. "
            "En analytiker kan spara nya under Trösklar."
        )
    return Criteria(
        areas=areas,
        indicators=ind,
        counts=counts,
        thresholds=thresholds,
        long=aa.criteria_long(ind, thresholds=thresholds, counts=counts),
        names=dict(
            zip(areas["area_id"].cast(pl.Int64).to_list(), areas["name"].to_list(), strict=True)
        ),
        titles=area_views.column_titles(aa.INDICATORS, aa.RATES),
        years=sorted(ind["year"].unique().to_list(), reverse=True),
    )


def worsening_notice(c: Criteria, year: int) -> None:
    """Act now: the criteria that worsened since the year before, or that none did; and the
    changes that stay within the survey's sampling error."""
    worse = aa.worsened_criteria(c.long, year=year)
    pp = c.thresholds.worsening_pp
    if worse.height:
        lines = area_texts.worsening_lines(worse, names=c.names, labels=c.labels, worsening_pp=pp)
        st.warning(say.worsened_warning(year, lines), icon=":material/warning:")
    elif year - 1 in c.years:
        st.success(f"Inget kriterium har försämrats i något område sedan {year - 1}.")
    if quiet := area_texts.within_sampling_error(
        c.long, year=year, names=c.names, labels=c.labels, worsening_pp=pp
    ):
        st.caption(quiet)


def choose_view() -> str:
    """One view at a time: only what is shown is computed, and a click in the matrix or on the
    map can open the area's profile directly."""
    if goto := st.session_state.pop("omraden_goto", None):
        st.session_state["omraden_vy"] = goto
    return st.radio("Visa", VIEWS, horizontal=True, key="omraden_vy", label_visibility="collapsed")


def _open_profile(area_id: object, *, seen_key: str) -> None:
    """Open the profile of the area clicked in the matrix or on the map (once per new click:
    the selection stays set on every rerun after it)."""
    if area_id is not None and st.session_state.get(seen_key) != area_id:
        st.session_state[seen_key] = area_id
        st.session_state["omraden_profil"] = int(area_id)
        st.session_state["omraden_goto"] = "Områdesprofil"
        st.rerun()


def criteria_matrix(c: Criteria, summary: pl.DataFrame, *, year: int) -> None:
    """Kriteriematris: one row an area, sortable by an indicator; a row opens its profile."""
    sort_by = st.selectbox(
        "Sortera efter", [BY_CRITERIA, *c.titles.values()], index=0, key="omraden_sortera"
    )
    indicator = next((k for k, t in c.titles.items() if t == sort_by), None)
    ordered = area_profile.order_by_indicator(
        summary, c.long, year=year, indicator=None if sort_by == BY_CRITERIA else indicator
    )
    view = area_views.criteria_matrix(
        c.long,
        ordered,
        year=year,
        names=c.names,
        labels=c.labels,
        rates=aa.RATES,
        worsened_labels=c.labels,
    )
    st.markdown(area_views.level_legend_html(), unsafe_allow_html=True)
    st.caption("Markera en rad för att öppna områdets profil.")
    event = area_views.show_table(
        view.export,
        name=f"kriteriematris-{year}",
        key="matris",
        styler=view.styler,
        height=area_views.table_height(len(view.data), max_px=820),
        column_config=area_views.matrix_column_config(c.titles),
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = event.selection.rows if event is not None else []
    _open_profile(ordered["area_id"][rows[0]] if rows else None, seen_key="omraden_matris_senast")


def thresholds(c: Criteria, user, *, can_edit: bool) -> None:
    """Trösklar: when each criterion counts as met; analysts and admins may change them."""
    with st.expander("Trösklar: när ett kriterium räknas som uppfyllt", expanded=False):
        st.markdown(say.threshold_rules(c.thresholds, c.labels))
        if not can_edit:
            st.caption(ONLY_EDITORS)
            return
        with st.form("omraden_troesklar"):
            wpp = st.number_input(
                "Försämring: ökning med minst (procentenheter)",
                min_value=0.1,
                max_value=50.0,
                value=float(c.thresholds.worsening_pp),
                step=0.5,
            )
            chosen: dict[str, tuple[str, float]] = {}
            mode_text = {"relative": "× kommunens värde", "absolute": "fast gräns, %"}
            for key in aa.NUMERIC_INDICATORS:
                t = c.thresholds.of(key)
                m_col, v_col = st.columns(2)
                mode = m_col.selectbox(
                    c.labels[key],
                    list(mode_text),
                    index=list(mode_text).index(t.mode),
                    format_func=mode_text.get,
                    key=f"troskel_satt_{key}",
                )
                value = v_col.number_input(
                    f"Tröskel för {c.labels[key].lower()}",
                    min_value=0.0,
                    max_value=100.0,
                    value=float(t.value),
                    step=0.05,
                    key=f"troskel_varde_{key}",
                )
                chosen[key] = (mode, value)
            saved = st.form_submit_button("Spara trösklar", type="primary")
        if saved:
            _save_thresholds(chosen, wpp, user)


def _save_thresholds(chosen: dict[str, tuple[str, float]], wpp: float, user) -> None:
    try:
        new = aa.Thresholds({k: aa.Threshold(m, v) for k, (m, v) in chosen.items()}, wpp)
        area_store.save_setting(
            aa.SETTINGS_KEY,
            new.to_json(),
            user_id=user.id,
            username=user.username,
            role=user.role,
        )
    except ValueError as exc:
        log.exception("area thresholds not saved")
        st.warning(f"Trösklarna sparades inte: {exc}.")
    else:
        area_data.clear_settings()
        st.session_state["omraden_flash"] = "Trösklarna är sparade."
        st.rerun()


def area_map(c: Criteria, *, year: int) -> None:
    """Karta: one measure per area in classes of equal size; a click opens the area's profile."""
    map_key = st.selectbox(
        "Visa på kartan",
        list(c.titles),
        format_func=c.titles.get,
        index=list(c.titles).index("pct_unsafe"),
        key="omraden_karta_matt",
    )
    unit = area_profile.map_unit(map_key)
    map_values = c.long.filter((pl.col("year") == year) & (pl.col("indicator") == map_key)).select(
        "area_id", "value"
    )
    m_col, l_col = st.columns([4, 1])
    deck = area_maps.choropleth(
        c.areas,
        map_values,
        value_col="value",
        label=c.titles[map_key],
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
                title=f"{c.titles[map_key]}, {year}",
            ),
            unsafe_allow_html=True,
        )
        st.caption("Mörkare färg = högre värde. Klasserna har lika många områden var.")
    objects = (map_event.selection.get("objects", {}) if map_event is not None else {}) or {}
    clicked = next(iter(objects.get("omraden", [])), None) or {}
    _open_profile(
        clicked.get("properties", clicked).get("area_id"), seen_key="omraden_karta_senast"
    )
    st.caption("Klicka på ett område för att öppna dess profil.")


def choose_area(c: Criteria, summary: pl.DataFrame) -> int:
    """The area whose profile is shown (the one clicked, else the first of the summary)."""
    area_ids = summary["area_id"].to_list()
    if st.session_state.get("omraden_profil") not in area_ids:
        st.session_state["omraden_profil"] = area_ids[0]
    return st.selectbox(
        "Område", area_ids, format_func=lambda i: c.names.get(i, str(i)), key="omraden_profil"
    )


def key_figures(c: Criteria, summary: pl.DataFrame, *, area_id: int, year: int) -> None:
    """Criteria met, worsened criteria, inhabitants and events per 1 000 inhabitants."""
    f = area_profile.area_figures(summary, c.long, c.indicators, area_id=area_id, year=year)
    k1, k2, k3, k4 = st.columns(4)
    k1.metric("Kriterier uppfyllda", f"{f.criteria_met} av 6")
    k2.metric(
        "Försämrade kriterier",
        str(f.n_worsened),
        help=", ".join(c.labels[k] for k in f.worsened) or "Inga",
    )
    k3.metric("Invånare", fmt.number(f.population))
    k4.metric(
        "Händelser per 1 000 inv.",
        fmt.number(f.events_per_1000, 1),
        help="EST-rapporter och polisanmälda brott under året.",
    )


def indicator_trends(c: Criteria, *, area_id: int, large: bool) -> None:
    """The area's criteria over the years against the municipality's values."""
    series = c.long.filter(
        (pl.col("area_id") == area_id) & pl.col("criterion").is_not_null()
    ).select("indicator", "year", "value", "municipal", "worsened")
    st.plotly_chart(
        area_views.indicator_trends(
            series, labels=c.labels, area_name=c.names.get(area_id, str(area_id)), large=large
        ),
        config=charts.PLOTLY_CONFIG,
        width="stretch",
    )


def incident_bars(c: Criteria, *, area_id: int, year: int, large: bool) -> None:
    """EST reports per category and police-reported crime per group, this year and last."""
    name = c.names.get(area_id, str(area_id))
    area_counts = c.counts.filter(pl.col("area_id") == area_id)
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


def survey_trend(c: Criteria, *, area_id: int, large: bool) -> None:
    """The same shares and rings as on Trygghetsundersökning: each ring corrected over all
    areas."""
    name = c.names.get(area_id, str(area_id))
    changes = area_data.survey_shares()[0].filter(pl.col("area_id") == area_id)
    if changes.is_empty():
        st.info(f"Trygghetsundersökningen har inga svar från {name} än.")
        return
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
        say.survey_ring_caption(
            area_texts.bh_family_text(changes["n_tests"].to_list()),
            suppressed=bool(changes["suppressed"].any()),
        )
    )


def protective_areas(c: Criteria, *, year: int) -> None:
    """Skyddande områden: the three with least crime and unsafety, and how they differ."""
    st.markdown(
        "Metoden ber oss studera också områdena med **minst** brott och otrygghet: vad skyddar "
        "dem? Här jämförs de tre områden (med minst 1 000 invånare) som har lägst index av "
        "händelser per 1 000 invånare och andel otrygga, båda i förhållande till kommunen."
    )
    protective = aa.protective_areas(c.long, year=year, populations=c.indicators, n=3)
    if protective.is_empty():
        st.info("Det behövs både indikatorer och händelser för året för att jämföra områdena.")
        return
    area_views.show_table(
        area_views.protective_table(protective, names=c.names),
        name=f"skyddande-omraden-{year}",
        key="skydd_lista",
        decimals={"Index (1 = som kommunen)": 2},
    )
    comparison = area_views.protective_comparison_table(
        aa.protective_comparison(
            c.long,
            year=year,
            protective_ids=protective["area_id"].to_list(),
            populations=c.indicators,
        ),
        titles=c.titles,
    )
    st.subheader("Hur skiljer de sig från övriga områden?")
    area_views.show_table(comparison, name=f"skyddande-jamforelse-{year}", key="skydd")
    st.caption(
        "Befolkningsviktade medelvärden. Organiserad brottslighet: andel av invånarna som bor "
        "i ett område där den förekommer. Skillnaderna är samband, inte bevis på orsak: "
        "använd dem som hypoteser om skyddsfaktorer att pröva."
    )


def focus_proposal(c: Criteria, summary: pl.DataFrame, *, quarter: dt.date, today: dt.date):
    """Förslag till fokusområden: the score of every area and how it is made (returns the
    scores, which the choice below starts from)."""
    survey = area_data.survey_responses()
    survey_year = int(survey["year"].max()) if survey.height else None
    unsafety = (
        aa.survey_unsafety(survey, year=survey_year)
        if survey_year is not None
        else pl.DataFrame(
            schema={"area_id": pl.Int64, "share": pl.Float64, "municipal": pl.Float64}
        )
    )
    recent = area_data.recent_incident_counts(today)
    scores = aa.focus_scores(summary, trend=recent, unsafety=unsafety)
    st.subheader(f"Förslag till fokusområden för {aa.quarter_label(quarter)}")
    st.markdown(
        say.focus_score_rule(
            aa.FOCUS_WEIGHTS,
            window_start=recent["window_start"][0] if recent.height else None,
            window_end=recent["window_end"][0] if recent.height else None,
            survey_year=survey_year,
        )
    )
    area_views.show_table(
        area_views.focus_table(scores, names=c.names),
        name=f"fokusforslag-{quarter.isoformat()}",
        key="fokus",
        decimals={"Poäng": 2, "Trendpoäng": 2, "Otrygghetspoäng": 2},
    )
    return scores


def focus_choice(
    c: Criteria, scores: pl.DataFrame, history: pl.DataFrame, user, *, quarter, can_edit: bool
) -> None:
    """Välj fokusområden: three areas with a rationale each (analysts and admins)."""
    label = aa.quarter_label(quarter)
    st.subheader(f"Välj fokusområden för {label}")
    already = history.filter(pl.col("quarter_start") == quarter)
    if already.height:
        st.info(say.already_chosen(label, already.sort("rank")["area"].to_list()))
    if not can_edit:
        st.caption("Endast analytiker och administratörer kan registrera kvartalets fokusområden.")
        return
    proposal = scores["area_id"].to_list()
    with st.form("omraden_fokus"):
        picks = []
        for rank in (1, 2, 3):
            a_col, r_col = st.columns([1, 2])
            pick = a_col.selectbox(
                f"Fokusområde {rank}",
                proposal,
                index=rank - 1 if len(proposal) >= rank else 0,
                format_func=lambda i: c.names.get(i, str(i)),
                key=f"fokus_omrade_{rank}",
            )
            why = r_col.text_area(f"Motivering {rank}", key=f"fokus_motivering_{rank}", height=80)
            picks.append((rank, pick, why))
        record = st.form_submit_button("Registrera fokusområden", type="primary")
    if not record:
        return
    try:
        area_store.save_focus_areas(
            quarter,
            area_profile.focus_rows(picks, scores),
            user_id=user.id,
            username=user.username,
            role=user.role,
        )
    except ValueError as exc:
        log.exception("focus areas not recorded")
        st.warning(f"Fokusområdena registrerades inte: {exc}")
    else:
        area_data.clear_settings()
        st.session_state["omraden_flash"] = f"Fokusområdena för {label} är registrerade."
        st.rerun()


def focus_history(history: pl.DataFrame) -> None:
    """Tidigare kvartals fokusområden."""
    st.subheader("Tidigare kvartals fokusområden")
    if history.is_empty():
        st.info("Inga fokusområden är registrerade än.")
        return
    area_views.show_table(
        area_views.focus_history_table(history),
        name="fokusomraden",
        key="fokus_historik",
        decimals={"Poäng": 2},
        height=area_views.table_height(history.height, max_px=460),
    )
