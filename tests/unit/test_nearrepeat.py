"""Near-repeat (Knox) analysis: the Near Repeat Calculator's table and conventions on its own
Chicago output, pairs on band edges, an independent double loop, pointpats' Knox test, the
permutation shortcut against brute force, and a reading that stays silent on data without a
near-repeat pattern."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from statsmodels.stats.multitest import multipletests

from ostan_dash.analysis import nearrepeat as nr

DATA = Path(__file__).resolve().parents[1] / "data"
NBSP = "\u00a0"

# The NRC's default table: "Same location, 1 to 100, 101 to 200, 201 to 300, More than 300" m
# × "0 to 7, 8 to 14, 15 to 21, More than 21" days; its "a to b" is [a − 1, b).
NRC_D = [0, 1, 100, 200, 300]
NRC_T = [0, 7, 14, 21]


@pytest.fixture(scope="module")
def chicago() -> pl.DataFrame:
    """970 Chicago burglaries, one month (NearRepeat's ``chicago_be_month1.csv``)."""
    return pl.read_csv(
        DATA / "chicago_be_month1.csv",
        has_header=False,
        new_columns=["x", "y", "date"],
        try_parse_dates=True,
    )


def nrc_verbose() -> dict[str, object]:
    """The Near Repeat Calculator 1.3's verbose output for the Chicago file (Manhattan, 100 m ×
    3 bands, 7 days × 3 bands, 20 iterations): its observed table and, per cell, the 19
    simulated counts with its mean, p-value and ratio (copied from Steenbeek's NearRepeat
    package, inst/extdata)."""
    lines = (DATA / "chicago_be_month1_NRverbose.csv").read_text().splitlines()
    start = lines.index("Observed frequencies distribution")
    observed = np.array(
        [[int(v) for v in line.split(",")[2:6]] for line in lines[start + 3 : start + 8]]
    )
    cells = {}
    for k, line in enumerate(lines):
        if line.startswith("Row ") and " Column " in line:
            _, r, _, c = line.split()
            block = {part.split(",", 1)[0]: part.split(",", 1)[1] for part in lines[k + 1 : k + 9]}
            cells[(int(r) - 1, int(c) - 1)] = {
                "simulated": [int(v) for v in block["Expected"].split(",") if v.strip()],
                "observed": int(block["Observed"]),
                "mean": float(block["Mean"]),
                "p": float(block["P value"]),
                "ratio": float(block["Obs over Mean Exp"]),
            }
    return {"observed": observed, "cells": cells}


# Counting: band edges ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("b", "t_b", "cell"),
    [
        ((0.0, 0.0), 0, (0, 0)),  # same place, same day: [0, 1) × [0, 7)
        ((0.0, 1.0), 6, (1, 0)),  # 1 m is the lower edge of "1 to 100"
        ((0.0, 99.999), 7, (1, 1)),  # 7 days is the lower edge of "8 to 14"
        ((0.0, 100.0), 13.999, (2, 1)),  # 100 m opens "101 to 200"
        ((100.0, 100.0), 14, (3, 2)),  # Manhattan 200 m: "201 to 300"; 14 days: "15 to 21"
        ((150.0, 150.0), 21, (4, 3)),  # 300 m and 21 days open the last, open-ended bands
        ((5000.0, 0.0), 400, (4, 3)),
    ],
    ids=["same-place", "1m-edge", "7d-edge", "100m-edge", "200m-14d", "300m-21d", "far"],
)
def test_a_pair_on_a_band_edge_falls_in_the_band_that_starts_there(b, t_b, cell):
    got = nr.knox_counts(
        [0.0, b[0]], [0.0, b[1]], [0.0, t_b], distance_bands=NRC_D, time_bands=NRC_T
    )
    want = np.zeros((5, 4), dtype=int)
    want[cell] = 1
    np.testing.assert_array_equal(got, want)


