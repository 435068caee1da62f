"""Weighting methods: published worked examples, hand-computed cases, and properties."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tongcheng._errors import DataError
from tongcheng.composite.weights import (
    SAATY_RANDOM_INDEX,
    ahp_weights,
    bod_weights,
    correlation_optimised_weights,
    critic_weights,
    critic_weights_array,
    entropy_weights,
    entropy_weights_array,
    equal_weights,
    expert_weights,
    indicator_entropy,
    pca_weights,
)


def _pairwise(rows: list[str], labels: list[str] | None = None) -> pd.DataFrame:
    a = [[float(Fraction(v)) for v in r.split()] for r in rows]
    labels = labels or [f"c{i}" for i in range(len(a))]
    return pd.DataFrame(a, index=labels, columns=labels)


# Saaty, T. L. (1990) How to make a decision: the analytic hierarchy process. European Journal of
# Operational Research 48, 9-26: the house example (8 criteria), priorities .173 .054 .188 .018 .031
# .036 .167 .333, lambda_max 9.669, CI 0.238, CR 0.169.
HOUSE = [
    "1 5 3 7 6 6 1/3 1/4",
    "1/5 1 1/3 5 3 3 1/5 1/7",
    "1/3 3 1 6 3 4 6 1/5",
    "1/7 1/5 1/6 1 1/3 1/4 1/7 1/8",
    "1/6 1/3 1/3 3 1 1/2 1/5 1/6",
    "1/6 1/3 1/4 4 2 1 1/5 1/6",
    "3 5 1/6 7 5 5 1 1/2",
    "4 7 5 8 6 6 2 1",
]
# Saaty (1980, 1990): relative wealth of nations (US, USSR, China, France, UK, Japan, W. Germany),
# eigenvector .427 .230 .021 .052 .052 .123 .094, lambda_max 7.61, CR 0.08.
WEALTH = [
    "1 4 9 6 6 5 5",
    "1/4 1 7 5 5 3 4",
    "1/9 1/7 1 1/5 1/5 1/7 1/5",
    "1/6 1/5 5 1 1 1/3 1/3",
    "1/6 1/5 5 1 1 1/3 1/3",
    "1/5 1/3 7 3 3 1 2",
    "1/5 1/4 5 3 3 1/2 1",
]


# ----------------------------------------------------------------------------- simple


def test_equal_and_expert_weights() -> None:
    assert equal_weights(["a", "b"]).tolist() == [0.5, 0.5]
    w = expert_weights({"a": 60, "b": 30, "c": 10})
    assert w.to_dict() == pytest.approx({"a": 0.6, "b": 0.3, "c": 0.1})
    with pytest.raises(DataError, match="non-negative"):
        expert_weights({"a": 1, "b": -1})
    with pytest.raises(DataError, match="positive total"):
        expert_weights({"a": 0, "b": 0})
    with pytest.raises(DataError, match="duplicates"):
        equal_weights(["a", "a"])


# ----------------------------------------------------------------------------- AHP


def test_ahp_saaty_house_example() -> None:
    m = _pairwise(HOUSE)
    with pytest.warns(UserWarning, match=r"consistency ratio 0\.169 exceeds 0\.1"):
        w, cr, lam = ahp_weights(m)
    assert w.round(3).tolist() == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert lam == pytest.approx(9.669, abs=5e-4)
    assert (lam - 8) / 7 == pytest.approx(0.238, abs=5e-4)
    assert cr == pytest.approx(0.169, abs=5e-4)
    assert w.sum() == pytest.approx(1)


def test_ahp_saaty_wealth_example_is_consistent_enough() -> None:
    w, cr, lam = ahp_weights(_pairwise(WEALTH))  # no warning: CR < 0.1
    assert w.round(3).tolist() == [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
    assert lam == pytest.approx(7.61, abs=5e-3)
    assert cr == pytest.approx(0.08, abs=5e-3)


def test_ahp_geometric_mean_close_to_eigenvector_and_exact_when_consistent() -> None:
    res = ahp_weights(_pairwise(WEALTH), method="geometric")
    eig = ahp_weights(_pairwise(WEALTH))
    assert np.abs(res.weights - eig.weights).max() < 0.01
    true = np.array([0.4, 0.3, 0.2, 0.1])
    m = pd.DataFrame(true[:, None] / true[None, :], index=list("abcd"), columns=list("abcd"))
    for method in ("eigenvector", "geometric"):
        w, cr, lam = ahp_weights(m, method=method)
        np.testing.assert_allclose(w, true, atol=1e-12)
        assert lam == pytest.approx(4)
        assert cr == pytest.approx(0, abs=1e-12)


def test_ahp_reciprocity_errors_are_located() -> None:
    m = _pairwise(["1 3 5", "1/3 1 2", "1/5 1/3 1"], list("xyz"))
    with pytest.raises(DataError) as err:
        ahp_weights(m)
    text = str(err.value)
    assert "a[y, z]·a[z, y]" in text and "expected 1" in text and "1 / a[i, j]" in text
    assert "a[x, y]" not in text
    m.loc["x", "x"] = 2
    with pytest.raises(DataError, match=r"a\[x, x\] = 2 \(expected 1 on the diagonal\)"):
        ahp_weights(m)


def test_ahp_column_order_follows_index_and_random_index_table() -> None:
    m = _pairwise(["1 2", "1/2 1"], ["p", "q"])[["q", "p"]]
    w, cr, _ = ahp_weights(m)
    assert w.to_dict() == pytest.approx({"p": 2 / 3, "q": 1 / 3})
    assert cr == 0
    assert SAATY_RANDOM_INDEX[3] == 0.58 and SAATY_RANDOM_INDEX[15] == 1.59
    assert len(SAATY_RANDOM_INDEX) == 15


@st.composite
def _reciprocal(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(2, 7))
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9]
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = draw(st.sampled_from(scale))
            a[j, i] = 1 / a[i, j]
    return a


@settings(max_examples=60, deadline=None)
@given(_reciprocal(), st.data())
def test_ahp_properties(a: np.ndarray, data: st.DataObject) -> None:
    n = len(a)
    codes = [f"i{k}" for k in range(n)]
    m = pd.DataFrame(a, index=codes, columns=codes)
    with np.errstate(all="ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            w, cr, lam = ahp_weights(m)
            perm = data.draw(st.permutations(range(n)))
            pm = m.iloc[perm, perm]
            w2, _, lam2 = ahp_weights(pm)
    assert w.sum() == pytest.approx(1) and (w >= 0).all()
    assert lam >= n - 1e-9 and cr >= 0
    pd.testing.assert_series_equal(w2.reindex(codes), w, atol=1e-9)
    assert lam2 == pytest.approx(lam)


# ----------------------------------------------------------------------------- entropy


def test_entropy_hand_computed_with_zeros() -> None:
    # a is constant: e = 1, d = 0. b = (1,0,0,0): p = (1,0,0,0), e = 0 (0 ln 0 = 0), d = 1.
    # c = (1,1,0,0): p = (.5,.5,0,0), e = ln 2 / ln 4 = 0.5, d = 0.5.  w = (0, 2/3, 1/3).
    d = pd.DataFrame({"a": [1.0, 1, 1, 1], "b": [1.0, 0, 0, 0], "c": [1.0, 1, 0, 0]})
    assert indicator_entropy(d).tolist() == pytest.approx([1.0, 0.0, 0.5])
    assert entropy_weights(d).tolist() == pytest.approx([0, 2 / 3, 1 / 3])


def test_entropy_shift_is_explicit() -> None:
    d = pd.DataFrame({"a": [0.0, 0.5, 1.0], "b": [0.0, 0.0, 1.0]})
    s = 0.01
    x = d.to_numpy() + s
    p = x / x.sum(axis=0)
    e = -(p * np.log(p)).sum(axis=0) / np.log(3)
    expected = (1 - e) / (1 - e).sum()
    assert entropy_weights(d, shift=s).tolist() == pytest.approx(expected.tolist())
    assert entropy_weights(d, shift=s).tolist() != pytest.approx(entropy_weights(d).tolist())


def test_entropy_panel_per_year_and_pooled() -> None:
    idx = pd.MultiIndex.from_product([["u1", "u2", "u3"], [2020, 2021]], names=["unit", "year"])
    d = pd.DataFrame({"a": [1.0, 1, 2, 3, 3, 5], "b": [0.0, 2, 1, 2, 5, 2]}, index=idx)
    per_year = entropy_weights(d)
    assert list(per_year.index) == [2020, 2021] and per_year.index.name == "year"
    for year in (2020, 2021):
        one = d.xs(year, level="year")
        assert per_year.loc[year].tolist() == pytest.approx(entropy_weights(one).tolist())
    pooled = entropy_weights(d, panel=True)
    flat = d.reset_index(drop=True)
    assert pooled.tolist() == pytest.approx(entropy_weights(flat).tolist())
    assert pooled.sum() == pytest.approx(1)


def test_entropy_errors() -> None:
    with pytest.raises(DataError, match="non-negative"):
        entropy_weights(pd.DataFrame({"a": [-1.0, 1], "b": [1.0, 2]}))
    with pytest.raises(DataError, match="zero for every unit"):
        entropy_weights(pd.DataFrame({"a": [0.0, 0], "b": [1.0, 2]}))
    with pytest.raises(DataError, match="undefined"):
        entropy_weights(pd.DataFrame({"a": [1.0, 1], "b": [2.0, 2]}))
    with pytest.raises(DataError, match="missing values in \\['b'\\]"):
        entropy_weights(pd.DataFrame({"a": [1.0, 2], "b": [np.nan, 2]}))


_nonneg = arrays(
    float,
    st.tuples(st.integers(3, 8), st.integers(2, 5)),
    elements=st.floats(0, 1, allow_nan=False).map(lambda v: round(v, 3)),
)


@settings(max_examples=80, deadline=None)
@given(_nonneg, st.data())
def test_entropy_properties(x: np.ndarray, data: st.DataObject) -> None:
    x = x + 0.001 * np.arange(x.shape[0])[:, None]  # no constant or all-zero column
    codes = [f"i{k}" for k in range(x.shape[1])]
    d = pd.DataFrame(x, columns=codes)
    w = entropy_weights(d)
    assert w.sum() == pytest.approx(1) and (w >= -1e-12).all()
    perm = data.draw(st.permutations(codes))
    pd.testing.assert_series_equal(entropy_weights(d[perm]).reindex(codes), w, atol=1e-10)
    scale = data.draw(arrays(float, x.shape[1], elements=st.floats(0.1, 100)))
    pd.testing.assert_series_equal(entropy_weights(d * scale), w, atol=1e-9)  # per-column scale
    batch = np.stack([x, x * 2])
    np.testing.assert_allclose(entropy_weights_array(batch), np.stack([w, w]), atol=1e-10)


# ----------------------------------------------------------------------------- CRITIC


def test_critic_hand_computed() -> None:
    # sd (ddof=1) = 0.5 each; r_ab = -1, r_ac = 0.5, r_bc = -0.5.
    # C_a = .5(0 + 2 + .5) = 1.25, C_b = .5(2 + 0 + 1.5) = 1.75, C_c = .5(.5 + 1.5 + 0) = 1.
    d = pd.DataFrame({"a": [0, 0.5, 1], "b": [1, 0.5, 0], "c": [0, 1, 0.5]})
    assert critic_weights(d).tolist() == pytest.approx([1.25 / 4, 1.75 / 4, 1 / 4])


def test_critic_constant_column_gets_zero() -> None:
    d = pd.DataFrame({"a": [0, 0.5, 1], "b": [1, 0.5, 0], "k": [0.3, 0.3, 0.3]})
    w = critic_weights(d)
    assert w["k"] == 0 and w[["a", "b"]].tolist() == pytest.approx([0.5, 0.5])
    with pytest.raises(DataError, match="undefined"):
        critic_weights(pd.DataFrame({"a": [0.0, 1, 2], "b": [0.0, 2, 4]}))


@settings(max_examples=80, deadline=None)
@given(_nonneg, st.data())
def test_critic_properties(x: np.ndarray, data: st.DataObject) -> None:
    x = x + np.linspace(0, 0.01, x.shape[0])[:, None] * np.arange(1, x.shape[1] + 1)
    codes = [f"i{k}" for k in range(x.shape[1])]
    d = pd.DataFrame(x, columns=codes)
    r = np.corrcoef(x, rowvar=False)
    assume(not np.allclose(np.abs(r), 1, atol=1e-6))  # all perfectly correlated: undefined (tested above)
    w = critic_weights(d)
    assert w.sum() == pytest.approx(1) and (w >= -1e-12).all()
    perm = data.draw(st.permutations(codes))
    pd.testing.assert_series_equal(critic_weights(d[perm]).reindex(codes), w, atol=1e-9)
    c = data.draw(st.floats(0.1, 100))
    pd.testing.assert_series_equal(critic_weights(d * c + 3), w, atol=1e-9)  # common scale and shift
    np.testing.assert_allclose(critic_weights_array(np.stack([x, x])), np.stack([w, w]), atol=1e-10)


# ----------------------------------------------------------------------------- PCA


def _two_blocks(seed: int = 1, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f1, f2 = rng.normal(size=n), rng.normal(size=n)
    cols = {}
    for k, s in enumerate((0.3, 0.5, 0.7)):
        cols[f"a{k}"] = f1 + rng.normal(scale=s, size=n)
        cols[f"b{k}"] = f2 + rng.normal(scale=s, size=n)
    return pd.DataFrame(cols)


def test_pca_coinr_is_first_eigenvector_of_correlation() -> None:
    d = _two_blocks()
    res = pca_weights(d, method="coinr")
    vals, vecs = np.linalg.eigh(np.corrcoef(d.to_numpy(), rowvar=False))
    v = vecs[:, -1] * np.sign(vecs[:, -1].sum())
    np.testing.assert_allclose(res.loadings["PC1"], v, atol=1e-10)
    np.testing.assert_allclose(res.weights, v / v.sum(), atol=1e-10)
    assert res.explained.iloc[0] == pytest.approx(vals[-1] / 6)
    # Two perfectly symmetric indicators: PC1 = (1, 1)/sqrt(2) -> equal weights.
    two = pd.DataFrame({"x": [1.0, 2, 3, 4], "y": [1.0, 3, 2, 4]})
    assert pca_weights(two).weights.tolist() == pytest.approx([0.5, 0.5])


def test_pca_coinr_negative_loadings() -> None:
    rng = np.random.default_rng(3)
    f = rng.normal(size=100)
    d = pd.DataFrame({"a": f + 0.1 * rng.normal(size=100), "b": f, "c": -f + 0.2 * rng.normal(size=100)})
    with pytest.raises(DataError, match=r"negatively on \['c'\]"):
        pca_weights(d)
    assert pca_weights(d, negative="zero").weights["c"] == 0
    assert pca_weights(d, negative="abs").weights["c"] > 0.3


def test_pca_handbook_two_factors() -> None:
    d = _two_blocks()
    res = pca_weights(d, method="handbook")
    assert list(res.loadings.columns) == ["F1", "F2"]
    assignment = res.assignment.to_dict()
    assert len({assignment["a0"], assignment["a1"], assignment["a2"]}) == 1
    assert len({assignment["b0"], assignment["b1"], assignment["b2"]}) == 1
    assert assignment["a0"] != assignment["b0"]
    # Recompute the handbook weights from the returned rotated loadings.
    sq = res.loadings.to_numpy() ** 2
    var = sq.sum(axis=0)
    scaled = sq / var
    f = scaled.argmax(axis=1)
    expected = (var / var.sum())[f] * scaled[np.arange(6), f]
    np.testing.assert_allclose(res.weights, expected / expected.sum())
    # Within a block, the less noisy indicator loads more and weighs more.
    assert res.weights["a0"] > res.weights["a1"] > res.weights["a2"]
    assert (res.loadings.sum(axis=0) > 0).all()  # sign-fixed
    # Varimax keeps communalities and the total explained variance.
    vals = np.linalg.eigvalsh(np.corrcoef(d.to_numpy(), rowvar=False))[::-1]
    assert res.explained.sum() == pytest.approx(vals[:2].sum() / 6)


def test_pca_handbook_single_factor_and_override() -> None:
    rng = np.random.default_rng(5)
    f = rng.normal(size=200)
    d = pd.DataFrame({c: f + rng.normal(scale=0.4, size=200) for c in "abcd"})
    res = pca_weights(d, method="handbook")
    assert list(res.loadings.columns) == ["F1"]
    l2 = res.loadings["F1"] ** 2
    np.testing.assert_allclose(res.weights, l2 / l2.sum())
    assert list(pca_weights(d, method="handbook", n_factors=2).loadings.columns) == ["F1", "F2"]
    with pytest.raises(DataError, match="n_factors"):
        pca_weights(d, method="handbook", n_factors=9)


def test_pca_handbook_warns_below_60_percent() -> None:
    rng = np.random.default_rng(7)
    d = pd.DataFrame(rng.normal(size=(200, 6)), columns=list("abcdef"))  # no common factor
    with pytest.warns(UserWarning, match="not more than 60 %"):
        res = pca_weights(d, method="handbook")
    assert res.explained.sum() <= 0.6
    assert res.weights.sum() == pytest.approx(1)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.data())
def test_pca_properties(seed: int, data: st.DataObject) -> None:
    d = _two_blocks(seed, n=60)
    codes = list(d.columns)
    perm = data.draw(st.permutations(codes))
    scale = data.draw(arrays(float, 6, elements=st.floats(0.5, 50)))
    warnings.simplefilter("ignore", UserWarning)  # the < 60 % variance warning is tested separately
    for method in ("coinr", "handbook"):
        w = pca_weights(d, method=method, negative="zero").weights
        assert w.sum() == pytest.approx(1) and (w >= 0).all()
        wp = pca_weights(d[perm], method=method, negative="zero").weights.reindex(codes)
        pd.testing.assert_series_equal(wp, w, atol=1e-6)
        ws = pca_weights(d * scale, method=method, negative="zero").weights  # correlation-based
        pd.testing.assert_series_equal(ws, w, atol=1e-6)


# ----------------------------------------------------------------------------- BoD


def test_bod_hand_computed() -> None:
    d = pd.DataFrame({"a": [1.0, 0.5, 0.2], "b": [0.2, 0.5, 1.0]}, index=["x", "y", "z"])
    res = bod_weights(d)
    # y: max .5 w1 + .5 w2 s.t. w1 + .2 w2 <= 1, .2 w1 + w2 <= 1 -> w1 = w2 = 1/1.2, score 1/1.2.
    assert res.scores.tolist() == pytest.approx([1.0, 1 / 1.2, 1.0])
    assert res.weights.loc["y"].tolist() == pytest.approx([0.5, 0.5])
    assert res.weights.loc["x", "a"] == pytest.approx(1.0)  # x puts everything on its strength


def test_bod_bounds() -> None:
    d = pd.DataFrame({"a": [1.0, 0.5, 0.2], "b": [0.2, 0.5, 1.0]}, index=["x", "y", "z"])
    res = bod_weights(d, bounds=(0.3, 0.7))
    assert ((res.weights >= 0.3 - 1e-9) & (res.weights <= 0.7 + 1e-9)).all().all()
    assert (res.scores <= 1 + 1e-12).all()
    # Bounds (0.5, 0.5) force equal weights: scores = equal-weight mean / its maximum.
    e = pd.DataFrame({"a": [1.0, 0.6, 0.2], "b": [0.0, 0.6, 1.0]}, index=["x", "y", "z"])
    forced = bod_weights(e, bounds=(0.5, 0.5))
    assert forced.scores.tolist() == pytest.approx([0.5 / 0.6, 1.0, 1.0])
    assert bod_weights(e).scores["x"] == pytest.approx(1.0)
    shares = bod_weights(d, bounds={"a": (0.2, 0.8), "b": (0.2, 0.8)}, restrict="shares")
    for unit in d.index:
        raw = shares.weights.loc[unit] * d.loc[unit]
        share = raw / raw.sum()
        assert ((share >= 0.2 - 1e-7) & (share <= 0.8 + 1e-7)).all()
    with pytest.raises(DataError, match="infeasible bounds"):
        bod_weights(d, bounds=(0.6, 0.9))


@settings(max_examples=40, deadline=None)
@given(arrays(float, st.tuples(st.integers(2, 6), st.integers(2, 4)), elements=st.floats(0.01, 1)), st.data())
def test_bod_properties(x: np.ndarray, data: st.DataObject) -> None:
    codes = [f"i{k}" for k in range(x.shape[1])]
    d = pd.DataFrame(x, columns=codes)
    res = bod_weights(d)
    np.testing.assert_allclose(res.weights.sum(axis=1), 1)
    assert (res.weights >= -1e-12).all().all()
    assert (res.scores <= 1 + 1e-9).all() and res.scores.max() == pytest.approx(1)
    # A unit that dominates all others scores 1; scores are invariant to column scaling.
    scale = data.draw(arrays(float, x.shape[1], elements=st.floats(0.1, 10)))
    np.testing.assert_allclose(bod_weights(d * scale).scores, res.scores, atol=1e-7)
    perm = data.draw(st.permutations(codes))
    np.testing.assert_allclose(bod_weights(d[perm]).scores, res.scores, atol=1e-7)


# ----------------------------------------------------------------------------- optimised


def test_correlation_optimised_weights_balances_correlations() -> None:
    rng = np.random.default_rng(2)
    f = rng.normal(size=200)
    d = pd.DataFrame(
        {"a": f + 0.2 * rng.normal(size=200), "b": f + rng.normal(size=200), "c": rng.normal(size=200)}
    )
    eq = d @ np.full(3, 1 / 3)
    r0 = np.array([np.corrcoef(d[c], eq)[0, 1] for c in d])
    res = correlation_optimised_weights(d)
    assert res.success
    assert res.weights.sum() == pytest.approx(1) and (res.weights >= 0).all()
    spread0 = np.ptp(r0 / r0.sum())
    spread1 = np.ptp(res.correlations / res.correlations.sum())
    assert spread1 < spread0 / 5
    # The reported correlations are those of the index with the returned weights.
    idx = d @ res.weights
    assert res.correlations.tolist() == pytest.approx([np.corrcoef(d[c], idx)[0, 1] for c in d])
    # A custom index function is used as given.
    res2 = correlation_optimised_weights(d, lambda data, w: data @ w, target={"a": 1, "b": 1, "c": 2})
    r = res2.correlations / res2.correlations.sum()
    assert r["c"] == pytest.approx(0.5, abs=0.02)


def test_correlation_optimised_infomax() -> None:
    rng = np.random.default_rng(4)
    f = rng.normal(size=150)
    d = pd.DataFrame(
        {"a": f + 0.3 * rng.normal(size=150), "b": f + 0.3 * rng.normal(size=150), "c": rng.normal(size=150)}
    )
    res = correlation_optimised_weights(d, optype="infomax")
    eq = correlation_optimised_weights(d, optype="infomax", maxiter=1)
    assert res.correlations.sum() >= eq.correlations.sum() - 1e-9
    assert res.weights.sum() == pytest.approx(1)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0, 1000).map(lambda v: round(v, 3)), min_size=1, max_size=8).filter(
        lambda p: sum(p) > 0
    ),
    st.data(),
)
def test_equal_and_expert_properties(points: list[float], data: st.DataObject) -> None:
    codes = [f"i{k}" for k in range(len(points))]
    w = expert_weights(dict(zip(codes, points, strict=True)))
    assert w.sum() == pytest.approx(1) and (w >= 0).all()
    c = data.draw(st.floats(0.01, 100))
    pd.testing.assert_series_equal(expert_weights({k: v * c for k, v in zip(codes, points, strict=True)}), w)
    perm = data.draw(st.permutations(codes))
    permuted = expert_weights({k: points[codes.index(k)] for k in perm})
    pd.testing.assert_series_equal(permuted.reindex(codes), w)
    e = equal_weights(perm)
    assert e.sum() == pytest.approx(1) and e.nunique() == 1


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["pearson", "spearman"]))
def test_correlation_optimised_properties(seed: int, cortype: str) -> None:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=80)
    d = pd.DataFrame(
        {"a": f + 0.3 * rng.normal(size=80), "b": f + rng.normal(size=80), "c": rng.normal(size=80)}
    )
    res = correlation_optimised_weights(d, cortype=cortype, maxiter=400)
    assert res.weights.sum() == pytest.approx(1) and (res.weights >= 0).all()
    # Never worse than the starting point (equal weights) on the balance objective.
    start = correlation_optimised_weights(d, cortype=cortype, maxiter=1)

    def loss(r: pd.Series) -> float:
        return float(((1 / 3 - r / r.sum()) ** 2).sum())

    assert loss(res.correlations) <= loss(start.correlations) + 1e-12
