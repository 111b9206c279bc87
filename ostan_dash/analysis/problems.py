"""Problem pictures: data-based proposals for the six prioritisation criteria, and their ranking.

The steering document (PRIORITERINGSKRITERIER) lists six criteria; the more a problem picture
meets, the higher its priority. Four can be proposed from the data — 1 frequency and trend,
2 concentration in place and time, 4 critical objects or vulnerable groups nearby, 5 cost to
society — and two are judgements (3 visibility and sense of safety, 6 whether the partners can
influence it). The analyst confirms or overrides every proposal with a justification; only the
decision counts in the ranking.

References
----------
Brå (2019). *Orsaksanalys i lokalt brottsförebyggande arbete*. Brottsförebyggande rådet.

Eck, J. E. (2003). Police problems: the complexity of problem theory, research and evaluation.
In J. Knutsson (Ed.), *Problem-oriented policing: from innovation to mainstream* (Crime
Prevention Studies 15, pp. 79–113). Criminal Justice Press. (The problem analysis triangle.)

Ratcliffe, J. H. (2002). Aoristic signatures and the spatio-temporal analysis of high volume
crime patterns. *Journal of Quantitative Criminology*, 18(1), 23–43.

Weisburd, D. (2015). The law of crime concentration and the criminology of place.
*Criminology*, 53(2), 133–157.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from ostan_dash import text as fmt
from ostan_dash import vocab
from ostan_dash.analysis.evaluation import rate_ratio_test
from ostan_dash.analysis.hottimes import WEEKDAYS_SV, hot_time_matrix

CRITERIA: dict[int, str] = {
    1: "Upprepat och vanligt, extremt eller ökande",
    2: "Koncentrerat till platser (hot spots) och tider (hot times)",
    3: "Synligt i lokalsamhället och påverkar tryggheten",
    4: "Drabbar särskilt utsatta grupper eller skyddsvärda/strategiska objekt",
    5: "Kostar samhället mycket nu eller på sikt",
    6: "Kan påverkas av samverkansparternas insatser",
}
"""The six prioritisation criteria, short Swedish names (steering document)."""

JUDGEMENT_CRITERIA = (3, 6)
"""Criteria the data cannot propose: the analyst's judgement only."""

OPEN_STATUSES = ("oppen", "atgardas")
"""Problem pictures still being worked on; these are ranked."""

STATUS_LABELS = {
    "oppen": "Öppen",
    "atgardas": "Åtgärdas",
    "avslutad": "Avslutad",
    "overlamnad": "Överlämnad",
}

# The problem analysis triangle (Eck & Clarke; Brå 2019): the inner triangle, where the problem
# happens, and the outer, who can act on each side. Keys are the columns of cause_analyses (023),
# values the Swedish labels; the order is the order on screen (inner side, then its controller).
TRIANGLE: dict[str, str] = {
    "triangle_place": "Plats",
    "triangle_place_manager": "Platsansvarig",
    "triangle_offender": "Förövare",
    "triangle_handler": "Den som kan påverka förövaren",
    "triangle_target": "Mål eller offer",
    "triangle_guardian": "Väktare eller skyddare",
}

DEFAULT_THRESHOLDS: dict[str, float] = {
    "min_antal": 20,  # 1: at least this many incidents in the last 12 months is "relatively common"
    "okning_pct": 20,  # 1: ... or an increase of at least this much that is not chance (p < 0.05)
    "cell_m": 200,  # 2: side of the grid cells
    "topp_andel_celler": 0.10,  # 2: the top 10 % of the cells with incidents ...
    "koncentration_andel": 0.50,  # 2: ... hold at least half of the incidents
    "hot_time_andel": 0.25,  # 2: the busiest 10 % of the week's hours hold at least 25 %
    "min_for_monster": 10,  # 2: fewer incidents than this cannot show a pattern
    "naerhet_m": 150,  # 4: a place within this distance of an incident is "nearby"
    "naerhet_min": 5,  # 4: ... when at least this many incidents were that close
    "kostnad_sek": 200_000,  # 5: estimated cost per year from which the criterion is proposed met
}
"""Defaults for thresholds not set in ``settings.criteria_thresholds``."""

