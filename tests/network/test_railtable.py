"""The bundled YRD city timetable routed by RAPTOR, against the direct times and a brute force."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from tongcheng._errors import DataError
from tongcheng.datasets import rail_times, rail_timetable
from tongcheng.network.railtable import rail_times_with_transfers, timetable_from_city_schedule
from tongcheng.network.raptor import earliest_arrival

SHANGHAI, SUZHOU, NANTONG, HANGZHOU, NANJING = "310100", "320500", "320600", "330100", "320100"
XUZHOU, ANQING = "320300", "340800"
TRANSFER = 15


@pytest.fixture(scope="module")
def timetable():  # type: ignore[no-untyped-def]
    return timetable_from_city_schedule(rail_timetable(), transfer_min=TRANSFER)


@pytest.fixture(scope="module")
def by_transfers(timetable):  # type: ignore[no-untyped-def]
    return {
        k: rail_times_with_transfers(timetable, max_transfers=k).set_index(["from_code", "to_code"])
        for k in (0, 1, 2)
    }


@pytest.fixture(scope="module")
def direct() -> pd.Series:
    return rail_times().set_index(["from_code", "to_code"])["value"].astype(float)


@functools.cache
def _all_legs() -> dict[tuple[str, str], np.ndarray]:
    """Every ride of one train between two of its stops: (departure, duration) in minutes by city pair."""
    sched = rail_timetable()
    sched["arr"] = sched["arrival_min"].fillna(sched["departure_min"]).astype(float)
    sched["dep"] = sched["departure_min"].fillna(sched["arrival_min"]).astype(float)
    found: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _, g in sched.groupby("train"):
        c, a, d = g["city_code"].to_numpy(), g["arr"].to_numpy(), g["dep"].to_numpy()
        for i in range(len(c)):
            for j in range(i + 1, len(c)):
                found.setdefault((c[i], c[j]), []).append((d[i], a[j] - d[i]))
    return {k: np.asarray(v, dtype=float) for k, v in found.items()}


def _legs(frm: str, to: str) -> np.ndarray:
    return _all_legs().get((frm, to), np.zeros((0, 2)))


def _then(journeys: np.ndarray, legs: np.ndarray) -> np.ndarray:
    """Journeys (departure mod day, duration) continued by a leg after a change of trains.

    The leg departs on the first day at or after arrival + TRANSFER (trains run daily).
    """
    if not len(journeys) or not len(legs):
        return np.zeros((0, 2))
    arrive = journeys[:, 0, None] + journeys[:, 1, None]
    wait = TRANSFER + np.mod(legs[None, :, 0] - arrive - TRANSFER, 1440)
    total = journeys[:, 1, None] + wait + legs[None, :, 1]
    dep = np.broadcast_to(journeys[:, 0, None], total.shape)
    frame = pd.DataFrame({"dep": np.mod(dep.ravel(), 1440), "t": total.ravel()})
    best = frame.groupby("dep")["t"].min()  # per departure minute the fastest is enough
    return np.column_stack([best.index.to_numpy(), best.to_numpy()])


def _brute_force(frm: str, to: str, max_transfers: int, cities: list[str]) -> float:
    """Fastest journey over every sequence of at most ``max_transfers`` changes, by enumeration."""
    best = np.inf
    reach = {c: _legs(frm, c) for c in cities if c != frm}
    if len(reach[to]):
        best = reach[to][:, 1].min()
    for _ in range(max_transfers):
        nxt: dict[str, list[np.ndarray]] = {c: [] for c in cities if c != frm}
        for mid, journeys in reach.items():
            if not len(journeys) or mid == to:
                continue
            for c, parts in nxt.items():
                if c != mid:
                    parts.append(_then(journeys, _legs(mid, c)))
        reach = {c: np.vstack(parts) if parts else np.zeros((0, 2)) for c, parts in nxt.items()}
        if len(reach[to]):
            best = min(best, reach[to][:, 1].min())
    return float(best)


def test_no_transfer_equals_direct_minimum(by_transfers, direct) -> None:  # type: ignore[no-untyped-def]
    got = by_transfers[0]["minutes"]
    assert set(got.index) == set(direct.index)
    pd.testing.assert_series_equal(got.reindex(direct.index), direct, check_names=False)
    assert (by_transfers[0]["n_transfers"] == 0).all()
    for to, want in ((SUZHOU, 23), (HANGZHOU, 45), (NANJING, 59)):
        assert got[(SHANGHAI, to)] == want


def test_transfers_never_slower(by_transfers, direct) -> None:  # type: ignore[no-untyped-def]
    t0, t1, t2 = (by_transfers[k]["minutes"] for k in (0, 1, 2))
    assert set(t0.index) <= set(t1.index) <= set(t2.index)
    assert (t1.reindex(t0.index) <= t0).all()
    assert (t2.reindex(t1.index) <= t1).all()
    assert (t2.reindex(direct.index) <= direct).all()
    n = by_transfers[2]["n_transfers"]
    assert n.between(0, 2).all()
    # the fewest changes: a pair with n changes is not as fast with fewer
    for k in (0, 1):
        rows = n[n > k].index
        slower = by_transfers[k]["minutes"].reindex(rows)
        assert (slower.isna() | (slower > t2[rows])).all()


def test_transfer_example_suzhou_nantong(by_transfers, direct) -> None:  # type: ignore[no-untyped-def]
    # no direct train 苏州→南通 in the timetable; one change (in 上海: 23 + 15 + 70 at best)
    assert (SUZHOU, NANTONG) not in direct.index
    row = by_transfers[1].loc[(SUZHOU, NANTONG)]
    assert row["n_transfers"] == 1
    assert row["minutes"] == 113.0
    cities = sorted(rail_timetable()["city_code"].unique())
    assert _brute_force(SUZHOU, NANTONG, 1, cities) == 113.0


@pytest.mark.parametrize(("frm", "to"), [(ANQING, "341000"), (XUZHOU, ANQING)])
def test_transfers_match_brute_force(by_transfers, frm: str, to: str) -> None:  # type: ignore[no-untyped-def]
    cities = sorted(rail_timetable()["city_code"].unique())
    for k in (1, 2):
        want = _brute_force(frm, to, k, cities)
        assert by_transfers[k].loc[(frm, to), "minutes"] == want


def test_transfer_allowance_shifts_arrivals(timetable) -> None:  # type: ignore[no-untyped-def]
    assert timetable.stops.attrs["arrival_offset_s"] == TRANSFER * 60
    zero = timetable_from_city_schedule(rail_timetable(), transfer_min=0)
    t0 = rail_times_with_transfers(zero, max_transfers=1).set_index(["from_code", "to_code"])
    t15 = rail_times_with_transfers(timetable, max_transfers=1).set_index(["from_code", "to_code"])
    assert (t0["minutes"].reindex(t15.index) <= t15["minutes"]).all()
    # earliest_arrival reports arrivals transfer_min late (documented)
    sh = timetable.stop_index([SHANGHAI])
    arr = earliest_arrival(timetable, sh, [7 * 3600], max_transfers=0)
    assert np.isfinite(arr).sum() > 1


def test_trains_over_midnight() -> None:
    # a made-up train leaving A at 23:50 and reaching B at 00:20 the next day, then C at 01:10
    sched = pd.DataFrame(
        {
            "train": ["Z1", "Z1", "Z1", "G2", "G2"],
            "seq": [0, 1, 2, 0, 1],
            "city_code": ["A", "B", "C", "B", "D"],
            "arrival_min": [None, 1460, 1510, None, 1530 - 1440 + 60],
            "departure_min": [1430, 1465, None, 1530 - 1440, None],
        }
    )
    tt = timetable_from_city_schedule(sched, transfer_min=10)
    got = rail_times_with_transfers(tt, max_transfers=1).set_index(["from_code", "to_code"])
    assert got.loc[("A", "B"), "minutes"] == 30
    assert got.loc[("A", "C"), "minutes"] == 80
    # Z1 reaches B at 00:20 (+1 d); G2 leaves B at 01:30 daily: 30 + 70 wait + 60 ride
    assert got.loc[("A", "D"), "minutes"] == 160
    assert got.loc[("A", "D"), "n_transfers"] == 1


def test_bad_input() -> None:
    with pytest.raises(DataError, match="lacks column"):
        timetable_from_city_schedule(pd.DataFrame({"train": ["x"]}))
    with pytest.raises(DataError, match="transfer_min"):
        timetable_from_city_schedule(rail_timetable(), transfer_min=-1)
    backwards = pd.DataFrame(
        {"train": ["x", "x"], "city_code": ["A", "B"], "arrival_min": [None, 50], "departure_min": [60, None]}
    )
    with pytest.raises(DataError, match="go backwards"):
        timetable_from_city_schedule(backwards)
    with pytest.raises(DataError, match="max_transfers"):
        rail_times_with_transfers(timetable_from_city_schedule(rail_timetable()), max_transfers=-1)


def test_transfer_indicators() -> None:
    from tongcheng.datasets import units
    from tongcheng.indicators import get
    from tongcheng.indicators.compute import to_observations
    from tongcheng.indicators.context import ComputeContext
    from tongcheng.indicators.rail_transfers import bundled_transfer_times

    metros = pd.DataFrame(
        {"metro_code": ["M1", "M2"], "status": ["adopted", "adopted"], "core_code": [NANJING, HANGZHOU]}
    )
    ctx = ComputeContext(observations=pd.DataFrame(), units=units(), metros=metros)
    pair = get("rail_time_transfer_min")
    assert pair.subject_kind == "pair"
    assert pair.inputs == ()
    result = pair.compute(ctx)
    times = bundled_transfer_times().set_index(["from_code", "to_code"])["minutes"]
    assert len(result) == len(times) == 24 * 23
    assert result.loc[(SUZHOU, NANTONG), "value"] == 113.0
    assert result.loc[(SUZHOU, NANTONG), "flags"] == "transfers=1"
    obs = to_observations(pair, result)
    assert set(obs["subject_key"]) >= {f"{SUZHOU}>{NANTONG}"}
    circle = get("rail_1h_cities_transfer").compute(ctx)
    assert list(circle.index) == sorted([SHANGHAI, NANJING, HANGZHOU])
    for core in circle.index:
        near = times[
            (times <= 60)
            & ((times.index.get_level_values(0) == core) | (times.index.get_level_values(1) == core))
        ]
        others = set(near.index.get_level_values(0)) | set(near.index.get_level_values(1))
        assert circle.loc[core, "value"] == len(others | {core})
    # the project's units bound the pairs
    few = ComputeContext(observations=pd.DataFrame(), units=units().loc[[SHANGHAI, SUZHOU]], metros=metros)
    assert len(pair.compute(few)) == 2
