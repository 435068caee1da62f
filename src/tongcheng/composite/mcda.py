r"""Multi-criteria aggregation: TOPSIS, outranking (Copeland), Kemeny, Mazziotta–Pareto.

Data are a wide DataFrame (index = unit key, columns = indicator codes). TOPSIS and the
Mazziotta–Pareto index take raw data and an explicit ``directions`` (+1 = higher is
better, −1 = lower is better); Copeland and Kemeny take direction-corrected data (higher
= better). Weights are a Series indexed by indicator code (non-negative, rescaled to
sum 1). :func:`topsis_array` works on arrays of shape ``(..., n_units, n_indicators)``
for uncertainty analysis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from tongcheng._errors import DataError

from ._checks import _matrix

__all__ = [
    "KemenyResult",
    "copeland",
    "kemeny",
    "mazziotta_pareto",
    "outranking_matrix",
    "topsis",
    "topsis_array",
]

_TIE_TOL = 1e-9


def _weights(weights: pd.Series | Mapping[str, float] | None, codes: list[object], what: str) -> np.ndarray:
    if weights is None:
        return np.full(len(codes), 1.0 / len(codes))
    w = pd.Series(weights, dtype=float)
    if set(w.index) != set(codes):
        missing = [str(c) for c in codes if c not in w.index]
        extra = [str(c) for c in w.index if c not in codes]
        msg = f"{what}: weights must cover exactly the indicators; missing {missing}, unknown {extra}."
        raise DataError(msg)
    a = w.reindex(codes).to_numpy()
    if not np.isfinite(a).all() or np.any(a < 0) or a.sum() <= 0:
        msg = f"{what}: expected non-negative weights with a positive sum, got {a.tolist()}."
        raise DataError(msg)
    return a / a.sum()


def _directions(
    directions: pd.Series | Mapping[str, int] | None, codes: list[object], what: str
) -> np.ndarray:
    if directions is None:
        return np.ones(len(codes))
    d = pd.Series(directions, dtype=float)
    missing = [str(c) for c in codes if c not in d.index]
    if missing or not set(d.reindex(codes)).issubset({1.0, -1.0}):
        msg = f"{what}: expected a direction of +1 or -1 for every indicator; check {missing or d.to_dict()}."
        raise DataError(msg)
    return d.reindex(codes).to_numpy()


# ----------------------------------------------------------------------------- TOPSIS


def topsis_array(
    x: np.ndarray,
    w: np.ndarray,
    *,
    directions: np.ndarray | None = None,
    normalisation: Literal["vector", "minmax"] = "vector",
    weights_inside_root: bool = True,
) -> np.ndarray:
    """TOPSIS closeness for arrays of shape ``(..., n_units, n_indicators)``.

    ``w`` (sum 1) and ``directions`` (±1) broadcast against the last axis. No input
    checks; see :func:`topsis`.
    """
    x = np.asarray(x, dtype=float)
    d = np.ones(x.shape[-1]) if directions is None else np.asarray(directions, dtype=float)
    w = np.asarray(w, dtype=float)
    if normalisation == "vector":
        norm = np.sqrt((x**2).sum(axis=-2, keepdims=True))
        r = np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)
    else:
        lo = x.min(axis=-2, keepdims=True)
        span = x.max(axis=-2, keepdims=True) - lo
        r = np.divide(x - lo, span, out=np.zeros_like(x), where=span > 0)
    best = np.where(d > 0, r.max(axis=-2, keepdims=True), r.min(axis=-2, keepdims=True))
    worst = np.where(d > 0, r.min(axis=-2, keepdims=True), r.max(axis=-2, keepdims=True))
    if weights_inside_root:
        s_pos = np.sqrt((w[..., None, :] * (r - best) ** 2).sum(axis=-1))
        s_neg = np.sqrt((w[..., None, :] * (r - worst) ** 2).sum(axis=-1))
    else:
        s_pos = np.sqrt(((w[..., None, :] * (r - best)) ** 2).sum(axis=-1))
        s_neg = np.sqrt(((w[..., None, :] * (r - worst)) ** 2).sum(axis=-1))
    total = s_pos + s_neg
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, s_neg / total, np.nan)


def topsis(
    data: pd.DataFrame,
    weights: pd.Series | Mapping[str, float] | None = None,
    *,
    directions: pd.Series | Mapping[str, int] | None = None,
    normalisation: Literal["vector", "minmax"] = "vector",
    weights_inside_root: bool = True,
) -> pd.Series:
    r"""Return TOPSIS relative closeness to the ideal solution, in [0, 1].

    Parameters
    ----------
    data
        Indicator data (units × indicators), complete; raw values are fine.
    weights
        Weights per indicator code (rescaled to sum 1); default equal.
    directions
        +1 (benefit, higher is better) or −1 (cost) per code; default all +1.
    normalisation
        ``"vector"`` (:math:`r_{ij} = x_{ij} / \sqrt{\sum_i x_{ij}^2}`, Hwang & Yoon's,
        needs non-negative data) or ``"minmax"`` (:math:`r_{ij} = (x_{ij} - \min_i
        x_{ij}) / (\max_i x_{ij} - \min_i x_{ij})`). A constant indicator contributes
        nothing.
    weights_inside_root
        ``False``: the classic weighted normalised matrix :math:`v_{ij} = w_j r_{ij}`, so
        the weights enter the distances squared (Hwang & Yoon 1981).
        ``True`` (default): weighted Euclidean distances with the weights inside the
        root, :math:`\sqrt{\sum_j w_j (r_{ij} - r_j^*)^2}`, so each weight acts linearly
        on squared gaps.

    Returns
    -------
    pandas.Series
        Closeness :math:`C_i` (1 = the ideal, 0 = the anti-ideal), named ``"topsis"``;
        NaN only when every unit is identical on every weighted indicator.

    Raises
    ------
    DataError
        On missing values, unknown codes, negative weights, or negative data with
        vector normalisation.

    Notes
    -----
    Hwang, C.-L. & Yoon, K. (1981) *Multiple Attribute Decision Making: Methods and
    Applications*. Springer, pp. 128–140. With ideal :math:`r^+_j` (best value of
    :math:`j` over units) and anti-ideal :math:`r^-_j`:

    .. math::

        S_i^\pm = \sqrt{\sum_j \big(w_j (r_{ij} - r^\pm_j)\big)^2} \;\text{(outside)}
        \quad\text{or}\quad \sqrt{\sum_j w_j (r_{ij} - r^\pm_j)^2} \;\text{(inside)},
        \qquad C_i = \frac{S_i^-}{S_i^+ + S_i^-}

    A unit that is best on every indicator scores 1.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 2, 1]}, index=list("xyz"))
    >>> topsis(d, directions={"a": 1, "b": -1}).round(4).tolist()
    [0.0, 0.5, 1.0]
    """
    x = _matrix(data, "topsis")
    codes = list(data.columns)
    w = _weights(weights, codes, "topsis")
    d = _directions(directions, codes, "topsis")
    if normalisation not in ("vector", "minmax"):
        msg = f"topsis: normalisation must be 'vector' or 'minmax', got {normalisation!r}."
        raise DataError(msg)
    if normalisation == "vector" and np.any(x < 0):
        neg = [str(c) for c in data.columns[(x < 0).any(axis=0)]]
        msg = f"topsis: vector normalisation needs non-negative data, got negatives in {neg}. Use 'minmax'."
        raise DataError(msg)
    c = topsis_array(x, w, directions=d, normalisation=normalisation, weights_inside_root=weights_inside_root)
    return pd.Series(np.clip(c, 0.0, 1.0), index=data.index, name="topsis")


# ----------------------------------------------------------------------------- outranking


def _outrank(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    diff = x[:, None, :] - x[None, :, :]
    scale = np.maximum(np.abs(x).max(axis=0), 1.0) * _TIE_TOL
    better = (diff > scale).astype(float)
    tie = (np.abs(diff) <= scale).astype(float)
    e = better @ w + 0.5 * (tie @ w)
    np.fill_diagonal(e, 0.0)
    return e


def outranking_matrix(
    data: pd.DataFrame, weights: pd.Series | Mapping[str, float] | None = None
) -> pd.DataFrame:
    r"""Return the weighted outranking matrix of the units.

    Parameters
    ----------
    data
        Direction-corrected indicator data (higher = better), complete.
    weights
        Weights per code (rescaled to sum 1); default equal.

    Returns
    -------
    pandas.DataFrame
        Units × units; entry :math:`e_{ik}` is the weight of the indicators on which
        :math:`i` beats :math:`k`, plus half the weight of ties; diagonal 0, and
        :math:`e_{ik} + e_{ki} = 1`.

    Notes
    -----
    COINr's ``outrankMatrix`` (OECD/JRC 2008 Handbook, pp. 112–113; Munda & Nardo 2009,
    *Applied Economics* 41, 1513–1523):

    .. math::

        e_{ik} = \sum_j w_j \big(\mathbb{1}[x_{ij} > x_{kj}]
        + \tfrac12 \mathbb{1}[x_{ij} = x_{kj}]\big)

    Values closer than 1e-9 (relative to the indicator's magnitude) count as ties.
    """
    x = _matrix(data, "outranking_matrix")
    w = _weights(weights, list(data.columns), "outranking_matrix")
    return pd.DataFrame(_outrank(x, w), index=data.index, columns=data.index)


def copeland(data: pd.DataFrame, weights: pd.Series | Mapping[str, float] | None = None) -> pd.Series:
    r"""Return Copeland scores from weighted pairwise majorities (COINr ``a_copeland``).

    Parameters
    ----------
    data
        Direction-corrected indicator data (higher = better), complete.
    weights
        Weights per code (rescaled to sum 1); default equal.

    Returns
    -------
    pandas.Series
        Per unit: the number of units it beats by weighted majority minus the number it
        loses to (a pair at exactly 0.5 counts 0), named ``"copeland"``. Ranges from
        :math:`-(n-1)` to :math:`n-1`.

    Notes
    -----
    The non-compensatory aggregation of the OECD/JRC Handbook (2008, pp. 112–113) as in
    COINr ``a_copeland``: with the outranking matrix :math:`e` of
    :func:`outranking_matrix`,

    .. math:: \text{score}_i = \sum_{k \ne i} \operatorname{sign}(e_{ik} - \tfrac12)

    A unit that is at least as good as every other on every indicator (and strictly
    better somewhere against each) scores :math:`n - 1`.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [3.0, 2, 1], "b": [1.0, 3, 2]}, index=list("xyz"))
    >>> copeland(d, pd.Series({"a": 0.6, "b": 0.4})).tolist()
    [2.0, 0.0, -2.0]
    """
    x = _matrix(data, "copeland")
    w = _weights(weights, list(data.columns), "copeland")
    e = _outrank(x, w)
    s = np.where(e > 0.5 + _TIE_TOL, 1.0, np.where(e < 0.5 - _TIE_TOL, -1.0, 0.0))
    np.fill_diagonal(s, 0.0)
    return pd.Series(s.sum(axis=1), index=data.index, name="copeland")


class KemenyResult(NamedTuple):
    """Result of :func:`kemeny`."""

    ranks: pd.Series
    score: float
    n_optimal: int


def kemeny(
    data: pd.DataFrame,
    weights: pd.Series | Mapping[str, float] | None = None,
    *,
    max_units: int = 10,
) -> KemenyResult:
    r"""Return the exact Kemeny–Young ranking of the units from weighted pairwise preferences.

    Parameters
    ----------
    data
        Direction-corrected indicator data (higher = better), complete.
    weights
        Weights per code (rescaled to sum 1); default equal.
    max_units
        Largest number of units accepted; the exact search costs
        :math:`O(2^n n^2)` time and :math:`O(2^n)` memory.

    Returns
    -------
    KemenyResult
        ``ranks`` (1 = best, per unit), the ranking's ``score`` (sum of
        :math:`e_{ik}` over ordered pairs) and ``n_optimal``, the number of rankings
        reaching that score (1 when the optimum is unique). Among ties the
        lexicographically first ranking in the data's row order is returned.

    Raises
    ------
    DataError
        If there are more than ``max_units`` units.

    Notes
    -----
    Kemeny (1959) *Daedalus* 88, 577–591; Young & Levenglick (1978) *SIAM J. Appl.
    Math.* 35, 285–300; with weighted criteria as the condorcet-consistent ranking of
    the OECD/JRC Handbook (2008, pp. 112–113) and Munda (2008). The ranking
    :math:`\pi` maximises

    .. math:: \Phi(\pi) = \sum_{i \succ_\pi k} e_{ik}

    with :math:`e` from :func:`outranking_matrix`. The search is exact dynamic
    programming over subsets (the set placed first), not a heuristic.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [3.0, 2, 1], "b": [1.0, 3, 2]}, index=list("xyz"))
    >>> kemeny(d, pd.Series({"a": 0.6, "b": 0.4})).ranks.tolist()
    [1, 2, 3]
    """
    x = _matrix(data, "kemeny")
    n = x.shape[0]
    if n > max_units:
        msg = (
            f"kemeny: exact Kemeny ranking is limited to max_units={max_units} units, got {n}. "
            "Raise max_units (cost grows as 2^n) or use copeland()."
        )
        raise DataError(msg)
    e = _outrank(x, _weights(weights, list(data.columns), "kemeny"))
    full = (1 << n) - 1
    masks = np.arange(1 << n)
    below = ((masks[:, None] >> np.arange(n)) & 1) == 0  # units not yet placed
    # gain[mask, v]: placing v next, above every unit still unplaced.
    gain = below.astype(float) @ e.T
    best = np.zeros(1 << n)  # best score of ordering the unplaced units, given mask on top
    count = np.zeros(1 << n, dtype=np.int64)
    count[full] = 1
    for mask in range(full - 1, -1, -1):
        cand = [(gain[mask, v] + best[mask | 1 << v], v) for v in range(n) if below[mask, v]]
        top = max(c for c, _ in cand)
        best[mask] = top
        count[mask] = sum(count[mask | 1 << v] for c, v in cand if c >= top - _TIE_TOL)
    order, mask = [], 0
    while mask != full:
        v = next(
            v
            for v in range(n)
            if below[mask, v] and gain[mask, v] + best[mask | 1 << v] >= best[mask] - _TIE_TOL
        )
        order.append(v)
        mask |= 1 << v
    ranks = np.empty(n, dtype=int)
    ranks[order] = np.arange(1, n + 1)
    return KemenyResult(pd.Series(ranks, index=data.index, name="rank"), float(best[0]), int(count[0]))


# ----------------------------------------------------------------------------- MPI


def mazziotta_pareto(
    data: pd.DataFrame,
    *,
    directions: pd.Series | Mapping[str, int] | None = None,
    penalty: Literal["minus", "plus"] = "minus",
) -> pd.Series:
    r"""Return the Mazziotta–Pareto index (MPI), a non-compensatory composite.

    Parameters
    ----------
    data
        Raw indicator data (units × indicators), complete.
    directions
        +1 (higher is better) or −1 per code; default all +1. Indicators with −1 are
        standardised with the sign reversed.
    penalty
        ``"minus"`` (MPI⁻, for phenomena where higher is better, e.g. development or
        integration: unbalanced units are penalised downwards) or ``"plus"`` (MPI⁺, for
        "negative" phenomena such as poverty, where imbalance pushes the index up).

    Returns
    -------
    pandas.Series
        The index (about 100 for an average unit), named ``"mpi"``.

    Raises
    ------
    DataError
        On missing values, fewer than 2 units, or a constant indicator.

    Notes
    -----
    Mazziotta, M. & Pareto, A. (2016) On a generalized non-compensatory composite index
    for measuring socio-economic phenomena. *Social Indicators Research* 127, 983–1003.
    Standardise each indicator to mean 100 and sd 10 (population sd, divisor n), then
    take each unit's mean :math:`M_i` and sd :math:`S_i` over its m standardised values:

    .. math::

        z_{ij} = 100 \pm 10\,\frac{x_{ij} - M_{x_j}}{S_{x_j}}, \qquad
        MPI^\pm_i = M_{z_i} \pm S_{z_i}\, cv_i, \qquad cv_i = \frac{S_{z_i}}{M_{z_i}}

    so the penalty is :math:`S_{z_i}^2 / M_{z_i}`; the ± in :math:`z` follows the
    indicator's direction and the ± in MPI follows ``penalty``.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 2, 1]})
    >>> mazziotta_pareto(d, directions={"a": 1, "b": -1}).round(4).tolist()
    [87.7526, 100.0, 112.2474]
    """
    x = _matrix(data, "mazziotta_pareto")
    if x.shape[0] < 2:
        msg = f"mazziotta_pareto: expected at least 2 units, got {x.shape[0]}."
        raise DataError(msg)
    d = _directions(directions, list(data.columns), "mazziotta_pareto")
    sd = x.std(axis=0)
    if np.any(sd == 0):
        const = [str(c) for c in data.columns[sd == 0]]
        msg = f"mazziotta_pareto: indicators {const} are constant; they cannot be standardised. Drop them."
        raise DataError(msg)
    z = 100.0 + 10.0 * d * (x - x.mean(axis=0)) / sd
    m = z.mean(axis=1)
    s = z.std(axis=1)
    if penalty not in ("minus", "plus"):
        msg = f"mazziotta_pareto: penalty must be 'minus' or 'plus', got {penalty!r}."
        raise DataError(msg)
    sign = -1.0 if penalty == "minus" else 1.0
    return pd.Series(m + sign * s * (s / m), index=data.index, name="mpi")
