"""Problembilder: prioritise problem pictures by the six criteria and record their cause analysis."""

import datetime as dt
import uuid

import polars as pl
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.analysis import problems as ap
from ostan_dash.ingest import freetext
from ostan_dash.store import as_user
from ostan_dash.store import problems as sp
from ostan_dash.ui import data, export, fmt, login, navigation
from ostan_dash.ui.filters import Filters, follow
from ostan_dash.ui.safe_text import plain_markdown

TTL = 120


CHOICES = {True: "Uppfyllt", False: "Ej uppfyllt", None: "Ej bedömt"}

st.title("Problembilder")
user = login.page_user("problembilder")
can_write = navigation.may_write(user.role, "problembilder")
today = config.today()


@st.cache_data(ttl=TTL, show_spinner="Läser problembilder …")
def load_problems() -> tuple[pl.DataFrame, pl.DataFrame]:
    return sp.problems(), sp.criteria()


@st.cache_data(ttl=TTL, show_spinner=False)
def load_settings() -> tuple[dict, dict]:
    return dict(sp.setting("unit_costs", {})), dict(sp.setting("criteria_thresholds", {}))


@st.cache_data(ttl=TTL, show_spinner=False)
def load_library() -> tuple[pl.DataFrame, pl.DataFrame]:
    return sp.knowledge_sources(), sp.intervention_types()


@st.cache_data(ttl=TTL, show_spinner="Beräknar förslag ur rapporterna …")
def load_proposals(problem_id: int, reference: dt.date, unit_costs: dict, limits: dict):
    """Data-based proposals for criteria 1, 2, 4 and 5, as at ``reference``."""
    lim = ap.thresholds(limits)
    incidents = sp.problem_incidents(
        problem_id, reference - dt.timedelta(days=730), reference - dt.timedelta(days=1)
    )
    near = sp.places_near(
        problem_id,
        reference - dt.timedelta(days=365),
        reference - dt.timedelta(days=1),
        radius_m=lim["naerhet_m"],
    )
    proposals = ap.propose_criteria(
        incidents, near, reference=reference, unit_costs=unit_costs, criteria_thresholds=limits
    )
    return proposals, incidents.height


def clear() -> None:
    load_problems.clear()
    load_proposals.clear()


problems, criteria = load_problems()
unit_costs, limits = load_settings()
areas = data.areas()
area_names = dict(zip(areas["area_id"].to_list(), areas["name"].to_list(), strict=True))

st.caption(
    "Ju fler av de sex prioriteringskriterierna en problembild uppfyller, desto högre prioritet. "
    "Kriterierna 1, 2, 4 och 5 föreslås ur rapporterna; 3 och 6 är bedömningar. Bara "
    "analytikerns beslut räknas i rangordningen."
)

# Ranking --------------------------------------------------------------------------------------
ranked = ap.rank_problems(problems, criteria)
st.subheader("Rangordning av öppna problembilder")
if ranked.is_empty():
    st.info(
        "Det finns inga öppna problembilder. Skapa en under **Ny problembild** nedan – eller "
        "från kartan med dess urval."
    )
else:
    export.table(
        ranked.select(
            pl.col("rank").alias("Plats"),
            pl.col("title").alias("Problembild"),
            pl.col("status")
            .replace_strict(ap.STATUS_LABELS, default=pl.col("status"))
            .alias("Status"),
            pl.col("met").alias("Uppfyllda kriterier"),
            pl.col("met_criteria").alias("Vilka"),
            pl.col("undecided").alias("Ej bedömda"),
            pl.col("owner_org").alias("Ägare"),
            pl.col("n_interventions").alias("Insatser"),
        ),
        name=f"problembilder-rangordning-{today.isoformat()}",
        key="pb_rank",
        # Widths that fit every column beside the sidebar at 1280 px (issue 12).
        column_config={
            "Plats": st.column_config.NumberColumn(width=50),
            "Problembild": st.column_config.TextColumn(width=220),
            "Status": st.column_config.TextColumn(width=75),
            "Uppfyllda kriterier": st.column_config.NumberColumn(
                "Uppfyllda", width=75, help="Uppfyllda kriterier (analytikerns beslut)"
            ),
            "Vilka": st.column_config.TextColumn(width=95, help="Vilka kriterier som är uppfyllda"),
            "Ej bedömda": st.column_config.NumberColumn(width=75),
            "Ägare": st.column_config.TextColumn(width=120),
            "Insatser": st.column_config.NumberColumn(width=65),
        },
    )

