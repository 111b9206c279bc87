"""The document's figures as plotly figures built from its stored content, and their SVG.

The map is drawn on plain SWEREF 99 TM x/y axes with equal aspect: no geo traces and no tiles,
which would fetch map data from the network (shared/notes/pdf.md). SVG comes from kaleido on the
system Chromium with one warm server per process and MathJax off (without it kaleido fetches
MathJax from a CDN).
"""

from __future__ import annotations

import atexit
import json
import threading
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from ostan_dash.reports.weekly import SOURCE_LABELS
from ostan_dash.text import WEEKDAYS

CHROMIUM = "/usr/bin/chromium"
FONT = "DejaVu Sans, Arial, sans-serif"
STATUS_STYLE = {
    "ny": ("#7f0000", "Ny het ruta"),
    "växande": ("#d7301f", "Växande"),
    "het": ("#fc8d59", "Het"),
    "minskande": ("#4575b4", "Minskande"),
}
SIZES = {
    "map": (720, 620),
    "hottimes": (720, 300),
    "trend": (720, 260),
    "area_trend": (720, 360),
}


def _layout(fig: go.Figure, *, title: str | None = None) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "size": 12, "color": "#222"},
        margin={"l": 50, "r": 20, "t": 40 if title else 10, "b": 40},
        title={"text": title} if title else None,
        separators=", ",
    )
    return fig


