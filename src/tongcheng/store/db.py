"""Connections and migrations: turn a database URL into a ready, migrated engine.

Two back-ends are supported with the same code: SQLite (a file in the project folder, foreign
keys switched on for every connection) and PostgreSQL through psycopg 3. The schema is brought
to the newest revision with Alembic on open; the migration scripts ship inside the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from .._errors import StoreError

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "connect",
    "head_revision",
    "normalise_url",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_URL_HELP = (
    "Use sqlite:///path/to/tongcheng.db for a file in the project folder, or "
    "postgresql+psycopg://user:password@host:5432/dbname for a PostgreSQL server."
)
# Arbitrary constant: serialises concurrent migrations of one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x746F6E67


def normalise_url(url: str) -> URL:
    """Parse a database URL and pick the driver tongcheng uses.

    Parameters
    ----------
    url
        ``sqlite:///file.db`` or ``postgresql[+psycopg]://user:password@host:port/dbname``.
        ``postgres://`` and plain ``postgresql://`` are taken to mean psycopg 3.

    Returns
    -------
    sqlalchemy.engine.URL
        The parsed URL with an explicit driver.

    Raises
    ------
    StoreError
        The text is not a URL, or names a database tongcheng does not support.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError, TypeError) as exc:
        msg = f"Not a database URL: {url!r}. {_URL_HELP}"
        raise StoreError(msg) from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "postgresql"):
            msg = (f"Unsupported PostgreSQL driver '{parsed.drivername}'; tongcheng uses "
                   f"psycopg 3. {_URL_HELP}")
            raise StoreError(msg)
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if parsed.drivername != "sqlite":
            msg = f"Unsupported SQLite driver '{parsed.drivername}'. {_URL_HELP}"
            raise StoreError(msg)
        return parsed
    msg = (f"Unsupported database '{backend}' in {url!r}: tongcheng supports SQLite and "
           f"PostgreSQL. {_URL_HELP}")
    raise StoreError(msg)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin: sqlite3 would
    # otherwise run DDL (migrations) outside any transaction. See _sqlite_on_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _explain_connect_error(url: URL, exc: BaseException) -> str:
    safe = url.render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if url.get_backend_name() == "sqlite":
        return (f"Cannot open the SQLite database {url.database!r}: {reason}. Check that the "
                "folder exists and is writable, and that the file is a tongcheng database.")
    if "does not exist" in reason and "database" in reason:
        return (f"The database {url.database!r} does not exist on {url.host}:{url.port or 5432} "
                f"({reason}). Create it first, e.g. `createdb {url.database}`, or fix the URL "
                f"{safe}.")
    if "password" in reason or "authentication" in reason:
        return f"PostgreSQL refused the login for {safe}: {reason}. Check user and password."
    return (f"Cannot connect to {safe}: {reason}. Is the PostgreSQL server running and reachable? "
            "Check host, port and database name; for tests start one with "
            "`bash scripts/start_postgres.sh`.")


def connect(url: URL, *, create: bool = True) -> Engine:
    """Create an engine for ``url`` and check that the database answers.

    Parameters
    ----------
    url
        A URL returned by :func:`normalise_url`.
    create
        For SQLite, whether a missing database file may be created.

    Returns
    -------
    sqlalchemy.Engine
        An engine whose connections enforce foreign keys.

    Raises
    ------
    StoreError
        The database file is missing (``create=False``) or the server cannot be reached.
    """
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        if db not in ("", ":memory:") and not db.startswith("file:"):
            path = Path(db)
            if not path.exists() and not create:
                msg = (f"No tongcheng database at {db!r}. Check the project folder, or open with "
                       "create=True to make a new one.")
                raise StoreError(msg)
            if not path.parent.exists():
                msg = (f"Cannot create the SQLite database {db!r}: the folder "
                       f"{str(path.parent)!r} does not exist. Create the project folder first "
                       "(`tongcheng init`).")
                raise StoreError(msg)
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        msg = (f"The database driver for {url.drivername} is not installed ({exc}). "
               "Install it with `pip install 'tongcheng[postgres]'`.")
        raise StoreError(msg) from exc
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    try:
        with engine.connect() as conn:  # reading the catalogue also proves a file is SQLite
            sqlite = url.get_backend_name() == "sqlite"
            conn.execute(text("SELECT count(*) FROM sqlite_master" if sqlite else "SELECT 1"))
    except (DBAPIError, SQLAlchemyError) as exc:
        engine.dispose()
        raise StoreError(_explain_connect_error(url, exc)) from exc
    return engine


def alembic_config(connection: Connection | None = None) -> Config:
    """Build the Alembic configuration of the store in code (no ``alembic.ini``).

    Parameters
    ----------
    connection
        An open connection for the migrations to run on, or ``None``.

    Returns
    -------
    alembic.config.Config
        Configuration pointing at the migrations shipped in the package.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the newest migration revision this version of tongcheng knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        msg = "tongcheng ships no store migrations; the installation is broken. Reinstall it."
        raise StoreError(msg)
    return head


def current_revision(connection: Connection) -> str | None:
    """Return the revision the database is at, or ``None`` for an empty database."""
    return MigrationContext.configure(connection).get_current_revision()


def _has_tables(connection: Connection) -> bool:
    return bool(inspect(connection).get_table_names())


def upgrade(engine: Engine, *, create: bool = True) -> str:
    """Bring the database to the newest revision, in one transaction.

    Parameters
    ----------
    engine
        Engine returned by :func:`connect`.
    create
        Whether an empty database may be given the tongcheng schema.

    Returns
    -------
    str
        The revision the database is at afterwards.

    Raises
    ------
    StoreError
        The database is newer than this tongcheng, is not a tongcheng database, is empty and
        ``create`` is false, or a migration failed.
    """
    script = ScriptDirectory.from_config(alembic_config())
    head = head_revision()
    safe = engine.url.render_as_string(hide_password=True)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        current = current_revision(conn)
        if current is None and _has_tables(conn):
            tables = ", ".join(sorted(inspect(conn).get_table_names())[:5])
            msg = (f"{safe} already holds tables ({tables}, ...) but no tongcheng schema "
                   "revision. Use an empty database or a tongcheng project database.")
            raise StoreError(msg)
        if current is None and not create:
            msg = f"{safe} is empty. Open it with create=True to create a tongcheng store."
            raise StoreError(msg)
        if current is not None:
            try:
                script.get_revision(current)
            except CommandError as exc:
                msg = (f"The database {safe} is at schema revision {current!r}, which this "
                       f"version of tongcheng does not know (newest known: {head!r}). It was "
                       "written by a newer tongcheng: upgrade tongcheng (`pip install -U "
                       "tongcheng`) instead of using this database with an old version.")
                raise StoreError(msg) from exc
        if current != head:
            try:
                command.upgrade(alembic_config(conn), "head")
            except (SQLAlchemyError, CommandError) as exc:
                msg = f"Migrating {safe} from {current!r} to {head!r} failed: {exc}"
                raise StoreError(msg) from exc
        return current_revision(conn) or head
