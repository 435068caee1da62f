"""check_plausibility: ranges are errors, jumps from stored or in-file predecessors are warnings."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from tongcheng.io.plausibility import check_plausibility, out_of_range, plausibility_rules
from tongcheng.store import Store
from tongcheng.store.records import ImportRecord

UNITS = pd.DataFrame({"code": ["320000", "320500", "320100"], "name_zh": ["江苏省", "苏州市", "南京市"],
                      "level": ["province", "city", "city"],
                      "parent_code": [None, "320000", "320000"]})
CATALOGUE = pd.DataFrame({
    "code": ["gdp", "share", "growth"],
    "name_zh": ["地区生产总值", "城镇化率", "增长率"],
    "unit": ["100 million CNY", "%", "%"],
    "subject_kind": ["unit"] * 3,
    "min_value": [0.0, 0.0, np.nan],
    "max_value": [np.nan, 100.0, np.nan],
    "max_jump": [5.0, np.nan, np.nan],
})


def _obs(rows: list[tuple[str, str, str, float]], vintage: str = "") -> pd.DataFrame:
    """Parsed observations: (indicator, unit, period, value) rows at positions 0, 1, …"""
    frame = pd.DataFrame(rows, columns=["indicator", "subject_key", "period", "value"])
    return frame.assign(subject_kind="unit", vintage=vintage, _pos=range(len(frame)), _col="value")


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open("sqlite://") as opened:
        opened.put_units(UNITS)
        opened.put_indicators(CATALOGUE)
        yield opened


def _record(store: Store, obs: pd.DataFrame, name: str, vintage: str = "") -> int:
    record = ImportRecord(sha256=name.ljust(64, "0"), file_name=name, stored_path=f"raw/{name}",
                          source="年鉴", vintage=vintage)
    stored = store.record_import(record, obs.assign(unit="100 million CNY", vintage=vintage,
                                                     unit_code=obs["subject_key"]))
    assert stored.id is not None
    return stored.id


def _check(obs: pd.DataFrame, store: Store | None, **kw: object) -> list:
    return check_plausibility(obs, catalogue=CATALOGUE, store=store, file="new.csv",
                              sheet=None, **kw)  # type: ignore[arg-type]


def test_range_violations_are_located_bilingual_errors() -> None:
    obs = _obs([("gdp", "320500", "2020", -3.0), ("share", "320500", "2020", 135.0),
                ("share", "320100", "2020", 65.0), ("gdp", "320100", "2020", float("inf"))])
    problems = _check(obs, None)
    assert [(p.row, p.column, p.value, p.severity) for p in problems] == [
        (2, "value", "-3", "error"), (3, "value", "135", "error"), (5, "value", "inf", "error")]
    below, above, inf = problems
    assert "at least 0" in str(below.expected) and "至少" not in below.render("zh")
    assert "不小于 0" in below.render("zh")
    assert "between 0 and 100 %" in str(above.expected)
    assert "finite" in str(inf.expected) and "无穷大" in inf.render("zh")
    assert below.file == "new.csv"


def test_row_of_maps_positions_to_spreadsheet_rows() -> None:
    obs = _obs([("share", "320500", "2020", 50.0), ("share", "320100", "2020", -1.0)])
    problems = _check(obs, None, row_of=lambda pos: pos + 10)
    assert [p.row for p in problems] == [11]


def test_many_bad_rows_are_listed_ten_times_then_counted() -> None:
    obs = _obs([("share", "320500", str(2000 + i), 200.0 + i) for i in range(25)])
    problems = _check(obs, None)
    assert len(problems) == 10
    assert "15 more row(s)" in str(problems[-1].fix)
    assert "另有 15 行" in problems[-1].render("zh")


def test_jump_from_stored_previous_period_names_both_values_and_the_import(store: Store) -> None:
    import_id = _record(store, _obs([("gdp", "320500", "2019", 1900.0)]), "gdp2019.csv", "2020年鉴")
    obs = _obs([("gdp", "320500", "2020", 19_000_000.0), ("gdp", "320100", "2020", 1500.0)],
               vintage="2021年鉴")
    (problem,) = _check(obs, store)
    assert problem.severity == "warning" and problem.row == 2 and problem.value == "19000000"
    text = str(problem.expected)
    for part in ("1900", "2019", "2020", "2020年鉴", "2021年鉴", f"import #{import_id}",
                 "gdp2019.csv", "1e+04×"):
        assert part in text, part
    assert "gdp2019.csv" in problem.render("zh") and "上一期" in problem.render("zh")
    (strict,) = _check(obs, store, strict=True)
    assert strict.severity == "error" and "--strict" in str(strict.fix)


def test_jump_down_within_the_same_file_cites_the_row() -> None:
    obs = _obs([("gdp", "320500", "2019", 1900.0), ("gdp", "320500", "2020", 0.19),
                ("gdp", "320500", "2021", 0.2)])
    (problem,) = _check(obs, None)
    assert problem.row == 3 and "row 2 of 'new.csv'" in str(problem.expected)


def test_one_slipped_row_is_reported_once_not_again_when_the_next_jumps_back() -> None:
    obs = _obs([("gdp", "320500", "2018", 1800.0), ("gdp", "320500", "2019", 19_000_000.0),
                ("gdp", "320500", "2020", 2000.0), ("gdp", "320100", "2019", 1000.0),
                ("gdp", "320100", "2020", 0.1)])
    assert [p.row for p in _check(obs, None)] == [3, 6]


def test_jump_from_an_earlier_vintage_of_the_same_period(store: Store) -> None:
    _record(store, _obs([("gdp", "320500", "2020", 1900.0)]), "first.csv", "v1")
    problems = _check(_obs([("gdp", "320500", "2020", 190.0)], vintage="v2"), store)
    assert len(problems) == 1 and "vintage 'v1'" in str(problems[0].expected)
    assert "stored earlier vintage" in str(problems[0].expected)
    assert not _check(_obs([("gdp", "320500", "2020", 1000.0)], vintage="v2"), store)


def test_factor_and_default_jump_and_signed_indicators() -> None:
    within = _obs([("gdp", "320500", "2019", 100.0), ("gdp", "320500", "2020", 499.0)])
    assert not _check(within, None)
    # share has no max_jump of its own: the project default decides.
    shares = _obs([("share", "320500", "2019", 0.6), ("share", "320500", "2020", 60.0)])
    assert len(_check(shares, None)) == 1
    assert not _check(shares, None, default_jump=None)
    assert not _check(shares, None, default_jump=200.0)
    # growth rates may be negative: a factor means nothing there.
    growth = _obs([("growth", "320500", "2019", 0.1), ("growth", "320500", "2020", 8.0)])
    assert not _check(growth, None)


def test_quarters_and_months_compare_with_their_own_kind() -> None:
    obs = _obs([("gdp", "320500", "2019", 1000.0), ("gdp", "320500", "2020Q1", 250.0),
                ("gdp", "320500", "2020Q2", 260.0), ("gdp", "320500", "2020-03", 80.0)])
    assert not _check(obs, None)
    slipped = _obs([("gdp", "320500", "2020Q1", 250.0), ("gdp", "320500", "2020Q2", 2_600_000.0)])
    assert [p.row for p in _check(slipped, None)] == [3]


def test_out_of_range_reasons_and_gaps() -> None:
    rules = plausibility_rules(CATALOGUE)
    obs = pd.DataFrame({"indicator": ["gdp", "gdp", "share", "share", "growth", "unknown"],
                        "value": [1.0, np.nan, 101.0, -np.inf, -50.0, -1.0]})
    assert out_of_range(obs, rules).tolist() == ["", "", "above", "not finite", "", ""]


def test_stored_predecessors_across_gaps_and_between_the_files_periods(store: Store) -> None:
    _record(store, _obs([("gdp", "320500", "2010", 1000.0), ("gdp", "320100", "2019", 1000.0),
                         ("gdp", "320000", "1980", 100.0), ("gdp", "320500", "2016Q4", 250.0)]),
            "history.csv")
    # 2020 follows the stored 2010 (ten years back); 2021 follows the stored 2019 of its own unit
    obs = _obs([("gdp", "320500", "2020", 10_000_000.0), ("gdp", "320100", "2018", 1000.0),
                ("gdp", "320100", "2021", 5_000_000.0), ("gdp", "320500", "2017Q1", 2.5)])
    problems = _check(obs, store)
    assert [(p.row, "history.csv" in str(p.expected)) for p in problems] == [(2, True), (4, True), (5, True)]
    assert "of 2010" in str(problems[0].expected) and "of 2019" in str(problems[1].expected)
    # more than thirty years back is no predecessor: 1980 to 2016 is growth, not a slip
    assert not _check(_obs([("gdp", "320000", "2016", 100_000.0)]), store)
    assert len(_check(_obs([("gdp", "320000", "2000", 100_000.0)]), store)) == 1
