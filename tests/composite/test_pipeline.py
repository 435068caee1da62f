from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tongcheng import __version__
from tongcheng._errors import DataError, ValidationError
from tongcheng.composite.framework import Framework, Node
from tongcheng.composite.pipeline import Recipe, Step, build, build_panel, sha256_frame

FULL = Recipe([Step("denominate", {"mapping": "framework"}),
               Step("impute", {"method": "group_mean", "group": "grp"}),
               Step("screen", {"min_availability": 0.5}),
               Step("treat", {"winmax": 5}),
               Step("normalise", {"method": "minmax", "params": {"l_u": [0, 100]}}),
               Step("aggregate", {"method": "amean"})], name="toy")


def framework() -> Framework:
    return Framework([Node("a", 1, "P", denominator="pop"), Node("b", 1, "P", direction=-1),
                      Node("c", 1, "Q"), Node("d", 1, "Q", weight=2),
                      Node("P", 2, "I"), Node("Q", 2, "I"), Node("I", 3)])


def data(n: int = 30, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.lognormal(size=(n, 4)), columns=list("abcd"),
                      index=[f"u{i:02d}" for i in range(n)])
    df.loc["u03", "a"] = np.nan
    df.loc["u05", ["a", "b", "c"]] = np.nan
    df["d"] = df["d"] ** 3  # heavy tail to trigger winsorisation
    df["pop"] = rng.uniform(1, 10, n)
    df["grp"] = np.where(np.arange(n) % 2, "x", "y")
    return df


def test_recipe_yaml_and_json_round_trip(tmp_path: Path) -> None:
    assert Recipe.from_yaml(FULL.to_yaml()) == FULL
    FULL.to_json(tmp_path / "r.json")
    assert Recipe.read(tmp_path / "r.json") == FULL
    FULL.to_yaml(tmp_path / "r.yaml")
    assert Recipe.read(tmp_path / "r.yaml") == FULL
    levels = Recipe([Step("aggregate", {"method": {2: "amean", 3: "gmean"}})])
    assert Recipe.from_json(levels.to_json()) == levels
    short = Recipe.from_yaml("steps:\n  - normalise: {method: rank}\n  - aggregate\n")
    assert [s.name for s in short.steps] == ["normalise", "aggregate"]


def test_recipe_validation_locates_problems() -> None:
    with pytest.raises(ValidationError) as info:
        Recipe([Step("normalise", {"methd": "x"}), Step("treat"), Step("blend")])
    text = str(info.value)
    assert "steps[0].params" in text and "methd" in text
    assert "steps[1]" in text and "order" in text
    assert "steps[2]" in text and "blend" in text
    with pytest.raises(ValidationError):
        Recipe.from_yaml("name: x\n")


def test_build_keeps_all_stages_and_records_hashes() -> None:
    df = data()
    b = build(FULL, df, framework())
    assert list(b.stages) == ["raw", "denominated", "imputed", "screened", "treated", "normalised",
                              "aggregated"]
    assert b.logs["imputation_flags"].loc["u05"].sum() == 3  # imputed before screening, as COINr
    assert len(b.stages["screened"]) == 30
    unscreened = build(Recipe([Step("screen", {"min_availability": 0.5})]), data(), framework())
    assert "u05" not in unscreened.stages["screened"].index
    assert unscreened.logs["availability"].loc["u05", "availability"] == 0.25
    assert b.recipe.version == __version__
    assert b.recipe.inputs["data_sha256"] == sha256_frame(b.data)
    assert b.n_winsorised >= 1
    assert list(b.aggregated.columns) == ["a", "b", "c", "d", "P", "Q", "I"]


def test_build_refuses_data_missing_indicators() -> None:
    with pytest.raises(ValidationError, match="'c'"):
        build(FULL, data().drop(columns="c"), framework())


@pytest.mark.parametrize("change", [{"normalise": {"method": "zscore", "params": {"m_sd": [10, 2]}}},
                                    {"treat": {"winmax": 1}},
                                    {"aggregate": {"method": "gmean"},
                                     "normalise": {"params": {"l_u": [1, 100]}}}])
def test_regenerate_equals_fresh_build(change: dict) -> None:
    df = data()
    regen = build(FULL, df, framework()).regenerate(**change)
    fresh = build(FULL.replace(**change), df, framework())
    for name, stage in fresh.stages.items():
        pd.testing.assert_frame_equal(regen.stages[name], stage)
    assert regen.recipe == fresh.recipe