STRATEGIC_PLACE_KINDS = {
    "skola": "skola",
    "forskola": "förskola",
    "vard": "vård",
    "aldreboende": "äldreboende",
    "polisstation": "polisstation",
    "centrum": "centrum",
    "resecentrum": "resecentrum",
    "kopcentrum": "köpcentrum",
    "fritidsgard": "fritidsgård",
}
"""Place kinds that criterion 4 names: vulnerable groups, protected objects, strategic places."""

VULNERABLE_OBJECT_TYPES = ("skola", "forskola", "park_lekplats")
"""Incident object types that point at children (criterion 4)."""


@dataclass(frozen=True)
class Proposal:
    """What the data proposes for one criterion: ``met`` is None when it cannot say."""

    criterion: int
    met: bool | None
    basis: str


def thresholds(settings: Mapping[str, float] | None = None) -> dict[str, float]:
    """The criteria thresholds: ``settings`` (``criteria_thresholds``) over the defaults."""
    out = dict(DEFAULT_THRESHOLDS)
    out.update({k: float(v) for k, v in (settings or {}).items() if k in DEFAULT_THRESHOLDS})
    return out


def _in_window(df: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    d = pl.col("occurred_from").dt.date()
    return df.filter((d >= first) & (d <= last))


def propose_frequency(
    incidents: pl.DataFrame, *, reference: dt.date, limits: Mapping[str, float]
) -> Proposal:
    """Criterion 1: the last 12 months against the 12 before.

    Proposed met when the selection had at least ``min_antal`` incidents in the last 365 days
    ("repeated and relatively common") or increased by at least ``okning_pct`` percent with an
    exact Poisson rate-ratio test p < 0.05 (Breslow & Day 1987, via
    :func:`~ostan_dash.analysis.evaluation.rate_ratio_test`), so that a rise from 2 to 3 does not
    count as an increase. "Extreme" events are for the analyst to add.

    Parameters
    ----------
    incidents
        The problem picture's incidents with ``occurred_from`` (local datetime).
    reference
        Day of the assessment (exclusive): the last year is the 365 days before it.
    """
    year_first = reference - dt.timedelta(days=365)
    prev_first = year_first - dt.timedelta(days=365)
    n_year = _in_window(incidents, year_first, reference - dt.timedelta(days=1)).height
    n_prev = _in_window(incidents, prev_first, year_first - dt.timedelta(days=1)).height
    common = n_year >= limits["min_antal"]
    test = rate_ratio_test(n_prev, n_year)
    change = (n_year / n_prev - 1) * 100 if n_prev else math.nan
    rising = (n_prev > 0 and change >= limits["okning_pct"] and test.p_value < 0.05) or (
        n_prev == 0 and n_year >= limits["min_antal"]
    )
    trend = (
        f"föregående 12 månader {fmt.number(n_prev)}, förändring "
        f"{fmt.percent(change, 0, signed=True)} ({fmt.p_value(test.p_value)})"
        if n_prev
        else "inga händelser de 12 månaderna före"
    )
    verdict = []
    if common:
        verdict.append(f"minst {fmt.number(limits['min_antal'])} händelser per år")
    if rising:
        verdict.append("en ökning som inte kan förklaras av slumpen")
    basis = f"{fmt.number(n_year)} händelser de senaste 12 månaderna; {trend}. " + (
        "Förslag: uppfyllt (" + " och ".join(verdict) + ")."
        if verdict
        else f"Förslag: ej uppfyllt (under {fmt.number(limits['min_antal'])} händelser "
        f"per år och ingen säkerställd ökning på minst {fmt.percent(limits['okning_pct'])})."
    )
    return Proposal(1, bool(common or rising), basis)


def _top_cells(x: np.ndarray, y: np.ndarray, cell: float, share: float) -> set[tuple[int, int]]:
    """The busiest ``share`` of the cells with at least one incident (at least one cell)."""
    keys = pl.DataFrame(
        {"cx": np.floor(x / cell).astype(np.int64), "cy": np.floor(y / cell).astype(np.int64)}
    )
    counts = (
        keys.group_by("cx", "cy").len().sort(["len", "cx", "cy"], descending=[True, False, False])
    )
    k = max(1, math.ceil(share * counts.height))
    return {(a, b) for a, b in counts.head(k).select("cx", "cy").iter_rows()}


def _share_in(x: np.ndarray, y: np.ndarray, cells: set[tuple[int, int]], cell: float) -> float:
    if x.size == 0:
        return math.nan
    cx = np.floor(x / cell).astype(np.int64)
    cy = np.floor(y / cell).astype(np.int64)
    return float(np.mean([(a, b) in cells for a, b in zip(cx.tolist(), cy.tolist(), strict=True)]))


def propose_concentration(
    incidents: pl.DataFrame, *, reference: dt.date, limits: Mapping[str, float]
) -> Proposal:
    """Criterion 2: concentration in space over the last year, still holding last quarter.

    Following the steering document, the pattern is sought in the last 12 months and then
    checked against the last quarter (91 days). Incidents are counted in square cells of
    ``cell_m`` metres aligned to the SWEREF 99 TM grid; the *top cells* are the busiest
    ``topp_andel_celler`` of the cells with any incident (Weisburd's 2015 "law of crime
    concentration" measure). Proposed met when those cells hold at least
    ``koncentration_andel`` of the year's incidents **and** of the last quarter's. Hot times
    are described from the aoristic weekday × hour profile (Ratcliffe 2002): the share of the
    weight in the busiest 10 % of the week's 168 hours.
    """
    year_first = reference - dt.timedelta(days=365)
    q_first = reference - dt.timedelta(days=91)
    last = reference - dt.timedelta(days=1)
    year = _in_window(incidents, year_first, last)
    pts = year.filter(pl.col("x").is_not_null() & pl.col("y").is_not_null())
    if pts.height < limits["min_for_monster"]:
        return Proposal(
            2,
            None,
            f"{fmt.number(pts.height)} händelser med plats de senaste 12 månaderna – för få för att "
            "visa ett mönster. Bedöm själv utifrån kartan.",
        )
    cell = limits["cell_m"]
    x, y = pts["x"].to_numpy(), pts["y"].to_numpy()
    cells = _top_cells(x, y, cell, limits["topp_andel_celler"])
    year_share = _share_in(x, y, cells, cell)
    quarter = pts.filter(pl.col("occurred_from").dt.date() >= q_first)
    q_share = _share_in(quarter["x"].to_numpy(), quarter["y"].to_numpy(), cells, cell)
    need = limits["koncentration_andel"]
    concentrated = year_share >= need
    holds = not math.isnan(q_share) and q_share >= need

    matrix = hot_time_matrix(year)
    w = np.sort(matrix["weight"].to_numpy())[::-1]
    hot_share = float(w[:17].sum() / w.sum()) if w.sum() > 0 else math.nan
    top = matrix.sort("weight", descending=True).head(3)
    hot_hours = ", ".join(
        f"{WEEKDAYS_SV[int(d) - 1]} {int(h):02d}–{(int(h) + 1) % 24:02d}"
        for d, h in top.select("weekday", "hour").iter_rows()
    )
    quarter_text = (
        f"senaste kvartalet {fmt.percent(100 * q_share)} ({fmt.number(quarter.height)} händelser)"
        if quarter.height
        else "inga händelser senaste kvartalet"
    )
    basis = (
        f"De {len(cells)} mest belastade rutorna ({fmt.number(cell)} m) – "
        f"{fmt.percent(100 * limits['topp_andel_celler'])} av rutorna med händelser – har "
        f"{fmt.percent(100 * year_share)} av årets händelser; {quarter_text}. "
        f"Tider: de 10 % mest belastade timmarna i veckan har {fmt.percent(100 * hot_share)} "
        f"(mest {hot_hours}). "
    )
    if concentrated and holds:
        basis += "Förslag: uppfyllt – en hot spot som håller i sig."
    elif concentrated:
        basis += "Förslag: ej uppfyllt – koncentrationen håller inte i sig senaste kvartalet."
    else:
        basis += (
            f"Förslag: ej uppfyllt – under {fmt.percent(100 * need)} i de mest belastade rutorna."
        )
    return Proposal(2, bool(concentrated and holds), basis)


def propose_vulnerable(
    incidents: pl.DataFrame,
    places_near: pl.DataFrame,
    *,
    reference: dt.date,
    limits: Mapping[str, float],
) -> Proposal:
    """Criterion 4: vulnerable groups or critical/strategic objects affected.

    Proposed met when a place of a kind the steering document names (schools, preschools,
    care, police stations, centre, travel centre, malls …) or a place marked critical had at
    least ``naerhet_min`` of the last year's incidents within ``naerhet_m`` metres, or when at
    least 10 % of the incidents were reported against a school, preschool or playground.

    Parameters
    ----------
    places_near
        One row per place with ``name``, ``kind``, ``critical`` and ``n_near`` (the
        selection's incidents of the last year within ``naerhet_m`` metres, counted in
        PostGIS).
    """
    year = _in_window(
        incidents, reference - dt.timedelta(days=365), reference - dt.timedelta(days=1)
    )
    hits = places_near.filter(
        (pl.col("critical") | pl.col("kind").is_in(list(STRATEGIC_PLACE_KINDS)))
        & (pl.col("n_near") >= limits["naerhet_min"])
    ).sort("n_near", descending=True)
    n_obj = (
        year.filter(pl.col("object_type").is_in(list(VULNERABLE_OBJECT_TYPES))).height
        if "object_type" in year.columns
        else 0
    )
    obj_share = n_obj / year.height if year.height else 0.0
    parts = []
    if hits.height:
        names = ", ".join(
            f"{r['name']} ({STRATEGIC_PLACE_KINDS.get(r['kind'], r['kind'])}, {fmt.number(r['n_near'])} st)"
            for r in hits.head(4).iter_rows(named=True)
        )
        parts.append(
            f"{hits.height} skyddsvärda eller strategiska platser har minst "
            f"{fmt.number(limits['naerhet_min'])} händelser inom {fmt.number(limits['naerhet_m'])} m: {names}"
        )
    else:
        parts.append(
            f"Ingen skyddsvärd eller strategisk plats har {fmt.number(limits['naerhet_min'])} "
            f"händelser eller fler inom {fmt.number(limits['naerhet_m'])} m"
        )
    parts.append(
        f"{fmt.percent(100 * obj_share)} av händelserna gäller skola, förskola eller lekplats"
    )
    met = hits.height > 0 or obj_share >= 0.10
    return Proposal(
        4,
        met,
        "; ".join(parts)
        + ". Förslag: "
        + ("uppfyllt." if met else "ej uppfyllt – bedöm om utsatta grupper drabbas ändå."),
    )


def estimated_cost(counts: Mapping[str, int], unit_costs: Mapping[str, float]) -> float:
    """Σ count × unit cost over the categories; categories without a unit cost count 0."""
    return float(sum(n * float(unit_costs.get(c, 0)) for c, n in counts.items()))


def propose_cost(
    incidents: pl.DataFrame,
    *,
    reference: dt.date,
    unit_costs: Mapping[str, float],
    limits: Mapping[str, float],
) -> Proposal:
    """Criterion 5: estimated cost of the last year's incidents from the unit costs per category.

    The unit costs (kronor per incident, ``settings.unit_costs``) are the municipality's own
    estimates, e.g. from Brå's *Kostnader för brott*; proposed met from ``kostnad_sek`` a year.
    Only direct costs now are estimated; costs later (care of victims) are for the analyst.
    """
    year = _in_window(
        incidents, reference - dt.timedelta(days=365), reference - dt.timedelta(days=1)
    )
    counts = {
        str(c): int(n) for c, n in year.group_by(pl.col("category").cast(pl.Utf8)).len().iter_rows()
    }
    total = estimated_cost(counts, unit_costs)
    detail = ", ".join(
        f"{vocab.category_label(c).lower()} {fmt.number(n)} × {fmt.number(unit_costs.get(c, 0))} kr"
        for c, n in sorted(counts.items(), key=lambda kv: -kv[1])
    )
    met = total >= limits["kostnad_sek"]
    return Proposal(
        5,
        met,
        f"Uppskattad direkt kostnad senaste 12 månaderna: {fmt.number(total)} kr"
        + (f" ({detail})" if detail else "")
        + f". Förslag: {'uppfyllt' if met else 'ej uppfyllt'} (gräns {fmt.number(limits['kostnad_sek'])} kr/år; "
        "kostnader på sikt bedöms av analytikern).",
    )


def propose_criteria(
    incidents: pl.DataFrame,
    places_near: pl.DataFrame,
    *,
    reference: dt.date,
    unit_costs: Mapping[str, float],
    criteria_thresholds: Mapping[str, float] | None = None,
) -> pl.DataFrame:
    """Proposals for all six criteria as a frame (``criterion``, ``name``, ``proposed``, ``basis``).

    Criteria 3 and 6 are judgements: ``proposed`` is null and the basis says what to weigh.

    Parameters
    ----------
    incidents
        The problem picture's incidents: ``occurred_from``, ``occurred_to`` (local datetimes),
        ``x``, ``y`` (SWEREF 99 TM), ``category``, ``object_type``.
    places_near
        See :func:`propose_vulnerable`.
    reference
        The assessment day (exclusive); the last year and quarter end the day before.
    unit_costs
        Kronor per incident and category.
    criteria_thresholds
        Overrides of :data:`DEFAULT_THRESHOLDS`.
    """
    limits = thresholds(criteria_thresholds)
    proposals = [
        propose_frequency(incidents, reference=reference, limits=limits),
        propose_concentration(incidents, reference=reference, limits=limits),
        Proposal(
            3,
            None,
            "Bedömning: är händelserna synliga för invånarna och påverkar de tryggheten "
            "(t.ex. trygghetsundersökningen, medborgarlöften)?",
        ),
        propose_vulnerable(incidents, places_near, reference=reference, limits=limits),
        propose_cost(incidents, reference=reference, unit_costs=unit_costs, limits=limits),
        Proposal(
            6,
            None,
            "Bedömning: kan samverkansparterna påverka problemet? Om inte – lämna det vidare "
            "till den som kan.",
        ),
    ]
    return pl.DataFrame(
        {
            "criterion": [p.criterion for p in proposals],
            "name": [CRITERIA[p.criterion] for p in proposals],
            "proposed": [p.met for p in proposals],
            "basis": [p.basis for p in proposals],
        },
        schema={
            "criterion": pl.Int64,
            "name": pl.Utf8,
            "proposed": pl.Boolean,
            "basis": pl.Utf8,
        },
    )


def rank_problems(problems: pl.DataFrame, criteria: pl.DataFrame) -> pl.DataFrame:
    """Rank the open problem pictures by the number of criteria the analyst judged met.

    The steering document: "ju fler kriterier som uppfylls desto högre prioritering". Only
    decisions count (``met``); criteria not yet decided are counted separately, and among
    problem pictures with equally many met the one with fewer undecided comes first (it is
    better known), then the one with more proposed-met undecided criteria.

    Parameters
    ----------
    problems
        ``problem_id``, ``title``, ``status`` and any other columns to keep.
    criteria
        ``problem_id``, ``criterion``, ``proposed``, ``met`` (one row per decided or proposed
        criterion; missing rows are undecided).

    Returns
    -------
    polars.DataFrame
        The open problem pictures with ``rank``, ``met`` (count), ``undecided``,
        ``proposed_open`` and ``met_criteria`` (e.g. "1, 2, 4"), best first.
    """
    agg = criteria.group_by("problem_id").agg(
        met=(pl.col("met") == True).sum(),  # noqa: E712 (null-safe count of true)
        decided=pl.col("met").is_not_null().sum(),
        proposed_open=((pl.col("met").is_null()) & (pl.col("proposed") == True)).sum(),  # noqa: E712
        met_criteria=pl.col("criterion").filter(pl.col("met") == True).sort(),  # noqa: E712
    )
    out = (
        problems.filter(pl.col("status").is_in(OPEN_STATUSES))
        .join(agg, on="problem_id", how="left")
        .with_columns(
            pl.col("met", "decided", "proposed_open").fill_null(0).cast(pl.Int64),
            pl.col("met_criteria").fill_null([]),
        )
        .with_columns(
            undecided=(6 - pl.col("decided")).cast(pl.Int64),
            met_criteria=pl.col("met_criteria")
            .list.eval(pl.element().cast(pl.Utf8))
            .list.join(", "),
        )
        .sort(
            ["met", "undecided", "proposed_open", "title"],
            descending=[True, False, True, False],
        )
        .drop("decided")
    )
    return out.with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int64))


