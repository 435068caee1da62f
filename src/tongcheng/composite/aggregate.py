"""Aggregation by weighted means, vectorised, with COINr's handling of missing values.

Every mean works on arrays of shape ``(..., n_children)``: the last axis holds the values being
aggregated, any leading axes are batch axes (units, or variants × units). ``weights`` broadcasts
against ``values``: a vector of length ``n_children`` for one weight set, or an array of shape
``(variants, 1, n_children)`` for one weight set per variant. Missing values (``NaN``) are
skipped and the remaining weights renormalised, as COINr's ``a_amean``/``a_gmean``/``a_hmean``
do; a row with no value gives ``NaN``.

:func:`aggregate_tree` aggregates a normalised table level by level through a
:class:`~tongcheng.composite.framework.Framework`; :func:`aggregate_batch` does the same on 3-D
batches (variants × units × indicators) for uncertainty analysis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._errors import DataError
from .framework import Framework

__all__ = ["AGGREGATORS", "aggregate_batch", "aggregate_tree", "amean", "genmean", "gmean", "hmean"]


def _prep(values: np.ndarray, weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = np.asarray(values, dtype=float)
    w = np.ones(v.shape[-1]) if weights is None else np.asarray(weights, dtype=float)
    w = np.broadcast_to(w, v.shape)
    if np.isnan(w).any():
        msg = "weights cannot contain NaN"
        raise DataError(msg)
    miss = np.isnan(v)
    w_eff = np.where(miss, 0.0, w)
    return v, w_eff, miss


def _finish(num: np.ndarray, wsum: np.ndarray, miss: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = num / wsum
    return np.where(miss.all(axis=-1), np.nan, out)


def amean(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    r"""Weighted arithmetic mean over the last axis (COINr ``a_amean``).

    .. math:: y = \frac{\sum_{i \in A} w_i x_i}{\sum_{i \in A} w_i}, \quad A = \{i : x_i
              \text{ not missing}\}

    Examples
    --------
    >>> amean(np.array([[1.0, np.nan, 3.0]]), np.array([1.0, 5.0, 3.0])).tolist()
    [2.5]
    """
    v, w, miss = _prep(values, weights)
    return _finish(np.sum(w * np.where(miss, 0.0, v), axis=-1), w.sum(axis=-1), miss)


def gmean(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    r"""Weighted geometric mean over the last axis (COINr ``a_gmean``).

    .. math:: y = \exp\left(\frac{\sum_{i \in A} w_i \ln x_i}{\sum_{i \in A} w_i}\right)

    Raises
    ------
    DataError
        When a value is zero or negative: normalise onto a positive range (e.g. min–max to
        1–100) first, or use another mean.
    """
    v, w, miss = _prep(values, weights)
    if np.any(v[~miss] <= 0):
        msg = ("geometric mean of zero or negative values: normalise onto a positive range first "
               "(e.g. minmax with l_u = [1, 100]) or use the arithmetic mean")
        raise DataError(msg)
    logs = np.log(np.where(miss, 1.0, v))
    return np.exp(_finish(np.sum(w * logs, axis=-1), w.sum(axis=-1), miss))


def hmean(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    r"""Weighted harmonic mean over the last axis (COINr ``a_hmean``).

    .. math:: y = \frac{\sum_{i \in A} w_i}{\sum_{i \in A} w_i / x_i}

    Raises
    ------
    DataError
        When a value is zero.
    """
    v, w, miss = _prep(values, weights)
    if np.any(v[~miss] == 0):
        msg = "harmonic mean of zero values: normalise onto a positive range first or use another mean"
        raise DataError(msg)
    inv = np.sum(w / np.where(miss, 1.0, v), axis=-1)
    return _finish(w.sum(axis=-1), inv, miss)


def genmean(values: np.ndarray, weights: np.ndarray | None = None, *, p: float = 2.0) -> np.ndarray:
    r"""Weighted generalised (power) mean over the last axis (COINr ``a_genmean``).

    .. math:: y = \left(\frac{\sum_{i \in A} w_i x_i^p}{\sum_{i \in A} w_i}\right)^{1/p}

    ``p = 1`` is the arithmetic mean, ``p = -1`` the harmonic mean; ``p = 0`` (the geometric limit)
    is refused: use :func:`gmean`. Missing values are skipped; COINr 1.1's ``a_genmean`` instead
    returns ``NA`` for a row with any missing value.

    Raises
    ------
    DataError
        When ``p == 0``, or ``p < 0`` with a zero or negative value.
    """
    if p == 0:
        msg = "genmean with p = 0 is the geometric mean in the limit: use gmean"
        raise DataError(msg)
    v, w, miss = _prep(values, weights)
    if p < 0 and np.any(v[~miss] <= 0):
        msg = "generalised mean with p < 0 needs positive values"
        raise DataError(msg)
    with np.errstate(invalid="ignore"):
        m = _finish(np.sum(w * np.where(miss, 1.0, v) ** p, axis=-1), w.sum(axis=-1), miss)
        return m ** (1 / p)


AGGREGATORS: dict[str, Callable[..., np.ndarray]] = {
    "amean": amean,
    "gmean": gmean,
    "hmean": hmean,
    "genmean": genmean,
}
"""Means by name, each ``f(values, weights, **params)`` over the last axis. COINr names
(``a_amean`` …) resolve through :func:`get_aggregator`."""


def get_aggregator(name: str) -> Callable[..., np.ndarray]:
    """Look a mean up by name (``"amean"`` or COINr's ``"a_amean"``)."""
    key = name[2:] if name.startswith("a_") else name
    if key not in AGGREGATORS:
        msg = f"unknown aggregator {name!r}; known: {', '.join(sorted(AGGREGATORS))}"
        raise DataError(msg)
    return AGGREGATORS[key]


def _level_methods(method: str | Mapping[int, str], levels: list[int]) -> dict[int, str]:
    if isinstance(method, str):
        return dict.fromkeys(levels[1:], method)
    return {lev: method.get(lev, "amean") for lev in levels[1:]}


def aggregate_batch(values: np.ndarray, framework: Framework, *,
                    weights: np.ndarray | pd.Series | Mapping[str, float] | None = None,
                    method: str | Mapping[int, str] = "amean",
                    params: Mapping[int, Mapping[str, Any]] | None = None,
                    dat_thresh: float | None = None) -> np.ndarray:
    """Aggregate batches of indicator tables through the tree.

    Parameters
    ----------
    values
        Array ``(..., n_units, n_indicators)``, indicators in ``framework.indicators`` order;
        leading axes are variants.
    framework
        The tree.
    weights
        One weight per node: a Series/Mapping by code, or an array ``(..., n_nodes)`` in
        ``framework.coinr_order()`` order whose leading axes match the variants of ``values``.
    method
        Mean name for all levels, or ``{level: name}`` for the level being *produced* (2, 3, …).
    params
        Extra parameters per produced level (e.g. ``{2: {"p": 2}}`` for ``genmean``).
    dat_thresh
        Minimum share of available children below which the aggregate is ``NaN`` (COINr).

    Returns
    -------
    numpy.ndarray
        ``(..., n_units, n_nodes)``: indicators then aggregates, in ``framework.coinr_order()``.
    """
    order = framework.coinr_order()
    pos = {c: i for i, c in enumerate(order)}
    v = np.asarray(values, dtype=float)
    n_ind = len(framework.indicators)
    if v.shape[-1] != n_ind:
        msg = f"values have {v.shape[-1]} columns; the framework has {n_ind} indicators"
        raise DataError(msg)
    if weights is None or isinstance(weights, pd.Series | Mapping):
        wser = framework.weights()
        if weights is not None:
            wser.update(pd.Series(weights, dtype=float))
        w_all = wser.reindex(order).to_numpy(dtype=float)
    else:
        w_all = np.asarray(weights, dtype=float)
    out = np.full((*v.shape[:-1], len(order)), np.nan)
    out[..., :n_ind] = v
    methods = _level_methods(method, framework.levels)
    for lev in framework.levels[1:]:
        func = get_aggregator(methods[lev])
        extra = dict((params or {}).get(lev, {}))
        for code in framework.codes_at(lev):
            kids = [pos[c] for c in framework.children(code)]
            x = out[..., kids]
            w = w_all[..., kids]
            if w.ndim > 1:
                w = np.expand_dims(w, axis=-2)  # (..., 1, n_children): one set per variant
            y = func(x, w, **extra)
            if dat_thresh is not None:
                share = np.mean(~np.isnan(x), axis=-1)
                y = np.where(share < dat_thresh, np.nan, y)
            out[..., pos[code]] = y
    return out


def aggregate_tree(data: pd.DataFrame, framework: Framework, *,
                   weights: pd.Series | Mapping[str, float] | None = None,
                   method: str | Mapping[int, str] = "amean",
                   params: Mapping[int, Mapping[str, Any]] | None = None,
                   dat_thresh: float | None = None) -> pd.DataFrame:
    """Aggregate a normalised table level by level (COINr ``Aggregate``).

    Returns the table in COINr's layout: index = unit, columns = indicators (framework order),
    then the aggregates of each level (sorted by code, as COINr does). See
    :func:`aggregate_batch` for the parameters.

    Examples
    --------
    >>> from tongcheng.composite.framework import Node
    >>> fw = Framework([Node("a", 1, "I"), Node("b", 1, "I"), Node("I", 2)])
    >>> aggregate_tree(pd.DataFrame({"a": [10.0, 20.0], "b": [30.0, 40.0]}, index=["u", "v"]), fw)
          a     b     I
    u  10.0  30.0  20.0
    v  20.0  40.0  30.0
    """
    missing = [c for c in framework.indicators if c not in data.columns]
    if missing:
        msg = f"data lack indicator column(s) {missing}"
        raise DataError(msg)
    arr = data[framework.indicators].to_numpy(dtype=float)
    out = aggregate_batch(arr, framework, weights=weights, method=method, params=params,
                          dat_thresh=dat_thresh)
    return pd.DataFrame(out, index=data.index, columns=framework.coinr_order())
