"""RAPTOR against a brute-force search of the time-expanded graph; range RAPTOR; door to door."""

from __future__ import annotations

import dataclasses
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_array
from scipy.sparse.csgraph import breadth_first_order

from tongcheng._errors import DataError, ValidationError
from tongcheng.network.gtfs import Timetable, timetable_from_gtfs
from tongcheng.network.raptor import earliest_arrival, range_raptor, transit_travel_time_matrix

DATE = "2019-05-13"  # a Monday inside both POA calendars (the EPTC sample runs 11:00-16:30 only)


class TimeExpanded:
    """The time-expanded graph of a timetable, with ``rounds`` layers of trips.

    Layer ``k`` holds wait nodes (stop, departure time) reached with ``k`` trips; trip nodes of
    layer ``k`` are boarded from wait nodes of layer ``k - 1``. Alighting leads to the wait nodes
    of the same stop, or across one footpath to another stop's. Every node has a fixed time and
    every arc goes forward in time, so reachability (BFS) decides everything.
    """

    def __init__(self, tt: Timetable, rounds: int) -> None:
        n_ev = len(tt.arrival)
        ptr = tt.route_stops_ptr
        ev_stop = np.empty(n_ev, dtype=np.int64)
        ev_last = np.zeros(n_ev, dtype=bool)
        ev_pick = np.zeros(n_ev, dtype=bool)
        ev_drop = np.zeros(n_ev, dtype=bool)
        for r in range(tt.n_routes):
            n = ptr[r + 1] - ptr[r]
            k = tt.route_trips_ptr[r + 1] - tt.route_trips_ptr[r]
            sl = slice(tt.route_times_ptr[r], tt.route_times_ptr[r] + n * k)
            ev_stop[sl] = np.tile(tt.route_stops[ptr[r] : ptr[r + 1]], k)
            ev_last[sl] = np.tile(np.arange(n) == n - 1, k)
            ev_pick[sl] = np.tile(tt.route_pickup[ptr[r] : ptr[r + 1]], k)
            ev_drop[sl] = np.tile(tt.route_dropoff[ptr[r] : ptr[r + 1]], k)
        # times of trips from the previous service day are negative: keys use times from t0
        self.t0 = int(min(tt.departure.min(initial=0), tt.arrival.min(initial=0)))
        self.big = int(max(tt.departure.max(initial=0), tt.arrival.max(initial=0)) - self.t0 + 10**6)
        self.keys = np.unique(ev_stop * self.big + tt.departure - self.t0)
        self.tt, self.rounds, self.ev_stop, self.ev_last = tt, rounds, ev_stop, ev_last
        n_w = len(self.keys)
        self.n_w, self.n_ev = n_w, n_ev
        self.n_nodes = (rounds + 1) * n_w + 2 * rounds * n_ev + 1
        rows, cols = [], []
        same = np.flatnonzero(self.keys[:-1] // self.big == self.keys[1:] // self.big)
        on = np.flatnonzero(~ev_last)
        w_of_ev = np.searchsorted(self.keys, ev_stop * self.big + tt.departure - self.t0)
        ev_fp = np.repeat(np.arange(n_ev), np.diff(tt.footpath_ptr)[ev_stop])
        fp_idx: np.ndarray = np.zeros(0, dtype=np.int64)
        if n_ev:
            fp_idx = np.concatenate([np.arange(tt.footpath_ptr[s], tt.footpath_ptr[s + 1]) for s in ev_stop])
        fp_idx = np.asarray(fp_idx, dtype=np.int64)
        for k in range(rounds + 1):
            rows.append(self.wait(k, same))
            cols.append(self.wait(k, same + 1))
        board_ok = on[ev_pick[on]]  # boarding only where pickup is allowed
        alight_ok = on[ev_drop[on + 1]]  # leaving the next event only where drop-off is allowed
        for k in range(1, rounds + 1):
            rows += [self.wait(k - 1, w_of_ev[board_ok]), self.board(k, on), self.board(k, alight_ok)]
            cols += [self.board(k, board_ok), self.board(k, on + 1), self.alight(k, alight_ok + 1)]
            w, ok = self.first_wait(ev_stop, tt.arrival)
            rows.append(self.alight(k, np.flatnonzero(ok)))
            cols.append(self.wait(k, w[ok]))
            w, ok = self.first_wait(tt.footpath_to[fp_idx], tt.arrival[ev_fp] + tt.footpath_time[fp_idx])
            rows.append(self.alight(k, ev_fp[ok]))
            cols.append(self.wait(k, w[ok]))
        self.rows, self.cols = np.concatenate(rows), np.concatenate(cols)
        self.ev_fp, self.fp_idx = ev_fp, fp_idx

    def wait(self, k: int, w: np.ndarray) -> np.ndarray:
        return k * self.n_w + w

    def board(self, k: int, e: np.ndarray) -> np.ndarray:
        return (self.rounds + 1) * self.n_w + (k - 1) * self.n_ev + e

    def alight(self, k: int, e: np.ndarray) -> np.ndarray:
        return (self.rounds + 1) * self.n_w + (self.rounds + k - 1) * self.n_ev + e

    def first_wait(self, stop: np.ndarray, time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = np.searchsorted(self.keys, stop * self.big + np.maximum(time - self.t0, 0))
        ok = w < self.n_w
        ok[ok] = self.keys[w[ok]] // self.big == stop[ok]
        return w, ok

    def earliest(self, stops: np.ndarray, times: np.ndarray) -> np.ndarray:
        tt = self.tt
        stops, times = np.asarray(stops, dtype=np.int64), np.ceil(np.asarray(times)).astype(np.int64)
        w, ok = self.first_wait(stops, times)
        src = self.n_nodes - 1
        rows = np.r_[self.rows, np.full(int(ok.sum()), src)]
        cols = np.r_[self.cols, self.wait(0, w[ok])]
        graph = csr_array((np.ones(len(rows)), (rows, cols)), shape=(self.n_nodes, self.n_nodes))
        seen = np.zeros(self.n_nodes, dtype=bool)
        seen[breadth_first_order(graph, src, directed=True, return_predecessors=False)] = True
        best = np.full(tt.n_stops, np.inf)
        np.minimum.at(best, stops, times.astype(float))
        alighted = np.zeros(self.n_ev, dtype=bool)
        for k in range(1, self.rounds + 1):
            alighted |= seen[self.alight(k, np.arange(self.n_ev))]
        np.minimum.at(best, self.ev_stop[alighted], tt.arrival[alighted].astype(float))
        walk = alighted[self.ev_fp]
        to = tt.footpath_to[self.fp_idx[walk]]
        np.minimum.at(
            best, to, (tt.arrival[self.ev_fp[walk]] + tt.footpath_time[self.fp_idx[walk]]).astype(float)
        )
        return best


@pytest.fixture(scope="module")
def poa(raw) -> Timetable:
    feeds = [raw("r5r_poa/poa_eptc.zip"), raw("r5r_poa/poa_trensurb.zip")]
    return timetable_from_gtfs(feeds, date=DATE)


def test_raptor_equals_time_expanded_search_on_poa(poa: Timetable) -> None:
    rng = np.random.default_rng(4)
    brute = TimeExpanded(poa, rounds=4)
    # origins: 30 random stops, a few TRENSURB stations among them, at random morning/day times
    rail = np.flatnonzero(poa.stops["stop_id"].str.startswith("poa_trensurb:").to_numpy())
    origins = np.r_[rng.choice(rail, 5, replace=False), rng.choice(poa.n_stops, 25, replace=False)]
    times = rng.integers(5 * 3600, 20 * 3600, size=len(origins))
    reached = 0
    for s, t in zip(origins, times, strict=True):
        got = earliest_arrival(poa, [s], [t], max_transfers=3)
        want = brute.earliest(np.array([s]), np.array([t]))
        np.testing.assert_array_equal(got, want)
        reached += int(np.isfinite(got).sum())
    assert reached > 30 * poa.n_stops // 2  # most stops reachable: the test is not vacuous


def test_raptor_multi_source_and_transfer_limits_on_poa(poa: Timetable) -> None:
    rng = np.random.default_rng(5)
    brute = {k: TimeExpanded(poa, rounds=k + 1) for k in (0, 1)}
    for _ in range(5):
        stops = rng.choice(poa.n_stops, 4, replace=False)
        times = 7 * 3600 + rng.integers(0, 900, size=4)
        for k, graph in brute.items():
            np.testing.assert_array_equal(
                earliest_arrival(poa, stops, times, max_transfers=k), graph.earliest(stops, times)
            )
    fewer = earliest_arrival(poa, stops, times, max_transfers=0)
    more = earliest_arrival(poa, stops, times, max_transfers=3)
    assert (more <= fewer).all() and (more < fewer).any()


def test_range_raptor_equals_single_runs_on_poa(poa: Timetable) -> None:
    rng = np.random.default_rng(6)
    stops = rng.choice(poa.n_stops, 3, replace=False)
    access = np.array([0.0, 120.0, 300.0])
    deps = 7 * 3600 + 60 * np.arange(30)
    got = range_raptor(poa, stops, access, departures=deps, max_transfers=4)
    for j, t in enumerate(deps):
        np.testing.assert_array_equal(got[j], earliest_arrival(poa, stops, access + t, max_transfers=4))
    assert np.isfinite(got).all(axis=0).sum() > poa.n_stops // 2


def test_fifo_routes_and_sorted_trips(poa: Timetable) -> None:
    for r in range(poa.n_routes):
        n = poa.route_stops_ptr[r + 1] - poa.route_stops_ptr[r]
        k = poa.route_trips_ptr[r + 1] - poa.route_trips_ptr[r]
        off = poa.route_times_ptr[r]
        dep = poa.departure[off : off + n * k].reshape(k, n)
        arr = poa.arrival[off : off + n * k].reshape(k, n)
        assert (np.diff(dep, axis=0) >= 0).all() and (np.diff(arr, axis=0) >= 0).all()
    assert poa.n_trips == len(set(poa.trip_ids))


# -- property tests on small random timetables ------------------------------------------------


def _write_feed(path: Path, n_stops: int, trips: list[tuple], flags: list[list[tuple[int, int]]] | None = None,
                ) -> None:
    """Write a feed; ``flags[j][i]`` is ``(pickup_type, drop_off_type)`` of trip ``j`` at its stop ``i``."""
    stops = pd.DataFrame(
        {
            "stop_id": [f"S{i}" for i in range(n_stops)],
            "stop_lat": [0.001 * (i % 3) for i in range(n_stops)],  # neighbours ~111 m apart
            "stop_lon": [0.001 * (i // 3) for i in range(n_stops)],
        }
    )
    rows = []
    for j, (seq, start, runs, dwells) in enumerate(trips):
        t = start
        for i, s in enumerate(seq):
            arr = t
            dep = arr + (dwells[i] if 0 < i < len(seq) - 1 else 0)
            rows.append(
                (
                    f"T{j}",
                    f"{arr // 3600:02d}:{arr // 60 % 60:02d}:{arr % 60:02d}",
                    f"{dep // 3600:02d}:{dep // 60 % 60:02d}:{dep % 60:02d}",
                    f"S{s}",
                    i + 1,
                    *(flags[j][i] if flags else ("", "")),
                )
            )
            t = dep + (runs[i] if i < len(runs) else 0)
    tables = {
        "stops.txt": stops,
        "trips.txt": pd.DataFrame(
            {"route_id": "R", "service_id": "X", "trip_id": [f"T{j}" for j in range(len(trips))]}
        ),
        "stop_times.txt": pd.DataFrame(
            rows,
            columns=["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence", "pickup_type",
                     "drop_off_type"],
        ),
        "calendar_dates.txt": pd.DataFrame(
            {"service_id": ["X"], "date": ["20200106"], "exception_type": ["1"]}
        ),
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, frame in tables.items():
            zf.writestr(name, frame.to_csv(index=False))


@st.composite
def timetables(draw: st.DrawFn) -> tuple[int, list]:
    n_stops = draw(st.integers(2, 7))
    patterns = draw(
        st.lists(
            st.lists(st.integers(0, n_stops - 1), min_size=2, max_size=5, unique=True), min_size=1, max_size=3
        )
    )
    trips = []
    for _ in range(draw(st.integers(1, 10))):
        seq = draw(st.sampled_from(patterns))
        start = draw(st.integers(0, 60)) * 30
        runs = draw(st.lists(st.integers(0, 8), min_size=len(seq) - 1, max_size=len(seq) - 1))
        dwells = draw(st.lists(st.integers(0, 3), min_size=len(seq), max_size=len(seq)))
        trips.append((seq, start, [60 * r for r in runs], [30 * d for d in dwells]))
    flags = None
    if draw(st.booleans()):  # some stops of some trips: no boarding (1) or no alighting (1)
        kinds = st.sampled_from([0, 0, 1, 2, 3])
        flags = [[(draw(kinds), draw(kinds)) for _ in seq] for seq, *_ in trips]
    return n_stops, trips, flags


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    feed=timetables(),
    sources=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 40)), min_size=1, max_size=3),
    max_transfers=st.integers(0, 3),
    radius=st.sampled_from([0.0, 120.0, 200.0]),
)
def test_raptor_equals_time_expanded_search_random(feed, sources, max_transfers, radius) -> None:
    n_stops, trips, flags = feed
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.zip"
        _write_feed(path, n_stops, trips, flags)
        tt = timetable_from_gtfs(path, date="2020-01-06", footpath_radius=radius)
    stops = np.array([s % n_stops for s, _ in sources])
    times = np.array([60.0 * t for _, t in sources])
    got = earliest_arrival(tt, stops, times, max_transfers=max_transfers)
    np.testing.assert_array_equal(got, TimeExpanded(tt, rounds=max_transfers + 1).earliest(stops, times))
    deps = np.arange(0, 1800, 60)
    ranged = range_raptor(tt, stops, times, departures=deps, max_transfers=max_transfers)
    for j, t in enumerate(deps):
        np.testing.assert_array_equal(
            ranged[j], earliest_arrival(tt, stops, times + t, max_transfers=max_transfers)
        )


def test_pickup_and_drop_off_rules_on_cairns(raw) -> None:
    """Cairns buses forbid boarding at 1,225 and alighting at 564 stop events: honoured exactly."""
    tt = timetable_from_gtfs(raw("gtfs_samples/cairns_gtfs.zip"), date="2014-06-02")
    assert (~tt.route_pickup).any() and (~tt.route_dropoff).any()
    ignoring = dataclasses.replace(tt, route_pickup=np.ones_like(tt.route_pickup),
                                   route_dropoff=np.ones_like(tt.route_dropoff))
    brute = TimeExpanded(tt, rounds=3)
    rng = np.random.default_rng(11)
    served = np.unique(tt.route_stops)
    differs = 0
    for s, t in zip(rng.choice(served, 25, replace=False), rng.integers(6 * 3600, 18 * 3600, 25), strict=True):
        got = earliest_arrival(tt, [s], [t], max_transfers=2)
        np.testing.assert_array_equal(got, brute.earliest(np.array([s]), np.array([t])))
        differs += int((got != earliest_arrival(ignoring, [s], [t], max_transfers=2)).any())
    assert differs > 0  # the rules change some answers: the check is not vacuous


def test_invalid_pickup_type_is_located(tmp_path: Path) -> None:
    path = tmp_path / "feed.zip"
    _write_feed(path, 3, [([0, 1, 2], 0, [60, 60], [0, 0, 0])], [[(0, 0), ("x", 0), (0, 0)]])
    with pytest.raises(ValidationError) as err:
        timetable_from_gtfs(path, date="2020-01-06")
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "feed.zip/stop_times.txt", 3, "pickup_type", "x")