# One problem picture -------------------------------------------------------------------------
created = st.session_state.pop("pb_created", None)  # (id, title) of one just made below
if not problems.is_empty():
    titles = dict(zip(problems["problem_id"].to_list(), problems["title"].to_list(), strict=True))
    order = ranked["problem_id"].to_list() + [
        p for p in titles if p not in set(ranked["problem_id"])
    ]
    url_id = st.query_params.get("problem", "")
    default = order.index(int(url_id)) if url_id.isdigit() and int(url_id) in order else 0
    if created and created[0] in order:
        # Just made with the form below: select it (the widget keeps its own value otherwise).
        st.session_state["pb_pick"] = created[0]
        st.success(f"Problembilden ”{created[1]}” är skapad och vald. Gå igenom kriterierna.")
    chosen = st.selectbox(
        "Välj problembild",
        order,
        index=default,
        format_func=lambda p: (
            f"{titles[p]} ({ap.STATUS_LABELS.get(problems.filter(pl.col('problem_id') == p)['status'].item(), '')})"
        ),
        key="pb_pick",
    )
    st.query_params["problem"] = str(chosen)
    pb = problems.filter(pl.col("problem_id") == chosen).row(0, named=True)
    reference = min(today, pb["period_to"] + dt.timedelta(days=1)) if pb["period_to"] else today

    st.header(pb["title"])
    hours = (
        f"{pb['hour_from']:02d}–{pb['hour_to']:02d}"
        if pb["hour_from"] is not None and pb["hour_to"] is not None
        else "alla tider"
    )
    days = ", ".join(fmt.WEEKDAYS[d - 1] for d in pb["weekdays"]) or "alla dagar"
    st.markdown(
        f"{plain_markdown(pb['description'], empty='')}  \n"
        f"**Urval:** {', '.join(vocab.category_label(c) for c in pb['categories']) or 'alla kategorier'}"
        + (f" ({', '.join(pb['subtypes'])})" if pb["subtypes"] else "")
        + f" · {pb['areas'] or 'hela kommunen'}"
        + (" · avgränsad plats" if pb["has_geom"] else "")
        + f" · {days}, {hours}  \n"
        f"**Status:** {ap.STATUS_LABELS.get(pb['status'], pb['status'])} · **Ägare:** {pb['owner_org'] or '–'}"
    )

    tab_crit, tab_cause, tab_lib = st.tabs(["Kriterier", "Orsaksanalys", "Kunskapsbank"])

    with tab_crit:
        proposals, n_incidents = load_proposals(chosen, reference, unit_costs, limits)
        st.caption(
            f"Förslag beräknade per {fmt.date(reference)} ur {fmt.count(n_incidents, 'händelse', 'händelser')} "
            "i urvalet de senaste två åren."
        )
        stored = {
            r["criterion"]: r
            for r in criteria.filter(pl.col("problem_id") == chosen).iter_rows(named=True)
        }
        crit_table = proposals.with_columns(
            pl.col("criterion")
            .map_elements(lambda k: CHOICES[stored.get(k, {}).get("met")], return_dtype=pl.Utf8)
            .alias("Beslut"),
            pl.col("criterion")
            .map_elements(
                lambda k: stored.get(k, {}).get("justification") or "", return_dtype=pl.Utf8
            )
            .alias("Motivering"),
            pl.col("proposed")
            .replace_strict(
                {True: "Uppfyllt", False: "Ej uppfyllt"}, default="Bedömning", return_dtype=pl.Utf8
            )
            .alias("Förslag"),
        ).select(
            pl.col("criterion").alias("Kriterium"),
            pl.col("name").alias("Beskrivning"),
            "Förslag",
            pl.col("basis").alias("Underlag"),
            "Beslut",
            "Motivering",
        )
        n_met = sum(1 for r in stored.values() if r["met"])
        st.metric("Uppfyllda kriterier (beslut)", f"{n_met} av 6")
        export.table(
            crit_table,
            name=f"problembild-{chosen}-kriterier",
            key="pb_crit",
            column_config={
                "Kriterium": st.column_config.NumberColumn("Nr", width=40, help="Kriterium"),
                "Beskrivning": st.column_config.TextColumn(width=190),
                "Förslag": st.column_config.TextColumn(width=90),
                "Underlag": st.column_config.TextColumn(width=210),
                "Beslut": st.column_config.TextColumn(width=90),
                "Motivering": st.column_config.TextColumn(width=165),
            },
        )

        if can_write:
            with st.form("pb_decide"):
                st.markdown(
                    "**Bekräfta eller ändra bedömningen** – motivera när du avviker från förslaget."
                )
                decisions = {}
                for r in proposals.iter_rows(named=True):
                    k = r["criterion"]
                    prev = stored.get(k, {})
                    current = prev.get("met") if prev.get("met") is not None else r["proposed"]
                    c1, c2 = st.columns([1, 2])
                    choice = c1.radio(
                        f"{k}. {r['name']}",
                        list(CHOICES),
                        index=list(CHOICES).index(current),
                        format_func=CHOICES.get,
                        horizontal=True,
                        key=f"pb_met_{chosen}_{k}",
                    )
                    why = c2.text_input(
                        "Motivering",
                        value=prev.get("justification") or "",
                        key=f"pb_why_{chosen}_{k}",
                        max_chars=500,
                    )
                    decisions[k] = (choice, why, r["proposed"], r["basis"])
                if st.form_submit_button("Spara bedömningen", type="primary"):
                    problems_found = [
                        k
                        for k, (met, why, proposed, _) in decisions.items()
                        if met is not None
                        and proposed is not None
                        and met != proposed
                        and not why.strip()
                    ]
                    refused = [
                        m
                        for k, (_, why, _, _) in decisions.items()
                        for m in freetext.problems(
                            why, subject=f"Motiveringen för kriterium {k}", multiline=False
                        )
                    ]
                    if problems_found:
                        st.error(
                            "Motivera avvikelsen från förslaget för kriterium "
                            + ", ".join(str(k) for k in problems_found)
                            + "."
                        )
                    elif refused:
                        st.error(" ".join(refused))
                    else:
                        with as_user(user.id, user.role) as conn:
                            for k, (met, why, proposed, basis) in decisions.items():
                                sp.save_criterion(
                                    chosen,
                                    k,
                                    proposed=proposed,
                                    proposed_basis=basis,
                                    met=met,
                                    justification=why,
                                    user_id=user.id,
                                    username=user.username,
                                    conn=conn,
                                )
                        clear()
                        st.success("Bedömningen är sparad.")
                        st.rerun()

    sources, types = load_library()
    with tab_cause:
        ca = sp.cause_analysis(chosen) or {
            "known_facts": "",
            "hypotheses": [],
            "evidence_ids": [],
            "conclusion": "",
            **dict.fromkeys(ap.TRIANGLE),
            "updated_by": None,
            "updated_at": None,
        }
        st.markdown(
            "Enligt Brås vägledning *Orsaksanalys i lokalt brottsförebyggande arbete*: vad vet vi om "
            "platsen eller gruppen, vilka orsaker kan förklara problemet, vad säger kunskapen, och "
            "vilken slutsats drar vi för valet av insats?"
        )
        st.markdown(f"**Vad vi vet om platsen/gruppen:** {plain_markdown(ca['known_facts'])}")
        st.markdown("**Problemtriangeln**")
        # Each inner side (plats, förövare, mål) above the one who can act on it.
        sides = list(ap.TRIANGLE)
        for col, (inner, outer) in zip(
            st.columns(3), zip(sides[::2], sides[1::2], strict=True), strict=True
        ):
            col.markdown(
                f"**{ap.TRIANGLE[inner]}:** {plain_markdown(ca[inner])}  \n"
                f"*{ap.TRIANGLE[outer]}:* {plain_markdown(ca[outer])}"
            )
        hyp = pl.DataFrame(
            [
                {"Hypotes": h.get("hypotes", ""), "Stöd": h.get("stod", "")}
                for h in ca["hypotheses"]
            ],
            schema={"Hypotes": pl.Utf8, "Stöd": pl.Utf8},
        )
        if hyp.is_empty():
            st.info("Inga orsakshypoteser än.")
        else:
            st.markdown("**Orsakshypoteser och stöd**")
            st.dataframe(hyp, hide_index=True, width="stretch")
        used = sources.filter(pl.col("source_id").is_in(ca["evidence_ids"]))
        st.markdown(
            "**Kunskap som använts:** "
            + (
                "; ".join(f"{r['title']} ({r['publisher']})" for r in used.iter_rows(named=True))
                or "–"
            )
        )
        st.markdown(f"**Slutsats:** {plain_markdown(ca['conclusion'])}")
        if st.session_state.pop("pb_cause_saved", None) == chosen:
            st.success("Orsaksanalysen är sparad.")
        if ca["updated_by"]:
            st.caption(
                f"Senast ändrad av {ca['updated_by']} {fmt.datetime_local(ca['updated_at'])}."
            )
        if can_write:
            # Text areas, not an editable grid: a grid cell keeps its text only after Enter or a
            # click in another cell, so text typed just before "Spara" was lost (issue 12). The
            # keys carry the version, so after a save the fields show what was stored.
            version = f"{chosen}_{ca['updated_at'].timestamp() if ca['updated_at'] else 'ny'}"
            with st.form(f"pb_cause_{version}"):
                facts = st.text_area("Vad vi vet om platsen/gruppen", value=ca["known_facts"] or "")
                st.markdown(
                    "**Problemtriangeln** – platsen, förövaren och målet eller offret, och de som "
                    "kan påverka var och en. Beskriv roller, inte personer."
                )
                triangle = {}
                for col, pair in zip(
                    st.columns(3), zip(sides[::2], sides[1::2], strict=True), strict=True
                ):
                    for k in pair:
                        triangle[k] = col.text_area(
                            ap.TRIANGLE[k],
                            value=ca[k] or "",
                            height=90,
                            max_chars=2000,
                            key=f"pb_tri_{version}_{k}",
                        )
                st.markdown(
                    "**Orsakshypoteser och stöd** – en hypotes per rad; lämna raden tom om den inte "
                    "behövs. Spara för att få fler tomma rader."
                )
                slots = [(h.get("hypotes", ""), h.get("stod", "") or "") for h in ca["hypotheses"]]
                slots += [("", "")] * max(2, 3 - len(slots))
                typed = []
                for i, (h, stod) in enumerate(slots, 1):
                    c1, c2 = st.columns(2)
                    typed.append(
                        (
                            c1.text_area(
                                f"Hypotes {i}", value=h, height=70, key=f"pb_hyp_{version}_{i}"
                            ),
                            c2.text_area(
                                f"Stöd för hypotes {i}",
                                value=stod,
                                height=70,
                                key=f"pb_stod_{version}_{i}",
                            ),
                        )
                    )
                src_opts = dict(
                    zip(sources["source_id"].to_list(), sources["title"].to_list(), strict=True)
                )
                evidence = st.multiselect(
                    "Kunskapskällor",
                    list(src_opts),
                    default=[e for e in ca["evidence_ids"] if e in src_opts],
                    format_func=src_opts.get,
                    select_all=False,
                    placeholder="Välj kunskapskällor",
                )
                conclusion = st.text_area("Slutsats", value=ca["conclusion"] or "")
                if st.form_submit_button("Spara orsaksanalysen", type="primary"):
                    hypotheses = [{"hypotes": h, "stod": stod} for h, stod in typed]
                    texts = {"Vad vi vet": facts, "Slutsatsen": conclusion}
                    texts |= {
                        f"Problemtriangelns fält ”{ap.TRIANGLE[k]}”": v for k, v in triangle.items()
                    }
                    for i, (h, stod) in enumerate(typed, 1):
                        texts[f"Hypotes {i}"] = h
                        texts[f"Stödet för hypotes {i}"] = stod
                    orphans = [
                        str(i)
                        for i, (h, stod) in enumerate(typed, 1)
                        if stod.strip() and not h.strip()
                    ]
                    try:
                        if orphans:
                            raise ValueError(
                                "Skriv hypotesen till stödet på rad " + ", ".join(orphans) + "."
                            )
                        freetext.ensure_clean(texts)
                    except ValueError as exc:
                        st.error(str(exc))
                    else:
                        with as_user(user.id, user.role) as conn:
                            sp.save_cause_analysis(
                                chosen,
                                known_facts=facts or None,
                                hypotheses=hypotheses,
                                evidence_ids=evidence,
                                conclusion=conclusion or None,
                                triangle=triangle,
                                user_id=user.id,
                                username=user.username,
                                conn=conn,
                            )
                        # Shown after the rerun (a message before st.rerun is never seen).
                        st.session_state["pb_cause_saved"] = chosen
                        st.rerun()

    with tab_lib:
        st.markdown("**Insatstyper och deras evidens**")
        export.table(
            types.select(
                pl.col("name").alias("Insatstyp"),
                pl.col("kind").alias("Typ"),
                pl.col("evidence").alias("Evidens"),
                pl.col("description").alias("Beskrivning"),
                pl.col("source").alias("Källa"),
            ),
            name="insatstyper",
            key="pb_types",
        )
        st.markdown("**Kunskapskällor**")
        export.table(
            sources.select(
                pl.col("title").alias("Titel"),
                pl.col("publisher").alias("Utgivare"),
                pl.col("year").alias("År"),
                pl.col("summary").alias("Sammanfattning"),
                pl.col("url").alias("Länk"),
            ),
            name="kunskapskallor",
            key="pb_sources",
            column_config={
                "Länk": st.column_config.LinkColumn(),
                "År": st.column_config.NumberColumn(format="%d"),
            },
        )
    if can_write:
        with st.form("pb_status"):
            status = st.selectbox(
                "Ändra status",
                list(ap.STATUS_LABELS),
                index=list(ap.STATUS_LABELS).index(pb["status"]),
                format_func=ap.STATUS_LABELS.get,
            )
            if st.form_submit_button("Spara status") and status != pb["status"]:
                with as_user(user.id, user.role) as conn:
                    sp.set_problem_status(chosen, status, username=user.username, conn=conn)
                clear()
                st.rerun()

