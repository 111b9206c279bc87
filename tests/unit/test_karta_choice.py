"""Karta och tider's decisions (analysis.karta_choice) and tables (analysis.karta_tables): the
settings an address asks for and the changes written back, the cells named, the hot-times
scopes, the areas and shares of the captions, and the tables' columns and verdicts."""

from __future__ import annotations

import datetime as dt
import doctest
import math

import numpy as np
import polars as pl
import pytest

from ostan_dash.analysis import areas_compare as ac
from ostan_dash.analysis import karta_choice as kc
from ostan_dash.analysis import karta_tables
from ostan_dash.analysis.exposure import Accuracy


def test_docstring_examples():
    result = doctest.testmod(kc, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, kc.View()),
        ({"ruta": "100"}, kc.View(cell_size=100)),
        ({"ruta": "abc"}, kc.View()),
        ({"ruta": "-100"}, kc.View()),
        ({"ruta": "1000"}, kc.View()),
        ({"region": "hela", "vantat": "antal"}, kc.View(region="hela", expectation="antal")),
        ({"region": "skog", "vantat": "x"}, kc.View()),
        ({"tathet": "1", "visning": "stor"}, kc.View(density=True, large=True)),
        ({"tathet": "ja", "visning": "liten"}, kc.View()),
    ],
    ids=[
        "empty",
        "cell-100",
        "cell-text",
        "cell-negative",
        "cell-unknown",
        "region-counts",
        "unknown-words",
        "density-meeting",
        "other-flags",
    ],
)
def test_the_view_an_address_asks_for(params, expected):
    assert kc.View.from_url(params) == expected


def test_without_population_the_map_counts_over_the_whole_municipality():
    chosen = kc.View(cell_size=500, region="befolkade", expectation="befolkning", density=True)
    assert chosen.effective(has_population=True) == chosen
    assert chosen.effective(has_population=False) == kc.View(
        cell_size=500, region="hela", expectation="antal", density=True
    )


def test_the_address_holds_only_what_is_not_the_default():
    view = kc.View(cell_size=500, region="hela", expectation="befolkning", large=True)
    entries = view.url_entries(has_population=True)
    assert kc.url_changes({}, entries) == {"ruta": "500", "region": "hela", "visning": "stor"}
    # Back to the defaults: every key the address held is removed, others left alone.
    stale = {"ruta": "500", "region": "hela", "vantat": "antal", "tathet": "1", "period": "ar"}
    assert kc.url_changes(stale, kc.View().url_entries(has_population=True)) == {
        "ruta": None,
        "region": None,
        "vantat": None,
        "tathet": None,
    }
    # Already right: nothing to write.
    assert kc.url_changes({"ruta": "500", "region": "hela", "visning": "stor"}, entries) == {}


def test_without_population_region_and_comparison_stay_out_of_the_address():
    view = kc.View(region="hela", expectation="antal")
    assert kc.url_changes({}, view.url_entries(has_population=False)) == {}
    assert kc.url_changes({"region": "hela"}, view.url_entries(has_population=False)) == {
        "region": None
    }


def _grid() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "col": [0, 1, 2, 3, 4],
            "row": [0, 0, 0, 0, 0],
            "class": ["hot", "cold", "hot", "", "cold"],
            "status": [None, "minskande", "ny", "växande", "kall"],
            "z": [2.5, -1.0, 4.0, 1.2, 0.1],
        }
    )


def test_the_cells_named_are_hot_or_changed_hottest_first():
    named = kc.cells_to_name(_grid())
    assert named["col"].to_list() == [2, 0, 3, 1]
    assert kc.cells_to_name(_grid(), limit=2)["col"].to_list() == [2, 0]


def test_hot_cells_and_new_or_growing_cells_are_counted():
    changes = pl.DataFrame({"status": ["ny", "växande", "minskande", "ny"]})
    assert kc.hot_and_new(_grid(), changes) == (2, 3)


def _study(area_mask: np.ndarray | None) -> ac.StudyArea:
    """A 4 × 4 grid of 250 m cells at (600 000, 6 630 000); the region is the left half."""
    mask = np.zeros((4, 4), dtype=bool)
    mask[:, :2] = True
    return ac.StudyArea(
        extent=(600_000.0, 6_630_000.0, 600_999.0, 6_630_999.0),
        cell_size=250,
        mask=mask,
        area_mask=area_mask,
    )


def test_the_chosen_areas_are_measured_by_their_cells():
    area_mask = np.zeros((4, 4), dtype=bool)
    area_mask[:3, :] = True  # 12 cells of 0,0625 km²
    assert kc.chosen_km2(_study(area_mask)) == pytest.approx(0.75)
    assert kc.chosen_km2(_study(None)) == pytest.approx(0.5)  # the region: 8 cells


def test_accuracy_shares_in_per_cent_and_nan_without_a_whole():
    acc = Accuracy(n=12, N=48, a_km2=0.25, A_km2=10.0, pai=10.0, n_best=20, pei=0.6)
    assert kc.accuracy_shares(acc) == (2.5, 25.0)
    empty = Accuracy(n=0, N=0, a_km2=0.0, A_km2=0.0, pai=math.nan, n_best=0, pei=math.nan)
    assert all(math.isnan(s) for s in kc.accuracy_shares(empty))


