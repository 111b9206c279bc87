"""The comparison with the country (Brå's statistics, issue 10): Garwood's exact interval
against published limits, the exact Poisson test against an independent sum over the
distribution, Benjamini–Hochberg against a worked example, and the whole comparison on
generated data: municipalities at exactly the national rate are called higher or lower in at
most 5 % of tests, a doubled rate is found."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from ostan_dash.analysis import crime_statistics as cs


@pytest.mark.parametrize(
    ("x", "lower", "upper"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.39), (100, 81.36, 121.63)],
    ids=["x0", "x1", "x10", "x100"],
)
def test_garwood_limits_match_the_published_table(x, lower, upper):
    # Garwood (1936); the same limits in e.g. Ulm (1990), Am. J. Epidemiol. 131:373, table 1.
    lo, hi = cs.garwood_interval(np.array([x]))
    assert lo[0] == pytest.approx(lower, abs=5e-3 if x == 100 else 5e-4)
    assert hi[0] == pytest.approx(upper, abs=5e-3)


def test_the_poisson_test_is_twice_the_smaller_tail_summed_by_hand():
    rng = np.random.default_rng(11)
    mu = rng.uniform(0.5, 80, 40)
    x = rng.poisson(mu * rng.uniform(0.5, 1.6, 40))
    k = np.arange(0, 400)
    pmf = stats.poisson.pmf(k[None, :], mu[:, None])
    below = (pmf * (k[None, :] <= x[:, None])).sum(axis=1)
    above = (pmf * (k[None, :] >= x[:, None])).sum(axis=1)
    expected = np.minimum(1, 2 * np.minimum(below, above))
    np.testing.assert_allclose(cs.poisson_test(x, mu), expected, rtol=1e-9, atol=1e-12)


def test_benjamini_hochberg_against_a_worked_example():
    # Benjamini & Hochberg (1995), the adjusted values R's p.adjust(method = "BH") gives.
    p = [0.01, 0.04, 0.03, 0.005, 0.20]
    np.testing.assert_allclose(cs.benjamini_hochberg(p), [0.025, 0.05, 0.05, 0.025, 0.20])


NATIONAL = {"Samtliga brott": 13_000.0, "Misshandel": 780.0, "Rån": 60.0, "Bedrägeri": 2_400.0}
COUNTRY = 10_500_000


def _file(counts: dict[str, np.ndarray], population: int) -> pl.DataFrame:
    """Brå-shaped rows for one year: the country at the rates of NATIONAL, one municipality per
    draw with ``counts`` and ``population`` (no per 100 000: the rate is computed)."""
    national = pl.DataFrame(
        {
            "region_code": [None] * len(NATIONAL),
            "region_name": ["Riket"] * len(NATIONAL),
            "is_national": [True] * len(NATIONAL),
            "crime_type": list(NATIONAL),
            "year": [2024] * len(NATIONAL),
            "count": [round(r * COUNTRY / 1e5) for r in NATIONAL.values()],
            "per_100k": list(NATIONAL.values()),
            "population": [COUNTRY] * len(NATIONAL),
        },
        schema=cs.STATS_SCHEMA,
    )
    n = len(next(iter(counts.values())))
    towns = [
        pl.DataFrame(
            {
                "region_code": [f"{i:04d}" for i in range(n)],
                "region_name": [f"Kommun {i}" for i in range(n)],
                "is_national": [False] * n,
                "crime_type": [t] * n,
                "year": [2024] * n,
                "count": c,
                "per_100k": [None] * n,
                "population": [population] * n,
            },
            schema=cs.STATS_SCHEMA,
        )
        for t, c in counts.items()
    ]
    return pl.concat([national, *towns])


def _draw(rng: np.random.Generator, n: int, population: int, factor: dict[str, float]):
    return {
        t: rng.poisson(
            r
            * (round(r * COUNTRY / 1e5) / (r * COUNTRY / 1e5))
            * population
            / 1e5
            * factor.get(t, 1.0),
            n,
        )
        for t, r in NATIONAL.items()
    }


@pytest.mark.parametrize("population", [3_000, 25_000, 400_000], ids=["small", "mid", "city"])
def test_null_municipalities_at_the_national_rate_are_rarely_called_different(population):
    rng = np.random.default_rng(2026)
    n = 2_000
    out = cs.compare(_file(_draw(rng, n, population, {}), population), year=2024)
    towns = out.filter(~pl.col("is_national"))
    assert towns.height == n * len(NATIONAL)
    assert towns["verdict"].null_count() == 0
    called = towns["verdict"].is_in([cs.HIGHER, cs.LOWER]).sum()
    # At most 5 %, with a binomial tolerance (one-sided, 0.1 %) for the finite number of tests.
    tolerance = stats.binom.ppf(0.999, towns.height, cs.ALPHA)
    assert called <= tolerance, (called, towns.height)


def test_a_doubled_rate_is_found_and_the_others_are_left_alone():
    rng = np.random.default_rng(7)
    n, population = 300, 25_000
    out = cs.compare(_file(_draw(rng, n, population, {"Misshandel": 2.0}), population), year=2024)
    towns = out.filter(~pl.col("is_national"))
    doubled = towns.filter(pl.col("crime_type") == "Misshandel")["verdict"]
    assert (doubled == cs.HIGHER).mean() >= 0.99
    rest = towns.filter(pl.col("crime_type") != "Misshandel")["verdict"]
    assert rest.is_in([cs.HIGHER, cs.LOWER]).mean() <= 0.08


def test_our_municipality_is_marked_by_code_or_name_and_its_interval_is_garwoods():
    rows = pl.DataFrame(
        {
            "region_code": [None, "0305", None],
            "region_name": ["Riket", "Håbo", "Östan"],
            "is_national": [True, False, False],
            "crime_type": ["Misshandel"] * 3,
            "year": [2023] * 3,
            "count": [82_512, 118, 10],
            "per_100k": [782.9, 516.7, None],
            "population": [None, None, 5_000],
        },
        schema=cs.STATS_SCHEMA,
    )
    by_code = cs.compare(rows, year=2023, code="0305", name="Något annat")
    assert by_code.filter(pl.col("is_ours"))["region"].to_list() == ["Håbo"]
    by_name = cs.compare(rows, year=2023, code="9999", name="Östan kommun")
    assert by_name["region"].to_list() == ["Riket", "Östan", "Håbo"]  # country, ours, others
    ostan = by_name.row(1, named=True)
    # 10 crimes among 5 000: 200 per 100 000, Garwood's 4.795–18.39 scaled by 100 000 / 5 000.
    assert ostan["rate"] == pytest.approx(200.0)
    assert (ostan["lower"], ostan["upper"]) == pytest.approx((95.9, 367.8), abs=0.1)
    assert ostan["expected"] == pytest.approx(782.9 * 5_000 / 1e5)  # the national rate × 5 000
    # Håbo's exposure from Brå's own rate: 118 · 100 000 / 516.7.
    habo = by_name.row(2, named=True)
    assert habo["exposure"] == pytest.approx(118 * 1e5 / 516.7)
    table = cs.table(by_name, "Misshandel")
    assert table.columns == ["Region", "Antal", "Per 100 000 inv.", "95 % KI", "Jämfört med riket"]
    assert table["Region"][1] == "Östan (vår kommun)"
    assert table["95 % KI"][1] == "95,9–367,8"
    assert table["Jämfört med riket"][0] == cs.NATIONAL_VERDICT


def test_without_a_national_row_nothing_is_called_different():
    rows = pl.DataFrame(
        {
            "region_code": ["0305"],
            "region_name": ["Håbo"],
            "is_national": [False],
            "crime_type": ["Misshandel"],
            "year": [2023],
            "count": [118],
            "per_100k": [516.7],
            "population": [None],
        },
        schema=cs.STATS_SCHEMA,
    )
    out = cs.compare(rows, year=2023)
    assert out["verdict"].to_list() == [None]
    assert cs.table(out, "Misshandel")["Jämfört med riket"].to_list() == ["kan inte jämföras"]
