from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from tongcheng.cli.main import cli
from tongcheng.flows import (
    OECD_FUA,
    ODTable,
    aggregate_trips,
    delineate,
    fit_gravity,
    threshold_sensitivity,
)

REPO = Path(__file__).resolve().parents[2]
AUSTRIA = REPO.parent / "shared" / "data" / "raw" / "spint_austria" / "austria_migration_flows.csv"
SPINT_GRAVITY = [-7.95447436, 0.863867812, 0.880474585, -0.00620544765]

# A core, B sends 20 % of its workers to A, C 12 % to A (and only touches B), D 5 %.
OD_CSV = ("origin,destination,value\n"
          "A,A,500\nB,B,80\nB,A,20\nC,C,88\nC,A,12\nD,D,95\nD,A,5\nA,B,10\n")


def _run(*args: object, lang: str | None = "en") -> Result:
    """Run `tongcheng flows …` in ``lang`` (``None``: the default language, Chinese)."""
    # through the top-level group: a subgroup invoked alone caches its help option without -h
    tail = [] if lang is None else ["--lang", lang]
    return CliRunner().invoke(cli, ["flows", *(str(a) for a in args), *tail])


@pytest.fixture
def od_file(tmp_path: Path) -> Path:
    path = tmp_path / "od.csv"
    path.write_text(OD_CSV, encoding="utf-8")
    return path


def _library_od(path: Path) -> ODTable:
    return ODTable.read(path, period="2021", kind="commuting", value_kind="sample")


