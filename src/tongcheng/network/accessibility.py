"""Place accessibility from long travel-time tables: Hansen potential and floating catchments.

Every function reads a long ``from_id, to_id, travel_time`` table, as written by
:func:`~tongcheng.network.matrix.travel_time_matrix` (seconds) or
:func:`~tongcheng.network.railtable.rail_times_with_transfers` (minutes, after renaming), plus
opportunities, demand or supply as Series indexed by id. A pair missing from the table, or
with a ``NaN``/infinite time, is unreachable. Group sums run with :func:`numpy.bincount` on
integer codes, so tables of millions of rows take well under a second.

All time parameters (catchment, decay parameters, bands, intra-zonal time) are in **minutes**,
whatever the unit of the table (``unit="s"`` or ``"min"``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, ValidationError
from .._text import Text

__all__ = [
    "LUO_QI_2009_BANDS",
    "Decay",
    "enhanced_two_step_fca",
    "hansen_accessibility",
    "two_step_fca",
]

#: Sub-zone weights of the enhanced 2SFCA, upper bound in minutes → weight (Luo & Qi 2009).
LUO_QI_2009_BANDS: dict[float, float] = {10.0: 1.0, 20.0: 0.68, 30.0: 0.22}

_KINDS = ("cumulative", "exponential", "power", "gaussian", "dai", "stepwise")
_UNITS = {"s": 60.0, "min": 1.0}
_TABLE_COLUMNS = ("from_id", "to_id", "travel_time")
_MAX_LISTED = 20
_HALF = math.exp(-0.5)


@dataclass(frozen=True)
class Decay:
    """A distance-decay (impedance) function of travel time in minutes.

    Build one with a class method: :meth:`cumulative`, :meth:`exponential`, :meth:`power`,
    :meth:`gaussian`, :meth:`dai` or :meth:`stepwise`. Calling it on an array of minutes
    returns weights in ``[0, 1]`` (``power`` may exceed 1 below one minute), zero beyond
    ``cutoff``. Families as reviewed by Geurs & van Wee (2004, "Accessibility evaluation of
    land-use and transport strategies: review and research directions", *Journal of Transport
    Geography* 12(2)) and Kwan (1998, "Space-time and integral measures of individual
    accessibility", *Geographical Analysis* 30(3)).

    Attributes
    ----------
    kind
        One of ``cumulative, exponential, power, gaussian, dai, stepwise``.
    cutoff
        Catchment in minutes: pairs farther than this get weight 0 (``None``: no limit).
    beta
        Decay parameter: per minute (exponential), exponent (power), σ in minutes (gaussian).
    min_time
        Power decay only: times below it count as ``min_time`` (avoids ``t^-β → ∞`` at 0).
    bands
        Stepwise only: ``(upper_bound_minutes, weight)`` pairs in increasing order.

    Examples
    --------
    >>> Decay.exponential(half_life=30)(np.array([0.0, 30.0, 60.0])).round(3).tolist()
    [1.0, 0.5, 0.25]
    >>> Decay.stepwise(LUO_QI_2009_BANDS)(np.array([5.0, 10.0, 15.0, 30.0, 31.0])).tolist()
    [1.0, 1.0, 0.68, 0.22, 0.0]
    """

    kind: str
    cutoff: float | None = None
    beta: float | None = None
    min_time: float = 1.0
    bands: tuple[tuple[float, float], ...] = field(default=())

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            msg = Text(f"未知的衰减函数 {self.kind!r};应为 {', '.join(_KINDS)} 之一",
                       f"decay {self.kind!r} is unknown; expected one of {', '.join(_KINDS)}")
            raise DataError(msg)
        if self.cutoff is not None and not (math.isfinite(self.cutoff) and self.cutoff > 0):
            msg = Text(f"cutoff 为 {self.cutoff!r};应为正的分钟数",
                       f"cutoff is {self.cutoff!r}; expected a positive number of minutes")
            raise DataError(msg)
        if self.kind in ("cumulative", "dai") and self.cutoff is None:
            msg = Text(f"{self.kind} 衰减需要以分钟计的时间阈值(--cutoff)",
                       f"the {self.kind} decay needs a cutoff (catchment) in minutes")
            raise DataError(msg)
        if self.kind in ("exponential", "power", "gaussian") and not (
                self.beta is not None and math.isfinite(self.beta) and self.beta > 0):
            msg = Text(f"{self.kind} 衰减需要 beta > 0;实为 {self.beta!r}",
                       f"the {self.kind} decay needs beta > 0; got {self.beta!r}")
            raise DataError(msg)
        if not (math.isfinite(self.min_time) and self.min_time > 0):
            msg = Text(f"min_time 为 {self.min_time!r};应为正的分钟数",
                       f"min_time is {self.min_time!r}; expected a positive number of minutes")
            raise DataError(msg)

    @classmethod
    def cumulative(cls, cutoff: float) -> Decay:
        """Return the cumulative-opportunities decay: 1 if ``t ≤ cutoff``, else 0."""
        return cls("cumulative", cutoff=float(cutoff))

    @classmethod
    def exponential(cls, beta: float | None = None, *, half_life: float | None = None,
                    cutoff: float | None = None) -> Decay:
        """Return the negative exponential ``exp(−β t)``; give β per minute or a half-life.

        Raises
        ------
        DataError
            If neither or both of ``beta`` and ``half_life`` are given.
        """
        if (beta is None) == (half_life is None):
            msg = Text("请给出 beta(每分钟)或 half_life(分钟)二者之一",
                       "give either beta (per minute) or half_life (minutes), not both or neither")
            raise DataError(msg)
        if half_life is not None:
            if not half_life > 0:
                msg = Text(f"half_life 为 {half_life!r};应为正的分钟数",
                           f"half_life is {half_life!r}; expected a positive number of minutes")
                raise DataError(msg)
            beta = math.log(2.0) / half_life
        return cls("exponential", cutoff=cutoff, beta=beta)

    @classmethod
    def power(cls, beta: float, *, min_time: float = 1.0, cutoff: float | None = None) -> Decay:
        """Return the inverse power ``max(t, min_time)^−β`` (gravity impedance)."""
        return cls("power", cutoff=cutoff, beta=beta, min_time=min_time)

    @classmethod
    def gaussian(cls, sigma: float, *, cutoff: float | None = None) -> Decay:
        """Return the Gaussian ``exp(−t² / 2σ²)`` (weight 1 at 0, e^-1/2 ≈ 0.61 at σ)."""
        return cls("gaussian", cutoff=cutoff, beta=sigma)

    @classmethod
    def dai(cls, cutoff: float) -> Decay:
        """Return Dai's (2010) Gaussian, rescaled to 1 at ``t = 0`` and 0 at the catchment."""
        return cls("dai", cutoff=float(cutoff))

    @classmethod
    def stepwise(cls, bands: Mapping[float, float]) -> Decay:
        """Return a step function: weight ``w_k`` for ``b_{k-1} < t ≤ b_k``, 0 beyond the last.

        Raises
        ------
        DataError
            If a bound is not positive or a weight is negative.
        """
        items = sorted((float(b), float(w)) for b, w in bands.items())
        if not items or items[0][0] <= 0 or any(w < 0 or not math.isfinite(w) for _, w in items):
            msg = Text(f"分段为 {dict(bands)!r};应为 {{以分钟计的上限: ≥ 0 的权重}},"
                       "如 {10: 1, 20: 0.68, 30: 0.22}",
                       f"bands are {dict(bands)!r}; expected {{upper bound in minutes: weight ≥ 0}}, "
                       "e.g. {10: 1, 20: 0.68, 30: 0.22}")
            raise DataError(msg)
        return cls("stepwise", cutoff=items[-1][0], bands=tuple(items))

    def __call__(self, minutes: np.ndarray) -> np.ndarray:
        """Return the weight of each travel time (minutes)."""
        t = np.asarray(minutes, dtype=np.float64)
        if self.kind == "cumulative":
            w = np.ones_like(t)
        elif self.kind == "exponential":
            w = np.exp(-float(self.beta) * t)  # type: ignore[arg-type]
        elif self.kind == "power":
            w = np.power(np.maximum(t, self.min_time), -float(self.beta))  # type: ignore[arg-type]
        elif self.kind == "gaussian":
            w = np.exp(-(t * t) / (2.0 * float(self.beta) ** 2))  # type: ignore[arg-type]
        elif self.kind == "dai":
            w = (np.exp(-0.5 * (t / float(self.cutoff)) ** 2) - _HALF) / (1.0 - _HALF)  # type: ignore[arg-type]
        else:
            bounds = np.array([b for b, _ in self.bands])
            weights = np.array([w for _, w in self.bands] + [0.0])
            w = weights[np.searchsorted(bounds, t, side="left")]
        if self.cutoff is not None:
            w = np.where(t <= self.cutoff, w, 0.0)
        return w


def _problem(row: int | None, column: str, value: object, expected: Text, fix: Text) -> Problem:
    return Problem(file="", row=row, column=column, value=None if value is None else str(value),
                   expected=expected, fix=fix)


def _check_values(values: pd.Series, label: str, problems: list[Problem]) -> None:
    """Collect problems of an opportunity/demand/supply Series (numeric, ≥ 0, unique ids)."""
    num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(num) | (num < 0))
    for pos in bad[:_MAX_LISTED]:
        problems.append(_problem(None, label, f"{values.index[pos]!r}: {values.iloc[pos]!r}",
                                 Text("每个编号都有 ≥ 0 的数", "a number ≥ 0 for every id"),
                                 Text("没有时填 0,或删除该编号",
                                      "give 0 where there is nothing, or drop the id")))
    dup = values.index[values.index.duplicated()].unique()  # (checked before ids are looked up)
    for key in dup[:_MAX_LISTED]:
        problems.append(_problem(None, label, key, Text("每个编号只出现一次", "each id once"),
                                 Text("把该编号的行加总或去重", "sum or deduplicate the rows of this id")))


