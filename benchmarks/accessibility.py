"""Benchmark: 2SFCA, enhanced 2SFCA and Hansen potential, tongcheng against PySAL ``access``.

Data: the Porto Alegre hexagon grid of r5r (population, healthcare facilities, jobs; see
``../shared/data/raw/r5r_poa/SOURCE.md``) and exact walking times between the hexes on the
OpenStreetMap walk graph of the same extract, up to ``--catchment`` minutes (built once,
outside the timings). Both libraries get the same long table of reachable pairs; the
script times the median of ``--repeat`` runs of each measure, then gates on the results.

**Gate** (one ``GATE`` line per measure; exit 1 after the ``RESULT`` line if one fails):
at every unit, ``|ours - access| <= 1e-9 · |access| + 1e-12 · max |access|``, the
``numpy.isclose`` rule. access's zeros count: where access has 0 (202 of 1,206 hexes reach
no facility within 15 minutes, 50 within 30), ours must be 0 too, within ``1e-12 · max``; a
unit that access leaves out is NaN and fails. (Before, the relative difference was taken only
where access was non-zero, so a wrong value of ours at access's zeros passed.)

With ``--replicate K`` the grid is repeated K times (disjoint copies of the pairs), to see
how both scale with the number of pairs.

**Results on this machine**, 2 shared cores, PySAL access 1.1.9, pandas 3.1.1. The first
figures were measured on 2026-12-04 at load average 8 (``--repeat 5``; 40 grids
``--repeat 3``); the figures in brackets are from 2026-11, at a lower load (median of 3):

=====================  ============  ========================  ========================  ===========
pairs                  measure       tongcheng                 access                    ratio
=====================  ============  ========================  ========================  ===========
125,622 (1 grid)       2SFCA         0.122 s (0.014 s)         0.139 s (0.039 s)         ×1.1 (×2.8)
                       E2SFCA        0.068 s (0.014 s)         1.07 s (0.155 s)          ×15.8 (×11)
                       Hansen        0.111 s (0.010 s)         0.133 s (0.017 s)         ×1.2 (×1.7)
5,024,880 (40 grids)   2SFCA         2.22 s (1.08 s)           2.94 s (1.69 s)           ×1.3 (×1.6)
                       E2SFCA        1.31 s (1.25 s)           14.3 s (7.30 s)           ×10.9 (×5.9)
                       Hansen        2.91 s (1.15 s)           1.81 s (0.82 s)           ×0.6 (×0.7)
=====================  ============  ========================  ========================  ===========

Every result agrees with access to 2e-19 absolute (7e-16 relative). At five million pairs about 1 s of ours
is input checking that access does not do: ids hashed to codes (0.48 s, Arrow strings) and
the search for repeated (from_id, to_id) pairs (0.62 s, a pandas hash of int64 keys), which
is why the plain Hansen sum is slower there; the catchment methods stay ahead because
access re-merges the table for each step.

Usage::

    python benchmarks/accessibility.py [--catchment 30] [--repeat 5] [--replicate 1]

``--catchment 15 --repeat 1`` runs in a few seconds.

Ends with one line ``RESULT pairs=… ours_2sfca_s=… access_2sfca_s=… ratio_2sfca=… …``.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from _gates import Gates, add_plant_option, close, plant
from scipy.spatial import cKDTree

from tongcheng.network import (
    LUO_QI_2009_BANDS,
    Decay,
    enhanced_two_step_fca,
    graph_from_pbf,
    hansen_accessibility,
    travel_time_matrix,
)
from tongcheng.network.accessibility import two_step_fca
from tongcheng.network.graph import main_component_nodes
from tongcheng.network.osm import haversine_m

RAW = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "raw" / "r5r_poa"
# The gate: |ours - access| <= RTOL * |access| + ATOL_OF_SCALE * max |access|, at every unit,
# access's zeros included (a value of ours where access has zero is a mismatch).
RTOL = 1e-9
ATOL_OF_SCALE = 1e-12


def _data(catchment: float, replicate: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    graph = graph_from_pbf(RAW / "poa_osm.pbf", profile="walk")
    cells = pd.read_csv(RAW / "poa_hexgrid.csv")
    main = main_component_nodes(graph)
    lat0 = math.radians(float(np.median(graph.lat)))

    def xy(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return np.column_stack([np.radians(lon) * math.cos(lat0), np.radians(lat)])

    lon, lat = cells["lon"].to_numpy(), cells["lat"].to_numpy()
    _, k = cKDTree(xy(graph.lon[main], graph.lat[main])).query(xy(lon, lat))
    dist = haversine_m(lon, lat, graph.lon[main][k], graph.lat[main][k])
    cells = cells[dist <= 240].fillna(0.0)  # hexes in the Guaíba or beyond the extract are off the network
    times = travel_time_matrix(graph, cells, cutoff=catchment * 60.0).dropna()
    if replicate > 1:  # disjoint copies: ids suffixed by the copy
        times = pd.concat([times.assign(from_id=times["from_id"] + f"#{k}", to_id=times["to_id"] + f"#{k}")
                           for k in range(replicate)], ignore_index=True)
        cells = pd.concat([cells.assign(id=cells["id"] + f"#{k}") for k in range(replicate)],
                          ignore_index=True)
    return times, cells.set_index("id")


def _median_s(func: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> int:
    """Run the benchmark and print the RESULT line; return 1 if a result differs from access's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catchment", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--replicate", type=int, default=1)
    add_plant_option(parser)
    args = parser.parse_args()
    from access import fca
    from access.weights import step_fn

    times, cells = _data(args.catchment, args.replicate)
    costs = times.rename(columns={"from_id": "origin", "to_id": "dest"})
    costs["cost"] = costs.pop("travel_time").to_numpy(np.float64) / 60.0
    max_cost = float(np.nextafter(args.catchment, np.inf))  # access keeps cost < max, ours t <= T
    pop, care, jobs = cells["population"], cells["healthcare"], cells["jobs"]
    print(f"{len(cells):,} hexes, {len(times):,} reachable pairs within {args.catchment:g} min")

    def access_2sfca(**kw: object) -> pd.Series:
        with warnings.catch_warnings():  # access 1.1.9: a no-op fillna(inplace=True) under pandas 3
            warnings.simplefilter("ignore", pd.errors.ChainedAssignmentError)
            return fca.two_stage_fca(cells[["population"]], cells[["healthcare"]], costs,
                                     demand_index=True, demand_name="population",
                                     supply_name="healthcare", max_cost=max_cost, **kw)

    def access_hansen() -> pd.Series:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ChainedAssignmentError)
            # access sums over cost_source for each cost_dest: ours is by origin, so swap the roles
            return fca.weighted_catchment(cells[["jobs"]], costs, max_cost, cost_source="dest",
                                          cost_dest="origin", cost_cost="cost", loc_index=True,
                                          loc_value="jobs")

    cases = {
        "2sfca": (lambda: two_step_fca(times, pop, care, decay=Decay.cumulative(args.catchment)),
                  access_2sfca),
        "e2sfca": (lambda: enhanced_two_step_fca(times, pop, care, bands=LUO_QI_2009_BANDS),
                   lambda: access_2sfca(weight_fn=step_fn(LUO_QI_2009_BANDS))),
        "hansen": (lambda: hansen_accessibility(times, jobs, decay=Decay.cumulative(args.catchment)),
                   access_hansen),
    }
    figures: dict[str, float] = {"pairs": float(len(times))}
    gates = Gates()
    for name, (ours, peer) in cases.items():
        figures[f"ours_{name}_s"] = _median_s(ours, args.repeat)
        figures[f"access_{name}_s"] = _median_s(peer, args.repeat)
        figures[f"ratio_{name}"] = figures[f"access_{name}_s"] / figures[f"ours_{name}_s"]
        got, ref = ours(), peer()
        got = got["accessibility"] if isinstance(got, pd.DataFrame) else got
        ref = ref.iloc[:, 0] if isinstance(ref, pd.DataFrame) else ref
        extra = len(ref.index.difference(got.index))
        ref = ref.reindex(got.index)  # a unit access leaves out is NaN, and NaN matches only NaN
        values = got.to_numpy(np.float64)
        if args.plant_mismatch:  # where access has a zero, if it has one: zeros must be compared too
            zeros = np.flatnonzero(ref.to_numpy() == 0)
            values = plant(values, at=int(zeros[0]) if len(zeros) else 0)
        peer_values = ref.to_numpy(np.float64)
        scale = float(np.nanmax(np.abs(peer_values))) if np.isfinite(peer_values).any() else 0.0
        ok, diff, bad = close(values, peer_values, rtol=RTOL, atol=ATOL_OF_SCALE * scale)
        n_zero = int((peer_values == 0).sum())
        gates.check(f"{name}_equals_access", ok and extra == 0,
                    f"{len(values):,} units ({n_zero} zero in access, {extra} only in access): "
                    f"max |diff| {diff:.2e} (max |value| {scale:.3g}), "
                    f"{bad} beyond {RTOL:g} relative + {ATOL_OF_SCALE:g} × max |value|")
        print(f"{name:7s} ours {figures[f'ours_{name}_s']:.4f} s   access {figures[f'access_{name}_s']:.4f} s"
              f"   ×{figures[f'ratio_{name}']:.1f}")
    print("RESULT " + " ".join(f"{k}={v:.0f}" if k == "pairs" else f"{k}={v:.4g}"
                               for k, v in figures.items()))
    return gates.exit_code()

if __name__ == "__main__":
    sys.exit(main())
