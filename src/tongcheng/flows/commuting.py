"""Commuting indicators from an OD table (DOMAIN.md S01–S04, S06).

Every function keeps the periods, kinds and value kinds of its input apart — a result is
never computed from a mix of ``sample`` (identified users of one provider) and
``expanded`` counts — and carries the input's ``flags`` (method breaks) into its output.
Shares are in percent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._errors import DataError
from .od import GROUP_COLUMNS, ODTable, _join_flags

__all__ = [
    "commuting_rate_to",
    "cross_city_commuters",
    "employment_interchange",
    "in_out_ratio",
    "inbound_employment_share",
    "origin_shares",
]

Units = str | Sequence[str]


def _codes(units: Units) -> list[str]:
    codes = [units] if isinstance(units, str) else [str(u) for u in units]
    if not codes:
        msg = "give at least one unit code"
        raise DataError(msg)
    return codes


def _per_group(od: ODTable, func: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for key, rows in od.data.groupby(GROUP_COLUMNS, sort=True):
        res = func(rows)
        if res.empty:
            continue
        for col, val in zip(GROUP_COLUMNS, key, strict=True):
            res[col] = val
        res["flags"] = _join_flags(rows["flags"])
        parts.append(res)
    if not parts:
        return pd.DataFrame(columns=[*GROUP_COLUMNS, "value", "flags"])
    return pd.concat(parts, ignore_index=True)


def _residents(rows: pd.DataFrame, given: pd.Series | None) -> pd.Series:
    return given.astype(float) if given is not None else rows.groupby("origin")["value"].sum()


def _jobs(rows: pd.DataFrame, given: pd.Series | None) -> pd.Series:
    return given.astype(float) if given is not None else rows.groupby("destination")["value"].sum()


def cross_city_commuters(od: ODTable, *, groups: Mapping[str, str] | None = None) -> pd.DataFrame:
    r"""Cross-unit commuters per ordered pair (S01 跨城通勤人数).

    .. math:: C_{ij} = T_{ij}, \quad i \ne j

    after summing units into ``groups`` (e.g. counties into cities, so that commuting
    between two districts of one city is not cross-city). Tongji's definition: home and
    workplace in different prefecture-level cities (钮心毅 et al., 《长三角城市跨城通勤年度报告》).

    Returns
    -------
    pandas.DataFrame
        The long OD shape ``origin, destination, value, period, kind, value_kind, flags``.
    """
    table = od.relabel(groups) if groups else od
    d = table.data
    return d[d["origin"] != d["destination"]].reset_index(drop=True)


def commuting_rate_to(od: ODTable, core: Units, *,
                      employed_residents: pd.Series | None = None) -> pd.DataFrame:
    r"""Share of each unit's employed residents who work in the core (S02 向中心城市通勤率).

    .. math:: s^{\mathrm{out}}_{i} = 100 \cdot \frac{\sum_{c \in K} T_{ic}}{E_i}

    with :math:`K` the core unit(s) and :math:`E_i` the employed residents of *i* (by
    default :math:`\sum_j T_{ij}`, intra-unit flows included, which is right for a complete
    census OD table; pass ``employed_residents`` otherwise). This is the OECD/EU
    commuting-zone test (Dijkstra, Poelman & Veneri 2019, *The EU-OECD definition of a
    functional urban area*, OECD Regional Development Working Papers 2019/11).

    Returns
    -------
    pandas.DataFrame
        ``unit, period, kind, value_kind, value, flags`` for every non-core unit.
    """
    cores = _codes(core)

    def one(rows: pd.DataFrame) -> pd.DataFrame:
        res = _residents(rows, employed_residents)
        to_core = rows[rows["destination"].isin(cores)].groupby("origin")["value"].sum()
        units = res.index[~res.index.isin(cores)]
        share = 100 * to_core.reindex(units).fillna(0.0) / res.reindex(units).replace(0, np.nan)
        return share.rename("value").rename_axis("unit").reset_index()

    return _per_group(od, one)[["unit", *GROUP_COLUMNS, "value", "flags"]]


def inbound_employment_share(od: ODTable, core: Units, *,
                             employment: pd.Series | None = None) -> pd.DataFrame:
    r"""Share of each unit's jobs held by residents of the core (S03 中心城市就业吸纳率).

    .. math:: s^{\mathrm{in}}_{j} = 100 \cdot \frac{\sum_{c \in K} T_{cj}}{W_j}

    with :math:`W_j` the employment in *j* (by default :math:`\sum_i T_{ij}`). This is the
    "reverse commuting" test of the OMB standards (Office of Management and Budget 2010,
    *Federal Register* 75(123): 37246–37252).

    Returns
    -------
    pandas.DataFrame
        ``unit, period, kind, value_kind, value, flags`` for every non-core unit.
    """
    cores = _codes(core)

    def one(rows: pd.DataFrame) -> pd.DataFrame:
        jobs = _jobs(rows, employment)
        from_core = rows[rows["origin"].isin(cores)].groupby("destination")["value"].sum()
        units = jobs.index[~jobs.index.isin(cores)]
        share = 100 * from_core.reindex(units).fillna(0.0) / jobs.reindex(units).replace(0, np.nan)
        return share.rename("value").rename_axis("unit").reset_index()

    return _per_group(od, one)[["unit", *GROUP_COLUMNS, "value", "flags"]]


def employment_interchange(od: ODTable, smaller: Units, *, larger: Units,
                           employed_residents: pd.Series | None = None,
                           employment: pd.Series | None = None) -> pd.DataFrame:
    r"""Employment interchange measure between two areas (S04 就业交换度; OMB CSA test).

    .. math::

        \mathrm{EIM} = 100 \cdot \frac{T_{SL}}{E_S} + 100 \cdot \frac{T_{LS}}{W_S}

    the percentage of employed residents of the smaller area *S* who work in the larger
    area *L*, plus the percentage of the jobs in *S* held by residents of *L*
    (OMB 2010, *Federal Register* 75(123), section 2 "Combined Statistical Areas").

    Parameters
    ----------
    od
        Flows between units.
    smaller, larger
        Unit code(s) of the two areas (e.g. the members of two CBSAs).
    employed_residents, employment
        Per-unit totals if the OD table is not complete (default: row and column sums).

    Returns
    -------
    pandas.DataFrame
        ``period, kind, value_kind, out_share, in_share, value, flags``.
    """
    s, big = _codes(smaller), _codes(larger)
    if set(s) & set(big):
        msg = "the two areas share units; an area cannot be interchanging with itself"
        raise DataError(msg)

    def one(rows: pd.DataFrame) -> pd.DataFrame:
        res = _residents(rows, employed_residents).reindex(s).sum()
        jobs = _jobs(rows, employment).reindex(s).sum()
        t_sl = rows[rows["origin"].isin(s) & rows["destination"].isin(big)]["value"].sum()
        t_ls = rows[rows["origin"].isin(big) & rows["destination"].isin(s)]["value"].sum()
        out_share = 100 * t_sl / res if res else np.nan
        in_share = 100 * t_ls / jobs if jobs else np.nan
        return pd.DataFrame({"out_share": [out_share], "in_share": [in_share],
                             "value": [out_share + in_share]})

    return _per_group(od, one)[[*GROUP_COLUMNS, "out_share", "in_share", "value", "flags"]]


def in_out_ratio(od: ODTable, units: Units, *, partners: Sequence[str] | None = None) -> pd.DataFrame:
    r"""Inbound over outbound commuters of an area (S06 通勤入出比).

    .. math:: R_A = \frac{\sum_{i \in P,\, j \in A} T_{ij}}{\sum_{i \in A,\, j \in P} T_{ij}}

    with *A* the area's units and *P* the partner units (default: every unit outside *A*).
    Tongji reports 1.98 for Shanghai and 5.10 for its central city in 2021
    (钮心毅 et al. 2021, 《长三角城市跨城通勤年度报告》).

    Returns
    -------
    pandas.DataFrame
        ``period, kind, value_kind, inflow, outflow, value, flags``.
    """
    area = _codes(units)

    def one(rows: pd.DataFrame) -> pd.DataFrame:
        other = (rows["origin"].isin(partners) if partners is not None else ~rows["origin"].isin(area))
        inflow = rows[other & rows["destination"].isin(area)]["value"].sum()
        other_d = (rows["destination"].isin(partners) if partners is not None
                   else ~rows["destination"].isin(area))
        outflow = rows[rows["origin"].isin(area) & other_d]["value"].sum()
        return pd.DataFrame({"inflow": [inflow], "outflow": [outflow],
                             "value": [inflow / outflow if outflow else np.nan]})

    return _per_group(od, one)[[*GROUP_COLUMNS, "inflow", "outflow", "value", "flags"]]


def origin_shares(od: ODTable, units: Units) -> pd.DataFrame:
    r"""Share of an area's inbound commuters coming from each outside unit.

    .. math:: p_i = 100 \cdot \frac{\sum_{j \in A} T_{ij}}{\sum_{k \notin A} \sum_{j \in A} T_{kj}}

    Returns
    -------
    pandas.DataFrame
        ``origin, period, kind, value_kind, value, flags``, largest share first.
    """
    area = _codes(units)

    def one(rows: pd.DataFrame) -> pd.DataFrame:
        inn = rows[~rows["origin"].isin(area) & rows["destination"].isin(area)]
        by = inn.groupby("origin")["value"].sum()
        return (100 * by / by.sum()).sort_values(ascending=False).rename("value").reset_index()

    return _per_group(od, one)[["origin", *GROUP_COLUMNS, "value", "flags"]]