def _table(times: pd.DataFrame, unit: str, problems: list[Problem],
           ) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Return ``(from_id, to_id, minutes)`` of every row (``NaN``: unreachable), collecting problems."""
    if unit not in _UNITS:
        msg = f"unit is {unit!r}; expected 's' (seconds) or 'min' (minutes)"
        raise DataError(msg)
    missing = [c for c in _TABLE_COLUMNS if c not in times.columns]
    if missing:
        msg = Text(f"出行时间表缺少列 {missing};应有 from_id、to_id、travel_time"
                   f"(现有 {list(times.columns)});请改列名",
                   f"the travel-time table lacks column(s) {missing}; expected from_id, to_id, "
                   f"travel_time (got {list(times.columns)}); rename the columns")
        raise DataError(msg)
    try:
        t = times["travel_time"].to_numpy(dtype=np.float64) / _UNITS[unit]
    except (TypeError, ValueError) as exc:
        msg = Text("travel_time 须为数值(秒;unit='min' 时为分钟)",
                   "travel_time must be numbers (seconds, or minutes with unit='min')")
        raise DataError(msg) from exc
    for col in ("from_id", "to_id"):
        for pos in np.flatnonzero(times[col].isna().to_numpy())[:_MAX_LISTED]:
            problems.append(_problem(int(pos) + 2, col, None, Text("编号", "an id"),
                                     Text("填写编号或删除该行", "fill in or drop the row")))
    for pos in np.flatnonzero(t < 0)[:_MAX_LISTED]:
        problems.append(_problem(int(pos) + 2, "travel_time", times["travel_time"].iloc[pos],
                                 Text("≥ 0 的时间", "a time ≥ 0"),
                                 Text("更正该时间;不可达时留空",
                                      "fix the time; leave it empty if unreachable")))
    return times["from_id"], times["to_id"], t


def _codes(ids: pd.Series, index: pd.Index, column: str, label: str,
           problems: list[Problem]) -> np.ndarray:
    """Return the position of each id in ``index`` (-1 if missing), listing unknown ids."""
    codes, uniques = pd.factorize(ids)  # hashing the few distinct ids, not every row
    where = index.get_indexer(uniques)
    out = np.full(len(codes), -1, dtype=np.int64)
    ok = codes >= 0
    out[ok] = where[codes[ok]]
    unknown = uniques[where < 0]
    for key in unknown[:_MAX_LISTED]:
        problems.append(_problem(None, column, key, Text(f"{label} 中的编号", f"an id of the {label}"),
                                 Text(f"给出表中每个编号的 {label}(没有时填 0),或删除这些行",
                                      f"give the {label} of every id in the table (0 if none), "
                                      "or drop its rows")))
    if len(unknown) > _MAX_LISTED:
        problems.append(_problem(None, column, f"… {len(unknown) - _MAX_LISTED} more ids",
                                 Text(f"{label} 中的编号", f"ids of the {label}"),
                                 Text("见上", "see above")))
    return out


def _duplicates(times: pd.DataFrame, a: np.ndarray, b: np.ndarray, n_b: int,
                problems: list[Problem]) -> None:
    """List the rows whose (from_id, to_id) pair occurs more than once."""
    ok = (a >= 0) & (b >= 0)
    key = pd.Series(a * max(n_b, 1) + b)[ok]
    rows = key.index[key.duplicated(keep=False).to_numpy()]
    for pos in rows[:_MAX_LISTED]:
        pair = f"{times['from_id'].iloc[pos]!r} → {times['to_id'].iloc[pos]!r}"
        problems.append(_problem(int(pos) + 2, "from_id,to_id", pair,
                                 Text("每个点对只出现一次", "each pair once"),
                                 Text("每个 (from_id, to_id) 点对只保留一个时间",
                                      "keep one travel time per (from_id, to_id) pair")))


def _pairs(a: np.ndarray, b: np.ndarray, t: np.ndarray, *, own: np.ndarray, include_self: bool,
           self_time: float | pd.Series | None, labels: pd.Index,
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the reachable pairs as codes, with the ``i = j`` pairs dropped or set.

    ``a`` are row codes into ``labels``; ``b`` codes of destinations; ``own[k]`` is the
    destination code of ``labels[k]`` (-1 when it is not a destination). ``self_time`` is in
    minutes, a number or a Series by id.
    """
    keep = np.isfinite(t)
    if not include_self or self_time is not None:
        keep &= own[a] != b
    a, b, t = a[keep], b[keep], t[keep]
    if include_self and self_time is not None:
        k = np.flatnonzero(own >= 0)
        st = (self_time.reindex(labels[k]) if isinstance(self_time, pd.Series)
              else pd.Series(float(self_time), index=labels[k]))
        values = st.to_numpy(dtype=np.float64)
        if (values < 0).any():
            msg = Text("self_time(区内时间,分钟)须 ≥ 0", "self_time (intra-zonal minutes) must be ≥ 0")
            raise DataError(msg)
        given = ~np.isnan(values)
        a = np.concatenate([a, k[given]])
        b = np.concatenate([b, own[k][given]])
        t = np.concatenate([t, values[given]])
    return a, b, t


