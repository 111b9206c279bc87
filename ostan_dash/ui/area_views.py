"""Figures and tables of the Områden and Trygghetsundersökning pages, built by plain functions
(testable without a browser); Swedish labels, units and legends on every chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from ostan_dash.analysis.area_texts import bh_family_text
from ostan_dash.analysis.areas import LEVELS
from ostan_dash.ui import charts, export, fmt
from ostan_dash.ui import export as export_ui
from ostan_dash.ui.charts import PALETTE

MUNICIPAL_COLOUR = "#555555"


def _style(fig: go.Figure, *, title: str, large: bool = False) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"),
        separators=", ",
        legend=dict(orientation="h", yanchor="bottom", y=1.04, xanchor="left", x=0, title=None),
        margin=dict(l=10, r=10, t=90, b=10),
        plot_bgcolor="white",
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return charts.fonts(fig, large=large)


def indicator_trends(
    series: pl.DataFrame, *, labels: dict[str, str], area_name: str, large: bool = False
) -> go.Figure:
    """Small multiples: each indicator of one area over the years against the municipality.

    ``series``: ``indicator``, ``year``, ``value``, ``municipal`` (and optionally ``worsened``,
    marked with a triangle).
    """
    keys = [k for k in labels if k in set(series["indicator"].to_list())]
    cols = 4
    rows = max(1, -(-len(keys) // cols))
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[labels[k] for k in keys],
        vertical_spacing=0.18,
        horizontal_spacing=0.06,
    )
    for i, key in enumerate(keys):
        r, c = i // cols + 1, i % cols + 1
        part = series.filter(pl.col("indicator") == key).sort("year")
        is_bool = key == "organised_crime"
        unit = "" if is_bool else " %"
        years = part["year"].to_list()
        fig.add_trace(
            go.Scatter(
                x=years,
                y=part["value"].to_list(),
                mode="lines+markers",
                name=area_name,
                legendgroup="area",
                showlegend=i == 0,
                line=dict(color=PALETTE[0], width=3),
                hovertemplate=f"%{{x}}: %{{y:.1f}}{unit}<extra>{area_name}</extra>",
            ),
            row=r,
            col=c,
        )
        if not is_bool:
            fig.add_trace(
                go.Scatter(
                    x=years,
                    y=part["municipal"].to_list(),
                    mode="lines",
                    name="Hela kommunen",
                    legendgroup="mun",
                    showlegend=i == 0,
                    line=dict(color=MUNICIPAL_COLOUR, width=2, dash="dash"),
                    hovertemplate=f"%{{x}}: %{{y:.1f}}{unit}<extra>Hela kommunen</extra>",
                ),
                row=r,
                col=c,
            )
        if "worsened" in part.columns:
            bad = part.filter(pl.col("worsened"))
            if bad.height:
                fig.add_trace(
                    go.Scatter(
                        x=bad["year"].to_list(),
                        y=bad["value"].to_list(),
                        mode="markers",
                        name="Försämrad mot året före",
                        legendgroup="worse",
                        showlegend=True,
                        marker=dict(symbol="triangle-up", size=16, color="#d95f02"),
                        hovertemplate="%{x}: försämrad<extra></extra>",
                    ),
                    row=r,
                    col=c,
                )
        fig.update_yaxes(
            title_text="Ja = 1" if is_bool else "Andel, %",
            range=[0, 1.1] if is_bool else None,
            row=r,
            col=c,
        )
        fig.update_xaxes(dtick=1, tickformat="d", row=r, col=c)
    fig.update_layout(height=330 * rows + 90)
    fig = _style(fig, title=f"{area_name}: indikatorerna år för år", large=large)
    # Below the panels: above them it would collide with the subplot titles.
    fig.update_layout(legend=dict(y=-0.06, yanchor="top"), margin=dict(t=70, b=40))
    return fig


def category_bars(counts: pl.DataFrame, *, year: int, title: str, large: bool = False) -> go.Figure:
    """Horizontal bars: incidents per category in ``year`` and the year before.

    ``counts``: ``label`` (category text), ``year``, ``n``.
    """
    fig = go.Figure()
    for y, colour in ((year - 1, "#b9c7d3"), (year, PALETTE[0])):
        part = counts.filter(pl.col("year") == y).sort("label")
        fig.add_trace(
            go.Bar(
                y=part["label"].to_list(),
                x=part["n"].to_list(),
                orientation="h",
                name=str(y),
                marker_color=colour,
                hovertemplate="%{y}: %{x} st<extra>" + str(y) + "</extra>",
            )
        )
    n_labels = counts["label"].n_unique() if counts.height else 1
    fig.update_layout(barmode="group", height=max(300, 34 * n_labels + 160))
    fig.update_xaxes(title_text="Antal händelser per år")
    return _style(fig, title=title, large=large)


def survey_trend(
    shares: pl.DataFrame,
    *,
    group: str,
    names: dict,
    question_label: str,
    ring_label: str = "Signifikant förändring mot året före",
    large: bool = False,
) -> go.Figure:
    """Lines of a survey share per year with 95 % intervals, one line per group.

    ``shares``: ``group`` column, ``year``, ``share``, ``ci_low``, ``ci_high``, ``significant``
    (change against the year before, after the correction the caller states in
    ``ring_label``, e.g. :func:`ring_label`). Suppressed years (null share) leave a gap.
    Significant changes get a large ring marker named ``ring_label`` in the legend.
    """
    fig = go.Figure()
    for i, key in enumerate(names):
        part = shares.filter(pl.col(group) == key).sort("year")
        if part.is_empty():
            continue
        is_mun = key == "kommunen"
        colour = MUNICIPAL_COLOUR if is_mun else PALETTE[i % len(PALETTE)]
        share = [None if v is None else v * 100 for v in part["share"].to_list()]
        lo = [None if v is None else v * 100 for v in part["ci_low"].to_list()]
        hi = [None if v is None else v * 100 for v in part["ci_high"].to_list()]
        fig.add_trace(
            go.Scatter(
                x=part["year"].to_list(),
                y=share,
                mode="lines+markers",
                name=str(names[key]),
                line=dict(color=colour, width=3, dash="dash" if is_mun else "solid"),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=[None if s is None else h - s for s, h in zip(share, hi, strict=True)],
                    arrayminus=[
                        None if s is None else s - lw for s, lw in zip(share, lo, strict=True)
                    ],
                    thickness=1.5,
                    width=4,
                ),
                customdata=[
                    [fmt.number(lw, 1), fmt.number(h, 1)] if s is not None else ["–", "–"]
                    for s, lw, h in zip(share, lo, hi, strict=True)
                ],
                hovertemplate="%{x}: %{y:.1f} % (95 % KI %{customdata[0]}–%{customdata[1]})"
                f"<extra>{names[key]}</extra>",
                connectgaps=False,
            )
        )
        sig = part.filter(pl.col("significant"))
        if sig.height:
            fig.add_trace(
                go.Scatter(
                    x=sig["year"].to_list(),
                    y=[v * 100 for v in sig["share"].to_list()],
                    mode="markers",
                    name=ring_label,
                    legendgroup="sig",
                    showlegend=not any(t.legendgroup == "sig" for t in fig.data),
                    marker=dict(
                        symbol="circle-open",
                        size=24,
                        color="#d95f02",
                        line=dict(width=3, color="#d95f02"),
                    ),
                    hoverinfo="skip",
                )
            )
    fig.update_xaxes(dtick=1, tickformat="d", title_text="År")
    fig.update_yaxes(title_text="Andel som svarat ja, %")
    fig.update_layout(height=460)
    return _style(
        fig, title=f"{question_label}, andel per år med 95 % konfidensintervall", large=large
    )


def _alternating_positions(xs: list) -> list[str]:
    cycle = ("top center", "bottom center", "middle right", "middle left")
    order = sorted(range(len(xs)), key=lambda i: (xs[i] is None, xs[i] or 0))
    out = ["top center"] * len(xs)
    for rank, i in enumerate(order):
        out[i] = cycle[rank % len(cycle)]
    return out


def unsafety_scatter(
    points: pl.DataFrame,
    *,
    x_label: str,
    y_label: str,
    x_ref: float | None,
    y_ref: float | None,
    title: str,
    large: bool = False,
) -> go.Figure:
    """Perceived unsafety against reported incidents, one named point per area.

    ``points``: ``name``, ``x`` (incidents per 1,000), ``y`` (share unsafe, %). Dotted lines at
    the municipality's values split the plot into four quadrants, each named.
    """
    fig = go.Figure(
        go.Scatter(
            x=points["x"].to_list(),
            y=points["y"].to_list(),
            mode="markers+text",
            text=points["name"].to_list(),
            # Alternate label sides along x so that neighbouring names do not print over each
            # other in the crowded low-incidence corner.
            textposition=_alternating_positions(points["x"].to_list()),
            marker=dict(size=14, color=PALETTE[0], line=dict(width=1, color="white")),
            name="Område",
            hovertemplate="%{text}<br>"
            + x_label
            + ": %{x:.1f}<br>"
            + y_label
            + ": %{y:.1f} %<extra></extra>",
        )
    )
    if x_ref is not None:
        fig.add_vline(x=x_ref, line=dict(color=MUNICIPAL_COLOUR, dash="dot"))
    if y_ref is not None:
        fig.add_hline(y=y_ref, line=dict(color=MUNICIPAL_COLOUR, dash="dot"))
    notes = (
        (0.01, 0.99, "left", "top", "Otrygghet utan många händelser"),
        (0.99, 0.99, "right", "top", "Många händelser och otrygghet"),
        (0.99, 0.01, "right", "bottom", "Många händelser, låg otrygghet"),
        (0.01, 0.01, "left", "bottom", "Få händelser, låg otrygghet"),
    )
    for x, y, xa, ya, text in notes:
        fig.add_annotation(
            x=x,
            y=y,
            xref="paper",
            yref="paper",
            xanchor=xa,
            yanchor=ya,
            text=text,
            showarrow=False,
            font=dict(color=MUNICIPAL_COLOUR),
        )
    xs = [v for v in points["x"].to_list() if v is not None]
    log_x = bool(xs) and min(xs) > 0 and max(xs) / min(xs) > 4
    fig.update_xaxes(
        title_text=x_label + (" (logaritmisk skala)" if log_x else ""),
        type="log" if log_x else "linear",
    )
    fig.update_yaxes(title_text=y_label + ", %")
    fig.update_layout(height=560, showlegend=False)
    fig.add_annotation(
        x=0,
        y=-0.14,
        xref="paper",
        yref="paper",
        xanchor="left",
        showarrow=False,
        text="Prickade linjer: hela kommunens värden.",
        font=dict(color=MUNICIPAL_COLOUR, size=12),
    )
    return _style(fig, title=title, large=large)


# The criteria matrix ----------------------------------------------------------------------------

# A single-hue orange scale: distinguishable by lightness alone (grey-scale projectors,
# colour-blind viewers), with dark text on every step.
LEVEL_COLOURS: dict[str, str] = {"over": "#f4a13a", "hogre": "#fde0b8", "lagre": "#f6f7f9"}
WORSENED_MARK = "⚠"
UNKNOWN = "uppgift saknas"  # a value the statistics do not give (NULL), as the area maps say


def _arrow(change: float | None, decimals: int = 1) -> str:
    if change is None:
        return ""
    if round(change, decimals) > 0:
        return f"▲ +{fmt.number(change, decimals)}"
    if round(change, decimals) < 0:
        return f"▼ {fmt.number(change, decimals)}"
    return f"► {fmt.number(0.0, decimals)}"


def cell_text(indicator: str, value: float | None, change: float | None, worsened: bool) -> str:
    """What one matrix cell says: value, direction and size of the change, and a warning mark
    when the criterion worsened (``"⚠ 19,8 ▲ +6,7"``; organised crime ``"Ja (ny)"``); an
    unknown value (e.g. 0–17 years from SCB's 5-year bands) says so, never 0."""
    if value is None:
        return UNKNOWN
    if indicator == "organised_crime":
        text = "Ja" if value >= 1 else "Nej"
        if change is not None and change > 0:
            text += " (ny)"
        elif change is not None and change < 0:
            text += " (upphört)"
    else:
        text = f"{fmt.number(value, 1)} {_arrow(change)}".strip()
    return f"{WORSENED_MARK} {text}" if worsened else text


def column_titles(labels: dict[str, str], rates: dict[str, str]) -> dict[str, str]:
    """Column headers with their unit."""
    out = {k: (v if k == "organised_crime" else f"{v}, %") for k, v in labels.items()}
    out.update(
        {"est_per_1000": "EST-rapporter/1 000 inv.", "police_per_1000": "Polisbrott/1 000 inv."}
    )
    return {k: out[k] for k in [*labels, *rates] if k in out}


# Short headers for the matrix, so that every criterion fits beside the sidebar at 1280 px
# (issue 12: "Områden shows 4 of 6 criteria"); the full title is the header's tooltip.
MATRIX_SHORT: dict[str, str] = {
    "pct_unsafe": "Otrygga, %",
    "pct_not_working": "Ej arbete, %",
    "pct_low_education": "Ej gymn., %",
    "pct_no_final_grades": "Ej betyg, %",
    "pct_under18": "Under 18, %",
    "pct_non_voters": "Ej röst, %",
    "organised_crime": "Org. brott",
}


def matrix_column_config(titles: dict[str, str]) -> dict:
    """``column_config`` of the criteria matrix: the area pinned, short headers with the full
    title as help, fixed widths; "Försämrat" and the two rates are left out of the grid (the
    warning above the matrix and the ⚠ in the cells say what worsened; the rates count for no
    criterion and are in the downloaded file and the area profile)."""
    import streamlit as st

    config: dict = {
        "Område": st.column_config.TextColumn("Område", width=120, pinned=True),
        "Kriterier uppfyllda": st.column_config.NumberColumn(
            "Uppfyllda", width=72, help="Kriterier uppfyllda"
        ),
        "Försämrat": None,
    }
    for key, title in titles.items():
        if key in MATRIX_SHORT:
            config[title] = st.column_config.Column(
                MATRIX_SHORT[key], width=62 if key == "organised_crime" else 86, help=title
            )
        else:
            config[title] = None
    return config


@dataclass(frozen=True)
class MatrixView:
    """The matrix as shown (a pandas Styler), the frame behind it and the export frame."""

    styler: object
    data: object
    export: pl.DataFrame


def criteria_matrix(
    long: pl.DataFrame,
    summary: pl.DataFrame,
    *,
    year: int,
    names: dict[int, str],
    labels: dict[str, str],
    rates: dict[str, str],
    worsened_labels: dict[str, str] | None = None,
) -> MatrixView:
    """One row per area, one column per indicator and rate, in ``summary``'s order.

    The frame behind the table keeps the numeric value of every cell (so sorting by a column
    header sorts by value); the Styler shows value, change and warning mark as text and colours
    each cell by its level (:data:`LEVEL_COLOURS`).
    """
    import pandas as pd

    titles = column_titles(labels, rates)
    cur = long.filter(pl.col("year") == year)
    order = summary["area_id"].to_list()
    worse_lab = worsened_labels or labels
    base = summary.select(
        "area_id",
        pl.col("area_id").replace_strict(names, default="?", return_dtype=pl.Utf8).alias("Område"),
        pl.col("criteria_met").alias("Kriterier uppfyllda"),
        pl.col("worsened")
        .list.eval(pl.element().replace_strict(worse_lab, default=pl.element()))
        .list.join(", ")
        .alias("Försämrat"),
    )
    by_area = dict(cur.partition_by("area_id", as_dict=True).items())
    values: dict[str, list] = {t: [] for t in titles.values()}
    texts: dict[tuple[int, str], str] = {}
    levels: dict[tuple[int, str], str] = {}
    export_cols: dict[str, list] = {}
    for i, area_id in enumerate(order):
        part = by_area.get((area_id,))
        rows = {} if part is None else {r["indicator"]: r for r in part.iter_rows(named=True)}
        for key, title in titles.items():
            r = rows.get(key)
            v = None if r is None else r["value"]
            values[title].append(v)
            if r is None:
                texts[(i, title)] = UNKNOWN
                level = None
            else:
                texts[(i, title)] = cell_text(key, v, r["change"], bool(r["worsened"]))
                level = r["level"]
            if level:
                levels[(i, title)] = level
            export_cols.setdefault(title, []).append(v)
            export_cols.setdefault(f"{title} förändring", []).append(
                None if r is None else r["change"]
            )
            export_cols.setdefault(f"{title} nivå", []).append(
                None if level is None else LEVEL_TEXT[level]
            )
    data = pd.DataFrame(
        {
            "Område": base["Område"].to_list(),
            "Kriterier uppfyllda": base["Kriterier uppfyllda"].to_list(),
            "Försämrat": base["Försämrat"].to_list(),
            **values,
        }
    )
    styler = data.style
    for (i, title), text in texts.items():
        styler = styler.format(lambda _v, t=text: t, subset=pd.IndexSlice[[i], [title]])
    colours = pd.DataFrame("", index=data.index, columns=data.columns)
    for (i, title), level in levels.items():
        colours.loc[i, title] = f"background-color: {LEVEL_COLOURS[level]}; color: #111111"
    colours["Försämrat"] = [
        "background-color: #fdd0a2; color: #111111; font-weight: bold" if t else ""
        for t in data["Försämrat"]
    ]
    styler = styler.apply(lambda _df: colours, axis=None)
    export = pl.DataFrame(
        {
            "Område": base["Område"].to_list(),
            "År": [year] * base.height,
            "Kriterier uppfyllda": base["Kriterier uppfyllda"].to_list(),
            "Försämrat": base["Försämrat"].to_list(),
            **export_cols,
        },
        strict=False,
    )
    return MatrixView(styler=styler, data=data, export=export)


LEVEL_TEXT: dict[str, str] = LEVELS


def level_legend_html() -> str:
    """The matrix's colour legend (colour swatch and words, so it reads without colour too)."""
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;gap:.4rem;margin-right:1.2rem">'
        f'<span style="display:inline-block;width:1.6rem;height:1.1rem;background:{LEVEL_COLOURS[k]};'
        f'border:1px solid #444"></span>{t}</span>'
        for k, t in LEVEL_TEXT.items()
    )
    return (
        f'<div style="margin:.3rem 0 .6rem 0">{items}'
        f'<span style="margin-right:1.2rem"><b>{WORSENED_MARK}</b> försämrat sedan året före</span>'
        "<span>▲ ▼ förändring sedan året före (procentenheter)</span></div>"
    )


