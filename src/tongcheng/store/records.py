"""Plain records exchanged with the store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["ImportRecord"]


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
    id: int | None = None
