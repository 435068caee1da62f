"""The rendered HTML: content, languages, escaping, offline-ness, size, contract checks."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from tongcheng import DataError, TongchengError, ValidationError
from tongcheng.reports import (
    ReportData,
    Section,
    builtin_section_providers,
    embed_json,
    format_number,
    register_section,
    render_report,
    render_report_html,
    section_providers,
    t,
    unregister_section,
)
from tongcheng.reports.render import ECHARTS_VERSION

SIZE_BUDGET = 1_500_000


def _page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="tc-data">(.*?)</script>', html, re.S)
    assert match, "embedded JSON not found"
    return json.loads(match.group(1))


def _without_scripts(html: str) -> str:
    return re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", html, flags=re.S)


@pytest.fixture
def html(report_data: ReportData) -> str:
    return render_report_html(report_data)


def test_render_report_writes_only_index_html(report_data: ReportData, tmp_path: Path) -> None:
    out = render_report(report_data, tmp_path / "report")
    assert out == tmp_path / "report" / "index.html"
    assert [p.name for p in out.parent.iterdir()] == ["index.html"]
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_both_languages_labels_present(html: str) -> None:
    for key in ("section.overview", "section.map", "section.cities", "section.pairs",
                "section.methods", "section.sources", "map.indicator", "table.sort_hint"):
        assert t(key, "zh") in html
        assert t(key, "en") in html
    assert "中文" in html and "English" in html
    assert "长三角同城化监测报告（测试）" in html and "YRD Integration Monitor (test)" in html


def test_indicator_names_units_and_sources_present(html: str) -> None:
    for name in ("地区生产总值", "Gross regional product", "常住人口", "Resident population",
                 "通勤时间", "Travel time", "人口流动", "Flow"):
        assert name in html
    assert "地区生产总值（亿元）" in html and "Gross regional product (亿元)" in html
    assert "Wilson (1971)" in html and "CC BY 4.0" in html
    assert "<p>联系强度按引力模型计算。</p>" in html and "<p>第二段。</p>" in html


def test_extra_section_in_order(html: str) -> None:
    assert '<section id="sec-travel"' in html
    assert "<p>一小时通勤圈覆盖 4 个城市。</p>" in html
    assert "<p>The one-hour circle covers 4 cities.</p>" in html
    order = [m.group(1) for m in re.finditer(r'<section id="sec-([\w-]+)"', html)]
    assert order == ["overview", "map", "cities", "pairs", "travel", "methods", "sources"]


def test_registered_provider_adds_section(report_data: ReportData) -> None:
    def flows(ctx):
        body = ctx.render_fragment("<p>{{ n | num }} trips</p>", n=1234567)
        return Section("flows", "人口流动", "Flows", body, body, order=70)

    def nothing(ctx):
        return None

    register_section(flows)
    register_section(flows)  # twice: no effect
    register_section(nothing)
    try:
        assert section_providers()[-2:] == (flows, nothing)
        html = render_report_html(report_data)
    finally:
        unregister_section(flows)
        unregister_section(nothing)
    assert html.count('<section id="sec-flows"') == 1
    assert "<p>1,234,567 trips</p>" in html
    assert flows not in section_providers()


def test_explicit_providers_replace_registry(report_data: ReportData) -> None:
    html = render_report_html(replace(report_data, sections=[]),
                              providers=builtin_section_providers()[:1])
    assert re.findall(r'<section id="sec-([\w-]+)"', html) == ["overview"]


def test_section_payload_and_script_are_embedded(report_data: ReportData) -> None:
    extra = Section("chart", "图表", "Chart", order=80, html='<div id="x-chart"></div>',
                    payload={"values": [1, 2, 3]},
                    script="window.tongchengReport.payload('chart').values.length;")
    html = render_report_html(replace(report_data, sections=[extra]))
    assert _page_data(html)["payloads"]["chart"] == {"values": [1, 2, 3]}
    assert '<script data-section="chart">' in html


def test_no_external_resources(html: str) -> None:
    outside = _without_scripts(html)
    assert "<link" not in outside
    assert not re.search(r"\bsrc\s*=", outside)
    assert "url(" not in outside and "@import" not in outside
    # the only http(s) text outside scripts is the data source URL, shown as plain text
    urls = re.findall(r"https?://[^\s<\"']+", outside)
    assert urls == ["https://example.org/yearbook"]
    assert '<code class="tc-url">https://example.org/yearbook</code>' in outside
    assert "default-src &#39;none&#39;" in outside  # CSP forbids every fetch


def test_no_script_loaded_by_url(html: str) -> None:
    tags = re.findall(r"<script\b[^>]*>", html)
    assert all("src" not in tag for tag in tags)
    # json data, echarts, app, map section, finish
    assert len(tags) == 5


def test_escaping_of_hostile_names(report_data: ReportData, evil: str) -> None:
    data = replace(report_data, title_en="Report " + evil, region_zh=evil,
                   overview=[(evil, evil, evil)])
    html = render_report_html(data)
    assert evil not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert len(re.findall(r"<script\b", html)) == 5  # nothing injected
    page = _page_data(html)  # JSON still parses and round-trips the name
    assert page["title"]["en"] == "Report " + evil
    assert page["payloads"]["map"]["names"]["320600"][1] == "Nantong " + evil
    assert "\\u003cscript\\u003e" in html


def test_embed_json_cannot_close_script() -> None:
    value = {"a": "</script><!-- & -->", "b": "\u2028"}
    text = embed_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value
    with pytest.raises(DataError, match="NaN"):
        embed_json({"x": float("nan")})


def test_lang_en_starts_in_english(report_data: ReportData) -> None:
    html = render_report_html(report_data, lang="en")
    assert '<html lang="en" data-lang="en">' in html
    assert "<title>YRD Integration Monitor (test)</title>" in html
    assert 'data-set-lang="en" lang="en" aria-pressed="true"' in html
    assert _page_data(html)["lang"] == "en"
    assert '>Gross regional product (亿元)</option>' in html


def test_zh_is_default(html: str) -> None:
    assert '<html lang="zh-CN" data-lang="zh">' in html
    assert "<title>长三角同城化监测报告（测试）</title>" in html


def test_unknown_lang_is_refused(report_data: ReportData) -> None:
    with pytest.raises(TongchengError, match="not supported"):
        render_report_html(report_data, lang="fr")


def test_payloads(html: str) -> None:
    page = _page_data(html)
    assert page["strings"]["en"]["section.map"] == "Map"
    m = page["payloads"]["map"]
    assert [i["code"] for i in m["indicators"]] == ["gdp", "pop"]
    assert m["default"] == "gdp"
    assert m["indicators"][1]["values"]["330400"] is None  # missing stays missing
    assert {f["properties"]["name"] for f in m["geojson"]["features"]} == {
        "310000", "320500", "330400", "320600"}
    assert [(link["from"], link["fallback"]) for link in m["links"]] == [
        ("320500", False), ("310000", False), ("330400", True)]
    widths = [link["width"] for link in m["links"]]
    assert widths[0] == pytest.approx(6.0) and widths[1] == pytest.approx(3.0)
    assert m["centroids"]["310000"] == pytest.approx([121.45, 31.45])
    assert m["metros"][0]["paths"] and m["metros"][0]["name_en"] == "Shanghai Metropolitan Area"
    cities = page["payloads"]["cities"]
    assert cities["rows"][2][:2] == ["330400", "330400"]
    assert cities["names"]["330400"] == ["嘉兴市", "Jiaxing"]
    assert cities["rows"][2][3] is None
    assert [c["kind"] for c in cities["columns"]] == ["text", "name", "num", "num"]
    pairs = page["payloads"]["pairs"]
    assert len(pairs["rows"]) == 12
    assert pairs["rows"][0][:2] == ["310000", "320500"]
    assert pairs["names"]["320500"] == ["苏州市", "Suzhou"]


def test_other_crs_is_converted(report_data: ReportData) -> None:
    data = replace(report_data, cities=report_data.cities.to_crs(3857))
    m = _page_data(render_report_html(data))["payloads"]["map"]
    assert m["centroids"]["310000"] == pytest.approx([121.45, 31.45], abs=0.01)


def test_contract_problems_are_collected(report_data: ReportData) -> None:
    links = report_data.links.copy()
    links.loc[0, "to_code"] = "999999"
    links.loc[1, "flag"] = "guess"
    data = replace(report_data, links=links, pairs=report_data.pairs.drop(columns="to_en"),
                   default_indicator="nope",
                   cities=report_data.cities.assign(gdp=report_data.cities["gdp"].astype(str)))
    with pytest.raises(ValidationError) as info:
        render_report_html(data)
    text = str(info.value)
    for needle in ("'999999'", "'guess'", "'to_en'", "'nope'", "column 'gdp'"):
        assert needle in text
    assert len(info.value.errors) == 5


def test_cities_need_a_crs(report_data: ReportData) -> None:
    cities = report_data.cities.set_crs(None, allow_override=True)
    with pytest.raises(ValidationError, match="set_crs"):
        render_report_html(replace(report_data, cities=cities))


def test_duplicate_section_key(report_data: ReportData) -> None:
    data = replace(report_data, sections=[Section("map", "地图", "Map")])
    with pytest.raises(DataError, match="repeated: map"):
        render_report_html(data)


def test_provider_must_return_section(report_data: ReportData) -> None:
    with pytest.raises(DataError, match="expected a Section"):
        render_report_html(report_data, providers=[lambda ctx: "<p>hi</p>"])
    with pytest.raises(DataError, match="section key"):
        render_report_html(report_data, providers=[lambda ctx: Section("bad key", "a", "b")])


def test_format_number() -> None:
    assert format_number(1234567.891, decimals=1) == "1,234,567.9"
    assert format_number(None) == "—"
    assert format_number(float("nan")) == "—"
    assert format_number(pd.NA) == "—"
    assert format_number(12.345) == "12.35"


def _big_region(base: ReportData, n: int = 41, vertices: int = 4000) -> ReportData:
    """41 detailed circular 'cities' on a grid, all 1,640 ordered pairs."""
    codes = [f"{320100 + 100 * i}" for i in range(n)]
    geoms = [Point(116 + (i % 7) * 0.9, 28 + (i // 7) * 0.9).buffer(0.42, quad_segs=vertices // 4)
             for i in range(n)]
    cities = gpd.GeoDataFrame(
        {"name_zh": [f"城市{i}" for i in range(n)], "name_en": [f"City {i}" for i in range(n)],
         "gdp": [1000.5 * (i + 1) for i in range(n)], "pop": [300.25 + i for i in range(n)]},
        geometry=geoms, crs="EPSG:4326", index=pd.Index(codes, name="code"))
    pairs = pd.DataFrame(
        [{"from_code": a, "from_zh": f"城市{i}", "from_en": f"City {i}", "to_code": b,
          "to_zh": f"城市{j}", "to_en": f"City {j}", "travel_min": 55.5 + i + j,
          "flow": 12345.0 * (i + 1) / (j + 1)}
         for i, a in enumerate(codes) for j, b in enumerate(codes) if a != b])
    links = pd.DataFrame({"from_code": codes[:20], "to_code": codes[1:21],
                          "value": [float(v) for v in range(20, 0, -1)], "flag": [""] * 20})
    metros = gpd.GeoDataFrame(
        {"name_zh": ["都市圈A", "都市圈B"], "name_en": ["Metro A", "Metro B"]},
        geometry=[cities.geometry.iloc[:14].union_all(), cities.geometry.iloc[20:30].union_all()],
        crs="EPSG:4326", index=pd.Index(["A", "B"], name="metro_code"))
    return replace(base, cities=cities, pairs=pairs, links=links, metros=metros, sections=[])


def test_page_size_budget(report_data: ReportData, tmp_path: Path) -> None:
    small = render_report(report_data, tmp_path / "small").stat().st_size
    big = render_report(_big_region(report_data), tmp_path / "big").stat().st_size
    assert small < SIZE_BUDGET
    assert big < SIZE_BUDGET, f"41-city report is {big:,} bytes"


def test_minimal_report_renders(minimal_data: ReportData, tmp_path: Path) -> None:
    html = render_report(minimal_data, tmp_path).read_text("utf-8")
    assert t("overview.empty", "en") in html and t("sources.empty", "zh") in html
    assert 'id="tc-indicator"' not in html  # no selector without indicators
    assert '<section id="sec-pairs"' not in html
    assert '<section id="sec-map"' in html and '<section id="sec-cities"' in html


def test_vendored_echarts_matches_declared_version() -> None:
    static = files("tongcheng.reports") / "static"
    js = (static / "echarts.min.js").read_text("utf-8")
    assert f'version:"{ECHARTS_VERSION}"' in js
    assert "</script" not in js.lower()
    assert ECHARTS_VERSION in (static / "VENDORED.md").read_text("utf-8")
    assert "Apache License" in (static / "echarts.LICENSE").read_text("utf-8")
