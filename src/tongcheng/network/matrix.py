"""Exact many-to-many travel times on a :class:`~tongcheng.network.graph.RoadGraph`."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import DataError
from .graph import RoadGraph, contract_graph, main_component_nodes, points_lonlat, snap_points

__all__ = ["Hierarchy", "build_hierarchy", "many_to_many", "travel_time_matrix", "travel_times_seconds"]

_METHODS = ("auto", "phast", "dijkstra")
_AUTO_PHAST_MIN_SOURCES = 32


@dataclass(frozen=True, eq=False)
class Hierarchy:
    """A contraction hierarchy of a :class:`RoadGraph`, ready for PHAST queries.

    Attributes
    ----------
    graph
        The graph it was built from (node indices of queries refer to it).
    new_id
        Position of each node in decreasing rank order.
    up, down
        CSR triples ``(indptr, indices, weights)``: upward arcs by tail, downward arcs by head.
    """

    graph: RoadGraph
    new_id: np.ndarray
    up: tuple[np.ndarray, np.ndarray, np.ndarray]
    down: tuple[np.ndarray, np.ndarray, np.ndarray]

    def __repr__(self) -> str:
        return f"Hierarchy({self.graph!r}, shortcuts+arcs={len(self.up[1]) + len(self.down[1])})"


def build_hierarchy(graph: RoadGraph) -> Hierarchy | None:
    """Contract ``graph`` into a hierarchy for :func:`many_to_many` (``None`` if it grows too big).

    Preprocessing takes about as long as a few dozen Dijkstra searches; it pays off from a few
    dozen origins on. Contract the graph with :func:`contract_graph` first.

    Examples
    --------
    >>> from tongcheng.network import graph_from_arcs
    >>> h = build_hierarchy(graph_from_arcs([0, 1, 1, 2], [1, 0, 2, 1], times=[1.0, 1.0, 2.0, 2.0]))
    >>> many_to_many(h, [0], targets=[2]).tolist()
    [[3.0]]
    """
    from ._ch import hierarchy_arrays

    arrays = hierarchy_arrays(graph.indptr, graph.indices, graph.weights)
    if arrays is None:
        return None
    new_id, up, down = arrays
    return Hierarchy(graph=graph, new_id=new_id, up=up, down=down)


def many_to_many(
    graph: RoadGraph | Hierarchy,
    sources: ArrayLike,
    *,
    targets: ArrayLike,
    cutoff: float | None = None,
    threads: int = 2,
    method: str = "auto",
) -> np.ndarray:
    """Return exact shortest travel times between node indices as a ``(sources, targets)`` array.

    Two exact methods, both parallel over sources:

    * ``"dijkstra"``: one Dijkstra per source, stopping as soon as every target is settled or the
      next node is farther than ``cutoff``;
    * ``"phast"``: a contraction hierarchy (:func:`build_hierarchy`, built here unless given)
      then, per source, an upward search and one linear downward sweep over all nodes
      (Delling et al. 2011, *PHAST: Hardware-accelerated shortest path trees*).

    ``"auto"`` uses PHAST from 32 distinct sources on. Only the ``len(sources) ×
    len(targets)`` result is allocated (plus one node-length work array per thread), never an
    all-nodes matrix. Both return the Dijkstra distances up to float64 summation order (~1e-12 s).

    Parameters
    ----------
    graph
        Graph to route on (contract it first for speed, keeping the query nodes), or a
        hierarchy built from it.
    sources
        Node indices of the origins.
    targets
        Node indices of the destinations (duplicates allowed).
    cutoff
        Largest travel time of interest in seconds; longer or unreachable pairs are ``inf``.
    threads
        Number of threads.
    method
        ``"auto"``, ``"phast"`` or ``"dijkstra"``.

    Returns
    -------
    numpy.ndarray
        ``float64`` seconds, ``inf`` where unreachable within ``cutoff``.

    Raises
    ------
    DataError
        If a node index is out of range or ``threads``/``cutoff`` are invalid.

    Examples
    --------
    >>> from tongcheng.network import graph_from_arcs
    >>> g = graph_from_arcs([0, 1, 0], [1, 2, 2], times=[1.0, 2.0, 5.0])
    >>> many_to_many(g, [0, 2], targets=[2, 0]).tolist()
    [[3.0, 0.0], [0.0, inf]]
    """
    import numba

    from ._ch import phast_many
    from ._kernels import many_to_many_dijkstra

    hierarchy = graph if isinstance(graph, Hierarchy) else None
    base = graph.graph if isinstance(graph, Hierarchy) else graph
    if method not in _METHODS:
        msg = f"method must be one of {_METHODS}; got {method!r}"
        raise DataError(msg)
    src = np.asarray(sources, dtype=np.int64).ravel()
    tgt = np.asarray(targets, dtype=np.int64).ravel()
    for name, arr in (("sources", src), ("targets", tgt)):
        if len(arr) and (arr.min() < 0 or arr.max() >= base.n_nodes):
            msg = f"{name} must be node indices in 0..{base.n_nodes - 1}; got {arr.min()}..{arr.max()}"
            raise DataError(msg)
    if threads < 1:
        msg = f"threads must be >= 1; got {threads}"
        raise DataError(msg)
    limit = math.inf if cutoff is None else float(cutoff)
    if not limit >= 0:
        msg = f"cutoff must be a number of seconds >= 0 or None; got {cutoff!r}"
        raise DataError(msg)
    uniq, inverse = np.unique(tgt, return_inverse=True)
    if len(src) == 0 or len(uniq) == 0:
        return np.full((len(src), len(tgt)), np.inf)
    if method == "auto":
        many = len(np.unique(src)) >= _AUTO_PHAST_MIN_SOURCES
        method = "phast" if hierarchy is not None or many else "dijkstra"
    if method == "phast" and hierarchy is None:
        hierarchy = build_hierarchy(base)  # None (too many shortcuts): fall back to Dijkstra
    threads = min(threads, int(numba.config.NUMBA_NUM_THREADS))  # type: ignore[attr-defined]
    chunks = min(len(src), 8 * threads)
    previous = numba.get_num_threads()
    try:
        numba.set_num_threads(threads)
        if method == "phast" and hierarchy is not None:
            nid = hierarchy.new_id
            out = phast_many(*hierarchy.up, *hierarchy.down, nid[src], nid[uniq], chunks)  # type: ignore[call-arg]
            out[out > limit] = np.inf
        else:
            slot = np.full(base.n_nodes, -1, dtype=np.int64)
            slot[uniq] = np.arange(len(uniq))
            out = many_to_many_dijkstra(  # type: ignore[call-arg]
                base.indptr, base.indices, base.weights, src, slot, len(uniq), limit, chunks
            )
    finally:
        numba.set_num_threads(previous)
    return np.asarray(out)[:, inverse]


def travel_times_seconds(
    graph: RoadGraph,
    origins: pd.DataFrame,
    destinations: pd.DataFrame | None = None,
    *,
    cutoff: float | None = None,
    threads: int = 2,
    max_snap_distance: float = 250.0,
    method: str = "auto",
) -> np.ndarray:
    """Return exact ``float64`` travel times in seconds as an ``(origins, destinations)`` array.

    The computation behind :func:`travel_time_matrix` (snap to the largest strongly connected
    component, exact contraction keeping the snapped nodes, :func:`many_to_many`), without the
    long table and the cast to ``float32``: ``inf`` where unreachable or beyond ``cutoff``.
    Parameters and errors as for :func:`travel_time_matrix`.
    """
    destinations = origins if destinations is None else destinations
    main = main_component_nodes(graph)
    o_node = snap_points(graph, origins, max_distance=max_snap_distance, candidates=main)
    d_node = snap_points(graph, destinations, max_distance=max_snap_distance, candidates=main)
    small = contract_graph(graph, keep=np.concatenate([o_node, d_node]))
    where = np.full(graph.n_nodes, -1, dtype=np.int64)
    where[small.parent_index] = np.arange(small.n_nodes)
    return many_to_many(
        small, where[o_node], targets=where[d_node], cutoff=cutoff, threads=threads, method=method
    )


def travel_time_matrix(
    graph: RoadGraph,
    origins: pd.DataFrame,
    destinations: pd.DataFrame | None = None,
    *,
    cutoff: float | None = None,
    threads: int = 2,
    max_snap_distance: float = 250.0,
    method: str = "auto",
) -> pd.DataFrame:
    """Return exact door-to-door-on-network travel times as a long ``from_id, to_id, travel_time`` table.

    Origins and destinations are snapped to the nearest node of the largest strongly connected
    component of ``graph`` (checked against ``max_snap_distance``), so that no point lands on an
    isolated fragment; the graph is contracted keeping those nodes (an exact reduction, see
    :func:`~tongcheng.network.graph.contract_graph`); then :func:`many_to_many` routes every pair.
    The time from a point to its node is not added.

    Parameters
    ----------
    graph
        Full road graph, e.g. from :func:`~tongcheng.network.osm.graph_from_pbf`.
    origins
        Points (GeoDataFrame, or DataFrame with ``lon``/``lat``); ids from an ``id`` column or the index.
    destinations
        Points as ``origins``; default: the origins.
    cutoff
        Largest travel time of interest in seconds; longer pairs get ``NaN``.
    threads
        Number of threads.
    max_snap_distance
        Largest accepted point-to-node distance in metres.
    method
        Routing method of :func:`many_to_many`.

    Returns
    -------
    pandas.DataFrame
        One row per (origin, destination) pair in input order: ``from_id``, ``to_id``,
        ``travel_time`` (``float32`` seconds, ``NaN`` when unreachable or beyond ``cutoff``).
        Like r5py's ``TravelTimeMatrix`` but in seconds.

    Raises
    ------
    ValidationError
        If any point is off the network (every such point is named).
    DataError
        If the points lack coordinates or the options are invalid.
    """
    if destinations is None:
        destinations = origins
    o_ids, *_ = points_lonlat(origins)
    d_ids, *_ = points_lonlat(destinations)
    times = travel_times_seconds(graph, origins, destinations, cutoff=cutoff, threads=threads,
                                 max_snap_distance=max_snap_distance, method=method)
    times[~np.isfinite(times)] = np.nan
    return pd.DataFrame(
        {
            "from_id": np.repeat(o_ids, len(d_ids)),
            "to_id": np.tile(d_ids, len(o_ids)),
            "travel_time": times.astype(np.float32).ravel(),
        }
    )
