"""Store revision 0005 (who imported, reverted imports, import events), from 0004 and back."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from alembic import command
from sqlalchemy import inspect

from tongcheng.store import ImportRecord, Store
from tongcheng.store.db import alembic_config

NEW_IMPORT_COLUMNS = {"imported_by", "reverted_at", "reverted_by"}
NEW_INDICATOR_COLUMNS = {"direction", "min_value", "max_value", "max_jump"}
CORE = ["id", "sha256", "file_name", "stored_path", "source", "vintage", "sheet", "imported_at",
        "n_rows_read", "n_observations", "n_warnings", "warnings_json"]


def _columns(store: Store, table: str) -> set[str]:
    return {c["name"] for c in inspect(store.engine).get_columns(table)}


def _downgrade(store: Store, revision: str) -> None:
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def test_upgrade_from_0004_keeps_imports_and_observations(
        loaded: Store, make_obs: Callable[..., pd.DataFrame],
        new_record: Callable[..., ImportRecord]) -> None:
    first = loaded.record_import(new_record("2021"), make_obs())
    loaded.record_import(new_record("2022"), make_obs(vintage="2022", periods=("2021",)))
    _downgrade(loaded, "0004")
    assert "import_events" not in inspect(loaded.engine).get_table_names()
    assert not (_columns(loaded, "imports") & NEW_IMPORT_COLUMNS)
    assert not (_columns(loaded, "indicators") & NEW_INDICATOR_COLUMNS)
    with loaded.engine.connect() as conn:  # what a 0004 store holds, read without the models
        old_imports = pd.read_sql_table("imports", conn).sort_values("id")[CORE]
        old_obs = pd.read_sql_table("observations", conn).sort_values("id")
    assert len(old_imports) == 2 and len(old_obs) == 6
    url = loaded.url
    loaded.close()
    with Store.open(url, create=False) as again:
        assert again.revision() == "0005"
        imports = again.imports()
        assert imports[CORE[:7]].values.tolist() == old_imports[CORE[:7]].values.tolist()
        assert imports["n_observations"].tolist() == [3, 3]
        assert imports["imported_by"].isna().all() and imports["reverted_at"].isna().all()
        assert again.import_events().empty
        obs = again.observations(latest_vintage=False).sort_values("id")
        assert obs["id"].tolist() == old_obs["id"].tolist()
        assert obs["value"].tolist() == old_obs["value"].tolist()
        # an import of the old revision can be reverted; its history starts there
        again.revert_import(first.id, actor="a")
        assert again.import_events()["action"].tolist() == ["reverted"]
        assert len(again.observations(latest_vintage=False)) == 3


def test_downgrade_from_0005_keeps_the_records(
        loaded: Store, make_obs: Callable[..., pd.DataFrame],
        new_record: Callable[..., ImportRecord]) -> None:
    kept = loaded.record_import(new_record("2021"), make_obs())
    gone = loaded.record_import(new_record("2022"), make_obs(vintage="2022"))
    loaded.revert_import(gone.id)
    _downgrade(loaded, "0004")
    assert "import_events" not in inspect(loaded.engine).get_table_names()
    assert not (_columns(loaded, "imports") & NEW_IMPORT_COLUMNS)
    with loaded.engine.connect() as conn:
        imports = pd.read_sql_table("imports", conn).sort_values("id")
        obs = pd.read_sql_table("observations", conn)
    assert imports["id"].tolist() == [kept.id, gone.id]  # the reverted one stays recorded
    assert set(obs["import_id"]) == {kept.id}
    with loaded.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert loaded.revision() == "0005"
    assert loaded.import_events().empty
    assert _columns(loaded, "imports") >= NEW_IMPORT_COLUMNS