def test_euclidean_and_manhattan_band_the_same_pair_differently():
    # (60, 80): 100 m as the crow flies, 140 m along the streets
    kw = {"distance_bands": [0, 100, 120], "time_bands": [0]}
    assert nr.knox_counts([0, 60], [0, 80], [0, 0], metric="euclidean", **kw).ravel().tolist() == [
        0,
        1,
        0,
    ]
    assert nr.knox_counts([0, 60], [0, 80], [0, 0], **kw).ravel().tolist() == [0, 0, 1]


def test_the_nrc_pathological_examples_are_reproduced():
    """Steenbeek's vignette "NRC": two incidents 100 m and 3 days apart. With 200 m × 3 days
    bands the NRC puts the pair in "1 to 200" × "4 to 6"; with 100 m bands in "101 to 200" ×
    "4 to 6" – i.e. [1, 200) × [3, 6) and [100, 200) × [3, 6)."""
    x, y, t = [0, 0], [0, 100], [dt.date(2019, 1, 1), dt.date(2019, 1, 4)]
    wide = nr.knox_counts(x, y, t, distance_bands=[0, 1, 200, 400], time_bands=[0, 3, 6])
    narrow = nr.knox_counts(x, y, t, distance_bands=[0, 1, 100, 200], time_bands=[0, 3, 6])
    assert wide[1, 1] == 1 and wide.sum() == 1
    assert narrow[2, 1] == 1 and narrow.sum() == 1


def test_pairs_below_the_first_edge_are_not_counted_and_each_pair_counts_once():
    x, y, t = [0, 10, 500, 0], [0, 0, 0, 0], [0, 1, 2, 3]
    got = nr.knox_counts(x, y, t, distance_bands=[5, 100], time_bands=[0])
    # pairs: (0,1) 10 m, (0,2) 500, (0,3) 0 → dropped, (1,2) 490, (1,3) 10, (2,3) 500
    assert got.ravel().tolist() == [2, 3]


def test_times_may_be_dates_datetimes_or_days():
    dates = [dt.date(2026, 3, 1), dt.date(2026, 3, 8), dt.date(2026, 3, 3)]
    stamps = [dt.datetime(d.year, d.month, d.day, 12) for d in dates]
    floats = [0.0, 7.0, 2.0]
    kw = {"distance_bands": [0], "time_bands": [0, 3, 7]}
    want = nr.knox_counts([0, 0, 0], [0, 0, 0], floats, **kw)
    np.testing.assert_array_equal(nr.knox_counts([0, 0, 0], [0, 0, 0], dates, **kw), want)
    np.testing.assert_array_equal(nr.knox_counts([0, 0, 0], [0, 0, 0], stamps, **kw), want)
    assert want.ravel().tolist() == [1, 1, 1]


def test_bad_bands_are_refused():
    with pytest.raises(ValueError):
        nr.knox_counts([0, 1], [0, 1], [0, 1], distance_bands=[0, 100, 50], time_bands=[0])
    with pytest.raises(ValueError):
        nr.knox_counts([0, 1], [0, 1], [0, 1], distance_bands=[0], time_bands=[0], metric="x")


# The Chicago file: the NRC's published table and an independent double loop ----------------


def test_chicago_observed_table_is_the_near_repeat_calculators(chicago):
    got = nr.knox_counts(
        chicago["x"], chicago["y"], chicago["date"], distance_bands=NRC_D, time_bands=NRC_T
    )
    np.testing.assert_array_equal(got, nrc_verbose()["observed"])


def double_loop(x, y, t, d_edges, t_edges, metric):
    """The plain O(n²) count: for each i, every j > i, each band tested by its two edges."""
    d_hi = [*d_edges[1:], np.inf]
    t_hi = [*t_edges[1:], np.inf]
    out = np.zeros((len(d_edges), len(t_edges)), dtype=int)
    for i in range(len(x) - 1):
        dx, dy = np.abs(x[i + 1 :] - x[i]), np.abs(y[i + 1 :] - y[i])
        d = dx + dy if metric == "manhattan" else np.hypot(dx, dy)
        gap = np.abs(t[i + 1 :] - t[i])
        for a, (dlo, dhi) in enumerate(zip(d_edges, d_hi, strict=True)):
            in_d = (d >= dlo) & (d < dhi)
            for b, (tlo, thi) in enumerate(zip(t_edges, t_hi, strict=True)):
                out[a, b] += int(np.sum(in_d & (gap >= tlo) & (gap < thi)))
    return out


