"""A user's own statistics files, as departments send them: every problem located, nothing stored.

Driven through ``Project.import_stats`` as a user's import is. Row numbers are the ones a
spreadsheet shows (title lines, blank rows and the header counted), columns the ones holding
the bad value.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from tongcheng import Problem, ValidationError
from tongcheng.io import tables
from tongcheng.io.stats import parse_stats
from tongcheng.io.tables import read_table
from tongcheng.project import Project

Rejected = Callable[..., ValidationError]  # the `rejected` fixture of conftest.py


def only_error(exc: ValidationError) -> Problem:
    assert len(exc.errors) == 1, exc.render("en")
    return exc.errors[0]


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def workbook(path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    book.save(path)
    return path


def patch_sheet(path: Path, edit, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """Rewrite one part of ``path`` (the first worksheet's XML) with ``edit(bytes) -> bytes``."""
    out = path.with_name("patched_" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == part:
                data = edit(data)
            dst.writestr(info, data)
    return out


# -- 1. a name that contradicts the code of its row --------------------------------------------


def test_name_contradicting_code_names_both(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    text = "code,name,indicator,period,value\n320500,南京市,gdp,2024,1\n320100,南京市,gdp,2024,2\n"
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "c.csv", text), vintage="t"))
    assert (problem.row, problem.column, problem.value) == (2, "name", "南京市")
    fix = str(problem.fix)
    assert "320500" in fix and "苏州市" in fix and "320100" in fix
    assert "苏州市" in problem.fix.render("zh") and "改正代码或名称" in problem.fix.render("zh")


def test_name_agreeing_with_code_at_its_level_imports(yrd_project: Project, tmp_path: Path) -> None:
    # 上海市 is both the province 310000 and the city 310100: next to the province code it is
    # the province; 海门市 (old name) next to its old code maps to 海门区 like the code does.
    text = ("code,name,indicator,period,value\n310000,上海市,gdp,2024,1\n310100,上海,gdp,2024,2\n"
            "320684,海门市,gdp,2019,3\n320500,Suzhou,gdp,2024,4\n")
    result = yrd_project.import_stats(csv_file(tmp_path / "ok.csv", text), vintage="t")
    assert result.n_observations == 4


def test_unrecognised_name_next_to_a_code_is_a_warning(yrd_project: Project, tmp_path: Path) -> None:
    text = "code,name,indicator,period,value\n320500,苏洲府,gdp,2024,1\n"
    result = yrd_project.import_stats(csv_file(tmp_path / "w.csv", text), vintage="t")
    assert result.n_observations == 1
    (warning,) = [w for w in result.warnings if w.column == "name"]
    assert warning.row == 2 and "320500" in str(warning.fix)


# -- 2. empty cells are counted, not reported --------------------------------------------------


def test_empty_cells_are_counted_not_reported(yrd_project: Project, tmp_path: Path) -> None:
    text = ("code,period,gdp,pop_resident_yearend\n320500,2024,26700,\n310100,2024,-,2487.5\n"
            "320100,,..,\n")
    path = csv_file(tmp_path / "e.csv", text)
    with yrd_project.store() as store:
        parsed = parse_stats(read_table(path), resolver=yrd_project.resolver(store),
                             catalogue=store.indicators())
    assert parsed.ok and parsed.n_empty == 4 and len(parsed.observations) == 2
    assert parsed.problems == []  # the empty period of row 4 has no value to go with
    result = yrd_project.import_stats(path, vintage="t", source="统计年鉴")
    assert result.n_observations == 2 and result.warnings == []


# -- 3. row numbers and columns as a spreadsheet shows them ------------------------------------


def test_rows_count_title_lines_and_blank_rows_in_csv(yrd_project: Project, tmp_path: Path,
                                                      rejected: Rejected) -> None:
    text = ("2024年各市地区生产总值\n单位: 亿元\n\ncode,indicator,period,value\n320500,gdp,2024,1\n\n"
            "\n310100,gdp,2024,约5万\n")
    exc = rejected(yrd_project, csv_file(tmp_path / "t.csv", text), vintage="t")
    problem = only_error(exc)
    assert (problem.row, problem.column, problem.value) == (8, "value", "约5万")
    titles = [p for p in exc.problems if p.severity == "warning"]
    assert [p.row for p in titles] == [1, 2] and "row 4" in str(titles[0].expected)


def test_rows_count_title_lines_and_blank_rows_in_xlsx(yrd_project: Project, tmp_path: Path,
                                                       rejected: Rejected) -> None:
    rows = [["2024年统计"], [], ["code", "period", "gdp", "pop_resident_yearend"],
            ["320500", 2024, 26700, 1295.8], [], ["310100", 2024, 53926.7, "n.a.x"]]
    path = workbook(tmp_path / "t.xlsx", {"数据": rows})
    problem = only_error(rejected(yrd_project, path, vintage="t"))
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "数据", 6, "pop_resident_yearend", "n.a.x")


