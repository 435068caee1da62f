"""Connections and migrations: turn a database URL into a ready, migrated engine.

Two back-ends are supported with the same code: SQLite (a file in the project folder, foreign
keys switched on for every connection) and PostgreSQL through psycopg 3. The schema is brought
to the newest revision with Alembic on open; the migration scripts ship inside the package.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)

from .._errors import StoreError
from .._text import Text

__all__ = [
    "BUSY_TIMEOUT_MS",
    "IMMEDIATE",
    "MIGRATIONS_DIR",
    "PAUSE_ENV",
    "alembic_config",
    "connect",
    "database_failure",
    "first_line",
    "head_revision",
    "is_locked",
    "normalise_url",
    "pause_point",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_URL_HELP = Text(
    "请用 sqlite:///path/to/tongcheng.db(项目目录中的文件)或 "
    "postgresql+psycopg://user:password@host:5432/dbname(PostgreSQL 服务器)。",
    "Use sqlite:///path/to/tongcheng.db for a file in the project folder, or "
    "postgresql+psycopg://user:password@host:5432/dbname for a PostgreSQL server.",
)
# Arbitrary constant: serialises concurrent migrations of one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x746F6E67

BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite write waits for another process's write to finish before giving up."""

IMMEDIATE = "tongcheng_immediate"
"""Execution option of a SQLite connection whose transactions take the write lock at once.

Every write transaction of the store starts with ``BEGIN IMMEDIATE``: a second writer
then waits (up to :data:`BUSY_TIMEOUT_MS`) at its ``BEGIN`` instead of failing half-way,
when SQLite would refuse to wait because two readers both want to write (a deadlock).
Reads keep a plain ``BEGIN``.
"""

PAUSE_ENV = "TONGCHENG_TEST_PAUSE_AT"
"""Test hook: the name of a :func:`pause_point` at which the process stops (see there)."""


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
        msg = Text(f"不是数据库地址: {url!r}。", f"Not a database URL: {url!r}. ") + _URL_HELP
        raise StoreError(msg) from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "postgresql"):
            msg = Text(f"不支持的 PostgreSQL 驱动 '{parsed.drivername}';tongcheng 使用 psycopg 3。",
                       f"Unsupported PostgreSQL driver '{parsed.drivername}'; tongcheng uses "
                       "psycopg 3. ") + _URL_HELP
            raise StoreError(msg)
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if parsed.drivername != "sqlite":
            msg = Text(f"不支持的 SQLite 驱动 '{parsed.drivername}'。",
                       f"Unsupported SQLite driver '{parsed.drivername}'. ") + _URL_HELP
            raise StoreError(msg)
        return parsed
    msg = Text(f"不支持 {url!r} 中的数据库 '{backend}':tongcheng 支持 SQLite 和 PostgreSQL。",
               f"Unsupported database '{backend}' in {url!r}: tongcheng supports SQLite and "
               "PostgreSQL. ") + _URL_HELP
    raise StoreError(msg)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin: sqlite3 would
    # otherwise run DDL (migrations) outside any transaction. See _sqlite_on_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def pause_point(name: str) -> None:
    """Test hook: stop here while ``TONGCHENG_TEST_PAUSE_AT`` names this point.

    Used by the kill and concurrency tests to stop an import at a known moment
    (``raw_copy``: half-way through writing the kept raw file; ``db_begin``: just before the
    import's transaction begins; ``db_write``: inside it, observations written but not
    committed). On reaching the point
    the process creates the file named by ``TONGCHENG_TEST_PAUSE_FILE`` and waits until a
    file of that name plus ``.go`` appears (at most ``TONGCHENG_TEST_PAUSE_SECONDS``,
    default 120), then goes on. Without the variable this does nothing.

    Parameters
    ----------
    name
        The point reached.
    """
    if os.environ.get(PAUSE_ENV) != name:
        return
    marker = os.environ.get("TONGCHENG_TEST_PAUSE_FILE")
    if not marker:
        return
    Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    go = Path(marker + ".go")
    deadline = time.monotonic() + float(os.environ.get("TONGCHENG_TEST_PAUSE_SECONDS", "120"))
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


_LOCKED = Text("项目的数据库正被另一个进程写入(很可能是另一个导入);已等待 {seconds} 秒。"
               "请等它结束后重试。{what}未写入任何数据。",
               "the project's database is being written by another process (most likely another "
               "import is running); waited {seconds} s. Try again when it has finished. {what} "
               "wrote nothing.")
