"""Every entry point that reads a user file, fed a corpus of malformed files: no traceback, ever.

The entry points are found by walking the ``tongcheng`` command tree: every option or argument
that names an existing file (``click.Path(exists=True)``) or that is documented to take a file
(``FILE_TEXT_PARAMS``) must have a row in ``ENTRY_POINTS`` — a new command that reads files fails
``test_every_file_entry_point_is_in_the_corpus`` until it is added here.

Each entry point gets each malformed file (and a folder in its place) in Chinese and in English. Expected: a non-zero exit;
no Python traceback and no "internal error" (``tongcheng-bug``); the message names the file; the
Chinese run speaks Chinese; and the project's store and ``raw/`` folder are exactly as before.
"""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from tongcheng.cli._failures import BUG_MARKER
from tongcheng.cli.main import cli
from tongcheng.project import Project

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
ASEM = SHARED / "reference" / "coinr_asem"
ANDORRA = SHARED / "raw" / "valhalla_osm" / "andorra.osm.pbf"
CJK = re.compile(r"[\u4e00-\u9fff]")

#: Options typed TEXT that take a file (a path, or a unit selection with --project).
FILE_TEXT_PARAMS = {
    ("units", "import"): {"file"},
    ("network", "matrix"): {"origins_spec", "destinations_spec"},
    ("network", "isochrone"): {"origins_spec"},
    ("network", "coverage"): {"cores_spec", "cells_spec"},
    ("flows", "aggregate"): {"records"},
}


# ---------------------------------------------------------------------------------------- corpus
def _valid_xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"code": ["320500"], "indicator": ["gdp"], "period": ["2024"],
                  "value": [1.0]}).to_excel(buffer, index=False)
    return buffer.getvalue()


def _zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


TABLE_TEXT = "代码,指标,年份,数值\n320500,地区生产总值,2024,abc\n"
CORPUS: dict[str, Callable[[], bytes]] = {
    "empty": lambda: b"",
    "junk": lambda: np.random.default_rng(9).integers(0, 256, 4096, dtype=np.uint8).tobytes(),
    "gbk": lambda: TABLE_TEXT.encode("gbk"),
    "utf16": lambda: TABLE_TEXT.encode("utf-16"),
    "html": lambda: b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n",
    "truncated_zip": lambda: _valid_xlsx_bytes()[:700],
    "zip_of_junk": lambda: _zip_with({"stops.txt": b"\x00\xff" * 64, "readme.txt": b"hello"}),
    "header_only": lambda: b"code,indicator,period,value\n",
}


# ----------------------------------------------------------------------------------- entry points
@dataclass(frozen=True)
class Env:
    """Valid companion files and folders the entry points need besides the bad one."""

    tmp: Path
    project: Path
    graph: Path
    points: Path
    od: Path
    times: Path
    flows: Path
    framework: Path
    data: Path
    recipe: Path
    factors: Path


@dataclass(frozen=True)
class EntryPoint:
    """One way a user file reaches tongcheng: the command, the parameter, how to call it."""

    command: tuple[str, ...]
    param: str
    suffixes: tuple[str, ...]
    argv: Callable[[Path, Env], list[object]]
    uses_project: bool = False


def _units_import(bad: Path, e: Env) -> list[object]:
    return ["units", "import", bad, "--code-column", "code", "--name-column", "name",
            "--level", "county", "--project", e.project]


