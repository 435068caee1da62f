"""Tests of tongcheng.composite.sensitivity: design, Sobol' estimators, rank intervals, batched index."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongcheng._errors import DataError
from tongcheng.composite.sensitivity import (
    AggregationLevel,
    Factor,
    aggregation_tree,
    convergence,
    evaluate_batch,
    mean_rank_shift,
    noisy_weight_sets,
    rank_scores,
    saltelli_design,
    sobol_indices,
    uncertainty_summary,
)

# -- Ishigami ----------------------------------------------------------------------------------
# Ishigami & Homma (1990); analytic indices in Sobol' & Levitan (1999) and Saltelli et al. (2008),
# Global Sensitivity Analysis: The Primer, p. 179.

A_ISH, B_ISH = 7.0, 0.1


def ishigami(u: np.ndarray) -> np.ndarray:
    x = -math.pi + 2 * math.pi * u
    return np.sin(x[..., 0]) + A_ISH * np.sin(x[..., 1]) ** 2 + B_ISH * x[..., 2] ** 4 * np.sin(x[..., 0])


def ishigami_analytic() -> tuple[np.ndarray, np.ndarray]:
    a, b, pi = A_ISH, B_ISH, math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_ishigami_analytic_values_are_the_published_ones():
    s1, st_ = ishigami_analytic()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(st_, [0.5576, 0.4424, 0.2437], atol=1e-4)


@pytest.fixture(scope="module")
def ishigami_result():
    d = saltelli_design(3, 10_000, rng=20260101)
    return sobol_indices(ishigami(d.a), ishigami(d.b), ishigami(d.ab), n_boot=500, rng=7)


def test_ishigami_indices_within_001(ishigami_result):
    s1, st_ = ishigami_analytic()
    np.testing.assert_allclose(ishigami_result.first, s1, atol=0.01)
    np.testing.assert_allclose(ishigami_result.total, st_, atol=0.01)


def test_ishigami_bootstrap_intervals_contain_analytic_values(ishigami_result):
    s1, st_ = ishigami_analytic()
    lo, hi = ishigami_result.first_ci
    assert ((lo <= s1) & (s1 <= hi)).all()
    lo, hi = ishigami_result.total_ci
    assert ((lo <= st_) & (st_ <= hi)).all()
    assert ishigami_result.first_ci.shape == (2, 3)


def test_ishigami_with_plain_random_design():
    d = saltelli_design(3, 20_000, method="random", rng=5)
    res = sobol_indices(ishigami(d.a), ishigami(d.b), ishigami(d.ab), n_boot=0)
    s1, st_ = ishigami_analytic()
    np.testing.assert_allclose(res.first, s1, atol=0.03)
    np.testing.assert_allclose(res.total, st_, atol=0.03)
    assert res.first_ci is None


# -- linear additive models ------------------------------------------------------------------------

def test_linear_model_indices_are_variance_shares():
    c = np.array([1.0, 2.0, 3.0, 0.5])
    d = saltelli_design(4, 8192, rng=11)
    f = lambda u: u @ c  # noqa: E731
    res = sobol_indices(f(d.a), f(d.b), f(d.ab), n_boot=0)
    shares = c**2 / (c**2).sum()
    np.testing.assert_allclose(res.first, shares, atol=0.01)
    np.testing.assert_allclose(res.total, shares, atol=0.01)
    np.testing.assert_allclose(res.first, res.total, atol=0.01)


@settings(max_examples=25, deadline=None)
@given(coef=st.lists(st.floats(0.1, 10.0), min_size=2, max_size=5), seed=st.integers(0, 2**31 - 1))
def test_additive_models_give_sane_indices(coef, seed):
    c = np.asarray(coef)
    d = saltelli_design(len(c), 1024, rng=seed)
    f = lambda u: np.sin(2 * u) @ c  # noqa: E731  (additive, non-linear)
    res = sobol_indices(f(d.a), f(d.b), f(d.ab), n_boot=0)
    assert ((res.first > -0.1) & (res.first < 1.1)).all()
    assert ((res.total > -0.1) & (res.total < 1.1)).all()
    assert abs(res.first.sum() - 1) < 0.1
    np.testing.assert_allclose(res.first, res.total, atol=0.1)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), method=st.sampled_from(["sobol", "random"]))
def test_same_seed_same_design_and_indices(seed, method):
    d1 = saltelli_design(3, 64, method=method, rng=seed)
    d2 = saltelli_design(3, 64, method=method, rng=seed)
    np.testing.assert_array_equal(d1.matrix(), d2.matrix())
    r1 = sobol_indices(ishigami(d1.a), ishigami(d1.b), ishigami(d1.ab), n_boot=50, rng=seed)
    r2 = sobol_indices(ishigami(d2.a), ishigami(d2.b), ishigami(d2.ab), n_boot=50, rng=seed)
    np.testing.assert_array_equal(r1.first_ci, r2.first_ci)
    np.testing.assert_array_equal(r1.total, r2.total)


# -- vectorisation over outputs ---------------------------------------------------------------------

def test_many_outputs_equal_one_at_a_time():
    d = saltelli_design(3, 512, rng=2)
    c = np.array([[1.0, 0.0, 2.0], [0.5, 3.0, 1.0], [2.0, 2.0, 0.1]])  # 3 outputs

    def f(u: np.ndarray) -> np.ndarray:
        return np.stack([ishigami(u) * c[j, 0] + u[..., 1] * c[j, 1] + u[..., 2] ** 2 * c[j, 2]
                         for j in range(3)], axis=-1)

    res = sobol_indices(f(d.a), f(d.b), f(d.ab), n_boot=100, rng=9)
    assert res.first.shape == (3, 3) and res.first_ci.shape == (2, 3, 3)
    for j in range(3):
        one = sobol_indices(f(d.a)[:, j], f(d.b)[:, j], f(d.ab)[..., j], n_boot=100, rng=9)
        np.testing.assert_allclose(res.first[:, j], one.first, rtol=1e-12)
        np.testing.assert_allclose(res.total[:, j], one.total, rtol=1e-12)
        np.testing.assert_allclose(res.first_ci[..., j], one.first_ci, rtol=1e-10)
        np.testing.assert_allclose(res.total_ci[..., j], one.total_ci, rtol=1e-10)


def test_constant_output_gives_nan_indices_without_warnings():
    d = saltelli_design(2, 64, rng=0)
    ya = np.column_stack([d.a[:, 0], np.ones(64)])
    yb = np.column_stack([d.b[:, 0], np.ones(64)])
    yab = np.stack([np.column_stack([m[:, 0], np.ones(64)]) for m in d.ab])
    res = sobol_indices(ya, yb, yab, n_boot=20, rng=0)
    assert np.isnan(res.first[:, 1]).all() and np.isnan(res.total_ci[..., 1]).all()
    assert np.isfinite(res.first[:, 0]).all()


def test_to_frame_and_factor_names():
    d = saltelli_design(3, 256, rng=4)
    res = sobol_indices(ishigami(d.a), ishigami(d.b), ishigami(d.ab), n_boot=10,
                        factor_names=["x1", "x2", "x3"], rng=1)
    frame = res.to_frame()
    assert frame["factor"].tolist() == ["x1", "x2", "x3"]
    assert {"first", "first_low", "first_high", "total", "total_low", "total_high"} <= set(frame.columns)
    multi = sobol_indices(np.c_[ishigami(d.a), d.a[:, 0]], np.c_[ishigami(d.b), d.b[:, 0]],
                          np.stack([np.c_[ishigami(m), m[:, 0]] for m in d.ab]), n_boot=0)
    frame = multi.to_frame(output_names=["y", "x1"])
    assert len(frame) == 6 and frame["output"].tolist()[:2] == ["y", "x1"]


def test_bad_outputs_raise_data_error():
    with pytest.raises(DataError, match="shape"):
        sobol_indices(np.zeros(4), np.zeros(5), np.zeros((2, 4)))
    with pytest.raises(DataError, match="NaN"):
        sobol_indices(np.array([1.0, np.nan]), np.zeros(2), np.zeros((2, 2)))
    with pytest.raises(DataError, match="confidence"):
        sobol_indices(np.arange(3.0), np.arange(3.0), np.zeros((2, 3)), confidence=1.5)


# -- design and factors ------------------------------------------------------------------------------

def test_design_layout_follows_saltelli_and_coinr_order():
    d = saltelli_design(3, 16, rng=1)
    m = d.matrix()
    assert m.shape == (16 * 5, 3)
    np.testing.assert_array_equal(m[:16], d.a)
    np.testing.assert_array_equal(m[16:32], d.b)
    for i in range(3):
        block = m[32 + 16 * i: 48 + 16 * i]
        np.testing.assert_array_equal(block[:, i], d.b[:, i])
        np.testing.assert_array_equal(np.delete(block, i, axis=1), np.delete(d.a, i, axis=1))
    _, _, yab = d.split(m.sum(axis=1))
    np.testing.assert_array_equal(yab[2], d.ab[2].sum(axis=1))
    assert ((m >= 0) & (m < 1)).all()


def test_design_refuses_one_factor_and_bad_method():
    with pytest.raises(DataError, match="two factors"):
        saltelli_design(1, 10)
    with pytest.raises(DataError, match="method"):
        saltelli_design(2, 10, method="lhs")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="unique"):
        saltelli_design([Factor.uniform("a", 0, 1), Factor.uniform("a", 0, 1)], 10)


def test_factor_parameters_table():
    factors = [Factor.integer("winmax", 1, 5), Factor.discrete("norm", ["minmax", "zscore"]),
               Factor.noisy_weights("weights", n_sets=100), Factor.uniform("noise", 0.0, 0.5)]
    d = saltelli_design(factors, 1024, rng=3)
    p = d.parameters()
    assert list(p.columns) == ["winmax", "norm", "weights", "noise"]
    assert len(p) == 1024 * 6
    assert set(p["winmax"]) == {1, 2, 3, 4, 5}
    assert set(p["norm"]) == {"minmax", "zscore"}
    assert p["weights"].between(0, 99).all() and p["noise"].between(0, 0.5).all()
    counts = p["winmax"][:1024].value_counts()
    assert counts.min() > 180  # equally likely levels
    with pytest.raises(DataError, match="continuous"):
        d.codes()
    codes = saltelli_design(factors[:3], 8, rng=0).codes()
    assert codes.shape == (8 * 5, 3) and codes[:, 0].max() <= 4


def test_factor_codes_are_equal_width_bins():
    f = Factor.discrete("m", ["a", "b", "c"])
    u = [0.0, 0.33, 0.34, 0.66, 0.67, 0.999999, 1.0]
    np.testing.assert_array_equal(f.codes(u), [0, 0, 1, 1, 2, 2, 2])
    assert Factor.discrete("x", [10, 20]).values([0.9]).dtype.kind == "i"
    with pytest.raises(DataError, match="continuous"):
        Factor.uniform("u", 0, 1).codes([0.5])
    with pytest.raises(DataError, match="high"):
        Factor.integer("w", 3, 3)


def test_noisy_weight_sets_follow_coinr_bounds():
    w = noisy_weight_sets(np.array([1.0, 2.0, 4.0]), noise=0.25, n_sets=500, rng=0)
    assert w.shape == (500, 3)
    rel = w / np.array([1.0, 2.0, 4.0])
    assert rel.min() >= 0.75 and rel.max() <= 1.25
    assert rel.min() < 0.76 and rel.max() > 1.24
    np.testing.assert_array_equal(w, noisy_weight_sets([1.0, 2.0, 4.0], noise=0.25, n_sets=500, rng=0))


# -- ranks, uncertainty, convergence ----------------------------------------------------------------------

def test_rank_scores_and_mean_rank_shift():
    scores = np.array([[3.0, 2.0, 1.0], [1.0, 2.0, 3.0], [2.0, 2.0, 1.0]])
    ranks = rank_scores(scores)
    np.testing.assert_array_equal(ranks, [[1, 2, 3], [3, 2, 1], [1, 1, 3]])
    np.testing.assert_allclose(mean_rank_shift(ranks, [1, 2, 3]), [0, 4 / 3, 1 / 3])


def test_uncertainty_summary_for_pairs():
    rng = np.random.default_rng(0)
    ranks = rng.integers(1, 4, size=(1000, 3)).astype(float)
    pairs = pd.MultiIndex.from_tuples([("310000", "320500"), ("310000", "330200"), ("320100", "320500")],
                                      names=["from_code", "to_code"])
    out = uncertainty_summary(ranks, nominal=[1, 2, 3], units=pairs)
    assert out.index.equals(pairs)
    np.testing.assert_allclose(out["q05"], np.quantile(ranks, 0.05, axis=0))
    np.testing.assert_allclose(out["mean"], ranks.mean(axis=0))
    ranks[:10, 0] = np.nan  # failed runs are skipped
    assert np.isfinite(uncertainty_summary(ranks, quantiles=(0.1, 0.9))["q10"]).all()
    with pytest.raises(DataError, match="unit keys"):
        uncertainty_summary(ranks, units=["a"])


def test_convergence_table_ends_at_full_estimate():
    d = saltelli_design(3, 2048, rng=8)
    y = [ishigami(d.a), ishigami(d.b), ishigami(d.ab)]
    table = convergence(*y, steps=5, factor_names=["x1", "x2", "x3"])
    assert table["n"].iloc[-1] == 2048 and table["n"].is_monotonic_increasing
    full = sobol_indices(*y, n_boot=0)
    last = table[table["n"] == 2048]
    np.testing.assert_allclose(last["first"], full.first)
    np.testing.assert_allclose(last["total"], full.total)


# -- batched evaluator ----------------------------------------------------------------------------

def _naive_index(x: np.ndarray, parents: list[np.ndarray], weights: list[np.ndarray],
                 mean: str) -> np.ndarray:
    """Unit by unit, parent by parent: the plainest reading of COINr's a_amean / a_gmean."""
    y = x
    for par, w in zip(parents, weights, strict=True):
        out = np.empty((y.shape[0], par.max() + 1))
        for u in range(y.shape[0]):
            for p in range(par.max() + 1):
                vals, ws = y[u, par == p], w[par == p]
                keep = ~np.isnan(vals)
                vals, ws = vals[keep], ws[keep]
                if mean == "arithmetic":
                    out[u, p] = np.sum(ws * vals) / np.sum(ws)
                else:
                    gm = np.exp(np.sum(ws * np.log(vals)) / np.sum(ws)) if (vals > 0).all() else np.nan
                    out[u, p] = gm
        y = out
    return y[:, 0]


