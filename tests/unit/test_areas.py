"""Area criteria, worsening flags, focus score and protective view on a hand-made data set;
the choropleth and matrix cells as a user sees them."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import polars as pl
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from ostan_dash.analysis import areas as aa
from ostan_dash.analysis.survey import weighted_shares
from ostan_dash.ui import area_maps, area_views
from ostan_dash.ui.maps import EMPTY_MAP_STYLE

# Three areas, two years. Populations 1 000 / 3 000 / 6 000 make the weighted means easy:
# weights 0.1, 0.3, 0.6.
POP = {1: 1000, 2: 3000, 3: 6000}


def indicators(overrides: dict | None = None) -> pl.DataFrame:
    base = {
        # area: (unsafe, not_working, low_edu, no_grades, under18, non_voters, organised)
        (1, 2024): (10.0, 5.0, 10.0, 10.0, 20.0, 20.0, False),
        (2, 2024): (20.0, 10.0, 10.0, 10.0, 20.0, 20.0, False),
        (3, 2024): (20.0, 10.0, 10.0, 10.0, 20.0, 20.0, False),
        (1, 2025): (40.0, 5.0, 30.0, 30.0, 20.0, 20.0, True),
        (2, 2025): (20.0, 11.9, 10.0, 10.0, 20.0, 20.0, False),
        (3, 2025): (20.0, 10.0, 10.0, 10.0, 20.0, 20.0, False),
    }
    base.update(overrides or {})
    rows = []
    for (area, year), v in base.items():
        rows.append(
            {
                "area_id": area,
                "year": year,
                "population": POP[area],
                "population_under18": int(POP[area] * v[4] / 100),
                "pct_unsafe": v[0],
                "pct_not_working": v[1],
                "pct_low_education": v[2],
                "pct_no_final_grades": v[3],
                "pct_under18": v[4],
                "pct_non_voters": v[5],
                "organised_crime": v[6],
            }
        )
    return pl.DataFrame(rows)


def cell(long: pl.DataFrame, area: int, year: int, indicator: str) -> dict:
    return long.filter(
        (pl.col("area_id") == area) & (pl.col("year") == year) & (pl.col("indicator") == indicator)
    ).row(0, named=True)


def test_municipal_value_is_population_weighted():
    mun = aa.municipal_values(indicators()).filter(pl.col("year") == 2025).row(0, named=True)
    # 0.1 × 40 + 0.3 × 20 + 0.6 × 20 = 22
    assert mun["pct_unsafe"] == pytest.approx(22.0)
    assert mun["pct_not_working"] == pytest.approx(0.1 * 5 + 0.3 * 11.9 + 0.6 * 10)
    assert mun["organised_crime"] == 1


@pytest.mark.parametrize(
    ("area", "indicator", "level", "met"),
    [
        pytest.param(1, "pct_unsafe", "over", True, id="40-vs-1.25x22-met"),
        pytest.param(2, "pct_unsafe", "lagre", False, id="20-below-municipal"),
        pytest.param(2, "pct_not_working", "hogre", False, id="11.9-above-but-under-threshold"),
        pytest.param(1, "organised_crime", "over", True, id="organised-crime-present"),
        pytest.param(3, "organised_crime", "lagre", False, id="organised-crime-absent"),
    ],
)
def test_levels_against_relative_threshold(area, indicator, level, met):
    long = aa.criteria_long(indicators())
    got = cell(long, area, 2025, indicator)
    assert got["level"] == level
    assert got["met"] is met


@pytest.mark.parametrize(("factor", "met"), [(1.0001, True), (0.9999, False)])
def test_threshold_boundary(factor, met):
    # Area 1's not-working v with v = 1.25 × municipal(v) = 1.25 × (0.1 v + 0.3·11.9 + 0.6·10)
    v = 1.25 * (0.3 * 11.9 + 0.6 * 10) / (1 - 0.125)
    data = indicators({(1, 2025): (40.0, v * factor, 30.0, 30.0, 20.0, 20.0, True)})
    got = cell(aa.criteria_long(data), 1, 2025, "pct_not_working")
    assert got["threshold"] == pytest.approx(v, rel=1e-3)
    assert got["met"] is met


def test_absolute_threshold():
    t = aa.Thresholds({"pct_unsafe": aa.Threshold("absolute", 15.0)})
    long = aa.criteria_long(indicators(), thresholds=t)
    assert cell(long, 2, 2025, "pct_unsafe")["met"]  # 20 ≥ 15 although below the municipality
    assert cell(long, 2, 2025, "pct_unsafe")["threshold"] == 15.0
    assert not cell(aa.criteria_long(indicators()), 2, 2025, "pct_unsafe")["met"]


def test_criteria_met_counts_the_education_criterion_once():
    summary = aa.area_summary(aa.criteria_long(indicators()), year=2025)
    got = dict(zip(summary["area_id"].to_list(), summary["criteria_met"].to_list(), strict=True))
    # Area 1: unsafe (1), both education indicators (3, once), organised crime (6).
    assert got == {1: 3, 2: 0, 3: 0}
    assert summary["area_id"][0] == 1  # most criteria first


def test_one_education_indicator_is_enough_for_criterion_3():
    data = indicators({(1, 2025): (10.0, 5.0, 30.0, 10.0, 20.0, 20.0, False)})
    summary = aa.area_summary(aa.criteria_long(data), year=2025)
    assert summary.filter(pl.col("area_id") == 1)["criteria_met"][0] == 1


def test_any_single_worsening_is_flagged_at_once():
    long = aa.criteria_long(indicators())
    worse = aa.worsened_criteria(long, year=2025)
    flagged = {(r["area_id"], r["indicator"]) for r in worse.iter_rows(named=True)}
    assert flagged == {
        (1, "pct_unsafe"),  # +30 pp
        (1, "pct_low_education"),  # +20 pp
        (1, "pct_no_final_grades"),
        (1, "organised_crime"),  # appeared
    }
    # Area 2's not-working rose 1.9 pp: under the 2 pp default, not flagged ...
    assert cell(long, 2, 2025, "pct_not_working")["change"] == pytest.approx(1.9)
    assert not cell(long, 2, 2025, "pct_not_working")["worsened"]
    # ... but flagged as soon as the analyst lowers the limit.
    strict = aa.criteria_long(indicators(), thresholds=aa.Thresholds(worsening_pp=1.5))
    assert cell(strict, 2, 2025, "pct_not_working")["worsened"]
    summary = aa.area_summary(long, year=2025)
    assert summary.filter(pl.col("area_id") == 1)["worsened"][0].to_list() == [
        "pct_unsafe",
        "pct_low_education",
        "pct_no_final_grades",
        "organised_crime",
    ]


def test_improvement_and_first_year_are_not_worsening():
    data = indicators({(3, 2025): (5.0, 10.0, 10.0, 10.0, 20.0, 20.0, False)})
    long = aa.criteria_long(data)
    assert cell(long, 3, 2025, "pct_unsafe")["change"] == pytest.approx(-15.0)
    assert not cell(long, 3, 2025, "pct_unsafe")["worsened"]
    assert cell(long, 1, 2024, "pct_unsafe")["change"] is None
    assert not cell(long, 1, 2024, "pct_unsafe")["worsened"]


def test_a_gap_year_gives_no_change():
    data = (
        indicators()
        .filter(pl.col("year") == 2025)
        .vstack(
            indicators().filter(pl.col("year") == 2024).with_columns(year=pl.lit(2022, pl.Int64))
        )
    )
    long = aa.criteria_long(data)
    assert cell(long, 1, 2025, "pct_unsafe")["previous"] is None
    assert not cell(long, 1, 2025, "pct_unsafe")["worsened"]


def counts() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "area_id": [1, 1, 2, 3, 1],
            "year": [2025, 2025, 2025, 2025, 2024],
            "source": ["est", "polis", "est", "polis", "est"],
            "category": ["klotter", "vald", "klotter", "stold", "klotter"],
            "n": [50, 20, 30, 60, 10],
        }
    )


def test_rates_per_1000_are_shown_but_never_count_as_criteria():
    long = aa.criteria_long(indicators(), counts=counts())
    est = cell(long, 1, 2025, "est_per_1000")
    assert est["value"] == pytest.approx(50.0)  # 50 per 1 000 inhabitants
    assert est["municipal"] == pytest.approx(80 / 10)  # 80 EST reports in 10 000
    assert est["change"] == pytest.approx(40.0)
    assert est["criterion"] is None
    assert est["level"] == "over" and not est["met"] and not est["worsened"]
    assert cell(long, 2, 2025, "police_per_1000")["value"] == 0.0
    summary = aa.area_summary(long, year=2025)
    assert summary.filter(pl.col("area_id") == 1)["criteria_met"][0] == 3


def test_thresholds_round_trip_and_validation():
    t = aa.Thresholds({"pct_unsafe": aa.Threshold("absolute", 30.0)}, worsening_pp=1.0)
    back = aa.Thresholds.from_json(json.dumps(t.to_json()))
    assert back == t
    assert aa.Thresholds.from_json(None) == aa.DEFAULT_THRESHOLDS
    with pytest.raises(ValueError):
        aa.Threshold("relative", 0.8)  # below the municipality is no threshold
    with pytest.raises(ValueError):
        aa.Threshold("absolute", 120.0)
    with pytest.raises(ValueError):
        aa.Thresholds({"shoe_size": aa.Threshold()})
    with pytest.raises(ValueError):
        aa.Thresholds(worsening_pp=0)


def test_focus_score_follows_the_documented_formula():
    summary = pl.DataFrame(
        {"area_id": [1, 2, 3], "criteria_met": [3, 0, 1], "n_worsened": [1, 0, 0]}
    )
    trend = pl.DataFrame({"area_id": [1, 2, 3], "recent": [125, 10, 0], "earlier": [100, 10, 0]})
    unsafety = pl.DataFrame(
        {"area_id": [1, 2, 3], "share": [0.30, 0.20, None], "municipal": [0.20, 0.20, 0.20]}
    )
    got = aa.focus_scores(summary, trend=trend, unsafety=unsafety)
    by = {r["area_id"]: r for r in got.iter_rows(named=True)}
    # area 1: 3 criteria + 2 × 1 worsened + (25 % rise / 25 %) + min((50 % above / 25 %), 2)
    assert by[1]["trend_points"] == pytest.approx(1.0)
    assert by[1]["unsafety_points"] == pytest.approx(2.0)
    assert by[1]["score"] == pytest.approx(3 + 2 + 1 + 2)
    assert by[2]["score"] == pytest.approx(0.0)
    assert by[3]["score"] == pytest.approx(1.0)  # suppressed survey cell adds nothing
    assert got["area_id"].to_list() == [1, 3, 2]
    assert got["rank"].to_list() == [1, 2, 3]


def test_trend_points_are_capped_and_handle_a_zero_baseline():
    summary = pl.DataFrame({"area_id": [1], "criteria_met": [0], "n_worsened": [0]})
    got = aa.focus_scores(
        summary,
        trend=pl.DataFrame({"area_id": [1], "recent": [40], "earlier": [0]}),
        unsafety=pl.DataFrame({"area_id": [1], "share": [0.1], "municipal": [0.2]}),
    ).row(0, named=True)
    assert got["trend_points"] == 2.0
    assert got["unsafety_points"] == -2.0


def test_protective_areas_are_the_least_crime_and_unsafety_and_skip_tiny_areas():
    data = indicators()
    long = aa.criteria_long(data, counts=counts())
    # Area 1: 70 incidents per 1 000 and 40 % unsafe; areas 2 and 3: 10 per 1 000 and 20 %.
    prot = aa.protective_areas(long, year=2025, populations=data, n=3, min_population=0)
    assert prot["area_id"].to_list() == [2, 3, 1]
    assert prot["crime_per_1000"].to_list() == pytest.approx([10.0, 10.0, 70.0])
    # An area below the population floor is left out (rates of a handful of people mislead).
    prot = aa.protective_areas(long, year=2025, populations=data, n=3, min_population=2000)
    assert prot["area_id"].to_list() == [2, 3]
    comp = aa.protective_comparison(long, year=2025, protective_ids=[2], populations=data)
    unsafe = comp.filter(pl.col("indicator") == "pct_unsafe").row(0, named=True)
    assert unsafe["protective"] == pytest.approx(20.0)
    assert unsafe["others"] == pytest.approx((1000 * 40 + 6000 * 20) / 7000)
    assert unsafe["difference"] == pytest.approx(unsafe["protective"] - unsafe["others"])
    assert comp["indicator"].to_list()[:2] == ["pct_unsafe", "pct_not_working"]


def test_quarters():
    assert aa.quarter_start(dt.date(2026, 11, 26)) == dt.date(2026, 10, 1)
    assert aa.next_quarter_start(dt.date(2026, 11, 26)) == dt.date(2027, 1, 1)
    assert aa.next_quarter_start(dt.date(2026, 3, 31)) == dt.date(2026, 4, 1)
    assert aa.quarter_label(dt.date(2027, 1, 1)) == "kvartal 1 2027"


# Survey changes ----------------------------------------------------------------------------------


def respondents(year: int, area: int, n: int, share: float, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "year": [year] * n,
            "area_id": [area] * n,
            "weight": rng.uniform(0.5, 2.0, n),
            "unsafe_evening": rng.random(n) < share,
        }
    )


def test_year_on_year_change_is_significant_only_when_it_is():
    df = pl.concat(
        [
            respondents(2024, 1, 400, 0.20, 1),
            respondents(2025, 1, 400, 0.40, 2),  # a real jump
            respondents(2024, 2, 400, 0.30, 3),
            respondents(2025, 2, 400, 0.31, 4),  # noise
            respondents(2024, 3, 400, 0.30, 5),
            respondents(2025, 3, 12, 0.90, 6),  # too few answers
        ]
    )
    shares = weighted_shares(df, by=["area_id", "year"], answer_cols=["unsafe_evening"])
    got = aa.survey_changes(shares, by="area_id").filter(pl.col("year") == 2025)
    by = {r["area_id"]: r for r in got.iter_rows(named=True)}
    assert by[1]["significant"] and not by[2]["significant"]
    assert by[3]["change"] is None and not by[3]["significant"]
    # p-value against statsmodels' pooled two-proportion z-test on the effective sizes
    prev = shares.filter((pl.col("area_id") == 1) & (pl.col("year") == 2024)).row(0, named=True)
    cur = shares.filter((pl.col("area_id") == 1) & (pl.col("year") == 2025)).row(0, named=True)
    _, p = proportions_ztest(
        [cur["share"] * cur["n_eff"], prev["share"] * prev["n_eff"]],
        [cur["n_eff"], prev["n_eff"]],
    )
    assert by[1]["p_value"] == pytest.approx(p, rel=1e-9)
    assert by[1]["change"] == pytest.approx(cur["share"] - prev["share"])


def test_survey_changes_adjust_within_each_question_and_year_pair_like_statsmodels():
    # Eight areas, three years; the family is one question between two years over the areas.
    df = pl.concat(
        [
            respondents(year, area, 150, 0.15 + 0.03 * area + (0.08 if year == 2025 else 0), seed)
            for seed, (year, area) in enumerate(
                (y, a) for y in (2023, 2024, 2025) for a in range(1, 9)
            )
        ]
    )
    shares = weighted_shares(df, by=["area_id", "year"], answer_cols=["unsafe_evening"])
    got = aa.survey_changes(shares, by="area_id")
    assert got.filter(pl.col("year") == 2023)["p_value"].is_null().all()
    for year in (2024, 2025):
        fam = got.filter(pl.col("year") == year).sort("area_id")
        reject, adjusted, _, _ = multipletests(fam["p_value"].to_numpy(), method="fdr_bh")
        assert fam["p_adjusted"].to_numpy() == pytest.approx(adjusted, rel=1e-12)
        assert fam["significant"].to_list() == reject.tolist()
        assert fam["n_tests"].to_list() == [8] * 8
    # The correction matters here: some change is significant alone but not among eight.
    assert ((got["p_value"] < 0.05) & ~got["significant"]).any()


@pytest.mark.parametrize("seed", [21, 22])
def test_bh_within_families_equals_statsmodels_per_family_with_ties_and_gaps(seed):
    rng = np.random.default_rng(seed)
    p = rng.random(60) ** 3
    p[[5, 9, 33]] = p[2]  # ties, across and within families
    p[[7, 40]] = np.nan  # not tests
    fam = np.repeat([0, 1, 2], 20)
    df = pl.DataFrame({"f": fam, "p": p}).with_columns(pl.col("p").fill_nan(None))
    got = aa.bh_within(df, p="p", family=["f"], out="q")
    assert got["p"].to_list() == df["p"].to_list()  # the frame keeps its order
    for f in range(3):
        part, mine = p[fam == f], got.filter(pl.col("f") == f)
        ok = ~np.isnan(part)
        _, adjusted, _, _ = multipletests(part[ok], method="fdr_bh")
        assert mine["q"].to_numpy()[ok] == pytest.approx(adjusted, rel=1e-12)
        assert mine["q"].is_null().sum() == (~ok).sum()
        assert set(mine["n_tests"].to_list()) == {int(ok.sum())}


SURVEY_QUESTIONS = ["unsafe_evening", "worried_crime", "avoids_going_out", "victim"]
SURVEY_TODAY = dt.date(2026, 3, 1)  # five complete survey years: four year-pairs per draw


def demo_surveys(draws: int, truth, first_seed: int) -> pl.DataFrame:
    """The demo's own survey generator (20 areas, 100–400 answers per area and year, six
    sex × age strata with unequal response and post-stratification weights), ``draws`` times."""
    from ostan_dash.demo import survey as demo_survey

    return pl.concat(
        demo_survey.survey(seed=first_seed + d, today=SURVEY_TODAY, truth=truth).with_columns(
            draw=pl.lit(d)
        )
        for d in range(draws)
    )


def survey_rings(df: pl.DataFrame) -> pl.DataFrame:
    shares = weighted_shares(df, by=["draw", "area", "year"], answer_cols=SURVEY_QUESTIONS)
    return aa.survey_changes(shares, by="area", family_by=["draw"]).filter(
        pl.col("p_value").is_not_null()
    )


def _constant_truth(a, _y, y0):
    from ostan_dash.demo.indicators import unsafe_truth

    return unsafe_truth(a, y0, y0)


RISERS_EVERY = 4  # every 4th of the demo's 20 areas rises
RISE_PP = 20.0
JUMP_YEAR = SURVEY_TODAY.year - 2


def _risen_truth(a, y, y0):
    from ostan_dash.demo import geography as geo

    risers = {x.code for x in geo.AREAS[::RISERS_EVERY]}
    return _constant_truth(a, y, y0) + (RISE_PP if a.code in risers and y >= JUMP_YEAR else 0.0)


@pytest.fixture(scope="module")
def null_surveys() -> pl.DataFrame:
    """40 draws of the demo survey in which no area's truth changes between years."""
    return demo_surveys(40, _constant_truth, 7000)