SURVEY_QUESTIONS: dict[str, str] = {
    "unsafe_evening": "Otrygg ute i området en sen kväll",
    "worried_crime": "Oroar sig för brottsligheten",
    "avoids_going_out": "Avstår från att gå ut",
    "victim": "Utsatt för brott senaste året",
}


def table_height(n_rows: int, *, max_px: int = 600) -> int:
    """Pixel height showing ``n_rows`` rows of a dataframe without inner scrolling (up to
    ``max_px``)."""
    return min(export.table_height(n_rows, max_rows=max(n_rows, 1)), max_px)


SUPPRESSED_TEXT = "För få svar"


def share_text(share: float | None, low: float | None, high: float | None, n: int | None) -> str:
    """``"34,1 % (31,2–37,0)"``; a suppressed cell says so instead of showing a number."""
    if share is None:
        return f"{SUPPRESSED_TEXT} (n = {n})" if n else "Inga svar"
    return f"{fmt.percent(share * 100, 1)} ({fmt.number(low * 100, 1)}–{fmt.number(high * 100, 1)})"


def survey_overview(rows: pl.DataFrame, *, names: dict, questions: dict[str, str]) -> MatrixView:
    """One row per area (the municipality first), one column per question: the weighted share
    with its 95 % interval as text over the numeric share (sorting sorts by share).

    ``rows``: one year of :func:`ostan_dash.analysis.areas.survey_changes` output with a
    ``group`` column (area id, or ``"kommunen"``).
    """
    import pandas as pd

    groups = ["kommunen", *sorted((g for g in names if g != "kommunen"), key=lambda g: names[g])]
    present = set(rows["group"].to_list())
    groups = [g for g in groups if g in present]
    by = {(r["group"], r["question"]): r for r in rows.iter_rows(named=True)}
    cols: dict[str, list] = {"Område": [names[g] for g in groups]}
    texts: dict[tuple[int, str], str] = {}
    export_cols: dict[str, list] = {"Område": cols["Område"]}
    n_col = [max((by[(g, q)]["n"] for q in questions if (g, q) in by), default=0) for g in groups]
    for q, label in questions.items():
        title = f"{label}, %"
        vals = []
        for i, g in enumerate(groups):
            r = by.get((g, q))
            share = None if r is None else r["share"]
            vals.append(None if share is None else share * 100)
            texts[(i, title)] = (
                "Inga svar" if r is None else share_text(share, r["ci_low"], r["ci_high"], r["n"])
            )
            export_cols.setdefault(title, []).append(None if share is None else share * 100)
            export_cols.setdefault(f"{label}, KI låg %", []).append(
                None if r is None or r["ci_low"] is None else r["ci_low"] * 100
            )
            export_cols.setdefault(f"{label}, KI hög %", []).append(
                None if r is None or r["ci_high"] is None else r["ci_high"] * 100
            )
            export_cols.setdefault(f"{label}, svar", []).append(None if r is None else r["n"])
        cols[title] = vals
    cols["Svar (antal)"] = n_col
    data = pd.DataFrame(cols)
    styler = data.style
    for (i, title), text in texts.items():
        styler = styler.format(lambda _v, t=text: t, subset=pd.IndexSlice[[i], [title]])
    styler = styler.apply(
        lambda df: pd.DataFrame(
            [
                ["font-weight: bold" if df.iloc[i, 0] == names.get("kommunen") else ""]
                * df.shape[1]
                for i in range(df.shape[0])
            ],
            index=df.index,
            columns=df.columns,
        ),
        axis=None,
    )
    return MatrixView(styler=styler, data=data, export=pl.DataFrame(export_cols, strict=False))


