"""Hot times: aoristic weekday × hour profiles of incidents with uncertain times.

An incident reported as "some time between Friday 18:00 and Monday 07:00" cannot be put in one
hour. Aoristic analysis (Ratcliffe 2002) spreads its weight of 1 over the hours of the week in
proportion to how much of the window falls in each hour, so that summing over incidents gives
an expected count per weekday and hour.

References
----------
Ratcliffe, J. H. (2002). Aoristic signatures and the spatio-temporal analysis of high volume
crime patterns. *Journal of Quantitative Criminology*, 18(1), 23–43.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import numpy as np
import polars as pl

Clock = Literal["elapsed", "wall"]

WEEKDAYS_SV: tuple[str, ...] = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")
"""Swedish weekday abbreviations, Monday first (ISO weekday 1–7)."""

HOURS_PER_WEEK = 168
_HOUR_US = 3_600_000_000
_WEEK_US = HOURS_PER_WEEK * _HOUR_US


def aoristic_weights(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    start: str = "occurred_from",
    end: str = "occurred_to",
    tz: str = "Europe/Stockholm",
    id_col: str = "id",
    clock: Clock = "elapsed",
) -> pl.DataFrame:
    """Aoristic weight of each incident in each hour of the week.

    Method of Ratcliffe (2002): every incident carries a weight of 1, split over the
    hour-of-week bins (local clock hours in `tz`) in proportion to the minutes of its time
    window ``[start, end]`` that fall in each bin.

    * ``end`` missing (null) or earlier than ``start``: weight 1 on the hour of ``start``.
    * ``end == start``: weight 1 on that hour.
    * a window of a week (168 h) or longer: 1/168 in every bin.

    Parameters
    ----------
    df
        Incidents, one per row.
    start, end
        Datetime columns bounding each incident's time window. Naive datetimes are local
        clock times in `tz`; time-zone aware ones are converted to `tz`. A naive time that
        occurs twice (autumn DST) is read as the first occurrence; one that does not exist
        (spring DST gap) is read with the offset in force before the gap, like Python's
        ``zoneinfo`` with ``fold=0``. Rows with a null start are left out.
    tz
        IANA time zone whose clock hours and weekdays are the bins. Its UTC offsets must be
        whole hours over the data (true of Europe/Stockholm and America/New_York).
    id_col
        Column identifying the incident, copied to the output.
    clock
        How a window that crosses a DST change is measured. ``"elapsed"`` (default) uses
        real elapsed time: on the autumn change day the repeated 02:00 hour counts twice
        toward hour 2, and the hour skipped in spring gets nothing. ``"wall"`` measures
        windows on the local wall clock as if there were no DST change, the way the
        ``aoristic`` R package of Ratcliffe does (its published tables are reproduced only in
        this mode): the skipped spring hour then gets weight and the repeated autumn hour
        counts once.

    Returns
    -------
    polars.DataFrame
        Columns ``id_col``, ``weekday`` (Int8, ISO: Monday = 1 … Sunday = 7), ``hour``
        (Int8, 0–23) and ``weight`` (Float64), sorted by id, weekday and hour. Bins with
        zero weight are omitted; the weights of each incident sum to 1.

    Notes
    -----
    The overlap is computed on UTC hour slots and each slot is labelled with its local
    weekday and hour. Because the offsets are whole hours, every UTC slot is exactly one
    local clock hour, so DST needs no special case. In ``"wall"`` mode the local clock
    times themselves are treated as instants of a clock without DST. Work is vectorised:
    one exploded row per (incident, hour slot touched), which for windows of up to a few
    days is a few rows per incident.
    """
    iv = _intervals(df.lazy(), start=start, end=end, tz=tz, clock=clock, keep=[id_col])
    lo, slot_bins = _slot_bins(iv, "UTC" if clock == "wall" else tz)
    short = (
        _exploded_slots(iv.lazy().filter(~_is_long()))
        .select(id_col, "weight", bin=pl.lit(slot_bins).gather(pl.col("slot") - lo))
        .collect()
    )
    long = (
        iv.filter(_is_long())
        .select(id_col)
        .join(pl.DataFrame({"bin": _week_bins()}), how="cross")
        .with_columns(weight=pl.lit(1 / HOURS_PER_WEEK))
    )
    # Sorting puts the rare repeated (incident, bin) pairs (the autumn DST hour, windows just
    # under a week) next to each other, where a segmented sum merges them without a group-by.
    merged = _sum_runs(
        pl.concat([short, long], how="diagonal").sort(id_col, "bin"), [id_col, "bin"]
    )
    return merged.select(
        id_col,
        weekday=(pl.col("bin") // 24 + 1).cast(pl.Int8),
        hour=(pl.col("bin") % 24).cast(pl.Int8),
        weight="weight",
    )


def hot_time_matrix(
    df: pl.DataFrame | pl.LazyFrame,
    *,
    start: str = "occurred_from",
    end: str = "occurred_to",
    tz: str = "Europe/Stockholm",
    id_col: str = "id",
    clock: Clock = "elapsed",
) -> pl.DataFrame:
    """Aoristic weekday × hour matrix: the summed weights of :func:`aoristic_weights`.

    Same method and options as :func:`aoristic_weights` (Ratcliffe 2002); `id_col` is
    accepted for symmetry and not needed.

    Rather than exploding incidents into hour slots, each window adds its two partial end
    slots directly and its run of whole slots (each worth 1 h / duration) through a
    difference array whose cumulative sum gives every slot's total; the slots are then
    summed into their local weekday and hour. This is linear in the number of incidents
    plus the number of hours in the data's time span.

    Returns
    -------
    polars.DataFrame
        Always 168 rows, every weekday (1–7, Monday first) and hour (0–23), sorted, with
        column ``weight`` (Float64; 0.0 for empty bins). The weights sum to the number of
        incidents with a start time.
    """
    del id_col  # the matrix does not need incident ids
    iv = _intervals(df.lazy(), start=start, end=end, tz=tz, clock=clock, keep=[])
    lo, slot_bins = _slot_bins(iv, "UTC" if clock == "wall" else tz)
    short = iv.filter(~_is_long())
    per_slot = _slot_sums(short["s"].to_numpy(), short["e"].to_numpy(), lo=lo, n=len(slot_bins))
    per_bin = np.bincount(slot_bins.to_numpy(), weights=per_slot, minlength=HOURS_PER_WEEK)
    n_long = iv.height - short.height
    bins = _week_bins()
    return pl.DataFrame(
        {
            "weekday": (bins // 24 + 1).cast(pl.Int8),
            "hour": (bins % 24).cast(pl.Int8),
            "weight": per_bin + n_long / HOURS_PER_WEEK,
        }
    )


def hot_time_wide(matrix: pl.DataFrame, *, hour_col: str | None = None) -> pl.DataFrame:
    """Reshape a weekday × hour matrix to 24 rows (hours 0–23) × 7 weekday columns.

    Parameters
    ----------
    matrix
        Long frame with columns ``weekday`` (1–7, Monday = 1), ``hour`` and ``weight``, as
        returned by :func:`hot_time_matrix`. Missing bins count as 0.
    hour_col
        If given, a first column of this name holds the hour; otherwise row *i* is hour *i*.

    Returns
    -------
    polars.DataFrame
        Columns ``"mån", "tis", "ons", "tor", "fre", "lör", "sön"`` (Monday first).
    """
    full = (
        _week_grid()
        .join(
            matrix.lazy().select(pl.col("weekday", "hour").cast(pl.Int8), "weight"),
            on=["weekday", "hour"],
            how="left",
        )
        .with_columns(pl.col("weight").fill_null(0.0))
        .collect()
    )
    wide = full.pivot(on="weekday", index="hour", values="weight", sort_columns=True).sort("hour")
    wide = wide.rename({str(d): name for d, name in enumerate(WEEKDAYS_SV, start=1)})
    first = [pl.col("hour").alias(hour_col)] if hour_col else []
    return wide.select(*first, *WEEKDAYS_SV)


def _intervals(
    lf: pl.LazyFrame, *, start: str, end: str, tz: str, clock: Clock, keep: list[str]
) -> pl.DataFrame:
    """Windows as epoch microseconds ``s``, ``e``, with a null or reversed end set to s.

    In ``"elapsed"`` mode these are UTC instants; in ``"wall"`` mode local wall-clock times
    read as if they were UTC, so that the time arithmetic ignores DST.
    """
    if clock not in ("elapsed", "wall"):
        raise ValueError(f"clock must be 'elapsed' or 'wall', not {clock!r}")
    raw = lf.select(*keep, start, end).collect()
    s = _epoch_us(raw[start], tz=tz, clock=clock)
    e = _epoch_us(raw[end], tz=tz, clock=clock)
    return (
        raw.select(*keep)
        .with_columns(s=s, e=e)
        .filter(pl.col("s").is_not_null())
        .with_columns(
            e=pl.when(pl.col("e").is_null() | (pl.col("e") < pl.col("s")))
            .then(pl.col("s"))
            .otherwise(pl.col("e"))
        )
    )


def _epoch_us(times: pl.Series, *, tz: str, clock: Clock) -> pl.Series:
    """Epoch microseconds of a Datetime or Date series: the UTC instant for ``"elapsed"``,
    the local wall-clock time in `tz` read as if it were UTC for ``"wall"``."""
    if times.dtype == pl.Date:
        times = times.cast(pl.Datetime("us"))
    elif not isinstance(times.dtype, pl.Datetime):
        raise TypeError(f"column {times.name!r} must be Datetime or Date, not {times.dtype}")
    zone = times.dtype.time_zone
    if clock == "wall":
        if zone is not None:
            times = times.dt.convert_time_zone(tz).dt.replace_time_zone(None)
        return times.dt.epoch("us")
    if zone is None:
        return _localized_epoch_us(times, tz)
    return times.dt.epoch("us")


def _localized_epoch_us(naive: pl.Series, tz: str) -> pl.Series:
    """UTC epoch microseconds of naive clock times read as local time in `tz`.

    The UTC offset is looked up once per local clock hour of the data's span and gathered
    for every row, which is much faster than localising millions of values; it is exact
    because the offsets, and so the DST changes, fall on whole hours.
    """
    wall = naive.dt.epoch("us")
    lo, hi = wall.min(), wall.max()
    if lo is None:
        return wall
    hours = pl.int_range(lo // _HOUR_US, hi // _HOUR_US + 1, eager=True) * _HOUR_US
    offsets = hours - _localize(hours.cast(pl.Datetime("us")), tz).dt.epoch("us")
    return wall - offsets.gather(wall // _HOUR_US - lo // _HOUR_US)


def _localize(naive: pl.Series, tz: str) -> pl.Series:
    """Read naive clock times as local time in `tz`.

    A time repeated by the autumn change is read as its first occurrence. A time in the
    spring gap does not exist; it is read with the offset in force before the gap (as
    zoneinfo does with ``fold=0``) by localising it one hour earlier and adding the hour
    back. The gap is rare, so that second pass only touches the rows that need it.
    """
    local = naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    in_gap = local.is_null() & naive.is_not_null()
    if in_gap.any():
        hour = timedelta(hours=1)
        shifted = (naive.filter(in_gap) - hour).dt.replace_time_zone(tz, ambiguous="earliest")
        local = local.scatter(in_gap.arg_true(), shifted + hour)
    return local


def _is_long() -> pl.Expr:
    return (pl.col("e") - pl.col("s")) >= _WEEK_US


def _exploded_slots(lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row per (window, UTC hour slot it touches) with the slot's share of the window."""
    s, e = pl.col("s"), pl.col("e")
    first = s.floordiv(_HOUR_US)
    # The slot holding the last instant of the window; a point window stays in its start slot.
    last = pl.max_horizontal(first, (e - 1).floordiv(_HOUR_US))
    slot_start = pl.col("slot") * _HOUR_US
    overlap = pl.min_horizontal(e, slot_start + _HOUR_US) - pl.max_horizontal(s, slot_start)
    return (
        lf.with_columns(slot=pl.int_ranges(first, last + 1))
        .explode("slot", empty_as_null=True)
        .with_columns(
            weight=pl.when(e == s)
            .then(pl.lit(1.0))
            .otherwise(overlap.cast(pl.Float64) / (e - s).cast(pl.Float64))
        )
        .drop("s", "e")
        .filter(pl.col("weight") > 0)
    )


