"""Linkage indicators from stored commuting flows: centrality, border effects, filled flows.

All read the pair observations ``commuters`` (see :mod:`tongcheng.indicators.flows`), one
period at a time, sample counts where a period has them. Subjects:

- ``flow_pagerank`` — each unit of the OD table (city or county);
- ``border_effect_province`` — ordered pairs of **provinces** (province unit codes,
  ``"310000>320000"``): the region level of the border effect;
- ``border_effect_metro`` — each stored metro whose members lie in two provinces or more:
  how much the provincial border still holds back commuting *inside* the metro;
- ``commuters_filled`` — every ordered pair of the OD table's units: the observed flow, or a
  gravity estimate flagged ``modelled`` where the table has no row.

The gravity model behind the last three is the unconstrained Poisson model of
:func:`tongcheng.flows.fit_gravity` with the OD table's own totals as masses and
great-circle distance as cost (:func:`tongcheng.flows.gravity_inputs.gravity_inputs`).

Importing this module registers the indicators; it needs no data to import.
"""

from __future__ import annotations

import pandas as pd

from .._errors import DataError
from ..flows.gravity_inputs import gravity_inputs
from ..flows.interaction import border_expected, fill_missing_flows, fit_gravity
from ..flows.network import flow_centrality
from ..flows.od import ODTable
from ..flows.stored import COMMUTERS, od_from_observations
from .context import ComputeContext
from .registry import indicator

__all__ = ["border_effects", "filled_flows", "pagerank"]

_EMPTY = ("period", "value", "flags")
_MIN_WITHIN = 5
_CITE_MCCALLUM = ("McCallum (1995) National borders matter, American Economic Review 85(3): 615–623; "
                  "DOMAIN.md §4.2 S09")
_CITE_GRAVITY = ("Santos Silva & Tenreyro (2006) The log of gravity, Review of Economics and "
                 "Statistics 88(4): 641–658; Wilson (1971) Environment and Planning A 3(1)")


def _empty(*index: str) -> pd.DataFrame:
    return pd.DataFrame(columns=[*index, *_EMPTY]).set_index(list(index))


def _periods(ctx: ComputeContext) -> list[tuple[str, ODTable]]:
    obs = ctx.observations
    rows = obs[(obs["indicator"] == COMMUTERS) & (obs["subject_kind"] == "pair")]
    out = []
    for period in sorted(rows["period"].astype(str).unique()):
        od = od_from_observations(rows, period=period)
        if od is not None and len(od):
            out.append((period, od))
    return out


def _kind_flag(od: ODTable) -> str:
    return "value_kind=sample" if od.data["value_kind"].iloc[0] == "sample" else ""


def pagerank(ctx: ComputeContext) -> pd.DataFrame:
    """PageRank (percent, summing to 100) of every unit in each period's commuting network."""
    parts = []
    for period, od in _periods(ctx):
        rank = flow_centrality(od)["pagerank"] * 100
        parts.append(pd.DataFrame({"period": period, "value": rank, "flags": _kind_flag(od)}))
    if not parts:
        return _empty("code")
    out = pd.concat(parts)
    out.index.name = "code"
    return out


def _crossings(ctx: ComputeContext, od: ODTable) -> pd.DataFrame | None:
    """Cross-province pairs with observed and expected flows, or ``None`` if not estimable."""
    units = ctx.units
    if "province_code" not in units.columns:
        return None
    frame = gravity_inputs(od, units)
    frame = frame[frame["value"].notna() & (frame["origin_mass"] > 0) & (frame["destination_mass"] > 0)]
    region = units["province_code"].dropna().astype(str).to_dict()
    frame = frame[frame["origin"].isin(region.keys()) & frame["destination"].isin(region.keys())]
    same = frame["origin"].map(region) == frame["destination"].map(region)
    if same.sum() < _MIN_WITHIN or same.all():
        return None
    try:
        return border_expected(frame, region, cost="distance", cost_function="pow")
    except DataError:  # the within-province model cannot be fitted (separation, too few pairs)
        return None


def border_effects(ctx: ComputeContext, *, level: str) -> pd.DataFrame:
    r"""Border-effect ratios per province pair (``level="province"``) or metro (``"metro"``).

    .. math:: B = \sum T_{ij} \big/ \sum \hat T_{ij}

    over the cross-province pairs of the province pair or of the metro's members.
    """
    if level not in ("province", "metro"):
        msg = f"level is {level!r}; expected 'province' or 'metro'"
        raise DataError(msg)
    index = ("from_code", "to_code") if level == "province" else ("metro_code",)
    rows = []
    for period, od in _periods(ctx):
        cross = _crossings(ctx, od)
        if cross is None:
            continue
        flag = ";".join(f for f in (_kind_flag(od), "calibrated=within-province") if f)
        if level == "province":
            sums = cross.groupby(["origin_region", "destination_region"])[["value", "expected"]].sum()
            for (a, b), r in sums.iterrows():
                rows.append({"from_code": a, "to_code": b, "period": period,
                             "value": r["value"] / r["expected"], "flags": flag})
            continue
        for metro, members in ctx.metros.groupby("metro_code"):
            codes = set(members["member_code"].astype(str))
            inside = cross[cross["origin"].isin(codes) & cross["destination"].isin(codes)]
            if not inside.empty and inside["expected"].sum() > 0:
                rows.append({"metro_code": metro, "period": period, "flags": flag,
                             "value": inside["value"].sum() / inside["expected"].sum()})
    if not rows:
        return _empty(*index)
    return pd.DataFrame(rows).set_index(list(index))


