r"""Uncertainty and variance-based sensitivity analysis of a composite index.

The engine is generic: it knows nothing about the pipeline. A study has four parts.

1. **Uncertain inputs** are :class:`Factor` specs (discrete choices, integer ranges,
   continuous uniform ranges, noisy weight sets). Each factor is driven by one column of
   U(0,1) numbers and maps it to a parameter value, as COINr's ``sample_2_para`` does.
2. **Design**: :func:`saltelli_design` draws the matrices :math:`A`, :math:`B` and
   :math:`A_B^{(i)}` of Saltelli et al. (2010), :math:`N(k+2)` model runs in all.
3. **Model runs**: any function of the parameters; for weighted-mean indices
   :func:`evaluate_batch` computes thousands of variants at once from a few precomputed
   normalised data sets.
4. **Estimates**: :func:`sobol_indices` (first-order and total indices with bootstrap
   intervals, vectorised over many outputs such as every unit's rank),
   :func:`uncertainty_summary` (rank intervals per unit or per pair) and
   :func:`convergence` (estimates at growing :math:`N`).

References
----------
Ishigami, T. and Homma, T. (1990). An importance quantification technique in uncertainty
analysis for computer models. *Proc. ISUMA '90*, 398–403.

Jansen, M. J. W. (1999). Analysis of variance designs for model output. *Computer Physics
Communications* 117, 35–43.

Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S. (2010).
Variance based sensitivity analysis of model output. Design and estimator for the total
sensitivity index. *Computer Physics Communications* 181(2), 259–270.

Saisana, M., Saltelli, A. and Tarantola, S. (2005). Uncertainty and sensitivity analysis
techniques as tools for the quality assessment of composite indicators. *JRSS A* 168(2),
307–323.

Becker, W. et al. (2022). COINr: an R package for developing composite indicators. *JOSS*
7(78), 4567 (``get_sensitivity``, ``SA_sample``, ``SA_estimate``, ``get_noisy_weights``).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.stats import qmc, rankdata

from .._errors import DataError

__all__ = [
    "AggregationLevel",
    "Factor",
    "SaltelliDesign",
    "SobolIndices",
    "aggregation_tree",
    "convergence",
    "evaluate_batch",
    "mean_rank_shift",
    "noisy_weight_sets",
    "rank_scores",
    "saltelli_design",
    "sobol_indices",
    "uncertainty_summary",
]

FactorKind = Literal["discrete", "integer", "uniform", "noisy_weights"]
Seed = np.random.Generator | int | None
MEANS = ("arithmetic", "geometric")


# -- uncertain inputs ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Factor:
    r"""One uncertain input of the index, driven by a U(0,1) column of the design.

    Build factors with the class methods :meth:`discrete`, :meth:`integer`,
    :meth:`uniform` and :meth:`noisy_weights` rather than the constructor.

    Attributes
    ----------
    name
        Name of the factor (used in tables).
    kind
        ``"discrete"``, ``"integer"``, ``"uniform"`` or ``"noisy_weights"``.
    choices
        The alternatives of a discrete factor (any objects), in order.
    low, high
        Bounds: inclusive integer bounds for ``"integer"``, the interval of ``"uniform"``;
        for ``"noisy_weights"`` ``high`` is the number of pre-drawn weight sets.

    Notes
    -----
    A U(0,1) value :math:`u` maps to level :math:`\lfloor u L \rfloor` (clipped to
    :math:`L-1`) of a factor with :math:`L` equally likely levels, and to
    :math:`a + u (b - a)` for a uniform factor on :math:`[a, b]`. COINr's ``sample_2_para``
    cuts the *observed range* of the sample into :math:`L` bins instead of :math:`[0, 1]`;
    the two agree as :math:`N` grows, ours does not depend on the other sample points.

    A noisy-weights factor follows COINr's ``get_noisy_weights`` practice: a fixed number
    of noisy weight sets is drawn once (:func:`noisy_weight_sets`) and the factor picks one
    of them, so that the model stays a deterministic function of the design.

    Examples
    --------
    >>> f = Factor.integer("winmax", 1, 5)
    >>> f.values(np.array([0.0, 0.19, 0.2, 0.99, 1.0])).tolist()
    [1, 1, 2, 5, 5]
    >>> Factor.discrete("agg", ["arith", "geom"]).values(np.array([0.3, 0.7])).tolist()
    ['arith', 'geom']
    """

    name: str
    kind: FactorKind
    choices: tuple[Any, ...] = ()
    low: float = 0.0
    high: float = 1.0

    def __post_init__(self) -> None:
        problems = []
        if self.kind not in ("discrete", "integer", "uniform", "noisy_weights"):
            problems.append(f"kind must be discrete, integer, uniform or noisy_weights, got {self.kind!r}")
        if self.kind == "discrete" and len(self.choices) < 1:
            problems.append("a discrete factor needs at least one choice")
        if self.kind in ("integer", "uniform") and not self.high > self.low:
            problems.append(f"high ({self.high}) must exceed low ({self.low})")
        if self.kind == "integer" and (self.low != int(self.low) or self.high != int(self.high)):
            problems.append("integer bounds must be whole numbers")
        if self.kind == "noisy_weights" and (self.high < 1 or self.high != int(self.high)):
            problems.append("noisy_weights needs a whole number of weight sets >= 1")
        if problems:
            msg = f"factor {self.name!r}: " + "; ".join(problems)
            raise DataError(msg)

    @classmethod
    def discrete(cls, name: str, choices: Sequence[Any]) -> Factor:
        """Return a factor choosing uniformly among ``choices``."""
        return cls(name, "discrete", choices=tuple(choices))

    @classmethod
    def integer(cls, name: str, low: int, high: int) -> Factor:
        """Return a factor uniform over the integers ``low..high`` (both included)."""
        return cls(name, "integer", low=float(low), high=float(high))

    @classmethod
    def uniform(cls, name: str, low: float, high: float) -> Factor:
        """Return a factor uniform on the interval ``[low, high]``."""
        return cls(name, "uniform", low=float(low), high=float(high))

    @classmethod
    def noisy_weights(cls, name: str, *, n_sets: int = 100) -> Factor:
        """Return a factor picking one of ``n_sets`` pre-drawn noisy weight sets.

        Its value is the 0-based number of the set; draw the sets with
        :func:`noisy_weight_sets` (COINr draws 100).
        """
        return cls(name, "noisy_weights", low=0.0, high=float(n_sets))

    @property
    def n_levels(self) -> int | None:
        """Number of equally likely levels, or ``None`` for a continuous factor."""
        if self.kind == "discrete":
            return len(self.choices)
        if self.kind == "integer":
            return int(self.high - self.low) + 1
        if self.kind == "noisy_weights":
            return int(self.high)
        return None

    def codes(self, u: ArrayLike) -> NDArray[np.intp]:
        """Return the 0-based level chosen by each U(0,1) value (discrete kinds only)."""
        levels = self.n_levels
        if levels is None:
            msg = f"factor {self.name!r} is continuous and has no level codes; use values()"
            raise DataError(msg)
        x = np.asarray(u, dtype=float)
        return np.minimum(np.floor(x * levels), levels - 1).astype(np.intp)

    def values(self, u: ArrayLike) -> NDArray[Any]:
        """Return the parameter value chosen by each U(0,1) value."""
        x = np.asarray(u, dtype=float)
        if self.kind == "uniform":
            return self.low + x * (self.high - self.low)
        codes = self.codes(x)
        if self.kind == "discrete":
            choices = np.empty(len(self.choices), dtype=object)
            choices[:] = list(self.choices)
            out = choices[codes]
            return out.astype(np.result_type(*self.choices)) if _all_numeric(self.choices) else out
        if self.kind == "integer":
            return codes + int(self.low)
        return codes


def _all_numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, int | float | np.integer | np.floating) for v in values)


def noisy_weight_sets(weights: ArrayLike, *, noise: float | ArrayLike = 0.25, n_sets: int = 100,
                      rng: Seed = None) -> NDArray[np.float64]:
    r"""Draw replicates of a weight vector with uniform multiplicative noise (COINr's way).

    .. math:: \tilde w_j = w_j \left(1 + \varepsilon_j (2 U_j - 1)\right), \qquad
              U_j \sim \mathrm{U}(0, 1)

    so each weight moves by at most :math:`\pm \varepsilon_j` of its nominal value
    (COINr ``get_noisy_weights``, ``NoiseFactor``).

    Parameters
    ----------
    weights
        Nominal weights :math:`w`, shape ``(n,)``.
    noise
        Relative half-width :math:`\varepsilon`: one number, or one per weight (0 keeps a
        weight fixed, e.g. for levels that are not perturbed).
    n_sets
        Number of replicates.
    rng
        Random generator or seed.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_sets, n)``.

    Examples
    --------
    >>> w = noisy_weight_sets([1.0, 1.0, 2.0], noise=[0.25, 0.25, 0.0], n_sets=4, rng=1)
    >>> bool(((w[:, :2] >= 0.75) & (w[:, :2] <= 1.25)).all()), w[:, 2].tolist()
    (True, [2.0, 2.0, 2.0, 2.0])
    """
    w = np.asarray(weights, dtype=float)
    eps = np.broadcast_to(np.asarray(noise, dtype=float), w.shape)
    if w.ndim != 1 or n_sets < 1 or (eps < 0).any():
        msg = "weights must be 1-D, n_sets >= 1 and noise >= 0"
        raise DataError(msg)
    gen = np.random.default_rng(rng)
    u = gen.random((n_sets, w.size))
    return w * (1.0 + eps * (2.0 * u - 1.0))


# -- design ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SaltelliDesign:
    r"""The sample matrices of a Saltelli (2010) design on the unit hypercube.

    Attributes
    ----------
    a, b
        Base matrices :math:`A` and :math:`B`, shape ``(n, k)``.
    factors
        The factors the columns stand for (``None`` when built from ``k`` alone).

    Notes
    -----
    :math:`A_B^{(i)}` is :math:`A` with column :math:`i` taken from :math:`B`. The stacked
    run order of :meth:`matrix` is COINr's (``SA_sample``): :math:`A`, :math:`B`,
    :math:`A_B^{(1)}`, …, :math:`A_B^{(k)}`.
    """

    a: NDArray[np.float64]
    b: NDArray[np.float64]
    factors: tuple[Factor, ...] | None = None

    @property
    def n(self) -> int:
        """Base sample size :math:`N`."""
        return int(self.a.shape[0])

    @property
    def k(self) -> int:
        """Number of factors :math:`k`."""
        return int(self.a.shape[1])

    @property
    def ab(self) -> NDArray[np.float64]:
        """The :math:`A_B^{(i)}` matrices, shape ``(k, n, k)``."""
        out = np.repeat(self.a[None], self.k, axis=0)
        idx = np.arange(self.k)
        out[idx, :, idx] = self.b.T
        return out

    def matrix(self) -> NDArray[np.float64]:
        """Return all runs stacked, shape ``(n * (k + 2), k)``, order A, B, A_B^(1..k)."""
        return np.concatenate([self.a, self.b, self.ab.reshape(-1, self.k)])

    def codes(self) -> NDArray[np.intp]:
        """Return the level codes of every run (discrete factors), shape ``(n (k+2), k)``."""
        factors = self._need_factors()
        x = self.matrix()
        return np.column_stack([f.codes(x[:, j]) for j, f in enumerate(factors)])

    def parameters(self) -> pd.DataFrame:
        """Return the parameter values of every run, one column per factor."""
        factors = self._need_factors()
        x = self.matrix()
        return pd.DataFrame({f.name: f.values(x[:, j]) for j, f in enumerate(factors)})

    def split(self, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Split outputs in :meth:`matrix` order into ``(y_a, y_b, y_ab)``.

        ``y`` has shape ``(n (k+2),)`` or ``(n (k+2), m)``; ``y_ab`` gets shape
        ``(k, n)`` or ``(k, n, m)``.
        """
        arr = np.asarray(y, dtype=float)
        n, k = self.n, self.k
        if arr.shape[0] != n * (k + 2):
            msg = f"expected {n * (k + 2)} outputs (N(k+2) with N={n}, k={k}), got {arr.shape[0]}"
            raise DataError(msg)
        return arr[:n], arr[n:2 * n], arr[2 * n:].reshape((k, n, *arr.shape[1:]))

    def _need_factors(self) -> tuple[Factor, ...]:
        if self.factors is None:
            msg = "this design was built from a number of factors; pass Factor specs to saltelli_design"
            raise DataError(msg)
        return self.factors