def test_scope_keys_parse_back():
    assert kc.TimeScope.parse(kc.ALL) == kc.TimeScope("alla")
    assert kc.TimeScope.parse(kc.area_scope("C01")) == kc.TimeScope("omrade", code="C01")
    assert kc.TimeScope.parse(kc.cell_scope(12, 7)) == kc.TimeScope("ruta", col=12, row=7)
    assert kc.TimeScope.parse("annat") == kc.TimeScope("alla")


def test_the_incidents_of_a_scope():
    now = pl.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "area_id": [1, 2, 1, None],
            "x": [600_010.0, 600_260.0, 600_249.0, None],
            "y": [6_630_010.0, 6_630_010.0, 6_630_260.0, None],
        }
    )
    study = _study(None)
    ids = {"W01": 1, "E01": 2}

    def ids_in(scope: kc.TimeScope) -> list[int]:
        return kc.scope_incidents(now, scope, area_ids=ids, study=study)["id"].to_list()

    assert ids_in(kc.TimeScope("alla")) == [1, 2, 3, 4]
    assert ids_in(kc.TimeScope("omrade", code="W01")) == [1, 3]
    assert ids_in(kc.TimeScope("ruta", col=0, row=0)) == [1]
    assert ids_in(kc.TimeScope("ruta", col=0, row=1)) == [3]
    assert ids_in(kc.TimeScope("ruta", col=1, row=0)) == [2]


def test_whole_months_stop_before_this_month():
    profile = pl.DataFrame(
        {"year": [2025, 2025, 2026, 2026, 2026], "month": [11, 12, 1, 2, 3], "count": [1] * 5}
    )
    kept = kc.whole_months(profile, dt.date(2026, 2, 1))
    assert list(zip(kept["year"], kept["month"], strict=True)) == [
        (2025, 11),
        (2025, 12),
        (2026, 1),
    ]


def test_the_municipalitys_change_and_dispersion_of_a_compare_table():
    table = pl.DataFrame({"region_change_pct": [-8.5, -8.5], "dispersion": [2.25, 2.25]})
    assert kc.region_figures(table) == (-8.5, 2.25)
    assert kc.region_figures(table.clear()) == (0, 1)


# Tables ------------------------------------------------------------------------------------------
def test_the_hot_cell_table_rounds_and_names_the_columns():
    cells = pl.DataFrame(
        {
            "where": ["Storgatan vid Stora torget", None],
            "count": [14, 9],
            "expected": [3.456, 2.04],
            "z": [5.1234, 3.005],
            "place": ["Stora torget", None],
            "place_m": [42.6, None],
            "col": [1, 2],
        }
    )
    table = karta_tables.hot_cells(cells)
    assert table.columns == [
        "Läge",
        "Antal",
        "Väntat",
        "z",
        "Närmaste kritiska objekt",
        "Avstånd (m)",
    ]
    assert table.row(0) == ("Storgatan vid Stora torget", 14, 3.5, 5.12, "Stora torget", 43.0)
    assert table.row(1) == ("–", 9, 2.0, 3.0, None, None)


def test_the_changed_cell_table_keeps_the_corner_in_whole_metres():
    cells = pl.DataFrame(
        {
            "status": ["ny"],
            "where": [None],
            "count": [8],
            "expected": [2.25],
            "count_before": [1],
            "ratio": [3.14159],
            "change_p": [0.00123],
            "place": ["Skolan"],
            "place_m": [120.4],
            "x0": [600_250.0],
            "y0": [6_630_500.0],
        }
    )
    table = karta_tables.changed_cells(cells)
    assert table.to_dicts() == [
        {
            "Status": "ny",
            "Läge": "–",
            "Antal nu": 8,
            "Väntat nu": 2.2,
            "Antal jämförelseperiod": 1,
            "Kvot mot området": 3.14,
            "p (förändring)": 0.00123,
            "Närmaste kritiska objekt": "Skolan",
            "Avstånd (m)": 120.0,
            "Ruta, öst (SWEREF)": 600_250,
            "Ruta, nord (SWEREF)": 6_630_500,
        }
    ]
    assert table["Ruta, öst (SWEREF)"].dtype == pl.Int64


def test_the_compare_table_reads_a_significant_change_as_a_verdict():
    compare = pl.DataFrame(
        {
            "name": ["Centrum", "Norr", "Söder", "Väster"],
            "count": [40, 5, 12, 0],
            "count_before": [20, 15, 12, 0],
            "per_1000": [8.123, 1.0, 2.5, 0.0],
            "change_pct": [100.0, -66.6, 0.0, None],
            "ratio": [2.1, 0.35, 1.02, None],
            "ci_low": [1.234, 0.111, 0.5, None],
            "ci_high": [3.456, 0.999, 2.0, None],
            "p_value": [0.00049, 0.012, 0.97, None],
            "q_value": [0.00196, 0.024, 0.97, None],
            "significant": [True, True, False, False],
        }
    )
    table = karta_tables.compare_areas(compare)
    assert table["Bedömning"].to_list() == [
        "Säker ökning",
        "Säker minskning",
        "Ingen säker förändring",
        "Ingen säker förändring",
    ]
    assert table.row(0) == (
        "Centrum",
        40,
        20,
        8.12,
        100.0,
        2.1,
        1.23,
        3.46,
        0.0,
        0.002,
        "Säker ökning",
    )
    assert table["Förändring %"].to_list() == [100.0, -67.0, 0.0, None]
