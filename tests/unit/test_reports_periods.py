"""The kvartalsanalys and årsanalys: their periods, the comparison with the same period a year
earlier (the weekly's test, not a new one), their sentences and the pure parts of the drafts.

Null test: seasonal negative binomial weekly counts per area × category with no change (the
generator of Översikt's null test); a quarter against the same quarter a year earlier should
name a change in at most ~5 % of draws (Benjamini–Hochberg bounds the false discovery rate,
which under the global null is the chance of naming anything at all)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from ostan_dash.reports import annual, compare, forms, periods, quarterly, render, sentences
from tests.unit.test_overview import seasonal_nb
from tests.unit.test_reports_weekly import incidents

TZ = "Europe/Stockholm"
NB = "\u00a0"
AREAS, CATS = 5, 4
Q3 = periods.parse("kvartal", "2026-Q3")
FIRST_MONDAY = dt.date(2025, 5, 26)
N_WEEKS = 71  # to the end of September 2026


def frame_of(counts: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """Incidents from (areas, categories, weeks) counts at random minutes of each week."""
    return incidents(counts, rng, first_monday=FIRST_MONDAY)


def flagged(frame: pl.DataFrame, period: periods.Period = Q3) -> int:
    _, by_cat, by_area, by_cell = compare.tables(frame, period)
    return int(by_cat["unusual"].sum() + by_area["unusual"].sum() + by_cell["unusual"].sum())


@pytest.fixture(scope="module")
def null_counts() -> np.ndarray:
    rng = np.random.default_rng(11)
    # No trend: a slow rise (the generator's default 3 % a year) is a true rise against the same
    # quarter a year earlier, which the quarterly rightly finds in large cells (measured: 8,7 %
    # of 150 draws named one with the trend, 3,3 % without).
    counts, _ = seasonal_nb(
        rng, (60, AREAS, CATS), weeks=N_WEEKS, mean=2.5, nb_alpha=0.1, trend=0.0
    )
    return counts


def test_null_quarters_rarely_name_a_change(null_counts):
    """Measured: a change named in 1 of 60 null quarters (1,7 %)."""
    rng = np.random.default_rng(1)
    named = [flagged(frame_of(c, rng)) > 0 for c in null_counts]
    assert np.mean(named) <= 0.07, np.mean(named)


def test_a_doubled_cell_is_flagged_and_said_against_last_year(null_counts):
    counts = null_counts[0].copy()
    weeks = [(dt.date(2026, 7, 6) - FIRST_MONDAY).days // 7 + k for k in range(12)]
    counts[2, 0, weeks] = counts[2, 0, weeks] * 2 + 3  # skadegörelse in Område 3
    frame = frame_of(counts, np.random.default_rng(4))
    _, by_cat, by_area, by_cell = compare.tables(frame, Q3)
    cell = by_cell.filter((pl.col("category") == "skadegorelse") & (pl.col("area_id") == 3))
    assert cell["unusual"].item()
    names = {i: f"Område {i}" for i in range(1, AREAS + 1)}
    said = compare.change_sentences(
        by_cat, by_area, by_cell, compare.in_period(frame, Q3), names, when="samma kvartal i fjol"
    )
    assert said[0].startswith("Skadegörelse i Område 3: ")
    n_now, n_before = cell["count"].item(), cell["count_before"].item()
    assert f": {n_now} mot {n_before} samma kvartal i fjol" in said[0]


def test_counts_are_those_of_the_period_and_the_same_dates_a_year_before(null_counts):
    frame = frame_of(null_counts[2], np.random.default_rng(5))
    t = compare.period_test(frame, Q3, by=["area_id"])
    day = pl.col("occurred_from").dt.date()
    now = frame.filter(day.is_between(dt.date(2026, 7, 1), dt.date(2026, 9, 30)))
    then = frame.filter(day.is_between(dt.date(2025, 7, 1), dt.date(2025, 9, 30)))
    assert t["count"].sum() == now.height and t["count_before"].sum() == then.height
    # Equal lengths: the expectation is last year's count (+½, Haldane–Anscombe).
    assert np.allclose(t["expected"].to_numpy(), t["count_before"].to_numpy() + 0.5)


def test_a_leap_year_quarter_is_scaled_to_its_length():
    q1 = periods.parse("kvartal", "2028-Q1")
    assert compare.before(q1) == periods.Period(
        "kvartal", dt.date(2027, 1, 1), dt.date(2027, 3, 31)
    )
    assert compare.year_earlier(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    one = pl.DataFrame(
        {
            "source": ["est"] * 3,
            "category": ["skadegorelse"] * 3,
            "area_id": [1, 1, 1],
            "occurred_from": [
                dt.datetime(2027, 2, 1, 12),
                dt.datetime(2027, 2, 2, 12),
                dt.datetime(2028, 2, 1, 12),
            ],
        }
    ).with_columns(pl.col("occurred_from").dt.replace_time_zone(TZ))
    t = compare.period_test(one, q1, by=["area_id"])
    assert t["expected"].item() == pytest.approx(2.5 * 91 / 90)


def test_complete_quarters_and_years():
    qs = periods.complete_quarters(dt.date(2026, 12, 5), n=3)
    assert [q.key for q in qs] == ["2026-Q3", "2026-Q2", "2026-Q1"]
    assert periods.complete_quarters(dt.date(2026, 1, 1), n=1)[0].key == "2025-Q4"
    assert [y.key for y in periods.complete_years(dt.date(2026, 12, 5), n=2)] == ["2025", "2024"]
    assert quarterly.next_quarter(periods.parse("kvartal", "2026-Q4")).key == "2027-Q1"
    assert Q3.title == "Kvartalsanalys kvartal 3 2026"
    assert periods.parse("ar", "2025").title == "Årsanalys 2025"


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        pytest.param(
            sentences.versus_year_sentence("EST-rapporter", 1520, 1402, "samma kvartal i fjol"),
            f"EST-rapporter: 1{NB}520 (samma kvartal i fjol 1{NB}402, +8{NB}%).",
            id="headline",
        ),
        pytest.param(
            sentences.versus_year_sentence("Särskilt evenemang", 3, 0, "året före"),
            "Särskilt evenemang: 3 (året före 0, –).",
            id="nothing-before",
        ),
        pytest.param(
            sentences.year_change_sentence(
                "Skadegörelse", "Norrbacka", 140, 96, "samma kvartal i fjol", "lördag kväll"
            ),
            "Skadegörelse i Norrbacka: 140 mot 96 samma kvartal i fjol, främst lördag kväll.",
            id="change",
        ),
        pytest.param(
            sentences.area_sentence(
                "Ekby",
                met=2,
                met_labels=["Otrygga", "Röstar inte"],
                worsened=["Otrygga"],
                year=2025,
            ),
            "Ekby: 2 av 6 kriterier uppfyllda 2025 (Otrygga och Röstar inte); "
            "försämrat sedan året före: Otrygga.",
            id="area",
        ),
        pytest.param(
            sentences.area_sentence("Ekby", met=0, met_labels=[], worsened=[], year=None),
            "Ekby: ingen officiell statistik för året.",
            id="area-without-statistics",
        ),
        pytest.param(
            sentences.focus_rationale(3, 1, 18.4, 6.5),
            f"Förslag (poäng 6,5): 3 kriterier uppfyllda, 1 försämrade, händelser +18{NB}% "
            "mot samma dagar i fjol.",
            id="proposal",
        ),
    ],
)
def test_sentences(got, expected):
    assert got == expected


def test_focus_areas_carry_their_open_problems_and_the_interventions_of_the_quarter():
    nxt = quarterly.next_quarter(Q3)
    problems = pl.DataFrame(
        {
            "problem_id": [1, 2, 3],
            "title": ["Klotter", "Bilbränder", "Gammalt"],
            "description": ["", "Bränder", ""],
            "status": ["oppen", "atgardas", "avslutad"],
            "area_ids": [[7], [5, 7], [7]],
            "created_at": [dt.datetime(2026, 1, d) for d in (1, 2, 3)],
            "n_interventions": [0, 1, 0],
        }
    )
    ivs = pl.DataFrame(
        {
            "intervention_id": [1, 2, 3, 4],
            "title": ["Sanering", "Belysning", "Klar", "Nästa år"],
            "status": ["pagaende", "planerad", "avslutad", "planerad"],
            "target_area_ids": [[7], [7], [7], [7]],
            "start_date": [
                dt.date(2026, 9, 1),
                dt.date(2026, 11, 1),
                dt.date(2026, 1, 1),
                dt.date(2027, 2, 1),
            ],
            "end_date": [
                dt.date(2027, 3, 1),
                dt.date(2027, 1, 1),
                dt.date(2026, 6, 1),
                dt.date(2027, 6, 1),
            ],
            "responsible_org": ["Östanhem AB", None, None, None],
            "problem_title": ["Klotter", None, None, None],
            "goal_reduction_pct": [30.0, None, None, None],
        }
    )
    focus = [
        {"rank": 2, "area_id": 5, "area": "Norrbacka", "rationale": "b"},
        {"rank": 1, "area_id": 7, "area": "Österängen", "rationale": "a"},
    ]
    got = quarterly.focus_section(focus, problems, ivs, nxt)
    assert [f["area"] for f in got] == ["Österängen", "Norrbacka"]
    assert [p["title"] for p in got[0]["problems"]] == ["Bilbränder", "Klotter"]
    assert [p["status"] for p in got[0]["problems"]] == ["Åtgärdas", "Öppen"]
    assert [i["title"] for i in got[0]["planned"]] == ["Sanering", "Belysning"]
    assert got[0]["planned"][0]["status"] == "Pågående"
    assert [p["title"] for p in got[1]["problems"]] == ["Bilbränder"] and got[1]["planned"] == []


def test_yearly_counts_fill_zeros_per_area_and_year():
    frame = pl.DataFrame(
        {
            "source": ["est", "polis", "est", "est"],
            "area_id": [1, 1, 2, None],
            "occurred_from": [
                dt.datetime(2024, 12, 31, 23, 30),  # 2024 in Swedish time
                dt.datetime(2025, 1, 1, 0, 30),
                dt.datetime(2025, 6, 1),
                dt.datetime(2025, 6, 1),
            ],
        }
    ).with_columns(pl.col("occurred_from").dt.replace_time_zone(TZ))
    got = annual.yearly_counts(frame, [2024, 2025])
    assert got.select("area_id", "year", "est", "polis", "total").rows() == [
        (1, 2024, 1, 0, 1),
        (1, 2025, 0, 1, 1),
        (2, 2024, 0, 0, 0),
        (2, 2025, 1, 0, 1),
    ]


def test_each_kind_has_its_fields_and_files():
    assert [f.name for f in forms.FIELDS["kvartal"]] == ["assessment", "recommendations"]
    assert [f.label for f in forms.FIELDS["ar"]] == ["Bedömning", "Hur samverkan fungerat"]
    assert forms.key("vecka", "assessment") == "lb_assessment"
    assert forms.key("ar", "cooperation") == "lb_ar_cooperation"
    assert (
        forms.file_name("kvartal", "2026-Q3", "utkast.pdf") == "kvartalsanalys-2026-Q3-utkast.pdf"
    )


QUARTER_DOC = {
    "kind": "kvartal",
    "title": Q3.title,
    "classification": "Får delas inom samverkan",
    "period": {"key": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30", "label": Q3.label},
    "compared_with": {"start": "2025-07-01", "end": "2025-09-30", "label": "kvartal 3 2025"},
    "drafted_at": "2026-12-05T09:00:00+00:00",
    "data": {"incidents_total": 10, "incidents_in_period": 3},
    "headline": [],
    "method": "Metod.",
    "changes": ["Inget."],
    "areas": [],
    "hotspots": {
        "method": "Rutor.",
        "status_counts": {"ny": 0, "växande": 0, "het": 0, "minskande": 0},
    },
    "hottimes": {"total": 3.0},
    "interventions": [],
    "next_quarter": {"key": "2026-Q4", "label": "kvartal 4 2026"},
    "focus": [],
    "focus_proposed": False,
    "assessment": "<b>fet</b> Lugnt kvartal.",
    "recommendations": "",
}


def test_the_quarterly_template_has_its_own_sections_and_escapes_the_text():
    page = render.html(QUARTER_DOC)
    for title in quarterly.SECTIONS:
        assert f"<h2>{title}" in page, title
    assert "&lt;b&gt;fet&lt;/b&gt; Lugnt kvartal." in page
    assert "Utkast – inte publicerat" in page and "Får delas inom samverkan" in page
