"""GTFS feeds read for one service date and turned into RAPTOR arrays.

The feeds are read with pandas directly (``stops``, ``trips``, ``stop_times``, ``calendar``,
``calendar_dates``, optional ``frequencies`` and ``transfers``). gtfs-kit pulls in folium,
rtree and a map stack, and partridge is unmaintained; neither interpolates blank
``stop_times`` or reports problems by file, row and column, which routing needs.

A :class:`Timetable` holds the service of one date as flat arrays:

* *routes* in the RAPTOR sense: trips with the same stop sequence, split further so that no
  trip overtakes another (a FIFO condition RAPTOR relies on), trips sorted by departure;
* *footpaths* between distinct stops within a walking radius (straight-line distance at a
  walking speed), amended by ``transfers.txt``.

Times are integer seconds after midnight of the service date (they may exceed 24 h).
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, ValidationError
from .._text import Text
from ..io.files import check_file, not_text, open_zip, parse_csv

__all__ = ["Timetable", "assemble_timetable", "check_gtfs_zip", "parse_gtfs_time", "timetable_from_gtfs"]

_EARTH_RADIUS_M = 6_371_008.8
_DAY = 86_400
_TIME_RE = r"^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$"
_REQUIRED = {
    "stops.txt": ("stop_id", "stop_lat", "stop_lon"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
}
_CALENDAR = (
    "service_id",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "start_date",
    "end_date",
)
_CALENDAR_DATES = ("service_id", "date", "exception_type")

FeedSource = str | PathLike[str]


@dataclass(frozen=True, eq=False)
class Timetable:
    """The scheduled service of one date, as arrays for :mod:`~tongcheng.network.raptor`.

    Attributes
    ----------
    date
        The service date.
    stops
        One row per stop: ``stop_id`` (prefixed by the feed when several are merged), ``stop_name``,
        ``lon``, ``lat``, ``feed``. Row ``i`` is stop index ``i``.
    route_stops_ptr, route_stops
        CSR: the stop indices of route ``r`` in order are
        ``route_stops[route_stops_ptr[r]:route_stops_ptr[r + 1]]``.
    route_pickup, route_dropoff
        Aligned with ``route_stops``: whether passengers may board (GTFS ``pickup_type`` not 1)
        and alight (``drop_off_type`` not 1) there. Trips with different rules at the same
        stops belong to different routes, so the rules hold for every trip of a route.
    route_trips_ptr
        Trips of route ``r`` are ``route_trips_ptr[r]:route_trips_ptr[r + 1]`` (sorted by departure).
    route_times_ptr
        Offset of route ``r`` in ``arrival``/``departure``; trip ``j`` of the route (0-based) at
        position ``i`` is at ``route_times_ptr[r] + j * n_stops_of_route + i``.
    arrival, departure
        ``int64`` seconds after midnight.
    trip_ids
        GTFS ``trip_id`` of each trip (prefixed), in route order.
    route_ids
        GTFS ``route_id`` of each RAPTOR route (several RAPTOR routes may share one).
    stop_routes_ptr, stop_routes, stop_route_pos
        CSR by stop: each visit of a stop by a route, as (route, position in the route).
    footpath_ptr, footpath_to, footpath_time
        CSR by stop: footpaths to other stops with their walking time in seconds.
    """

    date: dt.date
    stops: pd.DataFrame
    route_stops_ptr: np.ndarray
    route_stops: np.ndarray
    route_pickup: np.ndarray
    route_dropoff: np.ndarray
    route_trips_ptr: np.ndarray
    route_times_ptr: np.ndarray
    arrival: np.ndarray
    departure: np.ndarray
    trip_ids: np.ndarray
    route_ids: np.ndarray
    stop_routes_ptr: np.ndarray
    stop_routes: np.ndarray
    stop_route_pos: np.ndarray
    footpath_ptr: np.ndarray
    footpath_to: np.ndarray
    footpath_time: np.ndarray

    @property
    def n_stops(self) -> int:
        """Number of stops."""
        return len(self.stops)

    @property
    def n_routes(self) -> int:
        """Number of RAPTOR routes."""
        return len(self.route_stops_ptr) - 1

    @property
    def n_trips(self) -> int:
        """Number of trips running on the date."""
        return len(self.trip_ids)

    def stop_index(self, stop_ids: Sequence[str]) -> np.ndarray:
        """Return the stop indices of (prefixed) ``stop_ids``.

        Raises
        ------
        DataError
            If an id is not a stop of the timetable.
        """
        pos = pd.Index(self.stops["stop_id"]).get_indexer(list(stop_ids))
        if (pos < 0).any():
            missing = [s for s, p in zip(stop_ids, pos, strict=True) if p < 0][:5]
            msg = f"unknown stop ids {missing}; use the prefixed ids of Timetable.stops"
            raise DataError(msg)
        return pos.astype(np.int64)

    def __repr__(self) -> str:
        return (
            f"Timetable({self.date.isoformat()}, stops={self.n_stops}, routes={self.n_routes}, "
            f"trips={self.n_trips}, footpaths={len(self.footpath_to)})"
        )


def parse_gtfs_time(values: pd.Series, *, file: str = "", column: str = "") -> np.ndarray:
    """Return GTFS ``H:MM:SS`` times as float seconds (``NaN`` for blanks).

    Hours may exceed 23 (trips running past midnight).

    Parameters
    ----------
    values
        Time strings; blank or missing entries become ``NaN``.
    file, column
        Where the values come from, for error messages (row numbers count the header as row 1).

    Raises
    ------
    ValidationError
        Listing every value that is neither blank nor ``H:MM:SS``.

    Examples
    --------
    >>> parse_gtfs_time(pd.Series(["07:05:00", "", "25:00:30"])).tolist()
    [25500.0, nan, 90030.0]
    """
    text = values.astype("string").fillna("")
    parts = text.str.extract(_TIME_RE)
    blank = text.str.strip() == ""
    bad = parts[0].isna() & ~blank
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        problems = [
            Problem(
                file=file,
                row=int(i) + 2,
                column=column or None,
                value=str(text.iloc[i]),
                expected=Text("HH:MM:SS 格式的时刻(小时可超过 23)或留空",
                              "a time HH:MM:SS (hours may exceed 23) or blank"),
                fix=Text("时刻写成 HH:MM:SS,如 07:05:00;过午夜写 25:10:00",
                         "write times as HH:MM:SS, e.g. 07:05:00 or 25:10:00 after midnight"),
            )
            for i in rows[:50]
        ]
        msg = Text(f"{file or '输入'} 中有 {len(rows)} 个时刻不是 HH:MM:SS",
                   f"{len(rows)} time(s) in {file or 'input'} are not HH:MM:SS")
        raise ValidationError(problems, summary=msg)
    nums = parts.astype("float64")
    return (nums[0] * 3600 + nums[1] * 60 + nums[2]).to_numpy(dtype=np.float64)


_FEED = Text("GTFS 时刻表(.txt 表格的 zip 文件)", "a GTFS feed (a zip of .txt tables)")


def _missing_table(label: str, table: str) -> Problem:
    fix = (Text("添加 calendar.txt 或 calendar_dates.txt(GTFS 至少需要其一)",
                "add calendar.txt or calendar_dates.txt (GTFS requires one)") if table == "calendar.txt"
           else Text("添加 {table}(GTFS 规范要求)", "add {table}; GTFS requires it").format(table=table))
    return Problem(file=f"{label}/{table}", row=None, column=None, value=None,
                   expected=Text("表 {table}", "a table {table}").format(table=table), fix=fix)


def _missing_columns(file: str, columns: Sequence[str]) -> list[Problem]:
    return [Problem(file=file, row=1, column=c, value=None,
                    expected=Text("列 '{c}'", "a column '{c}'").format(c=c),
                    fix=Text("添加 GTFS 规范要求的 '{c}' 列", "add the '{c}' column required by the GTFS "
                             "reference").format(c=c))
            for c in columns]


def _read_table(
    zf: zipfile.ZipFile, name: str, label: str, *, required: Sequence[str]
) -> pd.DataFrame | None:
    """Read one GTFS table as strings; ``None`` if absent. Missing columns raise a located error."""
    members = {Path(n).name: n for n in zf.namelist() if not n.endswith("/")}
    if name not in members:
        return None
    try:
        with zf.open(members[name]) as fh:
            raw = fh.read()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _damaged(label, members[name], exc) from exc
    frame = parse_csv(f"{label}/{name}", raw)
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValidationError(_missing_columns(f"{label}/{name}", missing),
                              summary=Text(f"{label}/{name} 缺少必需的列 {missing}",
                                           f"{label}/{name} lacks required column(s) {missing}"))
    return frame


def _first_line(zf: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> str:
    """Read a table member through to its end, checking it is UTF-8 text; return its header line."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    head: bytes | None = None
    rows = 1
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            head = chunk[: chunk.find(b"\n") + 1 or len(chunk)] if head is None else head
            nul = chunk.find(b"\x00")
            if nul >= 0:
                raise not_text(label, chunk[nul:], row=rows + chunk.count(b"\n", 0, nul))
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                start = max(exc.start, 0)
                row = rows + chunk.count(b"\n", 0, start)
                raise not_text(label, chunk[start:start + 64], row=row) from exc
            rows += chunk.count(b"\n")
    return (head or b"").decode("utf-8-sig", "replace")


