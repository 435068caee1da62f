"""Scheduled transit routing: RAPTOR, range RAPTOR and door-to-door travel-time matrices.

RAPTOR (Delling, Pajor & Werneck 2012, *Round-Based Public Transit Routing*) computes, round by
round, the earliest arrival at every stop using at most ``k`` trips. After the trips of a round,
one footpath (see :class:`~tongcheng.network.gtfs.Timetable`) may be walked from a stop reached by a
trip; footpaths are not chained, and none is walked from the source stops (their access legs
already are walks). Staying at a stop to change trips takes no time. A trip is boarded only
where GTFS ``pickup_type`` allows it and left only where ``drop_off_type`` does.

Range RAPTOR runs departures from the last to the first, keeping the labels of later runs
(they stay valid for earlier departures), so each run only explores what improves. Each
run's earliest arrivals equal those of an independent run, which the tests check.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from os import PathLike

import numba
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import DataError
from .graph import RoadGraph, contract_graph, main_component_nodes, points_lonlat, snap_points
from .gtfs import Timetable, timetable_from_gtfs

__all__ = ["earliest_arrival", "range_raptor", "transit_travel_time_matrix"]

_INF = np.int64(2**62)
_PHAST_MIN_SOURCES = 32


@numba.njit(cache=True)
def _scan(tau, ttrip, marked, tmark, qpos, queue, src_stop, src_time, tt):  # noqa: PLR0912, PLR0913, PLR0915 # pragma: no cover
    """One RAPTOR run on labels ``tau``/``ttrip`` of shape ``(rounds + 1, n_stops)`` (kept for reuse)."""
    (r_stops_ptr, r_stops, r_pick, r_drop, r_trips_ptr, r_times_ptr, arr, dep, s_ptr, s_route, s_pos,
     f_ptr, f_to, f_time) = tt
    inf = np.int64(2**62)
    n_rounds = tau.shape[0] - 1
    n_stops = tau.shape[1]
    for i in range(len(src_stop)):
        p = src_stop[i]
        if src_time[i] < tau[0, p]:
            tau[0, p] = src_time[i]
            marked[p] = True
    for k in range(1, n_rounds + 1):
        for p in range(n_stops):
            tau[k, p] = min(tau[k, p], tau[k - 1, p])
            ttrip[k, p] = min(ttrip[k, p], ttrip[k - 1, p])
        nq = 0
        for p in range(n_stops):
            if marked[p]:
                marked[p] = False
                for e in range(s_ptr[p], s_ptr[p + 1]):
                    r = s_route[e]
                    if qpos[r] < 0:
                        queue[nq] = r
                        nq += 1
                        qpos[r] = s_pos[e]
                    elif s_pos[e] < qpos[r]:
                        qpos[r] = s_pos[e]
        if nq == 0:
            continue
        for qi in range(nq):
            r = queue[qi]
            start = qpos[r]
            qpos[r] = -1
            base = r_stops_ptr[r]
            n_st = r_stops_ptr[r + 1] - base
            n_tr = r_trips_ptr[r + 1] - r_trips_ptr[r]
            off = r_times_ptr[r]
            trip = -1
            for i in range(start, n_st):
                p = r_stops[base + i]
                if trip >= 0 and r_drop[base + i]:
                    a = arr[off + trip * n_st + i]
                    if a < ttrip[k, p]:
                        ttrip[k, p] = a
                        tmark[p] = True
                        if a < tau[k, p]:
                            tau[k, p] = a
                            marked[p] = True
                ready = tau[k - 1, p]
                if r_pick[base + i] and ready < inf and (trip < 0 or ready <= dep[off + trip * n_st + i]):
                    lo = 0
                    hi = n_tr if trip < 0 else trip
                    while lo < hi:  # first trip departing at or after `ready`
                        mid = (lo + hi) // 2
                        if dep[off + mid * n_st + i] < ready:
                            lo = mid + 1
                        else:
                            hi = mid
                    if lo < n_tr and (trip < 0 or lo < trip):
                        trip = lo
        for p in range(n_stops):
            if tmark[p]:
                tmark[p] = False
                a = ttrip[k, p]
                for e in range(f_ptr[p], f_ptr[p + 1]):
                    q = f_to[e]
                    t = a + f_time[e]
                    if t < tau[k, q]:
                        tau[k, q] = t
                        marked[q] = True
    for p in range(n_stops):
        marked[p] = False


def _arrays(tt: Timetable) -> tuple[np.ndarray, ...]:
    return (
        tt.route_stops_ptr,
        tt.route_stops,
        tt.route_pickup,
        tt.route_dropoff,
        tt.route_trips_ptr,
        tt.route_times_ptr,
        tt.arrival,
        tt.departure,
        tt.stop_routes_ptr,
        tt.stop_routes,
        tt.stop_route_pos,
        tt.footpath_ptr,
        tt.footpath_to,
        tt.footpath_time,
    )


def _state(tt: Timetable, rounds: int) -> tuple[np.ndarray, ...]:
    n = tt.n_stops
    return (
        np.full((rounds + 1, n), _INF, dtype=np.int64),
        np.full((rounds + 1, n), _INF, dtype=np.int64),
        np.zeros(n, dtype=np.bool_),
        np.zeros(n, dtype=np.bool_),
        np.full(max(tt.n_routes, 1), -1, dtype=np.int64),
        np.zeros(max(tt.n_routes, 1), dtype=np.int64),
    )


def _sources(tt: Timetable, stops: ArrayLike, times: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(stops, dtype=np.int64).ravel()
    t = np.asarray(times, dtype=np.float64).ravel()
    if s.shape != t.shape:
        msg = f"stops and times must have the same length; got {len(s)} and {len(t)}"
        raise DataError(msg)
    if len(s) and (s.min() < 0 or s.max() >= tt.n_stops):
        msg = f"stops must be stop indices in 0..{tt.n_stops - 1}; got {s.min()}..{s.max()}"
        raise DataError(msg)
    ok = np.isfinite(t)
    return s[ok], np.ceil(t[ok]).astype(np.int64)


def _check_transfers(max_transfers: int) -> int:
    if not (isinstance(max_transfers, (int, np.integer)) and max_transfers >= 0):
        msg = f"max_transfers must be an integer >= 0; got {max_transfers!r}"
        raise DataError(msg)
    return int(max_transfers) + 1


def _labels(tau: np.ndarray) -> np.ndarray:
    out = tau[-1].astype(np.float64)
    out[tau[-1] >= _INF] = np.inf
    return out


def earliest_arrival(
    timetable: Timetable, stops: ArrayLike, times: ArrayLike, *, max_transfers: int = 8
) -> np.ndarray:
    """Return the earliest arrival time at every stop from source stops reached at given times.

    Parameters
    ----------
    timetable
        Service of one date, from :func:`~tongcheng.network.gtfs.timetable_from_gtfs`.
    stops
        Source stop indices (rows of ``timetable.stops``).
    times
        Time each source stop is reached, seconds after midnight (rounded up to whole seconds;
        ``inf`` entries are ignored).
    max_transfers
        Largest number of changes between trips (``max_transfers + 1`` RAPTOR rounds).

    Returns
    -------
    numpy.ndarray
        ``float64`` seconds after midnight per stop, ``inf`` where unreachable. Source stops get
        their own time.

    Raises
    ------
    DataError
        If a stop index is out of range or the options are invalid.
    """
    rounds = _check_transfers(max_transfers)
    src, t0 = _sources(timetable, stops, times)
    state = _state(timetable, rounds)
    _scan(*state, src, t0, _arrays(timetable))  # type: ignore[call-arg]
    return _labels(state[0])


def range_raptor(
    timetable: Timetable,
    stops: ArrayLike,
    access: ArrayLike,
    *,
    departures: ArrayLike,
    max_transfers: int = 8,
) -> np.ndarray:
    """Return earliest arrivals at every stop for each departure time (range RAPTOR).

    For departure ``t`` the source stop ``stops[i]`` is reached at ``t + access[i]``.

    Parameters
    ----------
    timetable
        Service of one date.
    stops
        Source stop indices.
    access
        Seconds from the origin to each source stop.
    departures
        Departure times in seconds after midnight (any order).
    max_transfers
        Largest number of changes between trips.

    Returns
    -------
    numpy.ndarray
        ``(len(departures), n_stops)`` ``float64`` arrival times (``inf`` unreachable), rows in the
        order of ``departures``.

    Raises
    ------
    DataError
        If a stop index is out of range or the options are invalid.
    """
    rounds = _check_transfers(max_transfers)
    deps = np.asarray(departures, dtype=np.int64).ravel()
    src, acc = _sources(timetable, stops, access)
    state = _state(timetable, rounds)
    arrays = _arrays(timetable)
    out = np.empty((len(deps), timetable.n_stops))
    for j in np.argsort(-deps, kind="stable"):
        _scan(*state, src, acc + deps[j], arrays)  # type: ignore[call-arg]
        out[j] = _labels(state[0])
    return out


@numba.njit(cache=True, parallel=True)
def _door_to_door(  # pragma: no cover - compiled  # noqa: PLR0913
    a_ptr, a_stop, a_time, e_ptr, e_dest, e_time, direct, deps, ranks, rounds, n_stops, n_routes, tt
):
    """Per origin: range RAPTOR over ``deps``, egress to destinations, nearest-rank percentiles."""
    n_orig = len(a_ptr) - 1
    n_dest = direct.shape[1]
    n_dep = len(deps)
    inf = np.int64(2**62)
    out = np.full((n_orig, len(ranks), n_dest), np.inf)
    for o in numba.prange(n_orig):
        tau = np.full((rounds + 1, n_stops), inf, dtype=np.int64)
        ttrip = np.full((rounds + 1, n_stops), inf, dtype=np.int64)
        marked = np.zeros(n_stops, dtype=np.bool_)
        tmark = np.zeros(n_stops, dtype=np.bool_)
        qpos = np.full(max(n_routes, 1), -1, dtype=np.int64)
        queue = np.zeros(max(n_routes, 1), dtype=np.int64)
        seen = np.full(n_stops, inf, dtype=np.int64)
        best = np.full(n_dest, inf, dtype=np.int64)  # earliest arrival at each destination so far
        tts = np.empty((n_dest, n_dep))
        src = a_stop[a_ptr[o] : a_ptr[o + 1]]
        acc = a_time[a_ptr[o] : a_ptr[o + 1]]
        for j in range(n_dep - 1, -1, -1):  # deps ascending: last departure first
            t = deps[j]
            _scan(tau, ttrip, marked, tmark, qpos, queue, src, acc + t, tt)
            for s in range(n_stops):
                a = tau[rounds, s]
                if a < seen[s]:
                    seen[s] = a
                    for e in range(e_ptr[s], e_ptr[s + 1]):
                        d = e_dest[e]
                        best[d] = min(best[d], a + e_time[e])
            for d in range(n_dest):
                v = direct[o, d]
                if best[d] < inf and best[d] - t < v:
                    v = best[d] - t
                tts[d, j] = v
        for d in range(n_dest):
            col = np.sort(tts[d])
            for q in range(len(ranks)):
                out[o, q, d] = col[ranks[q]]
    return out


def _departure_seconds(departure: dt.time | dt.datetime | str | float) -> int:
    if isinstance(departure, dt.datetime):
        departure = departure.time()
    if isinstance(departure, dt.time):
        return departure.hour * 3600 + departure.minute * 60 + departure.second
    if isinstance(departure, str):
        parts = departure.strip().split(":")
        try:
            nums = [int(x) for x in parts] + [0] * (3 - len(parts))
        except ValueError:
            nums = []
        if len(parts) not in (2, 3) or len(nums) != 3:
            msg = f"departure must be 'HH:MM[:SS]', a datetime.time or seconds; got {departure!r}"
            raise DataError(msg)
        return nums[0] * 3600 + nums[1] * 60 + nums[2]
    return int(departure)


def _window_minutes(window: dt.timedelta | float | None) -> int:
    if window is None:
        return 1
    minutes = window.total_seconds() / 60 if isinstance(window, dt.timedelta) else float(window)
    if not (minutes >= 1 and minutes == math.floor(minutes)):
        msg = f"window must be a whole number of minutes >= 1 (or a timedelta); got {window!r}"
        raise DataError(msg)
    return int(minutes)


def _nearest_ranks(percentiles: Sequence[float], n: int) -> np.ndarray:
    pct = np.asarray(percentiles, dtype=np.float64)
    if pct.ndim != 1 or len(pct) == 0 or ((pct <= 0) | (pct > 100)).any():
        msg = f"percentiles must be numbers in (0, 100]; got {percentiles!r}"
        raise DataError(msg)
    return np.clip(np.ceil(pct / 100 * n).astype(np.int64) - 1, 0, n - 1)


def _walk_csr(matrix: np.ndarray, limit: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of a dense time matrix as CSR of entries within ``limit`` (rounded up to seconds)."""
    ok = np.isfinite(matrix) & (matrix <= limit)
    rows, cols = np.nonzero(ok)
    ptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
    np.cumsum(ok.sum(axis=1), out=ptr[1:])
    return ptr, cols.astype(np.int64), np.ceil(matrix[rows, cols]).astype(np.int64)


