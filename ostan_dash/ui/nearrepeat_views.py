"""Närupprepning's shared pieces: the Knox heat map and table, the risk-zone map and the
active zones (also listed on Översikt). Figures are plain functions, testable without a browser."""

from __future__ import annotations

import datetime as dt
import html
import math

import numpy as np
import plotly.graph_objects as go
import polars as pl
import pydeck as pdk
import streamlit as st

from ostan_dash import vocab
from ostan_dash.analysis import nearrepeat as nr
from ostan_dash.store import nearrepeat as nr_store
from ostan_dash.store import places as places_store
from ostan_dash.store import queries
from ostan_dash.ui import charts, data, fmt, maps, versioned

SIGNIFICANT = "Signifikant"


def kind_label(source: str, category: str, subtype: str | None) -> str:
    """``Inbrott (polisanmälda brott)``, ``Annat otrygghetsskapande: Inbrott (EST-rapporter)``."""
    if source == "polis":
        head = vocab.POLICE_GROUPS.get(category, category)
        head = f"{head}: {subtype}" if subtype else head
        return f"{head} (polisanmälda brott)"
    head = vocab.category_label(category)
    if subtype:
        head = f"{head}: {vocab.SUBTYPES.get(category, {}).get(subtype, subtype)}"
    return f"{head} (EST-rapporter)"


def noun_of(source: str, category: str, subtype: str | None) -> tuple[str, str]:
    """The incident's noun for the reading: the subtype's, then the category's."""
    return nr.noun_for(subtype, category)


def zone_word(source: str, category: str, subtype: str | None) -> str:
    """What the risk is of, in a sentence: the incident's noun ("inbrott"), else the kind's
    label in lower case ("annat otrygghetsskapande")."""
    article, word = noun_of(source, category, subtype)
    if (article, word) != nr.DEFAULT_NOUN:
        return word
    if source == "polis":
        return vocab.POLICE_GROUPS.get(category, category).lower()
    if subtype:
        return vocab.SUBTYPES.get(category, {}).get(subtype, subtype).lower()
    return vocab.category_label(category).lower()


def result_table(result: nr.KnoxResult, *, alpha: float = nr.ALPHA) -> pl.DataFrame:
    """One row per cell with Swedish numbers (text, so the decimal comma shows)."""
    d_labels = nr.band_labels(result.distance_bands, "m")
    t_labels = nr.band_labels(result.time_bands, "dagar")
    q = nr.adjusted_p(result)
    sig = nr.significant_cells(result, alpha=alpha)
    rows = []
    for a, d_label in enumerate(d_labels):
        for b, t_label in enumerate(t_labels):
            ratio = float(result.knox_ratio[a, b])
            rows.append(
                {
                    "Avstånd": d_label,
                    "Tid mellan": t_label,
                    "Observerade par": fmt.number(int(result.observed[a, b])),
                    "Förväntade par": fmt.number(float(result.expected[a, b]), 1),
                    "Knox-kvot": fmt.number(ratio, 2) if nr.is_finite(ratio) else "–",
                    "p": fmt.number(float(result.p_value[a, b]), 3),
                    "Justerat p (BH)": (
                        fmt.number(float(q[a, b]), 3)
                        if nr.is_finite(float(q[a, b]))
                        else "testas ej"
                    ),
                    SIGNIFICANT: "Ja" if sig[a, b] else "",
                }
            )
    return pl.DataFrame(rows)


def heatmap(result: nr.KnoxResult, *, alpha: float = nr.ALPHA, large: bool = False) -> go.Figure:
    """Knox ratios as a heat map: distance bands down, time bands across, 1 (as expected) white,
    more pairs than expected red; significant cells (BH) marked with ★."""
    d_labels = nr.band_labels(result.distance_bands, "m")
    t_labels = nr.band_labels(result.time_bands, "dagar")
    ratio = np.where(np.isfinite(result.knox_ratio), result.knox_ratio, np.nan)
    sig = nr.significant_cells(result, alpha=alpha)
    text = [
        [
            ("–" if not nr.is_finite(float(ratio[a, b])) else fmt.number(float(ratio[a, b]), 2))
            + (" ★" if sig[a, b] else "")
            for b in range(len(t_labels))
        ]
        for a in range(len(d_labels))
    ]
    top = float(np.nanmax(np.abs(np.log2(np.where(ratio > 0, ratio, np.nan))), initial=0.0))
    span = max(1.0, math.ceil(top * 2) / 2)  # symmetric on a log scale around 1
    hover = [
        [
            f"{d_labels[a]}, {t_labels[b]}<br>observerat {fmt.number(int(result.observed[a, b]))}"
            f" par, förväntat {fmt.number(float(result.expected[a, b]), 1)}<br>p = "
            f"{fmt.number(float(result.p_value[a, b]), 3)}"
            for b in range(len(t_labels))
        ]
        for a in range(len(d_labels))
    ]
    fig = go.Figure(
        go.Heatmap(
            z=np.log2(np.where(ratio > 0, ratio, np.nan)),
            x=t_labels,
            y=d_labels,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale="RdBu_r",
            zmid=0,
            zmin=-span,
            zmax=span,
            colorbar=dict(
                title=dict(text="Knox-kvot<br>(observerat /<br>förväntat)"),
                tickvals=[-span, -1, 0, 1, span] if span > 1 else [-1, 0, 1],
                ticktext=[
                    fmt.number(2.0**v, 2)
                    for v in ([-span, -1, 0, 1, span] if span > 1 else [-1, 0, 1])
                ],
            ),
        )
    )
    charts._layout(
        fig,
        title="Par av händelser mot förväntat, per avstånd och tid (★ = signifikant)",
        y_title="Avstånd mellan händelserna",
        x_title="Tid mellan händelserna",
        large=large,
    )
    fig.update_yaxes(autorange="reversed", gridcolor=None, rangemode=None)
    fig.update_layout(hovermode="closest", height=140 + 60 * len(d_labels))
    return fig


