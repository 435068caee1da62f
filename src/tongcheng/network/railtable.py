"""City-level train timetables (the bundled YRD rail timetable) routed by RAPTOR.

A *city schedule* is a long table with one row per stop of a train at a city, like
:func:`tongcheng.datasets.rail_timetable`: ``train, seq, city_code, city_name, arrival_min,
departure_min``, times in minutes after midnight of the train's start day (≥ 1440 on later days;
a missing arrival or departure is taken to equal the other). Cities are the stops of the
:class:`~tongcheng.network.gtfs.Timetable`, so journeys are station-free: in-vehicle time plus
waiting for connections, no access or egress.

Changing trains inside a city (often between two stations) gets a fixed allowance of
``transfer_min`` minutes. RAPTOR lets a traveller board at a stop at any time after arriving
there, so the allowance is built into the timetable: every arrival in
:attr:`Timetable.arrival <tongcheng.network.gtfs.Timetable>` is stored ``transfer_min`` later than
scheduled, and ``Timetable.stops.attrs["arrival_offset_s"]`` records the shift (in seconds).
Arrival times returned by :func:`~tongcheng.network.raptor.earliest_arrival` on such a timetable
are therefore ``transfer_min`` late at every city reached by train;
:func:`rail_times_with_transfers` subtracts the shift.

The source gives no calendar: every train is taken to run daily. Each train is re-based so that
its first departure in the schedule falls on day 0, and copied one day earlier and one and two
days later (trip ids suffixed ``@-1d``, ``@+1d``, ``@+2d``), so that departures at any time of
day 0 see trains running over midnight and next-day connections.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._errors import DataError
from .gtfs import Timetable, assemble_timetable

__all__ = ["rail_times_with_transfers", "timetable_from_city_schedule"]

_DAY_MIN = 1440
_DAY = 86_400
_COLUMNS = ("train", "city_code", "arrival_min", "departure_min")
_COPIES = (-1, 0, 1, 2)
#: Nominal service date of a city schedule (the bundled timetable is from 2020/21, without dates).
NOMINAL_DATE = dt.date(2021, 1, 1)
OFFSET_ATTR = "arrival_offset_s"


def _clean(schedule: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in _COLUMNS if c not in schedule.columns]
    if missing:
        msg = f"schedule lacks column(s) {missing}; expected {list(_COLUMNS)} (and optionally seq, city_name)"
        raise DataError(msg)
    frame = schedule.reset_index(drop=True)
    arr = pd.to_numeric(frame["arrival_min"], errors="coerce").astype("float64")
    dep = pd.to_numeric(frame["departure_min"], errors="coerce").astype("float64")
    out = pd.DataFrame(
        {
            "train": frame["train"].astype(str),
            "seq": frame["seq"] if "seq" in frame.columns else np.arange(len(frame)),
            "city": frame["city_code"].astype(str),
            "name": frame["city_name"].astype(str) if "city_name" in frame.columns else "",
            "arr": arr.fillna(dep),
            "dep": dep.fillna(arr),
        }
    )
    out = out.dropna(subset=["arr"]).sort_values(["train", "seq"], kind="stable")
    prev_dep = out.groupby("train", sort=False)["dep"].shift()
    bad = (out["dep"] < out["arr"]) | (out["arr"] < prev_dep)
    if bad.any():
        trains = sorted(set(out.loc[bad, "train"]))[:5]
        msg = f"times of train(s) {trains} go backwards; give minutes after midnight of the start day"
        raise DataError(msg)
    return out.reset_index(drop=True)


def _stop_frame(stops: pd.DataFrame) -> pd.DataFrame:
    """Cities with names and centroids (from the bundled units where the code is known)."""
    frame = stops.drop_duplicates("city").sort_values("city", kind="stable").reset_index(drop=True)
    lon = np.full(len(frame), np.nan)
    lat = np.full(len(frame), np.nan)
    try:
        from ..datasets import units

        known = units().reindex(frame["city"])
        lon, lat = known["lon"].to_numpy(float), known["lat"].to_numpy(float)
    except (ImportError, OSError):  # pragma: no cover - bundled data always present when installed
        pass
    return pd.DataFrame(
        {"stop_id": frame["city"], "stop_name": frame["name"], "lon": lon, "lat": lat, "feed": "rail"}
    )


def timetable_from_city_schedule(schedule: pd.DataFrame, *, transfer_min: float = 15.0) -> Timetable:
    """Return a city-level train schedule as a :class:`~tongcheng.network.gtfs.Timetable` for RAPTOR.

    Cities are the stops (``stop_id`` is the city code); there are no footpaths. A change of
    trains in a city needs ``transfer_min`` minutes, built in by storing every arrival that much
    later (see the module notes; the shift is in ``stops.attrs["arrival_offset_s"]``). Trains run
    daily: each is re-based to start on day 0 and copied to days −1, +1 and +2, so journeys over
    midnight are found.

    Parameters
    ----------
    schedule
        One row per stop: ``train``, ``city_code``, ``arrival_min``, ``departure_min`` (minutes
        after midnight of the train's start day; missing values take the other time), optional
        ``seq`` (stop order; else row order) and ``city_name``. E.g.
        :func:`tongcheng.datasets.rail_timetable`.
    transfer_min
        Minutes needed to change trains within a city (between stations included).

    Returns
    -------
    Timetable
        Dated :data:`NOMINAL_DATE`; times in seconds, arrivals shifted by ``transfer_min``.

    Raises
    ------
    DataError
        If a column is missing, ``transfer_min`` is negative or a train's times go backwards.

    Examples
    --------
    >>> from tongcheng.datasets import rail_timetable
    >>> tt = timetable_from_city_schedule(rail_timetable())
    >>> tt.n_stops
    24
    """
    if not (np.isfinite(transfer_min) and transfer_min >= 0):
        msg = f"transfer_min must be a number >= 0; got {transfer_min!r}"
        raise DataError(msg)
    st = _clean(schedule)
    stops = _stop_frame(st)
    stop_of = pd.Index(stops["stop_id"])
    start = st.groupby("train", sort=False)["dep"].transform("min")
    base = _DAY_MIN * np.floor(start.to_numpy() / _DAY_MIN)
    offset = round(float(transfer_min) * 60)
    pieces = []
    for day in _COPIES:
        shift = (day * _DAY_MIN - base) * 60
        suffix = "" if day == 0 else f"@{day:+d}d"
        pieces.append(
            pd.DataFrame(
                {
                    "trip": (st["train"] + suffix).to_numpy(dtype=object),
                    "stop": stop_of.get_indexer(st["city"]).astype(np.int64),
                    "arr": np.round(st["arr"].to_numpy() * 60 + shift).astype(np.int64) + offset,
                    "dep": np.round(st["dep"].to_numpy() * 60 + shift).astype(np.int64),
                    "route": st["train"].to_numpy(dtype=object),
                }
            )
        )
    times = pd.concat(pieces, ignore_index=True)
    times = times.iloc[np.lexsort((np.arange(len(times)), times["trip"].to_numpy()))]
    stops.attrs[OFFSET_ATTR] = offset
    return assemble_timetable(NOMINAL_DATE, stops, times.reset_index(drop=True))


def _departures_at(tt: Timetable) -> list[np.ndarray]:
    """Distinct departure times in ``[0, 86400)`` at each stop (seconds, ascending)."""
    ptr, r_stops = tt.route_stops_ptr, tt.route_stops
    found: list[list[np.ndarray]] = [[] for _ in range(tt.n_stops)]
    for r in range(tt.n_routes):
        n = ptr[r + 1] - ptr[r]
        n_trips = tt.route_trips_ptr[r + 1] - tt.route_trips_ptr[r]
        start = tt.route_times_ptr[r]
        dep = tt.departure[start : start + n * n_trips].reshape(n_trips, n)
        for i, p in enumerate(r_stops[ptr[r] : ptr[r + 1]]):
            found[p].append(dep[:, i])
    out = []
    for parts in found:
        d = np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)
        out.append(d[(d >= 0) & (d < _DAY)])
    return out


def rail_times_with_transfers(
    timetable: Timetable, *, departures: ArrayLike | None = None, max_transfers: int = 2
) -> pd.DataFrame:
    """Return the shortest scheduled rail time between cities with up to ``max_transfers`` changes.

    For each origin city and each departure time ``t`` of the day, range RAPTOR
    (:func:`~tongcheng.network.raptor.range_raptor`) gives the earliest arrival ``A(t)`` at every
    city; the time of a pair is the minimum over departures of ``A(t) − t``, with the arrival
    shift of the transfer allowance removed. It counts in-vehicle time, waiting at changes and
    the ``transfer_min`` allowance, not waiting at the origin (so with ``max_transfers=0`` it is
    the fastest direct train).

    Parameters
    ----------
    timetable
        From :func:`timetable_from_city_schedule` (another timetable is read without shift).
    departures
        Departure times in seconds after midnight used for every origin. By default, every distinct
        departure time at the origin within day 0, which gives the exact minimum.
    max_transfers
        Largest number of changes of trains.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of distinct reachable cities: ``from_code``, ``to_code``,
        ``minutes`` (float) and ``n_transfers`` (fewest changes that achieve ``minutes``).

    Raises
    ------
    DataError
        If ``max_transfers`` is not an integer >= 0.

    Examples
    --------
    >>> from tongcheng.datasets import rail_timetable
    >>> tt = timetable_from_city_schedule(rail_timetable())
    >>> t = rail_times_with_transfers(tt, max_transfers=0).set_index(["from_code", "to_code"])
    >>> float(t.loc[("310100", "320500"), "minutes"])
    23.0
    """
    from .raptor import range_raptor

    if not (isinstance(max_transfers, (int, np.integer)) and max_transfers >= 0):
        msg = f"max_transfers must be an integer >= 0; got {max_transfers!r}"
        raise DataError(msg)
    offset = int(timetable.stops.attrs.get(OFFSET_ATTR, 0))
    codes = timetable.stops["stop_id"].to_numpy()
    own = _departures_at(timetable) if departures is None else None
    given = None if departures is None else np.unique(np.asarray(departures, dtype=np.int64).ravel())
    rows = []
    for o in range(timetable.n_stops):
        deps = own[o] if own is not None else given
        if deps is None or len(deps) == 0:
            continue
        best = np.full(timetable.n_stops, np.inf)
        fewest = np.full(timetable.n_stops, -1, dtype=np.int64)
        for k in range(int(max_transfers) + 1):
            arr = range_raptor(timetable, [o], [0.0], departures=deps, max_transfers=k)
            span = (arr - deps[:, None]).min(axis=0) - offset
            better = span < best
            fewest[better] = k
            best[better] = span[better]
        best[o] = np.inf
        reach = np.flatnonzero(np.isfinite(best))
        rows.append(
            pd.DataFrame(
                {
                    "from_code": codes[o],
                    "to_code": codes[reach],
                    "minutes": best[reach] / 60.0,
                    "n_transfers": fewest[reach],
                }
            )
        )
    if not rows:
        return pd.DataFrame({"from_code": [], "to_code": [], "minutes": [], "n_transfers": []}).astype(
            {"from_code": str, "to_code": str, "minutes": float, "n_transfers": np.int64}
        )
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["from_code", "to_code"], kind="stable").reset_index(drop=True)
