"""Opening a store: good URLs work, bad ones fail with a message that says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import make_url

from tongcheng import StoreError, TongchengError
from tongcheng.store import Store


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", r"Not a database URL.*sqlite:///path/to/tongcheng\.db"),
        ("mysql://u@localhost/db", r"Unsupported database 'mysql'.*SQLite and PostgreSQL"),
        ("postgresql+psycopg2://u@localhost/db", r"driver.*psycopg 3"),
        ("sqlite:////no/such/folder/tongcheng.db", r"folder '/no/such/folder' does not exist"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/x",
         r"Cannot connect to .*Is the PostgreSQL server running"),
    ],
)
def test_bad_url_raises_store_error_with_a_fix(url: str, expected: str) -> None:
    with pytest.raises(StoreError, match=expected) as info:
        Store.open(url)
    assert isinstance(info.value, TongchengError)
    assert isinstance(info.value, RuntimeError)


def test_create_false_needs_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="No tongcheng database"):
        Store.open(f"sqlite:///{tmp_path / 'missing.db'}", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_not_a_sqlite_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="Cannot open the SQLite database"):
        Store.open(f"sqlite:///{junk}")


@pytest.mark.postgres
def test_missing_postgres_database_is_explained(pg_url: str) -> None:
    url = make_url(pg_url).set(database="tc_no_such_db").render_as_string(hide_password=False)
    with pytest.raises(StoreError, match=r"does not exist.*createdb tc_no_such_db"):
        Store.open(url)


@pytest.mark.postgres
def test_plain_postgresql_url_means_psycopg_and_password_is_masked(pg_url: str) -> None:
    url = make_url(pg_url).set(drivername="postgresql", password="s3cret")  # trust auth ignores it
    with Store.open(url.render_as_string(hide_password=False)) as store:
        assert store.url.startswith("postgresql+psycopg://")
        assert "s3cret" not in repr(store)
        assert "***" in repr(store)


def test_closed_store_refuses_work(store: Store) -> None:
    store.close()
    assert "closed" in repr(store)
    with pytest.raises(StoreError, match="closed"):
        store.units()
    store.close()  # closing twice is fine


def test_in_memory_sqlite() -> None:
    with Store.open("sqlite://") as store:
        assert store.revision() == "0005"
        assert store.units().empty


def test_create_false_refuses_an_empty_database(store_url: str) -> None:
    with pytest.raises(StoreError, match="No tongcheng database|is empty"):
        Store.open(store_url, create=False)
