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
from ostan_dash.ui import fmt, widgets


def _figure(doc: Mapping[str, Any], name: str) -> None:
    fig = doc.get("figures", {}).get(name)
    if fig is not None:
        st.plotly_chart(go.Figure(fig["plotly"]), width="stretch", key=f"lb_{name}_{id(doc)}")


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
    """The whole document: numbers, the week in words, map, hot times, areas, interventions."""
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
    st.dataframe(
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
        hide_index=True,
        key=f"lb_areas_{id(doc)}",
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
