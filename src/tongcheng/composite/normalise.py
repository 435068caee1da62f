"""Normalisation: bring indicators onto a common scale.

Every normaliser is a function ``f(x, *, direction=1, **params)`` taking a 1-D numeric array or
Series and returning the same type and length. As in COINr (``Normalise.numeric``) the values
are first multiplied by ``direction`` (−1 turns "lower is better" into "higher is better"), then
scaled. Missing values stay missing and are ignored by the statistics (min, max, mean, sd,
ranks). Functions are registered by name in :data:`NORMALISERS`, which the pipeline uses; COINr
names (``"n_minmax"`` …) are accepted as aliases.

References: OECD/JRC (2008), *Handbook on Constructing Composite Indicators*, §1.5; Becker et al.
(2022), COINr, JOSS 7(78) 4567.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .._errors import DataError

__all__ = [
    "NORMALISERS",
    "band",
    "base_index",
    "borda",
    "dist2max",
    "dist2ref",
    "dist2targ",
    "fracmax",
    "goalposts",
    "minmax",
    "normalise",
    "normalise_panel",
    "prank",
    "rank",
    "register_normaliser",
    "scaled",
    "sum_norm",
    "vector",
    "zscore",
]

ArrayLike = TypeVar("ArrayLike", np.ndarray, pd.Series)


def _wrap(func: Callable[..., np.ndarray]) -> Callable[..., Any]:
    """Accept array or Series, apply direction, return the input's type."""

    def inner(x: ArrayLike, *, direction: float = 1, **params: Any) -> ArrayLike:
        if direction not in (-1, 1):
            msg = f"direction must be 1 or -1; got {direction!r}"
            raise DataError(msg)
        arr = np.asarray(x, dtype=float) * direction
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = func(arr, **params)
        if isinstance(x, pd.Series):
            return pd.Series(out, index=x.index, name=x.name)
        return out

    inner.__name__ = func.__name__
    inner.__qualname__ = func.__qualname__
    inner.__doc__ = func.__doc__
    inner.__wrapped__ = func  # type: ignore[attr-defined]
    return inner


def _range(x: np.ndarray) -> tuple[float, float]:
    if np.all(np.isnan(x)):
        return np.nan, np.nan
    return float(np.nanmin(x)), float(np.nanmax(x))


@_wrap
def minmax(x: np.ndarray, l_u: Sequence[float] = (0, 100)) -> np.ndarray:
    r"""Min–max scaling onto ``[l, u]`` (COINr ``n_minmax``).

    .. math:: y = \frac{x - x_{min}}{x_{max} - x_{min}} (u - l) + l

    A constant vector gives ``NaN`` (as COINr).

    >>> minmax(np.array([1.0, 2.0, 3.0]), direction=-1).tolist()
    [100.0, 50.0, 0.0]
    """
    lo, hi = _range(x)
    return (x - lo) / (hi - lo) * (l_u[1] - l_u[0]) + l_u[0]


@_wrap
def zscore(x: np.ndarray, m_sd: Sequence[float] = (0, 1)) -> np.ndarray:
    r"""Standardise to mean ``m`` and standard deviation ``s`` (COINr ``n_zscore``; sample sd).

    .. math:: y = \frac{x - \bar x}{s_x} s + m
    """
    v = x[~np.isnan(x)]
    sd = float(np.std(v, ddof=1)) if v.size > 1 else np.nan
    return (x - np.nanmean(x) if v.size else x) / sd * m_sd[1] + m_sd[0]


@_wrap
def scaled(x: np.ndarray, npara: Sequence[float] = (0, 100)) -> np.ndarray:
    r"""Linear rescaling with fixed bounds (COINr ``n_scaled``): :math:`y = 100 (x - l)/(u - l)`."""
    return (x - npara[0]) / (npara[1] - npara[0]) * 100


@_wrap
def dist2max(x: np.ndarray) -> np.ndarray:
    r"""Distance to the maximum (COINr ``n_dist2max``): :math:`y = 1 - (x_{max} - x)/(x_{max} - x_{min})`."""
    lo, hi = _range(x)
    return 1 - (hi - x) / (hi - lo)


@_wrap
def dist2ref(x: np.ndarray, iref: int, cap_max: bool = False) -> np.ndarray:
    r"""Distance to the value of a reference unit (COINr ``n_dist2ref``; ``iref`` 0-based here).

    .. math:: y = 1 - \frac{x_{ref} - x}{x_{ref} - x_{min}}
    """
    if not 0 <= iref < len(x):
        msg = f"iref must index x (0 … {len(x) - 1}); got {iref}"
        raise DataError(msg)
    y = 1 - (x[iref] - x) / (x[iref] - np.nanmin(x))
    return np.where(cap_max & (y > 1), 1.0, y)


