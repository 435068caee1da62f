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
from collections.abc import Callable, Iterable, Mapping
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import optimize

from tongcheng._errors import DataError

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


# ----------------------------------------------------------------------------- helpers


def _matrix(data: pd.DataFrame, what: str, *, allow_nan: bool = False) -> np.ndarray:
    """Return ``data`` as a float array, raising DataError on non-numeric or missing cells."""
    if not isinstance(data, pd.DataFrame):
        msg = f"{what}: expected a DataFrame (units × indicators), got {type(data).__name__}."
        raise DataError(msg)
    if data.shape[1] == 0 or data.shape[0] == 0:
        msg = f"{what}: expected at least one unit and one indicator, got shape {data.shape}."
        raise DataError(msg)
    bad = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        msg = f"{what}: expected numeric indicator columns, got non-numeric {bad}. Convert or drop them."
        raise DataError(msg)
    x = data.to_numpy(dtype=float)
    if not allow_nan and np.isnan(x).any():
        cols = [str(c) for c in data.columns[np.isnan(x).any(axis=0)]]
        msg = f"{what}: expected complete data, got missing values in {cols}. Impute or screen first."
        raise DataError(msg)
    if np.isinf(x).any():
        msg = f"{what}: expected finite values, got infinities. Check denominators."
        raise DataError(msg)
    return x


def _series(values: np.ndarray, codes: Iterable[object], name: str = "weight") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.Index(list(codes)), name=name)


def _normalise(w: np.ndarray, what: str) -> np.ndarray:
    total = w.sum(axis=-1, keepdims=True)
    if np.any(total <= 0) or np.any(~np.isfinite(total)):
        msg = f"{what}: weights are undefined (their sum is {np.ravel(total)[0]!r}, expected > 0)."
        raise DataError(msg)
    return w / total


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


# ----------------------------------------------------------------------------- PCA


class PCAWeights(NamedTuple):
    """Result of :func:`pca_weights`."""

    weights: pd.Series
    loadings: pd.DataFrame
    explained: pd.Series
    assignment: pd.Series


