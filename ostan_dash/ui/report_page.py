"""The sections of the Rapportera page (content/rapportera.py): the form's what, when, where,
description and send, the confirmation, and the reporter's own reports with their corrections.

One column, big touch targets. The form token is made once per form instance and kept in the
session, so a double tap stores one report; a report that repeats a recent one is not filed before
the reporter chose "Skicka ändå". The words that depend on data are built in
:mod:`ostan_dash.ui.report_form`, what the own reports fed in :mod:`ostan_dash.analysis.own_reports`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import polars as pl
import pydeck as pdk
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.analysis import duplicates, locations, own_reports, time_shortcuts
from ostan_dash.ingest import reports
from ostan_dash.store import reports as report_store
from ostan_dash.store import streets as streets_store
from ostan_dash.ui import data, export, fmt, maps, report_form, texts, versioned, widgets

NOW, AT, WINDOW = "Nu", "Vid en viss tid", "Upptäckt i efterhand (från–till)"
NEW_TAB, MINE_TAB = "Ny rapport", "Mina rapporter"
SHORTCUT_KEYS = {"Nyss": "rap_quick_nyss", "I natt": "rap_quick_natt", "I helgen": "rap_quick_helg"}
LIST, POSITION, MAP = "Välj plats i listan", "Min position", "Peka på kartan"

_GEO_JS = """
export default function(component) {
  const { setStateValue, parentElement } = component;
  const btn = parentElement.querySelector("button");
  const msg = parentElement.querySelector("span");
  btn.onclick = () => {
    if (!navigator.geolocation) {
      setStateValue("position", {error: "Enheten kan inte ange sin position."});
      return;
    }
    msg.textContent = " Hämtar position …";
    navigator.geolocation.getCurrentPosition(
      (p) => { msg.textContent = ""; setStateValue("position", {lat: p.coords.latitude,
               lon: p.coords.longitude, accuracy: p.coords.accuracy, at: Date.now()}); },
      // The browser's own e.message is English ("User denied Geolocation"): say it by code.
      (e) => { msg.textContent = ""; setStateValue("position", {error: ({
                 1: "Du har inte gett webbläsaren lov att dela positionen.",
                 2: "Enheten kunde inte avgöra sin position.",
                 3: "Det tog för lång tid att hämta positionen."})[e.code] ||
               "Positionen kunde inte hämtas.", at: Date.now()}); },
      {enableHighAccuracy: true, timeout: 15000, maximumAge: 30000});
  };
}
"""
_GEO_HTML = '<button class="geo">📍 Hämta min position</button><span></span>'
_GEO_CSS = """
.geo {font-size: 1.1rem; padding: 0.8rem 1.2rem; width: 100%; border-radius: 0.5rem;
      border: 1px solid #999; background: #f0f2f6; cursor: pointer; min-height: 3rem;}
"""

MOBILE_CSS = """
<style>
div[role="radiogroup"] label {padding: 0.35rem 0; min-height: 2.4rem; font-size: 1.05rem;}
div[data-testid="stButton"] button {min-height: 3rem; font-size: 1.05rem;}
</style>
"""


@st.cache_resource
def _geolocation():
    return st.components.v2.component("ostan_geolocation", html=_GEO_HTML, css=_GEO_CSS, js=_GEO_JS)


@versioned.cached()
def _places(stamp: int) -> pl.DataFrame:
    """The places and areas a report can be filed at (the list and the map)."""
    return report_store.known_places()


@versioned.cached(max_entries=16)
def _grid(stamp: int, x: float, y: float) -> pl.DataFrame:
    """The tap grid around a point, inside the municipality's areas."""
    return report_store.pick_grid(x, y)


def _deck(
    areas: pl.DataFrame, point: dict | None, grid: pl.DataFrame | None, places: pl.DataFrame
) -> pdk.Deck:
    """Area outlines, places, an optional tap grid and the chosen point (no base map tiles)."""
    layers = [
        maps.area_layer(areas),
        pdk.Layer(
            "ScatterplotLayer",
            places.filter(pl.col("kind") == "plats").select("label", "lon", "lat").to_dicts(),
            id="platser",
            get_position=["lon", "lat"],
            get_fill_color=[90, 90, 90, 160],
            radius_min_pixels=3,
        ),
    ]
    if grid is not None and grid.height:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                grid.to_dicts(),
                id="rutnat",
                get_position=["lon", "lat"],
                get_fill_color=[30, 120, 220, 90],
                radius_min_pixels=7,
                pickable=True,
            )
        )
    if point is not None:
        layers.append(
            pdk.Layer(
                "ScatterplotLayer",
                [point],
                id="vald",
                get_position=["lon", "lat"],
                get_fill_color=[220, 30, 30, 230],
                get_line_color=[255, 255, 255],
                stroked=True,
                line_width_min_pixels=2,
                radius_min_pixels=9,
            )
        )
    view = _view(point, grid)
    return maps.CompactDeck(
        layers=layers, initial_view_state=view, map_style=maps.base_style(), tooltip=None
    )


