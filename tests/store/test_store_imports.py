"""Managing imports in the store: history, revert, re-apply, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from tongcheng import StoreError
from tongcheng.store import ImportRecord, Store

MakeRecord = Callable[..., ImportRecord]


def _counts(store: Store) -> dict[object, int]:
    obs = store.observations(latest_vintage=False)
    return obs["import_id"].value_counts().to_dict()


def test_record_import_appends_an_imported_event_with_the_actor(
        loaded: Store, make_obs: Callable[..., pd.DataFrame], new_record: MakeRecord) -> None:
    rec = loaded.record_import(new_record(imported_by="analyst"), make_obs())
    events = loaded.import_events(rec.id)
    assert events[["action", "actor", "n_observations"]].values.tolist() == [
        ["imported", "analyst", 3]]
    assert events["at"].dt.tz is not None
    assert loaded.get_import(rec.id).imported_by == "analyst"
    assert loaded.get_import(rec.id).state == "imported"


def test_imported_by_defaults_to_the_os_user(
        loaded: Store, make_obs: Callable[..., pd.DataFrame], new_record: MakeRecord,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "planner7")
    rec = loaded.record_import(new_record(), make_obs())
    assert rec.imported_by == "planner7"
    assert loaded.imports().set_index("id").loc[rec.id, "imported_by"] == "planner7"


def test_os_user_that_cannot_be_told_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    from tongcheng.store.records import current_user

    def fail() -> str:
        raise OSError(2, "no user")

    monkeypatch.setattr("getpass.getuser", fail)
    monkeypatch.delenv("USER", raising=False)
    monkeypatch.delenv("USERNAME", raising=False)
    assert current_user() == "unknown"


def test_revert_removes_exactly_that_imports_observations(
        loaded: Store, make_obs: Callable[..., pd.DataFrame], new_record: MakeRecord) -> None:
    first = loaded.record_import(new_record("2021"), make_obs(periods=("2020", "2021")))
    second = loaded.record_import(new_record("2022"), make_obs(vintage="2022"))
    loaded.replace_computed(make_obs("gdp_per_cap", value_kind="computed", vintage=""),
                            indicators=["gdp_per_cap"])
    before = _counts(loaded)
    assert before[first.id] == 6 and before[second.id] == 3
    reverted = loaded.revert_import(first.id, actor="chief", note="wrong table")
    after = _counts(loaded)
    assert first.id not in after
    assert after[second.id] == 3
    assert len(loaded.observations(indicators=["gdp_per_cap"])) == 3  # computed rows untouched
    assert reverted.reverted_by == "chief" and reverted.reverted_at is not None
    assert reverted.state == "reverted" and reverted.n_observations == 6
    listed = loaded.imports().set_index("id")
    assert listed.loc[first.id, "reverted_by"] == "chief"
    assert pd.isna(listed.loc[second.id, "reverted_at"])
    events = loaded.import_events(first.id)
    assert events[["action", "actor", "n_observations"]].values.tolist() == [
        ["imported", first.imported_by, 6], ["reverted", "chief", 6]]
    assert pd.isna(events["note"].iloc[0]) and events["note"].iloc[1] == "wrong table"


def test_second_revert_and_unknown_id_are_clear_errors(
        loaded: Store, make_obs: Callable[..., pd.DataFrame], new_record: MakeRecord) -> None:
    rec = loaded.record_import(new_record(), make_obs())
    loaded.revert_import(rec.id, actor="a")
    with pytest.raises(StoreError, match=rf"Import #{rec.id} .*already reverted on .* by a") as info:
        loaded.revert_import(rec.id)
    assert "已于" in info.value.render("zh") and "撤销" in info.value.render("zh")
    assert len(loaded.import_events(rec.id)) == 2  # the refused revert left no event
    with pytest.raises(StoreError, match=r"There is no import #999.*tongcheng import list") as info:
        loaded.revert_import(999)
    assert "没有编号为 #999 的导入" in info.value.render("zh")
    with pytest.raises(StoreError, match="no import #998"):
        loaded.get_import(998)


def test_reapply_stores_the_rows_again_under_the_same_record(
        loaded: Store, make_obs: Callable[..., pd.DataFrame], new_record: MakeRecord) -> None:
    rec = loaded.record_import(new_record(), make_obs())
    with pytest.raises(StoreError, match="is not reverted"):
        loaded.reapply_import(rec, make_obs())
    loaded.revert_import(rec.id)
    with pytest.raises(StoreError, match=r"was imported as import #\d+ and reverted"):
        loaded.record_import(new_record(sha256=rec.sha256), make_obs())
    again = loaded.reapply_import(
        ImportRecord(**{**rec.__dict__, "vintage": "2021b", "n_warnings": 1}),
        make_obs(vintage="2021b"), actor="b")
    assert again.id == rec.id and again.state == "imported"
    assert again.vintage == "2021b" and again.n_warnings == 1
    assert again.imported_by == rec.imported_by and again.reverted_by is None
    assert _counts(loaded) == {rec.id: 3}
    assert set(loaded.observations()["vintage"]) == {"2021b"}
    assert len(loaded.imports()) == 1
    events = loaded.import_events(rec.id)
    assert events["action"].tolist() == ["imported", "reverted", "reapplied"]
    assert events.iloc[-1]["actor"] == "b"
    assert events.iloc[-1]["note"] == "vintage: '2021' -> '2021b'"


def test_refused_reapply_changes_nothing(
        loaded: Store, make_obs: Callable[..., pd.DataFrame], new_record: MakeRecord) -> None:
    rec = loaded.record_import(new_record(), make_obs())
    loaded.revert_import(rec.id)
    with pytest.raises(StoreError, match=r"unknown unit code\(s\) 330100"):
        loaded.reapply_import(rec, make_obs(keys=("310100", "330100")))
    assert loaded.observations().empty
    assert loaded.get_import(rec.id).state == "reverted"
    assert loaded.import_events(rec.id)["action"].tolist() == ["imported", "reverted"]


def test_events_of_every_import_in_order(
        loaded: Store, make_obs: Callable[..., pd.DataFrame], new_record: MakeRecord) -> None:
    a = loaded.record_import(new_record("2021"), make_obs())
    b = loaded.record_import(new_record("2022"), make_obs(vintage="2022"))
    loaded.revert_import(a.id)
    events = loaded.import_events()
    assert list(zip(events["import_id"], events["action"], strict=True)) == [
        (a.id, "imported"), (b.id, "imported"), (a.id, "reverted")]
    assert events["id"].is_monotonic_increasing