@pytest.fixture(scope="module")
def risen_surveys() -> pl.DataFrame:
    """15 draws in which five areas rise by 20 points in one year and nothing else changes."""
    return demo_surveys(15, _risen_truth, 8000)


def _risers() -> list[str]:
    from ostan_dash.demo import geography as geo

    return [a.code for a in geo.AREAS[::RISERS_EVERY]]


def test_no_change_between_years_gives_rings_at_the_false_discovery_rate(null_surveys):
    """Null test: the demo's survey with every area's truth the same every year. Old rule
    (p < 0.05 per area) against the new one (BH over the 20 areas, FDR 5 %)."""
    got = survey_rings(null_surveys)
    pairs = got.select("draw", "year").unique().height
    assert pairs == 40 * 4
    fam = got.group_by("draw", "year", "question").agg(
        any_ring=pl.col("significant").any(),
        rings=pl.col("significant").sum(),
        old_rings=(pl.col("p_value") < 0.05).sum(),
        m=pl.col("n_tests").first(),
    )
    assert fam["m"].min() == 20
    # Every null is true, so the false discovery rate is the chance of any ring in a family.
    n_fam = fam.height
    assert fam["any_ring"].mean() <= 0.05 + 2.5 * math.sqrt(0.05 * 0.95 / n_fam)
    old_per_pair = fam["old_rings"].sum() / pairs  # measured ≈ 3.7 (issue 9: ≈ 3.5)
    new_per_pair = fam["rings"].sum() / pairs  # measured ≈ 0.17 over the four questions
    assert old_per_pair > 2.5
    assert new_per_pair < 0.35
    assert new_per_pair <= 0.05 * 20 * 4  # the brief's bound: FDR level × true nulls


