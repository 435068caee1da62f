"""Open a rendered report in headless Chromium and check that it really works.

Used by the test-suite (``pytest -m browser``) and handy by hand after changing the
templates: it loads ``index.html`` from disk, records console errors and every network
request, checks that the ECharts map has drawn pixels, saves a screenshot and clicks
the English switch. Needs ``selenium`` (``pip install 'tongcheng[test]'``) and Debian's
``chromium`` and ``chromium-driver``; nothing is downloaded at run time.
"""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import BrowserUnavailableError

__all__ = [
    "CHROMIUM_ARGS",
    "BrowserCheck",
    "BrowserUnavailableError",
    "check_in_browser",
    "open_in_browser",
]

CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--disable-extensions", "--hide-scrollbars",
)
_LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
_READY = "return !!(window.tongchengReport && window.tongchengReport.ready);"
_MAP_FINISHED = ("var m = document.getElementById('tc-map');"
                 "return !m || m.getAttribute('data-rendered') === '1';")

_MAP_PROBE = """
var el = document.getElementById('tc-map');
var out = {exists: !!el, instance: false, series: [], mapItems: 0, pixels: 0, canvases: 0};
if (!el || !window.echarts) { return out; }
var chart = echarts.getInstanceByDom(el);
if (!chart) { return out; }
out.instance = true;
var opt = chart.getOption();
out.series = (opt.series || []).map(function (s) { return s.type + ':' + (s.id || s.name); });
(opt.series || []).forEach(function (s) {
  if (s.type === 'map') { out.mapItems += (s.data || []).length; }
});
var canvases = el.querySelectorAll('canvas');
out.canvases = canvases.length;
for (var i = 0; i < canvases.length; i++) {
  var c = canvases[i];
  if (!c.width || !c.height) { continue; }
  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (var j = 0; j < d.length; j += 4) {
    if (d[j + 3] > 0 && !(d[j] > 245 && d[j + 1] > 245 && d[j + 2] > 245)) { out.pixels++; }
  }
}
return out;
"""


@dataclass
class BrowserCheck:
    """What :func:`check_in_browser` saw.

    Attributes
    ----------
    console_errors
        Console messages of level SEVERE (JavaScript errors, CSP violations, failed loads).
    map_drawn
        The ECharts map instance exists, has a ``map`` series with data (when the report
        has city indicators) and its canvas has at least ``min_pixels`` non-blank pixels.
    nonblank_pixels
        Pixels of the map canvas that are neither transparent nor near-white.
    title
        ``document.title`` after loading (initial language).
    switched_to_en
        After clicking "English": the ``<h1>`` shows the English title, the map section
        heading reads "Map" and the URL hash is ``#en``.
    failed_requests
        URLs whose loading failed.
    external_requests
        Requests made by the page to anything other than ``file:``, ``data:``,
        ``blob:`` or ``about:`` (should be empty: the page must work offline).
    map_series
        ``type:id`` of each ECharts series.
    screenshot
        Where the full-page PNG was saved (initial language), if asked.
    """

    console_errors: list[str]
    map_drawn: bool
    nonblank_pixels: int
    title: str
    switched_to_en: bool
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    map_series: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def ok(self) -> bool:
        """True when nothing went wrong."""
        return (not self.console_errors and not self.failed_requests
                and not self.external_requests and self.map_drawn and self.switched_to_en)


def _require(chromium: str, chromedriver: str) -> None:
    problems = []
    if not Path(chromium).exists():
        problems.append(f"Chromium not found at {chromium}")
    if not Path(chromedriver).exists():
        problems.append(f"chromedriver not found at {chromedriver}")
    if problems:
        msg = ("; ".join(problems) + ". On Debian/Ubuntu: "
               "`apt-get install -y chromium chromium-driver fonts-noto-cjk`, or pass "
               "chromium= and chromedriver= paths.")
        raise BrowserUnavailableError(msg)


def _start(chromium: str, chromedriver: str, profile: str, size: tuple[int, int]) -> Any:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        msg = ("selenium is not installed; install the test extra: "
               "`pip install 'tongcheng[test]'` (or `pip install selenium==4.51.0`).")
        raise BrowserUnavailableError(msg) from exc
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (*CHROMIUM_ARGS, f"--user-data-dir={profile}",
                f"--window-size={size[0]},{size[1]}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)


def _network(perf_log: list[dict[str, Any]], page_url: str) -> tuple[list[str], list[str]]:
    """Return (failed, external) requests made by the page at `page_url`.

    Chromium also logs its own new-tab page and background services; only requests
    whose document is the report count.
    """
    ours: dict[str, str] = {}
    failed: list[str] = []
    for entry in perf_log:
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message.get("method") == "Network.requestWillBeSent":
            document = str(params.get("documentURL", "")).split("#")[0]
            if document == page_url:
                ours[params["requestId"]] = params["request"]["url"]
        elif message.get("method") == "Network.loadingFailed" and params.get("requestId") in ours:
            failed.append(f"{ours[params['requestId']]}: {params.get('errorText', '')}")
    external = sorted({u for u in ours.values() if not u.startswith(_LOCAL_SCHEMES)})
    return failed, external


def _screenshot(driver: Any, target: Path) -> Path:
    width, height = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight];")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
    })
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(base64.b64decode(shot["data"]))
    return target


