"""Benchmark: uncertainty and sensitivity analysis of the ASEM index against COINr 1.1.14.

The design is COINr's sensitivity vignette on its example index (ASEM Sustainable
Connectivity, 51 countries, 49 indicators), with four uncertain assumptions:

* winsorisation limit ``winmax`` 1–5 (COINr ``Treat``, log fallback when it fails);
* normalisation: min–max onto 1–100, or z-score with mean 10 and sd 2;
* weights: one of 100 noisy weight sets, ±25 % at levels 2 and 3 (``get_noisy_weights``);
* aggregation: weighted arithmetic or geometric mean at every level.

The target is the rank of every country on the Index. COINr's own target is one number per
run, the mean absolute rank change against the nominal ranks; both are estimated.

How: treatment and normalisation depend only on (winmax, normaliser), 10 combinations. Those
10 normalised tables are computed once with the pipeline (``Build.regenerate``), then every run
is evaluated by :func:`tongcheng.composite.sensitivity.evaluate_batch`: a gather of the chosen
table plus batched weighted means with the run's weights and mean. For comparison the script
also runs the same N = 100 analysis naively, one full ``Build.regenerate`` per run, and checks
that both give the same scores.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tongcheng.composite import steps as st
from tongcheng.composite.framework import Framework
from tongcheng.composite.normalise import get_normaliser
from tongcheng.composite.pipeline import Build, Recipe, build, read_table
from tongcheng.composite.sensitivity import (
    AggregationLevel,
    Factor,
    aggregation_tree,
    evaluate_batch,
    mean_rank_shift,
    noisy_weight_sets,
    rank_scores,
    saltelli_design,
    sobol_indices,
    uncertainty_summary,
)

REPO = Path(__file__).resolve().parents[1]
REF = REPO / ".." / "shared" / "data" / "reference" / "coinr_asem"
RECIPE = REPO / "examples" / "asem" / "recipe.yaml"

COINR_SA_N100_S = 53.5  # COINr 1.1.14, R 4.2.2, 2 cores: get_sensitivity(SA_type = "SA"), N = 100
COINR_UA_N100_S = 8.8  # the same, SA_type = "UA"

WINMAX = (1, 2, 3, 4, 5)
NORMALISERS = {"minmax": {"method": "minmax", "params": {"l_u": [1, 100]}},
               "zscore": {"method": "zscore", "params": {"m_sd": [10, 2]}}}
MEANS = ("arithmetic", "geometric")
PIPELINE_MEAN = {"arithmetic": "amean", "geometric": "gmean"}
N_WEIGHT_SETS = 100
NOISE = 0.25
NOISY_LEVELS = (2, 3)  # COINr levels: 1 indicators, 2 pillars, 3 sub-indices, 4 index

FACTORS = (Factor.integer("Winmax", 1, 5),
           Factor.discrete("Normalisation", list(NORMALISERS)),
           Factor.noisy_weights("Weights", n_sets=N_WEIGHT_SETS),
           Factor.discrete("Aggregation", list(MEANS)))


@dataclass
class Study:
    """The nominal build and everything that does not depend on the design."""

    nominal: Build
    tree: list[AggregationLevel]
    weight_sets: list[np.ndarray]  # per tree level: (N_WEIGHT_SETS, n_children) or (n_children,)
    nominal_ranks: np.ndarray
    units: pd.Index


def load_study(*, seed: int) -> Study:
    """Build the nominal ASEM index and draw the noisy weight sets (COINr: before the analysis)."""
    fw = Framework.from_coinr_imeta(REF / "ASEM_iMeta.csv")
    nominal = build(Recipe.read(RECIPE), read_table(REF / "ASEM_iData.csv"), fw)
    parent = {c: n.parent for c, n in fw.nodes.items() if n.parent is not None}
    tree = aggregation_tree(fw.indicators, parent, weight=fw.weights().to_dict())
    # one noisy set = all weights of levels 2 and 3 perturbed together, as get_noisy_weights
    sizes = [lvl.n_children for lvl in tree]
    nominal_w = np.concatenate([lvl.weights for lvl in tree])
    noise = np.concatenate([np.full(s, NOISE if j + 1 in NOISY_LEVELS else 0.0)
                            for j, s in enumerate(sizes)])
    sets = noisy_weight_sets(nominal_w, noise=noise, n_sets=N_WEIGHT_SETS, rng=seed)
    weight_sets = np.split(sets, np.cumsum(sizes)[:-1], axis=1)
    index = nominal.aggregated[fw.root].to_numpy()
    return Study(nominal, tree, weight_sets, rank_scores(index), nominal.aggregated.index)


def normalised_tables(study: Study) -> np.ndarray:
    """Return the 10 normalised tables, one per (winmax, normaliser): (10, n_units, n_indicators).

    Uses the pipeline's own steps (``steps.treat`` with the recipe's parameters and the
    normalisers of ``tongcheng.composite.normalise``). Only the indicators that fail the
    skew/kurtosis check are treated differently under another winmax, so those few columns are
    re-treated for each limit; the others are shared.
    """
    fw = study.nominal.framework
    screened = study.nominal.stages["screened"][fw.indicators]
    params = dict(study.nominal.recipe.step("treat").params)
    base, log = st.treat(screened, **{**params, "winmax": max(WINMAX)})
    touched = [c for c in fw.indicators if log.loc[c, "winsorised"] or log.loc[c, "log_transformed"]]
    pos = [fw.indicators.index(c) for c in touched]
    directions = fw.directions().reindex(fw.indicators).to_numpy(dtype=int)
    tables = []
    for w in WINMAX:
        x = base.to_numpy(dtype=float).copy()
        if w != max(WINMAX) and touched:
            x[:, pos] = st.treat(screened[touched], **{**params, "winmax": w})[0].to_numpy(dtype=float)
        for spec in NORMALISERS.values():
            func = get_normaliser(spec["method"])
            tables.append(np.column_stack([func(x[:, j], direction=directions[j], **spec["params"])
                                           for j in range(x.shape[1])]))
    return np.stack(tables)


def run_batched(study: Study, codes: np.ndarray) -> np.ndarray:
    """Index scores of every run (rows of level codes), shape (n_runs, n_units)."""
    data = normalised_tables(study)
    data_index = codes[:, 0] * len(NORMALISERS) + codes[:, 1]
    weights = [None if j + 1 not in NOISY_LEVELS else study.weight_sets[j][codes[:, 2]]
               for j in range(len(study.tree))]
    return evaluate_batch(data, study.tree, data_index=data_index, weights=weights,
                          aggregator=codes[:, 3], means=MEANS)


def run_naive(study: Study, codes: np.ndarray) -> np.ndarray:
    """Return the same scores with one full regeneration of the index per run (COINr's way)."""
    fw = study.nominal.framework
    parents = [list(lvl.names) for lvl in study.tree]
    children = [fw.indicators, *parents[:-1]]
    out = np.empty((len(codes), len(study.units)))
    for r, (w, nrm, ws, agg) in enumerate(codes):
        weights = {}
        for j in range(len(study.tree)):
            if j + 1 in NOISY_LEVELS:
                weights.update(zip(children[j], study.weight_sets[j][ws], strict=True))
        b = study.nominal.regenerate(
            from_step="treat", treat={"winmax": WINMAX[w]},
            normalise=NORMALISERS[list(NORMALISERS)[nrm]],
            aggregate={"method": PIPELINE_MEAN[MEANS[agg]], "weights": weights})
        out[r] = b.aggregated[fw.root].to_numpy()
    return out


def sensitivity_analysis(study: Study, n: int, *, seed: int, n_boot: int) -> dict[str, object]:
    """Full variance-based analysis: design, N(k+2) runs, ranks, indices with intervals, rank stats."""
    design = saltelli_design(FACTORS, n, rng=seed)
    codes = design.codes()
    scores = run_batched(study, codes)
    ranks = rank_scores(scores)
    names = [f.name for f in FACTORS]
    ok = np.isfinite(scores).all(axis=1)
    if not ok.all():  # a failed run (geometric mean of a non-positive value) would break the estimators
        msg = f"{(~ok).sum()} runs failed"
        raise RuntimeError(msg)
    shift = mean_rank_shift(ranks, study.nominal_ranks)
    coinr_target = sobol_indices(*design.split(shift), n_boot=n_boot, factor_names=names, rng=seed)
    per_unit = sobol_indices(*design.split(ranks), n_boot=n_boot, factor_names=names, rng=seed)
    rank_stats = uncertainty_summary(ranks[:2 * n], nominal=study.nominal_ranks, units=study.units)
    return {"coinr_target": coinr_target, "per_unit": per_unit, "rank_stats": rank_stats,
            "scores": scores, "codes": codes}


def uncertainty_analysis(study: Study, n: int, *, seed: int) -> pd.DataFrame:
    """Uncertainty analysis: N plain random runs and rank intervals (COINr's SA_type = "UA")."""
    u = np.random.default_rng(seed).random((n, len(FACTORS)))
    codes = np.column_stack([f.codes(u[:, j]) for j, f in enumerate(FACTORS)])
    ranks = rank_scores(run_batched(study, codes))
    return uncertainty_summary(ranks, nominal=study.nominal_ranks, units=study.units)


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
    study = load_study(seed=args.seed)
    print(f"nominal build + weight sets: {time.perf_counter() - t0:.3f} s (not in the timings, "
          "as COINr's coin exists before get_sensitivity)")

    ua_s, ua = timed(lambda: uncertainty_analysis(study, 100, seed=args.seed), args.repeat)
    sa_s, sa = timed(lambda: sensitivity_analysis(study, 100, seed=args.seed, n_boot=args.n_boot),
                     args.repeat)
    sa_big_s, sa_big = timed(
        lambda: sensitivity_analysis(study, 10_000, seed=args.seed, n_boot=args.n_boot), 1)

    print(f"\nUA N=100 (100 runs): {ua_s:.3f} s  (COINr {COINR_UA_N100_S} s, ×{COINR_UA_N100_S / ua_s:.0f})")
    print(f"SA N=100 (600 runs, {args.n_boot} bootstrap): {sa_s:.3f} s  "
          f"(COINr {COINR_SA_N100_S} s, ×{COINR_SA_N100_S / sa_s:.0f})")
    print(f"SA N=10,000 (60,000 runs, {args.n_boot} bootstrap, 51 unit ranks + COINr target): "
          f"{sa_big_s:.2f} s")

    naive_s = None
    if not args.skip_naive:
        t0 = time.perf_counter()
        naive = run_naive(study, sa["codes"])
        naive_s = time.perf_counter() - t0
        diff = float(np.max(np.abs(naive - sa["scores"])))
        print(f"naive SA N=100, one full regeneration per run: {naive_s:.2f} s "
              f"(batched ×{naive_s / sa_s:.0f} faster); max |batched - naive| = {diff:.2e}")
        if diff > 1e-9:
            msg = "batched and naive scores differ by more than 1e-9"
            raise SystemExit(msg)

    pd.set_option("display.width", 120)
    print("\nSensitivity of COINr's target (mean absolute rank change), N = 10,000:")
    print(sa_big["coinr_target"].to_frame().round(3).to_string(index=False))
    per_unit = sa_big["per_unit"]
    frame = per_unit.to_frame(output_names=list(study.units))
    print("\nMedian over the 51 countries of the per-rank indices, N = 10,000:")
    print(frame.groupby("factor", sort=False)[["first", "total"]].median().round(3).to_string())
    stats = sa_big["rank_stats"].sort_values("nominal")
    print("\nRank intervals (runs of A and B), top 6 and IND:")
    print(pd.concat([stats.head(6), stats.loc[["IND"]]]).round(1).to_string())
    print(f"\nUA N=100 widest rank interval: {ua['width'].max():.0f} places")

    if naive_s is not None:
        print(f"PEER naive_sa_n100_s={naive_s:.2f} ratio_sa_vs_naive={naive_s / sa_s:.0f}")
    print(f"RESULT sa_n100_s={sa_s:.4f} ua_n100_s={ua_s:.4f} sa_n10000_s={sa_big_s:.3f} "
          f"ratio_sa_vs_coinr={COINR_SA_N100_S / sa_s:.0f}")


if __name__ == "__main__":
    main()
