import datetime as dt

import polars as pl

from ostan_dash.analysis.duplicates import likely_duplicates

TZ = dt.UTC
NOW = dt.datetime(2026, 6, 3, 12, 0, tzinfo=TZ)


def _existing(**over):
    row = dict(
        id=1,
        category="skadegörelse",
        x=150000.0,
        y=6580000.0,
        occurred_from=NOW - dt.timedelta(hours=1),
        occurred_to=NOW - dt.timedelta(minutes=30),
        created_at=NOW - dt.timedelta(minutes=20),
        reported_by=7,
        organisation_id=3,
    )
    row.update(over)
    return pl.DataFrame([row])


def _check(existing, **over):
    cand = dict(
        category="skadegörelse",
        x=150100.0,
        y=6580000.0,
        occurred_from=NOW - dt.timedelta(hours=1),
        occurred_to=NOW,
        reported_by=7,
        organisation_id=3,
        now=NOW,
    )
    cand.update(over)
    return likely_duplicates(existing, **cand)


def test_same_send_is_duplicate():
    out = _check(_existing())
    assert out["id"].to_list() == [1] and abs(out["distance_m"][0] - 100.0) < 1e-9


def test_same_org_other_reporter_is_duplicate():
    assert _check(_existing(reported_by=8)).height == 1


def test_not_duplicate_when_any_condition_fails():
    assert _check(_existing(category="klotter")).height == 0
    assert _check(_existing(x=149900.0)).height == 0  # 200 m
    assert _check(_existing(reported_by=8, organisation_id=4)).height == 0
    assert _check(_existing(created_at=NOW - dt.timedelta(days=2))).height == 0
    far = NOW - dt.timedelta(hours=6)
    assert _check(_existing(occurred_from=far, occurred_to=far)).height == 0


def test_three_identical_sends_all_flag():
    rows = pl.concat([_existing(id=i) for i in (1, 2)])
    assert _check(rows).height == 2


def test_empty():
    assert _check(_existing().clear()).height == 0
