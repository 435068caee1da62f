r"""Change over time of a composite index: growth rates, points per year, assessment windows.

Evaluation of 同城化 (and of the 长三角 integration monitoring it follows) reads an index in time:
"年均提高 N 点" (points gained per year over a base period), growth rates, and a three-year
assessment window that compares the final year with the baseline, checks the policy target and
asks whether the change is larger than the index's own uncertainty. The functions here take a
table of scores by unit and period — wide (unit × period), long, or a
:class:`~tongcheng.composite.pipeline.PanelBuild` — and return tidy tables.

Scores of different periods are only comparable when the panel was normalised over all
periods at once (``normalise`` with ``global: true``) or indexed on a base year
(``method: base_index``); per-period min–max scores measure position, not level.

References
----------
长三角一体化发展统计监测办公室 (2023). 长三角区域发展指数 (2015 = 100): 2022 value 129.5,
"年均提高 4.2 点" since 2015.

OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, §1.5 (comparability over
time) and §7 (uncertainty of ranks).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from .._errors import DataError

__all__ = ["assess_window", "cagr", "pct_change", "points_per_year", "scores_by_period"]

_LOW_HIGH = (("low", "high"), ("lower", "upper"), ("q05", "q95"), ("q025", "q975"), ("q5", "q95"))


def _out(x: NDArray[np.float64]) -> float | NDArray[np.float64]:
    return float(x) if x.ndim == 0 else x


def cagr(start: ArrayLike, end: ArrayLike, years: ArrayLike) -> float | NDArray[np.float64]:
    r"""Compound annual growth rate.

    .. math:: g = \left(\frac{x_T}{x_0}\right)^{1/(T - t_0)} - 1

    Parameters
    ----------
    start, end
        Values :math:`x_0` and :math:`x_T` (scalars or arrays, broadcast).
    years
        Elapsed time :math:`T - t_0` in years, > 0.

    Returns
    -------
    float or numpy.ndarray
        The rate as a fraction (0.05 = 5 % a year); NaN where a value is not positive.

    Raises
    ------
    DataError
        When ``years`` is not positive.

    Examples
    --------
    >>> round(cagr(100, 129.5, 7), 4)
    0.0376
    """
    x0, x1, t = (np.asarray(v, dtype=float) for v in (start, end, years))
    if (t <= 0).any():
        msg = f"years must be positive, got {years!r}"
        raise DataError(msg)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where((x0 > 0) & (x1 > 0), (x1 / x0) ** (1.0 / t) - 1.0, np.nan)
    return _out(out)


def pct_change(start: ArrayLike, end: ArrayLike, *, percent: bool = False) -> float | NDArray[np.float64]:
    r"""Relative change :math:`(x_T - x_0) / |x_0|`.

    Parameters
    ----------
    start, end
        Values :math:`x_0` and :math:`x_T` (scalars or arrays, broadcast).
    percent
        Return percent (×100) instead of a fraction.

    Returns
    -------
    float or numpy.ndarray
        NaN where :math:`x_0 = 0`.

    Examples
    --------
    >>> pct_change(100, 129.5, percent=True)
    29.5
    """
    x0, x1 = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x0 != 0, (x1 - x0) / np.abs(x0), np.nan) * (100.0 if percent else 1.0)
    return _out(out)


def _period_number(p: Hashable) -> float:
    """Return a period label as a number of years (2015, "2015", 2015.5, a Timestamp → its year)."""
    if isinstance(p, pd.Timestamp):
        return float(p.year)
    try:
        return float(p)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        msg = f"period {p!r} is not a year; label periods by year (2015, '2015') to measure change per year"
        raise DataError(msg) from None


def points_per_year(series: pd.Series | pd.DataFrame, *, base_period: Hashable) -> pd.Series | pd.DataFrame:
    r"""Average points gained per year since a base period ("年均提高 N 点").

    .. math:: p_t = \frac{x_t - x_{t_0}}{t - t_0}

    This is how the 长三角区域发展指数 reports its progress: 2015 = 100 and 129.5 in 2022 give
    :math:`(129.5 - 100) / 7 = 4.21`, "年均提高 4.2 点".

    Parameters
    ----------
    series
        Values indexed by period (a Series), or a table with one column per period and one row
        per unit (a DataFrame).
    base_period
        The base period :math:`t_0`; must be among the periods.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        Same shape as the input; NaN in the base period.

    Raises
    ------
    DataError
        When the base period is missing or periods are not years.

    Examples
    --------
    >>> s = pd.Series({2015: 100.0, 2022: 129.5})
    >>> round(float(points_per_year(s, base_period=2015)[2022]), 2)
    4.21
    """
    periods = series.index if isinstance(series, pd.Series) else series.columns
    if base_period not in periods:
        msg = f"base_period {base_period!r} is not among the periods {list(periods)}"
        raise DataError(msg)
    dt = np.array([_period_number(p) for p in periods]) - _period_number(base_period)
    with np.errstate(divide="ignore", invalid="ignore"):
        dt = np.where(dt == 0, np.nan, dt)
    if isinstance(series, pd.Series):
        return (series.astype(float) - float(series[base_period])) / dt
    base = series[base_period].astype(float)
    return series.astype(float).sub(base, axis=0) / dt[None, :]


def scores_by_period(scores: Any, *, code: str | None = None, unit: str = "uCode",
                     time: str = "Time") -> pd.DataFrame:
    """Return scores as a wide table: one row per unit, one column per period.

    Parameters
    ----------
    scores
        A wide DataFrame (returned as is), a long DataFrame with ``unit`` and ``time`` columns
        and a value column (``code``, else ``"score"``, else the only other column), or a
        :class:`~tongcheng.composite.pipeline.PanelBuild` (``code`` defaults to the root).
    code, unit, time
        The value column and the key columns of a long table.

    Returns
    -------
    pandas.DataFrame
        Index = unit, columns = periods (sorted).

    Examples
    --------
    >>> long = pd.DataFrame({"uCode": ["a", "a"], "Time": [2020, 2023], "Index": [50.0, 56.0]})
    >>> scores_by_period(long).loc["a"].tolist()
    [50.0, 56.0]
    """
    if hasattr(scores, "builds") and hasattr(scores, "aggregated"):  # a PanelBuild
        first = next(iter(scores.builds.values()))
        code = code or first.framework.root
        time = scores.time
        scores = scores.aggregated
    if not isinstance(scores, pd.DataFrame):
        msg = f"scores must be a DataFrame or a PanelBuild, got {type(scores).__name__}"
        raise DataError(msg)
    if time not in scores.columns or unit not in scores.columns:
        return scores
    others = [c for c in scores.columns if c not in (unit, time)]
    value = code or ("score" if "score" in others else (others[0] if len(others) == 1 else None))
    if value is None or value not in scores.columns:
        msg = f"long scores need a value column: pass code= one of {others}"
        raise DataError(msg)
    wide = scores.pivot_table(index=unit, columns=time, values=value, aggfunc="first", sort=True)
    wide.columns.name = time
    return wide


def _half_width(table: Any, band: str) -> pd.Series:
    """Per-unit half-width of an interval table (or of an UncertaintyResult's intervals)."""
    if hasattr(table, "rank_intervals") and hasattr(table, "score_intervals"):
        table = table.rank_intervals if band == "rank" else table.score_intervals
    if isinstance(table, pd.Series):
        return table.astype(float)
    if not isinstance(table, pd.DataFrame):
        msg = f"uncertainty must be a DataFrame of intervals, got {type(table).__name__}"
        raise DataError(msg)
    if "half_width" in table.columns:
        return table["half_width"].astype(float)
    for lo, hi in _LOW_HIGH:
        if lo in table.columns and hi in table.columns:
            return (table[hi].astype(float) - table[lo].astype(float)) / 2
    if "width" in table.columns:
        return table["width"].astype(float) / 2
    msg = ("uncertainty intervals need a 'half_width' column, a lower/upper pair "
           f"(low/high, q05/q95) or 'width'; got columns {list(table.columns)}")
    raise DataError(msg)


def _band(uncertainty: Any, units: pd.Index, baseline: Hashable, final: Hashable, band: str) -> pd.Series:
    r"""Sum of the half-widths at the two ends: :math:`h_0 + h_T` (``2h`` for one interval)."""
    if isinstance(uncertainty, Mapping):
        missing = [p for p in (baseline, final) if p not in uncertainty]
        if missing:
            msg = f"uncertainty given per period lacks period(s) {missing}"
            raise DataError(msg)
        h0 = _half_width(uncertainty[baseline], band).reindex(units)
        h1 = _half_width(uncertainty[final], band).reindex(units)
        return h0 + h1
    return 2 * _half_width(uncertainty, band).reindex(units)


def assess_window(scores: Any, *, baseline: Hashable, final: Hashable,
                  targets: float | Mapping[Hashable, float] | pd.Series | None = None,
                  uncertainty: Any = None, band: Literal["score", "rank"] = "score",
                  direction: int = 1, code: str | None = None) -> pd.DataFrame:
    r"""Assess each unit over a window (e.g. three years): change, pace, target, significance.

    With :math:`x_0` the score in the baseline period :math:`t_0`, :math:`x_T` in the final
    period :math:`T` and :math:`g` the target for :math:`T`:

    .. math::

        \Delta = x_T - x_0, \qquad p = \frac{\Delta}{T - t_0}, \qquad
        a = \frac{x_T - x_0}{g - x_0}, \qquad
        \text{met} \iff d\,(x_T - g) \ge 0,

    where :math:`a` is the share of the target gap closed (1 = target reached exactly, NaN when
    :math:`g = x_0`) and :math:`d` is ``direction``. Ranks (1 = best) are computed per period
    over the units present.

    **Significance rule.** With per-unit uncertainty intervals (from
    :func:`~tongcheng.composite.uncertainty.uncertainty_analysis`) of half-widths :math:`h_0`
    and :math:`h_T` at the two ends, the change is significant when

    .. math:: |\Delta| > h_0 + h_T,

    i.e. when intervals of those half-widths centred on the two nominal values do not overlap.
    One interval table (not per period) is used at both ends (:math:`2h`). With
    ``band="rank"`` the rule applies to the rank change and rank intervals; with
    ``band="score"`` to the score change and score intervals. Scores must be comparable over
    time (panel normalisation); see the module notes.

    Parameters
    ----------
    scores
        Scores by unit and period: wide (unit × period), long, or a ``PanelBuild``
        (see :func:`scores_by_period`).
    baseline, final
        The two periods of the window.
    targets
        Target score for the final period: one number for all units, or per unit.
    uncertainty
        Per-unit intervals: a DataFrame indexed by unit with ``half_width``, a lower/upper pair
        (``low``/``high``, ``q05``/``q95``) or ``width``; an ``UncertaintyResult`` (its score or
        rank intervals, per ``band``); or ``{period: table}`` for the two periods.
    band
        Whether the intervals are of scores or of ranks.
    direction
        +1 when higher scores are better (targets to reach from below), −1 otherwise.
    code
        Value column of a long table or ``PanelBuild`` (default: the root / ``score``).

    Returns
    -------
    pandas.DataFrame
        Indexed by unit: ``baseline``, ``final``, ``change``, ``points_per_year``,
        ``pct_change``, ``rank_baseline``, ``rank_final``, ``rank_gain`` (places gained);
        with targets ``target``, ``gap_closed``, ``met``; with uncertainty ``band``
        (:math:`h_0 + h_T`) and ``significant``.

    Raises
    ------
    DataError
        When a period is missing, the window is empty or inputs do not fit.

    Examples
    --------
    >>> wide = pd.DataFrame({2020: [50.0, 60.0], 2023: [56.0, 61.0]}, index=["a", "b"])
    >>> res = assess_window(wide, baseline=2020, final=2023, targets=55.0,
    ...                     uncertainty=pd.DataFrame({"half_width": [1.0, 1.0]}, index=["a", "b"]))
    >>> res[["change", "points_per_year", "met", "significant"]].to_dict("index")["a"]
    {'change': 6.0, 'points_per_year': 2.0, 'met': True, 'significant': True}
    """
    if direction not in (1, -1):
        msg = f"direction must be 1 or -1, got {direction!r}"
        raise DataError(msg)
    if band not in ("score", "rank"):
        msg = f"band must be 'score' or 'rank', got {band!r}"
        raise DataError(msg)
    wide = scores_by_period(scores, code=code)
    missing = [p for p in (baseline, final) if p not in wide.columns]
    if missing:
        msg = f"period(s) {missing} not in the scores; periods: {list(wide.columns)}"
        raise DataError(msg)
    years = _period_number(final) - _period_number(baseline)
    if years <= 0:
        msg = f"final ({final!r}) must come after baseline ({baseline!r})"
        raise DataError(msg)
    x0, x1 = wide[baseline].astype(float), wide[final].astype(float)
    r0 = (direction * x0).rank(ascending=False, method="min")
    r1 = (direction * x1).rank(ascending=False, method="min")
    out = pd.DataFrame({"baseline": x0, "final": x1, "change": x1 - x0, "points_per_year": (x1 - x0) / years,
                        "pct_change": pct_change(x0.to_numpy(), x1.to_numpy()),
                        "rank_baseline": r0, "rank_final": r1, "rank_gain": r0 - r1}, index=wide.index)
    if targets is not None:
        g = (pd.Series(targets, dtype=float).reindex(wide.index) if not np.isscalar(targets)
             else pd.Series(float(targets), index=wide.index))  # type: ignore[arg-type]
        gap = g - x0
        out["target"] = g
        out["gap_closed"] = (x1 - x0) / gap.where(gap != 0)
        out["met"] = (direction * (x1 - g) >= 0).where(g.notna() & x1.notna()).astype("boolean")
    if uncertainty is not None:
        width = _band(uncertainty, wide.index, baseline, final, band)
        delta = out["change"] if band == "score" else out["rank_gain"]
        out["band"] = width
        out["significant"] = (delta.abs() > width).where(width.notna() & delta.notna()).astype("boolean")
    out.index.name = wide.index.name or "unit"
    return out
