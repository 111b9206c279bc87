"""Swedish wording of numbers, percentages, dates and p-values, for any layer.

The analysis modules write plain-Swedish conclusions and must not import :mod:`ostan_dash.ui`
(an arrow pointing up); :mod:`ostan_dash.ui.fmt` re-exports these so the pages keep one
``fmt`` module. Numbers are written ``1 234,5`` (no-break space, decimal comma, real minus).
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

NBSP = "\u00a0"
MINUS = "\u2212"


def number(value: float | int | None, decimals: int = 0) -> str:
    """``1234.5`` → ``"1 234,5"``: space as thousands separator, decimal comma, real minus sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else f"{MINUS}∞"
    text = f"{abs(value):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return (
        MINUS if value < 0 and float(text.replace(NBSP, "").replace(",", ".")) != 0 else ""
    ) + text


def _two_product(frame: pl.DataFrame, a: str, b: float) -> pl.DataFrame:
    """Adds ``p``, the rounded product ``a · b``, and ``err``, its exact error (Dekker 1971, "A
    floating-point technique for extending the available precision", TwoProduct with
    Veltkamp's splitting): ``p + err`` equals the real product exactly, for finite values
    below 2**996. Each step is a column of its own, so no part is computed twice."""
    split = 2.0**27 + 1
    b_hi = b * split - (b * split - b)
    b_lo = b - b_hi
    x = pl.col(a)
    return (
        frame.with_columns(_c=x * split, p=x * b)
        .with_columns(_hi=pl.col("_c") - (pl.col("_c") - x))
        .with_columns(_lo=x - pl.col("_hi"))
        .with_columns(
            err=((pl.col("_hi") * b_hi - pl.col("p")) + pl.col("_hi") * b_lo + pl.col("_lo") * b_hi)
            + pl.col("_lo") * b_lo
        )
        .drop("_c", "_hi", "_lo")
    )


def number_series(values: pl.Series, decimals: int = 0) -> pl.Series:
    """:func:`number` for a whole column at once (map tooltips of thousands of cells): the
    same text for every value, without a Python call per value.

    Python rounds the exact binary value (2.675 is stored as 2.67499…, so ``2,67``); the
    scaled value ``|v| · 10^d`` is exact up to the error of one multiplication, which
    :func:`_two_product` recovers, so a product that lands on a half is rounded by the sign
    of that error (half to even only for a true tie). The whole and decimal digits are then
    integers, and the groups of three are set off by reversing the digits."""
    v, p, err, digits = pl.col("v"), pl.col("p"), pl.col("err"), pl.col("digits")
    frame = pl.DataFrame({"v": values.cast(pl.Float64)}).with_columns(a=v.abs())
    frame = _two_product(frame, "a", float(10**decimals)).with_columns(down=p.floor())
    frac = p - pl.col("down")
    up = (
        pl.when(frac > 0.5)
        .then(True)
        .when(frac < 0.5)
        .then(False)
        .when(err != 0)
        .then(err > 0)
        .otherwise(pl.col("down") % 2 == 1)
    )
    frame = frame.with_columns(
        digits=pl.when(p.is_finite() & (p < _EXACT)).then(
            (pl.col("down") + up.cast(pl.Float64)).cast(pl.Int64)
        )
    )
    whole = frame.select((digits // 10**decimals).max()).item()
    grouped = _grouped(digits // 10**decimals, len(str(whole or 0)))
    if decimals:
        part = (digits % 10**decimals).cast(pl.Utf8).str.zfill(decimals)
        grouped = pl.concat_str(grouped, pl.lit(","), part)
    text = (
        pl.when(v.is_null() | v.is_nan())
        .then(pl.lit("–"))
        .when(v.is_infinite())
        .then(pl.when(v > 0).then(pl.lit("∞")).otherwise(pl.lit(MINUS + "∞")))
        .when((v < 0) & (digits > 0))
        .then(pl.lit(MINUS) + grouped)
        .otherwise(grouped)
    )
    out = frame.select(text.alias(values.name)).to_series()
    # From 2^53 the scaled value's whole digits are no longer exact in a float (and past 2^63
    # not even an integer column's): the few such values (never a tooltip's) are written one
    # by one.
    huge = frame.select(p.is_finite() & (p >= _EXACT)).to_series().arg_true()
    if huge.len():
        out = out.scatter(huge, [number(x, decimals) for x in values.gather(huge).to_list()])
    return out


_EXACT = 2.0**53
"""Below this a float holds every whole number exactly."""


def _grouped(whole: pl.Expr, width: int) -> pl.Expr:
    """Whole numbers (not negative, at most ``width`` digits) with a no-break space between
    groups of three: the leading group as it is, each lower group padded to three digits. By
    arithmetic on the groups (a tenth of the cost of reversing the text around a regex)."""
    groups = max(1, (width + 2) // 3)
    expr = whole.cast(pl.Utf8)  # below 1 000
    for top in range(1, groups):
        parts = [(whole // 1000**top).cast(pl.Utf8)]
        for k in range(top - 1, -1, -1):
            parts += [pl.lit(NBSP), ((whole // 1000**k) % 1000).cast(pl.Utf8).str.zfill(3)]
        expr = pl.when(whole >= 1000**top).then(pl.concat_str(parts)).otherwise(expr)
    return expr


def percent(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """A percentage in Swedish style: ``12,5 %``; ``signed`` adds ``+`` to increases."""
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "–"
    text = number(value, decimals)
    if signed and value > 0 and text != number(0, decimals):
        text = "+" + text
    return f"{text}{NBSP}%"


def date(d: dt.date | dt.datetime) -> str:
    """ISO date, the Swedish standard: ``2026-11-26``."""
    return d.strftime("%Y-%m-%d")


def p_value(p: float) -> str:
    """``p = 0,012``, ``p < 0,001`` or ``p –`` (not computable)."""
    if math.isnan(p):
        return "p –"
    return "p < 0,001" if p < 0.001 else f"p = {number(p, 3)}"


def count(n: int | float, singular: str, plural: str) -> str:
    """A number with its noun in the right form: ``1 händelse``, ``2 händelser``,
    ``1 234 händelser``, ``0 händelser`` (Swedish takes the singular only for exactly one)."""
    return f"{number(n)} {singular if n == 1 else plural}"


MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
WEEKDAYS_SHORT = ("mån", "tis", "ons", "tor", "fre", "lör", "sön")


def long_date(d: dt.date) -> str:
    """``26 november 2026``."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def datetime_local(t: dt.datetime) -> str:
    """``2026-11-26 18:05`` in the time zone the value carries (Europe/Stockholm in this product)."""
    return t.strftime("%Y-%m-%d %H:%M")


def iso_week(d: dt.date) -> str:
    """``v. 48 2026``: the ISO week (Monday first) and its ISO year."""
    year, week, _ = d.isocalendar()
    return f"v.{NBSP}{week} {year}"


def week_range(monday: dt.date) -> str:
    """``v. 47 2026 (16–22 november)``."""
    sunday = monday + dt.timedelta(days=6)
    if monday.month == sunday.month:
        span = f"{monday.day}–{sunday.day} {MONTHS[sunday.month - 1]}"
    else:
        span = f"{monday.day} {MONTHS[monday.month - 1]}–{sunday.day} {MONTHS[sunday.month - 1]}"
    return f"{iso_week(monday)} ({span})"
