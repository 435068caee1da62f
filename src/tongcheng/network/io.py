"""Save and load road graphs; read origin and destination points from files.

A built :class:`~tongcheng.network.graph.RoadGraph` is stored as one ``.npz`` file: its arrays
plus a ``metadata`` entry holding JSON (format, version, profile, sizes and whatever the caller
adds, e.g. the source file). Loading never unpickles, so a graph file from elsewhere is safe to open.
A walk graph may carry the GTFS feeds it is meant to be used with: each zip's bytes are stored as
a ``uint8`` array, its file name and SHA-256 in the metadata, so the file alone reproduces transit
times (:func:`graph_feeds`, :func:`load_feeds`, :func:`embedded_feeds`; the hash is checked on load).

Points are read from a CSV/Excel table with ``id``, ``lon`` and ``lat`` columns (every bad cell
reported with file, row and column) or from a GeoJSON/GeoPackage of point features, or taken
from a project's units (their representative points), optionally with an indicator as a weight.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, ValidationError
from .._text import Text
from ..io.files import check_file, check_npz_arrays, file_problem, open_zip
from .graph import RoadGraph
from .gtfs import check_gtfs_zip

if TYPE_CHECKING:
    from ..project import Project

__all__ = [
    "GraphFeed",
    "check_feeds",
    "embedded_feeds",
    "graph_feeds",
    "graph_from_npz",
    "graph_metadata",
    "graph_to_npz",
    "load_feeds",
    "points_from_file",
    "points_from_project",
]

_FORMAT = "tongcheng.RoadGraph"
_FORMAT_VERSION = 1
_ARRAYS = ("indptr", "indices", "weights", "lon", "lat", "node_ids", "parent_index")
_LON_NAMES = ("lon", "lng", "longitude", "x")
_LAT_NAMES = ("lat", "latitude", "y")
_GEO_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".fgb"}
_GRAPH_FILE = Text("tongcheng network build 写出的路网文件(.npz)",
                   "a graph file (.npz) written by `tongcheng network build`")
_REBUILD = Text("该文件已损坏或不完整,请用 tongcheng network build 重新生成",
                "the file is damaged or incomplete; build it again with `tongcheng network build`")
_FEED_FILE = Text("GTFS 时刻表(.zip)", "a GTFS feed (.zip)")


def graph_to_npz(
    graph: RoadGraph,
    path: str | PathLike[str],
    *,
    metadata: Mapping[str, Any] | None = None,
    compress: bool = True,
    feeds: Sequence[str | PathLike[str]] = (),
) -> Path:
    """Write ``graph`` to one ``.npz`` file (arrays + JSON metadata); return the path written.

    Parameters
    ----------
    graph
        The graph to save.
    path
        Target file; ``.npz`` is appended when missing (as :func:`numpy.savez` does).
    metadata
        Extra JSON-serialisable entries stored with the graph (e.g. ``{"source": "andorra.osm.pbf"}``).
    compress
        Deflate the arrays (smaller file, slower to write and read).
    feeds
        GTFS zips stored inside the file (bytes, file name, SHA-256) for public transport on this
        graph; each must be a readable zip holding the tables GTFS requires, and the file stems
        must differ (they prefix the ids when several feeds are merged). Only for walk graphs.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    DataError
        If ``metadata`` is not JSON-serialisable, ``node_ids`` are neither numbers nor text, feeds
        are given for a graph that is not a walk graph, or a feed is not a zip file.
    ValidationError
        Naming each feed (and table) that lacks a table or column GTFS requires.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tongcheng.network import graph_from_arcs
    >>> g = graph_from_arcs([0, 1], [1, 0], times=[2.0, 3.0], profile="walk")
    >>> p = graph_to_npz(g, pathlib.Path(tempfile.mkdtemp()) / "g.npz")
    >>> graph_from_npz(p).weights.tolist()
    [2.0, 3.0]
    >>> graph_feeds(p)
    []
    """
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_name(path.name + ".npz")
    arrays = {name: np.asarray(getattr(graph, name)) for name in _ARRAYS}
    ids = arrays["node_ids"]
    if ids.dtype.kind == "O":
        arrays["node_ids"] = ids.astype(str)
    elif ids.dtype.kind not in "iuU":
        msg = f"node_ids have dtype {ids.dtype}; expected integers or text"
        raise DataError(msg)
    from .. import __version__

    if metadata is not None and "feeds" in metadata:
        msg = "metadata must not hold 'feeds'; pass the GTFS zips as feeds="
        raise DataError(msg)
    stored = _feed_arrays(feeds, graph.profile)
    arrays |= {array: data for array, (_, data) in stored.items()}
    meta = {
        **dict(metadata or {}),
        "format": _FORMAT,
        "format_version": _FORMAT_VERSION,
        "tongcheng_version": __version__,
        "profile": graph.profile,
        "n_nodes": graph.n_nodes,
        "n_arcs": graph.n_arcs,
    }
    if stored:
        meta["feeds"] = [info.to_json(array) for array, (info, _) in stored.items()]
    try:
        text = json.dumps(meta, ensure_ascii=False)
    except TypeError as exc:
        msg = f"graph metadata must be JSON-serialisable: {exc}; pass plain numbers and strings"
        raise DataError(msg) from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    save = np.savez_compressed if compress else np.savez
    save(path, metadata=np.array(text), **arrays)  # type: ignore[arg-type]  # (numpy stubs: allow_pickle)
    return path


@dataclass(frozen=True)
class GraphFeed:
    """A GTFS feed stored in a graph file.

    Attributes
    ----------
    name
        The zip's file name when the graph was built (e.g. ``"poa_eptc.zip"``); its stem prefixes
        the feed's ids when several feeds are merged.
    sha256
        Hex SHA-256 of the zip's bytes.
    size
        Size in bytes.
    """

    name: str
    sha256: str
    size: int

    def to_json(self, array: str) -> dict[str, Any]:
        """Return the metadata entry of the feed stored as ``array``."""
        return {"name": self.name, "sha256": self.sha256, "size": self.size, "array": array}


def _feed_arrays(
    feeds: Sequence[str | PathLike[str]], profile: str
) -> dict[str, tuple[GraphFeed, np.ndarray]]:
    """Read and check each feed; return ``{array name: (GraphFeed, uint8 bytes)}``."""
    if not feeds:
        return {}
    if profile != "walk":
        msg = Text(
            f"GTFS 时刻表只用于步行路网(公交出行的首末段为步行),而非 {profile or '未命名'} 路网:"
            "请用 profile 'walk' 构建",
            f"GTFS feeds go with a walk graph (transit trips start and end on foot), not a "
            f"{profile or 'unnamed'} graph: build it with profile 'walk'",
        )
        raise DataError(msg)
    paths = [Path(f) for f in feeds]
    stems = [p.stem for p in paths]
    twins = sorted({p.name for p in paths if stems.count(p.stem) > 1})
    if twins:
        msg = Text(f"GTFS 时刻表 {twins} 文件名相同;请改名使其互不相同(文件名是编号的前缀)",
                   f"GTFS feeds {twins} share a file name; rename them so each stem differs "
                   "(it prefixes the ids)")
        raise DataError(msg)
    stored = {}
    for i, path in enumerate(paths):
        data = check_file(path, what=_FEED_FILE).read_bytes()
        check_gtfs_zip(data, path.name)
        info = GraphFeed(name=path.name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        stored[f"gtfs_{i}"] = (info, np.frombuffer(data, dtype=np.uint8))
    return stored


def check_feeds(feeds: Sequence[str | PathLike[str]]) -> list[GraphFeed]:
    """Check GTFS zips as :func:`graph_to_npz` does before storing them; return what would be stored.

    Use it to refuse a bad feed before the (slow) graph build.

    Raises
    ------
    DataError
        A feed is missing, not a readable zip, damaged, or two feeds share a file stem.
    ValidationError
        Naming each feed and table that lacks a table or column GTFS requires.
    """
    return [info for info, _ in _feed_arrays(feeds, "walk").values()]


def _open_npz(path: Path) -> Any:
    """Open a graph file after checking every array header (sizes declared, no Python objects)."""
    check_file(path, what=_GRAPH_FILE)
    with open_zip(path, path.name, what=_GRAPH_FILE) as zf:
        check_npz_arrays(zf, path.name)
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise file_problem(path, _GRAPH_FILE, _REBUILD, value=str(exc)) from exc


def _graph_error(path: Path, zh: str, en: str) -> ValidationError:
    """Return the error for a graph file that is readable but not what tongcheng wrote."""
    return file_problem(path, _GRAPH_FILE, Text(zh, en))


def _read_metadata(path: Path, data: Any) -> dict[str, Any]:
    if "metadata" not in data.files:
        raise _graph_error(path, "文件中没有路网元数据:它不是 tongcheng 写出的路网文件",
                           "the file has no graph metadata: it was not written by tongcheng")
    try:
        meta = json.loads(str(data["metadata"]))
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise file_problem(path, _GRAPH_FILE, _REBUILD, column="metadata", value=str(exc)) from exc
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        got = meta.get("format") if isinstance(meta, dict) else type(meta).__name__
        raise _graph_error(path, f"文件格式为 {got!r},而非 {_FORMAT};请给出 tongcheng 路网文件",
                           f"it holds {got!r}, not a {_FORMAT} file; give a tongcheng graph file")
    try:
        version = int(meta.get("format_version", 0))
    except (TypeError, ValueError):
        version = _FORMAT_VERSION + 1
    if version > _FORMAT_VERSION:
        raise _graph_error(
            path, f"路网格式版本 {meta.get('format_version')!r} 比本版 tongcheng 能读的 "
                  f"({_FORMAT_VERSION}) 新;请升级 tongcheng,或用本版重新构建",
            f"it uses graph format version {meta.get('format_version')!r}, newer than this tongcheng "
            f"reads ({_FORMAT_VERSION}); upgrade tongcheng or build the graph again with this one")
    return meta


def graph_metadata(path: str | PathLike[str]) -> dict[str, Any]:
    """Return the JSON metadata stored in a graph file, without loading its arrays.

    Raises
    ------
    DataError
        If the file is missing or not a graph written by :func:`graph_to_npz`.
    """
    path = Path(path)
    with _open_npz(path) as data:
        return _read_metadata(path, data)


def graph_from_npz(path: str | PathLike[str]) -> RoadGraph:
    """Read a graph written by :func:`graph_to_npz`.

    Parameters
    ----------
    path
        The ``.npz`` file.

    Returns
    -------
    RoadGraph
        With exactly the arrays and profile that were saved.

    Raises
    ------
    DataError
        If the file is missing, not a graph file, from a newer format, or its arrays are inconsistent.
    """
    path = Path(path)
    with _open_npz(path) as data:
        meta = _read_metadata(path, data)
        missing = [name for name in _ARRAYS if name not in data.files]
        if missing:
            raise _graph_error(path, f"缺少数组 {missing};请重新构建路网文件",
                               f"it lacks the arrays {missing}; build the graph file again")
        try:
            arrays = {name: data[name] for name in _ARRAYS}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise file_problem(path, _GRAPH_FILE, _REBUILD, value=str(exc)) from exc
    if not _consistent(arrays):
        raise _graph_error(path, "路网数组的长度、类型或取值不一致;请重新构建路网文件",
                           "the graph arrays have inconsistent lengths, types or values; build the "
                           "graph file again")
    return RoadGraph(**arrays, profile=str(meta.get("profile", "")))


def _consistent(arrays: Mapping[str, np.ndarray]) -> bool:
    """Whether the arrays form a graph the routing kernels can walk without reading out of bounds."""
    if any(a.ndim != 1 for a in arrays.values()):
        return False
    indptr, indices, weights = arrays["indptr"], arrays["indices"], arrays["weights"]
    if indptr.dtype.kind not in "iu" or indices.dtype.kind not in "iu" or len(indptr) == 0:
        return False
    if weights.dtype.kind != "f" or arrays["lon"].dtype.kind != "f" or arrays["lat"].dtype.kind != "f":
        return False
    n, m = len(indptr) - 1, len(indices)
    if any(len(arrays[k]) != n for k in ("lon", "lat", "node_ids", "parent_index")) or len(weights) != m:
        return False
    if int(indptr[0]) != 0 or int(indptr[-1]) != m or bool(np.any(np.diff(indptr) < 0)):
        return False
    in_range = m == 0 or (int(indices.min()) >= 0 and int(indices.max()) < n)
    return bool(in_range and np.all(np.isfinite(weights)) and np.all(weights >= 0))


def _feed_entries(path: Path, meta: Mapping[str, Any]) -> list[tuple[GraphFeed, str]]:
    entries: list[tuple[GraphFeed, str]] = []
    feeds = meta.get("feeds", [])
    for entry in feeds if isinstance(feeds, list) else [feeds]:
        try:
            info = GraphFeed(name=str(entry["name"]), sha256=str(entry["sha256"]), size=int(entry["size"]))
            array = str(entry["array"])
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            msg = Text(f"{path.name}: 元数据中的一条 GTFS 时刻表记录格式错误 ({exc});请重新构建路网",
                       f"{path.name}: a GTFS feed entry of the metadata is malformed ({exc}); "
                       "build the graph again")
            raise DataError(msg) from exc
        if not info.name or Path(info.name).name != info.name or info.name in {".", ".."}:
            msg = Text(f"{path.name}: 内存的 GTFS 时刻表名 {info.name!r} 不是普通文件名;请重新构建",
                       f"{path.name}: embedded GTFS feed name {info.name!r} is not a plain file name; "
                       "build it again")
            raise DataError(msg)
        if any(info.name == seen.name for seen, _ in entries):
            msg = Text(f"{path.name}: 有两个内存的 GTFS 时刻表都名为 {info.name};请重新构建路网",
                       f"{path.name}: two embedded GTFS feeds are named {info.name}; build the graph again")
            raise DataError(msg)
        entries.append((info, array))
    return entries


def graph_feeds(path: str | PathLike[str]) -> list[GraphFeed]:
    """Return the GTFS feeds stored in a graph file (names and hashes; the bytes are not read).

    Raises
    ------
    DataError
        If the file is missing or not a graph written by :func:`graph_to_npz`.
    """
    path = Path(path)
    with _open_npz(path) as data:
        return [info for info, _ in _feed_entries(path, _read_metadata(path, data))]


def load_feeds(path: str | PathLike[str]) -> list[tuple[GraphFeed, bytes]]:
    """Return the GTFS feeds stored in a graph file with their bytes, each checked against its SHA-256.

    Parameters
    ----------
    path
        A graph file written by :func:`graph_to_npz` with ``feeds``.

    Returns
    -------
    list[tuple[GraphFeed, bytes]]
        In the order given when the graph was built; empty when the graph holds no feed.

    Raises
    ------
    DataError
        If the file is not a graph file, or a feed's bytes are missing or do not hash to the
        SHA-256 recorded when it was stored (the file was changed or damaged).
    """
    path = Path(path)
    out = []
    with _open_npz(path) as data:
        for info, array in _feed_entries(path, _read_metadata(path, data)):
            if array not in data.files:
                msg = Text(
                    f"{path.name}: 内存的 GTFS 时刻表 {info.name} ({array}) 的内容缺失;"
                    f"请用 --gtfs {info.name} 重新构建路网",
                    f"{path.name}: the bytes of embedded GTFS feed {info.name} ({array}) are missing; "
                    f"build the graph again with --gtfs {info.name}",
                )
                raise DataError(msg)
            try:
                raw = np.asarray(data[array])
            except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
                raise file_problem(path, _GRAPH_FILE, _REBUILD, column=array, value=str(exc)) from exc
            body = raw.tobytes() if raw.dtype == np.uint8 and raw.ndim == 1 else b""
            digest = hashlib.sha256(body).hexdigest()
            if digest != info.sha256 or len(body) != info.size:
                msg = Text(
                    f"{path.name}: 内存的 GTFS 时刻表 {info.name} 已被改动或损坏(应为 {info.size} 字节,"
                    f"sha256 {info.sha256[:16]}…,实为 {len(body)} 字节,sha256 {digest[:16]}…);"
                    f"请用 --gtfs {info.name} 重新构建路网",
                    f"{path.name}: embedded GTFS feed {info.name} was changed or damaged (expected "
                    f"{info.size} bytes with sha256 {info.sha256[:16]}…, found {len(body)} bytes with "
                    f"sha256 {digest[:16]}…); build the graph again with --gtfs {info.name}",
                )
                raise DataError(msg)
            out.append((info, body))
    return out


@contextlib.contextmanager
def embedded_feeds(path: str | PathLike[str]) -> Iterator[list[Path]]:
    """Write the feeds stored in a graph file to a temporary folder; yield their paths.

    The files keep their original names (so merged ids get the same prefixes as when the zips
    are passed directly to :func:`~tongcheng.network.gtfs.timetable_from_gtfs`) and are removed
    on exit. Each feed is checked against its SHA-256 first (see :func:`load_feeds`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from tongcheng.network import graph_from_arcs
    >>> g = graph_from_arcs([0, 1], [1, 0], times=[2.0, 3.0], profile="walk")
    >>> p = graph_to_npz(g, pathlib.Path(tempfile.mkdtemp()) / "g.npz")
    >>> with embedded_feeds(p) as paths:
    ...     paths
    []
    """
    feeds = load_feeds(path)
    with tempfile.TemporaryDirectory(prefix="tongcheng-gtfs-") as folder:
        paths = []
        for info, body in feeds:
            target = Path(folder) / info.name
            target.write_bytes(body)
            paths.append(target)
        yield paths


def _find_column(columns: list[str], names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _points_from_table(path: Path, id_column: str, encoding: str | None) -> pd.DataFrame:
    from ..io.tables import read_table

    table = read_table(path, encoding=encoding)
    frame = table.frame
    cols = list(frame.columns)
    lon_col, lat_col = _find_column(cols, _LON_NAMES), _find_column(cols, _LAT_NAMES)
    id_col = id_column if id_column in cols else None
    if id_col is None or lon_col is None or lat_col is None:
        missing = [
            table.problem(
                None,
                name,
                None,
                expected=Text(f"列 {name!r}({what_zh})", f"a column {name!r} ({what})"),
                fix=Text(f"添加该列,或把 {cols} 之一改名为 {name!r}",
                         f"add the column or rename one of {cols} to {name!r}"),
            )
            for name, found, what, what_zh in (
                (id_column, id_col, "point id", "点编号"),
                ("lon", lon_col, "WGS84 longitude in degrees", "WGS84 经度,单位度"),
                ("lat", lat_col, "WGS84 latitude in degrees", "WGS84 纬度,单位度"),
            )
            if found is None
        ]
        raise ValidationError(missing, summary=Text(f"{path.name}: 不是点位表",
                                                    f"{path.name}: not a point table"))
    problems = _coordinate_problems(table, lon_col, -180.0, 180.0)
    problems += _coordinate_problems(table, lat_col, -90.0, 90.0)
    ids = frame[id_col]
    for pos in np.flatnonzero((ids == "").to_numpy()):
        problems.append(
            table.problem(int(pos), id_col, "", expected=Text("点编号", "a point id"),
                          fix=Text("填写编号,或删除该行", "fill in the id or delete the row"))
        )
    for pos in np.flatnonzero((ids.duplicated(keep="first") & (ids != "")).to_numpy()):
        problems.append(
            table.problem(
                int(pos), id_col, ids.iloc[pos], expected=Text("不重复的编号", "a unique id"),
                fix=Text("每个点使用各自的编号", "give each point its own id")
            )
        )
    if problems:
        raise ValidationError(problems, summary=_points_summary(path.name, len(problems)))
    out = frame.drop(columns=[lon_col, lat_col]).rename(columns={id_col: "id"})
    out.insert(1, "lon", pd.to_numeric(frame[lon_col]).astype(np.float64))
    out.insert(2, "lat", pd.to_numeric(frame[lat_col]).astype(np.float64))
    out = _numeric_extras(out)
    out.attrs.update(file=table.file, coordinates=f"{lon_col},{lat_col}")
    contiguous = len(out) and table.row_number(len(out) - 1) - table.row_number(0) == len(out) - 1
    if contiguous and out.index.equals(pd.RangeIndex(len(out))):
        out.attrs["first_row"] = table.row_number(0)  # rows are contiguous: row of label i = first_row + i
    return out


def _coordinate_problems(table: Any, column: str, low: float, high: float) -> list[Problem]:
    values = pd.to_numeric(table.frame[column], errors="coerce")
    bad = values.isna() | (values < low) | (values > high)
    return [
        table.problem(
            int(pos),
            column,
            table.frame[column].iloc[pos],
            expected=Text(f"{low:g} 到 {high:g} 之间的度数(WGS84)",
                          f"a number of degrees between {low:g} and {high:g} (WGS84)"),
            fix=Text("更正坐标;投影坐标 x/y 须先转换为经纬度",
                     "correct the coordinate; projected x/y must be converted to lon/lat first"),
        )
        for pos in np.flatnonzero(bad.to_numpy())
    ]


def _numeric_extras(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn text columns that are entirely numbers (e.g. population) into numbers."""
    for col in frame.columns[3:]:
        converted = pd.to_numeric(frame[col], errors="coerce")
        if converted.notna().all():
            frame[col] = converted
    return frame


def _points_summary(name: str, n: int) -> Text:
    return Text(f"{name}: 点位中有 {n} 个问题", f"{name}: {n} problem(s) in the points")


def _points_from_geofile(path: Path, id_column: str, layer: str | None) -> pd.DataFrame:
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path, layer=layer)
    except Exception as exc:  # pyogrio raises several kinds for unreadable files
        problem = Problem(
            file=path.name,
            row=None,
            column=None,
            value=str(exc),
            expected=Text("可读取的点要素 GeoJSON/GeoPackage",
                          "a readable GeoJSON/GeoPackage of point features"),
            fix=Text("检查文件(GeoPackage 还要检查图层)", "check the file (and --layer for a GeoPackage)"),
        )
        raise ValidationError([problem]) from exc
    problems = []
    if gdf.crs is None:
        problems.append(
            Problem(
                file=path.name,
                row=None,
                column="geometry",
                value=None,
                expected=Text("坐标参考系(CRS)", "a coordinate reference system"),
                fix=Text("设置 CRS 后重新保存", "set the CRS and save again"),
            )
        )
    kinds = gdf.geometry.geom_type.to_numpy()
    for pos in np.flatnonzero(kinds != "Point"):
        problems.append(
            Problem(
                file=path.name,
                row=int(pos) + 1,
                column="geometry",
                value=str(kinds[pos]),
                expected=Text("点(Point;行号为要素序号,从 1 起)",
                              "a Point (rows are features, counted from 1)"),
                fix=Text("改用多边形的质心或代表点", "use centroids or representative points of polygons"),
            )
        )
    if id_column not in gdf.columns:
        problems.append(
            Problem(
                file=path.name,
                row=None,
                column=id_column,
                value=None,
                expected=Text(f"存放点编号的属性 {id_column!r}",
                              f"a property {id_column!r} with the point id"),
                fix=Text(f"添加该属性,或选用 {list(gdf.columns.drop('geometry'))} 之一",
                         f"add it or choose one of {list(gdf.columns.drop('geometry'))}"),
            )
        )
    if problems:
        raise ValidationError(problems, summary=_points_summary(path.name, len(problems)))
    geo = gdf.geometry.to_crs("EPSG:4326")
    out = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).rename(columns={id_column: "id"})
    rest = [c for c in out.columns if c not in ("id", "lon", "lat")]
    points = pd.DataFrame(
        {"id": out["id"].to_numpy(), "lon": geo.x.to_numpy(), "lat": geo.y.to_numpy()}
        | {c: out[c].to_numpy() for c in rest}
    )
    points.attrs.update(file=path.name, first_row=1, coordinates="geometry")
    return points


