"""Plotly figures of Karta och tider: hot times, weekly comparison, month-of-year profile.

Plain functions returning a Figure (testable without a browser), Swedish labels and units,
colour-blind-safe colours (viridis for the matrix; blue/orange of the Okabe–Ito palette for
period and comparison).
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ostan_dash.analysis.hottimes import hot_time_wide
from ostan_dash.ui import charts, fmt

NOW = "#0072B2"  # Okabe–Ito blue
BEFORE = "#E69F00"  # Okabe–Ito orange
MONTHS_SHORT = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
YEAR_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]


def _layout(fig: go.Figure, *, title: str, large: bool, height: int | None = None) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"),
        separators=", ",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, title=None),
        margin=dict(l=10, r=10, t=80, b=10),
        plot_bgcolor="white",
        height=height,
    )
    return charts.fonts(fig, large=large)


def hot_times(matrix: pl.DataFrame, *, title: str, large: bool = False) -> go.Figure:
    """Weekday × hour heatmap (Monday first, hour 0 at the top) of aoristic weights.

    `matrix` is :func:`analysis.hottimes.hot_time_matrix` output.
    """
    wide = hot_time_wide(matrix)
    days = list(wide.columns)
    z = wide.to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=days,
            y=[f"{h:02d}" for h in range(24)],
            colorscale="Viridis",
            zmin=0,
            colorbar=dict(title=dict(text="Händelser<br>(aoristisk<br>vikt)")),
            hovertemplate="%{x} kl. %{y}: %{z:.1f} händelser<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title="Timme (svensk tid)", dtick=1)
    fig.update_xaxes(title="Veckodag", side="top")
    return _layout(fig, title=title, large=large, height=720 if large else 620)


def _counts(values: pl.Series) -> list[str]:
    """``1 händelse``, ``2 händelser`` for hover texts (plotly's templates cannot inflect)."""
    return [fmt.count(v or 0, "händelse", "händelser") for v in values.to_list()]


def weekly_comparison(
    table: pl.DataFrame, *, title: str, labels: tuple[str, str], large: bool = False
) -> go.Figure:
    """Bars per week: the period beside the comparison period.

    `table` is :func:`analysis.areas_compare.weekly_comparison` output.
    """
    now_weeks = [fmt.iso_week(d) for d in table["week_start"].to_list()]
    before_weeks = [fmt.iso_week(d) for d in table["week_start_before"].to_list()]
    fig = go.Figure(
        [
            go.Bar(
                x=now_weeks,
                y=table["count_before"].to_list(),
                name=labels[1],
                marker_color=BEFORE,
                customdata=list(zip(before_weeks, _counts(table["count_before"]), strict=True)),
                hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + labels[1] + "</extra>",
            ),
            go.Bar(
                x=now_weeks,
                y=table["count"].to_list(),
                name=labels[0],
                marker_color=NOW,
                customdata=_counts(table["count"]),
                hovertemplate="%{x}: %{customdata}<extra>" + labels[0] + "</extra>",
            ),
        ]
    )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title="ISO-vecka (perioden; jämförelseveckan i rutan vid muspekaren)")
    fig.update_yaxes(title="Antal händelser per vecka", gridcolor="#e5e5e5", rangemode="tozero")
    return _layout(fig, title=title, large=large)


def month_profile(
    table: pl.DataFrame, *, title: str, partial_year: int | None = None, large: bool = False
) -> go.Figure:
    """One line per year of counts per calendar month.

    `table` is :func:`analysis.areas_compare.month_profile` output; `partial_year` is marked
    "(hittills)" in the legend and its months after today are left out by the caller.
    """
    fig = go.Figure()
    years = sorted(table["year"].unique().to_list())
    for i, year in enumerate(years):
        part = table.filter(pl.col("year") == year).sort("month")
        name = f"{year} (hittills)" if year == partial_year else str(year)
        fig.add_trace(
            go.Scatter(
                x=[MONTHS_SHORT[m - 1] for m in part["month"].to_list()],
                y=part["count"].to_list(),
                mode="lines+markers",
                name=name,
                line=dict(
                    color=YEAR_COLOURS[i % len(YEAR_COLOURS)], width=3 if i == len(years) - 1 else 2
                ),
                customdata=_counts(part["count"]),
                hovertemplate="%{x} " + str(year) + ": %{customdata}<extra></extra>",
            )
        )
    fig.update_xaxes(title="Månad", categoryorder="array", categoryarray=MONTHS_SHORT)
    fig.update_yaxes(title="Antal händelser per månad", gridcolor="#e5e5e5", rangemode="tozero")
    return _layout(fig, title=title, large=large)
