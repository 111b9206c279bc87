"""Insatser: plan, implementation log, SMART goal progress and evaluation of interventions."""

import datetime as dt
import logging
import math
import uuid

import polars as pl
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.analysis import interventions as ai
from ostan_dash.ingest import freetext
from ostan_dash.store import as_user
from ostan_dash.store import interventions as si
from ostan_dash.store import problems as sp
from ostan_dash.ui import charts, data, export, fmt, login, navigation
from ostan_dash.ui.intervention_charts import smart_figure
from ostan_dash.ui.safe_text import plain_markdown

TTL = 120
log = logging.getLogger("ostan_dash.content.insatser")


st.title("Insatser")
user = login.page_user("insatser")
can_write = navigation.may_write(user.role, "insatser")
today = config.today()


@st.cache_data(ttl=TTL, show_spinner="Läser insatser …")
def load_interventions() -> pl.DataFrame:
    return si.interventions()


@st.cache_data(ttl=TTL, show_spinner=False)
def load_settings() -> tuple[dict, dict]:
    return dict(sp.setting("unit_costs", {})), dict(sp.setting("criteria_thresholds", {}))


@st.cache_data(ttl=TTL, show_spinner="Räknar i insatsområde, omgivning och kontrollområde …")
def load_followup(row: dict, baseline: str, buffer_m: int, today_: dt.date) -> ai.FollowUp:
    """SMART progress, evaluation, savings and warnings (the same functions as the CLI)."""
    plan = ai.followup_plan(row["start_date"], row["end_date"], today_, baseline)
    daily = si.zone_daily_counts(row["intervention_id"], plan.first, plan.last, buffer_m=buffer_m)
    return ai.follow_up_row(
        daily, row, plan=plan, buffer_m=buffer_m, today=today_, unit_costs=unit_costs
    )


unit_costs, _ = load_settings()
ivs = load_interventions()
if ivs.is_empty():
    st.info(
        "Det finns inga insatser än. Planera den första under **Planera ny insats** nedan, "
        "gärna utifrån en problembild med orsaksanalys."
    )

st.caption(
    "Insatser följs upp mot sitt SMART-mål och utvärderas före/efter i insatsområdet, mot ett "
    "kontrollområde och i en ring runt insatsområdet (omfördelning och spridning). Händelser "
    "räknas den dag deras tidsfönster börjar, svensk tid. Förval för jämförelsen är samma "
    "period året innan: perioden närmast före är ofta toppen som fick problemet valt, och den "
    "går tillbaka av sig själv (regression mot medelvärdet). Testen tar hänsyn till att "
    "veckoantalen varierar mer än ren slump (kvasi-Poisson). Underlag per " + fmt.date(today) + "."
)

# Overview ------------------------------------------------------------------------------------
summaries: dict[int, ai.FollowUp] = {}
rows = []
for row in ivs.iter_rows(named=True):
    summ = load_followup(row, row["baseline"], int(row["buffer_m"]), today)
    summaries[row["intervention_id"]] = summ
    p, ev = summ.progress, summ.evaluation
    rows.append(
        {
            "Insats": row["title"],
            "Status": ai.STATUS_LABELS.get(row["status"], row["status"]),
            "SMART-status": ai.SMART_LABELS[p.status],
            "Minskning hittills": fmt.percent(p.reduction_pct),
            "Mål": fmt.percent(row["goal_reduction_pct"]),
            "Dagar kvar": fmt.number(p.days_left)
            if row["status"] in ("planerad", "pagaende")
            else "–",
            "Utvärdering": ai.VERDICT_LABELS[ev.verdict] if ev else "–",
            "Varningar": len(summ.warnings),
            "Ansvarig": ", ".join(
                x for x in (row["responsible_org"], row["responsible_role"]) if x
            ),
            "Nästa steg": ai.next_action(
                status=row["status"],
                smart=p.status,
                start=row["start_date"],
                end=row["end_date"],
                last_log=row["last_log"],
                today=today,
            ),
            "Start": row["start_date"],
            "Slut": row["end_date"],
        }
    )