ENTRY_POINTS: tuple[EntryPoint, ...] = (
    EntryPoint(("import", "stats"), "file", (".csv", ".xlsx"),
               lambda b, e: ["import", "stats", b, "--source", "t", "--vintage", "t",
                             "--project", e.project], uses_project=True),
    EntryPoint(("import", "metros"), "file", (".csv", ".xlsx"),
               lambda b, e: ["import", "metros", b, "--project", e.project], uses_project=True),
    EntryPoint(("units", "import"), "file", (".geojson", ".csv", ".gpkg"), _units_import,
               uses_project=True),
    EntryPoint(("index", "build"), "framework_path", (".csv", ".yaml"),
               lambda b, e: ["index", "build", "--framework", b, "--data", e.data,
                             "--recipe", e.recipe, "--out", e.tmp / "out"]),
    EntryPoint(("index", "build"), "data_path", (".csv", ".xlsx", ".parquet"),
               lambda b, e: ["index", "build", "--framework", e.framework, "--data", b,
                             "--recipe", e.recipe, "--out", e.tmp / "out"]),
    EntryPoint(("index", "build"), "recipe_path", (".yaml", ".json"),
               lambda b, e: ["index", "build", "--framework", e.framework, "--data", e.data,
                             "--recipe", b, "--out", e.tmp / "out"]),
    EntryPoint(("index", "sensitivity"), "factors_path", (".yaml",),
               lambda b, e: ["index", "sensitivity", "--framework", e.framework, "--data", e.data,
                             "--recipe", e.recipe, "--factors", b, "--n", 8,
                             "--out", e.tmp / "out"]),
    EntryPoint(("index", "sensitivity"), "framework_path", (".csv",),
               lambda b, e: ["index", "sensitivity", "--framework", b, "--data", e.data,
                             "--recipe", e.recipe, "--factors", e.factors, "--n", 8,
                             "--out", e.tmp / "out"]),
    EntryPoint(("index", "sensitivity"), "data_path", (".csv",),
               lambda b, e: ["index", "sensitivity", "--framework", e.framework, "--data", b,
                             "--recipe", e.recipe, "--factors", e.factors, "--n", 8,
                             "--out", e.tmp / "out"]),
    EntryPoint(("index", "sensitivity"), "recipe_path", (".yaml",),
               lambda b, e: ["index", "sensitivity", "--framework", e.framework, "--data", e.data,
                             "--recipe", b, "--factors", e.factors, "--n", 8,
                             "--out", e.tmp / "out"]),
    EntryPoint(("network", "build"), "pbf", (".pbf",),
               lambda b, e: ["network", "build", b, "--profile", "car", "--out", e.tmp / "g.npz"]),
    EntryPoint(("network", "build"), "feeds", (".zip",),
               lambda b, e: ["network", "build", ANDORRA, "--profile", "walk", "--gtfs", b,
                             "--out", e.tmp / "g.npz"]),
    EntryPoint(("network", "matrix"), "graph_path", (".npz",),
               lambda b, e: ["network", "matrix", "--graph", b, "--origins", e.points,
                             "--out", e.tmp / "m.csv"]),
    EntryPoint(("network", "matrix"), "origins_spec", (".csv", ".geojson"),
               lambda b, e: ["network", "matrix", "--graph", e.graph, "--origins", b,
                             "--out", e.tmp / "m.csv"]),
    EntryPoint(("network", "matrix"), "destinations_spec", (".csv",),
               lambda b, e: ["network", "matrix", "--graph", e.graph, "--origins", e.points,
                             "--destinations", b, "--out", e.tmp / "m.csv"]),
    EntryPoint(("network", "matrix"), "feeds", (".zip",),
               lambda b, e: ["network", "matrix", "--graph", e.graph, "--origins", e.points,
                             "--mode", "transit", "--gtfs", b, "--date", "2019-05-13",
                             "--out", e.tmp / "m.csv"]),
    EntryPoint(("network", "isochrone"), "graph_path", (".npz",),
               lambda b, e: ["network", "isochrone", "--graph", b, "--origins", e.points,
                             "--out", e.tmp / "i.geojson"]),
    EntryPoint(("network", "isochrone"), "origins_spec", (".csv",),
               lambda b, e: ["network", "isochrone", "--graph", e.graph, "--origins", b,
                             "--out", e.tmp / "i.geojson"]),
    EntryPoint(("network", "coverage"), "graph_path", (".npz",),
               lambda b, e: ["network", "coverage", "--graph", b, "--cores", e.points,
                             "--cells", e.points, "--out", e.tmp / "c.csv"]),
    EntryPoint(("network", "coverage"), "cores_spec", (".csv",),
               lambda b, e: ["network", "coverage", "--graph", e.graph, "--cores", b,
                             "--cells", e.points, "--out", e.tmp / "c.csv"]),
    EntryPoint(("network", "coverage"), "cells_spec", (".csv",),
               lambda b, e: ["network", "coverage", "--graph", e.graph, "--cores", e.points,
                             "--cells", b, "--out", e.tmp / "c.csv"]),
    EntryPoint(("network", "accessibility"), "times_path", (".csv", ".parquet"),
               lambda b, e: ["network", "accessibility", "--times", b, "--opportunities", e.points,
                             "--supply-column", "population", "--out", e.tmp / "a.csv"]),
    EntryPoint(("network", "accessibility"), "places_path", (".csv",),
               lambda b, e: ["network", "accessibility", "--times", e.times, "--opportunities", b,
                             "--supply-column", "population", "--out", e.tmp / "a.csv"]),
    EntryPoint(("flows", "aggregate"), "records", (".csv", ".parquet"),
               lambda b, e: ["flows", "aggregate", b, "--out", e.tmp / "od.csv"]),
    EntryPoint(("flows", "delineate"), "od_path", (".csv", ".parquet"),
               lambda b, e: ["flows", "delineate", b, "--cores", "A", "--out", e.tmp / "d.csv"]),
    EntryPoint(("flows", "delineate"), "adjacency_path", (".csv",),
               lambda b, e: ["flows", "delineate", e.od, "--cores", "A", "--adjacency", b,
                             "--out", e.tmp / "d.csv"]),
    EntryPoint(("flows", "sensitivity"), "od_path", (".csv",),
               lambda b, e: ["flows", "sensitivity", b, "--cores", "A", "--out", e.tmp / "s.csv"]),
    EntryPoint(("flows", "sensitivity"), "adjacency_path", (".csv",),
               lambda b, e: ["flows", "sensitivity", e.od, "--cores", "A", "--adjacency", b,
                             "--out", e.tmp / "s.csv"]),
    EntryPoint(("flows", "gravity"), "flows_path", (".csv", ".parquet"),
               lambda b, e: ["flows", "gravity", b, "--cost", "distance", "--out", e.tmp / "g.csv"]),
    EntryPoint(("flows", "ppml"), "flows_path", (".csv",),
               lambda b, e: ["flows", "ppml", b, "--regressors", "distance", "--out", e.tmp / "p.csv"]),
    EntryPoint(("flows", "border"), "flows_path", (".csv",),
               lambda b, e: ["flows", "border", b, "--regions", e.points, "--out", e.tmp / "b.csv"]),
    EntryPoint(("flows", "border"), "regions_path", (".csv",),
               lambda b, e: ["flows", "border", e.flows, "--regions", b, "--out", e.tmp / "b.csv"]),
    EntryPoint(("flows", "industry"), "table_path", (".csv",),
               lambda b, e: ["flows", "industry", b, "--out", e.tmp / "ind.csv"]),
    EntryPoint(("flows", "industry"), "demand_path", (".csv",),
               lambda b, e: ["flows", "industry", e.points, "--measure", "complementarity",
                             "--demand", b, "--out", e.tmp / "ind.csv"]),
    EntryPoint(("flows", "market"), "prices_path", (".csv",),
               lambda b, e: ["flows", "market", b, "--out", e.tmp / "mk.csv"]),
    EntryPoint(("flows", "market"), "pairs_path", (".csv",),
               lambda b, e: ["flows", "market", e.points, "--pairs", b, "--out", e.tmp / "mk.csv"]),
    EntryPoint(("flows", "combine"), "od_path", (".csv",),
               lambda b, e: ["flows", "combine", b, "--memberships", e.points,
                             "--out", e.tmp / "cb.csv"]),
    EntryPoint(("flows", "combine"), "memberships_path", (".csv",),
               lambda b, e: ["flows", "combine", e.od, "--memberships", b, "--out", e.tmp / "cb.csv"]),
    EntryPoint(("flows", "combine"), "adjacency_path", (".csv",),
               lambda b, e: ["flows", "combine", e.od, "--memberships", e.points, "--adjacency", b,
                             "--out", e.tmp / "cb.csv"]),
)

