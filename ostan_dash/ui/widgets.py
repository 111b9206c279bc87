"""Small shared widgets: KPI cards, empty states, presentation mode."""

from __future__ import annotations

import streamlit as st

from ostan_dash.ui import fmt


def kpi_delta(value: int, baseline: float) -> str:
    """The change against the baseline mean as Streamlit's metric reads it: ``"+5,5 (+41 %)"``.

    Streamlit picks the arrow from a leading ASCII ``-`` or ``+``, so the sign is written in
    ASCII here even though the numbers use Swedish formatting.
    """
    change = value - baseline
    sign = "-" if change < 0 else "+"
    text = f"{sign}{fmt.number(abs(change), 1)}"
    if baseline > 0:
        text += f" ({sign}{fmt.percent(abs(value / baseline - 1) * 100, 0)})"
    return text


def kpi(
    container, label: str, value: int, baseline: float, *, help_text: str | None = None
) -> None:
    """A metric card: the week's count and its change against the baseline mean.

    An increase is shown red (``inverse``): in this product more incidents is the bad direction.
    """
    container.metric(
        label,
        fmt.number(value),
        delta=kpi_delta(value, baseline),
        delta_color="inverse",
        help=help_text or "Förändring mot snittet per vecka under de 12 veckorna före.",
    )


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
