r"""Coupling coordination degree (耦合协调度) between subsystems.

Subsystem scores :math:`u_1, \dots, u_n \in [0, 1]` per unit (a DataFrame with one
column per subsystem) give the coupling degree :math:`C`, the comprehensive development
index :math:`T = \sum \alpha_i u_i` and the coupling coordination degree
:math:`D = \sqrt{C T}`, classed into the ten 失调/协调 classes. The functions also accept
plain arrays of shape ``(..., n_units, n_subsystems)``, so uncertainty analysis can
evaluate many replicates at once.
"""

from __future__ import annotations

from math import comb
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from tongcheng._errors import DataError

__all__ = [
    "COORDINATION_CLASSES",
    "CoordinationClass",
    "coordination_class",
    "coordination_degree",
    "coupling_degree",
]


class CoordinationClass(NamedTuple):
    """One class of the coupling coordination degree D (lower bound inclusive)."""

    lower: float
    upper: float
    zh: str
    en: str


#: The ten classes of D in common Chinese use (e.g. 廖重斌 1999, 热带地理 19(2); 王淑佳 et al.
#: 2021): ``lower ≤ D < upper``, with D = 1 in the last class.
COORDINATION_CLASSES: tuple[CoordinationClass, ...] = (
    CoordinationClass(0.0, 0.1, "极度失调", "extreme imbalance"),
    CoordinationClass(0.1, 0.2, "严重失调", "serious imbalance"),
    CoordinationClass(0.2, 0.3, "中度失调", "moderate imbalance"),
    CoordinationClass(0.3, 0.4, "轻度失调", "mild imbalance"),
    CoordinationClass(0.4, 0.5, "濒临失调", "on the verge of imbalance"),
    CoordinationClass(0.5, 0.6, "勉强协调", "barely coordinated"),
    CoordinationClass(0.6, 0.7, "初级协调", "primary coordination"),
    CoordinationClass(0.7, 0.8, "中级协调", "intermediate coordination"),
    CoordinationClass(0.8, 0.9, "良好协调", "good coordination"),
    CoordinationClass(0.9, 1.0, "优质协调", "high-quality coordination"),
)


def _scores(u: pd.DataFrame | np.ndarray, what: str) -> np.ndarray:
    if isinstance(u, pd.DataFrame):
        bad = [c for c in u.columns if not pd.api.types.is_numeric_dtype(u[c])]
        if bad:
            msg = f"{what}: expected numeric subsystem scores, got non-numeric columns {bad}."
            raise DataError(msg)
    x = np.asarray(u, dtype=float)
    if x.ndim < 2 or x.shape[-1] < 2:
        msg = f"{what}: expected scores of at least 2 subsystems (one column each), got shape {x.shape}."
        raise DataError(msg)
    finite = x[np.isfinite(x)]
    if np.isinf(x).any() or (finite.size and (finite.min() < 0 or finite.max() > 1)):
        lo, hi = (float(np.nanmin(x)), float(np.nanmax(x))) if finite.size else (np.nan, np.nan)
        msg = (
            f"{what}: expected subsystem scores in [0, 1], got values from {lo:g} to {hi:g}. "
            "Min–max normalise the subsystem scores first."
        )
        raise DataError(msg)
    return x


def _wrap(values: np.ndarray, u: pd.DataFrame | np.ndarray, name: str) -> pd.Series | np.ndarray:
    if isinstance(u, pd.DataFrame):
        return pd.Series(values, index=u.index, name=name)
    return values


