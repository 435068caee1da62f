"""`indicators compute` (exclusions, --strict) and `indicators list` (direction, range) in both languages."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from tongcheng.cli._failures import BUG_MARKER
from tongcheng.cli.main import cli
from tongcheng.project import Project
from tongcheng.store.records import ImportRecord


def _plant_negative_population(project: Project) -> int:
    record = ImportRecord(sha256="b" * 64, file_name="slipped.csv", stored_path="raw/slipped.csv",
                          source="test", vintage="slipped")
    rows = pd.DataFrame({"indicator": ["pop_resident"], "subject_kind": ["unit"], "subject_key": ["320500"],
                         "unit_code": ["320500"], "period": ["2020"], "value": [-1.0], "unit": ["persons"]})
    with project.store() as store:
        stored = store.record_import(record, rows)
    assert stored.id is not None
    return stored.id


def test_compute_lists_exclusions_and_fails_only_when_strict(yrd_project: Project) -> None:
    import_id = _plant_negative_population(yrd_project)
    root = str(yrd_project.root)
    runner = CliRunner()
    out = runner.invoke(cli, ["indicators", "compute", "--project", root, "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "indicator" in out.stdout and "excluded inputs" in out.stdout and "status" in out.stdout
    assert "pop_change_2010_2020" in out.stdout and "computed" in out.stdout
    assert "1 stored input value(s) are implausible" in out.stderr
    assert f"import #{import_id} ('slipped.csv')" in out.stderr and "320500 Suzhou" in out.stderr

    strict = runner.invoke(cli, ["indicators", "compute", "--strict", "--project", root])
    assert strict.exit_code == 1
    assert "指标" in strict.stdout and "状态" in strict.stdout and "已计算" in strict.stdout
    assert "computed" not in strict.stdout
    assert "320500 苏州" in strict.stderr and "--strict: 0 个指标计算失败,1 个输入值被排除" in strict.stderr
    assert BUG_MARKER not in strict.output


def test_compute_strict_passes_on_clean_data(yrd_project: Project) -> None:
    out = CliRunner().invoke(cli, ["indicators", "compute", "--strict", "--project", str(yrd_project.root)])
    assert out.exit_code == 0, out.output
    assert "--strict" not in out.output


def test_list_shows_direction_and_range_in_the_command_language(yrd_project: Project) -> None:
    root = str(yrd_project.root)
    en = CliRunner().invoke(cli, ["indicators", "list", "--project", root, "--lang", "en"])
    assert en.exit_code == 0, en.output
    header = en.stdout.splitlines()[0]
    for col in ("name", "unit", "direction", "range", "max jump"):
        assert col in header
    lines = {line.split()[0]: line for line in en.stdout.splitlines()[2:]}
    assert "lower is better" in lines["rail_time_min"] and "0 – 4320" in lines["rail_time_min"]
    assert "0 – 100" in lines["urbanisation_rate"] and "higher is better" in lines["urbanisation_rate"]
    assert "≥ -100" in lines["pop_change_2010_2020"]
    assert "≥ 0" in lines["gdp"] and "×3" in lines["gdp"]
    zh = CliRunner().invoke(cli, ["indicators", "list", "--project", root])
    assert zh.exit_code == 0, zh.output
    assert all(w in zh.stdout.splitlines()[0] for w in ("名称", "方向", "取值范围", "最大跳变"))
    zh_lines = {line.split()[0]: line for line in zh.stdout.splitlines()[2:]}
    assert "越低越好" in zh_lines["rail_time_min"] and "单元对" in zh_lines["rail_time_min"]
