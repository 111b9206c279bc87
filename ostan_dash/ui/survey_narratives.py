"""Sentences of the Trygghetsundersökning page (no Streamlit calls; Swedish): suppressed cells,
what "significant" means in the change table and the trend, and the scatter's reading."""

from __future__ import annotations

from ostan_dash.text import count


def suppressed_caption(marker: str, n_suppressed: int) -> str:
    """Why cells with fewer than 30 answers show no share."""
    return (
        f"{marker}: {n_suppressed} celler har färre än 30 svar och visas "
        "inte som andelar; osäkerheten vore för stor och små grupper ska inte gå att känna igen."
    )


def change_caption(family_text: str) -> str:
    """The test behind the change table's "Signifikant"."""
    return (
        "Signifikant: tvåsidigt z-test för två andelar med effektiva urvalsstorlekar, och "
        f"eftersom alla områden prövas samtidigt {family_text} (justerat p ≤ 0,05). Hela "
        "kommunen prövas för sig. En förändring som inte är signifikant kan vara "
        "slumpvariation mellan urvalen."
    )


def trend_caption(family_text: str) -> str:
    """How to read the trend: dashed municipality, intervals, rings, gaps."""
    return (
        "Streckad linje: hela kommunen. Lodräta streck: 95 % konfidensintervall. Ring: "
        "förändringen mot året före är statistiskt signifikant (z-test på effektiva "
        f"urvalsstorlekar, {family_text}; hela kommunen prövas för "
        "sig); utan ring kan skillnaden vara slump. Luckor: färre än 30 svar det året."
    )


def scatter_caption(left_out: int) -> str:
    """How to read unsafety against incidents, and how many areas the chart lacks."""
    text = (
        "Uppe till vänster: man känner sig otrygg fast det rapporteras få händelser; nere till "
        "höger: många händelser men låg otrygghet. Båda är skäl att fråga varför."
    )
    if left_out > 0:
        text += (
            f" {count(left_out, 'område', 'områden')} saknas i diagrammet (för få svar eller "
            "inga invånare)."
        )
    return text
