"""Data steps before normalisation: denominate, impute, screen and treat outliers.

Pure functions on wide tables (index = unit key, columns = indicator codes). Algorithms and
defaults follow COINr 1.1 (Becker et al. 2022, *COINr: an R package for developing composite
indicators*, JOSS 7(78), 4567), so that a build reproduces COINr's numbers exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, ValidationError

__all__ = [
    "check_skew_kurt",
    "denominate",
    "impute",
    "impute_time",
    "kurtosis",
    "log_ct",
    "screen",
    "skewness",
    "treat",
    "winsorise",
]


# -- denominate ------------------------------------------------------------------------------

def denominate(data: pd.DataFrame, denominators: pd.DataFrame, *,
               mapping: Mapping[str, str | None], scale: float = 1.0) -> pd.DataFrame:
    r"""Divide indicators by denominators (COINr ``Denominate``).

    .. math:: x'_{ui} = s \, x_{ui} / d_{u, m(i)}

    Parameters
    ----------
    data
        Indicator values, index = unit.
    denominators
        Denominator values (GDP, population, area, …), index = unit, one column each.
    mapping
        Denominator column for each indicator; indicators absent or mapped to ``None`` are
        returned unchanged.
    scale
        Multiplier :math:`s` (e.g. 1000 for "per thousand").

    Raises
    ------
    ValidationError
        When a named denominator column is missing, or units lack denominator rows.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [10.0, 20.0], "b": [1.0, 2.0]}, index=["u", "v"])
    >>> d = pd.DataFrame({"pop": [2.0, 4.0]}, index=["u", "v"])
    >>> denominate(x, d, mapping={"a": "pop"})
         a    b
    u  5.0  1.0
    v  5.0  2.0
    """
    problems = [Problem("", None, col, den, "a denominator column", "add it to the denominators table")
                for col, den in mapping.items() if den is not None and den not in denominators.columns]
    missing_units = [u for u in data.index if u not in denominators.index]
    if missing_units and any(d is not None for d in mapping.values()):
        problems.append(Problem("", None, "unit", ", ".join(map(str, missing_units[:10])),
                                "a denominator row for every unit", "add the rows"))
    if problems:
        raise ValidationError(problems)
    out = data.astype(float).copy()
    for col, den in mapping.items():
        if den is None or col not in out.columns:
            continue
        out[col] = scale * out[col] / denominators.loc[out.index, den].astype(float)
    return out


# -- impute ----------------------------------------------------------------------------------

ImputeMethod = Literal["mean", "median", "group_mean", "group_median", "regression", "em"]


def impute(data: pd.DataFrame, *, method: ImputeMethod = "mean",
           groups: pd.Series | None = None, max_iter: int = 100,
           tol: float = 1e-10) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""Fill missing values column by column (COINr ``Impute``, ``impute_by = "column"``).

    * ``"mean"`` / ``"median"``: the column's mean / median (``i_mean``, ``i_median``);
    * ``"group_mean"`` / ``"group_median"``: the mean / median of the unit's group
      (``i_mean_grp``, ``i_median_grp``); units with no group are left missing;
    * ``"regression"``: iterated regression (conditional-mean) imputation: start from column
      means, then repeatedly replace each missing cell by its least-squares prediction from the
      other columns until the filled values change by less than ``tol``;
    * ``"em"``: expectation–maximisation under a multivariate normal model (Dempster, Laird &
      Rubin 1977; Little & Rubin 2019, §11.2): missing cells get their conditional mean
      :math:`\mu_m + \Sigma_{mo}\Sigma_{oo}^{-1}(x_o - \mu_o)` and the covariance update adds
      the conditional covariance :math:`\Sigma_{mm} - \Sigma_{mo}\Sigma_{oo}^{-1}\Sigma_{om}`.

    Parameters
    ----------
    data
        Indicator values, index = unit.
    method
        One of the methods above.
    groups
        Group label of each unit (required for group methods), index = unit.
    max_iter, tol
        Iteration limit and convergence tolerance of ``"regression"``.

    Returns
    -------
    imputed : pandas.DataFrame
        The filled table.
    flags : pandas.DataFrame
        ``True`` where a value was imputed.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0]}, index=list("pqrs"))
    >>> g = pd.Series(["A", "A", "A", "B"], index=list("pqrs"))
    >>> impute(x, method="group_mean", groups=g)[0]["a"].tolist()
    [1.0, 2.0, 3.0, 10.0]
    """
    x = data.astype(float)
    was_na = x.isna()
    if method in ("mean", "median"):
        fill = x.mean() if method == "mean" else x.median()
        out = x.fillna(fill)
    elif method in ("group_mean", "group_median"):
        if groups is None:
            msg = f"impute(method={method!r}) needs groups= (a group label per unit)"
            raise DataError(msg)
        g = pd.Series(groups).reindex(x.index)
        stat = "mean" if method == "group_mean" else "median"
        fill = x.groupby(g, dropna=True).transform(stat)
        out = x.fillna(fill)
    elif method == "regression":
        out = _impute_regression(x, max_iter=max_iter, tol=tol)
    elif method == "em":
        out = _impute_em(x, max_iter=max_iter, tol=tol)
    else:
        msg = f"unknown imputation method {method!r}; expected one of mean, median, group_mean, " \
              "group_median, regression, em"
        raise DataError(msg)
    return out, was_na & out.notna()