def hotspot_map(h: Mapping[str, Any]) -> go.Figure:
    """Area outlines, the study region's edge and the week's hot cells, on SWEREF x/y."""
    fig = go.Figure()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for poly in h["areas"]:
        for ring in poly:
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": "#888", "width": 1},
            hoverinfo="skip",
            name="Områden",
            showlegend=False,
        )
    )
    cs = h["cell_size"]
    for status, (colour, label) in STATUS_STYLE.items():
        cells = [c for c in h["cells"] if c["status"] == status]
        if not cells:
            continue
        cx: list[float | None] = []
        cy: list[float | None] = []
        for c in cells:
            x0, y0 = c["x0"], c["y0"]
            cx += [x0, x0 + cs, x0 + cs, x0, x0, None]
            cy += [y0, y0, y0 + cs, y0 + cs, y0, None]
        fig.add_trace(
            go.Scatter(
                x=cx,
                y=cy,
                mode="lines",
                fill="toself",
                fillcolor=colour,
                line={"color": colour, "width": 0.5},
                name=f"{label} ({len(cells)})",
            )
        )
    labels = h.get("labels", [])
    fig.add_trace(
        go.Scatter(
            x=[a["x"] for a in labels],
            y=[a["y"] for a in labels],
            mode="text",
            text=[a["name"] for a in labels],
            textfont={"size": 9, "color": "#555"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    x0, y0, x1, y1 = h["view"]
    pad = 0.04 * max(x1 - x0, y1 - y0)
    fig.update_xaxes(visible=False, range=[x0 - pad, x1 + pad])
    fig.update_yaxes(visible=False, range=[y0 - pad, y1 + pad], scaleanchor="x", scaleratio=1)
    _layout(fig)
    fig.update_layout(
        legend={"orientation": "h", "y": -0.02, "x": 0}, margin={"l": 5, "r": 5, "t": 5, "b": 30}
    )
    return fig


def hottimes(weights: list[list[float]]) -> go.Figure:
    """The aoristic weekday × hour matrix as a heat map (Monday on top)."""
    fig = go.Figure(
        go.Heatmap(
            z=weights,
            x=[f"{h:02d}" for h in range(24)],
            y=[d[:3] for d in WEEKDAYS],
            colorscale="YlOrRd",
            colorbar={"title": {"text": "Händelser"}, "thickness": 12},
            hovertemplate="%{y} kl. %{x}: %{z:.1f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="Timme (svensk tid)")
    return _layout(fig)


def trend(t: Mapping[str, Any], *, highlight: str) -> go.Figure:
    """Counts per week and source, the document's week marked."""
    fig = go.Figure()
    labels = [f"v. {_iso_week(w)}" for w in t["weeks"]]
    colours = {"est": "#1f4e79", "polis": "#9e9e9e"}
    for key, label in SOURCE_LABELS.items():
        values = t["series"].get(key) or []
        if values:
            fig.add_trace(
                go.Bar(x=labels[-len(values) :], y=values, name=label, marker_color=colours[key])
            )
    if highlight in t["weeks"]:
        fig.add_vline(x=t["weeks"].index(highlight), line={"color": "#d7301f", "dash": "dot"})
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.12})
    return _layout(fig)


def _iso_week(iso: str) -> int:
    import datetime as dt

    return dt.date.fromisoformat(iso).isocalendar().week


def period_bars(t: Mapping[str, Any]) -> go.Figure:
    """Counts per period (quarters or years) and source, the document's period last."""
    fig = go.Figure()
    colours = {"est": "#1f4e79", "polis": "#9e9e9e"}
    for key, label in SOURCE_LABELS.items():
        values = t["series"].get(key) or []
        if any(values):
            fig.add_trace(go.Bar(x=t["labels"], y=values, name=label, marker_color=colours[key]))
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": 1.12})
    fig.update_yaxes(title_text="Antal", tickformat=",d")
    return _layout(fig)


def area_lines(profiles: list[Mapping[str, Any]], years: list[int]) -> go.Figure:
    """Incidents (EST and police) per year in every area: one line each."""
    fig = go.Figure()
    for p in profiles:
        fig.add_trace(
            go.Scatter(
                x=[str(y) for y in years],
                y=p["yearly"]["total"],
                mode="lines+markers",
                name=p["name"],
                line={"width": 1.5},
            )
        )
    fig.update_yaxes(title_text="Händelser per år", tickformat=",d")
    fig.update_layout(legend={"font": {"size": 9}})
    return _layout(fig)


def build(doc: Mapping[str, Any]) -> dict[str, go.Figure]:
    """The plotly figures of a document, from its content."""
    if doc["kind"] == "vecka":
        return {
            "map": hotspot_map(doc["hotspots"]),
            "hottimes": hottimes(doc["hottimes"]["weights"]),
            "trend": trend(doc["trend"], highlight=doc["period"]["start"]),
        }
    if doc["kind"] == "kvartal":
        return {
            "map": hotspot_map(doc["hotspots"]),
            "hottimes": hottimes(doc["hottimes"]["weights"]),
            "trend": period_bars(doc["trend"]),
        }
    return {
        "map": hotspot_map(doc["hotspots"]),
        "trend": period_bars(doc["trend"]),
        "area_trend": area_lines(doc["area_profiles"], doc["years"]),
    }


_server_lock = threading.Lock()
_server_started = False


def _ensure_server() -> None:
    global _server_started
    with _server_lock:
        if not _server_started:
            import kaleido

            kaleido.start_sync_server(path=CHROMIUM, mathjax=False, silence_warnings=True)
            atexit.register(kaleido.stop_sync_server, silence_warnings=True)
            _server_started = True


def svg(fig: go.Figure, *, width: int, height: int) -> str:
    """The figure as SVG text (kaleido, warm server on the system Chromium, no network)."""
    import kaleido

    _ensure_server()
    out = kaleido.calc_fig_sync(fig, opts={"format": "svg", "width": width, "height": height})
    return out.decode("utf-8") if isinstance(out, bytes) else str(out)


def attach(doc: dict[str, Any]) -> dict[str, Any]:
    """Add ``figures``: each figure's plotly JSON and SVG, frozen with the document."""
    doc["figures"] = {
        name: {
            "plotly": json.loads(fig.to_json()),
            "svg": svg(fig, width=SIZES[name][0], height=SIZES[name][1]),
        }
        for name, fig in build(doc).items()
    }
    return doc
