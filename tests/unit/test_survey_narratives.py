"""Trygghetsundersökning's sentences (ui.survey_narratives), compared with the exact strings."""

from __future__ import annotations

from ostan_dash.ui import survey_narratives as say


def test_suppressed_caption():
    assert say.suppressed_caption("–", 4) == (
        "–: 4 celler har färre än 30 svar och visas inte som andelar; osäkerheten vore för stor "
        "och små grupper ska inte gå att känna igen."
    )


def test_change_caption_names_the_correction():
    assert say.change_caption("BH över 12 områden") == (
        "Signifikant: tvåsidigt z-test för två andelar med effektiva urvalsstorlekar, och "
        "eftersom alla områden prövas samtidigt BH över 12 områden (justerat p ≤ 0,05). Hela "
        "kommunen prövas för sig. En förändring som inte är signifikant kan vara "
        "slumpvariation mellan urvalen."
    )


def test_trend_caption_names_the_correction():
    assert say.trend_caption("BH") == (
        "Streckad linje: hela kommunen. Lodräta streck: 95 % konfidensintervall. Ring: "
        "förändringen mot året före är statistiskt signifikant (z-test på effektiva "
        "urvalsstorlekar, BH; hela kommunen prövas för sig); utan ring kan skillnaden vara "
        "slump. Luckor: färre än 30 svar det året."
    )


def test_scatter_caption_counts_areas_left_out_in_swedish():
    base = (
        "Uppe till vänster: man känner sig otrygg fast det rapporteras få händelser; nere till "
        "höger: många händelser men låg otrygghet. Båda är skäl att fråga varför."
    )
    assert say.scatter_caption(0) == base
    assert (
        say.scatter_caption(1)
        == base + " 1 område saknas i diagrammet (för få svar eller inga invånare)."
    )
    assert (
        say.scatter_caption(3)
        == base + " 3 områden saknas i diagrammet (för få svar eller inga invånare)."
    )
