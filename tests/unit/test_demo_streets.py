"""The demo's street network: deterministic, Swedish names, every built-in hot spot on a
named street."""

from __future__ import annotations

import pytest

from ostan_dash.demo import geography as geo
from ostan_dash.demo import streets as ds
from ostan_dash.demo.incidents import SPOTS


def test_the_network_is_the_same_for_the_same_seed_and_moves_with_another():
    assert ds.network(2026).equals(ds.network(2026))
    assert not ds.network(2026).equals(ds.network(7))
    # The centre and the roads out are fixed; only the local streets move.
    assert ds.network(7).filter(ds.network(7)["kind"] == "gata")["name"].to_list() == (
        ds.network(2026).filter(ds.network(2026)["kind"] == "gata")["name"].to_list()
    )


def test_names_kinds_and_geometry():
    net = ds.network()
    assert net["name"].n_unique() == net.height  # a name says which street
    assert set(net["kind"]) <= {"gata", "väg", "gång- och cykelväg", "landsväg"}
    assert {"Storgatan", "Kyrkogatan", "Järnvägsgatan", "Torggatan"} <= set(net["name"])
    assert net["wkt"].str.starts_with("MULTILINESTRING((").all()
    # Every town area outside the centre has a road named after it or streets of its own.
    assert "Norrbackavägen" in set(net["name"]) and "Österängsvägen" in set(net["name"])
    for a in geo.AREAS:
        if not a.town:
            assert f"{a.name} bygata" in set(net["name"])


@pytest.mark.parametrize("spot", SPOTS, ids=[s.key for s in SPOTS])
def test_every_hot_spot_has_a_named_street_within_100_m(spot):
    name, metres = ds.distance_to_nearest(*geo.xy(spot.dx, spot.dy))
    assert name and metres <= 100, (spot.key, name, metres)


def test_the_streets_lie_in_the_municipality():
    for s in ds.streets():
        xs, ys = zip(*(geo.xy(dx, dy) for dx, dy in s.points), strict=True)
        assert geo.inside_municipality(xs, ys).all(), s.name