def saltelli_design(factors: Sequence[Factor] | int, n: int, *,
                    method: Literal["sobol", "random"] = "sobol", rng: Seed = None) -> SaltelliDesign:
    r"""Draw the :math:`A`, :math:`B` and :math:`A_B^{(i)}` matrices of Saltelli et al. (2010).

    A :math:`2k`-dimensional sample of size :math:`N` is drawn on :math:`[0, 1)^{2k}`; its
    first :math:`k` columns form :math:`A` and the last :math:`k` form :math:`B`. The model is
    then run on :math:`N(k+2)` points: :math:`A`, :math:`B` and every :math:`A_B^{(i)}`.

    Parameters
    ----------
    factors
        The uncertain inputs, or just their number :math:`k \ge 2`.
    n
        Base sample size :math:`N`.
    method
        ``"sobol"``: Sobol' low-discrepancy points (``scipy.stats.qmc.Sobol``), Owen-scrambled
        with ``rng`` (the first :math:`N` points; :math:`N` need not be a power of two);
        ``"random"``: plain pseudo-random points, as COINr's ``SA_sample``.
    rng
        Random generator or seed (scrambling or sampling); the same seed gives the same design.

    Returns
    -------
    SaltelliDesign

    Examples
    --------
    >>> d = saltelli_design(3, 8, rng=0)
    >>> d.matrix().shape, bool((d.ab[1][:, 1] == d.b[:, 1]).all())
    ((40, 3), True)
    """
    if isinstance(factors, int | np.integer):
        k, specs = int(factors), None
    else:
        specs = tuple(factors)
        k = len(specs)
        if not all(isinstance(f, Factor) for f in specs):
            msg = "factors must be Factor specs or an integer"
            raise DataError(msg)
        if len({f.name for f in specs}) != k:
            msg = "factor names must be unique"
            raise DataError(msg)
    if k < 2:
        msg = f"a sensitivity analysis needs at least two factors, got {k}; use an uncertainty analysis"
        raise DataError(msg)
    if n < 2:
        msg = f"base sample size n must be at least 2, got {n}"
        raise DataError(msg)
    gen = np.random.default_rng(rng)
    if method == "sobol":
        sampler = qmc.Sobol(d=2 * k, scramble=True, rng=gen)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*balance properties.*", category=UserWarning)
            base = sampler.random(n)
    elif method == "random":
        base = gen.random((n, 2 * k))
    else:
        msg = f"method must be 'sobol' or 'random', got {method!r}"
        raise DataError(msg)
    return SaltelliDesign(a=np.ascontiguousarray(base[:, :k]), b=np.ascontiguousarray(base[:, k:]),
                          factors=specs)


