"""Flow indicators (commuting shares) registered from stored OD observations.

Inputs are pair observations of the raw indicator ``commuters`` (subject ``"A>B"``: residents
of *A* working in *B*; ``"A>A"`` for those working where they live), with ``value_kind``
``sample`` for identified users of one provider and any other kind for expanded or census
counts. Sample counts are used when a period has them (flagged ``value_kind=sample``);
the two are never added up. The optional unit indicator ``employed_residents`` replaces
the OD row sums as denominator when stored.

Importing this module registers the indicators; it needs no data to import.
"""

from __future__ import annotations

import pandas as pd

from .context import ComputeContext
from .registry import indicator

__all__ = ["COMMUTERS", "EMPLOYED_RESIDENTS", "commuting_share", "intra_metro_share", "od_frame"]

COMMUTERS = "commuters"
EMPLOYED_RESIDENTS = "employed_residents"
_CITE_OECD = ("Dijkstra, Poelman & Veneri (2019) The EU-OECD definition of a functional urban area, "
              "OECD Regional Development Working Papers 2019/11")


def od_frame(ctx: ComputeContext) -> pd.DataFrame:
    """Return the stored commuter flows as ``origin, destination, period, value, flags``.

    One value kind per period: ``sample`` where a period has sample counts, else the rest.
    """
    obs = ctx.observations
    rows = obs[(obs["indicator"] == COMMUTERS) & (obs["subject_kind"] == "pair")]
    if rows.empty:
        return pd.DataFrame(columns=["origin", "destination", "period", "value", "flags"])
    rows = rows.assign(is_sample=rows["value_kind"] == "sample")
    has_sample = rows.groupby("period")["is_sample"].transform("any")
    rows = rows[rows["is_sample"] == has_sample]
    return pd.DataFrame({"origin": rows["unit_code"].astype(str),
                         "destination": rows["partner_code"].astype(str),
                         "period": rows["period"].astype(str), "value": rows["value"].astype(float),
                         "flags": ["value_kind=sample" if s else "" for s in rows["is_sample"]]})


def commuting_share(ctx: ComputeContext) -> pd.DataFrame:
    r"""Share of the origin's employed residents who work in the destination.

    .. math:: s_{ij} = 100 \cdot T_{ij} / E_i

    :math:`E_i` is the stored ``employed_residents`` of *i* in that period, or else
    :math:`\sum_j T_{ij}` (flagged ``denominator=od_row_sum``).
    """
    od = od_frame(ctx)
    od = od[od["origin"] != od["destination"]].copy() if not od.empty else od
    full = od_frame(ctx)
    row_sum = full.groupby(["period", "origin"])["value"].sum()
    parts = []
    for period, rows in od.groupby("period"):
        denom = row_sum.loc[period]
        flag = "denominator=od_row_sum"
        if ctx.has(EMPLOYED_RESIDENTS, str(period)):
            denom, flag = ctx.series(EMPLOYED_RESIDENTS, str(period)), ""
        share = 100 * rows["value"].to_numpy() / rows["origin"].map(denom).to_numpy(dtype=float)
        flags = [";".join(f for f in (a, flag) if f) for a in rows["flags"]]
        parts.append(pd.DataFrame({"from_code": rows["origin"].to_numpy(),
                                   "to_code": rows["destination"].to_numpy(), "period": str(period),
                                   "value": share, "flags": flags}))
    if not parts:
        return pd.DataFrame(columns=["period", "value", "flags"])
    out = pd.concat(parts).set_index(["from_code", "to_code"])
    return out.dropna(subset=["value"])


def intra_metro_share(ctx: ComputeContext) -> pd.DataFrame:
    r"""Share of a metro's cross-unit commuting that stays inside the metro.

    .. math::

        s_M = 100 \cdot \frac{\sum_{i, j \in M,\, i \ne j} T_{ij}}
                             {\sum_{i \ne j,\ i \in M \,\lor\, j \in M} T_{ij}}

    over the metro's members (any status; the latest version of each metro).
    """
    od = od_frame(ctx)
    od = od[od["origin"] != od["destination"]]
    rows = []
    for metro, members in ctx.metros.groupby("metro_code"):
        latest = members[members["version"] == members["version"].max()]
        codes = set(latest["member_code"].astype(str))
        for period, flows in od.groupby("period"):
            o_in, d_in = flows["origin"].isin(codes), flows["destination"].isin(codes)
            touching = flows.loc[o_in | d_in, "value"].sum()
            if touching > 0:
                inside = flows.loc[o_in & d_in, "value"].sum()
                rows.append({"metro_code": metro, "period": str(period), "value": 100 * inside / touching,
                             "flags": ";".join(sorted(set(flows["flags"]) - {""}))})
    if not rows:
        return pd.DataFrame(columns=["period", "value", "flags"])
    return pd.DataFrame(rows).set_index("metro_code")


@indicator("commuting_share", name_zh="通勤流向占比(城市对)", name_en="Commuting share (city pair)",
           unit="%", subject_kind="pair", inputs=(COMMUTERS,), family="flows",
           description_zh="s_ij = i 地居住、j 地就业人数 / i 地就业常住人口 × 100 (S02 的城市对形式)",
           description_en="s_ij = residents of i working in j / employed residents of i × 100 "
                          "(the pair form of S02)",
           citation=_CITE_OECD)
def _commuting_share(ctx: ComputeContext) -> pd.DataFrame:
    return commuting_share(ctx)


@indicator("intra_metro_commuting_share", name_zh="都市圈内部通勤占比",
           name_en="Intra-metro share of cross-unit commuting", unit="%", subject_kind="metro",
           inputs=(COMMUTERS,), family="flows",
           description_zh="成员之间的跨单元通勤 / 至少一端在都市圈内的跨单元通勤 × 100",
           description_en="cross-unit commuting between members / cross-unit commuting with at "
                          "least one end in the metro × 100",
           citation="DOMAIN.md §4.2 S01; 钮心毅 et al. 《长三角城市跨城通勤年度报告》 (Tongji)")
def _intra_metro(ctx: ComputeContext) -> pd.DataFrame:
    return intra_metro_share(ctx)