# New problem picture (prefilled from the map's filters in the URL) ---------------------------
if can_write:
    # Preselected from the filters in the address or chosen on another page (Karta, Översikt).
    f = Filters.from_query_params(follow())
    from_map = bool(f.categories or f.areas or f.subtypes)
    # Open after a save too, so that its confirmation is seen where the user clicked.
    with st.expander("Ny problembild", expanded=from_map or problems.is_empty() or bool(created)):
        if from_map:
            st.caption("Förifyllt med urvalet från kartan.")
        code_to_id = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
        places = sp.places()
        orgs = data.organisations()
        subtype_opts = {
            f"{c}:{k}": f"{vocab.category_label(c)}: {label}"
            for c, subs in vocab.SUBTYPES.items()
            for k, label in subs.items()
        }
        first, last = f.bounds(today)
        if created:
            st.success(f"”{created[1]}” är skapad och vald ovan. Formuläret är tomt för nästa.")
        # One token per form instance: a double click stores one problem picture, and a new
        # token after a save draws a new, empty form (its widgets get new identities).
        token = st.session_state.setdefault("pb_new_token", str(uuid.uuid4()))
        with st.form(f"pb_new_{token}"):
            title = st.text_input("Rubrik *")
            description = st.text_area("Beskrivning (platser och händelser, inga personuppgifter)")
            c1, c2 = st.columns(2)
            categories = c1.multiselect(
                "Kategorier",
                list(vocab.CATEGORIES),
                default=[c.split(":", 1)[1] for c in f.categories if c.startswith("est:")],
                format_func=vocab.category_label,
                select_all=False,
                placeholder="Välj kategorier",
            )
            subtypes = c2.multiselect(
                "Undertyper",
                list(subtype_opts),
                default=[
                    s.split(":", 1)[1]
                    for s in f.subtypes
                    if s.startswith("est:") and s.split(":", 1)[1] in subtype_opts
                ],
                format_func=subtype_opts.get,
                select_all=False,
                placeholder="Alla undertyper",
            )
            a1, a2, a3 = st.columns(3)
            chosen_areas = a1.multiselect(
                "Områden",
                list(area_names),
                default=[code_to_id[c] for c in f.areas if c in code_to_id],
                format_func=area_names.get,
                select_all=False,
                placeholder="Välj områden",
            )
            place_opts = {
                None: "–",
                **dict(zip(places["place_id"].to_list(), places["name"].to_list(), strict=True)),
            }
            place_id = a2.selectbox("Eller: plats", list(place_opts), format_func=place_opts.get)
            radius = a3.number_input(
                "Radie kring platsen, m", min_value=50, max_value=3000, value=300, step=50
            )
            t1, t2, t3 = st.columns(3)
            weekdays = t1.multiselect(
                "Veckodagar",
                list(range(1, 8)),
                default=list(f.weekdays),
                format_func=lambda d: fmt.WEEKDAYS[d - 1],
                select_all=False,
                placeholder="Alla dagar",
            )
            whole_day = f.hours == (0, 23)
            hour_from = t2.number_input("Från timme", 0, 23, value=f.hours[0])
            hour_to = t3.number_input(
                "Till timme (ej inräknad)", 0, 23, value=0 if whole_day else (f.hours[1] + 1) % 24
            )
            p1, p2, p3 = st.columns(3)
            period_from = p1.date_input("Period från", value=first, format="YYYY-MM-DD")
            period_to = p2.date_input("Period till", value=last, format="YYYY-MM-DD")
            org_opts = dict(
                zip(orgs["organisation_id"].to_list(), orgs["name"].to_list(), strict=True)
            )
            owner = p3.selectbox(
                "Ägare",
                list(org_opts),
                index=list(org_opts).index(user.organisation_id)
                if user.organisation_id in org_opts
                else 0,
                format_func=org_opts.get,
            )
            if st.form_submit_button("Skapa problembild", type="primary"):
                try:
                    subs = [s.split(":", 1)[1] for s in subtypes]
                    cats = list(dict.fromkeys(categories + [s.split(":", 1)[0] for s in subtypes]))
                    freetext.ensure_clean(
                        {"Rubriken": title, "Beskrivningen": description}, one_line=("Rubriken",)
                    )
                    with as_user(user.id, user.role) as conn:
                        new_id = sp.create_problem(
                            title=title,
                            description=description or None,
                            categories=cats,
                            subtypes=subs,
                            area_ids=chosen_areas,
                            place_id=place_id,
                            radius_m=radius if place_id is not None else None,
                            weekdays=weekdays,
                            hour_from=None if hour_from == hour_to else int(hour_from),
                            hour_to=None if hour_from == hour_to else int(hour_to),
                            period_from=period_from,
                            period_to=period_to,
                            owner_org_id=owner,
                            user_id=user.id,
                            username=user.username,
                            client_token=uuid.UUID(token),
                            conn=conn,
                        )
                except ValueError as exc:
                    st.error(str(exc))
                else:
                    clear()
                    st.query_params["problem"] = str(new_id)
                    st.session_state["pb_created"] = (new_id, title.strip())
                    st.session_state["pb_new_token"] = str(uuid.uuid4())
                    st.rerun()