def coupling_degree(
    u: pd.DataFrame | np.ndarray,
    *,
    formula: Literal["standard", "modified2021"] = "standard",
) -> pd.Series | np.ndarray:
    r"""Return the coupling degree C of n subsystems for each unit.

    Parameters
    ----------
    u
        Subsystem scores in [0, 1]: a DataFrame (units × subsystems) or an array of
        shape ``(..., n_units, n_subsystems)``; n ≥ 2.
    formula
        ``"standard"`` (the normative formula) or ``"modified2021"`` (王淑佳 et al. 2021).

    Returns
    -------
    pandas.Series or numpy.ndarray
        C in [0, 1] per unit (NaN where undefined, see Notes), named ``"C"``.

    Raises
    ------
    DataError
        If fewer than 2 subsystems are given or a score lies outside [0, 1].

    Notes
    -----
    Standard (normative) form, the ratio of the geometric to the arithmetic mean:

    .. math:: C = n \left[\frac{\prod_{i=1}^n u_i}{\left(\sum_{i=1}^n u_i\right)^n}\right]^{1/n}

    C = 1 when all subsystems are equal; C is NaN when every :math:`u_i = 0`.

    Modified form of 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021) 国内耦合协调度模型的误区及
    修正. 自然资源学报 36(3): 793–810, doi:10.31497/zrzyxb.20210319:

    .. math::

        C = \sqrt{\left[1 - \frac{\sum_{i>j} \sqrt{(u_i - u_j)^2}}{\sum_{m=1}^{n-1} m}\right]
        \times \left(\prod_{i=1}^n \frac{u_i}{\max_k u_k}\right)^{1/(n-1)}}

    The product is over the ratios :math:`u_i / \max u` (the reading that reproduces the
    paper's Table 8 and the one implemented in the R package ``coupling``, method
    ``"wang"``). The first factor is floored at 0; C is NaN when every :math:`u_i = 0`.
    Unlike the standard form it falls with the absolute gap between subsystems, not only
    their ratio.

    Examples
    --------
    >>> u = pd.DataFrame({"eco": [0.5, 0.8], "env": [0.5, 0.2]})
    >>> coupling_degree(u).round(4).tolist()
    [1.0, 0.8]
    >>> coupling_degree(u, formula="modified2021").round(4).tolist()
    [1.0, 0.3162]
    """
    x = _scores(u, "coupling_degree")
    n = x.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        if formula == "standard":
            total = x.sum(axis=-1)
            geo = np.exp(np.log(x).mean(axis=-1))
            c = np.where(total > 0, n * geo / total, np.nan)
        elif formula == "modified2021":
            i, j = np.triu_indices(n, k=1)
            spread = np.abs(x[..., i] - x[..., j]).sum(axis=-1) / comb(n, 2)
            top = x.max(axis=-1, keepdims=True)
            ratio = np.exp(np.log(x / top).sum(axis=-1) / (n - 1))
            c = np.where(top[..., 0] > 0, np.sqrt(np.clip(1.0 - spread, 0.0, None) * ratio), np.nan)
        else:
            msg = f"coupling_degree: formula must be 'standard' or 'modified2021', got {formula!r}."
            raise DataError(msg)
    return _wrap(np.clip(c, 0.0, 1.0), u, "C")


def coordination_degree(
    u: pd.DataFrame,
    *,
    weights: pd.Series | None = None,
    C: pd.Series | np.ndarray | None = None,
    formula: Literal["standard", "modified2021"] = "standard",
) -> pd.DataFrame:
    r"""Return the coupling degree C, development index T and coordination degree D.

    Parameters
    ----------
    u
        Subsystem scores in [0, 1] (units × subsystems).
    weights
        Contribution coefficients :math:`\alpha_i` of the subsystems, indexed by the
        column names (rescaled to sum 1); default equal.
    C
        Coupling degrees already computed; by default :func:`coupling_degree` with
        ``formula``.
    formula
        Passed to :func:`coupling_degree` when ``C`` is not given.

    Returns
    -------
    pandas.DataFrame
        Columns ``C``, ``T``, ``D`` indexed like ``u``.

    Raises
    ------
    DataError
        On scores outside [0, 1], negative weights, or weights that do not match the
        subsystems.

    Notes
    -----
    .. math:: T = \sum_i \alpha_i u_i, \qquad D = \sqrt{C \cdot T}, \qquad \sum_i \alpha_i = 1

    (王淑佳 et al. 2021, eqs. 2–3, who stress that the :math:`\alpha_i` must sum to 1.)
    D increases with T for fixed C.

    Examples
    --------
    >>> u = pd.DataFrame({"eco": [0.5, 0.8], "env": [0.5, 0.2]}, index=["A", "B"])
    >>> coordination_degree(u).round(4)
         C    T       D
    A  1.0  0.5  0.7071
    B  0.8  0.5  0.6325
    """
    x = _scores(u, "coordination_degree")
    cols = list(u.columns)
    if weights is None:
        alpha = np.full(len(cols), 1.0 / len(cols))
    else:
        if set(weights.index) != set(cols):
            msg = f"coordination_degree: expected weights for subsystems {cols}, got {list(weights.index)}."
            raise DataError(msg)
        alpha = weights.reindex(cols).to_numpy(dtype=float)
        if np.any(alpha < 0) or not np.isfinite(alpha).all() or alpha.sum() <= 0:
            msg = (
                "coordination_degree: expected non-negative weights with a positive sum, "
                f"got {alpha.tolist()}."
            )
            raise DataError(msg)
        alpha = alpha / alpha.sum()
    if C is None:
        c = np.asarray(coupling_degree(x, formula=formula), dtype=float)
    elif isinstance(C, pd.Series):
        if not C.index.equals(u.index) and set(C.index) != set(u.index):
            msg = "coordination_degree: C must be indexed by the same units as u."
            raise DataError(msg)
        c = C.reindex(u.index).to_numpy(dtype=float)
    else:
        c = np.asarray(C, dtype=float)
    t = x @ alpha
    return pd.DataFrame({"C": c, "T": t, "D": np.sqrt(c * t)}, index=u.index)


