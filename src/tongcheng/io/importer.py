"""Import a statistics file into a project's store: all or nothing, with provenance.

The raw file is kept in the project's ``raw/`` folder under a name made of its hash and its
own name. The copy is written to a temporary name of this process, flushed to disk and
renamed into place, so the kept file is either absent or whole; it is checked against the
recorded SHA-256 after every import and replaced when it is truncated or foreign. An import
that fails removes only the kept file it wrote itself, and never one an import recorded.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.exc import IntegrityError

from .._errors import Problem, StoreError, ValidationError
from .._text import Text
from ..store import ImportRecord, Store
from ..store.db import pause_point
from ..store.records import current_user
from .plausibility import check_plausibility, fill_missing_rules
from .stats import OBSERVATION_COLUMNS, parse_stats
from .tables import RawTable, read_table

__all__ = ["UNSPECIFIED", "ImportResult", "file_sha256", "import_stats", "kept_file_state", "kept_path"]

UNSPECIFIED = "unspecified"
"""The ``source`` / ``vintage`` to give when they are not known: recorded, and warned about."""

_BLOCK = 1 << 20
_MAX_KEPT_NAME = 200  # bytes; file systems allow 255, the temporary name adds a few


@dataclass
class ImportResult:
    """What an import did.

    Attributes
    ----------
    status
        ``"imported"``; ``"unchanged"`` (the same file is imported and in force); or
        ``"reapplied"`` (the same file had been imported and reverted: its observations are
        stored again under the same import record).
    record
        The import's provenance record as stored.
    n_observations
        Observations written by this import (0 when unchanged).
    n_unchanged
        Rows whose identical value (same key and vintage) was already stored.
    n_empty
        Value cells left empty in the file (not reported as problems: nothing is stored for
        them).
    warnings
        Problems of severity ``"warning"`` (e.g. old codes mapped through the crosswalk, an
        implausible jump, an unspecified source or vintage).
    """

    status: str
    record: ImportRecord
    n_observations: int = 0
    n_unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)
    n_empty: int = 0


def file_sha256(path: Path, *, sheet: str | None = None) -> str:
    """Return the SHA-256 of a file's bytes (and of the sheet name, when one is chosen)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return _finish(digest, sheet)


def _finish(digest: hashlib._Hash, sheet: str | None) -> str:
    if sheet is not None:
        digest.update(b"\0sheet:" + sheet.encode())
    return digest.hexdigest()


def kept_path(raw_dir: Path, sha256: str, file_name: str) -> Path:
    """Return where the raw file with this hash and name is kept.

    The name is ``<first 12 hex digits>_<file name>``; a name too long for the file system
    is shortened in the middle of its stem, keeping its suffix.
    """
    name = f"{sha256[:12]}_{file_name}"
    if len(name.encode()) > _MAX_KEPT_NAME:
        suffix = Path(file_name).suffix[:20]
        stem = name[: len(name) - len(suffix)] if suffix else name
        while len((stem + "…" + suffix).encode()) > _MAX_KEPT_NAME:
            stem = stem[:-1]
        name = stem + "…" + suffix
    return raw_dir / name


def kept_file_state(project_root: Path, record: ImportRecord) -> str | None:
    """Say whether the kept raw file of an import is there and whole.

    Parameters
    ----------
    project_root
        The project folder (``stored_path`` is relative to it).
    record
        The import.

    Returns
    -------
    str or None
        ``"whole"`` (its SHA-256 is the recorded one), ``"missing"`` or ``"differs"``;
        ``None`` for records that keep no file in ``raw/`` (e.g. stored travel times).
    """
    if not record.stored_path.startswith("raw/"):
        return None
    kept = Path(project_root) / record.stored_path
    if not kept.is_file():
        return "missing"
    sheet = record.sheet if kept.suffix.lower() != ".csv" else None
    try:
        same = file_sha256(kept, sheet=sheet) == record.sha256
    except OSError:
        return "missing"
    return "whole" if same else "differs"


