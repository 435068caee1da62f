from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tongcheng._errors import DataError, ValidationError
from tongcheng.composite.framework import Framework, Node, UnitSet, pair_key, roll_up


def small() -> Framework:
    return Framework([Node("a", 1, "P"), Node("b", 1, "P", weight=3), Node("c", 1, "Q", direction=-1),
                      Node("P", 2, "I"), Node("Q", 2, "I", weight=2), Node("I", 3)])


def test_queries() -> None:
    fw = small()
    assert fw.indicators == ["a", "b", "c"]
    assert fw.levels == [1, 2, 3]
    assert fw.root == "I"
    assert fw.children("P") == ["a", "b"]
    assert fw.lineage("c") == ["c", "Q", "I"]
    assert fw.coinr_order() == ["a", "b", "c", "P", "Q", "I"]
    assert fw.directions().to_dict() == {"a": 1, "b": 1, "c": -1}
    with pytest.raises(DataError, match="not in the framework"):
        fw.children("zz")


def test_effective_weights_product_down_the_tree() -> None:
    eff = small().effective_weights()
    assert eff["I"] == 1
    assert eff["P"] == pytest.approx(1 / 3)
    assert eff["b"] == pytest.approx(1 / 3 * 3 / 4)
    assert eff["c"] == pytest.approx(2 / 3)
    assert eff[["a", "b", "c"]].sum() == pytest.approx(1)
    assert small().effective_weights({"Q": 1})["c"] == pytest.approx(0.5)


def test_validation_collects_located_problems(tmp_path: Path) -> None:
    csv = tmp_path / "fw.csv"
    pd.DataFrame({"code": ["a", "a", "b", "P", "X", "Y"], "level": [1, 1, 1, 2, 2, 3],
                  "parent": ["P", "P", "Nope", None, "Y", "X"],
                  "direction": [1, 1, 2, 1, 1, 1], "weight": [1, 1, 1, 1, -1, 1]}).to_csv(csv, index=False)
    with pytest.raises(ValidationError) as info:
        Framework.from_csv(csv)
    probs = info.value.problems
    where = {(p.row, p.column) for p in probs}
    assert (3, "code") in where          # duplicate 'a' on row 3
    assert (4, "parent") in where        # orphan b -> Nope
    assert (4, "direction") in where     # direction 2
    assert (6, "weight") in where        # negative weight on X
    assert any("cycles" in str(p.expected) for p in probs)  # X <-> Y
    assert all(p.file == "fw.csv" for p in probs)
    assert "fw.csv row 3 column 'code'" in str(info.value)


def test_level_step_and_single_root() -> None:
    with pytest.raises(ValidationError) as info:
        Framework([Node("a", 1, "I"), Node("I", 3), Node("J", 2)])
    text = str(info.value)
    assert "one less than its parent's level" in text
    assert "exactly one root" in text


def test_coinr_imeta_columns_and_yaml_round_trip(tmp_path: Path) -> None:
    imeta = pd.DataFrame({"Level": [1, 1, 2, None], "iCode": ["x", "y", "Idx", "GDP"],
                          "iName": ["X", "Y", "Index", "GDP"], "Direction": [1, -1, 1, None],
                          "Weight": [1, 2, 1, None], "Parent": ["Idx", "Idx", None, None],
                          "Denominator": ["GDP", None, None, None],
                          "Type": ["Indicator", "Indicator", "Aggregate", "Denominator"]})
    imeta.to_csv(tmp_path / "iMeta.csv", index=False)
    fw = Framework.from_coinr_imeta(tmp_path / "iMeta.csv")
    assert fw.indicators == ["x", "y"]
    assert fw.nodes["x"].name_en == "X"
    assert fw.denominators() == {"x": "GDP", "y": None}
    fw.to_yaml(tmp_path / "fw.yaml")
    again = Framework.read(tmp_path / "fw.yaml")
    assert again.to_table().equals(fw.to_table())


def test_target_band_validated() -> None:
    with pytest.raises(ValidationError, match="target_low"):
        Framework([Node("a", 1, "I", target_low=5, target_high=1), Node("I", 2)])


def test_unit_sets_and_pairs() -> None:
    pairs = UnitSet.from_pairs([("b", "a"), ("a", "b"), ("a", "c")], symmetric=True)
    assert pairs.codes == ("a>b", "a>c")
    assert pairs.ends().loc["a>c", "destination"] == "c"
    assert pair_key("b", "a") == "b>a"
    with pytest.raises(ValidationError):
        UnitSet(("a", "a"))
    with pytest.raises(ValidationError):
        UnitSet(("G",), kind="group")
    with pytest.raises(DataError):
        UnitSet(("a",)).ends()


def test_roll_up_rules() -> None:
    df = pd.DataFrame({"x": [1.0, 3.0, np.nan], "y": [2.0, 4.0, 6.0]}, index=["a", "b", "c"])
    groups = {"G": ["a", "b", "c"]}
    assert roll_up(df, groups).loc["G"].tolist() == [2.0, 4.0]
    assert roll_up(df, groups, rule="sum").loc["G"].tolist() == [4.0, 12.0]
    pw = roll_up(df, groups, rule="population_weighted", weights={"a": 1, "b": 3, "c": 4})
    assert pw.loc["G", "x"] == pytest.approx(2.5)
    assert pw.loc["G", "y"] == pytest.approx((2 + 12 + 24) / 8)
    with pytest.raises(ValidationError):
        roll_up(df, {"G": ["a", "zz"]})
    with pytest.raises(ValidationError):
        roll_up(df, groups, rule="population_weighted")
