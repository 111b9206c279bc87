"""Small shared widgets: KPI cards, empty states, presentation mode, confirmations and the
status form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from ostan_dash.ui import fmt

# Streamlit has no scroll API: a component mounted in the page (not in an iframe) marks the spot
# and scrolls it into view once, when it is first drawn.
_SCROLL_JS = """
export default function(component) {
  const mark = component.parentElement.querySelector("span");
  const block = component.data || "end";
  requestAnimationFrame(() => mark.scrollIntoView({block: block, behavior: "instant"}));
}
"""


@st.cache_resource
def _scroll_component():
    return st.components.v2.component("ostan_scroll_into_view", html="<span></span>", js=_SCROLL_JS)


def scroll_into_view(*, key: str, block: str = "end") -> None:
    """Bring this spot of the page into view after a rerun: a warning under the button a
    reporter pressed on a phone (``block="end"``), or the confirmation at the top of a page
    after saving in a form further down (``block="center"``). A new ``key`` scrolls again."""
    _scroll_component()(key=key, data=block)


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


def meeting_mode() -> bool:
    """Whether this page is shown in meeting mode (``?visning=stor`` in the address)."""
    return st.query_params.get("visning") == "stor"


def meeting_toggle(container) -> bool:
    """The "Presentationsläge" toggle in ``container``, kept in the address (``visning=stor``) so
    the wall's browser opens in it; in meeting mode the page gets :func:`presentation_mode_css`."""
    large = container.toggle("Presentationsläge", value=meeting_mode())
    if large:
        st.query_params["visning"] = "stor"
        presentation_mode_css()
    elif "visning" in st.query_params:
        del st.query_params["visning"]
    return large


def wall_table(styler) -> None:
    """A table for the wall: plain HTML with every row (no inner scrolling, no canvas), in the
    page's meeting-mode type size."""
    st.table(styler.hide(axis="index"))


# Meeting mode (issue 11): on a 1920 × 1080 wall every text is at least 20 px. Streamlit sizes its
# small texts (captions, metric deltas, widget labels, tooltips) in rem fractions, so the floor is
# set on every element of the main area with max(20px, 1em); headings and the big numbers keep
# their larger sizes by more specific rules. Labels wrap instead of ending in an ellipsis, and the
# download buttons (nothing to download at a meeting) are left out.
_MEETING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stDownloadButton"] {display: none !important;}
html, body, [data-testid="stAppViewContainer"] {font-size: 22px;}
[data-testid="stMain"] * {font-size: max(20px, 1em) !important;}
[data-testid="stMain"] h1, [data-testid="stMain"] h1 * {font-size: 3rem !important;}
[data-testid="stMain"] h2, [data-testid="stMain"] h2 * {font-size: 2.2rem !important;}
[data-testid="stMain"] h3, [data-testid="stMain"] h3 * {font-size: 1.6rem !important;}
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] * {font-size: 3.2rem !important;}
[data-testid="stMain"] [data-testid="stMetricLabel"] *,
[data-testid="stMain"] [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stMain"] [data-testid="stTable"] {overflow: visible !important;}
</style>
"""


def presentation_mode_css() -> None:
    """Large type and no sidebar, for a projector or a wall screen at the Thursday meeting."""
    st.markdown(_MEETING_CSS, unsafe_allow_html=True)


# Confirmations after a save ------------------------------------------------------------------
# A save stores its confirmation in the session and reruns (a message drawn before st.rerun is
# never seen). The confirmation is read during the run and dropped only at the end of the page:
# a run cut short by the next one (a double click on a slow server) leaves it for that one.
_SHOWN = "_confirmations_shown"


def once(key: str) -> Any:
    """The confirmation stored under ``key`` (``None`` if there is none), dropped by
    :func:`drop_shown` at the end of a run that got there."""
    value = st.session_state.get(key)
    if value is not None:
        st.session_state.setdefault(_SHOWN, set()).add(key)
    return value


def drop_shown() -> None:
    """At the end of a page: the confirmations read by :func:`once` were drawn in a run that
    finished, so the next run is quiet."""
    for key in st.session_state.pop(_SHOWN, set()):
        st.session_state.pop(key, None)


def saved(key: str, message: str) -> None:
    """After a save, just before ``st.rerun()``: the next run says ``message`` where
    :func:`show_saved` is called with ``key`` (a message drawn before the rerun is never seen)."""
    st.session_state[key] = message


def show_saved(key: str) -> None:
    """The confirmation :func:`saved` left under ``key``, if any, once (:func:`once`)."""
    message = once(key)
    if message:
        st.success(message)


def status_form(
    key: str, labels: Mapping[str, str], current: str, save: Callable[[str], None]
) -> None:
    """'Ändra status' among ``labels`` (stored value → Swedish label) starting at ``current``;
    'Spara status' calls ``save(new_status)`` when it changed and reruns, and the run after says
    'Statusen är sparad.' (once, see :func:`once`)."""
    show_saved(f"{key}_saved")
    options: list[str] = list(labels)
    with st.form(key):
        status = st.selectbox(
            "Ändra status",
            options,
            index=options.index(current),
            format_func=lambda s: labels[s],
        )
        if st.form_submit_button("Spara status") and status is not None and status != current:
            save(status)
            saved(f"{key}_saved", "Statusen är sparad.")
            st.rerun()