if rows:
    st.subheader("Alla insatser")
    overview = pl.DataFrame(rows)
    counts = overview.group_by("SMART-status").len()
    keys = ["pa_vag", "i_riskzonen", "uppnatt", "ej_uppnatt", "ej_startad"]
    keys[3:3] = [
        k
        for k in ("ej_sakerstallt", "omfordelat")
        if ai.SMART_LABELS[k] in overview["SMART-status"].to_list()
    ]
    for col, key in zip(st.columns(len(keys)), keys, strict=True):
        label = ai.SMART_LABELS[key]
        n = counts.filter(pl.col("SMART-status") == label)["len"].sum()
        col.metric(label.capitalize(), fmt.number(int(n)))
    st.caption("SMART-status: " + ai.SMART_RULE)
    export.table(
        overview,
        name=f"insatser-{today.isoformat()}",
        key="iv_overview",
        # Every shown column fits beside the sidebar at 1280 px (issue 12). The dates, the
        # warnings and the days left are in the downloaded file and in each intervention below.
        column_config={
            "Insats": st.column_config.TextColumn(width=170),
            "Status": st.column_config.TextColumn(width=75),
            "SMART-status": st.column_config.TextColumn("SMART", width=90, help="SMART-status"),
            "Minskning hittills": st.column_config.TextColumn(
                "Minskning", width=80, help="Minskning hittills"
            ),
            "Mål": st.column_config.TextColumn(width=50, help="Målet för minskningen"),
            "Utvärdering": st.column_config.TextColumn(width=120),
            "Ansvarig": st.column_config.TextColumn(width=110),
            "Nästa steg": st.column_config.TextColumn(width=110),
            "Dagar kvar": None,
            "Varningar": None,
            "Start": None,
            "Slut": None,
        },
    )