# -- estimators -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SobolIndices:
    """First-order and total Sobol' indices, with bootstrap intervals.

    Arrays have shape ``(k,)`` for one output, ``(k, m)`` for ``m`` outputs; intervals add a
    leading axis of 2 (lower, upper). Indices of an output with zero variance are NaN.

    Attributes
    ----------
    first, total
        :math:`S_i` and :math:`S_{T_i}`.
    first_ci, total_ci
        Percentile bootstrap intervals, or ``None`` when ``n_boot = 0``.
    variance
        Output variance :math:`V` estimated from :math:`A` and :math:`B`.
    n
        Base sample size.
    confidence
        Level of the intervals.
    factor_names
        One name per factor.
    """

    first: NDArray[np.float64]
    total: NDArray[np.float64]
    first_ci: NDArray[np.float64] | None
    total_ci: NDArray[np.float64] | None
    variance: NDArray[np.float64]
    n: int
    confidence: float
    factor_names: tuple[str, ...] = field(default=())

    def to_frame(self, *, output_names: Sequence[Hashable] | None = None) -> pd.DataFrame:
        """Return a tidy table: one row per factor (and output) with estimates and intervals."""
        k = self.first.shape[0]
        names = list(self.factor_names) or [f"X{i + 1}" for i in range(k)]
        first = self.first.reshape(k, -1)
        m = first.shape[1]
        cols: dict[str, Any] = {"factor": np.repeat(names, m)}
        if self.first.ndim > 1:
            outs = list(output_names) if output_names is not None else list(range(m))
            cols["output"] = np.tile(np.asarray(outs, dtype=object), k)
        cols["first"] = first.ravel()
        if self.first_ci is not None:
            cols["first_low"] = self.first_ci[0].ravel()
            cols["first_high"] = self.first_ci[1].ravel()
        cols["total"] = self.total.ravel()
        if self.total_ci is not None:
            cols["total_low"] = self.total_ci[0].ravel()
            cols["total_high"] = self.total_ci[1].ravel()
        return pd.DataFrame(cols)


