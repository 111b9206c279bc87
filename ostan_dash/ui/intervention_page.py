"""Sections of the Insatser page: the overview, one intervention's four tabs and the plan form.

Each function draws one part of the screen; the decisions are in
:mod:`ostan_dash.analysis.interventions`, the sentences in
:mod:`ostan_dash.ui.intervention_narratives` and the writes in
:mod:`ostan_dash.store.interventions` (run as the acting user).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from typing import Any

import polars as pl
import streamlit as st

from ostan_dash import vocab
from ostan_dash.analysis import interventions as ai
from ostan_dash.auth import User
from ostan_dash.ingest import freetext
from ostan_dash.store import interventions as si
from ostan_dash.store import problems as sp
from ostan_dash.ui import area_drawing, charts, data, export, fmt, versioned, widgets
from ostan_dash.ui import intervention_narratives as say
from ostan_dash.ui.choices import labelled, position
from ostan_dash.ui.intervention_charts import smart_figure

log = logging.getLogger("ostan_dash.content.insatser")


@versioned.cached(show_spinner="Läser insatser …")
def load_interventions(stamp: int) -> pl.DataFrame:
    """Every intervention with its plan and last log entry."""
    return si.interventions()


@versioned.cached()
def load_unit_costs(stamp: int) -> dict:
    """The cost per incident of each category (the setting ``unit_costs``)."""
    return dict(sp.setting("unit_costs", {}))


# Keyed by the data version too, read once by the caller: the overview asks for one follow-up
# per intervention.
@st.cache_data(max_entries=64, show_spinner="Räknar i insatsområde, omgivning och kontrollområde …")
def load_followup(
    stamp: int, row: dict, baseline: str, buffer_m: int, today: dt.date, unit_costs: dict
) -> ai.FollowUp:
    """SMART progress, evaluation, savings and warnings (the same functions as the CLI), at the
    data version ``stamp``."""
    plan = ai.followup_plan(row["start_date"], row["end_date"], today, baseline)
    daily = si.zone_daily_counts(row["intervention_id"], plan.first, plan.last, buffer_m=buffer_m)
    return ai.follow_up_row(
        daily, row, plan=plan, buffer_m=buffer_m, today=today, unit_costs=unit_costs
    )


# Every shown column fits beside the sidebar at 1280 px (issue 12). The dates, the warnings and
# the days left are in the downloaded file and in each intervention below.
_OVERVIEW_COLUMNS = {
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
}


def _overview_row(row: dict[str, Any], fu: ai.FollowUp, today: dt.date) -> dict[str, Any]:
    p, ev = fu.progress, fu.evaluation
    return {
        "Insats": row["title"],
        "Status": ai.STATUS_LABELS.get(row["status"], row["status"]),
        "SMART-status": ai.SMART_LABELS[p.status],
        "Minskning hittills": fmt.percent(p.reduction_pct),
        "Mål": fmt.percent(row["goal_reduction_pct"]),
        "Dagar kvar": fmt.number(p.days_left) if ai.shows_days_left(row["status"]) else "–",
        "Utvärdering": ai.VERDICT_LABELS[ev.verdict] if ev else "–",
        "Varningar": len(fu.warnings),
        "Ansvarig": say.responsible(row["responsible_org"], row["responsible_role"]),
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


def overview(ivs: pl.DataFrame, today: dt.date, unit_costs: dict) -> dict[int, ai.FollowUp]:
    """'Alla insatser': a card per SMART status and the table; returns each follow-up by id."""
    stamp = data.current_version()
    followups = {
        row["intervention_id"]: load_followup(
            stamp, row, row["baseline"], int(row["buffer_m"]), today, unit_costs
        )
        for row in ivs.iter_rows(named=True)
    }
    if not followups:
        return followups
    st.subheader("Alla insatser")
    tally = ai.smart_tally([fu.progress.status for fu in followups.values()])
    for col, card in zip(st.columns(len(tally)), tally, strict=True):
        col.metric(card.label.capitalize(), fmt.number(card.n))
    st.caption("SMART-status: " + ai.SMART_RULE)
    export.table(
        pl.DataFrame(
            [
                _overview_row(row, followups[row["intervention_id"]], today)
                for row in ivs.iter_rows(named=True)
            ]
        ),
        name=f"insatser-{today.isoformat()}",
        key="iv_overview",
        column_config=_OVERVIEW_COLUMNS,
    )
    return followups


def pick(ivs: pl.DataFrame, created: tuple[int, str] | None) -> dict[str, Any]:
    """'Välj insats', kept in the address (``?insats=``); one just planned is selected."""
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
    return ivs.filter(pl.col("intervention_id") == chosen).row(0, named=True)


def plan_tab(row: dict[str, Any], user: User, *, can_write: bool) -> None:
    """The plan, its costs and control area, and (for writers) the status form."""
    st.markdown(say.plan(row))
    c1, c2, c3 = st.columns(3)
    c1.metric("Kostnad", f"{fmt.number(row['cost_sek'])} kr")
    c2.metric(
        "Uppskattad kostnad om inget görs",
        f"{fmt.number(row['cost_of_inaction_sek'])} kr" if row["cost_of_inaction_sek"] else "–",
    )
    c3.metric("Kontrollområde", row["control_areas"] or "–")
    if not can_write:
        return
    widgets.status_form(
        "iv_status",
        ai.STATUS_LABELS,
        row["status"],
        lambda status: si.set_status(
            row["intervention_id"],
            status,
            username=user.username,
            user_id=user.id,
            role=user.role,
        ),
    )


def log_tab(intervention_id: int, user: User, *, can_write: bool, today: dt.date) -> None:
    """Implementation fidelity, the log, and (for writers) a new log entry."""
    entries = si.log_entries(intervention_id)
    fid = ai.fidelity_summary(entries)
    f1, f2, f3, f4 = st.columns(4)
    f1.metric("Uppföljningar", fmt.number(fid["n"]))
    f2.metric("Enligt plan", fmt.number(fid["enligt_plan"]))
    f3.metric("Delvis", fmt.number(fid["delvis"]))
    f4.metric("Ej genomförda", fmt.number(fid["ej_genomford"]))
    st.markdown(f"**Genomförandetrohet:** {fid['text']}")
    if entries.is_empty():
        st.info(
            "Inget genomförande loggat än. Logga varje uppföljning: datum, om insatsen gjordes "
            "som planerat och en kort notering."
        )
    else:
        export.table(
            entries.select(
                pl.col("entry_date").alias("Datum"),
                pl.col("fidelity").replace_strict(ai.FIDELITY_LABELS).alias("Genomfört"),
                pl.col("note").alias("Notering"),
                pl.col("author").alias("Loggat av"),
            ),
            name=f"insats-{intervention_id}-logg",
            key="iv_log",
            column_config={"Datum": st.column_config.DateColumn(format="YYYY-MM-DD")},
        )
    if not can_write:
        return
    widgets.show_saved("iv_log_saved")
    with st.form("iv_log_form", clear_on_submit=True):
        st.markdown("**Ny uppföljning**")
        l1, l2 = st.columns(2)
        entry_date = l1.date_input("Datum", value=today, max_value=today, format="YYYY-MM-DD")
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
                si.add_log_entry(
                    intervention_id,
                    entry_date=entry_date,
                    fidelity=fidelity,
                    note=note,
                    user_id=user.id,
                    username=user.username,
                    role=user.role,
                )
                widgets.saved("iv_log_saved", "Uppföljningen är sparad.")
                st.rerun()


def smart_tab(
    row: dict[str, Any], saved: ai.FollowUp, *, today: dt.date, unit_costs: dict
) -> tuple[ai.FollowUp, int]:
    """The SMART goal against a chosen baseline and buffer; returns that follow-up and buffer."""
    chosen = row["intervention_id"]
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
    fu = (
        saved
        if baseline == row["baseline"] and buffer_m == row["buffer_m"]
        else load_followup(data.current_version(), row, baseline, buffer_m, today, unit_costs)
    )
    for warning in fu.warnings:
        st.warning(warning, icon="⚠️")
    p = fu.progress
    st.markdown(say.smart_goal(row, fu, baseline))
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
        say.ratio_with_ci(rr.ratio, rr.ci_low, rr.ci_high) if rr is not None else "–",
        help=f"Händelser hittills delat med jämförelseperiodens samma dagar. Målet är en kvot "
        f"på högst {fmt.number(p.goal_ratio, 2)}. Intervallet är breddat för att veckoantalen "
        "varierar mer än ren slump (kvasi-Poisson).",
    )
    m4.metric("Dagar kvar", fmt.number(p.days_left))
    st.markdown(say.smart_status(p))
    st.plotly_chart(
        smart_figure(
            fu.trajectory,
            title="Händelser i insatsområdet, kumulativt sedan start",
            goal_pct=row["goal_reduction_pct"] or 0.0,
        ),
        config=charts.PLOTLY_CONFIG,
        width="stretch",
    )
    return fu, buffer_m


_VERDICT_BOX = {
    "success": st.success,
    "diffusion": st.success,
    "displacement": st.warning,
    "no_effect": st.info,
    "too_early": st.info,
}


def evaluation_tab(row: dict[str, Any], fu: ai.FollowUp, buffer_m: int) -> None:
    """Before/after against the control and the ring around, then cost and savings."""
    ev = fu.evaluation
    if ev is None:
        st.info(say.not_started(row["start_date"]))
        return
    st.markdown(say.evaluation_periods(fu, buffer_m))
    _VERDICT_BOX[ev.verdict](f"**{ai.VERDICT_LABELS[ev.verdict]}.** {ev.conclusion}")
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
        fu.zone_table,
        name=f"insats-{row['intervention_id']}-utvardering",
        key="iv_eval",
        column_config={"Förändring %": st.column_config.NumberColumn(format="%+.0f %%")},
    )
    st.subheader("Kostnad och uppskattad besparing")
    money = ai.cost_balance(row["cost_sek"], fu.savings, ev.verdict)
    k1, k2, k3 = st.columns(3)
    k1.metric("Insatsens kostnad", f"{fmt.number(row['cost_sek'])} kr")
    k2.metric(
        "Uppskattad besparing",
        f"{fmt.number(money.savings)} kr",
        help="Förebyggda händelser i insatsområdet och omgivningen (utöver kontrollområdets "
        "utveckling) gånger styckkostnaden per kategori (inställningen unit_costs).",
    )
    k3.metric("Netto", f"{fmt.number(money.net)} kr")
    if money.uncertain:
        st.caption(
            "Besparingen bygger på en förändring som inte är statistiskt säkerställd och "
            "ska läsas med stor försiktighet."
        )


def new_intervention(user: User, *, today: dt.date, created: tuple[int, str] | None) -> None:
    """The 'Planera ny insats' form, one per token: a double click stores one intervention."""
    problems = sp.problems()
    types = sp.intervention_types()
    area_df = data.areas()
    orgs = data.organisations()
    places = sp.places()
    area_names = labelled(area_df, "area_id", "name")
    if created:
        st.success(f"”{created[1]}” är sparad och vald ovan. Formuläret är tomt för nästa.")
    # One token per form instance: a double click stores one intervention, and a new token
    # after a save draws a new, empty form (its widgets get new identities).
    token = st.session_state.setdefault("iv_new_token", str(uuid.uuid4()))
    # Drawn outside the form: the map's clicks rerun the page, which a form would not allow.
    # Keyed by the form's token, so a save also empties the drawing.
    drawn = area_drawing.draw(f"iv_draw_{token}")
    with st.form(f"iv_new_{token}"):
        title = st.text_input("Rubrik *")
        description = st.text_area("Vad ska göras?")
        n1, n2 = st.columns(2)
        kind = n1.radio(
            "Typ", list(ai.KIND_LABELS), format_func=ai.KIND_LABELS.get, horizontal=True
        )
        type_opts = labelled(types, "type_id", "name", none=True)
        type_id = n2.selectbox(
            "Insatstyp (kunskapsbanken)", list(type_opts), format_func=type_opts.get
        )
        prob_opts = labelled(problems, "problem_id", "title", none=True)
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
            "**Var** – välj områden, en plats med radie, rita området på kartan ovan eller "
            "klistra in en polygon (WKT, SWEREF 99 TM)."
        )
        w1, w2, w3 = st.columns(3)
        target_areas = w1.multiselect(
            "Områden",
            list(area_names),
            format_func=area_names.get,
            select_all=False,
            placeholder="Välj områden",
        )
        place_opts = labelled(places, "place_id", "name", none=True)
        place_id = w2.selectbox("Plats", list(place_opts), format_func=place_opts.get)
        radius = w2.number_input(
            "Radie kring platsen, m", min_value=0, max_value=3000, value=250, step=50
        )
        # The drawn area fills the field (a new drawing gives the field a new identity).
        wkt = w3.text_area("Polygon (WKT)", value=drawn or "", placeholder="POLYGON((x y, x y, …))")
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
        org_opts = labelled(orgs, "organisation_id", "name")
        org = r1.selectbox(
            "Ansvarig organisation",
            list(org_opts),
            index=position(org_opts, user.organisation_id),
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
        goal_new = g1.number_input("SMART-mål: minskning, %", min_value=0, max_value=100, value=30)
        baseline_new = g2.radio(
            "Jämför med", list(ai.BASELINE_LABELS), format_func=ai.BASELINE_LABELS.get
        )
        if not st.form_submit_button("Spara insatsen", type="primary"):
            return
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
                status=ai.initial_status(start, today),
                user_id=user.id,
                username=user.username,
                client_token=uuid.UUID(token),
                role=user.role,
            )
        except ValueError as exc:
            st.error(str(exc))
        except Exception:
            log.exception("insatsen kunde inte sparas")
            st.error(
                "Insatsen kunde inte sparas. Kontrollera platsen eller polygonen "
                "(WKT i SWEREF 99 TM) och försök igen."
            )
        else:
            st.query_params["insats"] = str(new_id)
            st.session_state["iv_created"] = (new_id, title.strip())
            st.session_state["iv_new_token"] = str(uuid.uuid4())
            st.rerun()
