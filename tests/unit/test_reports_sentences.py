"""The lägesbild's sentences and periods, over exact strings."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ostan_dash.reports import periods, sentences
from ostan_dash.reports.sentences import PARTS

NB = "\u00a0"


def matrix(cells: dict[tuple[int, int], float]) -> np.ndarray:
    """A 7 × 24 weight matrix with ``weight`` at (weekday 1–7, hour)."""
    m = np.zeros((7, 24))
    for (wd, hour), w in cells.items():
        m[wd - 1, hour] = w
    return m


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ("Skadegörelse", "Norrbacka", 14, 6.2, "fredag och lördag kväll"),
            "Skadegörelse i Norrbacka: 14 mot normalt 6, främst fredag och lördag kväll.",
            id="issue-example",
        ),
        pytest.param(
            ("Otrygg plats", "hela kommunen", 1234, 987.6, ""),
            f"Otrygg plats i hela kommunen: 1{NB}234 mot normalt 988.",
            id="thousands-no-times",
        ),
        pytest.param(
            ("Alla händelser", "Ekby", 5, 0.84, "natten till söndag"),
            "Alla händelser i Ekby: 5 mot normalt 0,8, främst natten till söndag.",
            id="small-expected-one-decimal",
        ),
        pytest.param(
            ("Skadegörelse", None, 3, 2.0, ""),
            "Skadegörelse: 3 mot normalt 2.",
            id="no-place",
        ),
    ],
)
def test_change_sentence(args, expected):
    assert sentences.change_sentence(*args) == expected


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param([(5, 3), (6, 3)], "fredag och lördag kväll", id="two-evenings"),
        pytest.param([(6, 3), (5, 3)], "fredag och lördag kväll", id="order-of-week"),
        pytest.param([(5, 3), (6, 0)], "fredag kväll och natten till lördag", id="evening-night"),
        pytest.param(
            [(1, 1), (2, 1), (3, 1)], "måndag, tisdag och onsdag förmiddag", id="three-mornings"
        ),
        pytest.param([(7, 2)], "söndag eftermiddag", id="one"),
        pytest.param([], "", id="none"),
    ],
)
def test_times_phrase(cells, expected):
    assert sentences.times_phrase(cells) == expected


def test_peak_cells_name_the_concentration():
    # Friday and Saturday evenings hold 80 % of the weight, the rest spread thin.
    m = matrix({(5, 20): 4.0, (5, 21): 4.0, (6, 22): 8.0}) + 4.0 / 168
    cells = sentences.peak_cells(m)
    assert sorted(cells) == [(5, 3), (6, 3)]
    assert sentences.times_phrase(cells) == "fredag och lördag kväll"


def test_peak_cells_name_nothing_when_spread_out():
    assert sentences.peak_cells(np.ones((7, 24))) == []
    assert sentences.peak_cells(np.zeros((7, 24))) == []


def test_parts_cover_the_day_once():
    hours = [h for _, a, b in PARTS for h in range(a, b)]
    assert hours == list(range(24))


def test_headline_and_no_change_sentences():
    assert sentences.headline_sentence("EST-rapporter", 152, 140.0) == (
        f"EST-rapporter: 152 (förväntat 140, +9{NB}%)."
    )
    assert sentences.headline_sentence("Polisanmälda brott", 183, 216.9) == (
        f"Polisanmälda brott: 183 (förväntat 217, \u221216{NB}%)."
    )
    assert sentences.no_change_sentence(146) == (
        "Ingen kategori, inget område och ingen kombination av dem hade ovanligt många "
        "händelser den här veckan (Benjamini–Hochberg över 146 test)."
    )


def test_intervention_sentence():
    assert (
        sentences.intervention_sentence(
            "Snabb klottersanering",
            "Österängen",
            "på väg",
            "Minskningen i nuvarande takt når målet.",
        )
        == "Snabb klottersanering (Österängen): på väg – Minskningen i nuvarande takt når målet."
    )


@pytest.mark.parametrize(
    ("kind", "text", "start", "end", "key", "label"),
    [
        (
            "vecka",
            "2026-W48",
            "2026-11-23",
            "2026-11-29",
            "2026-W48",
            f"v.{NB}48 2026 (23–29 november)",
        ),
        (
            "vecka",
            "2026w1",
            "2025-12-29",
            "2026-01-04",
            "2026-W01",
            f"v.{NB}1 2026 (29 december–4 januari)",
        ),
        (
            "vecka",
            "2026-W53",
            "2026-12-28",
            "2027-01-03",
            "2026-W53",
            f"v.{NB}53 2026 (28 december–3 januari)",
        ),
        ("kvartal", "2026-Q4", "2026-10-01", "2026-12-31", "2026-Q4", "kvartal 4 2026"),
        ("ar", "2025", "2025-01-01", "2025-12-31", "2025", "2025"),
    ],
)
def test_parse_periods(kind, text, start, end, key, label):
    p = periods.parse(kind, text)
    assert (p.start.isoformat(), p.end.isoformat(), p.key, p.label) == (start, end, key, label)


def test_parse_refuses_in_swedish():
    with pytest.raises(ValueError, match="år 2025 har ingen vecka 53"):
        periods.parse("vecka", "2025-W53")
    with pytest.raises(ValueError, match="skriv perioden som 2026-W48"):
        periods.parse("vecka", "48")


def test_title_and_complete_weeks():
    assert periods.parse("vecka", "2026-W48").title == f"Veckolägesbild v.{NB}48 2026"
    weeks = periods.complete_weeks(dt.date(2026, 12, 5), n=2)
    assert [w.key for w in weeks] == ["2026-W48", "2026-W47"]
    # On a Monday the week just ended is the newest complete one.
    assert periods.complete_weeks(dt.date(2026, 11, 30), n=1)[0].key == "2026-W48"
