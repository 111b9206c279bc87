"""Sections of the Problembilder page: the ranking, one problem picture's tabs (criteria, cause
analysis, knowledge bank), its status, and the form for a new one.

Each function draws one part of the screen; the decisions are in
:mod:`ostan_dash.analysis.problems`, the sentences in :mod:`ostan_dash.ui.problem_narratives`
and the writes in :mod:`ostan_dash.store.problems` (run as the acting user).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
import streamlit as st

from ostan_dash import vocab
from ostan_dash.analysis import problems as ap
from ostan_dash.auth import User
from ostan_dash.filters import Filters
from ostan_dash.ingest import freetext
from ostan_dash.store import problems as sp
from ostan_dash.ui import data, export, fmt, versioned, widgets
from ostan_dash.ui import problem_narratives as say
from ostan_dash.ui.choices import labelled, position
from ostan_dash.ui.safe_text import plain_markdown

CHOICES = ap.DECISION_LABELS


@versioned.cached(show_spinner="Läser problembilder …")
def load_problems(stamp: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The problem pictures and their criteria decisions."""
    return sp.problems(), sp.criteria()


@versioned.cached()
def load_settings(stamp: int) -> tuple[dict, dict]:
    """The settings ``unit_costs`` and ``criteria_thresholds``."""
    return dict(sp.setting("unit_costs", {})), dict(sp.setting("criteria_thresholds", {}))