def test_real_changes_still_get_their_ring(risen_surveys):
    """Positive control: five of the 20 areas rise by 20 percentage points between two years;
    the rings find most of them while false rings stay at the FDR. (The demo's effective sample
    sizes, ≈ 80–280 per area, leave a 12-point rise found in only about a third of draws.)"""
    got = survey_rings(risen_surveys).with_columns(
        true_change=pl.col("area").is_in(_risers())
        & (pl.col("year") == JUMP_YEAR)
        & (pl.col("question") != "victim")  # victimisation does not follow unsafety
    )
    unsafe = got.filter((pl.col("question") == "unsafe_evening") & pl.col("true_change"))
    assert unsafe["significant"].mean() >= 0.75  # measured 0.87
    fdp = got.group_by("draw", "year", "question").agg(
        v=(pl.col("significant") & ~pl.col("true_change")).sum(),
        r=pl.col("significant").sum(),
    )
    fdr = (fdp["v"] / fdp["r"].clip(lower_bound=1)).mean()
    assert fdr <= 0.05 + 2.5 * math.sqrt(0.05 * 0.95 / fdp.height)


# "Försämrad" on a sampled indicator ---------------------------------------------------------------


def survey_indicators(surveys: pl.DataFrame) -> pl.DataFrame:
    """Area indicators whose "andel otrygga" is the survey's estimate with its n and n_eff (as the
    demo loader writes them), the register shares constant. Each draw gets its own run of years
    (draw d: 3000 + 10 d + …), so draws never meet in a year-pair or a BH family."""
    shares = weighted_shares(surveys, by=["draw", "area", "year"], answer_cols=["unsafe_evening"])
    codes = sorted(shares["area"].unique().to_list())
    return shares.select(
        pl.col("area").replace_strict({c: i for i, c in enumerate(codes, 1)}).alias("area_id"),
        (3000 + 10 * pl.col("draw") + pl.col("year") - SURVEY_TODAY.year).alias("year"),
        pl.lit(1000).alias("population"),
        pl.lit(200).alias("population_under18"),
        (pl.col("share") * 100).round(2).alias("pct_unsafe"),
        *[pl.lit(10.0).alias(k) for k in aa.NUMERIC_INDICATORS if k != "pct_unsafe"],
        pl.lit(False).alias("organised_crime"),
        "n",
        "n_eff",
        "draw",
        pl.col("area").alias("code"),
        pl.col("year").alias("survey_year"),
    )