@_wrap
def dist2targ(x: np.ndarray, targ: float, cap_max: bool = False) -> np.ndarray:
    r"""Distance to a target (COINr ``n_dist2targ``).

    .. math:: y = \frac{x - x_{min}}{t - x_{min}}

    on the direction-adjusted values: for ``direction=-1`` both ``x`` and the target are negated,
    which gives COINr's :math:`(x_{max} - x)/(x_{max} - t)`. Values beyond the target exceed 1
    unless ``cap_max``.

    >>> dist2targ(np.array([0.0, 5.0, 20.0]), targ=10.0, cap_max=True).tolist()
    [0.0, 0.5, 1.0]
    """
    return _dist2targ(x, targ, cap_max)


def _dist2targ(x: np.ndarray, targ: float, cap_max: bool) -> np.ndarray:
    y = (x - np.nanmin(x)) / (targ - np.nanmin(x))
    return np.where(cap_max & (y > 1), 1.0, y)


def _targ_dir(func: Callable[..., Any]) -> Callable[..., Any]:
    """Negate the target with the values (the target is given in the indicator's own units)."""

    def inner(x: ArrayLike, *, direction: float = 1, targ: float, **params: Any) -> ArrayLike:
        return func(x, direction=direction, targ=targ * direction, **params)

    inner.__name__, inner.__doc__ = func.__name__, func.__doc__
    return inner


dist2targ = _targ_dir(dist2targ)


@_wrap
def fracmax(x: np.ndarray) -> np.ndarray:
    r"""Fraction of the maximum (COINr ``n_fracmax``): :math:`y = x / x_{max}`."""
    return x / np.nanmax(x)


