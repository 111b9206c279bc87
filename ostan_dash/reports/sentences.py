"""Swedish sentences of the lägesbilder, built from numbers only (tested over exact strings).

"Skadegörelse i Norrbacka: 14 mot normalt 6, främst fredag och lördag kväll."
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ostan_dash.text import WEEKDAYS, number, percent

PARTS = (("natt", 0, 6), ("förmiddag", 6, 12), ("eftermiddag", 12, 18), ("kväll", 18, 24))
"""Parts of the day used in words: night 00–06, morning, afternoon, evening 18–24."""


def join(items: Sequence[str]) -> str:
    """``a``, ``a och b``, ``a, b och c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def expected_text(expected: float) -> str:
    """The expected count as a reader says it: whole numbers from 2 up, one decimal below."""
    return number(expected, 0 if expected >= 2 else 1)


def times_phrase(cells: Sequence[tuple[int, int]]) -> str:
    """Weekday × part-of-day cells in words, in the order of the week.

    ``cells`` are (weekday 1–7, part index into :data:`PARTS`). Days sharing a part are joined
    ("fredag och lördag kväll"); a night (00–06) is named by the day it ends
    ("natten till lördag").
    """
    by_part: dict[int, list[int]] = {}
    for wd, part in sorted(cells, key=lambda c: (c[1] == 0, c[0], c[1])):
        by_part.setdefault(part, []).append(wd)
    groups = []
    for part, days in sorted(by_part.items(), key=lambda kv: min(kv[1])):
        names = [WEEKDAYS[d - 1] for d in sorted(days)]
        if PARTS[part][0] == "natt":
            groups.append(f"natten till {join(names)}")
        else:
            groups.append(f"{join(names)} {PARTS[part][0]}")
    return join(groups)


def peak_cells(
    weights: np.ndarray, *, share: float = 0.5, max_cells: int = 3
) -> list[tuple[int, int]]:
    """The fewest weekday × part cells (at most ``max_cells``) holding ``share`` of the weight.

    ``weights`` is the aoristic weekday × hour matrix (7 × 24, Monday first; Ratcliffe 2002),
    summed here into parts of the day. Empty when the weight is spread out more than that: a
    sentence then names no times rather than an arbitrary peak.
    """
    w = np.asarray(weights, dtype=float).reshape(7, 24)
    total = w.sum()
    if total <= 0:
        return []
    parts = np.stack([w[:, a:b].sum(1) for _, a, b in PARTS], axis=1)  # 7 × 4
    order = np.argsort(-parts.ravel(), kind="stable")
    cum = np.cumsum(parts.ravel()[order]) / total
    k = int(np.searchsorted(cum, share - 1e-12)) + 1
    if k > max_cells:
        return []
    return [(int(i // len(PARTS)) + 1, int(i % len(PARTS))) for i in order[:k]]


def change_sentence(
    what: str, where: str | None, count: int, expected: float, times: str = ""
) -> str:
    """``Skadegörelse i Norrbacka: 14 mot normalt 6, främst fredag och lördag kväll.``"""
    place = f" i {where}" if where else ""
    tail = f", främst {times}" if times else ""
    return f"{what}{place}: {number(count)} mot normalt {expected_text(expected)}{tail}."


def headline_sentence(label: str, count: int, expected: float) -> str:
    """``EST-rapporter: 152 (förväntat 140, +9 %).``"""
    pct = (count / expected - 1) * 100 if expected > 0 else float("nan")
    change = percent(pct, signed=True)
    return f"{label}: {number(count)} (förväntat {expected_text(expected)}, {change})."


def no_change_sentence(n_tests: int) -> str:
    """What the document says when no test is flagged after the correction."""
    return (
        "Ingen kategori, inget område och ingen kombination av dem hade ovanligt många "
        f"händelser den här veckan (Benjamini–Hochberg över {number(n_tests)} test)."
    )


def intervention_sentence(title: str, where: str | None, status: str, reason: str) -> str:
    """``Trygghetsvandringar (Norrbacka): på väg – Minskningen i nuvarande takt når målet.``"""
    place = f" ({where})" if where else ""
    return f"{title}{place}: {status} – {reason}"


def versus_year_sentence(label: str, count: int, before: int, when: str) -> str:
    """``EST-rapporter: 1 520 (samma kvartal i fjol 1 402, +8 %).``"""
    change = percent((count / before - 1) * 100, signed=True) if before > 0 else "–"
    return f"{label}: {number(count)} ({when} {number(before)}, {change})."


def year_change_sentence(
    what: str, where: str | None, count: int, before: int, when: str, times: str = ""
) -> str:
    """``Skadegörelse i Norrbacka: 140 mot 96 samma kvartal i fjol, främst lördag kväll.``"""
    place = f" i {where}" if where else ""
    tail = f", främst {times}" if times else ""
    return f"{what}{place}: {number(count)} mot {number(before)} {when}{tail}."


def no_year_change_sentence(n_tests: int, when: str) -> str:
    """What a kvartalsanalys or årsanalys says when no test is flagged after the correction."""
    return (
        "Ingen kategori, inget område och ingen kombination av dem hade ovanligt många "
        f"händelser mot {when} (Benjamini–Hochberg över {number(n_tests)} test)."
    )


def area_sentence(
    name: str, *, met: int, met_labels: Sequence[str], worsened: Sequence[str], year: int | None
) -> str:
    """``Norrbacka: 3 av 6 kriterier uppfyllda 2025 (Otrygga, Ej i arbete och Röstar inte);
    försämrat: Otrygga.``"""
    if year is None:
        return f"{name}: ingen officiell statistik för året."
    which = f" ({join(met_labels)})" if met_labels else ""
    worse = f"; försämrat sedan året före: {join(worsened)}" if worsened else ""
    return f"{name}: {number(met)} av 6 kriterier uppfyllda {year}{which}{worse}."


def focus_rationale(
    criteria_met: int, n_worsened: int, trend_pct: float | None, score: float
) -> str:
    """The proposal's reason in words: ``Förslag (poäng 6,5): 3 kriterier uppfyllda, 1
    försämrat, händelser +18 % mot samma dagar i fjol.``"""
    trend = (
        f", händelser {percent(trend_pct, signed=True)} mot samma dagar i fjol"
        if trend_pct is not None
        else ""
    )
    return (
        f"Förslag (poäng {number(score, 1)}): {number(criteria_met)} kriterier uppfyllda, "
        f"{number(n_worsened)} försämrade{trend}."
    )
