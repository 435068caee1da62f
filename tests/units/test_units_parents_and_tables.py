"""A units file as a region sends it: parents in any order, no unit its own parent, tables like stats."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from tongcheng._errors import ValidationError
from tongcheng.store import Store
from tongcheng.units import load_units, store_units


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _load(path: Path, **kwargs: object):
    return load_units(path, code_column="code", name_column="name", parent_column="parent",
                      level="county", **kwargs)


def test_parents_later_in_the_same_file_load_and_store(tmp_path: Path) -> None:
    path = _csv(tmp_path / "u.csv", "code,name,parent,lon,lat\n"
                                    "9000101,甲镇,9000100,120.1,31.1\n"
                                    "9000102,乙镇,9000100,120.2,31.2\n"
                                    "9000100,甲县,,120.0,31.0\n")
    units = _load(path)
    with Store.open("sqlite://") as store:
        assert store_units(store, units, file=path.name) == 3
        stored = store.units()
    assert stored.loc["9000102", "parent_code"] == "9000100"
    assert pd.isna(stored.loc["9000100", "parent_code"])


def test_own_parent_and_cycles_are_located(tmp_path: Path) -> None:
    path = _csv(tmp_path / "self.csv", "code,name,parent,lon,lat\n"
                                       "9000100,甲县,9000100,120.0,31.0\n"
                                       "9000201,乙,9000202,120.1,31.1\n"
                                       "9000202,丙,9000201,120.2,31.2\n"
                                       "9000300,丁,,120.3,31.3\n")
    with pytest.raises(ValidationError) as info:
        _load(path)
    located = {(p.row, p.column, p.value) for p in info.value.errors}
    assert located == {(2, "parent", "9000100"), (3, "parent", "9000202"),
                       (4, "parent", "9000201")}
    own = next(p for p in info.value.errors if p.row == 2)
    assert "own code" in str(own.expected) and "自己" in own.expected.render("zh")
    cycle = next(p for p in info.value.errors if p.row == 3)
    assert "9000201 → 9000202 → 9000201" in str(cycle.expected)


def test_units_table_rows_count_titles_and_blank_lines(tmp_path: Path) -> None:
    path = _csv(tmp_path / "t.csv", "本地区乡镇一览\n\ncode;name;parent;lon;lat\n"
                                    "9000100;甲县;;120,0;31.0\n\n9000101;;9000100;120.1;31.1\n")
    with pytest.raises(ValidationError) as info:
        _load(path)
    assert {(p.row, p.column) for p in info.value.errors} == {(6, "name")}
    title = next(p for p in info.value.problems if p.severity == "warning")
    assert title.row == 1 and "row 3" in str(title.expected)
    ok = _csv(tmp_path / "ok.csv", "本地区乡镇一览\n\ncode;name;parent;lon;lat\n9000100;甲县;;120,0;31.0\n")
    units = _load(ok)
    assert units.loc[0, "lon"] == pytest.approx(120.0) and int(units.loc[0, "row"]) == 4
    assert [w.row for w in units.attrs["warnings"]] == [1]


def test_units_from_an_xlsx_point_table(tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    for row in (["code", "name", "parent", "lon", "lat"], [9000100, "甲县", None, 120.0, 31.0],
                [9000101, "甲镇", 9000100, 120.1, 31.1]):
        ws.append(row)
    book.save(tmp_path / "u.xlsx")
    units = _load(tmp_path / "u.xlsx")
    assert list(units["code"]) == ["9000100", "9000101"] and list(units["row"]) == [2, 3]


def test_gbk_units_table_needs_its_encoding(tmp_path: Path) -> None:
    path = _csv(tmp_path / "g.csv", "code,name,parent,lon,lat\n9000100,甲县,,120.0,31.0\n", "gbk")
    with pytest.raises(ValidationError) as info:
        _load(path)
    assert "--encoding gbk" in str(info.value.problems[0].fix)
    assert _load(path, encoding="gbk").loc[0, "name_zh"] == "甲县"
