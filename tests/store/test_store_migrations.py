"""The migrations create exactly what the models define, on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from tongcheng import StoreError
from tongcheng.store import Store
from tongcheng.store.db import MIGRATIONS_DIR, alembic_config, head_revision
from tongcheng.store.models import Base

TABLES = {"units", "metro_areas", "metro_members", "indicators", "imports", "observations", "index_runs",
          "unit_boundaries", "import_events"}


def test_migrations_create_all_tables(store: Store) -> None:
    names = set(inspect(store.engine).get_table_names())
    assert names == TABLES | {"alembic_version"}


def test_revision_is_head(store: Store) -> None:
    assert store.revision() == head_revision() == "0005"


def test_models_and_migrations_agree(store: Store) -> None:
    """What `alembic check` does: autogenerate finds nothing to change."""
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_observation_constraints_and_indexes(store: Store) -> None:
    insp = inspect(store.engine)
    uniques = [tuple(u["column_names"]) for u in insp.get_unique_constraints("observations")]
    assert ("indicator", "subject_key", "period", "vintage") in uniques
    indexes = {tuple(i["column_names"]) for i in insp.get_indexes("observations")}
    assert {("indicator", "period"), ("subject_key",)} <= indexes
    fks = {fk["referred_table"] for fk in insp.get_foreign_keys("observations")}
    assert fks == {"indicators", "units", "metro_areas", "imports"}


def test_downgrade_to_base_and_up_again(store: Store) -> None:
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert store.revision() == "0005"


def test_reopen_keeps_data(store_url: str) -> None:
    with Store.open(store_url) as first:
        first.put_indicators(_one_indicator())
    with Store.open(store_url, create=False) as again:
        assert again.indicators()["code"].tolist() == ["x"]
        assert again.revision() == "0005"


def test_newer_revision_is_refused(store: Store, store_url: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    with pytest.raises(StoreError, match=r"revision '9999'.*newer tongcheng.*upgrade tongcheng"):
        Store.open(store_url)


def test_foreign_database_is_refused(store: Store, store_url: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    store.close()
    with pytest.raises(StoreError, match="no tongcheng schema revision"):
        Store.open(store_url)


def test_migrations_ship_inside_the_package() -> None:
    assert MIGRATIONS_DIR.parent.name == "store"
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert (MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()


def _one_indicator() -> pd.DataFrame:
    return pd.DataFrame({"code": ["x"], "name_zh": ["某指标"], "subject_kind": ["unit"]})


def test_schema_changes_are_transactional(store: Store) -> None:
    """A failed migration leaves nothing behind, on SQLite too (sqlite3 autocommits DDL)."""
    with pytest.raises(RuntimeError), store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE scratch (x INTEGER)"))
        raise RuntimeError
    assert "scratch" not in inspect(store.engine).get_table_names()


def test_upgrade_from_0001_keeps_data(store: Store) -> None:
    """A database at revision 0001 with data is upgraded to the head without losing anything."""
    store.put_indicators(_one_indicator())
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert "index_runs" not in inspect(store.engine).get_table_names()
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert store.revision() == "0005"
    assert store.indicators()["code"].tolist() == ["x"]
    assert store.index_runs().empty
