"""The sections of the Närupprepning page (content/narupprepning.py): what to analyse, the Knox
test and its reading, the saved pattern, the active risk zones and the events calendar.

Decisions are made in :mod:`ostan_dash.analysis.nearrepeat_choice` and
:mod:`ostan_dash.analysis.nearrepeat`, sentences in :mod:`ostan_dash.ui.nearrepeat_narratives`;
the figures and tables come from :mod:`ostan_dash.ui.nearrepeat_views`. Writes go through the
store as the acting user.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.analysis import events as ev
from ostan_dash.analysis import nearrepeat as nr
from ostan_dash.analysis import nearrepeat_choice as choose
from ostan_dash.ingest import freetext
from ostan_dash.store import events as events_store
from ostan_dash.store import nearrepeat as nr_store
from ostan_dash.ui import charts, data, fmt, texts
from ostan_dash.ui import nearrepeat_narratives as say
from ostan_dash.ui import nearrepeat_views as views

METRIC_LABELS = {"manhattan": "Manhattan (längs gatorna)", "euclidean": "Fågelvägen"}


def _kind(incidents: pl.DataFrame) -> tuple[str, str, str | None] | None:
    kinds = choose.located_kinds(incidents)
    sources = choose.sources_of(kinds)
    if not sources:
        st.info("Det finns inga händelser med plats att analysera.")
        return None
    c1, c2, c3 = st.columns([4, 3, 3])  # the two sources side by side, uncut
    source = (
        c1.segmented_control(
            "Källa",
            sources,
            default=sources[0],
            format_func=texts.SOURCE_LABELS.get,
            key="nr_kalla",
        )
        or sources[0]
    )
    categories = kinds.filter(pl.col("source") == source)["category"].to_list()
    if not categories:
        st.info("Det finns inga händelser med plats från den källan.")
        return None
    police = source == "polis"
    label_of = (lambda c: vocab.POLICE_GROUPS.get(c, c)) if police else vocab.category_label
    category = c2.selectbox(
        "Brottsgrupp" if police else "Kategori",
        categories,
        index=categories.index(choose.default_category(categories)),
        format_func=label_of,
        key=f"nr_kategori_{source}",
    )
    subtype = c3.selectbox(
        "Brottstyp" if police else "Undertyp",
        [None, *choose.subtypes_of(incidents, source=source, category=category)],
        format_func=lambda s: (
            "Alla" if s is None else (s if police else vocab.SUBTYPES.get(category, {}).get(s, s))
        ),
        key=f"nr_undertyp_{source}_{category}",
    )
    return source, category, subtype


def what_to_analyse(incidents: pl.DataFrame, today: dt.date) -> choose.Choice | None:
    """Source, kind, period, distance, permutations and bands (None: nothing to analyse)."""
    kind = _kind(incidents)
    if kind is None:
        return None
    c1, c2, c3 = st.columns([3, 3, 2])  # both distance choices uncut
    period = c1.date_input(
        "Period (händelsens första dag)",
        value=(today - dt.timedelta(days=365), today),
        max_value=today,
        format="YYYY-MM-DD",
        key="nr_period",
    )
    start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (today, today)
    metric = (
        c2.segmented_control(
            "Avstånd",
            list(nr.METRICS),
            default="manhattan",
            format_func=METRIC_LABELS.get,
            key="nr_matt",
        )
        or "manhattan"
    )
    permutations = c3.selectbox(
        "Omslumpningar", [99, 199, 499, 999], index=3, format_func=fmt.number, key="nr_perm"
    )
    c1, c2, c3, c4, c5 = st.columns(5)
    d_width = c1.number_input("Avståndsband (m)", 10, 2000, 100, step=10, key="nr_dbredd")
    d_count = c2.number_input("Antal avståndsband", 1, 10, 3, key="nr_dantal")
    same_place = c3.checkbox("Samma plats som eget band", value=True, key="nr_samma")
    t_width = c4.number_input("Tidsband (dagar)", 1, 60, 7, key="nr_tbredd")
    t_count = c5.number_input("Antal tidsband", 1, 10, 3, key="nr_tantal")
    return choose.Choice(
        *kind,
        start=start,
        end=end,
        metric=metric,
        permutations=int(permutations),
        distance_bands=tuple(
            nr.bands_of_width(float(d_width), int(d_count), same_place=same_place)
        ),
        time_bands=tuple(nr.bands_of_width(float(t_width), int(t_count))),
    )


def selection(incidents: pl.DataFrame, c: choose.Choice) -> pl.DataFrame | None:
    """The chosen incidents and their pairs (None: too few or too many for a Knox test)."""
    chosen = choose.select(incidents, c)
    label = views.kind_label(c.source, c.category, c.subtype)
    st.markdown(
        say.selection_text(label, c.start, c.end, chosen.height, choose.pairs(chosen.height))
    )
    problem = choose.size_problem(chosen.height)
    if problem == "few":
        st.info(
            "För få händelser för ett Knox-test (minst 20). Välj en längre period eller ett "
            "vidare slag."
        )
        return None
    if problem == "many":
        st.warning(
            "Fler än 20 000 händelser: välj en kortare period eller ett smalare slag (beräkningen "
            "växer med antalet par)."
        )
        return None
    return chosen


def knox(c: choose.Choice, chosen: pl.DataFrame, version: object) -> nr.KnoxResult:
    """The Knox test, once per choice and data version (kept in the session), with progress."""
    key = (c, version)
    memo = st.session_state.setdefault("nr_results", {})
    if key not in memo:
        bar = st.progress(0.0, text="Slumpar om tiderna …")

        def step(done: int, total: int) -> None:
            bar.progress(
                done / total, text=f"Omslumpning {fmt.number(done)} av {fmt.number(total)}"
            )

        memo.clear()  # one result per session is enough
        memo[key] = nr.knox_test(
            chosen["x"].to_numpy(),
            chosen["y"].to_numpy(),
            chosen["occurred_from"].dt.date(),
            distance_bands=list(c.distance_bands),
            time_bands=list(c.time_bands),
            metric=c.metric,
            permutations=c.permutations,
            progress=step,
        )
        bar.empty()
    return memo[key]


def reading(result: nr.KnoxResult, reading_text: str | None) -> None:
    """The reading, the permutation warning, the method, the heat map and the cell table."""
    if reading_text:
        st.success(f"**{reading_text}.**")
    else:
        st.info(
            "Inget närupprepningsmönster: ingen kombination av avstånd och tid har signifikant "
            "fler par än väntat efter korrektionen för antalet celler."
        )
    n_tested = int(nr.tested_cells(result).sum())
    if choose.too_few_permutations(result.permutations, n_tested, alpha=nr.ALPHA):
        st.warning(
            say.permutations_warning(
                result.permutations, choose.smallest_p(result.permutations), n_tested
            )
        )
    st.caption(nr.method_text(result))
    st.plotly_chart(
        views.heatmap(result), config=charts.PLOTLY_CONFIG, width="stretch", key="nr_heatmap"
    )
    st.dataframe(views.result_table(result), hide_index=True, width="stretch", key="nr_tabell")
    st.caption(
        "Banden är [nedre, övre): ”100–<200 m” är minst 100 och under 200 meter, ”0–<7 dagar” "
        "samma dag till sex dagar senare. Tiden är dagen då händelsens tidsfönster börjar."
    )


def saved_pattern(
    c: choose.Choice,
    result: nr.KnoxResult,
    found: nr.Pattern | None,
    reading_text: str | None,
    saved: pl.DataFrame,
    user,
    *,
    may_write: bool,
) -> None:
    """The pattern saved for this kind's risk zones; save or remove it (analysts, admins)."""
    selection_key = nr_store.selection_key(c.source, c.category, c.subtype)
    current = saved.filter(pl.col("selection") == selection_key)
    if not current.is_empty():
        row = current.row(0, named=True)
        st.caption(say.saved_pattern_text(row["reading"], row["period_from"], row["period_to"]))
    if not may_write:
        return
    b1, b2 = st.columns(2)
    if found and reading_text and b1.button("Spara mönstret för riskzoner", key="nr_spara"):
        nr_store.save_pattern(
            source=c.source,
            category=c.category,
            subtype=c.subtype,
            label=views.kind_label(c.source, c.category, c.subtype),
            distance_m=found.distance_m,
            days=found.days,
            metric=found.metric,
            ratio=found.ratio,
            n_events=result.n_events,
            permutations=result.permutations,
            period_from=c.start,
            period_to=c.end,
            reading=reading_text,
            user_id=user.id,
            username=user.username,
            role=user.role,
        )
        views.clear()
        st.rerun()
    if not current.is_empty() and b2.button("Ta bort sparat mönster", key="nr_tabort"):
        nr_store.delete_pattern(
            selection_key, user_id=user.id, username=user.username, role=user.role
        )
        views.clear()
        st.rerun()


