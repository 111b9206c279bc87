"""The Problembilder page's sentences, word for word, and its decisions (issue 16)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from ostan_dash.analysis import problems as ap
from ostan_dash.filters import Filters
from ostan_dash.ui import problem_narratives as say
from ostan_dash.ui import problem_page

D = dt.date
NB = "\u00a0"


def _pb(**over):
    pb = {
        "title": "Klotter vid stationen",
        "description": "Tags på *perrongen*",
        "categories": ["skadegorelse"],
        "subtypes": ["klotter"],
        "areas": "Centrum",
        "has_geom": True,
        "weekdays": [5, 6],
        "hour_from": 22,
        "hour_to": 4,
        "status": "atgardas",
        "owner_org": None,
    }
    return pb | over


def test_summary_names_selection_status_and_owner():
    assert say.summary(_pb()).splitlines() == [
        r"Tags på \*perrongen\*  ",
        "**Urval:** Skadegörelse (klotter) · Centrum · avgränsad plats · fredag, lördag, 22–04  ",
        "**Status:** Åtgärdas · **Ägare:** –",
    ]


def test_summary_of_an_open_selection():
    pb = _pb(
        description=None,
        categories=[],
        subtypes=[],
        areas=None,
        has_geom=False,
        weekdays=[],
        hour_from=None,
        status="okand",
        owner_org="Polisen",
    )
    assert say.summary(pb).splitlines() == [
        "  ",
        "**Urval:** alla kategorier · hela kommunen · alla dagar, alla tider  ",
        "**Status:** okand · **Ägare:** Polisen",
    ]


def test_picker_and_errors():
    assert say.picker_label("Klotter", "oppen") == "Klotter (Öppen)"
    assert say.picker_label("Klotter", "okand") == "Klotter ()"
    assert say.unexplained([1, 4]) == "Motivera avvikelsen från förslaget för kriterium 1, 4."
    assert say.orphans([2]) == "Skriv hypotesen till stödet på rad 2."


def test_proposals_basis_counts_in_swedish():
    assert say.proposals_basis(D(2026, 4, 1), 1234) == (
        f"Förslag beräknade per 2026-04-01 ur 1{NB}234 händelser i urvalet de senaste två åren."
    )
    assert "ur 1 händelse i" in say.proposals_basis(D(2026, 4, 1), 1)


def test_triangle_knowledge_and_last_change():
    ca = ap.empty_cause_analysis() | {"triangle_place": "Tunneln", "triangle_place_manager": None}
    assert say.triangle_side(ca, "triangle_place", "triangle_place_manager") == (
        "**Plats:** Tunneln  \n*Platsansvarig:* –"
    )
    sources = [
        {"title": "Orsaksanalys", "publisher": "Brå"},
        {"title": "SARA", "publisher": "POP Center"},
    ]
    assert say.knowledge_used(sources) == (
        "**Kunskap som använts:** Orsaksanalys (Brå); SARA (POP Center)"
    )
    assert say.knowledge_used([]) == "**Kunskap som använts:** –"
    # The store reads times in Swedish time; 08:05 UTC is 10:05 there in summer.
    at = dt.datetime(2026, 6, 1, 8, 5, tzinfo=dt.UTC).astimezone(ZoneInfo("Europe/Stockholm"))
    assert say.last_changed("anna", at) == "Senast ändrad av anna 2026-06-01 10:05."


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ((22, 4), "22–04"),
        ((7, 9), "07–09"),
        ((None, 4), "alla tider"),
        ((None, None), "alla tider"),
    ],
    ids=["over-midnight", "morning", "half-open", "none"],
)
def test_hours(hours, expected):
    assert say.hours(*hours) == expected


def test_reference_day_is_the_day_after_the_period_at_most_today():
    today = D(2026, 12, 5)
    assert ap.reference_day(D(2026, 3, 31), today) == D(2026, 4, 1)
    assert ap.reference_day(today, today) == today
    assert ap.reference_day(None, today) == today


def test_pick_order_puts_the_ranked_first():
    assert ap.pick_order([5, 2], [1, 2, 3, 5]) == [5, 2, 1, 3]
    assert ap.pick_order([], [3, 1]) == [3, 1]


@pytest.mark.parametrize(
    ("met", "why", "proposed", "flagged"),
    [
        (False, "", True, True),
        (False, "   ", True, True),
        (False, "Annan plats", True, False),
        (True, "", True, False),
        (True, "", None, False),
        (None, "", True, False),
    ],
    ids=["deviates", "blank-why", "explained", "agrees", "judgement", "undecided"],
)
def test_unexplained_deviations(met, why, proposed, flagged):
    d = ap.CriterionDecision(1, met, why, proposed, "underlag")
    assert ap.unexplained_deviations([d]) == ([1] if flagged else [])


def test_decision_default_keeps_an_earlier_decision():
    assert ap.decision_default(False, True) is False
    assert ap.decision_default(None, True) is True
    assert ap.decision_default(None, None) is None


def test_problem_selection():
    sel = ap.problem_selection(
        ["skadegorelse"],
        ["skadegorelse:klotter", "otrygg_plats:belysning"],
        place_id=7,
        radius_m=300,
        hour_from=8,
        hour_to=8,
    )
    assert sel.categories == ["skadegorelse", "otrygg_plats"]
    assert sel.subtypes == ["klotter", "belysning"]
    assert (sel.radius_m, sel.hour_from, sel.hour_to) == (300, None, None)


@pytest.mark.parametrize(
    ("stored", "rows"),
    [(0, 3), (1, 3), (2, 4), (5, 7)],
    ids=["none", "one", "two", "five"],
)
def test_hypothesis_slots_leave_at_least_two_empty_rows(stored, rows):
    slots = ap.hypothesis_slots([{"hypotes": f"H{i}", "stod": None} for i in range(stored)])
    assert len(slots) == rows
    assert slots[:stored] == [(f"H{i}", "") for i in range(stored)]
    assert set(slots[stored:]) == {("", "")}


def test_orphan_support():
    assert ap.orphan_support([("H", "S"), ("", "S"), (" ", "S"), ("", "")]) == [2, 3]


def test_prefill_reads_the_est_part_of_the_address():
    f = Filters(
        categories=("est:skadegorelse", "polis:vald"),
        subtypes=("est:skadegorelse:klotter", "est:skadegorelse:finns_inte"),
        areas=("C01", "X99"),
    )
    areas = pl.DataFrame({"code": ["C01", "C02"], "area_id": [11, 12]})
    opts = problem_page.subtype_options()
    fill = problem_page.prefill(f, areas)
    assert fill.from_map is True
    assert fill.categories == ["skadegorelse"]
    assert fill.subtypes == ["skadegorelse:klotter"]
    assert fill.area_ids == [11]
    assert opts["skadegorelse:klotter"] == "Skadegörelse: Klotter"
    empty = problem_page.prefill(Filters(), areas)
    assert (empty.from_map, empty.categories, empty.area_ids) == (False, [], [])


def test_decision_table_puts_each_decision_beside_its_proposal():
    proposals = pl.DataFrame(
        {
            "criterion": [1, 2, 3],
            "name": [ap.CRITERIA[1], ap.CRITERIA[2], ap.CRITERIA[3]],
            "proposed": [True, False, None],
            "basis": ["34 händelser", "Spritt", "Bedöms av analytikern"],
        },
        schema={"criterion": pl.Int64, "name": pl.Utf8, "proposed": pl.Boolean, "basis": pl.Utf8},
    )
    decided = pl.DataFrame(
        {"criterion": [3, 1], "met": [True, False], "justification": [None, "Engångshändelser"]},
        schema={"criterion": pl.Int64, "met": pl.Boolean, "justification": pl.Utf8},
    )
    table = ap.decision_table(proposals, decided)
    assert table.columns == [
        "Kriterium",
        "Beskrivning",
        "Förslag",
        "Underlag",
        "Beslut",
        "Motivering",
    ]
    assert table.select("Kriterium", "Förslag", "Beslut", "Motivering").rows() == [
        (1, "Uppfyllt", "Ej uppfyllt", "Engångshändelser"),
        (2, "Ej uppfyllt", "Ej bedömt", ""),
        (3, "Bedömning", "Uppfyllt", ""),
    ]
    assert table["Underlag"].to_list() == proposals["basis"].to_list()
