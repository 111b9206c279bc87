"""Near-repeat analysis: the Knox test with Monte Carlo permutation of the times.

Pairs of incidents are counted by distance band × time band; the times are shuffled over the
places to see how many pairs each cell would hold if when and where were unrelated. A cell
with more pairs than that (Knox ratio > 1, small p) says that after an incident, another one
close by in space and time is more likely than chance – the near-repeat pattern (Johnson &
Bowers 2004, "The burglary as clue to the future", *European Journal of Criminology* 1(2),
237–255; Knox 1964; the Near Repeat Calculator, Ratcliffe 2009).

Conventions of the Near Repeat Calculator (NRC), reproduced exactly on its own output for
``chicago_be_month1.csv`` (tests/unit/test_nearrepeat.py):

* bands are given by their lower edges and each band is ``[edge, next edge)``, the last one
  open-ended. The NRC's label "a to b" is the interval ``[a − 1, b)`` (Steenbeek's NearRepeat
  vignette "NRC"): its default table "Same location, 1 to 100, 101 to 200, 201 to 300, More
  than 300" m × "0 to 7, 8 to 14, 15 to 21, More than 21" days is
  ``distance_bands=[0, 1, 100, 200, 300]``, ``time_bands=[0, 7, 14, 21]``;
* every unordered pair once, the time difference ``|ti − tj|`` in days, Manhattan (default)
  or Euclidean distance;
* expected count = the mean over the permutations; Knox ratio = observed / expected;
  p = (1 + number of permutations with a count ≥ the observed) / (1 + permutations).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from ostan_dash.analysis.hotspots import adjusted_p_values
from ostan_dash.schema import Schema
from ostan_dash.text import MONTHS, NBSP, number, percent

METRICS = ("manhattan", "euclidean")
# Elements of one block of the pair matrix (rows × columns): ~4 million floats, ~32 MB each.
BLOCK_ELEMENTS = 4_000_000
ALPHA = 0.05
# A first distance band this narrow is the NRC's "same location".
SAME_PLACE_M = 1.0

Progress = Callable[[int, int], None]


def days(t: ArrayLike) -> np.ndarray:
    """Times as float days: numbers pass through, dates count whole days since 1970-01-01 and
    datetimes (naive or aware; an aware one at its own wall clock) fractional days."""
    if hasattr(t, "to_numpy"):  # Polars / pandas series
        t = t.to_numpy()
    arr = np.asarray(t)
    if arr.dtype == object and arr.size:
        first = arr.flat[0]
        if isinstance(first, dt.datetime):
            arr = np.array([v.replace(tzinfo=None) for v in arr.ravel()], dtype="datetime64[us]")
        elif isinstance(first, dt.date):
            arr = arr.astype("datetime64[D]")
    if np.issubdtype(arr.dtype, np.datetime64):
        if arr.dtype == np.dtype("datetime64[D]"):
            return arr.astype(np.int64).astype(np.float64)
        micro = arr.astype("datetime64[us]").astype(np.int64)
        return micro / 86_400_000_000.0
    return arr.astype(np.float64)


def _edges(bands: Sequence[float], name: str) -> np.ndarray:
    e = np.asarray(bands, dtype=np.float64)
    if e.ndim != 1 or e.size == 0:
        raise ValueError(f"{name}: minst ett band")
    if np.any(np.diff(e) <= 0) or e[0] < 0:
        raise ValueError(f"{name}: kanterna ska vara icke-negativa och strikt växande")
    return e


def _band(edges: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Band index of each value, ``[edge, next)``; −1 below the first edge."""
    return np.searchsorted(edges, values, side="right") - 1


@dataclass(frozen=True)
class _Pairs:
    """The observed table with an extra first row/column for pairs below the first edge, the
    time totals over all pairs (the same under any permutation of the times) and the pairs
    closer than the last distance edge (the only ones whose cell a permutation can change)."""

    full: np.ndarray  # (nd + 1, nt + 1)
    time_totals: np.ndarray  # (nt + 1,)
    close_i: np.ndarray
    close_j: np.ndarray
    close_band: np.ndarray  # distance band + 1 (0 = below the first edge)


