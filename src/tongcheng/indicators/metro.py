"""Metropolitan-area indicators: totals over members and the core's one-hour reach."""

from __future__ import annotations

import pandas as pd

from .._errors import DataError
from .rail import rail_time_to

__all__ = ["metro_share_within", "metro_totals"]


def _members(memberships: pd.DataFrame) -> pd.DataFrame:
    missing = {"metro_code", "member_code"} - set(memberships.columns)
    if missing:
        msg = f"memberships lack column(s) {sorted(missing)}; expected metro_code and member_code"
        raise DataError(msg)
    return memberships[["metro_code", "member_code"]].drop_duplicates()


def metro_totals(values: pd.Series, memberships: pd.DataFrame) -> pd.Series:
    r"""Sum a unit indicator over the members of each metropolitan area.

    .. math:: X_m = \sum_{i \in m} x_i

    Members may be cities or county-level units (e.g. 金坛区 and 溧阳市 in the Nanjing
    metropolitan area); a total is only given when every member has a value, so that
    a partial sum is never mistaken for the whole.

    Parameters
    ----------
    values
        An additive unit indicator (population, area, GDP) indexed by unit code.
    memberships
        Long membership table with ``metro_code`` and ``member_code``.

    Returns
    -------
    pandas.Series
        Totals indexed by ``metro_code``; NaN where a member has no value.

    Examples
    --------
    >>> m = pd.DataFrame({"metro_code": ["A", "A", "B"], "member_code": ["1", "2", "3"]})
    >>> metro_totals(pd.Series({"1": 5.0, "2": 7.0}), m).to_dict()
    {'A': 12.0, 'B': nan}
    """
    members = _members(memberships)
    member_values = values.reindex(members["member_code"]).to_numpy()
    frame = members.assign(value=member_values)
    out = frame.groupby("metro_code")["value"].sum(min_count=1)
    complete = frame.groupby("metro_code")["value"].apply(lambda v: v.notna().all())
    out = out.where(complete)
    out.index.name = "metro_code"
    return out.rename(values.name)


def metro_share_within(times: pd.Series, population: pd.Series, memberships: pd.DataFrame,
                       cores: dict[str, str], *, threshold: float = 60.0) -> pd.Series:
    r"""Share of a metropolitan area's residents living within reach of its core.

    .. math:: S_m = 100 \, \frac{\sum_{i \in m,\; t_{i,c(m)} \le T} P_i}{\sum_{i \in m} P_i}

    with :math:`c(m)` the core, :math:`t` the minimum scheduled rail time (either
    direction) and :math:`T` the threshold (60 minutes: the one-hour circle that the
    NDRC 2019 guideline takes as the basic extent of a 都市圈). The core counts as
    within reach. Members without a direct train count as outside.

    Parameters
    ----------
    times
        Directed minimum rail times indexed by ``(from_code, to_code)``.
    population
        Residents by unit code (every member must have a value).
    memberships
        Long membership table with ``metro_code`` and ``member_code``.
    cores
        ``{metro_code: core_code}``; metros without a core are left out.
    threshold
        Minutes (inclusive).

    Returns
    -------
    pandas.Series
        Percent by ``metro_code``.
    """
    members = _members(memberships)
    out = {}
    for metro, core in cores.items():
        codes = members.loc[members["metro_code"] == metro, "member_code"]
        pop = population.reindex(codes)
        if pop.isna().any() or pop.sum() <= 0:
            continue
        reach = rail_time_to(times, core).reindex(codes)
        inside = (reach <= threshold) | (codes == core).to_numpy()
        out[metro] = 100.0 * float(pop[inside.to_numpy()].sum()) / float(pop.sum())
    result = pd.Series(out, dtype=float, name="share_within")
    result.index.name = "metro_code"
    return result
