"""indicators.csv: the raw indicator catalogue with its plausibility rules."""

from __future__ import annotations

import pandas as pd

from .census import SAMPLE_UNIT, SECTIONS_2017
from .common import OUT

# ---------------------------------------------------------------------------------------------
# indicator catalogue
# ---------------------------------------------------------------------------------------------

CENSUS_SRC = "leiii/census (Lei Dong et al.), 6th/7th population census tables"
CATALOGUE = [
    (
        "pop_resident",
        "常住人口",
        "Resident population",
        "persons",
        "unit",
        "人口普查常住人口（普查标准时点 11 月 1 日）",
        "Census resident population (reference day 1 November)",
        CENSUS_SRC,
    ),
    (
        "pop_urban",
        "城镇人口",
        "Urban population",
        "persons",
        "unit",
        "人口普查城镇常住人口",
        "Census resident population living in urban areas",
        CENSUS_SRC,
    ),
    (
        "pop_rural",
        "乡村人口",
        "Rural population",
        "persons",
        "unit",
        "人口普查乡村常住人口",
        "Census resident population living in rural areas",
        CENSUS_SRC,
    ),
    (
        "households_size",
        "平均家庭户规模",
        "Average household size",
        "persons per household",
        "unit",
        "家庭户人口 ÷ 家庭户数",
        "Persons in family households divided by family households",
        CENSUS_SRC,
    ),
    (
        "age_0_14_share",
        "0-14岁人口占比",
        "Share aged 0-14",
        "%",
        "unit",
        "0-14 岁人口占常住人口比重",
        "Residents aged 0-14 as % of resident population",
        CENSUS_SRC,
    ),
    (
        "age_15_59_share",
        "15-59岁人口占比",
        "Share aged 15-59",
        "%",
        "unit",
        "15-59 岁人口占常住人口比重",
        "Residents aged 15-59 as % of resident population",
        CENSUS_SRC,
    ),
    (
        "age_60_share",
        "60岁及以上人口占比",
        "Share aged 60+",
        "%",
        "unit",
        "60 岁及以上人口占常住人口比重",
        "Residents aged 60 and over as % of resident population",
        CENSUS_SRC,
    ),
    (
        "age_65_share",
        "65岁及以上人口占比",
        "Share aged 65+",
        "%",
        "unit",
        "65 岁及以上人口占常住人口比重",
        "Residents aged 65 and over as % of resident population",
        CENSUS_SRC,
    ),
    (
        "pop_hukou_same_county",
        "户口登记地在本县外乡镇街道的人口",
        "Residents registered in another township of the same county",
        "persons",
        "unit",
        "居住地与户口登记地所在乡镇街道不一致、户口在本县（市、区）的人口（2010 年口径：本县（市）/本市市区）",
        "Residents whose hukou is in another township of the same county (2010: same county/city district)",
        CENSUS_SRC,
    ),
    (
        "pop_hukou_other_county_same_province",
        "户口登记地在本省其他县的人口",
        "Residents registered in another county of the same province",
        "persons",
        "unit",
        "户口登记地在本省其他县（市、区）的常住人口",
        "Residents whose hukou is in another county of the same province",
        CENSUS_SRC,
    ),
    (
        "pop_from_other_province",
        "户口登记地在省外的人口",
        "Residents registered in another province",
        "persons",
        "unit",
        "户口登记地在外省的常住人口（省际流入人口）",
        "Residents whose hukou is in another province (inter-provincial migrants)",
        CENSUS_SRC,
    ),
    (
        "emp_total",
        "就业人口（长表，合计）",
        "Employed persons, all industries (long-form sample)",
        SAMPLE_UNIT,
        "unit",
        "人口普查长表抽样（约 10%）各种行业人口总计；请用比重而非绝对数",
        "Employed persons in the census long-form sample (~10 %); use shares, not levels",
        CENSUS_SRC,
    ),
    (
        "gdp",
        "地区生产总值",
        "Gross regional product",
        "100 million CNY",
        "unit",
        "地区生产总值（当年价）",
        "Gross regional product, current prices",
        "official statistics (see city_stats.csv source columns)",
    ),
    (
        "gdp_primary",
        "第一产业增加值",
        "Value added, primary industry",
        "100 million CNY",
        "unit",
        "第一产业增加值（当年价）",
        "Value added of the primary industry, current prices",
        "official statistics",
    ),
    (
        "gdp_secondary",
        "第二产业增加值",
        "Value added, secondary industry",
        "100 million CNY",
        "unit",
        "第二产业增加值（当年价）",
        "Value added of the secondary industry, current prices",
        "official statistics",
    ),
    (
        "gdp_tertiary",
        "第三产业增加值",
        "Value added, tertiary industry",
        "100 million CNY",
        "unit",
        "第三产业增加值（当年价）",
        "Value added of the tertiary industry, current prices",
        "official statistics",
    ),
    (
        "pop_resident_yearend",
        "年末常住人口",
        "Year-end resident population",
        "10,000 persons",
        "unit",
        "统计公报/年鉴年末常住人口",
        "Year-end resident population from bulletins/yearbooks",
        "official statistics",
    ),
    (
        "rail_time_min",
        "铁路最短运行时间",
        "Minimum scheduled rail time",
        "min",
        "pair",
        "时刻表中两市间最短车内时间（到达 j − 出发 i），不含候车与换乘",
        "Minimum scheduled in-vehicle time between two cities (arrival at j − departure from i); no waiting or transfers",
        "thaddywu/RailwayVIS schedulers.json (Apache-2.0)",
    ),
]

