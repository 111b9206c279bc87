"""The population grid in the database: the frame the analysis reads, the demo's grid per area,
writes that replace, and who may read and write it."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from ostan_dash.demo import geography as geo
from ostan_dash.demo import population as dp
from ostan_dash.store import as_user, population

pytestmark = pytest.mark.db

TODAY = dt.date(2026, 5, 14)


def _user(db, username: str) -> int:
    return db.execute(
        sa.text("SELECT id FROM users WHERE username = :u"), {"u": username}
    ).scalar_one()


def test_no_grid_gives_an_empty_frame_with_the_schema(db) -> None:
    db.execute(sa.text("DELETE FROM population_cells"))
    out = population.cells(conn=db)
    assert out.is_empty()
    assert dict(out.schema) == population.CELL_SCHEMA
    assert population.count(conn=db) == 0


def test_demo_grid_round_trips_and_each_area_holds_its_population(db) -> None:
    n = dp.load_grid(conn=db, seed=2026, today=TODAY)
    out = population.cells(conn=db)
    expected = dp.grid(seed=2026, today=TODAY).drop("area")
    assert n == out.height == expected.height
    assert dict(out.schema) == population.CELL_SCHEMA
    assert out.equals(expected)
    # The database's own area polygons (not the generator's rule) give each area its population.
    per_area = dict(
        db.execute(
            sa.text(
                """
                SELECT a.name, coalesce(sum(c.population), 0)
                FROM areas a LEFT JOIN population_cells c
                  ON area_of(ST_SetSRID(ST_MakePoint(c.x0 + 125 + :dx, c.y0 + 125 + :dy), 3006))
                     = a.id
                GROUP BY a.name
                """
            ),
            {"dx": dp.LABEL_NUDGE[0], "dy": dp.LABEL_NUDGE[1]},
        ).all()
    )
    assert per_area == {a.name: a.population for a in geo.AREAS}


def test_rewriting_the_demo_grid_replaces_it(db) -> None:
    dp.load_grid(conn=db, seed=2026, today=TODAY)
    first = population.cells(conn=db)
    dp.load_grid(conn=db, seed=7, today=TODAY)
    second = population.cells(conn=db)
    assert second.equals(dp.grid(seed=7, today=TODAY).drop("area"))
    assert second["population"].sum() == first["population"].sum()
    assert not second.equals(first)


def test_reload_uses_the_seed_and_day_the_demo_was_loaded_with(db) -> None:
    name = population.demo_import(conn=db)
    if name is None:
        pytest.skip("the test database has no demo data")
    n = dp.reload_grid(conn=db)
    m = dp._DEMO_NAME.search(name)
    assert m is not None
    want = dp.grid(seed=int(m["seed"]), today=dt.date.fromisoformat(m["today"]))
    assert n == want.height
    assert population.cells(conn=db).equals(want.drop("area"))


def test_geometry_and_checks(db) -> None:
    population.write_cells(
        pl.DataFrame(
            {
                "cell_id": ["4910006994000"],
                "cell_size": [1000],
                "x0": [491000.0],
                "y0": [6994000.0],
                "population": [1445],
                "year": [2024],
            }
        ),
        source="test",
        conn=db,
    )
    area, width = db.execute(
        sa.text(
            "SELECT ST_Area(geom), ST_XMax(geom) - ST_XMin(geom) FROM population_cells "
            "WHERE cell_id = '4910006994000'"
        )
    ).one()
    assert (area, width) == (1_000_000, 1000)
    for bad in (
        {"cell_size": 300},  # not an SCB cell size
        {"x0": 491100},  # not on the grid
        {"population": -1},
    ):
        row = {"cell_id": "x", "cell_size": 250, "x0": 491000, "y0": 6994000, "population": 1}
        row.update(bad)
        with pytest.raises(IntegrityError), db.begin_nested():
            db.execute(
                sa.text(
                    "INSERT INTO population_cells (cell_id, cell_size, x0, y0, population) "
                    "VALUES (:cell_id, :cell_size, :x0, :y0, :population)"
                ),
                row,
            )


def test_daytime_flag_is_set_by_an_analyst_and_read_by_everyone(db) -> None:
    dp.load_grid(conn=db, seed=2026, today=TODAY)
    quiet = population.cells(conn=db).filter(~pl.col("daytime"))["cell_id"][:3].to_list()
    with as_user(_user(db, "analytiker"), "analytiker", conn=db):
        assert population.set_daytime(quiet, True, conn=db) == 3
        assert population.set_daytime(quiet, True, conn=db) == 0  # already set
    db.execute(sa.text("RESET role"))
    with as_user(_user(db, "lasare"), "lasare", conn=db):
        flagged = population.cells(conn=db).filter(pl.col("cell_id").is_in(quiet))
        assert flagged["daytime"].all()
    db.execute(sa.text("RESET role"))
    with (
        pytest.raises(DBAPIError, match="permission denied"),
        db.begin_nested(),
        as_user(_user(db, "rapportor"), "rapportor", conn=db),
    ):
        population.set_daytime(quiet, False, conn=db)
