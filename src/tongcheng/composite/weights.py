"""Weighting methods for composite indicators.

Every function returns weights as a :class:`pandas.Series` indexed by indicator code,
non-negative and summing to 1; methods that define diagnostics (AHP consistency, PCA
loadings, benefit-of-the-doubt scores, optimised correlations) return them beside the
weights in a named tuple. Data are a wide DataFrame (index = unit key, columns =
indicator codes), normalised and direction-corrected (higher = better).

The array kernels (:func:`entropy_weights_array`, :func:`critic_weights_array`) work on
arrays of shape ``(..., n_units, n_indicators)`` so that uncertainty analysis can
compute many replicates at once.

Effective weights through the indicator tree live in ``framework``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from tongcheng._errors import DataError

from ._checks import _matrix, _series
from .weights_data import (
    PCAWeights,
    critic_weights,
    critic_weights_array,
    entropy_weights,
    entropy_weights_array,
    indicator_entropy,
    pca_weights,
)
from .weights_optimised import BoDResult, OptimisedWeights, bod_weights, correlation_optimised_weights

__all__ = [
    "SAATY_RANDOM_INDEX",
    "AHPResult",
    "BoDResult",
    "OptimisedWeights",
    "PCAWeights",
    "ahp_weights",
    "bod_weights",
    "correlation_optimised_weights",
    "critic_weights",
    "critic_weights_array",
    "entropy_weights",
    "entropy_weights_array",
    "equal_weights",
    "expert_weights",
    "indicator_entropy",
    "pca_weights",
]

#: Saaty's random consistency index RI for matrices of order n = 1..15
#: (Saaty 1980, *The Analytic Hierarchy Process*, McGraw-Hill, p. 21).
SAATY_RANDOM_INDEX: dict[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41,
    9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}  # fmt: skip


# ----------------------------------------------------------------------------- simple


def equal_weights(codes: Iterable[str]) -> pd.Series:
    """Return equal weights for the given indicator codes.

    Parameters
    ----------
    codes
        Indicator codes (unique).

    Returns
    -------
    pandas.Series
        ``1/m`` for each of the ``m`` codes.

    Examples
    --------
    >>> equal_weights(["a", "b", "c", "d"]).tolist()
    [0.25, 0.25, 0.25, 0.25]
    """
    codes = list(codes)
    if not codes:
        msg = "equal_weights: expected at least one indicator code, got none."
        raise DataError(msg)
    if len(set(codes)) != len(codes):
        dup = sorted({str(c) for c in codes if codes.count(c) > 1})
        msg = f"equal_weights: expected unique codes, got duplicates {dup}."
        raise DataError(msg)
    return _series(np.full(len(codes), 1.0 / len(codes)), codes)


def expert_weights(points: Mapping[str, float]) -> pd.Series:
    r"""Return weights from a budget allocation of points (expert judgement).

    Parameters
    ----------
    points
        Points given to each indicator (any non-negative budget, e.g. 100 points).

    Returns
    -------
    pandas.Series
        Points divided by their total.

    Raises
    ------
    DataError
        If a point count is negative or not finite, or all are zero.

    Notes
    -----
    Budget allocation process (OECD/JRC 2008, *Handbook on Constructing Composite
    Indicators*, p. 96):

    .. math:: w_j = p_j \Big/ \sum_k p_k

    Examples
    --------
    >>> expert_weights({"a": 50, "b": 30, "c": 20}).tolist()
    [0.5, 0.3, 0.2]
    """
    codes = list(points)
    p = np.array([float(points[c]) for c in codes])
    bad = [f"{c}={v}" for c, v in zip(codes, p, strict=True) if not np.isfinite(v) or v < 0]
    if bad:
        msg = (
            f"expert_weights: expected non-negative finite points, got {bad}. "
            "Give every indicator ≥ 0 points."
        )
        raise DataError(msg)
    if p.sum() <= 0:
        msg = "expert_weights: expected a positive total of points, got 0. Allocate points to some indicator."
        raise DataError(msg)
    return _series(p / p.sum(), codes)


# ----------------------------------------------------------------------------- AHP


class AHPResult(NamedTuple):
    """Result of :func:`ahp_weights`."""

    weights: pd.Series
    consistency_ratio: float
    lambda_max: float


def _ahp_check(matrix: pd.DataFrame, tol: float) -> np.ndarray:
    if not isinstance(matrix, pd.DataFrame) or matrix.shape[0] != matrix.shape[1]:
        shape = getattr(matrix, "shape", None)
        msg = f"ahp_weights: expected a square DataFrame of pairwise comparisons, got shape {shape}."
        raise DataError(msg)
    if set(matrix.index) != set(matrix.columns) or not matrix.index.is_unique:
        msg = (
            "ahp_weights: expected the same unique indicator codes as row and column labels, got "
            f"rows {list(matrix.index)} and columns {list(matrix.columns)}."
        )
        raise DataError(msg)
    a = _matrix(matrix.loc[:, list(matrix.index)], "ahp_weights")
    labels = list(matrix.index)
    problems = []
    for i, j in zip(*np.nonzero(a <= 0), strict=True):
        problems.append(f"a[{labels[i]}, {labels[j]}] = {a[i, j]:g} (expected > 0)")
    for i in range(len(a)):
        if abs(a[i, i] - 1) > tol:
            problems.append(f"a[{labels[i]}, {labels[i]}] = {a[i, i]:g} (expected 1 on the diagonal)")
        for j in range(i + 1, len(a)):
            if a[i, j] > 0 and a[j, i] > 0 and abs(a[i, j] * a[j, i] - 1) > tol:
                problems.append(
                    f"a[{labels[i]}, {labels[j]}]·a[{labels[j]}, {labels[i]}] = "
                    f"{a[i, j]:g}·{a[j, i]:g} = {a[i, j] * a[j, i]:.6g} (expected 1)"
                )
    if problems:
        lines = "\n  - ".join(problems)
        msg = (
            f"ahp_weights: the comparison matrix is not a positive reciprocal matrix:\n  - {lines}\n"
            "Fix: enter a[j, i] = 1 / a[i, j] (exact fractions such as 1/3, not 0.33) and 1 on the diagonal."
        )
        raise DataError(msg)
    return a


def ahp_weights(
    matrix: pd.DataFrame,
    *,
    method: Literal["eigenvector", "geometric"] = "eigenvector",
    tol: float = 1e-3,
    cr_threshold: float = 0.1,
) -> AHPResult:
    r"""Return AHP priority weights from a pairwise comparison matrix, with consistency.

    Parameters
    ----------
    matrix
        Square positive reciprocal matrix: ``matrix.loc[i, j]`` says how much more
        important ``i`` is than ``j`` on Saaty's 1–9 scale. Row and column labels are the
        indicator codes.
    method
        ``"eigenvector"`` (Saaty's principal right eigenvector) or ``"geometric"``
        (normalised row geometric means, Crawford & Williams 1985).
    tol
        Tolerance on the reciprocity check :math:`a_{ij} a_{ji} = 1`.
    cr_threshold
        A consistency ratio above this emits a :class:`UserWarning` (Saaty's 0.1).

    Returns
    -------
    AHPResult
        ``(weights, consistency_ratio, lambda_max)``. For ``method="geometric"``,
        ``lambda_max`` is estimated as the mean of :math:`(A w)_i / w_i`. The consistency
        ratio is 0 for n ≤ 2 and NaN for n > 15 (no random index tabulated).

    Raises
    ------
    DataError
        If the matrix is not square, not positive, not reciprocal or has a diagonal other
        than 1; every offending cell is listed.

    Notes
    -----
    Saaty (1980):

    .. math::

        A w = \lambda_{max} w, \quad CI = \frac{\lambda_{max} - n}{n - 1}, \quad
        CR = \frac{CI}{RI_n}

    with Saaty's random index :data:`SAATY_RANDOM_INDEX`. Saaty, T. L. (1980) *The
    Analytic Hierarchy Process*. McGraw-Hill; Saaty, T. L. (1990) How to make a decision:
    the analytic hierarchy process. *European Journal of Operational Research* 48, 9–26.

    Examples
    --------
    >>> rows = [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
    >>> m = pd.DataFrame(rows, index=list("abc"), columns=list("abc"))
    >>> res = ahp_weights(m)
    >>> [round(w, 4) for w in res.weights]
    [0.5714, 0.2857, 0.1429]
    >>> round(res.consistency_ratio, 6)
    0.0
    """
    a = _ahp_check(matrix, tol)
    n = len(a)
    codes = list(matrix.index)
    if method == "eigenvector":
        vals, vecs = np.linalg.eig(a)
        k = int(np.argmax(vals.real))
        lam = float(vals[k].real)
        w = np.abs(vecs[:, k].real)
    elif method == "geometric":
        w = np.exp(np.log(a).mean(axis=1))
        lam = float(np.mean((a @ w) / w))
    else:
        msg = f"ahp_weights: method must be 'eigenvector' or 'geometric', got {method!r}."
        raise DataError(msg)
    w = w / w.sum()
    if n <= 2:
        cr = 0.0
    elif n in SAATY_RANDOM_INDEX:
        cr = max((lam - n) / (n - 1), 0.0) / SAATY_RANDOM_INDEX[n]
    else:
        cr = math.nan
        warnings.warn(
            f"ahp_weights: no random index for n = {n} > 15; consistency ratio is NaN. "
            "Split the comparisons into a hierarchy of at most 15 elements.",
            UserWarning,
            stacklevel=2,
        )
    if cr > cr_threshold:
        warnings.warn(
            f"ahp_weights: consistency ratio {cr:.3f} exceeds {cr_threshold} (Saaty's limit); "
            "revise the most inconsistent judgements.",
            UserWarning,
            stacklevel=2,
        )
    return AHPResult(_series(w, codes), float(cr), lam)