# Raw indicators the package has no bundled data for, but whose tables users import (OD flows
# for tongcheng.flows): listed so that a project accepts them out of the box.
USER_CATALOGUE = [
    (
        "commuters",
        "通勤人数",
        "Commuters",
        "persons",
        "pair",
        "居住在起点、就业在终点的通勤人数（手机信令样本或扩样值，value_kind 区分 sample / expanded）",
        "Persons living at the origin and working at the destination (mobile-signalling sample or expanded; value_kind tells which)",
        "users' OD tables (e.g. 同济《长三角城市跨城通勤年度报告》)",
    ),
    (
        "employed_residents",
        "就业常住人口",
        "Employed residents",
        "persons",
        "unit",
        "在本地居住的就业人口（通勤率的分母）",
        "Employed persons living in the unit (denominator of commuting rates)",
        "users' tables (census or statistical yearbooks)",
    ),
    *(
        (
            f"cpi_{key}",
            f"居民消费价格分类指数：{zh}",
            f"Consumer price index by category: {en}",
            "previous year = 100",
            "unit",
            "上年 = 100 的环比链式指数（统计年鉴分类居民消费价格指数，2016 年起八大类）；用于相对价格法市场分割指数",
            "Chained index, previous year = 100 (yearbook CPI by category, eight groups since 2016); input of the relative-price market-segmentation index",
            "users' tables (provincial/city statistical yearbooks; see docs/market-segmentation.md)",
        )
        for key, zh, en in (
            ("food", "食品烟酒", "food, tobacco and liquor"),
            ("clothing", "衣着", "clothing"),
            ("housing", "居住", "housing"),
            ("household", "生活用品及服务", "household articles and services"),
            ("transport", "交通通信", "transport and communication"),
            ("education", "教育文化娱乐", "education, culture and recreation"),
            ("health", "医疗保健", "health care"),
            ("other", "其他用品及服务", "other articles and services"),
        )
    ),
    (
        "car_time_min",
        "小汽车出行时间",
        "Travel time by car",
        "min",
        "pair",
        "路网最短小汽车出行时间，单元代表点（质心或人口加权中心）间，OSM 路网按道路等级限速；不含单元内部（i→i 不存）",
        "Shortest car travel time between the units' representative points (centroids or population-weighted centres) on an OSM road graph with speeds by road class; intra-unit pairs (i→i) are not stored",
        "users' OSM extracts via tongcheng network matrix --store-as car",
    ),
    (
        "walk_time_min",
        "步行出行时间",
        "Travel time on foot",
        "min",
        "pair",
        "步行路网最短出行时间，单元代表点间；不含单元内部（i→i 不存）",
        "Shortest walking time between the units' representative points on an OSM walk graph; intra-unit pairs (i→i) are not stored",
        "users' OSM extracts via tongcheng network matrix --store-as walk",
    ),
    (
        "bike_time_min",
        "自行车出行时间",
        "Travel time by bicycle",
        "min",
        "pair",
        "自行车路网最短出行时间，单元代表点间；不含单元内部（i→i 不存）",
        "Shortest cycling time between the units' representative points on an OSM bike graph; intra-unit pairs (i→i) are not stored",
        "users' OSM extracts via tongcheng network matrix --store-as bike",
    ),
    (
        "transit_time_min",
        "公共交通出行时间",
        "Travel time by public transport",
        "min",
        "pair",
        "公交/轨道门到门出行时间（含步行接驳、候车与换乘），出发时间窗内中位数，GTFS 时刻表 + RAPTOR；不含单元内部（i→i 不存）",
        "Door-to-door public transport time (walk access and egress, waiting, transfers), median over the departure window, GTFS timetables with RAPTOR; intra-unit pairs (i→i) are not stored",
        "users' GTFS feeds and OSM extracts via tongcheng network matrix --store-as transit",
    ),
]