def _raise(problems: list[Problem], what: str) -> None:
    if problems:
        raise ValidationError(problems, summary=Text(f"{what} 输入中有 {len(problems)} 个问题",
                                                     f"{len(problems)} problem(s) in the {what} input"))


def hansen_accessibility(
    times: pd.DataFrame,
    opportunities: pd.Series,
    *,
    decay: Decay,
    include_self: bool = True,
    self_time: float | pd.Series | None = None,
    unit: str = "s",
) -> pd.Series:
    r"""Return Hansen's (1959) potential accessibility of every origin of ``times``.

    .. math:: A_i = \sum_j O_j \, f(t_{ij})

    Hansen, W. G. (1959) "How accessibility shapes land use", *Journal of the American
    Institute of Planners* 25(2): 73–76. With :meth:`Decay.cumulative` it is the
    cumulative-opportunities measure (opportunities within ``T`` minutes).

    Parameters
    ----------
    times
        Long table ``from_id, to_id, travel_time`` (one row per pair; ``NaN`` = unreachable).
    opportunities
        ``O_j`` indexed by destination id; every ``to_id`` of ``times`` must be in it.
    decay
        The impedance function ``f`` (see :class:`Decay`).
    include_self
        Keep the ``i = j`` pairs (the origin's own opportunities); ``False`` drops them.
    self_time
        Intra-zonal time in minutes (a number, or a Series by id) replacing the ``i = j`` times,
        and adding those pairs for origins that are also destinations. With the power decay use
        this or ``min_time``, since ``t = 0`` would weigh ``min_time^-β``.
    unit
        Unit of ``travel_time``: ``"s"`` (default, as :func:`travel_time_matrix`) or ``"min"``.

    Returns
    -------
    pandas.Series
        ``A_i`` indexed by origin id (``from_id`` in first-seen order), named ``accessibility``;
        0 for an origin that reaches nothing.

    Raises
    ------
    ValidationError
        Listing every unknown destination id, negative time, missing id, duplicated pair and
        missing or negative opportunity.
    DataError
        If ``times`` lacks a column or ``unit`` is unknown.

    Examples
    --------
    >>> t = pd.DataFrame({"from_id": ["a", "a", "b"], "to_id": ["a", "b", "a"],
    ...                   "travel_time": [0.0, 20.0, 20.0]})
    >>> jobs = pd.Series({"a": 100.0, "b": 50.0})
    >>> hansen_accessibility(t, jobs, decay=Decay.exponential(half_life=20), unit="min").tolist()
    [125.0, 50.0]
    """
    problems: list[Problem] = []
    _check_values(opportunities, "opportunities", problems)
    frm, to, t = _table(times, unit, problems)
    if not opportunities.index.is_unique:
        _raise(problems, "accessibility")
    fc, uniques = pd.factorize(frm)
    origins = pd.Index(uniques)
    tc = _codes(to, opportunities.index, "to_id", "opportunities", problems)
    if not problems:
        _duplicates(times, fc, tc, len(opportunities), problems)
    _raise(problems, "accessibility")
    fc, tc, t = _pairs(fc, tc, t, own=opportunities.index.get_indexer(origins), labels=origins,
                       include_self=include_self, self_time=self_time)
    weight = decay(t) * opportunities.to_numpy(dtype=np.float64)[tc]
    out = np.bincount(fc, weights=weight, minlength=len(origins))
    return pd.Series(out, index=origins, name="accessibility").rename_axis("id")


