"""Area prioritisation: the six area criteria, their levels against the municipality, worsening
year on year, the protective comparison and the quarterly focus-area score.

The method (Östan's steering document, "Prioriteringskriterier för val av områden att fokusera";
DOMAIN.md "Prioritising areas") names six indicators, each of which alone can justify work in an
area, and asks that *any* change for the worse is acted on at once. Everything here is pure:
Polars in, Polars out.

Indicators and criteria
-----------------------
========  ===========================  ==============================================
criterion  indicator column(s)          meaning
========  ===========================  ==============================================
1          ``pct_unsafe``               residents feeling unsafe / fearing crime (%)
2          ``pct_not_working``          working-age adults not in work (%)
3          ``pct_low_education``,       adults without upper-secondary education (%),
           ``pct_no_final_grades``      young people without final grades (%)
4          ``pct_under18``              residents under 18 (%)
5          ``pct_non_voters``           adults who do not vote (%)
6          ``organised_crime``          presence of organised crime (boolean)
========  ===========================  ==============================================

For all of them a *higher* value is worse. Criterion 3 is met when either of its two indicators
is. Incidents and police-reported crimes per 1,000 inhabitants are shown next to the criteria
(with level and change) but are not criteria and do not count.

Thresholds
----------
A numeric indicator meets its criterion when its value is at least the threshold. A threshold is
either *relative*, ``factor ×`` the municipality's population-weighted value of the same year
(default 1.25), or *absolute*, a fixed percentage. Levels shown in the matrix:

* ``over``: at or above the threshold, the criterion is met;
* ``hogre``: above the municipality's value but below the threshold;
* ``lagre``: at or below the municipality's value.

Organised crime is ``over`` when present, else ``lagre``.

An indicator has *worsened* when it rose by at least ``worsening_pp`` percentage points (default
2) since the year before, or, for organised crime, when it appeared. A share that comes from a
sample (:data:`SAMPLE_BASED`: the safety survey's share feeling unsafe) must in addition rise by
more than its sampling error: with the effective sample sizes of both years stored beside it
(``n_eff``, else ``n``), its change is tested with the pooled two-proportion z-test on Kish
effective sizes, and the p-values of all areas for that indicator and year-pair are adjusted by
Benjamini & Hochberg (1995); the rise counts when the adjusted p-value is at most ``alpha``
(false discovery rate 5 %). Without the test, 20 areas whose true share did not move, each
surveyed with 100–300 answers, show a "rise" of 2 points or more in about a third of them.
Register statistics (population, employment, education, elections) have no sampling error and
keep the threshold rule; a sampled share without a known sample size falls back to it too
(``rule`` says which applied).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ostan_dash.analysis.survey import share_differences

INDICATORS: dict[str, str] = {
    "pct_unsafe": "Otrygga",
    "pct_not_working": "Ej i arbete",
    "pct_low_education": "Utan gymnasieutbildning",
    "pct_no_final_grades": "Unga utan slutbetyg",
    "pct_under18": "Under 18 år",
    "pct_non_voters": "Röstar inte",
    "organised_crime": "Organiserad brottslighet",
}
NUMERIC_INDICATORS: tuple[str, ...] = tuple(k for k in INDICATORS if k != "organised_crime")
CRITERIA: dict[int, tuple[str, ...]] = {
    1: ("pct_unsafe",),
    2: ("pct_not_working",),
    3: ("pct_low_education", "pct_no_final_grades"),
    4: ("pct_under18",),
    5: ("pct_non_voters",),
    6: ("organised_crime",),
}
CRITERION_OF: dict[str, int] = {k: c for c, keys in CRITERIA.items() for k in keys}
RATES: dict[str, str] = {
    "est_per_1000": "EST-rapporter per 1 000 inv.",
    "police_per_1000": "Polisanmälda brott per 1 000 inv.",
}
LEVELS: dict[str, str] = {
    "over": "Över tröskeln: kriteriet uppfyllt",
    "hogre": "Över kommunens nivå, under tröskeln",
    "lagre": "Som kommunen eller lägre",
}
SETTINGS_KEY = "area_thresholds"
# Indicators estimated from a sample: ``n`` / ``n_eff`` of ``area_indicators`` belong to these.
SAMPLE_BASED: tuple[str, ...] = ("pct_unsafe",)


@dataclass(frozen=True)
class Threshold:
    """When a numeric indicator meets its criterion: ``relative`` (``value`` is a factor on the
    municipality's value) or ``absolute`` (``value`` is a percentage)."""

    mode: str = "relative"
    value: float = 1.25

    def __post_init__(self) -> None:
        if self.mode not in ("relative", "absolute"):
            raise ValueError(f"okänt tröskelsätt: {self.mode!r}")
        if not (isinstance(self.value, int | float) and math.isfinite(self.value)):
            raise ValueError("tröskeln måste vara ett tal")
        if self.mode == "relative" and self.value < 1:
            raise ValueError("en relativ tröskel måste vara minst 1 (kommunens nivå)")
        if self.mode == "absolute" and not 0 <= self.value <= 100:
            raise ValueError("en absolut tröskel är en andel mellan 0 och 100 %")


@dataclass(frozen=True)
class Thresholds:
    """The analyst's settings: one threshold per numeric indicator or rate, and the smallest
    rise (percentage points) that counts as a worsening."""

    per_indicator: Mapping[str, Threshold] = field(default_factory=dict)
    worsening_pp: float = 2.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.worsening_pp) and self.worsening_pp > 0):
            raise ValueError("gränsen för försämring måste vara större än 0")
        unknown = set(self.per_indicator) - set(NUMERIC_INDICATORS) - set(RATES)
        if unknown:
            raise ValueError(f"okända indikatorer: {sorted(unknown)}")

    def of(self, indicator: str) -> Threshold:
        """The threshold of ``indicator`` (the default relative 1.25 when not set)."""
        return self.per_indicator.get(indicator, Threshold())

    def to_json(self) -> dict:
        """A JSON-able dict (stored in ``settings``)."""
        return {
            "worsening_pp": self.worsening_pp,
            "indicators": {
                k: {"mode": t.mode, "value": t.value} for k, t in sorted(self.per_indicator.items())
            },
        }

    @classmethod
    def from_json(cls, raw: Mapping | str | None) -> Thresholds:
        """Parse stored settings; anything missing falls back to the defaults, anything invalid
        raises ``ValueError``."""
        if raw is None:
            return cls()
        if isinstance(raw, str):
            raw = json.loads(raw)
        per = {
            k: Threshold(str(v.get("mode", "relative")), float(v.get("value", 1.25)))
            for k, v in dict(raw.get("indicators", {})).items()
        }
        return cls(per, float(raw.get("worsening_pp", 2.0)))