@pytest.fixture
def small_index():
    rng = np.random.default_rng(42)
    parent = {f"i{j}": f"p{j // 3}" for j in range(9)}
    parent |= {"p0": "s0", "p1": "s0", "p2": "s1", "s0": "I", "s1": "I"}
    tree = aggregation_tree([f"i{j}" for j in range(9)], parent, weight={"i0": 2.0, "p2": 0.5})
    data = rng.uniform(1, 100, size=(4, 7, 9))
    return tree, data


def test_aggregation_tree_shape(small_index):
    tree, _ = small_index
    assert [lvl.names for lvl in tree] == [("p0", "p1", "p2"), ("s0", "s1"), ("I",)]
    assert tree[0].weights[0] == 2.0 and tree[1].weights.tolist() == [1.0, 1.0, 0.5]
    with pytest.raises(DataError, match="unbalanced"):
        aggregation_tree(["a", "b"], {"a": "P"})


def test_evaluate_batch_equals_naive_loop(small_index):
    tree, data = small_index
    rng = np.random.default_rng(1)
    n_runs = 50
    d_idx = rng.integers(0, 4, n_runs)
    agg = rng.integers(0, 2, n_runs)
    w2 = noisy_weight_sets(tree[1].weights, noise=0.25, n_sets=n_runs, rng=2)
    w3 = noisy_weight_sets(tree[2].weights, noise=0.25, n_sets=n_runs, rng=3)
    got = evaluate_batch(data, tree, data_index=d_idx, weights=[None, w2, w3], aggregator=agg, chunk_size=7)
    assert got.shape == (n_runs, 7)
    parents = [lvl.parent for lvl in tree]
    for r in range(n_runs):
        want = _naive_index(data[d_idx[r]], parents, [tree[0].weights, w2[r], w3[r]],
                            ("arithmetic", "geometric")[agg[r]])
        np.testing.assert_allclose(got[r], want, rtol=1e-12)
    # per-run first-level weights take the unshared path
    w1 = np.tile(tree[0].weights, (n_runs, 1))
    again = evaluate_batch(data, tree, data_index=d_idx, weights=[w1, w2, w3], aggregator=agg)
    np.testing.assert_allclose(again, got, rtol=1e-12)


