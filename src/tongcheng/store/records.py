"""Plain records exchanged with the store."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass

__all__ = ["ImportEventRecord", "ImportRecord", "current_user"]


def current_user() -> str:
    """Return the operating-system user running tongcheng (``"unknown"`` if it cannot be told).

    :func:`getpass.getuser` reads ``LOGNAME``, ``USER``, ``LNAME``, ``USERNAME`` and then
    the password database, which fails in some containers and services; that is not an
    error worth stopping an import for.
    """
    try:
        name = getpass.getuser()
    except Exception:  # KeyError, OSError or ImportError, depending on the platform
        name = os.environ.get("USERNAME") or os.environ.get("USER") or ""
    return name.strip() or "unknown"


@dataclass(frozen=True, kw_only=True)
class ImportRecord:
    """Provenance of one imported file (a row of the ``imports`` table).

    Attributes
    ----------
    sha256
        Hex SHA-256 of the raw file; a file is imported at most once.
    file_name
        Name of the file as the user gave it.
    stored_path
        Path of the kept copy of the raw file, relative to the project folder.
    source
        Who published the data (e.g. ``"江苏统计年鉴2021"``).
    vintage
        Edition of the data (e.g. ``"2021"``); later vintages may revise earlier values.
    sheet
        Excel sheet read, or ``None``.
    imported_at
        When the import was recorded (UTC). ``None`` lets the store use the current time.
    n_rows_read
        Data rows read from the file.
    n_observations
        Observation rows stored; :meth:`Store.record_import` sets it to the rows written.
    n_warnings
        Warnings reported during the import.
    warnings_json
        The warnings as a JSON list.
    imported_by
        Who imported it (the operating-system user, unless the caller named someone).
    reverted_at
        When the import was reverted (its observations removed), or ``None`` while it is
        in force.
    reverted_by
        Who reverted it.
    id
        Primary key; ``None`` until the import is recorded.
    """

    sha256: str
    file_name: str
    stored_path: str
    source: str
    vintage: str
    sheet: str | None = None
    imported_at: dt.datetime | None = None
    n_rows_read: int = 0
    n_observations: int = 0
    n_warnings: int = 0
    warnings_json: str = "[]"
    imported_by: str | None = None
    reverted_at: dt.datetime | None = None
    reverted_by: str | None = None
    id: int | None = None

    @property
    def state(self) -> str:
        """``"imported"`` while the import's observations are stored, else ``"reverted"``."""
        return "imported" if self.reverted_at is None else "reverted"


@dataclass(frozen=True, kw_only=True)
class ImportEventRecord:
    """One event in the history of an import (a row of ``import_events``).

    Attributes
    ----------
    id
        Primary key (events are numbered in the order they happened).
    import_id
        The import concerned.
    action
        ``"imported"``, ``"reverted"`` or ``"reapplied"``.
    actor
        Who did it, or ``None`` when unknown.
    at
        When (UTC).
    n_observations
        Observations written (imported, re-applied) or removed (reverted).
    note
        Free text, or ``None``.
    """

    id: int
    import_id: int
    action: str
    actor: str | None
    at: dt.datetime
    n_observations: int
    note: str | None = None
