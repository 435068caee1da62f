"""Data-driven weights: principal components, entropy, CRITIC.

The array kernels (:func:`entropy_weights_array`, :func:`critic_weights_array`) work on
arrays of shape ``(..., n_units, n_indicators)`` so that uncertainty analysis can
compute many replicates at once. Import them from :mod:`tongcheng.composite.weights`.
"""

from __future__ import annotations

import math
import warnings
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from tongcheng._errors import DataError

from ._checks import _matrix, _series

__all__ = [
    "PCAWeights",
    "critic_weights",
    "critic_weights_array",
    "entropy_weights",
    "entropy_weights_array",
    "indicator_entropy",
    "pca_weights",
]


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
