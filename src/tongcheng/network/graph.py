"""Road graphs as numpy CSR arrays: build, contract, restrict, snap points.

A :class:`RoadGraph` is a directed graph whose arcs carry travel times in seconds (float64). It is
immutable: every operation returns a new graph. ``parent_index`` links each node back to the graph
it was derived from (its parent), so results on a contracted graph can be checked against the full one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import DataError, Problem, ValidationError
from .._text import Text

if TYPE_CHECKING:
    import scipy.sparse

__all__ = [
    "RoadGraph",
    "contract_graph",
    "graph_from_arcs",
    "largest_component",
    "main_component_nodes",
    "points_lonlat",
    "snap_points",
    "subgraph",
]

_EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A directed road graph of one travel mode, stored as CSR arrays.

    Attributes
    ----------
    indptr
        ``int64`` array of length ``n_nodes + 1``; the arcs leaving node ``v`` are
        ``indptr[v]:indptr[v + 1]``.
    indices
        ``int64`` head node of each arc.
    weights
        ``float64`` travel time of each arc in seconds.
    lon, lat
        WGS84 coordinates of each node.
    node_ids
        External id of each node (OSM node id for graphs read from PBF).
    parent_index
        Index of each node in the graph this one was derived from by :func:`subgraph`,
        :func:`largest_component` or :func:`contract_graph` (``arange`` for a built graph).
    profile
        Travel mode (``"walk"``, ``"bike"``, ``"car"`` or ``""``).
    """

    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    node_ids: np.ndarray
    parent_index: np.ndarray
    profile: str = ""

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.indptr.shape[0] - 1)

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs."""
        return int(self.indices.shape[0])

    def tails(self) -> np.ndarray:
        """Return the tail node of each arc (``int64``)."""
        return np.repeat(np.arange(self.n_nodes, dtype=np.int64), np.diff(self.indptr))

    def to_scipy(self) -> scipy.sparse.csr_array:
        """Return the adjacency as a ``scipy.sparse.csr_array`` of travel times.

        Zero-time arcs are stored with the weight ``tiny`` (5e-324) so that scipy's csgraph
        routines, which drop explicit zeros, still see them.
        """
        import scipy.sparse

        w = np.where(self.weights > 0, self.weights, np.finfo(np.float64).smallest_subnormal)
        return scipy.sparse.csr_array((w, self.indices, self.indptr), shape=(self.n_nodes,) * 2)

    def __repr__(self) -> str:
        return f"RoadGraph(profile={self.profile!r}, n_nodes={self.n_nodes}, n_arcs={self.n_arcs})"


def graph_from_arcs(
    tails: ArrayLike,
    heads: ArrayLike,
    *,
    times: ArrayLike,
    n_nodes: int | None = None,
    lon: np.ndarray | None = None,
    lat: np.ndarray | None = None,
    node_ids: np.ndarray | None = None,
    profile: str = "",
) -> RoadGraph:
    """Build a :class:`RoadGraph` from arc lists; drop self-loops, keep the fastest parallel arc.

    Parameters
    ----------
    tails, heads
        Node indices ``0 .. n_nodes - 1`` of each arc.
    times
        Travel time of each arc in seconds (finite, ``>= 0``).
    n_nodes
        Number of nodes (default: from ``lon`` or the largest index + 1).
    lon, lat, node_ids
        Node attributes (defaults: zeros, zeros, ``arange``).
    profile
        Travel mode name.

    Returns
    -------
    RoadGraph

    Raises
    ------
    DataError
        If the arrays differ in length, an index is out of range or a time is negative or not finite.

    Examples
    --------
    >>> g = graph_from_arcs([0, 0, 0, 1], [1, 1, 0, 2], times=[5.0, 3.0, 1.0, 2.0])
    >>> g.n_nodes, g.n_arcs, g.weights.tolist()
    (3, 2, [3.0, 2.0])
    """
    t = np.asarray(tails, dtype=np.int64)
    h = np.asarray(heads, dtype=np.int64)
    w = np.asarray(times, dtype=np.float64)
    if n_nodes is None:
        n_nodes = len(lon) if lon is not None else int(max(t.max(initial=-1), h.max(initial=-1)) + 1)
    problems = []
    if not (t.shape == h.shape == w.shape):
        problems.append(f"tails, heads and times have lengths {len(t)}, {len(h)}, {len(w)}")
    elif len(t) and (min(t.min(), h.min()) < 0 or max(t.max(), h.max()) >= n_nodes):
        problems.append(f"node indices must lie in 0..{n_nodes - 1}")
    elif not np.all(np.isfinite(w) & (w >= 0)):
        problems.append("travel times must be finite and >= 0")
    if problems:
        msg = "; ".join(problems) + "; fix the arc arrays"
        raise DataError(msg)
    keep = t != h
    t, h, w = t[keep], h[keep], w[keep]
    order = np.lexsort((w, h, t))
    t, h, w = t[order], h[order], w[order]
    first = np.ones(len(t), dtype=bool)
    first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
    t, h, w = t[first], h[first], w[first]
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(t, minlength=n_nodes), out=indptr[1:])
    zeros = np.zeros(n_nodes)
    return RoadGraph(
        indptr=indptr,
        indices=h,
        weights=w,
        lon=zeros if lon is None else np.asarray(lon, dtype=np.float64),
        lat=zeros if lat is None else np.asarray(lat, dtype=np.float64),
        node_ids=np.arange(n_nodes, dtype=np.int64) if node_ids is None else np.asarray(node_ids),
        parent_index=np.arange(n_nodes, dtype=np.int64),
        profile=profile,
    )


def subgraph(graph: RoadGraph, nodes: np.ndarray) -> RoadGraph:
    """Return the graph induced by ``nodes`` (a boolean mask or sorted indices), renumbered in order.

    ``parent_index`` of the result gives each node's index in ``graph``.
    """
    mask = np.zeros(graph.n_nodes, dtype=bool)
    mask[nodes] = True
    new = np.full(graph.n_nodes, -1, dtype=np.int64)
    new[mask] = np.arange(int(mask.sum()))
    t, h = graph.tails(), graph.indices
    ok = mask[t] & mask[h]
    return _relabelled(graph, mask, new[t[ok]], new[h[ok]], graph.weights[ok])


def _relabelled(graph: RoadGraph, mask: np.ndarray, t: np.ndarray, h: np.ndarray, w: np.ndarray) -> RoadGraph:
    built = graph_from_arcs(
        t,
        h,
        times=w,
        n_nodes=int(mask.sum()),
        lon=graph.lon[mask],
        lat=graph.lat[mask],
        node_ids=graph.node_ids[mask],
        profile=graph.profile,
    )
    return replace(built, parent_index=np.flatnonzero(mask))


def largest_component(graph: RoadGraph) -> RoadGraph:
    """Return the largest strongly connected component (every node reaches every other).

    Examples
    --------
    >>> g = graph_from_arcs([0, 1, 1, 2], [1, 0, 2, 3], times=[1.0, 1.0, 1.0, 1.0])
    >>> largest_component(g).n_nodes
    2
    """
    return subgraph(graph, main_component_nodes(graph))


def _undirected(graph: RoadGraph) -> tuple[np.ndarray, np.ndarray]:
    t, h = graph.tails(), graph.indices
    a, b = np.concatenate([t, h]), np.concatenate([h, t])
    key = np.unique(a * graph.n_nodes + b)
    a, b = key // graph.n_nodes, key % graph.n_nodes
    indptr = np.zeros(graph.n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=graph.n_nodes), out=indptr[1:])
    return indptr, b


def contract_graph(graph: RoadGraph, *, keep: ArrayLike | None = None) -> RoadGraph:
    """Drop dead ends and pass-through nodes without changing any travel time between the others.

    Two exact reductions are applied, never touching the nodes in ``keep``:

    1. *Peeling*: a node with at most one neighbour cannot lie on a shortest path between two
       other nodes; such nodes are removed repeatedly (whole dead-end trees go).
    2. *Chain contraction*: a node with exactly two neighbours ``a`` and ``b`` (pass-through) is
       replaced by the arcs ``a → b`` and/or ``b → a`` whose time is the sum along the chain; one-way
       chains stay one-way. Parallel arcs are then collapsed to the fastest.

    Travel times between any two remaining nodes are the same as in ``graph`` (up to float64
    rounding of the sums, about 1e-12 s).

    Parameters
    ----------
    graph
        The graph to reduce.
    keep
        Node indices (into ``graph``) that must survive, typically snapped query points.

    Returns
    -------
    RoadGraph
        The reduced graph; ``parent_index`` maps its nodes to their index in ``graph``.

    Examples
    --------
    A path 0 - 1 - 2 - 3 with node 1 kept: node 2 is a pass-through, node 3 a dead end.

    >>> g = graph_from_arcs([0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2], times=[1.0] * 6)
    >>> c = contract_graph(g, keep=[0, 1])
    >>> c.n_nodes, c.parent_index.tolist()
    (2, [0, 1])
    """
    from ._kernels import contract_chains, peel

    keep_mask = np.zeros(graph.n_nodes, dtype=bool)
    if keep is not None:
        keep_mask[np.asarray(keep, dtype=np.int64)] = True
    und_indptr, und_indices = _undirected(graph)
    alive = peel(und_indptr, und_indices, keep_mask)
    is_core, t, h, w = contract_chains(
        graph.indptr, graph.indices, graph.weights, und_indptr, und_indices, alive, keep_mask
    )
    new = np.full(graph.n_nodes, -1, dtype=np.int64)
    new[is_core] = np.arange(int(is_core.sum()))
    return _relabelled(graph, is_core, new[t], new[h], w)


def points_lonlat(points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(ids, lon, lat)`` of points given as a (Geo)DataFrame.

    A GeoDataFrame's point geometries are converted to WGS84; a plain DataFrame needs ``lon``
    and ``lat`` columns. Ids come from an ``id`` column if there is one, else from the index.

    Raises
    ------
    DataError
        If neither point geometries nor ``lon``/``lat`` columns are present, or a coordinate is missing.
    """
    if hasattr(points, "geometry") and "lon" not in points.columns:
        geo = points.geometry
        if geo.crs is not None and not geo.crs.equals("EPSG:4326"):
            geo = geo.to_crs("EPSG:4326")
        if not (geo.geom_type == "Point").all():
            msg = Text("点位须为 Point 几何;多边形请先取 .representative_point()",
                       "points must be Point geometries; use .representative_point() on polygons first")
            raise DataError(msg)
        lon, lat = geo.x.to_numpy(dtype=np.float64), geo.y.to_numpy(dtype=np.float64)
    elif {"lon", "lat"} <= set(points.columns):
        lon = points["lon"].to_numpy(dtype=np.float64)
        lat = points["lat"].to_numpy(dtype=np.float64)
    else:
        msg = Text(f"点位需要 'lon' 和 'lat' 列或点几何;现有列为 {list(points.columns)}",
                   f"points need 'lon' and 'lat' columns or point geometries; got columns "
                   f"{list(points.columns)}")
        raise DataError(msg)
    ids = points["id"].to_numpy() if "id" in points.columns else points.index.to_numpy()
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        msg = Text(f"点位 {ids[bad][:5].tolist()} 缺少坐标;请先删除或补上坐标",
                   f"points {ids[bad][:5].tolist()} have missing coordinates; drop or locate them first")
        raise DataError(msg)
    return ids, lon, lat


