"""Turn boundaries into the small GeoJSON and line paths the report embeds.

Coordinates are quantised to 1/1024 degree (about 100 m, below one pixel of a region
map) and written in ECharts' compact "UTF8Encoding" GeoJSON form: each ring is a
string of zig-zag encoded deltas plus an ``encodeOffsets`` start point. ECharts decodes
it natively in ``registerMap``; ``static/map.js`` decodes the metro outlines with the
same rule. This keeps a 41-city map around 100 kB instead of several hundred.
"""

from __future__ import annotations

import json
import math
from typing import Any

import geopandas
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "ENCODE_SCALE",
    "aspect_scale",
    "centroids",
    "decode_ring",
    "default_tolerance",
    "encode_ring",
    "geojson_for_echarts",
    "outline_paths",
    "ring_paths",
    "simplify",
]

ENCODE_SCALE = 1024
"""Quantisation: units per degree (ECharts' default ``UTF8Scale``)."""

GEOJSON_BUDGET_BYTES = 200_000
"""Largest embedded city GeoJSON (UTF-8 bytes); tolerance is raised until it fits."""

_MAX_ZIGZAG = 0xD800 - 64 - 1  # keep every character out of the UTF-16 surrogate range


def _zigzag(n: int) -> int:
    return n << 1 if n >= 0 else ((-n) << 1) - 1


def encode_ring(coords: Any) -> tuple[str, list[int]] | None:
    """Encode one ring ``[(lon, lat), ...]``; ``None`` if it collapses when quantised.

    Returns
    -------
    tuple of (str, list of int) or None
        The delta string and the ``[x, y]`` start offset (quantised units).
    """
    quantised: list[tuple[int, int]] = []
    for x, y, *_ in coords:
        q = (round(float(x) * ENCODE_SCALE), round(float(y) * ENCODE_SCALE))
        if not quantised or q != quantised[-1]:
            quantised.append(q)
    if len(quantised) < 4:  # a closed ring needs 3 corners + the closing point
        return None
    prev = quantised[0]
    chars = []
    for x, y in quantised:
        dx, dy = _zigzag(x - prev[0]), _zigzag(y - prev[1])
        if dx > _MAX_ZIGZAG or dy > _MAX_ZIGZAG:
            return None
        chars.append(chr(dx + 64) + chr(dy + 64))
        prev = (x, y)
    return "".join(chars), [quantised[0][0], quantised[0][1]]


def decode_ring(text: str, offset: list[int]) -> list[list[float]]:
    """Invert :func:`encode_ring` (as ECharts does); used by the tests."""
    x, y = offset
    out = []
    for i in range(0, len(text), 2):
        cx, cy = ord(text[i]) - 64, ord(text[i + 1]) - 64
        x += (cx >> 1) ^ -(cx & 1)
        y += (cy >> 1) ^ -(cy & 1)
        out.append([x / ENCODE_SCALE, y / ENCODE_SCALE])
    return out


def _polygons(geom: BaseGeometry | None) -> list[shapely.Polygon]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, shapely.Polygon):
        return [geom]
    if isinstance(geom, shapely.MultiPolygon | shapely.GeometryCollection):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _encode_polygon(poly: shapely.Polygon) -> tuple[list[str], list[list[int]]] | None:
    poly = shapely.geometry.polygon.orient(poly, sign=1.0)
    outer = encode_ring(poly.exterior.coords)
    if outer is None:
        return None
    rings, offsets = [outer[0]], [outer[1]]
    for interior in poly.interiors:
        hole = encode_ring(interior.coords)
        if hole is not None:
            rings.append(hole[0])
            offsets.append(hole[1])
    return rings, offsets