def _slot_sums(s: np.ndarray, e: np.ndarray, *, lo: int, n: int) -> np.ndarray:
    """Total aoristic weight in each of `n` hour slots from slot `lo`, for windows shorter
    than a week given as epoch microseconds (no explode: a difference array)."""
    first = s // _HOUR_US
    last = np.maximum(first, (e - 1) // _HOUR_US)
    duration = (e - s).astype(np.float64)
    single = first == last
    multi = ~single
    d, f, la, sm, em = duration[multi], first[multi], last[multi], s[multi], e[multi]
    head = ((f + 1) * _HOUR_US - sm) / d
    tail = (em - la * _HOUR_US) / d
    whole = _HOUR_US / d  # weight of each slot strictly between the first and the last
    step = np.bincount(f + 1 - lo, weights=whole, minlength=n + 1)
    step -= np.bincount(la - lo, weights=whole, minlength=n + 1)
    return (
        np.bincount(first[single] - lo, minlength=n).astype(np.float64)
        + np.bincount(f - lo, weights=head, minlength=n)
        + np.bincount(la - lo, weights=tail, minlength=n)
        + np.cumsum(step)[:n]
    )


def _slot_bins(iv: pl.DataFrame, tz: str) -> tuple[int, pl.Series]:
    """Hour-of-week bin, ``(weekday - 1) * 24 + hour`` in local time, of every UTC hour slot
    spanned by the windows in `iv`, with the number of the first slot.

    One entry per hour of the data's time span (87 600 for ten years), so the time-zone
    conversion runs once per slot and the exploded rows only index into it.
    """
    lo, hi = iv.select(pl.col("s").min() // _HOUR_US, pl.col("e").max() // _HOUR_US).row(0)
    if lo is None:
        lo, hi = 0, 0
    local = (pl.col("slot") * _HOUR_US).cast(pl.Datetime("us", "UTC")).dt.convert_time_zone(tz)
    labels = pl.DataFrame({"slot": pl.int_range(lo, hi + 1, eager=True)}).select(
        bin=(local.dt.weekday().cast(pl.Int16) - 1) * 24 + local.dt.hour(),
        minute=local.dt.minute(),
    )
    if (labels["minute"] != 0).any():
        raise ValueError(f"time zone {tz!r} has a UTC offset that is not a whole number of hours")
    return lo, labels["bin"]


def _sum_runs(df: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Merge consecutive rows with equal `keys` (`df` sorted by them), summing ``weight``."""
    new_run = pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift(1)) for k in keys)
    run = df.select(new_run.fill_null(True).cum_sum() - 1).to_series().to_numpy()
    totals = np.bincount(run, weights=df["weight"].to_numpy())
    return df.filter(new_run.fill_null(True)).with_columns(weight=pl.Series(totals))


def _week_bins() -> pl.Series:
    return pl.int_range(0, HOURS_PER_WEEK, eager=True, dtype=pl.Int16).alias("bin")


def _week_grid() -> pl.LazyFrame:
    """All 168 (weekday, hour) bins, Int8 like Polars' own weekday and hour."""
    return (
        pl.LazyFrame({"weekday": pl.int_range(1, 8, eager=True, dtype=pl.Int8)})
        .join(pl.LazyFrame({"hour": pl.int_range(0, 24, eager=True, dtype=pl.Int8)}), how="cross")
        .sort("weekday", "hour")
    )