@pytest.mark.parametrize(
    ("metric", "d_edges", "t_edges"),
    [("manhattan", NRC_D, NRC_T), ("euclidean", [0, 250, 500, 1000], [0, 1, 3, 10])],
    ids=["manhattan-nrc", "euclidean-other-bands"],
)
def test_chicago_table_agrees_with_a_plain_double_loop(chicago, metric, d_edges, t_edges):
    x, y = chicago["x"].to_numpy(), chicago["y"].to_numpy()
    t = nr.days(chicago["date"])
    want = double_loop(x, y, t, d_edges, t_edges, metric)
    got = nr.knox_counts(x, y, t, distance_bands=d_edges, time_bands=t_edges, metric=metric)
    np.testing.assert_array_equal(got, want)
    assert got.sum() == 970 * 969 // 2


def test_small_blocks_give_the_same_table(chicago, monkeypatch):
    kw = {"distance_bands": NRC_D, "time_bands": NRC_T}
    whole = nr.knox_counts(chicago["x"], chicago["y"], chicago["date"], **kw)
    monkeypatch.setattr(nr, "BLOCK_ELEMENTS", 5_000)  # a handful of rows per block
    np.testing.assert_array_equal(
        nr.knox_counts(chicago["x"], chicago["y"], chicago["date"], **kw), whole
    )


# Permutation: conventions, the shortcut, stability, pointpats -------------------------------


def test_expected_ratio_and_p_follow_the_nrc_on_its_own_simulations():
    """Feeding the NRC's 19 simulated counts per cell gives its mean, ratio and p-value: p =
    (1 + #simulated ≥ observed) / (1 + 19), ratio = observed / mean."""
    ref = nrc_verbose()
    cells = ref["cells"]
    assert len(cells) == 20
    observed = np.array([[cells[(r, c)]["observed"] for c in range(4)] for r in range(5)])
    sim = np.stack(
        [
            np.array([[cells[(r, c)]["simulated"][k] for c in range(4)] for r in range(5)])
            for k in range(19)
        ]
    )
    np.testing.assert_array_equal(observed, ref["observed"])
    expected, ratio, p = nr.permutation_summary(observed, sim)
    for (r, c), cell in cells.items():
        assert expected[r, c] == pytest.approx(cell["mean"], rel=1e-12)
        assert ratio[r, c] == pytest.approx(cell["ratio"], rel=1e-12)
        assert p[r, c] == pytest.approx(cell["p"], abs=1e-12)


def test_each_permuted_table_is_the_table_of_the_permuted_times():
    """The shortcut (only close pairs re-banded, the last row from the invariant time totals)
    equals counting every pair again with the shuffled times, permutation by permutation."""
    rng = np.random.default_rng(3)
    n = 250
    x, y = rng.uniform(0, 1500, n), rng.uniform(0, 1500, n)
    t = rng.integers(0, 60, n).astype(float)
    kw = {"distance_bands": [20, 100, 200, 300], "time_bands": [1, 7, 14, 21]}
    res = nr.knox_test(x, y, t, permutations=12, seed=77, **kw)
    replay = np.concatenate(list(nr.permutation_batches(np.random.default_rng(77), n, 12)))
    assert replay.shape == (12, n) and all(np.array_equal(np.sort(p), np.arange(n)) for p in replay)
    for k, perm in enumerate(replay):
        np.testing.assert_array_equal(res.simulated[k], nr.knox_counts(x, y, t[perm], **kw))


