"""Imports killed half-way, and two imports at once into one SQLite project (real processes).

The processes stop at a known point through the test hook ``TONGCHENG_TEST_PAUSE_AT``
(:func:`tongcheng.store.db.pause_point`): ``raw_copy`` half-way through writing the kept raw
file, ``db_write`` inside the import's transaction with its rows written but not committed.
The test waits for the marker file the process creates there, then kills it with SIGKILL or
lets it go on (by creating the marker's ``.go`` file).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tongcheng.cli._failures import BUG_MARKER
from tongcheng.cli.main import cli
from tongcheng.io.importer import file_sha256, kept_file_state, kept_path
from tongcheng.project import Project
from tongcheng.store import db as store_db

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork semantics")

FILE_A = "code,indicator,period,value,unit\n320500,gdp,2024,26700.0,亿元\n310100,gdp,2024,53926.7,亿元\n"
FILE_B = "code,indicator,period,value,unit\n320100,gdp,2024,18500.0,亿元\n"


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _state(project: Project) -> tuple[int, int, int]:
    """Observations, imports and import events: all-or-nothing means all three move together."""
    with project.store() as store:
        return (len(store.observations(latest_vintage=False)), len(store.imports()),
                len(store.import_events()))


def _spawn(project: Project, file: Path, *, pause: str | None = None,
           marker: Path | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop(store_db.PAUSE_ENV, None)
    if pause is not None and marker is not None:
        env[store_db.PAUSE_ENV] = pause
        env["TONGCHENG_TEST_PAUSE_FILE"] = str(marker)
    args = [sys.executable, "-c", "from tongcheng.cli.main import cli; cli()", "import", "stats",
            str(file), "--source", "s", "--vintage", "v", "--project", str(project.root),
            "--lang", "en"]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def _reached(marker: Path, proc: subprocess.Popen[str]) -> None:
    """Wait until the process has reached its pause point (it fails the test if it exits)."""
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the import ended before its pause point:\n{proc.stdout.read()}")  # type: ignore[union-attr]
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the import never reached its pause point")
        time.sleep(0.05)


def _finish(proc: subprocess.Popen[str]) -> str:
    out, _ = proc.communicate(timeout=180)
    assert BUG_MARKER not in out and "Traceback" not in out, out
    return out


def _kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def test_kill_during_the_raw_copy(yrd_project: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path / "gdp.csv", FILE_A)
    kept = kept_path(yrd_project.raw_dir, file_sha256(path), path.name)
    before = _state(yrd_project)
    marker = tmp_path / "paused"
    proc = _spawn(yrd_project, path, pause="raw_copy", marker=marker)
    _reached(marker, proc)
    half = list(yrd_project.raw_dir.glob(".*.tmp"))
    assert len(half) == 1 and 0 < half[0].stat().st_size < len(path.read_bytes())
    _kill(proc)
    assert _state(yrd_project) == before
    assert not kept.exists()  # the half-written copy never reached the kept name
    result = yrd_project.import_stats(path, source="s", vintage="v")
    assert result.status == "imported"
    assert file_sha256(yrd_project.root / result.record.stored_path) == result.record.sha256
    assert not half[0].exists()  # the dead import's temporary is swept
    assert _state(yrd_project)[:2] == (before[0] + 2, before[1] + 1)


def test_kill_during_the_database_write(yrd_project: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path / "gdp.csv", FILE_A)
    before = _state(yrd_project)
    marker = tmp_path / "paused"
    proc = _spawn(yrd_project, path, pause="db_write", marker=marker)
    _reached(marker, proc)
    _kill(proc)
    assert _state(yrd_project) == before  # no import, no observation, no event
    with yrd_project.store() as store:
        assert store.find_import(file_sha256(path)) is None
    result = yrd_project.import_stats(path, source="s", vintage="v")
    assert result.status == "imported" and result.n_observations == 2
    assert kept_file_state(yrd_project.root, result.record) == "whole"
    assert _state(yrd_project) == (before[0] + 2, before[1] + 1, before[2] + 1)


def test_two_imports_at_once_both_end_well(yrd_project: Project, tmp_path: Path) -> None:
    a, b = _csv(tmp_path / "a.csv", FILE_A), _csv(tmp_path / "b.csv", FILE_B)
    same = _csv(tmp_path / "a_again.csv", FILE_A)  # the same bytes as a.csv, another name
    before = _state(yrd_project)
    held, ready_b, ready_same = tmp_path / "held", tmp_path / "ready_b", tmp_path / "ready_same"
    first = _spawn(yrd_project, a, pause="db_write", marker=held)
    _reached(held, first)  # a holds the write lock, its rows not committed
    second = _spawn(yrd_project, b, pause="db_begin", marker=ready_b)
    third = _spawn(yrd_project, same, pause="db_begin", marker=ready_same)
    _reached(ready_b, second)  # both have checked, parsed and kept their files:
    _reached(ready_same, third)  # their write transactions are next
    Path(f"{ready_b}.go").touch()
    Path(f"{ready_same}.go").touch()
    time.sleep(1)  # they now wait at BEGIN for a's lock (the outcome does not depend on it)
    assert second.poll() is None and third.poll() is None  # waiting, not failed
    Path(f"{held}.go").touch()
    outputs = [_finish(p) for p in (first, second, third)]
    assert [p.returncode for p in (first, second, third)] == [0, 0, 0], outputs
    assert "Imported a.csv: 2 observations" in outputs[0]
    assert "Imported b.csv: 1 observations" in outputs[1]
    assert "was imported before" in outputs[2]
    assert _state(yrd_project) == (before[0] + 3, before[1] + 2, before[2] + 2)
    with yrd_project.store() as store:
        records = [store.find_import(file_sha256(p)) for p in (a, b)]
    assert all(r is not None and kept_file_state(yrd_project.root, r) == "whole" for r in records)
    assert list(yrd_project.raw_dir.glob(".*.tmp")) == []


def test_an_import_that_cannot_wait_says_another_import_is_running(
        yrd_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = _csv(tmp_path / "a.csv", FILE_A), _csv(tmp_path / "b.csv", FILE_B)
    before = _state(yrd_project)
    marker = tmp_path / "paused"
    first = _spawn(yrd_project, a, pause="db_write", marker=marker)
    _reached(marker, first)
    raw_before = sorted(p.name for p in yrd_project.raw_dir.iterdir())
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    try:
        args = ["import", "stats", str(b), "--source", "s", "--vintage", "v",
                "--project", str(yrd_project.root)]
        for lang, words in (("en", "being written by another process (most likely another import"),
                            ("zh", "正被另一个进程写入(很可能是另一个导入)")):
            out = CliRunner().invoke(cli, [*args, "--lang", lang])
            assert out.exit_code == 1, out.output
            assert words in out.output
            for bad in ("database is locked", "INSERT", "[SQL", BUG_MARKER, "Traceback"):
                assert bad not in out.output
        # b's own kept copy is gone again; a's (written, not yet recorded) is untouched
        assert sorted(p.name for p in yrd_project.raw_dir.iterdir()) == raw_before
    finally:
        Path(f"{marker}.go").touch()
        out = _finish(first)
    assert first.returncode == 0 and "Imported a.csv" in out
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 30_000)
    result = yrd_project.import_stats(b, source="s", vintage="v")
    assert result.status == "imported"
    assert _state(yrd_project) == (before[0] + 3, before[1] + 2, before[2] + 2)
