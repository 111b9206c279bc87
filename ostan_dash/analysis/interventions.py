"""Interventions: baseline periods, SMART goal progress, evaluation verdicts and their wording.

The steering document (UTVÄRDERING) asks for at least a before/during comparison, a control
area where possible, a check for displacement and diffusion of benefits after situational
interventions, and SMART goals such as "at least 30 % fewer during the six months of the
intervention than during the six months just before, or than the same six calendar months a
year earlier". The statistics come from :mod:`ostan_dash.analysis.evaluation`; this module
combines them into what the operative group reads.

References
----------
Bowers, K. J. & Johnson, S. D. (2003). Measuring the geographical displacement and diffusion
of benefit effects of crime prevention activity. *Journal of Quantitative Criminology*, 19(3),
275–301.

Wheeler, A. P. & Ratcliffe, J. H. (2018). A simple weighted displacement difference test to
evaluate place based crime interventions. *Crime Science*, 7, 11.

Guerette, R. T. & Bowers, K. J. (2009). Assessing the extent of crime displacement and
diffusion of benefits. *Criminology*, 47(4), 1331–1368.

Barnett, A. G., van der Pols, J. C. & Dobson, A. J. (2005). Regression to the mean: what it is
and how to deal with it. *International Journal of Epidemiology*, 34(1), 215–220.

Eck, J. E. (2017). Some solutions to the evaluation of place-based crime prevention
(regression to the mean when places are chosen because they peaked). In *Handbook of Crime
Prevention and Community Safety*, 2nd ed., Routledge.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from ostan_dash import text as fmt
from ostan_dash.analysis.evaluation import (
    DifferenceTest,
    Dispersion,
    DisplacementQuotient,
    RateRatio,
    RatioOfRateRatios,
    did_ratio,
    min_detectable_ratio,
    quasi_poisson_dispersion,
    rate_ratio_test,
    wdd,
    wdq,
)

Baseline = Literal["foregaende_period", "samma_period_forra_aret"]
SmartStatus = Literal[
    "ej_startad",
    "pa_vag",
    "i_riskzonen",
    "uppnatt",
    "ej_sakerstallt",
    "omfordelat",
    "ej_uppnatt",
    "installd",
]
Verdict = Literal["success", "displacement", "diffusion", "no_effect", "too_early"]

DEFAULT_BASELINE: Baseline = "samma_period_forra_aret"
"""The same calendar days a year earlier: same season, and (for periods under a year) clear of
the weeks in which the problem was picked because it had just peaked."""
BASELINE_LABELS: dict[str, str] = {
    "samma_period_forra_aret": "Samma kalenderperiod året innan (rekommenderas)",
    "foregaende_period": "Lika lång period närmast före (risk för skenbar minskning)",
}
BASELINE_TEXT: dict[str, str] = {
    "samma_period_forra_aret": "samma kalenderperiod året innan",
    "foregaende_period": "lika lång period närmast före",
}
STATUS_LABELS: dict[str, str] = {
    "planerad": "Planerad",
    "pagaende": "Pågående",
    "avslutad": "Avslutad",
    "installd": "Inställd",
}
SMART_LABELS: dict[str, str] = {
    "ej_startad": "ej startad",
    "pa_vag": "på väg",
    "i_riskzonen": "i riskzonen",
    "uppnatt": "uppnått",
    "ej_sakerstallt": "ej säkerställt",
    "omfordelat": "omfördelat",
    "ej_uppnatt": "ej uppnått",
    "installd": "inställd",
}
SMART_RULE = (
    "Uppnått kräver tre saker: antalet händelser höll sig inom målet, minskningen är "
    "statistiskt säkerställd i utvärderingen (95 % konfidensintervall under 1, mot "
    "kontrollområdet när det finns ett) och ingen säkerställd omfördelning till omgivningen. "
    "Inom målet men inte säkerställt heter 'ej säkerställt'; med omfördelning 'omfördelat'. "
    "Utan verklig effekt blir utfallet 'uppnått' i högst ungefär 2,5 % av fallen."
)
VERDICT_LABELS: dict[str, str] = {
    "success": "Minskning",
    "displacement": "Minskning men omfördelning till omgivningen",
    "diffusion": "Minskning med spridningseffekt till omgivningen",
    "no_effect": "Ingen säkerställd effekt",
    "too_early": "För tidigt att bedöma",
}
FIDELITY_LABELS: dict[str, str] = {
    "enligt_plan": "Enligt plan",
    "delvis": "Delvis",
    "ej_genomford": "Ej genomförd",
}
KIND_LABELS = {"situationell": "Situationell", "social": "Social"}

ALPHA = 0.05
MIN_DAYS = 28
"""An evaluation needs at least four weeks of the intervention period."""
MIN_COUNT = 10
"""... and at least this many incidents in the target before and after together."""
POWER = 0.8
"""Power of the minimum detectable effect shown beside 'ingen säkerställd effekt'."""
DISPERSION_WEEKS = 52
"""Weeks before the start whose counts estimate each zone's overdispersion."""
SELECTION_WEEKS = 13
"""A problem is picked on about the last quarter's counts (EST: 'check the last quarter')."""