def _walk_legs(
    walk_graph: RoadGraph,
    tt: Timetable,
    origins: pd.DataFrame,
    destinations: pd.DataFrame,
    *,
    limit: float,
    snap: float,
    threads: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return walking seconds origin→stop, stop→destination, origin→destination (``inf`` beyond ``limit``).

    Stops farther than ``snap`` metres from the walking network get no access or egress.
    """
    from .matrix import Hierarchy, build_hierarchy, many_to_many
    from .osm import haversine_m

    main = main_component_nodes(walk_graph)
    o_node = snap_points(walk_graph, origins, max_distance=snap, candidates=main)
    d_node = snap_points(walk_graph, destinations, max_distance=snap, candidates=main)
    stops = tt.stops.rename(columns={"stop_id": "id"})[["id", "lon", "lat"]]
    s_node = snap_points(walk_graph, stops, max_distance=math.inf, candidates=main)
    lon, lat = stops["lon"].to_numpy(), stops["lat"].to_numpy()
    usable = np.flatnonzero(haversine_m(lon, lat, walk_graph.lon[s_node], walk_graph.lat[s_node]) <= snap)
    # contract keeping the query nodes, then one hierarchy for the three walking matrices
    small = contract_graph(walk_graph, keep=np.concatenate([o_node, d_node, s_node[usable]]))
    where = np.full(walk_graph.n_nodes, -1, dtype=np.int64)
    where[small.parent_index] = np.arange(small.n_nodes)
    o_node, d_node, u_node = where[o_node], where[d_node], where[s_node[usable]]
    router: RoadGraph | Hierarchy = small
    if len(usable) >= _PHAST_MIN_SOURCES:
        router = build_hierarchy(small) or small
    access = np.full((len(o_node), tt.n_stops), np.inf)
    egress = np.full((tt.n_stops, len(d_node)), np.inf)
    access[:, usable] = many_to_many(router, o_node, targets=u_node, cutoff=limit, threads=threads)
    egress[usable] = many_to_many(router, u_node, targets=d_node, cutoff=limit, threads=threads)
    direct = many_to_many(router, o_node, targets=d_node, cutoff=limit, threads=threads)
    return access, egress, direct


def transit_travel_time_matrix(  # noqa: PLR0913
    walk_graph: RoadGraph,
    feeds: Timetable
    | str
    | PathLike[str]
    | Sequence[str | PathLike[str]]
    | Mapping[str, str | PathLike[str]],
    origins: pd.DataFrame,
    destinations: pd.DataFrame | None = None,
    *,
    date: dt.date | str | None = None,
    departure: dt.time | dt.datetime | str | float,
    window: dt.timedelta | float | None = None,
    max_transfers: int = 8,
    percentiles: Sequence[float] = (50,),
    max_walk_time: float = 900.0,
    max_snap_distance: float = 250.0,
    threads: int = 2,
) -> pd.DataFrame:
    """Return door-to-door public transport travel times as a long ``from_id, to_id, travel_time`` table.

    Origins, destinations and stops are snapped to ``walk_graph``; walking times from each origin
    to the stops and from the stops to each destination come from
    :func:`~tongcheng.network.matrix.many_to_many` (at most ``max_walk_time`` each). For every
    departure minute in ``[departure, departure + window)`` range RAPTOR gives the earliest
    arrival; the travel time of a minute is the earlier of arriving by transit and walking
    directly (also at most ``max_walk_time``), minus the departure. The minutes' travel times give
    nearest-rank percentiles (unreachable minutes count as infinitely long).

    Parameters
    ----------
    walk_graph
        Walking graph, e.g. ``graph_from_pbf(pbf, profile="walk")``.
    feeds
        A :class:`~tongcheng.network.gtfs.Timetable`, or GTFS zips for
        :func:`~tongcheng.network.gtfs.timetable_from_gtfs` (then ``date`` is required).
    origins, destinations
        Points (GeoDataFrame, or DataFrame with ``lon``/``lat``); ids from an ``id`` column or the
        index. Destinations default to the origins.
    date
        Service date when ``feeds`` are paths.
    departure
        First departure time (``"07:00"``, a ``datetime.time`` or seconds after midnight).
    window
        Departure window in minutes (or a ``timedelta``); ``None`` for the single departure.
    max_transfers
        Largest number of changes between trips.
    percentiles
        Percentiles of the travel time over the window; one column ``travel_time_p<q>`` each.
    max_walk_time
        Longest access, egress or direct walk in seconds.
    max_snap_distance
        Largest accepted point-to-node distance in metres (stops farther are not used).
    threads
        Number of threads.

    Returns
    -------
    pandas.DataFrame
        One row per (origin, destination) pair: ``from_id``, ``to_id``, ``travel_time`` (``float32``
        seconds, the median over the window, or the single departure's time; ``NaN`` when
        unreachable), and with a ``window`` one ``travel_time_p<q>`` column per percentile.

    Raises
    ------
    ValidationError
        If an origin or destination is off the walking network.
    DataError
        If options are invalid.
    """
    if isinstance(feeds, Timetable):
        tt = feeds
    else:
        if date is None:
            msg = "date is required when feeds are GTFS files"
            raise DataError(msg)
        tt = timetable_from_gtfs(feeds, date=date)
    if destinations is None:
        destinations = origins
    rounds = _check_transfers(max_transfers)
    t0 = _departure_seconds(departure)
    n_dep = _window_minutes(window)
    deps = t0 + 60 * np.arange(n_dep, dtype=np.int64)
    pct = [50.0] if window is None else [float(p) for p in percentiles]
    want = sorted({*pct, 50.0})
    ranks = _nearest_ranks(want, n_dep)
    o_ids, *_ = points_lonlat(origins)
    d_ids, *_ = points_lonlat(destinations)
    access, egress, direct = _walk_legs(
        walk_graph, tt, origins, destinations, limit=max_walk_time, snap=max_snap_distance, threads=threads
    )
    a_ptr, a_stop, a_time = _walk_csr(access, max_walk_time)
    e_ptr, e_dest, e_time = _walk_csr(egress, max_walk_time)
    direct = np.where(direct <= max_walk_time, np.ceil(direct), np.inf)
    previous = numba.get_num_threads()
    try:
        numba.set_num_threads(min(threads, int(numba.config.NUMBA_NUM_THREADS)))  # type: ignore[attr-defined]
        out = _door_to_door(
            a_ptr,
            a_stop,
            a_time,
            e_ptr,
            e_dest,
            e_time,
            direct,
            deps,
            ranks,
            rounds,
            tt.n_stops,
            tt.n_routes,
            _arrays(tt),
        )
    finally:
        numba.set_num_threads(previous)
    out[~np.isfinite(out)] = np.nan
    frame = pd.DataFrame({"from_id": np.repeat(o_ids, len(d_ids)), "to_id": np.tile(d_ids, len(o_ids))})
    frame["travel_time"] = out[:, want.index(50.0), :].astype(np.float32).ravel()
    if window is not None:
        for p in pct:
            name = f"travel_time_p{p:g}"
            frame[name] = out[:, want.index(p), :].astype(np.float32).ravel()
    return frame
