"""`tongcheng import metros FILE`: a region's own metropolitan areas, checked before storing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tongcheng import ValidationError
from tongcheng.cli.main import cli
from tongcheng.project import Project
from tongcheng.units.metro_table import read_metro_table

HEADER = "metro_code,name_zh,name_en,core_code,member_code,status\n"
GOOD = HEADER + ("XZ,徐州都市圈,Xuzhou area,320300,320300,draft\n"
                 "XZ,徐州都市圈,Xuzhou area,320300,321300,draft\n"
                 "XZ,徐州都市圈,Xuzhou area,320300,340600,draft\n")


def _run(project: Project, *args: object) -> object:
    return CliRunner().invoke(cli, ["import", "metros", *map(str, args), "--project", str(project.root),
                                    "--lang", "en"])


def test_import_stores_the_metro_and_its_core(yrd_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "xz.csv"
    path.write_text(GOOD, encoding="utf-8")
    res = _run(yrd_project, path)
    assert res.exit_code == 0, res.output
    assert "1 metropolitan areas, 3 member rows" in res.output
    with yrd_project.store() as store:
        m = store.metro_memberships()
    xz = m[m["metro_code"] == "XZ"]
    assert sorted(xz["member_code"]) == ["320300", "321300", "340600"]
    assert set(xz["core_code"]) == {"320300"} and set(xz["status"]) == {"draft"}
    assert set(xz["version"]) == {"1"}
    assert len(m[m["metro_code"] == "SH_1P8"]) == 9  # the bundled plans are untouched


def test_every_problem_located_and_nothing_stored(yrd_project: Project, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "XZ,徐州都市圈,Xuzhou area,320300,320300,draft\n"
                            "XZ,徐州都市圈,Xuzhou area,320300,999999,draft\n"      # row 3: unknown unit
                            "XZ,徐州大都市圈,Xuzhou area,320300,321300,draft\n"    # row 4: other name
                            "YC,盐城,Yancheng,320900,320800,planned\n",            # row 5: core, status
                   encoding="utf-8")
    with yrd_project.store() as store:
        before = store.metro_memberships()
        units = store.units().index
    with pytest.raises(ValidationError) as err:
        read_metro_table(bad, units=units)
    located = {(p.row, p.column) for p in err.value.problems}
    assert located == {(3, "member_code"), (4, "name_zh"), (5, "status"), (5, "core_code")}
    res = _run(yrd_project, bad)
    assert res.exit_code != 0 and "999999" in res.output
    with yrd_project.store() as store:
        assert store.metro_memberships().equals(before)


def test_missing_column_named(yrd_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("metro_code,name_zh,member_code\nXZ,徐州,320300\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_metro_table(path, units=["320300"])
    assert [p.column for p in err.value.problems] == ["core_code"]
