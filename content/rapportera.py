"""Rapportera: file an EST report from a phone in well under a minute, and see one's own reports.

One column, big touch targets. When: now, a time, a window, or a shortcut (Nyss / I natt /
I helgen) that fills the window. Where: a known place from the list, the device's position, or a
tap on the map; the map always shows the chosen point for confirmation. The form token is made
once per form instance and kept in the session, so a double tap stores one report; a report that
repeats a recent one (same kind, place and time, by the reporter or a colleague) is not filed
before the reporter chose "Skicka ändå". Mina rapporter shows each report's status and lets the
reporter correct time window and place for 48 hours.
"""

import dataclasses
import datetime as dt
import uuid

import polars as pl
import pydeck as pdk
import streamlit as st

from ostan_dash import config, vocab
from ostan_dash.analysis import duplicates, time_shortcuts
from ostan_dash.ingest import reports
from ostan_dash.store import reports as report_store
from ostan_dash.ui import data, export, fmt, login, maps, report_form, texts

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

# A warning that appears under the button a reporter pressed may end below the fold on a phone:
# bring it and its buttons into view (Streamlit has no scroll API).
_SCROLL_JS = """
export default function(component) {
  const mark = component.parentElement.querySelector("span");
  requestAnimationFrame(() => mark.scrollIntoView({block: "end", behavior: "smooth"}));
}
"""

_MOBILE_CSS = """
<style>
div[role="radiogroup"] label {padding: 0.35rem 0; min-height: 2.4rem; font-size: 1.05rem;}
div[data-testid="stButton"] button {min-height: 3rem; font-size: 1.05rem;}
</style>
"""


@st.cache_resource
def _geolocation():
    return st.components.v2.component("ostan_geolocation", html=_GEO_HTML, css=_GEO_CSS, js=_GEO_JS)


@st.cache_resource
def _scroll_into_view():
    return st.components.v2.component("ostan_scroll_into_view", html="<span></span>", js=_SCROLL_JS)


@st.cache_data(ttl=300, show_spinner=False)
def _places() -> pl.DataFrame:
    return report_store.known_places()


@st.cache_data(ttl=300, show_spinner=False)
def _grid(x: float, y: float) -> pl.DataFrame:
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
    centre = point or {"lon": 17.03, "lat": 59.82}
    view = pdk.ViewState(longitude=centre["lon"], latitude=centre["lat"], zoom=14 if point else 9.5)
    return pdk.Deck(
        layers=layers, initial_view_state=view, map_style=maps.EMPTY_MAP_STYLE, tooltip=None
    )


def _reset_form() -> None:
    for k in list(st.session_state):
        if k.startswith("rap_"):
            del st.session_state[k]


def _show_mine() -> None:
    st.session_state["rap_tab"] = MINE_TAB


def _now() -> dt.datetime:
    return dt.datetime.now(config.TZ).replace(second=0, microsecond=0)


def _use_shortcut(name: str) -> None:
    """Fill the from–till fields with the shortcut's window (before the widgets are drawn)."""
    t0, t1 = time_shortcuts.shortcut_window(name, _now())
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


