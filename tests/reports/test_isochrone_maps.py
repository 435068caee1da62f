"""One-hour-circle maps in the project report: payload, table and the page in Chromium.

A YRD project with the rail indicators computed plus a synthetic stored ``car_time_min``
(Shanghai and Hangzhou only), so a third mode appears and Ningbo has no car time.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import uuid
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from tongcheng import datasets
from tongcheng.indicators.compute import compute_indicators
from tongcheng.project import Project
from tongcheng.reports import check_in_browser, open_in_browser
from tongcheng.reports._geo import decode_ring
from tongcheng.reports.i18n import STRINGS
from tongcheng.reports.project_report import write_project_report
from tongcheng.store.records import ImportRecord

SHANGHAI = "310100"
SH_CIRCLE = {"310100", "320500", "330400", "320400", "330100", "320100"}
CAR = {("310100", "320500"): 75.0, ("320500", "310100"): 58.0, ("310100", "330400"): 59.9,
       ("330100", "330400"): 50.0, ("330100", "310100"): 95.0}
CODES = ["rail_time_transfer_min", "metro_rail_1h_share", "rail_1h_population", "rail_1h_cities",
         "rail_1h_cities_transfer", "onehour_pop_rail_transfer", "onehour_area_rail_transfer",
         "onehour_share_rail_transfer", "onehour_area_rail", "onehour_pop_car", "onehour_share_car"]
# The outline is simplified at 2 × the report's default tolerance (about 1/2000 of the region's
# diagonal, ~0.005°) and quantised to 1/1024°; its area stays within 2 % of the members' areas.
OUTLINE_RTOL = 0.02


@pytest.fixture(scope="module")
def project(yrd_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("iso") / "yrd"
    shutil.copytree(yrd_template, root)
    proj = Project.open(root)
    car = pd.DataFrame({"indicator": "car_time_min", "period": "2024", "value": list(CAR.values()),
                        "unit": "min", "subject_kind": "pair", "value_kind": "computed",
                        "unit_code": [a for a, _ in CAR], "partner_code": [b for _, b in CAR]})
    car["subject_key"] = car["unit_code"] + ">" + car["partner_code"]
    with proj.store() as store:
        store.put_indicators(pd.DataFrame({"code": ["car_time_min"], "name_zh": ["小汽车时间"],
                                           "subject_kind": ["pair"], "unit": ["min"],
                                           "kind": ["computed"]}))
        store.record_import(ImportRecord(sha256=uuid.uuid4().hex * 2, file_name="car.csv",
                                         stored_path="raw/car.csv", source="test", vintage="2024"), car)
        compute_indicators(store, codes=CODES)
    write_project_report(proj)
    return proj


@pytest.fixture(scope="module")
def page(project: Project) -> dict:
    html = (project.report_dir / "index.html").read_text("utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="tc-data">(.*?)</script>',
                                html, re.S).group(1))
    return {"html": html, "payload": data["payloads"]["isochrone"], "map": data["payloads"]["map"]}


@functools.cache
def _stored(project_root: str, code: str) -> pd.Series:
    with Project.open(project_root).store() as store:
        obs = store.observations(indicators=[code])
    key = obs["metro_code"].where(obs["subject_kind"] == "metro", obs["unit_code"])
    return pd.Series(obs["value"].to_numpy(), index=key)


def test_views_for_every_core_and_stored_mode(page: dict) -> None:
    p = page["payload"]
    assert p["cores"] == ["310100", "320100", "330100", "330200", "340100"]
    assert [m["key"] for m in p["modes"]] == ["rail", "rail_transfer", "car"]
    assert set(p["views"]) == {f"{c}|{m}" for c in p["cores"] for m in ("rail", "rail_transfer", "car")}
    assert p["default"] == {"core": SHANGHAI, "mode": "rail_transfer"}
    # the continuous per-core reach maps are gone from the map selector
    assert not [i for i in page["map"]["indicators"] if i["code"].startswith("rail_reach_")]


def test_shanghai_circle_figures_match_stored_indicators_and_census(project: Project, page: dict) -> None:
    v = page["payload"]["views"][f"{SHANGHAI}|rail_transfer"]
    minutes = pd.Series(v["minutes"])
    assert set(minutes.index[minutes <= 60]) == SH_CIRCLE
    assert "320200" not in minutes.index  # Wuxi: not in the timetable, so no time (not zero)
    census = pd.read_csv(datasets.path("census_city.csv"), dtype={"code": str})
    census = census[(census["indicator"] == "pop_resident") & (census["period"].astype(str) == "2020")]
    assert v["population"] == census.set_index("code").loc[list(SH_CIRCLE), "value"].sum()
    root = str(project.root)
    assert v["population"] == _stored(root, "onehour_pop_rail_transfer")[SHANGHAI]
    assert v["area"] == round(_stored(root, "onehour_area_rail_transfer")[SHANGHAI])
    assert v["n"] == _stored(root, "rail_1h_cities_transfer")[SHANGHAI] == 6
    assert v["share"] == round(_stored(root, "onehour_share_rail_transfer")["SH_1P8"], 1)
    assert v["metro"] == "SH_1P8"
    direct = page["payload"]["views"][f"{SHANGHAI}|rail"]
    assert direct["share"] == round(_stored(root, "metro_rail_1h_share")["SH_1P8"], 1)


def test_outline_is_the_dissolved_hour_band(page: dict) -> None:
    v = page["payload"]["views"][f"{SHANGHAI}|rail_transfer"]
    rings = [shapely.Polygon(decode_ring(text, offset)) for text, offset in v["outline"]]
    shape = functools.reduce(lambda a, b: a.symmetric_difference(b), rings)  # holes cancel out
    km2 = float(gpd.GeoSeries([shape], crs=4326).to_crs("EPSG:6933").area.iloc[0]) / 1e6
    units = pd.read_csv(datasets.path("units.csv"), dtype={"code": str}).set_index("code")
    assert km2 == pytest.approx(units.loc[list(SH_CIRCLE), "area_km2"].sum(), rel=OUTLINE_RTOL)
    wuxi = datasets.boundaries("city").loc["320200"].geometry.representative_point()
    assert not shape.contains(wuxi)  # the hole of a city without a time stays a hole


def test_car_mode_lights_up_and_a_core_without_times_says_so(page: dict) -> None:
    views = page["payload"]["views"]
    car = pd.Series(views[f"{SHANGHAI}|car"]["minutes"])
    assert car.to_dict() == {"310100": 0.0, "320500": 58.0, "330400": 59.9, "330100": 95.0}
    assert views[f"{SHANGHAI}|car"]["n"] == 3
    assert views["330200|car"] == {"status": "no_data"}  # Ningbo: no car time at all
    html = page["html"]
    row = re.search(r'<tr data-core="330200" data-mode="car">(.*?)</tr>', html, re.S).group(1)
    assert STRINGS["zh"]["iso.no_times"] in row and STRINGS["en"]["iso.no_times"] in row
    assert not re.search(r'class="num"', row)  # no figure, in particular no zero
    sh = re.search(rf'<tr data-core="{SHANGHAI}" data-mode="rail_transfer">(.*?)</tr>', html, re.S).group(1)
    assert "69,548,841" in sh and "62.4" in sh


def test_every_isochrone_string_is_translated() -> None:
    root = files("tongcheng.reports")
    text = (root / "static" / "isochrone.js").read_text("utf-8")
    text += (root / "templates" / "sections" / "isochrone.html.j2").read_text("utf-8")
    keys = set(re.findall(r"""["']((?:iso|map|table|report|section)\.[a-z_]+)["']""", text))
    keys.add("section.isochrone")  # the section title, from isochrone.py
    assert {"iso.outline", "iso.no_times", "iso.no_timetable", "iso.share"} <= keys
    for lang in ("zh", "en"):
        assert keys - set(STRINGS[lang]) == set()


_PROBE = """
var c = echarts.getInstanceByDom(document.getElementById('tc-iso-map'));
var o = c.getOption();
return {timed: o.series[0].data.filter(function (x) { return x.value >= 0; }).length,
        outline: o.series[1].data.length,
        pieces: o.visualMap[0].pieces.map(function (p) { return p.label; }),
        note: (function (n) { return n.hidden ? '' : n.textContent; })(
          document.getElementById('tc-iso-note')),
        rendered: document.getElementById('tc-iso-map').getAttribute('data-rendered')};
"""


def _choose(driver, core: str, mode: str) -> dict:
    driver.execute_script(
        "var s = document.getElementById('tc-iso-core'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('change'));"
        "var m = document.getElementById('tc-iso-mode'); m.value = arguments[1];"
        "m.dispatchEvent(new Event('change'));", core, mode)
    return driver.execute_script(_PROBE)


@pytest.mark.browser
def test_isochrone_map_draws_and_switches(project: Project, page: dict, browser: dict[str, str]) -> None:
    index = project.report_dir / "index.html"
    result = check_in_browser(index, **browser)
    assert result.ok, result
    views = page["payload"]["views"]
    with open_in_browser(index, **browser) as driver:
        first = driver.execute_script(_PROBE)
        assert first["rendered"] == "1"
        assert first["timed"] == len(views[f"{SHANGHAI}|rail_transfer"]["minutes"])
        assert first["outline"] == len(views[f"{SHANGHAI}|rail_transfer"]["outline"]) > 0
        assert first["pieces"][0] == "0–30 分钟" and first["pieces"][-1] == "无数据"
        nb = _choose(driver, "330200", "rail")
        assert nb["timed"] == len(views["330200|rail"]["minutes"]) and nb["note"] == ""
        none = _choose(driver, "330200", "car")
        assert none["timed"] == 0 and none["outline"] == 0
        assert none["note"] == STRINGS["zh"]["iso.no_times"]
        driver.find_element("css selector", '[data-set-lang="en"]').click()
        en = driver.execute_script(_PROBE)
        assert en["pieces"][0] == "0–30 min" and en["note"] == STRINGS["en"]["iso.no_times"]
        label = driver.execute_script(
            "return document.querySelector('#tc-iso-mode option:checked').textContent;")
        assert label == "car"
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
