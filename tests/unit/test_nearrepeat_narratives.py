"""Närupprepning's sentences (ui.nearrepeat_narratives), compared with the exact strings."""

from __future__ import annotations

import datetime as dt

from ostan_dash.ui import nearrepeat_narratives as say

NBSP = "\u00a0"


def test_selection_text_counts_incidents_and_pairs_in_swedish():
    text = say.selection_text(
        "Inbrott (polisanmälda brott)", dt.date(2026, 1, 1), dt.date(2026, 12, 31), 1200, 719400
    )
    assert text == (
        f"**Inbrott (polisanmälda brott)**, 2026-01-01–2026-12-31: 1{NBSP}200 händelser med "
        f"plats, 719{NBSP}400 par."
    )


def test_permutations_warning_gives_the_smallest_p_with_a_decimal_comma():
    assert say.permutations_warning(199, 1 / 200, 12) == (
        "Med 199 omslumpningar är minsta möjliga p 0,005, för stort för att en ensam cell ska "
        "klara korrektionen över 12 celler. Välj 999 omslumpningar."
    )


def test_saved_pattern_text_names_reading_and_period():
    assert (
        say.saved_pattern_text(
            "Inom 100 m och 7 dagar", dt.date(2025, 12, 1), dt.date(2026, 11, 30)
        )
        == "Sparat mönster för riskzoner: Inom 100 m och 7 dagar (period 2025-12-01–2026-11-30)."
    )


def test_around_caption_states_radius_and_hours():
    assert say.around_caption(1500, 2, 4) == (
        f"Alla händelser (EST-rapporter och de polisanmälda brott du ser med plats) inom "
        f"1{NBSP}500 m från 2 timmar före till 4 timmar efter, mot medelvärdet för samma "
        "veckodag och timmar 1–4 veckor tidigare på samma plats."
    )
