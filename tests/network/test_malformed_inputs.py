"""Malformed files of every kind the routing and flows commands read, through the CLI, in both languages.

Each kind of file (GTFS zip, OSM PBF, graph ``.npz``, CSV, Parquet, Excel) is broken the ways files
really break — truncated, empty, binary junk, the wrong encoding, a header only, a forged size —
and handed to every command that reads it. Every run must exit non-zero with a message naming the
file, never a traceback or the "internal error (tongcheng-bug)" of the CLI's last line of defence;
under ``--lang zh`` the message speaks Chinese. Commands given ``--project`` leave its store as it was.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from tongcheng._errors import ValidationError
from tongcheng._text import Text
from tongcheng.cli._failures import BUG_MARKER
from tongcheng.cli.main import cli
from tongcheng.io.files import MAX_MEMBER_BYTES, check_file, read_frame
from tongcheng.network import graph_from_arcs
from tongcheng.network.io import graph_from_npz, graph_to_npz
from tongcheng.project import Project

CJK = re.compile(r"[\u4e00-\u9fff]")
RAW = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw"
ANDORRA = RAW / "valhalla_osm" / "andorra.osm.pbf"
TABLE = "origin,destination,value,distance,from_id,to_id,travel_time,id,code,ind\nA,B,1,2,a,b,60,a,A,1\n"

GTFS = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n1,a,http://a,UTC\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nA,a,42.50,1.52\nB,b,42.51,1.53\n",
    "routes.txt": "route_id,route_type\nR,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR,S,T\n",
    "stop_times.txt": ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                       "T,07:00:00,07:00:00,A,1\nT,07:10:00,07:10:00,B,2\n"),
    "calendar.txt": ("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,"
                     "end_date\nS,1,1,1,1,1,1,1,20190101,20191231\n"),
}


def _zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """Forge the uncompressed size of ``member`` in both zip headers (a zip bomb's header)."""
    out = bytearray(data)
    name = member.encode()
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = out.find(signature)
        while at >= 0:
            if out[at + name_at:at + name_at + len(name)] == name:
                out[at + offset:at + offset + 4] = struct.pack("<I", size)
            at = out.find(signature, at + 4)
    return bytes(out)


def _npy(shape: tuple[int, ...], dtype: str, body: bytes) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": np.dtype(dtype).str, "fortran_order": False,
                                                  "shape": shape})
    return buffer.getvalue() + body


