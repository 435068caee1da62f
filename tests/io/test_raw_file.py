"""The kept raw file: written atomically, always whole after an import, never another's lost."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from tongcheng import StoreError, ValidationError
from tongcheng.io import importer
from tongcheng.io.importer import file_sha256, kept_file_state, kept_path
from tongcheng.project import Project
from tongcheng.store import Store

GOOD = "code,indicator,period,value,unit\n320500,gdp,2024,26700.0,亿元\n310100,gdp,2024,53926.7,亿元\n"
REFUSED = "refused"
OTHER = "code,indicator,period,value,unit\n320500,gdp,2019,19000.0,亿元\n"


def _csv(path: Path, text: str = GOOD) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _raw(project: Project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(project.raw_dir.iterdir())}


def _temporaries(project: Project) -> list[str]:
    return sorted(p.name for p in project.raw_dir.glob(".*.tmp"))


def test_kept_file_is_whole_and_no_temporary_is_left(yrd_project: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path / "gdp.csv")
    result = yrd_project.import_stats(path, source="s", vintage="v")
    kept = yrd_project.root / result.record.stored_path
    assert kept == kept_path(yrd_project.raw_dir, result.record.sha256, "gdp.csv")
    assert file_sha256(kept) == result.record.sha256 == file_sha256(path)
    assert kept_file_state(yrd_project.root, result.record) == "whole"
    assert _temporaries(yrd_project) == []


def test_every_bundled_kept_file_matches_its_record(yrd_project: Project) -> None:
    with yrd_project.store() as store:
        records = [store.get_import(int(i)) for i in store.imports()["id"]]
    assert records
    assert {kept_file_state(yrd_project.root, r) for r in records} == {"whole"}


def test_truncated_file_at_the_kept_path_is_replaced(yrd_project: Project, tmp_path: Path) -> None:
    """A half-written copy (e.g. from a version that copied in place) is not trusted."""
    path = _csv(tmp_path / "gdp.csv")
    kept = kept_path(yrd_project.raw_dir, file_sha256(path), path.name)
    kept.write_bytes(path.read_bytes()[:20])
    result = yrd_project.import_stats(path, source="s", vintage="v")
    assert result.status == "imported"
    assert kept.read_bytes() == path.read_bytes()


def test_rerun_repairs_a_foreign_file_at_a_recorded_kept_path(yrd_project: Project,
                                                              tmp_path: Path) -> None:
    path = _csv(tmp_path / "gdp.csv")
    first = yrd_project.import_stats(path, source="s", vintage="v")
    kept = yrd_project.root / first.record.stored_path
    kept.write_text("someone else's table\n", encoding="utf-8")
    assert kept_file_state(yrd_project.root, first.record) == "differs"
    again = yrd_project.import_stats(path, source="s", vintage="v")
    assert again.status == "unchanged" and again.warnings == []
    assert file_sha256(kept) == first.record.sha256
    kept.unlink()
    yrd_project.import_stats(path, source="s", vintage="v")
    assert file_sha256(kept) == first.record.sha256


def test_excel_kept_copy_is_checked_with_its_sheet(yrd_project: Project, tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "GDP"
    for row in [("code", "indicator", "period", "value", "unit"), ("320500", "gdp", "2024", 1.0, "亿元")]:
        book.active.append(row)
    path = tmp_path / "gdp.xlsx"
    book.save(path)
    result = yrd_project.import_stats(path, source="s", vintage="v", sheet="GDP")
    assert result.record.sha256 == file_sha256(path, sheet="GDP") != file_sha256(path)
    assert kept_file_state(yrd_project.root, result.record) == "whole"


def test_failed_write_removes_only_the_file_it_created(yrd_project: Project, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    yrd_project.import_stats(_csv(tmp_path / "other.csv", OTHER), source="s", vintage="v")
    before = _raw(yrd_project)

    def refuse(self: Store, *args: object, **kwargs: object) -> None:
        raise StoreError(REFUSED)

    monkeypatch.setattr(Store, "record_import", refuse)
    path = _csv(tmp_path / "gdp.csv")
    with pytest.raises(StoreError, match="refused"):
        yrd_project.import_stats(path, source="s", vintage="v")
    assert _raw(yrd_project) == before  # its own copy gone, every other file untouched
    kept = kept_path(yrd_project.raw_dir, file_sha256(path), path.name)
    kept.write_bytes(path.read_bytes())  # a whole copy it did not write (an earlier killed run)
    with pytest.raises(StoreError, match="refused"):
        yrd_project.import_stats(path, source="s", vintage="v")
    assert kept.read_bytes() == path.read_bytes()


def test_failure_never_removes_a_kept_file_an_import_recorded(
        yrd_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process recorded the same file while this one was writing: its file stays."""
    path = _csv(tmp_path / "gdp.csv")
    first = yrd_project.import_stats(path, source="s", vintage="v")
    kept = yrd_project.root / first.record.stored_path
    with yrd_project.store() as store:
        store.revert_import(first.record.id)
    kept.unlink()  # so that this run writes it again
    real = Store.reapply_import

    def concurrent(self: Store, record: object, rows: object, **kwargs: object) -> object:
        real(self, record, rows, **kwargs)  # "the other process" re-applies it first
        path.unlink()  # and the source is gone: nothing could re-copy a deleted kept file
        raise StoreError(REFUSED)

    monkeypatch.setattr(Store, "reapply_import", concurrent)
    result = yrd_project.import_stats(path, source="s", vintage="v")
    assert result.status == "unchanged" and result.warnings == []  # the other's import stands
    assert file_sha256(kept) == first.record.sha256