def _impute_regression(x: pd.DataFrame, *, max_iter: int, tol: float) -> pd.DataFrame:
    filled = x.fillna(x.mean())
    mask = x.isna().to_numpy()
    arr = filled.to_numpy(copy=True)
    for _ in range(max_iter):
        change = 0.0
        for j in np.flatnonzero(mask.any(axis=0)):
            others = np.delete(arr, j, axis=1)
            design = np.column_stack([np.ones(len(arr)), others])
            obs = ~mask[:, j]
            coef, *_ = np.linalg.lstsq(design[obs], arr[obs, j], rcond=None)
            pred = design[mask[:, j]] @ coef
            change = max(change, float(np.max(np.abs(pred - arr[mask[:, j], j]), initial=0.0)))
            arr[mask[:, j], j] = pred
        if change < tol:
            break
    return pd.DataFrame(arr, index=x.index, columns=x.columns)


def _impute_em(x: pd.DataFrame, *, max_iter: int, tol: float) -> pd.DataFrame:
    arr = x.to_numpy(dtype=float)
    mask = np.isnan(arr)
    n, k = arr.shape
    mu = np.nanmean(arr, axis=0)
    filled = np.where(mask, mu, arr)
    sigma = np.cov(filled, rowvar=False, bias=True).reshape(k, k)
    patterns = [(m, np.flatnonzero(np.all(mask == m, axis=1))) for m in np.unique(mask, axis=0) if m.any()]
    for _ in range(max_iter):
        correction = np.zeros((k, k))
        for m, rows in patterns:
            o = ~m
            s_oo = sigma[np.ix_(o, o)]
            s_mo = sigma[np.ix_(m, o)]
            beta = s_mo @ np.linalg.pinv(s_oo)
            filled[np.ix_(rows, m)] = mu[m] + (arr[np.ix_(rows, o)] - mu[o]) @ beta.T
            correction[np.ix_(m, m)] += len(rows) * (sigma[np.ix_(m, m)] - beta @ s_mo.T)
        mu_new = filled.mean(axis=0)
        d = filled - mu_new
        sigma_new = (d.T @ d + correction) / n
        done = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(sigma_new - sigma))) < tol
        mu, sigma = mu_new, sigma_new
        if done:
            break
    return pd.DataFrame(filled, index=x.index, columns=x.columns)