_UNREACHABLE = Text("与数据库服务器的连接中断,{what}已回滚,未写入任何数据。请检查服务器是否在运行、"
                    "网络是否可达,然后重试。原因: {why}",
                    "the connection to the database server failed; {what} was rolled back and "
                    "nothing was written. Check that the server is running and reachable, then try "
                    "again. Reason: {why}")
_REFUSED = Text("数据库拒绝了{what}并已回滚,未写入任何数据。原因: {why}",
                "{what} was refused by the database and rolled back; nothing was written. "
                "Reason: {why}")
_FAILED = Text("{what}失败并已回滚,未写入任何数据。原因: {why}",
               "{what} failed and was rolled back; nothing was written. Reason: {why}")


def first_line(exc: BaseException) -> str:
    """Return the driver's first message line of a database error: never SQL or parameters."""
    orig = getattr(exc, "orig", None)
    if orig is not None:
        message = str(orig)
    elif isinstance(exc, SQLAlchemyError):  # SQLAlchemy's own text: cut the SQL it appends
        message = str(exc).split("[SQL:")[0].split("(Background on")[0]
    else:
        message = str(exc)
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__)[:300]


def is_locked(exc: BaseException) -> bool:
    """Whether a database error means another process holds the write lock (SQLite)."""
    if not isinstance(exc, OperationalError):
        return False
    why = first_line(exc).lower()
    return "database is locked" in why or "database table is locked" in why or "busy" in why