def two_step_fca(
    times: pd.DataFrame,
    demand: pd.Series,
    supply: pd.Series,
    *,
    decay: Decay,
    include_self: bool = True,
    self_time: float | pd.Series | None = None,
    unit: str = "s",
) -> pd.DataFrame:
    r"""Return two-step floating catchment (2SFCA) accessibility of every demand location.

    Step 1 gives each supply site ``j`` its supply-to-demand ratio over its catchment; step 2
    sums, for each demand location ``i``, the ratios of the sites in its catchment, with the
    same weights in both steps:

    .. math:: R_j = \frac{S_j}{\sum_k P_k f(t_{kj})}, \qquad A_i = \sum_j R_j f(t_{ij})

    With :meth:`Decay.cumulative` this is the 2SFCA of Luo & Wang (2003, "Measures of spatial
    accessibility to health care in a GIS environment: synthesis and a case study in the
    Chicago region", *Environment and Planning B* 30(6): 865–884); with :meth:`Decay.stepwise`
    the enhanced 2SFCA of Luo & Qi (2009, see :func:`enhanced_two_step_fca`); with
    :meth:`Decay.dai` the Gaussian 2SFCA of Dai (2010, "Black residential segregation,
    disparities in spatial access to health care facilities, and late-stage breast cancer
    diagnosis in metropolitan Detroit", *Health & Place* 16(5)); any other decay gives the
    generalised form reviewed by Wang (2012, "Measurement, optimization, and impact of health
    care accessibility: a methodological review", *Annals of the AAG* 102(5)).

    Parameters
    ----------
    times
        Long table from demand (``from_id``) to supply (``to_id``) locations.
    demand
        ``P_i`` (e.g. population) indexed by demand id; every ``from_id`` must be in it.
    supply
        ``S_j`` (e.g. doctors, beds) indexed by supply id; every ``to_id`` must be in it.
    decay
        Weights ``f`` and catchment (its ``cutoff``).
    include_self, self_time, unit
        As for :func:`hansen_accessibility` (``i = j`` when demand and supply share ids).

    Returns
    -------
    pandas.DataFrame
        Indexed by demand id (the order of ``demand``): ``accessibility`` (``A_i``, supply per
        unit of demand, 0 when no site is in reach) and ``sites`` (sites with positive weight).
        Summed over demand, ``Σ_i P_i A_i`` equals the supply of the sites whose catchment
        holds demand; a site whose catchment holds none serves no one and is not counted.

    Raises
    ------
    ValidationError
        As :func:`hansen_accessibility`, for unknown demand and supply ids.

    Examples
    --------
    >>> t = pd.DataFrame({"from_id": ["a", "b", "b"], "to_id": ["x", "x", "y"],
    ...                   "travel_time": [5.0, 10.0, 25.0]})
    >>> out = two_step_fca(t, pd.Series({"a": 100.0, "b": 300.0}), pd.Series({"x": 8.0, "y": 3.0}),
    ...                    decay=Decay.cumulative(30), unit="min")
    >>> out["accessibility"].tolist(), out["sites"].tolist()
    ([0.02, 0.03], [1, 2])
    """
    problems: list[Problem] = []
    _check_values(demand, "demand", problems)
    _check_values(supply, "supply", problems)
    frm, to, t = _table(times, unit, problems)
    if not (demand.index.is_unique and supply.index.is_unique):
        _raise(problems, "2SFCA")
    dc = _codes(frm, demand.index, "from_id", "demand", problems)
    sc = _codes(to, supply.index, "to_id", "supply", problems)
    if not problems:
        _duplicates(times, dc, sc, len(supply), problems)
    _raise(problems, "2SFCA")
    dc, sc, t = _pairs(dc, sc, t, own=supply.index.get_indexer(demand.index), labels=demand.index,
                       include_self=include_self, self_time=self_time)
    w = decay(t)
    pos = w > 0
    dc, sc, w = dc[pos], sc[pos], w[pos]
    p = demand.to_numpy(dtype=np.float64)
    served = np.bincount(sc, weights=p[dc] * w, minlength=len(supply))
    s = supply.to_numpy(dtype=np.float64)
    ratio = np.divide(s, served, out=np.zeros_like(s), where=served > 0)
    access = np.bincount(dc, weights=ratio[sc] * w, minlength=len(demand))
    sites = np.bincount(dc, minlength=len(demand))
    return pd.DataFrame({"accessibility": access, "sites": sites},
                        index=demand.index.rename("id"))


