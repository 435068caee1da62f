"""`tongcheng network …` on the Andorra extract: build → matrix / isochrone / coverage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from tongcheng.cli.main import cli
from tongcheng.network import (
    RoadGraph,
    circle_coverage,
    graph_from_arcs,
    graph_from_pbf,
    largest_component,
    travel_time_matrix,
)
from tongcheng.network.io import graph_from_npz, graph_metadata, graph_to_npz, points_from_project
from tongcheng.network.osm import haversine_m
from tongcheng.project import Project


def invoke(*args: object, lang: str | None = "en") -> Result:
    """Run `tongcheng network …` in ``lang`` (``None``: the default language, Chinese)."""
    # through the top-level group: a subgroup invoked alone caches its help option without -h
    tail = [] if lang is None else ["--lang", lang]
    return CliRunner().invoke(cli, ["network", *(str(a) for a in args), *tail])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, raw: Callable[[str], Path]) -> tuple[Path, Path]:
    """Build the Andorra car graph with the CLI; write five origins and four destinations near nodes."""
    folder = tmp_path_factory.mktemp("network_cli")
    pbf = raw("valhalla_osm/andorra.osm.pbf")
    out = invoke("build", pbf, "--profile", "car", "--out", folder / "andorra.npz")
    assert out.exit_code == 0, out.output
    assert "car graph:" in out.output and "nodes" in out.output and "arcs" in out.output
    graph = graph_from_npz(folder / "andorra.npz")
    rng = np.random.default_rng(7)
    nodes = rng.choice(graph.n_nodes, 9, replace=False)
    pts = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(9)],
            "lon": np.round(graph.lon[nodes] + 0.0002, 6),
            "lat": np.round(graph.lat[nodes] - 0.0001, 6),
            "population": np.arange(1, 10) * 100,
        }
    )
    pts.iloc[:5].to_csv(folder / "origins.csv", index=False)
    pts.iloc[5:].to_csv(folder / "destinations.csv", index=False)
    return folder, pbf


def test_build_saves_largest_component(built: tuple[Path, Path]) -> None:
    folder, pbf = built
    graph = graph_from_npz(folder / "andorra.npz")
    expected = largest_component(graph_from_pbf(pbf, profile="car"))
    assert graph.profile == "car"
    for name in ("indptr", "indices", "weights", "lon", "lat", "node_ids"):
        np.testing.assert_array_equal(getattr(graph, name), getattr(expected, name))
    assert graph_metadata(folder / "andorra.npz")["source"] == pbf.name


def _library(graph: RoadGraph, folder: Path, cutoff: float | None) -> pd.DataFrame:
    origins = pd.read_csv(folder / "origins.csv", dtype={"id": str})
    destinations = pd.read_csv(folder / "destinations.csv", dtype={"id": str})
    return travel_time_matrix(graph, origins, destinations, cutoff=cutoff)


@pytest.mark.parametrize(("suffix", "cutoff"), [(".csv", None), (".parquet", None), (".csv", 8.0)])
def test_matrix_equals_library(built: tuple[Path, Path], suffix: str, cutoff: float | None) -> None:
    folder, _ = built
    out_path = folder / f"matrix{suffix}"
    args = [
        "matrix",
        "--graph",
        folder / "andorra.npz",
        "--origins",
        folder / "origins.csv",
        "--destinations",
        folder / "destinations.csv",
        "--threads",
        "2",
        "--out",
        out_path,
    ]
    out = invoke(*args, *(["--cutoff", cutoff] if cutoff else []))
    assert out.exit_code == 0, out.output
    assert "5 origins x 4 destinations" in out.output
    got = (
        pd.read_parquet(out_path)
        if suffix == ".parquet"
        else pd.read_csv(out_path, dtype={"from_id": str, "to_id": str})
    )
    want = _library(graph_from_npz(folder / "andorra.npz"), folder, None if cutoff is None else cutoff * 60)
    assert list(got.columns) == ["from_id", "to_id", "travel_time"]
    assert got["from_id"].tolist() == want["from_id"].tolist()
    assert got["to_id"].tolist() == want["to_id"].tolist()
    # float32 seconds survive CSV exactly (shortest round-trip text)
    np.testing.assert_array_equal(got["travel_time"].to_numpy(np.float32), want["travel_time"].to_numpy())
    if cutoff is None:
        assert got["travel_time"].notna().all() and (got["travel_time"] > 0).all()
    else:
        assert (got["travel_time"].dropna() <= cutoff * 60).all()


def test_matrix_default_destinations_are_origins(built: tuple[Path, Path]) -> None:
    folder, _ = built
    out = invoke(
        "matrix",
        "--graph",
        folder / "andorra.npz",
        "--origins",
        folder / "origins.csv",
        "--out",
        folder / "square.csv",
    )
    assert out.exit_code == 0, out.output
    got = pd.read_csv(folder / "square.csv")
    assert len(got) == 25
    assert (got.loc[got["from_id"] == got["to_id"], "travel_time"] == 0).all()


def test_isochrone_one_polygon_per_band_and_origin(built: tuple[Path, Path]) -> None:
    folder, _ = built
    out_path = folder / "iso.gpkg"
    out = invoke(
        "isochrone",
        "--graph",
        folder / "andorra.npz",
        "--origins",
        folder / "origins.csv",
        "--breaks",
        "5,10",
        "--out",
        out_path,
    )
    assert out.exit_code == 0, out.output
    iso = gpd.read_file(out_path)
    assert len(iso) == 5 * 2
    assert {key: sorted(group) for key, group in iso.groupby("id")["travel_time"]} == {
        f"p{i}": [300.0, 600.0] for i in range(5)
    }
    assert iso["minutes"].tolist() == [5.0, 10.0] * 5
    assert iso.geom_type.isin(["Polygon", "MultiPolygon"]).all() and iso.is_valid.all()
    assert iso.crs.equals("EPSG:4326")
    area = iso.to_crs(iso.estimate_utm_crs()).area.to_numpy().reshape(5, 2)
    assert (area[:, 1] >= area[:, 0]).all() and (area > 0).all()
    out = invoke(
        "isochrone",
        "--graph",
        folder / "andorra.npz",
        "--origins",
        folder / "origins.csv",
        "--breaks",
        "10",
        "--out",
        folder / "iso.geojson",
    )
    assert out.exit_code == 0, out.output
    assert len(gpd.read_file(folder / "iso.geojson")) == 5


def test_coverage_equals_library(built: tuple[Path, Path]) -> None:
    folder, _ = built
    out = invoke(
        "coverage",
        "--graph",
        folder / "andorra.npz",
        "--cores",
        folder / "origins.csv",
        "--cells",
        folder / "destinations.csv",
        "--threshold",
        "10",
        "--out",
        folder / "cov.csv",
    )
    assert out.exit_code == 0, out.output
    got = pd.read_csv(folder / "cov.csv", dtype={"id": str}).set_index("id")
    cores = pd.read_csv(folder / "origins.csv", dtype={"id": str})
    cells = pd.read_csv(folder / "destinations.csv", dtype={"id": str})
    want = circle_coverage(graph_from_npz(folder / "andorra.npz"), cores, cells=cells, threshold=600.0)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_bad_point_file_names_file_row_and_column(built: tuple[Path, Path]) -> None:
    folder, _ = built
    bad = folder / "bad_origins.csv"
    bad.write_text("id,lon,lat\na,1.52,42.51\nb,1.53,north\n", encoding="utf-8")
    args = ["matrix", "--graph", folder / "andorra.npz", "--origins", bad, "--out", folder / "x.csv"]
    out = invoke(*args)
    assert out.exit_code != 0
    assert "bad_origins.csv row 3 column 'lat'" in out.output
    assert "north" in out.output and "degrees between -90 and 90" in out.output
    out = invoke(*args, lang=None)  # Chinese by default
    assert out.exit_code != 0
    assert "bad_origins.csv 第 3 行 「lat」列" in out.output
    assert "north" in out.output and "-90 到 90 之间的度数" in out.output
    assert not (folder / "x.csv").exists()


def test_off_network_point_and_bad_options(built: tuple[Path, Path]) -> None:
    folder, _ = built
    far = folder / "far.csv"
    far.write_text("id,lon,lat\nparis,2.35,48.85\n", encoding="utf-8")
    out = invoke("matrix", "--graph", folder / "andorra.npz", "--origins", far, "--out", folder / "y.csv")
    assert out.exit_code != 0 and "paris" in out.output and "far.csv row 2 column 'lon,lat'" in out.output
    out = invoke("matrix", "--graph", folder / "andorra.npz", "--origins", far, "--out", folder / "y.csv",
                 lang=None)  # Chinese by default, the point located in its file
    assert out.exit_code != 0 and "far.csv 第 2 行" in out.output and "距路网不超过 250 米的点" in out.output
    out = invoke(
        "matrix",
        "--graph",
        folder / "andorra.npz",
        "--origins",
        folder / "origins.csv",
        "--out",
        folder / "y.txt",
    )
    assert out.exit_code != 0 and ".parquet" in out.output
    out = invoke(
        "isochrone",
        "--graph",
        folder / "andorra.npz",
        "--origins",
        folder / "origins.csv",
        "--breaks",
        "30,15",
        "--out",
        folder / "y.geojson",
    )
    assert out.exit_code != 0 and "increasing" in out.output
    out = invoke(
        "matrix",
        "--graph",
        folder / "origins.csv",
        "--origins",
        folder / "origins.csv",
        "--out",
        folder / "y.csv",
    )
    assert out.exit_code != 0 and "origins.csv" in out.output


def test_project_units_as_points(yrd_project: Project, tmp_path: Path) -> None:
    """Shanghai's districts as cells on a synthetic 30 km/h graph joining their points."""
    county = points_from_project(yrd_project, "county")
    codes = ",".join(county.loc[county["id"].str.startswith("31"), "id"])
    cells = points_from_project(yrd_project, codes, weight="pop_resident", period="2020")
    core = points_from_project(yrd_project, "310100")
    pts = pd.concat([core, cells], ignore_index=True)
    n = len(pts)
    a, b = np.meshgrid(np.arange(n), np.arange(n))
    a, b = a.ravel(), b.ravel()
    secs = haversine_m(
        pts["lon"].to_numpy()[a], pts["lat"].to_numpy()[a], pts["lon"].to_numpy()[b], pts["lat"].to_numpy()[b]
    ) / (30 / 3.6)
    graph = graph_from_arcs(
        a, b, times=secs, lon=pts["lon"].to_numpy(), lat=pts["lat"].to_numpy(), profile="car"
    )
    graph_to_npz(graph, tmp_path / "sh.npz")
    out = invoke(
        "coverage",
        "--project",
        yrd_project.root,
        "--graph",
        tmp_path / "sh.npz",
        "--cores",
        "310100",
        "--cells",
        codes,
        "--weight",
        "pop_resident",
        "--period",
        "2020",
        "--threshold",
        "45",
        "--out",
        tmp_path / "cov.parquet",
    )
    assert out.exit_code == 0, out.output
    assert "pop_resident (2020)" in out.output
    got = pd.read_parquet(tmp_path / "cov.parquet")
    want = circle_coverage(graph, core, cells=cells, weight="pop_resident", threshold=45 * 60.0)
    pd.testing.assert_frame_equal(got, want)
    assert 0 < got["share"].iloc[0] < 1
    out = invoke(
        "isochrone",
        "--project",
        yrd_project.root,
        "--graph",
        tmp_path / "sh.npz",
        "--origins",
        "310100",
        "--breaks",
        "20,40",
        "--out",
        tmp_path / "iso.geojson",
    )
    assert out.exit_code == 0, out.output
    assert gpd.read_file(tmp_path / "iso.geojson")["id"].tolist() == ["310100", "310100"]
    out = invoke("matrix", "--graph", tmp_path / "sh.npz", "--origins", "310100", "--out", tmp_path / "m.csv")
    assert out.exit_code != 0 and "--project" in out.output


