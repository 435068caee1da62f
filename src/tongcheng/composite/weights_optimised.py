"""Optimised weights: benefit of the doubt (linear programming) and correlation-optimised weights.

Import them from :mod:`tongcheng.composite.weights`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import optimize

from tongcheng._errors import DataError

from ._checks import _matrix, _normalise, _series

__all__ = ["BoDResult", "OptimisedWeights", "bod_weights", "correlation_optimised_weights"]


# ----------------------------------------------------------------------------- BoD


class BoDResult(NamedTuple):
    """Result of :func:`bod_weights`."""

    weights: pd.DataFrame
    scores: pd.Series


def _bounds_arrays(bounds: object, codes: list[object]) -> tuple[np.ndarray, np.ndarray]:
    m = len(codes)
    lo, hi = np.zeros(m), np.ones(m)
    if bounds is None:
        return lo, hi
    if isinstance(bounds, tuple) and len(bounds) == 2 and not isinstance(bounds[0], tuple):
        lo[:], hi[:] = bounds
    elif isinstance(bounds, Mapping):
        unknown = [str(k) for k in bounds if k not in codes]
        if unknown:
            msg = f"bod_weights: bounds name unknown indicators {unknown}; expected codes among {codes}."
            raise DataError(msg)
        for key, (a, b) in bounds.items():
            j = codes.index(key)
            lo[j], hi[j] = a, b
    else:
        msg = (
            f"bod_weights: bounds must be (lower, upper) or a mapping code -> (lower, upper), got {bounds!r}."
        )
        raise DataError(msg)
    if np.any(lo < 0) or np.any(hi > 1) or np.any(lo > hi) or lo.sum() > 1 + 1e-12 or hi.sum() < 1 - 1e-12:
        msg = (
            f"bod_weights: infeasible bounds lower={lo.tolist()} upper={hi.tolist()}; expected "
            "0 ≤ lower ≤ upper ≤ 1, Σ lower ≤ 1 ≤ Σ upper."
        )
        raise DataError(msg)
    return lo, hi


def bod_weights(
    data: pd.DataFrame,
    *,
    bounds: tuple[float, float] | Mapping[str, tuple[float, float]] | None = None,
    restrict: Literal["weights", "shares"] = "weights",
) -> BoDResult:
    r"""Return benefit-of-the-doubt weights and scores by linear programming, per unit.

    Parameters
    ----------
    data
        Non-negative normalised data (higher = better), complete.
    bounds
        Optional bounds ``(lower, upper)`` for all indicators, or a mapping from code to
        ``(lower, upper)``, on the relative weights :math:`w_j / \sum_k w_k`
        (``restrict="weights"``) or on the shares of the score
        :math:`w_j y_{cj} / \sum_k w_k y_{ck}` (``restrict="shares"``, the "pie share"
        restrictions of Cherchye et al. 2007).
    restrict
        What the bounds apply to (see above).

    Returns
    -------
    BoDResult
        ``weights``: units × indicators, each row the unit's most favourable weights
        rescaled to sum 1 (NaN for a unit that is 0 on every indicator);
        ``scores``: the BoD composite in [0, 1] (1 = on the frontier).

    Raises
    ------
    DataError
        On negative or missing data, or infeasible bounds.

    Notes
    -----
    For each unit :math:`c`, the linear programme (Cherchye, Moesen, Rogge & Van
    Puyenbroeck 2007, *Social Indicators Research* 82, 111–145; OECD/JRC 2008
    Handbook, pp. 92–95):

    .. math::

        CI_c = \max_{w \ge 0} \sum_j w_j y_{cj} \quad \text{s.t.} \quad
        \sum_j w_j y_{kj} \le 1 \;\; \forall k

    plus the bound constraints, made linear: :math:`L_j \sum_k w_k \le w_j \le
    U_j \sum_k w_k` (weights) or :math:`L_j \sum_k w_k y_{ck} \le w_j y_{cj} \le
    U_j \sum_k w_k y_{ck}` (shares). Solved with ``scipy.optimize.linprog`` (HiGHS).
    Optimal weights need not be unique; the solver's vertex is returned.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1.0, 0.5, 0.2], "b": [0.2, 0.5, 1.0]}, index=["x", "y", "z"])
    >>> bod_weights(d).scores.round(3).tolist()
    [1.0, 0.833, 1.0]
    """
    y = _matrix(data, "bod_weights")
    if np.any(y < 0):
        neg = [str(c) for c in data.columns[(y < 0).any(axis=0)]]
        msg = f"bod_weights: expected non-negative data, got negative values in {neg}. Normalise first."
        raise DataError(msg)
    codes = list(data.columns)
    lo, hi = _bounds_arrays(bounds, codes)
    n, m = y.shape
    constrained = bounds is not None
    weights = np.full((n, m), np.nan)
    scores = np.zeros(n)
    for c in range(n):
        rows = [y]
        if constrained:
            base = np.ones(m) if restrict == "weights" else y[c]
            own = np.eye(m) * (1.0 if restrict == "weights" else y[c])
            rows += [lo[:, None] * base[None, :] - own, own - hi[:, None] * base[None, :]]
        a_ub = np.vstack(rows)
        b_ub = np.concatenate([np.ones(n), np.zeros(a_ub.shape[0] - n)])
        res = optimize.linprog(-y[c], A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        if res.status != 0:
            msg = f"bod_weights: the linear programme for unit {data.index[c]!r} failed: {res.message}"
            raise DataError(msg)
        scores[c] = -res.fun
        xw = np.clip(res.x, 0.0, None)  # the solver may return -1e-12 for a zero multiplier
        if xw.sum() > 0:
            weights[c] = xw / xw.sum()
    return BoDResult(
        pd.DataFrame(weights, index=data.index, columns=data.columns),
        pd.Series(np.clip(scores, 0.0, 1.0), index=data.index, name="bod"),
    )


# ----------------------------------------------------------------------------- optimised


class OptimisedWeights(NamedTuple):
    """Result of :func:`correlation_optimised_weights`."""

    weights: pd.Series
    correlations: pd.Series
    success: bool


def _corr_with(x: np.ndarray, idx: np.ndarray, cortype: str) -> np.ndarray:
    if cortype == "spearman":
        x = pd.DataFrame(x).rank().to_numpy()
        idx = pd.Series(idx).rank().to_numpy()
    xc = x - x.mean(axis=0)
    ic = idx - idx.mean()
    den = np.sqrt((xc**2).sum(axis=0) * (ic**2).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, (xc * ic[:, None]).sum(axis=0) / den, 0.0)


def correlation_optimised_weights(
    data: pd.DataFrame,
    index_fn: Callable[[pd.DataFrame, pd.Series], pd.Series] | None = None,
    *,
    target: Literal["equal"] | Mapping[str, float] = "equal",
    optype: Literal["balance", "infomax"] = "balance",
    cortype: Literal["pearson", "spearman"] = "pearson",
    maxiter: int = 2000,
) -> OptimisedWeights:
    r"""Return weights that give each indicator a target correlation with the index.

    Parameters
    ----------
    data
        Normalised indicator data, complete.
    index_fn
        ``index_fn(data, weights) -> Series`` computing the index; default the weighted
        arithmetic mean.
    target
        ``"equal"`` or relative target importances per code (rescaled to sum 1).
    optype
        ``"balance"``: make the normalised correlations match ``target``; ``"infomax"``:
        maximise the sum of correlations.
    cortype
        ``"pearson"`` or ``"spearman"``.
    maxiter
        Maximum Nelder–Mead iterations.

    Returns
    -------
    OptimisedWeights
        ``(weights, correlations, success)``: the optimised weights, each indicator's
        correlation with the resulting index, and whether the optimiser converged.

    Notes
    -----
    COINr's ``get_opt_weights`` (a linear version of Becker, Saisana, Paruolo & Vandecasteele
    2017, *Ecological Indicators* 80, 12–22). With :math:`r_j(w)` the correlation of
    indicator :math:`j` with the index and :math:`t_j` the target shares:

    .. math::

        \min_w \sum_j \Big(t_j - \frac{r_j(w)}{\sum_k r_k(w)}\Big)^2
        \quad\text{(balance)}, \qquad \max_w \sum_j r_j(w) \quad\text{(infomax)}

    over :math:`w_j = |z_j| / \sum_k |z_k|` (non-negative, sum 1), by Nelder–Mead from
    :math:`w = t`. COINr minimises the logarithm of the balance objective, which has
    the same minimiser.
    """
    x = _matrix(data, "correlation_optimised_weights")
    codes = list(data.columns)
    if target == "equal":
        t = np.full(len(codes), 1.0 / len(codes))
    else:
        if not isinstance(target, Mapping) or set(target) != set(codes):
            msg = (
                "correlation_optimised_weights: target must be 'equal' or map every code "
                f"{codes} to a number, got {target!r}."
            )
            raise DataError(msg)
        t = _normalise(np.array([float(target[c]) for c in codes]), "correlation_optimised_weights")

    def index_of(w: np.ndarray) -> np.ndarray:
        if index_fn is None:
            return x @ w
        return np.asarray(index_fn(data, _series(w, codes)), dtype=float)

    def weights_of(z: np.ndarray) -> np.ndarray:
        a = np.abs(z)
        return a / a.sum() if a.sum() > 0 else np.full(len(z), 1.0 / len(z))

    def objective(z: np.ndarray) -> float:
        r = _corr_with(x, index_of(weights_of(z)), cortype)
        if optype == "infomax":
            return -float(r.sum())
        s = r.sum()
        return float(np.sum((t - r / s) ** 2)) if s != 0 else math.inf

    if optype not in ("balance", "infomax"):
        msg = f"correlation_optimised_weights: optype must be 'balance' or 'infomax', got {optype!r}."
        raise DataError(msg)
    res = optimize.minimize(
        objective, t, method="Nelder-Mead", options={"maxiter": maxiter, "xatol": 1e-8, "fatol": 1e-12}
    )
    w = weights_of(res.x)
    r = _corr_with(x, index_of(w), cortype)
    return OptimisedWeights(_series(w, codes), _series(r, codes, name="correlation"), bool(res.success))
