"""``ostan-dash hotspots --json`` gives the page's cells: the same analysis functions on the same
filter, one object per cell with its SWEREF centre, counts, expectation, test and status."""

from __future__ import annotations

import json

import polars as pl
import pytest

from ostan_dash import cli, config
from ostan_dash.analysis import areas_compare as ac
from ostan_dash.filters import Filters, apply
from ostan_dash.store import population, queries

pytestmark = pytest.mark.db


@pytest.mark.parametrize(
    ("argv", "f", "cell", "region", "expectation"),
    [
        pytest.param([], Filters(), 250, "befolkade", "befolkning", id="defaults"),
        pytest.param(
            ["--period", "kvartal", "--comparison", "forra_aret", "--cell", "500",
             "--region", "hela", "--expectation", "antal", "--source", "est"],
            Filters(preset="kvartal", comparison="forra_aret", source="est"),
            500, "hela", "antal", id="options",
        ),
    ],
)  # fmt: skip
def test_hotspots_json_equals_the_analysis(capsys, argv, f, cell, region, expectation):
    assert cli.main(["hotspots", "--json", *argv]) == 0
    got = json.loads(capsys.readouterr().out)
    incidents, areas, cells = queries.incidents(), queries.areas(), population.cells()
    ids = dict(zip(areas["code"].to_list(), areas["area_id"].to_list(), strict=True))
    today = config.today()
    now = apply(incidents, f, bounds=f.bounds(today), area_ids=ids)
    before = apply(incidents, f, bounds=f.comparison_bounds(today), area_ids=ids)
    study = ac.study_area(areas, cell_size=cell, population=cells, region=region)
    grid, _ = ac.grid_results(now, before, study, expectation=expectation)
    notable = grid.filter(
        (pl.col("count") > 0) | (pl.col("count_before") > 0) | (pl.col("status") != "")
    )
    assert len(got) == notable.height
    assert sum(c["count"] for c in got) == notable["count"].sum()
    hot = [c for c in got if c["status"] in ("het", "ny", "växande") and c["count"] > c["expected"]]
    assert len([c for c in got if c["status"] == "het"]) == int((grid["status"] == "het").sum())
    assert hot, "the demo has hot spots in every view"
    first = got[0]
    assert set(first) == {
        "x", "y", "count", "expected", "z", "p_value", "count_before", "change_p", "status"
    }  # fmt: skip
    # Centres, not corners: on the cell lattice plus half a cell.
    assert all((c["x"] - cell / 2) % cell == 0 and (c["y"] - cell / 2) % cell == 0 for c in got)
