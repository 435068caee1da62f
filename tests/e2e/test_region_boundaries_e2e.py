"""Another region end to end: import boundaries, list them as GeoJSON, draw them in the report.

Liechtenstein's 11 municipalities (OSM ``admin_level=8``) go through the command line only:
``init --region empty``, ``units import``, ``units list --format geojson``, ``report``, on a
SQLite project and on a PostgreSQL one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import shape

from tongcheng.cli.main import cli
from tongcheng.project import Project

CHROMIUM = os.environ.get("TONGCHENG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TONGCHENG_CHROMEDRIVER", "/usr/bin/chromedriver")


@pytest.fixture(scope="module")
def li_file(li_geojson: Path) -> Path:
    return li_geojson


def _run(*args: str) -> str:
    out = CliRunner().invoke(cli, list(args))
    assert out.exit_code == 0, out.output
    return out.output


def _import_and_list(li_file: Path, root: Path) -> dict:
    out = _run("units", "import", str(li_file), "--code-column", "bfs:OBJECTVAL", "--name-column",
               "name", "--level", "county", "--project", str(root), "--lang", "en")
    assert "11 units" in out
    return json.loads(_run("units", "list", "--format", "geojson", "--project", str(root)))


def _check_geojson(listed: dict, li_file: Path) -> None:
    raw = gpd.read_file(li_file)
    given = dict(zip(raw["bfs:OBJECTVAL"].str.zfill(6), raw.geometry, strict=True))
    features = {f["id"]: f for f in listed["features"]}
    assert sorted(features) == sorted(given) and len(features) == 11
    for code, feature in features.items():
        assert shape(feature["geometry"]).equals_exact(given[code], 0.0), code  # not simplified
        assert feature["properties"]["level"] == "county"
    assert features["007001"]["properties"]["name_zh"] == "Vaduz"


def test_li_project_lists_and_maps_its_boundaries(li_file: Path, tmp_path: Path) -> None:
    root = tmp_path / "li"
    _run("init", str(root), "--region", "empty", "--lang", "en")
    assert json.loads(_run("units", "list", "--format", "geojson", "--project",
                           str(root)))["features"] == []
    _check_geojson(_import_and_list(li_file, root), li_file)
    city = json.loads(_run("units", "list", "--format", "geojson", "--level", "city",
                           "--project", str(root)))
    assert city["features"] == []  # no city level in Liechtenstein
    out = _run("report", "--project", str(root))
    page = root / "report" / "index.html"
    assert str(page) in out
    html = page.read_text("utf-8")
    assert "Boundaries: imported by the project" in html and "007011" in html
    assert "Yangtze" not in html.split("<body", 1)[1].split("tc-map", 1)[0]  # region named by the project
    # notes and sources of what this project holds only: no YRD timetable, census or index notes
    assert "RailwayVIS" not in html and "leiii/census" not in html and "index_runs" not in html
    _run("export", "--format", "gpkg", "--project", str(root))
    exported = gpd.read_file(root / "exports" / "tongcheng.gpkg", layer="cities")
    raw = gpd.read_file(li_file)
    assert sorted(exported["code"]) == sorted(raw["bfs:OBJECTVAL"].str.zfill(6))  # its own boundaries
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver are needed on CI")
        return
    from tongcheng.reports import check_in_browser

    result = check_in_browser(page, chromium=CHROMIUM, chromedriver=CHROMEDRIVER)
    assert result.console_errors == [] and result.map_drawn, result
    assert result.nonblank_pixels > 20_000 and result.ok


@pytest.mark.postgres
def test_li_project_on_postgres(li_file: Path, tmp_path: Path, pg_url: str) -> None:
    project = Project.create(tmp_path / "pg", region="empty", database_url=pg_url)
    _check_geojson(_import_and_list(li_file, project.root), li_file)
    again = _run("units", "import", str(li_file), "--code-column", "bfs:OBJECTVAL",
                 "--name-column", "name", "--level", "county", "--project", str(project.root),
                 "--lang", "en")
    assert "nothing changed" in again
    _run("report", "--project", str(project.root))
    assert "007011" in (project.root / "report" / "index.html").read_text("utf-8")
