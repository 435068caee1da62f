from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra
from test_graph import random_graphs

from tongcheng import DataError, ValidationError
from tongcheng.network import (
    build_hierarchy,
    contract_graph,
    graph_from_arcs,
    many_to_many,
    travel_time_matrix,
)


def _exact_on_sample(graph, origins, destinations, *, threads=2, method="auto"):
    """Route on the contracted graph, compare with scipy on the full (uncontracted) graph."""
    small = contract_graph(graph, keep=np.r_[origins, destinations])
    where = np.full(graph.n_nodes, -1)
    where[small.parent_index] = np.arange(small.n_nodes)
    ours = many_to_many(small, where[origins], targets=where[destinations], threads=threads, method=method)
    ref = dijkstra(graph.to_scipy(), indices=origins)[:, destinations]
    assert np.array_equal(np.isinf(ours), np.isinf(ref))
    finite = np.isfinite(ref)
    assert finite.mean() > 0.99
    return np.abs(ours[finite] - ref[finite]).max()


@pytest.mark.parametrize("method", ["phast", "dijkstra"])
def test_andorra_walk_exact(andorra_walk, sample_nodes, method):
    nodes = sample_nodes(andorra_walk, 250, 1)
    assert _exact_on_sample(andorra_walk, nodes[:50], nodes[50:], method=method) < 1e-6


@pytest.mark.parametrize("method", ["phast", "dijkstra"])
def test_andorra_car_exact_one_way(andorra_car, sample_nodes, method):
    nodes = sample_nodes(andorra_car, 250, 2)
    assert _exact_on_sample(andorra_car, nodes[:50], nodes[50:], threads=1, method=method) < 1e-6


@pytest.mark.parametrize("method", ["phast", "dijkstra"])
def test_porto_alegre_exact(poa_walk, poa_car, sample_nodes, method):
    for g, seed in ((poa_walk, 3), (poa_car, 4)):
        nodes = sample_nodes(g, 250, seed)
        assert _exact_on_sample(g, nodes[:50], nodes[50:], method=method) < 1e-6


def test_uncontracted_graph_exact_too(poa_car, sample_nodes):
    nodes = sample_nodes(poa_car, 40, 5)
    ours = many_to_many(poa_car, nodes[:20], targets=nodes[20:])
    ref = dijkstra(poa_car.to_scipy(), indices=nodes[:20])[:, nodes[20:]]
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-6)


@settings(max_examples=150, deadline=None)
@given(
    random_graphs(),
    st.data(),
    st.sampled_from([None, 0.0, 25.0, 80.0]),
    st.integers(1, 2),
    st.sampled_from(["phast", "dijkstra"]),
)
def test_many_to_many_equals_scipy(g, data, cutoff, threads, method):
    idx = st.lists(st.integers(0, g.n_nodes - 1), min_size=1, max_size=8)
    src, tgt = np.array(data.draw(idx)), np.array(data.draw(idx))
    got = many_to_many(g, src, targets=tgt, cutoff=cutoff, threads=threads, method=method)
    want = dijkstra(g.to_scipy(), indices=src)[:, tgt]
    if cutoff is not None:
        near = np.abs(want - cutoff) < 1e-9  # on the cutoff within rounding: either answer is right
        want[want > cutoff] = np.inf
        got[near], want[near] = 0.0, 0.0
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(random_graphs(max_nodes=120), st.data())
def test_hierarchy_all_pairs_equal_scipy(g, data):
    h = build_hierarchy(g)
    assert h is not None
    nodes = np.arange(g.n_nodes)
    got = many_to_many(h, nodes, targets=nodes, threads=2)
    np.testing.assert_allclose(got, dijkstra(g.to_scipy()), rtol=0, atol=1e-9)


def test_many_to_many_rejects_bad_input():
    g = graph_from_arcs([0], [1], times=[1.0])
    with pytest.raises(DataError, match="sources"):
        many_to_many(g, [5], targets=[0])
    with pytest.raises(DataError, match="threads"):
        many_to_many(g, [0], targets=[0], threads=0)
    with pytest.raises(DataError, match="cutoff"):
        many_to_many(g, [0], targets=[0], cutoff=-1)
    with pytest.raises(DataError, match="method"):
        many_to_many(g, [0], targets=[0], method="astar")


def test_travel_time_matrix_long_table(andorra_walk):
    g = andorra_walk
    rng = np.random.default_rng(7)
    pick = rng.choice(g.n_nodes, 6, replace=False)
    pts = pd.DataFrame({"id": [f"p{i}" for i in range(6)], "lon": g.lon[pick], "lat": g.lat[pick]})
    ttm = travel_time_matrix(g, pts.iloc[:2], pts.iloc[2:], cutoff=3600)
    assert list(ttm.columns) == ["from_id", "to_id", "travel_time"]
    assert ttm["travel_time"].dtype == np.float32
    assert ttm[["from_id", "to_id"]].values.tolist() == [
        [f"p{o}", f"p{d}"] for o in range(2) for d in range(2, 6)
    ]
    ref = dijkstra(g.to_scipy(), indices=pick[:2])[:, pick[2:]].ravel()
    ref[ref > 3600] = np.nan
    np.testing.assert_allclose(ttm["travel_time"], ref.astype(np.float32), rtol=1e-6)


def test_travel_time_matrix_defaults_to_all_pairs_and_reports_off_network_points(andorra_walk):
    g = andorra_walk
    pts = pd.DataFrame({"lon": [g.lon[0], 2.35], "lat": [g.lat[0], 48.85]}, index=["andorra", "paris"])
    with pytest.raises(ValidationError, match="paris"):
        travel_time_matrix(g, pts)
    ttm = travel_time_matrix(g, pts.iloc[:1])
    assert ttm["travel_time"].tolist() == [0.0]