def test_stale_temporaries_of_dead_imports_are_swept_live_ones_kept(
        yrd_project: Project, tmp_path: Path) -> None:
    host = socket.gethostname().replace(".", "-")[:40]
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)
    dead = int(done.stdout)
    yrd_project.raw_dir.mkdir(exist_ok=True)
    stale = yrd_project.raw_dir / f".abc_gdp.csv.{host}.{dead}.0123abcd.tmp"
    live = yrd_project.raw_dir / f".abc_gdp.csv.{host}.{os.getppid()}.0123abcd.tmp"
    remote = yrd_project.raw_dir / f".abc_gdp.csv.elsewhere.{dead}.0123abcd.tmp"
    for p in (stale, live, remote):
        p.write_bytes(b"half")
    yrd_project.import_stats(_csv(tmp_path / "gdp.csv"), source="s", vintage="v")
    assert not stale.exists()
    assert live.exists() and remote.exists()


def test_temporary_names_differ_per_process_and_call() -> None:
    tags = {importer._temporary_tag() for _ in range(3)}
    assert len(tags) == 3
    assert all(f".{os.getpid()}." in t for t in tags)


def test_file_changed_during_the_copy_is_refused(yrd_project: Project, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = _csv(tmp_path / "gdp.csv")
    before = _raw(yrd_project)
    with yrd_project.store() as store:
        n_imports = len(store.imports())

    def edit(point: str) -> None:
        if point == "raw_copy":
            with path.open("a", encoding="utf-8") as handle:
                handle.write("310100,gdp,2023,1.0,亿元\n")

    monkeypatch.setattr(importer, "pause_point", edit)
    with pytest.raises(ValidationError) as info:
        yrd_project.import_stats(path, source="s", vintage="v")
    assert "changed during the import" in str(info.value)
    assert "导入时被修改" in info.value.render("zh")
    assert _raw(yrd_project) == before
    with yrd_project.store() as store:
        assert len(store.imports()) == n_imports


def test_long_file_names_are_shortened_keeping_the_suffix(yrd_project: Project,
                                                          tmp_path: Path) -> None:
    path = _csv(tmp_path / ("长三角统计年鉴" * 11 + ".csv"))  # 231 bytes in UTF-8
    result = yrd_project.import_stats(path, source="s", vintage="v")
    kept = yrd_project.root / result.record.stored_path
    assert len(kept.name.encode()) <= 200 and kept.suffix == ".csv"
    assert file_sha256(kept) == result.record.sha256