def _damaged(label: str, member: str, exc: BaseException | None = None) -> ValidationError:
    problem = Problem(file=f"{label}/{member}", row=None, column=None,
                      value=None if exc is None else str(exc)[:200], expected=_FEED,
                      fix=Text("zip 中的该文件已损坏(CRC 校验失败),请重新下载时刻表",
                               "this member of the zip is damaged (CRC error); download the feed again"))
    return ValidationError([problem], summary=Text(f"GTFS 时刻表 {label} 已损坏",
                                                   f"GTFS feed {label} is damaged"))


def _int_column(frame: pd.DataFrame, column: str, file: str) -> np.ndarray:
    """Return a column of integers, with a located error for each non-integer."""
    num = pd.to_numeric(frame[column].str.strip(), errors="coerce")
    bad = num.isna() | (num != num.round())
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        problems = [
            Problem(
                file=file,
                row=int(i) + 2,
                column=column,
                value=str(frame[column].iloc[i]),
                expected=Text("整数", "an integer"),
                fix=Text(f"'{column}' 列请填整数", f"fill '{column}' with whole numbers"),
            )
            for i in rows[:50]
        ]
        raise ValidationError(
            problems, summary=Text(f"{file} 的 '{column}' 列有 {len(rows)} 个值不是整数",
                                   f"{len(rows)} non-integer value(s) in {file} column '{column}'")
        )
    return num.to_numpy(dtype=np.int64)


