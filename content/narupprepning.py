"""Närupprepning: does one incident foretell another close by, soon after? Knox test, reading,
risk zones around the latest incidents, and the events calendar."""

import datetime as dt

import polars as pl
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.analysis import events as ev
from ostan_dash.analysis import nearrepeat as nr
from ostan_dash.ingest import freetext
from ostan_dash.store import events as events_store
from ostan_dash.store import nearrepeat as nr_store
from ostan_dash.ui import charts, data, fmt, login, navigation, texts
from ostan_dash.ui import nearrepeat_views as views

user = login.page_user("narupprepning")
may_write = navigation.may_write(user.role, "narupprepning")
today = config.today()

st.title("Närupprepning")
st.caption(
    "Leder en händelse till fler i närheten strax efteråt? Alla par av händelser räknas efter "
    "avstånd och tid mellan dem och jämförs med vad som vore väntat om platser och tider inte "
    "hängde ihop (tiderna slumpas om mellan platserna). Ett mönster ger riskzoner kring nya "
    "händelser av samma slag."
)

incidents = data.incidents()
if incidents.is_empty():
    st.info(texts.EMPTY_DATA)
    st.stop()

# What to analyse ------------------------------------------------------------------------------
kinds = (
    incidents.filter(pl.col("x").is_not_null())
    .group_by(pl.col("source").cast(pl.Utf8), pl.col("category").cast(pl.Utf8))
    .len()
    .sort("source", "category", descending=[True, False])
)
# Police crimes come with their points only to those the database shows them to (sql/014).
sources = [s for s in ("polis", "est") if (kinds["source"] == s).any()]
if not sources:
    st.info("Det finns inga händelser med plats att analysera.")
    st.stop()
c1, c2, c3 = st.columns([4, 3, 3])  # the two sources side by side, uncut
source = (
    c1.segmented_control(
        "Källa", sources, default=sources[0], format_func=texts.SOURCE_LABELS.get, key="nr_kalla"
    )
    or sources[0]
)
categories = kinds.filter(pl.col("source") == source)["category"].to_list()
if not categories:
    st.info("Det finns inga händelser med plats från den källan.")
    st.stop()
default_cat = "inbrott" if "inbrott" in categories else categories[0]
label_of = (lambda c: vocab.POLICE_GROUPS.get(c, c)) if source == "polis" else vocab.category_label
category = c2.selectbox(
    "Brottsgrupp" if source == "polis" else "Kategori",
    categories,
    index=categories.index(default_cat),
    format_func=label_of,
    key=f"nr_kategori_{source}",
)
subtypes = (
    incidents.filter(
        (pl.col("source") == source)
        & (pl.col("category").cast(pl.Utf8) == category)
        & pl.col("subtype").is_not_null()
    )["subtype"]
    .unique()
    .sort()
    .to_list()
)
subtype = c3.selectbox(
    "Brottstyp" if source == "polis" else "Undertyp",
    [None, *subtypes],
    format_func=lambda s: (
        "Alla"
        if s is None
        else (s if source == "polis" else vocab.SUBTYPES.get(category, {}).get(s, s))
    ),
    key=f"nr_undertyp_{source}_{category}",
)

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
        format_func={"manhattan": "Manhattan (längs gatorna)", "euclidean": "Fågelvägen"}.get,
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
distance_bands = nr.bands_of_width(float(d_width), int(d_count), same_place=same_place)
time_bands = nr.bands_of_width(float(t_width), int(t_count))

selection = incidents.filter(
    (pl.col("source") == source)
    & (pl.col("category").cast(pl.Utf8) == category)
    & (pl.col("subtype") == subtype if subtype else pl.lit(True))
    & pl.col("x").is_not_null()
    & pl.col("occurred_from").dt.date().is_between(start, end)
)
label = views.kind_label(source, category, subtype)
noun = views.noun_of(source, category, subtype)
st.markdown(
    f"**{label}**, {fmt.date(start)}–{fmt.date(end)}: {fmt.number(selection.height)} händelser "
    f"med plats, {fmt.number(selection.height * (selection.height - 1) // 2)} par."
)
if selection.height < 20:
    st.info(
        "För få händelser för ett Knox-test (minst 20). Välj en längre period eller ett vidare slag."
    )
    st.stop()
if selection.height > 20_000:
    st.warning(
        "Fler än 20 000 händelser: välj en kortare period eller ett smalare slag (beräkningen "
        "växer med antalet par)."
    )
    st.stop()

