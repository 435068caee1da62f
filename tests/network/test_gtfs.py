"""GTFS feeds read for one service date: real feeds, merged feeds, and located errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tongcheng._errors import DataError, ValidationError
from tongcheng.network.gtfs import Timetable, parse_gtfs_time, timetable_from_gtfs

DATE = "2019-05-13"


def _table(path: Path, name: str) -> pd.DataFrame:
    with zipfile.ZipFile(path) as zf:
        return pd.read_csv(io.BytesIO(zf.read(name)), dtype=str, keep_default_na=False)


def _check_times(tt: Timetable) -> None:
    for r in range(tt.n_routes):
        n = tt.route_stops_ptr[r + 1] - tt.route_stops_ptr[r]
        k = tt.route_trips_ptr[r + 1] - tt.route_trips_ptr[r]
        off = tt.route_times_ptr[r]
        arr = tt.arrival[off : off + n * k].reshape(k, n)
        dep = tt.departure[off : off + n * k].reshape(k, n)
        assert (arr <= dep).all()
        assert (dep[:, :-1] <= arr[:, 1:]).all()


def test_poa_feeds_merged_with_prefixes(raw) -> None:
    eptc, trensurb = raw("r5r_poa/poa_eptc.zip"), raw("r5r_poa/poa_trensurb.zip")
    tt = timetable_from_gtfs([eptc, trensurb], date=DATE)
    n_e, n_t = len(_table(eptc, "stops.txt")), len(_table(trensurb, "stops.txt"))
    assert tt.n_stops == n_e + n_t
    assert tt.stops["stop_id"].iloc[0].startswith("poa_eptc:")
    assert tt.stops["stop_id"].iloc[-1].startswith("poa_trensurb:")
    # trips running on a Monday: TRENSURB weekday service FULLW, EPTC services active by calendar
    trips_t = _table(trensurb, "trips.txt")
    cal = _table(eptc, "calendar.txt")
    on = cal[(cal["monday"] == "1") & (cal["start_date"] <= "20190513") & (cal["end_date"] >= "20190513")]
    dates = _table(eptc, "calendar_dates.txt")
    off = set(dates.loc[(dates["date"] == "20190513") & (dates["exception_type"] == "2"), "service_id"])
    add = set(dates.loc[(dates["date"] == "20190513") & (dates["exception_type"] == "1"), "service_id"])
    services = (set(on["service_id"]) | add) - off
    trips_e = _table(eptc, "trips.txt")
    want = int(trips_e["service_id"].isin(services).sum()) + int((trips_t["service_id"] == "FULLW").sum())
    assert tt.n_trips == want
    _check_times(tt)
    # every stop visit is listed once by stop
    assert len(tt.stop_routes) == len(tt.route_stops)
    assert (
        tt.route_stops[tt.route_stops_ptr[tt.stop_routes] + tt.stop_route_pos]
        == np.repeat(np.arange(tt.n_stops), np.diff(tt.stop_routes_ptr))
    ).all()
    assert "Timetable(2019-05-13" in repr(tt)


def test_blank_intermediate_times_interpolated(raw) -> None:
    eptc = raw("r5r_poa/poa_eptc.zip")
    st = _table(eptc, "stop_times.txt")
    assert (st["arrival_time"] == "").mean() > 0.5  # the EPTC feed only times the first and last stops
    tt = timetable_from_gtfs(eptc, date=DATE)
    trip = "T1-2@1#1202"
    i = int(np.flatnonzero(tt.trip_ids == trip)[0])
    r = int(np.searchsorted(tt.route_trips_ptr, i, side="right") - 1)
    n = tt.route_stops_ptr[r + 1] - tt.route_stops_ptr[r]
    row = tt.arrival[tt.route_times_ptr[r] + (i - tt.route_trips_ptr[r]) * n :][:n]
    given = st[st["trip_id"] == trip]
    assert row[0] == parse_gtfs_time(given["departure_time"].iloc[:1])[0]
    assert row[-1] == parse_gtfs_time(given["arrival_time"].iloc[-1:])[0]
    assert (np.diff(row) >= 0).all() and len(np.unique(row)) > n // 2


def test_calendar_dates_remove_service(raw) -> None:
    eptc = raw("r5r_poa/poa_eptc.zip")
    before = timetable_from_gtfs(eptc, date="2019-04-18")
    holiday = timetable_from_gtfs(eptc, date="2019-04-19")  # Good Friday: exceptions of type 2
    assert holiday.n_trips < before.n_trips
    assert timetable_from_gtfs(eptc, date="2018-01-01").n_trips == 0


def test_single_feed_and_mapping_prefixes(raw) -> None:
    trensurb = raw("r5r_poa/poa_trensurb.zip")
    plain = timetable_from_gtfs(trensurb, date=DATE)
    named = timetable_from_gtfs({"rail": trensurb}, date=DATE)
    assert plain.stops["stop_id"].iloc[0] == "MR"
    assert named.stops["stop_id"].iloc[0] == "rail:MR"
    np.testing.assert_array_equal(plain.arrival, named.arrival)
    assert named.stop_index(["rail:MR"]).tolist() == [0]
    with pytest.raises(DataError, match="unknown stop"):
        named.stop_index(["MR"])


def test_frequencies_expanded_and_sample_feeds(raw) -> None:
    sample = timetable_from_gtfs(raw("gtfs_samples/sample_gtfs.zip"), date="2008-05-03")
    stba = [t for t in sample.trip_ids if t.startswith("STBA")]
    assert len(stba) == 32  # 06:00 to 22:00 every 30 minutes
    cairns = timetable_from_gtfs(raw("gtfs_samples/cairns_gtfs.zip"), date="2014-06-02")
    assert cairns.n_trips > 100
    _check_times(cairns)


def test_footpaths_within_radius(raw) -> None:
    tt = timetable_from_gtfs(raw("r5r_poa/poa_trensurb.zip"), date=DATE, footpath_radius=400, walk_speed=1.2)
    a = np.repeat(np.arange(tt.n_stops), np.diff(tt.footpath_ptr))
    b = tt.footpath_to
    assert len(b) > 0 and (a != b).all()
    assert set(zip(a.tolist(), b.tolist(), strict=True)) == set(zip(b.tolist(), a.tolist(), strict=True))
    assert (tt.footpath_time <= np.ceil(400 / 1.2)).all()
    none = timetable_from_gtfs(raw("r5r_poa/poa_trensurb.zip"), date=DATE, footpath_radius=0)
    assert len(none.footpath_to) == 0


# -- small hand-written feeds ------------------------------------------------------------------

BASE = {
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nA,a,0.0,0.0\nB,b,0.0,0.001\nC,c,0.0,0.1\n",
    "trips.txt": "route_id,service_id,trip_id\nR,X,T1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
    "T1,07:00:00,07:00:00,A,1\nT1,07:05:00,07:05:00,C,2\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
    "start_date,end_date\n"
    "X,1,1,1,1,1,1,1,20200101,20201231\n",
}


def _feed(tmp_path: Path, **changes: str | None) -> Path:
    path = tmp_path / "feed.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in {**BASE, **{k.replace("_txt", ".txt"): v for k, v in changes.items()}}.items():
            if text is not None:
                zf.writestr(name, text)
    return path


def test_hand_feed_and_transfers(tmp_path: Path) -> None:
    tt = timetable_from_gtfs(_feed(tmp_path), date="2020-03-02")
    assert tt.n_trips == 1 and tt.n_routes == 1
    assert tt.arrival.tolist() == [25200, 25500]
    assert tt.footpath_to.tolist() == [1, 0]  # A-B are 111 m apart, C is 11 km away
    assert tt.footpath_time.tolist() == [112, 112]
    transfers = "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nA,B,2,300\nB,A,3,\nA,C,0,\n"
    tt = timetable_from_gtfs(_feed(tmp_path, transfers_txt=transfers), date="2020-03-02")
    pairs = dict(
        zip(
            zip(
                np.repeat(np.arange(3), np.diff(tt.footpath_ptr)).tolist(),
                tt.footpath_to.tolist(),
                strict=False,
            ),
            tt.footpath_time.tolist(),
            strict=True,
        )
    )
    assert pairs[(0, 1)] == 300 and (1, 0) not in pairs and pairs[(0, 2)] > 10_000


def test_previous_day_trips_after_midnight(tmp_path: Path) -> None:
    late = (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "T1,23:50:00,23:50:00,A,1\nT1,24:10:00,24:10:00,C,2\n"
    )
    cal = BASE["calendar.txt"].replace("X,1,1,1,1,1,1,1", "X,1,0,0,0,0,0,0")  # Mondays only
    path = _feed(tmp_path, stop_times_txt=late, calendar_txt=cal)
    monday = timetable_from_gtfs(path, date="2020-03-02")
    tuesday = timetable_from_gtfs(path, date="2020-03-03")
    wednesday = timetable_from_gtfs(path, date="2020-03-04")
    assert monday.trip_ids.tolist() == ["T1"] and monday.arrival.tolist() == [85800, 87000]
    assert tuesday.trip_ids.tolist() == ["T1@-1d"] and tuesday.arrival.tolist() == [-600, 600]
    assert wednesday.n_trips == 0


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"stop_times_txt": None}, "feed.zip/stop_times.txt"),
        ({"stops_txt": "stop_id,stop_lat\nA,0\n"}, "feed.zip/stops.txt row 1 column 'stop_lon'"),
        (
            {"stop_times_txt": BASE["stop_times.txt"].replace("07:05:00,07:05:00", "7h05,07:05:00")},
            "feed.zip/stop_times.txt row 3 column 'arrival_time'",
        ),
        (
            {"stop_times_txt": BASE["stop_times.txt"].replace(",C,", ",Z,")},
            "feed.zip/stop_times.txt row 3 column 'stop_id'",
        ),
        (
            {"stop_times_txt": BASE["stop_times.txt"].replace("07:05:00,07:05:00", ",")},
            "feed.zip/stop_times.txt row 3 column 'arrival_time'",
        ),
        (
            {"stop_times_txt": BASE["stop_times.txt"].replace(",2\n", ",two\n")},
            "feed.zip/stop_times.txt row 3 column 'stop_sequence'",
        ),
        ({"calendar_txt": None}, "feed.zip/calendar.txt"),
        ({"stops_txt": BASE["stops.txt"] + "A,dup,0,0\n"}, "feed.zip/stops.txt row 5 column 'stop_id'"),
    ],
)
def test_broken_feeds_located(tmp_path: Path, changes: dict, where: str) -> None:
    with pytest.raises(ValidationError) as info:
        timetable_from_gtfs(_feed(tmp_path, **changes), date="2020-03-02")
    assert any(p.location().startswith(where) for p in info.value.problems), str(info.value)


def test_bad_inputs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip")
    with pytest.raises(ValidationError, match="not a zip") as info:
        timetable_from_gtfs(bad, date="2020-03-02")
    assert info.value.problems[0].file == "bad.zip" and "不是 zip 文件" in info.value.render("zh")
    with pytest.raises(ValidationError, match="does not exist"):
        timetable_from_gtfs(tmp_path / "missing.zip", date="2020-03-02")
    with pytest.raises(DataError, match="date"):
        timetable_from_gtfs(_feed(tmp_path), date="March 2")
    with pytest.raises(DataError, match="walk_speed"):
        timetable_from_gtfs(_feed(tmp_path), date="2020-03-02", walk_speed=0)


def test_parse_gtfs_time() -> None:
    got = parse_gtfs_time(pd.Series(["5:04:03", " 25:00:00 ", "", None]))
    np.testing.assert_array_equal(got, [18243.0, 90000.0, np.nan, np.nan])
    with pytest.raises(ValidationError, match="HH:MM:SS"):
        parse_gtfs_time(pd.Series(["07:60:00"]), file="f.txt", column="arrival_time")