def _conflict_problems(parsed_obs: pd.DataFrame, conflicts: pd.DataFrame, file: str,
                       sheet: str | None, row_of: Callable[[int], int],
                       ) -> tuple[list[Problem], pd.Index]:
    """Split conflicts into identical values (skipped) and different values (errors)."""
    if conflicts.empty:
        return [], pd.Index([])
    same = np.isclose(conflicts["value"].astype(float), conflicts["stored_value"].astype(float),
                      rtol=1e-12, atol=0.0, equal_nan=True)
    problems = []
    for _, row in conflicts[~same].iterrows():
        fields = {"stored": row["stored_value"], "id": row["stored_import_id"],
                  "indicator": row["indicator"], "key": row["subject_key"],
                  "period": row["period"], "vintage": row["vintage"]}
        problems.append(Problem(
            file=file, sheet=sheet, row=row_of(int(row["_pos"])), column=str(row["_col"]),
            value=str(row["value"]),
            expected=Text("已存储的值 {stored}(导入 #{id}),即 {indicator} / {key} / {period} / "
                          "版本 '{vintage}'",
                          "the stored value {stored} (import #{id}) for {indicator} / {key} / "
                          "{period} / vintage '{vintage}'").format(**fields),
            fix=Text("修订后的数字须作为新版本导入: 用 --vintage 名称 再次导入(例如 "
                     "--vintage 2024-yearbook);两个值都会保留",
                     "a revised figure must come as a new vintage: import again with "
                     "--vintage NAME (e.g. --vintage 2024-yearbook); both values are then kept")))
    return problems, pd.Index(conflicts.loc[same, "_pos"])


def _provenance_warnings(obs: pd.DataFrame, *, source: str, vintage: str,
                         table: RawTable) -> list[Problem]:
    """Warn about rows stored without a known source or vintage."""
    problems = []
    for column, given in (("source", source), ("vintage", vintage)):
        values = obs[column].fillna("").astype(str).str.strip()
        unknown = values.eq("") | values.str.lower().eq(UNSPECIFIED)
        if not unknown.any():
            continue
        shown = given if given.strip() else "(empty)"
        problems.append(Problem(
            file=table.file, sheet=table.sheet, row=None, column=f"--{column}", value=shown,
            expected=Text(f"数据的{'来源' if column == 'source' else '版本'}"
                          f"({int(unknown.sum())} 个观测值没有)",
                          f"the {column} of the figures ({int(unknown.sum())} observation(s) "
                          "have none)"),
            fix=Text(f"已按「{shown}」记录;知道后请撤销此导入(tongcheng import revert 编号),"
                     f"再用 --{column} 重新导入",
                     f"recorded as '{shown}'; once known, revert this import (tongcheng import "
                     f"revert ID) and import it again with --{column}"),
            severity="warning"))
    return problems