def _count_pairs(
    x: np.ndarray, y: np.ndarray, t: np.ndarray, de: np.ndarray, te: np.ndarray, metric: str
) -> _Pairs:
    """Every unordered pair i < j, counted a block of rows of the pair matrix at a time."""
    if metric not in METRICS:
        raise ValueError(f"okänt avståndsmått {metric!r}")
    n, nd, nt = x.size, de.size, te.size
    size = (nd + 1) * (nt + 1)
    full = np.zeros(size + 1, dtype=np.int64)  # the last slot collects the masked half
    ci, cj, cb = [], [], []
    rows = max(1, BLOCK_ELEMENTS // max(n, 1))
    for i0 in range(0, n - 1, rows):
        i1 = min(n - 1, i0 + rows)
        cols = slice(i0 + 1, n)
        dx = np.abs(x[i0:i1, None] - x[None, cols])
        dy = np.abs(y[i0:i1, None] - y[None, cols])
        d = dx + dy if metric == "manhattan" else np.sqrt(dx * dx + dy * dy)
        db = _band(de, d) + 1
        tb = _band(te, np.abs(t[i0:i1, None] - t[None, cols])) + 1
        upper = np.arange(i0 + 1, n)[None, :] > np.arange(i0, i1)[:, None]
        code = np.where(upper, db * (nt + 1) + tb, size)
        full += np.bincount(code.ravel(), minlength=size + 1)
        ii, jj = np.nonzero(upper & (db < nd))  # closer than the open-ended last band
        ci.append((ii + i0).astype(np.int32))
        cj.append((jj + i0 + 1).astype(np.int32))
        cb.append(db[ii, jj].astype(np.int64))
    table = full[:size].reshape(nd + 1, nt + 1)

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype)

    return _Pairs(table, table.sum(axis=0), cat(ci, np.int32), cat(cj, np.int32), cat(cb, np.int64))


def knox_counts(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    *,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    metric: str = "manhattan",
) -> np.ndarray:
    """Observed pairs of incidents per (distance band, time band): the Knox table.

    Parameters
    ----------
    x, y
        Coordinates in metres (SWEREF 99 TM in this product).
    t
        Times in days (floats), or dates / datetimes (converted with :func:`days`).
    distance_bands, time_bands
        Lower edges, strictly increasing: band k is ``[edges[k], edges[k + 1])`` and the last
        band is open-ended. ``[0, 1, 100, 200, 300]`` m × ``[0, 7, 14, 21]`` days is the Near
        Repeat Calculator's "Same location, 1 to 100, …, More than 300" × "0 to 7, …, More
        than 21" (the NRC's "a to b" is ``[a − 1, b)``). Pairs below the first edge are not
        counted.
    metric
        ``"manhattan"`` (|dx| + |dy|, the NRC's default: along a street grid) or
        ``"euclidean"``.

    Returns
    -------
    numpy.ndarray
        int64 counts of shape (len(distance_bands), len(time_bands)); each unordered pair
        once, time difference ``|ti − tj|``.

    Notes
    -----
    Vectorised over blocks of rows of the pair matrix (no Python loop over pairs): n = 10 000
    incidents are 5·10^7 pairs in about a dozen blocks.
    """
    xa, ya, ta = (np.asarray(v, dtype=np.float64) for v in (x, y, days(t)))
    if not (xa.shape == ya.shape == ta.shape) or xa.ndim != 1:
        raise ValueError("x, y och t ska vara lika långa vektorer")
    de, te = _edges(distance_bands, "distance_bands"), _edges(time_bands, "time_bands")
    return _count_pairs(xa, ya, ta, de, te, metric).full[1:, 1:].copy()


