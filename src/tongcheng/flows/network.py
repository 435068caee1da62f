"""The city network of flows: centrality, intra-metro share and urban flow intensity."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import DataError
from .od import ODTable

__all__ = ["flow_centrality", "intra_metro_share", "urban_flow_intensity"]


def flow_centrality(od: ODTable, *, damping: float = 0.85, tol: float = 1e-12) -> pd.DataFrame:
    r"""Strength, degree and PageRank of every unit in the directed flow network.

    Intra-unit flows are left out. PageRank follows flows (a unit is central when
    central units send flows to it):

    .. math::

        \pi_j = \frac{1 - d}{n} + d \sum_i \pi_i \frac{T_{ij}}{\sum_k T_{ik}}

    (Brin & Page 1998, *Computer Networks and ISDN Systems* 30: 107–117); units without
    outflow spread their rank evenly.

    Returns
    -------
    pandas.DataFrame
        Indexed by unit: ``out_strength, in_strength, out_degree, in_degree, pagerank``.
    """
    mat = od.to_matrix()
    t = mat.to_numpy(dtype=float, copy=True)
    np.fill_diagonal(t, 0.0)
    n = len(t)
    if n == 0:
        msg = "the OD table is empty"
        raise DataError(msg)
    out = t.sum(axis=1)
    p = np.divide(t, out[:, None], out=np.full_like(t, 1.0 / n), where=out[:, None] > 0)
    rank = np.full(n, 1.0 / n)
    for _ in range(1000):
        new = (1 - damping) / n + damping * rank @ p
        if np.abs(new - rank).sum() < tol:
            rank = new
            break
        rank = new
    return pd.DataFrame({"out_strength": out, "in_strength": t.sum(axis=0),
                         "out_degree": (t > 0).sum(axis=1), "in_degree": (t > 0).sum(axis=0),
                         "pagerank": rank / rank.sum()}, index=pd.Index(mat.index, name="unit"))


def intra_metro_share(od: ODTable, memberships: pd.DataFrame) -> pd.DataFrame:
    r"""Share of each metro's cross-unit flows that stay between its members.

    .. math::

        s_M = 100 \cdot \frac{\sum_{i, j \in M,\, i \ne j} T_{ij}}
                             {\sum_{i \ne j,\ i \in M \lor j \in M} T_{ij}}

    Returns
    -------
    pandas.DataFrame
        ``metro_code, period, kind, value_kind, inside, touching, value``.
    """
    d = od.data[od.data["origin"] != od.data["destination"]]
    rows = []
    for metro, members in memberships.groupby("metro_code"):
        codes = set(members["member_code"].astype(str))
        for (period, kind, vk), flows in d.groupby(["period", "kind", "value_kind"]):
            o_in, d_in = flows["origin"].isin(codes), flows["destination"].isin(codes)
            touching = float(flows.loc[o_in | d_in, "value"].sum())
            inside = float(flows.loc[o_in & d_in, "value"].sum())
            rows.append({"metro_code": metro, "period": period, "kind": kind, "value_kind": vk,
                         "inside": inside, "touching": touching,
                         "value": 100 * inside / touching if touching else np.nan})
    return pd.DataFrame(rows)


def urban_flow_intensity(employment: pd.DataFrame, gdp: pd.Series, *,
                         reference: pd.DataFrame | None = None) -> pd.DataFrame:
    r"""Urban flow intensity (城市流强度) from sector employment and GDP.

    With :math:`G_{ik}` employment of city *i* in sector *k*, the location quotient
    :math:`LQ_{ik} = (G_{ik}/G_i) / (G_k/G)` and the external function (surplus employment)

    .. math::

        E_{ik} = \begin{cases} G_{ik} - G_i\, G_k / G & LQ_{ik} > 1 \\ 0 & \text{otherwise}
        \end{cases}, \qquad F_i = N_i E_i = \frac{GDP_i}{G_i} \sum_k E_{ik}, \qquad
        K_i = F_i / GDP_i

    :math:`F_i` is the flow intensity and :math:`K_i` the flow tendency
    (朱英明、于念文 2002, 《沪宁杭城市密集区城市流研究》, 《城市规划汇刊》(1): 31–33).

    Parameters
    ----------
    employment
        Cities as rows, sectors as columns (e.g. the census ``emp_a`` … ``emp_t``).
    gdp
        GDP of the same cities.
    reference
        Sector employment of the reference economy whose shares :math:`G_k / G` define
        the quotients (e.g. every city of the region while ``employment`` holds only
        those with GDP); default ``employment`` itself.

    Returns
    -------
    pandas.DataFrame
        Indexed by city: ``external_function`` (E), ``efficiency`` (N), ``intensity`` (F),
        ``tendency`` (K).
    """
    g = employment.astype(float)
    if g.isna().any().any() or (g < 0).any().any():
        msg = "employment must be complete and ≥ 0 for every city and sector"
        raise DataError(msg)
    missing = g.index.difference(gdp.index)
    if len(missing):
        msg = f"no GDP for {list(missing)[:5]}"
        raise DataError(msg)
    gi = g.sum(axis=1)
    gk = g.sum(axis=0) if reference is None else _reference_totals(reference, g.columns)
    expected = np.outer(gi, gk) / gk.sum()
    surplus = np.where(g.to_numpy() > expected, g.to_numpy() - expected, 0.0)
    e = pd.Series(surplus.sum(axis=1), index=g.index)
    n = gdp.reindex(g.index).astype(float) / gi
    f = n * e
    return pd.DataFrame({"external_function": e, "efficiency": n, "intensity": f,
                         "tendency": f / gdp.reindex(g.index).astype(float)})


def _reference_totals(reference: pd.DataFrame, sectors: pd.Index) -> pd.Series:
    missing = sectors.difference(reference.columns)
    if len(missing):
        msg = f"the reference employment lacks sector column(s) {list(missing)[:5]}"
        raise DataError(msg)
    ref = reference[sectors].astype(float)
    if ref.isna().any().any() or (ref < 0).any().any() or ref.to_numpy().sum() <= 0:
        msg = "reference employment must be complete, ≥ 0 and not all zero"
        raise DataError(msg)
    return ref.sum(axis=0)