#: Direction and plausibility of each raw indicator: (direction, min_value, max_value, max_jump).
#: direction +1 = higher is more integrated/better, -1 = lower is, None = neutral (an input).
#: The range is inclusive, None = open; max_jump is the largest plausible factor between a
#: unit's value and its previous period or an earlier vintage (None = the project default, 10).
#: Counts, amounts and times are >= 0; shares in % lie in 0–100; a family household has at least
#: one person; category CPIs with previous year = 100 outside 50–200 are a unit slip (a ratio 1.05
#: or a change 5 written for 105). Jumps: yearly totals (GDP, year-end population) rarely move by
#: a factor 3, census populations by 5 in ten years; urban/rural counts can swing with township
#: reclassification and migrant counts with the census definitions (checked on the bundled
#: census: up to ×25 and ×19 between 2010 and 2020), small long-form sections (emp_*: farming in
#: a city district, ×688) and sampled vs expanded commuters by far more.
RULES: dict[str, tuple[int | None, float | None, float | None, float | None]] = {
    "pop_resident": (None, 0, None, 5),
    "pop_urban": (None, 0, None, 50),
    "pop_rural": (None, 0, None, 50),
    "households_size": (None, 1, 10, 2),
    "age_0_14_share": (None, 0, 100, 3),
    "age_15_59_share": (None, 0, 100, 2),
    "age_60_share": (-1, 0, 100, 3),
    "age_65_share": (-1, 0, 100, 3),
    "pop_hukou_same_county": (None, 0, None, 50),
    "pop_hukou_other_county_same_province": (None, 0, None, 50),
    "pop_from_other_province": (None, 0, None, 50),
    "emp_total": (None, 0, None, 5),
    "gdp": (1, 0, None, 3),
    "gdp_primary": (None, 0, None, 5),
    "gdp_secondary": (None, 0, None, 5),
    "gdp_tertiary": (None, 0, None, 5),
    "pop_resident_yearend": (None, 0, None, 3),
    "rail_time_min": (-1, 0, 4320, None),
    "commuters": (1, 0, None, 50),
    "employed_residents": (None, 0, None, 5),
    **{f"cpi_{key}": (None, 50, 200, 1.5) for key in (
        "food", "clothing", "housing", "household", "transport", "education", "health", "other")},
    **{f"{mode}_time_min": (-1, 0, None, None) for mode in ("car", "walk", "bike", "transit")},
    **{f"emp_{letter}": (None, 0, None, 1000) for letter in "abcdefghijklmnopqrst"},
}


def build_indicators() -> None:
    """Write indicators.csv: every indicator code of the bundled tables, plus USER_CATALOGUE, with RULES."""
    rows = list(CATALOGUE) + list(USER_CATALOGUE)
    for letter, zh, en in SECTIONS_2017:
        rows.append(
            (
                f"emp_{letter}",
                f"就业人口（长表）：{zh}",
                f"Employed persons (long-form sample): {en}",
                SAMPLE_UNIT,
                "unit",
                f"GB/T 4754-2017 门类 {letter.upper()}（{zh}）；2010 年按 GB/T 4754-2002 对应门类归并",
                f"GB/T 4754-2017 section {letter.upper()}; 2010 values mapped from the matching GB/T 4754-2002 section",
                CENSUS_SRC,
            )
        )
    df = pd.DataFrame(
        rows,
        columns=[
            "code",
            "name_zh",
            "name_en",
            "unit",
            "subject_kind",
            "description_zh",
            "description_en",
            "source",
        ],
    )
    missing = set(df["code"]) ^ set(RULES)
    if missing:
        raise SystemExit(f"indicators: RULES and the catalogue differ in {sorted(missing)}")
    rules = pd.DataFrame.from_dict(RULES, orient="index",
                                   columns=["direction", "min_value", "max_value", "max_jump"])
    df = df.join(rules, on="code")
    df["direction"] = df["direction"].astype("Int64")
    df.to_csv(OUT / "indicators.csv", index=False, encoding="utf-8")
    print(f"indicators: {len(df)} codes")