def _boarding_allowed(st: pd.DataFrame, column: str, file: str) -> np.ndarray:
    """Return whether ``pickup_type``/``drop_off_type`` allows boarding/alighting at each row.

    GTFS: blank or 0 regular, 1 none, 2 phone the agency, 3 ask the driver. Only 1 forbids it;
    2 and 3 are taken as possible (an analyst measuring reach would rather not lose demand stops).
    """
    if column not in st.columns:
        return np.ones(len(st), dtype=np.bool_)
    raw = st[column].fillna("").astype(str).str.strip().to_numpy()
    bad = ~np.isin(raw, ["", "0", "1", "2", "3"])
    if bad.any():
        rows = st["row"].to_numpy()[bad]
        problems = [
            Problem(file=file, row=int(r), column=column, value=str(v),
                    expected=Text("空白、0、1、2 或 3", "blank, 0, 1, 2 or 3"),
                    fix=Text(f"按 GTFS 规范更正 {column}", f"correct {column} (GTFS reference)"))
            for r, v in zip(rows[:50], raw[bad][:50], strict=True)
        ]
        raise ValidationError(problems, summary=Text(f"{file} 中有 {len(rows)} 个无效的 {column} 值",
                                                     f"{len(rows)} invalid {column} value(s) in {file}"))
    return raw != "1"


def check_gtfs_zip(data: bytes, name: str) -> None:
    """Refuse bytes that are not a zip holding the tables (and columns) GTFS requires.

    Parameters
    ----------
    data
        The zip file's bytes.
    name
        Its file name, for messages.

    Raises
    ------
    ValidationError
        If the bytes are not a complete zip, a member is damaged or declares an implausible
        size (:data:`~tongcheng.io.files.MAX_MEMBER_BYTES`), listing each missing table
        and each missing required column (in Chinese and English).
    """
    tables = (*_REQUIRED, "calendar.txt", "calendar_dates.txt")
    headers: dict[str, str] = {}
    with open_zip(data, name, what=_FEED) as zf:
        for info in zf.infolist():
            table = Path(info.filename).name
            wanted = table in tables and not info.is_dir()
            try:
                headers |= {table: _first_line(zf, info, f"{name}/{table}")} if wanted else {}
                if not wanted:
                    with zf.open(info) as fh:  # every member is read once: CRC errors surface here
                        while fh.read(1 << 20):
                            pass
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise _damaged(name, info.filename, exc) from exc
    required = dict(_REQUIRED)
    if "calendar.txt" in headers or "calendar_dates.txt" not in headers:
        required["calendar.txt"] = _CALENDAR
    if "calendar_dates.txt" in headers:
        required["calendar_dates.txt"] = _CALENDAR_DATES
    problems: list[Problem] = []
    for table, columns in required.items():
        if table not in headers:
            problems.append(_missing_table(name, table))
            continue
        present = {c.strip().strip('"') for c in headers[table].strip().split(",")}
        problems += _missing_columns(f"{name}/{table}", [c for c in columns if c not in present])
    if problems:
        raise ValidationError(
            problems, summary=Text(f"{name} 不是完整的 GTFS 时刻表,未写入路网文件",
                                   f"{name} is not a complete GTFS feed; the graph was not written")
        )


def _active_services(zf: zipfile.ZipFile, label: str, date: dt.date) -> set[str]:
    """Return the service ids running on ``date`` (calendar.txt, then calendar_dates.txt)."""
    cal = _read_table(zf, "calendar.txt", label, required=_CALENDAR)
    dates = _read_table(zf, "calendar_dates.txt", label, required=_CALENDAR_DATES)
    if cal is None and dates is None:
        raise ValidationError([_missing_table(label, "calendar.txt")],
                              summary=Text(f"{label} 没有运营日历", f"{label} has no calendar"))
    ymd = int(date.strftime("%Y%m%d"))
    active: set[str] = set()
    if cal is not None and len(cal):
        file = f"{label}/calendar.txt"
        start, end = _int_column(cal, "start_date", file), _int_column(cal, "end_date", file)
        day = _int_column(cal, _CALENDAR[1 + date.weekday()], file)
        on = (start <= ymd) & (ymd <= end) & (day == 1)
        active = set(cal["service_id"].str.strip()[on])
    if dates is not None and len(dates):
        file = f"{label}/calendar_dates.txt"
        when = _int_column(dates, "date", file)
        kind = _int_column(dates, "exception_type", file)
        sid = dates["service_id"].str.strip()
        today = when == ymd
        active |= set(sid[today & (kind == 1)])
        active -= set(sid[today & (kind == 2)])
    return active


