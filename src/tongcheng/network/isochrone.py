"""Isochrones (areas reachable per time band) and one-hour-circle coverage on a road graph."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import DataError
from .._text import Text
from .graph import RoadGraph, main_component_nodes, points_lonlat, snap_points
from .matrix import many_to_many, travel_time_matrix

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["circle_coverage", "isochrones"]


def _reached_lines(graph: RoadGraph, dist: np.ndarray, limit: float) -> np.ndarray:
    """Return ``(k, 2, 2)`` lon/lat segments of the network reachable within ``limit`` seconds.

    Arcs whose tail is reached are kept up to the point reached at ``limit`` (linear along the
    straight OSM segment).
    """
    t, h, w = graph.tails(), graph.indices, graph.weights
    ok = dist[t] <= limit
    t, h, w = t[ok], h[ok], w[ok]
    frac = np.ones(len(t))
    partial = dist[t] + w > limit
    frac[partial] = (limit - dist[t][partial]) / np.where(w[partial] > 0, w[partial], 1.0)
    x0, y0 = graph.lon[t], graph.lat[t]
    x1 = x0 + frac * (graph.lon[h] - x0)
    y1 = y0 + frac * (graph.lat[h] - y0)
    return np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1)


def isochrones(
    graph: RoadGraph,
    origins: pd.DataFrame,
    *,
    breaks: Sequence[float] = (900.0, 1800.0, 2700.0, 3600.0),
    buffer: float = 50.0,
    threads: int = 2,
    max_snap_distance: float = 250.0,
) -> gpd.GeoDataFrame:
    """Return, for each origin and time band, the area reachable on the network (cumulative bands).

    The polygon of band ``b`` is the union of the network parts reachable within ``b`` seconds
    (arcs cut where the time runs out), buffered by ``buffer`` metres in the local UTM zone.
    Travel times are exact shortest paths on ``graph`` from the node nearest each origin in the
    largest strongly connected component.

    Parameters
    ----------
    graph
        Full road graph (e.g. from :func:`~tongcheng.network.osm.graph_from_pbf`).
    origins
        Points as accepted by :func:`~tongcheng.network.graph.points_lonlat`.
    breaks
        Upper bounds of the bands in seconds, increasing.
    buffer
        Half-width in metres of the corridor drawn around reachable streets.
    threads
        Number of threads.
    max_snap_distance
        Largest accepted point-to-node distance in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id``, ``travel_time`` (band upper bound, seconds), ``geometry`` (WGS84
        polygons), one row per origin and band.

    Raises
    ------
    DataError
        If ``breaks`` is empty, not increasing or not positive.
    ValidationError
        If an origin is off the network.
    """
    import geopandas as gpd
    import shapely

    bands = np.asarray(breaks, dtype=np.float64)
    if len(bands) == 0 or not (np.all(bands > 0) and np.all(np.diff(bands) > 0)):
        msg = f"breaks must be positive, increasing seconds; got {list(breaks)}"
        raise DataError(msg)
    ids, *_ = points_lonlat(origins)
    main = main_component_nodes(graph)
    nodes = snap_points(graph, origins, max_distance=max_snap_distance, candidates=main)
    everything = np.arange(graph.n_nodes)
    mid = gpd.GeoSeries(gpd.points_from_xy([graph.lon.mean()], [graph.lat.mean()]), crs="EPSG:4326")
    utm = mid.estimate_utm_crs()
    rows = []
    for oid, node in zip(ids, nodes, strict=True):
        dist = many_to_many(
            graph, [node], targets=everything, cutoff=bands[-1], threads=threads, method="dijkstra"
        )[0]
        for band in bands:
            segments = _reached_lines(graph, dist, band)
            lines = gpd.GeoSeries(shapely.linestrings(segments), crs="EPSG:4326").to_crs(utm)
            area = shapely.union_all(lines.buffer(buffer, quad_segs=2).to_numpy())
            rows.append((oid, float(band), area))
    out = gpd.GeoDataFrame(
        {"id": [r[0] for r in rows], "travel_time": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs=utm,
    )
    return out.to_crs("EPSG:4326")


def circle_coverage(
    graph: RoadGraph,
    cores: pd.DataFrame,
    *,
    cells: pd.DataFrame,
    weight: str = "population",
    threshold: float = 3600.0,
    threads: int = 2,
    max_snap_distance: float = 250.0,
) -> pd.DataFrame:
    r"""Return how much of ``weight`` (population, jobs …) lies within ``threshold`` of each core.

    The one-hour circle of a core (NDRC 2019) is the set of cells whose network travel time
    from the core is at most ``threshold`` seconds (3,600 by default). Population, jobs or area
    within the circle are the same call with another ``weight`` column (give grid cells an area
    column for the area; :func:`isochrones` gives the reachable area as a polygon). Cells off the network
    (beyond ``max_snap_distance``) are an error, so that coverage is never silently understated.

    .. math:: \text{share}_c = \frac{\sum_i w_i\,[t_{ci} \le T]}{\sum_i w_i}

    Parameters
    ----------
    graph
        Full road graph of one mode.
    cores
        Core points (one row per core).
    cells
        Points (grid-cell or unit centroids) with the ``weight`` column.
    weight
        Column of ``cells`` to sum.
    threshold
        Largest travel time in seconds.
    threads
        Number of threads.
    max_snap_distance
        Largest accepted point-to-node distance in metres.

    Returns
    -------
    pandas.DataFrame
        Indexed by core id: ``within`` (sum of ``weight`` within the threshold), ``total`` and
        ``share`` (``within / total``), ``cells_within``.

    Raises
    ------
    DataError
        If ``weight`` is missing from ``cells`` or has missing/negative values.
    ValidationError
        If a core or a cell is off the network.
    """
    if weight not in cells.columns:
        msg = Text(f"网格/单元中没有 {weight!r} 列;应有一列可加总的数值(如 population)",
                   f"cells have no column {weight!r}; expected a column to sum (e.g. population)")
        raise DataError(msg)
    w = pd.to_numeric(cells[weight], errors="coerce").to_numpy(dtype=np.float64)
    if np.isnan(w).any() or (w < 0).any():
        msg = Text(f"网格/单元的 {weight!r} 列须为 ≥ 0 的数;请补全或删除有问题的行",
                   f"column {weight!r} of cells must hold numbers >= 0; fill or drop the bad rows")
        raise DataError(msg)
    cell_ids, lon, lat = points_lonlat(cells)
    positions = pd.DataFrame({"id": cell_ids, "lon": lon, "lat": lat})  # order is what counts
    ttm = travel_time_matrix(
        graph, cores, positions, cutoff=threshold, threads=threads, max_snap_distance=max_snap_distance
    )
    inside = ttm["travel_time"].notna().to_numpy().reshape(-1, len(cells))
    core_ids, *_ = points_lonlat(cores)
    within = inside.astype(np.float64) @ w
    total = float(w.sum())
    return pd.DataFrame(
        {
            "within": within,
            "total": total,
            "share": within / total if total > 0 else np.nan,
            "cells_within": inside.sum(axis=1),
        },
        index=pd.Index(core_ids, name="id"),
    )