@dataclass(frozen=True)
class KnoxResult:
    """Observed and permuted Knox tables of one analysis (arrays of shape (distance, time))."""

    distance_bands: tuple[float, ...]
    time_bands: tuple[float, ...]
    metric: str
    n_events: int
    permutations: int
    seed: int
    observed: np.ndarray
    expected: np.ndarray
    knox_ratio: np.ndarray
    p_value: np.ndarray
    simulated: np.ndarray  # (permutations, distance, time)


def permutation_summary(
    observed: np.ndarray, simulated: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected counts, Knox ratios and one-sided p-values from permuted tables.

    As the Near Repeat Calculator: expected = mean of the permuted counts, ratio = observed /
    expected (NaN where expected is 0) and p = (1 + #{permuted ≥ observed}) / (1 + n) (Hope
    1968; North, Curtis & Sham 2002 for the + 1).
    """
    obs = np.asarray(observed, dtype=np.float64)
    sim = np.asarray(simulated, dtype=np.float64)
    expected = sim.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, obs / expected, np.nan)
    p = (1.0 + (sim >= obs[None]).sum(axis=0)) / (1.0 + sim.shape[0])
    return expected, ratio, p


def permutation_batches(
    rng: np.random.Generator, n: int, count: int, *, work: int = 0
) -> Iterator[np.ndarray]:
    """``count`` random permutations of ``range(n)`` as arrays of shape (batch, n), batches
    sized so that a batch × (n + ``work``) stays near :data:`BLOCK_ELEMENTS` (shuffles of a few
    hundred incidents go many at a time; of 10 000, a few hundred at a time)."""
    size = max(1, min(count, BLOCK_ELEMENTS // max(1, n + work)))
    made = 0
    while made < count:
        b = min(size, count - made)
        yield rng.permuted(np.broadcast_to(np.arange(n), (b, n)), axis=1)
        made += b


def knox_test(
    x: ArrayLike,
    y: ArrayLike,
    t: ArrayLike,
    *,
    distance_bands: Sequence[float],
    time_bands: Sequence[float],
    metric: str = "manhattan",
    permutations: int = 999,
    seed: int = 20091,
    progress: Progress | None = None,
) -> KnoxResult:
    """The Knox test of the Near Repeat Calculator: observed table, Monte Carlo expectation.

    The times are shuffled over the places (``permutations`` times, numpy's PCG64 from
    ``seed``, so the same data give the same p-values), which keeps where incidents happen and
    how they spread over the period but breaks any link between the two (Knox 1964; Johnson &
    Bowers 2004; Ratcliffe 2009).

    Only pairs closer than the last distance edge are re-banded per permutation: the total
    number of pairs in each time band is the same under every permutation (the permuted
    times are the same multiset of pairwise differences), so the open-ended last distance row
    is that total minus the rows above it. This makes 999 permutations of 10 000 incidents
    cost little more than counting the observed table once.

    Parameters
    ----------
    x, y, t, distance_bands, time_bands, metric
        As :func:`knox_counts`.
    permutations
        Number of shuffles (the NRC's "iterations" minus one): 99 gives p-values in steps of
        0,01, 999 in steps of 0,001.
    seed
        Seed of the random generator.
    progress
        Called as ``progress(done, permutations)`` during the shuffles.
    """
    if permutations < 1:
        raise ValueError("minst en permutation")
    xa, ya, ta = (np.asarray(v, dtype=np.float64) for v in (x, y, days(t)))
    if not (xa.shape == ya.shape == ta.shape) or xa.ndim != 1:
        raise ValueError("x, y och t ska vara lika långa vektorer")
    de, te = _edges(distance_bands, "distance_bands"), _edges(time_bands, "time_bands")
    nd, nt = de.size, te.size
    pairs = _count_pairs(xa, ya, ta, de, te, metric)
    observed = pairs.full[1:, 1:].copy()

    sim = np.empty((permutations, nd, nt), dtype=np.int64)
    cells = nd * (nt + 1)  # distance slots 0..nd-1 (0 = below the first edge) × time slots
    done = 0
    for perms in permutation_batches(
        np.random.default_rng(seed), ta.size, permutations, work=pairs.close_i.size
    ):
        b = perms.shape[0]
        tp = ta[perms]  # (b, n): each row one shuffle of the times over the places
        tb = _band(te, np.abs(tp[:, pairs.close_i] - tp[:, pairs.close_j])) + 1
        code = pairs.close_band[None, :] * (nt + 1) + tb + cells * np.arange(b)[:, None]
        near = np.bincount(code.ravel(), minlength=b * cells).reshape(b, nd, nt + 1)
        far = pairs.time_totals[None, :] - near.sum(axis=1)
        sim[done : done + b] = np.concatenate([near, far[:, None, :]], axis=1)[:, 1:, 1:]
        done += b
        if progress is not None:
            progress(done, permutations)
    expected, ratio, p = permutation_summary(observed, sim)
    return KnoxResult(
        distance_bands=tuple(float(v) for v in de),
        time_bands=tuple(float(v) for v in te),
        metric=metric,
        n_events=int(xa.size),
        permutations=permutations,
        seed=seed,
        observed=observed,
        expected=expected,
        knox_ratio=ratio,
        p_value=p,
        simulated=sim,
    )


# Significance and the plain-Swedish reading -------------------------------------------------


def tested_cells(result: KnoxResult) -> np.ndarray:
    """The cells that can show a near repeat: every distance band but the open-ended last one
    × every time band but the open-ended last one (a "more than 300 m" or "more than 21 days"
    excess is no pattern to act on). Boolean array of the table's shape."""
    mask = np.zeros(result.observed.shape, dtype=bool)
    mask[:-1, :-1] = True
    return mask


def adjusted_p(result: KnoxResult) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values over the tested cells (:func:`tested_cells`); NaN
    elsewhere. A cell is significant at FDR 5 % when its adjusted p ≤ 0,05 (Benjamini &
    Hochberg 1995); under no near repeat at all this is a 5 % chance of any flag per table."""
    p = np.where(tested_cells(result), result.p_value, np.nan)
    return adjusted_p_values(p, method="bh")


def significant_cells(result: KnoxResult, *, alpha: float = ALPHA) -> np.ndarray:
    """Tested cells with more pairs than expected (ratio > 1) and BH-adjusted p ≤ ``alpha``."""
    q = adjusted_p(result)
    with np.errstate(invalid="ignore"):
        return (np.nan_to_num(q, nan=1.0) <= alpha) & (np.nan_to_num(result.knox_ratio) > 1)


@dataclass(frozen=True)
class Pattern:
    """A significant near-repeat pattern: within ``distance_m`` and ``days`` of an incident,
    pairs are ``ratio`` times as common as without a link between place and time."""

    distance_m: float
    days: float
    ratio: float
    metric: str
    same_place: bool  # the pattern holds only at the same place (the first, narrow band)
    observed: int = 0  # pairs inside the rectangle (0 when read back from the store)
    expected: float = math.nan


def pattern(result: KnoxResult, *, alpha: float = ALPHA) -> Pattern | None:
    """The zone of elevated risk: the smallest rectangle from (0 m, 0 days) that holds every
    significant cell (:func:`significant_cells`), with the pooled ratio of observed to
    expected pairs inside it. ``None`` when no cell is significant or the pooled ratio is not
    above 1."""
    sig = significant_cells(result, alpha=alpha)
    if not sig.any():
        return None
    rows, cols = np.nonzero(sig)
    r, c = int(rows.max()), int(cols.max())
    obs = int(result.observed[: r + 1, : c + 1].sum())
    exp = float(result.expected[: r + 1, : c + 1].sum())
    if exp <= 0 or obs <= exp:
        return None
    d_edges, t_edges = result.distance_bands, result.time_bands
    return Pattern(
        distance_m=d_edges[r + 1],
        days=t_edges[c + 1],
        ratio=obs / exp,
        metric=result.metric,
        same_place=r == 0 and d_edges[1] <= SAME_PLACE_M,
        observed=obs,
        expected=exp,
    )


# The incident named in the reading, with its gender: "efter ett inbrott … ett nytt".
NOUNS: dict[str, tuple[str, str]] = {
    "inbrott": ("ett", "inbrott"),
    "bilbrand": ("en", "bilbrand"),
    "brand": ("en", "brand"),
    "klotter": ("ett", "klotter"),
    "skadegorelse": ("en", "skadegörelse"),
    "skadegorelse_fordon": ("en", "skadegörelse mot fordon"),
    "ovrig_skadegorelse": ("en", "skadegörelse"),
    "stold": ("en", "stöld"),
    "rån": ("ett", "rån"),
    "brak": ("ett", "bråk"),
    "vald": ("ett", "våldsbrott"),
}
DEFAULT_NOUN = ("en", "händelse")


def noun_for(*keys: str | None) -> tuple[str, str]:
    """The noun of the most specific key known (subtype before category), else "en händelse"."""
    for key in keys:
        if key and key in NOUNS:
            return NOUNS[key]
    return DEFAULT_NOUN


def _amount(value: float, unit: str) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return f"{number(value, decimals)}{NBSP}{unit}"


def _days(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return f"{number(value, decimals)} {'dag' if value == 1 else 'dagar'}"


def elevation(ratio: float) -> str:
    """ "förhöjd med 60 %" below a doubling, "2,5 gånger så hög" from a doubling on."""
    if ratio >= 2:
        return f"{number(ratio, 1)} gånger så hög"
    return f"förhöjd med {percent(round((ratio - 1) * 100))}"


def reading(found: Pattern | None, *, noun: tuple[str, str] = DEFAULT_NOUN) -> str | None:
    """The pattern in plain Swedish, or ``None`` (say nothing) when there is none.

    ``"Inom 200 m och 14 dagar efter ett inbrott är risken för ett nytt förhöjd med 60 %"``:
    the distance and the time are the upper edges of the pattern's rectangle (the bands are
    ``[lower, upper)``, so "inom 14 dagar" means 0–13 whole days later) and the figure is its
    pooled Knox ratio minus one.
    """
    if found is None:
        return None
    article, word = noun
    new = "ett nytt" if article == "ett" else "en ny"
    time_part = f"{_days(found.days)} efter {article} {word}"
    if found.same_place:
        head = f"Inom {time_part} på samma plats"
    else:
        head = f"Inom {_amount(found.distance_m, 'm')} och {time_part}"
    return f"{head} är risken för {new} {elevation(found.ratio)}"


def method_text(result: KnoxResult, *, alpha: float = ALPHA) -> str:
    """What was computed, against what, and the multiple-testing correction – for the page."""
    n_cells = int(tested_cells(result).sum())
    metric = "Manhattanavstånd" if result.metric == "manhattan" else "fågelvägen (euklidiskt)"
    return (
        f"Knox-test som i Near Repeat Calculator (Ratcliffe 2009): {number(result.n_events)} "
        f"händelser ger {number(int(result.observed.sum()))} par, räknade per avstånd "
        f"({metric}) och tid mellan händelserna. Förväntat antal = medelvärdet när tiderna "
        f"slumpas om mellan platserna {number(result.permutations)} gånger (fast frö "
        f"{result.seed}); p = (1 + antal omslumpningar med minst lika många par) / "
        f"(1 + {number(result.permutations)}). Signifikant = fler par än väntat och "
        f"Benjamini–Hochberg-justerat p ≤ {number(alpha, 2)} över tabellens {n_cells} "
        "celler med ändliga band (den öppna sista raden och kolumnen testas inte)."
    )


def band_labels(edges: Sequence[float], unit: str) -> list[str]:
    """Swedish labels of bands ``[a, b)``: ``"0–<100 m"``, ``"≥ 300 m"``; a first distance band
    narrower than 1 m is "samma plats"."""
    labels = []
    for k, lo in enumerate(edges):
        hi = edges[k + 1] if k + 1 < len(edges) else None
        if unit == "m" and k == 0 and hi is not None and hi <= SAME_PLACE_M and lo == 0:
            labels.append("Samma plats")
        elif hi is None:
            labels.append(f"≥{NBSP}{_amount(lo, unit)}")
        else:
            lo_s = number(lo, 0 if float(lo).is_integer() else 1)
            labels.append(f"{lo_s}–<{_amount(hi, unit)}")
    return labels


def bands_of_width(width: float, count: int, *, same_place: bool = False) -> list[float]:
    """Lower edges of ``count`` bands of ``width`` (and an open-ended band after them), with the
    NRC's "same location" band [0, 1) in front when ``same_place``: ``bands_of_width(100, 3,
    same_place=True)`` = ``[0, 1, 100, 200, 300]``."""
    if width <= 0 or count < 1:
        raise ValueError("bandbredd och antal ska vara positiva")
    edges = [k * width for k in range(count + 1)]
    if same_place and width > SAME_PLACE_M:
        edges.insert(1, SAME_PLACE_M)
    return [float(e) for e in edges]


def is_finite(value: float) -> bool:
    """Helper for tables: a finite float (ratios are NaN where nothing was expected)."""
    return value is not None and math.isfinite(value)


# Risk zones -----------------------------------------------------------------------------------

PLACE_RADIUS_M = 400.0

ZONE_SCHEMA: Schema = {
    "incident_id": pl.Int64,
    "x": pl.Float64,
    "y": pl.Float64,
    "day": pl.Date,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "radius_m": pl.Float64,
    "metric": pl.Utf8,
    "place": pl.Utf8,
    "place_distance_m": pl.Float64,
    "inside_zone_of": pl.Int64,
}


def zone_days(found: Pattern) -> int:
    """Whole days a zone lasts: the band is [0, days), so 14 means the day itself and 13 more."""
    return max(1, math.ceil(found.days))


def distance(metric: str, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Manhattan or Euclidean distance of coordinate differences, as in :func:`knox_counts`."""
    dx, dy = np.abs(dx), np.abs(dy)
    return dx + dy if metric == "manhattan" else np.sqrt(dx * dx + dy * dy)