#: File options of `index run` are checked when present (the project's own index definition).
OPTIONAL_ENTRY_POINTS: tuple[EntryPoint, ...] = (
    EntryPoint(("index", "run"), "framework", (".csv",),
               lambda b, e: ["index", "run", "--framework", b, "--project", e.project],
               uses_project=True),
    EntryPoint(("index", "run"), "recipe", (".yaml",),
               lambda b, e: ["index", "run", "--recipe", b, "--project", e.project],
               uses_project=True),
)


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...],
                                                                                click.Command]]:
    for name, sub in group.commands.items():
        if isinstance(sub, click.Group):
            yield from _commands(sub, (*path, name))
        else:
            yield (*path, name), sub


def _file_params() -> set[tuple[tuple[str, ...], str]]:
    """Every (command, parameter) of the CLI that reads a user file."""
    found = set()
    for path, command in _commands(cli):
        for param in command.params:
            reads = isinstance(param.type, click.Path) and param.type.exists and param.type.dir_okay is False
            if reads or param.name in FILE_TEXT_PARAMS.get(path, set()):
                found.add((path, str(param.name)))
    return found


def _present(point: EntryPoint) -> bool:
    return (point.command, point.param) in _file_params()


def _all_points() -> list[EntryPoint]:
    return [*ENTRY_POINTS, *(p for p in OPTIONAL_ENTRY_POINTS if _present(p))]


