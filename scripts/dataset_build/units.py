"""units.csv and the boundaries of the three levels."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .common import COORD_DECIMALS, OUT
from .geometry import area_and_centroid, read_cnmaps, simplify_coverage, to_wgs84
from .names import kind_of, romanise, short_name

# ---------------------------------------------------------------------------------------------
# units + boundaries
# ---------------------------------------------------------------------------------------------


def build_units(data: Path) -> pd.DataFrame:
    """Write units.csv and the three boundaries_*.geojson files; return the units table."""
    rows = []
    for level in ("province", "city", "county"):
        raw = read_cnmaps(data, level)
        wgs = to_wgs84(raw)
        area, lon, lat = area_and_centroid(wgs.geometry)
        simp = simplify_coverage(wgs.geometry)
        names = raw["name"].tolist()
        for i, code in enumerate(raw["code"]):
            name_zh = names[i]
            short = short_name(name_zh, level)
            if level == "province":
                parent = ""
            elif level == "city":
                parent = code[:2] + "0000"
            else:
                parent = code[:4] + "00"
            rows.append(
                {
                    "code": code,
                    "name_zh": name_zh,
                    "short_zh": short,
                    "name_en": romanise(short, name_zh),
                    "level": level,
                    "kind_zh": kind_of(code, name_zh, level),
                    "parent_code": parent,
                    "province_code": code[:2] + "0000",
                    "lon": round(float(lon[i]), 5),
                    "lat": round(float(lat[i]), 5),
                    "area_km2": round(float(area[i]), 1),
                }
            )
        lvl = pd.DataFrame([r for r in rows if r["level"] == level])
        gdf = gpd.GeoDataFrame(
            {
                "code": raw["code"].to_numpy(),
                "name_zh": names,
                "name_en": lvl.set_index("code").loc[raw["code"], "name_en"].to_numpy(),
            },
            geometry=list(simp),
            crs="EPSG:4326",
        ).sort_values("code")
        path = OUT / f"boundaries_{level}.geojson"
        path.unlink(missing_ok=True)
        gdf.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=COORD_DECIMALS, WRITE_NAME="NO")
        print(f"boundaries_{level}: {len(gdf)} features, {path.stat().st_size / 1e6:.2f} MB")
    units = pd.DataFrame(rows).sort_values("code").reset_index(drop=True)
    _check_units(units)
    units.to_csv(OUT / "units.csv", index=False, encoding="utf-8")
    return units


def _check_units(units: pd.DataFrame) -> None:
    counts = units["level"].value_counts().to_dict()
    expect = {"province": 4, "city": 41, "county": 305}
    if counts != expect:
        sys.exit(f"unit counts {counts} != {expect}")
    codes = set(units["code"])
    bad = units[(units["level"] != "province") & ~units["parent_code"].isin(codes)]
    if len(bad):
        sys.exit(f"parents missing: {bad[['code', 'name_zh', 'parent_code']].to_string()}")
    dup = units[units["level"] != "province"].duplicated(["name_en"], keep=False)
    print(
        "units: English names shared by several units:",
        sorted(set(units.loc[units["level"] != "province"][dup]["name_en"])),
    )