def coordination_class(
    D: pd.Series | np.ndarray | float,
    *,
    language: Literal["zh", "en", "both"] = "zh",
) -> pd.Series:
    """Return the coordination class of each coupling coordination degree D.

    Parameters
    ----------
    D
        Coupling coordination degrees in [0, 1].
    language
        ``"zh"`` (e.g. 勉强协调), ``"en"`` (barely coordinated) or ``"both"``
        (``"勉强协调 (barely coordinated)"``).

    Returns
    -------
    pandas.Series
        Class labels (categorical, ordered from 极度失调 to 优质协调), NaN where D is NaN.

    Raises
    ------
    DataError
        If a value lies outside [0, 1].

    Notes
    -----
    Ten equal classes, lower bound inclusive (:data:`COORDINATION_CLASSES`):
    [0, 0.1) 极度失调, [0.1, 0.2) 严重失调, [0.2, 0.3) 中度失调, [0.3, 0.4) 轻度失调,
    [0.4, 0.5) 濒临失调, [0.5, 0.6) 勉强协调, [0.6, 0.7) 初级协调, [0.7, 0.8) 中级协调,
    [0.8, 0.9) 良好协调, [0.9, 1.0] 优质协调 (廖重斌 1999, 环境与经济协调发展的定量评判
    及其分类体系, 热带地理 19(2): 171–177; 王淑佳 et al. 2021, Table 1).

    Examples
    --------
    >>> coordination_class(pd.Series([0.05, 0.3, 1.0])).tolist()
    ['极度失调', '轻度失调', '优质协调']
    >>> coordination_class(0.55, language="both").tolist()
    ['勉强协调 (barely coordinated)']
    """
    index = D.index if isinstance(D, pd.Series) else None
    d = np.atleast_1d(np.asarray(D, dtype=float))
    finite = d[~np.isnan(d)]
    if finite.size and (finite.min() < 0 or finite.max() > 1):
        msg = (
            f"coordination_class: expected D in [0, 1], got values from {finite.min():g} to {finite.max():g}."
        )
        raise DataError(msg)
    if language == "zh":
        labels = [k.zh for k in COORDINATION_CLASSES]
    elif language == "en":
        labels = [k.en for k in COORDINATION_CLASSES]
    elif language == "both":
        labels = [f"{k.zh} ({k.en})" for k in COORDINATION_CLASSES]
    else:
        msg = f"coordination_class: language must be 'zh', 'en' or 'both', got {language!r}."
        raise DataError(msg)
    # Round away binary noise so that e.g. 0.3 (stored as 0.29999...) falls in [0.3, 0.4).
    k = np.minimum(np.floor(np.round(d * 10, 9)), 9)
    codes = np.where(np.isnan(d), -1, k).astype(int)
    cat = pd.Categorical.from_codes(codes, categories=labels, ordered=True)
    return pd.Series(cat, index=index, name="class")