DEFAULT_THRESHOLDS = Thresholds()


def municipal_values(indicators: pl.DataFrame) -> pl.DataFrame:
    """The municipality's value of every numeric indicator per year, population-weighted.

    .. math:: \\bar v_t = \\frac{\\sum_a P_{a,t} v_{a,t}}{\\sum_a P_{a,t}}

    with :math:`P` the area's population. This is exact for ``pct_under18`` and a close
    approximation for the other shares, whose true denominators (adults, working-age adults,
    voters) the indicator table does not carry. Areas with a missing value are left out of that
    indicator's sum; a year in which no area has a value gets null (unknown), not 0 or NaN
    (e.g. 0–17 years from a table of SCB's 5-year bands). ``organised_crime`` becomes the number
    of areas with it.

    Returns
    -------
    polars.DataFrame
        ``year`` and one column per indicator.
    """
    pop = pl.col("population").cast(pl.Float64)
    return (
        indicators.group_by("year")
        .agg(
            *[
                pl.when(pop.filter(pl.col(k).is_not_null()).sum() > 0)
                .then((pl.col(k) * pop).sum() / pop.filter(pl.col(k).is_not_null()).sum())
                .alias(k)
                for k in NUMERIC_INDICATORS
            ],
            pl.col("organised_crime").cast(pl.Int64).sum().cast(pl.Float64),
        )
        .sort("year")
    )


def incident_rates(counts: pl.DataFrame, populations: pl.DataFrame) -> pl.DataFrame:
    """Incidents per 1,000 inhabitants per area and year, EST reports and police crimes apart.

    Parameters
    ----------
    counts
        ``area_id``, ``year``, ``source`` (``est`` | ``polis``), ``n`` (other columns, e.g. a
        category, are summed over).
    populations
        ``area_id``, ``year``, ``population``.

    Returns
    -------
    polars.DataFrame
        ``area_id``, ``year``, ``est_per_1000``, ``police_per_1000`` for every row of
        ``populations`` (0 when no incidents; null where the population is 0).
    """
    per = (
        counts.group_by("area_id", "year")
        .agg(
            est=pl.col("n").filter(pl.col("source") == "est").sum(),
            polis=pl.col("n").filter(pl.col("source") == "polis").sum(),
        )
        .with_columns(pl.col("area_id").cast(pl.Int64), pl.col("year").cast(pl.Int64))
    )
    pop = pl.col("population").cast(pl.Float64)
    return (
        populations.select(
            pl.col("area_id").cast(pl.Int64), pl.col("year").cast(pl.Int64), "population"
        )
        .join(per, on=["area_id", "year"], how="left")
        .select(
            "area_id",
            "year",
            est_per_1000=pl.when(pop > 0).then(pl.col("est").fill_null(0) / pop * 1000),
            police_per_1000=pl.when(pop > 0).then(pl.col("polis").fill_null(0) / pop * 1000),
        )
    )