def unsafe_rows(ind: pl.DataFrame) -> pl.DataFrame:
    long = aa.criteria_long(ind.drop("draw", "code", "survey_year"))
    keys = ind.select("area_id", "year", "draw", "code", "survey_year")
    return long.filter((pl.col("indicator") == "pct_unsafe") & pl.col("change").is_not_null()).join(
        keys, on=["area_id", "year"]
    )


def test_no_true_change_gives_worsened_unsafety_at_the_stated_rate(null_surveys):
    """Null test: "andel otrygga" from surveys with no true change. The old rule (+2 points)
    flags about a third of the areas every year; the test against the sampling error flags at
    most the false discovery rate."""
    got = unsafe_rows(survey_indicators(null_surveys))
    assert (got["rule"] == "test").all()
    assert got["n_tests"].min() == 20
    old_rate = (got["change"] >= 2.0).mean()  # measured ≈ 0.38 of area-years
    assert old_rate > 0.25
    fam = got.group_by("draw", "year").agg(any_flag=pl.col("worsened").any())
    assert fam.height == 40 * 4
    # All nulls true: FDR = P(any flag in the family); two-sided test, so rises only ≈ half.
    assert fam["any_flag"].mean() <= 0.05 + 2.5 * math.sqrt(0.05 * 0.95 / fam.height)
    assert got["worsened"].mean() <= 0.05 / 20 * 2