def _eig_corr(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sd = x.std(axis=0, ddof=1)
    if np.any(sd == 0):
        msg = "pca_weights: expected indicators that vary across units, got constant columns."
        raise DataError(msg)
    r = np.corrcoef(x, rowvar=False)
    vals, vecs = np.linalg.eigh(r)
    order = np.argsort(vals)[::-1]
    return vals[order], vecs[:, order]


def _fix_negative(w: np.ndarray, codes: list[object], negative: str) -> np.ndarray:
    if np.all(w >= -1e-12):
        return np.clip(w, 0.0, None)
    if negative == "zero":
        return np.clip(w, 0.0, None)
    if negative == "abs":
        return np.abs(w)
    neg = [str(c) for c, v in zip(codes, w, strict=True) if v < 0]
    msg = (
        f"pca_weights: the first component loads negatively on {neg} after sign fixing, so PC1 "
        "weights would be negative. Check indicator directions, or pass negative='zero' or 'abs'."
    )
    raise DataError(msg)


def pca_weights(
    data: pd.DataFrame,
    *,
    method: Literal["coinr", "handbook"] = "coinr",
    n_factors: int | None = None,
    negative: Literal["error", "zero", "abs"] = "error",
) -> PCAWeights:
    r"""Return weights from principal component analysis.

    Parameters
    ----------
    data
        Normalised indicator data (units × indicators), complete.
    method
        ``"coinr"``: the loadings (eigenvector entries) of the first principal component
        of the correlation matrix, as COINr's ``get_PCA`` (``prcomp(center = TRUE,
        scale = TRUE)$rotation[, 1]``), sign-fixed and rescaled to sum 1.
        ``"handbook"``: the OECD/JRC Handbook (2008, pp. 89–91) factor-analysis weights
        (see Notes).
    n_factors
        Handbook method only: number of factors to retain, overriding the retention rules.
    negative
        What to do with weights still negative after sign fixing: ``"error"`` (raise),
        ``"zero"`` (set to 0) or ``"abs"`` (take absolute values).

    Returns
    -------
    PCAWeights
        ``weights``; ``loadings`` (PC1 eigenvector for ``coinr``, varimax-rotated loadings
        of the retained factors for ``handbook``); ``explained`` (share of total variance
        of each component for ``coinr``, of each rotated factor for ``handbook``);
        ``assignment`` (factor each indicator is assigned to).

    Raises
    ------
    DataError
        On missing values, constant indicators, or negative weights with
        ``negative="error"``.

    Notes
    -----
    Components are those of the correlation matrix :math:`R = V \Lambda V^T`.
    Axes have no sign in PCA, so each component (or rotated factor) is flipped to make
    its loadings sum positive.

    **coinr**: :math:`w_j = v_{j1} / \sum_k v_{k1}`. COINr leaves the loadings
    unscaled (its aggregation rescales relative weights); here they are rescaled to 1.

    **handbook**: retain the components with :math:`\lambda > 1` that each explain
    more than 10 % of the variance (the handbook also asks for a cumulative share above
    60 %: a :class:`UserWarning` says when it is not reached); loadings :math:`L = V_k \Lambda_k^{1/2}` are
    varimax-rotated (Kaiser normalisation, via ``factor_analyzer``); squared rotated
    loadings are scaled to unity sum within each factor,
    :math:`s_{jf} = L_{jf}^2 / \sum_i L_{if}^2`; each indicator goes to the factor
    with its largest :math:`s_{jf}`; factors are weighted by their share of the rotated
    explained variance, so

    .. math::

        w_j \propto \frac{V_{f(j)}}{\sum_f V_f}\, s_{j f(j)}, \qquad
        V_f = \sum_i L_{if}^2,

    rescaled to sum 1. OECD/JRC (2008) *Handbook on Constructing Composite Indicators:
    Methodology and User Guide*, OECD Publishing, pp. 89–91; Nicoletti, Scarpetta &
    Boylaud (2000) OECD Economics Department WP 226.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=200)
    >>> d = pd.DataFrame({c: f + rng.normal(scale=s, size=200) for c, s in zip("abc", (0.3, 0.3, 0.3))})
    >>> res = pca_weights(d)
    >>> bool(abs(res.weights.sum() - 1) < 1e-12 and (res.weights > 0.3).all())
    True
    """
    x = _matrix(data, "pca_weights")
    if x.shape[0] < 3:
        msg = f"pca_weights: expected at least 3 units, got {x.shape[0]}."
        raise DataError(msg)
    codes = list(data.columns)
    vals, vecs = _eig_corr(x)
    share = vals / vals.sum()
    if method == "coinr":
        v = vecs[:, 0] * (1.0 if vecs[:, 0].sum() >= 0 else -1.0)
        w = _fix_negative(v, codes, negative)
        return PCAWeights(
            _series(w / w.sum(), codes),
            pd.DataFrame({"PC1": v}, index=codes),
            _series(share, [f"PC{i + 1}" for i in range(len(vals))], name="explained"),
            pd.Series("PC1", index=codes, name="factor"),
        )
    if method != "handbook":
        msg = f"pca_weights: method must be 'coinr' or 'handbook', got {method!r}."
        raise DataError(msg)
    k = n_factors if n_factors is not None else max(int(np.sum((vals > 1) & (share > 0.1))), 1)
    if not 1 <= k <= len(vals):
        msg = f"pca_weights: n_factors must be between 1 and {len(vals)}, got {k}."
        raise DataError(msg)
    if n_factors is None and share[:k].sum() <= 0.6:
        warnings.warn(
            f"pca_weights: the {k} retained factor(s) explain {share[:k].sum():.0%} of the variance, "
            "not more than 60 % as the handbook asks; the factor weights summarise the data poorly. "
            "Consider n_factors= or another weighting.",
            UserWarning,
            stacklevel=2,
        )
    loads = vecs[:, :k] * np.sqrt(np.clip(vals[:k], 0, None))
    if k > 1:
        from factor_analyzer.rotator import Rotator

        loads = Rotator(method="varimax", normalize=True).fit_transform(loads)
    loads = loads * np.where(loads.sum(axis=0) >= 0, 1.0, -1.0)
    sq = loads**2
    var_f = sq.sum(axis=0)
    scaled = sq / var_f
    f_of = np.argmax(scaled, axis=1)
    w = (var_f / var_f.sum())[f_of] * scaled[np.arange(len(codes)), f_of]
    names = [f"F{i + 1}" for i in range(k)]
    return PCAWeights(
        _series(w / w.sum(), codes),
        pd.DataFrame(loads, index=codes, columns=names),
        _series(var_f / len(codes), names, name="explained"),
        pd.Series([names[i] for i in f_of], index=codes, name="factor"),
    )


# ----------------------------------------------------------------------------- entropy


def entropy_weights_array(x: np.ndarray, *, shift: float = 0.0) -> np.ndarray:
    """Entropy weights of arrays of shape ``(..., n_units, n_indicators)``.

    See :func:`entropy_weights` for the formula. No input checks: values must be
    non-negative with a positive column sum after the shift; returns NaN where the
    weights are undefined.
    """
    x = np.asarray(x, dtype=float) + shift
    n = x.shape[-2]
    p = x / x.sum(axis=-2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=-2) / math.log(n)
    d = 1.0 - e
    with np.errstate(divide="ignore", invalid="ignore"):
        return d / d.sum(axis=-1, keepdims=True)


def _entropy_checks(x: np.ndarray, codes: list[object], shift: float, what: str) -> None:
    if shift < 0:
        msg = f"{what}: shift must be ≥ 0, got {shift}."
        raise DataError(msg)
    if x.shape[0] < 2:
        msg = f"{what}: expected at least 2 units, got {x.shape[0]}."
        raise DataError(msg)
    neg = [str(c) for c in np.asarray(codes, dtype=object)[(x < 0).any(axis=0)]]
    if neg:
        msg = (
            f"{what}: expected non-negative data, got negative values in {neg}. Normalise with min–max first."
        )
        raise DataError(msg)
    zero = [str(c) for c in np.asarray(codes, dtype=object)[(x + shift).sum(axis=0) <= 0]]
    if zero:
        msg = f"{what}: indicators {zero} are zero for every unit, so p_ij = x_ij/Σx is undefined; drop them."
        raise DataError(msg)


def indicator_entropy(data: pd.DataFrame, *, shift: float = 0.0) -> pd.Series:
    """Return the information entropy :math:`e_j` of each indicator (see :func:`entropy_weights`)."""
    x = _matrix(data, "indicator_entropy")
    codes = list(data.columns)
    _entropy_checks(x, codes, shift, "indicator_entropy")
    x = x + shift
    p = x / x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return _series(-plogp.sum(axis=0) / math.log(x.shape[0]), codes, name="entropy")


def _entropy_one(x: np.ndarray, codes: list[object], shift: float, what: str) -> np.ndarray:
    _entropy_checks(x, codes, shift, what)
    w = entropy_weights_array(x, shift=shift)
    if not np.all(np.isfinite(w)):
        msg = (
            f"{what}: every indicator has maximal entropy (each is constant across units), "
            "so entropy weights are undefined. Use equal weights."
        )
        raise DataError(msg)
    return w


def entropy_weights(
    data: pd.DataFrame,
    *,
    panel: bool = False,
    shift: float = 0.0,
    year_level: str | int = "year",
) -> pd.Series | pd.DataFrame:
    r"""Return entropy weights (熵权法), for one cross-section, per year, or pooled.

    Parameters
    ----------
    data
        Non-negative normalised data (e.g. min–max to [0, 1]), complete. Either one
        cross-section (index = unit) or a panel with a ``(unit, year)`` MultiIndex.
    panel
        For panel data: ``False`` computes weights separately for each year; ``True``
        pools all unit-years into one matrix (``n`` = number of unit-years), so every
        year gets the same weights and index values stay comparable over time.
    shift
        Constant added to every value before computing shares (the common 0.0001 or
        0.01 shift after min–max normalisation). Default 0: zeros are kept and
        :math:`0 \ln 0 = 0`.
    year_level
        Name or position of the year level of a panel MultiIndex (falls back to the
        last level when no level has this name).

    Returns
    -------
    pandas.Series or pandas.DataFrame
        A weights Series for a cross-section or a pooled panel; for a panel with
        ``panel=False``, a DataFrame with one row of weights per year.

    Raises
    ------
    DataError
        On negative or missing values, fewer than 2 units, an all-zero indicator, or when
        every indicator is constant (weights undefined).

    Notes
    -----
    Shannon entropy weighting (e.g. Zeleny 1982; Zou, Yun & Sun 2006, *Journal of
    Environmental Sciences* 18(5), 1020–1023). With :math:`x_{ij} \ge 0` for unit
    :math:`i = 1..n` and indicator :math:`j`:

    .. math::

        p_{ij} = \frac{x_{ij} + s}{\sum_i (x_{ij} + s)}, \quad
        e_j = -\frac{1}{\ln n} \sum_i p_{ij} \ln p_{ij}, \quad
        d_j = 1 - e_j, \quad w_j = \frac{d_j}{\sum_k d_k}

    with :math:`0 \ln 0 = 0` and shift :math:`s`. The weights do not change if an
    indicator is multiplied by a positive constant (only when ``shift = 0``).

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1.0, 1, 1, 1], "b": [1.0, 0, 0, 0], "c": [1.0, 1, 0, 0]})
    >>> entropy_weights(d).round(4).tolist()
    [0.0, 0.6667, 0.3333]
    """
    x = _matrix(data, "entropy_weights")
    codes = list(data.columns)
    if not isinstance(data.index, pd.MultiIndex) or panel:
        return _series(_entropy_one(x, codes, shift, "entropy_weights"), codes)
    names = list(data.index.names)
    level = year_level if year_level in names else (year_level if isinstance(year_level, int) else -1)
    years = data.index.get_level_values(level)
    rows = {}
    for year in pd.unique(years):
        mask = np.asarray(years == year)
        rows[year] = _entropy_one(x[mask], codes, shift, f"entropy_weights (year {year})")
    out = pd.DataFrame.from_dict(rows, orient="index", columns=codes)
    out.index.name = level if isinstance(level, str) else (names[level] or "year")
    return out


# ----------------------------------------------------------------------------- CRITIC


def critic_weights_array(x: np.ndarray) -> np.ndarray:
    """CRITIC weights of arrays of shape ``(..., n_units, n_indicators)``.

    See :func:`critic_weights`. Constant indicators get weight 0 and are left out of
    the other indicators' conflict sums.
    """
    x = np.asarray(x, dtype=float)
    xc = x - x.mean(axis=-2, keepdims=True)
    ss = np.sqrt((xc**2).sum(axis=-2))
    sd = ss / math.sqrt(x.shape[-2] - 1)
    varies = ss > 1e-12 * np.maximum(np.abs(x).max(axis=-2), 1.0)
    z = np.where(varies[..., None, :], xc / np.where(varies, ss, 1.0)[..., None, :], 0.0)
    r = np.swapaxes(z, -1, -2) @ z
    conflict = ((1.0 - r) * varies[..., None, :]).sum(axis=-1)
    conflict = np.where(conflict > 1e-10, conflict, 0.0)  # perfectly correlated: no conflict
    c = np.where(varies, sd * conflict, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return c / c.sum(axis=-1, keepdims=True)


def critic_weights(data: pd.DataFrame) -> pd.Series:
    r"""Return CRITIC weights (contrast intensity and conflict between criteria).

    Parameters
    ----------
    data
        Normalised indicator data (units × indicators), complete.

    Returns
    -------
    pandas.Series
        The weights; an indicator constant across units gets 0.

    Raises
    ------
    DataError
        On missing values, fewer than 3 units, or fewer than 2 varying indicators.

    Notes
    -----
    Diakoulaki, Mavrotas & Papayannakis (1995) Determining objective weights in
    multiple criteria problems: the CRITIC method. *Computers & Operations Research*
    22(7), 763–770:

    .. math::

        C_j = \sigma_j \sum_{k=1}^m (1 - r_{jk}), \qquad w_j = C_j \Big/ \sum_k C_k

    with :math:`\sigma_j` the standard deviation and :math:`r_{jk}` the Pearson
    correlation. The weights are unchanged if all data are multiplied by one positive
    constant or shifted (the sd's degrees of freedom cancel).

    Examples
    --------
    >>> d = pd.DataFrame({"a": [0, 0.5, 1], "b": [1, 0.5, 0], "c": [0, 1, 0.5]})
    >>> critic_weights(d).tolist()
    [0.3125, 0.4375, 0.25]
    """
    x = _matrix(data, "critic_weights")
    if x.shape[0] < 3:
        msg = f"critic_weights: expected at least 3 units, got {x.shape[0]}."
        raise DataError(msg)
    w = critic_weights_array(x)
    if not np.all(np.isfinite(w)):
        msg = (
            "critic_weights: every C_j is 0 (fewer than two varying indicators, or all perfectly "
            "correlated), so CRITIC weights are undefined. Use equal weights."
        )
        raise DataError(msg)
    return _series(w, data.columns)


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
