"""Importing statistics: every problem located, nothing half-written, vintages kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from tongcheng import Problem, ValidationError
from tongcheng.project import Project

Rejected = Callable[..., ValidationError]  # the `rejected` fixture of conftest.py


def only_error(exc: ValidationError) -> Problem:
    assert len(exc.errors) == 1, exc.render("en")
    return exc.errors[0]


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


GOOD = "code,indicator,period,value,unit\n320500,gdp,2024,26700.0,亿元\n310100,gdp,2024,53926.7,亿元\n"


def test_good_file_imports_and_reimport_is_noop(yrd_project: Project, tmp_path: Path,
                                                state: Callable[[Project], tuple]) -> None:
    path = write_csv(tmp_path / "gdp.csv", GOOD)
    before = state(yrd_project)
    first = yrd_project.import_stats(path, source="统计公报", vintage="2024-bulletin")
    assert first.status == "imported"
    assert first.n_observations == 2
    after = state(yrd_project)
    assert after[0] == before[0] + 2 and after[1] == before[1] + 1
    kept = yrd_project.raw_dir / Path(first.record.stored_path).name
    assert kept.read_bytes() == path.read_bytes()
    second = yrd_project.import_stats(path, source="统计公报", vintage="2024-bulletin")
    assert second.status == "unchanged"
    assert second.record.id == first.record.id
    assert state(yrd_project) == after
    with yrd_project.store() as store:
        imp = store.imports().set_index("id").loc[first.record.id]
    assert imp["sha256"] == first.record.sha256 and len(imp["sha256"]) == 64
    assert imp["n_rows_read"] == 2 and imp["vintage"] == "2024-bulletin"


def test_revision_keeps_both_vintages(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    yrd_project.import_stats(write_csv(tmp_path / "v1.csv", GOOD), vintage="2024-bulletin")
    revised = GOOD.replace("26700.0", "26727.5")
    exc = rejected(yrd_project, write_csv(tmp_path / "v2.csv", revised), vintage="2024-bulletin")
    problem = only_error(exc)
    assert problem.row == 2 and "26700" in str(problem.expected) and "--vintage" in str(problem.fix)
    yrd_project.import_stats(tmp_path / "v2.csv", vintage="2025-yearbook")
    with yrd_project.store() as store:
        both = store.observations(indicators=["gdp"], periods=["2024"], latest_vintage=False)
        latest = store.observations(indicators=["gdp"], periods=["2024"], latest_vintage=True)
    suzhou = both[both["subject_key"] == "320500"].set_index("vintage")["value"]
    assert suzhou.to_dict() == {"2024-bulletin": 26700.0, "2025-yearbook": 26727.5}
    assert latest.set_index("subject_key").loc["320500", "value"] == 26727.5


def test_unknown_code(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    exc = rejected(yrd_project, write_csv(tmp_path / "u.csv", GOOD.replace("310100", "999999")))
    problem = only_error(exc)
    assert (problem.file, problem.row, problem.column, problem.value) == ("u.csv", 3, "code", "999999")


def test_ambiguous_name_lists_candidates(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    text = "name,indicator,period,value\nSuzhou,gdp,2024,1\n苏州,gdp,2023,2\n苏州市,gdp,2022,3\n"
    exc = rejected(yrd_project, write_csv(tmp_path / "a.csv", text))
    problem = only_error(exc)
    assert (problem.row, problem.column, problem.value) == (2, "name", "Suzhou")
    assert "320500" in str(problem.fix) and "341300" in str(problem.fix)


def test_text_in_number_column(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    exc = rejected(yrd_project, write_csv(tmp_path / "t.csv", GOOD.replace("53926.7", "约5.4万")))
    problem = only_error(exc)
    assert (problem.row, problem.column, problem.value) == (3, "value", "约5.4万")
    assert str(problem.expected) == "a number"


def test_duplicate_key(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    text = GOOD + "苏州市,gdp,2024,26700.0,亿元\n"
    exc = rejected(yrd_project, write_csv(tmp_path / "d.csv", text))
    problem = only_error(exc)
    assert problem.row == 4 and "row 2" in str(problem.fix)


def test_missing_column(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    text = "code,indicator,value\n320500,gdp,1\n"
    problem = only_error(rejected(yrd_project, write_csv(tmp_path / "m.csv", text)))
    assert problem.column == "period" and problem.row is None


def test_wrong_sheet_and_empty_file(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    book = Workbook()
    book.active.title = "GDP"
    for row in [["code", "indicator", "period", "value"], ["320500", "gdp", 2024, 1.0]]:
        book.active.append(row)
    book.save(tmp_path / "w.xlsx")
    problem = only_error(rejected(yrd_project, tmp_path / "w.xlsx", sheet="数据"))
    assert problem.value == "数据" and "GDP" in str(problem.fix)
    empty = write_csv(tmp_path / "e.csv", "")
    assert "empty" in str(only_error(rejected(yrd_project, empty)))


def test_gbk_csv(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    text = "name,indicator,period,value\n苏州,gdp,2024,1.5\n"
    path = write_csv(tmp_path / "gbk.csv", text, encoding="gbk")
    problem = only_error(rejected(yrd_project, path))
    assert problem.file == "gbk.csv" and problem.row == 2 and "GBK" in str(problem.expected)
    assert yrd_project.import_stats(path, encoding="gbk").n_observations == 1


def test_all_problems_reported_at_once(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    text = ("code,indicator,period,value,unit\n999999,gdp,2024,1,亿元\n320500,gdpp,2024,2,亿元\n"
            "320500,gdp,20x4,3,亿元\n320500,gdp,2023,x,亿元\n320500,gdp,2022,4,万元\n")
    exc = rejected(yrd_project, write_csv(tmp_path / "many.csv", text))
    located = {(p.row, p.column) for p in exc.errors}
    assert located == {(2, "code"), (3, "indicator"), (4, "period"), (5, "value"), (6, "unit")}
    assert "did you mean gdp" in next(str(p.fix) for p in exc.errors if p.column == "indicator")


def test_old_codes_and_names_map_through_crosswalk(yrd_project: Project, tmp_path: Path) -> None:
    text = "code,name,indicator,period,value\n320684,海门市,gdp,2019,1\n,无为县,gdp,2019,2\n"
    result = yrd_project.import_stats(write_csv(tmp_path / "old.csv", text), vintage="2019")
    notes = " ".join(str(w) for w in result.warnings)
    assert "320614" in notes and "340281" in notes
    with yrd_project.store() as store:
        obs = store.observations(indicators=["gdp"], periods=["2019"])
    assert set(obs["subject_key"]) == {"320614", "340281"}


def test_wide_layouts_and_pairs(yrd_project: Project, tmp_path: Path) -> None:
    wide = "code,period,gdp,pop_resident_yearend\n320500,2024,26700,1295.8\n"
    res = yrd_project.import_stats(write_csv(tmp_path / "wide.csv", wide), vintage="w")
    assert res.n_observations == 2
    by_year = "地区,指标,2022年,2023年\n苏州,gdp,23958.3,24653.4\n"
    assert yrd_project.import_stats(write_csv(tmp_path / "years.csv", by_year), vintage="y") \
        .n_observations == 2
    pairs = "from,to,indicator,period,value\n上海,苏州,rail_time_min,2025,21\n"
    yrd_project.import_stats(write_csv(tmp_path / "pairs.csv", pairs), vintage="2025")
    with yrd_project.store() as store:
        obs = store.observations(indicators=["rail_time_min"], periods=["2025"])
    assert obs.iloc[0]["subject_key"] == "310100>320500" and obs.iloc[0]["subject_kind"] == "pair"
    with yrd_project.store() as store:  # wide-by-period: "2022年" is stored as "2022"
        gdp = store.observations(indicators=["gdp"], latest_vintage=False)
    assert {"2022", "2023"} <= set(gdp[gdp["vintage"] == "y"]["period"])


def test_metro_table(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    extra = pd.DataFrame([{"code": "cross_city_commuters", "name_zh": "跨城通勤人数",
                           "name_en": "Cross-city commuters", "unit": "persons",
                           "subject_kind": "metro", "kind": "raw"}])
    with yrd_project.store() as store:
        store.put_indicators(extra)
    text = "都市圈,指标,年份,数值\n上海大都市圈,cross_city_commuters,2021,76555\nSXC,跨城通勤人数,2021,1\n"
    result = yrd_project.import_stats(write_csv(tmp_path / "metro.csv", text), vintage="2021")
    assert result.n_observations == 2
    with yrd_project.store() as store:
        obs = store.observations(indicators=["cross_city_commuters"])
    assert set(obs["subject_key"]) == {"metro:SH_1P8", "metro:SXC"}
    assert set(obs["metro_code"]) == {"SH_1P8", "SXC"}
    bad = "metro,indicator,period,value\n北京都市圈,cross_city_commuters,2021,5\n"
    problem = only_error(rejected(yrd_project, write_csv(tmp_path / "bad_metro.csv", bad)))
    assert (problem.row, problem.column) == (2, "metro") and "SH_1P8" in str(problem.fix)
    wrong = "code,indicator,period,value\n320500,cross_city_commuters,2021,5\n"
    problem = only_error(rejected(yrd_project, write_csv(tmp_path / "kind.csv", wrong)))
    assert "metro" in str(problem.expected)


def test_computed_indicators_cannot_be_imported(yrd_project: Project, tmp_path: Path,
                                                rejected: Rejected) -> None:
    text = "code,indicator,period,value\n320500,urbanisation_rate,2020,81.7\n"
    problem = only_error(rejected(yrd_project, write_csv(tmp_path / "c.csv", text)))
    assert problem.value == "urbanisation_rate" and "computes" in str(problem.fix)


def test_overlong_vintage_is_located(yrd_project: Project, tmp_path: Path, rejected: Rejected) -> None:
    text = "code,indicator,period,value,vintage\n320500,gdp,2024,1," + "x" * 121 + "\n"
    problem = only_error(rejected(yrd_project, write_csv(tmp_path / "v.csv", text)))
    assert (problem.row, problem.column) == (2, "vintage") and "120" in str(problem.expected)
