"""Benchmark: aggregate synthetic trip records to a county OD table with DuckDB, pandas and Spark.

Writes ``--records`` synthetic home–work records (person id, home county, work county, date)
to Parquet, aggregates them with :func:`tongcheng.flows.aggregate_trips` on each backend
(records per origin, destination and year; best of ``--repeat`` runs, the Spark session
started outside the timing), checks that the three tables are identical,
and measures the machine's memory bandwidth with a large numpy copy. The bandwidth floor
is the time needed just to move the uncompressed bytes of the three columns once.

Usage::

    python benchmarks/od_aggregation.py [--records 100000000] [--workdir DIR] [--skip-spark]

Ends with one line ``RESULT duckdb_s=… pandas_s=… spark_s=… bandwidth_floor_s=…``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tongcheng.flows import aggregate_trips

N_COUNTIES = 300
CHUNK = 10_000_000


def write_records(folder: Path, n: int, *, seed: int = 42) -> int:
    """Write ``n`` records as Parquet files of ≤ 10 M rows; return the bytes of the 3 used columns."""
    rng = np.random.default_rng(seed)
    codes = np.sort(rng.choice(np.arange(310101, 349999, dtype=np.int32), N_COUNTIES, replace=False))
    start = np.datetime64("2021-01-01", "D").astype(np.int32)
    persons = max(n // 50, 1000)  # each person has one home and one workplace, seen on many days
    p_home = codes[rng.integers(0, N_COUNTIES, persons)]
    p_work = np.where(rng.random(persons) < 0.85, p_home, codes[rng.integers(0, N_COUNTIES, persons)])
    written, part = 0, 0
    while written < n:
        m = min(CHUNK, n - written)
        who = rng.integers(0, persons, m)
        day = (start + rng.integers(0, 730, m)).astype(np.int32)
        table = pa.table({
            "id": pa.array(who.astype(np.int64)),
            "home_unit": pa.array(p_home[who]), "work_unit": pa.array(p_work[who]),
            "date": pa.array(day, type=pa.int32()).cast(pa.date32()),
        })
        pq.write_table(table, folder / f"part-{part:04d}.parquet", row_group_size=1_000_000)
        written += m
        part += 1
    return n * (4 + 4 + 4)  # home, work, date (the id adds 8 bytes with --count distinct)


def bandwidth_gbs(size_bytes: int = 1 << 30, repeat: int = 5) -> float:
    """Return the best copy bandwidth in GB/s (bytes read + bytes written per second)."""
    a = np.ones(size_bytes // 8)
    b = np.empty_like(a)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - t)
    return 2 * a.nbytes / best / 1e9


def timed(backend: str, folder: Path, repeat: int, count: str) -> tuple[float, object]:
    """Return the best seconds of ``repeat`` aggregations and the OD table."""
    best, od = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        od = aggregate_trips(folder, backend=backend, count=count)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - t)
    return best, od


def main() -> None:
    """Write the records, aggregate them on each backend and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--count", choices=["records", "distinct"], default="records",
                        help="count records (person-days) or distinct persons per OD pair and year")
    parser.add_argument("--repeat", type=int, default=2, help="runs per backend; the best counts")
    parser.add_argument("--keep", action="store_true", help="keep the Parquet files")
    args = parser.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="od_bench_"))
    folder = work / "trips"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        t = time.perf_counter()
        nbytes = write_records(folder, args.records) + (8 * args.records if args.count == "distinct" else 0)
        size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
        secs = time.perf_counter() - t
        os.sync()  # flush the new files so that writing back does not slow the first reader
        print(f"wrote {args.records:,} records ({size / 1e9:.2f} GB Parquet) in {secs:.1f} s")
        bw = bandwidth_gbs()
        floor = nbytes / (bw * 1e9 / 2)  # read-only share of the copy bandwidth
        print(f"memory bandwidth {bw:.1f} GB/s (copy, read+write); "
              f"floor for {nbytes / 1e9:.2f} GB: {floor:.3f} s")
        results: dict[str, float] = {}
        tables = {}
        for backend in ("duckdb", "pandas", "spark"):
            if backend == "spark" and args.skip_spark:
                continue
            try:
                if backend == "spark":  # start the JVM outside the timing
                    from pyspark.sql import SparkSession
                    SparkSession.builder.master("local[*]").config("spark.ui.enabled", "false") \
                        .config("spark.driver.memory", "8g").getOrCreate()
                secs, od = timed(backend, folder, args.repeat, args.count)
            except ImportError as exc:
                print(f"{backend}: skipped ({exc})")
                continue
            results[backend] = secs
            tables[backend] = od.data  # type: ignore[attr-defined]
            print(f"{backend}: {secs:.2f} s, {len(od.data):,} OD rows")  # type: ignore[attr-defined]
        base = tables["duckdb"]
        for name, frame in tables.items():
            same = frame.reset_index(drop=True).equals(base.reset_index(drop=True))
            print(f"{name} identical to duckdb: {same}")
        if "pandas" in results:
            print(f"pandas / duckdb = {results['pandas'] / results['duckdb']:.1f}x; "
                  f"duckdb / floor = {results['duckdb'] / floor:.1f}x")
        fmt = {k: (f"{v:.2f}" if v is not None else "nan") for k, v in results.items()}
        print(f"RESULT duckdb_s={fmt.get('duckdb', 'nan')} pandas_s={fmt.get('pandas', 'nan')} "
              f"spark_s={fmt.get('spark', 'nan')} bandwidth_floor_s={floor:.3f}")
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