def points_from_file(
    path: str | PathLike[str],
    *,
    id_column: str = "id",
    encoding: str | None = None,
    layer: str | None = None,
) -> pd.DataFrame:
    """Read origin or destination points as a DataFrame ``id, lon, lat, …``.

    Parameters
    ----------
    path
        A table (``.csv``, ``.tsv``, ``.txt`` or ``.xlsx``) with an id column and WGS84
        longitude/latitude columns (``lon``/``lng``/``longitude``/``x`` and ``lat``/``latitude``/``y``),
        or a GeoJSON/GeoPackage/Shapefile of point features in any CRS.
    id_column
        Column (or feature property) holding the point ids.
    encoding
        Text encoding of a CSV when it is not UTF-8 (e.g. ``"gbk"``).
    layer
        Layer of a GeoPackage (default: the first).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``lon``, ``lat`` (float64, WGS84), then the file's other columns (all-numeric
        columns as numbers), in file order; accepted by
        :func:`~tongcheng.network.matrix.travel_time_matrix` and the other routing functions.

    Raises
    ------
    ValidationError
        Listing every problem with file, row (as in a spreadsheet: header = row 1; for
        geographic files the feature number) and column: missing columns, coordinates that
        are not numbers or out of range, empty or duplicate ids, non-point geometries.
    """
    path = Path(path)
    if path.suffix.lower() in _GEO_SUFFIXES:
        check_file(path, what=Text("点要素地理文件(GeoJSON/GeoPackage)", "a geographic file of points "
                                   "(GeoJSON/GeoPackage)"))
        return _points_from_geofile(path, id_column, layer)
    return _points_from_table(path, id_column, encoding)


