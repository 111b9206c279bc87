"""The demo data generators (no database): determinism, volumes, structure and built-in effects."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest

from ostan_dash import vocab
from ostan_dash.demo import KNOWN, default_today, period
from ostan_dash.demo import geography as geo
from ostan_dash.demo import incidents as inc
from ostan_dash.demo import indicators as ind
from ostan_dash.demo import interventions as ivs
from ostan_dash.demo import survey as sv

TODAY = dt.date(2026, 5, 14)  # a Thursday
SEED = 2026
FULL_YEARS = range(TODAY.year - 5, TODAY.year)


@pytest.fixture(scope="module")
def data() -> tuple[pl.DataFrame, pl.DataFrame]:
    return inc.generate(seed=SEED, scale=1.0, today=TODAY)


@pytest.fixture(scope="module")
def est(data: tuple[pl.DataFrame, pl.DataFrame]) -> pl.DataFrame:
    return data[0].with_columns(
        lf=pl.col("occurred_from").dt.convert_time_zone("Europe/Stockholm"),
        lt=pl.col("occurred_to").dt.convert_time_zone("Europe/Stockholm"),
        hours=(pl.col("occurred_to") - pl.col("occurred_from")).dt.total_minutes() / 60,
    )


@pytest.fixture(scope="module")
def police(data: tuple[pl.DataFrame, pl.DataFrame]) -> pl.DataFrame:
    return data[1]


def _year_of(df: pl.DataFrame) -> pl.Series:
    return df["occurred_from"].dt.convert_time_zone("Europe/Stockholm").dt.year()


# Determinism -------------------------------------------------------------------------------
def test_same_inputs_give_identical_frames(data: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    model = inc.Model(seed=SEED, scale=1.0, today=TODAY)
    first = min(FULL_YEARS)
    est, police = inc.est_year(model, first), inc.police_year(model, first)
    assert data[0].head(est.height).equals(est)
    assert data[1].head(police.height).equals(police)
    assert sv.survey(seed=SEED, today=TODAY).equals(sv.survey(seed=SEED, today=TODAY))
    assert ind.indicators(seed=SEED, today=TODAY).equals(ind.indicators(seed=SEED, today=TODAY))


def test_another_seed_gives_other_data() -> None:
    a = inc.est_year(inc.Model(seed=SEED, today=TODAY), 2023)
    b = inc.est_year(inc.Model(seed=SEED + 1, today=TODAY), 2023)
    assert not a.equals(b)
    assert not sv.survey(seed=SEED, today=TODAY).equals(sv.survey(seed=SEED + 1, today=TODAY))


def test_today_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OSTAN_TODAY", "2025-03-02")
    assert default_today() == dt.date(2025, 3, 2)
    assert period(dt.date(2025, 3, 2)) == (dt.date(2020, 1, 1), dt.date(2025, 3, 2))


# Volume ------------------------------------------------------------------------------------
@pytest.mark.parametrize("year", list(FULL_YEARS))
def test_yearly_volume_near_target(est: pl.DataFrame, police: pl.DataFrame, year: int) -> None:
    n_est = int((_year_of(est) == year).sum())
    n_pol = int((_year_of(police) == year).sum())
    assert 8000 * 0.85 <= n_est <= 8000 * 1.15
    assert 12000 * 0.85 <= n_pol <= 12000 * 1.15


def test_data_spans_the_period_and_stops_before_today(est: pl.DataFrame) -> None:
    assert est["lf"].min().date() == dt.date(TODAY.year - 5, 1, 1)
    assert est["lt"].max() < dt.datetime(2026, 5, 14, tzinfo=ZoneInfo("Europe/Stockholm"))
    last_week = est.filter(pl.col("lf").dt.date() >= TODAY - dt.timedelta(days=7))
    assert last_week.height > 100


def test_scale_multiplies_incident_volume() -> None:
    one = inc.Model(seed=SEED, scale=1.0, today=TODAY)
    two = inc.Model(seed=SEED, scale=2.0, today=TODAY)
    ratio_est = inc.est_year(two, 2024).height / inc.est_year(one, 2024).height
    ratio_pol = inc.police_year(two, 2024).height / inc.police_year(one, 2024).height
    assert 1.85 <= ratio_est <= 2.15
    assert 1.85 <= ratio_pol <= 2.15


# Vocabulary and fields ---------------------------------------------------------------------
def test_categories_and_subtypes_follow_the_vocabulary(est: pl.DataFrame) -> None:
    assert set(est["category"].unique()) == set(vocab.CATEGORIES)
    for cat, subs in vocab.SUBTYPES.items():
        counts = est.filter(pl.col("category") == cat)["subtype"].value_counts()
        assert set(counts["subtype"]) <= set(subs)
        assert counts.height >= min(4, len(subs)), cat
        assert counts["count"].max() / counts["count"].sum() < 0.6, cat


def test_object_type_only_and_always_for_skadegorelse(est: pl.DataFrame) -> None:
    skad = est.filter(pl.col("category") == "skadegorelse")
    assert skad["object_type"].null_count() == 0
    assert set(skad["object_type"].unique()) <= set(vocab.OBJECT_TYPES)
    assert skad["object_type"].n_unique() >= 7
    assert est.filter(pl.col("category") != "skadegorelse")["object_type"].null_count() == (
        est.height - skad.height
    )
    fordon = skad.filter(pl.col("subtype").is_in(["bilbrand", "skadegorelse_fordon"]))
    assert (fordon["object_type"] == "fordon").all()


def test_persons_count_only_for_gatherings(est: pl.DataFrame) -> None:
    saml = est.filter(pl.col("category") == "otrygg_samling")
    assert saml["persons_count"].null_count() == 0
    assert saml["persons_count"].min() >= 1 and saml["persons_count"].max() <= 1000
    assert est.filter(pl.col("category") != "otrygg_samling")["persons_count"].null_count() == (
        est.height - saml.height
    )


def test_time_windows_are_valid_and_some_discovered_after_the_fact(est: pl.DataFrame) -> None:
    assert (est["hours"] >= 0).all()
    assert est["hours"].max() <= 31 * 24
    assert (est["hours"] > 8).mean() > 0.05
    weekend = est.filter(
        (pl.col("lf").dt.weekday() == 5)
        & (pl.col("lf").dt.hour() == 18)
        & (pl.col("lt").dt.weekday() == 1)
        & (pl.col("lt").dt.hour() == 7)
    )
    assert weekend.height > 100
    assert set(weekend["category"].unique()) <= {"skadegorelse", "annat_otryggt", "otrygg_plats"}


def test_friday_and_saturday_nights_are_hot_times(est: pl.DataFrame) -> None:
    short = est.filter(pl.col("hours") <= 1)
    wd, h = short["lf"].dt.weekday(), short["lf"].dt.hour()
    hot = (
        ((wd == 5) & (h >= 18))
        | ((wd == 6) & (h < 3))
        | ((wd == 6) & (h >= 18))
        | ((wd == 7) & (h < 3))
    )
    assert hot.mean() > 2 * 18 / 168


def test_school_yard_is_busy_on_spring_and_summer_evenings(est: pl.DataFrame) -> None:
    h = geo.HOT_SPOT_BY_KEY["skolgard"]
    cx, cy = geo.xy(h.dx, h.dy)
    near = est.filter(
        ((pl.col("x") - cx) ** 2 + (pl.col("y") - cy) ** 2) < 150**2,
        pl.col("hours") <= 1,
        pl.col("lf").dt.hour().is_between(17, 23),
        _year_of(est) < 2025,
    )
    month = near["lf"].dt.month()
    summer = int(month.is_between(4, 8).sum()) / 5
    winter = int(month.is_in([11, 12, 1, 2]).sum()) / 4
    assert summer > 3 * winter


def test_hot_spot_areas_have_most_reports(est: pl.DataFrame) -> None:
    top = est["area"].value_counts().sort("count", descending=True).head(5)
    names = {geo.BY_CODE[c].name for c in top["area"]}
    assert names == set(KNOWN.hot_spot_areas)


def test_points_fall_inside_the_municipality(est: pl.DataFrame, police: pl.DataFrame) -> None:
    assert (geo.label(est["x"].to_numpy(), est["y"].to_numpy()) >= 0).all()
    pts = police.drop_nulls("x")
    assert (geo.label(pts["x"].to_numpy(), pts["y"].to_numpy()) >= 0).all()


def test_police_crimes(police: pl.DataFrame) -> None:
    assert police["external_id"].n_unique() == police.height
    assert police["external_id"].str.contains(r"^5000-K\d+-\d{2}$").all()
    assert set(police["crime_group"].unique()) <= set(vocab.POLICE_GROUPS)
    assert police["crime_group"].n_unique() == len(vocab.POLICE_GROUPS)
    no_point = police["x"].is_null().mean()
    assert 0.05 <= no_point <= 0.15
    assert police.filter(pl.col("x").is_null())["area"].null_count() == 0
    hours = (police["occurred_to"] - police["occurred_from"]).dt.total_minutes() / 60
    assert (hours >= 0).all() and hours.max() <= 31 * 24


# Interventions -----------------------------------------------------------------------------
def _by_title(title: str) -> ivs.Intervention:
    return next(iv for iv in ivs.interventions(TODAY) if iv.title == title)


def _counts(est: pl.DataFrame, iv: ivs.Intervention, shift_years: int) -> tuple[int, int]:
    """Incidents of the intervention's categories inside the target and in the buffer ring,
    during the intervention (shift 0) or the same dates ``shift_years`` earlier."""
    cx, cy = iv.centre()
    s = iv.start.replace(year=iv.start.year - shift_years)
    e = iv.end.replace(year=iv.end.year - shift_years)
    d = est.filter(pl.col("category").is_in(iv.categories), pl.col("lf").dt.date().is_between(s, e))
    dist = np.hypot(d["x"].to_numpy() - cx, d["y"].to_numpy() - cy)
    inside = int((dist < iv.radius).sum())
    ring = int(((dist >= iv.radius) & (dist < iv.radius + iv.buffer_m)).sum())
    return inside, ring


def test_successful_intervention_reduces_its_target(est: pl.DataFrame) -> None:
    for title in KNOWN.successful_interventions:
        during, _ = _counts(est, _by_title(title), 0)
        before, _ = _counts(est, _by_title(title), 1)
        assert during < 0.75 * before, title


def test_displaced_intervention_moves_the_problem_to_the_ring(est: pl.DataFrame) -> None:
    iv = _by_title(KNOWN.displaced_intervention)
    during, ring_during = _counts(est, iv, 0)
    before, ring_before = _counts(est, iv, 1)
    assert during < 0.75 * before
    assert ring_during > 1.4 * ring_before


def test_no_effect_intervention_changes_nothing(est: pl.DataFrame) -> None:
    iv = _by_title(KNOWN.no_effect_intervention)
    code = geo.BY_NAME[iv.target_areas[0]].code

    def n(shift: int) -> int:
        s = iv.start.replace(year=iv.start.year - shift)
        e = iv.end.replace(year=iv.end.year - shift)
        return est.filter(
            pl.col("area") == code,
            pl.col("category").is_in(iv.categories),
            pl.col("lf").dt.date().is_between(s, e),
        ).height

    assert 0.8 < n(0) / n(1) < 1.25


def test_interventions_cover_every_status() -> None:
    statuses = [iv.status for iv in ivs.interventions(TODAY)]
    assert len(statuses) >= 8
    assert {"planerad", "pagaende", "avslutad", "installd"} <= set(statuses)
    running = _by_title(KNOWN.running_intervention)
    assert running.start <= TODAY <= running.end
    for iv in ivs.interventions(TODAY):
        assert iv.problem is not None and len(iv.problem.criteria) == 6
        assert set(iv.categories) <= set(vocab.CATEGORIES)
        assert set(iv.police_groups) <= set(vocab.POLICE_GROUPS)


# Indicators and survey ---------------------------------------------------------------------
def test_indicators_cover_every_area_and_year_and_one_clearly_worsens() -> None:
    df = ind.indicators(seed=SEED, today=TODAY)
    assert df.height == len(geo.AREAS) * len(FULL_YEARS)
    last, prev = max(FULL_YEARS), max(FULL_YEARS) - 1
    changes = []
    for k in ind.INDICATORS:
        wide = (
            df.filter(pl.col("year") == last)
            .select("area", pl.col(k).alias("b"))
            .join(df.filter(pl.col("year") == prev).select("area", pl.col(k).alias("a")), on="area")
        )
        changes += [
            (b - a, geo.BY_CODE[c].name, k) for c, b, a in wide.iter_rows() if k != "pct_under18"
        ]
    changes.sort(reverse=True)
    assert changes[0][1:] == (KNOWN.worsened_area, KNOWN.worsened_indicator)
    assert changes[0][0] > 4 and changes[1][0] < 1.5
    vulnerable = df.filter(pl.col("area") == geo.BY_NAME["Norrbacka"].code)["pct_not_working"]
    villa = df.filter(pl.col("area") == geo.BY_NAME["Lindvik"].code)["pct_not_working"]
    assert vulnerable.min() > 20 and villa.max() < 8
    assert set(
        df.filter(pl.col("organised_crime"))["area"].map_elements(
            lambda c: geo.BY_CODE[c].name, return_dtype=pl.String
        )
    ) == set(KNOWN.organised_crime_areas)


def test_survey_samples_weights_and_answers() -> None:
    df = sv.survey(seed=SEED, today=TODAY)
    n = df.group_by("year", "area").len()
    assert n.height == len(geo.AREAS) * len(FULL_YEARS)
    assert n["len"].min() >= 100 and n["len"].max() <= 400
    assert (df["weight"] > 0).all()
    assert (
        df.group_by("year")
        .agg(pl.col("respondent_ref").n_unique() == pl.len())["respondent_ref"]
        .all()
    )
    assert 0 < df["unsafe_evening"].null_count() < 0.05 * df.height
    share = (
        df.drop_nulls("unsafe_evening")
        .group_by("area")
        .agg(
            (pl.col("unsafe_evening").cast(float) * pl.col("weight")).sum() / pl.col("weight").sum()
        )
    )
    assert share["unsafe_evening"].min() > 0.05 and share["unsafe_evening"].max() < 0.6
    worst = share.sort("unsafe_evening").tail(1)["area"].item()
    assert geo.BY_CODE[worst].name in ("Norrbacka", "Österängen")


def test_geography_is_consistent() -> None:
    assert sum(a.population for a in geo.AREAS) == KNOWN.population == 100_000
    assert 15 <= len(geo.AREAS) <= 25
    for h in geo.HOT_SPOTS:
        i = geo.label(*(np.atleast_1d(v) for v in geo.xy(h.dx, h.dy)))[0]
        assert geo.AREAS[i].name == h.area
    places = geo.places_frame()
    assert (geo.label(places["x"].to_numpy(), places["y"].to_numpy()) >= 0).all()
    assert places.filter(pl.col("kind").is_in(["skola", "forskola"]))["critical"].all()


def test_the_demo_triangles_belong_to_demo_problems_and_pass_the_free_text_guard():
    """Each demo problem analysis triangle names an existing demo problem picture, fills all six
    fields, stays within the column limit (sql/023) and would be accepted by the page's guard."""
    import datetime as dt

    from ostan_dash.demo import interventions as demo_iv
    from ostan_dash.ingest import freetext

    titles = {iv.problem.title for iv in demo_iv.interventions(dt.date(2026, 12, 5)) if iv.problem}
    titles |= {p.title for p in demo_iv.EXTRA_PROBLEMS}
    fields = {"place", "offender", "target", "place_manager", "handler", "guardian"}
    assert demo_iv.TRIANGLES and set(demo_iv.TRIANGLES) <= titles
    for title, tri in demo_iv.TRIANGLES.items():
        assert set(tri) == fields, title
        for text in tri.values():
            assert 0 < len(text) <= 2000
            assert freetext.problems(text) == [], (title, text)