def _when(now: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
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


user = login.page_user("rapportera")
st.title("Rapportera")
st.markdown(_MOBILE_CSS, unsafe_allow_html=True)

tab_new, tab_mine = st.tabs([NEW_TAB, MINE_TAB], key="rap_tab", on_change="rerun")


def new_report(user) -> None:
    """The form: what, when, where, free text, send (one column, for a phone)."""
    if "rap_token" not in st.session_state:
        st.session_state["rap_token"] = str(reports.new_token())
    done = st.session_state.get("rap_done")
    if done is not None:
        st.success(f"Tack! Rapporten är sparad (nr {done}). Den syns nu i lägesbilden.")
        with st.container(horizontal=True):
            st.button(NEW_TAB, type="primary", on_click=_reset_form, key="rap_again")
            st.button(MINE_TAB, on_click=_show_mine, key="rap_to_mine")
        return

    # Vad ---------------------------------------------------------------------------------
    category = st.radio(
        "Vad har hänt?",
        list(vocab.CATEGORIES),
        format_func=vocab.CATEGORIES.get,
        index=None,
        key="rap_cat",
    )
    subtype = object_type = persons = None
    if category:
        subs = vocab.SUBTYPES[category]
        subtype = st.radio("Typ", list(subs), format_func=subs.get, index=None, key="rap_sub")
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
                st.number_input(
                    "Ungefär hur många personer?", 1, 1000, 5, step=1, key="rap_persons"
                )
            )

    # När ---------------------------------------------------------------------------------
    when, t_from, t_to = _when(_now())

    # Var ---------------------------------------------------------------------------------
    places = _places()
    areas = data.areas()
    how = st.radio("Var?", [LIST, POSITION, MAP], horizontal=True, key="rap_how")
    point: dict | None = st.session_state.get("rap_point")
    grid = None
    if how == LIST:
        labels = places["label"].to_list()
        chosen = st.selectbox(
            "Plats eller område",
            labels,
            index=None,
            placeholder="Skriv för att söka …",
            key="rap_place",
        )
        if chosen:
            r = places.filter(pl.col("label") == chosen).row(0, named=True)
            point = {"x": r["x"], "y": r["y"], "lon": r["lon"], "lat": r["lat"], "label": chosen}
    elif how == POSITION:
        st.caption(
            "Telefonen frågar om du vill dela din position. Den sparas bara som platsen för händelsen."
        )
        res = _geolocation()(key="rap_geo", on_position_change=lambda: None)
        pos = res.get("position") if res else None
        if pos and "error" in pos:
            st.warning(
                f"Positionen kunde inte hämtas: {pos['error']} Välj platsen i listan i stället."
            )
        elif pos and "lat" in pos:
            x, y = report_store.to_sweref(pos["lon"], pos["lat"])
            point = {
                "x": x,
                "y": y,
                "lon": pos["lon"],
                "lat": pos["lat"],
                "label": f"Min position (±{fmt.number(pos.get('accuracy') or 0)} m)",
            }
    else:
        area_names = areas["name"].to_list()
        start = st.selectbox(
            "Område att visa",
            area_names,
            index=None,
            key="rap_map_area",
            placeholder="Välj område …",
        )
        centre = point
        if start:
            r = places.filter(pl.col("label") == f"Området {start}").row(0, named=True)
            centre = {"x": r["x"], "y": r["y"]}
        if centre is not None:
            grid = _grid(round(centre["x"]), round(centre["y"]))
            st.caption("Tryck på den blå punkt som ligger närmast platsen.")
        else:
            st.caption("Välj först vilket område kartan ska visa.")
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
            new = {
                "x": p["x"],
                "y": p["y"],
                "lon": p["lon"],
                "lat": p["lat"],
                "label": "Punkt på kartan",
            }
            if new != st.session_state.get("rap_point"):
                st.session_state["rap_point"] = new
                st.rerun()

    point = st.session_state.get("rap_point")
    inside = point is not None and report_store.inside_municipality(point["x"], point["y"])
    if point is None:
        st.info("Ingen plats vald än.")
    elif not inside:
        st.error(reports.OUTSIDE_MESSAGE)
    else:
        st.markdown(
            f"**Vald plats:** {point['label']} · SWEREF 99 TM N {fmt.number(point['y'])}, "
            f"E {fmt.number(point['x'])}"
        )

    # Beskrivning -------------------------------------------------------------------------
    description = st.text_area(
        "Beskrivning (frivillig)",
        max_chars=reports.MAX_DESCRIPTION,
        key="rap_text",
        placeholder="Vad såg du? Beskriv platsen och händelsen.",
    )
    st.caption(
        "⚠️ Skriv inga namn, personnummer eller andra personuppgifter – bara platsen och händelsen."
    )

    missing = []
    if not category:
        missing.append("vad som hänt")
    elif not subtype:
        missing.append("typ")
    if category == "skadegorelse" and not object_type:
        missing.append("vad som skadades")
    if point is None:
        missing.append("plats")
    draft = None
    if not missing:
        draft = reports.ReportDraft(
            category=category,
            subtype=subtype,
            occurred_from=t_from,
            occurred_to=t_to,
            x=point["x"],
            y=point["y"],
            client_token=uuid.UUID(st.session_state["rap_token"]),
            object_type=object_type,
            persons_count=persons,
            description=description or None,
        )
    # What the duplicate warning was about: "Nu" moves with the clock, the rest must stay.
    signature = (
        None
        if draft is None
        else dataclasses.replace(
            draft,
            occurred_from=None if when == NOW else t_from,
            occurred_to=None if when == NOW else t_to,
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
        _scroll_into_view()(key=f"rap_dup_scroll_{pending['n']}")
        if again:
            _file(draft, user)
        elif cancel:
            del st.session_state["rap_pending"]
            st.session_state["rap_cancelled"] = True
            st.rerun()
    elif st.session_state.get("rap_cancelled"):
        st.info(texts.REPORT_DUPLICATE_CANCELLED)


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
    now = _now()
    t0, t1 = r["occurred_from"].astimezone(config.TZ), r["occurred_to"].astimezone(config.TZ)
    d0 = st.date_input(
        "Från datum", t0.date(), max_value=now.date(), key=f"rap_edit_d0_{rid}", format="YYYY-MM-DD"
    )
    c0 = st.time_input("Från klockan", t0.time(), step=300, key=f"rap_edit_t0_{rid}")
    d1 = st.date_input(
        "Till datum", t1.date(), max_value=now.date(), key=f"rap_edit_d1_{rid}", format="YYYY-MM-DD"
    )
    c1 = st.time_input("Till klockan", t1.time(), step=300, key=f"rap_edit_t1_{rid}")
    st.caption(
        f"Nuvarande plats: {r['area'] or 'okänt område'} · SWEREF 99 TM N {fmt.number(r['y'])}, "
        f"E {fmt.number(r['x'])}"
    )
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


def my_reports(user) -> None:
    """The reporter's own reports: status, what they fed, and corrections within 48 hours."""
    mine = report_store.own_reports(user.id, user.role)
    if mine.is_empty():
        st.info("Du har inte skickat några rapporter än.")
        return
    saved = st.session_state.pop("rap_edit_saved", None)
    if saved is not None:
        st.success(f"Ändringen av rapport nr {saved} är sparad.")
    fed_pp = sorted({t for ts in mine["problem_pictures"].to_list() for t in ts})
    fed_iv = sorted({t for ts in mine["interventions"].to_list() for t in ts})
    st.markdown(
        f"Du har skickat **{fmt.number(mine.height)}** rapporter. De ingår i underlaget för "
        f"**{len(fed_pp)}** problembilder och **{len(fed_iv)}** insatser."
    )
    if fed_pp:
        st.markdown("**Problembilder:** " + ", ".join(fed_pp))
    if fed_iv:
        st.markdown("**Insatser:** " + ", ".join(fed_iv))
    table = _status_table(mine)
    export.table(
        table,
        name="mina-rapporter",
        key="rap_mine",
        height=export.table_height(table.height, max_rows=10),
    )
    st.caption(texts.REPORT_STATUS_HELP)

    now = dt.datetime.now(config.TZ)
    editable = mine.filter(pl.col("created_at") >= now - reports.EDIT_WINDOW)
    if editable.is_empty():
        return
    st.subheader("Ändra en rapport")
    st.caption(
        f"Du kan rätta tid, plats, typ och beskrivning i "
        f"{int(reports.EDIT_WINDOW.total_seconds() // 3600)} timmar efter att du skickat rapporten."
    )
    places = _places()
    for r in editable.iter_rows(named=True):
        label = (
            f"Nr {r['id']}: {vocab.subtype_label(r['category'], r['subtype'])}, "
            f"{report_form.window_text(r['occurred_from'], r['occurred_to'])}"
        )
        with st.expander(label):
            _edit_form(r, user, places)


with tab_new:
    new_report(user)

with tab_mine:
    my_reports(user)
