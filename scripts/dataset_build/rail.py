"""rail_times.csv and rail_timetable.csv from RailwayVIS."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from .common import OUT

# ---------------------------------------------------------------------------------------------
# rail times
# ---------------------------------------------------------------------------------------------


def _minutes(t: str) -> int | None:
    if not t or t.strip() == "-":
        return None
    h, m = t.strip().split(":")
    return int(h) * 60 + int(m)


def build_rail(data: Path, units: pd.DataFrame) -> pd.DataFrame:
    """Write rail_times.csv: minimum scheduled in-vehicle time between YRD city pairs."""
    sched = json.loads((data / "raw" / "railwayvis" / "schedulers.json").read_text("utf-8"))
    cities = units[units["level"] == "city"]
    by_short = dict(zip(cities["short_zh"], cities["code"], strict=True))
    names = dict(zip(cities["code"], cities["name_zh"], strict=True))
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for train, info in sched.items():
        stops = []
        for st in info["route"]:
            code = by_short.get(st["city"])
            stops.append((code, _minutes(st["arrival"]), _minutes(st["departure"])))
        for i, (ci, _ai, di) in enumerate(stops):
            if ci is None or di is None:
                continue
            for cj, aj, _dj in stops[i + 1 :]:
                if cj is None or aj is None or cj == ci:
                    continue
                t = aj - di
                if t <= 0:
                    continue
                key = (ci, cj)
                if key not in best or (t, train) < best[key]:
                    best[key] = (t, train)
    rows = [
        {
            "from_code": a,
            "from_name": names[a],
            "to_code": b,
            "to_name": names[b],
            "indicator": "rail_time_min",
            "period": "2021",
            "value": t,
            "unit": "min",
            "train": train,
        }
        for (a, b), (t, train) in sorted(best.items())
    ]
    df = pd.DataFrame(rows)
    covered = sorted(set(df["from_code"]) | set(df["to_code"]))
    seen = {st["city"] for info in sched.values() for st in info["route"]}
    print(
        f"rail_times: {len(df)} ordered pairs, {len(covered)} YRD cities covered; "
        f"YRD cities absent from the timetable: "
        f"{sorted(set(cities['short_zh']) - seen)}"
    )
    get = {(r.from_name, r.to_name): r.value for r in df.itertuples()}
    for a, b, want in (
        ("上海市", "苏州市", 23),
        ("上海市", "杭州市", 45),
        ("上海市", "南京市", 59),
        ("上海市", "嘉兴市", 27),
        ("杭州市", "宁波市", 43),
        ("南京市", "合肥市", 48),
    ):
        if get.get((a, b)) != want:
            sys.exit(f"rail check failed: {a}→{b} = {get.get((a, b))}, expected {want}")
    df.to_csv(OUT / "rail_times.csv", index=False, encoding="utf-8")
    return df


def build_rail_timetable(data: Path, units: pd.DataFrame) -> pd.DataFrame:
    """Write rail_timetable.csv: the YRD stops of every train calling at >= 2 YRD cities."""
    sched = json.loads((data / "raw" / "railwayvis" / "schedulers.json").read_text("utf-8"))
    cities = units[units["level"] == "city"]
    by_short = dict(zip(cities["short_zh"], cities["code"], strict=True))
    names = dict(zip(cities["code"], cities["name_zh"], strict=True))
    rows = []
    for train, info in sched.items():
        stops = [
            (by_short[st["city"]], _minutes(st["arrival"]), _minutes(st["departure"]))
            for st in info["route"]
            if st["city"] in by_short
        ]
        if len({c for c, _a, _d in stops}) < 2:
            continue
        rows += [
            {
                "train": train,
                "seq": k,
                "city_code": c,
                "city_name": names[c],
                "arrival_min": a,
                "departure_min": d,
            }
            for k, (c, a, d) in enumerate(stops)
        ]
    df = pd.DataFrame(rows).astype({"arrival_min": "Int64", "departure_min": "Int64"})
    # every direct time of rail_times.csv must come back from the timetable
    best: dict[tuple[str, str], int] = {}
    for _, g in df.groupby("train", sort=False):
        c, a, d = g["city_code"].tolist(), g["arrival_min"].tolist(), g["departure_min"].tolist()
        for i in range(len(c)):
            for j in range(i + 1, len(c)):
                if d[i] is pd.NA or a[j] is pd.NA or c[i] == c[j] or a[j] - d[i] <= 0:
                    continue
                best[c[i], c[j]] = min(best.get((c[i], c[j]), 1 << 30), a[j] - d[i])
    direct = pd.read_csv(OUT / "rail_times.csv", dtype={"from_code": str, "to_code": str})
    want = dict(zip(zip(direct["from_code"], direct["to_code"], strict=True), direct["value"], strict=True))
    if best != want:
        sys.exit(f"rail_timetable check failed: {len(set(best.items()) ^ set(want.items()))} pairs differ")
    df.to_csv(OUT / "rail_timetable.csv", index=False, encoding="utf-8")
    size = (OUT / "rail_timetable.csv").stat().st_size
    print(
        f"rail_timetable: {df['train'].nunique()} trains, {len(df)} stops, "
        f"{df['city_code'].nunique()} cities, {size / 1e3:.0f} kB; direct minima = rail_times.csv"
    )
    if size >= 1_000_000:
        sys.exit("rail_timetable check failed: file is 1 MB or larger")
    return df