def test_overtaking_trips_split_into_fifo_routes(tmp_path: Path) -> None:
    # the express T1 leaves later and arrives earlier than T0 on the same stops
    trips = [([0, 1, 2], 0, [600, 600], [0, 0, 0]), ([0, 1, 2], 60, [60, 60], [0, 0, 0])]
    _write_feed(tmp_path / "f.zip", 3, trips)
    tt = timetable_from_gtfs(tmp_path / "f.zip", date="2020-01-06", footpath_radius=0)
    assert tt.n_routes == 2
    np.testing.assert_array_equal(earliest_arrival(tt, [0], [0]), [0.0, 120.0, 180.0])


def test_invalid_queries(poa: Timetable) -> None:
    with pytest.raises(DataError, match="stop indices"):
        earliest_arrival(poa, [poa.n_stops], [0])
    with pytest.raises(DataError, match="max_transfers"):
        earliest_arrival(poa, [0], [0], max_transfers=-1)


# -- door to door ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hexes(raw, poa_walk) -> pd.DataFrame:
    from scipy.spatial import cKDTree

    from tongcheng.network import main_component_nodes

    main = main_component_nodes(poa_walk)
    grid = pd.read_csv(raw("r5r_poa/poa_hexgrid.csv"))
    scale = np.array([np.cos(np.radians(-30.0)), 1.0]) * 111_195.0
    gap, _ = cKDTree(np.column_stack([poa_walk.lon[main], poa_walk.lat[main]]) * scale).query(
        grid[["lon", "lat"]].to_numpy() * scale
    )
    inside = grid[gap < 100]  # the OSM extract covers central Porto Alegre only
    return inside.sample(40, random_state=1).reset_index(drop=True)[["id", "lon", "lat"]]


