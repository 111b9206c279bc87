"""How a lägesbild is shown on the page: from its content only (a draft or a stored version),
never recomputed, so an old version reads as it was published."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from ostan_dash.config import TZ
from ostan_dash.ui import export, fmt, widgets


def _figure(doc: Mapping[str, Any], name: str) -> None:
    fig = doc.get("figures", {}).get(name)
    if fig is not None:
        st.plotly_chart(go.Figure(fig["plotly"]), width="stretch", key=f"lb_{name}_{id(doc)}")


def _table(df: pl.DataFrame, *, key: str, decimals: dict[str, int] | None = None) -> None:
    """A table with Swedish number formats (``1 234``, real minus sign, nulls as ``–``); floats
    whole unless ``decimals`` says otherwise."""
    st.dataframe(
        export.swedish_styler(df, decimals=decimals, default_decimals=0), hide_index=True, key=key
    )


def date_block(doc: Mapping[str, Any], publication: Mapping[str, Any] | None) -> None:
    """Period, status (draft or version with who and when) and the classification line."""
    st.markdown(f"**{doc['classification']}**")
    if publication:
        when = fmt.datetime_local(
            dt.datetime.fromisoformat(publication["published_at"]).astimezone(TZ)
        )
        status = (
            f"Publicerad version {publication['version']}, {when} av {publication['published_by']}"
        )
    else:
        status = "Utkast – inte publicerat"
    st.caption(
        f"{doc['period']['label']} · {status} · beräknat {doc['drafted_at'][:16].replace('T', ' ')} UTC"
    )


def show(doc: Mapping[str, Any], publication: Mapping[str, Any] | None = None) -> None:
    """The whole document of its kind (veckolägesbild, kvartalsanalys or årsanalys)."""
    if doc["kind"] == "kvartal":
        show_quarter(doc, publication)
    elif doc["kind"] == "ar":
        show_year(doc, publication)
    else:
        show_week(doc, publication)


def show_week(doc: Mapping[str, Any], publication: Mapping[str, Any] | None = None) -> None:
    """The veckolägesbild: numbers, the week in words, map, hot times, areas, interventions."""
    date_block(doc, publication)
    st.subheader("Veckan i siffror")
    rows = doc["headline"]
    for cols, chunk in ((st.columns(2), rows[:2]), (st.columns(len(rows) - 2), rows[2:])):
        for col, r in zip(cols, chunk, strict=True):
            widgets.kpi(
                col,
                r["label"],
                r["count"],
                r["expected"] or 0.0,
                help_text="Förändring mot förväntat antal (metoden under korten).",
            )
    st.caption(doc["method"])
    st.subheader("Det viktigaste")
    st.markdown("\n".join(f"- {s}" for s in doc["changes"]))
    if doc.get("assessment"):
        st.subheader("Bedömning")
        st.text(doc["assessment"])
    if doc.get("recommendations"):
        st.subheader("Rekommenderade insatser kommande vecka")
        st.text(doc["recommendations"])
    left, right = st.columns(2)
    with left:
        st.subheader("Heta rutor under veckan")
        _figure(doc, "map")
        st.caption(doc["hotspots"]["method"])
    with right:
        st.subheader("Heta tider")
        _figure(doc, "hottimes")
        st.caption("Aoristisk fördelning av tidsfönstren över veckodag och timme (Ratcliffe 2002).")
        _figure(doc, "trend")
    st.subheader("Per område")
    _table(
        pl.DataFrame(
            doc["areas"],
            schema={
                "name": pl.Utf8,
                "count": pl.Int64,
                "expected": pl.Float64,
                "change_pct": pl.Float64,
                "per_1000": pl.Float64,
                "unusual": pl.Boolean,
            },
        ).select(
            pl.col("name").alias("Område"),
            pl.col("count").alias("Antal"),
            pl.col("expected").round(1).alias("Förväntat"),
            pl.col("change_pct").round(0).alias("Förändring %"),
            pl.when(pl.col("unusual"))
            .then(pl.lit("Ovanligt högt"))
            .otherwise(pl.lit(""))
            .alias("Signal"),
        ),
        key=f"lb_areas_{id(doc)}",
        decimals={"Förväntat": 1},
    )
    st.subheader("Pågående insatser")
    if doc["interventions"]:
        st.markdown(
            "\n".join(
                f"- **{r['smart_text']}** · {r['text']} *Nästa steg:* {r['next_action']}"
                for r in doc["interventions"]
            )
        )
    else:
        st.caption("Inga insatser pågick under veckan.")
    st.subheader(f"Fokusområden {doc.get('focus_quarter', '')}".strip())
    if doc["focus_areas"]:
        st.markdown(
            "\n".join(
                f"{f['rank']}. **{f['area']}** – {f['rationale']}" for f in doc["focus_areas"]
            )
        )
    else:
        st.caption("Inga fokusområden valda för kvartalet.")


def _numbers(doc: Mapping[str, Any], title: str) -> None:
    """The headline cards against the same period a year earlier, and the method."""
    st.subheader(title)
    rows = doc["headline"]
    help_text = f"Förändring mot {doc['compared_with']['label']} (metoden under korten)."
    for cols, chunk in ((st.columns(2), rows[:2]), (st.columns(len(rows) - 2), rows[2:])):
        for col, r in zip(cols, chunk, strict=True):
            widgets.kpi(col, r["label"], r["count"], r["count_before"], help_text=help_text)
    st.caption(doc["method"])
    st.subheader("Det viktigaste")
    st.markdown("\n".join(f"- {s}" for s in doc["changes"]))


def _free_text(doc: Mapping[str, Any], key: str, title: str) -> None:
    if doc.get(key):
        st.subheader(title)
        st.text(doc[key])


def _interventions(doc: Mapping[str, Any], title: str) -> None:
    st.subheader(title)
    if doc["interventions"]:
        st.markdown(
            "\n".join(
                f"- **{r['smart_text']}** · {r['text']} *Nästa steg:* {r['next_action']}"
                for r in doc["interventions"]
            )
        )
    else:
        st.caption("Inga insatser pågick under perioden.")


def _area_table(doc: Mapping[str, Any], when: str) -> None:
    _table(
        pl.DataFrame(
            doc["areas"],
            schema={
                "area_id": pl.Int64,
                "name": pl.Utf8,
                "count": pl.Int64,
                "count_before": pl.Int64,
                "change_pct": pl.Float64,
                "per_1000": pl.Float64,
                "unusual": pl.Boolean,
            },
        ).select(
            pl.col("name").alias("Område"),
            pl.col("count").alias("Antal"),
            pl.col("count_before").alias(when),
            pl.col("change_pct").round(0).alias("Förändring %"),
            pl.when(pl.col("unusual"))
            .then(pl.lit("Ovanligt högt"))
            .otherwise(pl.lit(""))
            .alias("Signal"),
        ),
        key=f"lb_areas_{id(doc)}",
    )


def show_quarter(doc: Mapping[str, Any], publication: Mapping[str, Any] | None = None) -> None:
    """The kvartalsanalys: the quarter in numbers, its interventions followed up, next
    quarter's focus areas with their problem pictures and planned interventions, map, areas."""
    date_block(doc, publication)
    _numbers(doc, "Kvartalet i siffror")
    _free_text(doc, "assessment", "Bedömning")
    _interventions(doc, "Uppföljning av kvartalets insatser")
    st.subheader(f"Fokusområden nästa kvartal ({doc['next_quarter']['label']})")
    if doc["focus_proposed"]:
        st.caption(
            "Inga fokusområden är valda för kvartalet än; här står förslaget från sidan Områden."
        )
    if not doc["focus"]:
        st.caption("Inga fokusområden valda eller föreslagna.")
    for f in doc["focus"]:
        st.markdown(f"**{f['rank']}. {f['area']}** – {f['rationale']}")
        lines = [f"- Problembild: **{p['title']}** ({p['status']})" for p in f["problems"]] or [
            "- Inga öppna problembilder i området."
        ]
        lines += [
            f"- Insats: **{i['title']}** ({i['status']}, {i['start']} – {i['end']})"
            for i in f["planned"]
        ] or ["- Inga insatser planerade i området för kvartalet."]
        st.markdown("\n".join(lines))
    _free_text(doc, "recommendations", "Planerade insatser nästa kvartal")
    left, right = st.columns(2)
    with left:
        st.subheader("Heta rutor under kvartalet")
        _figure(doc, "map")
        st.caption(doc["hotspots"]["method"])
    with right:
        st.subheader("Heta tider")
        _figure(doc, "hottimes")
        st.subheader("Trend per kvartal")
        _figure(doc, "trend")
    st.subheader("Per område")
    _area_table(doc, "Samma kvartal i fjol")


