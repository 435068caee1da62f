"""What the CLI says when the machine, the store or a bug stops a command: never a traceback."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.exc import IntegrityError, OperationalError

from tongcheng.cli._failures import BUG_MARKER, describe_failure
from tongcheng.cli.main import cli
from tongcheng.project import Project


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        (errno.ENOSPC, "磁盘已满", "disk is full"),
        (errno.EACCES, "没有权限", "no permission"),
        (errno.EROFS, "只读", "read-only"),
        (errno.ENAMETOOLONG, "文件名过长", "file name too long"),
    ],
)
def test_os_errors_name_the_path_in_both_languages(code: int, zh: str, en: str) -> None:
    exc = OSError(code, "strerror", "/data/x.csv")
    text_zh, status = describe_failure(exc, lang="zh")
    text_en, _ = describe_failure(exc, lang="en")
    assert status == 1
    assert zh in text_zh and "/data/x.csv" in text_zh
    assert en in text_en and "/data/x.csv" in text_en


def test_store_errors_never_show_sql_or_parameters() -> None:
    orig = sqlite3.OperationalError("database is locked")
    exc = OperationalError("INSERT INTO observations (indicator) VALUES (?)", ("gdp",), orig)
    for lang in ("zh", "en"):
        text, status = describe_failure(exc, lang=lang)
        assert status == 1 and "INSERT" not in text and "gdp" not in text
    assert "另一个进程" in describe_failure(exc, lang="zh")[0]
    assert "another process" in describe_failure(exc, lang="en")[0]
    unique = IntegrityError("INSERT INTO imports (sha256) VALUES (?)", ("abc",),
                            sqlite3.IntegrityError("UNIQUE constraint failed: imports.sha256"))
    text, _ = describe_failure(unique, lang="en")
    assert "UNIQUE constraint failed: imports.sha256" in text and "INSERT" not in text


def test_a_bug_is_reported_as_one_with_the_traceback_in_a_log(tmp_path: Path) -> None:
    try:
        {}["missing"]  # a real KeyError with a traceback
    except KeyError as exc:
        text, status = describe_failure(exc, lang="zh")
    assert status == 70 and BUG_MARKER in text and "KeyError" in text
    log = Path(text.split("已写入 ")[1].split(",")[0])
    assert "Traceback" in log.read_text(encoding="utf-8") and "missing" in log.read_text(encoding="utf-8")
    log.unlink()


def test_commands_turn_environment_failures_into_messages(
    yrd_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("code,indicator,period,value\n320500,gdp,2024,26700\n", encoding="utf-8")

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(yrd_project.raw_dir / "x"))

    monkeypatch.setattr(Project, "import_stats", full_disk)
    args = ["import", "stats", str(good), "--source", "s", "--vintage", "v",
            "--project", str(yrd_project.root)]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert "磁盘已满" in out.output and str(yrd_project.raw_dir) in out.output
    out = CliRunner().invoke(cli, [*args, "--lang", "en"])
    assert out.exit_code == 1 and "the disk is full" in out.output

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Project, "import_stats", interrupted)
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 130 and "已中断" in out.output and "Traceback" not in out.output


def test_the_project_language_is_used_when_no_lang_is_given(yrd_project: Project) -> None:
    # an English project speaks English in its errors without --lang
    toml = yrd_project.root / "tongcheng.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('lang = "zh"', 'lang = "en"'),
                    encoding="utf-8")
    missing = yrd_project.root / "nowhere.csv"
    missing.write_text("code,indicator,period,value\n999999,gdp,2024,1\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["import", "stats", str(missing), "--source", "s", "--vintage", "v",
                                   "--project", str(yrd_project.root)])
    assert out.exit_code == 2
    assert "row 2" in out.output and "第 2 行" not in out.output


def test_click_usage_errors_follow_the_language(tmp_path: Path) -> None:
    from tongcheng.cli.docs import cli_reference

    out = CliRunner().invoke(cli, ["network", "matrix"])
    assert out.exit_code == 2 and "缺少选项 '--graph'" in out.output and "查看帮助" in out.output
    out = CliRunner().invoke(cli, ["network", "matrix", "--lang", "en"])
    assert "Missing option '--graph'" in out.output and "缺少" not in out.output
    out = CliRunner().invoke(cli, ["report", "--lang", "fr"])
    assert "的值无效" in out.output
    out = CliRunner().invoke(cli, ["import", "stats", "--bogus"])
    assert "没有选项 '--bogus'" in out.output
    # an English project speaks English without --lang, before click has parsed anything
    project = tmp_path / "p"
    Project.create(project, region="empty", lang="en")
    out = CliRunner().invoke(cli, ["import", "stats", "--project", str(project)])
    assert "Missing argument 'FILE'" in out.output
    # after a Chinese run the generated reference is still the English-framed one
    CliRunner().invoke(cli, ["network", "matrix"])
    docs = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert cli_reference() == docs
