"""Project settings: every one documented, every bad one reported with what it may take."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tongcheng._errors import ValidationError
from tongcheng.cli.main import cli
from tongcheng.config import SETTINGS_FILE, Settings, check_map_indicator
from tongcheng.project import Project

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented_with_type_default_and_example(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## `(\w+)`\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL))
    names = [f.name for f in dataclasses.fields(Settings)]
    assert sorted(sections) == sorted(names)
    for field in dataclasses.fields(Settings):
        body = sections[field.name]
        for label in ("Type:", "Default:", "Allowed:", "What it does:", "Example:"):
            assert label in body, (field.name, label)
        default = repr(field.default).replace("'", '"')
        assert f"`{default}`" in body, (field.name, default)
    # the documented example file is what `init` writes
    example = re.search(r"```toml\n(.*?)```", text, flags=re.DOTALL).group(1)
    assert Settings().write(tmp_path).read_text(encoding="utf-8") == example


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / SETTINGS_FILE).write_text("[project]\n" + body, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("body", "line", "column", "en", "zh"), [
    ('regoin = "yrd"\n', 2, "regoin", "rename it to region", "改为 region"),
    ('lang = "fr"\n', 2, "lang", "one of zh, en", "以下之一: zh, en"),
    ('region = "yangtze"\n', 2, "region", "one of yrd, empty", "以下之一: yrd, empty"),
    ('name = "x"\ndatabase_url = "mysql://u@h/db"\n', 3, "database_url", "sqlite:///", "sqlite:///"),
    ('plausibility_jump = 0.5\n', 2, "plausibility_jump", "greater than 1", "大于 1"),
    ('plausibility_jump = "10"\n', 2, "plausibility_jump", "a number", "数值"),
    ('lang = 1\n', 2, "lang", "text (in quotes)", "文本"),
])
def test_bad_setting_is_located_with_allowed_values(tmp_path: Path, body: str, line: int, column: str,
                                                    en: str, zh: str) -> None:
    with pytest.raises(ValidationError) as info:
        Settings.read(_write(tmp_path, body))
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.column) == (SETTINGS_FILE, line, column)
    assert en in info.value.render("en") and zh in info.value.render("zh")


def test_plausibility_jump_reads_an_integer_as_float(tmp_path: Path) -> None:
    settings = Settings.read(_write(tmp_path, "plausibility_jump = 4\n"))
    assert settings.plausibility_jump == 4.0 and isinstance(settings.plausibility_jump, float)
    assert Settings().plausibility_jump == 10.0


def test_every_problem_at_once_through_the_cli(tmp_path: Path) -> None:
    root = _write(tmp_path, 'lang = "de"\nregoin = "yrd"\n')
    for lang, words in (("en", ["one of zh, en", "rename it to region"]),
                        ("zh", ["以下之一: zh, en", "改为 region"])):
        out = CliRunner().invoke(cli, ["units", "list", "--project", str(root), "--lang", lang])
        assert out.exit_code == 2, out.output
        assert all(w in out.output for w in words), out.output
        assert "Traceback" not in out.output and "tongcheng-bug" not in out.output


def test_map_indicator_unknown_to_the_catalogue_names_close_codes() -> None:
    settings = Settings(map_indicator="pop_residnet")
    with pytest.raises(ValidationError) as info:
        check_map_indicator(settings, ["pop_resident", "gdp", "urbanisation_rate"])
    assert "pop_resident" in info.value.render("en") and "指标目录" in info.value.render("zh")
    check_map_indicator(Settings(map_indicator="gdp"), ["pop_resident", "gdp"])  # known: no error


def test_report_rejects_a_map_indicator_the_catalogue_lacks(yrd_project: Project) -> None:
    path = yrd_project.root / SETTINGS_FILE
    path.write_text(path.read_text(encoding="utf-8").replace('"pop_resident"', '"pop_residnet"'),
                    encoding="utf-8")
    for lang, words in (("en", ["map_indicator", "close: pop_resident"]),
                        ("zh", ["指标目录", "pop_resident"])):
        out = CliRunner().invoke(cli, ["report", "--project", str(yrd_project.root), "--lang", lang])
        assert out.exit_code == 2, out.output
        assert all(w in out.output for w in words) and SETTINGS_FILE in out.output, out.output
    assert not (yrd_project.report_dir / "index.html").exists()