def test_fixed_seed_gives_the_same_p_values_and_progress_is_reported(chicago):
    calls = []
    kw = {"distance_bands": NRC_D, "time_bands": NRC_T, "permutations": 99, "seed": 11}
    a = nr.knox_test(
        chicago["x"],
        chicago["y"],
        chicago["date"],
        progress=lambda d, n: calls.append((d, n)),
        **kw,
    )
    b = nr.knox_test(chicago["x"], chicago["y"], chicago["date"], **kw)
    np.testing.assert_array_equal(a.p_value, b.p_value)
    np.testing.assert_array_equal(a.expected, b.expected)
    assert calls[-1] == (99, 99) and all(d <= n for d, n in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # another seed: other draws, but p-values of the same size
    c = nr.knox_test(chicago["x"], chicago["y"], chicago["date"], **{**kw, "seed": 12})
    assert not np.array_equal(a.simulated, c.simulated)
    assert np.max(np.abs(a.p_value - c.p_value)) < 0.25


def test_agrees_with_pointpats_knox_on_its_two_by_two_version(chicago):
    """pointpats' Knox (Rogerson 2001) counts pairs with distance ≤ δ and time gap ≤ τ; with
    whole days, τ = 3 is the band [0, 4). On the Chicago burglaries (δ = 800 m, Euclidean):
    the same 2 × 2 table, our permutation mean within Monte Carlo error of its exact
    expectation NS·NT/pairs, and the two permutation p-values within Monte Carlo error."""
    from pointpats.spacetime import Knox

    xy = chicago.select("x", "y").to_numpy()
    t = nr.days(chicago["date"])
    np.random.seed(2024)  # pointpats draws from numpy's global generator
    theirs = Knox(xy, t[:, None], delta=800, tau=3, permutations=199)
    ours = nr.knox_test(
        xy[:, 0],
        xy[:, 1],
        t,
        distance_bands=[0, 800],
        time_bands=[0, 4],
        metric="euclidean",
        permutations=999,
        seed=2024,
    )
    np.testing.assert_array_equal(ours.observed, theirs.observed.astype(int))
    se = ours.simulated[:, 0, 0].std(ddof=1) / np.sqrt(999)
    assert abs(ours.expected[0, 0] - theirs.expected[0, 0]) < 4 * se
    p = theirs.p_sim
    sd = np.sqrt(p * (1 - p) * (1 / 200 + 1 / 1000))
    assert 0.005 < p < 0.2  # a p-value where the comparison says something
    assert abs(ours.p_value[0, 0] - p) < 4 * sd + 0.003


# Significance and the reading ---------------------------------------------------------------


def test_bh_over_the_tested_cells_is_statsmodels_fdr_bh(chicago):
    res = nr.knox_test(
        chicago["x"],
        chicago["y"],
        chicago["date"],
        distance_bands=NRC_D,
        time_bands=NRC_T,
        permutations=199,
        seed=5,
    )
    q = nr.adjusted_p(res)
    tested = nr.tested_cells(res)
    assert tested.sum() == 12 and np.isnan(q[~tested]).all()
    want = multipletests(res.p_value[tested], method="fdr_bh")[1]
    np.testing.assert_allclose(q[tested], want)


def make_result(observed, expected, p, d_edges=NRC_D, t_edges=NRC_T) -> nr.KnoxResult:
    observed = np.asarray(observed)
    expected = np.asarray(expected, dtype=float)
    return nr.KnoxResult(
        distance_bands=tuple(map(float, d_edges)),
        time_bands=tuple(map(float, t_edges)),
        metric="manhattan",
        n_events=100,
        permutations=999,
        seed=1,
        observed=observed,
        expected=expected,
        knox_ratio=observed / expected,
        p_value=np.asarray(p, dtype=float),
        simulated=np.zeros((1, *observed.shape)),
    )


def test_pattern_is_the_rectangle_of_significant_cells_with_its_pooled_ratio():
    observed = np.full((5, 4), 10)
    expected = np.full((5, 4), 10.0)
    p = np.full((5, 4), 0.6)
    observed[1, 0], p[1, 0] = 20, 0.001  # 1–100 m, 0–7 days
    observed[2, 1], p[2, 1] = 22, 0.001  # 100–200 m, 7–14 days
    observed[4, 3], p[4, 3] = 90, 0.001  # the open-ended cell is not tested
    found = nr.pattern(make_result(observed, expected, p))
    assert found is not None
    assert (found.distance_m, found.days) == (200.0, 14.0)
    # rectangle rows 0–2 × columns 0–1: observed 10+10+20+10+10+22 = 82 against 60 expected
    assert (found.observed, found.expected) == (82, 60.0)
    assert found.ratio == pytest.approx(82 / 60)
    assert not found.same_place


def test_no_pattern_when_nothing_survives_the_correction():
    p = np.full((5, 4), 0.5)
    p[1, 0] = 0.02  # below 0,05 alone, but BH over 12 cells needs ≤ 0,05/12 for one cell
    observed = np.full((5, 4), 10)
    observed[1, 0] = 30
    assert nr.pattern(make_result(observed, np.full((5, 4), 10.0), p)) is None
    # a significant deficit (ratio < 1) is no near repeat either
    p[1, 0] = 0.001
    observed[1, 0] = 2
    assert nr.pattern(make_result(observed, np.full((5, 4), 10.0), p)) is None


@pytest.mark.parametrize(
    ("found", "noun", "text"),
    [
        (
            nr.Pattern(200.0, 14.0, 1.6, "manhattan", False, 16, 10.0),
            ("ett", "inbrott"),
            f"Inom 200{NBSP}m och 14 dagar efter ett inbrott är risken för ett nytt förhöjd "
            f"med 60{NBSP}%",
        ),
        (
            nr.Pattern(1.0, 7.0, 1.234, "manhattan", True, 5, 4.0),
            ("en", "bilbrand"),
            f"Inom 7 dagar efter en bilbrand på samma plats är risken för en ny förhöjd med "
            f"23{NBSP}%",
        ),
        (
            nr.Pattern(1500.0, 1.0, 2.54, "euclidean", False, 5, 2.0),
            nr.DEFAULT_NOUN,
            f"Inom 1{NBSP}500{NBSP}m och 1 dag efter en händelse är risken för en ny 2,5 "
            "gånger så hög",
        ),
    ],
    ids=["inbrott-60", "samma-plats", "gånger"],
)
def test_reading_in_plain_swedish(found, noun, text):
    assert nr.reading(found, noun=noun) == text


def test_reading_says_nothing_without_a_pattern_and_nouns_prefer_the_subtype():
    assert nr.reading(None) is None
    assert nr.noun_for("inbrott", "annat_otryggt") == ("ett", "inbrott")
    assert nr.noun_for(None, "okänd") == nr.DEFAULT_NOUN


def test_band_helpers():
    assert nr.bands_of_width(100, 3, same_place=True) == [0.0, 1.0, 100.0, 200.0, 300.0]
    assert nr.bands_of_width(7, 3) == [0.0, 7.0, 14.0, 21.0]
    assert nr.band_labels(NRC_D, "m") == [
        "Samma plats",
        f"1–<100{NBSP}m",
        f"100–<200{NBSP}m",
        f"200–<300{NBSP}m",
        f"≥{NBSP}300{NBSP}m",
    ]
    assert nr.band_labels(NRC_T, "dagar")[-1] == f"≥{NBSP}21{NBSP}dagar"


# Null test and power ------------------------------------------------------------------------

# 399 permutations: p can reach 1/400 = 0,0025, below BH's 0,05/12 for a single cell (with 99
# or 199 one cell alone could never be significant; the page says so).
PERMUTATIONS = 399


def simulate(rng, *, near_repeat: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Burglaries in a 3 × 3 km town over half a year. Without near repeat: places and days
    drawn independently. With: a third of them followed within 0–5 days by another within
    60 m (Johnson & Bowers' pattern)."""
    n = 150
    x, y = rng.uniform(0, 3000, n), rng.uniform(0, 3000, n)
    t = rng.integers(0, 180, n).astype(float)
    if near_repeat:
        k = n // 3
        x = np.concatenate([x, x[:k] + rng.uniform(-30, 30, k)])
        y = np.concatenate([y, y[:k] + rng.uniform(-30, 30, k)])
        t = np.concatenate([t, t[:k] + rng.integers(0, 6, k)])
    return x, y, t


def flagged_share(*, near_repeat: bool, draws: int) -> tuple[float, float]:
    """Share of draws where the reading says something, and where any tested cell would be
    flagged without the correction (raw p ≤ 0,05, ratio > 1)."""
    rng = np.random.default_rng(1964)  # Knox's year
    said = naive = 0
    for draw in range(draws):
        x, y, t = simulate(rng, near_repeat=near_repeat)
        res = nr.knox_test(
            x,
            y,
            t,
            distance_bands=nr.bands_of_width(100, 3, same_place=True),
            time_bands=nr.bands_of_width(7, 3),
            permutations=PERMUTATIONS,
            seed=draw,
        )
        said += nr.reading(nr.pattern(res)) is not None
        raw = (res.p_value <= 0.05) & (res.knox_ratio > 1) & nr.tested_cells(res)
        naive += bool(raw.any())
    return said / draws, naive / draws


def test_null_times_shuffled_the_reading_says_nothing_in_95_percent_of_draws():
    said, naive = flagged_share(near_repeat=False, draws=200)
    assert said <= 0.05
    # the test can fail: without BH over the 12 cells a cell would be flagged far more often
    assert naive > 0.2


def test_power_a_planted_near_repeat_is_read_out_in_most_draws():
    said, _ = flagged_share(near_repeat=True, draws=40)
    assert said >= 0.9


# Risk zones (pure) --------------------------------------------------------------------------


def zone_frame(rows: list[tuple[int, float, float, dt.date]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [r[0] for r in rows],
            "x": [r[1] for r in rows],
            "y": [r[2] for r in rows],
            "occurred_from": [dt.datetime(d.year, d.month, d.day, 18) for *_, d in rows],
        }
    ).with_columns(pl.col("occurred_from").dt.replace_time_zone("Europe/Stockholm"))


@pytest.mark.parametrize(
    ("metric", "inside"), [("manhattan", False), ("euclidean", True)], ids=["manhattan", "euclid"]
)
def test_a_zone_is_measured_in_the_patterns_metric(metric, inside):
    # (60, 80) from the first: 100 m as the crow flies, 140 m along the streets; radius 120 m
    frame = zone_frame([(1, 0, 0, dt.date(2026, 12, 1)), (2, 60, 80, dt.date(2026, 12, 2))])
    found = nr.Pattern(120.0, 7.0, 1.5, metric, False)
    zones = nr.risk_zones(frame, found, dt.date(2026, 12, 3))
    second = zones.filter(pl.col("incident_id") == 2).row(0, named=True)
    assert (second["inside_zone_of"] == 1) is inside


def test_zones_last_the_time_band_and_only_active_ones_are_listed():
    d0 = dt.date(2026, 12, 1)
    frame = zone_frame(
        [
            (1, 0, 0, d0),
            (2, 10, 0, d0 + dt.timedelta(days=7)),  # day 7: outside the [0, 7) band of 1
            (3, 0, 10, d0 + dt.timedelta(days=9)),  # inside 2's zone
            (4, 0, 0, d0 + dt.timedelta(days=30)),  # after today: not yet
        ]
    )
    found = nr.Pattern(100.0, 7.0, 1.5, "manhattan", False)
    zones = nr.risk_zones(frame, found, d0 + dt.timedelta(days=9))
    assert zones["incident_id"].to_list() == [3, 2]  # 1 ended on day 6
    assert zones["inside_zone_of"].to_list() == [2, None]
    assert zones["valid_to"].to_list() == [d0 + dt.timedelta(days=15), d0 + dt.timedelta(days=13)]
    assert nr.zone_sentence(zones.row(0, named=True)) == (
        "Förhöjd risk kring händelsen den 10 december till 16 december"
    )
    assert nr.risk_zones(frame.head(0), found, d0).is_empty()
