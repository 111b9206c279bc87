"""Figures of the Insatser page, built by plain functions (no Streamlit; testable without a browser)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ostan_dash.ui import charts, fmt


def smart_figure(trajectory: pl.DataFrame, *, title: str, goal_pct: float) -> go.Figure:
    """Cumulative incidents: actual against the baseline trajectory and the goal line.

    ``trajectory`` is :func:`ostan_dash.analysis.interventions.smart_trajectory`'s frame.
    """
    days = trajectory["day"].to_list()
    fig = go.Figure(
        [
            go.Scatter(
                x=days,
                y=trajectory["baseline_cum"].to_list(),
                name="Jämförelseperiod (utan insats)",
                line=dict(color="#9aa9b6", width=3),
                hovertemplate="%{x|%Y-%m-%d}: %{y} st<extra>Jämförelse</extra>",
            ),
            go.Scatter(
                x=days,
                y=trajectory["goal_cum"].to_list(),
                name=f"Mål ({fmt.percent(goal_pct)} färre)",
                line=dict(color=charts.PALETTE[2], width=2, dash="dash"),
                hovertemplate="%{x|%Y-%m-%d}: %{y:.0f} st<extra>Mål</extra>",
            ),
            go.Scatter(
                x=days,
                y=trajectory["actual_cum"].to_list(),
                name="Faktiskt utfall",
                line=dict(color=charts.PALETTE[0], width=4),
                hovertemplate="%{x|%Y-%m-%d}: %{y} st<extra>Utfall</extra>",
            ),
        ]
    )
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"),
        font=dict(family=charts.FONT, size=14),
        separators=", ",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        margin=dict(l=10, r=10, t=70, b=10),
        plot_bgcolor="white",
        hovermode="x unified",
    )
    tickvals, ticktext = charts.month_ticks(days)
    fig.update_xaxes(title="Datum", showgrid=False, tickvals=tickvals, ticktext=ticktext)
    fig.update_yaxes(title="Antal händelser, kumulativt", gridcolor="#e5e5e5", rangemode="tozero")
    return fig
