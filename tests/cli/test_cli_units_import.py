"""`tongcheng units import`: a project for another region gets its own units."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tongcheng.cli.main import cli
from tongcheng.project import Project
from tongcheng.units import boundaries_from_pbf

RAW = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw"
LI = "valhalla_osm/liechtenstein-latest.osm.pbf"
IMPORT = ["units", "import", "--code-column", "bfs:OBJECTVAL", "--name-column", "name", "--level",
          "county", "--lang", "en"]


@pytest.fixture
def li_geojson(tmp_path: Path) -> Path:
    pbf = RAW / LI
    if not pbf.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"shared raw data not found: {pbf}", pytrace=False)
        pytest.skip(f"shared raw data not found: {pbf}")
    path = tmp_path / "li.geojson"
    boundaries_from_pbf(pbf, admin_level=8, tags=("name", "bfs:OBJECTVAL")).to_file(path)
    return path


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    root = tmp_path / "li"
    result = CliRunner().invoke(cli, ["init", str(root), "--region", "empty", "--lang", "en"])
    assert result.exit_code == 0, result.output
    return root


def _units(root: Path) -> pd.DataFrame:
    with Project.open(root).store() as store:
        return store.units()


def test_import_then_list_shows_the_new_units(li_geojson: Path, empty_project: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, [*IMPORT, str(li_geojson), "--project", str(empty_project)])
    assert out.exit_code == 0, out.output
    assert "11 units" in out.output
    listed = runner.invoke(cli, ["units", "list", "--format", "csv", "--project", str(empty_project)])
    table = pd.read_csv(io.StringIO(listed.output), dtype={"code": str})
    names = boundaries_from_pbf(RAW / LI, admin_level=8, tags=("name",))["name"]
    assert sorted(table["name_zh"]) == sorted(names)
    assert table.loc[table["name_zh"] == "Vaduz", "code"].item() == "007001"
    again = runner.invoke(cli, [*IMPORT, str(li_geojson), "--project", str(empty_project)])
    assert again.exit_code == 0 and "nothing changed" in again.output
    assert len(_units(empty_project)) == 11


def test_a_duplicate_code_stores_nothing(li_geojson: Path, empty_project: Path, tmp_path: Path) -> None:
    import geopandas as gpd

    frame = gpd.read_file(li_geojson)
    frame.loc[4, "bfs:OBJECTVAL"] = frame.loc[1, "bfs:OBJECTVAL"]
    bad = tmp_path / "dup.geojson"
    frame.to_file(bad)
    out = CliRunner().invoke(cli, [*IMPORT, str(bad), "--project", str(empty_project)])
    assert out.exit_code == 2
    assert "dup.geojson row 5 column 'bfs:OBJECTVAL'" in out.output and "row 2" in out.output
    assert _units(empty_project).empty


def test_a_missing_column_stores_nothing(li_geojson: Path, empty_project: Path) -> None:
    args = [*IMPORT, str(li_geojson), "--parent-column", "is_in", "--project", str(empty_project)]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 2 and "column 'is_in'" in out.output
    assert _units(empty_project).empty


def test_codes_of_other_units_are_refused(li_geojson: Path, empty_project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, [*IMPORT, str(li_geojson), "--project", str(empty_project)]).exit_code == 0
    before = _units(empty_project)
    other = tmp_path / "other.csv"
    other.write_text("bfs:OBJECTVAL,name,lon,lat\n7100,Feldkirch,9.6,47.24\n7001,Elsewhere,9.5,47.1\n",
                     encoding="utf-8")
    out = runner.invoke(cli, [*IMPORT, str(other), "--project", str(empty_project)])
    assert out.exit_code == 2
    assert "other.csv row 3 column 'bfs:OBJECTVAL'" in out.output and "Vaduz" in out.output
    pd.testing.assert_frame_equal(_units(empty_project), before)  # Feldkirch was not written either


def test_no_crs_stores_nothing_until_one_is_given(li_geojson: Path, empty_project: Path,
                                                  tmp_path: Path) -> None:
    import geopandas as gpd

    shp = tmp_path / "li.shp"
    swiss = gpd.read_file(li_geojson).rename(columns={"bfs:OBJECTVAL": "bfs"}).to_crs("EPSG:2056")
    with pytest.warns(UserWarning, match="crs"):
        swiss.set_crs(None, allow_override=True)[["bfs", "name", "geometry"]].to_file(shp)
    args = ["units", "import", str(shp), "--code-column", "bfs", "--name-column", "name", "--level",
            "county", "--project", str(empty_project)]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 2 and "coordinate reference system" in out.output
    assert _units(empty_project).empty
    out = CliRunner().invoke(cli, [*args, "--crs", "EPSG:2056"])
    assert out.exit_code == 0, out.output
    assert len(_units(empty_project)) == 11


def test_a_geopackage_layer_is_chosen(li_geojson: Path, empty_project: Path, tmp_path: Path) -> None:
    import geopandas as gpd

    gpkg = tmp_path / "li.gpkg"
    frame = gpd.read_file(li_geojson)
    frame.iloc[:3].to_file(gpkg, layer="first_three")
    frame.to_file(gpkg, layer="gemeinden")
    args = [*IMPORT, str(gpkg), "--layer", "gemeinden", "--project", str(empty_project)]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    assert len(_units(empty_project)) == len(frame) == 11
