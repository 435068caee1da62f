"""Fixtures for the report tests: a small synthetic report and the browser paths.

Four square cities near 120–122°E, 30–32°N, two city indicators (one value missing),
a full pair table, three links (one a distance fallback), one metro, one extra section.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tongcheng.reports import DataSource, IndicatorMeta, MethodNote, ReportData, Section

CHROMIUM = os.environ.get("TONGCHENG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TONGCHENG_CHROMEDRIVER", "/usr/bin/chromedriver")

EVIL = "<script>alert('x')</script>"


def _cities() -> gpd.GeoDataFrame:
    # 2 x 2 grid of 0.9° squares with a 0.1° gap, so every city is a separate polygon
    rows = [
        ("310000", "上海市", "Shanghai", box(121.0, 31.0, 121.9, 31.9), 47_218.66, 2475.89),
        ("320500", "苏州市", "Suzhou", box(120.0, 31.0, 120.9, 31.9), 24_653.4, 1295.8),
        ("330400", "嘉兴市", "Jiaxing", box(120.0, 30.0, 120.9, 30.9), 7_062.45, None),
        ("320600", "南通市", "Nantong " + EVIL, box(121.0, 30.0, 121.9, 30.9), 11_813.3, 772.7),
    ]
    frame = pd.DataFrame(rows, columns=["code", "name_zh", "name_en", "geometry", "gdp", "pop"])
    return gpd.GeoDataFrame(frame.set_index("code"), geometry="geometry", crs="EPSG:4326")


def _pairs(cities: gpd.GeoDataFrame) -> pd.DataFrame:
    rows = []
    for a in cities.index:
        for b in cities.index:
            if a != b:
                rows.append({
                    "from_code": a, "from_zh": cities.at[a, "name_zh"],
                    "from_en": cities.at[a, "name_en"], "to_code": b,
                    "to_zh": cities.at[b, "name_zh"], "to_en": cities.at[b, "name_en"],
                    "travel_min": 30.0 + 10 * len(rows),
                    "flow": 1_000_000 / (1 + len(rows)),
                })
    return pd.DataFrame(rows)


def make_report_data() -> ReportData:
    """Return the synthetic ReportData used by the report tests."""
    cities = _cities()
    metro = gpd.GeoDataFrame(
        {"name_zh": ["上海大都市圈"], "name_en": ["Shanghai Metropolitan Area"]},
        geometry=[box(120.0, 30.0, 121.9, 31.9)], crs="EPSG:4326",
        index=pd.Index(["SH"], name="metro_code"),
    )
    links = pd.DataFrame({
        "from_code": ["320500", "310000", "330400"],
        "to_code": ["310000", "320600", "310000"],
        "value": [900.0, 450.0, 300.0],
        "flag": ["", "", "distance_fallback"],
    })
    extra = Section(
        key="travel", title_zh="通勤时间", title_en="Travel times",
        html_zh="<p>一小时通勤圈覆盖 4 个城市。</p>",
        html_en="<p>The one-hour circle covers 4 cities.</p>", order=60,
    )
    return ReportData(
        title_zh="长三角同城化监测报告（测试）", title_en="YRD Integration Monitor (test)",
        region_zh="测试区域", region_en="Test region",
        cities=cities,
        city_indicators=[
            IndicatorMeta("gdp", "地区生产总值", "Gross regional product", "亿元",
                          description_zh="当年价格。", description_en="Current prices.",
                          citation="国家统计局 (2024)"),
            IndicatorMeta("pop", "常住人口", "Resident population", "万人"),
        ],
        pairs=_pairs(cities),
        pair_indicators=[
            IndicatorMeta("travel_min", "通勤时间", "Travel time", "min", direction=-1),
            IndicatorMeta("flow", "人口流动", "Flow", "人次", decimals=0),
        ],
        links=links,
        metros=metro,
        overview=[("城市数", "Cities", "4"), ("都市圈数", "Metropolitan areas", "1")],
        notes=[MethodNote("引力模型", "Gravity model", "联系强度按引力模型计算。\n\n第二段。",
                          "Link strength from a gravity model.\n\nSecond paragraph.",
                          citation="Wilson (1971)")],
        sources=[DataSource("中国城市统计年鉴", "CC BY 4.0", citation="NBS 2024",
                            url="https://example.org/yearbook", name_en="China City Yearbook")],
        sections=[extra],
        default_indicator="gdp",
        generated_at="2026-11-24T09:00:00Z",
        version="0.1.0",
    )


def make_minimal_report_data() -> ReportData:
    """Boundaries only: no indicators, pairs, links, metros, notes or sources."""
    base = make_report_data()
    empty_metros = gpd.GeoDataFrame({"name_zh": [], "name_en": []}, geometry=[], crs=4326)
    return replace(
        base, cities=base.cities[["name_zh", "name_en", "geometry"]], city_indicators=[],
        pairs=base.pairs.iloc[0:0, :6], pair_indicators=[],
        links=base.links.iloc[0:0], metros=empty_metros, overview=[], notes=[], sources=[],
        sections=[], default_indicator=None, generated_at="", version="")


@pytest.fixture
def minimal_data() -> ReportData:
    return make_minimal_report_data()


@pytest.fixture
def evil() -> str:
    """Return the hostile text used in a city name of the sample."""
    return EVIL


@pytest.fixture
def report_data() -> ReportData:
    return make_report_data()


@pytest.fixture(scope="session")
def browser() -> dict[str, str]:
    """Paths of Chromium and chromedriver; skip locally if absent, fail on CI."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if importlib.util.find_spec("selenium") is None:
        missing.append("the selenium package (pip install 'tongcheng[test]')")
    if missing:
        msg = (f"browser test needs {', '.join(missing)}; "
               "apt-get install -y chromium chromium-driver fonts-noto-cjk")
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return {"chromium": CHROMIUM, "chromedriver": CHROMEDRIVER}
