"""Mina bevakningar: the logged-in user's own alert subscriptions (issue 15), at the foot of
Översikt. Reads and writes run under the user's role (app.py binds it), so the database shows
and changes only the user's own rows (``sql/021_alerts.sql``); the scheduled
``ostan-dash alerts run`` sends the e-mails."""

from __future__ import annotations

import logging
import re

import polars as pl
import streamlit as st
from sqlalchemy.exc import DBAPIError

from ostan_dash import auth, vocab
from ostan_dash.analysis.alerts import KINDS
from ostan_dash.store import alerts as alerts_store
from ostan_dash.store import places as places_store
from ostan_dash.ui import data

log = logging.getLogger(__name__)

# The section's wording, with the section (it is the only place that shows it).
TITLE = "Mina bevakningar"
INTRO = (
    "Få ett e-postmeddelande när något du bevakar händer: en kategori över det förväntade "
    "den här veckan (samma test som Översikt), en ny eller växande het ruta (Karta), en ny "
    "riskzon för närupprepning eller en ny rapport vid en kritisk plats som en skola. Samma "
    "villkor skickas högst en gång per period, med en länk till vyn som visar det. Bara du "
    "ser dina bevakningar."
)
NONE = "Du har inga bevakningar ännu."
NEW = "Ny bevakning"
SENT = "Senast skickade"
BAD_EMAIL = "Ange en giltig e-postadress, t.ex. namn@ostan.se."
FAILED = "Bevakningen kunde inte sparas eller läsas. Felet är sparat i serverns logg."
SAVED = "Bevakningen är sparad. E-post går till {adress}."
REMOVED = "Bevakningen är borttagen."

OPEN_KEY = "bevakningar"
"""The expander's state: open (True) or closed."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_STATUS = {"skickad": "Skickad", "skickar": "Skickas", "misslyckad": "Misslyckades"}


def describe(row: dict) -> str:
    """One subscription in words: ``Skadegörelse över det förväntade i Centrum``."""
    where = row["area_name"] or "hela kommunen"
    if row["kind"] == "kategori_hog":
        what = vocab.category_label(row["category"]) if row["category"] else "Någon kategori"
        return f"{what} över det förväntade i {where}"
    if row["kind"] == "het_ruta":
        return f"Ny eller växande het ruta i {where}"
    if row["kind"] == "narupprepning":
        return f"Ny riskzon för närupprepning i {where}"
    place = row["place_name"] or f"kritiska platser i {where}"
    return f"Ny rapport vid {place}"


def subscriptions_section(user: auth.User) -> None:
    """The user's subscriptions, a form for a new one, pause/remove, and what was sent.

    Drawn only while the expander is open (Streamlit 1.67's lazy expander, its state in
    ``st.session_state["bevakningar"]``): a rerun of Översikt with it closed reads nothing."""
    box = st.expander(TITLE, expanded=False, key=OPEN_KEY, on_change="rerun")
    if not box.open:
        return
    with box:
        st.caption(INTRO)
        try:
            mine = alerts_store.subscriptions(user_id=user.id)
            sent = alerts_store.log(user_id=user.id, limit=20)
        except DBAPIError:
            log.exception("Bevakningar kunde inte läsas")
            st.error(FAILED)
            return
        if mine.is_empty():
            st.caption(NONE)
        else:
            shown = mine.select(
                pl.Series("Bevakning", [describe(r) for r in mine.iter_rows(named=True)]),
                pl.col("email").alias("E-post"),
                pl.when(pl.col("active"))
                .then(pl.lit("Aktiv"))
                .otherwise(pl.lit("Pausad"))
                .alias("Status"),
            )
            st.dataframe(shown, hide_index=True, key="alerts_mine")
            _change(user, mine)
        _new(user)
        if not sent.is_empty():
            st.markdown(f"**{SENT}**")
            st.dataframe(
                sent.select(
                    pl.col("sent_at").dt.strftime("%Y-%m-%d %H:%M").alias("Tid"),
                    pl.col("subject").alias("Ämne"),
                    pl.col("status").replace_strict(_STATUS, default=pl.col("status")),
                    pl.col("error").fill_null("").alias("Orsak"),
                ).rename({"status": "Status"}),
                hide_index=True,
                key="alerts_sent",
            )


def _change(user: auth.User, mine: pl.DataFrame) -> None:
    rows = {r["subscription_id"]: r for r in mine.iter_rows(named=True)}
    c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
    sid = c1.selectbox(
        "Ändra bevakning",
        options=list(rows),
        format_func=lambda i: f"{describe(rows[i])} ({rows[i]['email']})",
        key="alerts_pick",
    )
    active = bool(rows[sid]["active"]) if sid is not None else True
    if c2.button("Pausa" if active else "Återuppta", key="alerts_toggle"):
        alerts_store.set_active(sid, not active)
        st.rerun()
    if c3.button("Ta bort", key="alerts_delete"):
        alerts_store.delete(sid)
        st.toast(REMOVED)
        st.rerun()


def _new(user: auth.User) -> None:
    areas = data.areas()
    area_name = dict(zip(areas["area_id"].to_list(), areas["name"].to_list(), strict=True))
    critical = places_store.places(critical_only=True)
    place_name = dict(zip(critical["id"].to_list(), critical["name"].to_list(), strict=True))
    with st.form("alerts_new", clear_on_submit=True, border=True):
        st.markdown(f"**{NEW}**")
        kind = st.selectbox("Villkor", options=list(KINDS), format_func=KINDS.get)
        c1, c2 = st.columns(2)
        area = c1.selectbox(
            "Område",
            options=[None, *area_name],
            format_func=lambda a: "Hela kommunen" if a is None else area_name[a],
        )
        category = c2.selectbox(
            "Kategori (för kategori över det förväntade)",
            options=[None, *vocab.CATEGORIES],
            format_func=lambda c: "Alla kategorier" if c is None else vocab.CATEGORIES[c],
        )
        place = st.selectbox(
            "Plats (för ny rapport vid kritisk plats)",
            options=[None, *place_name],
            format_func=lambda p: "Alla kritiska platser i området" if p is None else place_name[p],
        )
        address = st.text_input("E-post", placeholder="namn@ostan.se")
        if not st.form_submit_button("Bevaka"):
            return
    address = address.strip()
    if not _EMAIL.match(address):
        st.error(BAD_EMAIL)
        return
    try:
        alerts_store.add(
            user_id=user.id,
            kind=kind,
            email=address,
            area_id=area,
            category=category if kind == "kategori_hog" else None,
            place_id=place if kind == "kritisk_plats" else None,
        )
    except DBAPIError:
        log.exception("Bevakningen kunde inte sparas")
        st.error(FAILED)
        return
    st.toast(SAVED.format(adress=address))
    st.rerun()