def ring_label(n_tests: Sequence[int], *, alpha: float = 0.05) -> str:
    """The ring's legend entry: what "signifikant" means on the survey trend chart."""
    return f"Signifikant förändring mot året före ({bh_family_text(n_tests, alpha=alpha)})"


def survey_change_table(
    rows: pl.DataFrame, *, names: dict, question_label: str, previous_year: int
) -> pl.DataFrame:
    """The chosen question per area: share, interval, answers, effective n and the change since
    ``previous_year`` with its p-value, its Benjamini–Hochberg adjusted p-value and whether it
    is significant, as numbers (suppressed cells are empty). ``rows``: one year of
    :func:`ostan_dash.analysis.areas.survey_changes` output with a ``group`` column."""
    pct = 100.0
    return (
        rows.with_columns(
            Område=pl.col("group").replace_strict(names, default="?", return_dtype=pl.Utf8),
            order=pl.when(pl.col("group") == "kommunen").then(0).otherwise(1),
        )
        .sort("order", "Område")
        .select(
            "Område",
            (pl.col("share") * pct).alias(f"{question_label}, %"),
            (pl.col("ci_low") * pct).alias("95 % KI, låg"),
            (pl.col("ci_high") * pct).alias("95 % KI, hög"),
            pl.col("n").alias("Svar"),
            pl.col("n_eff").alias("Effektivt n"),
            (pl.col("change") * pct).alias(f"Förändring mot {previous_year}, p.e."),
            pl.col("p_value").alias("p"),
            pl.col("p_adjusted").alias("p justerat (BH)"),
            pl.when(pl.col("p_value").is_null())
            .then(pl.lit("–"))
            .when(pl.col("significant"))
            .then(pl.lit("Ja"))
            .otherwise(pl.lit("Nej"))
            .alias("Signifikant (BH, FDR 5 %)"),
            pl.when(pl.col("suppressed"))
            .then(pl.lit(f"{SUPPRESSED_TEXT}: färre än 30 svar"))
            .otherwise(pl.lit(""))
            .alias("Anmärkning"),
        )
    )


