"""Reading tables: encodings, sheets, empty files — located problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from tongcheng import ValidationError
from tongcheng.io.tables import read_table


def test_csv_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("\ufeffcode;value\n320500;1\n", encoding="utf-8")
    table = read_table(path)
    assert list(table.frame.columns) == ["code", "value"]
    assert table.frame.iloc[0].tolist() == ["320500", "1"]
    assert table.row_number(0) == 2


def test_gbk_csv_is_rejected_with_line_and_hint(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("code,name\n320500,苏州\n".encode("gbk"))
    with pytest.raises(ValidationError) as info:
        read_table(path)
    problem = info.value.problems[0]
    assert problem.file == "gbk.csv"
    assert problem.row == 2
    assert "GBK" in str(problem.expected)
    assert "--encoding gbk" in str(problem.fix)
    assert read_table(path, encoding="gbk").frame.iloc[0]["name"] == "苏州"


@pytest.mark.parametrize("content", [b"", b"   \n\n"])
def test_empty_csv(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match="empty"):
        read_table(path)


def test_header_only_csv(tmp_path: Path) -> None:
    path = tmp_path / "head.csv"
    path.write_text("code,value\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="only a header"):
        read_table(path)


def test_wrong_sheet_lists_available(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "数据"
    book.active.append(["code", "value"])
    book.active.append([320500, 1.5])
    path = tmp_path / "t.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.sheet == "数据"
    assert table.frame.iloc[0].tolist() == ["320500", "1.5"]
    with pytest.raises(ValidationError) as info:
        read_table(path, sheet="Sheet9")
    problem = info.value.problems[0]
    assert problem.value == "Sheet9"
    assert "数据" in str(problem.fix)


def test_unknown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "t.dbf"
    path.write_text("x")
    with pytest.raises(ValidationError, match=r"\.csv or \.xlsx"):
        read_table(path)
