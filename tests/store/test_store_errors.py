"""Store errors a person can act on: bilingual, and never the SQL or its parameter rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tongcheng import StoreError
from tongcheng.store import ImportRecord, Store
from tongcheng.store import db as store_db

SQL_WORDS = ("INSERT", "SELECT", "COPY", "[SQL", "parameters", "VALUES", "Background on")


def _assert_no_sql(exc: StoreError) -> None:
    for lang in ("zh", "en"):
        shown = exc.render(lang)
        for word in SQL_WORDS:
            assert word not in shown, f"{word!r} shown to the user in {lang}: {shown}"


def test_refused_row_shows_the_drivers_first_line_only(
        loaded: Store, make_obs: Callable[..., pd.DataFrame],
        new_record: Callable[..., ImportRecord]) -> None:
    first = loaded.record_import(new_record(), make_obs())
    with pytest.raises(StoreError) as info:  # same keys, other file: the unique key refuses it
        loaded.record_import(new_record(), make_obs(value=7.0))
    _assert_no_sql(info.value)
    en, zh = info.value.render("en"), info.value.render("zh")
    assert en.startswith("Importing 'gdp.csv' was refused by the database and rolled back; "
                         "nothing was written. Reason: ")
    assert "unique" in en.lower() or "duplicate" in en.lower()
    assert f"(import #{first.id})" in en and "give the new data its own vintage" in en
    assert zh.startswith("数据库拒绝了导入 'gdp.csv'并已回滚,未写入任何数据。原因: ")
    assert "条观测值已以相同的" in zh
    assert "7.0" not in en  # no parameter row
    assert len(loaded.imports()) == 1


def test_operational_error_has_no_sql(loaded: Store) -> None:
    with loaded.engine.begin() as conn:
        conn.execute(text("DROP TABLE index_runs"))
    with pytest.raises(StoreError) as info:
        loaded.record_index_run(name="x", indicator="x", recipe_yaml="", framework_csv="",
                                data_sha256="0" * 64, n_units=1, version="0")
    _assert_no_sql(info.value)
    assert "record_index_run failed and was rolled back; nothing was written. Reason:" in str(
        info.value)
    assert "index_runs" in str(info.value)  # the driver's reason names the missing table
    assert "未写入任何数据" in info.value.render("zh")


def test_locked_sqlite_store_says_another_import_is_running(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        catalogue_table: pd.DataFrame) -> None:
    path = tmp_path / "t.db"
    Store.open(f"sqlite:///{path}").close()
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 50)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process's write in progress
        with Store.open(f"sqlite:///{path}") as store:
            with pytest.raises(StoreError) as info:
                store.put_indicators(catalogue_table)
            assert "being written by another process (most likely another import" in str(
                info.value)
            assert "正被另一个进程写入" in info.value.render("zh")
            _assert_no_sql(info.value)
            assert "database is locked" not in str(info.value)
            other.execute("ROLLBACK")
            other.execute("BEGIN EXCLUSIVE")  # now even reading has to wait
            with pytest.raises(StoreError, match="being written by another process"):
                store.units()
            other.execute("ROLLBACK")
            assert store.put_indicators(catalogue_table) == len(catalogue_table)
    finally:
        other.close()


def test_lost_server_connection_is_explained_without_sql() -> None:
    orig = Exception("server closed the connection unexpectedly\n\tThis probably means ...")
    exc = OperationalError("INSERT INTO imports (sha256) VALUES (%(s)s)", {"s": "abc"}, orig)
    error = store_db.database_failure(exc, "Importing 'x.csv'")
    assert "connection to the database server failed" in str(error)
    assert "server closed the connection unexpectedly" in str(error)
    assert "与数据库服务器的连接中断" in error.render("zh")
    _assert_no_sql(error)
    assert "abc" not in str(error)


def test_newer_revision_message_is_bilingual(store: Store, store_url: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    with pytest.raises(StoreError) as info:
        Store.open(store_url)
    assert "更新版本的 tongcheng" in info.value.render("zh")
    assert "newer tongcheng" in info.value.render("en")


def test_unreachable_server_message_is_bilingual() -> None:
    with pytest.raises(StoreError) as info:
        Store.open("postgresql+psycopg://nobody@127.0.0.1:1/x")
    assert "Is the PostgreSQL server running" in info.value.render("en")
    assert "服务器是否在运行" in info.value.render("zh")
    _assert_no_sql(info.value)


def test_refused_rows_are_listed_in_both_languages(
        loaded: Store, make_obs: Callable[..., pd.DataFrame],
        new_record: Callable[..., ImportRecord]) -> None:
    obs = make_obs().astype({"value": object})
    obs.loc[1, "value"] = "n/a"
    obs.loc[2, "subject_key"] = "苏州"
    with pytest.raises(StoreError) as info:
        loaded.record_import(new_record(), obs)
    en, zh = info.value.render("en"), info.value.render("zh")
    assert "Importing 'gdp.csv': 2 problem(s) found; nothing was written" in en
    assert "column 'value' is not a number in 1 row(s) (rows 1)" in en
    assert "subject_key does not fit subject_kind 'unit' (rows 2)" in en
    assert "导入 'gdp.csv': 发现 2 个问题,未写入任何数据" in zh
    assert "「value」列有 1 行不是数字(第 1 行)" in zh
    assert "subject_key 与 subject_kind 'unit' 不符(第 2 行)" in zh
    assert loaded.imports().empty