def risk_zones(saved: pl.DataFrame, today: dt.date) -> None:
    """Riskzoner just nu: a zone around every new incident of a kind with a saved pattern."""
    st.subheader("Riskzoner just nu")
    zones = views.active_zones(today, *views.zone_key())
    if saved.is_empty():
        st.info(
            "Inget mönster är sparat. När en analys visar ett signifikant mönster kan en "
            "analytiker spara det; varje ny händelse av samma slag ger då en riskzon."
        )
    elif zones.is_empty():
        st.info(f"Inga aktiva riskzoner {fmt.date(today)}.")
    else:
        st.caption(
            "Varje händelse av ett slag med sparat mönster ger en zon: dess plats, mönstrets "
            "avstånd och tid. Zoner där en ny händelse redan inträffat inom en tidigare zon är "
            "markerade."
        )
        st.pydeck_chart(views.zone_deck(zones, data.areas()), key="nr_karta")
        st.dataframe(views.zone_table(zones), hide_index=True, width="stretch", key="nr_zoner")


def events_calendar(incidents: pl.DataFrame, today: dt.date) -> None:
    """Evenemangskalender: the events of the next 60 days, and what happened around earlier
    events of a kind against the same weekday and hours 1–4 weeks before."""
    st.subheader("Evenemangskalender")
    calendar = views.calendar()
    horizon = today + dt.timedelta(days=60)
    upcoming = ev.occurrences(calendar, today, horizon)
    if upcoming.is_empty():
        st.info(f"Inga evenemang i kalendern {fmt.date(today)}–{fmt.date(horizon)}.")
        return
    st.dataframe(views.occurrence_table(upcoming), hide_index=True, width="stretch", key="nr_ev")

    kinds_ahead = list(dict.fromkeys(upcoming["kind"].to_list()))
    c1, c2, c3, c4 = st.columns(4)
    ev_kind = c1.selectbox("Tidigare tillfällen av slaget", kinds_ahead, format_func=ev.KINDS.get)
    radius = c2.number_input("Radie (m)", 100, 3000, 500, step=100, key="nr_ev_radie")
    before = c3.number_input("Timmar före", 0, 24, 2, key="nr_ev_fore")
    after = c4.number_input("Timmar efter", 0, 48, 4, key="nr_ev_efter")
    past = ev.occurrences(
        calendar.filter(pl.col("kind") == ev_kind), today - dt.timedelta(days=3 * 365), today
    ).filter(pl.col("ends_at").dt.date() < today)
    if past.is_empty():
        st.caption("Inga tidigare tillfällen av det slaget i kalendern.")
        return
    around = ev.incidents_around(
        incidents, past, radius_m=radius, hours_before=before, hours_after=after
    )
    st.dataframe(views.around_table(around), hide_index=True, width="stretch")
    st.caption(say.around_caption(radius, before, after))