def test_evaluate_batch_missing_and_nonpositive_values(small_index):
    tree, data = small_index
    data = data.copy()
    data[0, 0, 1] = np.nan  # unit 0 misses one indicator: dropped with its weight
    data[1, 2, 4] = -1.0  # unit 2 has a negative value: a geometric-mean run fails as a whole
    levels = evaluate_batch(data, tree, data_index=[0, 1, 1], aggregator=np.array([0, 0, 1]),
                            keep_levels=True)
    assert [lvl.shape for lvl in levels] == [(3, 7, 3), (3, 7, 2), (3, 7, 1)]
    want = _naive_index(data[0], [lvl.parent for lvl in tree], [lvl.weights for lvl in tree], "arithmetic")
    np.testing.assert_allclose(levels[-1][0, :, 0], want, rtol=1e-12)
    assert np.isnan(levels[-1][2]).all() and np.isfinite(levels[-1][1]).all()


def test_evaluate_batch_checks_inputs(small_index):
    tree, data = small_index
    with pytest.raises(DataError, match="data_index"):
        evaluate_batch(data, tree, data_index=[4])
    with pytest.raises(DataError, match="weights of level 2"):
        evaluate_batch(data, tree, data_index=[0], weights=[None, np.ones(2), None])
    with pytest.raises(DataError, match="unknown means"):
        evaluate_batch(data, tree, data_index=[0], means=("median",))
    with pytest.raises(DataError, match="indicators"):
        evaluate_batch(data[..., :5], tree, data_index=[0])
    with pytest.raises(DataError, match=r"0\.\.P-1"):
        AggregationLevel(parent=np.array([0, 2]), weights=np.ones(2))