def filled_flows(ctx: ComputeContext) -> pd.DataFrame:
    """Observed cross-unit flows, and gravity estimates flagged ``modelled`` for absent pairs."""
    parts = []
    for period, od in _periods(ctx):
        frame = gravity_inputs(od, ctx.units, all_pairs=True)
        observed = frame[frame["value"].notna() & (frame["origin_mass"] > 0)
                         & (frame["destination_mass"] > 0)]
        if len(observed) < _MIN_WITHIN:
            continue
        try:
            model = fit_gravity(observed, model="unconstrained", cost="distance", cost_function="pow")
        except DataError:
            continue
        filled = fill_missing_flows(frame, model)
        kind = _kind_flag(od)
        flags = [";".join(sorted({p for p in (f, kind) if p} - {""})) for f in filled["flags"]]
        parts.append(pd.DataFrame({"from_code": filled["origin"], "to_code": filled["destination"],
                                   "period": period, "value": filled["value"], "flags": flags}))
    if not parts:
        return _empty("from_code", "to_code")
    return pd.concat(parts).set_index(["from_code", "to_code"])


@indicator("flow_pagerank", name_zh="通勤网络中心性(PageRank)",
           name_en="Commuting-network centrality (PageRank)", unit="%", subject_kind="unit",
           inputs=(COMMUTERS,), family="flows",
           description_zh="跨单元通勤有向网络的 PageRank(阻尼 0.85), 全部单元之和为 100; "
                          "越高说明越多通勤流(尤其来自中心城市的)指向该单元",
           description_en="PageRank (damping 0.85) in the directed network of cross-unit commuting, "
                          "summing to 100 over the units; higher = more commuters arrive, "
                          "especially from central units",
           citation="Brin & Page (1998) Computer Networks and ISDN Systems 30: 107–117")
def _pagerank(ctx: ComputeContext) -> pd.DataFrame:
    return pagerank(ctx)


@indicator("border_effect_province", name_zh="省际通勤边界效应(省对)",
           name_en="Provincial border effect on commuting (province pair)", unit="ratio",
           subject_kind="pair", inputs=(COMMUTERS,), family="flows",
           description_zh="B = 跨省实际通勤 / 引力模型期望通勤; "
                          "引力模型(泊松, 幂距离衰减, 质量为OD就业居民与岗位)只用同省城市对标定; "
                          "B = 1 无边界效应, B < 1 省界抑制通勤 (S09)",
           description_en="B = observed cross-province commuting / gravity-expected; Poisson gravity "
                          "model (power distance decay, OD totals as masses) calibrated on same-province "
                          "pairs only; B = 1 no border effect, B < 1 the border holds commuting back (S09)",
           citation=_CITE_MCCALLUM)
def _border_province(ctx: ComputeContext) -> pd.DataFrame:
    return border_effects(ctx, level="province")


@indicator("border_effect_metro", name_zh="都市圈内部省际边界效应",
           name_en="Provincial border effect inside the metro", unit="ratio",
           subject_kind="metro", inputs=(COMMUTERS,), family="flows",
           description_zh="都市圈成员之间跨省城市对的实际通勤 / 引力模型期望通勤(同省城市对标定); "
                          "仅跨省都市圈有值",
           description_en="observed / gravity-expected commuting over the metro members' "
                          "cross-province pairs (model calibrated on same-province pairs); only "
                          "metros spanning provinces have a value",
           citation=_CITE_MCCALLUM)
def _border_metro(ctx: ComputeContext) -> pd.DataFrame:
    return border_effects(ctx, level="metro")


@indicator("commuters_filled", name_zh="通勤人数(缺失城市对以引力模型补全)",
           name_en="Commuters, missing pairs modelled", unit="persons", subject_kind="pair",
           inputs=(COMMUTERS,), family="flows",
           description_zh="OD 表中有记录的城市对取实际值; 无记录的城市对取引力模型估计值并标注 modelled "
                          "(无记录视为未知而非零; 已知为零的城市对请导入 0)",
           description_en="observed where the OD table has a row; gravity estimate flagged 'modelled' "
                          "where it has none (absent = unknown, not zero; import 0 for pairs known "
                          "to have no commuters)",
           citation=_CITE_GRAVITY)
def _filled(ctx: ComputeContext) -> pd.DataFrame:
    return filled_flows(ctx)