def test_wide_by_period_names_the_year_column(yrd_project: Project, tmp_path: Path,
                                              rejected: Rejected) -> None:
    text = "地区,指标,2022年,2023年\n苏州,gdp,23958.3,24653.4\n\n无锡,gdp,15000,一万六\n"
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "y.csv", text), vintage="t"))
    assert (problem.row, problem.column, problem.value) == (4, "2023年", "一万六")


def test_duplicate_rows_named_by_spreadsheet_row(yrd_project: Project, tmp_path: Path,
                                                 rejected: Rejected) -> None:
    text = "标题\ncode,indicator,period,value\n320500,gdp,2024,1\n\n320500,gdp,2024,2\n"
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "d.csv", text), vintage="t"))
    assert problem.row == 5 and "row 3" in str(problem.fix)


# -- 4. unknown is "not found", with close candidates ------------------------------------------


def test_unknown_name_is_not_found_with_candidates(yrd_project: Project, tmp_path: Path,
                                                   rejected: Rejected) -> None:
    text = "name,indicator,period,value\n苏洲市,gdp,2024,1\n"
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "n.csv", text), vintage="t"))
    assert (problem.row, problem.column, problem.value) == (2, "name", "苏洲市")
    assert "not found" in str(problem.expected) and "ambiguous" not in str(problem).lower()
    assert "exactly one" not in str(problem.expected)
    assert "320500" in str(problem.fix) and "未找到" in problem.expected.render("zh")


# -- 5. separators, decimal commas, ragged rows, quotes ----------------------------------------


def test_decimal_comma_in_semicolon_file_is_refused(yrd_project: Project, tmp_path: Path,
                                                    rejected: Rejected) -> None:
    text = "地区;指标;2022年;2023年\n苏州;gdp;23958,3;24653,4\n"
    exc = rejected(yrd_project, csv_file(tmp_path / "s.csv", text), vintage="t")
    located = {(p.row, p.column, p.value) for p in exc.errors}
    assert located == {(2, "2022年", "23958,3"), (2, "2023年", "24653,4")}
    assert all("decimal" in str(p.expected) for p in exc.errors)
    fixed = csv_file(tmp_path / "s2.csv", text.replace("23958,3", "23958.3").replace("24653,4", "24653.4"))
    assert yrd_project.import_stats(fixed, vintage="t").n_observations == 2


def test_thousands_separators_are_read_and_other_commas_refused(yrd_project: Project,
                                                                tmp_path: Path, rejected: Rejected) -> None:
    good = 'code,indicator,period,value\n320500,gdp,2024,"24,653.4"\n'
    yrd_project.import_stats(csv_file(tmp_path / "k.csv", good), vintage="t")
    with yrd_project.store() as store:
        obs = store.observations(indicators=["gdp"], periods=["2024"], latest_vintage=False)
    assert obs.set_index(["subject_key", "vintage"]).loc[("320500", "t"), "value"] == 24653.4
    bad = 'code,indicator,period,value\n320500,gdp,2023,"24653,4"\n'
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "b.csv", bad), vintage="t"))
    assert (problem.row, problem.column, problem.value) == (2, "value", "24653,4")


def test_unquoted_decimal_comma_is_a_ragged_row(yrd_project: Project, tmp_path: Path,
                                                rejected: Rejected) -> None:
    text = "code,indicator,period,value\n320500,gdp,2024,1\n310100,gdp,2024,24653,4\n"
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "r.csv", text), vintage="t"))
    assert (problem.row, problem.column, problem.value) == (3, "E", "4")
    assert "24653.4" in str(problem.fix) and "5 cells" in str(problem.fix)


def test_unbalanced_quote_is_located(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    text = 'code,indicator,period,value\n320500,gdp,2024,1\n310100,"gdp,2024,2\n320100,gdp,2024,3\n'
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "q.csv", text), vintage="t"))
    assert problem.row == 3 and "quote" in str(problem.expected)


def test_wrong_separator_is_detected(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    text = "code indicator period value\n320500 gdp 2024 1\n"
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "sp.csv", text), vintage="t"))
    assert problem.row == 1 and "separator" in str(problem.expected)
    piped = "code|indicator|period|value\n320500|gdp|2024|1\n"
    assert yrd_project.import_stats(csv_file(tmp_path / "p.csv", piped), vintage="t").n_observations == 1


# -- 6. sheets, formulas, size limits ----------------------------------------------------------


def test_first_visible_sheet_is_read_and_hidden_one_warns(yrd_project: Project, tmp_path: Path) -> None:
    header = ["code", "indicator", "period", "value"]
    path = workbook(tmp_path / "h.xlsx", {"旧数据": [header, ["320500", "gdp", 2024, 25999]],
                                          "数据": [header, ["320500", "gdp", 2024, 26701]]},
                    hidden=("旧数据",))
    result = yrd_project.import_stats(path, vintage="visible", source="s")
    assert result.record.sheet == "数据" and result.warnings == []
    hidden = yrd_project.import_stats(path, vintage="hidden", sheet="旧数据", source="s")
    (warning,) = hidden.warnings
    assert warning.sheet == "旧数据" and "hidden" in str(warning.expected)
    with yrd_project.store() as store:
        obs = store.observations(indicators=["gdp"], periods=["2024"], latest_vintage=False)
    values = obs[obs["subject_key"] == "320500"].set_index("vintage")["value"]
    assert values["visible"] == 26701 and values["hidden"] == 25999