def test_door_to_door_percentiles_equal_single_departures(poa_walk, poa: Timetable, hexes) -> None:
    origins, dests = hexes.iloc[:12], hexes.iloc[12:]
    kw: dict[str, Any] = {"max_transfers": 3, "max_walk_time": 900.0}
    ranged = transit_travel_time_matrix(
        poa_walk, poa, origins, dests, departure="12:00", window=10, percentiles=(5, 25, 50, 75, 95), **kw
    )
    singles = np.column_stack(
        [
            transit_travel_time_matrix(poa_walk, poa, origins, dests, departure=f"12:{m:02d}", **kw)[
                "travel_time"
            ].to_numpy(dtype=float)
            for m in range(10)
        ]
    )
    singles[np.isnan(singles)] = np.inf
    for p in (5, 25, 50, 75, 95):
        want = np.percentile(singles, p, axis=1, method="inverted_cdf")
        want[~np.isfinite(want)] = np.nan
        np.testing.assert_array_equal(
            ranged[f"travel_time_p{p}"].to_numpy(dtype=float), want.astype(np.float32)
        )
    np.testing.assert_array_equal(ranged["travel_time"], ranged["travel_time_p50"])
    assert (ranged["travel_time_p95"] > ranged["travel_time_p5"]).any()  # times vary over the window
    assert list(ranged.columns[:3]) == ["from_id", "to_id", "travel_time"]
    assert len(ranged) == 12 * 28 and ranged["travel_time"].notna().mean() > 0.5


def test_door_to_door_not_slower_than_walking(poa_walk, poa: Timetable, hexes) -> None:
    from tongcheng.network import travel_time_matrix

    got = transit_travel_time_matrix(poa_walk, poa, hexes, departure="12:30", max_walk_time=1200.0)
    walk = travel_time_matrix(poa_walk, hexes)
    both = got["travel_time"].notna() & (walk["travel_time"] <= 1200)
    assert (got["travel_time"][both] <= np.ceil(walk["travel_time"][both]) + 1).all()
    with pytest.raises(DataError, match="date is required"):
        transit_travel_time_matrix(poa_walk, ["x.zip"], hexes, departure="08:00")
    with pytest.raises(DataError, match="window"):
        transit_travel_time_matrix(poa_walk, poa, hexes, departure="08:00", window=0.5)