# The Problembilder page's decisions, as plain functions (issue 16) -----------------------------


def reference_day(period_to: dt.date | None, today: dt.date) -> dt.date:
    """The day the criteria are proposed as at: the day after the problem picture's period, or
    today when the period runs on (or is open).

    >>> reference_day(dt.date(2026, 3, 31), dt.date(2026, 12, 5))
    datetime.date(2026, 4, 1)
    >>> reference_day(None, dt.date(2026, 12, 5))
    datetime.date(2026, 12, 5)
    """
    return min(today, period_to + dt.timedelta(days=1)) if period_to else today


def pick_order(ranked: Sequence[int], every: Iterable[int]) -> list[int]:
    """The problem pictures in the order of the picker: the ranked (open) ones by rank, then the
    rest (closed, handed over) in their own order.

    >>> pick_order([3, 1], [1, 2, 3, 4])
    [3, 1, 2, 4]
    """
    seen = set(ranked)
    return list(ranked) + [p for p in every if p not in seen]


@dataclass(frozen=True)
class CriterionDecision:
    """The analyst's decision on one criterion, beside what the data proposed."""

    criterion: int
    met: bool | None
    justification: str
    proposed: bool | None
    basis: str | None


DECISION_LABELS: dict[bool | None, str] = {
    True: "Uppfyllt",
    False: "Ej uppfyllt",
    None: "Ej bedömt",
}
"""The analyst's three answers for a criterion."""


