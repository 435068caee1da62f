"""The report in a real browser: headless Chromium opening index.html from disk.

Skipped when Chromium, chromedriver or selenium is missing, except on CI (env ``CI``
set), where that is a failure.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tongcheng.reports import ReportData, check_in_browser, open_in_browser, render_report

pytestmark = pytest.mark.browser

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _texts(driver, selector: str) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]))"
        ".map(function (e) { return e.innerText.trim(); });", selector)


def test_report_works_offline_in_chromium(
    report_data: ReportData, tmp_path: Path, browser: dict[str, str]
) -> None:
    page = render_report(report_data, tmp_path / "report")
    shot = tmp_path / "report.png"
    result = check_in_browser(page, screenshot=shot, **browser)

    assert result.console_errors == []
    assert result.failed_requests == []
    assert result.external_requests == []
    assert result.map_drawn, result
    assert result.nonblank_pixels > 20_000
    assert result.map_series == ["map:choropleth", "lines:metro:SH", "lines:links",
                                 "lines:links_fallback"]
    assert result.title == "长三角同城化监测报告（测试）"
    assert result.switched_to_en
    assert result.ok
    assert shot.read_bytes()[:8] == PNG_MAGIC and shot.stat().st_size > 20_000


def test_tables_sort_format_and_filter(
    report_data: ReportData, tmp_path: Path, browser: dict[str, str]
) -> None:
    page = render_report(report_data, tmp_path / "report")
    with open_in_browser(page, **browser) as driver:
        rows = "#tc-table-cities tbody tr"
        assert _texts(driver, rows + " td:nth-child(3)") == [
            "47,219", "24,653", "7,062", "11,813"]
        assert _texts(driver, rows + " td:nth-child(4)")[2] == "—"  # missing value
        header = driver.find_element("css selector", "#tc-table-cities th:nth-child(3)")
        header.click()  # ascending
        assert _texts(driver, rows + " td:nth-child(2)") == ["嘉兴市", "南通市", "苏州市", "上海市"]
        header.click()  # descending
        assert _texts(driver, rows + " td:nth-child(2)")[0] == "上海市"
        pop = driver.find_element("css selector", "#tc-table-cities th:nth-child(4)")
        pop.click()
        assert _texts(driver, rows + " td:nth-child(4)")[-1] == "—"  # missing sorts last

        box = driver.find_element("css selector", 'input.tc-filter[data-table="tc-table-pairs"]')
        box.send_keys("苏州")
        visible = driver.execute_script(
            "return Array.from(document.querySelectorAll('#tc-table-pairs tbody tr'))"
            ".filter(function (tr) { return tr.offsetParent !== null; }).length;")
        assert visible == 6  # 3 pairs from Suzhou, 3 to Suzhou
        assert _texts(driver, '.tc-rowcount[data-table="tc-table-pairs"]') == ["6"]

        driver.find_element("css selector", '[data-set-lang="en"]').click()
        assert _texts(driver, "#sec-cities h2") == ["City indicators"]
        assert _texts(driver, "#sec-travel h2") == ["Travel times"]
        assert box.get_attribute("placeholder") == "City name or code"
        names = _texts(driver, rows + " td:nth-child(2)")
        assert "Shanghai" in names and "上海市" not in names
        option = driver.execute_script(
            "return document.querySelector('#tc-indicator option:checked').textContent;")
        assert option == "Gross regional product (亿元)"
        assert driver.execute_script("return location.hash;") == "#en"
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []


def test_map_switches_indicator(
    report_data: ReportData, tmp_path: Path, browser: dict[str, str]
) -> None:
    page = render_report(report_data, tmp_path / "report")
    with open_in_browser(page, **browser) as driver:
        driver.execute_script(
            "var s = document.getElementById('tc-indicator'); s.value = 'pop';"
            "s.dispatchEvent(new Event('change'));")
        data = driver.execute_script(
            "var o = echarts.getInstanceByDom(document.getElementById('tc-map')).getOption();"
            "var d = o.series[0].data.filter(function (x) {"
            "  return x.value !== null && x.value !== undefined && !isNaN(x.value); });"
            "return [d.length, o.visualMap[0].max];")
        assert data == [3, 2475.89]  # Jiaxing has no population value


def test_hash_en_and_lang_en_start_in_english(
    report_data: ReportData, tmp_path: Path, browser: dict[str, str]
) -> None:
    zh_page = render_report(report_data, tmp_path / "zh")
    with open_in_browser(zh_page, fragment="en", **browser) as driver:
        assert driver.title == "YRD Integration Monitor (test)"
        assert _texts(driver, "#sec-map h2") == ["Map"]
    en_page = render_report(report_data, tmp_path / "en", lang="en")
    result = check_in_browser(en_page, **browser)
    assert result.title == "YRD Integration Monitor (test)"
    assert result.ok, result


def test_hostile_names_do_not_execute(
    report_data: ReportData, tmp_path: Path, browser: dict[str, str]
) -> None:
    evil = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=1</script>"
    data = replace(report_data, title_en=evil, overview=[(evil, evil, evil)])
    page = render_report(data, tmp_path / "report", lang="en")
    with open_in_browser(page, **browser) as driver:
        assert driver.execute_script("return window.__pwned === undefined;")
        assert evil in driver.find_element("css selector", "h1").text


def test_checker_reports_broken_pages(tmp_path: Path, browser: dict[str, str]) -> None:
    bad = tmp_path / "index.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>bad</title>"
        '<link rel="stylesheet" href="http://127.0.0.1:9/missing.css"></head>'
        "<body><h1>x</h1><script>throw new Error('boom');</script></body></html>",
        encoding="utf-8")
    result = check_in_browser(bad, timeout=3, **browser)
    assert not result.ok
    assert any("boom" in e for e in result.console_errors)
    assert result.external_requests == ["http://127.0.0.1:9/missing.css"]
    assert result.failed_requests and not result.map_drawn and not result.switched_to_en


def test_minimal_report_has_no_errors(
    minimal_data: ReportData, tmp_path: Path, browser: dict[str, str]
) -> None:
    page = render_report(minimal_data, tmp_path / "report")
    result = check_in_browser(page, **browser)
    assert result.console_errors == [] and result.map_drawn and result.switched_to_en
