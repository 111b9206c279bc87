"""The demo's population grid: SCB's cell layout, each area's residents exactly, where the demo's
residents and incidents are, empty countryside, and day-time cells at the centre and the travel
centre."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from ostan_dash.demo import geography as geo
from ostan_dash.demo import incidents as inc
from ostan_dash.demo import population as dp
from ostan_dash.store.population import CELL_SCHEMA

TODAY = dt.date(2026, 5, 14)


@pytest.fixture(scope="module")
def grid() -> pl.DataFrame:
    return dp.grid(seed=2026, today=TODAY)


def _cell_of(x: np.ndarray, y: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame({"x0": np.floor(x / 250) * 250, "y0": np.floor(y / 250) * 250})


def test_schema_is_the_store_schema_plus_area(grid: pl.DataFrame) -> None:
    assert dict(grid.drop("area").schema) == CELL_SCHEMA
    assert grid["cell_id"].is_unique().all()
    assert grid["year"].unique().to_list() == [TODAY.year - 1]


def test_cells_are_scb_250_m_cells_with_rutid_of_the_corner(grid: pl.DataFrame) -> None:
    assert (grid["cell_size"] == 250).all()
    assert ((grid["x0"] % 250 == 0) & (grid["y0"] % 250 == 0)).all()
    corner = grid.select(
        pl.col("cell_id").str.slice(0, 6).cast(pl.Float64).alias("e"),
        pl.col("cell_id").str.slice(6, 7).cast(pl.Float64).alias("n"),
    )
    assert (grid["cell_id"].str.len_chars() == 13).all()
    assert corner["e"].equals(grid["x0"], check_names=False)
    assert corner["n"].equals(grid["y0"], check_names=False)


def test_each_area_holds_exactly_its_population(grid: pl.DataFrame) -> None:
    totals = dict(grid.group_by("area").agg(pl.col("population").sum()).iter_rows())
    assert totals == {a.name: a.population for a in geo.AREAS}
    assert grid["population"].sum() == sum(a.population for a in geo.AREAS)


def test_area_of_a_cell_is_the_area_of_its_centre(grid: pl.DataFrame) -> None:
    lab = geo.label(
        grid["x0"].to_numpy() + 125 + dp.LABEL_NUDGE[0],
        grid["y0"].to_numpy() + 125 + dp.LABEL_NUDGE[1],
    )
    assert [geo.AREAS[k].name for k in lab] == grid["area"].to_list()


def test_same_seed_same_grid_other_seed_moves_only_the_farms(grid: pl.DataFrame) -> None:
    assert dp.grid(seed=2026, today=TODAY).equals(grid)
    other = dp.grid(seed=7, today=TODAY)
    town = {a.name for a in geo.AREAS if a.town and a.population >= 1000}
    assert other.filter(pl.col("area").is_in(town)).equals(grid.filter(pl.col("area").is_in(town)))
    assert not other.equals(grid)


@pytest.mark.parametrize("name", ["Norrbacka", "Centrum", "Solhöjden", "Ekhagen"])
def test_town_cells_match_where_the_demo_places_residents(grid: pl.DataFrame, name: str) -> None:
    """Residents drawn by the demo's own sampler, binned into the grid, are spread like the grid
    (total variation distance; sampling noise alone is about 0.02 with 40 000 draws, a uniform
    spread over the area's cells gives 0.13–0.17)."""
    i = [a.name for a in geo.AREAS].index(name)
    x, y = geo.sample_in_area(i, 40_000, np.random.default_rng(11))
    drawn = _cell_of(x, y).group_by("x0", "y0").len().with_columns(p=pl.col("len") / 40_000)
    cells = grid.filter(pl.col("area") == name).with_columns(
        q=pl.col("population") / pl.col("population").sum()
    )
    both = drawn.join(cells, on=["x0", "y0"], how="full", coalesce=True).fill_null(0)
    tv = 0.5 * (both["p"] - both["q"]).abs().sum()
    uniform = cells.with_columns(q=1 / cells.height)
    both_u = drawn.join(uniform, on=["x0", "y0"], how="full", coalesce=True).fill_null(0)
    tv_uniform = 0.5 * (both_u["p"] - both_u["q"]).abs().sum()
    assert tv < 0.10
    assert tv < tv_uniform


def test_village_residents_are_near_the_village(grid: pl.DataFrame) -> None:
    """The share of a village area's residents within 1.5 km of the village equals the demo
    sampler's, although the farmland around it is mostly empty."""
    for i, a in enumerate(geo.AREAS):
        if a.town:
            continue
        cx, cy = geo.xy(a.dx, a.dy)
        x, y = geo.sample_in_area(i, 20_000, np.random.default_rng(i))
        near_drawn = np.mean(np.hypot(x - cx, y - cy) < 1500)
        cells = grid.filter(pl.col("area") == a.name)
        d = np.hypot(cells["x0"].to_numpy() + 125 - cx, cells["y0"].to_numpy() + 125 - cy)
        near_grid = cells["population"].to_numpy()[d < 1500].sum() / a.population
        assert near_grid == pytest.approx(near_drawn, abs=0.05), a.name


def test_countryside_is_mostly_empty_and_the_town_is_settled(grid: pl.DataFrame) -> None:
    b = geo.boundary()
    xs = np.arange(np.floor(b[:, 0].min() / 250) * 250, b[:, 0].max(), 250)
    ys = np.arange(np.floor(b[:, 1].min() / 250) * 250, b[:, 1].max(), 250)
    gx, gy = (g.ravel() for g in np.meshgrid(xs, ys))
    lab = geo.label(gx + 125 + dp.LABEL_NUDGE[0], gy + 125 + dp.LABEL_NUDGE[1])
    rural = np.isin(lab, [i for i, a in enumerate(geo.AREAS) if not a.town])
    town = np.isin(lab, [i for i, a in enumerate(geo.AREAS) if a.town and a.population >= 1000])
    listed = (
        pl.DataFrame({"x0": gx, "y0": gy})
        .join(grid.filter(pl.col("population") > 0), on=["x0", "y0"], how="left")
        .get_column("population")
        .is_not_null()
        .to_numpy()
    )
    assert listed[rural].mean() < 0.4  # most farmland and forest cells have no residents
    assert listed[town].mean() > 0.97  # the town is built up
    assert grid.filter(~pl.col("daytime"))["population"].min() > 0


def test_daytime_cells_are_the_centre_the_travel_centre_and_the_malls(grid: pl.DataFrame) -> None:
    day = grid.filter(pl.col("daytime"))
    assert set(day["area"]) >= {"Centrum", "Resecentrum"}
    assert grid.filter(pl.col("area").is_in(["Centrum", "Resecentrum"]))["daytime"].all()
    for place in ("Stora torget", "Östan resecentrum", "Köpcentrum Norr", "Gallerian Östan"):
        p = geo.PLACE_BY_NAME[place]
        x, y = geo.xy(p.dx, p.dy)
        cell = grid.filter(
            (pl.col("x0") == np.floor(x / 250) * 250) & (pl.col("y0") == np.floor(y / 250) * 250)
        )
        assert cell["daytime"].to_list() == [True], place
    villages = grid.filter(pl.col("area").is_in([a.name for a in geo.AREAS if not a.town]))
    assert not villages["daytime"].any()


@pytest.mark.parametrize("kind", ["est", "police"])
def test_the_demos_incidents_mostly_fall_in_settled_or_daytime_cells(
    grid: pl.DataFrame, kind: str
) -> None:
    model = inc.Model(seed=2026, scale=1.0, today=TODAY)
    year = inc.est_year(model, 2025) if kind == "est" else inc.police_year(model, 2025)
    pts = year.filter(pl.col("x").is_not_null())
    hit = _cell_of(pts["x"].to_numpy(), pts["y"].to_numpy()).join(
        grid.select("x0", "y0", "population", "daytime"), on=["x0", "y0"], how="left"
    )
    covered = (hit["population"].fill_null(0) > 0) | hit["daytime"].fill_null(False)
    assert covered.mean() > 0.9
    # every built-in hot spot lies in a cell with residents or a day-time population
    spots = np.array([geo.xy(h.dx, h.dy) for h in geo.HOT_SPOTS])
    at = _cell_of(spots[:, 0], spots[:, 1]).join(grid, on=["x0", "y0"], how="left")
    assert ((at["population"] > 0) | at["daytime"]).all()
