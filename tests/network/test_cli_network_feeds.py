"""GTFS feeds stored in a walk graph (`network build --gtfs`) and `network matrix --mode`.

One Porto Alegre walk graph is built with the EPTC and TRENSURB feeds for the whole module;
transit times from the stored feeds must equal those from passing the same zips with --gtfs.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from tongcheng._errors import DataError, ValidationError
from tongcheng.cli.main import cli
from tongcheng.network import graph_from_arcs
from tongcheng.network.io import (
    check_feeds,
    embedded_feeds,
    graph_feeds,
    graph_from_npz,
    graph_to_npz,
    load_feeds,
)
from tongcheng.project import Project

DATE = ["--date", "2019-05-13", "--depart", "14:00", "--window", "2"]


def invoke(*args: object, lang: str | None = "en") -> Result:
    """Run `tongcheng network …` in ``lang`` (``None``: the default language, Chinese)."""
    tail = [] if lang is None else ["--lang", lang]
    return CliRunner().invoke(cli, ["network", *(str(a) for a in args), *tail])


@pytest.fixture(scope="module")
def poa(tmp_path_factory: pytest.TempPathFactory, raw: Callable[[str], Path]) -> dict[str, Path]:
    """The walk graph with both feeds stored, the feeds, and five points on the graph."""
    folder = tmp_path_factory.mktemp("poa_feeds")
    feeds = [raw("r5r_poa/poa_eptc.zip"), raw("r5r_poa/poa_trensurb.zip")]
    graph_path = folder / "poa.npz"
    out = invoke("build", raw("r5r_poa/poa_osm.pbf"), "--profile", "walk", "--gtfs", feeds[0],
                 "--gtfs", feeds[1], "--out", graph_path, "--lang", "en")
    assert out.exit_code == 0, out.output
    assert "2 GTFS feed(s) stored in the graph: poa_eptc.zip, poa_trensurb.zip" in out.output
    graph = graph_from_npz(graph_path)
    nodes = np.random.default_rng(3).choice(graph.n_nodes, 5, replace=False)
    pts = pd.DataFrame({"id": [f"h{i}" for i in range(5)], "lon": graph.lon[nodes], "lat": graph.lat[nodes]})
    pts.to_csv(folder / "pts.csv", index=False)
    return {"folder": folder, "graph": graph_path, "eptc": feeds[0], "trensurb": feeds[1],
            "points": folder / "pts.csv"}


def test_build_stores_each_feed_with_its_name_and_hash(poa: dict[str, Path]) -> None:
    stored = load_feeds(poa["graph"])
    assert [info.name for info, _ in stored] == ["poa_eptc.zip", "poa_trensurb.zip"]
    for (info, body), feed in zip(stored, [poa["eptc"], poa["trensurb"]], strict=True):
        assert body == feed.read_bytes()
        assert info.sha256 == hashlib.sha256(feed.read_bytes()).hexdigest() and info.size == len(body)
    assert graph_feeds(poa["graph"]) == [info for info, _ in stored]
    with embedded_feeds(poa["graph"]) as paths:
        assert [p.name for p in paths] == ["poa_eptc.zip", "poa_trensurb.zip"]
        assert paths[1].read_bytes() == poa["trensurb"].read_bytes()
        folder = paths[0].parent
    assert not folder.exists()  # extracted only while in use


def test_transit_from_stored_feeds_equals_transit_from_the_zips(poa: dict[str, Path]) -> None:
    base = ["matrix", "--graph", poa["graph"], "--origins", poa["points"], *DATE, "--percentiles", "25,75"]
    out = invoke(*base, "--mode", "transit", "--out", poa["folder"] / "stored.parquet")
    assert out.exit_code == 0, out.output
    out = invoke(*base, "--gtfs", poa["eptc"], "--gtfs", poa["trensurb"],
                 "--out", poa["folder"] / "zips.parquet")
    assert out.exit_code == 0, out.output
    stored = pd.read_parquet(poa["folder"] / "stored.parquet")
    zips = pd.read_parquet(poa["folder"] / "zips.parquet")
    pd.testing.assert_frame_equal(stored, zips)
    assert list(stored.columns) == ["from_id", "to_id", "travel_time", "travel_time_p25", "travel_time_p75"]
    # the trips ride: some pairs are faster than walking the same graph
    walk = poa["folder"] / "walk.csv"
    out = invoke("matrix", "--graph", poa["graph"], "--origins", poa["points"], "--mode", "walk",
                 "--out", walk)
    assert out.exit_code == 0, out.output
    on_foot = pd.read_csv(walk)["travel_time"].to_numpy()
    ride = stored["travel_time"].to_numpy()
    assert (ride < on_foot - 60).any()
    # --gtfs overrides the stored feeds: TRENSURB alone gives other times
    out = invoke(*base, "--mode", "transit", "--gtfs", poa["trensurb"],
                 "--out", poa["folder"] / "one.parquet")
    assert out.exit_code == 0, out.output
    assert not pd.read_parquet(poa["folder"] / "one.parquet").equals(stored)


def test_road_modes_must_match_the_graph(poa: dict[str, Path]) -> None:
    args = ["matrix", "--graph", poa["graph"], "--origins", poa["points"], "--lang", "en"]
    out = invoke(*args, "--mode", "car", "--out", poa["folder"] / "car.csv")
    assert out.exit_code != 0
    assert "graph poa.npz was built for walk; rebuild with --profile car or use --mode walk" in out.output
    assert not (poa["folder"] / "car.csv").exists()
    out = invoke(*args, "--mode", "walk", "--gtfs", poa["eptc"], "--out", poa["folder"] / "w.csv")
    assert out.exit_code == 2 and "--gtfs is for --mode transit, not --mode walk" in out.output
    out = invoke(*args, "--mode", "transit", "--out", poa["folder"] / "t.csv")
    assert out.exit_code == 2 and "--date" in out.output
    out = invoke(*args[:-2], "--mode", "car", "--out", poa["folder"] / "car.csv", lang=None)  # zh default
    assert out.exit_code != 0 and "是按 walk 构建的" in out.output


def test_transit_needs_feeds_and_a_walk_graph(poa: dict[str, Path], tmp_path: Path) -> None:
    bare = graph_to_npz(graph_from_arcs([0, 1], [1, 0], times=[2.0, 3.0], profile="walk"), tmp_path / "w.npz")
    car = graph_to_npz(graph_from_arcs([0, 1], [1, 0], times=[2.0, 3.0], profile="car"), tmp_path / "c.npz")
    for graph, expect in [(bare, "graph w.npz holds no GTFS feeds"),
                          (car, "graph c.npz was built for car; rebuild with --profile walk")]:
        out = invoke("matrix", "--graph", graph, "--origins", poa["points"], "--mode", "transit", *DATE,
                     "--lang", "en", "--out", tmp_path / "t.csv")
        assert out.exit_code != 0 and expect in out.output, out.output
    with pytest.raises(DataError, match="go with a walk graph"):
        graph_to_npz(graph_from_arcs([0], [0], times=[1.0], profile="car"), tmp_path / "x.npz",
                     feeds=[poa["eptc"]])


def test_build_refuses_bad_feeds_before_reading_the_pbf(poa: dict[str, Path], tmp_path: Path) -> None:
    not_a_pbf = tmp_path / "empty.osm.pbf"
    not_a_pbf.write_bytes(b"")
    out = invoke("build", not_a_pbf, "--profile", "car", "--gtfs", poa["eptc"], "--lang", "en",
                 "--out", tmp_path / "g.npz")
    assert out.exit_code == 2 and "--gtfs needs a walk graph" in out.output and "not car" in out.output
    # a zip without stop_times.txt and with stops.txt lacking stop_lat
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(poa["trensurb"]) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            if name == "stops.txt":
                text = src.read(name).decode("utf-8-sig").replace("stop_lat", "latitude", 1)
                dst.writestr(name, text)
            elif name != "stop_times.txt":
                dst.writestr(name, src.read(name))
    args = ["build", not_a_pbf, "--profile", "walk", "--gtfs", broken, "--out", tmp_path / "g.npz"]
    out = invoke(*args)
    assert out.exit_code == 2, out.output
    assert "broken.zip/stop_times.txt" in out.output and "a table stop_times.txt" in out.output
    assert "broken.zip/stops.txt row 1 column 'stop_lat'" in out.output
    out = invoke(*args, lang=None)  # Chinese by default
    assert out.exit_code == 2, out.output
    assert "broken.zip/stop_times.txt" in out.output and "应为 表 stop_times.txt" in out.output
    assert "broken.zip/stops.txt 第 1 行 「stop_lat」列" in out.output
    assert "不是完整的 GTFS 时刻表" in out.output
    assert not (tmp_path / "g.npz").exists()
    text = tmp_path / "notes.zip"
    text.write_text("not a zip", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"notes\.zip.*not a zip file") as info:
        check_feeds([text])
    assert "不是 zip 文件" in info.value.render("zh")
    twin = tmp_path / "x" / "poa_eptc.zip"
    twin.parent.mkdir()
    shutil.copy(poa["eptc"], twin)
    with pytest.raises(DataError, match="share a file name"):
        check_feeds([poa["eptc"], twin])
    with pytest.raises(ValidationError):
        check_feeds([broken])
    assert [f.name for f in check_feeds([poa["trensurb"]])] == ["poa_trensurb.zip"]


def test_a_changed_stored_feed_is_refused(poa: dict[str, Path], tmp_path: Path) -> None:
    with np.load(poa["graph"], allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    changed = arrays["gtfs_1"].copy()
    changed[len(changed) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.npz"
    np.savez(damaged, **(arrays | {"gtfs_1": changed}))
    with pytest.raises(DataError, match=r"poa_trensurb\.zip was changed or damaged"):
        load_feeds(damaged)
    out = invoke("matrix", "--graph", damaged, "--origins", poa["points"], "--mode", "transit", *DATE,
                 "--out", tmp_path / "t.csv")
    assert out.exit_code != 0 and "was changed or damaged" in out.output
    assert not (tmp_path / "t.csv").exists()
    # the road graph itself is intact
    assert graph_from_npz(damaged).n_arcs == graph_from_npz(poa["graph"]).n_arcs


def test_store_transit_times_from_the_stored_feeds(poa: dict[str, Path], tmp_path: Path) -> None:
    points = pd.read_csv(poa["points"]).iloc[:3].assign(code=[1, 2, 3])
    cells = tmp_path / "cells.csv"
    points[["code", "id", "lon", "lat"]].to_csv(cells, index=False)
    root = tmp_path / "poa"
    for args in (["init", str(root), "--region", "empty", "--lang", "en"],
                 ["units", "import", str(cells), "--code-column", "code", "--name-column", "id",
                  "--level", "county", "--project", str(root)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    store = ["matrix", "--graph", poa["graph"], "--project", root, "--date", "2019-05-13",
             "--depart", "14:00"]
    out = invoke(*store, "--mode", "walk", "--store-as", "transit")
    assert out.exit_code == 2 and "--mode walk and --store-as transit disagree" in out.output
    out = invoke(*store, "--mode", "transit")  # --store-as defaults to nothing: --out is needed
    assert out.exit_code == 2 and "--out" in out.output
    out = invoke(*store, "--store-as", "transit")
    assert out.exit_code == 0, out.output
    assert "6 pairs" in out.output
    with Project.open(root).store() as s:
        obs = s.observations(indicators=["transit_time_min"])
        source = s.imports()["source"].iloc[0]
    assert "gtfs=poa_eptc.zip+poa_trensurb.zip (stored in the graph) date=2019-05-13" in source
    codes = ["000001", "000002", "000003"]
    pts = points.assign(id=codes)[["id", "lon", "lat"]]
    pts.to_csv(tmp_path / "units.csv", index=False)
    out = invoke("matrix", "--graph", poa["graph"], "--origins", tmp_path / "units.csv",
                 "--gtfs", poa["eptc"], "--gtfs", poa["trensurb"], "--date", "2019-05-13",
                 "--depart", "14:00", "--out", tmp_path / "direct.csv")
    assert out.exit_code == 0, out.output
    direct = pd.read_csv(tmp_path / "direct.csv", dtype={"from_id": str, "to_id": str})
    direct = direct[direct["from_id"] != direct["to_id"]]
    want = dict(zip(direct["from_id"] + ">" + direct["to_id"], direct["travel_time"] / 60.0, strict=True))
    got = dict(zip(obs["subject_key"], obs["value"], strict=True))
    assert got.keys() == want.keys()
    np.testing.assert_allclose([got[k] for k in want], list(want.values()), rtol=0, atol=1e-6)
    # the same run with --mode transit given too is recognised as stored
    out = invoke(*store, "--mode", "transit", "--store-as", "transit", "--lang", "en")
    assert out.exit_code == 0 and "The same run was stored before" in out.output


def test_feed_entries_of_the_metadata_are_checked(poa: dict[str, Path], tmp_path: Path) -> None:
    graph = graph_from_arcs([0, 1], [1, 0], times=[2.0, 3.0], profile="walk")
    with pytest.raises(DataError, match="must not hold 'feeds'"):
        graph_to_npz(graph, tmp_path / "m.npz", metadata={"feeds": []})
    path = graph_to_npz(graph, tmp_path / "g.npz", feeds=[poa["trensurb"]])
    assert [f.name for f in graph_feeds(path)] == ["poa_trensurb.zip"]
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    escaping = str(arrays["metadata"]).replace('"name": "poa_trensurb.zip"', '"name": "../poa_trensurb.zip"')
    np.savez(tmp_path / "bad.npz", **(arrays | {"metadata": np.array(escaping)}))
    with pytest.raises(DataError, match="is not a plain file name"):
        load_feeds(tmp_path / "bad.npz")
    np.savez(tmp_path / "lost.npz", **{k: v for k, v in arrays.items() if k != "gtfs_0"})
    with pytest.raises(DataError, match=r"bytes of embedded GTFS feed poa_trensurb\.zip"):
        load_feeds(tmp_path / "lost.npz")
