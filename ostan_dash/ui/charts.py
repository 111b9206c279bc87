"""Plotly figures built by plain functions (testable without a browser); Swedish labels and units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from ostan_dash.ui import export, fmt

PALETTE = ["#1f5f8b", "#e07b39", "#4b9e5f", "#b0413e", "#7e5ea8", "#8c6d46", "#4aa3b5", "#c2a83e"]
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"

# plotly.js in Streamlit 1.67 registers only the "en" locales, but its config accepts locale
# definitions along with the plot (``locales``): month and day names, number separators and the
# mode bar's tooltips in Swedish. Pass as ``st.plotly_chart(fig, config=PLOTLY_CONFIG)``.
SV_LOCALE = {
    "moduleType": "locale",
    "name": "sv",
    "dictionary": {
        "Autoscale": "Skala automatiskt",
        "Box Select": "Markera med rektangel",
        "Compare data on hover": "Jämför värden vid hovring",
        "Double-click to zoom back out": "Dubbelklicka för att zooma ut",
        "Download plot": "Ladda ned diagrammet",
        "Download plot as a png": "Ladda ned diagrammet som PNG",
        "Download plot as a PNG": "Ladda ned diagrammet som PNG",
        "Download plot as an SVG": "Ladda ned diagrammet som SVG",
        "Lasso Select": "Markera med lasso",
        "Pan": "Panorera",
        "Produced with Plotly.js": "Gjort med Plotly.js",
        "Reset": "Återställ",
        "Reset axes": "Återställ axlarna",
        "Reset view": "Återställ vyn",
        "Reset views": "Återställ vyerna",
        "Show closest data on hover": "Visa närmaste värde vid hovring",
        "Snapshot succeeded": "Bilden är sparad",
        "Sorry, there was a problem downloading your snapshot!": ("Bilden kunde inte laddas ned."),
        "Taking snapshot - this may take a few seconds": "Sparar bilden – det tar några sekunder",
        "Toggle Spike Lines": "Visa eller dölj hjälplinjer",
        "Toggle show closest data on hover": "Visa närmaste värde vid hovring",
        "Zoom": "Zooma",
        "Zoom in": "Zooma in",
        "Zoom out": "Zooma ut",
        "trace": "serie",
    },
    "format": {
        "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
        "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
        "months": list(fmt.MONTHS),
        "shortMonths": [m[:3] for m in fmt.MONTHS],
        "periods": ["fm", "em"],
        "dateTime": "%A %e %B %Y %X",
        "date": "%Y-%m-%d",
        "time": "%H:%M:%S",
        "decimal": ",",
        "thousands": fmt.NBSP,
        "grouping": [3],
        "currency": ["", " kr"],
        "year": "%Y",
        "month": "%b %Y",
        "dayMonth": "%-d %b",
        "dayMonthYear": "%-d %b %Y",
    },
}
PLOTLY_CONFIG = {"locale": "sv", "locales": {"sv": SV_LOCALE}, "displaylogo": False}


def month_ticks(days: list) -> tuple[list, list[str]]:
    """Ticks on the first day of each month within ``days`` (dates), labelled ``maj 2024``
    (the year only on January and the first tick), for date axes that must read Swedish
    also where plotly's locale does not reach (static images)."""
    if not days:
        return [], []
    first, last = min(days), max(days)
    vals, texts = [], []
    y, m = first.year, first.month
    if first.day != 1:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    while dt.date(y, m, 1) <= last:
        d = dt.date(y, m, 1)
        label = fmt.MONTHS[m - 1][:3]
        texts.append(f"{label} {y}" if (m == 1 or not vals) else label)
        vals.append(d)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return vals, texts


# Meeting mode (issue 11): every text of a figure at least 20 px on a 1920 × 1080 wall. Streamlit's
# plotly theme sets tick labels and axis titles in rem of the page (0.75 / 0.875), so each text
# gets its size here explicitly rather than through ``layout.font`` alone.
LARGE_PX = 22
NORMAL_PX = 14


def fonts(fig: go.Figure, *, large: bool) -> go.Figure:
    """Give every text of ``fig`` (title, axes, ticks, legend, hover, colour bars, annotations)
    the normal or the meeting-mode size."""
    px = LARGE_PX if large else NORMAL_PX
    fig.update_layout(
        font=dict(family=FONT, size=px),
        title_font_size=px + 4,
        legend_font_size=px,
        hoverlabel_font_size=px,
    )
    if large:
        fig.update_xaxes(tickfont_size=px, title_font_size=px)
        fig.update_yaxes(tickfont_size=px, title_font_size=px)
        fig.update_annotations(font_size=px)
        fig.update_coloraxes(colorbar_tickfont_size=px, colorbar_title_font_size=px)
        fig.for_each_trace(_large_trace_text)
    return fig


