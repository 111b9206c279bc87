"""The public page's frozen figures: no number below 5 anywhere, plain Swedish results."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from ostan_dash.analysis import public_figures as pf


def numbers_in(value) -> list[float]:
    """Every number in a JSON-like structure (bools are not numbers)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers_in(v)]
    return [n for v in value for n in numbers_in(v)]


@pytest.mark.parametrize(
    ("n", "text"),
    [(None, "färre än 5"), (0, "färre än 5"), (4, "färre än 5"), (5, "5"), (1234, "1\u00a0234")],
    ids=["suppressed", "zero", "four", "five", "thousands"],
)
def test_a_count_is_shown_only_from_five(n, text):
    assert pf.shown_count(n) == text


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("3 bränder vid skolan", ["3"]),
        ("Under vecka 4 lugnt", ["4"]),
        ("0 anmälningar", ["0"]),
        ("Sedan 2026-01-03 har 12 fall och kl. 22 varit vanligast; 1,5 km", []),
        ("Färre än 5 händelser, 17 rapporter", []),
    ],
    ids=["count", "week", "zero", "dates-years-times", "spelled"],
)
def test_hand_written_counts_below_five_are_found(body, found):
    assert pf.small_numbers(body) == found


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (dt.date(2026, 12, 5), dt.date(2025, 12, 1), dt.date(2026, 11, 1)),
        (dt.date(2026, 1, 31), dt.date(2025, 1, 1), dt.date(2025, 12, 1)),
    ],
    ids=["december", "january"],
)
def test_the_last_twelve_whole_months(today, first, last):
    assert pf.last_full_months(today) == (first, last)


def _counts(est: list[int], polis: list[int]) -> pl.DataFrame:
    months = [dt.date(2026, m, 1) for m in range(1, len(est) + 1)]
    return pl.DataFrame(
        {
            "source": ["est"] * len(est) + ["polis"] * len(polis),
            "month": months + months,
            "n": est + polis,
        }
    )


def test_a_small_areas_trend_holds_no_number_below_five():
    fig = pf.area_trend(_counts([3, 0, 12, 5], [5, 7, 4, 1]), area="Lilla byn")
    est, polis = fig["serier"]
    assert est["visas"] == ["färre än 5", "färre än 5", "12", "5"]
    assert est["antal"] == [None, None, 12, 5]
    assert polis["visas"] == ["5", "7", "färre än 5", "färre än 5"]
    assert fig["perioder"] == ["januari 2026", "februari 2026", "mars 2026", "april 2026"]
    assert (fig["fran"], fig["till"]) == ("2026-01", "2026-04")
    assert all(n >= 5 for n in numbers_in(json.loads(json.dumps(fig))))


PERIODS = (
    (dt.date(2026, 8, 1), dt.date(2026, 8, 31)),
    (dt.date(2026, 9, 1), dt.date(2026, 10, 1)),
)


def _result(n_before, n_after, status="pagaende", periods=PERIODS):
    return pf.intervention_result(
        status=status,
        areas="Norra centrum",
        start=dt.date(2026, 9, 1),
        end=dt.date(2026, 11, 30),
        periods=periods,
        n_before=n_before,
        n_after=n_after,
    )


def test_a_result_in_plain_swedish_with_the_change_in_whole_per_cent():
    out = _result(31, 23)
    assert out["resultat"] == (
        "Från 2026-09-01 till 2026-10-01 kom 23 rapporter om händelser från området, jämfört "
        "med 31 under lika lång tid före insatsen (26 % färre)."
    )
    assert out["status_text"] == "Pågår"
    assert (out["fore"]["visas"], out["under"]["visas"]) == ("31", "23")


def test_a_small_change_reads_as_about_as_many():
    assert "(ungefär lika många)" in _result(30, 29)["resultat"]
    assert "(20 % fler)" in _result(20, 24)["resultat"]


def test_a_count_below_five_is_never_in_the_result():
    out = _result(31, 3)
    assert "kom färre än 5 rapporter" in out["resultat"]
    assert "%" not in out["resultat"]
    assert out["under"] == {
        "fran": "2026-09-01",
        "till": "2026-10-01",
        "antal": None,
        "visas": "färre än 5",
    }
    both = _result(2, 4)
    assert "för få rapporter" in both["resultat"]
    for out in (_result(31, 3), both, _result(0, 0)):
        assert all(n >= 5 for n in numbers_in(out))


def test_an_intervention_not_started_has_no_result():
    out = _result(None, None, status="pagaende", periods=None)
    assert out["resultat"].startswith("Insatsen har inte börjat än")
    assert "fore" not in out


def test_a_focus_area_names_its_quarter_in_months():
    out = pf.focus_area(area="Norra centrum", quarter_start=dt.date(2026, 10, 1))
    assert out["kvartal"] == "oktober–december 2026"
    assert pf.small_numbers(out["kvartal"]) == []
