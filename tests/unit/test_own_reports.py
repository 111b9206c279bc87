"""What a reporter's own reports fed and which may still be corrected (analysis.own_reports)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ostan_dash.analysis import own_reports
from ostan_dash.config import TZ

NOW = dt.datetime(2026, 12, 5, 12, 0, tzinfo=TZ)


def _mine(pictures, interventions, hours_ago):
    return pl.DataFrame(
        {
            "problem_pictures": pictures,
            "interventions": interventions,
            "created_at": [NOW - dt.timedelta(hours=h) for h in hours_ago],
        },
        schema_overrides={"problem_pictures": pl.List(pl.Utf8), "interventions": pl.List(pl.Utf8)},
    )


def test_titles_are_collected_once_each_and_sorted():
    mine = _mine([["Torget", "Ån"], ["Ån"], []], [[], ["Belysning"], ["Belysning"]], [1, 2, 3])
    summary = own_reports.summarise(mine)
    assert summary.count == 3
    assert summary.problem_pictures == ("Torget", "Ån")
    assert summary.interventions == ("Belysning",)


def test_reports_that_fed_nothing_give_empty_titles():
    summary = own_reports.summarise(_mine([[], []], [[], []], [1, 2]))
    assert summary == own_reports.OwnReports(2, (), ())


def test_only_reports_inside_the_window_are_editable():
    mine = _mine([[]] * 3, [[]] * 3, [1, 47.9, 48.1])
    editable = own_reports.editable(mine, now=NOW, window=dt.timedelta(hours=48))
    assert editable["created_at"].to_list() == mine["created_at"].to_list()[:2]
