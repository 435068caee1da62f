"""`compute_indicators` never aborts: implausible inputs are left out, a failing family is reported."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from tongcheng._errors import DataError
from tongcheng._text import Text
from tongcheng.indicators import registry
from tongcheng.indicators.context import ComputeContext
from tongcheng.io.plausibility import fill_missing_rules
from tongcheng.project import Project
from tongcheng.store.records import ImportRecord

# indicators reading the planted inputs (population, age shares) and one that does not
CODES = ["pop_change_2010_2020", "urbanisation_rate", "ageing_60", "rail_1h_population",
         "metro_population", "gravity_rail", "rail_time_to_shanghai"]
PLANTED = pd.DataFrame({
    "indicator": ["pop_resident", "age_60_share", "pop_resident"],
    "subject_key": ["320500", "320500", "320500"],
    "period": ["2020", "2020", "2021"],
    "value": [-5.0, 250.0, -24_000_000.0],
})


def _copy(template: Path, dest: Path) -> Project:
    shutil.copytree(template, dest)
    return Project.open(dest)


def _computed(project: Project) -> pd.DataFrame:
    with project.store() as store:
        obs = store.observations(indicators=CODES)
    return (obs[["indicator", "subject_key", "period", "value", "flags"]]
            .sort_values(["indicator", "subject_key", "period"]).reset_index(drop=True))


def _plant(project: Project, rows: pd.DataFrame, name: str = "bypass.csv") -> int:
    """Store rows as an import of their own, bypassing the importer's checks."""
    record = ImportRecord(sha256=name.encode().hex().ljust(64, "0")[:64], file_name=name,
                          stored_path=f"raw/{name}", source="planted", vintage="planted")
    units = {"pop_resident": "persons", "age_60_share": "%"}
    with project.store() as store:
        stored = store.record_import(record, rows.assign(
            subject_kind="unit", unit_code=rows["subject_key"], unit=rows["indicator"].map(units)))
    assert stored.id is not None
    return stored.id


def test_planted_bad_values_are_left_out_and_the_rest_matches_a_clean_run(
        yrd_template: Path, tmp_path: Path) -> None:
    clean = _copy(yrd_template, tmp_path / "clean")
    clean_status = clean.compute(codes=CODES)
    planted = _copy(yrd_template, tmp_path / "planted")
    import_id = _plant(planted, PLANTED)
    status = planted.compute(codes=CODES)

    assert (clean_status["status"] == "computed").all()
    pd.testing.assert_frame_equal(status[["code", "n_values", "status"]],
                                  clean_status[["code", "n_values", "status"]])
    # 2020 falls back to the census vintage; the 2021 row would otherwise be the latest period
    pd.testing.assert_frame_equal(_computed(planted), _computed(clean))
    n_excluded = status.set_index("code")["n_excluded"]
    assert n_excluded["pop_change_2010_2020"] == 2 and n_excluded["ageing_60"] == 1
    assert n_excluded["rail_time_to_shanghai"] == 0

    excluded = status.attrs["excluded"].sort_values(["indicator", "period"])
    assert excluded[["indicator", "period", "reason"]].to_numpy().tolist() == [
        ["age_60_share", "2020", "above"], ["pop_resident", "2020", "below"],
        ["pop_resident", "2021", "below"]]
    assert (excluded["import_id"] == import_id).all() and (excluded["file_name"] == "bypass.csv").all()
    pop_2020 = excluded[excluded["period"] == "2020"].set_index("indicator").loc["pop_resident"]
    assert pop_2020["used_instead"] > 1e6 and np.isnan(excluded["used_instead"].iloc[-1])
    en, zh = str(pop_2020["message"]), pop_2020["message"].render("zh")
    for part in ("320500", "pop_resident", "-5", "2020", "planted", f"import #{import_id}",
                 "bypass.csv", "at least 0", "census"):
        assert part in en, part
    assert "苏州" in zh and f"第 {import_id} 次导入" in zh and "未删除" in zh
    with planted.store() as store:  # left out, not deleted
        kept = store.observations(indicators=["pop_resident"], latest_vintage=False)
    assert (kept["value"] == -5.0).sum() == 1


