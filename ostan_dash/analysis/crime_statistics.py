"""Our municipality's reported crimes against the country's and other municipalities' (Brå).

Brå's statistics give, per region, crime type and year, the number of reported crimes and the
number per 100 000 of the mean population. A rate from a count is uncertain like any count:
a small municipality's rate jumps from year to year by chance alone. So each rate carries an
exact Poisson 95 % confidence interval, and a region is called higher or lower than the country
only when an exact test says so after correcting for the several crime types looked at.

Method
------
* **Exposure** (the population the rate is per): the file's Folkmängd, else
  ``antal · 100 000 / per 100 000`` (Brå's own rate solved for the population it used), else
  unknown: such a row shows Brå's rate without interval or test.
* **Rate and interval**: ``antal / exposure · 100 000`` with Garwood's exact interval for a
  Poisson count (Garwood 1936), ``[χ²(α/2; 2x) / 2, χ²(1 − α/2; 2x + 2) / 2]`` scaled the same
  way (:func:`garwood_interval`).
* **Test against the country**: the expected count is the national rate times the region's
  exposure; the exact two-sided Poisson test doubles the smaller tail,
  ``p = min(1, 2 · min(P(X ≤ x), P(X ≥ x)))`` with ``X ~ Poisson(expected)``
  (:func:`poisson_test`). It is the test whose inversion is Garwood's interval, so before any
  correction a region differs exactly when its interval leaves out the national rate. The
  national rate is taken as known (the country's count is large); the region is part of it, so
  a large region is, if anything, compared with a rate closer to its own.
* **Several crime types**: a region's p-values over the crime types of the year are corrected
  by Benjamini and Hochberg (1995), false discovery rate 5 % (:func:`benjamini_hochberg`). The
  verdict is ``högre`` or ``lägre`` when the corrected value is below 5 %, else ``ingen säker
  skillnad``.

References
----------
Garwood, F. (1936). Fiducial limits for the Poisson distribution. *Biometrika* 28(3/4), 437–442.
Benjamini, Y. and Hochberg, Y. (1995). Controlling the false discovery rate: a practical and
powerful approach to multiple testing. *J. R. Stat. Soc. B* 57(1), 289–300.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl
from scipy import stats

from ostan_dash.schema import CRIME_STATISTICS
from ostan_dash.text import number_series

LEVEL = 0.95
ALPHA = 0.05  # the false discovery rate over a region's crime types in a year
PER = 100_000

HIGHER, LOWER, NO_DIFFERENCE = "högre", "lägre", "ingen säker skillnad"
NATIONAL_VERDICT = "jämförelsen"  # the national row is what the others are compared with

STATS_SCHEMA = CRIME_STATISTICS
"""The stored rows (``ostan_dash.store.crime_statistics.rows``)."""

METHOD_TEXT = (
    "Antal per 100 000 invånare med exakt 95 % konfidensintervall för ett Poissonfördelat antal "
    "(Garwood). Jämfört med riket: exakt tvåsidigt Poissontest av kommunens antal mot det "
    "förväntade (rikets takt × kommunens folkmängd), korrigerat för årets alla brottstyper i "
    "kommunen med Benjamini–Hochberg (5 % falska upptäckter). ”Högre” eller ”lägre” betyder att "
    "skillnaden håller efter korrigeringen; ”ingen säker skillnad” att den kan bero på slumpen."
    " Folkmängden är filens, annars den Brås takt bygger på (antal · 100 000 / takt)."
)


def garwood_interval(
    count: np.ndarray | pl.Series | float, *, level: float = LEVEL
) -> tuple[np.ndarray, np.ndarray]:
    """Garwood's exact confidence interval for the mean of a Poisson count.

    Parameters
    ----------
    count
        Observed counts ``x ≥ 0`` (NaN gives NaN).
    level
        Confidence level, 0.95 by default.

    Returns
    -------
    (lower, upper)
        ``χ²(α/2; 2x) / 2`` (0 for ``x = 0``) and ``χ²(1 − α/2; 2x + 2) / 2``, ``α = 1 − level``
        (Garwood 1936).

    Examples
    --------
    >>> lo, hi = garwood_interval(10)
    >>> round(float(lo), 3), round(float(hi), 2)
    (4.795, 18.39)
    """
    x = np.asarray(count, dtype=float)
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, stats.chi2.ppf(alpha / 2, 2 * np.maximum(x, 1)) / 2, 0.0)
        upper = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    lower = np.where(np.isnan(x), np.nan, lower)
    return lower, upper


def poisson_test(observed: np.ndarray | pl.Series, expected: np.ndarray | pl.Series) -> np.ndarray:
    """Exact two-sided test of a Poisson count against its expected value.

    ``p = min(1, 2 · min(P(X ≤ x), P(X ≥ x)))``, ``X ~ Poisson(expected)``: twice the smaller
    tail, the test Garwood's interval inverts. NaN where either input is missing or the
    expected count is not positive.

    Examples
    --------
    >>> [round(float(p), 4) for p in poisson_test([10, 20, 5], [10.0, 10.0, 10.0])]
    [1.0, 0.0069, 0.1342]
    """
    x = np.asarray(observed, dtype=float)
    m = np.asarray(expected, dtype=float)
    ok = np.isfinite(x) & np.isfinite(m) & (m > 0)
    xs, ms = np.where(ok, x, 0.0), np.where(ok, m, 1.0)
    lower = stats.poisson.cdf(xs, ms)
    upper = stats.poisson.sf(xs - 1, ms)
    p = np.minimum(1.0, 2 * np.minimum(lower, upper))
    return np.where(ok, p, np.nan)


def benjamini_hochberg(p: np.ndarray | pl.Series) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (NaN stays NaN and does not count in the family).

    ``q_(i) = min_{j ≥ i} p_(j) · m / j`` over the ``m`` values sorted ascending (Benjamini and
    Hochberg 1995); a hypothesis is rejected at false discovery rate ``α`` when ``q < α``.

    Examples
    --------
    >>> [round(float(q), 3) for q in benjamini_hochberg([0.01, 0.04, 0.03, np.nan])]
    [0.03, 0.04, 0.04, nan]
    """
    p = np.asarray(p, dtype=float)
    q = np.full_like(p, np.nan)
    idx = np.flatnonzero(~np.isnan(p))
    if idx.size == 0:
        return q
    order = idx[np.argsort(p[idx], kind="stable")]
    m = order.size
    scaled = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    return q


