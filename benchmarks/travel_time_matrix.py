"""Benchmark: 1000 × 1000 walking travel times on the Andorra graph — tongcheng vs pandana vs scipy.

The graph is the largest strongly connected component of the walk graph read from
``../shared/data/raw/valhalla_osm/andorra.osm.pbf`` (every OSM node kept). Origins and
destinations are 1000 + 1000 random nodes (seed 0). Each method gets the same directed graph:

* **ours**: setup = the query-specific exact contraction keeping the 2000 query nodes, plus its
  contraction hierarchy (numba JIT warmed up beforehand and reported separately; compiled code
  is cached on disk); query = :func:`tongcheng.network.many_to_many`.
* **pandana** (benchmark-only, AGPL; skipped if not installed): setup = ``pandana.Network``
  (contraction hierarchy of the whole graph); query = ``shortest_path_lengths`` on the 10⁶
  pairs. Its OpenMP threads are set with ``OMP_NUM_THREADS`` = ``--threads`` before it loads;
  the count printed is pandana's own report from its CH preprocessing.
* **scipy**: ``scipy.sparse.csgraph.dijkstra`` from each origin on the full graph (in blocks of
  100 origins to bound memory), single-threaded; the reference for the errors.

The **headline** is setup + query: a contraction that keeps the query points has to be redone
for every new set of points, so leaving it out would flatter us. Query-only is the second
figure. Both are in the ``RESULT`` line (``*_total_s`` and ``*_query_s``).

**Gates** (exit 1 after the ``RESULT`` line when one fails):

* ``ours_vs_scipy``: our times equal scipy's to 1e-6 s (absolute) + 1e-12 (relative).
* ``pandana_vs_scipy_truncated``: pandana stores each edge weight as an unsigned integer of
  weight × 1000, truncated (``DISTANCEMULTFACT`` in its ``graphalg.h``), so its exact answer
  is a shortest path on those integer weights, divided by 1000: that is its documented precision.
  The gate runs scipy on the truncated weights for up to 100 origins and requires pandana to
  equal it to 1e-6 s. Against the true weights pandana is short by up to 1 ms per edge of the
  path (the ``max_abs_err_s`` column).

Peak memory is the peak resident set size above the level at the start of each phase,
sampled every 2 ms. Run: ``python benchmarks/travel_time_matrix.py [--threads 2] [--n 1000]``
(``--n 100`` takes a few seconds). Ends with ``RESULT ours_total_s=… ours_query_s=…
pandana_total_s=… pandana_query_s=… pandana_threads=… scipy_s=… max_abs_err_s=…``.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from _gates import Gates, add_plant_option, close, plant

RAW = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "raw"


class PeakRSS:
    """Context manager sampling this process's resident set size; ``.peak_mb`` above the start."""

    def __enter__(self) -> PeakRSS:
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def peak_mb(self) -> float:
        """Peak resident memory above the start, in MiB."""
        return (self.peak - self.start) / 2**20

    def _run(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_ours(graph, origins, destinations, threads):
    """Contract keeping the query nodes, build the hierarchy (setup); PHAST queries (query)."""
    from tongcheng.network import build_hierarchy, contract_graph, many_to_many

    t0 = time.perf_counter()  # JIT warm-up (compiled code is cached on disk after the first run)
    tiny = contract_graph(graph, keep=np.r_[origins[:2], destinations[:2]])
    many_to_many(build_hierarchy(tiny), [0], targets=[0], threads=threads)
    many_to_many(tiny, [0], targets=[0], threads=threads, method="dijkstra")
    warm = time.perf_counter() - t0
    with PeakRSS() as mem:
        t0 = time.perf_counter()
        small = contract_graph(graph, keep=np.r_[origins, destinations])
        where = np.full(graph.n_nodes, -1)
        where[small.parent_index] = np.arange(small.n_nodes)
        hierarchy = build_hierarchy(small)
        setup = time.perf_counter() - t0
        t0 = time.perf_counter()
        times = many_to_many(hierarchy, where[origins], targets=where[destinations], threads=threads)
        query = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain = many_to_many(
        small, where[origins], targets=where[destinations], threads=threads, method="dijkstra"
    )
    dij = time.perf_counter() - t0
    print(
        f"ours: contracted graph {small.n_nodes:,} nodes / {small.n_arcs:,} arcs, hierarchy "
        f"{len(hierarchy.up[1]) + len(hierarchy.down[1]):,} arcs; JIT warm-up {warm:.2f} s; "
        f"same query by Dijkstra {dij:.3f} s (max diff {np.abs(plain - times).max():.2g} s)"
    )
    return times, setup, query, mem.peak_mb


@contextmanager
def c_stdout_captured() -> Iterator[list[str]]:
    """Capture what C/C++ code writes to the process's stdout; the text is in the list on exit."""
    captured: list[str] = []
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile("w+b") as log:
        os.dup2(log.fileno(), 1)
        try:
            yield captured
        finally:
            ctypes.CDLL(None).fflush(None)  # C stdio buffers a redirected stdout
            os.dup2(saved, 1)
            os.close(saved)
            log.seek(0)
            captured.append(log.read().decode(errors="replace"))


def run_pandana(graph, origins, destinations):
    """pandana.Network (CH preprocessing) then shortest_path_lengths on all pairs; and its threads."""
    try:
        import pandana
    except ImportError:
        print("pandana: not installed (pip install 'tongcheng[bench]'); skipped")
        return None, float("nan"), float("nan"), float("nan"), 0
    import pandas as pd

    with PeakRSS() as mem:
        t0 = time.perf_counter()
        nodes = pd.RangeIndex(graph.n_nodes)
        with c_stdout_captured() as log:  # pandana reports its CH progress and thread count on stdout
            net = pandana.Network(
                pd.Series(graph.lon, index=nodes),
                pd.Series(graph.lat, index=nodes),
                pd.Series(graph.tails()),
                pd.Series(graph.indices),
                pd.DataFrame({"time": graph.weights}),
                twoway=False,
            )
        report = "".join(log)
        setup = time.perf_counter() - t0
        t0 = time.perf_counter()
        a = np.repeat(origins, len(destinations))
        b = np.tile(destinations, len(origins))
        times = np.asarray(net.shortest_path_lengths(a, b, imp_name="time"), dtype=np.float64)
        query = time.perf_counter() - t0
    found = re.search(r"with (\d+) threads", report)
    threads = int(found.group(1)) if found else 0
    print(f"pandana {pandana.__version__}: contraction hierarchy with {threads or '?'} threads "
          f"(its own report; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')})")
    return times.reshape(len(origins), len(destinations)), setup, query, mem.peak_mb, threads


def scipy_truncated(graph, origins, destinations):
    """Scipy Dijkstra on pandana's weights: each one truncated to whole milliseconds, as pandana stores it."""
    import scipy.sparse
    from scipy.sparse.csgraph import dijkstra

    millis = np.trunc(np.asarray(graph.weights, dtype=np.float64) * 1000.0)
    millis[millis == 0] = np.finfo(np.float64).smallest_subnormal  # csgraph drops explicit zeros
    csr = scipy.sparse.csr_array((millis, graph.indices, graph.indptr), shape=(graph.n_nodes,) * 2)
    return np.floor(dijkstra(csr, indices=origins)[:, destinations]) / 1000.0


def run_scipy(graph, origins, destinations):
    """Scipy Dijkstra from every origin on the full graph, 100 origins at a time."""
    from scipy.sparse.csgraph import dijkstra

    with PeakRSS() as mem:
        t0 = time.perf_counter()
        csr = graph.to_scipy()
        setup = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = np.empty((len(origins), len(destinations)))
        for lo in range(0, len(origins), 100):
            out[lo : lo + 100] = dijkstra(csr, indices=origins[lo : lo + 100])[:, destinations]
        query = time.perf_counter() - t0
    return out, setup, query, mem.peak_mb


def scaling(threads: int) -> None:
    """Print per-source costs on graphs of several sizes (the measurements behind the cost model)."""
    from tongcheng.network import (
        build_hierarchy,
        contract_graph,
        graph_from_pbf,
        largest_component,
        many_to_many,
    )

    def best(fn, repeat=3):
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    cases = [
        ("valhalla_osm/andorra.osm.pbf", "walk", 2000),
        ("valhalla_osm/andorra.osm.pbf", "walk", 20000),
        ("valhalla_osm/liechtenstein-latest.osm.pbf", "walk", 2000),
        ("r5r_poa/poa_osm.pbf", "walk", 2000),
        ("r5r_poa/poa_osm.pbf", "car", 2000),
        ("r5r_poa/poa_osm.pbf", "walk", 0),
        ("valhalla_osm/andorra.osm.pbf", "walk", 0),
    ]
    print(
        "file profile full_nodes keep core_nodes core_arcs read_s contract_s ch_build_s ch_arcs "
        "phast_ms_per_source dijkstra_ms_per_source"
    )
    for rel, profile, keep in cases:
        rng = np.random.default_rng(0)
        t0 = time.perf_counter()
        g = largest_component(graph_from_pbf(RAW / rel, profile=profile))
        read = time.perf_counter() - t0
        t0 = time.perf_counter()
        core = contract_graph(g, keep=rng.choice(g.n_nodes, keep, replace=False)) if keep else g
        contract = time.perf_counter() - t0
        t0 = time.perf_counter()
        h = build_hierarchy(core)
        build = time.perf_counter() - t0
        src, tgt = rng.choice(core.n_nodes, 200), rng.choice(core.n_nodes, 1000)
        many_to_many(h, src[:2], targets=tgt, threads=threads)
        phast = best(lambda: many_to_many(h, src, targets=tgt, threads=threads)) / 200  # noqa: B023
        dij = best(lambda: many_to_many(core, src[:50], targets=tgt, threads=threads, method="dijkstra"), 2)  # noqa: B023
        dij /= 50
        print(
            f"{Path(rel).name} {profile} {g.n_nodes} {keep} {core.n_nodes} {core.n_arcs} {read:.2f} "
            f"{contract:.3f} {build:.3f} {len(h.up[1]) + len(h.down[1])} {phast * 1e3:.3f} {dij * 1e3:.3f}"
        )


def main() -> int:
    """Run the three methods on the same graph and queries; print the table and the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="threads for ours and pandana (OpenMP)")
    parser.add_argument("--n", type=int, default=1000, help="origins = destinations = N")
    parser.add_argument("--pbf", type=Path, default=RAW / "valhalla_osm" / "andorra.osm.pbf")
    parser.add_argument("--scaling", action="store_true", help="print per-source costs by graph size")
    add_plant_option(parser)
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # before pandana's OpenMP runtime starts
    if args.scaling:
        scaling(args.threads)
        return 0

    from tongcheng.network import graph_from_pbf, largest_component

    t0 = time.perf_counter()
    graph = largest_component(graph_from_pbf(args.pbf, profile="walk"))
    print(
        f"graph: {graph.n_nodes:,} nodes / {graph.n_arcs:,} arcs (walk, largest SCC), "
        f"read in {time.perf_counter() - t0:.2f} s; {args.threads} threads; {os.cpu_count()} cores; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    rng = np.random.default_rng(0)
    pick = rng.choice(graph.n_nodes, 2 * args.n, replace=False)
    origins, destinations = pick[: args.n], pick[args.n :]

    ours, o_setup, o_query, o_mem = run_ours(graph, origins, destinations, args.threads)
    pan, p_setup, p_query, p_mem, p_threads = run_pandana(graph, origins, destinations)
    ref, s_setup, s_query, s_mem = run_scipy(graph, origins, destinations)
    if args.plant_mismatch:
        ours = plant(ours)

    err = float(np.abs(ours - ref).max())
    p_err = float(np.abs(pan - ref).max()) if pan is not None else float("nan")
    print(f"{'method':<8} {'setup_s':>8} {'query_s':>8} {'total_s':>8} {'peak_MB':>8} {'max_abs_err_s':>14}")
    for name, su, q, m, e in (
        ("ours", o_setup, o_query, o_mem, err),
        ("pandana", p_setup, p_query, p_mem, p_err),
        ("scipy", s_setup, s_query, s_mem, 0.0),
    ):
        print(f"{name:<8} {su:8.3f} {q:8.3f} {su + q:8.3f} {m:8.1f} {e:14.3g}")
    o_total, p_total = o_setup + o_query, p_setup + p_query
    print(
        f"ratios (setup+query, the headline): pandana/ours {p_total / o_total:.1f}×, "
        f"scipy/ours {(s_setup + s_query) / o_total:.1f}×; "
        f"(query only): pandana/ours {p_query / o_query:.1f}×, scipy/ours {s_query / o_query:.1f}×"
    )

    gates = Gates()
    ok, diff, bad = close(ours, ref, rtol=1e-12, atol=1e-6)
    gates.check("ours_vs_scipy", ok, f"{ours.size:,} times, max |diff| {diff:.3g} s, {bad} beyond 1e-6 s")
    if pan is not None:
        rows = slice(0, min(100, len(origins)))
        truncated = scipy_truncated(graph, origins[rows], destinations)
        ok, diff, bad = close(pan[rows], truncated, rtol=0.0, atol=1e-6)
        gates.check("pandana_vs_scipy_truncated", ok,
                    f"{truncated.size:,} times of {len(truncated)} origins vs scipy on weights truncated "
                    f"to whole ms (pandana's precision): max |diff| {diff:.3g} s, {bad} beyond 1e-6 s")
    print(
        f"RESULT ours_total_s={o_total:.3f} ours_query_s={o_query:.3f} pandana_total_s={p_total:.3f} "
        f"pandana_query_s={p_query:.3f} pandana_threads={p_threads} scipy_s={s_setup + s_query:.3f} "
        f"max_abs_err_s={err:.3g} pandana_max_abs_err_s={p_err:.3g}"
    )
    return gates.exit_code()


if __name__ == "__main__":
    sys.exit(main())