def swedish_styler(df: pl.DataFrame, *, decimals: dict[str, int] | None = None):
    """:func:`ostan_dash.ui.export.swedish_styler` with one decimal for floats unless
    ``decimals`` says otherwise (the shares and rates of these pages)."""
    return export_ui.swedish_styler(df, decimals=decimals, default_decimals=1)


def show_table(
    df: pl.DataFrame,
    *,
    name: str,
    key: str,
    decimals: dict[str, int] | None = None,
    styler=None,
    export: pl.DataFrame | None = None,
    height: int | None = None,
    about: export_ui.About | None = None,
    **dataframe_kwargs,
):
    """Show a table with Swedish number formats and offer exactly its data (or ``export``) as
    CSV and Excel, opening with the header block of ``about``. Returns what ``st.dataframe``
    returns (the selection, when enabled)."""
    import streamlit as st

    from ostan_dash.ui import widgets

    shown = styler if styler is not None else swedish_styler(df, decimals=decimals)
    if widgets.meeting_mode():  # no selection on the wall: the map opens a profile
        widgets.wall_table(shown)
        return None
    out = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=height or table_height(df.height),
        **dataframe_kwargs,
    )
    export_ui.download_buttons(
        export if export is not None else df, name=name, key=key, about=about, sheet=name
    )
    return out