# Active risk zones ------------------------------------------------------------------------------


@versioned.cached()
def saved_patterns(stamp: int) -> pl.DataFrame:
    """The saved near-repeat patterns."""
    return nr_store.patterns()


@versioned.cached()
def all_places(stamp: int) -> pl.DataFrame:
    """The places (zones are named by the nearest one)."""
    return places_store.places()


def pattern_of(row: dict) -> nr.Pattern:
    """A stored pattern row as :class:`~ostan_dash.analysis.nearrepeat.Pattern`."""
    return nr.Pattern(
        distance_m=float(row["distance_m"]),
        days=float(row["days"]),
        ratio=float(row["ratio"]),
        metric=str(row["metric"]),
        same_place=float(row["distance_m"]) <= nr.SAME_PLACE_M,
    )


@versioned.cached(max_entries=4)
def active_zones(stamp: int, today: dt.date, with_police: bool, visibility: str) -> pl.DataFrame:
    """Every risk zone valid ``today`` for every saved pattern, with its pattern's label and a
    sentence ("Förhöjd risk för inbrott kring Stora torget till 14 december").

    A zone is centred on an incident's point, and the incidents are read under the user's role:
    zones around police crimes are computed only for users the database shows those points to
    (``with_police``, :func:`ostan_dash.ui.data.sees_police_rows`, sql/014), and the reports
    are those the sharing policy shows them (``visibility``, :func:`zone_key`, sql/032); both
    key the cache, so that one organisation's zones are never served to another."""
    frames = []
    for row in saved_patterns().iter_rows(named=True):
        if row["source"] == "polis" and not with_police:
            continue
        found = pattern_of(row)
        since = today - dt.timedelta(days=2 * nr.zone_days(found))
        incidents = nr_store.kind_incidents(
            row["source"], row["category"], row["subtype"], since=since
        )
        zones = nr.risk_zones(incidents, found, today, places=all_places())
        if zones.is_empty():
            continue
        word = zone_word(row["source"], row["category"], row["subtype"])
        frames.append(
            zones.with_columns(
                selection=pl.lit(row["selection"]),
                label=pl.lit(row["label"]),
                sentence=pl.Series(
                    [nr.zone_sentence(z, label=word) for z in zones.iter_rows(named=True)],
                    dtype=pl.Utf8,
                ),
            )
        )
    if not frames:
        return pl.DataFrame(
            schema={**nr.ZONE_SCHEMA, "selection": pl.Utf8, "label": pl.Utf8, "sentence": pl.Utf8}
        )
    return pl.concat(frames)


def zone_key() -> tuple[bool, str]:
    """``(with_police, visibility)`` for :func:`active_zones`: what the acting user sees."""
    return data.sees_police_rows(), queries.visibility_key()


def clear() -> None:
    """Forget cached patterns and zones (after a save)."""
    saved_patterns.clear()
    active_zones.clear()


def zone_outline(x: float, y: float, radius: float, metric: str) -> list[list[float]]:
    """The zone's edge in WGS 84: a diamond for Manhattan distance, a 36-gon for Euclidean."""
    if metric == "manhattan":
        px = np.array([x + radius, x, x - radius, x, x + radius])
        py = np.array([y, y + radius, y, y - radius, y])
    else:
        a = np.linspace(0, 2 * np.pi, 37)
        px, py = x + radius * np.cos(a), y + radius * np.sin(a)
    lon, lat = maps.to_lonlat(px, py)
    return [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lon, lat, strict=True)]