# -- the batched evaluator against full builds of the ASEM example ------------------------------------

REPO = Path(__file__).parents[2]
REF = REPO / ".." / "shared" / "data" / "reference" / "coinr_asem"


@pytest.fixture(scope="module")
def asem_inputs():
    if not REF.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"COINr reference data missing at {REF} (CI must check out ../shared)")
        pytest.skip("COINr reference data (../shared) not present")
    from tongcheng.composite.framework import Framework
    from tongcheng.composite.pipeline import Recipe, read_table

    fw = Framework.from_coinr_imeta(REF / "ASEM_iMeta.csv")
    return Recipe.read(REPO / "examples" / "asem" / "recipe.yaml"), read_table(REF / "ASEM_iData.csv"), fw


def test_evaluate_batch_equals_full_builds_of_asem_variants(asem_inputs):
    from tongcheng.composite.pipeline import build

    recipe, data, fw = asem_inputs
    norms = [{"method": "minmax", "params": {"l_u": [1, 100]}},
             {"method": "zscore", "params": {"m_sd": [10, 2]}}]
    means = ("arithmetic", "geometric")
    parent = {c: n.parent for c, n in fw.nodes.items() if n.parent is not None}
    tree = aggregation_tree(fw.indicators, parent, weight=fw.weights().to_dict())
    sizes = [lvl.n_children for lvl in tree]
    noise = np.repeat([0.0, 0.25, 0.25], sizes)
    sets = np.split(noisy_weight_sets(np.concatenate([lvl.weights for lvl in tree]), noise=noise,
                                      n_sets=100, rng=5), np.cumsum(sizes)[:-1], axis=1)
    factors = [Factor.integer("winmax", 1, 5), Factor.discrete("norm", [0, 1]),
               Factor.noisy_weights("weights", n_sets=100), Factor.discrete("agg", [0, 1])]
    codes = saltelli_design(factors, 2, rng=11).codes()[:8]  # 8 variants of a design
    combos = sorted({(int(w), int(n)) for w, n in codes[:, :2]})
    tables = np.stack([build(recipe.replace(treat={"winmax": w + 1}, normalise=norms[n]), data, fw)
                       .stages["normalised"][fw.indicators].to_numpy(float) for w, n in combos])
    data_index = [combos.index((int(w), int(n))) for w, n in codes[:, :2]]
    levels = evaluate_batch(tables, tree, data_index=data_index, keep_levels=True,
                            weights=[None, sets[1][codes[:, 2]], sets[2][codes[:, 2]]],
                            aggregator=codes[:, 3], means=means)
    children = [fw.indicators, *[list(lvl.names) for lvl in tree[:-1]]]
    for r, (w, n, ws, agg) in enumerate(codes):
        weights = dict(zip(children[1], sets[1][ws], strict=True)) | dict(zip(children[2], sets[2][ws],
                                                                               strict=True))
        full = build(recipe.replace(treat={"winmax": int(w) + 1}, normalise=norms[n],
                                    aggregate={"method": ("amean", "gmean")[agg], "weights": weights}),
                     data, fw).aggregated
        for lvl, out in zip(tree, levels, strict=True):
            np.testing.assert_allclose(out[r], full[list(lvl.names)].to_numpy(float), rtol=0, atol=1e-9)