def show_year(doc: Mapping[str, Any], publication: Mapping[str, Any] | None = None) -> None:
    """The årsanalys: the year in numbers, its interventions followed up, every area with its
    criteria and trend, and how the cooperation worked."""
    date_block(doc, publication)
    _numbers(doc, "Året i siffror")
    _free_text(doc, "assessment", "Bedömning")
    _interventions(doc, "Uppföljning av årets insatser")
    st.subheader("Årets fokusområden")
    if doc["focus_year"]:
        st.markdown(
            "\n".join(f"- {f['quarter']}: {f['rank']}. **{f['area']}**" for f in doc["focus_year"])
        )
    else:
        st.caption("Inga fokusområden valdes under året.")
    st.subheader("Områdena: kriterier och trend")
    labels = doc["indicators"]
    years = doc["years"]
    _table(
        pl.DataFrame(
            [
                {
                    "Område": a["name"],
                    "Kriterier uppfyllda": a["criteria_met"],
                    "Försämrade": a["n_worsened"],
                    **{str(y): n for y, n in zip(years, a["yearly"]["total"], strict=True)},
                    "Mot året före %": a["change_pct"],
                    "Signal": "Ovanligt högt" if a["unusual"] else "",
                }
                for a in doc["area_profiles"]
            ]
        ).with_columns(pl.col("Mot året före %").cast(pl.Float64)),
        key=f"lb_profiles_{id(doc)}",
    )
    if doc["indicator_year"]:
        st.caption(
            f"Kriterier enligt Områden med officiell statistik {doc['indicator_year']} "
            f"({', '.join(labels.values())}); händelser per år med EST-rapporter och "
            "polisanmälda brott."
        )
    _figure(doc, "area_trend")
    st.markdown("\n".join(f"- {a['text']}" for a in doc["area_profiles"]))
    left, right = st.columns(2)
    with left:
        st.subheader("Heta rutor under året")
        _figure(doc, "map")
        st.caption(doc["hotspots"]["method"])
    with right:
        st.subheader("Trend per år")
        _figure(doc, "trend")
    _free_text(doc, "cooperation", "Hur samverkan fungerat")


def archive_table(listed: pl.DataFrame) -> None:
    """Every published version: document, version, when (Swedish time) and by whom."""
    _table(
        listed.select(
            pl.col("title").alias("Lägesbild"),
            pl.col("version").alias("Version"),
            pl.col("published_at").dt.strftime("%Y-%m-%d %H:%M").alias("Publicerad"),
            pl.col("published_by").alias("Av"),
        ),
        key="lb_archive_table",
    )
