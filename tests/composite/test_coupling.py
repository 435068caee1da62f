"""Coupling coordination degree: hand-computed cases, the 2021 paper's table, properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tongcheng._errors import DataError
from tongcheng.composite.coupling import (
    COORDINATION_CLASSES,
    coordination_class,
    coordination_degree,
    coupling_degree,
)


def test_standard_and_modified_three_subsystems_by_hand() -> None:
    u = pd.DataFrame({"a": [0.6], "b": [0.3], "c": [0.9]})
    standard = 3 * (0.6 * 0.3 * 0.9) ** (1 / 3) / 1.8
    assert coupling_degree(u).iloc[0] == pytest.approx(standard)
    # Modified: pairwise |differences| .3 + .3 + .6 = 1.2 over Σ_{m=1}^{2} m = 3 -> 1 - 0.4 = 0.6;
    # (0.6/0.9 · 0.3/0.9 · 0.9/0.9)^(1/2) = sqrt(2/9); C = sqrt(0.6 · sqrt(2/9)) = 0.53183.
    modified = math.sqrt(0.6 * math.sqrt(2 / 9))
    assert coupling_degree(u, formula="modified2021").iloc[0] == pytest.approx(modified)
    assert modified == pytest.approx(0.53183, abs=1e-5)


def test_modified_formula_reproduces_wang_et_al_2021_table8() -> None:
    # 王淑佳 et al. (2021) 自然资源学报 36(3), Table 8: C of the eco-economic system (n = 2) of
    # Beijing-Tianjin-Hebei cities, original model / modified model. For n = 2 the standard C fixes
    # the ratio r = u_min/u_max and the modified C then fixes the gap, so each pair of published
    # values identifies (u_max, u_min). Under the formula as implemented (product of u_i / max u),
    # every pair gives subsystem scores inside [0, 1] and both published C values back; under the
    # other reading, (Π u_i) / max u, Beijing 2008 (0.9989, 0.9404) has no solution in [0, 1].
    table8 = {
        "北京 2008": (0.9989, 0.9404),
        "天津 2008": (0.9935, 0.8660),
        "秦皇岛 2008": (0.6821, 0.3006),
        "承德 2008": (0.6101, 0.2700),
        "张家口 2009": (0.7180, 0.3533),
        "沧州 2011": (0.8601, 0.4994),
    }
    for city, (c_std, c_mod) in table8.items():
        s = (1 - math.sqrt(1 - c_std**2)) / c_std
        r = s * s
        gap = 1 - c_mod**2 / r
        u_max = gap / (1 - r)
        assert 0 < r * u_max < u_max <= 1, city
        u = pd.DataFrame({"eco": [u_max], "econ": [r * u_max]})
        assert coupling_degree(u).iloc[0] == pytest.approx(c_std, abs=1e-9), city
        assert coupling_degree(u, formula="modified2021").iloc[0] == pytest.approx(c_mod, abs=1e-9), city
    # The other reading for Beijing: C^2 = (1 - (u_max - u_min)) u_min with u_min = r u_max has no root.
    s = (1 - math.sqrt(1 - 0.9989**2)) / 0.9989
    r = s * s
    grid = np.linspace(0, 1, 100_001)
    assert np.max((1 - (grid - r * grid)) * r * grid) < 0.9404**2


def test_coordination_degree_and_weights() -> None:
    u = pd.DataFrame({"x": [0.2, 0.8], "y": [0.6, 0.4]}, index=["A", "B"])
    out = coordination_degree(u, weights=pd.Series({"y": 3.0, "x": 1.0}))
    t = np.array([0.25 * 0.2 + 0.75 * 0.6, 0.25 * 0.8 + 0.75 * 0.4])
    c = 2 * np.sqrt(u["x"] * u["y"]) / (u["x"] + u["y"])
    np.testing.assert_allclose(out["T"], t)
    np.testing.assert_allclose(out["C"], c)
    np.testing.assert_allclose(out["D"], np.sqrt(c * t))
    given_c = pd.Series([0.5, 0.5], index=u.index)
    shuffled = pd.Series([0.9, 0.1], index=["B", "A"])  # aligned by unit, not by position
    assert coordination_degree(u, C=shuffled)["C"].tolist() == [0.1, 0.9]
    np.testing.assert_allclose(coordination_degree(u, C=given_c)["D"], np.sqrt(0.5 * u.mean(axis=1)))
    mod = coordination_degree(u, formula="modified2021")
    np.testing.assert_allclose(mod["C"], coupling_degree(u, formula="modified2021"))
    with pytest.raises(DataError, match="expected weights for subsystems"):
        coordination_degree(u, weights=pd.Series({"x": 1.0}))


def test_errors_and_zero_scores() -> None:
    with pytest.raises(DataError, match=r"in \[0, 1\].*from -0.1 to 0.5"):
        coupling_degree(pd.DataFrame({"a": [-0.1], "b": [0.5]}))
    with pytest.raises(DataError, match="at least 2 subsystems"):
        coupling_degree(pd.DataFrame({"a": [0.5]}))
    with pytest.raises(DataError, match="formula"):
        coupling_degree(pd.DataFrame({"a": [0.5], "b": [0.5]}), formula="wang")  # type: ignore[arg-type]
    zero = pd.DataFrame({"a": [0.0, 0.0], "b": [0.0, 0.4]})
    for formula in ("standard", "modified2021"):
        c = coupling_degree(zero, formula=formula)
        assert math.isnan(c.iloc[0]) and c.iloc[1] == 0


def test_coordination_classes_boundaries() -> None:
    assert len(COORDINATION_CLASSES) == 10
    assert [k.zh for k in COORDINATION_CLASSES] == [
        "极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调",
        "勉强协调", "初级协调", "中级协调", "良好协调", "优质协调",
    ]  # fmt: skip
    d = pd.Series([0.0, 0.0999, 0.1, 0.3, 0.4999, 0.5, 0.7, 0.8999, 0.9, 1.0, np.nan])
    got = coordination_class(d).tolist()
    assert got[:10] == [
        "极度失调", "极度失调", "严重失调", "轻度失调", "濒临失调",
        "勉强协调", "中级协调", "良好协调", "优质协调", "优质协调",
    ]  # fmt: skip
    assert pd.isna(got[10])
    assert coordination_class(d, language="en").iloc[5] == "barely coordinated"
    assert coordination_class(0.65, language="both").iloc[0] == "初级协调 (primary coordination)"
    assert coordination_class(d).cat.ordered
    with pytest.raises(DataError, match="expected D in"):
        coordination_class(1.2)


_u = arrays(float, st.tuples(st.integers(1, 6), st.integers(2, 5)), elements=st.floats(0, 1))


@settings(max_examples=150, deadline=None)
@given(_u)
def test_coupling_bounds(u: np.ndarray) -> None:
    for formula in ("standard", "modified2021"):
        c = coupling_degree(u, formula=formula)
        ok = ~np.isnan(c)
        assert np.all((c[ok] >= 0) & (c[ok] <= 1))
        assert np.all(np.isnan(c) == (u.max(axis=-1) == 0))


@settings(max_examples=100, deadline=None)
@given(st.floats(0.001, 1), st.integers(2, 6), st.integers(1, 5))
def test_equal_subsystems_give_full_coupling(level: float, n: int, units: int) -> None:
    u = np.full((units, n), level)
    np.testing.assert_allclose(coupling_degree(u), 1.0)
    np.testing.assert_allclose(coupling_degree(u, formula="modified2021"), 1.0)


@settings(max_examples=100, deadline=None)
@given(
    arrays(float, st.tuples(st.integers(1, 5), st.integers(2, 4)), elements=st.floats(0.01, 0.9)), st.data()
)
def test_standard_is_scale_invariant_and_d_monotone_in_t(u: np.ndarray, data: st.DataObject) -> None:
    cols = [f"s{k}" for k in range(u.shape[1])]
    df = pd.DataFrame(u, columns=cols)
    k = data.draw(st.floats(0.1, 1.0))
    np.testing.assert_allclose(coupling_degree(df * k), coupling_degree(df), atol=1e-12)
    # Raising every subsystem by the same factor keeps C (standard) and raises T, so D rises.
    lifted = df * (1 + data.draw(st.floats(0.01, 0.1)))
    before, after = coordination_degree(df), coordination_degree(lifted)
    np.testing.assert_allclose(after["C"], before["C"], atol=1e-12)
    assert (after["T"] > before["T"]).all() and (after["D"] > before["D"]).all()
    # For any fixed C, D = sqrt(C T) is increasing in T.
    c = pd.Series(0.7, index=df.index)
    d1 = coordination_degree(df, C=c)["D"]
    d2 = coordination_degree(lifted, C=c)["D"]
    assert (d2 > d1).all()
    # Permuting subsystems changes nothing; batched arrays give the same C.
    perm = data.draw(st.permutations(cols))
    for formula in ("standard", "modified2021"):
        np.testing.assert_allclose(
            coupling_degree(df[perm], formula=formula), coupling_degree(df, formula=formula)
        )
        np.testing.assert_allclose(
            coupling_degree(np.stack([u, u]), formula=formula)[1], coupling_degree(u, formula=formula)
        )