def new_event(user, today: dt.date) -> None:
    """Lägg till evenemang: name, kind, place, day and hours, crowd and yearly recurrence."""
    with st.expander("Lägg till evenemang"):
        place_rows = views.all_places()
        with st.form("nr_nytt_evenemang", clear_on_submit=True):
            title = st.text_input("Namn", max_chars=200)
            f1, f2 = st.columns(2)
            kind = f1.selectbox("Slag", list(ev.KINDS), format_func=ev.KINDS.get)
            place_id = f2.selectbox(
                "Plats",
                place_rows["id"].to_list(),
                format_func=dict(
                    zip(place_rows["id"].to_list(), place_rows["name"].to_list(), strict=True)
                ).get,
            )
            f1, f2, f3 = st.columns(3)
            day = f1.date_input("Dag", value=today, format="YYYY-MM-DD")
            t_start = f2.time_input("Börjar", value=dt.time(18, 0))
            t_end = f3.time_input("Slutar", value=dt.time(22, 0))
            f1, f2 = st.columns(2)
            crowd = f1.number_input("Väntat antal besökare", 0, 1_000_000, 0, step=50)
            rule = f2.selectbox(
                "Återkommer varje år",
                [None, *ev.RULES],
                format_func=lambda r: "Nej" if r is None else ev.RULES[r],
            )
            if st.form_submit_button("Spara evenemanget"):
                _save_event(user, title, kind, place_id, day, t_start, t_end, crowd, rule)


def _save_event(user, title, kind, place_id, day, t_start, t_end, crowd, rule) -> None:
    found_problems = freetext.problems(title, subject="Namnet", multiline=False)
    start_at, end_at = choose.event_window(day, t_start, t_end, tz=config.TZ)
    if not title.strip():
        st.error("Ange evenemangets namn.")
    elif found_problems:
        st.error(" ".join(found_problems))
    else:
        events_store.add_event(
            title=title,
            kind=kind,
            starts_at=start_at,
            ends_at=end_at,
            place_id=place_id,
            expected_crowd=int(crowd) or None,
            recurrence=rule,
            user_id=user.id,
            username=user.username,
            role=user.role,
        )
        views.calendar.clear()
        st.success("Evenemanget är sparat.")
