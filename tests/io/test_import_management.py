"""Imports that can be managed: listed, shown, reverted and re-applied, with who and when."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tongcheng import ValidationError
from tongcheng.cli._failures import BUG_MARKER
from tongcheng.cli.main import cli
from tongcheng.io.importer import file_sha256
from tongcheng.project import Project

GOOD = "code,indicator,period,value,unit\n320500,gdp,2024,26700.0,亿元\n310100,gdp,2024,53926.7,亿元\n"


def _csv(path: Path, text: str = GOOD) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _run(project: Project, *args: str, lang: str | None = None) -> tuple[int, str]:
    extra = ["--lang", lang] if lang else []
    out = CliRunner().invoke(cli, [*args, "--project", str(project.root), *extra])
    assert BUG_MARKER not in out.output, out.output
    assert "Traceback" not in out.output, out.output
    return out.exit_code, out.output


def _stored(project: Project, import_id: int) -> int:
    with project.store() as store:
        obs = store.observations(latest_vintage=False)
    return int((obs["import_id"] == import_id).sum())


def test_revert_then_reimport_reapplies_under_the_same_record(yrd_project: Project,
                                                              tmp_path: Path) -> None:
    path = _csv(tmp_path / "gdp.csv")
    first = yrd_project.import_stats(path, source="统计公报", vintage="2024-bulletin", actor="li")
    assert first.status == "imported" and first.record.imported_by == "li"
    kept = yrd_project.root / first.record.stored_path
    with yrd_project.store() as store:
        n_before = len(store.observations(latest_vintage=False))
        store.revert_import(first.record.id, actor="wang")
        assert len(store.observations(latest_vintage=False)) == n_before - 2
    assert _stored(yrd_project, first.record.id) == 0
    assert kept.read_bytes() == path.read_bytes()  # the raw file stays
    again = yrd_project.import_stats(path, source="统计公报", vintage="2024-bulletin", actor="zhao")
    assert again.status == "reapplied" and again.record.id == first.record.id
    assert again.n_observations == 2 and _stored(yrd_project, first.record.id) == 2
    with yrd_project.store() as store:
        events = store.import_events(first.record.id)
        record = store.get_import(first.record.id)
        assert (store.imports()["sha256"] == first.record.sha256).sum() == 1
    assert events[["action", "actor", "n_observations"]].values.tolist() == [
        ["imported", "li", 2], ["reverted", "wang", 2], ["reapplied", "zhao", 2]]
    assert record.reverted_at is None and record.imported_by == "li"
    third = yrd_project.import_stats(path, source="统计公报", vintage="2024-bulletin")
    assert third.status == "unchanged"


def test_source_and_vintage_are_required_on_the_command_line(yrd_project: Project,
                                                             tmp_path: Path) -> None:
    path = _csv(tmp_path / "gdp.csv")
    with yrd_project.store() as store:
        n_imports = len(store.imports())
    code, out = _run(yrd_project, "import", "stats", str(path), "--vintage", "v1")
    assert code == 2
    assert "请给出 --source" in out and "--source unspecified" in out
    code, out = _run(yrd_project, "import", "stats", str(path), lang="en")
    assert code == 2
    assert "give --source / --vintage" in out and "--source unspecified --vintage unspecified" in out
    with yrd_project.store() as store:
        assert len(store.imports()) == n_imports


def test_unspecified_is_recorded_and_warned_about(yrd_project: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path / "gdp.csv")
    code, out = _run(yrd_project, "import", "stats", str(path), "--source", "unspecified",
                     "--vintage", "unspecified")
    assert code == 0, out
    assert "警告 gdp.csv 「--source」列: 值为 'unspecified'" in out
    assert "已按「unspecified」记录" in out and "tongcheng import revert" in out
    assert "警告 2 条" in out
    with yrd_project.store() as store:
        record = store.imports().iloc[-1]
        obs = store.observations(latest_vintage=False)
    assert record["source"] == "unspecified" and record["vintage"] == "unspecified"
    assert record["n_warnings"] == 2
    mine = obs[obs["import_id"] == record["id"]]
    assert set(mine["vintage"]) == {"unspecified"} and set(mine["source"]) == {"unspecified"}
    code, out = _run(yrd_project, "import", "show", str(record["id"]))
    assert code == 0 and "警告: 2" in out
    assert "    - 警告 gdp.csv 「--vintage」列: 值为 'unspecified'；应为 数据的版本" in out
    code, out = _run(yrd_project, "import", "show", str(record["id"]), lang="en")
    assert "    - warning: gdp.csv column '--source': got 'unspecified'; expected the source" in out


def test_a_known_source_and_vintage_give_no_warning(yrd_project: Project, tmp_path: Path) -> None:
    result = yrd_project.import_stats(_csv(tmp_path / "gdp.csv"), source="统计公报",
                                      vintage="2024-bulletin")
    assert not [w for w in result.warnings if w.column in ("--source", "--vintage")]


def test_list_show_and_revert_on_the_command_line(yrd_project: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path / "gdp.csv")
    code, out = _run(yrd_project, "import", "stats", str(path), "--source", "统计公报",
                     "--vintage", "2024-bulletin")
    assert code == 0, out
    with yrd_project.store() as store:
        record = store.imports().iloc[-1]
    rid = str(record["id"])
    code, out = _run(yrd_project, "import", "list")
    assert code == 0
    header = out.splitlines()[0].split()
    assert header[:4] == ["编号", "文件", "来源", "版本"] and header[-1] == "状态"
    assert "gdp.csv" in out and "已导入" in out and "已撤销" not in out
    code, out = _run(yrd_project, "import", "list", lang="en")
    assert out.splitlines()[0].split()[:4] == ["id", "file", "source", "vintage"]
    code, out = _run(yrd_project, "import", "show", rid, lang="en")
    assert code == 0
    assert f"Import #{rid}" in out and f"sha256: {record['sha256']}" in out
    assert f"kept copy: {record['stored_path']} (whole (sha256 matches))" in out
    assert "vintage: 2024-bulletin" in out and "rows read: 2" in out
    assert "imported  " in out and "2 observations" in out
    code, out = _run(yrd_project, "import", "revert", rid, "--note", "wrong table")
    assert code == 0, out
    assert f"已撤销导入 #{rid} (gdp.csv): 删除了 2 条观测值" in out
    assert _stored(yrd_project, int(rid)) == 0
    code, out = _run(yrd_project, "import", "list")
    assert out.splitlines()[-1].split()[-1] == "已撤销"
    code, out = _run(yrd_project, "import", "show", rid)
    assert "状态: 已于" in out and "撤销  " in out and "(wrong table)" in out
    code, out = _run(yrd_project, "import", "revert", rid)
    assert code == 1 and "已于" in out and "不能再次撤销" in out
    code, out = _run(yrd_project, "import", "revert", rid, lang="en")
    assert code == 1 and "already reverted" in out
    code, out = _run(yrd_project, "import", "revert", "9999", lang="en")
    assert code == 1 and "There is no import #9999" in out
    code, out = _run(yrd_project, "import", "show", "9999")
    assert code == 1 and "没有编号为 #9999 的导入" in out
    code, out = _run(yrd_project, "import", "stats", str(path), "--source", "统计公报",
                     "--vintage", "2024-bulletin")
    assert code == 0 and f"已重新应用 gdp.csv: 2 条观测值 (导入编号 #{rid}" in out
    assert _stored(yrd_project, int(rid)) == 2


def test_show_reports_a_damaged_kept_copy(yrd_project: Project, tmp_path: Path) -> None:
    path = _csv(tmp_path / "gdp.csv")
    result = yrd_project.import_stats(path, source="s", vintage="v")
    kept = yrd_project.root / result.record.stored_path
    kept.write_text("code\n", encoding="utf-8")
    code, out = _run(yrd_project, "import", "show", str(result.record.id), lang="en")
    assert "does not match the recorded sha256" in out
    kept.unlink()
    code, out = _run(yrd_project, "import", "show", str(result.record.id))
    assert code == 0 and "缺失" in out
    yrd_project.import_stats(path, source="s", vintage="v")  # unchanged, and repairs the copy
    assert file_sha256(kept) == result.record.sha256


def test_bundled_imports_are_listed_with_their_provenance(yrd_project: Project) -> None:
    with yrd_project.store() as store:
        imports = store.imports().set_index("file_name")
        events = store.import_events()
    assert imports.loc["city_stats.csv", "vintage"] == "per-row"
    assert (imports["vintage"] != "").all() and (imports["source"] != "").all()
    assert set(events["action"]) == {"imported"} and len(events) == len(imports)


def test_plausibility_errors_stop_the_import_and_strict_turns_jumps_into_errors(
        yrd_project: Project, tmp_path: Path) -> None:
    base = "code,indicator,period,value,unit\n320500,gdp,2023,100,亿元\n"
    yrd_project.import_stats(_csv(tmp_path / "a.csv", base), source="s", vintage="v")
    with yrd_project.store() as store:
        n_imports = len(store.imports())
    raw_files = sorted(yrd_project.raw_dir.iterdir())
    negative = _csv(tmp_path / "neg.csv", "code,indicator,period,value,unit\n320500,gdp,2022,-5,亿元\n")
    with pytest.raises(ValidationError) as info:
        yrd_project.import_stats(negative, source="s", vintage="v")
    assert info.value.errors[0].row == 2
    jump = _csv(tmp_path / "jump.csv", "code,indicator,period,value,unit\n320500,gdp,2024,100000,亿元\n")
    code, out = _run(yrd_project, "import", "stats", str(jump), "--source", "s", "--vintage", "v",
                     "--strict")
    assert code == 2 and "jump.csv 第 2 行" in out
    with yrd_project.store() as store:
        assert len(store.imports()) == n_imports
    assert sorted(yrd_project.raw_dir.iterdir()) == raw_files
    result = yrd_project.import_stats(jump, source="s", vintage="v")
    assert result.status == "imported"
    assert [w.row for w in result.warnings if w.column == "value"] == [2]


def test_a_file_without_values_is_refused_not_recorded(yrd_project: Project, tmp_path: Path) -> None:
    empty = _csv(tmp_path / "empty.csv", "code,indicator,period,value,unit\n320500,gdp,2024,,亿元\n")
    with yrd_project.store() as store:
        n_imports = len(store.imports())
    code, out = _run(yrd_project, "import", "stats", str(empty), "--source", "s", "--vintage", "v")
    assert code == 2 and "empty.csv: 没有任何数值,未写入任何数据" in out and "--sheet" in out
    code, out = _run(yrd_project, "import", "stats", str(empty), "--source", "s", "--vintage", "v",
                     lang="en")
    assert code == 2 and "no values in the file; nothing was written" in out
    with yrd_project.store() as store:
        assert len(store.imports()) == n_imports
    assert not list(yrd_project.raw_dir.glob("*empty.csv"))


def test_empty_cells_are_counted_in_the_summary_not_reported(yrd_project, tmp_path) -> None:
    from click.testing import CliRunner

    from tongcheng.cli.main import cli

    path = tmp_path / "gaps.csv"
    path.write_text("code,period,gdp,pop_resident_yearend\n320500,2024,26700,\n320100,2024,,\n",
                    encoding="utf-8")
    result = yrd_project.import_stats(path, source="s", vintage="v")
    assert result.n_observations == 1 and result.n_empty == 3 and not result.warnings
    again = tmp_path / "gaps2.csv"
    again.write_text("code,period,gdp\n330100,2024,\n310100,2024,1\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["import", "stats", str(again), "--source", "s", "--vintage", "v",
                                   "--project", str(yrd_project.root)])
    assert out.exit_code == 0, out.output
    assert "空单元格 1 个" in out.output


def test_a_catalogue_stored_before_its_rules_gets_them_on_import(yrd_project, tmp_path) -> None:
    import pytest
    from sqlalchemy import text

    from tongcheng import ValidationError

    with yrd_project.store() as store, store.engine.begin() as conn:  # as a project made before 0005
        conn.execute(text("UPDATE indicators SET direction = NULL, min_value = NULL, "
                          "max_value = NULL, max_jump = NULL"))
    path = tmp_path / "negative.csv"
    path.write_text("code,indicator,period,value\n320500,gdp,2024,-5\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        yrd_project.import_stats(path, source="s", vintage="v")
    assert "negative.csv row 2" in str(info.value)
    with yrd_project.store() as store:
        assert store.indicators().set_index("code").at["gdp", "min_value"] == 0
