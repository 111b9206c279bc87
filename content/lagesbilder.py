"""Lägesbilder: the veckolägesbild drafted from the data, the analyst's assessment, publishing a
frozen version, and the archive of every published version as it was sent."""

import streamlit as st

from ostan_dash import config
from ostan_dash.ingest import freetext
from ostan_dash.reports import load, periods, render
from ostan_dash.store import analyses
from ostan_dash.ui import data, lagesbild_views, login, navigation

user = login.page_user("lagesbilder")
may_write = navigation.may_write(user.role, "lagesbilder")


@st.cache_data(ttl=data.TTL_SECONDS, show_spinner="Skriver utkastet ur data …", max_entries=8)
def draft(key: str, version: tuple[int, int]) -> dict:
    """The draft of one week, keyed by the week and the data version."""
    return load.draft(periods.parse("vecka", key), incidents=data.incidents(), areas=data.areas())


@st.cache_data(ttl=data.TTL_SECONDS, show_spinner=False)
def archive():
    return analyses.versions()


st.title("Lägesbilder")
st.caption(
    "Veckolägesbilden skrivs ur data med samma metoder som Översikt och Karta och tider. "
    "Analytikern skriver bedömningen och de rekommenderade insatserna; när den publiceras "
    "fryses siffrorna, figurerna och PDF:en som en version som sedan aldrig räknas om."
)
problems: list[str] = []
tab_new, tab_archive = st.tabs(["Ny lägesbild" if may_write else "Senaste veckan", "Arkiv"])

with tab_new:
    c1, c2 = st.columns([1, 3])
    c1.selectbox(
        "Slag",
        ["vecka"],
        format_func=periods.KINDS.get,
        key="lb_kind",
        help="Kvartalsanalys och årsanalys är inte byggda än.",
    )
    weeks = periods.complete_weeks(config.today(), n=26)
    chosen = c2.selectbox(
        "Vecka",
        weeks,
        format_func=lambda p: p.label,
        key="lb_week",
    )
    doc = draft(chosen.key, data.version(data.incidents()))
    if may_write:
        assessment = st.text_area(
            "Bedömning",
            key="lb_assessment",
            height=140,
            placeholder="Vad säger veckan? Vad är nytt, vad håller i sig?",
        )
        recommendations = st.text_area(
            "Rekommenderade insatser kommande vecka",
            key="lb_recommendations",
            height=110,
            placeholder="Vad, var och när – med fokus på helgen.",
        )
        problems = freetext.problems(assessment, subject="Bedömningen") + freetext.problems(
            recommendations, subject="Rekommendationerna"
        )
        for p in problems:
            st.error(p)
        doc = load.with_texts(doc, assessment=assessment, recommendations=recommendations)
    b1, b2, b3 = st.columns(3)
    b1.download_button(
        "Ladda ner PDF (utkast)",
        data=lambda: render.pdf(doc),
        file_name=f"veckolagesbild-{chosen.key}-utkast.pdf",
        mime="application/pdf",
        on_click="ignore",
        key="lb_draft_pdf",
    )
    b2.download_button(
        "Utskriftsvänlig HTML (utkast)",
        data=lambda: render.html(doc),
        file_name=f"veckolagesbild-{chosen.key}-utkast.html",
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
    listed = archive()
    if listed.is_empty():
        st.info("Inga lägesbilder är publicerade än.")
    else:
        pick = st.selectbox(
            "Publicerad version",
            listed["version_id"].to_list(),
            format_func=lambda v: next(
                f"{r['title']} – version {r['version']}, {r['published_at']:%Y-%m-%d %H:%M} av "
                f"{r['published_by']}"
                for r in listed.filter(listed["version_id"] == v).iter_rows(named=True)
            ),
            key="lb_archive_pick",
        )
        st.dataframe(
            listed.select("title", "version", "published_at", "published_by").rename(
                {
                    "title": "Lägesbild",
                    "version": "Version",
                    "published_at": "Publicerad",
                    "published_by": "Av",
                }
            ),
            hide_index=True,
            key="lb_archive_table",
        )
        old = analyses.version(pick)
        if old is not None:
            period_key = old.document["period"]["key"]
            if old.pdf is not None:
                st.download_button(
                    "Ladda ner PDF som den skickades",
                    data=old.pdf,
                    file_name=f"veckolagesbild-{period_key}-v{old.version}.pdf",
                    mime="application/pdf",
                    on_click="ignore",
                    key="lb_old_pdf",
                )
            lagesbild_views.show(old.document, old.publication)