def _check_outputs(y_a: ArrayLike, y_b: ArrayLike, y_ab: ArrayLike
                   ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], bool]:
    a = np.asarray(y_a, dtype=float)
    b = np.asarray(y_b, dtype=float)
    ab = np.asarray(y_ab, dtype=float)
    scalar = a.ndim == 1
    if scalar:
        a, b = a[:, None], b[:, None]
        ab = ab[..., None] if ab.ndim == 2 else ab
    if a.ndim != 2 or a.shape != b.shape or ab.ndim != 3 or ab.shape[1:] != a.shape:
        msg = ("expected y_a and y_b of shape (N,) or (N, m) and y_ab of shape (k, N) or (k, N, m); "
               f"got {np.shape(y_a)}, {np.shape(y_b)} and {np.shape(y_ab)}")
        raise DataError(msg)
    if a.shape[0] < 2:
        msg = "need at least two base runs"
        raise DataError(msg)
    if not (np.isfinite(a).all() and np.isfinite(b).all() and np.isfinite(ab).all()):
        msg = "model outputs contain NaN or infinite values; drop or repair failed runs first"
        raise DataError(msg)
    return a, b, ab, scalar


def _ratio(num: NDArray[np.float64], den: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def sobol_indices(y_a: ArrayLike, y_b: ArrayLike, y_ab: ArrayLike, *, n_boot: int = 1000,
                  confidence: float = 0.95, factor_names: Sequence[str] = (),
                  rng: Seed = None) -> SobolIndices:
    r"""First-order (Saltelli 2010) and total (Jansen 1999) Sobol' indices, many outputs at once.

    With :math:`f(A)`, :math:`f(B)` and :math:`f(A_B^{(i)})` the outputs on the design
    matrices and :math:`V` the variance of the :math:`2N` outputs on :math:`A` and :math:`B`:

    .. math::

        S_i = \frac{\frac1N \sum_{j=1}^N f(B)_j \left(f(A_B^{(i)})_j - f(A)_j\right)}{V},
        \qquad
        S_{T_i} = \frac{\frac1{2N} \sum_{j=1}^N \left(f(A)_j - f(A_B^{(i)})_j\right)^2}{V}.

    These are COINr's ``SA_estimate`` estimators. Outputs are centred on the mean of
    :math:`f(A)` and :math:`f(B)` first, which leaves the expectation of :math:`S_i`
    unchanged and lowers its variance (the shift multiplies a term of mean zero).

    Confidence intervals are percentile bootstrap intervals: the :math:`N` rows
    (:math:`A_j, B_j, A_B^{(i)}{}_j`) are resampled with replacement ``n_boot`` times and
    :math:`V`, :math:`S_i`, :math:`S_{T_i}` are re-estimated on each resample. All outputs and
    replicates are computed together as one matrix product of resampling counts with the
    per-row terms, so :math:`m` outputs (e.g. the ranks of every unit) cost little more
    than one.

    Parameters
    ----------
    y_a, y_b
        Outputs on :math:`A` and :math:`B`, shape ``(N,)`` or ``(N, m)``.
    y_ab
        Outputs on :math:`A_B^{(i)}`, shape ``(k, N)`` or ``(k, N, m)``
        (:meth:`SaltelliDesign.split` gives all three).
    n_boot
        Number of bootstrap resamples; 0 skips the intervals.
    confidence
        Level of the intervals (0.95 gives the 2.5 and 97.5 percentiles; COINr reports
        the 5 and 95 percentiles, i.e. 0.90).
    factor_names
        Names for the factors (for :meth:`SobolIndices.to_frame`).
    rng
        Random generator or seed of the bootstrap.

    Returns
    -------
    SobolIndices

    Raises
    ------
    DataError
        On inconsistent shapes or non-finite outputs.

    Examples
    --------
    A linear model :math:`y = x_1 + 2 x_2` with independent uniform inputs has
    :math:`S_1 = S_{T_1} = 0.2` and :math:`S_2 = S_{T_2} = 0.8`:

    >>> d = saltelli_design(2, 4096, rng=1)
    >>> f = lambda x: x[..., 0] + 2 * x[..., 1]
    >>> res = sobol_indices(f(d.a), f(d.b), f(d.ab), n_boot=0)
    >>> np.round(res.first, 2).tolist(), np.round(res.total, 2).tolist()
    ([0.2, 0.8], [0.2, 0.8])
    """
    a, b, ab, scalar = _check_outputs(y_a, y_b, y_ab)
    k, n, m = ab.shape
    if factor_names and len(factor_names) != k:
        msg = f"{len(factor_names)} factor names for {k} factors"
        raise DataError(msg)
    if not 0 < confidence < 1:
        msg = f"confidence must be in (0, 1), got {confidence}"
        raise DataError(msg)
    centre = 0.5 * (a.mean(axis=0) + b.mean(axis=0))
    a, b, ab = a - centre, b - centre, ab - centre
    # per-row terms, shape (N, k, m)
    t_first = b[:, None, :] * np.moveaxis(ab - a[None], 0, 1)
    t_total = np.moveaxis((a[None] - ab) ** 2, 0, 1)
    variance = np.concatenate([a, b]).var(axis=0, ddof=1)
    first = _ratio(t_first.mean(axis=0), variance[None])
    total = _ratio(0.5 * t_total.mean(axis=0), variance[None])

    first_ci = total_ci = None
    if n_boot > 0:
        gen = np.random.default_rng(rng)
        # one matrix of per-row terms: first, total, a, b, a^2, b^2
        terms = np.concatenate([t_first.reshape(n, -1), t_total.reshape(n, -1),
                                a, b, a * a, b * b], axis=1)
        boot_first = np.empty((n_boot, k, m))
        boot_total = np.empty((n_boot, k, m))
        block = max(1, min(n_boot, (1 << 22) // n))
        for start in range(0, n_boot, block):
            nb = min(block, n_boot - start)
            draws = gen.integers(0, n, size=(nb, n)) + (np.arange(nb) * n)[:, None]
            counts = np.bincount(draws.ravel(), minlength=nb * n).reshape(nb, n).astype(float)
            sums = counts @ terms  # (nb, 2km + 4m)
            s_first = sums[:, :k * m].reshape(nb, k, m) / n
            s_total = sums[:, k * m:2 * k * m].reshape(nb, k, m) / n
            s_a, s_b, s_a2, s_b2 = np.split(sums[:, 2 * k * m:], 4, axis=1)
            var_b = (s_a2 + s_b2 - (s_a + s_b) ** 2 / (2 * n)) / (2 * n - 1)
            boot_first[start:start + nb] = _ratio(s_first, var_b[:, None, :])
            boot_total[start:start + nb] = _ratio(0.5 * s_total, var_b[:, None, :])
        probs = [(1 - confidence) / 2, (1 + confidence) / 2]
        first_ci = _quantiles(boot_first, probs)
        total_ci = _quantiles(boot_total, probs)

    def shape(x: NDArray[np.float64] | None) -> NDArray[np.float64] | None:
        if x is None or not scalar:
            return x
        return x[..., 0]

    return SobolIndices(first=shape(first), total=shape(total), first_ci=shape(first_ci),  # type: ignore[arg-type]
                        total_ci=shape(total_ci), variance=variance[0] if scalar else variance,
                        n=n, confidence=confidence, factor_names=tuple(factor_names))


def _quantiles(x: NDArray[np.float64], probs: Sequence[float]) -> NDArray[np.float64]:
    """Quantiles along axis 0, NaN where every replicate is NaN (no warnings)."""
    if not np.isnan(x).any():
        return np.quantile(x, probs, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanquantile(x, probs, axis=0)


def convergence(y_a: ArrayLike, y_b: ArrayLike, y_ab: ArrayLike, *, steps: Sequence[int] | int = 8,
                factor_names: Sequence[str] = (),
                output_names: Sequence[Hashable] | None = None) -> pd.DataFrame:
    r"""Sobol' index estimates on the first :math:`n` base rows, for growing :math:`n`.

    A diagnostic: estimates that still drift at the largest :math:`n` need a bigger design.
    Prefixes of a Sobol' sequence are themselves low-discrepancy samples.

    Parameters
    ----------
    y_a, y_b, y_ab
        As for :func:`sobol_indices`.
    steps
        The sample sizes to use, or their number (then geometrically spaced from
        :math:`\min(N, 16)` to :math:`N`).
    factor_names, output_names
        Labels for the table.

    Returns
    -------
    pandas.DataFrame
        Columns ``n``, ``factor`` (``output`` for several outputs), ``first`` and ``total``.

    Examples
    --------
    >>> d = saltelli_design(2, 256, rng=3)
    >>> f = lambda x: x[..., 0] + x[..., 1]
    >>> convergence(f(d.a), f(d.b), f(d.ab), steps=[64, 256])["n"].tolist()
    [64, 64, 256, 256]
    """
    a, b, ab, scalar = _check_outputs(y_a, y_b, y_ab)
    n = a.shape[0]
    if isinstance(steps, int | np.integer):
        lo = min(n, 16)
        sizes = np.unique(np.geomspace(lo, n, num=max(int(steps), 1)).round().astype(int))
    else:
        sizes = np.asarray(sorted(set(int(s) for s in steps)))
    if sizes.size == 0 or sizes[0] < 2 or sizes[-1] > n:
        msg = f"steps must lie in 2..{n}, got {sizes.tolist()}"
        raise DataError(msg)
    frames = []
    for size in sizes:
        res = sobol_indices(a[:size], b[:size], ab[:, :size], n_boot=0, factor_names=factor_names)
        frame = res.to_frame(output_names=None if scalar else output_names)
        if scalar:
            frame = frame.drop(columns="output")
        frame.insert(0, "n", int(size))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# -- ranks and uncertainty --------------------------------------------------------------------------

def rank_scores(scores: ArrayLike, *, axis: int = -1) -> NDArray[np.float64]:
    """Rank scores along ``axis``: 1 = highest, ties share the best rank, NaN stays NaN.

    This is COINr's ``rank_df`` convention (``rank(-x, ties.method = "min")``).

    Examples
    --------
    >>> rank_scores([[3.0, 1.0, 3.0, np.nan]]).tolist()
    [[1.0, 3.0, 1.0, nan]]
    """
    x = np.asarray(scores, dtype=float)
    return rankdata(-x, method="min", axis=axis, nan_policy="omit").astype(float)


def mean_rank_shift(ranks: ArrayLike, nominal: ArrayLike) -> NDArray[np.float64]:
    r"""Mean absolute rank change of each run against the nominal ranks (COINr's SA target).

    .. math:: y_r = \frac1{n_u} \sum_u \left| R_{ru} - R^{0}_u \right|

    Parameters
    ----------
    ranks
        Ranks, shape ``(n_runs, n_units)``.
    nominal
        Nominal ranks, shape ``(n_units,)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_runs,)``; units with NaN ranks are skipped.
    """
    r = np.asarray(ranks, dtype=float)
    diff = np.abs(r - np.asarray(nominal, dtype=float)[None, :])
    valid = ~np.isnan(diff)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(valid, diff, 0.0).sum(axis=1) / valid.sum(axis=1)


def uncertainty_summary(ranks: ArrayLike, *, nominal: ArrayLike | None = None,
                        units: Sequence[Hashable] | pd.Index | None = None,
                        quantiles: tuple[float, float] = (0.05, 0.95)) -> pd.DataFrame:
    r"""Rank intervals per unit (or per city pair) over the runs of an uncertainty analysis.

    Parameters
    ----------
    ranks
        Ranks (or scores), shape ``(n_runs, n_units)``; NaN marks a failed run.
    nominal
        Nominal rank of each unit, shape ``(n_units,)``.
    units
        Unit keys: codes, or a :class:`pandas.MultiIndex` of ``(from_code, to_code)`` pairs.
    quantiles
        Lower and upper quantile of the interval (COINr: 5 % and 95 %; numpy's default
        linear interpolation, R's type 7).

    Returns
    -------
    pandas.DataFrame
        Indexed by unit: ``nominal`` (if given), ``mean``, ``median``, ``q05``, ``q95``
        (names follow ``quantiles``) and ``width`` (upper − lower).

    Examples
    --------
    >>> r = np.array([[1, 2], [2, 1], [1, 2], [1, 2]])
    >>> s = uncertainty_summary(r, nominal=[1, 2], units=["a", "b"])
    >>> list(s.columns), s["q95"].round(2).tolist()
    (['nominal', 'mean', 'median', 'q05', 'q95', 'width'], [1.85, 2.0])
    """
    x = np.asarray(ranks, dtype=float)
    if x.ndim != 2:
        msg = f"ranks must have shape (n_runs, n_units), got {x.shape}"
        raise DataError(msg)
    lo, hi = quantiles
    if not 0 <= lo < hi <= 1:
        msg = f"quantiles must satisfy 0 <= lower < upper <= 1, got {quantiles}"
        raise DataError(msg)
    if units is None:
        index = pd.RangeIndex(x.shape[1], name="unit")
    else:
        index = units if isinstance(units, pd.Index) else pd.Index(list(units), name="unit")
        if len(index) != x.shape[1]:
            msg = f"{len(index)} unit keys for {x.shape[1]} columns of ranks"
            raise DataError(msg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        qs = np.nanquantile(x, [0.5, lo, hi], axis=0)
        mean = np.nanmean(x, axis=0)
    cols: dict[str, Any] = {}
    if nominal is not None:
        nom = np.asarray(nominal)
        if nom.shape != (x.shape[1],):
            msg = f"nominal must have shape ({x.shape[1]},), got {nom.shape}"
            raise DataError(msg)
        cols["nominal"] = nom
    cols["mean"] = mean
    cols["median"] = qs[0]
    cols[_qname(lo)] = qs[1]
    cols[_qname(hi)] = qs[2]
    cols["width"] = qs[2] - qs[1]
    return pd.DataFrame(cols, index=index)


def _qname(q: float) -> str:
    pct = 100 * q
    return f"q{round(pct):02d}" if abs(pct - round(pct)) < 1e-9 else f"q{pct:g}"


# -- batched evaluation of weighted-mean indices -------------------------------------------------------

@dataclass(frozen=True)
class AggregationLevel:
    """One aggregation step of an index tree: children columns grouped into parents.

    Attributes
    ----------
    parent
        For each child column (in data order), the 0-based number of its parent.
    weights
        Nominal weight of each child (relative within its parent).
    names
        Optional codes of the parents, in order.
    """

    parent: NDArray[np.intp]
    weights: NDArray[np.float64]
    names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        parent = np.asarray(self.parent, dtype=np.intp)
        weights = np.asarray(self.weights, dtype=float)
        object.__setattr__(self, "parent", parent)
        object.__setattr__(self, "weights", weights)
        if parent.ndim != 1 or weights.shape != parent.shape or parent.size == 0:
            msg = "parent and weights must be 1-D arrays of the same, non-zero length"
            raise DataError(msg)
        if parent.min() < 0 or set(np.unique(parent)) != set(range(int(parent.max()) + 1)):
            msg = "parent numbers must be 0..P-1 with every parent having a child"
            raise DataError(msg)
        if self.names and len(self.names) != self.n_parents:
            msg = f"{len(self.names)} names for {self.n_parents} parents"
            raise DataError(msg)

    @property
    def n_children(self) -> int:
        """Number of child columns."""
        return int(self.parent.size)

    @property
    def n_parents(self) -> int:
        """Number of parents (output columns)."""
        return int(self.parent.max()) + 1

    def membership(self) -> NDArray[np.float64]:
        """One-hot child-to-parent matrix, shape ``(n_children, n_parents)``."""
        out = np.zeros((self.n_children, self.n_parents))
        out[np.arange(self.n_children), self.parent] = 1.0
        return out


def aggregation_tree(indicators: Sequence[str], parent: Mapping[str, str], *,
                     weight: Mapping[str, float] | None = None
                     ) -> list[AggregationLevel]:
    """Build the levels of an index tree from child → parent links.

    Parameters
    ----------
    indicators
        Indicator codes in the column order of the data.
    parent
        Parent code of every non-root code.
    weight
        Weight of each code within its parent (default 1).

    Returns
    -------
    list of AggregationLevel
        From the indicators up to the root; parents are numbered in order of first
        appearance and named in ``names``.

    Raises
    ------
    DataError
        When the indicators do not all sit at the same depth.

    Examples
    --------
    >>> tree = aggregation_tree(["a", "b", "c"], {"a": "P", "b": "P", "c": "Q", "P": "I", "Q": "I"})
    >>> [lvl.names for lvl in tree], tree[0].parent.tolist()
    ([('P', 'Q'), ('I',)], [0, 0, 1])
    """
    w = weight or {}
    levels: list[AggregationLevel] = []
    codes = list(indicators)
    while True:
        ups = [parent.get(c) for c in codes]
        if all(u is None for u in ups):
            break
        if any(u is None for u in ups):
            missing = [c for c, u in zip(codes, ups, strict=True) if u is None]
            msg = f"codes {missing} have no parent while others at their level do; the tree is unbalanced"
            raise DataError(msg)
        order = list(dict.fromkeys(u for u in ups if u is not None))
        pos = {p: i for i, p in enumerate(order)}
        levels.append(AggregationLevel(parent=np.array([pos[u] for u in ups if u is not None]),
                                       weights=np.array([float(w.get(c, 1.0)) for c in codes]),
                                       names=tuple(order)))
        codes = order
    if not levels:
        msg = "no indicator has a parent; nothing to aggregate"
        raise DataError(msg)
    return levels


def _level_mean(x: NDArray[np.float64], w: NDArray[np.float64], memb: NDArray[np.float64],
                kind: str) -> NDArray[np.float64]:
    """Weighted mean of child columns into parents; x (r, u, c), w (r, c) or (c,)."""
    if kind == "geometric":
        bad = x <= 0
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.log(np.where(bad, 1.0, x))
    else:
        bad = None
        t = x
    missing = np.isnan(t)
    wb = w[:, None, :] if w.ndim == 2 else w
    if missing.any():
        num = np.where(missing, 0.0, t) * wb
        den = (~missing * wb) @ memb
    else:
        num = t * wb
        den = (w @ memb)[:, None, :] if w.ndim == 2 else w @ memb
    r, u, c = num.shape
    out = (num.reshape(r * u, c) @ memb).reshape(r, u, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = out / den
    if kind == "geometric":
        out = np.exp(out)
        if bad is not None and bad.any():
            out[bad.any(axis=(1, 2))] = np.nan  # the whole run fails, as in COINr
    return out


def evaluate_batch(data: ArrayLike, tree: Sequence[AggregationLevel], *, data_index: ArrayLike,
                   weights: Sequence[ArrayLike | None] | None = None,
                   aggregator: ArrayLike | str = "arithmetic",
                   means: Sequence[str] = MEANS, chunk_size: int = 4096,
                   keep_levels: bool = False) -> NDArray[np.float64] | list[NDArray[np.float64]]:
    r"""Compute a weighted-mean index for many variants (model runs) at once.

    Each run :math:`r` picks a normalised data matrix :math:`X^{(d_r)}` from a precomputed
    stack, a weight vector per level and a mean. Level by level, the children :math:`c` of
    each parent :math:`p` are combined by the weighted arithmetic or geometric mean

    .. math::

        y_{rup} = \frac{\sum_{c \in p} w_{rc} x_{ruc}}{\sum_{c \in p} w_{rc}}
        \quad\text{or}\quad
        y_{rup} = \exp \frac{\sum_{c \in p} w_{rc} \ln x_{ruc}}{\sum_{c \in p} w_{rc}},

    as COINr's ``a_amean`` and ``a_gmean`` (weights rescaled within each parent; missing
    children dropped with their weights). Runs sharing data, first-level weights and mean
    share the first level, which is computed once; the higher levels are computed for all
    runs of a chunk with a few array operations.

    Parameters
    ----------
    data
        Stack of normalised data sets, shape ``(n_data, n_units, n_indicators)`` (e.g. one per
        winsorisation limit × normaliser). A single matrix ``(n_units, n_indicators)`` is
        treated as a stack of one.
    tree
        Aggregation levels from the indicators up (:func:`aggregation_tree`).
    data_index
        Which data set each run uses, shape ``(n_runs,)``.
    weights
        One entry per level: ``None`` (nominal weights of the level), a vector
        ``(n_children,)`` shared by all runs, or a matrix ``(n_runs, n_children)``.
    aggregator
        Mean for each run: a name from ``means`` or integer codes into ``means``, shape
        ``(n_runs,)``. The same mean is used at every level of a run (COINr's ``f_ag``).
    means
        Names of the means the codes refer to: ``"arithmetic"``, ``"geometric"``.
    chunk_size
        Runs evaluated together (bounds memory: about
        ``chunk_size · n_units · n_children · 8`` bytes per temporary).
    keep_levels
        Return every level instead of the top one.

    Returns
    -------
    numpy.ndarray or list of numpy.ndarray
        Top-level scores, shape ``(n_runs, n_units)`` when the tree has a single root
        (else ``(n_runs, n_units, n_roots)``); with ``keep_levels``, one array
        ``(n_runs, n_units, n_parents)`` per level. A geometric mean over a non-positive
        value makes the whole run NaN (COINr's ``a_gmean`` stops with an error there and
        ``get_sensitivity`` records the run as failed).

    Raises
    ------
    DataError
        On inconsistent shapes or unknown means.

    Examples
    --------
    Two indicators into one index, run once with each mean:

    >>> tree = [AggregationLevel(parent=np.array([0, 0]), weights=np.array([1.0, 1.0]))]
    >>> x = np.array([[[1.0, 4.0]]])
    >>> evaluate_batch(x, tree, data_index=[0, 0], aggregator=np.array([0, 1])).tolist()
    [[2.5], [2.0]]
    """
    stack, d_idx, agg = _check_batch(data, tree, data_index, aggregator, means)
    n_runs = d_idx.size
    wts = _level_weights(tree, weights, n_runs)
    membs = [lvl.membership() for lvl in tree]

    chunks = [slice(i, min(i + max(1, chunk_size), n_runs)) for i in range(0, n_runs, max(1, chunk_size))]
    outputs: list[NDArray[np.float64]] = []
    if n_runs and wts[0].ndim == 1:
        # first level once per distinct (data set, mean); second level by one product per group
        pairs, inverse = np.unique(np.column_stack([d_idx, agg]), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        first = np.stack([_level_mean(stack[d][None], wts[0], membs[0], means[a])[0] for d, a in pairs])
        y = first[inverse] if keep_levels or len(tree) == 1 else first
        if keep_levels:
            outputs.append(y)
        if len(tree) > 1:
            y = _grouped_level(first, inverse, [means[a] for a in pairs[:, 1]], wts[1], membs[1])
            if keep_levels:
                outputs.append(y)
        done = min(2, len(tree))
    else:
        y = _chunked(
            chunks,
            lambda sl: _by_mean(
                stack[d_idx[sl]], wts[0] if wts[0].ndim == 1 else wts[0][sl], membs[0], agg[sl], means
            ),
            (n_runs, stack.shape[1], tree[0].n_parents),
        )
        if keep_levels:
            outputs.append(y)
        done = 1
    for j in range(done, len(tree)):
        prev, w = y, wts[j]
        y = _chunked(
            chunks,
            lambda sl, prev=prev, w=w, j=j: _by_mean(
                prev[sl], w if w.ndim == 1 else w[sl], membs[j], agg[sl], means
            ),
            (n_runs, stack.shape[1], tree[j].n_parents),
        )
        if keep_levels:
            outputs.append(y)
    if keep_levels:
        return outputs
    return y[..., 0] if y.shape[-1] == 1 else y


def _chunked(chunks: list[slice], func: Any, shape: tuple[int, ...]) -> NDArray[np.float64]:
    out = np.empty(shape)
    for sl in chunks:
        out[sl] = func(sl)
    return out


def _grouped_level(
    first: NDArray[np.float64],
    inverse: NDArray[np.intp],
    kinds: Sequence[str],
    w: NDArray[np.float64],
    memb: NDArray[np.float64],
) -> NDArray[np.float64]:
    r"""Second level for runs grouped by their (shared) first-level result.

    For group :math:`g` with first-level scores :math:`T_g` (units × children, transformed once
    for its mean), the numerators of all its runs are one product
    :math:`T_g \, [w_r \odot M]_r`, so no per-run copy of the first level is made.
    """
    n_runs = inverse.size
    n_units = first.shape[1]
    children = [np.flatnonzero(memb[:, p]) for p in range(memb.shape[1])]
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(first.shape[0] + 1))
    w_sorted = w if w.ndim == 1 else w[order]
    out = np.empty((len(children), n_runs, n_units))  # parent-major, runs sorted by group
    for g, kind in enumerate(kinds):
        lo, hi = bounds[g], bounds[g + 1]
        if hi == lo:
            continue
        y = first[g]
        if kind == "geometric" and (y <= 0).any():  # the whole run fails, as in COINr
            out[:, lo:hi] = np.nan
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.log(y) if kind == "geometric" else y
        valid = ~np.isnan(t)
        t0 = np.where(valid, t, 0.0)
        wg = w_sorted if w.ndim == 1 else w_sorted[lo:hi]
        for p, kids in enumerate(children):
            wk = wg[..., kids]
            num = np.atleast_2d(wk) @ t0[:, kids].T  # (runs, units)
            if valid[:, kids].all():
                den = np.atleast_1d(wk.sum(axis=-1))[:, None]
            else:
                den = np.atleast_2d(wk) @ valid[:, kids].T.astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                res = num / den
            out[p, lo:hi] = np.exp(res) if kind == "geometric" else res
    unsort = np.empty_like(order)
    unsort[order] = np.arange(n_runs)
    return np.ascontiguousarray(out[:, unsort].transpose(1, 2, 0))


def _check_batch(data: ArrayLike, tree: Sequence[AggregationLevel], data_index: ArrayLike,
                 aggregator: ArrayLike | str, means: Sequence[str]
                 ) -> tuple[NDArray[np.float64], NDArray[np.intp], NDArray[np.intp]]:
    stack = np.asarray(data, dtype=float)
    if stack.ndim == 2:
        stack = stack[None]
    if stack.ndim != 3:
        msg = f"data must have shape (n_data, n_units, n_indicators), got {stack.shape}"
        raise DataError(msg)
    if not tree:
        msg = "the tree has no levels"
        raise DataError(msg)
    d_idx = np.asarray(data_index, dtype=np.intp).ravel()
    n_runs = d_idx.size
    if n_runs and (d_idx.min() < 0 or d_idx.max() >= stack.shape[0]):
        msg = f"data_index must lie in 0..{stack.shape[0] - 1}"
        raise DataError(msg)
    unknown = [m for m in means if m not in MEANS]
    if unknown:
        msg = f"unknown means {unknown}; supported: {list(MEANS)}"
        raise DataError(msg)
    if isinstance(aggregator, str):
        if aggregator not in means:
            msg = f"aggregator {aggregator!r} is not one of {list(means)}"
            raise DataError(msg)
        agg = np.full(n_runs, list(means).index(aggregator), dtype=np.intp)
    else:
        agg = np.broadcast_to(np.asarray(aggregator, dtype=np.intp), (n_runs,))
        if n_runs and (agg.min() < 0 or agg.max() >= len(means)):
            msg = f"aggregator codes must lie in 0..{len(means) - 1}"
            raise DataError(msg)
    if stack.shape[2] != tree[0].n_children:
        msg = f"data has {stack.shape[2]} indicators, the tree's first level {tree[0].n_children}"
        raise DataError(msg)
    for low, high in itertools.pairwise(tree):
        if high.n_children != low.n_parents:
            msg = "each level's children must be the parents of the level below"
            raise DataError(msg)
    return stack, d_idx, agg


def _by_mean(x: NDArray[np.float64], w: NDArray[np.float64], memb: NDArray[np.float64],
             agg: NDArray[np.intp], means: Sequence[str]) -> NDArray[np.float64]:
    codes = np.unique(agg)
    if codes.size == 1:
        return _level_mean(x, w, memb, means[codes[0]])
    out = np.empty((x.shape[0], x.shape[1], memb.shape[1]))
    for code in codes:
        rows = agg == code
        out[rows] = _level_mean(x[rows], w if w.ndim == 1 else w[rows], memb, means[code])
    return out


def _level_weights(tree: Sequence[AggregationLevel], weights: Sequence[ArrayLike | None] | None,
                   n_runs: int) -> list[NDArray[np.float64]]:
    given = list(weights) if weights is not None else [None] * len(tree)
    if len(given) != len(tree):
        msg = f"weights has {len(given)} entries for {len(tree)} levels"
        raise DataError(msg)
    out = []
    for j, (lvl, w) in enumerate(zip(tree, given, strict=True)):
        arr = lvl.weights if w is None else np.asarray(w, dtype=float)
        if arr.shape not in ((lvl.n_children,), (n_runs, lvl.n_children)):
            msg = (f"weights of level {j + 1} must have shape ({lvl.n_children},) or "
                   f"({n_runs}, {lvl.n_children}), got {arr.shape}")
            raise DataError(msg)
        if (arr < 0).any() or not np.isfinite(arr).all():
            msg = f"weights of level {j + 1} must be finite and non-negative"
            raise DataError(msg)
        out.append(arr)
    return out
