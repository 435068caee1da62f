from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tongcheng._errors import DataError, ValidationError
from tongcheng.flows import ODTable, aggregate_trips, antisymmetric_part, symmetric_part


def _od() -> ODTable:
    frame = pd.DataFrame({
        "origin": ["A", "A", "B", "B", "C"],
        "destination": ["A", "B", "A", "C", "A"],
        "value": [50, 10, 4, 6, 2],
    })
    return ODTable.from_frame(frame, period="2021", kind="commuting", value_kind="sample")


def test_totals_outflow_inflow_intra() -> None:
    t = _od().totals().set_index("unit")
    assert t.loc["A", ["outflow", "inflow", "intra"]].tolist() == [10, 6, 50]
    assert t.loc["B", ["outflow", "inflow", "intra"]].tolist() == [10, 10, 0]
    assert t.loc["C", ["outflow", "inflow", "intra"]].tolist() == [2, 6, 0]
    assert set(t["value_kind"]) == {"sample"}


def test_matrix_and_parts_add_up() -> None:
    m = _od().to_matrix()
    assert m.loc["A", "B"] == 10 and m.loc["C", "B"] == 0
    s, a = symmetric_part(m), antisymmetric_part(m)
    np.testing.assert_allclose((s + a).to_numpy(), m.to_numpy())
    np.testing.assert_allclose(s.to_numpy(), s.T.to_numpy())
    assert a.loc["A", "B"] == pytest.approx(3.0)  # (10 - 4) / 2
    back = ODTable.from_matrix(m, period="2021", kind="commuting", value_kind="sample")
    assert len(back) == len(_od())


def test_matrix_refuses_mixed_value_kinds() -> None:
    both = pd.concat([_od().data, _od().data.assign(value_kind="expanded")])
    od = ODTable.from_frame(both)
    with pytest.raises(DataError, match="select"):
        od.to_matrix()
    assert len(od.select(value_kind="expanded").to_matrix()) == 3


def test_validation_collects_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text("origin,destination,value,value_kind\n"
                    "310100,320583,12,sample\n"
                    ",320583,3,sample\n"
                    "310100,320585,-1,sample\n"
                    "310100,320585,x,guess\n"
                    "310100,320583,5,sample\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        ODTable.read(path, period="2021", kind="commuting")
    found = {(p.row, p.column) for p in err.value.problems}
    assert {(3, "origin"), (4, "value"), (5, "value"), (5, "value_kind"), (6, "destination")} <= found
    assert all(p.file == "flows.csv" for p in err.value.problems)
    assert all(p.expected and p.fix for p in err.value.problems)


def test_missing_columns_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("from,to,n\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        ODTable.read(path)
    cols = {p.column for p in err.value.problems}
    assert {"origin", "destination", "value", "period", "kind", "value_kind"} <= cols
    od = ODTable.read(path, columns={"from": "origin", "to": "destination", "n": "value"},
                      period="2020", kind="migration", value_kind="expanded")
    assert od.data.loc[0, "value"] == 3.0


def test_excel_and_parquet_round_trip(tmp_path: Path) -> None:
    data = _od().data
    data.to_parquet(tmp_path / "od.parquet")
    data.to_excel(tmp_path / "od.xlsx", index=False)
    for name in ("od.parquet", "od.xlsx"):
        got = ODTable.read(tmp_path / name).data
        pd.testing.assert_frame_equal(got, data)


def test_relabel_sums_to_groups() -> None:
    od = _od().relabel({"B": "X", "C": "X"})
    t = od.totals().set_index("unit")
    assert t.loc["X", "intra"] == 6 and t.loc["X", "outflow"] == 6 and t.loc["A", "outflow"] == 10


def test_omx(tmp_path: Path) -> None:
    if importlib.util.find_spec("openmatrix") is None:
        if os.environ.get("CI"):
            pytest.fail("openmatrix is in the test extra but not installed")
        pytest.skip("openmatrix not installed")
    import openmatrix as omx

    path = tmp_path / "m.omx"
    with omx.open_file(str(path), "w") as f:
        f["trips"] = np.array([[0.0, 2.0], [3.0, 1.0]])
        f.create_mapping("zone", [101, 102])
    od = ODTable.from_omx(path, matrix="trips", mapping="zone", period="2020", kind="trips",
                          value_kind="expanded")
    assert od.to_matrix().loc["102", "101"] == 3.0


# ---------------------------------------------------------------- record-level aggregation
def _write_trips(folder: Path) -> None:
    rng = np.random.default_rng(7)
    n = 20_000
    home = rng.choice(np.array([310101, 320583, 320585, 330421], dtype=np.int32), n)
    work = np.where(rng.random(n) < 0.7, home, rng.choice(np.array([310101, 320583], dtype=np.int32), n))
    days = np.datetime64("2021-11-01") + rng.integers(0, 120, n).astype("timedelta64[D]")
    ids = rng.integers(0, 3000, n)
    folder.mkdir()
    for part in range(2):
        sl = slice(part * n // 2, (part + 1) * n // 2)
        pq.write_table(pa.table({"id": ids[sl], "home_unit": home[sl], "work_unit": work[sl],
                                 "date": pa.array(days[sl].astype("datetime64[D]"))}),
                       folder / f"part-{part}.parquet")


@pytest.fixture(scope="module")
def trips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("trips") / "trips"
    _write_trips(folder)
    return folder


@pytest.mark.parametrize("count", ["distinct", "records"])
def test_duckdb_equals_pandas(trips: Path, count: str) -> None:
    duck = aggregate_trips(trips, count=count)  # type: ignore[arg-type]
    pand = aggregate_trips(str(trips / "*.parquet"), backend="pandas", count=count)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(duck.data, pand.data)
    assert set(duck.data["period"]) == {"2021", "2022"}
    assert duck.data["value_kind"].eq("sample").all()


def test_duckdb_by_hand(trips: Path) -> None:
    raw = pd.concat([pd.read_parquet(p) for p in sorted(trips.glob("*.parquet"))])
    raw = raw[pd.to_datetime(raw["date"]).dt.year == 2021]
    want = raw[(raw["home_unit"] == 320583) & (raw["work_unit"] == 310101)]["id"].nunique()
    od = aggregate_trips(trips).select(period="2021").to_matrix()
    assert od.loc["320583", "310101"] == want


def test_fixed_period_and_errors(trips: Path, tmp_path: Path) -> None:
    od = aggregate_trips(trips, period="2021Q4", count="records")
    assert od.data["value"].sum() == 20_000 and set(od.data["period"]) == {"2021Q4"}
    with pytest.raises(ValidationError, match="lack column"):
        aggregate_trips(trips, origin="home")
    with pytest.raises(DataError, match="no file"):
        aggregate_trips(tmp_path / "none*.parquet")
    with pytest.raises(DataError, match="backend"):
        aggregate_trips(trips, backend="polars")  # type: ignore[arg-type]


def _spark_ready() -> bool:
    return importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_spark_equals_duckdb(trips: Path) -> None:
    if not _spark_ready():
        if os.environ.get("CI"):
            pytest.fail("pyspark and Java are in the test extra / CI image but not available")
        pytest.skip("pyspark or Java not installed")
    spark = aggregate_trips(trips, backend="spark", threads=2)
    duck = aggregate_trips(trips)
    pd.testing.assert_frame_equal(spark.data, duck.data)
