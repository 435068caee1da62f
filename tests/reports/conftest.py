"""Fixtures for the report tests."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from report_samples import make_report_data

from tongcheng.reports import ReportData

CHROMIUM = os.environ.get("TONGCHENG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TONGCHENG_CHROMEDRIVER", "/usr/bin/chromedriver")


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
