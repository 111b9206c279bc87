"""Sections of the Publicera page (content/offentlig_val.py): choosing what to publish with a
preview of its frozen, suppressed figures, the form that publishes it, and the list of what is
published (withdraw) and withdrawn.

The figures are frozen by :mod:`ostan_dash.ui.public_views`, the sentences are in
:mod:`ostan_dash.ui.public_narratives`, and the writes go through :mod:`ostan_dash.store.public`
as the acting user.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from ostan_dash.analysis import public_figures as pf
from ostan_dash.auth import User
from ostan_dash.store import areas as area_store
from ostan_dash.store import interventions as iv_store
from ostan_dash.store import public as public_store
from ostan_dash.ui import data, public_views, texts
from ostan_dash.ui import public_narratives as say
from ostan_dash.ui.safe_text import plain_markdown as plain

FLASH = "publicera_flash"


@dataclasses.dataclass(frozen=True)
class Draft:
    """One thing chosen for publishing: its kind, the figures previewed, the proposed title and
    text, what it refers to, and how its figures are counted again when it is published
    (``None``: they do not change, as a focus area's)."""

    kind: str
    figures: dict[str, Any]
    title: str
    body: str = ""
    area_id: int | None = None
    intervention_id: int | None = None
    refreeze: Callable[[], dict[str, Any]] | None = None

    @property
    def form_key(self) -> str:
        """One form per kind and choice, so a new choice starts from its own proposed text."""
        return f"pub_form_{self.kind}_{self.area_id}_{self.intervention_id}"


def flash() -> None:
    """The confirmation of a publication or withdrawal on the previous run."""
    if message := st.session_state.pop(FLASH, None):
        st.success(message)


def choose(today: dt.date) -> Draft | None:
    """Vad vill du publicera? The kind, then the area, intervention or focus area, previewed."""
    kind = st.radio(
        "Vad vill du publicera?",
        list(texts.PUBLIC_KIND_LABELS),
        format_func=texts.PUBLIC_KIND_LABELS.get,
        horizontal=True,
        key="pub_kind",
    )
    if kind == "omradestrend":
        return _trend(today)
    if kind == "insats":
        return _intervention(today)
    return _focus_area()


def _trend(today: dt.date) -> Draft | None:
    """An area's last twelve months per source, shown as the public page will show them."""
    areas = data.areas()
    names = dict(zip(areas["area_id"].to_list(), areas["name"].to_list(), strict=True))
    area_id = st.selectbox(
        "Område", list(names), format_func=names.get, index=None, placeholder="Välj område"
    )
    if area_id is None:
        return None
    freeze = functools.partial(public_views.trend_figures, int(area_id), names[area_id], today)
    figures = freeze()
    st.markdown("**Så här ser siffrorna ut på den offentliga sidan:**")
    st.table(public_views.trend_table(figures).to_pandas().set_index("Månad"))
    return Draft(
        kind="omradestrend",
        figures=figures,
        title=say.trend_title(names[area_id]),
        area_id=int(area_id),
        refreeze=freeze,
    )


def _intervention(today: dt.date) -> Draft | None:
    """A running or finished intervention and its result so far, in the public's words."""
    ivs = iv_store.interventions().filter(pl.col("status").is_in(["pagaende", "avslutad"]))
    rows = {r["intervention_id"]: r for r in ivs.to_dicts()}
    if not rows:
        st.info("Det finns ingen pågående eller avslutad insats att publicera.")
    iv_id = st.selectbox(
        "Insats",
        list(rows),
        format_func=lambda i: say.intervention_option(rows[i]),
        index=None,
        placeholder="Välj insats",
    )
    if iv_id is None:
        return None
    freeze = functools.partial(public_views.intervention_figures, rows[iv_id], today)
    figures = freeze()
    st.markdown(f"**Resultat som det visas:** {plain(figures['resultat'])}")
    return Draft(
        kind="insats",
        figures=figures,
        title=rows[iv_id]["title"],
        intervention_id=int(iv_id),
        refreeze=freeze,
    )


def _focus_area() -> Draft | None:
    """One of the latest quarter's focus areas, with its rationale as the proposed text."""
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
    if area_id is None:
        return None
    chosen = options[area_id]
    return Draft(
        kind="fokusomrade",
        figures=pf.focus_area(area=chosen["area"], quarter_start=chosen["quarter_start"]),
        title=say.focus_title(chosen["area"]),
        body=chosen["rationale"] or "",
        area_id=int(area_id),
    )


def publish_form(draft: Draft, user: User, *, today: dt.date) -> None:
    """Rubrik and the text for residents; refused in Swedish when they hold personal data or a
    count under five, else published with the figures counted again at this moment."""
    with st.form(draft.form_key):
        title = st.text_input("Rubrik", value=draft.title, max_chars=200)
        body = st.text_area(
            "Text i klarspråk för invånare",
            value=draft.body,
            max_chars=4000,
            help="Skriv vad det handlar om och vad det har lett till. Inga namn, adresser "
            "eller antal under fem.",
        )
        if not st.form_submit_button("Publicera", type="primary"):
            return
        if refused := public_views.text_problems(title, body, today=today):
            for msg in refused:
                st.error(msg)
            return
        public_store.publish(
            kind=draft.kind,
            title=title,
            body=body,
            figures=draft.refreeze() if draft.refreeze else draft.figures,
            user_id=user.id,
            role=user.role,
            intervention_id=draft.intervention_id,
            area_id=draft.area_id,
        )
        st.session_state[FLASH] = say.published_flash(title)
        st.rerun()


def published(items: pl.DataFrame, user: User, *, can_write: bool) -> None:
    """Publicerat: what the public page shows now, each with its withdraw button."""
    shown = items.filter(pl.col("withdrawn_at").is_null())
    if shown.is_empty():
        st.info("Ingenting är publicerat just nu.")
    for item in shown.to_dicts():
        with st.container(border=True):
            c1, c2 = st.columns([4, 1])
            c1.markdown(say.published_line(item))
            if can_write and c2.button("Dra tillbaka", key=f"pub_withdraw_{item['id']}"):
                public_store.withdraw(int(item["id"]), user_id=user.id, role=user.role)
                st.session_state[FLASH] = say.withdrawn_flash(item["title"])
                st.rerun()


def withdrawn(items: pl.DataFrame) -> None:
    """Tillbakadragna: what was taken down, when and by whom (folded away)."""
    gone = items.filter(pl.col("withdrawn_at").is_not_null())
    if gone.is_empty():
        return
    with st.expander(f"Tillbakadragna ({gone.height})"):
        for item in gone.to_dicts():
            st.markdown(say.withdrawn_line(item))
