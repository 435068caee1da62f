"""`tongcheng network …`: build road graphs, travel-time matrices, isochrones, one-hour coverage."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import click
import pandas as pd

from ._common import LANG, Bar, UserFile, _lang_of, handle_errors, pick_lang
from ._messages import msg

_GRAPH = click.option("--graph", "graph_path", required=True,
                      type=UserFile(),
                      help="Graph file from `tongcheng network build`. 路网文件。")
_THREADS = click.option("--threads", type=click.IntRange(min=1), default=2, show_default=True,
                        help="Threads. 线程数。")
_SNAP = click.option("--max-snap-distance", type=click.FloatRange(min=0), default=250.0, show_default=True,
                     help="Largest point-to-network distance in metres. 点到路网的最大距离(米)。")
_ID = click.option("--id-column", default="id", show_default=True,
                   help="Column (or feature property) of point ids. 点编号列。")
_PROJECT = click.option("--project", "project_dir", default=None,
                        type=click.Path(exists=True, file_okay=False, path_type=Path),
                        help="Project whose units may be used as points: give a level (city, county), "
                             "a metro code, 'cores' or unit codes instead of a file. 项目目录。")
_TABLE_SUFFIXES = {".csv", ".parquet"}
_GEO_SUFFIXES = {".geojson", ".gpkg"}


def _numbers(value: str, option: str, lang: str = "zh") -> list[float]:
    try:
        numbers = [float(v) for v in value.split(",") if v.strip()]
    except ValueError:
        numbers = []
    if not numbers or any(b <= 0 for b in numbers) or numbers != sorted(set(numbers)):
        raise click.BadParameter(msg("nf_numbers", lang, value=value), param_hint=option)
    return numbers


def _points(spec: str, project_dir: Path | None, id_column: str, *, option: str, lang: str,
            weight: str | None = None, period: str | None = None) -> pd.DataFrame:
    """Read points from a file, or select a project's units when ``--project`` is given."""
    from ..network.io import points_from_file, points_from_project
    from ..project import Project

    if project_dir is None or _looks_like_file(spec):
        if project_dir is None and not _looks_like_file(spec):
            raise click.BadParameter(msg("nf_points_missing", lang, spec=spec), param_hint=option)
        return points_from_file(spec, id_column=id_column)
    return points_from_project(Project.open(project_dir), spec, weight=weight, period=period)


def _looks_like_file(spec: str) -> bool:
    """Whether ``spec`` names a file (existing, or with a file ending) rather than a unit selection."""
    try:
        return Path(spec).exists() or Path(spec).suffix.lower() in {*_TABLE_SUFFIXES, *_GEO_SUFFIXES,
                                                                     ".xlsx", ".json", ".tsv", ".txt"}
    except OSError:  # a name too long for the file system is still meant as a file
        return True


def _check_suffix(path: Path, allowed: set[str], lang: str = "zh", option: str = "--out") -> None:
    """Refuse a file name whose ending is not one of ``allowed``."""
    if path.suffix.lower() not in allowed:
        ends = (" 或 " if lang == "zh" else " or ").join(sorted(allowed))
        raise click.BadParameter(msg("nf_suffix", lang, name=path.name, ends=ends), param_hint=option)