# The Knox test, once per choice (kept in the session) ------------------------------------------
key = (
    source,
    category,
    subtype,
    start,
    end,
    metric,
    permutations,
    tuple(distance_bands),
    tuple(time_bands),
    data.version(incidents),
)
memo = st.session_state.setdefault("nr_results", {})
if key not in memo:
    bar = st.progress(0.0, text="Slumpar om tiderna …")

    def step(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Omslumpning {fmt.number(done)} av {fmt.number(total)}")

    memo.clear()  # one result per session is enough
    memo[key] = nr.knox_test(
        selection["x"].to_numpy(),
        selection["y"].to_numpy(),
        selection["occurred_from"].dt.date(),
        distance_bands=distance_bands,
        time_bands=time_bands,
        metric=metric,
        permutations=int(permutations),
        progress=step,
    )
    bar.empty()
result: nr.KnoxResult = memo[key]
found = nr.pattern(result)
reading = nr.reading(found, noun=noun)

if reading:
    st.success(f"**{reading}.**")
else:
    st.info(
        "Inget närupprepningsmönster: ingen kombination av avstånd och tid har signifikant fler "
        "par än väntat efter korrektionen för antalet celler."
    )
n_tested = int(nr.tested_cells(result).sum())
if 1 / (result.permutations + 1) > nr.ALPHA / max(n_tested, 1):
    st.warning(
        f"Med {fmt.number(result.permutations)} omslumpningar är minsta möjliga p "
        f"{fmt.number(1 / (result.permutations + 1), 3)}, för stort för att en ensam cell ska "
        f"klara korrektionen över {n_tested} celler. Välj 999 omslumpningar."
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

saved = views.saved_patterns()
selection_key = nr_store.selection_key(source, category, subtype)
current = saved.filter(pl.col("selection") == selection_key)
if not current.is_empty():
    row = current.row(0, named=True)
    st.caption(
        f"Sparat mönster för riskzoner: {row['reading']} (period {fmt.date(row['period_from'])}–"
        f"{fmt.date(row['period_to'])})."
    )
if may_write:
    b1, b2 = st.columns(2)
    if found and reading and b1.button("Spara mönstret för riskzoner", key="nr_spara"):
        nr_store.save_pattern(
            source=source,
            category=category,
            subtype=subtype,
            label=label,
            distance_m=found.distance_m,
            days=found.days,
            metric=found.metric,
            ratio=found.ratio,
            n_events=result.n_events,
            permutations=result.permutations,
            period_from=start,
            period_to=end,
            reading=reading,
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

# Active risk zones -----------------------------------------------------------------------------
st.subheader("Riskzoner just nu")
zones = views.active_zones(today, data.sees_police_rows())
if saved.is_empty():
    st.info(
        "Inget mönster är sparat. När en analys visar ett signifikant mönster kan en analytiker "
        "spara det; varje ny händelse av samma slag ger då en riskzon."
    )
elif zones.is_empty():
    st.info(f"Inga aktiva riskzoner {fmt.date(today)}.")
else:
    st.caption(
        "Varje händelse av ett slag med sparat mönster ger en zon: dess plats, mönstrets avstånd "
        "och tid. Zoner där en ny händelse redan inträffat inom en tidigare zon är markerade."
    )
    st.pydeck_chart(views.zone_deck(zones, data.areas()), key="nr_karta")
    st.dataframe(views.zone_table(zones), hide_index=True, width="stretch", key="nr_zoner")

# Events calendar -------------------------------------------------------------------------------
st.subheader("Evenemangskalender")
calendar = views.calendar()
horizon = today + dt.timedelta(days=60)
upcoming = ev.occurrences(calendar, today, horizon)
if upcoming.is_empty():
    st.info(f"Inga evenemang i kalendern {fmt.date(today)}–{fmt.date(horizon)}.")
else:
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
    else:
        around = ev.incidents_around(
            incidents, past, radius_m=radius, hours_before=before, hours_after=after
        )
        st.dataframe(views.around_table(around), hide_index=True, width="stretch")
        st.caption(
            f"Alla händelser (EST-rapporter och de polisanmälda brott du ser med plats) inom "
            f"{fmt.number(radius)} m från {fmt.number(before)} timmar före till "
            f"{fmt.number(after)} timmar efter, mot medelvärdet för samma veckodag och timmar "
            "1–4 veckor tidigare på samma plats."
        )

if may_write:
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
                found_problems = freetext.problems(title, subject="Namnet", multiline=False)
                start_at = dt.datetime.combine(day, t_start, tzinfo=config.TZ)
                end_at = dt.datetime.combine(day, t_end, tzinfo=config.TZ)
                if end_at <= start_at:
                    end_at += dt.timedelta(days=1)  # over midnight
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
