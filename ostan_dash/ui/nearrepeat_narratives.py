"""Sentences of the Närupprepning page (no Streamlit calls; Swedish): the selection, the
permutation warning, the saved pattern and the events calendar's comparison."""

from __future__ import annotations

import datetime as dt

from ostan_dash.text import date, number


def selection_text(label: str, start: dt.date, end: dt.date, n: int, n_pairs: int) -> str:
    """``**Inbrott (polisanmälda brott)**, 2026-01-01–2026-12-31: 120 händelser med plats,
    7 140 par.``"""
    return (
        f"**{label}**, {date(start)}–{date(end)}: {number(n)} händelser "
        f"med plats, {number(n_pairs)} par."
    )


def permutations_warning(permutations: int, smallest_p: float, n_tested: int) -> str:
    """Why a cell cannot pass the correction with this few permutations."""
    return (
        f"Med {number(permutations)} omslumpningar är minsta möjliga p "
        f"{number(smallest_p, 3)}, för stort för att en ensam cell ska "
        f"klara korrektionen över {n_tested} celler. Välj 999 omslumpningar."
    )


def saved_pattern_text(reading: str, period_from: dt.date, period_to: dt.date) -> str:
    """The pattern saved for the risk zones of this kind, with its period."""
    return (
        f"Sparat mönster för riskzoner: {reading} (period {date(period_from)}–{date(period_to)})."
    )


def around_caption(radius: float, before: float, after: float) -> str:
    """What the table of incidents around earlier events compares."""
    return (
        f"Alla händelser (EST-rapporter och de polisanmälda brott du ser med plats) inom "
        f"{number(radius)} m från {number(before)} timmar före till "
        f"{number(after)} timmar efter, mot medelvärdet för samma veckodag och timmar "
        "1–4 veckor tidigare på samma plats."
    )
