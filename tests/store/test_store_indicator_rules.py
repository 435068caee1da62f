"""The catalogue's direction and plausibility columns (revision 0005): written, read, checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tongcheng._errors import StoreError
from tongcheng.store import Store

BASE = {"code": ["gdp", "share", "growth"], "name_zh": ["生产总值", "占比", "增长率"],
        "subject_kind": ["unit"] * 3, "unit": ["100 million CNY", "%", "%"]}


def test_rules_round_trip_with_types_and_nulls(store: Store) -> None:
    store.put_indicators(pd.DataFrame({**BASE, "direction": [1, 0, None], "min_value": [0, 0, None],
                                       "max_value": [None, "100", ""], "max_jump": [3, None, None]}))
    got = store.indicators().set_index("code")
    assert str(got["direction"].dtype) == "Int64" and got["max_jump"].dtype == "float64"
    assert got.loc["gdp", "direction"] == 1 and got["direction"].isna()[["share", "growth"]].all()
    assert got.loc["share", "max_value"] == 100.0 and np.isnan(got.loc["gdp", "max_value"])
    assert got.loc["gdp", "max_jump"] == 3.0 and got.loc["growth"][["min_value", "max_jump"]].isna().all()


def test_a_frame_without_rule_columns_leaves_them_as_stored(store: Store) -> None:
    store.put_indicators(pd.DataFrame({**BASE, "direction": [1, -1, None], "min_value": [0, 0, -100],
                                       "max_value": [None, 100, None], "max_jump": [3, None, None]}))
    store.put_indicators(pd.DataFrame({**BASE, "name_zh": ["地区生产总值", "占比", "增长率"],
                                       "max_jump": [5, None, None]}))
    got = store.indicators().set_index("code")
    assert got.loc["gdp", "name_zh"] == "地区生产总值" and got.loc["gdp", "max_jump"] == 5
    assert got.loc["gdp", "direction"] == 1 and got.loc["share", "direction"] == -1
    assert pd.isna(got.loc["growth", "direction"])
    assert got.loc["growth", "min_value"] == -100 and got.loc["share", "max_value"] == 100


@pytest.mark.parametrize(("column", "value", "words"), [
    ("direction", 2, "1, -1 or empty"),
    ("min_value", "about 5", "a finite number"),
    ("max_value", float("inf"), "a finite number"),
    ("max_jump", 1, "a finite factor above 1"),
    ("max_jump", float("-inf"), "a finite factor above 1"),
])
def test_unusable_rules_are_refused_and_nothing_is_written(store: Store, column: str, value: object,
                                                           words: str) -> None:
    frame = pd.DataFrame({**BASE, column: [value, None, None]})
    with pytest.raises(StoreError) as err:
        store.put_indicators(frame)
    assert f"column '{column}' has gdp=" in str(err.value) and words in str(err.value)
    assert f"「{column}」列" in err.value.render("zh")
    assert store.indicators().empty


def test_min_above_max_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="gdp: min_value is above max_value"):
        store.put_indicators(pd.DataFrame({**BASE, "min_value": [10, 0, None], "max_value": [1, 100, None]}))
