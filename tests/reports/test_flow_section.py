"""The commuting-and-linkage report section: payload by hand, HTML in both languages, browser.

Four square cities of the report fixture (Shanghai 310000, Suzhou 320500, Jiaxing 330400,
Nantong 320600) and one adopted plan SH (core Shanghai; Suzhou and Jiaxing members). The
commuting shares to Shanghai are set by hand: Suzhou 20 %, Nantong 15.0 % (in under the OECD
rule), Jiaxing 14.9 % (out) — DOMAIN.md F-I1.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from tongcheng.flows import ODTable
from tongcheng.project import Project
from tongcheng.reports import ReportData, check_in_browser, open_in_browser, render_report
from tongcheng.reports._geo import decode_ring
from tongcheng.reports.flow_section import FlowData, flow_data, flow_section, line_widths
from tongcheng.reports.sections import ReportContext, section_providers

OD = [("310000", "310000", 1000.0), ("320500", "320500", 80.0), ("320500", "310000", 20.0),
      ("330400", "330400", 85.1), ("330400", "310000", 14.9), ("320600", "320600", 70.0),
      ("320600", "310000", 15.0), ("320600", "320500", 15.0), ("310000", "320500", 30.0),
      ("310000", "320600", 5.0)]


def _inputs(report_data: ReportData) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    od = ODTable.from_frame(pd.DataFrame(OD, columns=["origin", "destination", "value"]),
                            period="2021", kind="commuting", value_kind="sample")
    obs = od.to_observations()
    cities = report_data.cities
    pts = cities.geometry.representative_point()
    units = pd.DataFrame({"name_zh": cities["name_zh"], "name_en": cities["name_en"],
                          "lon": pts.x, "lat": pts.y}, index=cities.index)
    members = pd.DataFrame({"metro_code": "SH", "version": "2022", "name_zh": "上海大都市圈",
                            "name_en": "Shanghai Metropolitan Area", "core_code": "310000",
                            "member_code": ["310000", "320500", "330400"], "status": "adopted"})
    return obs, units, members


@pytest.fixture
def data(report_data: ReportData) -> FlowData:
    got = flow_data(*_inputs(report_data), top=3)
    assert got is not None
    return got


def test_top_flows_and_widths_by_brute_force(data: FlowData) -> None:
    cross = sorted(((o, d, v) for o, d, v in OD if o != d), key=lambda r: (-r[2], r[0], r[1]))
    assert [tuple(r) for r in data.flows.itertuples(index=False)] == cross[:3]
    assert data.total == pytest.approx(sum(v for o, d, v in OD if o != d))
    assert line_widths(data.flows["value"]) == [12.0, 12.0 * 20 / 30, 12.0 * 15 / 30]
    assert (data.period, data.value_kind) == ("2021", "sample")


def test_delineation_and_sensitivity_by_hand(data: FlowData) -> None:
    assert data.cores == {"SH": "310000"}
    # out-shares to Shanghai: Suzhou 20/100, Nantong 15/100, Jiaxing 14.9/100
    assert data.delineated == {"310000": "SH", "320500": "SH", "320600": "SH"}
    sens = data.sensitivity.set_index("threshold")["n_members"]
    assert sens.to_dict() == {1.5: 3, 5.0: 3, 10.0: 3, 15.0: 2, 25.0: 0, 30.0: 0}
    assert data.plans["SH"] == ["310000", "320500", "330400"]


def test_payload_and_html_in_both_languages(report_data: ReportData, data: FlowData) -> None:
    section = flow_section(ReportContext(report_data), data=data)
    payload = section.payload
    assert isinstance(payload, dict)
    assert [f[:3] for f in payload["flows"]] == [list(r) for r in data.flows.itertuples(index=False)]
    assert payload["flows"][0][3] == 12.0
    ring = decode_ring(*payload["outlines"]["SH"][0])
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    assert min(xs) == pytest.approx(120.0, abs=0.01) and max(ys) == pytest.approx(31.9, abs=0.01)
    assert set(payload["points"]) == {"310000", "320500", "330400", "320600"}
    assert (section.key, section.title_zh, section.title_en) == ("flows", "通勤与联系",
                                                                 "Commuting and linkage")
    html = str(section.html)
    assert "≥ 15 %" in html and "规划成员数" in html and "Members in the plan" in html
    row = html[html.index("上海大都市圈"):]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:8]]
    assert cells == ["3", "3", "3", "2", "0", "0", "2"]  # thresholds 1.5 … 30, then the plan


def test_no_flows_no_section(report_data: ReportData) -> None:
    obs, units, members = _inputs(report_data)
    assert flow_data(obs.iloc[:0], units, members) is None
    intra = obs[obs["unit_code"] == obs["partner_code"]]
    assert flow_data(intra, units, members) is None


_CANVAS = """
var el = document.getElementById(arguments[0]);
var c = el && el.querySelector('canvas');
if (!c || el.getAttribute('data-rendered') !== '1') { return -1; }
var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
for (var j = 0; j < d.length; j += 4) {
  if (d[j + 3] > 0 && !(d[j] > 245 && d[j + 1] > 245 && d[j + 2] > 245)) { n++; }
}
return n;
"""


@pytest.mark.browser
def test_flow_maps_draw_offline(report_data: ReportData, data: FlowData, tmp_path: Path,
                                browser: dict[str, str]) -> None:
    def provider(ctx: ReportContext) -> object:
        return flow_section(ctx, data=data)

    page = render_report(report_data, tmp_path / "report", providers=(*section_providers(), provider))
    result = check_in_browser(page, **browser)
    assert result.console_errors == []
    assert result.failed_requests == [] and result.external_requests == []
    assert result.ok
    with open_in_browser(page, **browser) as driver:
        pixels = {"tc-flow-map": -1, "tc-delin-map": -1}
        for _ in range(100):
            pixels = {k: driver.execute_script(_CANVAS, k) for k in pixels}
            if min(pixels.values()) > 0:
                break
            time.sleep(0.1)
        assert pixels["tc-flow-map"] > 2000 and pixels["tc-delin-map"] > 2000, pixels
        series = driver.execute_script(
            "var o = tongchengReport.charts.flows.getOption();"
            "return o.series.map(function (s) { return [s.type, s.id, s.data.length]; });")
        assert series == [["lines", "flows", 3], ["scatter", "nodes", 3]]
        plans = driver.execute_script(
            "return tongchengReport.charts.delineation.getOption().series"
            ".filter(function (s) { return s.id.indexOf('plan:') === 0; })"
            ".map(function (s) { return s.id; });")
        assert plans == ["plan:SH"]
        assert [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"] == []


def test_provider_reads_the_project(yrd_project: Project, report_data: ReportData, tmp_path: Path) -> None:
    from tongcheng.reports.flow_section import flow_section_provider

    assert flow_section_provider(yrd_project) is None  # the YRD default has no commuting table
    pd.DataFrame({"from": ["320500", "320500", "310100"], "to": ["310100", "320500", "310100"],
                  "indicator": "commuters", "period": "2021", "value": [30, 70, 500],
                  "value_kind": "sample"}).to_csv(tmp_path / "od.csv", index=False)
    yrd_project.import_stats(tmp_path / "od.csv", source="test")
    provider = flow_section_provider(yrd_project)
    assert provider is not None
    section = provider(ReportContext(report_data))
    assert section.payload["flows"] == [["320500", "310100", 30.0, 12.0]]  # type: ignore[index]
    assert section.payload["delineated"]["320500"] == "SH_1P8"  # type: ignore[index]  # 30 % ≥ 15 %


def test_project_report_shows_flows_only_with_commuters(yrd_project: Project, tmp_path: Path) -> None:
    from tongcheng.reports.project_report import write_project_report

    assert 'id="tc-flow-map"' not in write_project_report(yrd_project).read_text(encoding="utf-8")
    pd.DataFrame({"from": ["320500", "320500"], "to": ["310100", "320500"], "indicator": "commuters",
                  "period": "2021", "value": [30, 70], "value_kind": "sample"}).to_csv(
        tmp_path / "od.csv", index=False)
    yrd_project.import_stats(tmp_path / "od.csv", source="test")
    html = write_project_report(yrd_project).read_text(encoding="utf-8")
    assert 'id="tc-flow-map"' in html and 'id="tc-delin-map"' in html