def _large_trace_text(trace) -> None:
    """Text drawn by a trace itself (bar labels, heatmap colour bars) in meeting-mode size."""
    if "textfont" in trace:
        trace.update(textfont_size=LARGE_PX)
    if "colorbar" in trace:
        trace.update(colorbar_tickfont_size=LARGE_PX, colorbar_title_font_size=LARGE_PX)
    if "marker" in trace and "colorbar" in trace.marker:
        trace.update(marker_colorbar_tickfont_size=LARGE_PX)


def _layout(
    fig: go.Figure, *, title: str, y_title: str, x_title: str = "", large: bool = False
) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"),
        separators=", ",  # decimal comma, space for thousands
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title=None),
        margin=dict(l=10, r=10, t=70, b=10),
        plot_bgcolor="white",
        hovermode="x unified",
    )
    fig.update_xaxes(title=x_title or None, showgrid=False)
    fig.update_yaxes(title=y_title, gridcolor="#e5e5e5", rangemode="tozero")
    return fonts(fig, large=large)


def weekly_trend(
    series: pl.DataFrame,
    *,
    group: str,
    labels: dict[str, str],
    title: str,
    highlight_week=None,
    large: bool = False,
) -> go.Figure:
    """Lines of weekly counts per group; the week under discussion marked."""
    fig = go.Figure()
    for i, key in enumerate(sorted(series[group].unique().to_list())):
        part = series.filter(pl.col(group) == key).sort("week_start")
        weeks = [fmt.iso_week(d) for d in part["week_start"].to_list()]
        fig.add_trace(
            go.Scatter(
                x=part["week_start"].to_list(),
                y=part["count"].to_list(),
                mode="lines+markers",
                name=labels.get(key, key),
                line=dict(color=PALETTE[i % len(PALETTE)], width=3),
                customdata=weeks,
                hovertemplate="%{customdata}: %{y} st<extra>%{fullData.name}</extra>",
            )
        )
    if highlight_week is not None:
        fig.add_vline(x=highlight_week, line=dict(color="#888", dash="dot"))
    weeks_shown = sorted(series["week_start"].unique().to_list())
    step = max(1, len(weeks_shown) // 8)
    fig.update_xaxes(
        tickvals=weeks_shown[::step],
        ticktext=[f"v. {d.isocalendar()[1]}" for d in weeks_shown[::step]],
    )
    return _layout(fig, title=title, y_title="Antal per vecka", x_title="ISO-vecka", large=large)


def change_bars(
    table: pl.DataFrame,
    *,
    label: str,
    title: str,
    large: bool = False,
    baseline: str = "baseline_mean",
    baseline_name: str = "Snitt 12 veckor före",
) -> go.Figure:
    """Horizontal bars: last week against the baseline (column ``baseline``), per group."""
    t = table.sort("count")
    fig = go.Figure(
        [
            go.Bar(
                y=t[label].to_list(),
                x=t[baseline].to_list(),
                orientation="h",
                name=baseline_name,
                marker_color="#b9c7d3",
                hovertemplate="%{y}: %{x:.1f} st/vecka<extra>" + baseline_name + "</extra>",
            ),
            go.Bar(
                y=t[label].to_list(),
                x=t["count"].to_list(),
                orientation="h",
                name="Senaste veckan",
                marker_color=PALETTE[0],
                hovertemplate="%{y}: %{x} st<extra>Senaste veckan</extra>",
            ),
        ]
    )
    fig.update_layout(barmode="group", hovermode="y unified", height=max(300, 38 * t.height + 120))
    fig = _layout(fig, title=title, y_title="", x_title="Antal händelser", large=large)
    fig.update_yaxes(title=None)
    return fig


def chart(build: Callable[..., go.Figure], /, *args: object, **kwargs: object) -> None:
    """``st.plotly_chart`` of ``build(*args, **kwargs)`` (Swedish config, full width), drawn
    once per inputs (issue 14): a rerun with the same inputs replays the element Streamlit
    recorded instead of building the figure, which plotly validates and Streamlit validates
    again (20–40 ms for Karta's hot-times heatmap). The key is the builder's name and every
    argument, so an equal key is an equal chart whoever asks; frames over
    :data:`export.MAX_HELD_ROWS` are drawn directly."""
    frames = [a for a in (*args, *kwargs.values()) if isinstance(a, pl.DataFrame)]
    if any(f.height > export.MAX_HELD_ROWS for f in frames):
        st.plotly_chart(build(*args, **kwargs), config=PLOTLY_CONFIG, width="stretch")
        return
    _held_chart(f"{build.__module__}.{build.__qualname__}", build, args, kwargs)


@st.cache_data(max_entries=64, show_spinner=False)
def _held_chart(
    name: str, _build: Callable[..., go.Figure], args: tuple, kwargs: dict[str, object]
) -> None:
    st.plotly_chart(_build(*args, **kwargs), config=PLOTLY_CONFIG, width="stretch")
