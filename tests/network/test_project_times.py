"""Unit-to-unit travel times stored in a project of another region (Liechtenstein), end to end.

init --region empty → units import (the 11 municipalities from the OSM extract) → network build
→ network matrix --project … --store-as car|walk; the stored minutes are checked against
scipy's Dijkstra on the same graph between independently snapped centroids.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy.sparse.csgraph import connected_components, dijkstra

from tongcheng._errors import DataError
from tongcheng.cli.main import cli
from tongcheng.network import graph_from_npz
from tongcheng.network.project_times import store_travel_times, travel_time_observations
from tongcheng.project import Project
from tongcheng.units import boundaries_from_pbf

LI = "valhalla_osm/liechtenstein-latest.osm.pbf"
R = 6_371_008.8


def _run(*args: str) -> str:
    out = CliRunner().invoke(cli, list(args))
    assert out.exit_code == 0, out.output
    return out.output


@pytest.fixture(scope="module")
def li_project(raw: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty project holding Liechtenstein's municipalities (nothing else)."""
    base = tmp_path_factory.mktemp("li")
    geojson = base / "li.geojson"
    boundaries_from_pbf(raw(LI), admin_level=8, tags=("name", "bfs:OBJECTVAL")).to_file(geojson)
    _run("init", str(base / "template"), "--region", "empty", "--lang", "en")
    _run("units", "import", str(geojson), "--code-column", "bfs:OBJECTVAL", "--name-column", "name",
         "--level", "county", "--project", str(base / "template"))
    return base / "template"


