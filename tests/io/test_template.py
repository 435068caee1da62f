"""The Excel template: speaks to departments in both languages and imports back unchanged."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from tongcheng import ValidationError
from tongcheng._errors import DataError
from tongcheng.cli.main import cli
from tongcheng.io.columns import canonical_column
from tongcheng.io.template import DATA_SHEET, INSTRUCTIONS_SHEET, SPARE_ROWS, write_template
from tongcheng.project import Project

BUG = "tongcheng-bug"


def make_template(project: Project, tmp_path: Path, *args: str, lang: str = "zh") -> Path:
    out = tmp_path / f"template-{lang}.xlsx"
    result = CliRunner().invoke(cli, ["template", "--out", str(out), "--project", str(project.root),
                                      "--lang", lang, *args])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "tongcheng import stats" in result.output
    return out


def headers(sheet) -> list[str]:
    return [c.value for c in sheet[1]]


def validation_of(sheet, row: int, column: int):
    """The data validations that cover one cell."""
    found = []
    for check in sheet.data_validations.dataValidation:
        for cells in check.sqref.ranges:
            c0, r0, c1, r1 = range_boundaries(str(cells))
            if c0 <= column <= c1 and r0 <= row <= r1:
                found.append(check)
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filled_template_imports_unchanged(yrd_project: Project, tmp_path: Path, lang: str) -> None:
    path = make_template(yrd_project, tmp_path, "--period", "2024", lang=lang)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    head = headers(sheet)
    assert head[:3] == ["代码 code", "名称 name", "年份 period"]
    assert "地区生产总值 gdp" in head and "常住人口 pop_resident" in head
    col = {h.rsplit(" ", 1)[1]: i for i, h in enumerate(head, start=1)}
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    assert len(rows) == 41 and sheet.cell(row=rows["320500"], column=3).value == 2024
    name = sheet.cell(row=rows["320500"], column=2).value
    assert name == ("苏州市" if lang == "zh" else "Suzhou")
    filled = {("gdp", "320500", "2024"): 26727.46, ("gdp", "310100", "2024"): 53926.71,
              ("pop_resident", "320500", "2024"): 12958000, ("pop_urban", "340100", "2024"): 8538000,
              ("age_60_share", "320500", "2024"): 19.27}
    for (ind, code, _), value in filled.items():
        sheet.cell(row=rows[code], column=col[ind], value=value)
    # a department adds a row for the year before, as the instructions say
    extra = sheet.max_row + 1
    for c, value in enumerate(["320500", name, 2023], start=1):
        sheet.cell(row=extra, column=c, value=value)
    sheet.cell(row=extra, column=col["gdp"], value=24653.4)
    filled[("gdp", "320500", "2023")] = 24653.4
    book.save(path)

    result = CliRunner().invoke(cli, ["import", "stats", str(path), "--source", "市统计局",
                                      "--vintage", "tpl-test", "--project", str(yrd_project.root),
                                      "--lang", lang])
    assert result.exit_code == 0, result.output
    assert BUG not in result.output
    with yrd_project.store() as store:
        obs = store.observations(latest_vintage=False)
    mine = obs[obs["vintage"] == "tpl-test"]
    stored = {(r.indicator, r.unit_code, r.period): r.value for r in mine.itertuples()}
    assert stored == filled
    assert set(mine["source"]) == {"市统计局"}


def test_workbook_layout_checks_and_instructions(yrd_project: Project, tmp_path: Path) -> None:
    path = make_template(yrd_project, tmp_path, "--period", "2024")
    book = load_workbook(path)
    assert book.sheetnames == [DATA_SHEET, INSTRUCTIONS_SHEET]
    assert [s.sheet_state for s in book.worksheets] == ["visible", "visible"]
    assert book.active.title == DATA_SHEET
    sheet = book[DATA_SHEET]
    assert sheet.freeze_panes == "D2"  # header row and code/name/period stay in view
    head = headers(sheet)
    n_units = 41
    gdp = head.index("地区生产总值 gdp") + 1
    for row in (2, n_units + 1, n_units + 1 + SPARE_ROWS):  # first, last, and an added row
        checks = validation_of(sheet, row, gdp)
        assert len(checks) == 1, row
        check = checks[0]
        assert check.type == "decimal" and check.showErrorMessage and check.allow_blank
        assert "只能填数字" in check.error and "Numbers only" in check.error
        assert "亿元" in check.prompt and "100 million CNY" in check.prompt
    assert validation_of(sheet, n_units + 2 + SPARE_ROWS, gdp) == []
    for column in range(4, len(head) + 1):  # every value column is checked
        assert [c.type for c in validation_of(sheet, 2, column)] == ["decimal"], head[column - 1]
    for column in (1, 2):  # key columns: no number check, marked as not to be changed
        assert validation_of(sheet, 2, column) == []
        note = sheet.cell(row=1, column=column).comment.text
        assert "请勿修改" in note and "do not change" in note
        assert sheet.cell(row=2, column=column).fill.fgColor.rgb.endswith("E7E6E6")
    share = head.index(next(h for h in head if h.endswith(" age_60_share"))) + 1
    assert "5%" in validation_of(sheet, 2, share)[0].prompt
    for check in sheet.data_validations.dataValidation:  # Excel refuses longer texts
        assert len(check.promptTitle or "") <= 32 and len(check.errorTitle or "") <= 32
        assert len(check.prompt or "") <= 255 and len(check.error or "") <= 255

    text = "\n".join(str(c.value) for row in book[INSTRUCTIONS_SHEET].iter_rows() for c in row
                     if c.value is not None)
    for words in ("填写说明", "How to fill in", "新增一行", "To add a row", "--source", "--vintage",
                  "tongcheng import stats", "来源和版本", "Source and vintage", "2024"):
        assert words in text, words
    assert text.index("填写说明") < text.index("How to fill in")  # the project's language first
    catalogue = pd.read_excel(path, sheet_name=INSTRUCTIONS_SHEET, header=None, dtype=str)
    start = catalogue.index[catalogue[0] == "代码 code"][0]
    listed = catalogue.iloc[start + 1:].set_index(0)
    assert len(listed) == len(head) - 3
    assert listed.loc["gdp", 3] == "亿元" and listed.loc["gdp", 4] == "100 million CNY"


def test_english_template_puts_english_first(yrd_project: Project, tmp_path: Path) -> None:
    book = load_workbook(make_template(yrd_project, tmp_path, lang="en"))
    text = [c.value for c in book[INSTRUCTIONS_SHEET]["A"] if c.value]
    assert text[0] == "How to fill in" and "填写说明" in text
    sheet = book[DATA_SHEET]
    assert sheet.cell(row=2, column=3).value is None  # no --period: left for the department
    assert validation_of(sheet, 2, 4)[0].error.startswith("Numbers only")


def test_bilingual_headers_are_recognised_only_when_both_halves_agree() -> None:
    assert canonical_column("代码 code") == "code" and canonical_column("年份 period") == "period"
    assert canonical_column("名称\nname") == "name"
    assert canonical_column("代码 name") is None  # two different columns: not guessed
    assert canonical_column("code") == "code" and canonical_column("地区") == "name"


def test_header_whose_halves_disagree_is_located(yrd_project: Project, tmp_path: Path) -> None:
    path = make_template(yrd_project, tmp_path, "--period", "2024")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    gdp = headers(sheet).index("地区生产总值 gdp") + 1
    sheet.cell(row=1, column=gdp, value="常住人口 gdp")
    sheet.cell(row=2, column=gdp, value=1.0)
    book.save(path)
    with pytest.raises(ValidationError) as info:
        yrd_project.import_stats(path, vintage="bad")
    assert any(p.column == "常住人口 gdp" for p in info.value.errors), info.value


def test_level_defaults_to_the_units_the_project_has(tmp_path: Path) -> None:
    units = pd.DataFrame({"name_zh": ["甲", "乙"], "name_en": ["A", "B"], "level": "county"},
                         index=pd.Index(["990102", "990101"], name="code"))
    catalogue = pd.DataFrame([{"code": "gdp", "name_zh": "地区生产总值", "name_en": "GDP",
                               "unit": "100 million CNY", "subject_kind": "unit", "kind": "raw"},
                              {"code": "gdp_pc", "name_zh": "人均", "name_en": "per head",
                               "unit": "CNY", "subject_kind": "unit", "kind": "computed"}])
    path = write_template(tmp_path / "t.xlsx", units=units, catalogue=catalogue, period="2024Q1")
    sheet = load_workbook(path).worksheets[0]
    assert headers(sheet) == ["代码 code", "名称 name", "年份 period", "地区生产总值 gdp"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["990101", "乙", "2024Q1", None], ["990102", "甲", "2024Q1", None]]
    with pytest.raises(DataError) as info:
        write_template(tmp_path / "t.xlsx", units=units, catalogue=catalogue, level="city")
    assert "county (2)" in str(info.value) and "--level" in info.value.render("zh")
    with pytest.raises(DataError):
        write_template(tmp_path / "t.xlsx", units=units, catalogue=catalogue, period="20x4")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_project_without_units_gets_a_message(tmp_path: Path, lang: str) -> None:
    root = tmp_path / "empty"
    Project.create(root, region="empty")
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(cli, ["template", "--out", str(out), "--project", str(root),
                                      "--lang", lang])
    assert result.exit_code != 0
    assert BUG not in result.output and "Traceback" not in result.output
    assert ("还没有任何单元" if lang == "zh" else "has no units yet") in result.output
    assert "tongcheng units import" in result.output
    assert not out.exists()


def test_bad_period_or_file_name_is_a_message(yrd_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(cli, ["template", "--period", "24", "--out", str(out),
                                      "--project", str(yrd_project.root), "--lang", "en"])
    assert result.exit_code != 0 and BUG not in result.output
    assert "period '24' is not valid" in result.output and not out.exists()
    csv = tmp_path / "t.csv"
    result = CliRunner().invoke(cli, ["template", "--out", str(csv), "--project", str(yrd_project.root)])
    assert result.exit_code != 0 and BUG not in result.output
    assert "须以 .xlsx 结尾" in result.output and not csv.exists()  # the project's language: Chinese


def test_one_column_per_raw_region_indicator(yrd_project: Project, tmp_path: Path) -> None:
    sheet = load_workbook(make_template(yrd_project, tmp_path)).worksheets[0]
    with yrd_project.store() as store:
        cat = store.indicators()
    raw = cat[(cat["subject_kind"] == "unit") & (cat["kind"] == "raw")]
    codes = [h.rsplit(" ", 1)[1] for h in headers(sheet)[3:]]
    assert sorted(codes) == sorted(raw["code"])
    names = dict(zip(raw["code"], raw["name_zh"], strict=True))
    assert headers(sheet)[3:] == [f"{names[c]} {c}" for c in codes]


def test_every_header_is_recognised_by_the_importer(yrd_project: Project, tmp_path: Path) -> None:
    from tongcheng.io.stats import parse_stats
    from tongcheng.io.tables import read_table

    path = make_template(yrd_project, tmp_path, "--period", "2024")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    n_columns = sheet.max_column
    for column in range(4, n_columns + 1):  # one number in every indicator column
        sheet.cell(row=2, column=column, value=float(column))
    book.save(path)
    with yrd_project.store() as store:
        parsed = parse_stats(read_table(path), resolver=yrd_project.resolver(store),
                             catalogue=store.indicators())
    assert [p for p in parsed.problems if p.severity == "error"] == []
    got = parsed.observations.set_index("indicator")["value"].to_dict()
    assert got == {h.rsplit(" ", 1)[1]: float(c) for c, h in enumerate(headers(sheet), start=1) if c > 3}


def test_another_region_fills_and_imports_its_own_units(li_geojson: Path, tmp_path: Path) -> None:
    root = tmp_path / "li"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root), "--region", "empty", "--lang", "en"]).exit_code == 0
    out = runner.invoke(cli, ["units", "import", str(li_geojson), "--code-column", "bfs:OBJECTVAL",
                              "--name-column", "name", "--level", "county", "--project", str(root)])
    assert out.exit_code == 0, out.output
    project = Project.open(root)
    path = make_template(project, tmp_path, "--period", "2023", lang="en")  # no --level: county
    book = load_workbook(path)
    sheet = book.worksheets[0]
    rows = {sheet.cell(row=r, column=2).value: r for r in range(2, sheet.max_row + 1)}
    assert len(rows) == 11 and sheet.cell(row=rows["Vaduz"], column=1).value == "007001"
    column = headers(sheet).index("常住人口 pop_resident") + 1
    sheet.cell(row=rows["Vaduz"], column=column, value=5696)
    sheet.cell(row=rows["Schaan"], column=column, value=6133)
    book.save(path)
    result = runner.invoke(cli, ["import", "stats", str(path), "--vintage", "2023", "--source", "LI",
                                 "--project", str(root), "--lang", "en"])
    assert result.exit_code == 0, result.output
    with project.store() as store:
        obs = store.observations(indicators=["pop_resident"])
    assert dict(zip(obs["unit_code"], obs["value"], strict=True)) == {
        "007001": 5696.0, sheet.cell(row=rows["Schaan"], column=1).value: 6133.0}


def test_missing_names_fall_back_to_the_other_language(tmp_path: Path) -> None:
    units = pd.DataFrame({"name_zh": ["甲市", "乙市"], "name_en": ["A", None], "level": "city"},
                         index=pd.Index(["990100", "990200"], name="code"))
    catalogue = pd.DataFrame([{"code": "jobs", "name_zh": None, "name_en": "Jobs", "unit": "persons",
                               "subject_kind": "unit", "kind": "raw"},
                              {"code": "firms", "name_zh": None, "name_en": None, "unit": None,
                               "subject_kind": "unit", "kind": "raw"}])
    path = write_template(tmp_path / "t.xlsx", units=units, catalogue=catalogue, lang="en")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    assert headers(sheet)[3:] == ["Jobs jobs", "firms"]
    assert [sheet.cell(row=r, column=2).value for r in (2, 3)] == ["A", "乙市"]
    assert canonical_column("Jobs jobs") is None  # an indicator, not a key column
    values = [c.value for row in book[INSTRUCTIONS_SHEET].iter_rows() for c in row]
    assert "nan" not in [str(v).lower() for v in values]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unfilled_template_is_no_bug(yrd_project: Project, tmp_path: Path, lang: str) -> None:
    path = make_template(yrd_project, tmp_path, "--period", "2024", lang=lang)
    result = CliRunner().invoke(cli, ["import", "stats", str(path), "--source", "市统计局",
                                      "--vintage", "empty", "--project", str(yrd_project.root),
                                      "--lang", lang])
    assert BUG not in result.output and "Traceback" not in result.output, result.output
    assert result.exit_code != 0 and path.name in result.output  # located: the file is named
    with yrd_project.store() as store:
        obs = store.observations(latest_vintage=False)
    assert (obs["vintage"] == "empty").sum() == 0
