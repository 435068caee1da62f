"""The command line: thin over the library, documented, bilingual."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tongcheng.cli.docs import cli_reference
from tongcheng.cli.main import cli
from tongcheng.project import Project

DOCS = Path(__file__).parents[2] / "docs" / "cli.md"


def test_docs_match_help() -> None:
    assert DOCS.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is out of date: run `python -m tongcheng.cli.docs > docs/cli.md`")


def test_every_command_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in ("tongcheng demo", "tongcheng init", "tongcheng units list", "tongcheng import stats",
                 "tongcheng template", "tongcheng indicators compute", "tongcheng report",
                 "tongcheng export"):
        assert f"## `{name}`" in text


def test_units_list_levels_and_metro(yrd_project: Project) -> None:
    runner = CliRunner()
    root = str(yrd_project.root)
    out = runner.invoke(cli, ["units", "list", "--level", "city", "--format", "csv", "--project", root])
    assert out.exit_code == 0, out.output
    assert len(out.output.strip().splitlines()) == 1 + 41
    out = runner.invoke(cli, ["units", "list", "--metro", "SH_1P8", "--format", "csv", "--project", root])
    lines = out.output.strip().splitlines()[1:]
    assert len(lines) == 9 and lines[0].startswith("310100,")
    out = runner.invoke(cli, ["units", "list", "--level", "province", "--format", "geojson",
                              "--project", root])
    geo = json.loads(out.output)
    assert len(geo["features"]) == 4


def test_import_error_exit_status_and_message(yrd_project: Project, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code,indicator,period,value\n320500,gdp,2024,abc\n", encoding="utf-8")
    args = ["import", "stats", str(bad), "--source", "s", "--vintage", "t",
            "--project", str(yrd_project.root)]
    out = CliRunner().invoke(cli, args)  # the project's language: Chinese
    assert out.exit_code == 2
    assert "bad.csv 第 2 行 「value」列" in out.output and "修改方法" in out.output
    out = CliRunner().invoke(cli, [*args, "--lang", "en"])
    assert out.exit_code == 2
    assert "bad.csv row 2 column 'value'" in out.output


def test_import_ok_in_english(yrd_project: Project, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("code,indicator,period,value\n320500,gdp,2024,26700\n", encoding="utf-8")
    args = ["import", "stats", str(good), "--source", "s", "--vintage", "t",
            "--project", str(yrd_project.root)]
    out = CliRunner().invoke(cli, [*args, "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "Imported good.csv: 1 observations" in out.output
    again = CliRunner().invoke(cli, args)
    assert "此前已导入" in again.output


def test_not_a_project(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["units", "list", "--project", str(tmp_path)])
    assert out.exit_code == 1
    assert "不是 tongcheng 项目" in out.output and "tongcheng init" in out.output
    out = CliRunner().invoke(cli, ["units", "list", "--project", str(tmp_path), "--lang", "en"])
    assert out.exit_code == 1
    assert "is not a tongcheng project" in out.output and "tongcheng init" in out.output


def test_init_empty_region(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["init", str(tmp_path / "p"), "--region", "empty", "--lang", "en"])
    assert out.exit_code == 0, out.output
    project = Project.open(tmp_path / "p")
    with project.store() as store:
        assert store.units().empty
        assert "pop_resident" in set(store.indicators()["code"])


def test_export_formats(yrd_project: Project) -> None:
    import geopandas as gpd
    import pandas as pd

    root = str(yrd_project.root)
    for fmt in ("csv", "parquet", "gpkg"):
        out = CliRunner().invoke(cli, ["export", "--format", fmt, "--project", root])
        assert out.exit_code == 0, out.output
    obs = pd.read_csv(yrd_project.exports_dir / "observations.csv", dtype={"unit_code": str})
    assert (obs["unit_code"].dropna().str.len() == 6).all()
    cities = gpd.read_file(yrd_project.exports_dir / "tongcheng.gpkg", layer="cities")
    assert len(cities) == 41
    assert pd.read_parquet(yrd_project.exports_dir / "observations.parquet").shape[0] == len(obs)


def test_units_metros_lists_versions(yrd_project: Project) -> None:
    out = CliRunner().invoke(cli, ["units", "metros", "--format", "csv", "--project",
                                   str(yrd_project.root)])
    assert out.exit_code == 0, out.output
    rows = {line.split(",")[0]: line for line in out.output.strip().splitlines()[1:]}
    assert set(rows) == {"SH_1P8", "SH_1P13", "NJ", "HZ", "SXC", "HF", "NB", "SFQ"}
    assert ",draft," in rows["SH_1P13"] and ",adopted," in rows["SH_1P8"]
    assert rows["SH_1P8"].split(",")[5] == "9" and rows["SH_1P13"].split(",")[5] == "14"


def test_init_uses_project_option_when_no_directory(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["init", "--project", str(tmp_path / "q"), "--region", "empty"])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "q" / "tongcheng.toml").is_file()
    again = CliRunner().invoke(cli, ["init", str(tmp_path / "q")])
    assert again.exit_code == 1 and "already holds a project" in again.output


def test_failed_init_leaves_no_half_built_project(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from tongcheng import project as project_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(project_module.Project, "import_stats", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        Project.create(tmp_path / "half", region="yrd")
    assert not (tmp_path / "half").exists()


def test_indicators_list_shows_codes(yrd_project: Project) -> None:
    out = CliRunner().invoke(cli, ["indicators", "list", "--project", str(yrd_project.root),
                                   "--lang", "en"])
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if x.startswith("pop_resident "))
    assert "Resident population" in line and "raw" in line
