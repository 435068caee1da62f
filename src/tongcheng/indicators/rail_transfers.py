"""Scheduled rail times with changes of trains, from the bundled YRD city timetable.

Unlike ``rail_time_min`` (the fastest *direct* train, imported into a project as data), these
indicators route the bundled :func:`tongcheng.datasets.rail_timetable` with RAPTOR
(:mod:`tongcheng.network.railtable`): journeys may change trains up to twice, each change in a
city taking at least :data:`TRANSFER_MIN` minutes. They need no project data except the units
(results are kept for the project's units only), so they are always computed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import pandas as pd

from .context import ComputeContext
from .rail import one_hour_circle
from .registry import indicator

__all__ = ["MAX_TRANSFERS", "PERIOD", "TRANSFER_MIN", "bundled_transfer_times", "transfer_times_between"]

#: Minutes allowed for a change of trains within a city (between its stations included).
TRANSFER_MIN = 15.0
#: Largest number of changes of trains.
MAX_TRANSFERS = 2
#: Period of the bundled timetable (as for ``rail_time_min``).
PERIOD = "2021"
_SHANGHAI = "310100"
_CITE = ("RailwayVIS timetable (thaddywu/RailwayVIS, Apache-2.0); RAPTOR: Delling, Pajor & Werneck "
         "(2012) Round-Based Public Transit Routing")
_NDRC_2019 = ("国家发展改革委《关于培育发展现代化都市圈的指导意见》(发改规划〔2019〕328号): "
              "都市圈以1小时通勤圈为基本范围")


@functools.cache
def _times() -> pd.DataFrame:
    from ..datasets import rail_timetable
    from ..network.railtable import rail_times_with_transfers, timetable_from_city_schedule

    tt = timetable_from_city_schedule(rail_timetable(), transfer_min=TRANSFER_MIN)
    return rail_times_with_transfers(tt, max_transfers=MAX_TRANSFERS)


def bundled_transfer_times() -> pd.DataFrame:
    """Return the shortest scheduled times between the bundled YRD cities with up to 2 changes.

    Returns
    -------
    pandas.DataFrame
        ``from_code, to_code, minutes, n_transfers`` for every ordered pair of the 24 covered
        cities (computed once per process, about a second).
    """
    return _times().copy()


def transfer_times_between(codes: Iterable[str]) -> pd.DataFrame:
    """Return :func:`bundled_transfer_times` rows whose both ends are among ``codes``."""
    times = _times()
    known = {str(c) for c in codes}
    return times[times["from_code"].isin(known) & times["to_code"].isin(known)]


def _in_project(ctx: ComputeContext) -> pd.DataFrame:
    return transfer_times_between(ctx.units.index)


@indicator("rail_time_transfer_min", name_zh="最短铁路时间(含至多2次换乘)",
           name_en="Minimum scheduled rail time with up to 2 transfers", unit="min",
           subject_kind="pair", inputs=(), family="rail", direction=-1,
           description_zh="内置长三角城市级时刻表经 RAPTOR 计算: 全天各出发时刻中(到达 − 出发)的最小值, "
                          "至多换乘2次, 同城换乘至少15分钟(含跨站); 不计起点等候与市内接驳",
           description_en="from the bundled YRD city-level timetable by RAPTOR: the minimum over the "
                          "day's departures of (arrival − departure) with up to 2 changes, each change "
                          "in a city at least 15 min (between stations included); no waiting at the "
                          "origin, no access or egress",
           citation=_CITE)
def _time_transfer(ctx: ComputeContext) -> pd.DataFrame:
    times = _in_project(ctx)
    index = pd.MultiIndex.from_arrays([times["from_code"], times["to_code"]],
                                      names=["from_code", "to_code"])
    return pd.DataFrame({"period": PERIOD, "value": times["minutes"].to_numpy(float),
                         "flags": [f"transfers={n}" for n in times["n_transfers"]]}, index=index)


@indicator("rail_1h_cities_transfer", name_zh="1小时铁路圈城市数(含换乘)",
           name_en="Cities in the one-hour rail circle (with transfers)", unit="cities",
           subject_kind="unit", inputs=(), family="rail",
           description_zh="上海及各都市圈核心城市: 含至多2次换乘的最短铁路时间(任一方向) "
                          "≤ 60 分钟的城市数(含核心)",
           description_en="for Shanghai and each metro core: cities ≤ 60 min away (either direction) "
                          "by scheduled rail with up to 2 changes, core included",
           citation=_NDRC_2019)
def _circle_transfer(ctx: ComputeContext) -> pd.DataFrame:
    times = _in_project(ctx).set_index(["from_code", "to_code"])["minutes"]
    covered = set(times.index.get_level_values(0))
    cores = sorted(c for c in {_SHANGHAI, *ctx.cores().values()} if c in covered)
    rows = {}
    for core in cores:
        inside = one_hour_circle(times, core)
        rows[core] = (float(len(inside)), "members=" + ",".join(inside.index))
    out = pd.DataFrame({"period": PERIOD, "value": [v for v, _ in rows.values()],
                        "flags": [f for _, f in rows.values()]}, index=pd.Index(list(rows), name="code"))
    return out
