"""Read road graphs from OpenStreetMap PBF files with pyosmium."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np

from .._errors import DataError
from .._text import Text
from ..io.files import check_file, file_problem
from .graph import RoadGraph, graph_from_arcs
from .profiles import PROFILES

__all__ = ["graph_from_pbf", "haversine_m"]

_EARTH_RADIUS_M = 6_371_008.8
_KEEP_TAGS = (
    "highway",
    "access",
    "foot",
    "bicycle",
    "motorcar",
    "motor_vehicle",
    "oneway",
    "oneway:bicycle",
    "cycleway",
    "junction",
    "area",
)


def haversine_m(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Return great-circle distances in metres (mean Earth radius 6,371,008.8 m).

    Examples
    --------
    >>> import numpy as np
    >>> round(float(haversine_m(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))[0]))
    111195
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _read_ways(path: Path, profile_name: str) -> tuple[list[int], list[float], list[float], list[tuple]]:
    """Return node refs, lons, lats and one ``(start, stop, speed, fwd, bwd)`` per usable way."""
    import osmium  # imported lazily: no heavy import at package import time

    profile = PROFILES[profile_name]
    refs: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    ways: list[tuple] = []
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    for obj in processor:
        if not isinstance(obj, osmium.osm.Way):
            continue
        tags = {k: obj.tags[k] for k in _KEEP_TAGS if k in obj.tags}
        speed = profile.speed(tags)
        if speed is None:
            continue
        fwd, bwd = profile.directions(tags)
        start = len(refs)
        for n in obj.nodes:
            if not n.location.valid():
                continue
            refs.append(n.ref)
            lons.append(n.lon)
            lats.append(n.lat)
        if len(refs) - start >= 2:
            ways.append((start, len(refs), speed, fwd, bwd))
        else:
            del refs[start:], lons[start:], lats[start:]
    return refs, lons, lats, ways


_PBF = Text("OpenStreetMap 数据文件(.osm.pbf)", "an OpenStreetMap file (.osm.pbf)")


def graph_from_pbf(path: str | PathLike[str], *, profile: str = "walk") -> RoadGraph:
    """Build the full (uncontracted) road graph of one travel mode from an OSM PBF file.

    Every OSM node on a usable way becomes a graph node; every pair of consecutive nodes on a way
    becomes one arc per permitted direction, weighted by its great-circle length divided by the
    profile's speed for the way's ``highway`` class. Self-loops are dropped and parallel arcs
    collapsed to the fastest.

    Parameters
    ----------
    path
        An ``.osm.pbf`` (or any format pyosmium reads) file.
    profile
        ``"walk"``, ``"bike"`` or ``"car"``; see :mod:`tongcheng.network.profiles`.

    Returns
    -------
    RoadGraph
        Travel times in seconds on a CSR adjacency; ``node_ids`` are OSM node ids.

    Raises
    ------
    DataError
        If the profile is unknown, or no way is usable by the profile.
    ValidationError
        Naming the file when it is missing, empty, a folder, unreadable, truncated or not
        an OSM file.

    See Also
    --------
    tongcheng.network.graph.contract_graph : drop pass-through nodes before routing.
    """
    if profile not in PROFILES:
        msg = Text(f"未知的出行方式 {profile!r};应为 {sorted(PROFILES)} 之一",
                   f"unknown profile {profile!r}; expected one of {sorted(PROFILES)}")
        raise DataError(msg)
    path = check_file(path, what=_PBF)
    try:
        refs_l, lons_l, lats_l, ways = _read_ways(path, profile)
    except RuntimeError as exc:  # pyosmium reports every unreadable file as a RuntimeError
        fix = Text("文件不是完整的 OSM PBF(被截断、损坏,或是改了扩展名的其他文件);请重新下载",
                   "it is not a complete OSM PBF file (truncated, damaged, or another file renamed); "
                   "download it again")
        raise file_problem(path, _PBF, fix, value=str(exc)) from exc
    if not ways:
        msg = Text(f"{path.name}: 没有适用于 {profile!r} 出行方式的道路;请检查文件是否覆盖道路",
                   f"{path.name}: no way is usable by profile {profile!r}; check the file covers roads")
        raise DataError(msg)
    refs = np.asarray(refs_l, dtype=np.int64)
    lon = np.asarray(lons_l, dtype=np.float64)
    lat = np.asarray(lats_l, dtype=np.float64)
    node_ids, first, inverse = np.unique(refs, return_index=True, return_inverse=True)
    w = np.asarray(ways, dtype=np.float64)
    starts, stops = w[:, 0].astype(np.int64), w[:, 1].astype(np.int64)
    n_seg = stops - starts - 1
    # ways are stored back to back: a segment starts at every position except a way's last node
    is_start = np.ones(len(refs), dtype=bool)
    is_start[stops - 1] = False
    a = np.flatnonzero(is_start)
    way_of = np.repeat(np.arange(len(ways)), n_seg)
    length = haversine_m(lon[a], lat[a], lon[a + 1], lat[a + 1])
    seconds = length / (w[way_of, 2] / 3.6)
    u, v = inverse[a], inverse[a + 1]
    fwd, bwd = w[way_of, 3].astype(bool), w[way_of, 4].astype(bool)
    tails = np.concatenate([u[fwd], v[bwd]])
    heads = np.concatenate([v[fwd], u[bwd]])
    times = np.concatenate([seconds[fwd], seconds[bwd]])
    return graph_from_arcs(
        tails, heads, times=times, lon=lon[first], lat=lat[first], node_ids=node_ids, profile=profile
    )
