"""Paths and constants shared by the build steps."""

from __future__ import annotations

import sys
from pathlib import Path

from pyproj import CRS

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))  # tongcheng.units.crosswalk is shared with the library
OUT = REPO / "src" / "tongcheng" / "datasets"
PROVINCES = ("310000", "320000", "330000", "340000")
YRD_PREFIXES = ("31", "32", "33", "34")
#: Equal-area projection for China (Albers, standard parallels 25°N / 47°N, WGS-84 ellipsoid).
ALBERS_CHINA = CRS.from_proj4(
    "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=WGS84 +units=m"
)
SIMPLIFY_TOLERANCE = 0.002  # degrees, ≈ 200 m
COORD_DECIMALS = 5