def test_without_an_earlier_vintage_the_value_is_missing(yrd_project: Project) -> None:
    _plant(yrd_project, PLANTED.iloc[[2]].assign(value=-3.0))
    status = yrd_project.compute(codes=["pop_change_2010_2020"])
    (row,) = status.attrs["excluded"].itertuples()
    assert row.period == "2021" and np.isnan(row.used_instead)
    assert status["status"].tolist() == ["computed"]


def test_a_failing_family_is_reported_and_the_others_are_computed(
        yrd_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    before = yrd_project.compute(codes=["urbanisation_rate", "ageing_60"])
    assert (before["status"] == "computed").all()
    with yrd_project.store() as store:
        stored = store.observations(indicators=["urbanisation_rate"])

    def refuses(ctx: ComputeContext) -> pd.DataFrame:
        raise DataError(Text("输入不足", "not enough input"))

    def crashes(ctx: ComputeContext) -> pd.DataFrame:
        return pd.DataFrame({"period": ["2020"], "value": [1 / 0]})

    specs = registry._REGISTRY  # replace two families by failing ones
    monkeypatch.setitem(specs, "urbanisation_rate",
                        dataclasses.replace(specs["urbanisation_rate"], compute=refuses))
    monkeypatch.setitem(specs, "krugman_index", dataclasses.replace(specs["krugman_index"], compute=crashes))
    status = yrd_project.compute(codes=["urbanisation_rate", "krugman_index", "ageing_60"]).set_index("code")
    assert status.loc["urbanisation_rate", "status"] == (
        "failed: not enough input (stored values left as they were)")
    assert status.loc["urbanisation_rate", "status_text"].render("zh") == "失败：输入不足（已存的值未改动）"
    assert status.loc["krugman_index", "status"].startswith("failed: ZeroDivisionError: ")
    assert status.loc["ageing_60", "status"] == "computed" and status.loc["ageing_60", "n_values"] > 0
    with yrd_project.store() as store:
        after = store.observations(indicators=["urbanisation_rate"])
    pd.testing.assert_frame_equal(after, stored)


def test_an_old_catalogue_gets_the_bundled_rules(tmp_path: Path) -> None:
    project = Project.create(tmp_path / "old", region="empty")
    with project.store() as store:
        store.put_indicators(pd.DataFrame({"code": ["own"], "name_zh": ["自有"], "subject_kind": ["unit"]}))
        with store.engine.begin() as conn:  # as stored before revision 0005
            conn.execute(text("UPDATE indicators SET direction = NULL, min_value = NULL, "
                              "max_value = NULL, max_jump = NULL"))
            conn.execute(text("UPDATE indicators SET max_jump = 7 WHERE code = 'gdp'"))
        before = store.indicators().set_index("code")
        assert before["min_value"].isna().all()
    project.compute(codes=["urbanisation_rate"])
    with project.store() as store:
        after = store.indicators().set_index("code")
        assert fill_missing_rules(store) == 0  # nothing left to fill: one read, no write
    assert after.loc["pop_resident", "min_value"] == 0 and after.loc["age_60_share", "max_value"] == 100
    assert after.loc["age_60_share", "direction"] == -1
    assert after.loc["urbanisation_rate", "max_value"] == 100  # computed: re-put from the registry
    assert after.loc["gdp", "max_jump"] == 7 and np.isnan(after.loc["gdp", "min_value"])  # user's choice
    assert after.loc["own"].isna()[["direction", "min_value", "max_value", "max_jump"]].all()
    cols = ["name_zh", "name_en", "unit", "description_en", "source", "kind"]
    pd.testing.assert_frame_equal(after[cols], before[cols])