def _yes_no(col: str, *, missing: str) -> pl.Expr:
    return (
        pl.when(pl.col(col).is_null())
        .then(pl.lit(missing))
        .when(pl.col(col))
        .then(pl.lit(DECISION_LABELS[True]))
        .otherwise(pl.lit(DECISION_LABELS[False]))
    )


def decision_table(proposals: pl.DataFrame, decided: pl.DataFrame) -> pl.DataFrame:
    """The six criteria as the analyst reviews them: the data's proposal and its basis beside
    the decision and its justification.

    Parameters
    ----------
    proposals
        :func:`propose_criteria`'s frame (``criterion``, ``name``, ``proposed``, ``basis``).
    decided
        One problem picture's stored rows (``criterion``, ``met``, ``justification``); a
        criterion without a row is undecided.

    Returns
    -------
    polars.DataFrame
        ``Kriterium``, ``Beskrivning``, ``Förslag`` ("Bedömning" where the data cannot
        propose), ``Underlag``, ``Beslut`` and ``Motivering`` (empty when none), one row per
        proposal in its order.
    """
    return proposals.join(
        decided.select("criterion", "met", "justification"),
        on="criterion",
        how="left",
        maintain_order="left",
    ).select(
        pl.col("criterion").alias("Kriterium"),
        pl.col("name").alias("Beskrivning"),
        _yes_no("proposed", missing="Bedömning").alias("Förslag"),
        pl.col("basis").alias("Underlag"),
        _yes_no("met", missing=DECISION_LABELS[None]).alias("Beslut"),
        pl.col("justification").fill_null("").alias("Motivering"),
    )


