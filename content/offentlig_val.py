"""Publicera: an analyst chooses what the public page (/offentlig) shows, previews the frozen,
suppressed figures, publishes with a plain Swedish text, and withdraws what should go."""

import polars as pl
import streamlit as st

from ostan_dash import config
from ostan_dash.analysis import public_figures as pf
from ostan_dash.store import areas as area_store
from ostan_dash.store import interventions as iv_store
from ostan_dash.store import public as public_store
from ostan_dash.ui import data, fmt, login, navigation, public_views, texts
from ostan_dash.ui.safe_text import plain_markdown as plain

user = login.page_user("publicera")
can_write = navigation.may_write(user.role, "publicera")
today = config.today()

st.title("Publicera")
st.caption(
    "Välj vad som visas på den offentliga sidan för invånare (/offentlig, utan inloggning). "
    "Siffrorna räknas per område och månad när du publicerar och fryses; antal under fem visas "
    "som 'färre än 5'. Inga punkter och ingen fritext ur rapporterna publiceras."
)
st.page_link("content/offentlig.py", label="Öppna den offentliga sidan", icon="🌐")
if flash := st.session_state.pop("publicera_flash", None):
    st.success(flash)

if can_write:
    st.header("Publicera något nytt")
    kind = st.radio(
        "Vad vill du publicera?",
        list(texts.PUBLIC_KIND_LABELS),
        format_func=texts.PUBLIC_KIND_LABELS.get,
        horizontal=True,
        key="pub_kind",
    )
    figures: dict | None = None
    default_title, default_body = "", ""
    ref: dict[str, int | None] = {"intervention_id": None, "area_id": None}

    if kind == "omradestrend":
        areas = data.areas()
        names = dict(zip(areas["area_id"].to_list(), areas["name"].to_list(), strict=True))
        area_id = st.selectbox(
            "Område", list(names), format_func=names.get, index=None, placeholder="Välj område"
        )
        if area_id is not None:
            figures = public_views.trend_figures(int(area_id), names[area_id], today)
            ref["area_id"] = int(area_id)
            default_title = f"Utvecklingen i {names[area_id]}"
            st.markdown("**Så här ser siffrorna ut på den offentliga sidan:**")
            st.table(public_views.trend_table(figures).to_pandas().set_index("Månad"))
    elif kind == "insats":
        ivs = iv_store.interventions().filter(pl.col("status").is_in(["pagaende", "avslutad"]))
        rows = {r["intervention_id"]: r for r in ivs.to_dicts()}
        if not rows:
            st.info("Det finns ingen pågående eller avslutad insats att publicera.")
        iv_id = st.selectbox(
            "Insats",
            list(rows),
            format_func=lambda i: f"{rows[i]['title']} ({pf.STATUS_TEXT[rows[i]['status']]})",
            index=None,
            placeholder="Välj insats",
        )
        if iv_id is not None:
            row = rows[iv_id]
            figures = public_views.intervention_figures(row, today)
            ref["intervention_id"] = int(iv_id)
            default_title = row["title"]
            st.markdown(f"**Resultat som det visas:** {plain(figures['resultat'])}")
    else:
        focus = area_store.focus_areas()
        if focus.is_empty():
            st.info("Inga fokusområden är valda än (sidan Områden).")
        latest = focus.filter(pl.col("quarter_start") == focus["quarter_start"].max())
        options = {r["area_id"]: r for r in latest.to_dicts()}
        area_id = st.selectbox(
            "Fokusområde (senaste kvartalet)",
            list(options),
            format_func=lambda a: options[a]["area"],
            index=None,
            placeholder="Välj fokusområde",
        )
        if area_id is not None:
            chosen = options[area_id]
            figures = pf.focus_area(area=chosen["area"], quarter_start=chosen["quarter_start"])
            ref["area_id"] = int(area_id)
            default_title = f"Fokusområde: {chosen['area']}"
            default_body = chosen["rationale"] or ""

    if figures is not None:
        form_key = f"pub_form_{kind}_{ref['area_id']}_{ref['intervention_id']}"
        with st.form(form_key):
            title = st.text_input("Rubrik", value=default_title, max_chars=200)
            body = st.text_area(
                "Text i klarspråk för invånare",
                value=default_body,
                max_chars=4000,
                help="Skriv vad det handlar om och vad det har lett till. Inga namn, adresser "
                "eller antal under fem.",
            )
            if st.form_submit_button("Publicera", type="primary"):
                refused = public_views.text_problems(title, body, today=today)
                if refused:
                    for msg in refused:
                        st.error(msg)
                else:
                    # Frozen now: the figures are counted again at the moment of publishing.
                    if kind == "omradestrend":
                        figures = public_views.trend_figures(
                            int(ref["area_id"]), figures["omrade"], today
                        )
                    elif kind == "insats":
                        figures = public_views.intervention_figures(
                            rows[ref["intervention_id"]], today
                        )
                    public_store.publish(
                        kind=kind,
                        title=title,
                        body=body,
                        figures=figures,
                        user_id=user.id,
                        role=user.role,
                        **ref,
                    )
                    public_views.published_items.clear()
                    st.session_state["publicera_flash"] = f"”{title.strip()}” är publicerad."
                    st.rerun()

st.header("Publicerat")
all_items = public_store.items()
shown = all_items.filter(pl.col("withdrawn_at").is_null())
if shown.is_empty():
    st.info("Ingenting är publicerat just nu.")
for item in shown.to_dicts():
    with st.container(border=True):
        c1, c2 = st.columns([4, 1])
        c1.markdown(
            f"**{plain(item['title'])}**  \n{texts.PUBLIC_KIND_LABELS[item['kind']]} · "
            f"publicerad {fmt.date(item['published_at'])} av {plain(item['published_by'])}"
        )
        if can_write and c2.button("Dra tillbaka", key=f"pub_withdraw_{item['id']}"):
            public_store.withdraw(int(item["id"]), user_id=user.id, role=user.role)
            public_views.published_items.clear()
            st.session_state["publicera_flash"] = f"”{item['title']}” är tillbakadragen."
            st.rerun()
withdrawn = all_items.filter(pl.col("withdrawn_at").is_not_null())
if not withdrawn.is_empty():
    with st.expander(f"Tillbakadragna ({withdrawn.height})"):
        for item in withdrawn.to_dicts():
            st.markdown(
                f"- {plain(item['title'])} (dragen tillbaka {fmt.date(item['withdrawn_at'])} "
                f"av {plain(item['withdrawn_by'])})"
            )