def _write_table(frame: pd.DataFrame, path: Path, *, index: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.to_parquet(path, index=index)
    else:
        frame.to_csv(path, index=index, encoding="utf-8-sig")


@click.group()
def network() -> None:
    """Road graphs and travel times (exact, offline). 路网与出行时间。

    Build a graph once from an OpenStreetMap .osm.pbf file, then reuse it for
    matrices (by road, or by public transport from GTFS on a walk graph),
    isochrones and one-hour-circle coverage. Points are CSV/Excel files with id,
    lon, lat (WGS84) columns, GeoJSON/GeoPackage points, or with --project the
    project's units (a level, a metro code, 'cores' or unit codes).
    """


@network.command("build")
@click.argument("pbf", type=UserFile())
@click.option("--profile", type=click.Choice(["car", "walk", "bike"]), default="car", show_default=True,
              help="Travel mode. 出行方式。")
@click.option("--gtfs", "feeds", multiple=True, type=UserFile(),
              help="GTFS feed (.zip), repeatable, stored inside the graph file (bytes, name, SHA-256) "
                   "so `network matrix --mode transit` needs no other file; with --profile walk only. "
                   "存入路网文件的公交/轨道时刻表(可多个,仅限步行路网)。")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Graph file to write (.npz). 输出路网文件。")
@LANG
@handle_errors
def build_cmd(pbf: Path, profile: str, feeds: tuple[Path, ...], out_path: Path, lang: str | None) -> None:
    """Build a road graph from an OSM PBF file. 由 OSM PBF 构建路网。

    Keeps the largest strongly connected component (every node reaches every other)
    and saves the graph with its metadata as one .npz file. With --gtfs (walk graphs)
    each feed is checked and stored in the file, which then alone reproduces transit
    times.

    使用 --gtfs 时(仅限步行路网),时刻表经检查后存入路网文件,单个文件即可复现公交出行时间。
    """
    from ..network import graph_from_pbf, largest_component
    from ..network.io import check_feeds, graph_to_npz

    lang = pick_lang(lang)
    if feeds and profile != "walk":
        raise click.BadParameter(msg("gtfs_needs_walk", lang, profile=profile), param_hint="--gtfs")
    check_feeds(feeds)  # a bad feed is refused before the graph is built
    start = time.perf_counter()
    bar = Bar(3, "build")
    try:
        bar("read")
        full = graph_from_pbf(pbf, profile=profile)
        bar("component")
        graph = largest_component(full)
        bar("save")
        path = graph_to_npz(graph, out_path, metadata={"source": pbf.name, "largest_component": True},
                            feeds=feeds)
    finally:
        bar.close()
    click.echo(msg("nf_build_done", lang, profile=profile, nodes=f"{graph.n_nodes:,}",
                   arcs=f"{graph.n_arcs:,}", n0=f"{full.n_nodes:,}", a0=f"{full.n_arcs:,}",
                   s=f"{time.perf_counter() - start:.1f}"))
    if feeds:
        click.echo(msg("feeds_stored", lang, n=len(feeds), names=", ".join(f.name for f in feeds)))
    click.echo(msg("nf_written", lang, path=path))


@network.command("matrix")
@_GRAPH
@click.option("--origins", "origins_spec", default=None,
              help="Origin points (with --store-as default: every unit of the project). 起点。")
@click.option("--destinations", "destinations_spec", default=None,
              help="Destination points (default: the origins). 终点(默认同起点)。")
@click.option("--mode", type=click.Choice(["car", "walk", "bike", "transit"]), default=None,
              help="car, walk or bike: by road, on a graph built with that --profile; transit: public "
                   "transport on a walk graph, with the --gtfs feeds or else those stored in the graph "
                   "(default: the --store-as mode, transit with --gtfs, else the graph's profile). "
                   "出行方式: 道路方式须与路网的 --profile 一致;transit 用 --gtfs 或路网内存的时刻表。")
@click.option("--cutoff", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Ignore trips longer than this many minutes (left empty). 时间上限(分钟)。")
@click.option("--gtfs", "feeds", multiple=True, type=UserFile(),
              help="GTFS feed (.zip), repeatable: public transport with walking access/egress on a walk "
                   "graph; overrides the feeds stored by `network build --gtfs`. "
                   "公交/轨道时刻表(可多个,优先于路网内存的时刻表)。")
@click.option("--date", "service_date", default=None,
              help="Service date for transit, e.g. 2019-05-13. 运营日期。")
@click.option("--depart", default="07:00", show_default=True, help="Departure time for transit. 出发时刻。")
@click.option("--window", type=click.IntRange(min=1), default=None,
              help="Departure window in minutes for transit: one departure a minute. 出发时间窗(分钟)。")
@click.option("--percentiles", default="50", show_default=True,
              help="Percentiles of travel time over the window, e.g. 5,50,95. 百分位数。")
@click.option("--max-transfers", type=click.IntRange(min=0), default=8, show_default=True,
              help="Largest number of changes for transit. 最多换乘次数。")
@click.option("--max-walk", type=click.FloatRange(min=0), default=15.0, show_default=True,
              help="Longest access, egress or direct walk in minutes for transit. 最长步行(分钟)。")
@_THREADS
@_SNAP
@_ID
@_PROJECT
@click.option("--store-as", "store_as", type=click.Choice(["car", "walk", "bike", "transit"]), default=None,
              help="Store the unit-to-unit times in the --project as <mode>_time_min (minutes; "
                   "i→i not stored) instead of writing --out; agrees with --mode. 存入项目(分钟)。")
@click.option("--period", default=None,
              help="Period of the stored times with --store-as (default: the --date year for "
                   "transit, else this year). 数据期。")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Long table from_id,to_id,travel_time (seconds; with a window also travel_time_p<q>): "
                   ".csv or .parquet. 输出文件。")
@LANG
@handle_errors
def matrix_cmd(graph_path: Path, origins_spec: str | None, destinations_spec: str | None,  # noqa: PLR0913, PLR0917
               mode: str | None, cutoff: float | None, feeds: tuple[Path, ...], service_date: str | None,
               depart: str, window: int | None, percentiles: str, max_transfers: int, max_walk: float,
               threads: int, max_snap_distance: float, id_column: str, project_dir: Path | None,
               store_as: str | None, period: str | None, out_path: Path | None,
               lang: str | None) -> None:
    """Travel times between points, exact, in seconds. 点间出行时间矩阵(秒)。

    By road (--mode car, walk or bike, the graph's profile); --mode transit by public
    transport on a walk graph (RAPTOR; with --window, percentiles over one departure a
    minute), with the --gtfs feeds or else the feeds stored in the graph by `network build
    --gtfs`. With --project and --store-as, the times between the project's units (their
    centroids, or --origins points whose ids are unit codes, e.g. population-weighted
    centres) are stored as one import instead.

    --mode 的道路方式须与路网的 --profile 一致;transit 使用 --gtfs 给出的或路网中存入的时刻表。
    """
    from ..network import travel_time_matrix
    from ..network.io import graph_from_npz

    lang = _lang(lang, project_dir)
    if store_as is not None and mode is not None and mode != store_as:
        raise click.UsageError(msg("mode_store_as", lang, mode=mode, store_as=store_as))
    mode = mode or store_as or ("transit" if feeds else None)
    if feeds and mode != "transit":
        raise click.BadParameter(msg("gtfs_needs_transit", lang, mode=mode), param_hint="--gtfs")
    if store_as is not None:
        _store_matrix(graph_path, origins_spec, destinations_spec, cutoff=cutoff, feeds=feeds,
                      service_date=service_date, depart=depart, window=window,
                      percentiles=percentiles, max_transfers=max_transfers, max_walk=max_walk,
                      threads=threads, max_snap_distance=max_snap_distance, id_column=id_column,
                      project_dir=project_dir, store_as=store_as, period=period,
                      out_path=out_path, lang=lang)
        return
    if out_path is None or origins_spec is None:
        raise click.UsageError(msg("nf_matrix_needs", lang))
    _check_suffix(out_path, _TABLE_SUFFIXES, lang)
    if mode == "transit" and (cutoff is not None or service_date is None):
        raise click.UsageError(msg("transit_date", lang))
    start = time.perf_counter()
    graph = graph_from_npz(graph_path)
    _check_mode(graph_path, graph.profile, mode, lang)
    origins = _points(origins_spec, project_dir, id_column, option="--origins", lang=lang)
    destinations = (None if destinations_spec is None
                    else _points(destinations_spec, project_dir, id_column, option="--destinations",
                                 lang=lang))
    if mode == "transit":
        from ..network.raptor import transit_travel_time_matrix

        with _transit_feeds(graph_path, feeds, lang) as paths:
            table = transit_travel_time_matrix(
                graph, [str(f) for f in paths], origins, destinations, date=service_date,
                departure=depart, window=window, max_transfers=max_transfers,
                percentiles=_numbers(percentiles, "--percentiles", lang), max_walk_time=max_walk * 60.0,
                max_snap_distance=max_snap_distance, threads=threads)
    else:
        table = travel_time_matrix(graph, origins, destinations, threads=threads,
                                   cutoff=None if cutoff is None else cutoff * 60.0,
                                   max_snap_distance=max_snap_distance)
    _write_table(table, out_path)
    n_dest = len(origins) if destinations is None else len(destinations)
    click.echo(msg("nf_matrix_done", lang, o=f"{len(origins):,}", d=f"{n_dest:,}",
                   r=f"{int(table['travel_time'].notna().sum()):,}", n=f"{len(table):,}",
                   s=f"{time.perf_counter() - start:.2f}"))
    click.echo(msg("nf_written", lang, path=out_path))


def _lang(lang: str | None, project_dir: Path | None) -> str:
    """Return the language of messages: --lang, else the project's, else zh."""
    return _lang_of({"lang": lang, "project_dir": project_dir})


def _check_mode(graph_path: Path, profile: str, mode: str | None, lang: str) -> None:
    """Refuse a road mode other than the graph's profile, and transit on a graph not built for walking."""
    need = "walk" if mode == "transit" else mode
    if need is not None and profile and profile != need:
        text = msg("mode_profile", lang, graph=graph_path.name, profile=profile, need=need)
        raise click.ClickException(text)


@contextlib.contextmanager
def _transit_feeds(graph_path: Path, feeds: tuple[Path, ...], lang: str) -> Iterator[list[Path]]:
    """Yield the --gtfs feeds, else the feeds stored in the graph (extracted while in use)."""
    from ..network.io import embedded_feeds, graph_feeds

    if feeds:
        yield list(feeds)
        return
    if not graph_feeds(graph_path):
        raise click.ClickException(msg("no_feeds", lang, graph=graph_path.name))
    with embedded_feeds(graph_path) as paths:
        yield paths


def _store_matrix(graph_path: Path, origins_spec: str | None, destinations_spec: str | None, *,  # noqa: PLR0913
                  cutoff: float | None, feeds: tuple[Path, ...], service_date: str | None, depart: str,
                  window: int | None, percentiles: str, max_transfers: int, max_walk: float,
                  threads: int, max_snap_distance: float, id_column: str, project_dir: Path | None,
                  store_as: str, period: str | None, out_path: Path | None, lang: str) -> None:
    """`network matrix --store-as`: parse the points, call the library, report."""
    from ..network.project_times import MODE_INDICATORS, store_travel_times
    from ..project import Project

    if project_dir is None or out_path is not None or cutoff is not None:
        raise click.UsageError(msg("nf_store_needs", lang))
    if _numbers(percentiles, "--percentiles", lang) != [50.0]:
        raise click.UsageError(msg("nf_store_median", lang))
    if (store_as != "transit" and feeds) or (store_as == "transit" and service_date is None):
        raise click.UsageError(msg("nf_store_transit", lang))
    project = Project.open(project_dir)
    origins = None if origins_spec is None else _points(origins_spec, project_dir, id_column,
                                                         option="--origins", lang=lang)
    destinations = (None if destinations_spec is None
                    else _points(destinations_spec, project_dir, id_column, option="--destinations",
                                 lang=lang))
    bar = Bar(4, "matrix")
    try:
        record, written = store_travel_times(
            project, graph_path, mode=store_as, origins=origins, destinations=destinations,
            period=period, feeds=[str(f) for f in feeds], date=service_date, departure=depart,
            window=window, max_transfers=max_transfers, max_walk_time=max_walk * 60.0,
            threads=threads, max_snap_distance=max_snap_distance, progress=bar)
    finally:
        bar.close()
    if not written:
        click.echo(msg("times_unchanged", lang, id=record.id))
        return
    click.echo(msg("times_stored", lang, indicator=MODE_INDICATORS[store_as], n=record.n_observations,
                   id=record.id, vintage=record.vintage, unreachable=record.n_warnings))


@network.command("isochrone")
@_GRAPH
@click.option("--origins", "origins_spec", required=True, help="Origin points. 起点。")
@click.option("--breaks", "breaks_text", default="15,30,45,60", show_default=True,
              help="Upper bounds of the time bands in minutes. 等时圈分段(分钟)。")
@click.option("--buffer", type=click.FloatRange(min=0, min_open=True), default=50.0, show_default=True,
              help="Metres drawn on each side of reachable streets. 道路缓冲(米)。")
@_THREADS
@_SNAP
@_ID
@_PROJECT
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Polygons per origin and band: .geojson or .gpkg. 输出文件。")
@LANG
@handle_errors
def isochrone_cmd(graph_path: Path, origins_spec: str, breaks_text: str,  # noqa: PLR0913, PLR0917
                  buffer: float, threads: int, max_snap_distance: float, id_column: str,
                  project_dir: Path | None, out_path: Path, lang: str | None) -> None:
    """Isochrones: the area reachable within each time band. 等时圈。

    One polygon per origin and band (bands are cumulative); travel_time is the
    band's upper bound in seconds, minutes the same in minutes.
    """
    from ..network import isochrones
    from ..network.io import graph_from_npz

    lang = _lang(lang, project_dir)
    breaks = _numbers(breaks_text, "--breaks", lang)
    _check_suffix(out_path, _GEO_SUFFIXES, lang)
    graph = graph_from_npz(graph_path)
    origins = _points(origins_spec, project_dir, id_column, option="--origins", lang=lang)
    polygons = isochrones(graph, origins, breaks=[b * 60.0 for b in breaks], buffer=buffer,
                          threads=threads, max_snap_distance=max_snap_distance)
    polygons.insert(2, "minutes", polygons["travel_time"] / 60.0)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    polygons.to_file(out_path, driver="GPKG" if out_path.suffix.lower() == ".gpkg" else "GeoJSON")
    click.echo(msg("nf_isochrone_done", lang, n=f"{len(polygons):,}", o=f"{len(origins):,}",
                   b=len(breaks), path=out_path))


@network.command("coverage")
@_GRAPH
@click.option("--cores", "cores_spec", required=True,
              help="Core points, e.g. city centres (with --project: 'cores'). 核心点(如城市中心)。")
@click.option("--cells", "cells_spec", required=True,
              help="Grid-cell or unit points with the --weight column (with --project: e.g. county). "
                   "网格或单元中心点。")
@click.option("--weight", default="population", show_default=True,
              help="Column of --cells to sum (population, jobs, area …); with --project an indicator "
                   "code, e.g. pop_resident. 加总的列或指标。")
@click.option("--period", default=None,
              help="Period of the --weight indicator with --project (default: latest). 指标年份。")
@click.option("--threshold", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="Travel-time threshold in minutes. 时间阈值(分钟)。")
@_THREADS
@_SNAP
@_ID
@_PROJECT
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="One row per core: id, within, total, share, cells_within (.csv or .parquet). 输出文件。")
@LANG
@handle_errors
def coverage_cmd(graph_path: Path, cores_spec: str, cells_spec: str, weight: str,  # noqa: PLR0913, PLR0917
                 period: str | None, threshold: float, threads: int, max_snap_distance: float,
                 id_column: str, project_dir: Path | None, out_path: Path, lang: str | None) -> None:
    """One-hour circle: how much lies within reach of each core. 一小时通勤圈覆盖。"""
    from ..network import circle_coverage
    from ..network.io import graph_from_npz

    lang = _lang(lang, project_dir)
    _check_suffix(out_path, _TABLE_SUFFIXES, lang)
    graph = graph_from_npz(graph_path)
    cores = _points(cores_spec, project_dir, id_column, option="--cores", lang=lang)
    cells = _points(cells_spec, project_dir, id_column, option="--cells", lang=lang, weight=weight,
                    period=period)
    result = circle_coverage(graph, cores, cells=cells, weight=weight, threshold=threshold * 60.0,
                             threads=threads, max_snap_distance=max_snap_distance)
    _write_table(result, out_path, index=True)
    if "period" in cells.attrs:
        click.echo(msg("nf_coverage_head", lang, weight=weight, period=cells.attrs["period"],
                       n=f"{len(cells):,}"))
    for core, row in result.iterrows():
        click.echo(msg("nf_share_row", lang, core=core, share=f"{row['share']:.1%}", weight=weight,
                       t=f"{threshold:g}", within=f"{row['within']:,.0f}", total=f"{row['total']:,.0f}"))
    click.echo(msg("nf_written", lang, path=out_path))
