"""Store unit-to-unit travel times of a project as pair observations.

A project for any region (its own units, see :func:`tongcheng.units.load_units`) gets its road or
public-transport times between units from a graph built once with ``tongcheng network build``.
Each run is one import in the store: its SHA-256 identifies the run (graph file, mode, points,
options), its ``source`` names the graph file, its hash, the profile and, for transit, the
feeds, date, departure and window; every observation carries the run's own ``vintage``.

What is stored, per ordered pair of distinct units ``(i, j)``:

* indicator ``car_time_min``, ``walk_time_min``, ``bike_time_min`` or ``transit_time_min``,
  ``subject_key`` ``"i>j"``, value in **minutes** as float64 (not rounded; road times are the
  exact shortest-path times of :func:`~tongcheng.network.matrix.many_to_many` divided by 60,
  so they carry float64 precision, far below 1e-6 s; transit times are RAPTOR's whole
  seconds, the median over one departure a minute);
* ``value_kind`` ``"computed"``; an unreachable pair is stored with an empty value and the
  flag ``"unreachable"``;
* intra-unit pairs ``i>i`` are **not** stored: between a point and itself the time is 0 by
  construction and says nothing about travel inside a unit.

Points are snapped to the nearest node of the graph's largest strongly connected component;
the walk from a point to its node is not added (as in
:func:`~tongcheng.network.matrix.travel_time_matrix`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, ValidationError
from .._text import Text
from .graph import points_lonlat
from .matrix import travel_times_seconds

if TYPE_CHECKING:
    from ..project import Project
    from ..store import Store
    from ..store.records import ImportRecord

__all__ = ["MODE_INDICATORS", "store_travel_times", "travel_time_observations"]

MODE_INDICATORS: dict[str, str] = {
    "car": "car_time_min",
    "walk": "walk_time_min",
    "bike": "bike_time_min",
    "transit": "transit_time_min",
}
"""Indicator code stored for each mode."""

_GRAPH_PROFILE = {"car": "car", "walk": "walk", "bike": "bike", "transit": "walk"}
_CHUNK = 1 << 20


def travel_time_observations(
    seconds: np.ndarray,
    origin_codes: Sequence[str],
    destination_codes: Sequence[str],
    *,
    mode: str,
    period: str,
) -> pd.DataFrame:
    """Turn a seconds matrix into the long pair observations :meth:`Store.record_import` takes.

    Parameters
    ----------
    seconds
        ``(len(origin_codes), len(destination_codes))`` travel times in seconds (``inf`` or
        ``NaN`` = unreachable).
    origin_codes, destination_codes
        Unit codes of the rows and columns.
    mode
        ``"car"``, ``"walk"``, ``"bike"`` or ``"transit"``.
    period
        Period of the observations (e.g. ``"2026"``).

    Returns
    -------
    pandas.DataFrame
        ``indicator, subject_kind, subject_key, period, value, unit, value_kind, flags``; one
        row per pair of distinct units (``i>i`` left out), value in minutes (float64).

    Examples
    --------
    >>> t = travel_time_observations(np.array([[0.0, 90.0], [np.inf, 0.0]]), ["000001", "000002"],
    ...                              ["000001", "000002"], mode="car", period="2026")
    >>> t["subject_key"].tolist(), t["value"].tolist(), t["flags"].tolist()
    (['000001>000002', '000002>000001'], [1.5, nan], ['', 'unreachable'])
    """
    if mode not in MODE_INDICATORS:
        msg = f"mode={mode!r}; use one of {', '.join(MODE_INDICATORS)}"
        raise DataError(msg)
    o = np.repeat(np.asarray(origin_codes, dtype=object), len(destination_codes))
    d = np.tile(np.asarray(destination_codes, dtype=object), len(origin_codes))
    value = np.asarray(seconds, dtype=np.float64).ravel() / 60.0
    keep = o != d
    value = value[keep]
    reached = np.isfinite(value)
    return pd.DataFrame({
        "indicator": MODE_INDICATORS[mode],
        "subject_kind": "pair",
        "subject_key": pd.Series(o[keep], dtype=object) + ">" + pd.Series(d[keep], dtype=object),
        "period": period,
        "value": np.where(reached, value, np.nan),
        "unit": "min",
        "value_kind": "computed",
        "flags": np.where(reached, "", "unreachable"),
    })


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _points_digest(points: pd.DataFrame) -> str:
    ids, lon, lat = points_lonlat(points)
    text = "\n".join(f"{i},{x:.7f},{y:.7f}" for i, x, y in zip(ids, lon, lat, strict=True))
    return hashlib.sha256(text.encode()).hexdigest()


def _wrong_profile(name: str, profile: str, mode: str) -> DataError:
    """Return the error for a graph built for another profile than ``mode`` needs."""
    need = _GRAPH_PROFILE[mode]
    return DataError(Text(f"{name} 是 {profile or '未命名'} 路网;{mode} 出行时间需要 {need} 路网: "
                          f"tongcheng network build PBF --profile {need}",
                          f"{name} is a {profile or 'unnamed'} graph; {mode} times need a {need} graph: "
                          f"tongcheng network build PBF --profile {need}"))


def _unit_points(store: Store, points: pd.DataFrame | None, label: str) -> pd.DataFrame:
    units = store.units()
    if points is None:
        located = units[units["lon"].notna() & units["lat"].notna()]
        if located.empty:
            problem = Problem(file=label, row=None, column="code", value=None,
                              expected=Text("有中心点坐标 (lon, lat) 的单元",
                                            "units with a centroid (lon, lat)"),
                              fix=Text("请先导入本地区的单元: tongcheng units import FILE …",
                                       "import the region's units first: tongcheng units import FILE …"))
            raise ValidationError([problem], summary=Text(f"{label} 没有带坐标的单元",
                                                          f"{label} has no located units"))
        return pd.DataFrame({"id": located.index.astype(str),
                             "lon": located["lon"].to_numpy(np.float64),
                             "lat": located["lat"].to_numpy(np.float64)})
    ids, _, _ = points_lonlat(points)
    text = [str(i).zfill(6) if str(i).isdigit() else str(i) for i in ids]
    unknown = [(pos, code) for pos, code in enumerate(text) if code not in units.index]
    if unknown:
        problems = [Problem(file=label, row=pos + 1, column="id", value=code,
                            expected=Text("项目中已存单元的代码(行号为点的序号,从 1 起)",
                                          "the code of a unit stored in the project (rows are points, "
                                          "counted from 1)"),
                            fix=Text("用 `tongcheng units list` 中的单元代码作为点编号",
                                     "use the unit codes of `tongcheng units list` as point ids"))
                    for pos, code in unknown]
        raise ValidationError(problems, summary=Text(f"{len(unknown)} 个点不是项目中的单元",
                                                     f"{len(unknown)} point(s) are not units of the project"))
    out = points.copy()
    if "id" in out.columns:
        out["id"] = text
    else:
        out.index = pd.Index(text)
    return out


def _relative(path: Path, root: Path) -> str:
    """Return ``path`` relative to the project folder when inside it, else absolute."""
    full = path.resolve()
    return str(full.relative_to(root)) if full.is_relative_to(root) else str(full)


def _step(progress: Callable[[str], None] | None, what: str) -> None:
    if progress is not None:
        progress(what)


def _feed_identity(graph_path: Path, feeds: list[Path]) -> tuple[list[str], list[str], str]:
    """Return the names and SHA-256 of the feeds used, and where they come from (for the source)."""
    from .io import graph_feeds

    if feeds:
        from ..io.files import check_file

        what = Text("GTFS 时刻表(.zip)", "a GTFS feed (.zip)")
        return [f.name for f in feeds], [_sha256(check_file(f, what=what)) for f in feeds], ""
    embedded = graph_feeds(graph_path)
    if not embedded:
        msg = Text(f"{graph_path.name} 中没有 GTFS 时刻表: 请给出时刻表,或用 "
                   "`tongcheng network build PBF --profile walk --gtfs FEED` 重新构建",
                   f"{graph_path.name} holds no GTFS feeds: pass feeds, or build the graph with "
                   f"`tongcheng network build PBF --profile walk --gtfs FEED`")
        raise DataError(msg)
    return [f.name for f in embedded], [f.sha256 for f in embedded], " (stored in the graph)"


def store_travel_times(  # noqa: PLR0913
    project: Project,
    graph_path: str | PathLike[str],
    *,
    mode: str,
    origins: pd.DataFrame | None = None,
    destinations: pd.DataFrame | None = None,
    period: str | None = None,
    feeds: Sequence[str | PathLike[str]] = (),
    date: str | None = None,
    departure: str = "07:00",
    window: int | None = None,
    max_transfers: int = 8,
    max_walk_time: float = 900.0,
    threads: int = 2,
    max_snap_distance: float = 250.0,
    progress: Callable[[str], None] | None = None,
) -> tuple[ImportRecord, bool]:
    """Compute unit-to-unit travel times on a graph and store them as one import.

    Parameters
    ----------
    project
        The project; its store receives the observations (see the module notes for what is
        stored, including the handling of ``i>i``).
    graph_path
        Graph file from ``tongcheng network build`` (``.npz``); its SHA-256 is the provenance.
    mode
        ``"car"``, ``"walk"`` or ``"bike"`` (graph of that profile) or ``"transit"`` (a walk
        graph plus GTFS ``feeds``); stored as ``<mode>_time_min``.
    origins, destinations
        Points whose ids are unit codes of the project, e.g. population-weighted centroids
        (default: every stored unit at its centroid; destinations default to the origins).
    period
        Period of the observations (default: the year of ``date`` for transit, else the
        current UTC year).
    feeds, date, departure, window, max_transfers, max_walk_time
        Public transport options of
        :func:`~tongcheng.network.raptor.transit_travel_time_matrix` (``window`` in minutes;
        the median over the window is stored). Without ``feeds`` transit uses the feeds stored
        in the graph file (:func:`~tongcheng.network.io.embedded_feeds`).
    threads
        Number of threads.
    max_snap_distance
        Largest accepted point-to-node distance in metres.
    progress
        Called with a short description of each step.

    Returns
    -------
    tuple[ImportRecord, bool]
        The import and whether it was written now (``False``: the same run, i.e. the same
        graph file, mode, points and options, was stored before; nothing was written).

    Raises
    ------
    ValidationError
        Points that are not project units or lie off the network (every one named); nothing
        is written.
    DataError
        The graph's profile does not fit ``mode``, transit options are missing, the graph
        holds no feeds when none are given, or a stored feed was changed.
    """
    from ..store.records import ImportRecord
    from .io import embedded_feeds, graph_from_npz

    if mode not in MODE_INDICATORS:
        msg = f"mode={mode!r}; use one of {', '.join(MODE_INDICATORS)}"
        raise DataError(msg)
    if (mode != "transit" and feeds) or (mode == "transit" and not date):
        msg = Text("公交出行时间需要 GTFS 时刻表和运营日期(不给时刻表时使用 "
                   "`tongcheng network build --gtfs` 存入路网的时刻表);道路方式两者都不需要",
                   "transit times need GTFS feeds and a service date (without feeds: the feeds stored "
                   "in the graph by `tongcheng network build --gtfs`); road modes take neither")
        raise DataError(msg)
    path = Path(graph_path)
    _step(progress, "graph")
    graph = graph_from_npz(path)
    if graph.profile != _GRAPH_PROFILE[mode]:
        raise _wrong_profile(path.name, graph.profile, mode)
    label = f"project {project.root.name}"
    with project.store() as store:
        origins = _unit_points(store, origins, label)
        destinations = origins if destinations is None else _unit_points(store, destinations, label)
    o_ids, *_ = points_lonlat(origins)
    d_ids, *_ = points_lonlat(destinations)
    graph_sha = _sha256(path)
    if period is None:
        period = date[:4] if (mode == "transit" and date) else str(dt.datetime.now(dt.UTC).year)
    options: dict[str, object] = {"mode": mode, "graph_sha256": graph_sha, "profile": graph.profile,
                                  "max_snap_distance": max_snap_distance, "period": period,
                                  "origins": _points_digest(origins),
                                  "destinations": _points_digest(destinations)}
    source = f"{path.name} sha256:{graph_sha[:16]} profile={graph.profile}"
    if mode == "transit":
        feed_paths = [Path(f) for f in feeds]
        names, hashes, where = _feed_identity(path, feed_paths)
        options |= {"feeds": hashes, "date": date, "departure": departure,
                    "window": window, "max_transfers": max_transfers, "max_walk_time": max_walk_time}
        source += (f" gtfs={'+'.join(names)}{where} date={date} depart={departure}"
                   f" window={window or 0}min median max_walk={max_walk_time:g}s")
    run_sha = hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()
    with project.store() as store:
        previous = store.find_import(run_sha)
    if previous is not None and previous.reverted_at is None:
        return previous, False
    _step(progress, "route")
    if mode == "transit":
        from .raptor import transit_travel_time_matrix

        with contextlib.ExitStack() as stack:
            if not feed_paths:
                feed_paths = stack.enter_context(embedded_feeds(path))
            table = transit_travel_time_matrix(
                graph, [str(f) for f in feed_paths], origins, destinations, date=date,
                departure=departure, window=window, max_transfers=max_transfers,
                max_walk_time=max_walk_time, max_snap_distance=max_snap_distance, threads=threads)
        seconds = table["travel_time"].to_numpy(np.float64).reshape(len(o_ids), len(d_ids))
    else:
        seconds = travel_times_seconds(graph, origins, destinations, threads=threads,
                                     max_snap_distance=max_snap_distance)
    rows = travel_time_observations(seconds, [str(i) for i in o_ids], [str(i) for i in d_ids],
                                    mode=mode, period=period)
    unreachable = rows.loc[rows["flags"] == "unreachable", "subject_key"].tolist()
    record = ImportRecord(
        sha256=run_sha, file_name=path.name, stored_path=_relative(path, project.root), source=source,
        vintage=f"{mode} run {run_sha[:12]}", n_rows_read=len(rows),
        n_warnings=len(unreachable), warnings_json=json.dumps(unreachable[:100]))
    _step(progress, "store")
    with project.store() as store:
        if previous is not None:  # the same run was stored and reverted: store it again
            return store.reapply_import(dataclasses.replace(record, id=previous.id), rows), True
        return store.record_import(record, rows), True
