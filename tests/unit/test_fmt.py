"""Swedish number, percent, date and ISO-week formats."""

import datetime as dt

import pytest

from ostan_dash.ui import fmt

NB = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234.5, 1, f"1{NB}234,5"),
        (1234567, 0, f"1{NB}234{NB}567"),
        (-3.25, 1, "\u22123,2"),
        (-0.01, 1, "0,0"),
        (None, 0, "–"),
    ],
)
def test_number(value, decimals, text):
    assert fmt.number(value, decimals) == text


def test_percent_signed():
    assert fmt.percent(12.5, 1, signed=True) == f"+12,5{NB}%"
    assert fmt.percent(-40, 0, signed=True) == f"\u221240{NB}%"


def test_iso_week_uses_iso_year():
    assert fmt.iso_week(dt.date(2027, 1, 1)) == f"v.{NB}53 2026"
    assert fmt.week_range(dt.date(2026, 11, 16)) == f"v.{NB}47 2026 (16–22 november)"


def test_kpi_delta_uses_ascii_sign_for_the_arrow():
    from ostan_dash.ui.widgets import kpi_delta

    assert kpi_delta(10, 12.5) == f"-2,5 (-20{NB}%)"
    assert kpi_delta(15, 10.0) == f"+5,0 (+50{NB}%)"
    assert kpi_delta(3, 0.0) == "+3,0"


def test_number_series_writes_what_number_writes():
    """The column form of ``number`` (map tooltips): the same text for every value, ties,
    negatives that round to zero, thousands, missing and infinite values included."""
    import numpy as np
    import polars as pl

    from ostan_dash import text

    rng = np.random.default_rng(7)
    values = [
        0.0,
        0.5,
        1.5,
        2.5,
        -0.4,
        -0.5,
        -1.5,
        999.5,
        1234.5,
        1_234_567.0,
        999_999.0,
        1_000_000.0,
        1_000_999_000.0,
        12_345_678_901.0,
        9_007_199_254_740_993.0,  # past 2^53: whole digits no longer exact in a float
        -1.234_567_890_123_456_7e16,
        123_456_789_012_345.67,  # exact at 0 decimals, past 2^53 once scaled by 100
        9.87e20,
        -9876.25,
        0.125,
        2.675,
        1e-9,
        float("nan"),
        float("inf"),
        float("-inf"),
        None,
    ]
    values += list(rng.normal(0, 3, 300)) + list(rng.exponential(5000, 300))
    values += [round(v, 1) for v in rng.normal(0, 50, 200)]  # many exact decimal inputs
    values += [i / 8 for i in range(-40, 40)]  # true binary ties at 0, 1 and 2 decimals
    values += [i / 1000 + 0.0005 for i in range(-300, 300)]  # ties that are not exact
    frame = pl.DataFrame({"v": pl.Series(values, dtype=pl.Float64)})
    for decimals in (0, 1, 2, 3):
        got = text.number_series(frame["v"], decimals).to_list()
        want = [text.number(v, decimals) for v in values]
        assert got == want, [
            (v, g, w) for v, g, w in zip(values, got, want, strict=True) if g != w
        ][:5]
    got = text.number_series(pl.Series("n", [0, 7, 1000, -12345, None])).to_list()
    assert got == ["0", "7", "1\u00a0000", "\u221212\u00a0345", "–"]