def _group_bh(frame: pl.DataFrame, group: list[str]) -> pl.Series:
    """:func:`benjamini_hochberg` of ``p`` within each group of ``frame`` (row order kept)."""
    indexed = frame.with_row_index("_i").select("_i", *group, "p")
    parts = [
        pl.DataFrame({"_i": g["_i"], "q": benjamini_hochberg(g["p"].to_numpy())})
        for g in indexed.partition_by(group, maintain_order=True)
    ]
    return pl.concat(parts).sort("_i")["q"] if parts else pl.Series("q", [], pl.Float64)


def name_forms(name: str) -> set[str]:
    """The forms of a municipality's name a file may use, lower case: ``Göteborgs kommun`` →
    ``göteborgs kommun``, ``göteborg``, ``göteborgs``.

    >>> sorted(name_forms("Östan kommun"))
    ['östan', 'östan kommun']
    """
    full = re.sub(r"\s+", " ", name.strip().lower())
    short = re.sub(r"\s+kommun$", "", full)
    forms = {full, short}
    if full.endswith("s kommun") and short.endswith("s"):
        forms.add(short[:-1])
    return {f for f in forms if f}


def is_ours(*, code: str | None, name: str | None) -> pl.Expr:
    """Our municipality's rows: by SCB's code when both the setting and the row have one, else
    by name (:func:`name_forms`)."""
    by_name = (
        pl.col("region_name")
        .str.to_lowercase()
        .str.replace(r"\s+kommun$", "")
        .is_in(sorted(name_forms(name)))
        if name
        else pl.lit(False)
    )
    by_code = (pl.col("region_code") == code) if code else pl.lit(None, dtype=pl.Boolean)
    return pl.when(pl.col("region_code").is_not_null() & pl.lit(bool(code))).then(
        by_code
    ).otherwise(by_name).fill_null(False) & ~pl.col("is_national")