_LEVELS = ("province", "city", "county")


def _select_units(store: Any, selector: str, label: str) -> tuple[pd.DataFrame, list[Problem]]:
    units = store.units()
    metros = store.metro_memberships()
    key = selector.strip()
    if key in _LEVELS:
        return units[units["level"] == key], []
    if key == "cores":
        codes = sorted(metros["core_code"].dropna().unique().tolist())
    elif key in set(metros["metro_code"]):
        codes = metros.loc[metros["metro_code"] == key, "member_code"].tolist()
    else:
        codes = [c.strip() for c in key.split(",") if c.strip()]
    unknown = [c for c in codes if c not in units.index]
    problems = [
        Problem(
            file=label,
            row=None,
            column="code",
            value=c,
            expected=Text(f"单元代码、层级 ({', '.join(_LEVELS)})、都市圈代码 "
                          f"({', '.join(sorted(set(metros['metro_code'])))}) 或 'cores'",
                          f"a unit code, a level ({', '.join(_LEVELS)}), a metro code "
                          f"({', '.join(sorted(set(metros['metro_code'])))}) or 'cores'"),
            fix=Text("用 `tongcheng units list` 核对代码", "check the code with `tongcheng units list`"),
        )
        for c in unknown
    ]
    return units.loc[[c for c in codes if c in units.index]], problems