def _switch_to_en(driver: Any, timeout: float) -> bool:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    try:
        driver.find_element(By.CSS_SELECTOR, '[data-set-lang="en"]').click()
    except WebDriverException:
        return False
    if not _wait(driver, "return document.documentElement.getAttribute('data-lang') === 'en';",
                 timeout):
        return False
    expected = driver.execute_script("return window.tongchengReport.data.title.en;")
    h1 = driver.find_element(By.CSS_SELECTOR, "h1").text.strip()
    heads = driver.find_elements(By.CSS_SELECTOR, "#sec-map h2")
    map_ok = not heads or heads[0].text.strip() == driver.execute_script(
        "return window.tongchengReport.t('section.map', 'en');")
    hash_ok = driver.execute_script("return window.location.hash;") == "#en"
    return bool(h1 == expected.strip() and map_ok and hash_ok)


def _wait(driver: Any, script: str, timeout: float) -> bool:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))
    except TimeoutException:
        return False
    return True


def _report_path(html_path: Path | str) -> Path:
    path = Path(html_path).resolve()
    if not path.is_file():
        msg = f"no report at {path}; render one with tongcheng.reports.render_report"
        raise FileNotFoundError(msg)
    return path


@contextmanager
def open_in_browser(  # noqa: PLR0913 - options are keyword-only
    html_path: Path | str,
    *,
    fragment: str = "",
    chromium: str = "/usr/bin/chromium",
    chromedriver: str = "/usr/bin/chromedriver",
    timeout: float = 30.0,
    window_size: tuple[int, int] = (1366, 1000),
) -> Iterator[Any]:
    """Open a report in headless Chromium and yield the selenium WebDriver.

    Waits until the page has set itself up and the map has finished drawing (or
    `timeout` passed); the browser and its temporary profile are removed afterwards.

    Parameters
    ----------
    html_path
        The report's ``index.html``.
    fragment
        URL fragment to open with, e.g. ``"en"``.
    chromium, chromedriver, timeout, window_size
        As for :func:`check_in_browser`.

    Yields
    ------
    selenium.webdriver.Chrome
        The driver, with console (``get_log("browser")``) and network
        (``get_log("performance")``) logging on.

    Raises
    ------
    BrowserUnavailableError
        If selenium, Chromium or chromedriver is missing.
    """
    path = _report_path(html_path)
    _require(chromium, chromedriver)
    profile = tempfile.mkdtemp(prefix="tongcheng-chromium-")
    try:
        driver = _start(chromium, chromedriver, profile, window_size)
        try:
            driver.set_page_load_timeout(timeout)
            driver.get_log("browser")  # drop start-up noise (Chromium's own new-tab page)
            driver.get_log("performance")
            driver.get(path.as_uri() + (f"#{fragment}" if fragment else ""))
            if _wait(driver, _READY, timeout):
                _wait(driver, _MAP_FINISHED, timeout)
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def check_in_browser(  # noqa: PLR0913 - options are keyword-only
    html_path: Path | str,
    *,
    screenshot: Path | None = None,
    chromium: str = "/usr/bin/chromium",
    chromedriver: str = "/usr/bin/chromedriver",
    timeout: float = 30.0,
    min_pixels: int = 5000,
    window_size: tuple[int, int] = (1366, 1000),
) -> BrowserCheck:
    """Load a report in headless Chromium and report what happened.

    Parameters
    ----------
    html_path
        The report's ``index.html``; opened as a ``file://`` URL.
    screenshot
        Save a full-page PNG here (taken before switching language).
    chromium, chromedriver
        Executables (Debian packages ``chromium``, ``chromium-driver``).
    timeout
        Seconds to wait for the page and the map.
    min_pixels
        Non-blank canvas pixels needed to count the map as drawn.
    window_size
        Browser window in CSS pixels.

    Returns
    -------
    BrowserCheck
        Console errors, network problems, map state, title and language-switch result.

    Raises
    ------
    BrowserUnavailableError
        If selenium, Chromium or chromedriver is missing (with how to install them).
    FileNotFoundError
        If `html_path` does not exist.

    Examples
    --------
    >>> result = check_in_browser(render_report(data, out))  # doctest: +SKIP
    >>> result.ok, result.console_errors  # doctest: +SKIP
    (True, [])
    """
    path = _report_path(html_path)
    with open_in_browser(path, chromium=chromium, chromedriver=chromedriver,
                         timeout=timeout, window_size=window_size) as driver:
        probe = driver.execute_script(_MAP_PROBE)
        has_indicators = bool(driver.execute_script(
            "var p = window.tongchengReport && window.tongchengReport.payload('map');"
            "return !!(p && p.indicators && p.indicators.length);"))
        title = driver.title
        shot = _screenshot(driver, Path(screenshot)) if screenshot is not None else None
        switched = _switch_to_en(driver, timeout)
        console = [f"{e.get('level')}: {e.get('message')}" for e in driver.get_log("browser")
                   if e.get("level") == "SEVERE"]
        failed, external = _network(driver.get_log("performance"), path.as_uri())
    drawn = (probe["instance"] and probe["pixels"] >= min_pixels
             and (probe["mapItems"] > 0 or not has_indicators)
             and any(s.startswith("map:") for s in probe["series"]))
    return BrowserCheck(
        console_errors=console, map_drawn=bool(drawn), nonblank_pixels=int(probe["pixels"]),
        title=title, switched_to_en=switched, failed_requests=failed,
        external_requests=external, map_series=list(probe["series"]), screenshot=shot,
    )
