"""Unit codes of 6 to 12 digits (store revision 0004), on SQLite and PostgreSQL.

Chinese townships (乡镇街道) have 9-digit codes (310101002 is 南京东路街道 under 黄浦区 310101),
Brazil's IBGE municipalities 7 (Porto Alegre is 4314902): both are stored, related and read
back like GB/T 2260 county codes.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from alembic import command
from shapely.geometry import box
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tongcheng import StoreError
from tongcheng.store import ImportRecord, Store
from tongcheng.store.db import alembic_config

UNIT_CODE_COLUMNS = {
    "units": ("code", "parent_code", "province_code"),
    "unit_boundaries": ("code",),
    "metro_areas": ("core_code",),
    "metro_members": ("member_code",),
    "observations": ("unit_code", "partner_code"),
}
LONG_UNITS = pd.DataFrame({
    "code": ["310000", "310101", "310101002", "4314902"],
    "name_zh": ["上海市", "黄浦区", "南京东路街道", "Porto Alegre"],
    "level": ["province", "county", "county", "county"],
    "parent_code": [None, "310000", "310101", None],
    "province_code": ["310000", "310000", "310000", None],
    "lon": [121.47, 121.49, 121.48, -51.23],
    "lat": [31.23, 31.23, 31.24, -30.03],
})
LONG_METRO = pd.DataFrame({
    "metro_code": ["TOWN"] * 2, "name_zh": ["街道圈"] * 2, "core_code": ["310101002"] * 2,
    "member_code": ["310101002", "4314902"], "status": ["draft"] * 2,
})
CATALOGUE = pd.DataFrame({
    "code": ["pop", "commute"], "name_zh": ["常住人口", "通勤人数"],
    "unit": ["persons", "persons"], "subject_kind": ["unit", "pair"],
})


def _column_lengths(store: Store) -> dict[str, int | None]:
    insp = inspect(store.engine)
    return {f"{table}.{c['name']}": getattr(c["type"], "length", None)
            for table, names in UNIT_CODE_COLUMNS.items()
            for c in insp.get_columns(table) if c["name"] in names}


def _observations() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": ["pop", "commute"], "subject_kind": ["unit", "pair"],
        "subject_key": ["310101002", "310101002>4314902"], "period": ["2020", "2020"],
        "value": [52000.0, 12.0], "unit": ["persons", "persons"], "source": ["census"] * 2,
    })


def _record(sha: str) -> ImportRecord:
    return ImportRecord(sha256=sha * 64, file_name="t.csv", stored_path="raw/t.csv",
                        source="census", vintage="2021")


def _store_long(store: Store) -> None:
    store.put_units(LONG_UNITS)
    store.put_boundaries(pd.DataFrame({"code": ["310101002", "4314902"],
                                       "geometry": [box(121.47, 31.23, 121.49, 31.25),
                                                    box(-51.3, -30.1, -51.0, -29.9)]}))
    store.put_metros(LONG_METRO)
    store.put_indicators(CATALOGUE)
    store.record_import(_record("a"), _observations())


def _assert_long_read_back(store: Store) -> None:
    units = store.units()
    assert units.loc["310101002", "parent_code"] == "310101"
    assert units.loc["4314902", "name_zh"] == "Porto Alegre"
    assert store.boundaries(codes=["310101002", "4314902"]).index.tolist() == [
        "310101002", "4314902"]
    members = store.metro_memberships().query("metro_code == 'TOWN'")
    assert sorted(members["member_code"]) == ["310101002", "4314902"]
    assert set(members["core_code"]) == {"310101002"}
    obs = store.observations().set_index("subject_key")
    assert obs.loc["310101002>4314902", ["unit_code", "partner_code"]].tolist() == [
        "310101002", "4314902"]
    assert obs.loc["310101002", "unit_code"] == "310101002"
    assert obs.loc["310101002", "value"] == 52000.0


def test_every_unit_code_column_holds_twelve_characters(store: Store) -> None:
    assert set(_column_lengths(store).values()) == {12}
    assert len(_column_lengths(store)) == 8


def test_long_codes_round_trip(store: Store) -> None:
    _store_long(store)
    _assert_long_read_back(store)


def test_thirteen_digit_codes_are_refused(store: Store) -> None:
    bad = LONG_UNITS.iloc[[0]].assign(code="3101010020001")
    with pytest.raises(StoreError, match=r"column 'code' has 3101010020001; expected codes of 6 to 12"):
        store.put_units(bad)
    store.put_units(LONG_UNITS)
    store.put_indicators(CATALOGUE)
    obs = _observations().assign(subject_key=["3101010020001", "310101002>43149021234567"])
    refused = r"(?s)subject_kind 'unit' \(rows 0\).*subject_kind 'pair' \(rows 1\)"
    with pytest.raises(StoreError, match=refused):
        store.record_import(_record("b"), obs)
    assert store.observations().empty


def test_upgrade_from_0003_keeps_data_then_takes_long_codes(
        store: Store, units_table: pd.DataFrame, metros_table: pd.DataFrame,
        catalogue_table: pd.DataFrame, make_obs: Callable[..., pd.DataFrame],
        new_record: Callable[..., ImportRecord]) -> None:
    store.put_units(units_table)
    store.put_boundaries(pd.DataFrame({"code": ["320505"], "geometry": [box(120.5, 31.2, 120.6, 31.4)]}))
    store.put_metros(metros_table)
    store.put_indicators(catalogue_table)
    store.record_import(new_record(), make_obs("commute_share", ("310100>320500",),
                                               subject_kind="pair", unit="%"))
    before = (store.units(), store.boundaries(), store.metro_memberships(), store.observations())
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    assert set(_column_lengths(store).values()) == {6}
    url = store.url
    store.close()
    with Store.open(url, create=False) as again:
        assert again.revision() == "0005"
        assert set(_column_lengths(again).values()) == {12}
        pd.testing.assert_frame_equal(again.units(), before[0])
        pd.testing.assert_frame_equal(again.boundaries(), before[1])  # not lost to a cascade
        pd.testing.assert_frame_equal(again.metro_memberships(), before[2])
        pd.testing.assert_frame_equal(again.observations(), before[3])
        _store_long(again)
        _assert_long_read_back(again)


def test_downgrade_is_refused_while_long_codes_are_stored(store: Store) -> None:
    store.put_units(LONG_UNITS)
    with pytest.raises(RuntimeError, match=r"longer than 6 digits.*up to 9"), \
            store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    assert store.revision() == "0005"
    assert len(store.units()) == 4


def test_foreign_keys_still_hold_after_the_upgrade(store: Store) -> None:
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
        command.upgrade(alembic_config(conn), "head")
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), store.engine.begin() as conn:
        conn.execute(text("INSERT INTO unit_boundaries (code, wkb) VALUES ('310101002', :w)"),
                     {"w": b"x"})