@versioned.cached(max_entries=256)
def _in_words(stamp: int, x: float, y: float) -> str | None:
    """A point as people say it: its nearest street and place ("Storgatan vid Stora torget"),
    or ``None`` when no street or place is near enough to name it."""
    near = streets_store.nearest([x], [y]).row(0, named=True)
    return locations.describe(near["street"], near["street_m"], near["place"], near["place_m"])


def _where_text(label: str | None, x: float, y: float) -> str:
    """The chosen or stored place in words first, the coordinates after for the police."""
    words = _in_words(round(x, 1), round(y, 1))
    head = " · ".join(t for t in (label, words) if t)
    return f"{head} (SWEREF 99 TM N {fmt.number(y)}, E {fmt.number(x)})"


def _view(point: dict | None, grid: pl.DataFrame | None) -> pdk.ViewState:
    """The chosen point close up; else the tap grid of the chosen area filling a phone's width
    (about 360 px), so its dots lie apart and one can be tapped; else the whole municipality."""
    if point is not None:
        return pdk.ViewState(longitude=point["lon"], latitude=point["lat"], zoom=14)
    if grid is not None and grid.height:
        lat = float(grid["lat"].mean())
        span = float(grid["x"].max() - grid["x"].min()) * 1.15 or 500.0
        return pdk.ViewState(
            longitude=float(grid["lon"].mean()),
            latitude=lat,
            zoom=maps.zoom_for_span(span, lat, width_px=360),
        )
    return pdk.ViewState(longitude=17.03, latitude=59.82, zoom=9.5)


def _reset_form() -> None:
    for k in list(st.session_state):
        if k.startswith("rap_"):
            del st.session_state[k]


def _show_mine() -> None:
    st.session_state["rap_tab"] = MINE_TAB


def now() -> dt.datetime:
    return dt.datetime.now(config.TZ).replace(second=0, microsecond=0)


def _use_shortcut(name: str) -> None:
    """Fill the from–till fields with the shortcut's window (before the widgets are drawn)."""
    t0, t1 = time_shortcuts.shortcut_window(name, now())
    t0, t1 = t0.astimezone(config.TZ), t1.astimezone(config.TZ)
    ss = st.session_state
    ss["rap_when"] = WINDOW
    ss["rap_d0"], ss["rap_t0"], ss["rap_d1"], ss["rap_t1"] = (
        t0.date(),
        t0.time(),
        t1.date(),
        t1.time(),
    )
    ss["rap_shortcut"] = (name, t0, t1)


