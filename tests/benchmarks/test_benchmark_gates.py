"""Each benchmark gates on its peer: at its smallest size it exits 0 with every peer check passed
and a RESULT line last, and the same run with a mismatch planted in our result (the hidden
``--plant-mismatch``) exits 1, naming the failed check, and still ends with its RESULT line."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared" / "data"


@dataclass(frozen=True)
class Bench:
    script: str
    args: tuple[str, ...]
    gates: tuple[str, ...]  # the checks a clean run must pass
    modules: tuple[str, ...]  # the peers' packages
    data: Path
    planted_args: tuple[str, ...] = ()  # extra options for the planted run (to keep it short)
    result_has: tuple[str, ...] = ()  # key=value pairs the clean run's RESULT line must hold


BENCHES = {
    "composite_sensitivity": Bench(
        "composite_sensitivity.py",
        ("--repeat", "1", "--n-boot", "50", "--n-large", "200", "--naive-runs", "10"),
        ("coinr_nominal", "naive_regeneration"), (), SHARED / "reference" / "coinr_asem"),
    "travel_time_matrix": Bench(
        "travel_time_matrix.py", ("--n", "60"), ("ours_vs_scipy", "pandana_vs_scipy_truncated"),
        ("pandana",), SHARED / "raw" / "valhalla_osm" / "andorra.osm.pbf",
        result_has=("pandana_threads=2",)),  # pandana's own report of its OpenMP threads (--threads 2)
    "od_aggregation": Bench(
        "od_aggregation.py", ("--records", "1e6", "--repeat", "1", "--bandwidth-mib", "64"),
        ("pandas_equals_duckdb", "spark_equals_duckdb", "acero_equals_duckdb", "polars_equals_duckdb"),
        ("polars", "pyspark"), REPO / "benchmarks", planted_args=("--skip-spark",)),
    "accessibility": Bench(
        "accessibility.py", ("--catchment", "15", "--repeat", "1"),
        ("2sfca_equals_access", "e2sfca_equals_access", "hansen_equals_access"), ("access",),
        SHARED / "raw" / "r5r_poa" / "poa_osm.pbf"),
}


def _missing(bench: Bench) -> str | None:
    """Return why the benchmark cannot run here (a peer or its data missing), or None."""
    for name in bench.modules:
        if importlib.util.find_spec(name) is None:
            return f"peer package {name} not installed (it is in the test extra)"
    if "pyspark" in bench.modules and shutil.which("java") is None:
        return "Java (for Spark) not installed"
    if not bench.data.exists():
        return f"benchmark data not found: {bench.data}"
    return None


def _run(bench: Bench, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "benchmarks" / bench.script), *bench.args, *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=900, check=False)


def _gates(stdout: str) -> dict[str, str]:
    return dict(re.findall(r"^GATE (\S+): (pass|FAIL) ", stdout, flags=re.MULTILINE))


def _last_line(stdout: str) -> str:
    lines = [line for line in stdout.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BENCHES))
def test_benchmark_passes_its_gates_and_fails_a_planted_mismatch(name: str) -> None:
    bench = BENCHES[name]
    reason = _missing(bench)
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{name}: {reason}")
        pytest.skip(reason)

    clean = _run(bench)
    where = f"{name} stdout:\n{clean.stdout[-4000:]}\nstderr:\n{clean.stderr[-4000:]}"
    assert clean.returncode == 0, where
    assert _last_line(clean.stdout).startswith("RESULT "), where
    assert set(bench.result_has) <= set(_last_line(clean.stdout).split()), where
    assert _gates(clean.stdout) == dict.fromkeys(bench.gates, "pass"), where

    planted = _run(bench, "--plant-mismatch", *bench.planted_args)
    where = f"{name} (planted) stdout:\n{planted.stdout[-4000:]}\nstderr:\n{planted.stderr[-4000:]}"
    assert planted.returncode == 1, where
    assert _last_line(planted.stdout).startswith("RESULT "), where
    failed = [gate for gate, state in _gates(planted.stdout).items() if state == "FAIL"]
    assert failed, where
    assert all(gate in bench.gates for gate in failed), where
    assert f"differs from its peer: {', '.join(failed)}" in planted.stderr, where
