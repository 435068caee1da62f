"""Import a statistics file into a project's store: all or nothing, with provenance."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import Problem, ValidationError
from ..store import ImportRecord, Store
from .stats import OBSERVATION_COLUMNS, parse_stats
from .tables import read_table

__all__ = ["ImportResult", "file_sha256", "import_stats"]


@dataclass
class ImportResult:
    """What an import did.

    Attributes
    ----------
    status
        ``"imported"`` or ``"unchanged"`` (the same file was imported before).
    record
        The import's provenance record as stored.
    n_observations
        Observations written by this import (0 when unchanged).
    n_unchanged
        Rows whose identical value (same key and vintage) was already stored.
    warnings
        Problems of severity ``"warning"`` (e.g. old codes mapped through the crosswalk).
    """

    status: str
    record: ImportRecord
    n_observations: int = 0
    n_unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)


def file_sha256(path: Path, *, sheet: str | None = None) -> str:
    """Return the SHA-256 of a file's bytes (and of the sheet name, when one is chosen)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if sheet is not None:
        digest.update(b"\0sheet:" + sheet.encode())
    return digest.hexdigest()


def _conflict_problems(parsed_obs: pd.DataFrame, conflicts: pd.DataFrame, file: str,
                       sheet: str | None) -> tuple[list[Problem], pd.Index]:
    """Split conflicts into identical values (skipped) and different values (errors)."""
    if conflicts.empty:
        return [], pd.Index([])
    same = np.isclose(conflicts["value"].astype(float), conflicts["stored_value"].astype(float),
                      rtol=1e-12, atol=0.0, equal_nan=True)
    problems = []
    for _, row in conflicts[~same].iterrows():
        problems.append(Problem(
            file=file, sheet=sheet, row=int(row["_pos"]) + 2, column=str(row["_col"]),
            value=str(row["value"]),
            expected=(f"the stored value {row['stored_value']} (import #{row['stored_import_id']}) "
                      f"for {row['indicator']} / {row['subject_key']} / {row['period']} / "
                      f"vintage '{row['vintage']}'"),
            fix="a revised figure must come as a new vintage: import again with "
                "--vintage NAME (e.g. --vintage 2024-yearbook); both values are then kept"))
    return problems, pd.Index(conflicts.loc[same, "_pos"])


def import_stats(store: Store, path: str | Path, *, raw_dir: Path, resolver: object,
                 source: str = "", vintage: str = "", sheet: str | None = None,
                 encoding: str | None = None) -> ImportResult:
    """Validate a statistics file and store its observations in one transaction.

    Parameters
    ----------
    store
        The project's store.
    path
        CSV or XLSX file (long, wide-by-indicator, wide-by-period or from/to layout).
    raw_dir
        Folder of the project where the raw file is kept (named by its hash).
    resolver
        Unit resolver for region codes and names.
    source, vintage
        Defaults for rows that do not carry their own ``source`` / ``vintage``.
    sheet
        Excel sheet (default: the first).
    encoding
        CSV encoding when it is not UTF-8 (e.g. ``"gbk"``).

    Returns
    -------
    ImportResult
        ``status="unchanged"`` when the same file (and sheet) was imported before.

    Raises
    ------
    ValidationError
        Any problem of severity error; nothing is written then.
    """
    path = Path(path)
    table = read_table(path, sheet=sheet, encoding=encoding)
    sha = file_sha256(path, sheet=table.sheet if path.suffix.lower() != ".csv" else None)
    existing = store.find_import(sha)
    if existing is not None:
        return ImportResult(status="unchanged", record=existing)
    parsed = parse_stats(table, resolver=resolver, catalogue=store.indicators(),
                         source=source, vintage=vintage, metros=store.metro_memberships())
    if not parsed.ok:
        raise ValidationError(parsed.problems,
                              f"{path.name}: {len(parsed.problems)} problem(s); nothing was written")
    obs = parsed.observations
    conflict_errors, same_pos = _conflict_problems(obs, store.conflicts(obs), table.file,
                                                   table.sheet)
    if conflict_errors:
        raise ValidationError(conflict_errors + parsed.problems,
                              f"{path.name}: values differ from stored ones; nothing was written")
    new = obs[~obs["_pos"].isin(same_pos)]
    warnings = [p for p in parsed.problems if p.severity == "warning"]
    raw_dir.mkdir(parents=True, exist_ok=True)
    kept = raw_dir / f"{sha[:12]}_{path.name}"
    created = not kept.exists()
    if created:
        shutil.copy2(path, kept)
    record = ImportRecord(
        id=None, sha256=sha, file_name=path.name, stored_path=f"{raw_dir.name}/{kept.name}",
        source=source, vintage=vintage, sheet=table.sheet,
        imported_at=datetime.now(UTC).replace(tzinfo=None), n_rows_read=parsed.n_rows,
        n_observations=len(new), n_warnings=len(warnings),
        warnings_json=json.dumps([w.to_dict() for w in warnings], ensure_ascii=False))
    try:
        stored = store.record_import(record, new.loc[:, list(OBSERVATION_COLUMNS)])
    except Exception:
        if created:
            kept.unlink(missing_ok=True)
        raise
    return ImportResult(status="imported", record=stored, n_observations=len(new),
                        n_unchanged=len(obs) - len(new), warnings=warnings)
