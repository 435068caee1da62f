"""A region's own units: Liechtenstein's 11 municipalities from the OSM extract, and bad inputs."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon

from tongcheng._errors import DataError, ValidationError
from tongcheng.store import Store
from tongcheng.units import boundaries_from_pbf, load_units, store_units

RAW = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw"
LI_TAGS = ("name", "bfs:OBJECTVAL", "bfs:GEMFLAECHE")


def _raw(relative: str) -> Path:
    path = RAW / relative
    if not path.is_file():
        msg = f"shared raw data not found: {path}"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="module")
def li_areas() -> gpd.GeoDataFrame:
    return boundaries_from_pbf(_raw("valhalla_osm/liechtenstein-latest.osm.pbf"), admin_level=8,
                               tags=LI_TAGS)


@pytest.fixture
def li_file(li_areas: gpd.GeoDataFrame, tmp_path: Path) -> Path:
    path = tmp_path / "li.geojson"
    li_areas.to_file(path)
    return path


def _li_units(path: Path) -> gpd.GeoDataFrame:
    return load_units(path, code_column="bfs:OBJECTVAL", name_column="name", level="county")


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> set[tuple[int | None, str | None]]:
    return {(p.row, p.column) for p in exc.value.errors}


def test_liechtenstein_municipalities_match_the_published_areas(li_file: Path,
                                                                li_areas: gpd.GeoDataFrame) -> None:
    units = _li_units(li_file)
    # Liechtenstein has 11 municipalities (Gemeinden), numbered 7001-7011 by the Swiss BFS
    assert sorted(units["code"]) == [f"{n:06d}" for n in range(7001, 7012)]
    assert set(units["level"]) == {"county"} and units["parent_code"].isna().all()
    # bfs:GEMFLAECHE is the swisstopo/BFS area in hectares (GG25); OSM traced the same lines
    published = li_areas.set_index("bfs:OBJECTVAL")["bfs:GEMFLAECHE"].astype(float) / 100
    ours = units.set_index(units["code"].str.lstrip("0"))["area_km2"]
    assert np.allclose(ours, published.reindex(ours.index), rtol=0.0025, atol=0.005)
    # the country: 160 km² (Amt für Statistik Liechtenstein: 160.5 km²)
    assert units["area_km2"].sum() == pytest.approx(160.5, abs=0.1)


def test_centroids_and_areas_agree_with_another_equal_area_projection(li_file: Path) -> None:
    units = _li_units(li_file)
    etrs = gpd.read_file(li_file).to_crs("EPSG:3035")  # ETRS89 Lambert azimuthal equal-area
    centre = etrs.centroid.to_crs("EPSG:4326")
    assert np.allclose(units["area_km2"], etrs.area / 1e6, rtol=1e-5)
    assert np.allclose(units["lon"], centre.x, atol=1e-5)  # about 1 m
    assert np.allclose(units["lat"], centre.y, atol=1e-5)


def test_point_units_from_a_csv_keep_their_coordinates(tmp_path: Path) -> None:
    csv = tmp_path / "hexes.csv"
    csv.write_text("id,name,lon,lat\n12,A,-51.2,-30.03\n7,B,-51.1,-30.1\n", encoding="utf-8")
    units = load_units(csv, code_column="id", name_column="name", level="county")
    assert units["code"].tolist() == ["000012", "000007"]
    assert units["lon"].tolist() == [-51.2, -51.1] and units["lat"].tolist() == [-30.03, -30.1]
    assert units["area_km2"].isna().all()


def test_every_problem_of_a_table_is_located(tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("id,name,lon,lat\n1,A,9.5,47.1\n2,,9.5,47.2\n1,C,9.6,47.1\nAD-02,D,x,47\n",
                   encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_units(csv, code_column="id", name_column="name", level="county")
    # row 4 repeats the code of row 2; row 3 has no name; row 5: a non-numeric code and lon
    assert _errors(exc) == {(4, "id"), (3, "name"), (5, "id"), (5, "lon")}
    assert "row 2" in next(str(p.expected) for p in exc.value.errors if p.row == 4)


def test_missing_columns_and_level_are_reported_together(li_file: Path) -> None:
    with pytest.raises(ValidationError) as exc:
        load_units(li_file, code_column="ref", name_column="name", name_en_column="name:en",
                   level="parish")
    assert _errors(exc) == {(None, "ref"), (None, "name:en"), (None, None)}


def test_a_file_without_crs_needs_one(li_areas: gpd.GeoDataFrame, tmp_path: Path) -> None:
    shp = tmp_path / "li.shp"
    swiss = li_areas.rename(columns={"bfs:OBJECTVAL": "bfs"}).to_crs("EPSG:2056")
    with pytest.warns(UserWarning, match="crs"):
        swiss.set_crs(None, allow_override=True)[["bfs", "name", "geometry"]].to_file(shp)
    assert not shp.with_suffix(".prj").exists()
    with pytest.raises(ValidationError) as exc:
        load_units(shp, code_column="bfs", name_column="name", level="county")
    assert _errors(exc) == {(None, "geometry")}
    units = load_units(shp, code_column="bfs", name_column="name", level="county", crs="EPSG:2056")
    # same municipalities as read in WGS-84 directly (Swiss LV95 is what GG25 was drawn in)
    assert units["area_km2"].sum() == pytest.approx(160.5, abs=0.1)


def test_projected_coordinates_declared_as_wgs84_are_caught(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"c": [1], "n": ["x"]}, geometry=[Point(2_760_000, 1_220_000)],
                             crs="EPSG:4326")
    path = tmp_path / "wrong.gpkg"
    frame.to_file(path)
    with pytest.raises(ValidationError) as exc:
        load_units(path, code_column="c", name_column="n", level="county")
    assert _errors(exc) == {(1, "geometry")}


def test_a_self_crossing_polygon_is_repaired_and_a_flat_one_is_refused(tmp_path: Path) -> None:
    bowtie = Polygon([(9.50, 47.10), (9.52, 47.12), (9.52, 47.10), (9.50, 47.12)])
    flat = Polygon([(9.5, 47.0), (9.6, 47.0), (9.55, 47.0)])
    good = Polygon([(9.5, 47.2), (9.51, 47.2), (9.51, 47.21)])
    frame = gpd.GeoDataFrame({"c": [1, 2, 3], "n": ["bow", "flat", "ok"]},
                             geometry=[bowtie, flat, good], crs="EPSG:4326")
    path = tmp_path / "shapes.gpkg"
    frame.to_file(path)
    with pytest.raises(ValidationError) as exc:
        load_units(path, code_column="c", name_column="n", level="county")
    assert _errors(exc) == {(2, "geometry")}
    frame.iloc[[0, 2]].to_file(path)
    units = load_units(path, code_column="c", name_column="n", level="county")
    # the bow-tie is two triangles: half of the 0.02° x 0.02° square
    square = gpd.GeoSeries([Polygon([(9.50, 47.10), (9.52, 47.10), (9.52, 47.12), (9.50, 47.12)])],
                           crs="EPSG:4326").to_crs("EPSG:3035").area.iloc[0] / 1e6
    assert units["area_km2"].iloc[0] == pytest.approx(square / 2, rel=1e-4)


def test_points_and_polygons_do_not_mix(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"c": [1, 2], "n": ["a", "b"]},
                             geometry=[Point(9.5, 47.1), Polygon([(9.5, 47.2), (9.51, 47.2), (9.51, 47.21)])],
                             crs="EPSG:4326")
    path = tmp_path / "mixed.geojson"
    frame.to_file(path)
    with pytest.raises(ValidationError) as exc:
        load_units(path, code_column="c", name_column="n", level="county")
    assert _errors(exc) == {(1, "geometry")}


def test_storing_is_all_or_nothing_and_repeatable(li_file: Path, tmp_path: Path) -> None:
    units = _li_units(li_file)
    with Store.open("sqlite://") as store:
        assert store_units(store, units, file="li.geojson") == 11
        before = store.units()
        assert store_units(store, units, file="li.geojson") == 0
        pd.testing.assert_frame_equal(store.units(), before)
        clash = units.copy()
        clash.loc[clash["code"] == "007001", "name_zh"] = "Not Vaduz"
        clash.loc[len(clash)] = {**clash.iloc[0].to_dict(), "code": "007012", "name_zh": "New",
                                 "parent_code": "009999", "row": 12}
        with pytest.raises(ValidationError) as exc:
            store_units(store, clash, file="li.geojson")
        rows = {p.row: p for p in exc.value.errors}
        vaduz_row = int(units.loc[units["code"] == "007001", "row"].iloc[0])
        assert set(rows) == {vaduz_row, 12}
        assert "Vaduz" in str(rows[vaduz_row].expected) and rows[vaduz_row].column == "bfs:OBJECTVAL"
        pd.testing.assert_frame_equal(store.units(), before)  # the new unit 007012 was not written


def test_boundaries_need_an_existing_file_and_level(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="admin_level=3"):
        boundaries_from_pbf(_raw("valhalla_osm/andorra.osm.pbf"), admin_level=3)
    andorra = boundaries_from_pbf(_raw("valhalla_osm/andorra.osm.pbf"), admin_level=7,
                                  tags=("name", "ISO3166-2"))
    # Andorra's seven parishes, ISO 3166-2 AD-02 … AD-08
    assert sorted(andorra["ISO3166-2"]) == [f"AD-0{n}" for n in range(2, 9)]