def main_component_nodes(graph: RoadGraph) -> np.ndarray:
    """Return the indices of the nodes in the largest strongly connected component."""
    from scipy.sparse.csgraph import connected_components

    _, labels = connected_components(graph.to_scipy(), directed=True, connection="strong")
    return np.flatnonzero(labels == np.bincount(labels).argmax())


def snap_points(
    graph: RoadGraph,
    points: pd.DataFrame,
    *,
    max_distance: float = 250.0,
    candidates: np.ndarray | None = None,
) -> np.ndarray:
    """Return the index of the graph node nearest to each point, checking the distance.

    Distances are great-circle metres; the nearest node is found with a k-d tree on a local
    equirectangular projection and its distance measured exactly.

    Parameters
    ----------
    graph
        The graph to snap to (snap to the full graph, then contract keeping the snapped nodes).
    points
        Points as accepted by :func:`points_lonlat`.
    max_distance
        Largest accepted distance in metres between a point and its node.
    candidates
        Node indices allowed as snapping targets (default: all nodes). Pass
        :func:`main_component_nodes` so that no point lands on an isolated fragment.

    Returns
    -------
    numpy.ndarray
        ``int64`` node index per point, in the order of ``points``.

    Raises
    ------
    ValidationError
        Listing every point farther than ``max_distance`` from the network, by id; located by
        file and row when ``points.attrs`` holds ``file`` and ``first_row`` (the row of index label
        0), as :func:`~tongcheng.network.io.points_from_file` sets them.
    """
    from scipy.spatial import cKDTree

    from .osm import haversine_m

    ids, lon, lat = points_lonlat(points)
    lat0 = np.radians(np.median(graph.lat))

    def xy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.column_stack([np.radians(x) * np.cos(lat0), np.radians(y)]) * _EARTH_RADIUS_M

    allowed = np.arange(graph.n_nodes) if candidates is None else np.asarray(candidates, dtype=np.int64)
    if len(allowed) == 0:
        msg = Text("路网中没有可吸附的节点", "the graph has no node to snap to")
        raise DataError(msg)
    _, k = cKDTree(xy(graph.lon[allowed], graph.lat[allowed])).query(xy(lon, lat))
    node = allowed[np.asarray(k, dtype=np.int64)]
    dist = haversine_m(lon, lat, graph.lon[node], graph.lat[node])
    far = np.flatnonzero(dist > max_distance)
    id_list = np.asarray(ids).tolist()
    if len(far):
        first = points.attrs.get("first_row")  # the row of index label 0 (rows in file order)
        labels = points.index.to_numpy()
        located = isinstance(first, int) and np.issubdtype(labels.dtype, np.integer)
        problems = [
            Problem(
                file=str(points.attrs.get("file", "")),
                row=int(first + labels[i]) if located else None,
                column=str(points.attrs.get("coordinates", "geometry")),
                value=f"point {id_list[i]!r} at ({lon[i]:.6f}, {lat[i]:.6f}) is {dist[i]:,.0f} m from the "
                f"nearest {graph.profile or 'graph'} node",
                expected=Text(f"距路网不超过 {max_distance:g} 米的点",
                              f"a point within {max_distance:g} m of the network"),
                fix=Text("检查该点的坐标与坐标系、改用更大范围的路网,或调大 --max-snap-distance",
                         "check the point's coordinates and CRS, use a larger extract, or raise "
                         "max_distance"),
            )
            for i in far
        ]
        msg = Text(f"{len(far)} 个点不在 {graph.profile or '道路'} 路网附近",
                   f"{len(far)} point(s) are off the {graph.profile or 'road'} network")
        raise ValidationError(problems, summary=msg)
    return node
