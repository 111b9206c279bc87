"""Painting an intervention area on the map: the grid around a street or place (issue 12)."""

from __future__ import annotations

import pytest

from ostan_dash.analysis import drawing


def test_the_grid_is_centred_on_the_square_that_holds_the_point_and_aligned():
    g = drawing.paint_grid(601_234.0, 6_630_987.0)
    assert g.height == drawing.SIDE**2
    assert g["i"].to_list() == list(range(drawing.SIDE**2))
    assert (g["x0"] % drawing.CELL_M == 0).all() and (g["y0"] % drawing.CELL_M == 0).all()
    middle = g.row(drawing.SIDE**2 // 2, named=True)
    assert (middle["x0"], middle["y0"]) == (601_200.0, 6_630_900.0)  # holds the point
    half = drawing.SIDE // 2 * drawing.CELL_M
    assert g["x0"].min() == 601_200.0 - half and g["y0"].max() == 6_630_900.0 + half


def test_row_major_order_so_the_reported_index_is_the_square():
    g = drawing.paint_grid(0.0, 0.0, cell=10, side=3)
    assert list(zip(g["x0"], g["y0"], strict=True))[:4] == [
        (-10.0, -10.0),
        (0.0, -10.0),
        (10.0, -10.0),
        (-10.0, 0.0),
    ]


def test_painted_squares_each_once_and_stale_indices_ignored():
    g = drawing.paint_grid(0.0, 0.0, cell=10, side=3)
    got = drawing.painted(g, [4, 1, 4, 99])
    assert got["i"].to_list() == [1, 4]


@pytest.mark.parametrize("side", [0, 4, -3])
def test_the_grid_needs_an_odd_side_to_have_a_middle(side):
    with pytest.raises(ValueError):
        drawing.paint_grid(0.0, 0.0, side=side)


def test_area_of_painted_squares():
    assert drawing.area_km2(3) == pytest.approx(0.03)
    assert drawing.area_km2(4, cell=250) == pytest.approx(0.25)
