"""Units, metropolitan areas and the indicator catalogue: round trips and idempotent upserts."""

from __future__ import annotations

import pandas as pd
import pytest

from tongcheng import StoreError
from tongcheng.store import Store


def test_units_round_trip_with_string_codes(store: Store, units_table: pd.DataFrame) -> None:
    assert store.put_units(units_table) == len(units_table)
    got = store.units()
    assert got.index.name == "code"
    assert list(got.index) == sorted(units_table["code"])
    assert all(isinstance(code, str) for code in got.index)
    assert got.loc["320505", "parent_code"] == "320500"
    assert got.loc["320500", "name_zh"] == "苏州市"
    assert got.loc["320500", "lon"] == pytest.approx(120.58)
    assert pd.isna(got.loc["320505", "area_km2"])
    assert pd.isna(got.loc["310000", "parent_code"])
    expected = units_table.set_index("code").sort_index()
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_units_upsert_is_idempotent_and_updates(store: Store, units_table: pd.DataFrame) -> None:
    store.put_units(units_table)
    store.put_units(units_table)
    assert len(store.units()) == len(units_table)
    renamed = units_table.assign(name_en=units_table["name_en"].str.upper())
    store.put_units(renamed.set_index("code"))  # the index may carry the code
    assert store.units().loc["320500", "name_en"] == "SUZHOU"


def test_numeric_codes_become_strings_and_level_filter(
    store: Store, units_table: pd.DataFrame
) -> None:
    numeric = units_table.assign(code=units_table["code"].astype(int))
    store.put_units(numeric)
    cities = store.units(level="city")
    assert list(cities.index) == ["310100", "320100", "320500"]
    assert set(cities["level"]) == {"city"}
    with pytest.raises(StoreError, match="level="):
        store.units(level="town")


def test_bad_units_list_every_problem(store: Store) -> None:
    bad = pd.DataFrame({"code": ["32050", "320500"], "name_zh": ["x", "y"],
                        "level": ["city", "village"], "parent_code": [None, "999999"]})
    with pytest.raises(StoreError) as info:
        store.put_units(bad)
    msg = str(info.value)
    assert "3 problem(s)" in msg
    assert "'32050'" in msg or "32050" in msg
    assert "village" in msg
    assert "999999" in msg
    assert store.units().empty


def test_missing_unit_columns_are_named(store: Store) -> None:
    with pytest.raises(StoreError, match=r"missing column.*name_zh, level"):
        store.put_units(pd.DataFrame({"code": ["320500"]}))


def test_metros_round_trip_and_replace_members(
    store: Store, units_table: pd.DataFrame, metros_table: pd.DataFrame
) -> None:
    store.put_units(units_table)
    assert store.put_metros(metros_table) == 4
    assert store.put_metros(metros_table) == 4
    got = store.metro_memberships()
    assert "member_name" not in got.columns
    assert len(got) == 4
    sh = got[got["metro_code"] == "SH_1P8"]
    assert sorted(sh["member_code"]) == ["310100", "320500"]
    assert set(sh["status"]) == {"adopted"}
    assert set(sh["issued"]) == {"2022-09"}
    smaller = metros_table[metros_table["member_code"] != "320500"]
    store.put_metros(smaller)
    got = store.metro_memberships()
    assert sorted(got["member_code"]) == ["310100", "320100"]


def test_metros_need_stored_units_and_consistent_rows(
    store: Store, units_table: pd.DataFrame, metros_table: pd.DataFrame
) -> None:
    store.put_units(units_table)
    unknown = metros_table.assign(member_code=["310100", "330100", "320100", "320500"])
    with pytest.raises(StoreError, match=r"330100.*put_units first"):
        store.put_metros(unknown)
    clash = metros_table.assign(name_zh=["上海大都市圈", "别名", "南京都市圈", "南京都市圈"])
    with pytest.raises(StoreError, match=r"SH_1P8.*must agree"):
        store.put_metros(clash)
    assert store.metro_memberships().empty


def test_indicators_round_trip_and_upsert(store: Store, catalogue_table: pd.DataFrame) -> None:
    assert store.put_indicators(catalogue_table) == 5
    got = store.indicators()
    assert got.columns[0] == "code"
    assert got["code"].tolist() == sorted(catalogue_table["code"])
    got = got.set_index("code")
    assert got.loc["commute_share", "subject_kind"] == "pair"
    assert got.loc["gdp_per_cap", "kind"] == "computed"
    update = {"code": ["gdp"], "name_zh": ["GDP"], "subject_kind": ["unit"], "unit": ["CNY"]}
    store.put_indicators(pd.DataFrame(update))
    got = store.indicators().set_index("code")
    assert len(got) == 5
    assert got.loc["gdp", "unit"] == "CNY"
    assert got.loc["gdp", "kind"] == "raw"


def test_bad_indicators_are_refused(store: Store) -> None:
    bad = pd.DataFrame({"code": ["a", "a"], "name_zh": ["x", "y"],
                        "subject_kind": ["unit", "city"]})
    with pytest.raises(StoreError, match=r"city.*\n.*more than once"):
        store.put_indicators(bad)
