"""The shared filter model: URL round trip, period rules (ISO weeks, quarters, leap years), apply."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ostan_dash.config import TZ
from ostan_dash.filters import (
    PRESETS,
    Filters,
    apply,
    comparison_bounds,
    days_in,
    period_bounds,
)
from ostan_dash.store.hot import by_time

D = dt.date


# URL ------------------------------------------------------------------------------------------
FULL = Filters(
    preset="eget",
    start=D(2026, 2, 1),
    end=D(2026, 2, 28),
    comparison="forra_aret",
    source="est",
    categories=("est:skadegorelse", "polis:vald"),
    subtypes=("est:skadegorelse:klotter",),
    areas=("C01", "F01"),
    organisations=(3, 7),
    weekdays=(5, 6, 7),
    hours=(22, 4),
)


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param(Filters(), id="defaults"),
        pytest.param(FULL, id="everything"),
        *[pytest.param(Filters(preset=p), id=p) for p in PRESETS if p != "eget"],
        pytest.param(Filters(hours=(0, 5), weekdays=(1,)), id="monday-night"),
    ],
)
def test_query_params_round_trip(filters):
    params = filters.to_query_params()
    assert Filters.from_query_params(params) == filters


def test_defaults_make_a_short_link():
    assert Filters().to_query_params() == {}
    assert FULL.to_query_params()["timmar"] == "22-4"
    assert FULL.to_query_params()["omrade"] == ["C01", "F01"]


@pytest.mark.parametrize(
    "params",
    [
        {"period": "nonsense"},
        {"period": "eget", "fran": "2026-03-01", "till": "2026-02-01"},  # reversed
        {"period": "eget", "fran": "inte-ett-datum"},
        {"jfr": "x", "kalla": "<script>", "timmar": "25-3", "dag": ["0", "8", "x"]},
        {"kategori": ["est:finns_inte", "annat:x"], "undertyp": ["est:skadegorelse:nej"]},
    ],
    ids=["bad-preset", "reversed-interval", "bad-date", "bad-values", "unknown-keys"],
)
def test_malformed_links_fall_back_to_defaults(params):
    assert Filters.from_query_params(params) == Filters()


def test_valid_parts_survive_next_to_invalid_ones():
    f = Filters.from_query_params({"kalla": "polis", "dag": ["6", "9", "6"], "omrade": "C01"})
    assert (f.source, f.weekdays, f.areas) == ("polis", (6,), ("C01",))


# Periods --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("preset", "today", "expected"),
    [
        # Thursday 5 March 2026: the last complete ISO week is week 9.
        ("vecka", D(2026, 3, 5), (D(2026, 2, 23), D(2026, 3, 1))),
        # On a Monday the week just ended counts, not the one starting.
        ("vecka", D(2026, 3, 2), (D(2026, 2, 23), D(2026, 3, 1))),
        ("4v", D(2026, 3, 5), (D(2026, 2, 2), D(2026, 3, 1))),
        # ISO week 1 of 2026 starts on 29 December 2025.
        ("vecka", D(2026, 1, 7), (D(2025, 12, 29), D(2026, 1, 4))),
        ("ar", D(2026, 3, 5), (D(2025, 3, 3), D(2026, 3, 1))),
        # The last complete calendar quarter.
        ("kvartal", D(2026, 3, 5), (D(2025, 10, 1), D(2025, 12, 31))),
        ("kvartal", D(2026, 4, 1), (D(2026, 1, 1), D(2026, 3, 31))),
        ("kvartal", D(2024, 4, 15), (D(2024, 1, 1), D(2024, 3, 31))),  # leap year Q1: 91 days
        ("kvartal", D(2026, 7, 1), (D(2026, 4, 1), D(2026, 6, 30))),
    ],
)
def test_period_bounds(preset, today, expected):
    assert period_bounds(preset, today) == expected


def test_week_presets_are_whole_iso_weeks():
    for preset, weeks in (("vecka", 1), ("4v", 4), ("ar", 52)):
        a, b = period_bounds(preset, D(2027, 5, 19))
        assert a.isoweekday() == 1 and b.isoweekday() == 7
        assert days_in((a, b)) == 7 * weeks


def test_custom_interval_needs_both_ends():
    assert period_bounds("eget", D(2026, 3, 5), start=D(2026, 1, 1), end=D(2026, 1, 1)) == (
        D(2026, 1, 1),
        D(2026, 1, 1),
    )
    with pytest.raises(ValueError):
        period_bounds("eget", D(2026, 3, 5))


@pytest.mark.parametrize(
    ("preset", "comparison", "bounds", "expected"),
    [
        ("vecka", "foregaende", (D(2026, 2, 23), D(2026, 3, 1)), (D(2026, 2, 16), D(2026, 2, 22))),
        ("4v", "foregaende", (D(2026, 2, 2), D(2026, 3, 1)), (D(2026, 1, 5), D(2026, 2, 1))),
        # Previous calendar quarter, even when its length differs (Q4 92 days, Q1 2024 91).
        (
            "kvartal",
            "foregaende",
            (D(2024, 1, 1), D(2024, 3, 31)),
            (D(2023, 10, 1), D(2023, 12, 31)),
        ),
        ("kvartal", "foregaende", (D(2025, 4, 1), D(2025, 6, 30)), (D(2025, 1, 1), D(2025, 3, 31))),
        # Same quarter last year by calendar: 2024 Q1 (leap, 91 days) → 2023 Q1 (90 days).
        ("kvartal", "forra_aret", (D(2024, 1, 1), D(2024, 3, 31)), (D(2023, 1, 1), D(2023, 3, 31))),
        # Same ISO weeks last year: week 1 of 2026 → week 1 of 2025.
        ("vecka", "forra_aret", (D(2025, 12, 29), D(2026, 1, 4)), (D(2024, 12, 30), D(2025, 1, 5))),
        # 2026 has an ISO week 53, 2025 has not: it maps to week 52.
        (
            "vecka",
            "forra_aret",
            (D(2026, 12, 28), D(2027, 1, 3)),
            (D(2025, 12, 22), D(2025, 12, 28)),
        ),
        ("4v", "forra_aret", (D(2026, 2, 2), D(2026, 3, 1)), (D(2025, 2, 3), D(2025, 3, 2))),
        # A custom interval starting on 29 February moves to 28 February.
        ("eget", "forra_aret", (D(2024, 2, 29), D(2024, 3, 10)), (D(2023, 2, 28), D(2023, 3, 10))),
        ("eget", "foregaende", (D(2024, 2, 29), D(2024, 3, 10)), (D(2024, 2, 18), D(2024, 2, 28))),
    ],
)
def test_comparison_bounds(preset, comparison, bounds, expected):
    assert comparison_bounds(preset, comparison, bounds) == expected


def test_week_comparisons_keep_the_weekdays_aligned():
    for today in (D(2026, 1, 7), D(2027, 1, 6), D(2028, 6, 1)):
        for preset in ("vecka", "4v", "ar"):
            f = Filters(preset=preset, comparison="forra_aret")
            a, b = f.comparison_bounds(today)
            assert a.isoweekday() == 1 and days_in((a, b)) == days_in(f.bounds(today))


# apply ----------------------------------------------------------------------------------------
def _t(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture(params=["as read", "by time"])
def frame(request) -> pl.DataFrame:
    """The rows as read, and in time order marked so (``hot.by_time``: periods are then cut
    out by binary search): every test of ``apply`` runs on both."""
    df = _rows()
    return by_time(df) if request.param == "by time" else df


def _rows() -> pl.DataFrame:
    rows = [
        # id, source, category, subtype, local start, area, org
        (1, "est", "skadegorelse", "klotter", _t(2026, 2, 23, 0, 0), 1, 10),  # Monday 00:00
        (2, "est", "skadegorelse", "brand", _t(2026, 3, 1, 23, 30), 2, 11),  # Sunday 23:30
        (3, "est", "otrygg_plats", "klotter", _t(2026, 2, 27, 22, 15), 1, 10),  # Friday 22
        (4, "polis", "skadegorelse", "Skadegörelse", _t(2026, 2, 28, 3, 0), 1, None),
        (5, "polis", "vald", "Misshandel", _t(2026, 2, 28, 14, 0), 2, None),
        (6, "est", "skadegorelse", "klotter", _t(2026, 3, 2, 0, 0), 1, 10),  # next week
        (7, "est", "skadegorelse", "klotter", _t(2026, 2, 22, 23, 59), 1, 10),  # week before
        # 29 March 2026 is the spring DST change; 02:30 does not exist, 03:30 does.
        (8, "est", "annat_otryggt", "brak", _t(2026, 3, 29, 3, 30), 2, 11),
    ]
    cols = ["id", "source", "category", "subtype", "occurred_from", "area_id", "organisation_id"]
    df = pl.DataFrame(rows, schema=cols, orient="row")
    return df.with_columns(
        occurred_from=pl.col("occurred_from").dt.convert_time_zone("Europe/Stockholm"),
        source=pl.col("source").cast(pl.Categorical),
        category=pl.col("category").cast(pl.Categorical),
    )


TODAY = D(2026, 3, 5)  # last complete week: 23 February – 1 March 2026
AREAS = {"C01": 1, "F01": 2}


def ids(df: pl.DataFrame) -> list[int]:
    return sorted(df["id"].to_list())


def test_period_includes_both_ends_in_local_time(frame):
    assert ids(apply(frame, Filters(preset="vecka"), today=TODAY)) == [1, 2, 3, 4, 5]
    assert ids(apply(frame, Filters(preset="vecka"), today=TODAY, period="comparison")) == [7]
    assert ids(apply(frame, Filters(), period="none")) == list(range(1, 9))


def test_period_over_the_spring_dst_change(frame):
    f = Filters(preset="eget", start=D(2026, 3, 29), end=D(2026, 3, 29))
    assert ids(apply(frame, f, today=TODAY)) == [8]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(preset="vecka", source="est"), [1, 2, 3]),
        (Filters(preset="vecka", source="polis"), [4, 5]),
        # The EST category and the police group share the key "skadegorelse".
        (Filters(preset="vecka", categories=("est:skadegorelse",)), [1, 2]),
        (Filters(preset="vecka", categories=("polis:skadegorelse",)), [4]),
        # A subtype narrows its own category only.
        (
            Filters(
                preset="vecka",
                categories=("est:skadegorelse", "polis:vald"),
                subtypes=("est:skadegorelse:klotter",),
            ),
            [1, 5],
        ),
        (Filters(preset="vecka", subtypes=("polis:vald:Misshandel",)), [5]),
        # A category the frame's categorical column has never seen selects nothing.
        (Filters(preset="vecka", categories=("est:finns_inte",)), []),
        (Filters(preset="vecka", areas=("F01",)), [2, 5]),
        (Filters(preset="vecka", areas=("X99",)), []),
        # An organisation filter leaves out police crimes (they have none).
        (Filters(preset="vecka", organisations=(10,)), [1, 3]),
        (Filters(preset="vecka", weekdays=(6, 7)), [2, 4, 5]),
        (Filters(preset="vecka", hours=(22, 4)), [1, 2, 3, 4]),  # over midnight
        (Filters(preset="vecka", hours=(14, 14)), [5]),
    ],
    ids=[
        "est",
        "polis",
        "est-category",
        "police-group-same-key",
        "subtype-narrows",
        "police-subtype",
        "unseen-category",
        "area",
        "unknown-area",
        "organisation",
        "weekend",
        "night-wraps",
        "one-hour",
    ],
)
def test_each_filter_selects_what_it_says(frame, filters, expected):
    assert ids(apply(frame, filters, today=TODAY, area_ids=AREAS)) == expected


def test_the_binary_search_finds_the_rows_a_scan_finds():
    """Random periods over a frame in time order, across both DST changes of 2026: the rows
    ``apply`` cuts out by binary search are the rows a scan of the unmarked frame selects."""
    import numpy as np

    rng = np.random.default_rng(11)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    minutes = np.sort(rng.integers(0, 365 * 24 * 60, 5_000))
    frame = pl.DataFrame(
        {
            "id": range(len(minutes)),
            "source": pl.Series(["est"] * len(minutes), dtype=pl.Categorical),
            "occurred_from": [
                start + dt.timedelta(minutes=int(m)) for m in rng.permutation(minutes)
            ],
        }
    ).with_columns(pl.col("occurred_from").dt.convert_time_zone("Europe/Stockholm"))
    ordered = by_time(frame)
    assert ordered["occurred_from"].flags["SORTED_ASC"]
    assert by_time(ordered)["id"].to_list() == ordered["id"].to_list()  # checked, not re-sorted
    for _ in range(40):
        a = D(2026, 1, 1) + dt.timedelta(days=int(rng.integers(0, 360)))
        f = Filters(preset="eget", start=a, end=a + dt.timedelta(days=int(rng.integers(0, 40))))
        assert ids(apply(ordered, f, today=TODAY)) == ids(apply(frame, f, today=TODAY))
    assert ids(apply(ordered, Filters(), period="none")) == ids(frame)


def test_category_options_list_the_police_groups_of_each_frame(frame):
    from ostan_dash.filters import category_options

    opts = category_options(frame)
    assert [k for k in opts if k.startswith("polis:")] == ["polis:skadegorelse", "polis:vald"]
    assert opts["polis:vald"].endswith("(polis)")
    assert all(k.startswith("est:") for k in category_options(frame, "est"))
    # Another frame (fewer rows) is asked again, not answered from the first one's groups.
    fewer = frame.filter(frame["category"].cast(str) != "vald")
    assert [k for k in category_options(fewer) if k.startswith("polis:")] == ["polis:skadegorelse"]
    assert "polis:vald" in category_options(frame)


def test_subtype_options_list_the_chosen_police_groups_types_of_each_frame(frame):
    from ostan_dash.filters import subtype_options

    opts = subtype_options(frame, ["polis:vald", "est:skadegorelse"])
    assert opts["polis:vald:Misshandel"] == "Misshandel"
    assert "polis:skadegorelse:Skadegörelse" not in opts  # a group not chosen
    assert any(k.startswith("est:skadegorelse:") for k in opts)
    fewer = frame.filter(frame["category"].cast(str) != "vald")
    assert not [k for k in subtype_options(fewer, ["polis:vald"]) if k.startswith("polis:")]
    assert "polis:vald:Misshandel" in subtype_options(frame, ["polis:vald"])