def decision_default(decided: bool | None, proposed: bool | None) -> bool | None:
    """What the decision form starts from: the earlier decision, else the data's proposal."""
    return decided if decided is not None else proposed


def unexplained_deviations(decisions: Iterable[CriterionDecision]) -> list[int]:
    """Criteria decided against the data's proposal without a justification.

    The steering document asks the analyst to confirm or change each proposal and to say why
    when changing it; a criterion the data cannot propose (3 and 6) or that is left undecided
    needs no justification.

    >>> unexplained_deviations([
    ...     CriterionDecision(1, False, " ", True, "34 händelser"),
    ...     CriterionDecision(2, False, "Fel plats", True, "-"),
    ...     CriterionDecision(3, True, "", None, None),
    ... ])
    [1]
    """
    return [
        d.criterion
        for d in decisions
        if d.met is not None
        and d.proposed is not None
        and d.met != d.proposed
        and not d.justification.strip()
    ]


@dataclass(frozen=True)
class ProblemSelection:
    """The selection of a new problem picture as the store takes it."""

    categories: list[str]
    subtypes: list[str]
    radius_m: float | None
    hour_from: int | None
    hour_to: int | None


def problem_selection(
    categories: Sequence[str],
    subtypes: Sequence[str],
    *,
    place_id: int | None,
    radius_m: float,
    hour_from: int,
    hour_to: int,
) -> ProblemSelection:
    """The form's choices as a selection.

    ``subtypes`` are ``"category:subtype"`` keys: each adds its category (once, after the
    chosen ones). The radius counts only around a chosen place. Equal hours mean the whole
    day (no window); otherwise the window runs from ``hour_from`` up to, not including,
    ``hour_to`` and may pass midnight.

    >>> problem_selection(["ran"], ["skadegorelse:klotter", "ran:vapen"], place_id=None,
    ...                   radius_m=300, hour_from=22, hour_to=4)
    ProblemSelection(categories=['ran', 'skadegorelse'], subtypes=['klotter', 'vapen'], radius_m=None, hour_from=22, hour_to=4)
    """
    whole_day = hour_from == hour_to
    return ProblemSelection(
        categories=list(dict.fromkeys([*categories, *(s.split(":", 1)[0] for s in subtypes)])),
        subtypes=[s.split(":", 1)[1] for s in subtypes],
        radius_m=radius_m if place_id is not None else None,
        hour_from=None if whole_day else int(hour_from),
        hour_to=None if whole_day else int(hour_to),
    )