@pytest.fixture
def project(li_project: Path, tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "li"
    shutil.copytree(li_project, root)
    return root


@pytest.fixture(scope="module", params=["car", "walk"])
def graph_file(request: pytest.FixtureRequest, raw: Callable[[str], Path],
               tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graphs") / f"li_{request.param}.npz"
    CliRunner().invoke(cli, ["network", "build", str(raw(LI)), "--profile", request.param, "--out", str(out)])
    return out


def _haversine(lon1: float, lat1: float, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2)
    return 2 * R * np.arcsin(np.sqrt(a))


def _reference(graph_path: Path, points: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force snapping to the largest strong component, then scipy Dijkstra (seconds)."""
    graph = graph_from_npz(graph_path)
    adjacency = graph.to_scipy()
    _, labels = connected_components(adjacency, directed=True, connection="strong")
    main = np.flatnonzero(labels == np.bincount(labels).argmax())
    nodes, dist = [], []
    for lon, lat in zip(points["lon"], points["lat"], strict=True):
        d = _haversine(lon, lat, graph.lon[main], graph.lat[main])
        nodes.append(main[d.argmin()])
        dist.append(d.min())
    seconds = dijkstra(adjacency, directed=True, indices=nodes)[:, nodes]
    return seconds, np.asarray(dist)


def _stored(root: Path, indicator: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    with Project.open(root).store() as store:
        return store.observations(indicators=[indicator], latest_vintage=False), store.imports()


def _matrix(obs: pd.DataFrame, codes: list[str]) -> np.ndarray:
    pairs = obs["subject_key"].str.split(">", expand=True)
    table = pd.Series(obs["value"].to_numpy(), index=pd.MultiIndex.from_frame(pairs))
    out = np.full((len(codes), len(codes)), np.nan)
    for i, a in enumerate(codes):
        for j, b in enumerate(codes):
            if i != j:
                out[i, j] = table[(a, b)]
    return out


def test_stored_times_equal_dijkstra_between_snapped_centroids(project: Path, graph_file: Path) -> None:
    profile = graph_from_npz(graph_file).profile
    with Project.open(project).store() as store:
        units = store.units()
    seconds, dist = _reference(graph_file, units)
    snap = str(float(np.ceil(dist.max())))  # centroids in the mountains are far from roads
    out = _run("network", "matrix", "--graph", str(graph_file), "--project", str(project),
               "--store-as", profile, "--max-snap-distance", snap, "--period", "2015", "--lang", "en")
    assert "Stored" in out and "110 pairs" in out
    obs, imports = _stored(project, f"{profile}_time_min")
    assert len(obs) == 11 * 10 and not obs["subject_key"].str.match(r"^(\d{6})>\1$").any()
    assert set(obs["period"]) == {"2015"} and set(obs["unit"]) == {"min"}
    assert obs["flags"].eq("").all()
    got = _matrix(obs, units.index.tolist()) * 60.0  # stored minutes, unrounded float64
    off = ~np.eye(11, dtype=bool)
    assert np.abs(got[off] - seconds[off]).max() < 1e-6
    # provenance: one import, whose source names the graph file's SHA-256 and profile
    assert len(imports) == 1 and set(obs["import_id"]) == {imports["id"].iloc[0]}
    digest = hashlib.sha256(graph_file.read_bytes()).hexdigest()
    assert f"sha256:{digest[:16]}" in imports["source"].iloc[0]
    assert f"profile={profile}" in imports["source"].iloc[0]
    assert set(obs["vintage"]) == {imports["vintage"].iloc[0]}
    # the same run again changes nothing
    again = _run("network", "matrix", "--graph", str(graph_file), "--project", str(project),
                 "--store-as", profile, "--max-snap-distance", snap, "--period", "2015", "--lang", "en")
    assert "nothing changed" in again
    assert len(_stored(project, f"{profile}_time_min")[1]) == 1
    # reverted, the same run stores its times again under its own import
    import_id = int(imports["id"].iloc[0])
    _run("import", "revert", str(import_id), "--project", str(project), "--lang", "en")
    assert _stored(project, f"{profile}_time_min")[0].empty
    _run("network", "matrix", "--graph", str(graph_file), "--project", str(project),
         "--store-as", profile, "--max-snap-distance", snap, "--period", "2015", "--lang", "en")
    back, imports = _stored(project, f"{profile}_time_min")
    pd.testing.assert_frame_equal(back.drop(columns=["id", "created_at"]).reset_index(drop=True),
                                  obs.drop(columns=["id", "created_at"]).reset_index(drop=True))
    assert len(imports) == 1 and imports["reverted_at"].isna().all()
    with Project.open(project).store() as store:
        assert list(store.import_events(import_id)["action"]) == ["imported", "reverted", "reapplied"]
    listed = _run("units", "list", "--format", "csv", "--project", str(project))
    assert len(pd.read_csv(io.StringIO(listed))) == 11


def test_population_weighted_points_are_a_run_of_their_own(project: Path, graph_file: Path,
                                                           tmp_path: Path) -> None:
    profile = graph_from_npz(graph_file).profile
    centres = pd.DataFrame({"id": [7001, 7005, 7010],  # town centres of Vaduz, Schaan, Ruggell
                            "lon": [9.5215, 9.5098, 9.5275], "lat": [47.1397, 47.1655, 47.2447]})
    path = tmp_path / "centres.csv"
    centres.to_csv(path, index=False)
    seconds, _ = _reference(graph_file, centres)
    _run("network", "matrix", "--graph", str(graph_file), "--project", str(project), "--store-as",
         profile, "--origins", str(path))
    obs, imports = _stored(project, f"{profile}_time_min")
    assert len(imports) == 1 and len(obs) == 6
    got = _matrix(obs, ["007001", "007005", "007010"]) * 60.0
    off = ~np.eye(3, dtype=bool)
    assert np.abs(got[off] - seconds[off]).max() < 1e-6


@pytest.mark.parametrize("case", ["off_network", "unknown_unit", "wrong_profile"])
def test_bad_runs_store_nothing(case: str, project: Path, tmp_path: Path,
                                raw: Callable[[str], Path]) -> None:
    graph = tmp_path / "car.npz"
    _run("network", "build", str(raw(LI)), "--profile", "car", "--out", str(graph))
    args = ["network", "matrix", "--graph", str(graph), "--project", str(project), "--store-as", "car",
            "--lang", "en"]
    if case == "off_network":  # Triesen's centroid lies on the mountainside, far from any road
        with Project.open(project).store() as store:
            units = store.units()
        _, dist = _reference(graph, units)
        assert dist[units.index.get_loc("007002")] > 250
        expect = "'007002'"
    elif case == "unknown_unit":
        points = tmp_path / "p.csv"
        points.write_text("id,lon,lat\n7001,9.52,47.14\n9999,9.51,47.16\n", encoding="utf-8")
        args += ["--origins", str(points), "--max-snap-distance", "5000"]
        expect = "row 2 column 'id': got '009999'"
    else:
        args = [a if a != "car" else "walk" for a in args]
        expect = "is a car graph"
    out = CliRunner().invoke(cli, args)
    assert out.exit_code != 0 and expect in out.output
    with Project.open(project).store() as store:
        assert store.observations(subject_kind="pair").empty and store.imports().empty


def test_transit_needs_feeds_and_a_date(project: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="GTFS feeds and a service date"):
        store_travel_times(Project.open(project), tmp_path / "none.npz", mode="transit")
    out = CliRunner().invoke(cli, ["network", "matrix", "--graph", __file__, "--project", str(project),
                                   "--store-as", "transit"])
    assert out.exit_code == 2 and "--gtfs and --date" in out.output


def test_observations_leave_out_the_diagonal_and_flag_unreachable_pairs() -> None:
    seconds = np.array([[0.0, 60.0, np.inf], [120.0, 0.0, 30.0], [np.nan, 90.0, 0.0]])
    codes = ["000001", "000002", "000003"]
    rows = travel_time_observations(seconds, codes, codes, mode="bike", period="2026")
    assert set(rows["indicator"]) == {"bike_time_min"} and len(rows) == 6
    flagged = rows.loc[rows["flags"] == "unreachable", "subject_key"]
    assert sorted(flagged) == ["000001>000003", "000003>000001"]
    reached = rows[rows["flags"] == ""].set_index("subject_key")["value"]
    assert reached["000002>000001"] == 2.0 and reached["000002>000003"] == 0.5


def test_transit_times_of_point_units_in_porto_alegre(raw: Callable[[str], Path], tmp_path: Path) -> None:
    from tongcheng.network.raptor import transit_travel_time_matrix

    hexes = pd.read_csv(raw("r5r_poa/poa_hexgrid.csv"))
    # H3 cells have no numeric code: number them; six populated cells around the centre
    centre = hexes[hexes["population"] > 0].assign(
        d=lambda t: np.hypot(t["lon"] + 51.2177, t["lat"] + 30.0277)).nsmallest(60, "d")
    cells = centre.iloc[::10].assign(code=range(1, 7))
    cells_csv = tmp_path / "cells.csv"
    cells[["code", "id", "lon", "lat"]].to_csv(cells_csv, index=False)
    root = tmp_path / "poa"
    _run("init", str(root), "--region", "empty", "--lang", "en")
    _run("units", "import", str(cells_csv), "--code-column", "code", "--name-column", "id",
         "--level", "county", "--project", str(root))
    walk = tmp_path / "poa_walk.npz"
    _run("network", "build", str(raw("r5r_poa/poa_osm.pbf")), "--profile", "walk", "--out", str(walk))
    feeds = [raw("r5r_poa/poa_eptc.zip"), raw("r5r_poa/poa_trensurb.zip")]
    out = _run("network", "matrix", "--graph", str(walk), "--project", str(root), "--store-as", "transit",
               "--gtfs", str(feeds[0]), "--gtfs", str(feeds[1]), "--date", "2019-05-13",
               "--depart", "12:00", "--window", "10")
    assert "30 pairs" in out
    obs, imports = _stored(root, "transit_time_min")
    assert set(obs["period"]) == {"2019"}
    source = imports["source"].iloc[0]
    assert "gtfs=poa_eptc.zip+poa_trensurb.zip date=2019-05-13 depart=12:00 window=10min" in source
    codes = [f"{c:06d}" for c in range(1, 7)]
    got = _matrix(obs, codes) * 60.0
    off = ~np.eye(6, dtype=bool)
    # the same query through the library's matrix function (median over the ten departures)
    points = cells.assign(id=codes)[["id", "lon", "lat"]]
    direct = transit_travel_time_matrix(graph_from_npz(walk), [str(f) for f in feeds], points,
                                        date="2019-05-13", departure="12:00", window=10)
    want = direct["travel_time"].to_numpy(np.float64).reshape(6, 6)
    np.testing.assert_allclose(got[off], want[off], rtol=0, atol=1e-6)
    # walking straight there is one of the options: never slower than the walk within 15 min
    # (RAPTOR counts whole seconds, walks rounded up)
    seconds, _ = _reference(walk, points)
    short = off & (seconds <= 900.0)
    assert short.any() and (got[short] <= np.ceil(seconds[short])).all()
    assert (got[off] > 0).all()
    assert (got[off & ~short] < seconds[off & ~short]).any()  # some trips do ride


def test_units_and_times_on_postgresql(pg_url: str, raw: Callable[[str], Path], tmp_path: Path) -> None:
    geojson = tmp_path / "li.geojson"
    boundaries_from_pbf(raw(LI), admin_level=8, tags=("name", "bfs:OBJECTVAL")).to_file(geojson)
    root = tmp_path / "pg"
    _run("init", str(root), "--region", "empty", "--database-url", pg_url, "--lang", "en")
    imported = ["units", "import", str(geojson), "--code-column", "bfs:OBJECTVAL", "--name-column",
                "name", "--level", "county", "--project", str(root)]
    assert "11 units" in _run(*imported)
    assert "nothing changed" in _run(*imported)
    graph = tmp_path / "car.npz"
    _run("network", "build", str(raw(LI)), "--profile", "car", "--out", str(graph))
    with Project.open(root).store() as store:
        assert store.url.startswith("postgresql")
        units = store.units()
    seconds, dist = _reference(graph, units)
    _run("network", "matrix", "--graph", str(graph), "--project", str(root), "--store-as", "car",
         "--max-snap-distance", str(float(np.ceil(dist.max()))))
    obs, _ = _stored(root, "car_time_min")
    got = _matrix(obs, units.index.tolist()) * 60.0
    off = ~np.eye(11, dtype=bool)
    assert np.abs(got[off] - seconds[off]).max() < 1e-6
