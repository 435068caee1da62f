"""Accessibility of each city by scheduled rail with transfers: Hansen potential and 2SFCA.

Both read the bundled YRD timetable routed with up to two changes
(:func:`~tongcheng.indicators.rail_transfers.bundled_transfer_times`, directed minutes) and the
2020 census residents. Only cities covered by the timetable (24 of the 41 YRD cities) get a
value; the others are absent, not zero, since their rail times are unknown.
"""

from __future__ import annotations

import math

import pandas as pd

from ..network.accessibility import Decay, hansen_accessibility, two_step_fca
from .context import ComputeContext
from .rail_transfers import PERIOD, bundled_transfer_times, transfer_times_between
from .registry import indicator

__all__ = ["CATCHMENT_MIN", "HALF_LIFE_MIN", "health_workforce_access", "rail_population_potential"]

#: Half-life of the exponential decay of the population potential (minutes).
HALF_LIFE_MIN = 60.0
#: Catchment of the 2SFCA (minutes by rail, changes included).
CATCHMENT_MIN = 60.0
_CENSUS = "2020"
_HANSEN = ("Hansen (1959) How accessibility shapes land use, J. Am. Inst. Planners 25(2); "
           "Geurs & van Wee (2004) J. Transport Geography 12(2); half-life 60 min after "
           "国家发展改革委 (2019) 发改规划〔2019〕328号 1小时通勤圈; RailwayVIS timetable with RAPTOR")
_TWO_STEP = ("Luo & Wang (2003) Environment and Planning B 30(6); spatial access ratio after "
             "Wan, Zou & Sternberg (2012) Int. J. Geographical Information Science 26(6); "
             "60-min catchment: 发改规划〔2019〕328号; census 2020 long form (GB/T 4754 section Q)")


def _rail_minutes(cities: pd.Index) -> pd.DataFrame:
    """Directed rail minutes with transfers between ``cities``, as a long accessibility table."""
    t = transfer_times_between(cities)
    return pd.DataFrame({"from_id": t["from_code"].to_numpy(), "to_id": t["to_code"].to_numpy(),
                         "travel_time": t["minutes"].to_numpy(float)})


def rail_population_potential(times: pd.DataFrame, population: pd.Series, *,
                              half_life: float = HALF_LIFE_MIN) -> pd.Series:
    r"""Return each city's rail population potential: other cities' residents, decay-weighted.

    .. math:: A_i = \sum_{j \ne i} P_j \, 2^{-t_{ij} / h}

    Hansen's (1959) potential with a negative exponential decay of half-life ``h`` (β = ln 2 / h
    per minute). The default ``h = 60`` min is a normative choice, not a calibration: it puts
    the half weight at the one-hour commuting circle that defines a metropolitan area (NDRC
    2019), so a city one hour away counts half and one two hours away a quarter, with no cliff
    at 60 min as in the cumulative measure (Geurs & van Wee 2004 on cumulative measures).
    Where intercity flows are observed, calibrate ``h`` on them. The city's own residents are
    left out: an intra-city term would measure city size, not rail integration, and the
    city-to-city timetable has no intra-city time.

    Parameters
    ----------
    times
        ``from_id, to_id, travel_time`` in minutes (directed, from the city).
    population
        Residents indexed by city code (every ``to_id`` must be in it).
    half_life
        Minutes after which a city's weight halves.

    Returns
    -------
    pandas.Series
        Persons (decay-weighted), indexed by the ``from_id`` of ``times``.

    Examples
    --------
    >>> t = pd.DataFrame({"from_id": ["a", "b"], "to_id": ["b", "a"], "travel_time": [60.0, 120.0]})
    >>> rail_population_potential(t, pd.Series({"a": 8.0, "b": 4.0})).tolist()
    [2.0, 2.0]
    """
    return hansen_accessibility(times, population, decay=Decay.exponential(half_life=half_life),
                                include_self=False, unit="min")


