from __future__ import annotations

import numpy as np
import pytest

from tongcheng import DataError, ValidationError
from tongcheng.network import PROFILES, graph_from_pbf, largest_component


def _symmetric(g) -> bool:
    t = g.tails()
    fwd = set(zip(t.tolist(), g.indices.tolist(), strict=True))
    return all((b, a) in fwd for a, b in fwd)


def test_andorra_walk_size(andorra_walk):
    # Every OSM node on a walkable way is a node (no contraction).
    assert (andorra_walk.n_nodes, andorra_walk.n_arcs) == (98_133, 199_158)
    lcc = largest_component(andorra_walk)
    # Issue 4 / SOURCE.md quote 96,496 nodes / 195,958 arcs for "all highway=* except motorway/trunk";
    # our walk profile honours access/foot=no and drops raceway/rest_area, hence the small difference.
    assert (lcc.n_nodes, lcc.n_arcs) == (96_579, 196_150)
    assert _symmetric(andorra_walk)  # walking ignores one-way tags


def test_andorra_car_has_one_way_streets(andorra_car):
    assert (andorra_car.n_nodes, andorra_car.n_arcs) == (25_938, 47_664)
    assert not _symmetric(andorra_car)
    assert andorra_car.weights.min() >= 0
    # 100 km/h is the fastest car speed: no arc is faster than its great-circle length allows
    assert np.isfinite(andorra_car.weights).all()


def test_walk_speed_is_5_kmh(andorra_walk):
    from tongcheng.network.osm import haversine_m

    g = andorra_walk
    t = g.tails()
    length = haversine_m(g.lon[t], g.lat[t], g.lon[g.indices], g.lat[g.indices])
    np.testing.assert_allclose(g.weights, length / (5 / 3.6), rtol=1e-12)


def test_poa_graphs(poa_walk, poa_car):
    assert poa_walk.n_nodes > poa_car.n_nodes > 10_000
    assert -52 < poa_walk.lon.mean() < -50 and -31 < poa_walk.lat.mean() < -29


def test_bike_profile_reads(raw):
    g = graph_from_pbf(raw("valhalla_osm/liechtenstein-latest.osm.pbf"), profile="bike")
    assert g.n_nodes > 10_000


def test_unknown_profile_and_missing_file(tmp_path):
    with pytest.raises(DataError, match="unknown profile"):
        graph_from_pbf(tmp_path / "x.pbf", profile="boat")
    with pytest.raises(ValidationError, match="does not exist"):
        graph_from_pbf(tmp_path / "x.pbf")


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "residential"}, (True, True)),
        ({"highway": "residential", "oneway": "yes"}, (True, False)),
        ({"highway": "residential", "oneway": "-1"}, (False, True)),
        ({"highway": "primary", "junction": "roundabout"}, (True, False)),
        ({"highway": "motorway"}, (True, False)),
        ({"highway": "motorway", "oneway": "no"}, (True, True)),
    ],
)
def test_car_one_way_rules(tags, expected):
    assert PROFILES["car"].directions(tags) == expected
    assert PROFILES["walk"].directions(tags) == (True, True)


def test_bike_contraflow():
    tags = {"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"}
    assert PROFILES["bike"].directions(tags) == (True, True)
    assert PROFILES["car"].directions(tags) == (True, False)


@pytest.mark.parametrize(
    ("mode", "tags", "speed"),
    [
        ("car", {"highway": "footway"}, None),
        ("car", {"highway": "primary"}, 60.0),
        ("car", {"highway": "service", "access": "private"}, None),
        ("car", {"highway": "service", "access": "private", "motor_vehicle": "yes"}, 15.0),
        ("walk", {"highway": "primary", "foot": "no"}, None),
        ("walk", {"highway": "trunk"}, None),
        ("walk", {"highway": "steps"}, 5.0),
        ("bike", {"highway": "footway"}, None),
        ("bike", {"highway": "footway", "bicycle": "yes"}, 5.0),
        ("bike", {"highway": "cycleway"}, 18.0),
    ],
)
def test_profile_speeds(mode, tags, speed):
    assert PROFILES[mode].speed(tags) == speed