def _municipal_rates(counts: pl.DataFrame, populations: pl.DataFrame) -> pl.DataFrame:
    total_pop = populations.group_by("year").agg(pl.col("population").cast(pl.Float64).sum())
    per = counts.group_by("year").agg(
        est=pl.col("n").filter(pl.col("source") == "est").sum(),
        polis=pl.col("n").filter(pl.col("source") == "polis").sum(),
    )
    return (
        total_pop.with_columns(pl.col("year").cast(pl.Int64))
        .join(per.with_columns(pl.col("year").cast(pl.Int64)), on="year", how="left")
        .select(
            "year",
            est_per_1000=pl.col("est").fill_null(0) / pl.col("population") * 1000,
            police_per_1000=pl.col("polis").fill_null(0) / pl.col("population") * 1000,
        )
    )


def criteria_long(
    indicators: pl.DataFrame,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    counts: pl.DataFrame | None = None,
    alpha: float = 0.05,
) -> pl.DataFrame:
    """Every area × year × indicator with its level against the municipality and its change.

    Parameters
    ----------
    indicators
        The ``area_indicators`` table: ``area_id``, ``year``, ``population`` and the columns of
        :data:`INDICATORS`.
        Optional ``n`` and ``n_eff``: the answers and Kish effective sample size behind the
        sampled share(s) of :data:`SAMPLE_BASED`.
    thresholds
        The analyst's thresholds (see the module docstring).
    counts
        Optional incident counts (``area_id``, ``year``, ``source``, ``n``); when given, the
        rates of :data:`RATES` are added as extra rows (``criterion`` null).
    alpha
        False discovery rate of the worsening test of sampled shares.

    Returns
    -------
    polars.DataFrame
        ``area_id``, ``year``, ``indicator``, ``criterion`` (1–6, null for rates), ``value``,
        ``municipal``, ``threshold``, ``ratio`` (value / municipal), ``level``, ``met``,
        ``previous`` (last year's value), ``change`` (value − previous), ``worsened``,
        ``rule`` (``test``: rise ≥ the limit and significant after Benjamini–Hochberg;
        ``threshold``: rise ≥ the limit; ``presence``: organised crime appeared; null for
        rates), ``n_eff`` and ``previous_n_eff`` (sampled shares), ``p_value``, ``p_adjusted``
        and ``n_tests`` (areas in the Benjamini–Hochberg family) of the change's test.
        Boolean indicators carry 0/1 in ``value``. Rates never count as ``met`` or ``worsened``.
    """
    ind = indicators.with_columns(
        pl.col("area_id").cast(pl.Int64),
        pl.col("year").cast(pl.Int64),
        *[pl.col(k).cast(pl.Float64) for k in NUMERIC_INDICATORS],
        pl.col("organised_crime").cast(pl.Float64),
    )
    municipal = municipal_values(ind)
    keys = list(INDICATORS)
    values = ind.select("area_id", "year", *keys)
    if counts is not None and counts.height:
        pops = ind.select("area_id", "year", "population")
        values = values.join(incident_rates(counts, pops), on=["area_id", "year"], how="left")
        municipal = municipal.join(_municipal_rates(counts, pops), on="year", how="left")
        keys += list(RATES)
    long = values.unpivot(
        index=["area_id", "year"], on=keys, variable_name="indicator", value_name="value"
    )
    mun = municipal.unpivot(
        index="year", on=keys, variable_name="indicator", value_name="municipal"
    )
    spec = pl.DataFrame(
        {
            "indicator": keys,
            "criterion": [CRITERION_OF.get(k) for k in keys],
            "relative": [thresholds.of(k).mode == "relative" for k in keys],
            "t_value": [thresholds.of(k).value for k in keys],
        },
        schema={
            "indicator": pl.Utf8,
            "criterion": pl.Int64,
            "relative": pl.Boolean,
            "t_value": pl.Float64,
        },
    )
    is_bool = pl.col("indicator") == "organised_crime"
    threshold = (
        pl.when(is_bool)
        .then(pl.lit(1.0))
        .when(pl.col("relative"))
        .then(pl.col("t_value") * pl.col("municipal"))
        .otherwise(pl.col("t_value"))
    )
    level = (
        pl.when(pl.col("value").is_null())
        .then(None)
        .when(pl.col("value") >= pl.col("threshold"))
        .then(pl.lit("over"))
        .when(~is_bool & (pl.col("value") > pl.col("municipal")))
        .then(pl.lit("hogre"))
        .otherwise(pl.lit("lagre"))
    )
    change = pl.col("value") - pl.col("previous")
    consecutive = pl.col("prev_year") == pl.col("year") - 1
    long = (
        long.join(mun, on=["year", "indicator"], how="left")
        .join(spec, on="indicator", how="left")
        .join(_sample_sizes(ind), on=["area_id", "year"], how="left")
        .with_columns(
            n_eff=pl.when(pl.col("indicator").is_in(list(SAMPLE_BASED))).then(pl.col("eff"))
        )
        .sort("area_id", "indicator", "year")
        .with_columns(
            threshold=threshold,
            previous=pl.col("value").shift(1).over("area_id", "indicator"),
            previous_n_eff=pl.col("n_eff").shift(1).over("area_id", "indicator"),
            prev_year=pl.col("year").shift(1).over("area_id", "indicator"),
        )
        # "Since the previous year" means exactly that year: a gap in the series gives no change.
        .with_columns(
            previous=pl.when(consecutive).then(pl.col("previous")),
            previous_n_eff=pl.when(consecutive).then(pl.col("previous_n_eff")),
        )
        .with_columns(
            ratio=pl.when(pl.col("municipal") > 0).then(pl.col("value") / pl.col("municipal")),
            level=level,
            change=change,
        )
    )
    # A sampled share's change is tested against its sampling error: the two-proportion z-test
    # on Kish effective sizes, Benjamini–Hochberg over the areas (per indicator and year-pair).
    tested = long["n_eff"].is_not_null() & long["previous_n_eff"].is_not_null()
    tested &= long["change"].is_not_null()
    _, p = share_differences(
        (long["previous"] / 100).fill_null(np.nan).to_numpy(),
        long["previous_n_eff"].fill_null(np.nan).to_numpy(),
        (long["value"] / 100).fill_null(np.nan).to_numpy(),
        long["n_eff"].fill_null(np.nan).to_numpy(),
    )
    long = long.with_columns(
        p_value=pl.when(pl.Series(tested.fill_null(False))).then(
            pl.Series(p, dtype=pl.Float64).fill_nan(None)
        )
    )
    long = bh_within(long, p="p_value", family=["indicator", "year"], out="p_adjusted")
    rule = (
        pl.when(pl.col("criterion").is_null())
        .then(None)
        .when(is_bool)
        .then(pl.lit("presence"))
        .when(pl.col("p_value").is_not_null())
        .then(pl.lit("test"))
        .otherwise(pl.lit("threshold"))
    )
    rise = pl.col("change") >= thresholds.worsening_pp
    worsened = (
        pl.when(pl.col("criterion").is_null() | pl.col("change").is_null())
        .then(False)
        .when(is_bool)
        .then(pl.col("change") > 0)
        .when(pl.col("rule") == "test")
        .then(rise & (pl.col("p_adjusted") <= alpha))
        .otherwise(rise)
    )
    return (
        long.with_columns(
            # An unknown value (level null) meets no criterion: False, not null.
            met=((pl.col("level") == "over") & pl.col("criterion").is_not_null()).fill_null(False),
            rule=rule,
            n_tests=pl.when(pl.col("p_value").is_not_null()).then(pl.col("n_tests")),
        )
        .with_columns(worsened=worsened)
        .select(
            "area_id",
            "year",
            "indicator",
            "criterion",
            "value",
            "municipal",
            "threshold",
            "ratio",
            "level",
            "met",
            "previous",
            "change",
            "worsened",
            "rule",
            "n_eff",
            "previous_n_eff",
            "p_value",
            "p_adjusted",
            "n_tests",
        )
        .sort("area_id", "year", "indicator")
    )


