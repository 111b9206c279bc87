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
