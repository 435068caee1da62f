"""`tongcheng index run` over a project's own indicators: unit, pair and the YRD default."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tongcheng.cli.main import cli
from tongcheng.composite.framework import Framework
from tongcheng.composite.pipeline import Recipe, build
from tongcheng.indicators.context import ComputeContext
from tongcheng.project import Project
from tongcheng.project.index import build_project_index
from tongcheng.project.index_data import pair_index_data
from tongcheng.store.models import Import, IndexRun, Indicator, Observation

CITIES = ["310100", "320100", "320500", "330100", "340100", "330200"]
RECIPE = ("name: own city index\nsteps:\n  - name: normalise\n"
          "    params: {method: minmax, params: {l_u: [0, 100]}}\n"
          "  - name: aggregate\n    params: {method: amean}\n")


def _catalogue_row(code: str) -> dict[str, str]:
    return {"code": code, "name_zh": code, "name_en": code, "unit": "index", "subject_kind": "unit",
            "kind": "raw", "description_zh": "测试", "description_en": "test", "source": "test"}


@pytest.fixture
def own(yrd_project: Project, tmp_path: Path) -> Project:
    """The YRD project with two indicators of the user's own: score_a, score_b (2022; one 2023 value)."""
    with yrd_project.store() as store:
        store.put_indicators(pd.DataFrame([_catalogue_row(c) for c in ("score_a", "score_b", "score_c")]))
    rng = np.random.default_rng(7)
    rows = [{"code": c, "indicator": ind, "period": "2022", "value": round(float(rng.uniform(1, 100)), 2),
             "unit": "index"} for ind in ("score_a", "score_b") for c in CITIES]
    rows.append({"code": "310100", "indicator": "score_a", "period": "2023", "value": 1.0, "unit": "index"})
    path = tmp_path / "own.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    yrd_project.import_stats(path, source="test", vintage="v1")
    return yrd_project


def _files(tmp_path: Path, framework: str, recipe: str = RECIPE) -> list[str]:
    (tmp_path / "fw.csv").write_text(framework, encoding="utf-8")
    (tmp_path / "recipe.yaml").write_text(recipe, encoding="utf-8")
    return ["--framework", str(tmp_path / "fw.csv"), "--recipe", str(tmp_path / "recipe.yaml")]


OWN_FW = ("code,level,parent,name_zh,name_en,direction,weight\n"
          "score_a,1,p1,甲,A,1,1\nscore_b,1,p2,乙,B,-1,1\np1,2,own_index,一,One,1,2\n"
          "p2,2,own_index,二,Two,1,1\nown_index,3,,自有指数,Own index,1,1\n")


def _stored(project: Project, code: str) -> pd.Series:
    with project.store() as store:
        obs = store.observations(indicators=[code])
    return obs.set_index("subject_key")["value"]


def _state(project: Project) -> list[int]:
    """Rows of every table that a failed run could have touched."""
    with project.store() as store, store.engine.connect() as conn:
        return [conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (Observation, IndexRun, Indicator, Import)]