def enhanced_two_step_fca(
    times: pd.DataFrame,
    demand: pd.Series,
    supply: pd.Series,
    *,
    bands: Mapping[float, float] = LUO_QI_2009_BANDS,
    include_self: bool = True,
    self_time: float | pd.Series | None = None,
    unit: str = "s",
) -> pd.DataFrame:
    """Return the enhanced 2SFCA (E2SFCA): :func:`two_step_fca` with stepwise sub-zone weights.

    Luo, W. & Qi, Y. (2009) "An enhanced two-step floating catchment area (E2SFCA) method for
    measuring spatial accessibility to primary care physicians", *Health & Place* 15(4):
    1100–1107. The default bands are theirs: weight 1 up to 10 min, 0.68 from 10 to 20 min,
    0.22 from 20 to 30 min; a time on a bound belongs to the nearer band.

    Parameters
    ----------
    times, demand, supply, include_self, self_time, unit
        As for :func:`two_step_fca`.
    bands
        ``{upper bound in minutes: weight}``; the last bound is the catchment.

    Returns
    -------
    pandas.DataFrame
        As :func:`two_step_fca`.

    Examples
    --------
    >>> t = pd.DataFrame({"from_id": ["a", "b"], "to_id": ["x", "x"], "travel_time": [300.0, 900.0]})
    >>> out = enhanced_two_step_fca(t, pd.Series({"a": 10.0, "b": 10.0}), pd.Series({"x": 1.0}))
    >>> out["accessibility"].round(4).tolist()  # R_x = 1 / (10·1 + 10·0.68)
    [0.0595, 0.0405]
    """
    return two_step_fca(times, demand, supply, decay=Decay.stepwise(bands),
                        include_self=include_self, self_time=self_time, unit=unit)