def test_a_real_rise_in_unsafety_is_flagged_as_worsened(risen_surveys):
    """Positive control: the five areas that rise by 20 points are flagged in most draws; the
    others stay at the false discovery rate."""
    got = unsafe_rows(survey_indicators(risen_surveys)).with_columns(
        true_rise=pl.col("code").is_in(_risers()) & (pl.col("survey_year") == JUMP_YEAR)
    )
    assert got.filter(pl.col("true_rise"))["worsened"].mean() >= 0.75
    fdp = got.group_by("draw", "year").agg(
        v=(pl.col("worsened") & ~pl.col("true_rise")).sum(), r=pl.col("worsened").sum()
    )
    assert (fdp["v"] / fdp["r"].clip(lower_bound=1)).mean() <= 0.05 + 2.5 * math.sqrt(
        0.05 * 0.95 / fdp.height
    )


def test_worsening_test_of_a_sampled_share_matches_statsmodels():
    ind = indicators().with_columns(
        n=pl.lit(400, dtype=pl.Int64), n_eff=pl.Series([300.0, 250.0, 500.0, 280.0, 260.0, 480.0])
    )
    long = aa.criteria_long(ind)
    rows = long.filter((pl.col("indicator") == "pct_unsafe") & (pl.col("year") == 2025)).sort(
        "area_id"
    )
    assert rows["rule"].to_list() == ["test"] * 3
    before = ind.filter(pl.col("year") == 2024).sort("area_id")
    after = ind.filter(pl.col("year") == 2025).sort("area_id")
    p = []
    for b, a in zip(before.iter_rows(named=True), after.iter_rows(named=True), strict=True):
        if a["pct_unsafe"] == b["pct_unsafe"]:
            p.append(1.0)  # statsmodels returns NaN for two identical shares; no change, p = 1
            continue
        _, pv = proportions_ztest(
            [a["pct_unsafe"] / 100 * a["n_eff"], b["pct_unsafe"] / 100 * b["n_eff"]],
            [a["n_eff"], b["n_eff"]],
        )
        p.append(pv)
    assert rows["p_value"].to_list() == pytest.approx(p, rel=1e-9)
    _, adjusted, _, _ = multipletests(p, method="fdr_bh")
    assert rows["p_adjusted"].to_list() == pytest.approx(adjusted, rel=1e-12)
    # Area 1: 10 % → 40 % on ≈ 300 answers is far beyond the sampling error.
    assert rows["worsened"].to_list() == [True, False, False]
    # Register shares keep the threshold rule.
    not_working = cell(long, 2, 2025, "pct_not_working")
    assert (not_working["rule"], not_working["p_value"]) == ("threshold", None)