def health_workforce_access(times: pd.DataFrame, workers: pd.Series, population: pd.Series, *,
                            catchment: float = CATCHMENT_MIN) -> pd.Series:
    r"""Return the 2SFCA spatial access ratio of health and social-work workers per resident.

    Two-step floating catchment (Luo & Wang 2003) with a cumulative catchment: each city's
    workers are shared among the residents of the cities within ``catchment`` minutes (its own
    included, at 0 min), and each city sums the shares in its own catchment. The result is
    divided by the regional ratio Σ workers / Σ residents, as the spatial access ratio (SPAR)
    of Wan, Zou & Sternberg (2012): 1 is the regional level, and the population-weighted mean
    is exactly 1 since every city reaches itself. This follows the spatial access ratio (SPAR)
    of Wan, Zou & Sternberg (2012, "A three-step floating catchment area method for analyzing
    spatial access to health services"), which divides by the mean of the index; dividing by
    the population-weighted mean also cancels the sampling fraction of census long-form counts.

    Parameters
    ----------
    times
        ``from_id, to_id, travel_time`` in minutes between the cities (without self pairs).
    workers
        Supply (e.g. census long-form employment in GB/T 4754 section Q) by city code.
    population
        Demand (residents) by city code, same cities as ``workers``.
    catchment
        Minutes by rail within which residents use a city's workers.

    Returns
    -------
    pandas.Series
        Ratio to the regional level, indexed by city code (the order of ``population``).

    Examples
    --------
    >>> t = pd.DataFrame({"from_id": ["a", "b"], "to_id": ["b", "a"], "travel_time": [50.0, 50.0]})
    >>> health_workforce_access(t, pd.Series({"a": 30.0, "b": 0.0}), pd.Series({"a": 1.0, "b": 2.0})).tolist()
    [1.0, 1.0]
    """
    out = two_step_fca(times, population, workers, decay=Decay.cumulative(catchment), self_time=0.0,
                       unit="min")["accessibility"]
    return out / (workers.sum() / population.sum())


def _frame(values: pd.Series, flags: str = "") -> pd.DataFrame:
    return pd.DataFrame({"period": PERIOD, "value": values.astype(float).to_numpy(), "flags": flags},
                        index=pd.Index(values.index.astype(str), name="code"))


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"period": [], "value": [], "flags": []}, index=pd.Index([], name="code"))


def _covered(*series: pd.Series) -> pd.Index:
    """City codes in the timetable that have every series."""
    times = bundled_transfer_times()
    cities = pd.Index(pd.unique(times[["from_code", "to_code"]].to_numpy().ravel()))
    for s in series:
        cities = cities.intersection(s.dropna().index, sort=False)
    return cities.sort_values()


@indicator("rail_potential_pop", name_zh="铁路人口潜力(含换乘)",
           name_en="Rail population potential (with transfers)", unit="persons",
           subject_kind="unit", inputs=("pop_resident",), family="accessibility",
           description_zh="Hansen 潜力: A_i = Σ_{j≠i} P_j·2^(−t_ij/60), P 为2020年常住人口, t 为内置时刻表"
                          "含至多2次换乘的最短铁路时间(分钟, 由 i 出发); 半衰期60分钟对应1小时通勤圈; "
                          "不含本市人口; 仅时刻表覆盖的城市有值",
           description_en="Hansen potential A_i = Σ_{j≠i} P_j·2^(−t_ij/60): 2020 residents of the "
                          "other cities weighted by a 60-min half-life of the scheduled rail time with up "
                          "to 2 changes from city i (bundled timetable); own residents excluded; only "
                          "cities in the timetable have a value",
           citation=_HANSEN)
def _potential(ctx: ComputeContext) -> pd.DataFrame:
    pop = ctx.series("pop_resident", _CENSUS, level="city")
    cities = _covered(pop)
    if len(cities) < 2:
        return _empty()
    return _frame(rail_population_potential(_rail_minutes(cities), pop[cities]))


@indicator("rail_2sfca_health_workers", name_zh="卫生和社会工作从业人员可达性(2SFCA, 1小时铁路圈)",
           name_en="Access to health and social-work workers (2SFCA, one-hour rail catchment)",
           unit="ratio (region = 1)", subject_kind="unit", inputs=("emp_q", "pop_resident"),
           family="accessibility",
           description_zh="两步移动搜寻法: 各城市卫生和社会工作从业人员(普查长表, 门类Q)按含至多2次换乘的"
                          "铁路时间 ≤ 60分钟(含本市)分摊给可达城市的2020年常住人口, 再对各城市可达范围求和; "
                          "除以区域平均"
                          "(Σ从业人员/Σ常住人口), 1 = 区域平均; 仅时刻表覆盖的城市有值; 无 emp_q 时不计算",
           description_en="two-step floating catchment: each city's health and social-work workers "
                          "(census long form, section Q) are shared among the 2020 residents of the cities "
                          "≤ 60 min away by rail with up to 2 changes (itself included), then summed over "
                          "each city's catchment; divided by the regional ratio (Σ workers / Σ residents), "
                          "1 = regional level; only cities in the timetable; not computed without emp_q",
           citation=_TWO_STEP)
def _health_access(ctx: ComputeContext) -> pd.DataFrame:
    if not (ctx.has("emp_q", _CENSUS) and ctx.has("pop_resident", _CENSUS)):
        return _empty()
    pop = ctx.series("pop_resident", _CENSUS, level="city")
    workers = ctx.series("emp_q", _CENSUS, level="city")
    cities = _covered(pop, workers)
    if len(cities) < 2 or not math.isfinite(workers[cities].sum()) or workers[cities].sum() <= 0:
        return _empty()
    values = health_workforce_access(_rail_minutes(cities), workers[cities], pop[cities])
    return _frame(values, f"cities={len(cities)}")