def when(now: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
    """The time section: the mode and the occurrence window (aware, Europe/Stockholm)."""
    # The window's fields take their values from the session, so a shortcut can fill them.
    ss = st.session_state
    ss.setdefault("rap_d0", now.date() - dt.timedelta(days=1))
    ss.setdefault("rap_t0", dt.time(17, 0))
    ss.setdefault("rap_d1", now.date())
    ss.setdefault("rap_t1", now.time())
    when = st.radio("När?", [NOW, AT, WINDOW], horizontal=True, key="rap_when")
    st.caption("Snabbval som fyller i tiden:")
    with st.container(horizontal=True):
        for name, key in SHORTCUT_KEYS.items():
            st.button(name, key=key, on_click=_use_shortcut, args=(name,))
    if when == NOW:
        return when, now, now
    if when == AT:
        d = st.date_input(
            "Datum", now.date(), max_value=now.date(), key="rap_d", format="YYYY-MM-DD"
        )
        t = st.time_input("Klockan", now.time(), step=300, key="rap_t")
        at = dt.datetime.combine(d, t, tzinfo=config.TZ)
        return when, at, at
    shortcut = ss.get("rap_shortcut")
    if shortcut is None:
        st.caption("Till exempel klotter som upptäcktes på morgonen: från när platsen sågs hel.")
    d0 = st.date_input("Från datum", max_value=now.date(), key="rap_d0", format="YYYY-MM-DD")
    t0 = st.time_input("Från klockan", step=300, key="rap_t0")
    d1 = st.date_input("Till datum", max_value=now.date(), key="rap_d1", format="YYYY-MM-DD")
    t1 = st.time_input("Till klockan", step=300, key="rap_t1")
    t_from = dt.datetime.combine(d0, t0, tzinfo=config.TZ)
    t_to = dt.datetime.combine(d1, t1, tzinfo=config.TZ)
    if shortcut is not None and (shortcut[1], shortcut[2]) == (t_from, t_to):
        st.caption(
            f"{shortcut[0]}: {report_form.window_text(t_from, t_to)}. Ändra tiderna om det behövs."
        )
    return when, t_from, t_to


def _file(draft: reports.ReportDraft, user) -> None:
    """Store the report; on success show the confirmation (a rerun), else say why not."""
    try:
        filed = reports.file_report(
            draft,
            user_id=user.id,
            username=user.username,
            organisation_id=user.organisation_id,
            role=user.role,
        )
    except reports.ReportRefused as e:
        st.error(str(e))
    else:
        data.clear()
        st.session_state.pop("rap_pending", None)
        st.session_state["rap_done"] = filed.id
        st.rerun()


def _likely_duplicates(draft: reports.ReportDraft, user) -> pl.DataFrame:
    """Recent reports this one probably repeats (analysis.duplicates), nearest first."""
    now = dt.datetime.now(config.TZ)
    earlier = report_store.recent_similar_reports(
        draft.category,
        user_id=user.id,
        organisation_id=user.organisation_id,
        role=user.role,
        since=now - duplicates.LOOKBACK,
        exclude_token=draft.client_token,
    )
    return duplicates.likely_duplicates(
        earlier,
        category=draft.category,
        x=draft.x,
        y=draft.y,
        occurred_from=draft.occurred_from,
        occurred_to=draft.occurred_to,
        reported_by=user.id,
        organisation_id=user.organisation_id,
        now=now,
    )


def _status_table(mine: pl.DataFrame) -> pl.DataFrame:
    return mine.select(
        pl.col("id").alias("Nr"),
        pl.col("status").replace_strict(texts.REPORT_STATUS, default="Mottagen").alias("Status"),
        pl.col("created_at").dt.strftime("%Y-%m-%d %H:%M").alias("Skickad"),
        pl.col("category")
        .replace_strict(vocab.CATEGORIES, default=pl.col("category"))
        .alias("Kategori"),
        pl.struct("category", "subtype")
        .map_elements(
            lambda s: vocab.subtype_label(s["category"], s["subtype"]), return_dtype=pl.Utf8
        )
        .alias("Typ"),
        pl.col("occurred_from").dt.strftime("%Y-%m-%d %H:%M").alias("Från"),
        pl.col("occurred_to").dt.strftime("%Y-%m-%d %H:%M").alias("Till"),
        pl.col("area").alias("Område"),
        pl.col("problem_pictures").list.join(", ").alias("Problembilder"),
        pl.col("interventions").list.join(", ").alias("Insatser"),
    )


def _edit_form(r: dict, user, places: pl.DataFrame) -> None:
    """Correct type, time window, place and text of one of the reporter's own reports."""
    rid = r["id"]
    subs = vocab.SUBTYPES[r["category"]]
    new_sub = st.selectbox(
        "Typ",
        list(subs),
        index=list(subs).index(r["subtype"]),
        format_func=subs.get,
        key=f"rap_edit_sub_{rid}",
    )
    latest = now()
    t0, t1 = r["occurred_from"].astimezone(config.TZ), r["occurred_to"].astimezone(config.TZ)
    d0 = st.date_input(
        "Från datum",
        t0.date(),
        max_value=latest.date(),
        key=f"rap_edit_d0_{rid}",
        format="YYYY-MM-DD",
    )
    c0 = st.time_input("Från klockan", t0.time(), step=300, key=f"rap_edit_t0_{rid}")
    d1 = st.date_input(
        "Till datum",
        t1.date(),
        max_value=latest.date(),
        key=f"rap_edit_d1_{rid}",
        format="YYYY-MM-DD",
    )
    c1 = st.time_input("Till klockan", t1.time(), step=300, key=f"rap_edit_t1_{rid}")
    st.caption(f"Nuvarande plats: {_where_text(r['area'] or 'okänt område', r['x'], r['y'])}")
    moved = st.selectbox(
        "Ny plats",
        places["label"].to_list(),
        index=None,
        placeholder="Behåll platsen, eller skriv för att söka …",
        key=f"rap_edit_place_{rid}",
    )
    x, y = r["x"], r["y"]
    if moved:
        p = places.filter(pl.col("label") == moved).row(0, named=True)
        x, y = p["x"], p["y"]
    new_text = st.text_area(
        "Beskrivning",
        r["description"] or "",
        max_chars=reports.MAX_DESCRIPTION,
        key=f"rap_edit_text_{rid}",
    )
    if st.button("Spara ändringen", key=f"rap_edit_save_{rid}"):
        draft = reports.ReportDraft(
            category=r["category"],
            subtype=new_sub,
            occurred_from=dt.datetime.combine(d0, c0, tzinfo=config.TZ),
            occurred_to=dt.datetime.combine(d1, c1, tzinfo=config.TZ),
            x=x,
            y=y,
            client_token=reports.new_token(),
            object_type=r["object_type"],
            persons_count=r["persons_count"],
            description=new_text or None,
        )
        try:
            reports.update_report(
                rid, draft, user_id=user.id, username=user.username, role=user.role
            )
        except reports.ReportRefused as e:
            st.error(str(e))
        else:
            data.clear()
            st.session_state["rap_edit_saved"] = rid
            st.rerun()


@dataclasses.dataclass(frozen=True)
class What:
    """What happened: category, type and, for some categories, the object or the head count."""

    category: str | None
    subtype: str | None = None
    object_type: str | None = None
    persons: int | None = None


def confirmation() -> bool:
    """Make the form's token once; after a filed report show the thanks and the two ways on
    (True: the form is not drawn)."""
    if "rap_token" not in st.session_state:
        st.session_state["rap_token"] = str(reports.new_token())
    done = st.session_state.get("rap_done")
    if done is None:
        return False
    st.success(f"Tack! Rapporten är sparad (nr {done}). Den syns nu i lägesbilden.")
    with st.container(horizontal=True):
        st.button(NEW_TAB, type="primary", on_click=_reset_form, key="rap_again")
        st.button(MINE_TAB, on_click=_show_mine, key="rap_to_mine")
    return True


def what() -> What:
    """Vad har hänt? The category, then its type, the object damaged or the head count."""
    category = st.radio(
        "Vad har hänt?",
        list(vocab.CATEGORIES),
        format_func=vocab.CATEGORIES.get,
        index=None,
        key="rap_cat",
    )
    if not category:
        return What(None)
    subs = vocab.SUBTYPES[category]
    subtype = st.radio("Typ", list(subs), format_func=subs.get, index=None, key="rap_sub")
    object_type = persons = None
    if category == "skadegorelse":
        object_type = st.radio(
            "Vad skadades?",
            list(vocab.OBJECT_TYPES),
            format_func=vocab.OBJECT_TYPES.get,
            index=None,
            key="rap_obj",
        )
    if category == "otrygg_samling":
        persons = int(
            st.number_input("Ungefär hur många personer?", 1, 1000, 5, step=1, key="rap_persons")
        )
    return What(category, subtype, object_type, persons)


def _from_list(places: pl.DataFrame) -> dict | None:
    chosen = st.selectbox(
        "Plats eller område",
        places["label"].to_list(),
        index=None,
        placeholder="Skriv för att söka …",
        key="rap_place",
    )
    if not chosen:
        return None
    r = places.filter(pl.col("label") == chosen).row(0, named=True)
    return {"x": r["x"], "y": r["y"], "lon": r["lon"], "lat": r["lat"], "label": chosen}


def _from_position() -> dict | None:
    st.caption(
        "Telefonen frågar om du vill dela din position. Den sparas bara som platsen för händelsen."
    )
    res = _geolocation()(key="rap_geo", on_position_change=lambda: None)
    pos = res.get("position") if res else None
    if pos and "error" in pos:
        st.warning(f"Positionen kunde inte hämtas: {pos['error']} Välj platsen i listan i stället.")
    elif pos and "lat" in pos:
        x, y = report_store.to_sweref(pos["lon"], pos["lat"])
        return {
            "x": x,
            "y": y,
            "lon": pos["lon"],
            "lat": pos["lat"],
            "label": f"Min position (±{fmt.number(pos.get('accuracy') or 0)} m)",
        }
    return None


def _tap_grid(areas: pl.DataFrame, places: pl.DataFrame, point: dict | None) -> pl.DataFrame | None:
    start = st.selectbox(
        "Område att visa",
        areas["name"].to_list(),
        index=None,
        key="rap_map_area",
        placeholder="Välj område …",
    )
    centre = point
    if start:
        r = places.filter(pl.col("label") == f"Området {start}").row(0, named=True)
        centre = {"x": r["x"], "y": r["y"]}
    if centre is None:
        st.caption("Välj först vilket område kartan ska visa.")
        return None
    st.caption("Tryck på den blå punkt som ligger närmast platsen.")
    return _grid(round(centre["x"]), round(centre["y"]))


def where() -> dict | None:
    """Var? A place from the list, the device's position or a tap on the map; the map always
    shows the chosen point, and the point is named (or refused when outside the municipality)."""
    places = _places()
    areas = data.areas()
    how = st.radio("Var?", [LIST, POSITION, MAP], horizontal=True, key="rap_how")
    point: dict | None = st.session_state.get("rap_point")
    grid = None
    if how == LIST:
        point = _from_list(places) or point
    elif how == POSITION:
        point = _from_position() or point
    else:
        grid = _tap_grid(areas, places, point)
    if how in (LIST, POSITION) and point is not None:
        st.session_state["rap_point"] = point

    event = st.pydeck_chart(
        _deck(areas, point, grid, places),
        on_select="rerun" if grid is not None else "ignore",
        selection_mode="single-object",
        key=f"rap_map_{how == MAP}",
        height=340,
    )
    if grid is not None and event and event.selection and event.selection.get("objects"):
        picked = event.selection["objects"].get("rutnat") or []
        if picked:
            p = picked[0]
            new = {"x": p["x"], "y": p["y"], "lon": p["lon"], "lat": p["lat"]}
            new["label"] = "Punkt på kartan"
            if new != st.session_state.get("rap_point"):
                st.session_state["rap_point"] = new
                st.rerun()

    point = st.session_state.get("rap_point")
    if point is None:
        st.info("Ingen plats vald än.")
    elif not report_store.inside_municipality(point["x"], point["y"]):
        st.error(reports.OUTSIDE_MESSAGE)
    else:
        st.markdown(f"**Vald plats:** {_where_text(point['label'], point['x'], point['y'])}")
    return point


def description() -> str:
    """The free text, with the reminder to write no personal data."""
    text = st.text_area(
        "Beskrivning (frivillig)",
        max_chars=reports.MAX_DESCRIPTION,
        key="rap_text",
        placeholder="Vad såg du? Beskriv platsen och händelsen.",
    )
    st.caption(
        "⚠️ Skriv inga namn, personnummer eller andra personuppgifter – bara platsen och händelsen."
    )
    return text


def send(
    user,
    what: What,
    when: tuple[str, dt.datetime, dt.datetime],
    point: dict | None,
    description: str,
) -> None:
    """Skicka rapport: say what is missing or wrong, warn before a likely duplicate (Skicka ändå /
    Avbryt right under the button, scrolled into view), else file the report."""
    mode, t_from, t_to = when
    missing = report_form.missing_fields(
        what.category, what.subtype, what.object_type, has_point=point is not None
    )
    draft = None
    if not missing:
        draft = reports.ReportDraft(
            category=what.category,
            subtype=what.subtype,
            occurred_from=t_from,
            occurred_to=t_to,
            x=point["x"],
            y=point["y"],
            client_token=uuid.UUID(st.session_state["rap_token"]),
            object_type=what.object_type,
            persons_count=what.persons,
            description=description or None,
        )
    # What the duplicate warning was about: "Nu" moves with the clock, the rest must stay.
    signature = (
        None
        if draft is None
        else dataclasses.replace(
            draft,
            occurred_from=None if mode == NOW else t_from,
            occurred_to=None if mode == NOW else t_to,
        )
    )
    pending = st.session_state.get("rap_pending")
    if pending is not None and pending["signature"] != signature:
        del st.session_state["rap_pending"]  # the form changed since the warning
        pending = None

    if st.button("Skicka rapport", type="primary", width="stretch", key="rap_send"):
        st.session_state.pop("rap_cancelled", None)
        if missing:
            st.error("Fyll i " + ", ".join(missing) + ".")
        elif found := reports.problems(draft, now=dt.datetime.now(config.TZ)):
            st.error(" ".join(found))
        else:
            dups = _likely_duplicates(draft, user)
            if dups.is_empty():
                _file(draft, user)
            else:
                pending = {
                    "n": st.session_state.get("rap_pending_n", 0) + 1,
                    "signature": signature,
                    "text": report_form.duplicate_warning(
                        dups.row(0, named=True),
                        more=dups.height - 1,
                        user_id=user.id,
                        now=dt.datetime.now(config.TZ),
                    ),
                }
                st.session_state["rap_pending"] = pending
                st.session_state["rap_pending_n"] = pending["n"]

    if pending is not None:
        # Right under the button the reporter pressed, so it is in view on a phone.
        st.warning(pending["text"], icon="⚠️")
        with st.container(horizontal=True):
            again = st.button("Skicka ändå", type="primary", key="rap_dup_send")
            cancel = st.button("Avbryt", key="rap_dup_cancel")
        widgets.scroll_into_view(key=f"rap_dup_scroll_{pending['n']}")
        if again:
            _file(draft, user)
        elif cancel:
            del st.session_state["rap_pending"]
            st.session_state["rap_cancelled"] = True
            st.rerun()
    elif st.session_state.get("rap_cancelled"):
        st.info(texts.REPORT_DUPLICATE_CANCELLED)


def load_own(user) -> pl.DataFrame:
    """The reporter's latest reports with their status and what they fed."""
    return report_store.own_reports(user.id, user.role)


def saved_notice() -> None:
    """The confirmation of a correction saved on the previous run, at the top of the tab
    (:func:`corrections` repeats it where the user clicked and then forgets it)."""
    saved = st.session_state.get("rap_edit_saved")
    if saved is not None:
        st.success(f"Ändringen av rapport nr {saved} är sparad.")


def fed_summary(mine: pl.DataFrame) -> None:
    """How many reports, and the problem pictures and interventions they are part of."""
    summary = own_reports.summarise(mine)
    st.markdown(report_form.own_reports_text(summary))
    if summary.problem_pictures:
        st.markdown("**Problembilder:** " + ", ".join(summary.problem_pictures))
    if summary.interventions:
        st.markdown("**Insatser:** " + ", ".join(summary.interventions))


def status_table(mine: pl.DataFrame) -> None:
    """One row a report: its status, when, what and where, and what it fed (with CSV export)."""
    table = _status_table(mine)
    export.table(
        table,
        name="mina-rapporter",
        key="rap_mine",
        height=export.table_height(table.height, max_rows=10),
    )
    st.caption(texts.REPORT_STATUS_HELP)


def corrections(mine: pl.DataFrame, user) -> None:
    """Ändra en rapport: one expander per report still within the edit window. The report just
    corrected stays open with its confirmation inside: its label (the new time window) makes it
    a new expander, which would otherwise close and leave the confirmation above the screen on
    a phone."""
    saved = st.session_state.pop("rap_edit_saved", None)
    now_ = dt.datetime.now(config.TZ)
    editable = own_reports.editable(mine, now=now_, window=reports.EDIT_WINDOW)
    if editable.is_empty():
        return
    st.subheader("Ändra en rapport")
    st.caption(report_form.edit_window_text(reports.EDIT_WINDOW))
    places = _places()
    for r in editable.iter_rows(named=True):
        label = (
            f"Nr {r['id']}: {vocab.subtype_label(r['category'], r['subtype'])}, "
            f"{report_form.window_text(r['occurred_from'], r['occurred_to'])}"
        )
        with st.expander(label, expanded=r["id"] == saved):
            if r["id"] == saved:
                st.success(f"Ändringen av rapport nr {saved} är sparad.")
            _edit_form(r, user, places)