@versioned.cached()
def load_library(stamp: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The knowledge bank: its sources and the intervention types."""
    return sp.knowledge_sources(), sp.intervention_types()


@versioned.cached(max_entries=16, show_spinner="Beräknar förslag ur rapporterna …")
def load_proposals(
    stamp: int, problem_id: int, reference: dt.date, unit_costs: dict, limits: dict
) -> tuple[pl.DataFrame, int]:
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


# Widths that fit every column beside the sidebar at 1280 px (issue 12).
_RANK_COLUMNS = {
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
}


def ranking(problems: pl.DataFrame, criteria: pl.DataFrame, today: dt.date) -> pl.DataFrame:
    """'Rangordning av öppna problembilder'; returns the ranking."""
    ranked = ap.rank_problems(problems, criteria)
    st.subheader("Rangordning av öppna problembilder")
    if ranked.is_empty():
        st.info(
            "Det finns inga öppna problembilder. Skapa en under **Ny problembild** nedan – eller "
            "från kartan med dess urval."
        )
        return ranked
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
        column_config=_RANK_COLUMNS,
    )
    return ranked


def pick(
    problems: pl.DataFrame, ranked: pl.DataFrame, created: tuple[int, str] | None
) -> dict[str, Any]:
    """'Välj problembild', ranked ones first, kept in the address (``?problem=``); one just
    made is selected."""
    titles = dict(zip(problems["problem_id"].to_list(), problems["title"].to_list(), strict=True))
    statuses = dict(
        zip(problems["problem_id"].to_list(), problems["status"].to_list(), strict=True)
    )
    order = ap.pick_order(ranked["problem_id"].to_list(), titles)
    url_id = st.query_params.get("problem", "")
    default = order.index(int(url_id)) if url_id.isdigit() and int(url_id) in order else 0
    if created and created[0] in order:
        # Just made with the form below: select it (the widget keeps its own value otherwise).
        st.session_state["pb_pick"] = created[0]
        st.success(f"Problembilden ”{created[1]}” är skapad och vald. Gå igenom kriterierna.")
        # The form is far below: bring this confirmation and the new picture into view.
        widgets.scroll_into_view(key=f"pb_created_{created[0]}", block="center")
    chosen = st.selectbox(
        "Välj problembild",
        order,
        index=default,
        format_func=lambda p: say.picker_label(titles[p], statuses[p]),
        key="pb_pick",
    )
    st.query_params["problem"] = str(chosen)
    return problems.filter(pl.col("problem_id") == chosen).row(0, named=True)


_CRITERIA_COLUMNS = {
    "Kriterium": st.column_config.NumberColumn("Nr", width=40, help="Kriterium"),
    "Beskrivning": st.column_config.TextColumn(width=190),
    "Förslag": st.column_config.TextColumn(width=90),
    "Underlag": st.column_config.TextColumn(width=210),
    "Beslut": st.column_config.TextColumn(width=90),
    "Motivering": st.column_config.TextColumn(width=165),
}


def criteria_tab(
    chosen: int,
    criteria: pl.DataFrame,
    *,
    reference: dt.date,
    settings: tuple[dict, dict],
    user: User,
    can_write: bool,
) -> None:
    """The six criteria: the data's proposals beside the decisions, and the decision form."""
    proposals, n_incidents = load_proposals(chosen, reference, *settings)
    st.caption(say.proposals_basis(reference, n_incidents))
    decided = criteria.filter(pl.col("problem_id") == chosen)
    stored = {r["criterion"]: r for r in decided.iter_rows(named=True)}
    crit_table = ap.decision_table(proposals, decided)
    n_met = decided.filter(pl.col("met")).height
    st.metric("Uppfyllda kriterier (beslut)", f"{n_met} av 6")
    export.table(
        crit_table,
        name=f"problembild-{chosen}-kriterier",
        key="pb_crit",
        column_config=_CRITERIA_COLUMNS,
    )
    if can_write:
        _decision_form(chosen, proposals, stored, user)


def _decision_form(
    chosen: int, proposals: pl.DataFrame, stored: Mapping[int, Mapping[str, Any]], user: User
) -> None:
    widgets.show_saved("pb_decide_saved")
    with st.form("pb_decide"):
        st.markdown(
            "**Bekräfta eller ändra bedömningen** – motivera när du avviker från förslaget."
        )
        decisions = []
        for r in proposals.iter_rows(named=True):
            k = r["criterion"]
            prev = stored.get(k, {})
            c1, c2 = st.columns([1, 2])
            choice = c1.radio(
                f"{k}. {r['name']}",
                list(CHOICES),
                index=list(CHOICES).index(ap.decision_default(prev.get("met"), r["proposed"])),
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
            decisions.append(ap.CriterionDecision(k, choice, why, r["proposed"], r["basis"]))
        if not st.form_submit_button("Spara bedömningen", type="primary"):
            return
        unexplained = ap.unexplained_deviations(decisions)
        refused = [
            m
            for d in decisions
            for m in freetext.problems(
                d.justification,
                subject=f"Motiveringen för kriterium {d.criterion}",
                multiline=False,
            )
        ]
        if unexplained:
            st.error(say.unexplained(unexplained))
        elif refused:
            st.error(" ".join(refused))
        else:
            sp.save_criteria(
                chosen, decisions, user_id=user.id, username=user.username, role=user.role
            )
            widgets.saved("pb_decide_saved", "Bedömningen är sparad.")
            st.rerun()


def _triangle_pairs() -> list[tuple[str, str]]:
    """(inner side, who can act on it) in screen order: plats, förövare, mål."""
    sides = list(ap.TRIANGLE)
    return list(zip(sides[::2], sides[1::2], strict=True))


def cause_tab(chosen: int, sources: pl.DataFrame, user: User, *, can_write: bool) -> None:
    """The cause analysis as recorded (Brå), and (for writers) the form that edits it."""
    ca = sp.cause_analysis(chosen) or ap.empty_cause_analysis()
    st.markdown(say.CAUSE_INTRO)
    st.markdown(f"**Vad vi vet om platsen/gruppen:** {plain_markdown(ca['known_facts'])}")
    st.markdown("**Problemtriangeln**")
    # Each inner side (plats, förövare, mål) above the one who can act on it.
    for col, (inner, outer) in zip(st.columns(3), _triangle_pairs(), strict=True):
        col.markdown(say.triangle_side(ca, inner, outer))
    hyp = pl.DataFrame(
        [{"Hypotes": h.get("hypotes", ""), "Stöd": h.get("stod", "")} for h in ca["hypotheses"]],
        schema={"Hypotes": pl.Utf8, "Stöd": pl.Utf8},
    )
    if hyp.is_empty():
        st.info("Inga orsakshypoteser än.")
    else:
        st.markdown("**Orsakshypoteser och stöd**")
        st.dataframe(hyp, hide_index=True, width="stretch")
    used = sources.filter(pl.col("source_id").is_in(ca["evidence_ids"]))
    st.markdown(say.knowledge_used(used.iter_rows(named=True)))
    st.markdown(f"**Slutsats:** {plain_markdown(ca['conclusion'])}")
    if widgets.once("pb_cause_saved") == chosen:
        st.success("Orsaksanalysen är sparad.")
    if ca["updated_by"]:
        st.caption(say.last_changed(ca["updated_by"], ca["updated_at"]))
    if can_write:
        _cause_form(chosen, ca, sources, user)


def _cause_form(chosen: int, ca: Mapping[str, Any], sources: pl.DataFrame, user: User) -> None:
    # Text areas, not an editable grid: a grid cell keeps its text only after Enter or a click
    # in another cell, so text typed just before "Spara" was lost (issue 12). The keys carry
    # the version, so after a save the fields show what was stored.
    version = f"{chosen}_{ca['updated_at'].timestamp() if ca['updated_at'] else 'ny'}"
    with st.form(f"pb_cause_{version}"):
        facts = st.text_area("Vad vi vet om platsen/gruppen", value=ca["known_facts"] or "")
        st.markdown(
            "**Problemtriangeln** – platsen, förövaren och målet eller offret, och de som "
            "kan påverka var och en. Beskriv roller, inte personer."
        )
        triangle = {}
        for col, pair in zip(st.columns(3), _triangle_pairs(), strict=True):
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
        typed = []
        for i, (h, stod) in enumerate(ap.hypothesis_slots(ca["hypotheses"]), 1):
            c1, c2 = st.columns(2)
            typed.append(
                (
                    c1.text_area(f"Hypotes {i}", value=h, height=70, key=f"pb_hyp_{version}_{i}"),
                    c2.text_area(
                        f"Stöd för hypotes {i}",
                        value=stod,
                        height=70,
                        key=f"pb_stod_{version}_{i}",
                    ),
                )
            )
        src_opts = labelled(sources, "source_id", "title")
        evidence = st.multiselect(
            "Kunskapskällor",
            list(src_opts),
            default=[e for e in ca["evidence_ids"] if e in src_opts],
            format_func=src_opts.get,
            select_all=False,
            placeholder="Välj kunskapskällor",
        )
        conclusion = st.text_area("Slutsats", value=ca["conclusion"] or "")
        if not st.form_submit_button("Spara orsaksanalysen", type="primary"):
            return
        texts = {"Vad vi vet": facts, "Slutsatsen": conclusion}
        texts |= {f"Problemtriangelns fält ”{ap.TRIANGLE[k]}”": v for k, v in triangle.items()}
        for i, (h, stod) in enumerate(typed, 1):
            texts[f"Hypotes {i}"] = h
            texts[f"Stödet för hypotes {i}"] = stod
        try:
            if orphans := ap.orphan_support(typed):
                raise ValueError(say.orphans(orphans))
            freetext.ensure_clean(texts)
        except ValueError as exc:
            st.error(str(exc))
            return
        sp.save_cause_analysis(
            chosen,
            known_facts=facts or None,
            hypotheses=[{"hypotes": h, "stod": stod} for h, stod in typed],
            evidence_ids=evidence,
            conclusion=conclusion or None,
            triangle=triangle,
            user_id=user.id,
            username=user.username,
            role=user.role,
        )
        # Shown after the rerun (a message before st.rerun is never seen).
        st.session_state["pb_cause_saved"] = chosen
        st.rerun()


def library_tab(sources: pl.DataFrame, types: pl.DataFrame) -> None:
    """The knowledge bank: intervention types with their evidence, and the sources."""
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


def status_form(pb: Mapping[str, Any], user: User) -> None:
    """'Ändra status' of the chosen problem picture."""
    widgets.status_form(
        "pb_status",
        ap.STATUS_LABELS,
        pb["status"],
        lambda status: sp.set_problem_status(
            pb["problem_id"], status, username=user.username, user_id=user.id, role=user.role
        ),
    )


@dataclass(frozen=True)
class Prefill:
    """What the new-problem form starts from: the selection in the address (Karta, Översikt)."""

    from_map: bool
    categories: list[str]
    subtypes: list[str]
    area_ids: list[int]


def prefill(f: Filters, areas: pl.DataFrame) -> Prefill:
    """The address's filter as the form's defaults: EST categories and subtypes (``est:`` keys
    without their source) and ``areas``' ids by code; unknown ones are left out."""
    area_ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
    known = subtype_options()
    est = [s.split(":", 1)[1] for s in f.subtypes if s.startswith("est:")]
    return Prefill(
        from_map=bool(f.categories or f.areas or f.subtypes),
        categories=[c.split(":", 1)[1] for c in f.categories if c.startswith("est:")],
        subtypes=[s for s in est if s in known],
        area_ids=[area_ids[c] for c in f.areas if c in area_ids],
    )


def subtype_options() -> dict[str, str]:
    """``{"category:subtype": "Kategori: Undertyp"}`` of every EST subtype."""
    return {
        f"{c}:{k}": f"{vocab.category_label(c)}: {label}"
        for c, subs in vocab.SUBTYPES.items()
        for k, label in subs.items()
    }


def new_problem(
    user: User,
    *,
    f: Filters,
    fill: Prefill,
    areas: pl.DataFrame,
    today: dt.date,
    created: tuple[int, str] | None,
) -> None:
    """The 'Ny problembild' form, one per token: a double click stores one problem picture."""
    if fill.from_map:
        st.caption("Förifyllt med urvalet från kartan.")
    area_names = labelled(areas, "area_id", "name")
    place_opts = labelled(sp.places(), "place_id", "name", none=True)
    org_opts = labelled(data.organisations(), "organisation_id", "name")
    subtype_opts = subtype_options()
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
            default=fill.categories,
            format_func=vocab.category_label,
            select_all=False,
            placeholder="Välj kategorier",
        )
        subtypes = c2.multiselect(
            "Undertyper",
            list(subtype_opts),
            default=fill.subtypes,
            format_func=subtype_opts.get,
            select_all=False,
            placeholder="Alla undertyper",
        )
        a1, a2, a3 = st.columns(3)
        chosen_areas = a1.multiselect(
            "Områden",
            list(area_names),
            default=fill.area_ids,
            format_func=area_names.get,
            select_all=False,
            placeholder="Välj områden",
        )
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
        owner = p3.selectbox(
            "Ägare",
            list(org_opts),
            index=position(org_opts, user.organisation_id),
            format_func=org_opts.get,
        )
        if not st.form_submit_button("Skapa problembild", type="primary"):
            return
        sel = ap.problem_selection(
            categories,
            subtypes,
            place_id=place_id,
            radius_m=radius,
            hour_from=hour_from,
            hour_to=hour_to,
        )
        try:
            freetext.ensure_clean(
                {"Rubriken": title, "Beskrivningen": description}, one_line=("Rubriken",)
            )
            new_id = sp.create_problem(
                title=title,
                description=description or None,
                categories=sel.categories,
                subtypes=sel.subtypes,
                area_ids=chosen_areas,
                place_id=place_id,
                radius_m=sel.radius_m,
                weekdays=weekdays,
                hour_from=sel.hour_from,
                hour_to=sel.hour_to,
                period_from=period_from,
                period_to=period_to,
                owner_org_id=owner,
                user_id=user.id,
                username=user.username,
                client_token=uuid.UUID(token),
                role=user.role,
            )
        except ValueError as exc:
            st.error(str(exc))
            return
        st.query_params["problem"] = str(new_id)
        st.session_state["pb_created"] = (new_id, title.strip())
        st.session_state["pb_new_token"] = str(uuid.uuid4())
        st.rerun()
