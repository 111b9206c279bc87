"""Trygghetsundersökning's decisions (analysis.survey_compare) on small worked frames."""

from __future__ import annotations

import polars as pl
import pytest

from ostan_dash.analysis import survey_compare as compare

GROUPS = compare.group_names({1: "Norr", 2: "Söder", 3: "Öster"})


def test_shares_of_areas_and_the_municipality_share_one_group_column():
    per_area = pl.DataFrame({"area_id": [1, 9], "year": [2025, 2025], "share": [0.2, 0.9]})
    whole = pl.DataFrame({"year": [2025], "share": [0.3]})
    rows = compare.grouped_shares(per_area, whole, GROUPS)
    assert sorted(rows.select("group", "share").rows()) == [("1", 0.2), ("kommunen", 0.3)]


def test_areas_are_offered_by_share_then_by_name():
    latest = pl.DataFrame({"group": ["kommunen", "1", "3", "2"], "share": [0.9, 0.1, 0.4, None]})
    assert compare.area_order(latest, GROUPS) == ["3", "1", "2"]
    assert compare.area_order(latest.head(2), GROUPS) == ["1", "2", "3"]  # Söder before Öster


def test_a_year_without_official_population_takes_the_areas_own():
    ind = pl.DataFrame({"area_id": [1], "year": [2024], "population": [1000.0]})
    areas = pl.DataFrame({"area_id": [1], "population": [1100.0]})
    assert compare.populations_for(ind, areas, year=2024).equals(ind)
    filled = compare.populations_for(ind, areas, year=2025)
    assert filled.filter(pl.col("year") == 2025)["population"].to_list() == [1100.0]


def test_the_municipal_reference_counts_the_chosen_sources_only():
    whole = pl.DataFrame({"year": [2025], "question": ["unsafe"], "share": [0.25]})
    counts = pl.DataFrame(
        {"year": [2025, 2025, 2024], "source": ["est", "polis", "est"], "n": [30, 70, 999]}
    )
    pops = pl.DataFrame({"year": [2025, 2025], "population": [4000.0, 6000.0]})
    ref = compare.municipal_reference(
        whole, counts, pops, year=2025, question="unsafe", sources=("est",)
    )
    assert ref.per_1000 == pytest.approx(30 / 10_000 * 1000)
    assert ref.share_pct == pytest.approx(25.0)
    both = compare.municipal_reference(
        whole, counts, pops, year=2025, question="unsafe", sources=("est", "polis")
    )
    assert both.per_1000 == pytest.approx(10.0)


def test_without_population_or_share_the_reference_is_missing():
    ref = compare.municipal_reference(
        pl.DataFrame(
            {"year": [2025], "question": ["x"], "share": [None]},
            schema_overrides={"share": pl.Float64},
        ),
        pl.DataFrame({"year": [2025], "source": ["est"], "n": [5]}),
        pl.DataFrame({"year": [2024], "population": [100.0]}),
        year=2025,
        question="x",
        sources=("est",),
    )
    assert ref == compare.Reference(None, None)