def test_aggregate_writes_the_library_table(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    n = 400
    records = pd.DataFrame({
        "pid": rng.integers(0, 60, n).astype(str),
        "home": rng.choice(["310000", "320500", "320583"], n),
        "work": rng.choice(["310000", "320500"], n),
        "day": rng.choice(["2021-03-01", "2021-03-02", "2022-03-01"], n),
    })
    records.iloc[: n // 2].to_csv(tmp_path / "trips_1.csv", index=False)
    records.iloc[n // 2:].to_csv(tmp_path / "trips_2.csv", index=False)
    pattern = str(tmp_path / "trips_*.csv")
    cols = {"origin": "home", "destination": "work", "person": "pid", "date": "day"}
    for backend, count in (("duckdb", "distinct"), ("pandas", "records")):
        out = tmp_path / f"od_{backend}.csv"
        res = _run("aggregate", pattern, "--out", out, "--backend", backend, "--count", count,
                   *(a for k, v in cols.items() for a in (f"--{k}", v)))
        assert res.exit_code == 0, res.output
        assert "written" in res.output
        expected = aggregate_trips(pattern, backend=backend, count=count, **cols)  # type: ignore[arg-type]
        got = ODTable.read(out)
        pd.testing.assert_frame_equal(got.data, expected.data)
    parquet = tmp_path / "od.parquet"
    assert _run("aggregate", pattern, "--out", parquet, *(a for k, v in cols.items()
                                                        for a in (f"--{k}", v))).exit_code == 0
    pd.testing.assert_frame_equal(ODTable.read(parquet).data, ODTable.read(tmp_path / "od_duckdb.csv").data)


def test_aggregate_missing_column_and_no_file(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("id,home_unit,date\n1,A,2021-01-01\n", encoding="utf-8")
    res = _run("aggregate", tmp_path / "t.csv", "--out", tmp_path / "od.csv")
    assert res.exit_code == 2 and "t.csv row 1 column 'work_unit'" in res.output
    res = _run("aggregate", tmp_path / "t.csv", "--out", tmp_path / "od.csv", lang=None)
    assert res.exit_code == 2 and "t.csv 第 1 行 「work_unit」列" in res.output
    assert "出行记录缺少列" in res.output
    res = _run("aggregate", tmp_path / "none_*.parquet", "--out", tmp_path / "od.csv")
    assert res.exit_code == 1 and "no file matches" in res.output
    res = _run("aggregate", tmp_path / "none_*.parquet", "--out", tmp_path / "od.csv", lang=None)
    assert res.exit_code == 1 and "没有匹配" in res.output
    res = _run("aggregate", tmp_path / "t.csv", "--out", tmp_path / "od.txt")
    assert res.exit_code == 2 and ".csv or .parquet" in res.output


@pytest.mark.parametrize(("args", "rule"), [
    ((), OECD_FUA),
    (("--rule", "custom", "--threshold", "10"), None),
    (("--rule", "omb", "--direction", "out", "--threshold", "12"), None),
])
def test_delineate_equals_library(od_file: Path, tmp_path: Path, args: tuple[str, ...],
                                  rule: object) -> None:
    from dataclasses import replace

    from tongcheng.flows import OMB_CBSA, Rule

    if rule is None:
        rule = (Rule("custom", 10.0, "out", name="custom threshold") if args[1] == "custom"
                else replace(OMB_CBSA, direction="out", threshold=12.0))
    out = tmp_path / "members.csv"
    res = _run("delineate", od_file, "--cores", "A", "--period", "2021", "--value-kind", "sample",
               "--out", out, *args)
    assert res.exit_code == 0, res.output
    expected = delineate(_library_od(od_file), {"A": ["A"]}, rule=rule)  # type: ignore[arg-type]
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got, expected.astype(str), check_dtype=False)
    outer = sorted(set(expected["member_code"]) - {"A"})
    assert f"A (core A): {len(outer)} member(s)" in res.output


def test_delineate_summary_threshold_and_adjacency(od_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    res = _run("delineate", od_file, "--cores", "sh=A", "--period", "2021", "--value-kind", "sample",
               "--rule", "custom", "--threshold", "10", "--out", out)
    assert res.exit_code == 0, res.output
    assert "sh (core A): 2 member(s): B, C" in res.output
    got = pd.read_csv(out, dtype=str)
    assert list(got.columns)[:6] == ["metro_code", "version", "name_zh", "name_en", "core_code",
                                    "member_code"]
    assert set(got["status"]) == {"derived"}
    # OECD keeps contiguity: with C touching only D, C is an exclave and is dropped
    adj = tmp_path / "adj.csv"
    adj.write_text("focal,neighbor\nA,B\nA,D\nC,D\n", encoding="utf-8")
    res = _run("delineate", od_file, "--cores", "A", "--period", "2021", "--value-kind", "sample",
               "--threshold", "10", "--adjacency", adj, "--out", out)
    assert res.exit_code == 0, res.output
    expected = delineate(_library_od(od_file), {"A": "A"}, rule=OECD_FUA.__class__(
        **{**OECD_FUA.__dict__, "threshold": 10.0}), adjacency=pd.read_csv(adj, dtype=str))
    assert sorted(pd.read_csv(out, dtype=str)["member_code"]) == sorted(expected["member_code"])
    assert "C" not in set(expected["member_code"]) and "B" in set(expected["member_code"])


def test_sensitivity_equals_library(od_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "sens.parquet"
    res = _run("sensitivity", od_file, "--cores", "A", "--period", "2021", "--value-kind", "sample",
               "--thresholds", "5,10,15,25", "--out", out)
    assert res.exit_code == 0, res.output
    expected = threshold_sensitivity(_library_od(od_file), {"A": "A"}, thresholds=[5, 10, 15, 25])
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected)
    assert expected["n_members"].tolist() == [3, 2, 1, 0]
    assert "10 %: A 2" in res.output


def test_malformed_od_names_file_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad_od.csv"
    bad.write_text("origin,destination,value\nA,A,500\nB,A,twenty\n,A,3\n", encoding="utf-8")
    for command in ("delineate", "sensitivity"):
        args = [command, bad, "--cores", "A", "--period", "2021", "--value-kind", "sample",
                "--out", tmp_path / "x.csv"]
        res = _run(*args)
        assert res.exit_code == 2, res.output
        assert "bad_od.csv row 3 column 'value'" in res.output and "expected a number" in res.output
        assert "bad_od.csv row 4 column 'origin'" in res.output
        res = _run(*args, lang=None)  # Chinese by default
        assert res.exit_code == 2, res.output
        assert "bad_od.csv 第 3 行 「value」列" in res.output and "应为 数值" in res.output
        assert "bad_od.csv 第 4 行 「origin」列" in res.output and "非空的代码或标签" in res.output
        assert not (tmp_path / "x.csv").exists()


def test_usage_errors(od_file: Path, tmp_path: Path) -> None:
    res = _run("delineate", od_file, "--cores", "A", "--period", "2021", "--value-kind", "sample",
               "--rule", "custom", "--out", tmp_path / "m.csv")
    assert res.exit_code == 2 and "--threshold" in res.output
    res = _run("delineate", od_file, "--cores", "Z", "--period", "2021", "--value-kind", "sample",
               "--out", tmp_path / "m.csv")
    assert res.exit_code == 1 and "'Z'" in res.output
    res = _run("sensitivity", od_file, "--cores", "A", "--thresholds", "5,x", "--out", tmp_path / "s.csv")
    assert res.exit_code == 2 and "--thresholds" in res.output


def _synthetic_flows() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    units = [f"U{i}" for i in range(6)]
    mass = dict(zip(units, rng.integers(1_000, 50_000, 6), strict=True))
    rows = [(o, d) for o in units for d in units if o != d]
    frame = pd.DataFrame(rows, columns=["o", "d"])
    frame["km"] = rng.uniform(10, 300, len(frame)).round(1)
    frame["om"] = frame["o"].map(mass)
    frame["dm"] = frame["d"].map(mass)
    mu = np.exp(-6 + 0.8 * np.log(frame["om"]) + 0.9 * np.log(frame["dm"]) - 0.01 * frame["km"])
    frame["trips"] = rng.poisson(mu)
    return frame


@pytest.mark.parametrize("model", ["unconstrained", "production", "attraction", "doubly"])
def test_gravity_equals_library(tmp_path: Path, model: str) -> None:
    frame = _synthetic_flows()
    path = tmp_path / "flows.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "coef.csv"
    res = _run("gravity", path, "--model", model, "--cost", "km", "--cost-function", "pow",
               "--origin", "o", "--destination", "d", "--value", "trips", "--origin-mass", "om",
               "--destination-mass", "dm", "--out", out)
    assert res.exit_code == 0, res.output
    expected = fit_gravity(frame.astype({"o": str, "d": str}), model=model, cost="km",  # type: ignore[arg-type]
                           cost_function="pow", origin="o", destination="d", value="trips",
                           origin_mass="om", destination_mass="dm")
    got = pd.read_csv(out).set_index("name")
    assert list(got.index) == list(expected.params.index)
    np.testing.assert_allclose(got["coef"], expected.params, rtol=1e-12)
    np.testing.assert_allclose(got["std_err"], expected.fit.std_err[expected.params.index], rtol=1e-12)


def test_gravity_bad_values_name_file_row_and_column(tmp_path: Path) -> None:
    frame = _synthetic_flows().astype({"km": object})
    frame.loc[3, "km"] = "far"
    path = tmp_path / "bad_flows.csv"
    frame.drop(columns="dm").to_csv(path, index=False)
    args = ["gravity", path, "--cost", "km", "--origin", "o", "--destination", "d",
            "--value", "trips", "--origin-mass", "om", "--destination-mass", "dm",
            "--out", tmp_path / "coef.csv"]
    res = _run(*args)
    assert res.exit_code == 2, res.output
    assert "bad_flows.csv row 5 column 'km'" in res.output
    assert "bad_flows.csv column 'dm'" in res.output and "the flows lack column(s) ['dm']" in res.output
    res = _run(*args, lang=None)  # Chinese by default
    assert res.exit_code == 2, res.output
    assert "bad_flows.csv 第 5 行 「km」列" in res.output and "有限的数值" in res.output
    assert "bad_flows.csv 「dm」列" in res.output and "流量表缺少列 ['dm']" in res.output
    assert not (tmp_path / "coef.csv").exists()


@pytest.fixture(scope="module")
def austria() -> Path:
    if not AUSTRIA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing: {AUSTRIA.relative_to(REPO.parent)}")
        pytest.skip("shared data ../shared/data/raw/spint_austria not present")
    return AUSTRIA


def test_gravity_austria_reproduces_spint(austria: Path, tmp_path: Path) -> None:
    out = tmp_path / "coef.csv"
    res = _run("gravity", austria, "--model", "unconstrained", "--cost", "distance_km",
               "--value", "flow", "--out", out)
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out)
    np.testing.assert_allclose(got["coef"], SPINT_GRAVITY, atol=1e-3, rtol=0)
    np.testing.assert_allclose(got["coef"], [-7.954, 0.864, 0.880, -0.00621], atol=1e-3, rtol=0)
    expected = fit_gravity(pd.read_csv(austria), value="flow", cost="distance_km")
    np.testing.assert_allclose(got["coef"], expected.params, rtol=1e-12)
    assert "AIC 20395.0854" in res.output
    res = _run("gravity", austria, "--model", "production", "--cost", "distance_km", "--value", "flow",
               "--out", out)
    assert res.exit_code == 0, res.output
    coef = pd.read_csv(out).set_index("name")["coef"]
    assert coef["log_destination_mass"] == pytest.approx(0.89278717, abs=1e-6)
    assert coef["cost"] == pytest.approx(-0.00727113, abs=1e-8)