def _geometry_json(geom: BaseGeometry | None) -> dict[str, Any] | None:
    parts = [e for e in (_encode_polygon(p) for p in _polygons(geom)) if e is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return {"type": "Polygon", "coordinates": parts[0][0], "encodeOffsets": parts[0][1]}
    return {"type": "MultiPolygon", "coordinates": [p[0] for p in parts],
            "encodeOffsets": [p[1] for p in parts]}


def simplify(geoms: geopandas.GeoSeries, tolerance: float) -> np.ndarray:
    """Simplify each geometry (degrees), keeping it valid; tiny parts may vanish."""
    if tolerance <= 0:
        return np.asarray(geoms.values)
    simple: np.ndarray = shapely.simplify(np.asarray(geoms.values), tolerance,
                                          preserve_topology=True)
    return simple


def default_tolerance(frame: geopandas.GeoDataFrame) -> float:
    """Return 1/4000 of the extent's diagonal (degrees): invisible at full-map scale."""
    minx, miny, maxx, maxy = frame.total_bounds
    diagonal = math.hypot(maxx - minx, maxy - miny)
    return diagonal / 4000 if math.isfinite(diagonal) and diagonal > 0 else 0.0


def geojson_for_echarts(
    frame: geopandas.GeoDataFrame,
    *,
    tolerance: float | None = None,
    budget_bytes: int = GEOJSON_BUDGET_BYTES,
) -> tuple[dict[str, Any], float]:
    """Return a compact GeoJSON FeatureCollection whose feature ``name`` is the code.

    Parameters
    ----------
    frame
        Polygons in EPSG:4326, indexed by code.
    tolerance
        Simplification tolerance in degrees; ``None`` starts at
        :func:`default_tolerance` and doubles until the JSON is under `budget_bytes`.
    budget_bytes
        Size target (UTF-8 bytes) when `tolerance` is ``None``.

    Returns
    -------
    dict
        FeatureCollection with ``UTF8Encoding``; features without polygons are left out.
    float
        The tolerance used.
    """
    auto = tolerance is None
    tol = default_tolerance(frame) if tolerance is None else tolerance
    for _ in range(8):
        features = []
        for code, geom in zip(frame.index, simplify(frame.geometry, tol), strict=True):
            gj = _geometry_json(geom)
            if gj is not None:
                features.append({"type": "Feature", "properties": {"name": str(code)},
                                 "geometry": gj})
        collection = {"type": "FeatureCollection", "UTF8Encoding": True,
                      "UTF8Scale": ENCODE_SCALE, "features": features}
        size = len(json.dumps(collection, ensure_ascii=False).encode("utf-8"))
        if not auto or size <= budget_bytes or tol == 0:
            break
        tol *= 2
    return collection, tol


def centroids(frame: geopandas.GeoDataFrame) -> dict[str, list[float]]:
    """Return ``{code: [lon, lat]}`` of each geometry's centroid (planar, in degrees)."""
    geoms = np.asarray(frame.geometry.values)
    out: dict[str, list[float]] = {}
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    points = shapely.centroid(geoms[valid])
    for code, pt in zip(frame.index[valid], points, strict=True):
        out[str(code)] = [round(pt.x, 4), round(pt.y, 4)]
    return out


def outline_paths(
    geom: BaseGeometry | None, *, tolerance: float, min_share: float = 0.005
) -> list[list[Any]]:
    """Return the outer rings of a (multi)polygon, encoded as ``[text, [x0, y0]]``.

    Holes and parts smaller than `min_share` of the largest part are left out: an
    outline drawn over a map only needs the shape of the area. Decode with
    :func:`decode_ring` (Python) or ``decodeRing`` in ``static/map.js``.
    """
    polys = _polygons(geom)
    if not polys:
        return []
    largest = max(p.area for p in polys)
    keep = [shapely.Polygon(p.exterior) for p in polys if p.area >= min_share * largest]
    if tolerance:
        keep = [shapely.simplify(p, tolerance, preserve_topology=True) for p in keep]
    rings = [encode_ring(p.exterior.coords) for poly in keep for p in _polygons(poly)]
    return [[text, offset] for text, offset in (r for r in rings if r is not None)]


def ring_paths(geom: BaseGeometry | None, *, tolerance: float) -> list[list[Any]]:
    """Return every ring of a (multi)polygon, holes included, encoded as ``[text, [x0, y0]]``.

    Unlike :func:`outline_paths`, holes are kept: the outline of an isochrone must go round
    the zones inside it that are not reached (or have no time).
    """
    polys = _polygons(geom)
    if tolerance:
        polys = [q for p in polys
                 for q in _polygons(shapely.simplify(p, tolerance, preserve_topology=True))]
    rings = [encode_ring(ring.coords) for p in polys for ring in (p.exterior, *p.interiors)]
    return [[text, offset] for text, offset in (r for r in rings if r is not None)]


def aspect_scale(frame: geopandas.GeoDataFrame) -> float:
    """Return cos(mean latitude): the x/y scale that makes lon/lat look right."""
    _, miny, _, maxy = frame.total_bounds
    if not (math.isfinite(miny) and math.isfinite(maxy)):
        return 0.85
    return round(math.cos(math.radians((miny + maxy) / 2)), 4)