def _shift_year(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February → 28 February
        return d.replace(year=d.year + years, day=28)


def baseline_period(start: dt.date, end: dt.date, baseline: Baseline) -> tuple[dt.date, dt.date]:
    """The comparison period of an intervention running ``start``–``end`` (both inclusive).

    ``foregaende_period``: the equally long period just before (ending the day before
    ``start``); ``samma_period_forra_aret``: the same calendar days a year earlier, so that
    season is the same (steering document, UTVÄRDERING).
    """
    if end < start:
        raise ValueError("end before start")
    if baseline == "foregaende_period":
        length = (end - start).days + 1
        return start - dt.timedelta(days=length), start - dt.timedelta(days=1)
    if baseline == "samma_period_forra_aret":
        return _shift_year(start, -1), _shift_year(end, -1)
    raise ValueError(f"unknown baseline {baseline!r}")


def observed_end(start: dt.date, end: dt.date, today: dt.date) -> dt.date | None:
    """Last day with data of the intervention period: ``end`` or yesterday; None if not started."""
    last = min(end, today - dt.timedelta(days=1))
    return last if last >= start else None


def comparison_periods(
    start: dt.date, end: dt.date, today: dt.date, baseline: Baseline
) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None:
    """(before, after) date ranges of equal length for an evaluation so far; None if not started.

    After is the intervention period up to yesterday; before is the first equally many days
    of the baseline period, so day *k* of the intervention meets day *k* of the baseline
    (the same pairing as the SMART trajectory).
    """
    last = observed_end(start, end, today)
    if last is None:
        return None
    b0, _ = baseline_period(start, end, baseline)
    return (b0, b0 + (last - start)), (start, last)


def selection_window(
    chosen: dt.date | None, *, data_until: dt.date | None = None
) -> tuple[dt.date, dt.date] | None:
    """The weeks in which the problem was picked: the quarter up to the day it was chosen.

    ``chosen`` is the date the problem picture was created (or, without one, the date the
    intervention was planned); ``data_until`` the last day of the data the problem picture
    describes (its ``period_to``), when that ends earlier. The window runs from
    :data:`SELECTION_WEEKS` weeks before the earlier of the two to ``chosen``: the counts that
    made the problem stand out. A baseline that overlaps it compares with a peak, and peaks
    fall back on their own (regression to the mean; Barnett et al. 2005).
    """
    if chosen is None:
        return None
    last_data = min(chosen, data_until) if data_until is not None else chosen
    return last_data - dt.timedelta(weeks=SELECTION_WEEKS), chosen


def regression_warning(
    baseline: tuple[dt.date, dt.date],
    window: tuple[dt.date, dt.date] | None,
    *,
    kind: Baseline = "foregaende_period",
) -> str | None:
    """A plain-Swedish warning when the baseline overlaps the weeks the problem was picked in.

    ``kind`` is the baseline choice, for the advice: the period just before can be swapped
    for the same period a year earlier; a same-season baseline that still overlaps (an
    intervention of about a year or more) can only be read with care.
    """
    if window is None or baseline[1] < window[0] or baseline[0] > window[1]:
        return None
    advice = (
        "Jämför hellre med samma period året innan."
        if kind == "foregaende_period"
        else "Insatsen är så lång att även samma period året innan når in i de veckorna; "
        "läs en minskning med försiktighet."
    )
    return (
        f"Jämförelseperioden ({fmt.date(baseline[0])} – {fmt.date(baseline[1])}) överlappar "
        f"veckorna då problemet valdes ut ({fmt.date(window[0])} – {fmt.date(window[1])}). "
        "Ett problem väljs när det är som störst, och sådana toppar brukar gå tillbaka av sig "
        "själva även utan insats (regression mot medelvärdet). En minskning mot den perioden "
        f"kan därför vara skenbar. {advice}"
    )


def smart_trajectory(
    actual: pl.DataFrame,
    baseline: pl.DataFrame,
    *,
    start: dt.date,
    end: dt.date,
    baseline_start: dt.date,
    today: dt.date,
    goal_pct: float,
) -> pl.DataFrame:
    """Cumulative counts day by day: actual, baseline and the goal line.

    Day *k* of the intervention (``start + k``) is compared with day *k* of the baseline
    period (``baseline_start + k``), so a same-season baseline keeps its seasonal shape. The
    goal line is the baseline's cumulative count times ``1 − goal_pct/100``.

    Parameters
    ----------
    actual, baseline
        Daily counts: columns ``day`` (date) and ``n``; days without incidents may be missing.

    Returns
    -------
    polars.DataFrame
        ``day`` (intervention calendar), ``day_index``, ``baseline_cum``, ``goal_cum`` and
        ``actual_cum`` (null from ``today`` on).
    """
    n_days = (end - start).days + 1
    idx = pl.DataFrame({"day_index": pl.arange(0, n_days, eager=True).cast(pl.Int64)})

    def by_index(df: pl.DataFrame, first: dt.date) -> pl.DataFrame:
        return (
            df.select(
                day_index=(pl.col("day") - pl.lit(first)).dt.total_days().cast(pl.Int64),
                n=pl.col("n").cast(pl.Int64),
            )
            .group_by("day_index")
            .agg(pl.col("n").sum())
        )

    out = (
        idx.join(by_index(actual, start), on="day_index", how="left")
        .rename({"n": "actual"})
        .join(by_index(baseline, baseline_start), on="day_index", how="left")
        .rename({"n": "base"})
        .with_columns(pl.col("actual", "base").fill_null(0))
        .sort("day_index")
        .with_columns(
            day=pl.lit(start) + pl.duration(days=pl.col("day_index")),
            baseline_cum=pl.col("base").cum_sum(),
            actual_cum=pl.col("actual").cum_sum(),
        )
        .with_columns(
            goal_cum=pl.col("baseline_cum") * (1 - goal_pct / 100),
            actual_cum=pl.when(pl.col("day") < pl.lit(today)).then(pl.col("actual_cum")),
        )
    )
    return out.select("day", "day_index", "baseline_cum", "goal_cum", "actual_cum")


@dataclass(frozen=True)
class SmartProgress:
    """Where an intervention stands against its SMART goal."""

    status: SmartStatus
    reduction_pct: float  # observed reduction so far against the baseline of the same days
    goal_pct: float
    actual: int  # incidents so far
    baseline_so_far: int  # baseline incidents on the same days
    baseline_total: int  # baseline incidents of the whole period
    allowed_total: float  # at most this many incidents over the whole period meets the goal
    days_left: int
    days_total: int
    rate_ratio: RateRatio | None = None  # so far against the same baseline days, with its CI
    reason: str = ""

    @property
    def goal_ratio(self) -> float:
        """The rate ratio the goal asks for: at most ``1 − goal/100``."""
        return 1 - self.goal_pct / 100


def smart_status(
    *,
    actual_so_far: int,
    baseline_so_far: int,
    baseline_total: int,
    goal_pct: float,
    days_elapsed: int,
    days_total: int,
    cancelled: bool = False,
    evaluation: Evaluation | None = None,
    dispersion: float = 1.0,
) -> SmartProgress:
    """SMART status of an intervention: the one rule the overview, the page and the CLI use.

    The rule (documented for the operative group, :data:`SMART_RULE`):

    * **inställd** if cancelled; **ej startad** before the first day (``days_elapsed`` 0).
    * The goal allows at most ``(1 − goal/100) × baseline_total`` incidents over the period;
      **ej uppnått** as soon as the count exceeds that (it cannot fall).
    * **omfördelat** whenever the evaluation finds displacement (the ring rose significantly):
      a fall that moved next door is never "uppnått".
    * Finished (``days_elapsed ≥ days_total``) within the allowance: **uppnått** only if the
      evaluation's verdict is a statistically established fall (``success`` or ``diffusion``:
      the 95 % interval of the rate ratio — against the control when there is one — lies
      below 1); otherwise **ej säkerställt**. With no true effect a fall is established in at
      most α/2 = 2,5 % of cases, so "uppnått" keeps that error rate.
    * Running: the reduction at the current pace, ``1 − actual_so_far / baseline_so_far``
      (the baseline on the same days, so its season is kept), is projected to the end:
      **på väg** if it reaches the goal, **i riskzonen** if it falls short. With no baseline
      incidents yet, **på väg** while nothing has happened.

    ``rate_ratio`` is the count so far against the same baseline days with its 95 % interval
    (quasi-Poisson with ``dispersion``), to be read against :attr:`SmartProgress.goal_ratio`.
    """
    allowed = (1 - goal_pct / 100) * baseline_total
    reduction = (1 - actual_so_far / baseline_so_far) * 100 if baseline_so_far else math.nan
    days_left = max(0, days_total - days_elapsed)
    rr = (
        rate_ratio_test(baseline_so_far, actual_so_far, dispersion=dispersion)
        if days_elapsed > 0
        else None
    )
    verdict = evaluation.verdict if evaluation is not None else None

    def result(status: SmartStatus, reason: str) -> SmartProgress:
        return SmartProgress(
            status,
            reduction,
            goal_pct,
            actual_so_far,
            baseline_so_far,
            baseline_total,
            allowed,
            days_left,
            days_total,
            rr,
            reason,
        )

    if cancelled:
        return result("installd", "Insatsen är inställd.")
    if days_elapsed <= 0:
        return result("ej_startad", "Insatsen har inte startat.")
    if actual_so_far > allowed:
        return result(
            "ej_uppnatt",
            f"{fmt.number(actual_so_far)} händelser hittills, fler än de "
            f"{fmt.number(allowed, 0)} som målet tillåter för hela perioden.",
        )
    if verdict == "displacement":
        return result(
            "omfordelat",
            "Händelserna ökade säkerställt i omgivningen: problemet verkar ha flyttat, så målet "
            "räknas inte som uppnått.",
        )
    if days_elapsed >= days_total:
        if verdict in ("success", "diffusion"):
            return result(
                "uppnatt",
                "Inom målet och minskningen är statistiskt säkerställd (95 % KI under 1).",
            )
        return result(
            "ej_sakerstallt",
            "Antalet höll sig inom målet, men minskningen är inte statistiskt säkerställd "
            "– den kan bero på slumpen eller på att jämförelseperioden var ovanligt hög.",
        )
    if baseline_so_far == 0:
        status: SmartStatus = "pa_vag" if actual_so_far == 0 else "i_riskzonen"
    else:
        status = "pa_vag" if reduction >= goal_pct else "i_riskzonen"
    return result(
        status,
        "Minskningen i nuvarande takt når målet."
        if status == "pa_vag"
        else "Minskningen i nuvarande takt når inte målet.",
    )


@dataclass(frozen=True)
class Counts:
    """Incident counts for an evaluation: target, buffer ring and control, before and after."""

    treated_before: int
    treated_after: int
    buffer_before: int
    buffer_after: int
    control_before: int | None = None
    control_after: int | None = None

    @property
    def has_control(self) -> bool:
        return self.control_before is not None and self.control_after is not None


@dataclass(frozen=True)
class ZoneDispersion:
    """Quasi-Poisson dispersion of each zone's weekly counts (1 = Poisson)."""

    target: Dispersion
    buffer: Dispersion
    control: Dispersion | None = None

    @classmethod
    def poisson(cls) -> ZoneDispersion:
        one = Dispersion(1.0, 1.0, 0, 0)
        return cls(one, one, one)


@dataclass(frozen=True)
class Evaluation:
    """Everything the evaluation section shows."""

    verdict: Verdict
    rate_ratio: RateRatio
    did: RatioOfRateRatios | None
    buffer_did: RatioOfRateRatios | None
    buffer_rate_ratio: RateRatio
    wdq: DisplacementQuotient  # without a control, the control trend is taken as 1
    wdd: DifferenceTest
    conclusion: str
    counts: Counts
    days: int
    mde_pct: float = math.nan  # smallest fall detected with 80 % power (NaN: none)
    dispersion: ZoneDispersion | None = None


_p = fmt.p_value


def _ratio(r: float) -> str:
    return fmt.number(r, 2)


def _change(ratio: float) -> str:
    """A rate ratio as a signed percentage change in words."""
    if math.isnan(ratio) or math.isinf(ratio):
        return "kan inte beräknas"
    pct = (ratio - 1) * 100
    if abs(pct) < 0.5:
        return "var oförändrade"
    return f"{'minskade' if pct < 0 else 'ökade'} med {fmt.percent(abs(pct))}"


def evaluate(
    counts: Counts,
    *,
    days: int,
    buffer_m: int,
    control_name: str | None = None,
    alpha: float = ALPHA,
    dispersion: ZoneDispersion | None = None,
) -> Evaluation:
    """Evaluate an intervention from its counts and give a verdict with a plain-Swedish conclusion.

    Before and after are periods of equal length (``days``), the after period being the
    intervention period so far and the before period the chosen baseline on the same days.

    * **Before/after** in the target: exact Poisson rate ratio with 95 % CI and p
      (:func:`~ostan_dash.analysis.evaluation.rate_ratio_test`).
    * **Control area**: ratio of rate ratios (Poisson difference-in-differences,
      :func:`~ostan_dash.analysis.evaluation.did_ratio`).
    * **Buffer ring**: the Weighted Displacement Quotient (Bowers & Johnson 2003) and the
      Weighted Displacement Difference with its SE (Wheeler & Ratcliffe 2018); whether the
      buffer itself changed is tested like the target (ratio of ratios against the control,
      or the rate ratio without one).
    * **Overdispersion**: with ``dispersion`` (each zone's quasi-Poisson φ from its weekly
      counts, :func:`zone_dispersion`) every variance is multiplied by the zone's φ, so the
      intervals widen by √φ; without it the counts are taken as Poisson.
    * **Minimum detectable effect**: the fall the main test would detect with 80 % power at
      ``alpha`` for these counts (:func:`~ostan_dash.analysis.evaluation.min_detectable_ratio`),
      said beside "ingen säkerställd effekt" so that no effect is not read as no effect shown.

    Verdict rule:

    * ``too_early`` — fewer than :data:`MIN_DAYS` days, or fewer than :data:`MIN_COUNT`
      incidents in the target before and after together;
    * ``no_effect`` — the target's fall (relative to the control when there is one) is not
      significant at ``alpha``: "minskningen är inte statistiskt säkerställd";
    * otherwise ``displacement`` if the buffer rose significantly, ``diffusion`` if it fell
      significantly, else ``success``.
    """
    c = counts
    disp = dispersion or ZoneDispersion.poisson()
    phi_t, phi_b = disp.target.phi, disp.buffer.phi
    phi_c = disp.control.phi if disp.control is not None else 1.0
    rr = rate_ratio_test(c.treated_before, c.treated_after, dispersion=phi_t)
    did = (
        did_ratio(
            c.treated_before,
            c.treated_after,
            c.control_before,
            c.control_after,
            dispersion=phi_t,
            control_dispersion=phi_c,
        )
        if c.has_control
        else None
    )
    brr = rate_ratio_test(c.buffer_before, c.buffer_after, dispersion=phi_b)
    bdid = (
        did_ratio(
            c.buffer_before,
            c.buffer_after,
            c.control_before,
            c.control_after,
            dispersion=phi_b,
            control_dispersion=phi_c,
        )
        if c.has_control
        else None
    )
    phis = dict(dispersion=phi_t, buffer_dispersion=phi_b, control_dispersion=phi_c)
    cb = c.control_before if c.has_control else 1
    ca = c.control_after if c.has_control else 1
    q = wdq(c.treated_before, c.treated_after, c.buffer_before, c.buffer_after, cb, ca)
    if c.has_control:
        d = wdd(
            c.treated_before,
            c.treated_after,
            c.buffer_before,
            c.buffer_after,
            c.control_before,
            c.control_after,
            **phis,
        )
    else:  # no control: the plain change in target and ring (Wheeler & Ratcliffe, eq. 1 with ΔC = 0)
        d = wdd(
            c.treated_before,
            c.treated_after,
            c.buffer_before,
            c.buffer_after,
            0,
            0,
            buffer_control_before=0,
            buffer_control_after=0,
            **phis,
        )

    main = did if did is not None and not math.isnan(did.p_value) else None
    main_ratio, main_p = (main.ratio, main.p_value) if main else (rr.ratio, rr.p_value)
    buffer_test = bdid if bdid is not None and not math.isnan(bdid.p_value) else None
    b_ratio, b_p = (
        (buffer_test.ratio, buffer_test.p_value) if buffer_test else (brr.ratio, brr.p_value)
    )

    if days < MIN_DAYS or c.treated_before + c.treated_after < MIN_COUNT:
        verdict: Verdict = "too_early"
    elif not (main_ratio < 1 and main_p < alpha):
        verdict = "no_effect"
    elif b_ratio > 1 and b_p < alpha:
        verdict = "displacement"
    elif b_ratio < 1 and b_p < alpha:
        verdict = "diffusion"
    else:
        verdict = "success"

    with_control = main is not None
    mde_ratio = min_detectable_ratio(
        c.treated_before,
        dispersion=phi_t,
        control_before=c.control_before if with_control else None,
        control_after=c.control_after if with_control else None,
        control_dispersion=phi_c,
        alpha=alpha,
        power=POWER,
    )
    mde_pct = (1 - mde_ratio) * 100

    text = _conclusion(
        verdict,
        c,
        mde_pct=mde_pct,
        dispersion=dispersion,
        rr=rr,
        did=did,
        brr=brr,
        bdid=bdid,
        q=q,
        d=d,
        days=days,
        buffer_m=buffer_m,
        control_name=control_name,
    )
    return Evaluation(verdict, rr, did, bdid, brr, q, d, text, c, days, mde_pct, dispersion)


def _conclusion(
    verdict: Verdict,
    c: Counts,
    *,
    rr: RateRatio,
    did: RatioOfRateRatios | None,
    brr: RateRatio,
    bdid: RatioOfRateRatios | None,
    q: DisplacementQuotient,
    d: DifferenceTest,
    days: int,
    buffer_m: int,
    control_name: str | None,
    mde_pct: float,
    dispersion: ZoneDispersion | None,
) -> str:
    if verdict == "too_early":
        return (
            f"För tidigt att bedöma: jämförelsen bygger på {fmt.number(days)} dagar och "
            f"{fmt.number(c.treated_before + c.treated_after)} händelser i insatsområdet. "
            f"Det behövs minst {MIN_DAYS} dagar och {MIN_COUNT} händelser för att skilja en "
            "effekt från slumpen."
        )
    parts = [
        f"Händelserna i insatsområdet {_change(rr.ratio)}, från {fmt.number(c.treated_before)} "
        f"till {fmt.number(c.treated_after)} (kvot {_ratio(rr.ratio)}, 95 % KI "
        f"{_ratio(rr.ci_low)}–{_ratio(rr.ci_high)}, {_p(rr.p_value)})."
    ]
    if did is not None:
        name = control_name or "kontrollområdet"
        parts.append(
            f"I kontrollområdet ({name}) {_change(c.control_after / c.control_before if c.control_before else math.nan)}"
            f" ({fmt.number(c.control_before)} → {fmt.number(c.control_after)}); jämfört med det "
            f"är kvoten {_ratio(did.ratio)} (95 % KI {_ratio(did.ci_low)}–{_ratio(did.ci_high)}, "
            f"{_p(did.p_value)})."
        )
    else:
        parts.append(
            "Inget kontrollområde är valt, så en allmän förändring i kommunen kan inte skiljas "
            "från insatsens effekt."
        )
    if verdict == "no_effect":
        if rr.ratio < 1 and did is not None and did.ratio >= 1:
            parts.append(
                "Minskningen är inte större än i kontrollområdet och kan inte tillskrivas insatsen."
            )
        elif rr.ratio < 1 or (did is not None and did.ratio < 1):
            parts.append("Minskningen är inte statistiskt säkerställd – den kan bero på slumpen.")
        else:
            parts.append("Ingen minskning kan ses.")
        parts.append(_mde_sentence(mde_pct))
    else:
        parts.append("Minskningen är statistiskt säkerställd (p < 0,05).")
    ring = f"I omgivningen (en ring på {fmt.number(buffer_m)} m runt insatsområdet)"
    b_ratio = bdid.ratio if bdid is not None else brr.ratio
    if verdict == "displacement":
        parts.append(
            f"{ring} ökade händelserna ({fmt.number(c.buffer_before)} → {fmt.number(c.buffer_after)}, "
            f"relativ kvot {_ratio(b_ratio)}): problemet verkar delvis ha flyttat (omfördelning)."
        )
    elif verdict == "diffusion":
        parts.append(
            f"{ring} minskade händelserna också ({fmt.number(c.buffer_before)} → "
            f"{fmt.number(c.buffer_after)}, relativ kvot {_ratio(b_ratio)}): effekten verkar ha "
            "spridit sig (spridningseffekt)."
        )
    else:
        hint = ""
        if verdict == "success" and not math.isnan(q.wdq) and abs(q.wdq) >= 0.1:
            hint = (
                " (WDQ pekar mot spridning, men den är inte säkerställd)"
                if q.wdq > 0
                else " (WDQ pekar mot viss omfördelning, men den är inte säkerställd)"
            )
        parts.append(
            f"{ring}: {fmt.number(c.buffer_before)} → {fmt.number(c.buffer_after)}, ingen "
            f"säkerställd förändring{hint}."
        )
    if not math.isnan(q.wdq):
        parts.append(f"WDQ = {fmt.number(q.wdq, 2)} (under 0: omfördelning, över 0: spridning).")
    parts.append(
        f"Sammantaget för insatsområde och ring (WDD): {'+' if d.estimate > 0 else ''}"
        f"{fmt.number(d.estimate, 0)} händelser mot det väntade "
        f"(SE {fmt.number(d.se, 1)}, 95 % KI {fmt.number(d.ci_low, 1)} till {fmt.number(d.ci_high, 1)}"
        f"{', säkerställt' if d.p_value < ALPHA else ', inte säkerställt'})."
    )
    if dispersion is not None:
        parts.append(_dispersion_sentence(dispersion))
    if c.has_control and not math.isnan(q.total_net_effect):
        # WDD subtracts the control's change in its own counts; Bowers & Johnson's total net
        # effect scales the control's trend to the target, which is fair for any control size.
        parts.append(
            f"Justerat för kontrollområdets trend (Bowers & Johnson): ungefär "
            f"{fmt.number(abs(q.total_net_effect), 0)} "
            f"{'färre' if q.total_net_effect >= 0 else 'fler'} händelser än väntat i insatsområde och ring."
        )
        size = c.control_before / c.treated_before if c.treated_before else math.inf
        if not 0.5 <= size <= 2:
            parts.append(
                f"WDD förutsätter ett kontrollområde av liknande storlek; här hade det "
                f"{fmt.number(size, 1)} gånger så många händelser före, så lita hellre på den "
                "justerade siffran."
            )
    return " ".join(parts)


def _mde_sentence(mde_pct: float) -> str:
    if math.isnan(mde_pct):
        return (
            "Antalen är för små för att någon minskning alls skulle ha kunnat säkerställas "
            "(minsta påvisbara effekt saknas)."
        )
    return (
        f"Minsta påvisbara effekt: med de här antalen hade en minskning på minst "
        f"{fmt.percent(mde_pct)} upptäckts med {fmt.percent(POWER * 100)} sannolikhet "
        f"(α = 0,05); en mindre effekt kan finnas utan att synas."
    )


def _dispersion_sentence(d: ZoneDispersion) -> str:
    phis = [("insatsområdet", d.target.phi), ("omgivningen", d.buffer.phi)]
    if d.control is not None:
        phis.append(("kontrollområdet", d.control.phi))
    if max(phi for _, phi in phis) <= 1:
        return (
            f"Veckoantalen de {DISPERSION_WEEKS} veckorna före start varierar inte mer än ren "
            "slump (spridningsfaktor φ = 1), så testen är vanliga Poissontest."
        )
    listed = ", ".join(f"{name} {fmt.number(phi, 1)}" for name, phi in phis)
    return (
        f"Veckoantalen varierar mer än ren slump (spridningsfaktor φ: {listed}; skattad från "
        f"de {DISPERSION_WEEKS} veckorna före start, lägst 1), så intervall och p-värden är "
        "breddade med √φ (kvasi-Poisson)."
    )


def estimated_savings(
    before: Mapping[str, int],
    after: Mapping[str, int],
    unit_costs: Mapping[str, float],
    *,
    trend: float = 1.0,
) -> float:
    """Kronor saved: Σ over categories of (before × trend − after) × unit cost.

    ``trend`` is the control area's after/before ratio (1 without a control), so that only the
    change beyond the general development is credited — the "total net effect" reasoning of
    Bowers & Johnson (2003). Pass target and buffer counts together to charge displacement
    against the savings. Negative when incidents rose.
    """
    cats = set(before) | set(after)
    return float(
        sum(
            (before.get(k, 0) * trend - after.get(k, 0)) * float(unit_costs.get(k, 0)) for k in cats
        )
    )


def fidelity_summary(log: pl.DataFrame) -> dict[str, object]:
    """Implementation fidelity: how many log entries were as planned, partly, not carried out.

    Returns ``n``, ``enligt_plan``, ``delvis``, ``ej_genomford``, ``share_as_planned`` (NaN
    without entries) and a Swedish ``text``.
    """
    counts = dict.fromkeys(FIDELITY_LABELS, 0)
    for k, n in log.group_by("fidelity").len().iter_rows():
        counts[str(k)] = int(n)
    n = sum(counts.values())
    share = counts["enligt_plan"] / n if n else math.nan
    if n == 0:
        text = "Inga uppföljningar loggade än."
    else:
        text = (
            f"{counts['enligt_plan']} av {n} uppföljningar enligt plan "
            f"({fmt.percent(100 * share)}), {counts['delvis']} delvis och "
            f"{counts['ej_genomford']} ej genomförda."
        )
    return {**counts, "n": n, "share_as_planned": share, "text": text}


def next_action(
    *,
    status: str,
    smart: SmartStatus,
    start: dt.date,
    end: dt.date,
    last_log: dt.date | None,
    today: dt.date,
) -> str:
    """The operative group's next step for one intervention (Swedish)."""
    if status == "installd":
        return "Ingen – insatsen är inställd. Följ problembilden."
    if status == "planerad" or today < start:
        return f"Förbered start {fmt.date(start)}: ansvar, resurser och mätning klara."
    if today > end or status == "avslutad":
        return "Utvärdera och återrapportera till Östan Brå."
    if last_log is None or (today - last_log).days > 35:
        return "Logga genomförandet – ingen uppföljning den senaste månaden."
    if smart == "omfordelat":
        return (
            "Ta upp i BF-gruppen: problemet verkar flytta till omgivningen – vidga eller anpassa."
        )
    if smart in ("i_riskzonen", "ej_uppnatt"):
        return "Ta upp i BF-gruppen: målet nås inte i nuvarande takt – justera eller förstärk."
    return f"Fortsätt enligt plan; nästa uppföljning senast {fmt.date(last_log + dt.timedelta(days=30))}."


def smart_progress(
    trajectory: pl.DataFrame,
    *,
    goal_pct: float,
    today: dt.date,  # noqa: ARG001 (the callers’ day; the trajectory already ends there)
    cancelled: bool = False,
    evaluation: Evaluation | None = None,
    dispersion: float = 1.0,
) -> SmartProgress:
    """:func:`smart_status` read off a :func:`smart_trajectory` frame as of ``today``."""
    known = trajectory.filter(pl.col("actual_cum").is_not_null())
    days_elapsed = known.height
    baseline_total = int(trajectory["baseline_cum"][-1]) if trajectory.height else 0
    return smart_status(
        actual_so_far=int(known["actual_cum"][-1]) if days_elapsed else 0,
        baseline_so_far=int(known["baseline_cum"][-1]) if days_elapsed else 0,
        baseline_total=baseline_total,
        goal_pct=goal_pct,
        days_elapsed=days_elapsed,
        days_total=trajectory.height,
        cancelled=cancelled,
        evaluation=evaluation,
        dispersion=dispersion,
    )


# Follow-up: everything the page and ``ostan-dash evaluate`` show, from one frame of counts ------


ZONE_LABELS = {"target": "Insatsområde", "buffer": "Omgivning", "control": "Kontrollområde"}
DAILY_SCHEMA = {"zone": pl.Utf8, "day": pl.Date, "category": pl.Utf8, "n": pl.Int64}


@dataclass(frozen=True)
class FollowUpPlan:
    """The dates a follow-up compares, decided before any count is read."""

    start: dt.date
    end: dt.date
    baseline: Baseline
    baseline_period: tuple[dt.date, dt.date]
    periods: tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None
    dispersion_weeks: tuple[dt.date, dt.date]
    first: dt.date  # the counts needed run from here ...
    last: dt.date  # ... to here (inclusive)


def followup_plan(
    start: dt.date, end: dt.date, today: dt.date, baseline: Baseline = DEFAULT_BASELINE
) -> FollowUpPlan:
    """Baseline period, the (before, after) comparison so far and the dispersion year.

    The dispersion is estimated from the :data:`DISPERSION_WEEKS` whole weeks before the start
    (the same year for either baseline, so that switching baselines does not change φ).
    """
    b0, b1 = baseline_period(start, end, baseline)
    periods = comparison_periods(start, end, today, baseline)
    w0 = start - dt.timedelta(weeks=DISPERSION_WEEKS)
    observed = observed_end(start, end, today) or start - dt.timedelta(days=1)
    return FollowUpPlan(
        start=start,
        end=end,
        baseline=baseline,
        baseline_period=(b0, b1),
        periods=periods,
        dispersion_weeks=(w0, start - dt.timedelta(days=1)),
        first=min(b0, w0),
        last=max(b1, observed),
    )


def _window(daily: pl.DataFrame, first: dt.date, last: dt.date) -> pl.DataFrame:
    return daily.filter(pl.col("day").is_between(first, last))


def weekly_counts(daily: pl.DataFrame, zone: str, first: dt.date, n_weeks: int) -> np.ndarray:
    """Counts of ``zone`` in the ``n_weeks`` seven-day weeks from ``first`` (zeros included)."""
    last = first + dt.timedelta(weeks=n_weeks) - dt.timedelta(days=1)
    week = (
        _window(daily.filter(pl.col("zone") == zone), first, last)
        .select(
            w=((pl.col("day") - pl.lit(first)).dt.total_days() // 7).cast(pl.Int64),
            n=pl.col("n"),
        )
        .group_by("w")
        .agg(pl.col("n").sum())
    )
    out = np.zeros(n_weeks, dtype=np.int64)
    out[week["w"].to_numpy()] = week["n"].to_numpy()
    return out


def zone_dispersion(
    daily: pl.DataFrame, plan: FollowUpPlan, *, has_control: bool
) -> ZoneDispersion:
    """Each zone's quasi-Poisson φ from its weekly counts in the year before the start."""
    w0 = plan.dispersion_weeks[0]

    def one(zone: str) -> Dispersion:
        return quasi_poisson_dispersion(weekly_counts(daily, zone, w0, DISPERSION_WEEKS))

    return ZoneDispersion(one("target"), one("buffer"), one("control") if has_control else None)


def _totals(daily: pl.DataFrame, period: tuple[dt.date, dt.date]) -> dict[str, int]:
    got = _window(daily, *period).group_by("zone").agg(pl.col("n").sum())
    out = {"target": 0, "buffer": 0, "control": 0}
    out.update({str(z): int(n) for z, n in got.iter_rows()})
    return out


def _by_category(
    daily: pl.DataFrame, period: tuple[dt.date, dt.date], zones: tuple[str, ...]
) -> dict[str, int]:
    got = (
        _window(daily.filter(pl.col("zone").is_in(zones)), *period)
        .group_by("category")
        .agg(pl.col("n").sum())
    )
    return {str(k): int(n) for k, n in got.iter_rows()}


def _daily_target(daily: pl.DataFrame) -> pl.DataFrame:
    return daily.filter(pl.col("zone") == "target").group_by("day").agg(pl.col("n").sum())


def zone_table(counts: Counts, *, buffer_m: int) -> pl.DataFrame:
    """Before, after and change in % per zone (the evaluation's table)."""
    return pl.DataFrame(
        {
            "Område": ["Insatsområde", f"Omgivning ({buffer_m} m)", "Kontrollområde"],
            "Före": [counts.treated_before, counts.buffer_before, counts.control_before],
            "Under/efter": [counts.treated_after, counts.buffer_after, counts.control_after],
        },
        schema={"Område": pl.Utf8, "Före": pl.Int64, "Under/efter": pl.Int64},
    ).with_columns(
        (pl.col("Under/efter") / pl.col("Före") * 100 - 100).round(0).alias("Förändring %")
    )


@dataclass(frozen=True)
class FollowUp:
    """SMART progress, evaluation, savings and warnings of one intervention as of a day."""

    plan: FollowUpPlan
    trajectory: pl.DataFrame
    progress: SmartProgress
    evaluation: Evaluation | None
    dispersion: ZoneDispersion
    zone_table: pl.DataFrame | None
    savings: float | None
    warnings: tuple[str, ...]
    selection: tuple[dt.date, dt.date] | None


def follow_up(
    daily: pl.DataFrame,
    *,
    plan: FollowUpPlan,
    goal_pct: float | None,
    status: str,
    has_control: bool,
    buffer_m: int,
    today: dt.date,
    control_name: str | None = None,
    unit_costs: Mapping[str, float] | None = None,
    selection: tuple[dt.date, dt.date] | None = None,
) -> FollowUp:
    """The follow-up of one intervention from its daily counts per zone and category.

    Parameters
    ----------
    daily
        ``zone`` (target, buffer, control), ``day``, ``category``, ``n`` for the days
        ``plan.first``–``plan.last`` (days without incidents may be missing), as
        :func:`ostan_dash.store.interventions.zone_daily_counts` returns them.
    plan
        :func:`followup_plan`.
    selection
        :func:`selection_window` of the intervention's problem picture: a baseline overlapping
        it gets the regression-to-the-mean warning.

    Notes
    -----
    The evaluation runs once the intervention is running or finished; the SMART status is
    decided by :func:`smart_status` with that evaluation, so the overview, the evaluation tab
    and the CLI tell one story.
    """
    goal = goal_pct or 0.0
    b0, b1 = plan.baseline_period
    dispersion = zone_dispersion(daily, plan, has_control=has_control)
    trajectory = smart_trajectory(
        _window(_daily_target(daily), plan.start, plan.end),
        _window(_daily_target(daily), b0, b1),
        start=plan.start,
        end=plan.end,
        baseline_start=b0,
        today=today,
        goal_pct=goal,
    )
    evaluation = None
    table = None
    savings = None
    if plan.periods is not None and status in ("pagaende", "avslutad"):
        before, after = plan.periods
        tb, ta = _totals(daily, before), _totals(daily, after)
        counts = Counts(
            tb["target"],
            ta["target"],
            tb["buffer"],
            ta["buffer"],
            tb["control"] if has_control else None,
            ta["control"] if has_control else None,
        )
        evaluation = evaluate(
            counts,
            days=(after[1] - after[0]).days + 1,
            buffer_m=buffer_m,
            control_name=control_name,
            dispersion=dispersion,
        )
        table = zone_table(counts, buffer_m=buffer_m)
        trend = (
            counts.control_after / counts.control_before
            if counts.control_before and counts.control_after is not None
            else 1.0
        )
        zones = ("target", "buffer")
        savings = estimated_savings(
            _by_category(daily, before, zones),
            _by_category(daily, after, zones),
            unit_costs or {},
            trend=trend,
        )
    progress = smart_progress(
        trajectory,
        goal_pct=goal,
        today=today,
        cancelled=status == "installd",
        evaluation=evaluation,
        dispersion=dispersion.target.phi,
    )
    warnings = []
    rtm = regression_warning(plan.baseline_period, selection, kind=plan.baseline)
    if rtm:
        warnings.append(rtm)
    if evaluation is not None and evaluation.verdict != "displacement":
        relative = evaluation.buffer_did is not None
        ring = evaluation.buffer_did or evaluation.buffer_rate_ratio
        if ring.ratio >= 1.25 and not math.isinf(ring.ratio):
            warnings.append(
                f"Händelserna i omgivningen ökade med {fmt.percent((ring.ratio - 1) * 100)}"
                f"{' relativt kontrollområdet' if relative else ''} (95 % KI för kvoten "
                f"{fmt.number(ring.ci_low, 2)}–{fmt.number(ring.ci_high, 2)}); ökningen är inte "
                "säkerställd men kan vara början på en omfördelning."
            )
    return FollowUp(
        plan,
        trajectory,
        progress,
        evaluation,
        dispersion,
        table,
        savings,
        tuple(warnings),
        selection,
    )


def follow_up_row(
    daily: pl.DataFrame,
    row: Mapping[str, object],
    *,
    plan: FollowUpPlan,
    buffer_m: int,
    today: dt.date,
    unit_costs: Mapping[str, float] | None = None,
) -> FollowUp:
    """:func:`follow_up` for one row of :func:`ostan_dash.store.interventions.interventions`.

    The page and ``ostan-dash evaluate`` both call this after
    ``plan = followup_plan(...)`` and ``daily = store.interventions.zone_daily_counts(...)``.
    """
    chosen = row.get("problem_created") or row.get("created_date")
    return follow_up(
        daily,
        plan=plan,
        goal_pct=row.get("goal_reduction_pct"),  # type: ignore[arg-type]
        status=str(row["status"]),
        has_control=bool(row.get("has_control")),
        buffer_m=buffer_m,
        today=today,
        control_name=row.get("control_areas"),  # type: ignore[arg-type]
        unit_costs=unit_costs,
        selection=selection_window(chosen, data_until=row.get("problem_period_to")),  # type: ignore[arg-type]
    )


def _ci(r: RateRatio | RatioOfRateRatios | None) -> dict[str, float] | None:
    if r is None:
        return None

    def num(x: float) -> float | None:
        return None if math.isnan(x) or math.isinf(x) else float(f"{x:.4g}")

    return {
        "ratio": num(r.ratio),
        "ci_low": num(r.ci_low),
        "ci_high": num(r.ci_high),
        "p_value": num(r.p_value),
    }


def followup_json(fu: FollowUp, *, intervention: Mapping[str, object]) -> dict[str, object]:
    """A follow-up as plain JSON-able data (``ostan-dash evaluate ID --json``)."""

    def day(d: dt.date) -> str:
        return d.isoformat()

    def num(x: float | None, nd: int = 4) -> float | None:
        if x is None or math.isnan(x) or math.isinf(x):
            return None
        return round(float(x), nd)

    ev, p = fu.evaluation, fu.progress
    out: dict[str, object] = {
        "intervention": {
            "id": intervention.get("intervention_id"),
            "title": intervention.get("title"),
            "status": intervention.get("status"),
            "start": day(fu.plan.start),
            "end": day(fu.plan.end),
            "goal_reduction_pct": intervention.get("goal_reduction_pct"),
            "baseline": fu.plan.baseline,
            "buffer_m": intervention.get("buffer_m"),
        },
        "periods": {
            "baseline": [day(d) for d in fu.plan.baseline_period],
            "before": [day(d) for d in fu.plan.periods[0]] if fu.plan.periods else None,
            "after": [day(d) for d in fu.plan.periods[1]] if fu.plan.periods else None,
            "dispersion_weeks": [day(d) for d in fu.plan.dispersion_weeks],
            "problem_selected": [day(d) for d in fu.selection] if fu.selection else None,
        },
        "verdict": ev.verdict if ev else None,
        "verdict_text": VERDICT_LABELS[ev.verdict] if ev else None,
        "conclusion": ev.conclusion if ev else None,
        "estimates": None,
        "smart": {
            "status": p.status,
            "status_text": SMART_LABELS[p.status],
            "reason": p.reason,
            "rule": SMART_RULE,
            "goal_ratio": num(p.goal_ratio),
            "rate_ratio": _ci(p.rate_ratio),
            "reduction_pct": num(p.reduction_pct, 1),
            "actual": p.actual,
            "baseline_same_days": p.baseline_so_far,
            "baseline_total": p.baseline_total,
            "allowed_total": num(p.allowed_total, 1),
            "days_left": p.days_left,
        },
        "dispersion": {
            "target": num(fu.dispersion.target.phi, 3),
            "buffer": num(fu.dispersion.buffer.phi, 3),
            "control": num(fu.dispersion.control.phi, 3) if fu.dispersion.control else None,
        },
        "warnings": list(fu.warnings),
        "savings_sek": num(fu.savings, 0),
    }
    if ev is not None:
        c = ev.counts
        out["estimates"] = {
            "counts": {
                "target": [c.treated_before, c.treated_after],
                "buffer": [c.buffer_before, c.buffer_after],
                "control": [c.control_before, c.control_after] if c.has_control else None,
            },
            "rate_ratio": _ci(ev.rate_ratio),
            "did_ratio": _ci(ev.did),
            "buffer_rate_ratio": _ci(ev.buffer_rate_ratio),
            "buffer_did_ratio": _ci(ev.buffer_did),
            "wdq": num(ev.wdq.wdq),
            "wdd": {
                "estimate": num(ev.wdd.estimate, 2),
                "se": num(ev.wdd.se, 3),
                "ci_low": num(ev.wdd.ci_low, 2),
                "ci_high": num(ev.wdd.ci_high, 2),
                "p_value": num(ev.wdd.p_value),
            },
            "min_detectable_reduction_pct": num(ev.mde_pct, 1),
        }
    return out


# The Insatser page's decisions, as plain functions (issue 16) -----------------------------------

OVERVIEW_SMART_ORDER: tuple[SmartStatus, ...] = (
    "pa_vag",
    "i_riskzonen",
    "uppnatt",
    "ej_uppnatt",
    "ej_startad",
)
"""The SMART statuses the overview always counts, in the order of its cards."""


@dataclass(frozen=True)
class SmartCount:
    """One card of the overview: a SMART status and how many interventions have it."""

    status: SmartStatus
    label: str
    n: int


def smart_tally(statuses: list[str]) -> list[SmartCount]:
    """Interventions per SMART status, in the order the overview shows them.

    The five statuses of :data:`OVERVIEW_SMART_ORDER` are always shown (zero included);
    'ej säkerställt' and 'omfördelat' (:func:`smart_status`) only when some intervention has
    them, between 'uppnått' and 'ej uppnått', where a reader looks for the nuances of a goal
    reached in count.

    Examples
    --------
    >>> [(c.status, c.n) for c in smart_tally(["pa_vag", "omfordelat", "pa_vag"])]
    [('pa_vag', 2), ('i_riskzonen', 0), ('uppnatt', 0), ('omfordelat', 1), ('ej_uppnatt', 0), ('ej_startad', 0)]
    """
    keys: list[SmartStatus] = list(OVERVIEW_SMART_ORDER)
    keys[3:3] = [k for k in ("ej_sakerstallt", "omfordelat") if k in statuses]
    return [SmartCount(k, SMART_LABELS[k], statuses.count(k)) for k in keys]


def initial_status(start: dt.date, today: dt.date) -> str:
    """The status of a newly planned intervention: 'planerad' before its start, else 'pagaende'.

    >>> initial_status(dt.date(2026, 1, 2), dt.date(2026, 1, 1))
    'planerad'
    >>> initial_status(dt.date(2026, 1, 1), dt.date(2026, 1, 1))
    'pagaende'
    """
    return "planerad" if start > today else "pagaende"


def shows_days_left(status: str) -> bool:
    """Whether 'days left' means anything: only for a planned or ongoing intervention."""
    return status in ("planerad", "pagaende")


@dataclass(frozen=True)
class CostBalance:
    """An intervention's cost against its estimated savings (:func:`estimated_savings`)."""

    cost: float
    savings: float
    net: float
    uncertain: bool  # the savings rest on a change that is not statistically established


def cost_balance(cost_sek: float | None, savings: float | None, verdict: Verdict) -> CostBalance:
    """Savings minus cost; a missing cost or saving counts as 0 kr.

    The savings are flagged ``uncertain`` when the evaluation found no established effect or
    it is too early (:func:`evaluate`): the prevented incidents are then a point estimate of a
    change that may be chance.

    >>> cost_balance(100_000, 250_000.0, "success")
    CostBalance(cost=100000.0, savings=250000.0, net=150000.0, uncertain=False)
    >>> cost_balance(None, None, "no_effect").uncertain
    True
    """
    cost = float(cost_sek or 0)
    saved = float(savings or 0.0)
    return CostBalance(cost, saved, saved - cost, verdict in ("no_effect", "too_early"))