def empty_cause_analysis() -> dict[str, object]:
    """A cause analysis not yet written: the shape :func:`store.problems.cause_analysis` reads."""
    return {
        "known_facts": "",
        "hypotheses": [],
        "evidence_ids": [],
        "conclusion": "",
        **dict.fromkeys(TRIANGLE),
        "updated_by": None,
        "updated_at": None,
    }


def hypothesis_slots(hypotheses: Iterable[Mapping[str, str | None]]) -> list[tuple[str, str]]:
    """(hypothesis, support) rows of the form: the stored ones and empty rows to write in, at
    least two and at least three rows in all (a save gives more).

    >>> hypothesis_slots([{"hypotes": "Mörker", "stod": None}])
    [('Mörker', ''), ('', ''), ('', '')]
    """
    slots = [(str(h.get("hypotes", "") or ""), str(h.get("stod", "") or "")) for h in hypotheses]
    return slots + [("", "")] * max(2, 3 - len(slots))


def orphan_support(rows: Sequence[tuple[str, str]]) -> list[int]:
    """Row numbers (from 1) with support written but no hypothesis it supports.

    >>> orphan_support([("Mörker", "Trygghetsvandring"), ("", "Enkät"), ("", " ")])
    [2]
    """
    return [i for i, (h, stod) in enumerate(rows, 1) if stod.strip() and not h.strip()]