def _graph_arrays(graph_file: Path) -> dict[str, np.ndarray]:
    with np.load(graph_file, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def _savez(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _npz_kinds(good: Path) -> dict[str, Callable[[], bytes]]:
    arrays = _graph_arrays(good)
    meta = json.loads(str(arrays["metadata"]))
    newer = {"metadata": np.array(json.dumps(meta | {"format_version": 99}))}
    return {
        "truncated": lambda: good.read_bytes()[: good.stat().st_size // 2],
        "wrong_arrays": lambda: _savez(arrays | {"indices": arrays["indices"].astype(float) + 99}),
        "newer_format": lambda: _savez(arrays | newer),
        "huge_shape": lambda: _zip({"metadata.npy": _npy((), "<U10", b"\x00" * 40),
                                    "indptr.npy": _npy((10**12,), "<i8", b"\x00" * 64)}),
        "object_array": lambda: _zip({"metadata.npy": _npy((3,), "|O", b"\x00" * 24)}),
        "bad_json": lambda: _savez(arrays | {"metadata": np.array("{not json")}),
        "text": lambda: b"this is a note, not a graph\n",
        "empty": lambda: b"",
    }


GTFS_KINDS: dict[str, Callable[[], bytes]] = {
    "truncated": lambda: _zip(GTFS)[:200],
    "zero_member": lambda: _zip({**GTFS, "stop_times.txt": b""}),
    "garbage_member": lambda: _zip({**GTFS, "stops.txt": bytes(range(256)) * 4}),
    "bomb_header": lambda: _declare_size(_zip(GTFS), "stop_times.txt", MAX_MEMBER_BYTES + 4096),
    "gbk_member": lambda: _zip({**GTFS, "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nA,车站,42.5,1.5\n"
                                .encode("gbk")}),
    "text": lambda: b"stop_id,stop_name\n",
    "empty": lambda: b"",
}

CSV_KINDS: dict[str, Callable[[], bytes]] = {
    "gbk": lambda: TABLE.replace("A,B", "上海,苏州").encode("gbk"),
    "utf16": lambda: TABLE.encode("utf-16"),
    "junk": lambda: np.random.default_rng(8).integers(0, 256, 2048, dtype=np.uint8).tobytes(),
    "empty": lambda: b"",
    "header_only": TABLE.splitlines(keepends=True)[0].encode,
    "ragged": (TABLE + "A,B,1,2,3,4,5,6,7,8,9,10,11\n").encode,
}


def _parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.read_csv(io.StringIO(TABLE)).to_parquet(buffer)
    return buffer.getvalue()


PARQUET_KINDS: dict[str, Callable[[], bytes]] = {
    "truncated": lambda: _parquet_bytes()[:-40],
    "junk": lambda: b"PAR1" + bytes(range(256)) * 3,
    "csv_renamed": TABLE.encode,
    "empty": lambda: b"",
}

PBF_KINDS: dict[str, Callable[[], bytes]] = {
    "text_renamed": lambda: b"<osm version='0.6'>not a pbf</osm>\n",
    "truncated": lambda: ANDORRA.read_bytes()[:20_000] if ANDORRA.is_file() else b"\x00\x00\x00\x0dOSMHeader",
    "empty": lambda: b"",
}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, yrd_template: Path) -> dict[str, Path]:
    """A small walk graph, points on it, a valid OD table, and a copy of the YRD project."""
    folder = tmp_path_factory.mktemp("malformed")
    lon = np.array([1.520, 1.521, 1.522, 1.523])
    lat = np.array([42.500, 42.501, 42.502, 42.503])
    graph = graph_from_arcs([0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2], times=[60.0] * 6, lon=lon, lat=lat,
                            profile="walk")
    graph_to_npz(graph, folder / "walk.npz")
    pd.DataFrame({"id": ["p0", "p3"], "lon": lon[[0, 3]], "lat": lat[[0, 3]]}).to_csv(
        folder / "points.csv", index=False)
    (folder / "od.csv").write_text("origin,destination,value\nA,A,500\nB,A,200\nB,B,80\n", encoding="utf-8")
    (folder / "places.csv").write_text("id,jobs\na,1\nb,2\n", encoding="utf-8")
    (folder / "placeholder.osm.pbf").write_bytes(b"never read: the feeds are checked first")
    project = folder / "project"
    shutil.copytree(yrd_template, project)
    return {"folder": folder, "graph": folder / "walk.npz", "points": folder / "points.csv",
            "od": folder / "od.csv", "places": folder / "places.csv",
            "pbf": folder / "placeholder.osm.pbf", "project": project}


def _store_dump(project: Path) -> str:
    """The project's observations and imports, row by row."""
    url = Project.open(project).settings.resolved_url(project)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return "\n".join(repr(row) for table in ("observations", "imports")
                         for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"))


Argv = Callable[[Path, dict[str, Path]], list[object]]

CASES: list[tuple[str, dict[str, Callable[[], bytes]], str, Argv, bool]] = [
    ("build-pbf", PBF_KINDS, ".osm.pbf",
     lambda b, e: ["network", "build", b, "--profile", "car", "--out", e["folder"] / "g.npz"], False),
    ("build-gtfs", GTFS_KINDS, ".zip",
     lambda b, e: ["network", "build", e["pbf"], "--profile", "walk", "--gtfs", b,
                   "--out", e["folder"] / "g.npz"], False),
    ("matrix-graph", {}, ".npz",
     lambda b, e: ["network", "matrix", "--graph", b, "--origins", e["points"],
                   "--out", e["folder"] / "m.csv"], False),
    ("matrix-gtfs", GTFS_KINDS, ".zip",
     lambda b, e: ["network", "matrix", "--graph", e["graph"], "--origins", e["points"], "--mode", "transit",
                   "--gtfs", b, "--date", "2019-05-13", "--out", e["folder"] / "m.csv"], False),
    ("store-times-graph", {}, ".npz",
     lambda b, e: ["network", "matrix", "--graph", b, "--project", e["project"], "--store-as", "walk",
                   "--origins", "310000,320500"], True),
    ("isochrone-graph", {}, ".npz",
     lambda b, e: ["network", "isochrone", "--graph", b, "--origins", e["points"],
                   "--out", e["folder"] / "i.geojson"], False),
    ("accessibility-times", {**CSV_KINDS}, ".csv",
     lambda b, e: ["network", "accessibility", "--times", b, "--opportunities", e["places"],
                   "--supply-column", "jobs", "--cutoff", 30, "--out", e["folder"] / "a.csv"], False),
    ("accessibility-times-parquet", PARQUET_KINDS, ".parquet",
     lambda b, e: ["network", "accessibility", "--times", b, "--opportunities", e["places"],
                   "--supply-column", "jobs", "--cutoff", 30, "--out", e["folder"] / "a.csv"], False),
    ("delineate-od", CSV_KINDS, ".csv",
     lambda b, e: ["flows", "delineate", b, "--cores", "A", "--period", "2021", "--value-kind", "sample",
                   "--project", e["project"], "--out", e["folder"] / "d.csv"], True),
    ("delineate-od-parquet", PARQUET_KINDS, ".parquet",
     lambda b, e: ["flows", "delineate", b, "--cores", "A", "--period", "2021", "--value-kind", "sample",
                   "--project", e["project"], "--out", e["folder"] / "d.csv"], True),
    ("delineate-od-xlsx", {"truncated": lambda: _zip({"xl/workbook.xml": "<x/>"})[:60],
                           "not_a_workbook": lambda: _zip({"readme.txt": "hello"}),
                           "bomb_header": lambda: _declare_size(_zip({"xl/sheet1.xml": "<x/>" * 50}),
                                                                "xl/sheet1.xml", MAX_MEMBER_BYTES + 1)},
     ".xlsx",
     lambda b, e: ["flows", "delineate", b, "--cores", "A", "--period", "2021", "--value-kind", "sample",
                   "--out", e["folder"] / "d.csv"], False),
    ("gravity-flows", CSV_KINDS, ".csv",
     lambda b, e: ["flows", "gravity", b, "--cost", "distance", "--out", e["folder"] / "g.csv"], False),
    ("aggregate-records", {k: CSV_KINDS[k] for k in ("gbk", "utf16", "junk", "empty", "header_only")}, ".csv",
     lambda b, e: ["flows", "aggregate", b, "--period", "2021", "--origin", "origin",
                   "--destination", "destination", "--person", "id", "--out", e["folder"] / "od.csv"], False),
    ("aggregate-records-parquet", PARQUET_KINDS, ".parquet",
     lambda b, e: ["flows", "aggregate", b, "--period", "2021", "--origin", "origin",
                   "--destination", "destination", "--person", "id", "--out", e["folder"] / "od.csv"], False),
    ("industry-table", CSV_KINDS, ".csv",
     lambda b, e: ["flows", "industry", b, "--out", e["folder"] / "s.csv"], False),
    ("combine-memberships", CSV_KINDS, ".csv",
     lambda b, e: ["flows", "combine", e["od"], "--memberships", b, "--period", "2021",
                   "--value-kind", "sample", "--out", e["folder"] / "c.csv"], False),
]


@pytest.mark.parametrize("name, kinds, suffix, argv, uses_project", CASES, ids=[c[0] for c in CASES])
def test_malformed_files_are_located_in_both_languages(
        name: str, kinds: dict[str, Callable[[], bytes]], suffix: str, argv: Argv, uses_project: bool,
        env: dict[str, Path]) -> None:
    kinds = kinds or _npz_kinds(env["graph"])
    before = _store_dump(env["project"]) if uses_project else None
    failures = []
    for kind, make in kinds.items():
        bad = env["folder"] / f"bad_{name}_{kind}{suffix}"
        bad.write_bytes(make())
        for lang in ("zh", "en"):
            out = CliRunner().invoke(cli, [*map(str, argv(bad, env)), "--lang", lang])
            text = out.output
            if out.exit_code == 0:
                failures.append(f"{bad.name} {lang}: accepted")
            elif not isinstance(out.exception, SystemExit):
                failures.append(f"{bad.name} {lang}: raised {type(out.exception).__name__}: {out.exception}")
            elif "Traceback" in text or BUG_MARKER in text:
                failures.append(f"{bad.name} {lang}: internal error\n{text}")
            elif bad.name not in text:
                failures.append(f"{bad.name} {lang}: the file is not named\n{text}")
            elif lang == "zh" and not CJK.search(text.replace(bad.name, "")):
                failures.append(f"{bad.name} zh: no Chinese\n{text}")
    if before is not None:
        assert _store_dump(env["project"]) == before, "the project's store changed"
    assert not failures, "\n".join(failures)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(env: dict[str, Path]) -> None:
    bomb = env["folder"] / "bomb.zip"
    bomb.write_bytes(_declare_size(_zip(GTFS), "stop_times.txt", MAX_MEMBER_BYTES + 4096))
    out = CliRunner().invoke(cli, ["network", "build", str(env["pbf"]), "--profile", "walk",
                                   "--gtfs", str(bomb), "--out", str(env["folder"] / "g.npz"),
                                   "--lang", "en"])
    assert out.exit_code == 2, out.output
    assert "bomb.zip/stop_times.txt" in out.output and f"{MAX_MEMBER_BYTES + 4096:,} bytes" in out.output
    assert "zip bomb" in out.output and not (env["folder"] / "g.npz").exists()


def test_an_npz_declaring_a_huge_array_is_refused_without_allocating_it(env: dict[str, Path]) -> None:
    huge = env["folder"] / "huge.npz"
    huge.write_bytes(_npz_kinds(env["graph"])["huge_shape"]())
    with pytest.raises(ValidationError) as info:
        graph_from_npz(huge)
    problem = info.value.problems[0]
    assert problem.file == "huge.npz/indptr.npy"
    assert "8,000,000,000,000 bytes, 64 stored" in str(problem.value)
    assert "已损坏" in info.value.render("zh")


def test_a_corrupt_graph_array_is_refused_not_routed(env: dict[str, Path]) -> None:
    arrays = _graph_arrays(env["graph"])
    out_of_range = env["folder"] / "out_of_range.npz"
    out_of_range.write_bytes(_savez(arrays | {"indices": arrays["indices"] + 100}))
    with pytest.raises(ValidationError, match="inconsistent lengths, types or values"):
        graph_from_npz(out_of_range)
    assert graph_from_npz(env["graph"]).n_nodes == 4  # the intact file still loads


def test_files_that_are_not_files(tmp_path: Path) -> None:
    what = Text("表格", "a table")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(ValidationError, match="give a file, not a folder") as info:
        check_file(folder, what=what)
    assert "请给出文件,而不是目录" in info.value.render("zh")
    long_name = tmp_path / ("很长的文件名" * 60 + ".csv")
    with pytest.raises(ValidationError, match="too long") as info:
        check_file(long_name, what=what)
    assert "文件名过长" in info.value.render("zh") and "…" in info.value.problems[0].file
    with pytest.raises(ValidationError, match="does not exist"):
        read_frame(tmp_path / "missing.csv", what=what)


@pytest.mark.parametrize("kind, row, hint", [("gbk", 2, "GBK"), ("utf16", None, "UTF-16"),
                                             ("ragged", 3, "separators and quotes")])
def test_csv_problems_name_the_row(tmp_path: Path, kind: str, row: int | None, hint: str) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(CSV_KINDS[kind]())
    with pytest.raises(ValidationError, match=hint) as info:
        read_frame(path, what=Text("表格", "a table"))
    assert info.value.problems[0].row == row and info.value.problems[0].file == path.name
    assert "另存为" in info.value.render("zh") or "分隔符" in info.value.render("zh")


def test_broken_omx_matrices_are_located(tmp_path: Path) -> None:
    omx = pytest.importorskip("openmatrix")
    import tables

    from tongcheng.flows import ODTable

    good = tmp_path / "good.omx"
    with omx.open_file(str(good), "w") as f:
        f["trips"] = np.array([[0.0, 2.0], [3.0, 1.0]])
    huge = tmp_path / "huge.omx"  # a few kilobytes on disk, 320 GB once read
    with omx.open_file(str(huge), "w") as f:
        f.create_carray("/data", "trips", atom=tables.Float64Atom(), shape=(200_000, 200_000),
                        filters=tables.Filters(complevel=1))
    broken = {"truncated.omx": good.read_bytes()[:300], "text.omx": b"zone,zone,trips\n", "empty.omx": b""}
    for name, data in broken.items():
        (tmp_path / name).write_bytes(data)
    for name in [*broken, "huge.omx"]:
        with pytest.raises(ValidationError) as info:
            ODTable.from_omx(tmp_path / name, matrix="trips", period="2020", kind="trips",
                             value_kind="expanded")
        assert info.value.problems[0].file == name
        assert CJK.search(info.value.render("zh")), info.value.render("zh")
    assert "shape (200000, 200000)" in str(info.value)


@pytest.mark.parametrize("argv", [
    lambda b, e: ["network", "build", b, "--out", e["folder"] / "g.npz"],
    lambda b, e: ["network", "matrix", "--graph", b, "--origins", e["points"],
                  "--out", e["folder"] / "m.csv"],
    lambda b, e: ["network", "accessibility", "--times", b, "--opportunities", e["places"],
                  "--supply-column", "jobs", "--cutoff", 30, "--out", e["folder"] / "a.csv"],
    lambda b, e: ["flows", "gravity", b, "--cost", "distance", "--out", e["folder"] / "g.csv"],
    lambda b, e: ["flows", "delineate", e["od"], "--cores", "A", "--adjacency", b,
                  "--out", e["folder"] / "d.csv"],
], ids=["build", "matrix", "accessibility", "gravity", "adjacency"])
def test_a_missing_file_or_a_folder_is_named_in_the_commands_language(argv: Argv,
                                                                       env: dict[str, Path]) -> None:
    folder = env["folder"] / "a_folder.csv"
    folder.mkdir(exist_ok=True)
    for bad, zh, en in ((env["folder"] / "no_such_file.csv", "找不到该文件", "does not exist"),
                        (folder, "请给出文件,而不是目录", "give a file, not a folder")):
        for lang, words in (("zh", zh), ("en", en)):
            out = CliRunner().invoke(cli, [*map(str, argv(bad, env)), "--lang", lang])
            assert out.exit_code == 2, out.output
            assert bad.name in out.output and words in out.output, out.output
