from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

from tongcheng import DataError, ValidationError
from tongcheng.network import contract_graph, graph_from_arcs, largest_component, snap_points, subgraph


@st.composite
def random_graphs(draw, max_nodes: int = 30):
    n = draw(st.integers(2, max_nodes))
    m = draw(st.integers(0, 3 * n))
    t = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    h = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    w = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=m, max_size=m))
    sym = draw(st.booleans())
    if sym:  # road-like: mostly two-way
        t, h, w = t + h, h + t, w + w
    return graph_from_arcs(
        np.array(t, dtype=np.int64), np.array(h, dtype=np.int64), times=np.array(w), n_nodes=n
    )


def test_parallel_arcs_collapse_to_minimum_and_self_loops_go():
    g = graph_from_arcs([0, 0, 1, 1, 1], [1, 1, 1, 0, 0], times=[4.0, 2.5, 1.0, 7.0, 3.0])
    assert g.n_arcs == 2
    assert g.indices.tolist() == [1, 0]
    assert g.weights.tolist() == [2.5, 3.0]


def test_bad_arcs_rejected():
    with pytest.raises(DataError, match="lengths"):
        graph_from_arcs([0], [1, 2], times=[1.0])
    with pytest.raises(DataError, match="node indices"):
        graph_from_arcs([0], [5], times=[1.0], n_nodes=3)
    with pytest.raises(DataError, match=">= 0"):
        graph_from_arcs([0], [1], times=[-1.0])


def test_contraction_keeps_one_way_chains():
    # 0 -> 1 -> 2 -> 3 one-way, 3 <-> 0 two-way; only 0 and 3 kept
    g = graph_from_arcs(
        [0, 1, 2, 3, 0, 4, 1], [1, 2, 3, 0, 4, 1, 4], times=[1.0, 2.0, 3.0, 10.0, 1.0, 1.0, 1.0]
    )
    c = contract_graph(g, keep=[0, 3])
    full = dijkstra(g.to_scipy())[np.ix_(c.parent_index, c.parent_index)]
    np.testing.assert_allclose(dijkstra(c.to_scipy()), full)


def test_dead_end_trees_are_peeled():
    # star: centre 0 with leaves 1..4, leaf 4 kept
    g = graph_from_arcs([0] * 4 + [1, 2, 3, 4], [1, 2, 3, 4, 0, 0, 0, 0], times=[1.0] * 8)
    c = contract_graph(g, keep=[4])
    assert c.n_nodes == 1 and c.parent_index.tolist() == [4]


@settings(max_examples=200, deadline=None)
@given(random_graphs(), st.data())
def test_contraction_is_exact(g, data):
    keep = data.draw(st.lists(st.integers(0, g.n_nodes - 1), max_size=6, unique=True))
    c = contract_graph(g, keep=keep)
    assert set(keep) <= set(c.parent_index.tolist())
    want = dijkstra(g.to_scipy())[np.ix_(c.parent_index, c.parent_index)]
    got = dijkstra(c.to_scipy()) if c.n_nodes else np.zeros((0, 0))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_largest_component_and_subgraph():
    g = graph_from_arcs([0, 1, 2, 3, 3], [1, 0, 3, 2, 4], times=[1.0, 1.0, 2.0, 2.0, 1.0])
    lc = largest_component(g)
    assert lc.parent_index.tolist() == [0, 1]
    s = subgraph(g, np.array([2, 3, 4]))
    assert (s.n_nodes, s.n_arcs) == (3, 3)


def _line_graph():
    lon = np.array([120.0, 120.001, 120.002])
    lat = np.array([30.0, 30.0, 30.0])
    return graph_from_arcs([0, 1, 1, 2], [1, 0, 2, 1], times=[10.0] * 4, lon=lon, lat=lat, profile="walk")


def test_snap_points_nearest_node():
    pts = pd.DataFrame({"lon": [120.0004, 120.0019], "lat": [30.0001, 29.9999]}, index=["a", "b"])
    assert snap_points(_line_graph(), pts, max_distance=100).tolist() == [0, 2]


def test_snap_points_names_every_point_off_the_network():
    pts = pd.DataFrame(
        {"id": ["near", "far1", "far2"], "lon": [120.001, 120.1, 121.0], "lat": [30.0, 30.0, 30.0]}
    )
    with pytest.raises(ValidationError, match="off the walk network") as err:
        snap_points(_line_graph(), pts, max_distance=500)
    assert len(err.value.problems) == 2
    text = str(err.value)
    assert "'far1'" in text and "'far2'" in text and "'near'" not in text
    assert "within 500 m" in text


def test_snap_points_from_geodataframe():
    gpd = pytest.importorskip("geopandas")
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([120.0021], [30.0]), crs="EPSG:4326")
    pts = pts.to_crs("EPSG:32651")
    assert snap_points(_line_graph(), pts).tolist() == [2]


def test_snap_points_needs_coordinates():
    with pytest.raises(DataError, match="'lon' and 'lat'"):
        snap_points(_line_graph(), pd.DataFrame({"x": [1.0]}))


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, tongcheng.network; print(sorted({'numba', 'osmium', 'geopandas'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
