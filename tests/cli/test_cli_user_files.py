"""Broken user files through `import stats`, `import metros` and `units import`, in zh and en.

Each must exit non-zero with a message that names the file and speaks the command's language,
never a traceback or an internal error, and leave the store and ``raw/`` as they were.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tongcheng.cli._failures import BUG_MARKER
from tongcheng.cli.main import cli
from tongcheng.project import Project

CJK = re.compile(r"[\u4e00-\u9fff]")
TEXT = "code,name,indicator,period,value,lon,lat\n320500,苏州,gdp,2024,1,120.6,31.3\n"


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"code": ["320500"], "indicator": ["gdp"], "period": ["2024"],
                  "value": [1.0]}).to_excel(buffer, index=False)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


#: name → (file name, how to make it; None makes a folder)
BROKEN: dict[str, tuple[str, Callable[[], bytes] | None]] = {
    "gbk_without_encoding": ("gbk.csv", lambda: TEXT.encode("gbk")),
    "utf16": ("utf16.csv", lambda: TEXT.encode("utf-16")),
    "binary_junk": ("junk.csv", lambda: bytes(range(256)) * 16),
    "blank_lines_only": ("blank.csv", lambda: b"\n \n\t\n"),
    "zero_bytes": ("zero.csv", lambda: b""),
    "folder": ("folder.csv", None),
    "truncated_xlsx": ("cut.xlsx", lambda: _xlsx()[:900]),
    "zip_not_workbook": ("archive.xlsx", lambda: _zip({"data.csv": TEXT.encode()})),
    "xls_as_xlsx": ("old.xlsx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
    "ods_as_xlsx": ("calc.xlsx", lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument."
                                                           b"spreadsheet", "content.xml": b"<x/>"})),
    "numbers_as_xlsx": ("mac.xlsx", lambda: _zip({"Index/Document.iwa": b"\x00\x01"})),
    "xls_suffix": ("old.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
    "ragged_and_unclosed_quote": ("quote.csv", lambda: b'code,name,lon,lat\n1,"a,2,3\n4,b,5,6\n'),
}


def _commands(path: Path, project: Path) -> dict[str, list[str]]:
    return {
        "import stats": ["import", "stats", str(path), "--vintage", "t", "--source", "t",
                         "--project", str(project)],
        "import metros": ["import", "metros", str(path), "--project", str(project)],
        "units import": ["units", "import", str(path), "--code-column", "code", "--name-column",
                         "name", "--level", "county", "--project", str(project)],
    }


def _state(project: Project) -> tuple[object, ...]:
    with project.store() as store:
        return (len(store.observations(latest_vintage=False)), len(store.imports()),
                len(store.units()), len(store.metro_memberships()),
                sorted(p.name for p in project.raw_dir.iterdir()))


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_file_gives_a_located_message_in_both_languages(yrd_project: Project, tmp_path: Path,
                                                               kind: str) -> None:
    name, make = BROKEN[kind]
    path = tmp_path / name
    if make is None:
        path.mkdir()
    else:
        path.write_bytes(make())
    before = _state(yrd_project)
    runner = CliRunner()
    for command, argv in _commands(path, yrd_project.root).items():
        if make is None and command.startswith("import"):
            continue  # the click argument refuses folders itself (tests below, through the library)
        for lang in ("zh", "en"):
            res = runner.invoke(cli, [*argv, "--lang", lang])
            out = res.output
            where = f"{kind} / {command} --lang {lang}:\n{out}"
            assert res.exit_code not in (0, 70), where
            assert "Traceback" not in out and BUG_MARKER not in out, where
            assert name in out, where
            if lang == "zh":
                assert CJK.search(out), where
            else:
                assert "expected" in out or "Error" in out, where
    assert _state(yrd_project) == before


def test_folder_given_to_the_library_is_a_located_problem(yrd_project: Project, tmp_path: Path) -> None:
    from tongcheng import ValidationError

    folder = tmp_path / "exports.csv"
    folder.mkdir()
    with pytest.raises(ValidationError) as info:
        yrd_project.import_stats(folder)
    assert "folder" in info.value.render("en") and "文件夹" in info.value.render("zh")


def test_english_run_speaks_english(yrd_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(TEXT.replace("苏州", "Suzhou").encode("gbk") + "苏州".encode("gbk"))
    res = CliRunner().invoke(cli, ["import", "stats", str(path), "--source", "t", "--vintage", "t",
                                   "--project",
                                   str(yrd_project.root), "--lang", "en"])
    assert res.exit_code == 2 and "GBK" in res.output and "--encoding gbk" in res.output
    assert not CJK.search(res.output), res.output
    zh = CliRunner().invoke(cli, ["import", "stats", str(path), "--source", "t", "--vintage", "t",
                                  "--project",
                                  str(yrd_project.root), "--lang", "zh"])
    assert zh.exit_code == 2 and "GBK" in zh.output and "编码" in zh.output


def test_units_import_reads_gbk_with_encoding_and_parents_later(yrd_project: Project,
                                                               tmp_path: Path) -> None:
    text = ("code,name,parent,lon,lat\n"
            "9000101,甲镇,9000100,120.10,31.10\n"
            "9000100,甲县,,120.00,31.00\n")
    path = tmp_path / "towns.csv"
    path.write_bytes(text.encode("gbk"))
    argv = ["units", "import", str(path), "--code-column", "code", "--name-column", "name",
            "--parent-column", "parent", "--level", "county", "--project", str(yrd_project.root)]
    refused = CliRunner().invoke(cli, [*argv, "--lang", "en"])
    assert refused.exit_code == 2 and "--encoding gbk" in refused.output
    res = CliRunner().invoke(cli, [*argv, "--encoding", "gbk", "--lang", "en"])
    assert res.exit_code == 0, res.output
    with yrd_project.store() as store:
        units = store.units()
    assert units.loc["9000101", "parent_code"] == "9000100" and units.loc["9000101", "name_zh"] == "甲镇"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_units_tables_speak_the_language(yrd_project: Project, lang: str) -> None:
    root = str(yrd_project.root)
    listed = CliRunner().invoke(cli, ["units", "list", "--level", "city", "--project", root, "--lang", lang])
    metros = CliRunner().invoke(cli, ["units", "metros", "--project", root, "--lang", lang])
    assert listed.exit_code == 0 and metros.exit_code == 0
    head, metro_head = listed.output.splitlines()[0], metros.output.splitlines()[0]
    if lang == "zh":
        assert "名称" in head and "层级" in head and "level" not in head
        assert "成员数" in metro_head and "members" not in metro_head
        assert "地级" in listed.output
    else:
        assert "level" in head and "名称" not in head and "层级" not in head
        assert "members" in metro_head and not CJK.search(metro_head)