def _interpolate(st: pd.DataFrame, lon: np.ndarray, lat: np.ndarray, file: str) -> pd.DataFrame:
    """Fill blank times of intermediate stops, by distance along the trip (GTFS timepoints)."""
    t_arr, t_dep = st["arr"].to_numpy(), st["dep"].to_numpy()
    t_arr = np.where(np.isnan(t_arr), t_dep, t_arr)
    t_dep = np.where(np.isnan(t_dep), t_arr, t_dep)
    trip = st["trip"].to_numpy()
    first = np.r_[True, trip[1:] != trip[:-1]]
    last = np.r_[trip[1:] != trip[:-1], True]
    ends_blank = (first | last) & np.isnan(t_arr)
    if ends_blank.any():
        rows = st["row"].to_numpy()[ends_blank]
        problems = [
            Problem(
                file=file,
                row=int(r),
                column="arrival_time",
                value="",
                expected=Text("每个班次首末站都有时刻", "times at the first and last stop of every trip"),
                fix=Text("给每个班次首末站的 stop_times 填写到站与离站时刻",
                         "give the first and last stop_times of each trip arrival and departure times"),
            )
            for r in rows[:50]
        ]
        raise ValidationError(problems, summary=Text(f"{file} 中有 {len(rows)} 个班次首末站没有时刻",
                                                     f"{len(rows)} trip end(s) without times in {file}"))
    if not np.isnan(t_arr).any():
        return st.assign(arr=t_arr, dep=t_dep)
    s = st["stop"].to_numpy()
    if "dist" in st.columns and not st["dist"].isna().any():
        dist = st["dist"].to_numpy(dtype=np.float64)
    else:
        step = _haversine(lon[s[:-1]], lat[s[:-1]], lon[s[1:]], lat[s[1:]])
        step = np.r_[0.0, np.where(first[1:], 0.0, step)]
        starts = np.flatnonzero(first)
        cum = np.cumsum(step)
        dist = cum - np.repeat(cum[starts], np.diff(np.r_[starts, len(st)]))
    # index along the trip breaks ties when distances do not grow
    idx = np.arange(len(st), dtype=np.float64)
    known = ~np.isnan(t_arr)
    frame = pd.DataFrame(
        {
            "trip": trip,
            "t": np.where(known, t_dep, np.nan),
            "d": np.where(known, dist, np.nan),
            "i": np.where(known, idx, np.nan),
        }
    )
    prev = frame.groupby("trip", sort=False)[["t", "d", "i"]].ffill()
    after = (
        frame.assign(t=np.where(known, t_arr, np.nan)).groupby("trip", sort=False)[["t", "d", "i"]].bfill()
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return _fill(st, t_arr, t_dep, known, dist, idx, prev, after)


def _fill(
    st: pd.DataFrame,
    t_arr: np.ndarray,
    t_dep: np.ndarray,
    known: np.ndarray,
    dist: np.ndarray,
    idx: np.ndarray,
    prev: pd.DataFrame,
    after: pd.DataFrame,
) -> pd.DataFrame:
    """Linear interpolation of blank times between the surrounding timepoints."""
    span = after["d"].to_numpy() - prev["d"].to_numpy()
    frac_d = (dist - prev["d"].to_numpy()) / np.where(span > 0, span, 1.0)
    frac_i = (idx - prev["i"].to_numpy()) / (after["i"].to_numpy() - prev["i"].to_numpy())
    frac = np.clip(np.where(span > 0, frac_d, frac_i), 0.0, 1.0)
    fill = np.round(prev["t"].to_numpy() + frac * (after["t"].to_numpy() - prev["t"].to_numpy()))
    return st.assign(arr=np.where(known, t_arr, fill), dep=np.where(known, t_dep, fill))


def _haversine(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _stops(
    tables: dict[str, pd.DataFrame], label: str, prefix: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Check and return the stops of one feed (prefixed ids) with their coordinates."""
    stops = tables["stops.txt"]
    file = f"{label}/stops.txt"
    lat = pd.to_numeric(stops["stop_lat"], errors="coerce").to_numpy(dtype=np.float64)
    lon = pd.to_numeric(stops["stop_lon"], errors="coerce").to_numpy(dtype=np.float64)
    stop_ids = stops["stop_id"].str.strip()
    used = set(tables["stop_times.txt"]["stop_id"].str.strip())
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)) & stop_ids.isin(
        used
    )
    problems = [
        Problem(
            file=file,
            row=int(i) + 2,
            column="stop_lat/stop_lon",
            value=f"{stops['stop_lat'].iloc[i]}, {stops['stop_lon'].iloc[i]}",
            expected=Text("WGS84 纬度和经度", "WGS84 latitude and longitude"),
            fix=Text("填写该站点的坐标", "give the stop its coordinates"),
        )
        for i in np.flatnonzero(bad.to_numpy())[:50]
    ]
    dup = stop_ids.duplicated().to_numpy()
    problems += [
        Problem(
            file=file,
            row=int(i) + 2,
            column="stop_id",
            value=stop_ids.iloc[i],
            expected=Text("不重复的站点编号", "unique stop ids"),
            fix=Text("删除或改名重复的站点", "remove or rename the duplicate stop"),
        )
        for i in np.flatnonzero(dup)[:50]
    ]
    if problems:
        raise ValidationError(problems, summary=Text(f"{file} 中有 {len(problems)} 个问题",
                                                     f"{len(problems)} problem(s) in {file}"))
    stop_frame = pd.DataFrame(
        {
            "stop_id": prefix + stop_ids,
            "stop_name": stops["stop_name"].to_numpy() if "stop_name" in stops.columns else "",
            "lon": lon,
            "lat": lat,
            "feed": label,
        }
    )
    return stop_frame, lon, lat


def _open_feed(path: Path, label: str, date: dt.date) -> tuple[dict[str, pd.DataFrame], set[str], set[str]]:
    """Read the tables of one zip and the services running on ``date`` and the day before."""
    zf = open_zip(path, label, what=_FEED)
    with zf:
        tables: dict[str, pd.DataFrame] = {}
        for name, cols in _REQUIRED.items():
            table = _read_table(zf, name, label, required=cols)
            if table is None:
                raise ValidationError([_missing_table(label, name)],
                                      summary=Text(f"{label} 缺少 {name}", f"{label} lacks {name}"))
            tables[name] = table
        services = _active_services(zf, label, date)
        before = _active_services(zf, label, date - dt.timedelta(days=1))
        optional = {
            "frequencies.txt": ("trip_id", "start_time", "end_time", "headway_secs"),
            "transfers.txt": ("from_stop_id", "to_stop_id", "transfer_type"),
        }
        for name, cols in optional.items():
            table = _read_table(zf, name, label, required=cols)
            if table is not None:
                tables[name] = table
    return tables, services, before


def _read_feed(path: Path, prefix: str, date: dt.date, stop_offset: int) -> dict[str, pd.DataFrame]:
    """Read one feed: its stops and the stop_times of trips running on ``date``."""
    label = path.name
    check_file(path, what=_FEED)
    tables, services, before = _open_feed(path, label, date)
    freq, transfers = tables.get("frequencies.txt"), tables.get("transfers.txt")
    stop_frame, lon, lat = _stops(tables, label, prefix)
    local = pd.Index(stop_frame["stop_id"].str.removeprefix(prefix))

    trips = tables["trips.txt"]
    trips = trips.assign(trip_id=trips["trip_id"].str.strip(), service_id=trips["service_id"].str.strip())
    running = trips[trips["service_id"].isin(services | before)]
    st = tables["stop_times.txt"]
    file = f"{label}/stop_times.txt"
    st = st.assign(trip_id=st["trip_id"].str.strip(), row=np.arange(len(st)) + 2)
    st = st[st["trip_id"].isin(set(running["trip_id"]))]
    stop_pos = local.get_indexer(st["stop_id"].str.strip())
    if (stop_pos < 0).any():
        rows = st["row"].to_numpy()[stop_pos < 0]
        problems = [
            Problem(
                file=file,
                row=int(r),
                column="stop_id",
                value=str(v),
                expected=Text("stops.txt 中列出的 stop_id", "a stop_id listed in stops.txt"),
                fix=Text("把该站点加入 stops.txt,或更正编号", "add the stop to stops.txt or correct the id"),
            )
            for r, v in zip(rows[:50], st["stop_id"].to_numpy()[stop_pos < 0][:50], strict=True)
        ]
        raise ValidationError(problems, summary=Text(f"{file} 中有 {len(rows)} 个未知站点",
                                                     f"{len(rows)} unknown stop(s) in {file}"))
    seq = _int_column(st.reset_index(drop=True), "stop_sequence", file) if len(st) else np.zeros(0, np.int64)
    out = pd.DataFrame(
        {
            "trip": st["trip_id"].to_numpy().astype(object),
            "seq": seq,
            "stop": stop_pos + stop_offset,
            "arr": parse_gtfs_time(
                st["arrival_time"].reset_index(drop=True), file=file, column="arrival_time"
            ),
            "dep": parse_gtfs_time(
                st["departure_time"].reset_index(drop=True), file=file, column="departure_time"
            ),
            "row": st["row"].to_numpy(),
        }
    )
    out["pick"] = _boarding_allowed(st, "pickup_type", file)
    out["drop"] = _boarding_allowed(st, "drop_off_type", file)
    if "shape_dist_traveled" in st.columns:
        out["dist"] = pd.to_numeric(st["shape_dist_traveled"], errors="coerce").to_numpy()
    out = out.sort_values(["trip", "seq"], kind="stable").reset_index(drop=True)
    all_lon = np.r_[np.zeros(stop_offset), lon]
    all_lat = np.r_[np.zeros(stop_offset), lat]
    out = _interpolate(out, all_lon, all_lat, file)
    route_of = dict(zip(running["trip_id"], running["route_id"].str.strip(), strict=True))
    out["route"] = [prefix + route_of[t] for t in out["trip"]]
    service_of = dict(zip(running["trip_id"], running["service_id"], strict=True))
    out["svc"] = [service_of[t] for t in out["trip"]]
    if freq is not None and len(freq):
        out = _expand_frequencies(out, freq, f"{label}/frequencies.txt")
    out = _with_previous_day(out, services, before)
    out["trip"] = [prefix + t for t in out["trip"]]
    result = {"stops": stop_frame, "stop_times": out}
    if transfers is not None and len(transfers):
        result["transfers"] = _transfer_pairs(transfers, local, stop_offset, f"{label}/transfers.txt")
    return result


def _with_previous_day(st: pd.DataFrame, today: set[str], before: set[str]) -> pd.DataFrame:
    """Keep today's trips and add yesterday's trips still running after midnight, 24 h earlier."""
    svc = st.pop("svc")
    now = st[svc.isin(today).to_numpy()]
    late = st[svc.isin(before).to_numpy()]
    if late.empty:
        return now
    last = late.groupby("trip", sort=False)["arr"].transform("max")
    late = late[(last >= _DAY).to_numpy()]
    late = late.assign(
        trip=[t + "@-1d" for t in late["trip"]], arr=late["arr"] - _DAY, dep=late["dep"] - _DAY
    )
    return pd.concat([now, late], ignore_index=True)


def _transfer_pairs(transfers: pd.DataFrame, local: pd.Index, offset: int, file: str) -> pd.DataFrame:
    """Return transfers.txt as stop-index pairs with their type and minimum time (unknown stops dropped)."""
    tr = transfers.assign(
        from_stop=local.get_indexer(transfers["from_stop_id"].str.strip()) + offset,
        to_stop=local.get_indexer(transfers["to_stop_id"].str.strip()) + offset,
        kind=_int_column(transfers.replace({"transfer_type": {"": "0"}}), "transfer_type", file),
        min_time=pd.to_numeric(
            transfers.get("min_transfer_time", pd.Series("", index=transfers.index)), errors="coerce"
        ),
    )
    return tr[(tr["from_stop"] >= offset) & (tr["to_stop"] >= offset)]


def _expand_frequencies(st: pd.DataFrame, freq: pd.DataFrame, file: str) -> pd.DataFrame:
    """Replace frequency-based template trips by one scheduled trip per headway."""
    start = parse_gtfs_time(freq["start_time"], file=file, column="start_time")
    end = parse_gtfs_time(freq["end_time"], file=file, column="end_time")
    headway = _int_column(freq, "headway_secs", file)
    templates = freq["trip_id"].str.strip().to_numpy()
    pieces = [st[~st["trip"].isin(set(templates))]]
    for tid, t0, t1, h in zip(templates, start, end, headway, strict=True):
        trip = st[st["trip"] == tid]
        if trip.empty or h <= 0:
            continue
        base = trip["dep"].iloc[0]
        for k, t in enumerate(np.arange(t0, t1, h)):
            shift = t - base
            pieces.append(
                trip.assign(trip=f"{tid}@{int(t0)}+{k}", arr=trip["arr"] + shift, dep=trip["dep"] + shift)
            )
    return pd.concat(pieces, ignore_index=True)


def _fifo_routes(times: np.ndarray) -> np.ndarray:
    """Split trips (rows, sorted by departure) of one stop pattern into FIFO groups; return group labels."""
    n = times.shape[0]
    label = np.zeros(n, dtype=np.int64)
    if n <= 1 or (np.diff(times, axis=0) >= 0).all():
        return label
    lasts: list[np.ndarray] = []
    for j in range(n):
        for g, last in enumerate(lasts):
            if (times[j] >= last).all():
                lasts[g] = times[j]
                label[j] = g
                break
        else:
            label[j] = len(lasts)
            lasts.append(times[j])
    return label


def _build_routes(st: pd.DataFrame) -> dict[str, np.ndarray]:
    """Group trips into FIFO routes with identical stop sequences and lay out the time arrays."""
    trip = st["trip"].to_numpy()
    first = np.r_[True, trip[1:] != trip[:-1]] if len(st) else np.zeros(0, bool)
    starts = np.flatnonzero(first)
    lengths = np.diff(np.r_[starts, len(st)])
    stops = st["stop"].to_numpy(dtype=np.int64)
    n_rows = len(st)
    pick = st["pick"].to_numpy(dtype=np.bool_) if "pick" in st else np.ones(n_rows, np.bool_)
    drop = st["drop"].to_numpy(dtype=np.bool_) if "drop" in st else np.ones(n_rows, np.bool_)
    # a route is a stop sequence together with where one may board and alight
    pattern_key = [
        stops[a : a + n].tobytes() + pick[a : a + n].tobytes() + drop[a : a + n].tobytes()
        for a, n in zip(starts, lengths, strict=True)
    ]
    codes, _ = pd.factorize(pd.Series(pattern_key, dtype=object))
    arr, dep = st["arr"].to_numpy(dtype=np.int64), st["dep"].to_numpy(dtype=np.int64)
    route_names = st["route"].to_numpy()[starts]
    r_stops, r_pick, r_drop, r_stops_ptr, r_trips_ptr, r_times_ptr = [], [], [], [0], [0], [0]
    a_out, d_out, trip_ids, route_ids = [], [], [], []
    order = np.argsort(codes, kind="stable")
    bounds = (
        np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0, True])
        if len(starts)
        else np.zeros(1, np.int64)
    )
    for b0, b1 in itertools.pairwise(bounds):
        members = order[b0:b1]
        n = int(lengths[members[0]])
        idx = starts[members][:, None] + np.arange(n)[None, :]
        ta, td = arr[idx], dep[idx]
        by = np.lexsort(tuple(td[:, ::-1].T))  # by departure at the first stop, then later stops
        members, ta, td = members[by], ta[by], td[by]
        both = np.empty((len(members), 2 * n), dtype=np.int64)
        both[:, 0::2], both[:, 1::2] = ta, td
        groups = _fifo_routes(both)
        for g in range(int(groups.max()) + 1):
            sel = groups == g
            first_row = slice(starts[members[0]], starts[members[0]] + n)
            r_stops.append(stops[first_row])
            r_pick.append(pick[first_row])
            r_drop.append(drop[first_row])
            r_stops_ptr.append(r_stops_ptr[-1] + n)
            r_trips_ptr.append(r_trips_ptr[-1] + int(sel.sum()))
            r_times_ptr.append(r_times_ptr[-1] + int(sel.sum()) * n)
            a_out.append(ta[sel].ravel())
            d_out.append(td[sel].ravel())
            trip_ids.append(trip[starts[members[sel]]])
            route_ids.append(route_names[members[0]])
    cat = lambda xs, dt_: np.concatenate(xs).astype(dt_) if xs else np.zeros(0, dt_)  # noqa: E731
    return {
        "route_stops": cat(r_stops, np.int64),
        "route_pickup": cat(r_pick, np.bool_),
        "route_dropoff": cat(r_drop, np.bool_),
        "route_stops_ptr": np.asarray(r_stops_ptr, dtype=np.int64),
        "route_trips_ptr": np.asarray(r_trips_ptr, dtype=np.int64),
        "route_times_ptr": np.asarray(r_times_ptr[:-1], dtype=np.int64),
        "arrival": cat(a_out, np.int64),
        "departure": cat(d_out, np.int64),
        "trip_ids": cat(trip_ids, object),
        "route_ids": np.asarray(route_ids, dtype=object),
    }


def _footpaths(
    stops: pd.DataFrame, transfers: list[pd.DataFrame], *, radius: float, speed: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Footpaths within ``radius`` metres at ``speed`` m/s, amended by transfers.txt; CSR by stop."""
    from scipy.spatial import cKDTree

    lon, lat = stops["lon"].to_numpy(), stops["lat"].to_numpy()
    n = len(stops)
    pairs = np.zeros((0, 2), dtype=np.int64)
    if radius > 0 and n > 1:
        lat0 = np.radians(np.nanmedian(lat))
        xy = np.column_stack([np.radians(lon) * np.cos(lat0), np.radians(lat)]) * _EARTH_RADIUS_M
        ok = np.flatnonzero(np.isfinite(xy).all(axis=1))
        found = cKDTree(xy[ok]).query_pairs(radius * 1.01, output_type="ndarray")
        pairs = ok[found] if len(found) else pairs
        pairs = np.vstack([pairs, pairs[:, ::-1]])
    secs = np.ceil(_haversine(lon[pairs[:, 0]], lat[pairs[:, 0]], lon[pairs[:, 1]], lat[pairs[:, 1]]) / speed)
    keep = secs <= np.ceil(radius / speed)
    table = pd.DataFrame({"a": pairs[keep, 0], "b": pairs[keep, 1], "t": secs[keep]})
    for given_tr in transfers:
        tr = given_tr[given_tr["from_stop"] != given_tr["to_stop"]]
        a, b = tr["from_stop"].to_numpy(np.int64), tr["to_stop"].to_numpy(np.int64)
        walk = np.ceil(_haversine(lon[a], lat[a], lon[b], lat[b]) / speed)
        given = np.where(
            (tr["kind"] == 2) & tr["min_time"].notna(), tr["min_time"].to_numpy(dtype=float), walk
        )
        extra = pd.DataFrame({"a": a, "b": b, "t": given, "kind": tr["kind"].to_numpy()})
        merged = table.merge(extra, on=["a", "b"], how="outer", suffixes=("", "_tr"))
        merged["t"] = merged["t_tr"].fillna(merged["t"])
        table = merged[merged["kind"].fillna(0) != 3][["a", "b", "t"]]  # type 3: no transfer possible
    table = table.sort_values(["a", "b"], kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(table["a"].to_numpy(np.int64), minlength=n), out=ptr[1:])
    return ptr, table["b"].to_numpy(np.int64), table["t"].to_numpy(np.int64)


def _as_date(date: dt.date | str) -> dt.date:
    if isinstance(date, dt.datetime):
        return date.date()
    if isinstance(date, dt.date):
        return date
    text = str(date).strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    msg = Text(f"日期应为 datetime.date 或 'YYYY-MM-DD';实为 {date!r}",
               f"date must be a datetime.date or 'YYYY-MM-DD'; got {date!r}")
    raise DataError(msg)


def timetable_from_gtfs(
    feeds: FeedSource | Sequence[FeedSource] | Mapping[str, FeedSource],
    *,
    date: dt.date | str,
    footpath_radius: float = 300.0,
    walk_speed: float = 1.0,
    use_transfers: bool = True,
) -> Timetable:
    """Read GTFS feeds and return the service of ``date`` as a :class:`Timetable`.

    Trips run on ``date`` if their service is active in ``calendar.txt`` (weekday and date range)
    and not removed, or added, in ``calendar_dates.txt``. Blank times at intermediate stops are
    interpolated by ``shape_dist_traveled`` or else by straight-line distance between stops.
    Frequency-based trips (``frequencies.txt``) become one trip per headway. Trips of the
    previous service day still running after midnight (times past ``24:00:00``) are included,
    24 hours earlier (negative times before midnight; ``trip_id`` suffixed ``@-1d``).

    Parameters
    ----------
    feeds
        One GTFS zip, several (ids get the prefix ``"<file stem>:"``), or a mapping from prefix to zip
        (ids get ``"<prefix>:"``). A single feed given alone keeps its ids unprefixed.
    date
        Service date (``datetime.date`` or ``"YYYY-MM-DD"``).
    footpath_radius
        Stops at most this many metres apart (straight line) are joined by a footpath; ``0`` for none.
    walk_speed
        Walking speed for footpaths in metres per second (1.0 m/s is r5's 3.6 km/h).
    use_transfers
        Apply ``transfers.txt``: ``min_transfer_time`` of type-2 transfers replaces the walking time,
        type-3 pairs get no footpath, other pairs are added with their walking time.

    Returns
    -------
    Timetable
        Arrays for :func:`~tongcheng.network.raptor.earliest_arrival` and
        :func:`~tongcheng.network.raptor.range_raptor`.

    Raises
    ------
    ValidationError
        For a missing file or column, times not ``HH:MM:SS``, unknown stops or non-integer
        sequences, each located by file, row and column.
    DataError
        If a feed is not a zip file or the options are invalid.
    """
    day = _as_date(date)
    if not (walk_speed > 0 and footpath_radius >= 0):
        msg = f"walk_speed must be > 0 and footpath_radius >= 0; got {walk_speed!r}, {footpath_radius!r}"
        raise DataError(msg)
    if isinstance(feeds, Mapping):
        named = [(f"{k}:", Path(v)) for k, v in feeds.items()]
    elif isinstance(feeds, (str, PathLike)):
        named = [("", Path(feeds))]
    else:
        paths = [Path(f) for f in feeds]
        named = [(f"{p.stem}:" if len(paths) > 1 else "", p) for p in paths]
    if len({p for p, _ in named}) < len(named):
        msg = "feeds must have distinct prefixes (file stems); pass a mapping {prefix: path}"
        raise DataError(msg)
    stops, times, transfers = [], [], []
    offset = 0
    for prefix, path in named:
        part = _read_feed(path, prefix, day, offset)
        stops.append(part["stops"])
        times.append(part["stop_times"])
        if use_transfers and "transfers" in part:
            transfers.append(part["transfers"])
        offset += len(part["stops"])
    stop_frame = pd.concat(stops, ignore_index=True)
    st = pd.concat(times, ignore_index=True)
    footpaths = _footpaths(stop_frame, transfers, radius=footpath_radius, speed=walk_speed)
    return assemble_timetable(day, stop_frame, st, footpaths=footpaths)


def assemble_timetable(
    date: dt.date,
    stops: pd.DataFrame,
    stop_times: pd.DataFrame,
    *,
    footpaths: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> Timetable:
    """Build a :class:`Timetable` from stop events of any source (GTFS, a city-level timetable).

    Parameters
    ----------
    date
        Service date of the events.
    stops
        One row per stop index.
    stop_times
        One row per stop event, sorted by trip then order along it: ``trip``, ``stop`` (index),
        ``arr``, ``dep`` (``int64`` seconds), ``route``, optionally ``pick``/``drop`` (booleans,
        default allowed).
    footpaths
        CSR ``(ptr, to, time)`` by stop; ``None`` for no footpaths.

    Returns
    -------
    Timetable
    """
    routes = _build_routes(stop_times)
    n_stops = len(stops)
    ptr = routes["route_stops_ptr"]
    route_of_slot = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
    pos = np.arange(len(routes["route_stops"])) - ptr[route_of_slot]
    by_stop = np.argsort(routes["route_stops"], kind="stable")
    sr_ptr = np.zeros(n_stops + 1, dtype=np.int64)
    np.cumsum(np.bincount(routes["route_stops"], minlength=n_stops), out=sr_ptr[1:])
    if footpaths is None:
        footpaths = (np.zeros(n_stops + 1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    fp_ptr, fp_to, fp_time = footpaths
    return Timetable(
        date=date,
        stops=stops,
        **routes,
        stop_routes_ptr=sr_ptr,
        stop_routes=route_of_slot[by_stop].astype(np.int64),
        stop_route_pos=pos[by_stop].astype(np.int64),
        footpath_ptr=fp_ptr,
        footpath_to=fp_to,
        footpath_time=fp_time,
    )