def impute_time(panel: pd.DataFrame, *, method: Literal["latest", "linear", "constant"] = "latest",
                unit: str = "uCode", time: str = "Time",
                max_time: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill missing values of each unit along time.

    * ``"latest"``: the unit's latest earlier value (last observation carried forward; COINr
      ``impute_panel``), looking back at most ``max_time`` periods;
    * ``"constant"``: the nearest available value, earlier first, then later;
    * ``"linear"``: linear interpolation in time between the unit's known values, held constant
      beyond the first and last known values.

    Parameters
    ----------
    panel
        Long table with a unit column, a time column and indicator columns.
    method
        ``"latest"``, ``"linear"`` or ``"constant"``.
    unit, time
        Names of the unit and time columns.
    max_time
        For ``"latest"`` and ``"constant"``: how many periods to look at most.

    Returns
    -------
    imputed, flags : pandas.DataFrame
        The filled panel (same row order) and ``True`` where a value was imputed.

    Examples
    --------
    >>> p = pd.DataFrame({"uCode": ["a"] * 3, "Time": [2020, 2021, 2022], "x": [1.0, np.nan, 3.0]})
    >>> impute_time(p, method="linear")[0]["x"].tolist()
    [1.0, 2.0, 3.0]
    """
    missing = [c for c in (unit, time) if c not in panel.columns]
    if missing:
        msg = f"panel lacks column(s) {missing}; pass unit= and time= naming them"
        raise DataError(msg)
    cols = [c for c in panel.columns if c not in (unit, time) and pd.api.types.is_numeric_dtype(panel[c])]
    ordered = panel.sort_values([unit, time])
    grouped = ordered.groupby(unit, sort=False)[cols]
    if method == "latest":
        filled = grouped.ffill(limit=max_time)
    elif method == "constant":
        filled = grouped.ffill(limit=max_time)
        filled = filled.groupby(ordered[unit], sort=False).bfill(limit=max_time)
    elif method == "linear":
        filled = ordered[cols].copy()
        for _, idx in ordered.groupby(unit, sort=False).groups.items():
            t = ordered.loc[idx, time].to_numpy(dtype=float)
            for c in cols:
                v = ordered.loc[idx, c].to_numpy(dtype=float)
                ok = ~np.isnan(v)
                if ok.any():
                    filled.loc[idx, c] = np.interp(t, t[ok], v[ok])
    else:
        msg = f"unknown time imputation {method!r}; expected latest, linear or constant"
        raise DataError(msg)
    out = panel.copy()
    out[cols] = filled.reindex(panel.index)
    return out, panel[cols].isna() & out[cols].notna()


# -- screen ----------------------------------------------------------------------------------

def screen(data: pd.DataFrame, *, min_availability: float = 0.9,
           by: Literal["na", "zeros", "na_and_zeros"] = "na", min_nonzero: float = 0.05,
           force: Mapping[str, bool] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    r"""Keep units with enough data (COINr ``Screen``, ``unit_screen = "byNA"`` etc.).

    .. math:: a_u = 1 - \frac{\#\{i : x_{ui} \text{ missing}\}}{n_{ind}}, \qquad
              z_u = 1 - \frac{\#\{i : x_{ui} = 0\}}{\#\{i : x_{ui} \text{ present}\}}

    A unit is kept when :math:`a_u \ge` ``min_availability`` (``by="na"``), when
    :math:`z_u \ge` ``min_nonzero`` (``by="zeros"``), or both (``by="na_and_zeros"``).

    Parameters
    ----------
    data
        Indicator values, index = unit.
    min_availability
        Data-availability threshold in [0, 1].
    by
        Screening rule.
    min_nonzero
        Threshold on the share of non-zero values.
    force
        Units to keep (``True``) or drop (``False``) whatever the rule says.

    Returns
    -------
    screened : pandas.DataFrame
        The kept rows.
    availability : pandas.DataFrame
        Per unit: ``n_missing, n_zero, availability, non_zero, low_data, low_nonzero, included``.

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1.0, np.nan], "b": [2.0, np.nan]}, index=["u", "v"])
    >>> screen(x, min_availability=0.5)[0].index.tolist()
    ['u']
    """
    if not 0 <= min_availability <= 1 or not 0 <= min_nonzero <= 1:
        msg = f"thresholds must lie in [0, 1]; got {min_availability}, {min_nonzero}"
        raise DataError(msg)
    x = data.astype(float)
    n_missing = x.isna().sum(axis=1)
    n_zero = (x == 0).sum(axis=1)
    table = pd.DataFrame({"n_missing": n_missing, "n_zero": n_zero,
                          "availability": 1 - n_missing / x.shape[1],
                          "non_zero": 1 - n_zero / (x.shape[1] - n_missing)})
    table["low_data"] = table["availability"] < min_availability
    table["low_nonzero"] = table["non_zero"] < min_nonzero
    rule = {"na": ~table["low_data"], "zeros": ~table["low_nonzero"],
            "na_and_zeros": ~(table["low_data"] | table["low_nonzero"])}
    if by not in rule:
        msg = f"unknown screening rule {by!r}; expected na, zeros or na_and_zeros"
        raise DataError(msg)
    table["included"] = rule[by]
    for u, keep in (force or {}).items():
        if u not in table.index:
            msg = f"force names unit {u!r}, which is not in the data"
            raise DataError(msg)
        table.loc[u, "included"] = bool(keep)
    return data.loc[table["included"].to_numpy()], table


# -- treat -----------------------------------------------------------------------------------

def skewness(x: np.ndarray | pd.Series) -> float:
    r"""Sample skewness, the adjusted Fisher–Pearson coefficient (COINr ``skew``; Excel ``SKEW``).

    .. math:: G_1 = \frac{\sqrt{n(n-1)}}{n-2}\,\frac{\sqrt{n}\sum_i (x_i-\bar x)^3}
              {\left(\sum_i (x_i-\bar x)^2\right)^{3/2}}

    Missing values are ignored; fewer than 3 values give ``NaN`` (COINr raises).
    Joanes & Gill (1998), *The Statistician* 47(1), type 2.

    >>> round(skewness(np.array([1.0, 2.0, 3.0, 10.0])), 6)
    1.763633
    """
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n < 3:
        return math.nan
    d = v - v.mean()
    s2 = np.sum(d**2)
    if s2 == 0:
        return math.nan
    g = math.sqrt(n) * np.sum(d**3) / s2**1.5
    return float(g * math.sqrt(n * (n - 1)) / (n - 2))


def kurtosis(x: np.ndarray | pd.Series) -> float:
    r"""Sample excess kurtosis (COINr ``kurt``; Excel ``KURT``; Joanes & Gill 1998 type 2).

    .. math:: G_2 = \frac{(n-1)\left[(n+1)(r-3) + 6\right]}{(n-2)(n-3)}, \qquad
              r = \frac{n\sum_i (x_i-\bar x)^4}{\left(\sum_i (x_i-\bar x)^2\right)^2}

    Missing values are ignored; fewer than 4 values give ``NaN``.

    >>> round(kurtosis(np.array([1.0, 2.0, 3.0, 10.0])), 6)
    3.228
    """
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n < 4:
        return math.nan
    d = v - v.mean()
    s2 = np.sum(d**2)
    if s2 == 0:
        return math.nan
    r = n * np.sum(d**4) / s2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def check_skew_kurt(x: np.ndarray | pd.Series, *, skew_thresh: float = 2,
                    kurt_thresh: float = 3.5) -> bool | None:
    """Return ``True`` when ``|skew| < skew_thresh`` or ``kurtosis < kurt_thresh`` (COINr).

    ``None`` when skew or kurtosis cannot be computed (constant or too short vector).
    """
    sk, kt = skewness(x), kurtosis(x)
    if math.isnan(sk) or math.isnan(kt):
        return None
    return bool(abs(sk) < skew_thresh or kt < kurt_thresh)


def winsorise(x: np.ndarray, *, winmax: int | None = 5, skew_thresh: float = 2,
              kurt_thresh: float = 3.5, force: bool = False) -> tuple[np.ndarray, dict[str, Any]]:
    """Winsorise one point at a time until skew and kurtosis pass (COINr ``winsorise``).

    While the vector fails :func:`check_skew_kurt` and fewer than ``winmax`` points are
    winsorised: if the skew is ≥ 0, every value equal to the current maximum is replaced by the
    largest remaining value; else every value equal to the minimum by the smallest remaining value.
    Ties are winsorised together, and the count is the size of the latest high set plus the latest
    low set (a replaced point ties with its new value and is counted again), exactly as COINr
    counts.

    Returns
    -------
    x : numpy.ndarray
        The winsorised copy.
    info : dict
        ``n_winsorised``, ``high`` (positions last set at the top), ``low`` (positions at the bottom).
    """
    x = np.array(x, dtype=float)
    imax = np.array([], dtype=int)
    imin = np.array([], dtype=int)
    nwin = 0
    passing = check_skew_kurt(x, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
    if passing is not None and (not passing or force):
        while (not passing or force) and (winmax is None or nwin < winmax):
            if skewness(x) >= 0:
                imax = np.flatnonzero(x == np.nanmax(x))
                rest = np.delete(x, imax)
                if np.all(np.isnan(rest)):
                    break
                x[imax] = np.nanmax(rest)
            else:
                imin = np.flatnonzero(x == np.nanmin(x))
                rest = np.delete(x, imin)
                if np.all(np.isnan(rest)):
                    break
                x[imin] = np.nanmin(rest)
            nwin = imax.size + imin.size
            passing = check_skew_kurt(x, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
            if passing is None:
                break
    return x, {"n_winsorised": nwin, "high": imax.tolist(), "low": imin.tolist()}


def log_ct(x: np.ndarray) -> np.ndarray:
    r"""COIN Tool log transform, modified (COINr ``log_CT``).

    .. math:: x' = \ln\left(x - x_{min} + 0.01\,(x_{max} - x_{min})\right)
    """
    x = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


def _percentile_cap(x: np.ndarray, q: tuple[float, float]) -> tuple[np.ndarray, dict[str, Any]]:
    lo, hi = np.nanquantile(x, q)
    out = np.clip(x, lo, hi)
    changed = (out != x) & ~np.isnan(x)
    return out, {"n_winsorised": int(changed.sum()), "high": np.flatnonzero(changed & (x > hi)).tolist(),
                 "low": np.flatnonzero(changed & (x < lo)).tolist()}


def treat(data: pd.DataFrame, *, method: Literal["winsorise", "percentile", "none"] = "winsorise",
          winmax: int | None = 5, skew_thresh: float = 2, kurt_thresh: float = 3.5,
          fallback: Literal["log_CT", "none"] = "log_CT", combine: bool = False,
          percentiles: tuple[float, float] = (0.01, 0.99)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Treat outliers column by column (COINr ``Treat`` with its defaults).

    For each indicator: if it fails the skew/kurtosis check (|skew| ≥ ``skew_thresh`` and
    kurtosis ≥ ``kurt_thresh``), apply ``method`` (COINr's iterative :func:`winsorise`, or
    capping at the ``percentiles``); if it still fails, apply ``fallback`` (:func:`log_ct`) to
    the *original* column (or to the winsorised one when ``combine``). Skew and kurtosis are
    computed on the units given, i.e. after screening.

    Parameters
    ----------
    data
        Indicator values, index = unit.
    method
        ``"winsorise"`` (COINr), ``"percentile"`` (cap at ``percentiles``) or ``"none"``.
    winmax
        Most points to winsorise (``None``: no limit).
    skew_thresh, kurt_thresh
        Thresholds of the check.
    fallback
        Second treatment, ``"log_CT"`` or ``"none"``.
    combine
        Apply the fallback to the winsorised rather than the original column.
    percentiles
        Quantiles for ``method="percentile"``.

    Returns
    -------
    treated : pandas.DataFrame
        The treated table.
    log : pandas.DataFrame
        Per indicator: ``skew0, kurt0`` (before), ``n_winsorised, n_high, n_low, winsorised,
        log_transformed``, ``skew, kurt`` (after) and ``passed``.
    """
    if method not in ("winsorise", "percentile", "none") or fallback not in ("log_CT", "none"):
        msg = f"treat(method={method!r}, fallback={fallback!r}): expected method winsorise, " \
              "percentile or none and fallback log_CT or none"
        raise DataError(msg)
    out = data.astype(float).copy()
    rows = []
    for col in out.columns:
        x = out[col].to_numpy()
        rec: dict[str, Any] = {"indicator": col, "skew0": skewness(x), "kurt0": kurtosis(x),
                               "n_winsorised": 0, "n_high": 0, "n_low": 0, "log_transformed": False}
        ok = check_skew_kurt(x, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
        y = x
        if ok is False and method != "none":
            if method == "winsorise":
                y, info = winsorise(x, winmax=winmax, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
            else:
                y, info = _percentile_cap(x, percentiles)
            rec.update(n_winsorised=info["n_winsorised"], n_high=len(info["high"]),
                       n_low=len(info["low"]))
            ok = check_skew_kurt(y, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
        if ok is False and fallback == "log_CT":
            y = log_ct(y if combine else x)
            rec["log_transformed"] = True
            ok = check_skew_kurt(y, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh)
        out[col] = y
        rec.update(winsorised=rec["n_winsorised"] > 0, skew=skewness(y), kurt=kurtosis(y), passed=ok)
        rows.append(rec)
    log = pd.DataFrame(rows).set_index("indicator")
    return out, log
