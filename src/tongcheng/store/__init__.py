"""The system of record: a SQLite file or a PostgreSQL database behind one typed API.

Everything tongcheng stores goes through :class:`Store` — administrative units and their
boundaries, metropolitan areas, the indicator catalogue, imports with their provenance, and
observations in long form.
This subpackage is the only place in tongcheng that talks SQL. The schema is defined by the
models in :mod:`tongcheng.store.models` and created by Alembic migrations that ship inside the
package and run automatically when a store is opened.
"""

from __future__ import annotations

from ._frames import KEY_COLUMNS, OBSERVATION_COLUMNS, REQUIRED_OBSERVATION_COLUMNS
from .records import ImportRecord
from .repository import Store

__all__ = [
    "KEY_COLUMNS",
    "OBSERVATION_COLUMNS",
    "REQUIRED_OBSERVATION_COLUMNS",
    "ImportRecord",
    "Store",
]