def test_unit_index_over_imported_indicators_matches_a_hand_computation(own: Project, tmp_path: Path) -> None:
    args = ["index", "run", *_files(tmp_path, OWN_FW), "--project", str(own.root)]
    out = CliRunner().invoke(cli, [*args, "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "best rank" in out.output and "worst rank" in out.output and "Shanghai" in out.output
    # the lone 2023 value does not make 2023 the index's year
    assert "periods read: score_a 2022, score_b 2022" in out.output
    assert "Index tc_unit_own_index built: 6 units" in out.output
    with own.store() as store:
        obs = store.observations(indicators=["score_a", "score_b"], periods=["2022"])
    wide = obs.pivot(index="unit_code", columns="indicator", values="value")
    a = (wide["score_a"] - wide["score_a"].min()) / (wide["score_a"].max() - wide["score_a"].min()) * 100
    b = (wide["score_b"].max() - wide["score_b"]) / (wide["score_b"].max() - wide["score_b"].min()) * 100
    expected = (2 * a + b) / 3
    got = _stored(own, "tc_unit_own_index")
    assert sorted(got.index) == sorted(CITIES)
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    assert set(_stored(own, "tc_unit_p1").round(6)) == set(a.round(6))
    rank = _stored(own, "tc_unit_own_index_rank")
    assert rank[expected.idxmax()] == 1
    zh = CliRunner().invoke(cli, [*args, "--lang", "zh"])
    assert zh.exit_code == 0 and "最好排名" in zh.output and "上海市" in zh.output and "6 个单元" in zh.output


def test_recipe_period_and_level_choose_what_is_read(own: Project, tmp_path: Path) -> None:
    fw = "code,level,parent\nscore_a,1,own\nown,2,\n"
    result = build_project_index(own, framework=Path(_files(tmp_path, fw, RECIPE + "period: 2023\n")[1]),
                                 recipe=tmp_path / "recipe.yaml")
    assert result.periods == {"score_a": "2023"} and list(result.subjects.index) == ["310100"]
    assert set(result.subjects["period"]) == {"2023"}


def test_raw_yrd_indicators_make_a_city_index(yrd_project: Project, tmp_path: Path) -> None:
    fw = ("code,level,parent,direction\ngdp,1,economy,1\npop_resident,1,people,1\n"
          "economy,2,city_index,1\npeople,2,city_index,1\ncity_index,3,,1\n")
    args = _files(tmp_path, fw)
    result = build_project_index(yrd_project, framework=Path(args[1]), recipe=Path(args[3]))
    assert result.kind == "unit" and result.code == "tc_unit_city_index"
    with yrd_project.store() as store:
        units = store.units()
        pop = store.observations(indicators=["pop_resident"], periods=[result.periods["pop_resident"]])
    assert (units.loc[result.subjects.index, "level"] == "city").all()
    pop = pop[pop["unit_code"].isin(units.index[units["level"] == "city"])]
    assert set(result.subjects.index) >= set(pop["unit_code"])
    assert result.build.data["gdp"].notna().sum() >= 5  # the period read has most cities' GDP


def test_pair_index_from_a_stored_pair_indicator(yrd_project: Project, tmp_path: Path) -> None:
    fw = "code,level,parent,direction\nrail_time_min,1,reach,-1\nreach,2,,1\n"
    args = _files(tmp_path, fw)
    result = build_project_index(yrd_project, framework=Path(args[1]), recipe=Path(args[3]))
    assert result.kind == "pair" and result.code == "tc_pair_reach"
    with yrd_project.store() as store:
        rail = store.observations(indicators=["rail_time_min"], periods=[result.periods["rail_time_min"]])
    times = rail.set_index("subject_key")["value"]
    assert set(result.subjects.index) == set(times.index)
    rank = _stored(yrd_project, "tc_pair_reach_rank")
    assert (rank[times[times == times.min()].index] == 1).all()


def test_default_pair_index_is_the_metro_pair_build(yrd_project: Project) -> None:
    folder = yrd_project.root / "index"
    result = build_project_index(yrd_project)
    with yrd_project.store() as store:
        data, _ = pair_index_data(ComputeContext.from_store(store))
    direct = build(Recipe.read(folder / "pair_recipe.yaml"), data,
                   Framework.read(folder / "pair_framework.csv"))
    pd.testing.assert_frame_equal(result.build.aggregated, direct.aggregated)
    stored = _stored(yrd_project, "tc_pair_index")
    assert len(stored) == 98
    np.testing.assert_allclose(stored.sort_index(), direct.aggregated["tc_pair_index"].sort_index())
    ranks = result.ranks
    assert ((ranks["rank_best"] <= ranks["rank"]) & (ranks["rank"] <= ranks["rank_worst"])).all()
    assert result.periods["krugman_index"] == "2020"


@pytest.mark.parametrize(("framework", "recipe", "row", "en", "zh"), [
    ("code,level,parent\nscore_a,1,own\nscor_b,1,own\nown,2,\n", RECIPE, 3,
     "use a close code (score_b", "改为相近的代码 (score_b"),
    ("code,level,parent\nscore_a,1,own\nscore_c,1,own\nown,2,\n", RECIPE, 3,
     "with values in the store. Fix: import it (tongcheng import stats FILE) or compute it (tongcheng "
     "indicators compute) first; close codes with values: score_", "相近且有值的代码: score_"),
    ("code,level,parent\nscore_a,1,own\nrail_time_min,1,own\nown,2,\n", RECIPE, 3,
     "is a pair indicator", "是城市对指标"),
    ("code,level,parent\nscore_a,1,own\nown,2,\n", RECIPE + "period: '1999'\n", 2,
     "stored periods: 2022, 2023", "已有时期: 2022, 2023"),
    ("code,level,parent\nscore_a,1,own\nown,2,\n", RECIPE + "level: county\n", 2,
     "score_a has values at: city", "score_a 只有以下层级的值: city"),
])
def test_framework_that_does_not_fit_the_store_is_located(own: Project, tmp_path: Path, framework: str,
                                                          recipe: str, row: int, en: str, zh: str) -> None:
    args = ["index", "run", *_files(tmp_path, framework, recipe), "--project", str(own.root)]
    before = _state(own)
    for lang, words in (("en", [f"fw.csv row {row} column 'code'", en]), ("zh", [f"fw.csv 第 {row} 行", zh])):
        out = CliRunner().invoke(cli, [*args, "--lang", lang])
        assert out.exit_code == 2, out.output
        assert all(w in out.output for w in words), out.output
        assert "Traceback" not in out.output and "tongcheng-bug" not in out.output
    assert _state(own) == before


def test_metro_index_from_computed_metro_indicators(yrd_project: Project, tmp_path: Path) -> None:
    with yrd_project.store() as store:
        metros = sorted(set(store.metro_memberships()["metro_code"]))[:4]
        rows = pd.DataFrame({"indicator": "metro_population", "subject_kind": "metro",
                             "subject_key": [f"metro:{m}" for m in metros], "unit_code": None,
                             "partner_code": None, "metro_code": metros, "period": "2020",
                             "value": [4.0, 1.0, 3.0, 2.0], "unit": "persons"})
        store.replace_computed(rows, indicators=["metro_population"])
    fw = "code,level,parent\nmetro_population,1,size\nsize,2,\n"
    args = _files(tmp_path, fw)
    result = build_project_index(yrd_project, framework=Path(args[1]), recipe=Path(args[3]))
    assert result.kind == "metro" and result.code == "tc_metro_size"
    got = _stored(yrd_project, "tc_metro_size")
    expected = pd.Series([100.0, 0.0, 200 / 3, 100 / 3], index=[f"metro:{m}" for m in metros])
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def test_stored_pair_indicator_joins_the_metro_pairs_in_either_direction(yrd_project: Project,
                                                                          tmp_path: Path) -> None:
    fw = "code,level,parent,direction\nrail_time_equiv,1,reach,-1\nrail_time_min,1,reach,-1\nreach,2,,1\n"
    args = _files(tmp_path, fw)
    result = build_project_index(yrd_project, framework=Path(args[1]), recipe=Path(args[3]))
    assert len(result.subjects) == 98  # the metro pairs of the index's own inputs
    with yrd_project.store() as store:
        rail = store.observations(indicators=["rail_time_min"], periods=[result.periods["rail_time_min"]])
    times = rail.set_index("subject_key")["value"]
    got = result.build.data["rail_time_min"]
    expected = {k: times.get(k, times.get(">".join(k.split(">")[::-1]))) for k in got.index}
    expected = pd.Series(expected, dtype=float).reindex(got.index)
    pd.testing.assert_series_equal(got, expected, check_names=False)
    assert got.notna().sum() >= 20