def test_transit_matrix_equals_library(raw: Callable[[str], Path], tmp_path: Path) -> None:
    from tongcheng.network.raptor import transit_travel_time_matrix

    feeds = [raw("r5r_poa/poa_eptc.zip"), raw("r5r_poa/poa_trensurb.zip")]
    out = invoke("build", raw("r5r_poa/poa_osm.pbf"), "--profile", "walk", "--out", tmp_path / "poa.npz")
    assert out.exit_code == 0, out.output
    graph = graph_from_npz(tmp_path / "poa.npz")
    nodes = np.random.default_rng(3).choice(graph.n_nodes, 5, replace=False)
    pts = pd.DataFrame({"id": [f"h{i}" for i in range(5)], "lon": graph.lon[nodes], "lat": graph.lat[nodes]})
    pts.to_csv(tmp_path / "pts.csv", index=False)
    args = ["matrix", "--graph", tmp_path / "poa.npz", "--origins", tmp_path / "pts.csv"]
    args += [x for f in feeds for x in ("--gtfs", f)]
    args += ["--date", "2019-05-13", "--depart", "14:00", "--window", "3", "--percentiles", "25,75"]
    out = invoke(*args, "--max-walk", "20", "--max-transfers", "4", "--out", tmp_path / "t.parquet")
    assert out.exit_code == 0, out.output
    got = pd.read_parquet(tmp_path / "t.parquet")
    want = transit_travel_time_matrix(
        graph,
        [str(f) for f in feeds],
        pts,
        date="2019-05-13",
        departure="14:00",
        window=3,
        percentiles=(25, 75),
        max_walk_time=1200.0,
        max_transfers=4,
    )
    assert list(got.columns) == ["from_id", "to_id", "travel_time", "travel_time_p25", "travel_time_p75"]
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert got["travel_time"].notna().sum() > 5
    out = invoke(*args, "--cutoff", "30", "--out", tmp_path / "u.csv")
    assert out.exit_code != 0 and "--cutoff" in out.output