def test_a_small_sample_rise_beyond_the_limit_is_not_worsened_but_a_register_rise_is():
    # Area 2's unsafety and its employment share both rise 3 points; the unsafety comes from 60
    # effective answers a year (sampling error ≈ ±15 points), the employment from the register.
    ind = indicators({(2, 2025): (23.0, 13.0, 10.0, 10.0, 20.0, 20.0, False)}).with_columns(
        n_eff=pl.lit(60.0)
    )
    long = aa.criteria_long(ind)
    unsafe = cell(long, 2, 2025, "pct_unsafe")
    assert unsafe["change"] == pytest.approx(3.0)
    assert unsafe["rule"] == "test" and not unsafe["worsened"]
    register = cell(long, 2, 2025, "pct_not_working")
    assert register["rule"] == "threshold" and register["worsened"]
    # Without a sample size the sampled share falls back to the limit alone.
    plain = aa.criteria_long(ind.drop("n_eff"))
    assert cell(plain, 2, 2025, "pct_unsafe")["rule"] == "threshold"
    assert cell(plain, 2, 2025, "pct_unsafe")["worsened"]
    # n alone (an unweighted sample) is its own effective size.
    with_n = aa.criteria_long(ind.drop("n_eff").with_columns(n=pl.lit(5000)))
    assert cell(with_n, 2, 2025, "pct_unsafe")["n_eff"] == 5000.0
    assert cell(with_n, 2, 2025, "pct_unsafe")["worsened"]


