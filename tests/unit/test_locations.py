"""A spot in words from its nearest street and place: "Storgatan vid Stora torget"."""

from __future__ import annotations

import polars as pl
import pytest

from ostan_dash.analysis import locations
from ostan_dash.analysis.locations import describe

NB = "\u00a0"


@pytest.mark.parametrize(
    ("street", "street_m", "place", "place_m", "expected"),
    [
        ("Storgatan", 12.0, "Stora torget", 40.0, "Storgatan vid Stora torget"),
        ("Storgatan", 12.0, "Stora torget", 100.0, "Storgatan vid Stora torget"),
        ("Storgatan", 12.0, "Stora torget", 123.0, f"Storgatan, 120{NB}m från Stora torget"),
        ("Storgatan", 150.0, "Stora torget", 596.0, f"Storgatan, 600{NB}m från Stora torget"),
        ("Storgatan", 12.0, "Stora torget", 601.0, "Storgatan"),
        ("Storgatan", 12.0, None, None, "Storgatan"),
        ("Storgatan", 151.0, "Stora torget", 60.0, "Stora torget"),
        (None, None, "Stora torget", 349.0, f"350{NB}m från Stora torget"),
        ("Storgatan", 400.0, "Stora torget", 900.0, None),
        (None, None, None, None, None),
    ],
    ids=[
        "street-at-place",
        "at-the-limit",
        "street-near-place",
        "both-at-their-limits",
        "place-too-far",
        "no-places",
        "street-too-far-place-at",
        "no-streets-place-near",
        "nothing-near",
        "nothing-at-all",
    ],
)
def test_wording(street, street_m, place, place_m, expected):
    assert describe(street, street_m, place, place_m) == expected


def test_short_distances_are_never_zero_metres():
    assert describe("Storgatan", 0.0, "Stora torget", 101.0) == (
        f"Storgatan, 100{NB}m från Stora torget"
    )
    assert describe(None, None, "Stora torget", 101.0) == f"100{NB}m från Stora torget"


def test_the_expression_words_a_whole_frame_like_the_single_case():
    frame = pl.DataFrame(
        {
            "gata": ["Storgatan", "Kyrkogatan", None],
            "gata_m": [5.0, 80.0, None],
            "plats": ["Stora torget", "Stadsparken", "Stadsparken"],
            "plats_m": [30.0, 250.0, 2000.0],
        }
    )
    got = frame.select(locations.describe_expr("gata", "gata_m", "plats", "plats_m")).to_series()
    assert (
        got.to_list()
        == [describe(*row) for row in frame.iter_rows()]
        == ["Storgatan vid Stora torget", f"Kyrkogatan, 250{NB}m från Stadsparken", None]
    )