def _rank_min(x: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(x)
    out = np.full(x.shape, np.nan)
    v = x[ok]
    out[ok] = np.searchsorted(np.sort(v), v, side="left") + 1
    return out


@_wrap
def rank(x: np.ndarray) -> np.ndarray:
    """Rank, higher value = higher rank, ties at the minimum rank (COINr ``n_rank``, "sport" ranks).

    >>> rank(np.array([3.0, 1.0, 3.0, np.nan])).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    return _rank_min(x)


@_wrap
def borda(x: np.ndarray) -> np.ndarray:
    """Borda score ``rank - 1`` (COINr ``n_borda``)."""
    return _rank_min(x) - 1


@_wrap
def prank(x: np.ndarray) -> np.ndarray:
    r"""Percentile rank (COINr ``n_prank``): :math:`y = (r - 1)/(n - 1)` with min-ties ranks."""
    return (_rank_min(x) - 1) / (np.sum(~np.isnan(x)) - 1)


@_wrap
def goalposts(x: np.ndarray, gposts: Sequence[float], trunc2posts: bool = True) -> np.ndarray:
    r"""Goalposts (COINr ``n_goalposts``): the share of the way from the worst to the best post.

    .. math:: y = a \cdot \mathrm{clip}\left(\frac{x - g_{lo}}{g_{hi} - g_{lo}}, 0, 1\right)

    ``gposts = (l, u, a)`` are given in the indicator's units; with ``direction=-1`` the
    distance is measured from ``u`` down to ``l``.

    >>> goalposts(np.array([2.0, 8.0]), gposts=(0, 10, 1), direction=-1).tolist()
    [0.8, 0.2]
    """
    return _goalposts(x, gposts, trunc2posts)


def _goalposts(x: np.ndarray, gposts: Sequence[float], trunc2posts: bool) -> np.ndarray:
    lo, hi, a = gposts
    y = (x - lo) / (hi - lo)
    if trunc2posts:
        y = np.clip(y, 0, 1)
    return y * a


def _posts_dir(func: Callable[..., Any]) -> Callable[..., Any]:
    def inner(x: ArrayLike, *, direction: float = 1, gposts: Sequence[float],
              trunc2posts: bool = True) -> ArrayLike:
        lo, hi, a = gposts
        posts = (lo, hi, a) if direction == 1 else (-hi, -lo, a)
        return func(x, direction=direction, gposts=posts, trunc2posts=trunc2posts)

    inner.__name__, inner.__doc__ = func.__name__, func.__doc__
    return inner


goalposts = _posts_dir(goalposts)


@_wrap
def vector(x: np.ndarray) -> np.ndarray:
    r"""Vector normalisation for MCDA (TOPSIS): :math:`y = x / \sqrt{\sum x^2}`."""
    return x / np.sqrt(np.nansum(x**2))


@_wrap
def sum_norm(x: np.ndarray) -> np.ndarray:
    r"""Sum normalisation for MCDA: :math:`y = x / \sum x`."""
    return x / np.nansum(x)


@_wrap
def base_index(x: np.ndarray, base: float | np.ndarray) -> np.ndarray:
    r"""Index on a base value: :math:`y = 100\,x / b` (base = 100).

    Use :func:`normalise_panel` with ``method="base_index"`` to index each unit on its own
    base-year value.
    """
    return 100 * x / np.asarray(base, dtype=float)


def band(x: ArrayLike, *, low: float, high: float, direction: float = 1) -> ArrayLike:
    r"""Distance to a target band ``[low, high]``: 1 inside the band, falling linearly outside.

    .. math:: y = \begin{cases} (x - x_{min})/(low - x_{min}) & x < low \\ 1 & low \le x \le high
              \\ (x_{max} - x)/(x_{max} - high) & x > high \end{cases}

    ``direction`` is accepted for a uniform signature and ignored (a band has no direction).

    >>> band(np.array([0.0, 5.0, 12.0, 20.0]), low=4, high=12).tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    v = np.asarray(x, dtype=float)
    lo, hi = _range(v)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        below = (v - lo) / (low - lo) if low > lo else np.ones_like(v)
        above = (hi - v) / (hi - high) if hi > high else np.ones_like(v)
        y = np.where(v < low, below, np.where(v > high, above, 1.0))
    y[np.isnan(v)] = np.nan
    return pd.Series(y, index=x.index, name=x.name) if isinstance(x, pd.Series) else y


def _none(x: ArrayLike, *, direction: float = 1) -> ArrayLike:
    """No scaling (direction still applied)."""
    return x * direction


NORMALISERS: dict[str, Callable[..., Any]] = {
    "minmax": minmax,
    "zscore": zscore,
    "scaled": scaled,
    "rank": rank,
    "prank": prank,
    "borda": borda,
    "dist2max": dist2max,
    "dist2ref": dist2ref,
    "dist2targ": dist2targ,
    "fracmax": fracmax,
    "goalposts": goalposts,
    "vector": vector,
    "sum": sum_norm,
    "max": fracmax,
    "base_index": base_index,
    "band": band,
    "none": _none,
}
"""Normalisers by name. COINr names (``n_minmax`` …) resolve through :func:`get_normaliser`."""


def register_normaliser(name: str, func: Callable[..., Any]) -> None:
    """Register ``func(x, *, direction=1, **params)`` under ``name`` for recipes and :func:`normalise`."""
    NORMALISERS[name] = func


def get_normaliser(name: str) -> Callable[..., Any]:
    """Look a normaliser up by name (``"minmax"`` or COINr's ``"n_minmax"``)."""
    key = name[2:] if name.startswith("n_") else name
    if key not in NORMALISERS:
        msg = f"unknown normaliser {name!r}; known: {', '.join(sorted(NORMALISERS))}"
        raise DataError(msg)
    return NORMALISERS[key]


def normalise(data: pd.DataFrame, *, method: str = "minmax", params: Mapping[str, Any] | None = None,
              directions: Mapping[str, float] | pd.Series | None = None,
              indiv: Mapping[str, Mapping[str, Any]] | None = None) -> pd.DataFrame:
    """Normalise every column of a wide table (COINr ``Normalise`` with ``global_specs``).

    Parameters
    ----------
    data
        Indicator values, index = unit.
    method
        Name in :data:`NORMALISERS` (or COINr's ``n_*`` name).
    params
        Parameters of the method (e.g. ``{"l_u": [0, 100]}``).
    directions
        Direction of each column (default +1).
    indiv
        Per-column overrides ``{column: {"method": …, **params}}`` (COINr ``indiv_specs``).
    """
    dirs = pd.Series(directions if directions is not None else {}, dtype=float)
    out = {}
    for col in data.columns:
        spec = dict(indiv[col]) if indiv and col in indiv else {"method": method, **(params or {})}
        func = get_normaliser(spec.pop("method", method))
        d = float(dirs.get(col, 1.0))
        out[col] = func(data[col].astype(float), direction=int(d), **spec)
    return pd.DataFrame(out, index=data.index)


def normalise_panel(panel: pd.DataFrame, *, time: str = "Time", unit: str = "uCode",
                    method: str = "minmax", params: Mapping[str, Any] | None = None,
                    directions: Mapping[str, float] | pd.Series | None = None,
                    base_time: Any = None) -> pd.DataFrame:
    """Normalise a panel over all periods at once, so that periods stay comparable.

    With a scaling method (min–max, z-score, …) the statistics are pooled over every unit and
    period (COINr ``Normalise(purse, global = TRUE)``). With ``method="base_index"`` every unit is
    indexed on its own value in ``base_time`` (base = 100).

    Parameters
    ----------
    panel
        Long table: unit column, time column and indicator columns.
    time, unit
        Names of the time and unit columns.
    method, params, directions
        As in :func:`normalise`.
    base_time
        The base period of ``"base_index"``.

    Examples
    --------
    >>> p = pd.DataFrame({"uCode": ["a", "b", "a", "b"], "Time": [1, 1, 2, 2], "x": [1.0, 2, 3, 5]})
    >>> normalise_panel(p)["x"].tolist()
    [0.0, 25.0, 50.0, 100.0]
    >>> normalise_panel(p, method="base_index", base_time=1)["x"].tolist()
    [100.0, 100.0, 300.0, 250.0]
    """
    cols = [c for c in panel.columns if c not in (time, unit)]
    out = panel.copy()
    if method == "base_index":
        if base_time is None or base_time not in set(panel[time]):
            msg = f"base_index needs base_time= one of the periods {sorted(set(panel[time]))}"
            raise DataError(msg)
        base = panel[panel[time] == base_time].set_index(unit)[cols]
        b = base.reindex(panel[unit]).to_numpy(dtype=float)
        out[cols] = 100 * panel[cols].to_numpy(dtype=float) / b
        return out
    out[cols] = normalise(panel[cols], method=method, params=params, directions=directions)
    return out