def _unit_weights(
    store: Any, codes: pd.Index, weight: str, period: str | None, label: str
) -> tuple[pd.Series, str]:
    obs = store.observations(
        indicators=[weight], subject_kind="unit", periods=None if period is None else [period]
    )
    if obs.empty:
        when = "" if period is None else f" for period {period}"
        when_zh = "" if period is None else f"{period} 年的"
        problem = Problem(
            file=label,
            row=None,
            column=weight,
            value=None,
            expected=Text(f"指标 {weight!r} {when_zh}单元数值", f"unit values of indicator {weight!r}{when}"),
            fix=Text("导入该指标,或改用其他 --weight/--period",
                     "import the indicator or choose another --weight/--period"),
        )
        raise ValidationError([problem], summary=Text(f"项目中没有 {weight!r} {when_zh}数值",
                                                      f"the project has no values of {weight!r}{when}"))
    chosen = period if period is not None else str(obs["period"].max())
    values = obs[obs["period"] == chosen].set_index("unit_code")["value"]
    return values.reindex(codes), chosen


def points_from_project(
    project: Project,
    selector: str,
    *,
    weight: str | None = None,
    period: str | None = None,
) -> pd.DataFrame:
    """Return a project's units as points ``id, lon, lat, name_zh[, weight]``.

    Parameters
    ----------
    project
        An open project.
    selector
        Which units: a level (``"province"``, ``"city"``, ``"county"``), a metro code (its
        member units), ``"cores"`` (the core unit of every metro area) or unit codes
        separated by commas.
    weight
        Indicator code whose unit values are added as a column of that name (e.g.
        ``"pop_resident"``), for :func:`~tongcheng.network.isochrone.circle_coverage`.
    period
        Period of ``weight`` (default: the latest period with values).

    Returns
    -------
    pandas.DataFrame
        One row per unit in the order selected, ids = unit codes, coordinates = the stored
        representative point (WGS84). ``attrs["period"]`` is the period of ``weight`` used.

    Raises
    ------
    ValidationError
        Naming every unknown code, and every selected unit without a value of ``weight``.
    """
    label = f"project {project.root.name}"
    with project.store() as store:
        units, problems = _select_units(store, selector, label)
        if problems:
            raise ValidationError(problems, summary=Text(f"{selector!r} 中有 {len(problems)} 个未知单元",
                                                         f"{len(problems)} unknown unit(s) in {selector!r}"))
        out = pd.DataFrame(
            {
                "id": units.index.astype(str),
                "lon": units["lon"].to_numpy(np.float64),
                "lat": units["lat"].to_numpy(np.float64),
                "name_zh": units["name_zh"].to_numpy(),
            }
        )
        if weight is None:
            return out
        values, chosen = _unit_weights(store, units.index, weight, period, label)
    missing = values.isna().to_numpy()
    if missing.any():
        problems = [
            Problem(
                file=label,
                row=None,
                column=weight,
                value=f"{code} {name}",
                expected=Text(f"{chosen} 年的 {weight!r} 数值", f"a value of {weight!r} for period {chosen}"),
                fix=Text("导入缺少的数值、改用其他 --period,或少选一些单元",
                         "import the missing values, choose another --period, or select fewer units"),
            )
            for code, name in zip(out["id"][missing], out["name_zh"][missing], strict=True)
        ]
        raise ValidationError(
            problems, summary=Text(f"{int(missing.sum())} 个单元没有 {chosen} 年的 {weight!r}",
                                   f"{int(missing.sum())} unit(s) have no {weight!r} in {chosen}")
        )
    out[weight] = values.to_numpy(np.float64)
    out.attrs["period"] = chosen
    return out
