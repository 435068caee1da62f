"""Graph files (.npz) and point files (CSV, Excel, GeoJSON, GeoPackage)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from tongcheng._errors import DataError, ValidationError
from tongcheng.network import RoadGraph, graph_from_arcs, largest_component
from tongcheng.network.io import (
    graph_from_npz,
    graph_metadata,
    graph_to_npz,
    points_from_file,
    points_from_project,
)
from tongcheng.project import Project

ARRAYS = ("indptr", "indices", "weights", "lon", "lat", "node_ids", "parent_index")


def assert_same_graph(a: RoadGraph, b: RoadGraph) -> None:
    assert a.profile == b.profile
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)


def small_graph() -> RoadGraph:
    g = graph_from_arcs(
        [0, 1, 1, 2, 2, 0],
        [1, 0, 2, 1, 0, 2],
        times=[1.5, 2.0, 0.0, 3.25, 7.0, 1e-9],
        lon=[1.5, 1.51, 1.52],
        lat=[42.5, 42.51, 42.52],
        node_ids=np.array([101, 205, 309]),
        profile="bike",
    )
    return replace(g, parent_index=np.array([4, 8, 9]))


@pytest.mark.parametrize("compress", [True, False])
def test_round_trip_small_graph_is_identical(tmp_path: Path, compress: bool) -> None:
    g = small_graph()
    path = graph_to_npz(g, tmp_path / "g.npz", metadata={"source": "x.osm.pbf"}, compress=compress)
    assert_same_graph(graph_from_npz(path), g)
    meta = graph_metadata(path)
    assert meta["source"] == "x.osm.pbf"
    assert (meta["profile"], meta["n_nodes"], meta["n_arcs"]) == ("bike", 3, 6)


def test_round_trip_text_node_ids_and_suffix_added(tmp_path: Path) -> None:
    g = replace(small_graph(), node_ids=np.array(["a", "北", "c"], dtype=object))
    path = graph_to_npz(g, tmp_path / "graph")
    assert path.name == "graph.npz"
    assert graph_from_npz(path).node_ids.tolist() == ["a", "北", "c"]


def test_round_trip_andorra_walk(tmp_path: Path, andorra_walk: RoadGraph) -> None:
    g = largest_component(andorra_walk)
    assert_same_graph(graph_from_npz(graph_to_npz(g, tmp_path / "andorra.npz")), g)
    full = graph_from_npz(graph_to_npz(andorra_walk, tmp_path / "full.npz", compress=False))
    assert_same_graph(full, andorra_walk)


def test_not_a_graph_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        graph_from_npz(tmp_path / "missing.npz")
    np.savez(tmp_path / "other.npz", a=np.arange(3))
    with pytest.raises(ValidationError, match="no graph metadata") as info:
        graph_from_npz(tmp_path / "other.npz")
    assert "没有路网元数据" in info.value.render("zh")
    (tmp_path / "text.npz").write_text("hello", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"text\.npz"):
        graph_from_npz(tmp_path / "text.npz")


def test_newer_format_and_bad_metadata_are_refused(tmp_path: Path) -> None:
    g = small_graph()
    arrays = {name: getattr(g, name) for name in ARRAYS}
    meta = {"format": "tongcheng.RoadGraph", "format_version": 99, "profile": "bike"}
    np.savez(tmp_path / "new.npz", metadata=np.array(json.dumps(meta)), **arrays)
    with pytest.raises(ValidationError, match="upgrade") as info:
        graph_from_npz(tmp_path / "new.npz")
    assert "请升级 tongcheng" in info.value.render("zh")
    arrays["weights"] = arrays["weights"][:-1]
    meta["format_version"] = 1
    np.savez(tmp_path / "cut.npz", metadata=np.array(json.dumps(meta)), **arrays)
    with pytest.raises(ValidationError, match="inconsistent"):
        graph_from_npz(tmp_path / "cut.npz")
    with pytest.raises(DataError, match="JSON"):
        graph_to_npz(g, tmp_path / "m.npz", metadata={"when": object()})


def test_points_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "pts.csv"
    path.write_text(
        "ID,Longitude,Latitude,population,name\n001,1.52,42.51,10,甲\n002,1.53,42.52,20.5,乙\n",
        encoding="utf-8-sig",
    )
    pts = points_from_file(path, id_column="ID")
    assert list(pts.columns) == ["id", "lon", "lat", "population", "name"]
    assert pts["id"].tolist() == ["001", "002"]
    assert pts["lon"].dtype == np.float64 and pts["lat"].tolist() == [42.51, 42.52]
    assert pts["population"].tolist() == [10.0, 20.5]
    assert pts["name"].tolist() == ["甲", "乙"]


def test_bad_csv_reports_every_cell(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,lon,lat\nA,1.5,42.5\nB,east,42.5\n,1.5,95\nA,1.5,42.5\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        points_from_file(path)
    where = {(p.file, p.row, p.column) for p in info.value.problems}
    assert where == {("bad.csv", 3, "lon"), ("bad.csv", 4, "lat"), ("bad.csv", 4, "id"), ("bad.csv", 5, "id")}
    assert "bad.csv row 3 column 'lon'" in str(info.value)


def test_csv_without_coordinates(tmp_path: Path) -> None:
    path = tmp_path / "nocoord.csv"
    path.write_text("code,x1,y1\nA,1,2\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        points_from_file(path)
    assert {p.column for p in info.value.problems} == {"id", "lon", "lat"}


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_points_from_geofile_any_crs(tmp_path: Path, suffix: str) -> None:
    wgs = gpd.GeoDataFrame(
        {"id": [7, 8], "jobs": [3, 4]},
        geometry=gpd.points_from_xy([1.52, 1.53], [42.51, 42.52]),
        crs="EPSG:4326",
    )
    path = tmp_path / f"pts{suffix}"
    wgs.to_crs(wgs.estimate_utm_crs()).to_file(path)
    pts = points_from_file(path)
    assert list(pts.columns) == ["id", "lon", "lat", "jobs"]
    assert pts["id"].tolist() == [7, 8]
    np.testing.assert_allclose(pts[["lon", "lat"]].to_numpy(), [[1.52, 42.51], [1.53, 42.52]], atol=1e-9)


def test_geofile_with_polygons_and_no_id(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame(
        {"code": ["a", "b"]},
        geometry=[shapely.Point(1.5, 42.5), shapely.box(1.5, 42.5, 1.6, 42.6)],
        crs="EPSG:4326",
    )
    path = tmp_path / "mixed.geojson"
    gdf.to_file(path)
    with pytest.raises(ValidationError) as info:
        points_from_file(path)
    where = {(p.file, p.row, p.column) for p in info.value.problems}
    assert where == {("mixed.geojson", 2, "geometry"), ("mixed.geojson", None, "id")}
    with pytest.raises(ValidationError, match="row 2 column 'geometry'"):
        points_from_file(path, id_column="code")


def test_missing_point_file(tmp_path: Path) -> None:
    for name in ("none.csv", "none.geojson"):
        with pytest.raises(ValidationError, match="none"):
            points_from_file(tmp_path / name)


def test_points_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "pts.xlsx"
    pd.DataFrame({"id": ["A", "B"], "lon": [1.5, 1.6], "lat": [42.5, 42.6]}).to_excel(path, index=False)
    pts = points_from_file(path)
    assert pts["lon"].tolist() == [1.5, 1.6] and pts["id"].tolist() == ["A", "B"]


def test_points_from_project(yrd_project: Project) -> None:
    cores = points_from_project(yrd_project, "cores")
    assert "310100" in cores["id"].tolist() and list(cores.columns) == ["id", "lon", "lat", "name_zh"]
    members = points_from_project(yrd_project, "SH_1P8", weight="pop_resident", period="2020")
    assert members["id"].iloc[0] == "310100" and members.attrs["period"] == "2020"
    assert (members["pop_resident"] > 1e6).all()
    two = points_from_project(yrd_project, "310100, 320100")
    assert two["id"].tolist() == ["310100", "320100"]
    assert len(points_from_project(yrd_project, "city")) == 41


def test_points_from_project_errors(yrd_project: Project) -> None:
    with pytest.raises(ValidationError) as info:
        points_from_project(yrd_project, "310100,999999,888888")
    assert [p.value for p in info.value.problems] == ["999999", "888888"]
    assert info.value.problems[0].file == "project yrd"
    with pytest.raises(ValidationError, match="no values of 'no_such_indicator'"):
        points_from_project(yrd_project, "city", weight="no_such_indicator")