# One intervention ----------------------------------------------------------------------------
created = st.session_state.pop("iv_created", None)  # (id, title) of one just planned below
if rows:
    titles = dict(zip(ivs["intervention_id"].to_list(), ivs["title"].to_list(), strict=True))
    ids = list(titles)
    url_id = st.query_params.get("insats", "")
    default = ids.index(int(url_id)) if url_id.isdigit() and int(url_id) in ids else 0
    if created and created[0] in ids:
        # Just planned with the form below: select it (the widget keeps its own value otherwise).
        st.session_state["iv_pick"] = created[0]
        st.success(f"Insatsen ”{created[1]}” är sparad och vald.")
    chosen = st.selectbox("Välj insats", ids, index=default, format_func=titles.get, key="iv_pick")
    st.query_params["insats"] = str(chosen)
    row = ivs.filter(pl.col("intervention_id") == chosen).row(0, named=True)

    st.header(row["title"])
    st.markdown(
        f"**{ai.STATUS_LABELS.get(row['status'], row['status'])}** · "
        f"{ai.KIND_LABELS.get(row['kind'], row['kind'])} insats"
        + (f" · {row['type_name']} (evidens: {row['evidence']})" if row["type_name"] else "")
        + f" · {fmt.date(row['start_date'])} – {fmt.date(row['end_date'])}"
    )

    tab_plan, tab_log, tab_smart, tab_eval = st.tabs(
        ["Plan", "Genomförande", "SMART-mål", "Utvärdering"]
    )

    with tab_plan:
        where = row["target_areas"] or ""
        if row["has_target_geom"]:
            where = (
                where + " – " if where else ""
            ) + "avgränsad plats (polygon eller plats med radie)"
        st.markdown(
            f"**Vad:** {plain_markdown(row['description'])}  \n"
            f"**Var:** {where or '–'}  \n"
            f"**När:** {fmt.long_date(row['start_date'])} – {fmt.long_date(row['end_date'])}  \n"
            f"**Ansvarig:** {row['responsible_org'] or '–'}, {row['responsible_role'] or '–'}  \n"
            f"**Räknar:** {', '.join(vocab.category_label(c) for c in row['categories'])}  \n"
            f"**Problembild:** {plain_markdown(row['problem_title'])}  \n"
            f"**Orsakshypotes:** {plain_markdown(row['cause_hypothesis'])}  \n"
            f"**Förväntad effekt:** {plain_markdown(row['expected_effect'])}"
        )
        c1, c2, c3 = st.columns(3)
        c1.metric("Kostnad", f"{fmt.number(row['cost_sek'])} kr")
        c2.metric(
            "Uppskattad kostnad om inget görs",
            f"{fmt.number(row['cost_of_inaction_sek'])} kr" if row["cost_of_inaction_sek"] else "–",
        )
        c3.metric("Kontrollområde", row["control_areas"] or "–")
        if can_write:
            with st.form("iv_status"):
                new_status = st.selectbox(
                    "Ändra status",
                    list(ai.STATUS_LABELS),
                    index=list(ai.STATUS_LABELS).index(row["status"]),
                    format_func=ai.STATUS_LABELS.get,
                )
                if st.form_submit_button("Spara status") and new_status != row["status"]:
                    with as_user(user.id, user.role) as conn:
                        si.set_status(chosen, new_status, username=user.username, conn=conn)
                    load_interventions.clear()
                    st.success("Statusen är sparad.")
                    st.rerun()

    with tab_log:
        log = si.log_entries(chosen)
        fid = ai.fidelity_summary(log)
        f1, f2, f3, f4 = st.columns(4)
        f1.metric("Uppföljningar", fmt.number(fid["n"]))
        f2.metric("Enligt plan", fmt.number(fid["enligt_plan"]))
        f3.metric("Delvis", fmt.number(fid["delvis"]))
        f4.metric("Ej genomförda", fmt.number(fid["ej_genomford"]))
        st.markdown(f"**Genomförandetrohet:** {fid['text']}")
        if log.is_empty():
            st.info(
                "Inget genomförande loggat än. Logga varje uppföljning: datum, om insatsen gjordes som planerat och en kort notering."
            )
        else:
            export.table(
                log.select(
                    pl.col("entry_date").alias("Datum"),
                    pl.col("fidelity").replace_strict(ai.FIDELITY_LABELS).alias("Genomfört"),
                    pl.col("note").alias("Notering"),
                    pl.col("author").alias("Loggat av"),
                ),
                name=f"insats-{chosen}-logg",
                key="iv_log",
                column_config={"Datum": st.column_config.DateColumn(format="YYYY-MM-DD")},
            )
        if can_write:
            with st.form("iv_log_form", clear_on_submit=True):
                st.markdown("**Ny uppföljning**")
                l1, l2 = st.columns(2)
                entry_date = l1.date_input(
                    "Datum", value=today, max_value=today, format="YYYY-MM-DD"
                )
                fidelity = l2.radio(
                    "Genomfört",
                    list(ai.FIDELITY_LABELS),
                    format_func=ai.FIDELITY_LABELS.get,
                    horizontal=True,
                )
                note = st.text_area("Notering (inga personuppgifter)", max_chars=1000)
                if st.form_submit_button("Spara uppföljning"):
                    refused = freetext.problems(note, subject="Noteringen")
                    if refused:
                        st.error(" ".join(refused))
                    else:
                        with as_user(user.id, user.role) as conn:
                            si.add_log_entry(
                                chosen,
                                entry_date=entry_date,
                                fidelity=fidelity,
                                note=note,
                                user_id=user.id,
                                username=user.username,
                                conn=conn,
                            )
                        load_interventions.clear()
                    st.success("Uppföljningen är sparad.")
                    st.rerun()

    with tab_smart:
        s1, s2 = st.columns(2)
        baseline = s1.radio(
            "Jämför med",
            list(ai.BASELINE_LABELS),
            index=list(ai.BASELINE_LABELS).index(row["baseline"]),
            format_func=ai.BASELINE_LABELS.get,
            key=f"iv_baseline_{chosen}",
        )
        buffer_m = s2.slider(
            "Omgivningens bredd (ring runt insatsområdet), meter",
            min_value=100,
            max_value=1500,
            value=int(row["buffer_m"]),
            step=50,
            key=f"iv_buffer_{chosen}",
        )
        summ = (
            summaries[chosen]
            if baseline == row["baseline"] and buffer_m == row["buffer_m"]
            else load_followup(row, baseline, buffer_m, today)
        )
        for warning in summ.warnings:
            st.warning(warning, icon="⚠️")
        p = summ.progress
        b0, b1 = summ.plan.baseline_period
        goal = row["goal_reduction_pct"] or 0.0
        st.markdown(
            f"**SMART-mål:** minst {fmt.percent(goal)} färre händelser "
            f"{fmt.date(row['start_date'])} – {fmt.date(row['end_date'])} än under "
            f"{fmt.date(b0)} – {fmt.date(b1)} ({ai.BASELINE_TEXT[baseline]}). "
            f"Målet tillåter högst {fmt.number(p.allowed_total, 0)} händelser "
            f"(jämförelseperioden hade {fmt.number(p.baseline_total)})."
        )
        m1, m2, m3, m4 = st.columns(4)
        m1.metric("Status", ai.SMART_LABELS[p.status], help=ai.SMART_RULE)
        m2.metric(
            "Minskning hittills",
            fmt.percent(p.reduction_pct),
            help="Mot jämförelseperiodens samma dagar. Status 'i riskzonen' när minskningen i "
            "nuvarande takt inte når målet; 'ej uppnått' när fler händelser redan har skett "
            "än målet tillåter för hela perioden.",
        )
        rr = p.rate_ratio
        m3.metric(
            "Kvot mot jämförelsen (95 % KI)",
            f"{fmt.number(rr.ratio, 2)} ({fmt.number(rr.ci_low, 2)}–{fmt.number(rr.ci_high, 2)})"
            if rr is not None
            else "–",
            help=f"Händelser hittills delat med jämförelseperiodens samma dagar. Målet är en kvot "
            f"på högst {fmt.number(p.goal_ratio, 2)}. Intervallet är breddat för att veckoantalen "
            "varierar mer än ren slump (kvasi-Poisson).",
        )
        m4.metric("Dagar kvar", fmt.number(p.days_left))
        st.markdown(
            f"**{ai.SMART_LABELS[p.status].capitalize()}:** {p.reason} "
            f"Händelser hittills: {fmt.number(p.actual)} (jämförelse samma dagar "
            f"{fmt.number(p.baseline_so_far)}); målets kvot högst {fmt.number(p.goal_ratio, 2)}."
        )
        st.plotly_chart(
            smart_figure(
                summ.trajectory,
                title="Händelser i insatsområdet, kumulativt sedan start",
                goal_pct=goal,
            ),
            config=charts.PLOTLY_CONFIG,
            width="stretch",
        )

    with tab_eval:
        ev = summ.evaluation
        if ev is None:
            st.info(
                "Utvärderingen visas när insatsen har startat (pågående eller avslutad). "
                f"Start {fmt.date(row['start_date'])}."
            )
        else:
            (before, after) = summ.plan.periods
            st.markdown(
                f"**Före:** {fmt.date(before[0])} – {fmt.date(before[1])} · "
                f"**Under/efter:** {fmt.date(after[0])} – {fmt.date(after[1])} "
                f"({fmt.number(ev.days)} dagar var). Omgivning: ring på {fmt.number(buffer_m)} m, "
                "insatsområdet och kontrollområdet borträknade."
            )
            verdict = ai.VERDICT_LABELS[ev.verdict]
            box = {
                "success": st.success,
                "diffusion": st.success,
                "displacement": st.warning,
                "no_effect": st.info,
                "too_early": st.info,
            }[ev.verdict]
            box(f"**{verdict}.** {ev.conclusion}")
            e1, e2, e3, e4, e5 = st.columns(5)
            e1.metric(
                "Kvot efter/före",
                fmt.number(ev.rate_ratio.ratio, 2),
                help=f"95 % KI {fmt.number(ev.rate_ratio.ci_low, 2)}–{fmt.number(ev.rate_ratio.ci_high, 2)}, "
                f"{fmt.p_value(ev.rate_ratio.p_value)} (exakt Poissontest, eller kvasi-Poisson "
                "när veckoantalen varierar mer än slumpen)",
            )
            e2.metric(
                "Mot kontrollområdet",
                fmt.number(ev.did.ratio, 2) if ev.did else "–",
                help="Kvot av kvoter (difference-in-differences); under 1 = bättre än kontrollen."
                + (
                    f" 95 % KI {fmt.number(ev.did.ci_low, 2)}–{fmt.number(ev.did.ci_high, 2)}, "
                    f"{fmt.p_value(ev.did.p_value)}"
                    if ev.did
                    else ""
                ),
            )
            e3.metric(
                "Minsta påvisbara effekt",
                fmt.percent(ev.mde_pct) if not math.isnan(ev.mde_pct) else "saknas",
                help="Den minskning som testet med de här antalen hade upptäckt med 80 % "
                "sannolikhet (α = 0,05; Wald-test på logskala med spridningsfaktorn). En mindre "
                "effekt kan finnas utan att bli säkerställd.",
            )
            e4.metric(
                "WDQ",
                fmt.number(ev.wdq.wdq, 2),
                help="Weighted Displacement Quotient (Bowers & Johnson 2003): över 0 spridning av "
                "positiva effekter, under 0 omfördelning till omgivningen, under −1 mer "
                "omfördelat än förebyggt. Definieras bara när insatsområdet minskat.",
            )
            e5.metric(
                "WDD",
                fmt.number(ev.wdd.estimate, 0),
                help=f"Weighted Displacement Difference (Wheeler & Ratcliffe 2018), SE "
                f"{fmt.number(ev.wdd.se, 1)}, 95 % KI {fmt.number(ev.wdd.ci_low, 1)} till "
                f"{fmt.number(ev.wdd.ci_high, 1)}; negativt = färre händelser än väntat.",
            )
            export.table(
                summ.zone_table,
                name=f"insats-{chosen}-utvardering",
                key="iv_eval",
                column_config={"Förändring %": st.column_config.NumberColumn(format="%+.0f %%")},
            )

            st.subheader("Kostnad och uppskattad besparing")
            savings = summ.savings or 0.0
            k1, k2, k3 = st.columns(3)
            k1.metric("Insatsens kostnad", f"{fmt.number(row['cost_sek'])} kr")
            k2.metric(
                "Uppskattad besparing",
                f"{fmt.number(savings)} kr",
                help="Förebyggda händelser i insatsområdet och omgivningen (utöver kontrollområdets "
                "utveckling) gånger styckkostnaden per kategori (inställningen unit_costs).",
            )
            net = savings - (row["cost_sek"] or 0)
            k3.metric("Netto", f"{fmt.number(net)} kr")
            if ev.verdict in ("no_effect", "too_early"):
                st.caption(
                    "Besparingen bygger på en förändring som inte är statistiskt säkerställd och "
                    "ska läsas med stor försiktighet."
                )

