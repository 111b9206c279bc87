"""The Thursday meeting's walk through the veckolägesbild (issue 11): slides from the document's
own content, in the meeting's order, none empty."""

from __future__ import annotations

from ostan_dash.reports import sentences, slides
from tests.unit.test_reports_weekly import DOC


def test_slides_follow_the_meeting_and_carry_the_documents_own_words():
    got = slides.week_slides(DOC)
    assert [s.title for s in got] == [
        "Veckan i siffror",
        "Det viktigaste",
        "Heta rutor under veckan",
        "Heta tider",
        "Per område",
        "Pågående insatser",
        "Bedömning och rekommenderade insatser",
    ]
    numbers, changes, hot, *_ = got
    assert numbers.sentences == [sentences.headline_sentence("EST-rapporter", 3, 2.5)]
    assert numbers.figure == "trend" and numbers.note == "Metod."
    assert changes.sentences == DOC["changes"]
    assert (hot.figure, hot.note) == ("map", "Rutor.")
    assert got[5].sentences == ["Inga insatser pågick under veckan."]
    assert got[-1].sentences == [DOC["assessment"], DOC["recommendations"]]


def test_the_week_ahead_and_focus_areas_join_when_the_document_has_them():
    doc = {
        **DOC,
        "assessment": "",
        "recommendations": "",
        "week_ahead": ["Julmarknad vid Stora torget: lördag 5 december 2026 kl. 10.00–16.00."],
        "focus_areas": [{"rank": 1, "area": "Norrbacka", "rationale": "Flest kriterier."}],
        "focus_quarter": "kvartal 4 2026",
    }
    titles = [s.title for s in slides.week_slides(doc)]
    assert titles[-2:] == ["Evenemang veckan som kommer", "Fokusområden kvartal 4 2026"]
    assert slides.week_slides(doc)[-1].sentences == ["1. Norrbacka – Flest kriterier."]


def test_the_area_slide_keeps_flagged_areas_and_the_busiest():
    areas = [{"name": f"O{i}", "count": i, "unusual": i == 1} for i in range(12)]
    kept = slides.area_rows({"areas": areas})
    assert len(kept) == slides.MAX_AREAS
    assert [r["name"] for r in kept] == ["O1", "O5", "O6", "O7", "O8", "O9", "O10", "O11"]
