"""A chart is built once per inputs and replayed on a rerun (ui/charts.chart, issue 14)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

SCRIPT = """
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from ostan_dash.ui import charts

BUILT = st.session_state.setdefault("built", [])


def bars(frame, *, title):
    BUILT.append(title)
    return go.Figure(go.Bar(x=frame["x"].to_list(), y=frame["y"].to_list()), layout={"title": title})


frame = pl.DataFrame({"x": ["a", "b"], "y": [1, st.session_state.get("y", 2)]})
charts.chart(bars, frame, title=st.session_state.get("title", "Första"))
"""


def test_a_chart_is_built_once_per_inputs_and_shown_on_every_run():
    at = AppTest.from_string(SCRIPT)
    at.run()
    at.run()
    assert at.session_state["built"] == ["Första"]  # the rerun replayed it
    assert len(at.get("plotly_chart")) == 1  # and it is on the page
    at.session_state["y"] = 3  # another value in the frame: built again
    at.run()
    at.session_state["title"] = "Andra"
    at.run()
    assert at.session_state["built"] == ["Första", "Första", "Andra"]
    assert len(at.get("plotly_chart")) == 1