def test_formula_without_cached_value_asks_to_save_in_excel(yrd_project: Project, tmp_path: Path,
                                                            rejected: Rejected) -> None:
    rows = [["code", "indicator", "period", "value"], ["320500", "gdp", 2024, "=1+1"]]
    path = workbook(tmp_path / "f.xlsx", {"数据": rows})
    problem = only_error(rejected(yrd_project, path, vintage="t"))
    assert (problem.row, problem.column) == (2, "D")
    assert "Excel" in str(problem.fix) and "D2" in str(problem.fix) and "WPS" in problem.fix.render("zh")
    # the same formula with the result Excel stores beside it is read as that result
    cached = patch_sheet(path, lambda xml: re.sub(rb"<f>1\+1</f>(<v>\s*</v>|<v/>)?",
                                                  b"<f>1+1</f><v>2</v>", xml))
    assert read_table(cached).frame.iloc[0]["value"] == "2"


def test_sheet_declaring_a_million_rows_is_stopped(yrd_project: Project, tmp_path: Path,
                                                   rejected: Rejected) -> None:
    path = workbook(tmp_path / "big.xlsx", {"数据": [["code", "indicator", "period", "value"],
                                                     ["320500", "gdp", 2024, 1]]})
    bomb = patch_sheet(path, lambda xml: re.sub(rb'<dimension ref="[^"]+"/>',
                                                b'<dimension ref="A1:XFD1048576"/>', xml))
    assert bomb.stat().st_size < 20_000
    problem = only_error(rejected(yrd_project, bomb, vintage="t"))
    assert "1,048,576 rows" in problem.value and "cells" in str(problem.expected)


def test_oversized_csv_is_stopped_before_reading(yrd_project: Project, tmp_path: Path,
                                                 rejected: Rejected) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # a sparse file: large on paper, nothing written
        handle.truncate(tables.MAX_FILE_BYTES + 1)
    problem = only_error(rejected(yrd_project, path, vintage="t"))
    assert "MB" in str(problem.expected) and problem.value == "100 MB"


def test_cell_limit_while_reading(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tables, "MAX_CELLS", 40)
    path = csv_file(tmp_path / "many.csv", "code,value\n" + "320500,1\n" * 30)
    with pytest.raises(ValidationError) as info:
        read_table(path)
    # 2 cells a row: the 21st row holds the 41st and 42nd cells
    assert info.value.problems[0].row == 21 and "40" in str(info.value.problems[0].expected)


def test_old_mac_line_endings_and_infinite_numbers(yrd_project: Project, tmp_path: Path,
                                                   rejected: Rejected) -> None:
    text = "code,indicator,period,value\r320500,gdp,2024,26700\r310100,gdp,2024,inf\r"
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "cr.csv", text), vintage="t"))
    assert (problem.row, problem.column, problem.value) == (3, "value", "inf")


def test_workbook_without_a_visible_sheet_lists_the_hidden_ones(tmp_path: Path) -> None:
    path = workbook(tmp_path / "h.xlsx", {"a": [["code", "value"], ["1", "2"]], "b": [["x", "y"]]},
                    hidden=("a",))
    path = patch_sheet(path, lambda xml: xml.replace(b'state="visible"', b'state="veryHidden"'),
                       part="xl/workbook.xml")  # Excel itself refuses to save this; programs do not
    with pytest.raises(ValidationError) as info:
        read_table(path)
    assert "a (hidden)" in str(info.value.problems[0].fix) and "--sheet" in str(info.value.problems[0].fix)


def test_unknown_column_is_located_at_the_header_row(yrd_project: Project, tmp_path: Path,
                                                     rejected: Rejected) -> None:
    text = "2024年\ncode,period,gdp,gdpp\n320500,2024,26700,1\n"
    problem = only_error(rejected(yrd_project, csv_file(tmp_path / "h.csv", text), vintage="t"))
    assert (problem.row, problem.column, problem.value) == (2, "gdpp", "gdpp")
    assert "gdp" in str(problem.fix)


def test_a_table_of_empty_cells_parses_to_nothing(yrd_project: Project, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "blank.csv", "code,period,gdp\n320500,2024,\n310100,2024,-\n")
    with yrd_project.store() as store:
        parsed = parse_stats(read_table(path), resolver=yrd_project.resolver(store),
                             catalogue=store.indicators())
    assert parsed.ok and parsed.n_empty == 2 and parsed.observations.empty
    assert {"_pos", "_col"} <= set(parsed.observations.columns)  # what the importer reads
