"""Scheduled rail indicators: times to cores, the one-hour circle, gravity linkage.

Times are minimum scheduled in-vehicle times between cities (a long Series indexed by
``(from_code, to_code)``), as bundled from the RailwayVIS timetable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyproj import Geod

from .._errors import DataError

__all__ = [
    "DISTANCE_FALLBACK",
    "circle_population",
    "gravity_linkage",
    "one_hour_circle",
    "rail_time_to",
    "symmetric_times",
]

DISTANCE_FALLBACK = "distance_fallback"
_GEOD = Geod(ellps="WGS84")


def _check_times(times: pd.Series) -> pd.Series:
    if times.index.nlevels != 2:
        msg = "rail times must be indexed by (from_code, to_code); got a single-level index"
        raise DataError(msg)
    values = times.astype(float).dropna()
    if (values < 0).any():
        msg = "rail times must be non-negative minutes"
        raise DataError(msg)
    return values


def symmetric_times(times: pd.Series) -> pd.Series:
    """Return the faster direction of each city pair, indexed ``(a, b)`` with ``a < b``.

    Parameters
    ----------
    times
        Directed minimum times in minutes indexed by ``(from_code, to_code)``.

    Returns
    -------
    pandas.Series
        Minutes, named ``rail_time_min``.
    """
    values = _check_times(times)
    a = values.index.get_level_values(0).astype(str)
    b = values.index.get_level_values(1).astype(str)
    lo = np.where(a < b, a, b)
    hi = np.where(a < b, b, a)
    frame = pd.DataFrame({"from_code": lo, "to_code": hi, "t": values.to_numpy()})
    frame = frame[frame["from_code"] != frame["to_code"]]
    out = frame.groupby(["from_code", "to_code"])["t"].min()
    return out.rename("rail_time_min")


def rail_time_to(times: pd.Series, target: str, *, direction: str = "either") -> pd.Series:
    """Minimum rail time between each city and a target city.

    Parameters
    ----------
    times
        Directed minimum times indexed by ``(from_code, to_code)``.
    target
        Code of the target city (e.g. ``"310100"`` for Shanghai).
    direction
        ``"to"`` (city → target), ``"from"`` (target → city) or ``"either"``
        (the faster of the two; the default, as timetables differ slightly by direction).

    Returns
    -------
    pandas.Series
        Minutes indexed by city code (cities with a direct scheduled train only; the
        target itself is not included), named ``rail_time_to_<target>``.
    """
    values = _check_times(times)
    frame = values.rename("t").reset_index()
    frame.columns = ["a", "b", "t"]
    parts = []
    if direction in ("to", "either"):
        parts.append(frame[frame["b"] == target].set_index("a")["t"])
    if direction in ("from", "either"):
        parts.append(frame[frame["a"] == target].set_index("b")["t"])
    if not parts:
        msg = f"direction is {direction!r}; expected 'to', 'from' or 'either'"
        raise DataError(msg)
    out = pd.concat(parts).groupby(level=0).min()
    out.index.name = "code"
    return out.drop(target, errors="ignore").rename(f"rail_time_to_{target}")


def one_hour_circle(times: pd.Series, core: str, *, threshold: float = 60.0) -> pd.Series:
    """Cities within ``threshold`` minutes of scheduled rail from a core city.

    Parameters
    ----------
    times
        Directed minimum times indexed by ``(from_code, to_code)``.
    core
        Code of the core city.
    threshold
        Upper bound in minutes (inclusive). 60 gives the one-hour circle of the NDRC
        guideline (发改规划〔2019〕328号: 以1小时通勤圈为基本范围).

    Returns
    -------
    pandas.Series
        Minutes for the core (0) and every city with a time ≤ threshold, sorted.
    """
    to_core = rail_time_to(times, core)
    inside = to_core[to_core <= threshold]
    out = pd.concat([pd.Series({core: 0.0}), inside]).sort_values(kind="stable")
    out.index.name = "code"
    return out.rename(f"within_{threshold:g}min_of_{core}")


def circle_population(times: pd.Series, population: pd.Series, cores: list[str], *,
                      threshold: float = 60.0) -> pd.DataFrame:
    """Number of cities and population inside each core's rail circle.

    Parameters
    ----------
    times
        Directed minimum times indexed by ``(from_code, to_code)``.
    population
        Resident population by city code.
    cores
        Core city codes.
    threshold
        Circle radius in minutes (inclusive).

    Returns
    -------
    pandas.DataFrame
        Indexed by core code: ``n_cities`` (core included), ``population`` (sum over
        the cities inside, core included) and ``members`` (codes, comma separated).
    """
    rows = {}
    for core in cores:
        inside = one_hour_circle(times, core, threshold=threshold)
        pop = population.reindex(inside.index)
        rows[core] = {"n_cities": len(inside), "population": float(pop.sum(min_count=1)),
                      "members": ",".join(inside.index)}
    return pd.DataFrame.from_dict(rows, orient="index")


def gravity_linkage(population: pd.Series, times: pd.Series, coords: pd.DataFrame, *,
                    fallback: bool = True) -> pd.DataFrame:
    r"""Gravity linkage strength between every pair of cities.

    .. math:: G_{ij} = \frac{P_i \, P_j}{t_{ij}^2}

    with populations in millions and :math:`t_{ij}` the minimum scheduled rail time in
    minutes (the faster direction). Where no direct train exists, :math:`t_{ij}` is
    replaced by an equivalent time :math:`d_{ij} / \tilde v`, with :math:`d_{ij}` the
    geodesic distance between centroids and :math:`\tilde v` the median speed
    :math:`d/t` over pairs that have a rail time; those pairs are flagged
    ``distance_fallback``.

    Parameters
    ----------
    population
        Resident population by city code (persons).
    times
        Directed minimum rail times indexed by ``(from_code, to_code)``.
    coords
        ``lon`` and ``lat`` (WGS-84) by city code.
    fallback
        Use the distance fallback; if ``False`` pairs without rail time are left out.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``(from_code, to_code)`` with ``from_code < to_code``; columns
        ``value``, ``time_min``, ``distance_km``, ``flags``.

    Notes
    -----
    Zipf, G. K. (1946). The P1 P2 / D hypothesis: on the intercity movement of persons.
    *American Sociological Review* 11(6): 677–686. For Chinese city networks with
    time distance see 顾朝林, 庞海峰 (2008), 《地理研究》27(1): 1–12.
    """
    pop = population.astype(float).dropna() / 1e6
    codes = np.array(sorted(set(pop.index) & set(coords.index)))
    if len(codes) < 2:
        msg = "gravity_linkage needs population and coordinates for at least two cities"
        raise DataError(msg)
    i, j = np.triu_indices(len(codes), k=1)
    lon = coords.loc[codes, "lon"].to_numpy(float)
    lat = coords.loc[codes, "lat"].to_numpy(float)
    _, _, dist_m = _GEOD.inv(lon[i], lat[i], lon[j], lat[j])
    index = pd.MultiIndex.from_arrays([codes[i], codes[j]], names=["from_code", "to_code"])
    rail = symmetric_times(times).reindex(index)
    out = pd.DataFrame({"time_min": rail.to_numpy(), "distance_km": dist_m / 1000.0}, index=index)
    out["flags"] = ""
    has = out["time_min"].notna() & (out["time_min"] > 0)
    if fallback:
        if not has.any():
            msg = "no pair has a rail time, so the distance fallback cannot be calibrated"
            raise DataError(msg)
        speed = float((out.loc[has, "distance_km"] / out.loc[has, "time_min"]).median())
        out.loc[~has, "time_min"] = out.loc[~has, "distance_km"] / speed
        out.loc[~has, "flags"] = DISTANCE_FALLBACK
    else:
        out = out[has]
    p = pop.reindex(out.index.get_level_values(0)).to_numpy() * pop.reindex(
        out.index.get_level_values(1)).to_numpy()
    out["value"] = p / out["time_min"].to_numpy() ** 2
    return out[["value", "time_min", "distance_km", "flags"]]