# Plan a new intervention -----------------------------------------------------------------------
if can_write:
    # Open after a save too, so that its confirmation is seen where the user clicked.
    with st.expander("Planera ny insats", expanded=ivs.is_empty() or bool(created)):
        problems = sp.problems()
        types = sp.intervention_types()
        area_df = data.areas()
        orgs = data.organisations()
        places = sp.places()
        area_names = dict(zip(area_df["area_id"].to_list(), area_df["name"].to_list(), strict=True))
        if created:
            st.success(f"”{created[1]}” är sparad och vald ovan. Formuläret är tomt för nästa.")
        # One token per form instance: a double click stores one intervention, and a new token
        # after a save draws a new, empty form (its widgets get new identities).
        token = st.session_state.setdefault("iv_new_token", str(uuid.uuid4()))
        with st.form(f"iv_new_{token}"):
            title = st.text_input("Rubrik *")
            description = st.text_area("Vad ska göras?")
            n1, n2 = st.columns(2)
            kind = n1.radio(
                "Typ", list(ai.KIND_LABELS), format_func=ai.KIND_LABELS.get, horizontal=True
            )
            type_opts = {
                None: "–",
                **dict(zip(types["type_id"].to_list(), types["name"].to_list(), strict=True)),
            }
            type_id = n2.selectbox(
                "Insatstyp (kunskapsbanken)", list(type_opts), format_func=type_opts.get
            )
            prob_opts = {
                None: "–",
                **dict(
                    zip(problems["problem_id"].to_list(), problems["title"].to_list(), strict=True)
                ),
            }
            problem_id = st.selectbox("Problembild", list(prob_opts), format_func=prob_opts.get)
            hypothesis = st.text_input("Orsakshypotes som insatsen riktar sig mot")
            categories = st.multiselect(
                "Händelser som målet räknar *",
                list(vocab.CATEGORIES),
                format_func=vocab.category_label,
                select_all=False,
                placeholder="Välj kategorier",
            )
            st.markdown(
                "**Var** – välj områden, en plats med radie eller klistra in en polygon (WKT, SWEREF 99 TM)."
            )
            w1, w2, w3 = st.columns(3)
            target_areas = w1.multiselect(
                "Områden",
                list(area_names),
                format_func=area_names.get,
                select_all=False,
                placeholder="Välj områden",
            )
            place_opts = {
                None: "–",
                **dict(zip(places["place_id"].to_list(), places["name"].to_list(), strict=True)),
            }
            place_id = w2.selectbox("Plats", list(place_opts), format_func=place_opts.get)
            radius = w2.number_input(
                "Radie kring platsen, m", min_value=0, max_value=3000, value=250, step=50
            )
            wkt = w3.text_area("Polygon (WKT)", placeholder="POLYGON((x y, x y, …))")
            control_areas = st.multiselect(
                "Kontrollområden (utan insats)",
                list(area_names),
                format_func=area_names.get,
                select_all=False,
                placeholder="Inga kontrollområden",
            )
            d1, d2, d3 = st.columns(3)
            start = d1.date_input("Start *", value=today, format="YYYY-MM-DD")
            end = d2.date_input("Slut *", value=today + dt.timedelta(days=182), format="YYYY-MM-DD")
            buffer_new = d3.number_input(
                "Omgivning (ring), m", min_value=50, max_value=5000, value=300, step=50
            )
            r1, r2 = st.columns(2)
            org_opts = dict(
                zip(orgs["organisation_id"].to_list(), orgs["name"].to_list(), strict=True)
            )
            org = r1.selectbox(
                "Ansvarig organisation",
                list(org_opts),
                index=list(org_opts).index(user.organisation_id)
                if user.organisation_id in org_opts
                else 0,
                format_func=org_opts.get,
            )
            role = r2.text_input("Ansvarig roll")
            k1, k2 = st.columns(2)
            cost = k1.number_input("Kostnad, kr", min_value=0, value=0, step=10_000)
            inaction = k2.number_input(
                "Uppskattad kostnad om inget görs, kr", min_value=0, value=0, step=10_000
            )
            effect = st.text_area("Förväntad effekt")
            g1, g2 = st.columns(2)
            goal_new = g1.number_input(
                "SMART-mål: minskning, %", min_value=0, max_value=100, value=30
            )
            baseline_new = g2.radio(
                "Jämför med", list(ai.BASELINE_LABELS), format_func=ai.BASELINE_LABELS.get
            )
            if st.form_submit_button("Spara insatsen", type="primary"):
                try:
                    freetext.ensure_clean(
                        {
                            "Rubriken": title,
                            "Beskrivningen": description,
                            "Orsakshypotesen": hypothesis,
                            "Ansvarig roll": role,
                            "Förväntad effekt": effect,
                        },
                        one_line=("Rubriken", "Orsakshypotesen", "Ansvarig roll"),
                    )
                    with as_user(user.id, user.role) as conn:
                        new_id = si.create_intervention(
                            title=title,
                            description=description or None,
                            kind=kind,
                            intervention_type_id=type_id,
                            problem_id=problem_id,
                            cause_hypothesis=hypothesis or None,
                            categories=categories,
                            target_area_ids=target_areas,
                            place_id=place_id if not wkt.strip() else None,
                            radius_m=radius,
                            target_wkt=wkt.strip() or None,
                            control_area_ids=control_areas,
                            buffer_m=int(buffer_new),
                            start_date=start,
                            end_date=end,
                            responsible_org_id=org,
                            responsible_role=role or None,
                            cost_sek=float(cost),
                            cost_of_inaction_sek=float(inaction) or None,
                            expected_effect=effect or None,
                            goal_reduction_pct=float(goal_new),
                            baseline=baseline_new,
                            status="planerad" if start > today else "pagaende",
                            user_id=user.id,
                            username=user.username,
                            client_token=uuid.UUID(token),
                            conn=conn,
                        )
                except ValueError as exc:
                    st.error(str(exc))
                except Exception:  # noqa: BLE001 (never a stack trace to the user)
                    log.exception("insatsen kunde inte sparas")
                    st.error(
                        "Insatsen kunde inte sparas. Kontrollera platsen eller polygonen "
                        "(WKT i SWEREF 99 TM) och försök igen."
                    )
                else:
                    load_interventions.clear()
                    st.query_params["insats"] = str(new_id)
                    st.session_state["iv_created"] = (new_id, title.strip())
                    st.session_state["iv_new_token"] = str(uuid.uuid4())
                    st.rerun()