def zone_deck(zones: pl.DataFrame, areas: pl.DataFrame) -> pdk.Deck:
    """Active risk zones on the map (diamond or circle, the pattern's metric) over the areas."""
    data_rows = [
        {
            "polygon": zone_outline(z["x"], z["y"], z["radius_m"], z["metric"]),
            "tooltip": html.escape(z["sentence"]),
            "inside": z["inside_zone_of"] is not None,
        }
        for z in zones.iter_rows(named=True)
    ]
    layer = pdk.Layer(
        "PolygonLayer",
        id="riskzoner",
        data=data_rows,
        get_polygon="polygon",
        get_fill_color=[176, 65, 62, 70],
        get_line_color=[176, 65, 62, 230],
        line_width_min_pixels=2,
        stroked=True,
        filled=True,
        pickable=True,
    )
    return maps.CompactDeck(
        layers=[maps.area_layer(areas), layer],
        initial_view_state=maps.view_for(areas),
        map_provider=None,
        map_style=maps.base_style(),
        tooltip=maps.TOOLTIP,
    )


def zone_table(zones: pl.DataFrame) -> pl.DataFrame:
    """The active zones for the page's table, Swedish dates and numbers."""
    return zones.select(
        pl.col("label").alias("Slag"),
        pl.col("sentence").alias("Riskzon"),
        pl.col("day").dt.strftime("%Y-%m-%d").alias("Händelsens dag"),
        pl.col("radius_m")
        .map_elements(lambda r: f"{fmt.number(r)}{fmt.NBSP}m", return_dtype=pl.Utf8)
        .alias("Radie"),
        pl.when(pl.col("inside_zone_of").is_not_null())
        .then(pl.lit("Ja, inom en tidigare zon"))
        .otherwise(pl.lit(""))
        .alias("Upprepning"),
    )


def oversikt_section(today: dt.date) -> None:
    """The bottom of Översikt: the active risk zones in one sentence each (nothing when no
    pattern is saved)."""
    if saved_patterns().is_empty():
        return
    zones = active_zones(today, *zone_key())
    st.subheader("Förhöjd risk kring de senaste händelserna")
    if zones.is_empty():
        st.caption(f"Inga aktiva riskzoner {fmt.date(today)}.")
        return
    st.markdown("\n".join(f"- {s}" for s in zones["sentence"].unique(maintain_order=True)))
    st.caption(
        "Närupprepning: slag av händelser där ett Knox-test (sidan Närupprepning) visat fler "
        "par nära i tid och rum än slumpen ger. Varje ny händelse av slaget ger en riskzon med "
        "mönstrets avstånd och tid."
    )


# Events calendar ----------------------------------------------------------------------------------


def week_ahead_section(today: dt.date) -> None:
    """Översikt: the calendar's events in the seven days from today, one sentence each, so the
    week's patrols and interventions can be planned around them."""
    from ostan_dash.analysis import events as ev
    from ostan_dash.ui.safe_text import plain_markdown

    said = ev.week_ahead(calendar(), today)
    st.subheader("Evenemang de kommande sju dagarna")
    if not said:
        st.caption(
            "Inga evenemang i kalendern de kommande sju dagarna. Kalendern finns på sidan "
            "Närupprepning."
        )
        return
    st.markdown("\n".join(f"- {plain_markdown(s)}" for s in said))


@versioned.cached()
def calendar(stamp: int) -> pl.DataFrame:
    """Every event of the calendar."""
    from ostan_dash.store import events as events_store

    return events_store.events()


def occurrence_table(occ: pl.DataFrame) -> pl.DataFrame:
    """Upcoming occurrences for the page, Swedish labels."""
    from ostan_dash.analysis import events as ev

    return occ.select(
        pl.col("starts_at").dt.strftime("%Y-%m-%d").alias("Dag"),
        (
            pl.col("starts_at").dt.strftime("%H:%M") + "–" + pl.col("ends_at").dt.strftime("%H:%M")
        ).alias("Tid"),
        pl.col("title").alias("Evenemang"),
        pl.col("kind").replace_strict(ev.KINDS, default=pl.col("kind")).alias("Slag"),
        pl.col("expected_crowd")
        .map_elements(fmt.number, return_dtype=pl.Utf8)
        .fill_null("–")
        .alias("Väntat antal besökare"),
        pl.col("recurrence")
        .replace_strict(ev.RULES, default=None)
        .fill_null("")
        .alias("Återkommer"),
    )


def around_table(around: pl.DataFrame) -> pl.DataFrame:
    """Past occurrences with the incidents near them against the usual count."""
    return around.select(
        pl.col("starts_at").dt.strftime("%Y-%m-%d %H:%M").alias("Tillfälle"),
        pl.col("title").alias("Evenemang"),
        pl.col("during").alias("Händelser i närheten"),
        pl.col("usual")
        .map_elements(lambda v: fmt.number(v, 2), return_dtype=pl.Utf8)
        .alias("Vanligt (samma timmar 1–4 v före)"),
        pl.col("ratio")
        .map_elements(lambda v: fmt.number(v, 1) if nr.is_finite(v) else "–", return_dtype=pl.Utf8)
        .alias("Kvot"),
    )
