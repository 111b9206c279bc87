"""Plotly figures built by plain functions (testable without a browser); Swedish labels and units."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ostan_dash.ui import fmt

PALETTE = ["#1f5f8b", "#e07b39", "#4b9e5f", "#b0413e", "#7e5ea8", "#8c6d46", "#4aa3b5", "#c2a83e"]
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def _layout(
    fig: go.Figure, *, title: str, y_title: str, x_title: str = "", large: bool = False
) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"),
        font=dict(family=FONT, size=18 if large else 14),
        separators=", ",  # decimal comma, space for thousands
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title=None),
        margin=dict(l=10, r=10, t=70, b=10),
        plot_bgcolor="white",
        hovermode="x unified",
    )
    fig.update_xaxes(title=x_title or None, showgrid=False)
    fig.update_yaxes(title=y_title, gridcolor="#e5e5e5", rangemode="tozero")
    return fig


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
