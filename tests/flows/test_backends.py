"""aggregate_trips gives the same OD table on every backend and storage layout."""

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

from tongcheng._errors import DataError
from tongcheng.flows import aggregate_trips, backends

UNITS = ["310101", "320583", "320585", "330421", "340104"]


def _records(n: int = 12_000, seed: int = 3) -> pd.DataFrame:
    """Person-days over two years; homes and workplaces as positions into UNITS."""
    rng = np.random.default_rng(seed)
    persons = 900
    home = rng.integers(0, len(UNITS), persons).astype(np.int16)
    work = np.where(rng.random(persons) < 0.7, home, rng.integers(0, len(UNITS), persons)).astype(np.int16)
    who = rng.integers(0, persons, n)
    day = np.datetime64("2021-10-01") + rng.integers(0, 200, n).astype("timedelta64[D]")
    return pd.DataFrame({"id": who.astype(np.int64), "home": home[who], "work": work[who], "date": day})


def _write(frame: pd.DataFrame, folder: Path, *, indexed: bool, parts: int,
           by_date: bool = False) -> Path:
    """Write the records as ``parts`` Parquet files: unit codes (int32) or indices (int16)."""
    folder.mkdir(parents=True)
    if by_date:
        frame = frame.sort_values("date", kind="stable")
    codes = np.array([int(u) for u in UNITS], dtype=np.int32)
    for i, chunk in enumerate(np.array_split(np.arange(len(frame)), parts)):
        sub = frame.iloc[chunk]
        home = sub["home"].to_numpy() if indexed else codes[sub["home"].to_numpy()]
        work = sub["work"].to_numpy() if indexed else codes[sub["work"].to_numpy()]
        pq.write_table(pa.table({"id": sub["id"].to_numpy(), "home_unit": home, "work_unit": work,
                                 "date": pa.array(sub["date"].to_numpy().astype("datetime64[D]"))}),
                       folder / f"part-{i}.parquet", row_group_size=1000)
    return folder


def _by_hand(frame: pd.DataFrame, count: str) -> pd.DataFrame:
    grouped = frame.assign(year=frame["date"].dt.year).groupby(["home", "work", "year"])
    value = grouped["id"].nunique() if count == "distinct" else grouped.size()
    out = value.rename("value").reset_index()
    return pd.DataFrame({"origin": np.array(UNITS)[out["home"]], "destination": np.array(UNITS)[out["work"]],
                         "period": out["year"].astype(str), "value": out["value"].astype(float)})


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return _records()


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory, records: pd.DataFrame) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("layouts")
    return {
        "codes_1_file": _write(records, root / "c1", indexed=False, parts=1),
        "codes_3_files": _write(records, root / "c3", indexed=False, parts=3),
        "indexed_1_file": _write(records, root / "i1", indexed=True, parts=1),
        "indexed_4_files_by_date": _write(records, root / "i4", indexed=True, parts=4, by_date=True),
    }


def _agg(path: Path, backend: str, count: str, **kw: object) -> pd.DataFrame:
    units = UNITS if path.name.startswith("i") else None  # i…: indexed layouts
    od = aggregate_trips(path, backend=backend, count=count, origin="home_unit",  # type: ignore[arg-type]
                         destination="work_unit", units=units, **kw)  # type: ignore[arg-type]
    return od.data


@pytest.mark.parametrize("count", ["records", "distinct"])
@pytest.mark.parametrize("layout", ["codes_1_file", "codes_3_files", "indexed_1_file",
                                    "indexed_4_files_by_date"])
def test_duckdb_and_pandas_match_by_hand_on_every_layout(layouts: dict[str, Path], records: pd.DataFrame,
                                                           layout: str, count: str) -> None:
    want = _by_hand(records, count)
    for backend in ("duckdb", "pandas"):
        got = _agg(layouts[layout], backend, count)
        assert list(got.columns[:4]) == ["origin", "destination", "value", "period"]
        merged = got.merge(want, on=["origin", "destination", "period"], how="outer", suffixes=("", "_want"))
        assert len(merged) == len(got) == len(want), (backend, layout)
        np.testing.assert_array_equal(merged["value"], merged["value_want"], err_msg=f"{backend} {layout}")