def test_the_ring_legend_names_the_correction():
    df = pl.concat(
        [respondents(2024, a, 300, 0.2, a) for a in (1, 2)]
        + [respondents(2025, 1, 300, 0.45, 3), respondents(2025, 2, 300, 0.2, 4)]
    )
    shares = weighted_shares(df, by=["area_id", "year"], answer_cols=["unsafe_evening"])
    changes = aa.survey_changes(shares, by="area_id")
    assert changes.filter(pl.col("year") == 2025)["significant"].to_list() == [True, False]
    fig = area_views.survey_trend(
        changes,
        group="area_id",
        names={1: "Ett", 2: "Två"},
        question_label="Otrygg",
        ring_label=area_views.ring_label(changes["n_tests"].to_list()),
    )
    rings = [t for t in fig.data if t.name.startswith("Signifikant")]
    assert len(rings) == 1 and list(rings[0].x) == [2025]
    assert rings[0].name == (
        "Signifikant förändring mot året före (Benjamini–Hochberg över de 2 områdena, FDR 5\u00a0%)"
    )


def test_worsening_sentences_show_the_figures_they_rest_on():
    from ostan_dash.analysis import area_texts

    ind = indicators({(2, 2025): (26.0, 13.0, 10.0, 10.0, 20.0, 20.0, False)})
    plain = aa.criteria_long(ind)
    register = cell(plain, 2, 2025, "pct_not_working")
    assert area_texts.worsening_text(register, label="Ej i arbete", worsening_pp=2.0) == (
        "ej i arbete: 10,0\u00a0% → 13,0\u00a0% (+3,0 p.e., gräns +2 p.e.)"
    )
    unknown = cell(plain, 2, 2025, "pct_unsafe")
    assert area_texts.worsening_text(unknown, label="Otrygga", worsening_pp=2.0).endswith(
        "(+6,0 p.e., gräns +2 p.e.; urvalets storlek saknas, så urvalsfelet kunde inte prövas)"
    )
    sampled = aa.criteria_long(ind.with_columns(n_eff=pl.lit(2000.0)))
    tested = cell(sampled, 2, 2025, "pct_unsafe")
    assert tested["worsened"]
    assert area_texts.worsening_text(tested, label="Otrygga", worsening_pp=2.5) == (
        "otrygga: 20,0\u00a0% → 26,0\u00a0% (+6,0 p.e., gräns +2,5 p.e.; större än urvalsfelet: "
        "effektivt urval 2\u00a0000 och 2\u00a0000 svar, justerat p < 0,001, "
        "Benjamini–Hochberg över de 3 områdena, FDR 5\u00a0%)"
    )
    organised = cell(plain, 1, 2025, "organised_crime")
    assert area_texts.worsening_text(organised, label="x", worsening_pp=2.0) == (
        "organiserad brottslighet har tillkommit"
    )
    # A rise beyond the limit but within the sampling error is named, not flagged.
    small = aa.criteria_long(ind.with_columns(n_eff=pl.lit(80.0)))
    assert not cell(small, 2, 2025, "pct_unsafe")["worsened"]
    note = area_texts.within_sampling_error(
        small, year=2025, names={1: "Ett", 2: "Två"}, labels=aa.INDICATORS, worsening_pp=2.0
    )
    assert note.startswith("Denna ökning om minst 2 procentenheter ryms inom urvalsfelet")
    assert "Två (otrygga +6,0 p.e., justerat p = " in note


def test_survey_unsafety_and_scatter_points():
    df = pl.concat([respondents(2025, 1, 200, 0.4, 7), respondents(2025, 2, 200, 0.1, 8)])
    u = aa.survey_unsafety(df, year=2025)
    w = df["weight"].to_numpy()
    y = df["unsafe_evening"].to_numpy()
    assert u["municipal"][0] == pytest.approx(np.average(y, weights=w))
    shares = weighted_shares(df, by=["area_id", "year"], answer_cols=["unsafe_evening"])
    pts = aa.incidents_vs_survey(
        shares,
        counts(),
        indicators().select("area_id", "year", "population"),
        year=2025,
        question="unsafe_evening",
        sources=("est",),
    )
    assert pts["per_1000"].to_list() == [50.0, 10.0]
    assert pts["share"][0] == pytest.approx(u.filter(pl.col("area_id") == 1)["share"][0])


