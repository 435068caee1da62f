r"""Uncertainty and sensitivity analysis of any recipe, from a serialisable factor spec.

:func:`uncertainty_analysis` takes a nominal :class:`~tongcheng.composite.pipeline.Build` and a
spec of uncertain assumptions (YAML/JSON-ready), runs every variant of the index and returns
rank and score intervals per unit and, for ``method="sa"``, Sobol' first-order and total indices
with bootstrap intervals. It is a thin layer over :mod:`tongcheng.composite.sensitivity`.

Factor spec
-----------
A mapping of shorthand keys (factor name = key), or a list of full entries::

    winmax: [1, 5]                                   # treat.winmax, integers 1..5
    normalise:                                       # choices of normalise step parameters
      - {method: minmax, params: {l_u: [1, 100]}}
      - {method: zscore, params: {m_sd: [10, 2]}}
    weights_noise: {levels: [2, 3], noise: 0.25}     # one of n_sets (100) noisy weight sets
    aggregate: [amean, gmean]                        # choices of aggregate step parameters

Keys ``denominate``, ``impute``, ``treat``, ``normalise`` and ``aggregate`` list choices of
that step's parameters (a string is ``{method: …}``); ``weights`` lists weight overrides
(``{code: weight}``). Full entries: ``{name, step, param, range: [lo, hi]}``,
``{name, step, param, values: […]}``, ``{name, step, choices: […]}``,
``{name, weights_noise: {levels, noise, n_sets}}``, ``{name, weights: […]}``.
All factors are discrete; each level is equally likely.

How it runs fast
----------------
Steps up to ``normalise`` depend only on the discrete choices of the data factors, so the
normalised table of each distinct combination is computed once with the pipeline's own step
functions (intermediate stages shared by prefix; only the columns that needed treatment are
re-treated for another ``winmax``). Every run is then one gather and batched weighted means
(:func:`~tongcheng.composite.sensitivity.evaluate_batch`) — or, for means other than the
arithmetic and geometric, :func:`~tongcheng.composite.aggregate.aggregate_batch`.
:meth:`RecipeStudy.regenerate` rebuilds any run with :meth:`Build.regenerate` for checking.

References
----------
Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity analysis
techniques as tools for the quality assessment of composite indicators. *JRSS A* 168(2),
307–323.

Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. *Computer
Physics Communications* 181(2), 259–270.

Becker, W. et al. (2022). COINr: an R package for developing composite indicators. *JOSS*
7(78), 4567 (``get_sensitivity``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._errors import DataError
from . import steps as st
from .aggregate import aggregate_batch
from .factors import DATA_STEPS, STEP_KEYS, RecipeFactor, parse_factors, read_factors
from .normalise import get_normaliser
from .pipeline import STAGES, STEP_FUNCTIONS, Build
from .sensitivity import (
    Factor,
    SaltelliDesign,
    SobolIndices,
    aggregation_tree,
    evaluate_batch,
    mean_rank_shift,
    noisy_weight_sets,
    rank_scores,
    saltelli_design,
    sobol_indices,
    uncertainty_summary,
)

__all__ = ["RecipeFactor", "RecipeStudy", "UncertaintyResult", "parse_factors", "read_factors",
           "uncertainty_analysis"]

Seed = np.random.Generator | int | None
_MEANS = ("arithmetic", "geometric")
_FAST_MEANS = {"amean": "arithmetic", "a_amean": "arithmetic", "gmean": "geometric", "a_gmean": "geometric"}


@dataclass
class RecipeStudy:
    """A nominal build, its uncertain factors and the pre-drawn noisy weights: the model to run.

    Build with :meth:`prepare`; :meth:`evaluate` computes the target scores of many runs at
    once and :meth:`regenerate` rebuilds one run in full.
    """

    build: Build
    factors: tuple[RecipeFactor, ...]
    target: str
    multipliers: dict[str, NDArray[np.float64]] = field(default_factory=dict)

    @classmethod
    def prepare(cls, build: Build, factors: Any, *, rng: Seed = None,
                target: str | None = None) -> RecipeStudy:
        """Parse ``factors`` and draw the noisy weight multipliers (COINr: before the runs)."""
        specs = factors if isinstance(factors, tuple) and all(isinstance(f, RecipeFactor) for f in factors) \
            else parse_factors(factors)
        fw = build.framework
        target = target or fw.root
        if target not in build.aggregated.columns or target in fw.indicators:
            msg = f"target {target!r} must be an aggregate of the build (e.g. the root {fw.root!r})"
            raise DataError(msg)
        if build.recipe.step("aggregate") is None or not build.can_regenerate:
            msg = "uncertainty analysis needs a single-period build whose recipe aggregates"
            raise DataError(msg)
        unknown = sorted({c for f in specs if f.kind == "weights" for o in f.options for c in o
                          if c not in fw.nodes})
        if unknown:
            msg = f"weights factors name codes not in the framework: {unknown}"
            raise DataError(msg)
        gen = np.random.default_rng(rng)
        order = fw.coinr_order()
        mult = {}
        for f in specs:
            if f.kind == "weights_noise":
                eps = np.array([f.noise if fw.nodes[c].level in f.levels else 0.0 for c in order])
                mult[f.name] = noisy_weight_sets(np.ones(len(order)), noise=eps, n_sets=f.n_sets, rng=gen)
        return cls(build, specs, target, mult)

    # -- per-run parameters -----------------------------------------------------------------
    @property
    def design_factors(self) -> tuple[Factor, ...]:
        """The factors driving the design."""
        return tuple(f.factor for f in self.factors)

    def _nominal_weights(self) -> NDArray[np.float64]:
        fw = self.build.framework
        w = fw.weights()
        given = (self.build.recipe.step("aggregate").params or {}).get("weights")  # type: ignore[union-attr]
        if given:
            w.update(pd.Series(given, dtype=float))
        out: NDArray[np.float64] = w.reindex(fw.coinr_order()).to_numpy(dtype=float)
        return out

    def run_weights(self, codes: NDArray[np.intp]) -> NDArray[np.float64]:
        """Weight of every node (``coinr_order``) in every run, shape ``(n_runs, n_nodes)``."""
        order = self.build.framework.coinr_order()
        w = np.broadcast_to(self._nominal_weights(), (len(codes), len(order))).copy()
        for j, f in enumerate(self.factors):
            if f.kind == "weights":
                for lvl, opt in enumerate(f.options):
                    rows = codes[:, j] == lvl
                    for code, value in opt.items():
                        w[rows, order.index(code)] = float(value)
        for j, f in enumerate(self.factors):
            if f.kind == "weights_noise":
                w *= self.multipliers[f.name][codes[:, j]]
        return w

    def step_params(self, step: str, codes: Sequence[int] | NDArray[np.intp]) -> dict[str, Any] | None:
        """Parameters of ``step`` in a run (``None`` when the step is not run).

        A level's update is merged into the nominal parameters; a normalise or aggregate choice
        naming a ``method`` without ``params`` drops the nominal ``params``.
        """
        nominal = self.build.recipe.step(step)
        params = None if nominal is None else copy.deepcopy(nominal.params)
        for j, f in enumerate(self.factors):
            if f.kind == "step" and f.step == step:
                opt = copy.deepcopy(f.options[int(codes[j])])
                if step in ("normalise", "aggregate") and "method" in opt and "params" not in opt:
                    opt["params"] = None  # another method: the nominal method's parameters do not apply
                params = {**(params or {}), **opt}
        return params

    # -- full rebuild -----------------------------------------------------------------------
    def regenerate(self, codes: Sequence[int]) -> Build:
        """Rebuild one run (one row of level codes) with :meth:`Build.regenerate` — the slow way."""
        row = np.asarray(codes, dtype=np.intp)
        changes = {}
        for s in STEP_KEYS:
            p = self.step_params(s, row)
            if p is not None and any(f.kind == "step" and f.step == s for f in self.factors):
                changes[s] = p
        order = self.build.framework.coinr_order()
        w = self.run_weights(row[None])[0]
        agg = dict(changes.get("aggregate", self.step_params("aggregate", row) or {}))
        root = self.build.framework.root
        agg["weights"] = {c: float(v) for c, v in zip(order, w, strict=True) if c != root}
        changes["aggregate"] = agg
        first = next(s for s in STAGES if s in changes)
        return self.build.regenerate(from_step=first, **changes)

    # -- fast path --------------------------------------------------------------------------
    def _data_tables(self, codes: NDArray[np.intp]) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """Normalised table of each distinct data choice, and which one each run uses."""
        fw = self.build.framework
        cols = [j for j, f in enumerate(self.factors) if f.kind == "step" and f.step in DATA_STEPS]
        if not cols:
            stages = list(self.build.stages)
            table = self.build.stages[stages[-2]][fw.indicators].to_numpy(dtype=float)
            return table[None], np.zeros(len(codes), dtype=np.intp)
        combos, inverse = np.unique(codes[:, cols], axis=0, return_inverse=True)
        full = np.zeros((len(combos), len(self.factors)), dtype=np.intp)
        full[:, cols] = combos
        cache: dict[tuple[Any, ...], pd.DataFrame] = {}
        units = self.build.aggregated.index
        tables = []
        for row in full:
            table = self._normalised(row, cache)
            if not table.index.equals(units):
                msg = ("a data choice changed the set of units (screening after imputation?); "
                       "rank intervals need the same units in every run")
                raise DataError(msg)
            tables.append(table.to_numpy(dtype=float))
        return np.stack(tables), inverse.ravel()

    def _normalised(self, row: NDArray[np.intp], cache: dict[tuple[Any, ...], pd.DataFrame]) -> pd.DataFrame:
        b, fw = self.build, self.build.framework
        touched = [s for s in DATA_STEPS if any(f.kind == "step" and f.step == s for f in self.factors)]
        first = min(list(STAGES).index(s) for s in touched)
        prev = [name for name in list(STAGES)[:first] if name in [s.name for s in b.recipe.steps]]
        cur = b.stages[STAGES[prev[-1]]] if prev else b.stages["raw"]
        key: tuple[Any, ...] = ()
        for s in list(STAGES)[first:list(STAGES).index("normalise") + 1]:
            params = self.step_params(s, row)
            if params is None:
                continue
            key = (*key, s, json.dumps(params, sort_keys=True, default=str))
            if key not in cache:
                cache[key] = self._run_step(s, cur, params, cache, key)
            cur = cache[key]
        return cur[fw.indicators]

    def _run_step(self, s: str, cur: pd.DataFrame, params: dict[str, Any],
                  cache: dict[tuple[Any, ...], Any], key: tuple[Any, ...]) -> pd.DataFrame:
        b, fw = self.build, self.build.framework
        if s == "normalise" and not params.get("indiv") and isinstance(params.get("params") or {}, Mapping):
            func = get_normaliser(params.get("method", "minmax"))
            dirs = fw.directions().reindex(fw.indicators).fillna(1).to_numpy(dtype=int)
            x = cur[fw.indicators].to_numpy(dtype=float)
            extra = params.get("params") or {}
            out = np.column_stack([func(x[:, j], direction=int(dirs[j]), **extra) for j in range(x.shape[1])])
            return pd.DataFrame(out, index=cur.index, columns=fw.indicators)
        if s == "treat" and params.get("method", "winsorise") == "winsorise" and "winmax" in params:
            return self._treat_winmax(cur, params, cache, key)
        return STEP_FUNCTIONS[s](cur, b.data, fw, dict(params))[0]

    def _treat_winmax(self, cur: pd.DataFrame, params: dict[str, Any],
                      cache: dict[tuple[Any, ...], Any], key: tuple[Any, ...]) -> pd.DataFrame:
        """Treat; columns needing no treatment at the largest winmax are shared by all limits."""
        limits = [int(o["winmax"]) for f in self.factors if f.kind == "step" and f.step == "treat"
                  for o in f.options if "winmax" in o] or [int(params["winmax"])]
        ref_params = {**params, "winmax": max(limits)}
        ref_key = ("treat-ref", key[:-1], json.dumps(ref_params, sort_keys=True, default=str))
        if ref_key not in cache:
            out, logs = STEP_FUNCTIONS["treat"](cur, self.build.data, self.build.framework, dict(ref_params))
            log = logs["treatment"]
            needed = [c for c in log.index if log.loc[c, "winsorised"] or log.loc[c, "log_transformed"]]
            cache[ref_key] = (out, needed)
        ref, needed = cache[ref_key]
        if int(params["winmax"]) == max(limits) or not needed:
            return ref
        opts = {k: v for k, v in params.items() if k != "exclude"}
        if "percentiles" in opts:
            opts["percentiles"] = tuple(opts["percentiles"])
        treated = st.treat(cur[needed], **opts)[0]
        arr = ref.to_numpy(dtype=float, copy=True)
        arr[:, [ref.columns.get_loc(c) for c in needed]] = treated[needed].to_numpy(dtype=float)
        return pd.DataFrame(arr, index=ref.index, columns=ref.columns)

    def _aggregate_plan(self, codes: NDArray[np.intp]) -> tuple[list[dict[str, Any]], NDArray[np.intp]]:
        """Distinct aggregate-step parameters among the runs, and which one each run uses."""
        cols = [j for j, f in enumerate(self.factors) if f.kind == "step" and f.step == "aggregate"]
        if not cols or len(codes) == 0:
            return [self.step_params("aggregate", codes[0]) or {}], np.zeros(len(codes), dtype=np.intp)
        combos, inverse = np.unique(codes[:, cols], axis=0, return_inverse=True)
        full = np.zeros((len(combos), len(self.factors)), dtype=np.intp)
        full[:, cols] = combos
        return [self.step_params("aggregate", row) or {} for row in full], inverse.ravel().astype(np.intp)

    def evaluate(self, codes: NDArray[np.intp], *, chunk_size: int = 2048) -> NDArray[np.float64]:
        """Target scores of every run (rows of level codes), shape ``(n_runs, n_units)``.

        A run whose geometric mean meets a non-positive value is NaN (COINr: a failed run).
        """
        codes = np.asarray(codes, dtype=np.intp)
        fw = self.build.framework
        tables, data_index = self._data_tables(codes)
        weights = self.run_weights(codes)
        aggs, agg_index = self._aggregate_plan(codes)
        order = fw.coinr_order()
        fast = all(a.get("method", "amean") in _FAST_MEANS
                   and all(v is None for k, v in a.items() if k not in ("method", "weights")) for a in aggs)
        if fast:
            parent = {c: n.parent for c, n in fw.nodes.items() if n.parent is not None}
            nominal = dict(zip(order, self._nominal_weights(), strict=True))
            tree = aggregation_tree(fw.indicators, parent, weight=nominal)
            per_level = []
            for i, lvl in enumerate(tree):
                kids = [order.index(c) for c in (fw.indicators if i == 0 else tree[i - 1].names)]
                w = weights[:, kids]
                per_level.append(None if (w == lvl.weights).all() else w)
            agg_codes = np.array([_MEANS.index(_FAST_MEANS[a.get("method", "amean")]) for a in aggs])
            out = evaluate_batch(tables, tree, data_index=data_index, weights=per_level,
                                 aggregator=agg_codes[agg_index], means=_MEANS,
                                 keep_levels=self.target != fw.root)
            return np.asarray(out) if self.target == fw.root else _pick_level(out, tree, self.target)
        col = order.index(self.target)
        scores = np.empty((len(codes), tables.shape[1]))
        for a_idx, spec in enumerate(aggs):
            runs = np.flatnonzero(agg_index == a_idx)
            for lo in range(0, runs.size, chunk_size):
                sel = runs[lo:lo + chunk_size]
                with np.errstate(all="ignore"):
                    res = _aggregate_or_nan(tables[data_index[sel]], fw, weights[sel], spec)
                scores[sel] = res[..., col]
        return scores


def _pick_level(out: Any, tree: Sequence[Any], target: str) -> NDArray[np.float64]:
    for j, lvl in enumerate(tree):
        if target in lvl.names:
            return np.asarray(out[j][..., lvl.names.index(target)])
    msg = f"target {target!r} is not an aggregate of the tree"
    raise DataError(msg)


def _aggregate_or_nan(values: NDArray[np.float64], fw: Any, weights: NDArray[np.float64],
                      spec: Mapping[str, Any]) -> NDArray[np.float64]:
    try:
        return aggregate_batch(values, fw, weights=weights, method=spec.get("method", "amean"),
                               params=spec.get("params"), dat_thresh=spec.get("dat_thresh"))
    except DataError:  # e.g. a geometric/harmonic mean of non-positive values: runs fail
        out = np.empty((*values.shape[:-1], len(fw.coinr_order())))
        for r in range(values.shape[0]):
            try:
                out[r] = aggregate_batch(values[r], fw, weights=weights[r],
                                         method=spec.get("method", "amean"), params=spec.get("params"),
                                         dat_thresh=spec.get("dat_thresh"))
            except DataError:
                out[r] = np.nan
        return out


# -- the analysis -----------------------------------------------------------------------------------

@dataclass
class UncertaintyResult:
    """Outcome of :func:`uncertainty_analysis`: runs, rank and score intervals, Sobol' indices.

    Attributes
    ----------
    method
        ``"ua"`` or ``"sa"``.
    n
        Base sample size (runs for ``"ua"``; :math:`N(k+2)` runs for ``"sa"``).
    target
        The aggregate analysed (default the root).
    factor_names
        One name per factor.
    parameters
        The factor values of every run (one row per run, design order).
    scores, ranks
        Target scores and ranks (1 = best) of every run, shape ``(n_runs, n_units)``.
    nominal_scores, nominal_ranks
        Of the nominal build, indexed by unit.
    rank_intervals, score_intervals
        :func:`~tongcheng.composite.sensitivity.uncertainty_summary` per unit (for ``"sa"``
        over the runs of :math:`A` and :math:`B`, which are independent draws). Score
        intervals mix scales when the normaliser is a factor (min–max 1–100 vs z-scores);
        use rank intervals then.
    sobol
        Indices of the mean absolute rank shift against the nominal ranks (COINr's target).
    sobol_units
        Indices of each unit's rank (``per_unit=True``).
    n_failed
        Runs dropped as failed (``"ua"`` only; ``"sa"`` raises).
    design
        The Saltelli design (``"sa"``).
    """

    method: str
    n: int
    target: str
    factor_names: tuple[str, ...]
    parameters: pd.DataFrame
    scores: NDArray[np.float64]
    ranks: NDArray[np.float64]
    nominal_scores: pd.Series
    nominal_ranks: pd.Series
    rank_intervals: pd.DataFrame
    score_intervals: pd.DataFrame
    sobol: SobolIndices | None = None
    sobol_units: SobolIndices | None = None
    n_failed: int = 0
    design: SaltelliDesign | None = None
    codes: NDArray[np.intp] | None = None

    @property
    def units(self) -> pd.Index:
        """Unit keys, in column order of :attr:`scores`."""
        return self.nominal_scores.index

    def sobol_frame(self) -> pd.DataFrame:
        """Tidy Sobol' indices of the mean rank shift: ``factor, first, first_low, …, total_high``."""
        if self.sobol is None:
            msg = "Sobol' indices need method='sa'"
            raise DataError(msg)
        return self.sobol.to_frame()

    def sobol_units_frame(self) -> pd.DataFrame:
        """Tidy per-unit Sobol' indices of the rank: ``factor, unit, first, …``."""
        if self.sobol_units is None:
            msg = "per-unit Sobol' indices need method='sa' and per_unit=True"
            raise DataError(msg)
        return self.sobol_units.to_frame(output_names=list(self.units)).rename(columns={"output": "unit"})

    def top_factors(self, k: int | None = None) -> pd.DataFrame:
        """Factors by decreasing total index (``"sa"``), the first ``k``."""
        frame = self.sobol_frame().sort_values("total", ascending=False, kind="stable")
        return frame.head(k) if k is not None else frame

    def runs(self) -> pd.DataFrame:
        """One row per run: the factor values and the mean absolute rank shift."""
        shift = mean_rank_shift(self.ranks, self.nominal_ranks.to_numpy())
        return self.parameters.assign(mean_rank_shift=shift)

    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write the tables as CSV files and return their paths.

        ``rank_intervals.csv``, ``score_intervals.csv``, ``runs.csv`` and, for ``"sa"``,
        ``sobol.csv`` (and ``sobol_units.csv``).
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tables = {"rank_intervals": self.rank_intervals.reset_index(),
                  "score_intervals": self.score_intervals.reset_index(), "runs": self.runs()}
        if self.sobol is not None:
            tables["sobol"] = self.sobol_frame()
        if self.sobol_units is not None:
            tables["sobol_units"] = self.sobol_units_frame()
        written = []
        for name, df in tables.items():
            written.append(folder / f"{name}.csv")
            df.to_csv(written[-1], index=False)
        return written


def uncertainty_analysis(  # noqa: PLR0913  (options are keyword-only)
        build: Build, *, factors: Any, n: int, method: Literal["ua", "sa"] = "ua",
                         rng: Seed = None, n_boot: int = 1000, confidence: float = 0.95,
                         per_unit: bool = True, target: str | None = None) -> UncertaintyResult:
    r"""Run an uncertainty (``"ua"``) or variance-based sensitivity (``"sa"``) analysis of a build.

    Every run changes the nominal recipe by one level of each factor; the output is the rank of
    each unit on ``target``. ``"ua"`` draws ``n`` independent runs and reports rank and score
    intervals (COINr ``get_sensitivity(SA_type = "UA")``). ``"sa"`` runs the Saltelli (2010)
    design, :math:`N(k+2)` runs, and estimates for each factor :math:`i`

    .. math::

        S_i = \frac{V[E(Y \mid X_i)]}{V(Y)}, \qquad S_{T_i} = \frac{E[V(Y \mid X_{\sim i})]}{V(Y)}

    (Saltelli 2010 and Jansen 1999 estimators, percentile bootstrap intervals) for COINr's target
    :math:`Y = \frac1{n_u}\sum_u |R_u - R_u^0|`, the mean absolute rank shift against the
    nominal ranks, and, with ``per_unit``, for each unit's rank.

    Parameters
    ----------
    build
        The nominal build (single period, recipe with an aggregate step).
    factors
        Factor spec (mapping or list; see the module notes) or :class:`RecipeFactor` objects.
    n
        Number of runs (``"ua"``) or base sample size :math:`N` (``"sa"``).
    method
        ``"ua"`` or ``"sa"``.
    rng
        Seed or generator: draws the noisy weights, the design and the bootstrap; the same seed
        gives the same result.
    n_boot
        Bootstrap resamples for the Sobol' intervals (0: none).
    confidence
        Level of the Sobol' intervals.
    per_unit
        Also estimate indices for every unit's rank (``"sa"``).
    target
        Aggregate analysed (default the root).

    Returns
    -------
    UncertaintyResult

    Raises
    ------
    DataError
        On a bad spec, fewer than two factors for ``"sa"``, or failed runs in ``"sa"`` (a
        geometric mean of non-positive values: normalise onto a positive range).

    See Also
    --------
    tongcheng.composite.sensitivity.saltelli_design, tongcheng.composite.sensitivity.sobol_indices
    """
    if method not in ("ua", "sa"):
        msg = f"method must be 'ua' or 'sa', got {method!r}"
        raise DataError(msg)
    if n < 2:
        msg = f"n must be at least 2, got {n}"
        raise DataError(msg)
    gen = np.random.default_rng(rng)
    study = RecipeStudy.prepare(build, factors, rng=gen, target=target)
    dfs = study.design_factors
    names = tuple(f.name for f in dfs)
    design = None
    if method == "sa":
        design = saltelli_design(dfs, n, rng=gen)
        codes, u = design.codes(), design.matrix()
    else:
        u = gen.random((n, len(dfs)))
        codes = np.column_stack([f.codes(u[:, j]) for j, f in enumerate(dfs)])
    scores = study.evaluate(codes)
    ok = np.asarray(np.isfinite(scores).all(axis=1), dtype=bool)
    if method == "sa" and not ok.all():
        msg = (f"{int((~ok).sum())} of {len(ok)} runs failed (geometric mean of non-positive values?); "
               "normalise onto a positive range, e.g. minmax with l_u: [1, 100]")
        raise DataError(msg)
    params = pd.DataFrame({f.name: f.values(u[:, j]) for j, f in enumerate(dfs)})
    scores, codes, params = scores[ok], codes[ok], params[ok].reset_index(drop=True)
    if len(scores) == 0:
        msg = "every run failed; check the factor choices (geometric means need positive scores)"
        raise DataError(msg)
    ranks = rank_scores(scores)
    nominal = build.aggregated[study.target]
    nominal_ranks = pd.Series(rank_scores(nominal.to_numpy()), index=nominal.index, name="rank")
    base = slice(0, 2 * n) if method == "sa" else slice(None)
    units = nominal.index
    res = UncertaintyResult(
        method=method, n=n, target=study.target, factor_names=names, parameters=params,
        scores=scores, ranks=ranks, nominal_scores=nominal, nominal_ranks=nominal_ranks,
        rank_intervals=uncertainty_summary(ranks[base], nominal=nominal_ranks.to_numpy(), units=units),
        score_intervals=uncertainty_summary(scores[base], nominal=nominal.to_numpy(), units=units),
        n_failed=int((~ok).sum()), design=design, codes=codes)
    if design is not None:
        shift = mean_rank_shift(ranks, nominal_ranks.to_numpy())
        res.sobol = sobol_indices(*design.split(shift), n_boot=n_boot, confidence=confidence,
                                  factor_names=names, rng=gen)
        if per_unit:
            res.sobol_units = sobol_indices(*design.split(ranks), n_boot=n_boot, confidence=confidence,
                                            factor_names=names, rng=gen)
    return res
