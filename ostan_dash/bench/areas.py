"""Timings of the Områden and Trygghetsundersökning data paths against an in-memory floor.

``interactions()`` runs against the database the process points at (``ostan-dash bench`` sets
it to its scratch database). For each page:

* ``data_path_cold``: the store's reads plus every computation the page makes (what a first
  visit costs when the cache is empty);
* ``data_path_cached``: the computations alone, from frames already read (a rerun when a widget
  changes);
* ``floor_in_memory``: the same results computed with Polars from the raw rows held in memory
  (incidents and survey answers), i.e. without the database doing the grouping;

and the ratios of the first two to the floor (shared/notes/performance.md).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from ostan_dash import config
from ostan_dash.analysis import areas as aa
from ostan_dash.analysis.survey import weighted_shares
from ostan_dash.bench.timing import timed
from ostan_dash.store import areas as store
from ostan_dash.store import queries

QUESTIONS = list(store.SURVEY_QUESTIONS)


def omraden_compute(
    ind: pl.DataFrame,
    counts: pl.DataFrame,
    recent: pl.DataFrame,
    survey: pl.DataFrame,
) -> pl.DataFrame:
    """Everything Områden computes once its frames are read: matrix, summary, focus scores and
    the protective comparison for the latest year."""
    long = aa.criteria_long(ind, counts=counts)
    year = int(ind["year"].max())
    summary = aa.area_summary(long, year=year)
    aa.worsened_criteria(long, year=year)
    unsafety = aa.survey_unsafety(survey, year=int(survey["year"].max()))
    scores = aa.focus_scores(summary, trend=recent, unsafety=unsafety)
    prot = aa.protective_areas(long, year=year, populations=ind)
    aa.protective_comparison(
        long, year=year, protective_ids=prot["area_id"].to_list(), populations=ind
    )
    return scores


def trygghet_compute(survey: pl.DataFrame, counts: pl.DataFrame, ind: pl.DataFrame) -> pl.DataFrame:
    """Everything Trygghetsundersökning computes: shares per area and year and for the whole
    municipality with year-on-year tests, and the scatter points for the latest year."""
    per_area = aa.survey_changes(
        weighted_shares(survey, by=["area_id", "year"], answer_cols=QUESTIONS), by="area_id"
    )
    aa.survey_changes(weighted_shares(survey, by=["year"], answer_cols=QUESTIONS), by=[])
    return aa.incidents_vs_survey(
        per_area,
        counts,
        ind.select("area_id", "year", "population"),
        year=int(survey["year"].max()),
        question="unsafe_evening",
    )


def counts_in_memory(incidents: pl.DataFrame) -> pl.DataFrame:
    """``store.incident_counts()`` computed by Polars from the raw incident rows."""
    return (
        incidents.filter(pl.col("area_id").is_not_null())
        .group_by(
            pl.col("area_id").cast(pl.Int64),
            pl.col("occurred_from").dt.year().cast(pl.Int64).alias("year"),
            pl.col("source").cast(pl.Utf8),
            pl.col("category").cast(pl.Utf8),
        )
        .agg(n=pl.len().cast(pl.Int64))
    )


def recent_in_memory(incidents: pl.DataFrame, today: dt.date, days: int = 91) -> pl.DataFrame:
    """``store.recent_incident_counts()`` computed by Polars from the raw incident rows."""
    end = dt.datetime.combine(today, dt.time(), tzinfo=config.TZ)
    start = end - dt.timedelta(days=days)
    prev_end = dt.datetime.combine(store.year_earlier(today), dt.time(), tzinfo=config.TZ)
    prev_start = prev_end - dt.timedelta(days=days)
    t = pl.col("occurred_from")
    return (
        incidents.filter(pl.col("area_id").is_not_null() & (t >= prev_start) & (t < end))
        .group_by(pl.col("area_id").cast(pl.Int64))
        .agg(
            recent=((t >= start) & (t < end)).sum().cast(pl.Int64),
            earlier=((t >= prev_start) & (t < prev_end)).sum().cast(pl.Int64),
        )
    )


def interactions(*, repeat: int = 5) -> dict[str, object]:
    """Time both pages' data paths in this process's database; milliseconds and ratios."""
    today = config.today()
    incidents = queries.incidents()
    ind = store.indicators()
    counts = store.incident_counts()
    recent = store.recent_incident_counts(today)
    survey = store.survey_responses()

    def omraden_cold() -> None:
        omraden_compute(
            store.indicators(),
            store.incident_counts(),
            store.recent_incident_counts(today),
            store.survey_responses(),
        )

    def omraden_floor() -> None:
        omraden_compute(
            ind, counts_in_memory(incidents), recent_in_memory(incidents, today), survey
        )

    def trygghet_cold() -> None:
        trygghet_compute(store.survey_responses(), store.incident_counts(), store.indicators())

    def trygghet_floor() -> None:
        trygghet_compute(survey, counts_in_memory(incidents), ind)

    out: dict[str, object] = {
        "rows": {
            "incidents": incidents.height,
            "area_indicators": ind.height,
            "survey_responses": survey.height,
        }
    }
    for page, cold_fn, warm_fn, floor_fn in (
        (
            "omraden",
            omraden_cold,
            lambda: omraden_compute(ind, counts, recent, survey),
            omraden_floor,
        ),
        (
            "trygghet",
            trygghet_cold,
            lambda: trygghet_compute(survey, counts, ind),
            trygghet_floor,
        ),
    ):
        cold = timed(cold_fn, repeat=max(1, repeat - 2))
        warm = timed(warm_fn, repeat=repeat)
        floor = timed(floor_fn, repeat=repeat)
        out[page] = {
            "data_path_cold": cold,
            "data_path_cached": warm,
            "floor_in_memory": floor,
            "ratio_cold_to_floor": round(cold["median_ms"] / floor["median_ms"], 2),
            "ratio_cached_to_floor": round(warm["median_ms"] / floor["median_ms"], 2),
        }
    return out
