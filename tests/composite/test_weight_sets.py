"""Named weight sets in the framework, chosen by name in a recipe."""

from __future__ import annotations

import pandas as pd
import pytest

from tongcheng import DataError
from tongcheng.composite import Framework, Recipe, Step, build

TABLE = pd.DataFrame({
    "code": ["x", "y", "idx"], "level": [1, 1, 2], "parent": ["idx", "idx", None],
    "direction": [1, 1, 1], "weight": [1, 1, 1], "weight_expert": [3, 1, None],
})
DATA = pd.DataFrame({"x": [0.0, 10.0, 5.0], "y": [10.0, 0.0, 5.0]}, index=["a", "b", "c"])


def recipe(weights: object = None) -> Recipe:
    params = {"method": "amean"} if weights is None else {"method": "amean", "weights": weights}
    return Recipe([Step("normalise", {"method": "minmax", "params": {"l_u": [0, 100]}}),
                   Step("aggregate", params)])


def test_weight_set_read_from_framework_columns() -> None:
    fw = Framework.from_table(TABLE)
    assert fw.weight_sets == {"expert": {"x": 3.0, "y": 1.0}}
    assert fw.weights("expert")[["x", "y", "idx"]].tolist() == [3.0, 1.0, 1.0]
    with pytest.raises(DataError, match="expert"):
        fw.weights("pca")


def test_recipe_selects_weight_set_by_name() -> None:
    fw = Framework.from_table(TABLE)
    nominal = build(recipe(), DATA, fw).aggregated["idx"]
    expert = build(recipe("expert"), DATA, fw).aggregated["idx"]
    assert nominal.tolist() == pytest.approx([50.0, 50.0, 50.0])
    # x normalised: a 0, b 100, c 50; y: a 100, b 0, c 50 → (3x + y) / 4
    assert expert.tolist() == pytest.approx([25.0, 75.0, 50.0])
    fw.add_weight_set("y_only", {"x": 0.0})
    assert build(recipe("y_only"), DATA, fw).aggregated["idx"].tolist() == pytest.approx([100.0, 0.0, 50.0])
    with pytest.raises(DataError, match="unknown code"):
        fw.add_weight_set("bad", {"z": 1.0})
