"""Sentences of the Områden page (no Streamlit calls; Swedish): the worsening warning, the rules
behind the criteria, the focus score and the focus areas already chosen. The sentences about a
single criterion are in :mod:`ostan_dash.analysis.area_texts`."""

from __future__ import annotations

import datetime as dt

from ostan_dash.analysis import area_texts
from ostan_dash.analysis.areas import NUMERIC_INDICATORS, FocusWeights, Thresholds
from ostan_dash.text import date, number, percent


def worsened_warning(year: int, lines: list[str]) -> str:
    """The warning above the views when a criterion worsened since the year before."""
    return (
        f"**Försämrat sedan {year - 1}** – metoden säger: agera nu, vänta inte tills fler "
        "kriterier är uppfyllda.\n\n" + "\n".join(lines)
    )


def threshold_rules(thresholds: Thresholds, labels: dict[str, str]) -> str:
    """The list of when each criterion counts as met, and how the municipal value is weighted."""
    return (
        "\n".join(
            f"- **{labels[k]}**: {area_texts.threshold_text(thresholds.of(k))}"
            for k in NUMERIC_INDICATORS
        )
        + "\n- **Organiserad brottslighet**: uppfyllt när den förekommer"
        + f"\n- **Försämring**: {area_texts.worsening_rule_text(thresholds.worsening_pp)}"
        + "\n\nKommunens värde är befolkningsviktat över alla områden samma år. Kriterium 3 "
        "(utbildning) är uppfyllt när någon av dess två indikatorer är det. Händelser per "
        "1 000 invånare visas som jämförelse men räknas inte som kriterier."
    )


def focus_score_rule(
    w: FocusWeights,
    *,
    window_start: dt.date | None,
    window_end: dt.date | None,
    survey_year: int | None,
) -> str:
    """How the focus proposal's score is made: weights, the trend window and the survey year."""
    window = (
        f"{date(window_start)}–{date(window_end)}"
        if window_start is not None and window_end is not None
        else "de senaste 91 dagarna"
    )
    return (
        f"**Poäng** = {number(w.criteria, 0)} × uppfyllda kriterier "
        f"+ {number(w.worsened, 0)} × försämrade kriterier "
        f"+ trendpoäng + otrygghetspoäng.  \n"
        f"*Trendpoäng*: händelser (EST och polis) {window} mot samma dagar ett år tidigare; "
        f"1 poäng per {percent(w.trend_step * 100)} ökning, högst ±{number(w.cap, 0)}.  \n"
        f"*Otrygghetspoäng*: andel otrygga ute på kvällen i trygghetsundersökningen "
        f"{survey_year or '–'} mot kommunens andel; 1 poäng per {percent(w.unsafety_step * 100)} "
        f"över, högst ±{number(w.cap, 0)}. Förslaget är ett underlag: gruppen väljer."
    )


def already_chosen(quarter_label: str, areas: list[str]) -> str:
    """The focus areas already recorded for the quarter (a new choice replaces them)."""
    return f"Redan valda för {quarter_label}: " + ", ".join(areas) + ". Ett nytt val ersätter det."


def survey_ring_caption(family_text: str, *, suppressed: bool) -> str:
    """What the ring on the survey trend means, and the gaps of suppressed years."""
    return (
        "Ring: förändringen mot året före är signifikant (z-test på effektiva "
        f"urvalsstorlekar, {family_text}, per fråga och årspar)."
        + (
            " Luckor i linjerna: färre än 30 svar det året, andelen visas inte."
            if suppressed
            else ""
        )
    )