def test_regenerate_from_named_step_and_errors() -> None:
    b = build(FULL, data(), framework())
    again = b.regenerate(from_step="normalise")
    assert again.stages["treated"] is b.stages["treated"]
    pd.testing.assert_frame_equal(again.aggregated, b.aggregated)
    with pytest.raises(DataError, match="from_step"):
        b.regenerate(from_step="blend")


def test_outputs(tmp_path: Path) -> None:
    b = build(FULL, data(), framework())
    scores = b.scores(level=3)
    assert set(scores.columns) == {"unit", "code", "level", "score", "rank"}
    assert scores.sort_values("rank")["unit"].iloc[0] == b.aggregated["I"].idxmax()
    contrib = b.contributions()
    assert np.allclose(contrib.sum(axis=1), b.aggregated["I"])
    sw = b.strengths_weaknesses(n=1)
    assert set(sw["kind"]) == {"strength", "weakness"} and len(sw) == 2 * len(b.aggregated)
    assert b.aggregated_coinr().columns[0] == "uCode"

    written = b.to_csv(tmp_path / "csv")
    names = {p.name for p in written}
    assert {"raw.csv", "aggregated.csv", "treatment.csv", "recipe.resolved.yaml"} <= names
    assert Recipe.read(tmp_path / "csv" / "recipe.resolved.yaml") == b.recipe
    agg = pd.read_csv(tmp_path / "csv" / "aggregated.csv")
    assert list(agg.columns) == ["uCode", *b.aggregated.columns]

    xlsx = b.to_excel(tmp_path / "index.xlsx")
    wb = openpyxl.load_workbook(xlsx)  # normal (not read-only) mode
    assert {"raw", "aggregated", "recipe", "treatment"} <= set(wb.sheetnames)
    assert wb["aggregated"].cell(1, 1).value == "uCode"

    pq = b.to_parquet(tmp_path / "pq")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "pq" / "aggregated.parquet"), b.aggregated)
    assert len(pq) == len(b.tables())


def test_panel_build_time_imputation_and_base_index() -> None:
    fw = Framework([Node("a", 1, "I"), Node("b", 1, "I"), Node("I", 2)])
    panel = pd.DataFrame({"uCode": ["x", "y"] * 3, "Time": [1, 1, 2, 2, 3, 3],
                          "a": [1.0, 2.0, np.nan, 4.0, 3.0, 6.0], "b": [2.0, 2.0, 4.0, 4.0, 6.0, 8.0]})
    recipe = Recipe([Step("impute", {"method": "linear"}),
                     Step("normalise", {"method": "base_index", "global": True, "base_time": 1}),
                     Step("aggregate")])
    pb = build_panel(recipe, panel, fw)
    agg = pb.aggregated
    assert agg.loc[(agg.Time == 2) & (agg.uCode == "x"), "a"].item() == 200  # imputed 2 / base 1
    assert agg.loc[(agg.Time == 3) & (agg.uCode == "y"), "I"].item() == 350
    assert not pb.builds[1].can_regenerate
    with pytest.raises(DataError, match="panel"):
        pb.builds[1].regenerate(aggregate={"method": "gmean"})
    per_year = build_panel(Recipe([Step("normalise"), Step("aggregate")]), panel.fillna(0), fw)
    assert per_year.builds[2].can_regenerate
    normalised = per_year.stage("normalised")
    assert normalised.loc[normalised.Time == 3, "b"].tolist() == [0, 100]  # each year on its own
    assert normalised.loc[normalised.Time == 1, "b"].isna().all()  # constant -> NaN, as COINr


def test_treat_exclude_leaves_columns_untouched() -> None:
    df = data()
    b = build(Recipe([Step("treat", {"winmax": 5, "exclude": ["d"]})]), df, framework())
    pd.testing.assert_series_equal(b.stages["treated"]["d"], b.stages["raw"]["d"])
    assert "d" not in b.logs["treatment"].index


def test_distance_to_policy_targets_from_framework() -> None:
    fw = Framework([Node("a", 1, "I", target=4.0), Node("b", 1, "I", direction=-1, target=1.0),
                    Node("I", 2)])
    df = pd.DataFrame({"a": [0.0, 2.0, 8.0], "b": [3.0, 2.0, 1.0]}, index=["x", "y", "z"])
    b = build(Recipe([Step("normalise", {"method": "dist2targ", "params": "framework"})]), df, fw)
    assert b.stages["normalised"]["a"].tolist() == [0.0, 0.5, 2.0]
    assert b.stages["normalised"]["b"].tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(ValidationError, match="policy target"):
        build(Recipe([Step("normalise", {"method": "dist2targ", "params": "framework"})]), data(),
              framework())