def compare(
    rows: pl.DataFrame,
    *,
    year: int,
    code: str | None = None,
    name: str | None = None,
    alpha: float = ALPHA,
    level: float = LEVEL,
) -> pl.DataFrame:
    """Every region of ``year`` against the national rate, with intervals and verdicts.

    Parameters
    ----------
    rows
        Stored rows (:data:`STATS_SCHEMA`), any years.
    year
        The year compared.
    code, name
        Our municipality (the setting ``kommun``): marks our rows (``is_ours``).
    alpha
        False discovery rate over a region's crime types of the year (Benjamini–Hochberg).
    level
        Confidence level of the intervals.

    Returns
    -------
    pl.DataFrame
        One row per region and crime type of ``year``: ``region, region_code, is_national,
        is_ours, crime_type, count, exposure, rate, lower, upper`` (per 100 000), ``national_rate,
        expected, p, q`` and ``verdict`` (:data:`HIGHER`, :data:`LOWER`, :data:`NO_DIFFERENCE`,
        :data:`NATIONAL_VERDICT` for the country, null when it cannot be tested: no exposure or
        no national row). Sorted: the country, ours, then the others by name.
    """
    y = rows.filter(pl.col("year") == year)
    exposure = (
        pl.when(pl.col("population") > 0)
        .then(pl.col("population").cast(pl.Float64))
        .when(pl.col("per_100k") > 0)
        .then(pl.col("count") * PER / pl.col("per_100k"))
    )
    y = y.with_columns(exposure=exposure).with_columns(
        rate=pl.coalesce(pl.col("count") / pl.col("exposure") * PER, pl.col("per_100k")),
        is_ours=is_ours(code=code, name=name),
    )
    lo, hi = garwood_interval(y["count"].cast(pl.Float64).to_numpy(), level=level)
    national = (
        y.filter(pl.col("is_national"))
        .group_by("crime_type")
        .agg(national_rate=pl.col("rate").first())
    )
    y = (
        y.with_columns(lower=pl.Series(lo), upper=pl.Series(hi))
        .with_columns(
            lower=pl.col("lower") / pl.col("exposure") * PER,
            upper=pl.col("upper") / pl.col("exposure") * PER,
        )
        .join(national, on="crime_type", how="left")
        .with_columns(
            expected=pl.when(~pl.col("is_national")).then(
                pl.col("national_rate") * pl.col("exposure") / PER
            )
        )
    )
    y = y.with_columns(p=pl.Series(poisson_test(y["count"].to_numpy(), y["expected"].to_numpy())))
    y = y.with_columns(p=pl.col("p").fill_nan(None))
    y = y.with_columns(q=_group_bh(y, ["region_code", "region_name"]).fill_nan(None))
    verdict = (
        pl.when(pl.col("is_national"))
        .then(pl.lit(NATIONAL_VERDICT))
        .when(pl.col("q").is_null())
        .then(pl.lit(None, dtype=pl.Utf8))
        .when((pl.col("q") < alpha) & (pl.col("count") > pl.col("expected")))
        .then(pl.lit(HIGHER))
        .when((pl.col("q") < alpha) & (pl.col("count") < pl.col("expected")))
        .then(pl.lit(LOWER))
        .otherwise(pl.lit(NO_DIFFERENCE))
    )
    return (
        y.with_columns(verdict=verdict, region=pl.col("region_name"))
        .sort(
            [~pl.col("is_national"), ~pl.col("is_ours"), pl.col("region_name"), "crime_type"],
            maintain_order=True,
        )
        .select(
            "region",
            "region_code",
            "is_national",
            "is_ours",
            "crime_type",
            "count",
            "exposure",
            "rate",
            "lower",
            "upper",
            "national_rate",
            "expected",
            "p",
            "q",
            "verdict",
        )
    )


def years(rows: pl.DataFrame) -> list[int]:
    """The years of the file, newest first."""
    return sorted(rows["year"].unique().drop_nulls().to_list(), reverse=True)


def crime_types(rows: pl.DataFrame, year: int) -> list[str]:
    """The crime types of ``year``, Brå's total (``Samtliga brott``) first, then by name."""
    found = rows.filter(pl.col("year") == year)["crime_type"].unique().drop_nulls().to_list()
    return sorted(found, key=lambda t: (not t.lower().startswith("samtliga"), t.lower()))


def table(compared: pl.DataFrame, crime_type: str) -> pl.DataFrame:
    """The screen's table for one crime type: Region, Antal, Per 100 000 inv., 95 % KI,
    Jämfört med riket (the interval as text, numbers Swedish: ``1 234,5–1 456,7``)."""
    t = compared.filter(pl.col("crime_type") == crime_type)
    t = t.with_columns(
        _lo=number_series(t["lower"], 1), _hi=number_series(t["upper"], 1)
    ).with_columns(
        ci=pl.when(pl.col("lower").is_not_null() & pl.col("upper").is_not_null())
        .then(pl.col("_lo") + "–" + pl.col("_hi"))
        .otherwise(pl.lit("–"))
    )
    region = (
        pl.when(pl.col("is_ours"))
        .then(pl.col("region") + " (vår kommun)")
        .otherwise(pl.col("region"))
    )
    return t.select(
        region.alias("Region"),
        pl.col("count").alias("Antal"),
        pl.col("rate").round(1).alias("Per 100 000 inv."),
        pl.col("ci").alias("95 % KI"),
        pl.col("verdict").fill_null("kan inte jämföras").alias("Jämfört med riket"),
    )
