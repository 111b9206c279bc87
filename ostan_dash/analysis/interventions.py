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
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import polars as pl

from ostan_dash.analysis.evaluation import (
    DifferenceTest,
    DisplacementQuotient,
    RateRatio,
    RatioOfRateRatios,
    did_ratio,
    rate_ratio_test,
    wdd,
    wdq,
)
from ostan_dash.ui import fmt

Baseline = Literal["foregaende_period", "samma_period_forra_aret"]
SmartStatus = Literal["ej_startad", "pa_vag", "i_riskzonen", "uppnatt", "ej_uppnatt", "installd"]
Verdict = Literal["success", "displacement", "diffusion", "no_effect", "too_early"]

BASELINE_LABELS: dict[str, str] = {
    "foregaende_period": "Lika lång period närmast före",
    "samma_period_forra_aret": "Samma kalenderperiod året innan",
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
    "ej_uppnatt": "ej uppnått",
    "installd": "inställd",
}
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


def smart_status(
    *,
    actual_so_far: int,
    baseline_so_far: int,
    baseline_total: int,
    goal_pct: float,
    days_elapsed: int,
    days_total: int,
    cancelled: bool = False,
) -> SmartProgress:
    """SMART status of an intervention from its counts so far.

    The rule (documented for the operative group):

    * **inställd** if cancelled; **ej startad** before the first day (``days_elapsed`` 0).
    * The goal allows at most ``(1 − goal/100) × baseline_total`` incidents over the period.
    * Finished (``days_elapsed ≥ days_total``): **uppnått** if the count stayed within that,
      else **ej uppnått**.
    * Running: **ej uppnått** as soon as the count already exceeds the allowance (it cannot
      fall); otherwise the reduction at the current pace,
      ``1 − actual_so_far / baseline_so_far`` (the baseline on the same days, so its season
      is kept), is projected to the end: **på väg** if it reaches the goal, **i riskzonen** if
      it falls short. With no baseline incidents yet, **på väg** while nothing has happened.
    """
    allowed = (1 - goal_pct / 100) * baseline_total
    reduction = (1 - actual_so_far / baseline_so_far) * 100 if baseline_so_far else math.nan
    days_left = max(0, days_total - days_elapsed)

    def result(status: SmartStatus) -> SmartProgress:
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
        )

    if cancelled:
        return result("installd")
    if days_elapsed <= 0:
        return result("ej_startad")
    if days_elapsed >= days_total:
        return result("uppnatt" if actual_so_far <= allowed else "ej_uppnatt")
    if actual_so_far > allowed:
        return result("ej_uppnatt")
    if baseline_so_far == 0:
        return result("pa_vag" if actual_so_far == 0 else "i_riskzonen")
    return result("pa_vag" if reduction >= goal_pct else "i_riskzonen")


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


def _p(p: float) -> str:
    if math.isnan(p):
        return "p –"
    return "p < 0,001" if p < 0.001 else f"p = {fmt.number(p, 3)}"


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

    Verdict rule:

    * ``too_early`` — fewer than :data:`MIN_DAYS` days, or fewer than :data:`MIN_COUNT`
      incidents in the target before and after together;
    * ``no_effect`` — the target's fall (relative to the control when there is one) is not
      significant at ``alpha``: "minskningen är inte statistiskt säkerställd";
    * otherwise ``displacement`` if the buffer rose significantly, ``diffusion`` if it fell
      significantly, else ``success``.
    """
    c = counts
    rr = rate_ratio_test(c.treated_before, c.treated_after)
    did = (
        did_ratio(c.treated_before, c.treated_after, c.control_before, c.control_after)
        if c.has_control
        else None
    )
    brr = rate_ratio_test(c.buffer_before, c.buffer_after)
    bdid = (
        did_ratio(c.buffer_before, c.buffer_after, c.control_before, c.control_after)
        if c.has_control
        else None
    )
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

    text = _conclusion(
        verdict,
        c,
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
    return Evaluation(verdict, rr, did, bdid, brr, q, d, text, c, days)


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
    counts = {k: 0 for k in FIDELITY_LABELS}
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
    if smart in ("i_riskzonen", "ej_uppnatt"):
        return "Ta upp i BF-gruppen: målet nås inte i nuvarande takt – justera eller förstärk."
    return f"Fortsätt enligt plan; nästa uppföljning senast {fmt.date(last_log + dt.timedelta(days=30))}."


def smart_progress(
    trajectory: pl.DataFrame, *, goal_pct: float, today: dt.date, cancelled: bool = False
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
    )