def risk_zones(
    incidents: pl.DataFrame,
    found: Pattern,
    today: dt.date,
    *,
    places: pl.DataFrame | None = None,
    place_radius_m: float = PLACE_RADIUS_M,
) -> pl.DataFrame:
    """Active near-repeat risk zones: one around each incident of the recent window.

    An incident on day d creates a zone of radius ``found.distance_m`` (in the pattern's
    metric) around its point, valid from d through d + ⌈days⌉ − 1 – the significant distance
    and time bands of the Knox test (Johnson & Bowers 2004; the "near-repeat alert" of
    Johnson, Bowers, Birks & Pease 2009). A zone is listed when it is valid ``today``.

    Parameters
    ----------
    incidents
        The incidents of the pattern's kind: ``id``, ``x``, ``y`` (SWEREF 99 TM) and
        ``occurred_from`` (local datetime; its date is the incident's day, as in the
        analysis). Rows without coordinates are ignored.
    found
        The stored pattern.
    today
        The day whose active zones are wanted.
    places
        Optional places (``name``, ``x``, ``y``): the nearest one within ``place_radius_m``
        names the zone ("kring Stora torget").

    Returns
    -------
    polars.DataFrame
        :data:`ZONE_SCHEMA`, newest first. ``inside_zone_of`` is the id of the earliest other
        incident whose zone the incident fell inside (the same or a later day, within the
        radius, while that zone lasted), null when it started a zone of its own.
    """
    length = zone_days(found)
    frame = (
        incidents.filter(pl.col("x").is_not_null() & pl.col("y").is_not_null())
        .select(
            pl.col("id").cast(pl.Int64).alias("incident_id"),
            pl.col("x").cast(pl.Float64),
            pl.col("y").cast(pl.Float64),
            pl.col("occurred_from").dt.date().alias("day"),
        )
        # a zone alive today, or one that an incident alive today may lie in
        .filter(
            (pl.col("day") <= today) & (pl.col("day") > today - dt.timedelta(days=2 * length - 1))
        )
        .sort("day", "incident_id")
    )
    if frame.is_empty():
        return pl.DataFrame(schema=ZONE_SCHEMA)
    x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
    day = frame["day"].to_numpy().astype("datetime64[D]").astype(np.int64)
    ids = frame["incident_id"].to_numpy()
    # earlier-or-same-day incidents (sorted, so index i < j) whose zone covers j
    near = distance(found.metric, x[:, None] - x[None, :], y[:, None] - y[None, :])
    gap = day[None, :] - day[:, None]  # [i, j]: days from i to j
    covers = (near < found.distance_m) & (gap >= 0) & (gap < length)
    covers &= np.arange(ids.size)[:, None] < np.arange(ids.size)[None, :]
    first = np.where(covers.any(axis=0), covers.argmax(axis=0), -1)
    inside = [int(ids[k]) if k >= 0 else None for k in first]

    zones = frame.with_columns(
        valid_from=pl.col("day"),
        valid_to=pl.col("day") + pl.duration(days=length - 1),
        radius_m=pl.lit(found.distance_m, pl.Float64),
        metric=pl.lit(found.metric),
        inside_zone_of=pl.Series(inside, dtype=pl.Int64),
    ).filter(pl.col("valid_to") >= today)
    names, dists = _nearest_places(zones, places, place_radius_m)
    return (
        zones.with_columns(
            place=pl.Series(names, dtype=pl.Utf8),
            place_distance_m=pl.Series(dists, dtype=pl.Float64),
        )
        .select(list(ZONE_SCHEMA))
        .sort(["day", "incident_id"], descending=True)
    )


