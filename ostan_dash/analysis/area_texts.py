"""Swedish sentences of the Områden and Trygghetsundersökning pages: each worsening flag with the
figures it rests on, the rule behind it, and the multiple-testing correction of the survey
rings (issue 9, part 4). Pure functions over :func:`ostan_dash.analysis.areas.criteria_long` and
:func:`ostan_dash.analysis.areas.survey_changes` rows; numbers in Swedish via
:mod:`ostan_dash.text` (no Streamlit, no :mod:`ostan_dash.ui`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from ostan_dash.analysis.areas import SAMPLE_BASED, Threshold
from ostan_dash.text import number, p_value, percent


def _limit(pp: float) -> str:
    return number(pp, 0 if float(pp).is_integer() else 1)


def _signed(change: float) -> str:
    text = number(change, 1)
    return f"+{text}" if change > 0 and text != number(0.0, 1) else text


def bh_family_text(n_tests: Iterable[int | None], *, alpha: float = 0.05) -> str:
    """``"Benjamini–Hochberg över de 20 områdena, FDR 5 %"``: how the areas' tests of one
    question (or indicator) and year-pair were corrected; a range when the number of areas
    tested differs between years."""
    ns = sorted({int(n) for n in n_tests if n})
    fdr = f"FDR {percent(alpha * 100)}"
    if not ns:
        return f"Benjamini–Hochberg över områdena, {fdr}"
    if len(ns) == 1:
        many = "området" if ns[0] == 1 else f"de {number(ns[0])} områdena"
        return f"Benjamini–Hochberg över {many}, {fdr}"
    return f"Benjamini–Hochberg över de {number(ns[0])}–{number(ns[-1])} områdena, {fdr}"


def worsening_text(row: Mapping, *, label: str, worsening_pp: float, alpha: float = 0.05) -> str:
    """What one worsening flag says, with the figures it rests on.

    Register figure: ``"ej i arbete: 31,2 % → 33,5 % (+2,3 p.e., gräns +2 p.e.)"``. A sampled
    share also names the test that found the rise larger than its sampling error (effective
    sample sizes, adjusted p-value, the correction); one without a known sample size says that
    the sampling error could not be checked. Organised crime: ``"organiserad brottslighet har
    tillkommit"``.

    ``row``: a :func:`ostan_dash.analysis.areas.criteria_long` row.
    """
    if row["indicator"] == "organised_crime":
        return "organiserad brottslighet har tillkommit"
    head = (
        f"{label.lower()}: {percent(row['previous'], 1)} → {percent(row['value'], 1)} "
        f"({_signed(row['change'])} p.e., gräns +{_limit(worsening_pp)} p.e."
    )
    if row.get("rule") == "test":
        return (
            f"{head}; större än urvalsfelet: effektivt urval {number(row['previous_n_eff'])} "
            f"och {number(row['n_eff'])} svar, justerat {p_value(row['p_adjusted'])}, "
            f"{bh_family_text([row['n_tests']], alpha=alpha)})"
        )
    if row["indicator"] in SAMPLE_BASED:
        return f"{head}; urvalets storlek saknas, så urvalsfelet kunde inte prövas)"
    return f"{head})"


def worsening_lines(
    worse: pl.DataFrame,
    *,
    names: Mapping[int, str],
    labels: Mapping[str, str],
    worsening_pp: float,
    alpha: float = 0.05,
) -> list[str]:
    """One Markdown bullet per flag of :func:`ostan_dash.analysis.areas.worsened_criteria`:
    ``"- **Björkdalen**: ej i arbete: 20,1 % → 26,6 % (+6,5 p.e., gräns +2 p.e.)"``."""
    return [
        f"- **{names.get(r['area_id'], r['area_id'])}**: "
        + worsening_text(r, label=labels[r["indicator"]], worsening_pp=worsening_pp, alpha=alpha)
        for r in worse.iter_rows(named=True)
    ]


def within_sampling_error(
    long: pl.DataFrame,
    *,
    year: int,
    names: Mapping[int, str],
    labels: Mapping[str, str],
    worsening_pp: float,
) -> str | None:
    """The sampled shares that rose by at least the limit in ``year`` but not beyond their
    sampling error (so they are not flagged), as one sentence; ``None`` when there are none."""
    quiet = long.filter(
        (pl.col("year") == year)
        & (pl.col("rule") == "test")
        & (pl.col("change") >= worsening_pp)
        & ~pl.col("worsened")
    ).sort("change", descending=True)
    if quiet.is_empty():
        return None
    parts = [
        f"{names.get(r['area_id'], r['area_id'])} ({labels[r['indicator']].lower()} "
        f"{_signed(r['change'])} p.e., justerat {p_value(r['p_adjusted'])})"
        for r in quiet.iter_rows(named=True)
    ]
    many = quiet.height > 1
    return (
        f"{'Dessa ökningar' if many else 'Denna ökning'} om minst {_limit(worsening_pp)} "
        f"procentenheter ryms inom urvalsfelet och flaggas därför inte: {', '.join(parts)}."
    )


def worsening_rule_text(worsening_pp: float, *, alpha: float = 0.05) -> str:
    """The worsening rule in words, for the thresholds' explanation."""
    return (
        f"ökning med minst {_limit(worsening_pp)} procentenheter sedan året före (organiserad "
        "brottslighet: när den tillkommer). Andelen otrygga kommer från ett urval "
        "(trygghetsundersökningen) och räknas som försämrad först när ökningen också är större "
        "än urvalsfelet: tvåsidigt z-test för två andelar på Kishs effektiva urvalsstorlekar, "
        f"Benjamini–Hochberg över områdena, FDR {percent(alpha * 100)}. Registerstatistiken "
        "(arbete, utbildning, ålder, valdeltagande) har inget urvalsfel; där gäller gränsen ensam."
    )


def threshold_text(t: Threshold) -> str:
    """When a criterion is met: ``"1,25 × kommunens värde"`` or ``"minst 30,0 %"``."""
    if t.mode == "relative":
        return f"{number(t.value, 2)} × kommunens värde"
    return f"minst {percent(t.value, 1)}"
