"""The report of a project for another region draws the boundaries it imported.

Liechtenstein's 11 municipalities (OSM ``admin_level=8``) are imported into an empty project;
the 5 municipalities of the Unterland electoral district are stored as a metro area so that the
outline is drawn from stored boundaries and stored memberships, not from the bundled YRD ones.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from shapely.geometry import Polygon, box

from tongcheng.cli.main import cli
from tongcheng.project import Project
from tongcheng.reports import check_in_browser
from tongcheng.reports._geo import decode_ring
from tongcheng.reports.builtin import map_section
from tongcheng.reports.model import validate_report_data
from tongcheng.reports.project_report import (
    IMPORTED_BOUNDARIES,
    map_units,
    project_report_data,
    write_project_report,
)
from tongcheng.reports.sections import ReportContext

UNTERLAND = ["007007", "007008", "007009", "007010", "007011"]  # Eschen … Schellenberg


@pytest.fixture(scope="module")
def li_project(tmp_path_factory: pytest.TempPathFactory, li_geojson: Path) -> Project:
    tmp = tmp_path_factory.mktemp("li")
    src = li_geojson
    root = tmp / "project"
    runner = CliRunner()
    out = runner.invoke(cli, ["init", str(root), "--region", "empty", "--lang", "en"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, ["units", "import", str(src), "--code-column", "bfs:OBJECTVAL",
                              "--name-column", "name", "--level", "county", "--project", str(root)])
    assert out.exit_code == 0, out.output
    project = Project.open(root)
    metro = pd.DataFrame({"metro_code": "LI_UL", "name_zh": "Unterland", "name_en": "Unterland",
                          "status": "adopted", "core_code": "007007", "member_code": UNTERLAND})
    with project.store() as store:
        store.put_metros(metro)
    return project


def _stored(project: Project) -> gpd.GeoDataFrame:
    with project.store() as store:
        return store.boundaries()


def test_map_units_prefers_cities_then_counties() -> None:
    frame = gpd.GeoDataFrame(
        {"name_zh": ["省", "市", "县"], "name_en": ["P", None, "C"],
         "level": ["province", "city", "county"]},
        geometry=[box(0, 0, 3, 3), box(0, 0, 2, 2), box(0, 0, 1, 1)], crs=4326,
        index=pd.Index(["100000", "100100", "100101"], name="code"))
    assert map_units(frame).index.tolist() == ["100100"]
    assert map_units(frame).loc["100100", "name_en"] == "市"  # no English name: the one name
    assert map_units(frame[frame["level"] != "city"]).index.tolist() == ["100101"]
    assert map_units(frame[frame["level"] == "province"]).index.tolist() == ["100000"]
    assert map_units(frame.iloc[0:0]).empty


def test_report_data_maps_the_imported_municipalities(li_project: Project) -> None:
    data = validate_report_data(project_report_data(li_project))
    stored = _stored(li_project)
    assert data.cities.index.tolist() == stored.index.tolist() and len(stored) == 11
    assert data.cities.geom_equals_exact(stored.geometry, tolerance=0.0).all()
    assert data.cities.loc["007001", "name_en"] == "Vaduz"
    outline = data.metros.geometry.loc["LI_UL"]
    assert outline.equals(shapely.union_all(stored.geometry.loc[UNTERLAND].values))
    assert IMPORTED_BOUNDARIES in data.sources
    assert not any("cnmaps" in s.citation for s in data.sources)
    assert data.default_indicator is None  # no population here: the first indicator, if any


def test_map_payload_holds_the_11_municipalities(li_project: Project) -> None:
    data = validate_report_data(project_report_data(li_project))
    payload = map_section(ReportContext(data)).payload
    assert isinstance(payload, dict)
    features = {f["properties"]["name"]: f["geometry"] for f in payload["geojson"]["features"]}
    stored = _stored(li_project)
    assert sorted(features) == stored.index.tolist()
    for code, geometry in features.items():
        parts = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                 else geometry["coordinates"])
        offsets = ([geometry["encodeOffsets"]] if geometry["type"] == "Polygon"
                   else geometry["encodeOffsets"])
        drawn = shapely.union_all([shapely.make_valid(Polygon(decode_ring(rings[0], starts[0]),
                                           [decode_ring(r, o) for r, o in zip(rings[1:], starts[1:],
                                                                              strict=True)]))
                                   for rings, starts in zip(parts, offsets, strict=True)])
        truth = stored.geometry.loc[code]
        # simplified and quantised to 1/1024° (~100 m: 8 % of little Planken), same place and shape
        assert drawn.symmetric_difference(truth).area < 0.1 * truth.area, code
    assert features["007001"]["type"] == "MultiPolygon"  # Vaduz has exclaves in the mountains
    assert [m["code"] for m in payload["metros"]] == ["LI_UL"]
    assert 0.6 < payload["aspect"] < 0.7  # cos(47.1°)


@pytest.mark.browser
def test_the_report_draws_liechtenstein_in_chromium(li_project: Project,
                                                    browser: dict[str, str]) -> None:
    page = write_project_report(li_project, lang="en")
    result = check_in_browser(page, **browser)
    assert result.console_errors == []
    assert result.external_requests == [] and result.failed_requests == []
    assert result.map_drawn, result
    assert result.nonblank_pixels > 20_000
    assert result.map_series[0] == "map:choropleth" and "lines:metro:LI_UL" in result.map_series
    assert result.ok
