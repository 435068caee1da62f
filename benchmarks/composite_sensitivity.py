"""Benchmark: uncertainty and sensitivity analysis of the ASEM index against COINr 1.1.14.

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
batched weighted means with the run's weights and mean. For comparison the script also runs
the same N = 100 analysis naively, one full ``Build.regenerate`` per run
(``RecipeStudy.regenerate``), and checks that both give the same scores.

Run from the repository root (the COINr reference data sit beside the repository, in
``../shared/data/reference/coinr_asem``)::

    python benchmarks/composite_sensitivity.py [--repeat 5] [--n-boot 1000] [--skip-naive]

The last line is ``RESULT sa_n100_s=… ua_n100_s=… sa_n10000_s=… ratio_sa_vs_coinr=…``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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

COINR_SA_N100_S = 53.5  # COINr 1.1.14, R 4.2.2, 2 cores: get_sensitivity(SA_type = "SA"), N = 100
COINR_UA_N100_S = 8.8  # the same, SA_type = "UA"


def load_nominal() -> Build:
    """Build the nominal ASEM index (COINr: the coin exists before get_sensitivity)."""
    fw = Framework.from_coinr_imeta(REF / "ASEM_iMeta.csv")
    return build(Recipe.read(RECIPE), read_table(REF / "ASEM_iData.csv"), fw)


def run_naive(nominal: Build, result: UncertaintyResult, *, seed: int) -> np.ndarray:
    """Return the scores of every run with one full regeneration of the index per run (COINr's way)."""
    study = RecipeStudy.prepare(nominal, read_factors(FACTORS), rng=seed)  # same noisy weights
    assert result.codes is not None
    out = np.empty((len(result.codes), len(result.units)))
    for r, row in enumerate(result.codes):
        out[r] = study.regenerate(row).aggregated[nominal.framework.root].to_numpy()
    return out


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Return the median wall time of ``repeat`` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    """Run the benchmark and print the RESULT line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the N=100 timings (median)")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples for the intervals")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-naive", action="store_true", help="skip the naive one-rebuild-per-run loop")
    args = parser.parse_args()
    if not REF.is_dir():
        msg = f"COINr reference data not found at {REF}"
        raise SystemExit(msg)

    print(f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}")
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
    sa_big_s, sa_big = timed(lambda: analysis(10_000, "sa"), 1)

    print(f"\nUA N=100 (100 runs): {ua_s:.3f} s  (COINr {COINR_UA_N100_S} s, ×{COINR_UA_N100_S / ua_s:.0f})")
    print(f"SA N=100 (600 runs, {args.n_boot} bootstrap): {sa_s:.3f} s  "
          f"(COINr {COINR_SA_N100_S} s, ×{COINR_SA_N100_S / sa_s:.0f})")
    print(f"SA N=10,000 (60,000 runs, {args.n_boot} bootstrap, 51 unit ranks + COINr target): "
          f"{sa_big_s:.2f} s")

    naive_s = None
    if not args.skip_naive:
        t0 = time.perf_counter()
        naive = run_naive(nominal, sa, seed=args.seed)
        naive_s = time.perf_counter() - t0
        diff = float(np.max(np.abs(naive - sa.scores)))
        print(f"naive SA N=100, one full regeneration per run: {naive_s:.2f} s "
              f"(batched ×{naive_s / sa_s:.0f} faster); max |batched - naive| = {diff:.2e}")
        if diff > 1e-9:
            msg = "batched and naive scores differ by more than 1e-9"
            raise SystemExit(msg)

    pd.set_option("display.width", 120)
    print("\nSensitivity of COINr's target (mean absolute rank change), N = 10,000:")
    print(sa_big.sobol_frame().round(3).to_string(index=False))
    frame = sa_big.sobol_units_frame()
    print("\nMedian over the 51 countries of the per-rank indices, N = 10,000:")
    print(frame.groupby("factor", sort=False)[["first", "total"]].median().round(3).to_string())
    stats = sa_big.rank_intervals.sort_values("nominal")
    print("\nRank intervals (runs of A and B), top 6 and IND:")
    print(pd.concat([stats.head(6), stats.loc[["IND"]]]).round(1).to_string())
    print(f"\nUA N=100 widest rank interval: {ua.rank_intervals['width'].max():.0f} places")

    if naive_s is not None:
        print(f"PEER naive_sa_n100_s={naive_s:.2f} ratio_sa_vs_naive={naive_s / sa_s:.0f}")
    print(f"RESULT sa_n100_s={sa_s:.4f} ua_n100_s={ua_s:.4f} sa_n10000_s={sa_big_s:.3f} "
          f"ratio_sa_vs_coinr={COINR_SA_N100_S / sa_s:.0f}")


if __name__ == "__main__":
    main()