# What the user sees -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "value", "change", "worsened", "text"),
    [
        pytest.param("pct_not_working", 20.46, 6.69, True, "⚠ 20,5 ▲ +6,7", id="worsened"),
        pytest.param("pct_unsafe", 12.0, -1.04, False, "12,0 ▼ \u22121,0", id="fell"),
        pytest.param("pct_unsafe", 12.0, 0.01, False, "12,0 ► 0,0", id="unchanged"),
        pytest.param("pct_unsafe", 12.0, None, False, "12,0", id="first-year"),
        pytest.param("organised_crime", 1.0, 1.0, True, "⚠ Ja (ny)", id="organised-new"),
        pytest.param("organised_crime", 0.0, 0.0, False, "Nej", id="organised-none"),
        pytest.param("pct_unsafe", None, None, False, "uppgift saknas", id="missing"),
    ],
)
def test_matrix_cell_text(indicator, value, change, worsened, text):
    assert area_views.cell_text(indicator, value, change, worsened) == text


def test_matrix_keeps_numbers_for_sorting_and_marks_the_worsened_area():
    long = aa.criteria_long(indicators(), counts=counts())
    summary = aa.area_summary(long, year=2025)
    view = area_views.criteria_matrix(
        long,
        summary,
        year=2025,
        names={1: "Ettan", 2: "Tvåan", 3: "Trean"},
        labels=aa.INDICATORS,
        rates=aa.RATES,
    )
    first = view.data.iloc[0]
    assert first["Område"] == "Ettan"
    assert first["Otrygga, %"] == 40.0  # numeric, so the column sorts by value
    assert "Otrygga" in first["Försämrat"] and "Organiserad brottslighet" in first["Försämrat"]
    html = view.styler.to_html()
    assert "⚠ 40,0 ▲ +30,0" in html
    assert area_views.LEVEL_COLOURS["over"] in html
    assert view.export.columns[:4] == ["Område", "År", "Kriterier uppfyllda", "Försämrat"]


def test_survey_overview_hides_suppressed_cells():
    df = pl.concat([respondents(2025, 1, 200, 0.4, 9), respondents(2025, 2, 12, 0.5, 10)])
    shares = weighted_shares(df, by=["area_id", "year"], answer_cols=["unsafe_evening"])
    rows = aa.survey_changes(shares, by="area_id").with_columns(
        group=pl.col("area_id").cast(pl.Utf8)
    )
    view = area_views.survey_overview(
        rows, names={"1": "Stort", "2": "Litet"}, questions={"unsafe_evening": "Otrygg"}
    )
    small = view.data[view.data["Område"] == "Litet"].iloc[0]
    assert math.isnan(small["Otrygg, %"])
    html = view.styler.to_html()
    assert "För få svar (n = 12)" in html
    assert view.export.filter(pl.col("Område") == "Litet")["Otrygg, %"][0] is None


# The choropleth ----------------------------------------------------------------------------------


def square(x: float, y: float) -> str:
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return json.dumps({"type": "MultiPolygon", "coordinates": [[ring]]})


def test_choropleth_has_no_base_map_and_darker_means_more():
    areas = pl.DataFrame(
        {
            "area_id": [1, 2, 3],
            "name": ["Låg", "Hög", "<b>Okänd</b>"],
            "geojson_wgs84": [square(17.0, 59.0), square(17.02, 59.0), square(17.04, 59.0)],
        },
        schema_overrides={"area_id": pl.Int32},
    )
    values = pl.DataFrame({"area_id": [1, 2], "v": [5.0, 25.0]})
    deck = area_maps.choropleth(areas, values, value_col="v", label="Otrygga", unit="%")
    spec = json.loads(deck.to_json())
    assert spec.get("mapStyle") == EMPTY_MAP_STYLE  # a background only: no tiles, no CDN
    assert spec.get("mapProvider") in (None, "")
    # A bare string would reach deck.gl as an expression ("@@=pixels") and nothing is drawn.
    assert spec["layers"][0]["lineWidthUnits"] == "pixels"
    feats = {f["properties"]["name"]: f["properties"] for f in deck.layers[0].data["features"]}
    low, high = feats["Låg"]["fill"], feats["Hög"]["fill"]
    assert sum(high[:3]) < sum(low[:3])  # darker = higher
    assert feats["<b>Okänd</b>"]["value_text"] == "Otrygga: uppgift saknas"
    assert feats["Hög"]["value_text"] == "Otrygga: 25,0 %"
    assert "text" in deck._tooltip and "html" not in deck._tooltip  # never interpreted as HTML
    legend = area_maps.legend([5.0, 25.0, None], unit="%")
    assert legend[-1].text == "Uppgift saknas"
    assert legend[0].text.endswith("%")
    assert "&lt;b&gt;" in area_maps.legend_html(
        [area_maps.LegendEntry("#fff", "<b>x</b>")], title="t"
    )


def test_class_breaks_are_quantiles_and_merge_ties():
    assert area_maps.class_breaks([1, 2, 3, 4, 5], k=5) == pytest.approx([1.8, 2.6, 3.4, 4.2, 5.0])
    assert area_maps.class_breaks([2, 2, 2], k=5) == [2.0]
    assert area_maps.class_breaks([None, float("nan")]) == []
