from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tongcheng._errors import DataError
from tongcheng.composite import aggregate as ag
from tongcheng.composite.framework import Framework, Node

pos = st.floats(0.01, 1e3, allow_nan=False, allow_infinity=False)
MEANS = ["amean", "gmean", "hmean", "genmean"]


@st.composite
def rows_and_weights(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    k = draw(st.integers(1, 8))
    n = draw(st.integers(1, 6))
    x = draw(arrays(np.float64, (n, k), elements=pos))
    w = draw(arrays(np.float64, (k,), elements=st.floats(0.1, 10)))
    return x, w


@settings(max_examples=50, deadline=None)
@given(pos, st.integers(1, 8), st.sampled_from(MEANS))
def test_mean_of_equal_values_is_that_value(v: float, k: int, name: str) -> None:
    w = np.arange(1, k + 1, dtype=float)
    assert ag.AGGREGATORS[name](np.full((1, k), v), w)[0] == pytest.approx(v, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(rows_and_weights())
def test_harmonic_le_geometric_le_arithmetic(xw: tuple[np.ndarray, np.ndarray]) -> None:
    x, w = xw
    a, g, h = ag.amean(x, w), ag.gmean(x, w), ag.hmean(x, w)
    assert np.all(h <= g * (1 + 1e-12)) and np.all(g <= a * (1 + 1e-12))


@settings(max_examples=50, deadline=None)
@given(rows_and_weights(), st.floats(0.01, 100), st.sampled_from(MEANS))
def test_weights_scale_invariance(xw: tuple[np.ndarray, np.ndarray], c: float, name: str) -> None:
    x, w = xw
    f = ag.AGGREGATORS[name]
    assert np.allclose(f(x, w), f(x, c * w), rtol=1e-10)


@settings(max_examples=50, deadline=None)
@given(rows_and_weights(), st.sampled_from(MEANS))
def test_missing_values_skipped_and_weights_renormalised(xw: tuple[np.ndarray, np.ndarray],
                                                         name: str) -> None:
    x, w = xw
    if x.shape[1] < 2:
        return
    f = ag.AGGREGATORS[name]
    holed = x.copy()
    holed[:, 0] = np.nan
    assert np.allclose(f(holed, w), f(x[:, 1:], w[1:]), rtol=1e-10)
    holed[:] = np.nan
    assert np.all(np.isnan(f(holed, w)))


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (3, 4, 5), elements=pos), arrays(np.float64, (3, 5), elements=st.floats(0.1, 5)),
       st.sampled_from(MEANS))
def test_batch_equals_loop(x: np.ndarray, w: np.ndarray, name: str) -> None:
    f = ag.AGGREGATORS[name]
    batch = f(x, w[:, None, :])
    loop = np.stack([f(x[i], w[i]) for i in range(3)])
    assert np.allclose(batch, loop, rtol=1e-12)


def test_genmean_special_cases() -> None:
    x = np.array([[1.0, 2.0, 4.0]])
    w = np.array([1.0, 2.0, 1.0])
    assert ag.genmean(x, w, p=1) == pytest.approx(ag.amean(x, w))
    assert ag.genmean(x, w, p=-1) == pytest.approx(ag.hmean(x, w))
    assert ag.genmean(x, w, p=2)[0] == pytest.approx(np.sqrt((1 + 8 + 16) / 4))
    with pytest.raises(DataError, match="gmean"):
        ag.genmean(x, w, p=0)


def test_errors_teach() -> None:
    with pytest.raises(DataError, match="positive range"):
        ag.gmean(np.array([[0.0, 1.0]]))
    with pytest.raises(DataError, match="zero"):
        ag.hmean(np.array([[0.0, 1.0]]))
    with pytest.raises(DataError, match="NaN"):
        ag.amean(np.array([[1.0, 2.0]]), np.array([1.0, np.nan]))
    with pytest.raises(DataError, match="unknown aggregator"):
        ag.get_aggregator("median")
    assert ag.get_aggregator("a_gmean") is ag.gmean


def tree() -> Framework:
    return Framework([Node("a", 1, "P"), Node("b", 1, "P"), Node("c", 1, "Q"),
                      Node("Q", 2, "I"), Node("P", 2, "I", weight=3), Node("I", 3)])


def test_aggregate_tree_levels_weights_and_threshold() -> None:
    df = pd.DataFrame({"a": [10.0, np.nan], "b": [30.0, 40.0], "c": [50.0, 60.0]}, index=["u", "v"])
    out = ag.aggregate_tree(df, tree())
    assert list(out.columns) == ["a", "b", "c", "P", "Q", "I"]
    assert out.loc["u", "P"] == 20 and out.loc["v", "P"] == 40
    assert out.loc["u", "I"] == pytest.approx((3 * 20 + 50) / 4)
    thr = ag.aggregate_tree(df, tree(), dat_thresh=0.75)
    assert np.isnan(thr.loc["v", "P"]) and np.isnan(thr.loc["v", "I"])  # 1 of 2 children < 0.75
    assert thr.loc["u", "I"] == out.loc["u", "I"]
    mixed = ag.aggregate_tree(df, tree(), method={2: "amean", 3: "gmean"})
    assert mixed.loc["u", "I"] == pytest.approx(np.exp((3 * np.log(20) + np.log(50)) / 4))
    with pytest.raises(DataError, match="lack indicator"):
        ag.aggregate_tree(df[["a"]], tree())


def test_aggregate_batch_with_weight_sets() -> None:
    fw = tree()
    x = np.array([[[10.0, 30.0, 50.0]], [[10.0, 30.0, 50.0]]])  # 2 variants × 1 unit × 3 indicators
    order = fw.coinr_order()  # a b c P Q I
    w = np.ones((2, len(order)))
    w[1, order.index("a")] = 3.0
    out = ag.aggregate_batch(x, fw, weights=w)
    assert out.shape == (2, 1, 6)
    assert out[0, 0, order.index("P")] == 20 and out[1, 0, order.index("P")] == 15
    single = ag.aggregate_batch(x[0], fw)
    assert single[0, order.index("I")] == pytest.approx((3 * 20 + 50) / 4)
