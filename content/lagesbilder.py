"""Lägesbilder: the veckolägesbild, kvartalsanalys and årsanalys drafted from the data, the
analyst's texts, publishing a frozen version, the archive of every published version as it
was sent, sending a version to its kind's distribution list, and (admins) the lists."""

import polars as pl
import streamlit as st

from ostan_dash import config
from ostan_dash.ingest import freetext
from ostan_dash.reports import forms, load, periods, render
from ostan_dash.store import analyses
from ostan_dash.ui import data, lagesbild_views, login, navigation, texts, versioned

user = login.page_user("lagesbilder")
may_write = navigation.may_write(user.role, "lagesbilder")


@st.cache_data(show_spinner="Skriver utkastet ur data …", max_entries=8)
def draft(kind: str, key: str, version: data.Fingerprint) -> dict:
    """The draft of one period, keyed by its kind, the period and the data version."""
    return load.draft(periods.parse(kind, key), incidents=data.incidents(), areas=data.areas())


@versioned.cached()
def archive(stamp: int) -> pl.DataFrame:
    """Every published version, held while the data version stands (a publication raises it)."""
    return analyses.versions()


st.title("Lägesbilder")
if lagesbild_views.walk_toggle():
    # The current veckolägesbild: the last complete week's published version, else its draft.
    week_now = periods.complete("vecka", config.today())[0]
    sent = archive().filter(
        (pl.col("kind") == "vecka") & (pl.col("period_start") == week_now.start)
    )
    current = analyses.version(sent["version_id"][0]) if sent.height else None
    if current is not None:
        lagesbild_views.walk(current.document, current.publication)
    else:
        lagesbild_views.walk(draft("vecka", week_now.key, data.version(data.incidents())), None)
    st.stop()

st.caption(
    "Veckolägesbilden, kvartalsanalysen och årsanalysen skrivs ur data med samma metoder som "
    "Översikt, Karta, Områden och Insatser. Analytikern skriver bedömningen och det övriga "
    "i textfälten; när dokumentet publiceras fryses siffrorna, figurerna och PDF:en som en "
    "version som sedan aldrig räknas om."
)
problems: list[str] = []
is_admin = user.role == "admin"
tab_new, tab_archive, *tab_lists = st.tabs(
    ["Ny lägesbild" if may_write else "Senaste perioden", "Arkiv"]
    + ([texts.LISTS_TAB] if is_admin else [])
)

with tab_new:
    c1, c2 = st.columns([1, 3])
    kind = c1.selectbox(
        "Slag",
        list(forms.KIND_LABELS),
        format_func=periods.KINDS.get,
        key="lb_kind",
        help="Veckolägesbild varje vecka, kvartalsanalys varje kvartal, årsanalys varje år.",
    )
    chosen = c2.selectbox(
        forms.PERIOD_LABELS[kind],
        periods.complete(kind, config.today()),
        format_func=lambda p: p.label,
        key=f"lb_period_{kind}" if kind != "vecka" else "lb_week",
    )
    doc = draft(kind, chosen.key, data.version(data.incidents()))
    if may_write:
        written = {
            f.name: st.text_area(
                f.label, key=forms.key(kind, f.name), height=f.height, placeholder=f.placeholder
            )
            for f in forms.FIELDS[kind]
        }
        for f in forms.FIELDS[kind]:
            problems += freetext.problems(written[f.name], subject=f.subject)
        for p in problems:
            st.error(p)
        doc = load.with_texts(doc, **written)
    b1, b2, b3 = st.columns(3)
    b1.download_button(
        "Ladda ner PDF (utkast)",
        data=lambda: render.pdf(doc),
        file_name=forms.file_name(kind, chosen.key, "utkast.pdf"),
        mime="application/pdf",
        on_click="ignore",
        key="lb_draft_pdf",
    )
    b2.download_button(
        "Utskriftsvänlig HTML (utkast)",
        data=lambda: render.html(doc),
        file_name=forms.file_name(kind, chosen.key, "utkast.html"),
        mime="text/html",
        on_click="ignore",
        key="lb_draft_html",
    )
    if may_write and b3.button(
        "Publicera", type="primary", disabled=bool(problems), key="lb_publish"
    ):
        with st.spinner("Fryser siffror, figurer och PDF …"):
            vid, version = analyses.publish(
                doc, user_id=user.id, role=user.role, pdf=render.pdf(doc)
            )
        archive.clear()
        st.success(f"{doc['title']} publicerad som version {version}. Den finns i arkivet.")
    lagesbild_views.show(doc)

with tab_archive:
    lagesbild_views.archive_section(archive(), may_write=may_write, user_id=user.id, role=user.role)

for tab in tab_lists:
    with tab:
        lagesbild_views.lists_editor(user_id=user.id, role=user.role)
