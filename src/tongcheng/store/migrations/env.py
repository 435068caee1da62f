"""Alembic environment of the tongcheng store.

At run time the store calls Alembic itself (see :func:`tongcheng.store.db.upgrade`) and hands
over an open connection in ``config.attributes["connection"]``; no ``alembic.ini`` is needed.
Developers writing a new migration can still use the Alembic command line with a ``Config``
whose ``sqlalchemy.url`` points at a scratch database (see ``store/migrations/README``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from tongcheng.store.models import Base

target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Emit the SQL of the migrations without a database (``alembic upgrade --sql``)."""
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the connection given by the store, or on ``sqlalchemy.url``."""
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        msg = "set sqlalchemy.url in the Alembic Config or pass a connection in config.attributes"
        raise RuntimeError(msg)
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            _configure_and_run(conn)
            conn.commit()
    finally:
        engine.dispose()


def _run_by_alembic() -> bool:
    """Tell whether Alembic is running this file (not, e.g., a doctest collector importing it)."""
    try:
        context.config  # noqa: B018 - only set while Alembic runs a command
    except AttributeError:
        return False
    return True


if _run_by_alembic():
    if context.is_offline_mode():
        run_migrations_offline()
    else:
        run_migrations_online()