def database_failure(exc: SQLAlchemyError, what: str | Text) -> StoreError:
    """Turn a database error into a :class:`StoreError` a person can act on.

    The message says what was being done and that nothing was written, and gives the
    driver's first message line only: never the SQL statement or its parameter rows.

    Parameters
    ----------
    exc
        The error raised by SQLAlchemy.
    what
        What was being done (e.g. ``Text("导入 gdp.csv", "Importing 'gdp.csv'")``).

    Returns
    -------
    StoreError
        The error to raise (``from exc``).
    """
    why = first_line(exc)
    if is_locked(exc):
        return StoreError(_LOCKED.format(what=what, seconds=BUSY_TIMEOUT_MS // 1000))
    if isinstance(exc, IntegrityError):
        return StoreError(_REFUSED.format(what=what, why=why))
    if isinstance(exc, OperationalError) and exc.connection_invalidated:
        return StoreError(_UNREACHABLE.format(what=what, why=why))
    if isinstance(exc, DBAPIError) and _connection_lost(why):
        return StoreError(_UNREACHABLE.format(what=what, why=why))
    return StoreError(_FAILED.format(what=what, why=why))


def _connection_lost(why: str) -> bool:
    low = why.lower()
    return any(part in low for part in ("server closed the connection", "connection refused",
                                        "terminating connection", "could not connect",
                                        "connection is closed", "the connection is lost"))


def _explain_connect_error(url: URL, exc: BaseException) -> Text:
    safe = url.render_as_string(hide_password=True)
    reason = first_line(exc)
    if url.get_backend_name() == "sqlite":
        if is_locked(exc):
            return _LOCKED.format(what=Text("打开数据库", "Opening the database"),
                                  seconds=BUSY_TIMEOUT_MS // 1000)
        return Text(f"无法打开 SQLite 数据库 {url.database!r}: {reason}。请检查目录是否存在且可写,"
                    "以及该文件是否为 tongcheng 数据库。",
                    f"Cannot open the SQLite database {url.database!r}: {reason}. Check that the "
                    "folder exists and is writable, and that the file is a tongcheng database.")
    where = f"{url.host}:{url.port or 5432}"
    if "does not exist" in reason and "database" in reason:
        return Text(f"服务器 {where} 上没有数据库 {url.database!r}({reason})。请先创建,例如 "
                    f"`createdb {url.database}`,或修改地址 {safe}。",
                    f"The database {url.database!r} does not exist on {where} ({reason}). Create "
                    f"it first, e.g. `createdb {url.database}`, or fix the URL {safe}.")
    if "password" in reason or "authentication" in reason:
        return Text(f"PostgreSQL 拒绝了 {safe} 的登录: {reason}。请检查用户名和密码。",
                    f"PostgreSQL refused the login for {safe}: {reason}. Check user and password.")
    return Text(f"无法连接 {safe}: {reason}。PostgreSQL 服务器是否在运行、网络是否可达?请检查主机、"
                "端口和数据库名;测试时可用 `bash scripts/start_postgres.sh` 启动一个。",
                f"Cannot connect to {safe}: {reason}. Is the PostgreSQL server running and "
                "reachable? Check host, port and database name; for tests start one with "
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
                msg = Text(f"{db!r} 处没有 tongcheng 数据库。请检查项目目录,或用 create=True 新建。",
                           f"No tongcheng database at {db!r}. Check the project folder, or open "
                           "with create=True to make a new one.")
                raise StoreError(msg)
            if not path.parent.exists():
                msg = Text(f"无法创建 SQLite 数据库 {db!r}: 目录 {str(path.parent)!r} 不存在。"
                           "请先创建项目目录(`tongcheng init`)。",
                           f"Cannot create the SQLite database {db!r}: the folder "
                           f"{str(path.parent)!r} does not exist. Create the project folder "
                           "first (`tongcheng init`).")
                raise StoreError(msg)
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        msg = Text(f"{url.drivername} 的数据库驱动未安装({exc})。请用 "
                   "`pip install 'tongcheng[postgres]'` 安装。",
                   f"The database driver for {url.drivername} is not installed ({exc}). "
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
    try:
        with engine.connect() as conn:  # a read first: an up-to-date store takes no write lock
            if _check_revision(conn, script=script, head=head, safe=safe, create=create) == head:
                return head
        with engine.connect() as conn:
            conn.execution_options(**{IMMEDIATE: True})  # one migration at a time
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                 {"k": _PG_MIGRATION_LOCK})
                current = _check_revision(conn, script=script, head=head, safe=safe,
                                          create=create)
                if current != head:
                    _migrate(conn, current=current, head=head, safe=safe)
                return current_revision(conn) or head
    except StoreError:
        raise
    except SQLAlchemyError as exc:
        what = Text(f"检查 {safe} 的数据结构版本", f"Checking the schema revision of {safe}")
        raise database_failure(exc, what) from exc


def _check_revision(conn: Connection, *, script: ScriptDirectory, head: str, safe: str,
                    create: bool) -> str | None:
    """Return the database's revision, refusing foreign, empty (unless ``create``) and newer ones."""
    current = current_revision(conn)
    if current is None and _has_tables(conn):
        tables = ", ".join(sorted(inspect(conn).get_table_names())[:5])
        msg = Text(f"{safe} 中已有数据表({tables} 等),但没有 tongcheng 数据结构版本。"
                   "请使用空数据库或 tongcheng 项目数据库。",
                   f"{safe} already holds tables ({tables}, ...) but no tongcheng schema "
                   "revision. Use an empty database or a tongcheng project database.")
        raise StoreError(msg)
    if current is None and not create:
        msg = Text(f"{safe} 是空的。请用 create=True 打开以新建 tongcheng 数据库。",
                   f"{safe} is empty. Open it with create=True to create a tongcheng store.")
        raise StoreError(msg)
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError as exc:
            msg = Text(f"数据库 {safe} 的数据结构版本为 {current!r},此版本的 tongcheng 不认识"
                       f"(已知最新: {head!r})。它由更新版本的 tongcheng 写入: 请升级 tongcheng"
                       "(`pip install -U tongcheng`),不要用旧版本打开它。",
                       f"The database {safe} is at schema revision {current!r}, which this "
                       f"version of tongcheng does not know (newest known: {head!r}). It was "
                       "written by a newer tongcheng: upgrade tongcheng (`pip install -U "
                       "tongcheng`) instead of using this database with an old version.")
            raise StoreError(msg) from exc
    return current


def _migrate(conn: Connection, *, current: str | None, head: str, safe: str) -> None:
    try:
        command.upgrade(alembic_config(conn), "head")
    except (SQLAlchemyError, CommandError) as exc:
        msg = Text(f"将 {safe} 从 {current!r} 升级到 {head!r} 失败,已回滚: {first_line(exc)}",
                   f"Migrating {safe} from {current!r} to {head!r} failed and was rolled back: "
                   f"{first_line(exc)}")
        raise StoreError(msg) from exc