def _sample_sizes(ind: pl.DataFrame) -> pl.DataFrame:
    """``area_id``, ``year``, ``eff``: the effective sample size behind the row's sampled share
    (``n_eff``, else ``n`` for an unweighted sample, else null)."""
    cols = [c for c in ("n_eff", "n") if c in ind.columns]
    eff = (
        pl.coalesce(*[pl.col(c).cast(pl.Float64) for c in cols])
        if cols
        else pl.lit(None, dtype=pl.Float64)
    )
    return ind.select("area_id", "year", eff=eff)


def area_summary(long: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """Per area in ``year``: how many of the six criteria are met and which indicators worsened.

    Returns
    -------
    polars.DataFrame
        ``area_id``, ``criteria_met`` (0–6; criterion 3 counts once even when both its
        indicators are over), ``n_worsened``, ``worsened`` (list of indicator keys, in
        :data:`INDICATORS` order), sorted by criteria met and worsenings, most first.
    """
    order = {k: i for i, k in enumerate(INDICATORS)}
    crit = long.filter((pl.col("year") == year) & pl.col("criterion").is_not_null())
    return (
        crit.with_columns(pos=pl.col("indicator").replace_strict(order, return_dtype=pl.Int64))
        .sort("area_id", "pos")
        .group_by("area_id", maintain_order=True)
        .agg(
            criteria_met=pl.col("criterion").filter(pl.col("met")).n_unique().cast(pl.Int64),
            n_worsened=pl.col("worsened").sum().cast(pl.Int64),
            worsened=pl.col("indicator").filter(pl.col("worsened")),
        )
        .sort(["criteria_met", "n_worsened", "area_id"], descending=[True, True, False])
    )


def worsened_criteria(long: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """The rows of ``long`` that worsened in ``year``: the flags to raise at once."""
    return long.filter((pl.col("year") == year) & pl.col("worsened")).sort(
        "change", descending=True
    )


# Quarterly focus areas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FocusWeights:
    """Weights of the focus-area score (see :func:`focus_scores`)."""

    criteria: float = 1.0
    worsened: float = 2.0
    trend: float = 1.0
    unsafety: float = 1.0
    trend_step: float = 0.25
    unsafety_step: float = 0.25
    cap: float = 2.0


FOCUS_WEIGHTS = FocusWeights()


def quarter_start(d: dt.date) -> dt.date:
    """First day of the quarter ``d`` falls in."""
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def next_quarter_start(d: dt.date) -> dt.date:
    """First day of the quarter after the one ``d`` falls in."""
    q = quarter_start(d)
    return dt.date(q.year + 1, 1, 1) if q.month == 10 else dt.date(q.year, q.month + 3, 1)


def quarter_label(d: dt.date) -> str:
    """``kvartal 2 2026`` for any day of that quarter."""
    return f"kvartal {(d.month - 1) // 3 + 1} {d.year}"


def focus_scores(
    summary: pl.DataFrame,
    *,
    trend: pl.DataFrame,
    unsafety: pl.DataFrame,
    weights: FocusWeights = FOCUS_WEIGHTS,
) -> pl.DataFrame:
    """A transparent score proposing the quarter's three geographic focus areas.

    .. math::

        S = w_c C + w_w W
            + w_t \\operatorname{clip}\\!\\left(\\frac{r - e}{\\max(e, 1)\\,s_t}, -k, k\\right)
            + w_u \\operatorname{clip}\\!\\left(\\frac{u - \\bar u}{\\bar u\\,s_u}, -k, k\\right)

    * :math:`C`: criteria met (0–6) in the latest indicator year;
    * :math:`W`: criteria that worsened since the year before (weighted double by default: the
      method says to act on a worsening at once);
    * trend points: incidents (EST reports and police crimes) in the recent window :math:`r`
      against the same window a year earlier :math:`e` (same season), one point per
      :math:`s_t` = 25 % rise;
    * unsafety points: the survey's weighted share feeling unsafe :math:`u` against the
      municipality's :math:`\\bar u`, one point per 25 % above it;
    * both point terms are capped at :math:`\\pm k` = 2 so that neither dominates.

    Parameters
    ----------
    summary
        :func:`area_summary` output.
    trend
        ``area_id``, ``recent``, ``earlier`` incident counts.
    unsafety
        ``area_id``, ``share`` (0–1, null when suppressed) and ``municipal`` (0–1).
    weights
        :class:`FocusWeights`.

    Returns
    -------
    polars.DataFrame
        ``area_id``, ``criteria_met``, ``n_worsened``, ``recent``, ``earlier``, ``trend_pct``,
        ``trend_points``, ``unsafe_share``, ``unsafe_municipal``, ``unsafety_points``, ``score``,
        ``rank`` (1 = highest score; ties broken by criteria met, then area id).
    """
    w = weights
    t = trend.select(
        pl.col("area_id").cast(pl.Int64),
        pl.col("recent").cast(pl.Float64),
        pl.col("earlier").cast(pl.Float64),
    )
    u = unsafety.select(
        pl.col("area_id").cast(pl.Int64),
        pl.col("share").alias("unsafe_share"),
        pl.col("municipal").alias("unsafe_municipal"),
    )
    rel_trend = (
        pl.col("recent").fill_null(0) - pl.col("earlier").fill_null(0)
    ) / pl.max_horizontal(pl.col("earlier").fill_null(0), pl.lit(1.0))
    rel_unsafe = (pl.col("unsafe_share") - pl.col("unsafe_municipal")) / pl.col("unsafe_municipal")
    return (
        summary.select(pl.col("area_id").cast(pl.Int64), "criteria_met", "n_worsened")
        .join(t, on="area_id", how="left")
        .join(u, on="area_id", how="left")
        .with_columns(
            recent=pl.col("recent").fill_null(0),
            earlier=pl.col("earlier").fill_null(0),
            trend_pct=rel_trend * 100,
            trend_points=(rel_trend / w.trend_step).clip(-w.cap, w.cap),
            unsafety_points=(rel_unsafe / w.unsafety_step).clip(-w.cap, w.cap).fill_null(0.0),
        )
        .with_columns(
            score=w.criteria * pl.col("criteria_met")
            + w.worsened * pl.col("n_worsened")
            + w.trend * pl.col("trend_points")
            + w.unsafety * pl.col("unsafety_points")
        )
        .sort(["score", "criteria_met", "area_id"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64))
        .select(
            "area_id",
            "criteria_met",
            "n_worsened",
            "recent",
            "earlier",
            "trend_pct",
            "trend_points",
            "unsafe_share",
            "unsafe_municipal",
            "unsafety_points",
            "score",
            "rank",
        )
    )


# Protective view ---------------------------------------------------------------------------------


def protective_areas(
    long: pl.DataFrame,
    *,
    year: int,
    populations: pl.DataFrame,
    n: int = 3,
    min_population: int = 1000,
) -> pl.DataFrame:
    """The ``n`` areas with the least crime and unsafety in ``year``.

    Each area gets a combined index: its rate of incidents and police crimes per 1,000 relative
    to the municipality's, plus its share feeling unsafe relative to the municipality's
    (:math:`(r_a / \\bar r + u_a / \\bar u) / 2`; 1 = as the municipality). Areas with fewer
    than ``min_population`` inhabitants are left out: a handful of incidents makes their rates
    meaningless.

    Returns
    -------
    polars.DataFrame
        ``area_id``, ``crime_per_1000``, ``pct_unsafe``, ``index``, sorted by index (lowest first).
    """
    cur = long.filter(pl.col("year") == year)
    wide = cur.pivot(on="indicator", index="area_id", values="value")
    mun = cur.group_by("indicator").agg(pl.col("municipal").first())
    mun_of = dict(zip(mun["indicator"].to_list(), mun["municipal"].to_list(), strict=True))
    for k in ("est_per_1000", "police_per_1000"):
        if k not in wide.columns:
            wide = wide.with_columns(pl.lit(0.0).alias(k))
            mun_of[k] = 0.0
    mun_crime = (mun_of.get("est_per_1000") or 0.0) + (mun_of.get("police_per_1000") or 0.0)
    mun_unsafe = mun_of.get("pct_unsafe") or math.nan
    pops = populations.filter(pl.col("year") == year).select(
        pl.col("area_id").cast(pl.Int64), "population"
    )
    crime = pl.col("est_per_1000").fill_null(0) + pl.col("police_per_1000").fill_null(0)
    crime_rel = crime / mun_crime if mun_crime > 0 else pl.lit(1.0)
    return (
        wide.join(pops, on="area_id", how="inner")
        .filter(pl.col("population") >= min_population, pl.col("pct_unsafe").is_not_null())
        .select(
            "area_id",
            crime_per_1000=crime,
            pct_unsafe=pl.col("pct_unsafe"),
            index=(crime_rel + pl.col("pct_unsafe") / mun_unsafe) / 2,
        )
        .sort("index", "area_id")
        .head(n)
    )


def protective_comparison(
    long: pl.DataFrame, *, year: int, protective_ids: Sequence[int], populations: pl.DataFrame
) -> pl.DataFrame:
    """How the protective areas differ from the rest, indicator by indicator (method: study the
    areas with little crime too, and ask what protects them).

    Means are population-weighted within each group.

    Returns
    -------
    polars.DataFrame
        ``indicator``, ``protective`` (mean of the protective areas), ``others`` (mean of all
        other areas), ``municipal``, ``difference`` (protective − others), in
        :data:`INDICATORS` then :data:`RATES` order.
    """
    cur = long.filter(pl.col("year") == year).join(
        populations.filter(pl.col("year") == year).select(
            pl.col("area_id").cast(pl.Int64), pl.col("population").cast(pl.Float64)
        ),
        on="area_id",
        how="left",
    )
    grp = pl.col("area_id").is_in(list(protective_ids))
    pop = pl.col("population")
    ok = pl.col("value").is_not_null()

    def wmean(mask: pl.Expr) -> pl.Expr:
        m = mask & ok
        return (pl.col("value") * pop).filter(m).sum() / pop.filter(m).sum()

    order = {k: i for i, k in enumerate([*INDICATORS, *RATES])}
    return (
        cur.group_by("indicator")
        .agg(
            protective=wmean(grp),
            others=wmean(~grp),
            municipal=pl.col("municipal").first(),
        )
        .with_columns(
            difference=pl.col("protective") - pl.col("others"),
            pos=pl.col("indicator").replace_strict(order, default=99, return_dtype=pl.Int64),
        )
        .sort("pos")
        .drop("pos")
    )


# Survey: year-on-year changes ---------------------------------------------------------------------


def survey_changes(
    shares: pl.DataFrame,
    *,
    by: str | Sequence[str] = "area_id",
    alpha: float = 0.05,
    family_by: Sequence[str] = (),
) -> pl.DataFrame:
    """Year-on-year change of every survey share, and whether it is significant once the areas
    compared at the same time are taken into account.

    Each change is tested with the pooled two-proportion z-test on Kish effective sizes
    (:func:`ostan_dash.analysis.survey.share_differences`) between consecutive survey years. A
    change involving a suppressed cell (too few answers) or a gap year is not tested.

    **One family, one correction.** The changes of one question between the same two years, over
    all the groups of ``by`` (the areas in view), form one family; within it the p-values are
    adjusted by Benjamini & Hochberg (1995) and a change is ``significant`` when its adjusted
    p-value is at most ``alpha`` (false discovery rate ``alpha``). Without the correction, 20
    areas with no change at all give about one false "signifikant" per question and year-pair.

    Parameters
    ----------
    shares
        :func:`ostan_dash.analysis.survey.weighted_shares` output grouped by ``year`` and ``by``
        (and ``family_by``).
    by
        The grouping column(s) besides ``year`` that are compared within a family (none: pass
        ``[]``; then each family holds one test and nothing is adjusted).
    alpha
        False discovery rate.
    family_by
        Columns that separate families besides ``question`` and ``year`` (e.g. a simulation
        draw); also part of the series key.

    Returns
    -------
    polars.DataFrame
        The rows of ``shares`` with ``previous_share``, ``change`` (share − previous share),
        ``p_value`` (unadjusted), ``p_adjusted`` (Benjamini–Hochberg within the family),
        ``n_tests`` (tests in the family) and ``significant`` (False when not testable) added.

    References
    ----------
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. *JRSS B*, 57(1),
    289–300. Kish, L. (1965). *Survey Sampling*, §11.7.
    """
    keys = [by] if isinstance(by, str) else list(by)
    fam = [*family_by, "question", "year"]
    over = [*family_by, *keys, "question"]
    s = shares.sort(*over, "year").with_columns(
        prev_year=pl.col("year").shift(1).over(over),
        prev_share=pl.col("share").shift(1).over(over),
        prev_n_eff=pl.col("n_eff").shift(1).over(over),
    )
    consecutive = pl.col("prev_year") == pl.col("year") - 1
    s = s.with_columns(
        previous_share=pl.when(consecutive).then(pl.col("prev_share")),
        prev_n_eff=pl.when(consecutive).then(pl.col("prev_n_eff")),
    )
    _, p = share_differences(
        s["previous_share"].cast(pl.Float64).fill_null(np.nan).to_numpy(),
        s["prev_n_eff"].cast(pl.Float64).fill_null(np.nan).to_numpy(),
        s["share"].cast(pl.Float64).fill_null(np.nan).to_numpy(),
        s["n_eff"].cast(pl.Float64).fill_null(np.nan).to_numpy(),
    )
    s = s.with_columns(p_value=pl.Series(p, dtype=pl.Float64).fill_nan(None))
    return bh_within(s, p="p_value", family=fam, out="p_adjusted").select(
        *shares.columns,
        "previous_share",
        change=pl.col("share") - pl.col("previous_share"),
        p_value=pl.col("p_value"),
        p_adjusted=pl.col("p_adjusted"),
        n_tests=pl.col("n_tests"),
        significant=pl.col("p_adjusted").fill_null(1.0) <= alpha,
    )


def bh_within(df: pl.DataFrame, *, p: str, family: Sequence[str], out: str) -> pl.DataFrame:
    """Benjamini–Hochberg adjusted p-values within each family of rows, in one Polars pass
    (:func:`ostan_dash.analysis.hotspots.adjusted_p_values` for many small families at once:
    :math:`q_{(i)} = \\min_{k \\ge i} \\min(1, m\\,p_{(k)} / k)`); null p-values are not tests.

    Returns
    -------
    polars.DataFrame
        ``df`` in its own order with ``out`` (adjusted p) and ``n_tests`` (m of the row's
        family) added.
    """
    fam = list(family)
    pv = pl.col(p)
    ranked = df.with_row_index("_row").with_columns(
        n_tests=pv.is_not_null().sum().over(fam).cast(pl.Int64) if fam else pv.is_not_null().sum(),
        _i=pv.rank("ordinal").over(fam) if fam else pv.rank("ordinal"),
    )
    scaled = (pv * pl.col("n_tests") / pl.col("_i")).cum_min()
    return (
        ranked.sort(
            [*fam, p, "_i"],
            descending=[False] * len(fam) + [True, True],
            nulls_last=True,
            maintain_order=True,
        )
        .with_columns((scaled.over(fam) if fam else scaled).clip(upper_bound=1.0).alias(out))
        .sort("_row")
        .drop("_row", "_i")
    )


def survey_unsafety(
    responses: pl.DataFrame, *, year: int, question: str = "unsafe_evening", min_n: int = 30
) -> pl.DataFrame:
    """The weighted share answering yes to ``question`` per area in ``year``, with the whole
    municipality's share alongside (for :func:`focus_scores` and the unsafety scatter).

    Uses :func:`ostan_dash.analysis.survey.weighted_shares`; areas with fewer than ``min_n``
    answers get a null share (suppressed).

    Returns
    -------
    polars.DataFrame
        ``area_id``, ``share``, ``ci_low``, ``ci_high``, ``n``, ``municipal`` (0–1).
    """
    from ostan_dash.analysis.survey import weighted_shares

    cur = responses.filter(pl.col("year") == year)
    if cur.is_empty():
        return pl.DataFrame(
            schema={
                "area_id": pl.Int64,
                "share": pl.Float64,
                "ci_low": pl.Float64,
                "ci_high": pl.Float64,
                "n": pl.Int64,
                "municipal": pl.Float64,
            }
        )
    per_area = weighted_shares(cur, by="area_id", answer_cols=[question], min_n=min_n)
    whole = weighted_shares(cur, by=[], answer_cols=[question], min_n=min_n)
    return per_area.select(
        pl.col("area_id").cast(pl.Int64),
        "share",
        "ci_low",
        "ci_high",
        "n",
        municipal=pl.lit(whole["share"][0], dtype=pl.Float64),
    )


def incidents_vs_survey(
    shares: pl.DataFrame,
    counts: pl.DataFrame,
    populations: pl.DataFrame,
    *,
    year: int,
    question: str,
    sources: Sequence[str] = ("est", "polis"),
) -> pl.DataFrame:
    """Per area: reported incidents per 1,000 inhabitants and the survey share of ``question``
    in the same ``year`` (for the "unsafe without many incidents" scatter).

    Parameters
    ----------
    shares
        :func:`ostan_dash.analysis.survey.weighted_shares` by ``area_id`` and ``year``.
    counts
        ``area_id``, ``year``, ``source``, ``n``.
    populations
        ``area_id``, ``year``, ``population``.
    sources
        Which sources count as reported incidents.

    Returns
    -------
    polars.DataFrame
        ``area_id``, ``per_1000``, ``share`` (0–1), ``n``; areas whose survey cell is suppressed
        or whose population is 0 are left out.
    """
    n = (
        counts.filter((pl.col("year") == year) & pl.col("source").is_in(list(sources)))
        .group_by("area_id")
        .agg(pl.col("n").sum().alias("incidents"))
        .with_columns(pl.col("area_id").cast(pl.Int64))
    )
    pop = populations.filter(pl.col("year") == year).select(
        pl.col("area_id").cast(pl.Int64), pl.col("population").cast(pl.Float64)
    )
    s = shares.filter(
        (pl.col("year") == year) & (pl.col("question") == question) & pl.col("share").is_not_null()
    ).select(pl.col("area_id").cast(pl.Int64), "share", "n")
    return (
        s.join(pop, on="area_id", how="inner")
        .join(n, on="area_id", how="left")
        .filter(pl.col("population") > 0)
        .select(
            "area_id",
            per_1000=pl.col("incidents").fill_null(0) / pl.col("population") * 1000,
            share="share",
            n="n",
        )
        .sort("area_id")
    )
