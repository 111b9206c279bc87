"""Närupprepning's choices before a Knox test (analysis.nearrepeat_choice) on small frames."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from ostan_dash.analysis import nearrepeat_choice as choose

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _incidents():
    t = dt.datetime(2026, 3, 1, 12, tzinfo=STOCKHOLM)
    return pl.DataFrame(
        {
            "source": ["est", "est", "polis", "est", "polis"],
            "category": ["klotter", "inbrott", "inbrott", "klotter", "rån"],
            "subtype": ["tag", None, "villa", "tag", None],
            "x": [1.0, 2.0, 3.0, None, 5.0],
            "y": [1.0, 2.0, 3.0, 4.0, 5.0],
            "occurred_from": [t, t, t - dt.timedelta(days=400), t, t],
        }
    )


def test_located_kinds_put_police_first_and_drop_incidents_without_a_point():
    kinds = choose.located_kinds(_incidents())
    assert kinds.select("source", "category", "len").rows() == [
        ("polis", "inbrott", 1),
        ("polis", "rån", 1),
        ("est", "inbrott", 1),
        ("est", "klotter", 1),
    ]
    assert choose.sources_of(kinds) == ["polis", "est"]
    assert choose.sources_of(kinds.filter(pl.col("source") == "est")) == ["est"]


def test_subtypes_are_those_that_occur_sorted():
    assert choose.subtypes_of(_incidents(), source="est", category="klotter") == ["tag"]
    assert choose.subtypes_of(_incidents(), source="est", category="inbrott") == []


def test_select_keeps_kind_period_and_point():
    c = choose.Choice(
        "polis",
        "inbrott",
        None,
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        "manhattan",
        99,
        (0.0, 100.0),
        (0.0, 7.0),
    )
    assert choose.select(_incidents(), c).is_empty()  # the burglary is 400 days earlier
    wider = choose.Choice(
        "est",
        "klotter",
        "tag",
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        "manhattan",
        99,
        (0.0,),
        (0.0,),
    )
    assert choose.select(_incidents(), wider)["x"].to_list() == [1.0]


@pytest.mark.parametrize(
    ("n", "problem"), [(19, "few"), (20, None), (20_000, None), (20_001, "many")]
)
def test_size_problem_at_the_limits(n, problem):
    assert choose.size_problem(n) == problem


def test_pairs_count_every_pair_once():
    assert [choose.pairs(n) for n in (0, 2, 3, 100)] == [0, 1, 3, 4950]


def test_too_few_permutations_against_a_bonferroni_bound():
    # 1/200 = 0.005 > 0.05/12 ≈ 0.00417, but 1/500 = 0.002 is small enough
    assert choose.too_few_permutations(199, 12, alpha=0.05)
    assert not choose.too_few_permutations(499, 12, alpha=0.05)
    assert choose.smallest_p(999) == pytest.approx(0.001)


def test_an_event_over_midnight_ends_the_next_day_across_dst():
    # The night summer time ends in Sweden (25 October 2026): 22:00–04:00 lasts seven hours.
    a, b = choose.event_window(dt.date(2026, 10, 24), dt.time(22), dt.time(4), tz=STOCKHOLM)
    assert b.date() == dt.date(2026, 10, 25)
    assert (b.astimezone(dt.UTC) - a.astimezone(dt.UTC)) == dt.timedelta(hours=7)
    same_day = choose.event_window(dt.date(2026, 6, 1), dt.time(18), dt.time(22), tz=STOCKHOLM)
    assert same_day[1] - same_day[0] == dt.timedelta(hours=4)