# The tables of the protective and focus-area views ------------------------------------------------


def _names(names: dict) -> pl.Expr:
    return pl.col("area_id").replace_strict(names, default="?", return_dtype=pl.Utf8)


def protective_table(protective: pl.DataFrame, *, names: dict[int, str]) -> pl.DataFrame:
    """:func:`ostan_dash.analysis.areas.protective_areas` with Swedish headers."""
    return protective.select(
        _names(names).alias("Område"),
        pl.col("crime_per_1000").alias("Händelser per 1 000 inv."),
        pl.col("pct_unsafe").alias("Otrygga, %"),
        pl.col("index").alias("Index (1 = som kommunen)"),
    )


def protective_comparison_table(
    comparison: pl.DataFrame, *, titles: dict[str, str]
) -> pl.DataFrame:
    """:func:`ostan_dash.analysis.areas.protective_comparison` with Swedish headers."""
    return comparison.select(
        pl.col("indicator").replace_strict(titles, default=pl.col("indicator")).alias("Mått"),
        pl.col("protective").alias("Skyddande områden"),
        pl.col("others").alias("Övriga områden"),
        pl.col("municipal").alias("Hela kommunen"),
        pl.col("difference").alias("Skillnad"),
    )


def focus_table(scores: pl.DataFrame, *, names: dict[int, str]) -> pl.DataFrame:
    """:func:`ostan_dash.analysis.areas.focus_scores` with Swedish headers."""
    return scores.select(
        pl.col("rank").alias("Rang"),
        _names(names).alias("Område"),
        pl.col("score").alias("Poäng"),
        pl.col("criteria_met").alias("Kriterier uppfyllda"),
        pl.col("n_worsened").alias("Försämrade"),
        pl.col("recent").cast(pl.Int64).alias("Händelser senaste 91 d"),
        pl.col("earlier").cast(pl.Int64).alias("Samma period i fjol"),
        pl.col("trend_points").alias("Trendpoäng"),
        (pl.col("unsafe_share") * 100).alias("Otrygga, %"),
        pl.col("unsafety_points").alias("Otrygghetspoäng"),
    )


def focus_history_table(history: pl.DataFrame) -> pl.DataFrame:
    """The recorded focus areas (:func:`ostan_dash.store.areas.focus_areas`), Swedish headers."""
    from ostan_dash.analysis.areas import quarter_label

    return history.select(
        pl.col("quarter_start").map_elements(quarter_label, return_dtype=pl.Utf8).alias("Kvartal"),
        pl.col("rank").alias("Rang"),
        pl.col("area").alias("Område"),
        pl.col("score").alias("Poäng"),
        pl.col("rationale").alias("Motivering"),
        pl.col("chosen_by").alias("Vald av"),
        pl.col("chosen_at").dt.strftime("%Y-%m-%d").alias("Datum"),
    )
