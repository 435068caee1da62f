"""Turn boundaries into the small GeoJSON and line paths the report embeds."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import geopandas
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["centroids", "geojson_for_echarts", "outline_paths", "simplify"]

GEOJSON_BUDGET_BYTES = 350_000
"""Largest embedded city GeoJSON; tolerance is raised until the map fits."""

_DIGITS = 4  # ~11 m at these latitudes: far below what a region map can show


def _round(coords: Iterable[Iterable[float]]) -> list[list[float]]:
    return [[round(float(x), _DIGITS), round(float(y), _DIGITS)] for x, y, *_ in coords]


def _polygon_rings(poly: shapely.Polygon) -> list[list[list[float]]]:
    poly = shapely.geometry.polygon.orient(poly, sign=1.0)
    rings = [_round(poly.exterior.coords)]
    rings += [_round(r.coords) for r in poly.interiors]
    return rings


def _polygons(geom: BaseGeometry | None) -> list[shapely.Polygon]:
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, shapely.Polygon):
        return [geom]
    if isinstance(geom, shapely.MultiPolygon | shapely.GeometryCollection):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _geometry_json(geom: BaseGeometry | None) -> dict[str, Any] | None:
    polys = _polygons(geom)
    if not polys:
        return None
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": _polygon_rings(polys[0])}
    return {"type": "MultiPolygon", "coordinates": [_polygon_rings(p) for p in polys]}


def simplify(geoms: geopandas.GeoSeries, tolerance: float) -> np.ndarray:
    """Simplify each geometry (degrees), keeping it valid; tiny parts may vanish."""
    if tolerance <= 0:
        return np.asarray(geoms.values)
    return shapely.simplify(np.asarray(geoms.values), tolerance, preserve_topology=True)


def default_tolerance(frame: geopandas.GeoDataFrame) -> float:
    minx, miny, maxx, maxy = frame.total_bounds
    diagonal = math.hypot(maxx - minx, maxy - miny)
    return diagonal / 3000 if math.isfinite(diagonal) and diagonal > 0 else 0.0


def geojson_for_echarts(
    frame: geopandas.GeoDataFrame,
    *,
    tolerance: float | None = None,
    budget_bytes: int = GEOJSON_BUDGET_BYTES,
) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection whose feature ``name`` is the index code.

    Parameters
    ----------
    frame
        Polygons in EPSG:4326, indexed by code.
    tolerance
        Simplification tolerance in degrees; ``None`` starts at 1/3000 of the extent's
        diagonal and doubles until the JSON is under `budget_bytes`.
    budget_bytes
        Size target for the serialised GeoJSON when `tolerance` is ``None``.

    Returns
    -------
    dict
        FeatureCollection; features without polygon geometry are left out.
    """
    auto = tolerance is None
    tol = default_tolerance(frame) if tolerance is None else tolerance
    for _ in range(8):
        simple = simplify(frame.geometry, tol)
        features = []
        for code, geom in zip(frame.index, simple, strict=True):
            gj = _geometry_json(geom)
            if gj is not None:
                features.append({"type": "Feature", "properties": {"name": str(code)},
                                 "geometry": gj})
        collection = {"type": "FeatureCollection", "features": features}
        size = len(json.dumps(collection, separators=(",", ":")))
        if not auto or size <= budget_bytes or tol == 0:
            break
        tol *= 2
    return collection


def centroids(frame: geopandas.GeoDataFrame) -> dict[str, list[float]]:
    """Return ``{code: [lon, lat]}`` of each geometry's centroid (planar, in degrees)."""
    geoms = np.asarray(frame.geometry.values)
    out: dict[str, list[float]] = {}
    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    points = shapely.centroid(geoms[valid])
    for code, pt in zip(frame.index[valid], points, strict=True):
        out[str(code)] = [round(pt.x, _DIGITS), round(pt.y, _DIGITS)]
    return out


def outline_paths(geom: BaseGeometry | None, *, tolerance: float) -> list[list[list[float]]]:
    """Return the rings of a (multi)polygon as polylines ``[[lon, lat], ...]``."""
    if geom is None or geom.is_empty:
        return []
    simple = shapely.simplify(geom, tolerance, preserve_topology=True) if tolerance else geom
    return [ring for poly in _polygons(simple) for ring in _polygon_rings(poly)]


def aspect_scale(frame: geopandas.GeoDataFrame) -> float:
    """Return cos(mean latitude): the x/y scale that makes lon/lat look right."""
    _, miny, _, maxy = frame.total_bounds
    if not (math.isfinite(miny) and math.isfinite(maxy)):
        return 0.85
    return round(math.cos(math.radians((miny + maxy) / 2)), 4)