@pytest.mark.parametrize("count", ["records", "distinct"])
def test_layouts_give_identical_tables(layouts: dict[str, Path], count: str) -> None:
    tables = {(name, b): _agg(path, b, count) for name, path in layouts.items() for b in ("duckdb", "pandas")}
    first = next(iter(tables.values()))
    for key, table in tables.items():
        pd.testing.assert_frame_equal(table, first, obj=str(key))


def test_many_files_take_the_single_scan(layouts: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    union = _agg(layouts["indexed_4_files_by_date"], "duckdb", "records")
    monkeypatch.setattr(backends, "_MAX_UNION_FILES", 2)  # 4 files: one multi-file scan instead
    pd.testing.assert_frame_equal(_agg(layouts["indexed_4_files_by_date"], "duckdb", "records"), union)


def test_fixed_period_with_units(layouts: dict[str, Path], records: pd.DataFrame) -> None:
    for backend in ("duckdb", "pandas"):
        od = _agg(layouts["indexed_4_files_by_date"], backend, "records", period="2021-2022")
        assert set(od["period"]) == {"2021-2022"}
        assert od["value"].sum() == len(records)
        assert set(od["origin"]) <= set(UNITS)


def test_csv_with_units(tmp_path: Path, records: pd.DataFrame) -> None:
    path = tmp_path / "trips.csv"
    records.rename(columns={"home": "home_unit", "work": "work_unit"}).to_csv(path, index=False)
    duck = aggregate_trips(path, count="records", units=UNITS)
    pand = aggregate_trips(path, backend="pandas", count="records", units=UNITS)
    pd.testing.assert_frame_equal(duck.data, pand.data)
    assert duck.data["value"].sum() == len(records)


def test_index_outside_units(layouts: dict[str, Path]) -> None:
    with pytest.raises(DataError, match="not an index into units"):
        aggregate_trips(layouts["indexed_1_file"], units=UNITS[:2])
    with pytest.raises(DataError, match="not an index into units"):  # codes, not indices
        aggregate_trips(layouts["codes_1_file"], units=UNITS)


def _spark_ready() -> bool:
    return importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("count", ["records", "distinct"])
def test_spark_backend_equals_duckdb_with_units(layouts: dict[str, Path], count: str) -> None:
    if not _spark_ready():
        if os.environ.get("CI"):
            pytest.fail("pyspark and Java are in the test extra / CI image but not available")
        pytest.skip("pyspark or Java not installed")
    path = layouts["indexed_4_files_by_date"]
    pd.testing.assert_frame_equal(_agg(path, "spark", count, threads=2), _agg(path, "duckdb", count))


def test_packed_key_only_when_the_footers_prove_the_indices(layouts: dict[str, Path], records: pd.DataFrame,
                                                             tmp_path: Path) -> None:
    import duckdb

    cols = {"origin": "home_unit", "destination": "work_unit", "person": "id", "date": "date"}

    def sql(path: Path, n_units: int | None) -> str:
        files = sorted(str(p) for p in path.glob("*.parquet"))
        with duckdb.connect() as con:
            return backends._duckdb_query(con, files, cols, period=None, count="records", n_units=n_units)[0]

    indexed = layouts["indexed_4_files_by_date"]
    assert " // " in sql(indexed, len(UNITS))  # packed: one integer key
    assert " // " not in sql(indexed, 3)  # index 4 ≥ 3: the footers do not prove it
    assert " // " not in sql(layouts["codes_3_files"], None)
    blind = tmp_path / "no_stats"
    blind.mkdir()
    for p in indexed.glob("*.parquet"):
        pq.write_table(pq.read_table(p), blind / p.name, write_statistics=False)
    assert " // " not in sql(blind, len(UNITS))
    pd.testing.assert_frame_equal(_agg(indexed, "duckdb", "distinct"),
                                  aggregate_trips(blind, count="distinct", origin="home_unit",
                                                  destination="work_unit", units=UNITS).data)
