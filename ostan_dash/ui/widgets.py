"""Small shared widgets: KPI cards, empty states, presentation mode."""

from __future__ import annotations

import streamlit as st

from ostan_dash.ui import fmt


def kpi(
    container, label: str, value: int, baseline: float, *, help_text: str | None = None
) -> None:
    """A metric card: the week's count and its change against the baseline mean.

    An increase is shown red (``inverse``): in this product more incidents is the bad direction.
    """
    change = value - baseline
    pct = (value / baseline - 1) * 100 if baseline > 0 else None
    delta = (
        f"{fmt.number(change, 1)} mot snitt ({fmt.percent(pct, 0, signed=True)})"
        if pct is not None
        else f"{fmt.number(change, 1)} mot snitt"
    )
    if change > 0 and not delta.startswith("+"):
        delta = "+" + delta
    container.metric(label, fmt.number(value), delta=delta, delta_color="inverse", help=help_text)


def presentation_mode_css() -> None:
    """Large type and no sidebar, for a projector at the Thursday meeting."""
    st.markdown(
        """
        <style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {display: none;}
        html, body, [data-testid="stAppViewContainer"] {font-size: 22px;}
        [data-testid="stMetricValue"] {font-size: 3.2rem;}
        [data-testid="stMetricLabel"] p {font-size: 1.3rem;}
        h1 {font-size: 3rem !important;}
        </style>
        """,
        unsafe_allow_html=True,
    )
