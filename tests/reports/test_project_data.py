"""The report shows the project's own data: an imported indicator no list knows, end to end.

A fresh YRD project gets a catalogue entry of its own (社会消费品零售总额, ``retail_sales``) and a
file with its values for 8 cities in 2023 and 2024; the report must show it in the map
selector, the city table and the time series, with Chinese units, each value's period,
vintage and source, names that tell the two Suzhous apart and overview counts that match.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tongcheng.project import Project
from tongcheng.reports import render_report_html, shown_values
from tongcheng.reports._names import display_units
from tongcheng.reports.i18n import unit_label
from tongcheng.reports.model import validate_report_data
from tongcheng.reports.project_report import _titles, project_report_data, write_project_report
from tongcheng.reports.project_values import indicator_meta, indicator_order

CITIES = ["310100", "320100", "320500", "330100", "330200", "340100", "341300", "331000"]
SOURCE = "各市国民经济和社会发展统计公报"
PROVINCE_VALUE = 45_000.5
CATALOGUE = pd.DataFrame([{
    "code": "retail_sales", "name_zh": "社会消费品零售总额", "name_en": "Retail sales of consumer goods",
    "unit": "100 million CNY", "subject_kind": "unit", "description_zh": "全年社会消费品零售总额。",
    "description_en": "Retail sales of consumer goods in the year.", "source": "统计公报", "kind": "raw",
}])


def _value(code: str, year: int) -> float:
    return round(1000 + int(code[:4]) / 10 + (year - 2023) * 111.1, 1)


@pytest.fixture(scope="module")
def own_project(yrd_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    import shutil

    root = tmp_path_factory.mktemp("own") / "yrd"
    shutil.copytree(yrd_template, root)
    project = Project.open(root)
    with project.store() as store:
        store.put_indicators(CATALOGUE)
    lines = ["code,indicator,period,value"] + [
        f"{c},retail_sales,{y},{_value(c, y)}" for c in CITIES for y in (2023, 2024)]
    lines.append(f"320000,retail_sales,2024,{PROVINCE_VALUE}")  # Jiangsu: a province on no map
    path = root.parent / "retail.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = project.import_stats(path, source=SOURCE, vintage="bulletin")
    assert result.n_observations == 17
    return project


@pytest.fixture(scope="module")
def data(own_project: Project):
    return validate_report_data(project_report_data(own_project))


def _page(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="tc-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def test_imported_indicator_is_a_city_column_with_its_latest_values(data) -> None:
    meta = next(m for m in data.city_indicators if m.code == "retail_sales")
    assert meta.name_zh == "社会消费品零售总额" and meta.unit_in("zh") == "亿元"
    assert meta.kind == "raw" and meta.direction == 0  # the catalogue says no direction: neutral
    assert meta.period == "2024" and meta.periods == ("2023", "2024")
    shown = data.cities["retail_sales"]
    assert shown.notna().sum() == len(CITIES)
    assert shown["320500"] == _value("320500", 2024)  # the latest period, not the first
    assert meta.provenance["320500"] == ("2024", "bulletin", SOURCE)
    assert "320200" not in meta.provenance and pd.isna(shown["320200"])  # Wuxi: no value, no zero


def test_values_of_units_off_the_map_get_their_own_tables(data) -> None:
    assert data.provinces.index.tolist() == ["320000"]  # only the province with a value
    assert [m.code for m in data.province_indicators] == ["retail_sales"]
    assert data.provinces.loc["320000", "retail_sales"] == PROVINCE_VALUE
    assert "320000" not in data.cities.index
    counties = data.counties
    assert len(counties) > 250 and counties.index.isin(data.cities.index).sum() == 0
    assert counties.loc["320106", ["name_en", "parent_en"]].tolist() == ["Gulou (Nanjing)", "Nanjing"]
    assert counties[[m.code for m in data.county_indicators]].notna().any(axis=1).all()  # rows with data


def test_every_value_shown_is_the_stored_one_of_its_period(data, own_project: Project) -> None:
    shown = shown_values(data)
    assert set(shown["table"]) == {"cities", "provinces", "counties", "pairs"}  # metros: not computed
    retail = shown[(shown["indicator"] == "retail_sales") & (shown["table"] == "cities")]
    assert sorted(retail["subject"]) == sorted(CITIES) and set(retail["period"]) == {"2024"}
    assert set(retail["source"]) == {SOURCE} and set(retail["vintage"]) == {"bulletin"}
    with own_project.store() as store:
        stored = store.observations(subject_kind="unit", latest_vintage=True)
    units = shown[shown["table"].isin(["cities", "provinces", "counties"])]
    both = units.merge(stored.assign(period=stored["period"].astype(str)),
                       left_on=["indicator", "subject", "period"],
                       right_on=["indicator", "unit_code", "period"], how="left", suffixes=("", "_stored"))
    assert len(both) == len(units) > 10_000
    assert (both["value"] == both["value_stored"]).all()  # each value is the stored one of its period
    latest = stored.dropna(subset=["value"]).groupby(["indicator", "unit_code"])["period"].max()
    assert (units.set_index(["indicator", "subject"])["period"]
            == latest.reindex(units.set_index(["indicator", "subject"]).index)).all()  # and the latest


def test_curated_indicators_first_then_the_catalogue(data) -> None:
    codes = [m.code for m in data.city_indicators]
    assert codes[0] == "pop_resident"
    assert codes.index("pop_resident") < codes.index("gdp") < codes.index("age_0_14_share") \
        < codes.index("retail_sales")
    assert indicator_order(["zz", "retail_sales", "gdp"], ["gdp", "retail_sales"], ["zz"]) == \
        ["zz", "gdp", "retail_sales"]


def test_time_series_has_both_periods_per_city(data) -> None:
    series = next(ts for ts in data.series if ts.meta.code == "retail_sales")
    assert list(series.values.columns) == ["2023", "2024"]
    assert sorted(series.values.index) == sorted(CITIES)
    assert series.values.loc["341300", "2023"] == _value("341300", 2023)
    assert series.values.loc["341300", "2024"] == _value("341300", 2024)
    single = {m.code for m in data.city_indicators if len(m.periods) == 1}
    assert not single & {ts.meta.code for ts in data.series}  # one period: no line


def test_report_page_shows_it_in_selector_table_and_series(own_project: Project) -> None:
    html = write_project_report(own_project).read_text(encoding="utf-8")
    page = _page(html)
    select = re.search(r'<select id="tc-indicator">(.*?)</select>', html, re.S).group(1)
    assert 'value="retail_sales"' in select and "社会消费品零售总额（亿元，2024）" in select
    assert "Retail sales of consumer goods (100 million CNY, 2024)" in select
    assert "retail_sales" in [i["code"] for i in page["payloads"]["map"]["indicators"]]
    assert "社会消费品零售总额（亿元，2024）" in html  # the city table's header
    series = next(i for i in page["payloads"]["series"]["indicators"] if i["code"] == "retail_sales")
    assert series["periods"] == ["2023", "2024"] and series["values"]["320500"] == [
        _value("320500", 2023), _value("320500", 2024)]
    cities = page["payloads"]["cities"]
    col = next(i for i, c in enumerate(cities["columns"]) if c.get("prov") and
               cities["sources"][c["prov"][0][2]] == SOURCE)
    assert cities["columns"][col]["prov"] == [["2024", "bulletin", cities["sources"].index(SOURCE)]]
    # the sources section names the import and what came of it; no "per-row source" placeholder
    assert SOURCE in html and "retail.csv" in html and "per-row source" not in html


def test_no_english_unit_inside_a_chinese_header(own_project: Project, data) -> None:
    with own_project.store() as store:
        units = set(store.indicators()["unit"].dropna())
    assert {"100 million CNY", "persons", "%", "ratio", "previous year = 100"} <= units
    units |= {"score (0–100)", "rank"}  # the composite index's, catalogued when it is built
    untranslated = {u: unit_label(u, "zh") for u in units if re.search(r"[A-Za-z]", unit_label(u, "zh"))}
    assert untranslated == {}
    html = render_report_html(data, lang="zh")
    heads = re.findall(r'<th scope="col"[^>]*><span class="l-zh" lang="zh-CN">([^<]*)</span>', html)
    assert len(heads) > 20
    for head in heads:
        inside = re.findall(r"（([^（）]*)）$", head)
        assert not inside or not re.search(r"[A-Za-z]{2,}", inside[0]), head


def test_shared_english_names_get_their_province(data, own_project: Project) -> None:
    names = data.cities["name_en"]
    assert names["320500"] == "Suzhou (Jiangsu)" and names["341300"] == "Suzhou (Anhui)"
    assert names["321200"] == "Taizhou (Jiangsu)" and names["331000"] == "Taizhou (Zhejiang)"
    assert names["320100"] == "Nanjing"  # a name no other city has stays as it is
    assert names.is_unique
    with own_project.store() as store:
        units = display_units(store.units())
    counties = units[units["level"] == "county"]
    assert counties["name_en"].is_unique and counties["name_zh"].is_unique
    # two 鼓楼区 in Jiangsu: the province does not tell them apart, their city does
    assert counties.loc["320106", "name_en"] == "Gulou (Nanjing)"
    assert counties.loc["320302", "name_zh"] == "鼓楼区(徐州市)"
    pair = data.pairs[(data.pairs["from_code"] == "320500") | (data.pairs["to_code"] == "320500")]
    assert not pair.empty and {"Suzhou (Jiangsu)"} <= set(pair["from_en"]) | set(pair["to_en"])


def test_overview_counts_are_the_tables_rows(data) -> None:
    figures = {en: value for _, en, value in data.overview}
    assert figures["Cities"] == str(len(data.cities)) == "41"
    assert figures["County-level units (with data)"] == str(len(data.counties))
    assert figures["Metro areas (adopted, incl. demo zone)"] == str(len(data.metros))
    assert figures["Residents (2020)"] == f"{data.cities['pop_resident'].sum():,.0f}"


def test_titles_say_no_word_twice() -> None:
    for name, yrd in (("长三角同城化监测", True), ("宁波都市圈同城化监测", False), ("南京都市圈", False),
                      ("Liechtenstein integration monitor", False), ("Oresund region", False)):
        zh, en = _titles(name, yrd=yrd)
        grams = [zh[i:i + 3] for i in range(len(zh) - 2)]
        assert len(grams) == len(set(grams)), zh
        words = [w for w in re.findall(r"[a-z]+", en.lower()) if len(w) > 3]
        assert len(words) == len(set(words)), en
        assert zh.endswith("报告") and "report" in en.lower()
    assert _titles("长三角同城化监测", yrd=True)[0] == "长三角同城化监测报告"


def test_direction_from_the_catalogue_else_the_indicator_else_neutral() -> None:
    catalogue = pd.DataFrame({"name_zh": ["甲", "乙", "铁路时间"], "name_en": ["A", "B", "Rail"],
                              "unit": ["%", "%", "min"], "direction": [-1, None, None]},
                             index=["a", "b", "rail_time_to_shanghai"])
    assert indicator_meta(catalogue, "a").direction == -1
    assert indicator_meta(catalogue, "b").direction == 0
    assert indicator_meta(catalogue, "rail_time_to_shanghai").direction == -1  # registered: lower is better
    assert indicator_meta(catalogue.drop(columns="direction"), "a").direction == 0  # before revision 0005


@pytest.mark.browser
def test_imported_indicator_in_chromium(own_project: Project, browser: dict[str, str]) -> None:
    from tongcheng.reports import check_in_browser, open_in_browser

    page = write_project_report(own_project)
    result = check_in_browser(page, **browser)
    assert result.console_errors == [] and result.failed_requests == [] and result.external_requests == []
    assert result.map_drawn and result.switched_to_en
    with open_in_browser(page, **browser) as driver:
        run = driver.execute_script
        run("var s = document.getElementById('tc-indicator'); s.value = 'retail_sales';"
            "s.dispatchEvent(new Event('change'));")
        drawn = run("return tongchengReport.charts.map.getOption().series[0].data.filter(function (d) {"
                    "  return typeof d.value === 'number' && isFinite(d.value); })"
                    ".map(function (d) { return d.name; }).sort();")
        assert drawn == sorted(CITIES)
        # the legend: HTML beside the map, one entry per metro and link layer plus "no data"
        legend = run("return Array.from(document.querySelectorAll('#tc-map-legend .tc-legend-item'))"
                     ".map(function (e) { return [e.innerText.trim(),"
                     "  e.scrollWidth <= e.clientWidth + 1]; });")
        n_links = run("var P = tongchengReport.payload('map'); return (P.links.some(function (l) "
                      "{ return !l.fallback; }) ? 1 : 0) + (P.links.some(function (l) {"
                      "  return l.fallback; }) ? 1 : 0);")
        names = [text for text, _ in legend]
        assert names[0] == "无数据" and len(names) == 1 + len(own_project_metros(own_project)) + n_links
        assert "上海大都市圈" in names and all(whole for _, whole in legend)  # nothing cut off
        assert run("return tongchengReport.charts.map.getOption().legend[0].type") != "scroll"
        run("document.querySelector('#tc-map-legend [data-series^=\"metro:\"]').click();")
        hidden = run("var o = tongchengReport.charts.map.getOption().legend[0].selected;"
                     "return Object.keys(o).filter(function (k) { return o[k] === false; });")
        assert len(hidden) == 1 and hidden[0].startswith("metro:")
        # the time series of the imported indicator: both years, the largest 2024 values first
        run("var s = document.getElementById('tc-series-indicator'); s.value = 'retail_sales';"
            "s.dispatchEvent(new Event('change'));")
        option = run("var o = tongchengReport.charts.series.getOption(); return [o.xAxis[0].data,"
                     "o.series.map(function (s) { return [s.id, s.data]; })];")
        assert option[0] == ["2023", "2024"]
        top = sorted(CITIES, key=lambda c: -_value(c, 2024))[:5]
        assert sorted(code for code, _ in option[1]) == sorted(top)
        assert all(line == [_value(code, 2023), _value(code, 2024)] for code, line in option[1])
        # each value says where it comes from
        titles = run("var t = document.getElementById('tc-table-cities');"
                     "var i = Array.from(t.tHead.rows[0].cells).findIndex(function (th) {"
                     "  return th.innerText.indexOf('社会消费品零售总额') === 0; });"
                     "return Array.from(t.tBodies[0].rows).map(function (r) { return r.cells[i].title; });")
        assert f"2024 · bulletin · {SOURCE}" in titles and "" in titles  # cities without values: none
        run("tongchengReport.setLang('en');")
        assert run("return document.querySelector('#tc-map-legend .tc-legend-item').innerText.trim()") \
            == "No data"
        assert sorted(run("return [].concat(tongchengReport.charts.series.getOption().legend[0].data)")) \
            == sorted(display_name(own_project, c) for c in top)


def own_project_metros(project: Project) -> list[str]:
    with project.store() as store:
        m = store.metro_memberships()
    return sorted(set(m.loc[m["status"] == "adopted", "metro_code"]))


def display_name(project: Project, code: str) -> str:
    with project.store() as store:
        return str(display_units(store.units()).loc[code, "name_en"])


def test_a_city_index_is_a_column_of_the_city_table(yrd_project: Project, tmp_path: Path) -> None:
    from tongcheng.project.index import build_project_index

    (tmp_path / "fw.csv").write_text("code,level,parent,direction\ngdp,1,economy,1\npop_resident,1,people,1\n"
                                     "economy,2,city_index,1\npeople,2,city_index,1\ncity_index,3,,1\n",
                                     encoding="utf-8")
    (tmp_path / "recipe.yaml").write_text(
        "name: own city index\nsteps:\n  - name: normalise\n"
        "    params: {method: minmax, params: {l_u: [0, 100]}}\n"
        "  - name: aggregate\n    params: {method: amean}\n", encoding="utf-8")
    result = build_project_index(yrd_project, framework=tmp_path / "fw.csv", recipe=tmp_path / "recipe.yaml")
    html = write_project_report(yrd_project).read_text(encoding="utf-8")  # no pair section to break
    data = project_report_data(yrd_project)
    assert result.code in [m.code for m in data.city_indicators]
    assert data.cities[result.code].notna().sum() == len(result.subjects)
    assert f'value="{result.code}"' in html and 'id="sec-index"' not in html