def _nearest_places(
    zones: pl.DataFrame, places: pl.DataFrame | None, radius: float
) -> tuple[list[str | None], list[float | None]]:
    if places is None or places.is_empty() or zones.is_empty():
        return [None] * zones.height, [None] * zones.height
    px, py = places["x"].to_numpy(), places["y"].to_numpy()
    d = np.hypot(zones["x"].to_numpy()[:, None] - px, zones["y"].to_numpy()[:, None] - py)
    k = d.argmin(axis=1)
    best = d[np.arange(zones.height), k]
    names = places["name"].to_list()
    return (
        [names[j] if b <= radius else None for j, b in zip(k, best, strict=True)],
        [float(b) if b <= radius else None for b in best],
    )


def day_month(d: dt.date) -> str:
    """``14 december``."""
    return f"{d.day} {MONTHS[d.month - 1]}"


def zone_sentence(zone: dict[str, object], *, label: str | None = None) -> str:
    """ "Förhöjd risk kring Stora torget till 14 december" (for ``label`` "inbrott": "Förhöjd
    risk för inbrott kring …"); without a named place near it, the zone's day instead."""
    what = f" för {label}" if label else ""
    valid_to = zone["valid_to"]
    assert isinstance(valid_to, dt.date)
    if zone.get("place"):
        where = f"kring {zone['place']}"
    else:
        day = zone["day"]
        assert isinstance(day, dt.date)
        where = f"kring händelsen den {day_month(day)}"
    return f"Förhöjd risk{what} {where} till {day_month(valid_to)}"
