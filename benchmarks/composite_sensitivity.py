"""Benchmark: uncertainty and sensitivity analysis of the ASEM index, checked against COINr 1.1.14.

The design is COINr's sensitivity vignette on its example index (ASEM Sustainable
Connectivity, 51 countries, 49 indicators), with four uncertain assumptions:

* winsorisation limit ``winmax`` 1–5 (COINr ``Treat``, log fallback when it fails);
* normalisation: min–max onto 1–100, or z-score with mean 10 and sd 2;
* weights: one of 100 noisy weight sets, ±25 % at levels 2 and 3 (``get_noisy_weights``);
* aggregation: weighted arithmetic or geometric mean at every level.

The target is the rank of every country on the Index. COINr's own target is one number per
run, the mean absolute rank change against the nominal ranks; both are estimated.

The design is ``examples/asem/factors.yaml`` and the analysis is
:func:`tongcheng.composite.uncertainty.uncertainty_analysis`. How it is fast: treatment and
normalisation depend only on (winmax, normaliser), 10 combinations. Those 10 normalised tables
are computed once with the pipeline's step functions, then every run is evaluated by
:func:`tongcheng.composite.sensitivity.evaluate_batch`: a gather of the chosen table plus
batched weighted means with the run's weights and mean.

**Peers and gates** (the script exits 1 when one fails, after its ``RESULT`` line):

* ``coinr_nominal``: the nominal index, every aggregate of every country, equals COINr's own
  output (``asem_aggregated_coinr.csv`` of the reference data, written by COINr 1.1.14) to
  1e-9. COINr (R) cannot be installed on this machine: R 4.2.2 is in Debian, COINr only on
  CRAN, which is out of reach. So its *results* are the live check, not its speed.
* ``naive_regeneration``: the same N = 100 analysis run naively, one full
  ``Build.regenerate`` per run (``RecipeStudy.regenerate``, COINr's way), gives the batched
  scores to 1e-9 (``--naive-runs K`` checks the first K runs only; ``--skip-naive`` skips it).

**COINr's timing is a reference run, not a live peer.** 8.8 s (UA, N = 100) and 53.5 s (SA,
N = 100) come from ``../shared/data/reference/coinr_asem/SOURCE.md``: COINr 1.1.14 on R 4.2.2,
``get_sensitivity(SA_type = "UA" | "SA", N = 100)`` with the design above, on "a 2-core
machine of this project's kind". That note gives no date, and the R script was not kept; the
figures were first used here on 2026-11-24 (commit bede833). They are not re-run here and are
not a published figure. The script prints them beside our time as such and leaves them out of
the ``RESULT`` line except as ``ratio_sa_vs_coinr_reference_run``.

Run from the repository root (the COINr reference data sit beside the repository, in
``../shared/data/reference/coinr_asem``)::

    python benchmarks/composite_sensitivity.py [--repeat 5] [--n-boot 1000] [--n-large 10000]
        [--skip-naive | --naive-runs K]

The last line is ``RESULT sa_n100_s=… ua_n100_s=… sa_nlarge_s=… n_large=… coinr_max_abs_diff=…
ratio_sa_vs_coinr_reference_run=…``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _gates import Gates, add_plant_option, close, plant

from tongcheng.composite.framework import Framework
from tongcheng.composite.pipeline import Build, Recipe, build, read_table
from tongcheng.composite.uncertainty import (
    RecipeStudy,
    UncertaintyResult,
    read_factors,
    uncertainty_analysis,
)

REPO = Path(__file__).resolve().parents[1]
REF = REPO / ".." / "shared" / "data" / "reference" / "coinr_asem"
RECIPE = REPO / "examples" / "asem" / "recipe.yaml"
FACTORS = REPO / "examples" / "asem" / "factors.yaml"

# COINr's speed on this design, as recorded in REF / "SOURCE.md" (see the module docstring):
# a reference run, not re-run here and not a published figure.
COINR_REFERENCE_RUN_S = {"ua_n100": 8.8, "sa_n100": 53.5}
COINR_REFERENCE_NOTE = (
    "COINr 1.1.14 / R 4.2.2 reference run recorded in coinr_asem/SOURCE.md (undated, first used here "
    '2026-11-24; 2-core machine; get_sensitivity(SA_type = "UA"|"SA", N = 100)); not re-run here, '
    "not a published figure"
)
TOLERANCE = 1e-9


def load_nominal() -> Build:
    """Build the nominal ASEM index (COINr: the coin exists before get_sensitivity)."""
    fw = Framework.from_coinr_imeta(REF / "ASEM_iMeta.csv")
    return build(Recipe.read(RECIPE), read_table(REF / "ASEM_iData.csv"), fw)


def run_naive(nominal: Build, result: UncertaintyResult, *, seed: int, runs: int | None) -> np.ndarray:
    """Return the scores of the first ``runs`` runs with one full regeneration per run (COINr's way)."""
    study = RecipeStudy.prepare(nominal, read_factors(FACTORS), rng=seed)  # same noisy weights
    assert result.codes is not None
    codes = result.codes if runs is None else result.codes[:runs]
    out = np.empty((len(codes), len(result.units)))
    for r, row in enumerate(codes):
        out[r] = study.regenerate(row).aggregated[nominal.framework.root].to_numpy()
    return out


def coinr_gate(gates: Gates, nominal: Build, *, planted: bool) -> float:
    """Check every aggregate of the nominal build against COINr's own output; return the max difference."""
    expected = pd.read_csv(REF / "asem_aggregated_coinr.csv")
    got = nominal.aggregated_coinr()
    same_layout = list(got.columns) == list(expected.columns)
    if not same_layout or list(got["uCode"]) != list(expected["uCode"]):
        gates.check("coinr_nominal", False, "countries or aggregates differ from asem_aggregated_coinr.csv")
        return float("inf")
    values = got.drop(columns="uCode").to_numpy(np.float64)
    if planted:
        values = plant(values, at=values.size - 1)  # the last country's Index
    ok, diff, bad = close(values, expected.drop(columns="uCode").to_numpy(np.float64),
                          rtol=0.0, atol=TOLERANCE)
    gates.check("coinr_nominal", ok, f"{values.size} aggregates of {len(got)} countries vs COINr 1.1.14's "
                f"asem_aggregated_coinr.csv: max |diff| {diff:.2e}, {bad} beyond {TOLERANCE:g}")
    return diff


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Return the median wall time of ``repeat`` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def print_tables(sa_big: UncertaintyResult, ua: UncertaintyResult, *, n_large: int) -> None:
    """Print the Sobol' indices of the large SA and the rank intervals."""
    pd.set_option("display.width", 120)
    print(f"\nSensitivity of COINr's target (mean absolute rank change), N = {n_large:,}:")
    print(sa_big.sobol_frame().round(3).to_string(index=False))
    frame = sa_big.sobol_units_frame()
    print(f"\nMedian over the 51 countries of the per-rank indices, N = {n_large:,}:")
    print(frame.groupby("factor", sort=False)[["first", "total"]].median().round(3).to_string())
    stats = sa_big.rank_intervals.sort_values("nominal")
    print("\nRank intervals (runs of A and B), top 6 and IND:")
    print(pd.concat([stats.head(6), stats.loc[["IND"]]]).round(1).to_string())
    print(f"\nUA N=100 widest rank interval: {ua.rank_intervals['width'].max():.0f} places")


def main() -> int:
    """Run the benchmark, print the RESULT line; return 1 if a result differs from its peer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the N=100 timings (median)")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples for the intervals")
    parser.add_argument("--n-large", type=int, default=10_000, help="base sample of the large SA (one run)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-naive", action="store_true", help="skip the naive one-rebuild-per-run loop")
    parser.add_argument("--naive-runs", type=int, default=None,
                        help="check only the first K runs against the naive loop (default: all 600)")
    add_plant_option(parser)
    args = parser.parse_args()
    if not REF.is_dir():
        msg = f"COINr reference data not found at {REF}"
        raise SystemExit(msg)

    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}, load average {os.getloadavg()[0]:.2f}")
    t0 = time.perf_counter()
    nominal = load_nominal()
    factors = read_factors(FACTORS)
    print(f"nominal build: {time.perf_counter() - t0:.3f} s (not in the timings, "
          "as COINr's coin exists before get_sensitivity)")

    def analysis(n: int, method: str) -> UncertaintyResult:
        return uncertainty_analysis(nominal, factors=factors, n=n, method=method,  # type: ignore[arg-type]
                                    rng=args.seed, n_boot=args.n_boot)

    ua_s, ua = timed(lambda: analysis(100, "ua"), args.repeat)
    sa_s, sa = timed(lambda: analysis(100, "sa"), args.repeat)
    sa_big_s, sa_big = timed(lambda: analysis(args.n_large, "sa"), 1)
    ref_ua, ref_sa = COINR_REFERENCE_RUN_S["ua_n100"], COINR_REFERENCE_RUN_S["sa_n100"]

    print(f"\nUA N=100 (100 runs): {ua_s:.3f} s  [COINr reference run {ref_ua} s, ×{ref_ua / ua_s:.0f}]")
    print(f"SA N=100 (600 runs, {args.n_boot} bootstrap): {sa_s:.3f} s  "
          f"[COINr reference run {ref_sa} s, ×{ref_sa / sa_s:.0f}]")
    print(f"  [{COINR_REFERENCE_NOTE}]")
    print(f"SA N={args.n_large:,} ({args.n_large * 6:,} runs, {args.n_boot} bootstrap, 51 unit ranks + "
          f"COINr target): {sa_big_s:.2f} s")

    gates = Gates()
    coinr_diff = coinr_gate(gates, nominal, planted=args.plant_mismatch)
    scores = plant(sa.scores) if args.plant_mismatch else sa.scores
    naive_s = None
    if not args.skip_naive:
        t0 = time.perf_counter()
        naive = run_naive(nominal, sa, seed=args.seed, runs=args.naive_runs)
        naive_s = time.perf_counter() - t0
        ok, diff, bad = close(scores[: len(naive)], naive, rtol=0.0, atol=TOLERANCE)
        per_run = naive_s / len(naive)
        gates.check("naive_regeneration", ok, f"{len(naive)} runs of SA N=100, batched vs one full "
                    f"Build.regenerate per run: max |diff| {diff:.2e}, {bad} scores beyond {TOLERANCE:g}")
        print(f"naive SA N=100, one full regeneration per run: {naive_s:.2f} s for {len(naive)} runs "
              f"({per_run * 1e3:.0f} ms a run; all 600 ≈ {per_run * 600:.1f} s, "
              f"batched ×{per_run * 600 / sa_s:.0f} faster)")

    print_tables(sa_big, ua, n_large=args.n_large)

    if naive_s is not None:
        print(f"PEER naive_runs={len(naive)} naive_s={naive_s:.2f} "
              f"naive_ms_per_run={naive_s / len(naive) * 1e3:.0f}")
    print(f"RESULT sa_n100_s={sa_s:.4f} ua_n100_s={ua_s:.4f} sa_nlarge_s={sa_big_s:.3f} "
          f"n_large={args.n_large} coinr_max_abs_diff={coinr_diff:.2e} "
          f"ratio_sa_vs_coinr_reference_run={ref_sa / sa_s:.0f}")
    return gates.exit_code()


if __name__ == "__main__":
    sys.exit(main())
