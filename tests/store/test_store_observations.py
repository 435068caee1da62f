"""Imports and observations: atomic writes, unique keys, vintages, conflicts, computed rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from tongcheng import StoreError
from tongcheng.store import ImportRecord, Store
from tongcheng.store.models import Import, Observation

NewRecord = Callable[..., ImportRecord]
MakeObs = Callable[..., pd.DataFrame]


def _counts(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        n_imports = conn.scalar(select(func.count()).select_from(Import))
        n_obs = conn.scalar(select(func.count()).select_from(Observation))
    return int(n_imports or 0), int(n_obs or 0)


def test_record_import_stores_rows_and_provenance(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    obs = make_obs(periods=("2019", "2020"))
    obs.loc[1, "value"] = np.nan
    rec = loaded.record_import(new_record(n_rows_read=6, n_warnings=1, warnings_json='["w"]'), obs)
    assert rec.id is not None
    assert rec.n_observations == 6
    assert rec.imported_at is not None
    assert rec.imported_at.tzinfo is not None
    assert loaded.find_import(rec.sha256) == rec
    naive = loaded.record_import(new_record(imported_at=dt.datetime(2024, 5, 1, 8, 30)),
                                 make_obs("pop"))
    assert naive.imported_at == dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC)
    assert loaded.find_import(naive.sha256) == naive
    assert loaded.find_import("0" * 64) is None
    imports = loaded.imports().set_index("id")
    assert list(imports.index) == [rec.id, naive.id]
    assert imports.loc[rec.id, "warnings_json"] == '["w"]'
    assert str(imports["imported_at"].dtype) == "datetime64[us, UTC]"
    got = loaded.observations(indicators=["gdp"])
    assert len(got) == 6
    assert got["import_id"].tolist() == [rec.id] * 6
    assert got["value"].isna().sum() == 1  # NaN stored as NULL and read back as NaN
    assert set(got["unit_code"]) == {"310100", "320100", "320500"}
    assert got["partner_code"].isna().all()
    assert got["created_at"].dt.tz is not None


def test_pair_and_metro_keys_fill_their_codes(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    pairs = make_obs("commute_share", ("320500>310100", "320100>310100"), subject_kind="pair")
    metro = make_obs("metro_gdp", ("metro:SH_1P8",), subject_kind="metro", value_kind="estimated")
    loaded.record_import(new_record(), pd.concat([pairs, metro], ignore_index=True))
    got = loaded.observations(subject_kind="pair").set_index("subject_key")
    assert got.loc["320500>310100", "unit_code"] == "320500"
    assert got.loc["320500>310100", "partner_code"] == "310100"
    metro_rows = loaded.observations(subject_kind="metro")
    assert metro_rows["metro_code"].tolist() == ["SH_1P8"]
    assert metro_rows["value_kind"].tolist() == ["estimated"]


def test_record_import_is_atomic_when_the_database_fails_half_way(
    loaded: Store, new_record: NewRecord, monkeypatch: pytest.MonkeyPatch, make_obs: MakeObs
) -> None:
    """A row in the middle violates a foreign key: nothing of the import remains."""
    monkeypatch.setattr(Store, "_check_references", lambda *a, **k: None)  # let the DB catch it
    obs = make_obs(keys=tuple(f"3205{i:02d}" for i in range(1, 100)))
    obs["subject_key"] = "320500"
    obs["period"] = [str(1900 + i) for i in range(len(obs))]
    obs.loc[50, ["subject_key"]] = "999999"  # not a unit: FK violation at row 50
    with pytest.raises(StoreError, match="rolled back; nothing was written"):
        loaded.record_import(new_record(), obs)
    assert _counts(loaded) == (0, 0)


def test_record_import_is_atomic_on_a_key_already_stored(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    first = loaded.record_import(new_record(), make_obs(periods=("2020",)))
    big = make_obs(periods=tuple(str(1900 + i) for i in range(200)))  # 600 rows incl. 2020
    assert (big["period"] == "2020").sum() == 3
    with pytest.raises(StoreError, match=r"already stored.*conflicts\(\)") as info:
        loaded.record_import(new_record(), big)
    assert "import #" in str(info.value)
    assert _counts(loaded) == (1, 3)
    assert set(loaded.observations()["import_id"]) == {first.id}


def test_unique_key_enforced_by_the_database(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    rec = loaded.record_import(new_record(), make_obs(keys=("320500",)))
    row = {"indicator": "gdp", "subject_kind": "unit", "subject_key": "320500", "period": "2020",
           "value": 2.0, "unit": "x", "value_kind": "reported", "vintage": "2021",
           "source": "s", "import_id": rec.id}
    with pytest.raises(IntegrityError, match=r"(?i)unique|duplicate"):
        with loaded.engine.begin() as conn:
            conn.execute(insert(Observation), [row])
    assert _counts(loaded) == (1, 1)


def test_invalid_frames_are_refused_with_every_problem(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    with pytest.raises(StoreError, match=r"missing column\(s\) subject_key, value"):
        loaded.record_import(new_record(), make_obs().drop(columns=["subject_key", "value"]))
    bad = make_obs()
    bad["value"] = bad["value"].astype(object)
    bad.loc[0, "subject_kind"] = "city"
    bad.loc[1, "subject_key"] = "3201"
    bad.loc[2, "value"] = "abc"
    bad = pd.concat([bad, bad.iloc[[2]], bad.iloc[[0]].assign(period="1999", value=np.inf)])
    with pytest.raises(StoreError) as info:
        loaded.record_import(new_record(), bad)
    msg = str(info.value)
    assert "5 problem(s)" in msg
    assert "infinite" in msg
    assert "'city'" in msg or "city" in msg
    assert "3201" in msg
    assert "not a number" in msg
    assert "repeat the key" in msg
    unknown = make_obs("nope", ("320500", "330100"))
    with pytest.raises(StoreError, match=r"unknown indicator\(s\) nope.*\n.*330100"):
        loaded.record_import(new_record(), unknown)
    assert _counts(loaded) == (0, 0)


def test_same_file_twice_is_refused(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    rec = loaded.record_import(new_record(), make_obs())
    with pytest.raises(StoreError, match=f"already imported as import #{rec.id}"):
        loaded.record_import(new_record(sha256=rec.sha256), make_obs(vintage="2022"))
    assert _counts(loaded) == (1, 3)


def test_two_vintages_coexist_and_latest_wins(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    old = loaded.record_import(new_record("2021"), make_obs(value=1.0, vintage="2021"))
    new = loaded.record_import(new_record("2022"), make_obs(value=10.0, vintage="2022"))
    both = loaded.observations(latest_vintage=False)
    assert len(both) == 6
    assert sorted(set(both["vintage"])) == ["2021", "2022"]
    latest = loaded.observations()
    assert len(latest) == 3
    assert set(latest["vintage"]) == {"2022"}
    assert set(latest["import_id"]) == {new.id}
    assert latest["value"].tolist() == [10.0, 11.0, 12.0]
    assert old.id is not None and old.id < new.id  # type: ignore[operator]


def test_observation_filters(loaded: Store, new_record: NewRecord, make_obs: MakeObs) -> None:
    loaded.record_import(new_record(), pd.concat([
        make_obs("gdp", periods=("2019", "2020")), make_obs("pop", periods=("2020",)),
        make_obs("commute_share", ("320500>310100",), subject_kind="pair"),
    ], ignore_index=True))
    assert len(loaded.observations(indicators=["gdp"])) == 6
    assert len(loaded.observations(indicators="pop")) == 3
    assert len(loaded.observations(periods=["2020"])) == 7
    assert len(loaded.observations(indicators=["gdp"], periods=["2019"])) == 3
    assert len(loaded.observations(subject_kind="pair")) == 1
    assert loaded.observations(indicators=[]).empty
    with pytest.raises(StoreError, match="subject_kind"):
        loaded.observations(subject_kind="city")


def test_conflicts_finds_stored_keys(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    rec = loaded.record_import(new_record(), make_obs(value=5.0))
    incoming = make_obs(keys=("320500", "320100", "310000"), value=7.0)
    incoming.index = [10, 11, 12]
    incoming["_pos"] = [0, 1, 2]  # extra columns ride along
    found = loaded.conflicts(incoming)
    assert list(found.index) == [10, 11]
    assert found["subject_key"].tolist() == ["320500", "320100"]
    assert found["value"].tolist() == [7.0, 8.0]
    assert found["stored_value"].tolist() == [7.0, 6.0]
    assert found["stored_import_id"].tolist() == [rec.id, rec.id]
    assert found["_pos"].tolist() == [0, 1]
    assert loaded.conflicts(incoming.assign(vintage="2099")).empty
    assert loaded.conflicts(incoming.iloc[0:0]).empty


def test_replace_computed_replaces_only_computed_rows(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    loaded.record_import(new_record(), make_obs("gdp_per_cap", ("320500",), value=1.0))  # reported
    first = make_obs("gdp_per_cap", ("310100", "320100"), value=100.0, value_kind="computed",
                     vintage="")
    other = make_obs("metro_gdp", ("metro:SH_1P8",), subject_kind="metro", value_kind="computed",
                     vintage="")
    assert loaded.replace_computed(first, indicators=["gdp_per_cap"]) == 2
    assert loaded.replace_computed(other, indicators=["metro_gdp"]) == 1
    second = make_obs("gdp_per_cap", ("310100",), value=200.0, value_kind="computed",
                      vintage="").drop(columns=["value_kind", "vintage", "source"])
    assert loaded.replace_computed(second, indicators=["gdp_per_cap"]) == 1
    rows = loaded.observations(latest_vintage=False).set_index(["indicator", "subject_key"])
    assert len(rows) == 3
    assert rows.loc[("gdp_per_cap", "320500"), "value_kind"] == "reported"
    assert rows.loc[("gdp_per_cap", "310100"), "value"] == 200.0
    assert pd.isna(rows.loc[("gdp_per_cap", "310100"), "import_id"])
    assert rows.loc[("metro_gdp", "metro:SH_1P8"), "value"] == 1.0
    assert loaded.replace_computed(pd.DataFrame(), indicators=["metro_gdp"]) == 0
    assert len(loaded.observations(indicators=["metro_gdp"])) == 0


def test_replace_computed_refuses_stray_rows_and_keeps_old_ones(
    loaded: Store, make_obs: MakeObs
) -> None:
    rows = make_obs("gdp_per_cap", ("310100",), value_kind="computed", vintage="")
    loaded.replace_computed(rows, indicators=["gdp_per_cap"])
    with pytest.raises(StoreError, match="not in indicators="):
        loaded.replace_computed(rows, indicators=["metro_gdp"])
    with pytest.raises(StoreError, match="must be 'computed'"):
        loaded.replace_computed(rows.assign(value_kind="reported"), indicators=["gdp_per_cap"])
    assert len(loaded.observations(indicators=["gdp_per_cap"])) == 1


def test_replace_computed_rolls_back_when_an_insert_fails(
    loaded: Store, new_record: NewRecord, make_obs: MakeObs
) -> None:
    loaded.record_import(new_record(vintage=""), make_obs("gdp_per_cap", ("320500",), vintage=""))
    loaded.replace_computed(make_obs("gdp_per_cap", ("310100",), value_kind="computed", vintage=""),
                            indicators=["gdp_per_cap"])
    clash = make_obs("gdp_per_cap", ("320100", "320500"), value_kind="computed", vintage="")
    with pytest.raises(StoreError, match="rolled back"):
        loaded.replace_computed(clash, indicators=["gdp_per_cap"])
    kept = loaded.observations(indicators=["gdp_per_cap"]).set_index("subject_key")
    assert sorted(kept.index) == ["310100", "320500"]  # the old computed row survived


def test_latest_vintage_prefers_the_newest_computed_row(loaded: Store, make_obs: MakeObs) -> None:
    rows_a = make_obs("gdp_per_cap", ("310100",), value=1.0, value_kind="computed", vintage="a")
    rows_b = make_obs("gdp_per_cap", ("310100",), value=2.0, value_kind="computed", vintage="b")
    loaded.replace_computed(pd.concat([rows_a]), indicators=["gdp_per_cap"])
    with loaded.engine.begin() as conn:  # a second computed vintage, created later
        conn.execute(insert(Observation), [
            {**rows_b.iloc[0].to_dict(), "unit_code": "310100", "import_id": None}])
    assert loaded.observations(indicators=["gdp_per_cap"])["value"].tolist() == [2.0]
    assert len(loaded.observations(indicators=["gdp_per_cap"], latest_vintage=False)) == 2


@pytest.mark.slow
def test_100k_observations_insert_fast(loaded: Store, make_obs: MakeObs) -> None:
    n_keys = 1000
    codes = [f"{c:06d}" for c in range(500001, 500001 + n_keys)]
    loaded.put_units(pd.DataFrame({"code": codes, "name_zh": "测试", "level": "county"}))
    obs = make_obs("gdp", tuple(codes), periods=tuple(str(1900 + i) for i in range(100)))
    assert len(obs) == 100_000
    record = ImportRecord(sha256=hashlib.sha256(b"big").hexdigest(), file_name="big.csv",
                          stored_path="raw/big.csv", source="s", vintage="2021")
    start = time.perf_counter()
    loaded.record_import(record, obs)
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    assert len(loaded.conflicts(obs.iloc[:50_000])) == 50_000
    elapsed_conflicts = time.perf_counter() - start
    print(f"\n{loaded.engine.dialect.name}: record_import 100k {elapsed:.2f}s, "
          f"conflicts 50k {elapsed_conflicts:.2f}s")
    assert elapsed < 20
    assert elapsed_conflicts < 10