def import_stats(store: Store, path: str | Path, *, raw_dir: Path, resolver: object,  # noqa: PLR0913
                 source: str = "", vintage: str = "", sheet: str | None = None,
                 encoding: str | None = None, strict: bool = False,
                 default_jump: float | None = 10.0, actor: str | None = None) -> ImportResult:
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
        Defaults for rows that do not carry their own ``source`` / ``vintage``. Give
        :data:`UNSPECIFIED` when they are not known: it is recorded and warned about (as is
        an empty one).
    sheet
        Excel sheet (default: the first visible one).
    encoding
        CSV encoding when it is not UTF-8 (e.g. ``"gbk"``).
    strict
        Implausible jumps (see :func:`~tongcheng.io.plausibility.check_plausibility`) are
        errors instead of warnings.
    default_jump
        Largest plausible factor between a value and the previous period's or vintage's,
        for indicators without their own ``max_jump`` (the project's
        ``plausibility_jump``).
    actor
        Who imports (default: the operating system's user).

    Returns
    -------
    ImportResult
        ``status="unchanged"`` when the same file (and sheet) is imported already,
        ``"reapplied"`` when it had been reverted.

    Raises
    ------
    ValidationError
        Any problem of severity error (bad cells, values out of range, values that differ
        from stored ones); nothing is written then.
    StoreError
        The store refused the import (e.g. another import holds it for too long); nothing
        is written then.
    """
    path = Path(path)
    table = read_table(path, sheet=sheet, encoding=encoding)
    hash_sheet = table.sheet if path.suffix.lower() != ".csv" else None
    sha = file_sha256(path, sheet=hash_sheet)
    raw = _RawCopy(source=path, raw_dir=raw_dir, sha=sha, sheet=hash_sheet)
    existing = store.find_import(sha)
    if existing is not None and existing.reverted_at is None:
        return _unchanged(existing, raw)
    fill_missing_rules(store)  # a catalogue stored before revision 0005 gets its rules
    catalogue = store.indicators()
    parsed = parse_stats(table, resolver=resolver, catalogue=catalogue,
                         source=source, vintage=vintage, metros=store.metro_memberships())
    if not parsed.ok:
        raise ValidationError(parsed.problems, Text(
            f"{path.name}: 发现 {len(parsed.problems)} 个问题,未写入任何数据",
            f"{path.name}: {len(parsed.problems)} problem(s); nothing was written"))
    obs = parsed.observations
    if obs.empty:
        raise ValidationError([*parsed.problems, _no_values(table)], Text(
            f"{path.name}: 没有任何数值,未写入任何数据",
            f"{path.name}: no values in the file; nothing was written"))
    row_of = _row_numbers(table)
    plausible = check_plausibility(obs, catalogue=catalogue, store=store,
                                   default_jump=default_jump, strict=strict, file=table.file,
                                   sheet=table.sheet, row_of=row_of)
    warnings = [p for p in parsed.problems if p.severity == "warning"]
    warnings += [p for p in plausible if p.severity == "warning"]
    warnings += _provenance_warnings(obs, source=source, vintage=vintage, table=table)
    if errors := [p for p in plausible if p.severity == "error"]:
        raise ValidationError(errors + warnings, Text(
            f"{path.name}: {len(errors)} 个值不合理,未写入任何数据",
            f"{path.name}: {len(errors)} implausible value(s); nothing was written"))
    base = ImportRecord(
        sha256=sha, file_name=path.name, stored_path="", source=source, vintage=vintage,
        sheet=table.sheet, imported_at=datetime.now(UTC).replace(tzinfo=None),
        n_rows_read=parsed.n_rows, n_warnings=len(warnings),
        warnings_json=json.dumps([w.to_dict() for w in warnings], ensure_ascii=False),
        imported_by=actor or current_user())
    retries = 1
    while True:
        try:
            result = _write(store, obs, base, raw, table=table, row_of=row_of, warnings=warnings)
            return replace(result, n_empty=parsed.n_empty)
        except StoreError as exc:
            # Another process imported meanwhile: this file (nothing left to do), or rows
            # with the same keys (check once more, now against what it stored).
            again = store.find_import(sha)
            if again is not None and again.reverted_at is None:
                return _unchanged(again, raw)
            if retries == 0 or not isinstance(exc.__cause__, IntegrityError):
                raise
            retries -= 1


def _write(store: Store, obs: pd.DataFrame, base: ImportRecord, raw: _RawCopy, *,
           table: RawTable, row_of: Callable[[int], int], warnings: list[Problem]) -> ImportResult:
    """Check against the stored values, keep the raw file and store the import."""
    existing = store.find_import(base.sha256)
    conflict_errors, same_pos = _conflict_problems(obs, store.conflicts(obs), table.file,
                                                   table.sheet, row_of)
    if conflict_errors:
        raise ValidationError(conflict_errors + warnings, Text(
            f"{table.file}: 有值与已存储的不同,未写入任何数据",
            f"{table.file}: values differ from stored ones; nothing was written"))
    new = obs[~obs["_pos"].isin(same_pos)].loc[:, list(OBSERVATION_COLUMNS)]
    if existing is not None:  # reverted before: apply it again, keeping its kept file
        kept = raw.raw_dir.parent / existing.stored_path
    else:
        kept = kept_path(raw.raw_dir, base.sha256, base.file_name)
    record = replace(base, stored_path=f"{raw.raw_dir.name}/{kept.name}",
                     n_observations=len(new))
    written = raw.keep(kept)
    try:
        if existing is not None:
            stored = store.reapply_import(replace(record, id=existing.id), new,
                                          actor=base.imported_by)
        else:
            stored = store.record_import(record, new)
    except BaseException:
        raw.discard(written, store)
        raise
    warnings = warnings + raw.ensure(kept)
    return ImportResult(status="imported" if existing is None else "reapplied", record=stored,
                        n_observations=len(new), n_unchanged=len(obs) - len(new),
                        warnings=warnings)


def _no_values(table: RawTable) -> Problem:
    return Problem(
        file=table.file, sheet=table.sheet, row=None, column=None, value=None,
        expected=Text("至少一个填写了数值的单元格", "at least one cell with a value"),
        fix=Text("填写数值后再导入(空单元格表示缺失值);若选错了工作表,请用 --sheet 指定",
                 "fill in the values, then import it (an empty cell is a missing value); if "
                 "this is the wrong sheet, name the right one with --sheet"))


def _unchanged(existing: ImportRecord, raw: _RawCopy) -> ImportResult:
    """Report an import in force of the same file, after making sure its kept copy is whole."""
    warnings = raw.ensure(raw.raw_dir.parent / existing.stored_path)
    return ImportResult(status="unchanged", record=existing, warnings=warnings)


def _row_numbers(table: RawTable) -> Callable[[int], int]:
    """Spreadsheet row number of a data position (header on row 1 unless the table knows)."""
    number = getattr(table, "row_number", None)
    if callable(number):
        return lambda position: int(number(position))
    return lambda position: position + 2


@dataclass(frozen=True)
class _Written:
    """A kept file this process wrote (identified by inode and modification time)."""

    path: Path
    inode: int
    mtime_ns: int


@dataclass(frozen=True)
class _RawCopy:
    """Keeps the raw file of one import in ``raw_dir``, atomically and verified."""

    source: Path
    raw_dir: Path
    sha: str
    sheet: str | None

    def is_whole(self, kept: Path) -> bool:
        """Whether ``kept`` is a file whose SHA-256 is the import's."""
        try:
            return kept.is_file() and file_sha256(kept, sheet=self.sheet) == self.sha
        except OSError:
            return False

    def keep(self, kept: Path) -> _Written | None:
        """Put a whole copy at ``kept`` unless one is there; return what was written."""
        self.raw_dir.mkdir(parents=True, exist_ok=True)
        _sweep_stale_temporaries(self.raw_dir)
        if self.is_whole(kept):
            return None
        temporary = self.raw_dir / f".{kept.name[:80]}.{_temporary_tag()}.tmp"
        try:
            digest = _copy_synced(self.source, temporary)
            if _finish(digest, self.sheet) != self.sha:
                raise ValidationError([Problem(
                    file=self.source.name, row=None, column=None, value=None,
                    expected=Text("导入过程中不变的文件", "a file that does not change while it "
                                  "is imported"),
                    fix=Text("文件在导入时被修改了(仍在编辑或同步?);保存并关闭后再导入",
                             "the file changed during the import (still being edited or "
                             "synchronised?); save and close it, then import it again"))])
            os.replace(temporary, kept)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _fsync_folder(self.raw_dir)
        status = kept.stat()
        return _Written(kept, status.st_ino, status.st_mtime_ns)

    def discard(self, written: _Written | None, store: Store) -> None:
        """Remove the kept file after a failed import, if this import wrote it and none uses it."""
        if written is None:
            return
        try:
            if store.find_import(self.sha) is not None:
                return
            status = written.path.stat()
        except (OSError, StoreError):  # cannot tell: keep it (an orphan is harmless)
            return
        if (status.st_ino, status.st_mtime_ns) == (written.inode, written.mtime_ns):
            written.path.unlink(missing_ok=True)

    def ensure(self, kept: Path) -> list[Problem]:
        """After an import: the recorded kept file must be whole; rewrite it if not."""
        try:
            self.keep(kept)
        except (OSError, ValidationError) as exc:
            why = getattr(exc, "strerror", None) or type(exc).__name__
            return [Problem(
                file=self.source.name, row=None, column=None, value=str(kept),
                expected=Text("原始文件的完整副本", "a whole copy of the raw file"),
                fix=Text(f"数据已导入,但无法写入副本({why});请重新运行同一导入以修复",
                         f"the data is imported but the copy could not be written ({why}); "
                         "run the same import again to repair it"),
                severity="warning")]
        return []


def _temporary_tag() -> str:
    """Host, process and a random part: no two imports share a temporary name."""
    host = socket.gethostname().replace(".", "-")[:40] or "host"
    return f"{host}.{os.getpid()}.{uuid.uuid4().hex[:8]}"


def _copy_synced(source: Path, target: Path) -> hashlib._Hash:
    """Copy ``source`` to the new file ``target``, flushed to disk; return the bytes' digest."""
    digest = hashlib.sha256()
    half = source.stat().st_size // 2
    with source.open("rb") as src, target.open("xb") as dst:
        first = src.read(half)
        digest.update(first)
        dst.write(first)
        dst.flush()
        pause_point("raw_copy")  # test hook: a kill here leaves a half-written temporary
        for block in iter(lambda: src.read(_BLOCK), b""):
            digest.update(block)
            dst.write(block)
        dst.flush()
        os.fsync(dst.fileno())
    return digest


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows opening folders)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. Windows
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _sweep_stale_temporaries(raw_dir: Path) -> None:
    """Remove temporary copies left by killed imports of this host (never a live one's)."""
    host = socket.gethostname().replace(".", "-")[:40] or "host"
    for path in raw_dir.glob(".*.tmp"):
        parts = path.name[: -len(".tmp")].rsplit(".", 3)
        if len(parts) != 4 or parts[1] != host or not parts[2].isdigit():
            continue
        if not _alive(int(parts[2])):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else, or the platform cannot tell
        return True
    return True