def test_every_file_entry_point_is_in_the_corpus() -> None:
    listed = {(p.command, p.param) for p in _all_points()}
    assert _file_params() - listed == set(), "add these entry points to ENTRY_POINTS"
    assert listed - _file_params() == set(), "these entry points no longer exist"


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An Andorra walk graph built by the CLI, and five points near its nodes."""
    from tongcheng.network import graph_from_npz

    if not ANDORRA.is_file():
        pytest.skip(f"shared data missing: {ANDORRA}")
    folder = tmp_path_factory.mktemp("corpus_graph")
    out = CliRunner().invoke(cli, ["network", "build", str(ANDORRA), "--profile", "walk",
                                   "--out", str(folder / "andorra.npz")])
    assert out.exit_code == 0, out.output
    g = graph_from_npz(folder / "andorra.npz")
    nodes = np.random.default_rng(3).choice(g.n_nodes, 5, replace=False)
    pd.DataFrame({"id": [f"p{i}" for i in range(5)], "lon": g.lon[nodes], "lat": g.lat[nodes],
                  "population": np.arange(1, 6) * 100}).to_csv(folder / "points.csv", index=False)
    return folder / "andorra.npz", folder / "points.csv"


@pytest.fixture
def env(tmp_path: Path, yrd_template: Path, graph: tuple[Path, Path]) -> Env:
    if not ASEM.is_dir():
        pytest.skip(f"shared data missing: {ASEM}")
    project = tmp_path / "project"
    shutil.copytree(yrd_template, project)
    od = tmp_path / "od_ok.csv"
    od.write_text("origin,destination,value\nA,A,500\nB,A,20\nB,B,80\n", encoding="utf-8")
    times = tmp_path / "times_ok.csv"
    times.write_text("from_id,to_id,travel_time\n" + "".join(
        f"p{i},p{j},{60 * abs(i - j)}\n" for i in range(5) for j in range(5)), encoding="utf-8")
    flows = tmp_path / "flows_ok.csv"
    flows.write_text("origin,destination,value,distance\nA,B,20,5\nB,A,10,5\n", encoding="utf-8")
    factors = REPO / "examples" / "asem" / "factors.yaml"
    return Env(tmp=tmp_path, project=project, graph=graph[0], points=graph[1], od=od, times=times,
               flows=flows,
               framework=ASEM / "ASEM_iMeta.csv", data=ASEM / "ASEM_iData.csv",
               recipe=REPO / "examples" / "asem" / "recipe.yaml", factors=factors)


def _snapshot(project: Path) -> tuple[str, list[str]]:
    """The store's full content and the kept raw files of a project."""
    settings = Project.open(project).settings
    url = settings.resolved_url(project)
    assert url.startswith("sqlite:///")
    with sqlite3.connect(url[len("sqlite:///"):]) as conn:
        dump = "\n".join(conn.iterdump())
    raw = sorted(p.name for p in (project / "raw").iterdir()) if (project / "raw").is_dir() else []
    return dump, raw


def _ids(point: EntryPoint) -> str:
    return "-".join((*point.command, point.param))


@pytest.mark.slow
@pytest.mark.parametrize("point", _all_points(), ids=_ids)
def test_malformed_files_give_located_messages(point: EntryPoint, env: Env) -> None:
    before = _snapshot(env.project) if point.uses_project else None
    failures = []
    for suffix in point.suffixes:
        for kind, make in [*CORPUS.items(), ("folder", None)]:
            bad = env.tmp / f"bad_{kind}{suffix}"
            if make is None:  # a folder where a file belongs
                bad.mkdir(exist_ok=True)
            else:
                bad.write_bytes(make())
            for lang in ("zh", "en"):
                args = [str(a) for a in point.argv(bad, env)] + ["--lang", lang]
                out = CliRunner().invoke(cli, args)
                text = out.output
                problem = None
                if out.exit_code == 0:
                    problem = "accepted (exit 0)"
                elif out.exc_info is not None and not isinstance(out.exception, SystemExit):
                    problem = f"raised {type(out.exception).__name__}: {out.exception}"
                elif "Traceback" in text or BUG_MARKER in text:
                    problem = "traceback or internal error"
                elif bad.name not in text:
                    problem = "message does not name the file"
                elif lang == "zh" and not CJK.search(text.replace(bad.name, "")):
                    problem = "no Chinese under --lang zh"
                if problem:
                    failures.append(f"{bad.name} --lang {lang}: {problem}\n    {text.strip()[:300]}")
    if before is not None:
        assert _snapshot(env.project) == before, "the store or raw/ changed"
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures)
