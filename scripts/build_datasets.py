"""Build the data files bundled in ``src/tongcheng/datasets/`` from the shared raw data.

Run by developers, not at runtime::

    pip install pypinyin==0.55.0 eviltransform==0.1.1
    python scripts/build_datasets.py            # raw data in ../shared/data (relative to the repo)
    python scripts/build_datasets.py --data DIR --only units,rail

Every output is written by one ``build_<name>`` function of the package ``dataset_build/``
(one module per family of bundled files); SOURCES.md (written by hand) says what
each function did and why. The script prints the checks it runs (counts, totals) and stops with a
non-zero exit code when one fails.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
from dataset_build.catalogue import build_indicators
from dataset_build.census import build_census
from dataset_build.code_changes import build_code_changes
from dataset_build.common import OUT, REPO
from dataset_build.licences import copy_licenses
from dataset_build.metros import build_metros
from dataset_build.names import heteronym_names
from dataset_build.rail import build_rail, build_rail_timetable
from dataset_build.stats import build_city_stats
from dataset_build.units import build_units

# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------

STEPS = (
    "units",
    "census",
    "city_stats",
    "rail",
    "rail_timetable",
    "code_changes",
    "metros",
    "indicators",
    "licenses",
)


def main(argv: list[str] | None = None) -> int:
    """Parse options and run the requested build steps."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--data",
        type=Path,
        default=REPO / ".." / "shared" / "data",
        help="shared data folder (default: ../shared/data relative to the repo root)",
    )
    ap.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {STEPS}")
    ap.add_argument(
        "--list-heteronyms",
        action="store_true",
        help="print every unit name with a heteronym character and its romanisation",
    )
    args = ap.parse_args(argv)
    data = args.data.resolve()
    steps = args.only.split(",")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.list_heteronyms:
        units = pd.read_csv(OUT / "units.csv", dtype=str)
        for name, readings in heteronym_names(units["short_zh"].tolist()):
            en = units.loc[units["short_zh"] == name, "name_en"].iloc[0]
            print(name, en, readings)
        return 0
    units = build_units(data) if "units" in steps else pd.read_csv(OUT / "units.csv", dtype=str)
    builders = {
        "code_changes": lambda: build_code_changes(data, units),
        "census": lambda: build_census(data, units),
        "city_stats": lambda: build_city_stats(data, units),
        "rail": lambda: build_rail(data, units),
        "rail_timetable": lambda: build_rail_timetable(data, units),
        "metros": lambda: build_metros(units),
        "indicators": lambda: build_indicators(),
        "licenses": lambda: copy_licenses(data),
    }
    for step in (
        "code_changes",
        "census",
        "city_stats",
        "rail",
        "rail_timetable",
        "metros",
        "indicators",
        "licenses",
    ):
        if step in steps:
            builders[step]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
