"""The Områden page's sentences (ui.area_narratives), compared with the exact strings."""

from __future__ import annotations

import datetime as dt

from ostan_dash.analysis import area_texts
from ostan_dash.analysis.areas import DEFAULT_THRESHOLDS, INDICATORS, FocusWeights
from ostan_dash.ui import area_narratives as say


def test_the_worsening_warning_names_the_year_before_and_lists_the_lines():
    assert say.worsened_warning(2025, ["- A", "- B"]) == (
        "**Försämrat sedan 2024** – metoden säger: agera nu, vänta inte tills fler "
        "kriterier är uppfyllda.\n\n- A\n- B"
    )


def test_the_focus_score_rule_states_weights_window_and_survey_year():
    text = say.focus_score_rule(
        FocusWeights(),
        window_start=dt.date(2026, 9, 5),
        window_end=dt.date(2026, 12, 4),
        survey_year=2025,
    )
    assert text == (
        "**Poäng** = 1 × uppfyllda kriterier + 2 × försämrade kriterier "
        "+ trendpoäng + otrygghetspoäng.  \n"
        "*Trendpoäng*: händelser (EST och polis) 2026-09-05–2026-12-04 mot samma dagar ett år "
        "tidigare; 1 poäng per 25\u00a0% ökning, högst ±2.  \n"
        "*Otrygghetspoäng*: andel otrygga ute på kvällen i trygghetsundersökningen 2025 mot "
        "kommunens andel; 1 poäng per 25\u00a0% över, högst ±2. Förslaget är ett underlag: "
        "gruppen väljer."
    )


def test_without_a_window_or_survey_the_rule_says_so():
    text = say.focus_score_rule(
        FocusWeights(), window_start=None, window_end=None, survey_year=None
    )
    assert "händelser (EST och polis) de senaste 91 dagarna mot" in text
    assert "trygghetsundersökningen – mot kommunens andel" in text


def test_already_chosen_lists_the_areas_in_rank_order():
    assert say.already_chosen("kvartal 1 2027", ["Norr", "Söder"]) == (
        "Redan valda för kvartal 1 2027: Norr, Söder. Ett nytt val ersätter det."
    )


def test_the_ring_caption_mentions_gaps_only_when_years_are_suppressed():
    plain = say.survey_ring_caption("Benjamini–Hochberg över 4 test", suppressed=False)
    assert plain == (
        "Ring: förändringen mot året före är signifikant (z-test på effektiva urvalsstorlekar, "
        "Benjamini–Hochberg över 4 test, per fråga och årspar)."
    )
    gaps = say.survey_ring_caption("x", suppressed=True)
    assert gaps.endswith(" Luckor i linjerna: färre än 30 svar det året, andelen visas inte.")


def test_the_threshold_rules_list_every_numeric_criterion_then_the_fixed_ones():
    text = say.threshold_rules(DEFAULT_THRESHOLDS, INDICATORS)
    lines = text.split("\n")
    first = next(k for k in INDICATORS if k != "organised_crime")
    assert lines[0] == (
        f"- **{INDICATORS[first]}**: {area_texts.threshold_text(DEFAULT_THRESHOLDS.of(first))}"
    )
    assert "- **Organiserad brottslighet**: uppfyllt när den förekommer" in lines
    assert text.endswith("visas som jämförelse men räknas inte som kriterier.")
