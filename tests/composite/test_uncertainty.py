"""Tests of tongcheng.composite.uncertainty: factor specs, fast path = full builds, ASEM intervals."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from numpy.testing import assert_allclose

from tongcheng._errors import DataError
from tongcheng.composite.framework import Framework, Node
from tongcheng.composite.pipeline import Build, Recipe, Step, build, read_table
from tongcheng.composite.uncertainty import (
    RecipeStudy,
    parse_factors,
    read_factors,
    uncertainty_analysis,
)

REPO = Path(__file__).parents[2]
REF = REPO / ".." / "shared" / "data" / "reference" / "coinr_asem"
ASEM = REPO / "examples" / "asem"


def ref_dir() -> Path:
    if not REF.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"COINr reference data missing at {REF} (CI must check out ../shared)")
        pytest.skip("COINr reference data (../shared) not present")
    return REF


# -- a toy index (always available) -------------------------------------------------------------

def toy_framework() -> Framework:
    return Framework([
        Node("a", 1, "P", weight=1.0), Node("b", 1, "P", weight=2.0, direction=-1), Node("c", 1, "P"),
        Node("d", 1, "Q"), Node("e", 1, "Q", weight=0.5), Node("f", 1, "Q"),
        Node("P", 2, "I"), Node("Q", 2, "I", weight=2.0), Node("I", 3)])


@pytest.fixture(scope="module")
def toy() -> Build:
    rng = np.random.default_rng(5)
    data = pd.DataFrame(rng.lognormal(1.0, 0.8, size=(12, 6)), columns=list("abcdef"),
                        index=[f"u{i:02d}" for i in range(12)])
    data.iloc[0, 0] = data.iloc[5, 3] = np.nan
    data.iloc[3, 1] = 60.0  # an outlier to winsorise
    recipe = Recipe([Step("impute", {"method": "mean"}),
                     Step("treat", {"method": "winsorise", "winmax": 3, "skew_thresh": 1.0,
                                    "kurt_thresh": 1.0}),
                     Step("normalise", {"method": "minmax", "params": {"l_u": [1, 100]}}),
                     Step("aggregate", {"method": "amean"})])
    return build(recipe, data, toy_framework())


TOY_SPEC = {
    "impute": ["mean", "median"],
    "winmax": [1, 3],
    "normalise": [{"method": "minmax", "params": {"l_u": [1, 100]}},
                  {"method": "zscore", "params": {"m_sd": [10, 2]}}, "rank"],
    "weights": [{"P": 1.0, "Q": 1.0}, {"a": 3.0, "Q": 0.5}],
    "weights_noise": {"levels": [1, 2], "noise": 0.3, "n_sets": 7},
    "aggregate": ["amean", "gmean"],
}


def test_parse_factors_shorthand_and_full_entries():
    fs = parse_factors(TOY_SPEC)
    assert [f.name for f in fs] == list(TOY_SPEC)
    assert [f.factor.n_levels for f in fs] == [2, 3, 3, 2, 7, 2]
    assert fs[1].step == "treat" and fs[1].options == ({"winmax": 1}, {"winmax": 2}, {"winmax": 3})
    assert fs[2].labels == ("minmax(l_u=[1, 100])", "zscore(m_sd=[10, 2])", "rank")
    full = parse_factors({"factors": [
        {"name": "Winmax", "step": "treat", "param": "winmax", "range": [2, 4]},
        {"name": "Skew", "step": "treat", "param": "skew_thresh", "values": [1.5, 2.0]},
        {"name": "Weights", "weights_noise": {"levels": [2], "noise": 0.1}}]})
    assert full[0].factor.kind == "integer" and full[1].factor.kind == "discrete"
    assert full[2].n_sets == 100 and full[2].levels == (2,)
    # the spec is plain data: it survives YAML
    assert parse_factors(yaml.safe_load(yaml.safe_dump(TOY_SPEC, sort_keys=False))) == fs


@pytest.mark.parametrize(("spec", "match"), [
    ({"winsor": [1, 5]}, "unknown factor key"),
    ([{"name": "S", "step": "screen", "choices": [{"min_availability": 0.5}]}], "screening"),
    ([{"step": "treat", "param": "winmax", "range": [1, 2]}], "needs a name"),
    ([{"name": "W", "step": "treat", "range": [1, 2]}], "needs param"),
    ([{"name": "W", "weights_noise": {"noise": 0.2}}], "needs levels"),
    ([{"name": "x", "step": "aggregate", "choices": ["amean"]},
      {"name": "x", "step": "normalise", "choices": ["rank"]}], "unique"),
    ("winmax", "mapping or a list"),
])
def test_parse_factors_errors(spec, match):
    with pytest.raises(DataError, match=match):
        parse_factors(spec)


def test_fast_path_equals_full_builds_on_toy(toy: Build):
    study = RecipeStudy.prepare(toy, TOY_SPEC, rng=3)
    rng = np.random.default_rng(0)
    codes = np.column_stack([rng.integers(0, f.factor.n_levels, 40) for f in study.factors])
    fast = study.evaluate(codes)
    ok = np.isfinite(fast).all(axis=1)
    assert ok.sum() >= 20  # z-scores can be negative: some geometric-mean runs fail, as in COINr
    for row, scores, good in zip(codes[:12], fast[:12], ok[:12], strict=True):
        if not good:
            continue
        full = study.regenerate(row)
        assert_allclose(full.aggregated["I"].to_numpy(), scores, rtol=0, atol=1e-9)
        # and from scratch, with the regenerated recipe
        again = build(full.recipe, toy.data, toy.framework)
        assert_allclose(again.aggregated["I"].to_numpy(), scores, rtol=0, atol=1e-9)


def test_other_means_and_targets_use_the_general_path(toy: Build):
    spec = {"aggregate": ["amean", "hmean", {"method": "genmean", "params": {2: {"p": 3}, 3: {"p": 3}}}],
            "normalise": [{"method": "minmax", "params": {"l_u": [1, 100]}},
                          {"method": "minmax", "params": {"l_u": [10, 50]}}]}
    for target in ("I", "Q"):
        study = RecipeStudy.prepare(toy, spec, target=target)
        codes = np.array([[a, n] for a in range(3) for n in range(2)])
        fast = study.evaluate(codes)
        for row, scores in zip(codes, fast, strict=True):
            assert_allclose(study.regenerate(row).aggregated[target].to_numpy(), scores, rtol=0, atol=1e-9)
    fast_q = RecipeStudy.prepare(toy, {"aggregate": ["amean", "gmean"], "winmax": [1, 2]}, target="Q")
    codes = np.array([[0, 0], [1, 1]])
    for row, scores in zip(codes, fast_q.evaluate(codes), strict=True):
        assert_allclose(fast_q.regenerate(row).aggregated["Q"].to_numpy(), scores, rtol=0, atol=1e-9)
    with pytest.raises(DataError, match="target"):
        RecipeStudy.prepare(toy, spec, target="a")


def test_analysis_is_reproducible_and_tidy(toy: Build, tmp_path: Path):
    spec = {k: TOY_SPEC[k] for k in ("winmax", "weights_noise", "aggregate")}
    one = uncertainty_analysis(toy, factors=spec, n=32, method="sa", rng=11, n_boot=50)
    two = uncertainty_analysis(toy, factors=spec, n=32, method="sa", rng=11, n_boot=50)
    other = uncertainty_analysis(toy, factors=spec, n=32, method="sa", rng=12, n_boot=50)
    assert np.array_equal(one.scores, two.scores) and one.sobol_frame().equals(two.sobol_frame())
    assert not np.array_equal(one.scores, other.scores)
    assert one.scores.shape == (32 * 5, 12) and one.parameters.shape == (160, 3)
    frame = one.sobol_frame()
    assert frame["factor"].tolist() == ["winmax", "weights_noise", "aggregate"]
    assert {"first", "first_low", "first_high", "total", "total_low", "total_high"} <= set(frame.columns)
    assert one.top_factors(1)["factor"].tolist() == [frame.sort_values("total")["factor"].iloc[-1]]
    units = one.sobol_units_frame()
    assert len(units) == 3 * 12 and set(units["unit"]) == set(toy.aggregated.index)
    ri = one.rank_intervals
    assert list(ri.columns) == ["nominal", "mean", "median", "q05", "q95", "width"]
    written = one.to_csv(tmp_path / "sa")
    assert sorted(p.name for p in written) == ["rank_intervals.csv", "runs.csv", "score_intervals.csv",
                                               "sobol.csv", "sobol_units.csv"]
    runs = pd.read_csv(tmp_path / "sa" / "runs.csv")
    assert list(runs.columns) == ["winmax", "weights_noise", "aggregate", "mean_rank_shift"]
    ua = uncertainty_analysis(toy, factors=spec, n=20, method="ua", rng=1)
    assert ua.sobol is None and ua.scores.shape == (20, 12)
    with pytest.raises(DataError, match="method='sa'"):
        ua.sobol_frame()
    assert sorted(p.name for p in ua.to_csv(tmp_path / "ua")) == ["rank_intervals.csv", "runs.csv",
                                                                  "score_intervals.csv"]


def test_failed_runs(toy: Build):
    # geometric means of 0-based min-max scores fail: dropped in UA, an error in SA
    recipe = toy.recipe.replace(normalise={"params": {"l_u": [0, 100]}})
    nominal = build(recipe, toy.data, toy.framework)
    spec = {"aggregate": ["amean", "gmean"], "winmax": [1, 3]}
    ua = uncertainty_analysis(nominal, factors=spec, n=40, method="ua", rng=2)
    assert ua.n_failed > 0 and len(ua.scores) == 40 - ua.n_failed
    assert set(ua.parameters["aggregate"]) == {"amean"}
    with pytest.raises(DataError, match="runs failed"):
        uncertainty_analysis(nominal, factors=spec, n=8, method="sa", rng=2)
    with pytest.raises(DataError, match="at least two factors"):
        uncertainty_analysis(nominal, factors={"winmax": [1, 3]}, n=8, method="sa")
    with pytest.raises(DataError, match="method"):
        uncertainty_analysis(nominal, factors=spec, n=8, method="xa")  # type: ignore[arg-type]


# -- ASEM (COINr's example) ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def asem() -> Build:
    ref = ref_dir()
    fw = Framework.from_coinr_imeta(ref / "ASEM_iMeta.csv")
    return build(Recipe.read(ASEM / "recipe.yaml"), read_table(ref / "ASEM_iData.csv"), fw)


def test_asem_factors_file_is_the_issue_design():
    fs = read_factors(ASEM / "factors.yaml")
    assert [f.name for f in fs] == ["winmax", "normalise", "weights_noise", "aggregate"]
    assert [f.factor.n_levels for f in fs] == [5, 2, 100, 2]
    assert fs[1].options[1] == {"method": "zscore", "params": {"m_sd": [10, 2]}}
    assert fs[2].levels == (2, 3) and fs[2].noise == 0.25


def test_asem_sampled_variants_equal_full_builds(asem: Build):
    res = uncertainty_analysis(asem, factors=read_factors(ASEM / "factors.yaml"), n=16, method="sa",
                               rng=7, n_boot=0)
    study = RecipeStudy.prepare(asem, read_factors(ASEM / "factors.yaml"), rng=7)
    assert res.codes is not None
    _, first = np.unique(res.codes, axis=0, return_index=True)
    picks = sorted(first)[::4]
    assert len(picks) >= 5
    assert {int(res.codes[i, 3]) for i in picks} == {0, 1}  # both means
    assert {int(res.codes[i, 1]) for i in picks} == {0, 1}  # both normalisers
    for i in picks:
        full = study.regenerate(res.codes[i])
        assert_allclose(full.aggregated[asem.framework.root].to_numpy(), res.scores[i], rtol=0, atol=1e-9)


@pytest.mark.parametrize("method", ["ua", "sa"])
def test_asem_nominal_rank_inside_every_interval(asem: Build, method: str):
    res = uncertainty_analysis(asem, factors=read_factors(ASEM / "factors.yaml"), n=64, method=method,  # type: ignore[arg-type]
                               rng=2026, n_boot=100)
    ri = res.rank_intervals
    assert len(ri) == 51 and ri["nominal"].loc["CHE"] == 1 and ri["nominal"].loc["IND"] == 45
    inside = (ri["q05"] <= ri["nominal"]) & (ri["nominal"] <= ri["q95"])
    assert inside.all(), ri[~inside]
    if method == "sa":
        frame = res.sobol_frame().set_index("factor")
        # the choice of mean dominates COINr's target, as in COINr's vignette
        assert frame["total"].idxmax() == "aggregate"
        assert (frame["total"] > 0).all()


def test_arithmetic_and_geometric_means_take_the_batched_path(toy: Build, monkeypatch: pytest.MonkeyPatch):
    import tongcheng.composite.uncertainty as unc

    def fail(*args: object, **kwargs: object) -> None:
        msg = "aggregate_batch called on the fast path"
        raise AssertionError(msg)

    monkeypatch.setattr(unc, "aggregate_batch", fail)
    spec = {"normalise": [{"method": "minmax", "params": {"l_u": [1, 100]}},
                          {"method": "zscore", "params": {"m_sd": [10, 2]}}],
            "aggregate": ["amean", "gmean"], "weights_noise": {"levels": [2], "noise": 0.25, "n_sets": 5}}
    res = uncertainty_analysis(toy, factors=spec, n=16, method="sa", rng=0, n_boot=0)
    assert res.scores.shape == (16 * 5, 12)


def test_two_factors_on_one_step_and_spec_checks(toy: Build):
    spec = [{"name": "mean", "step": "aggregate", "param": "method", "values": ["amean", "genmean"]},
            {"name": "dat", "step": "aggregate", "param": "dat_thresh", "values": [None, 0.9]},
            {"name": "skew", "step": "treat", "param": "skew_thresh", "values": [1.0, 2.0]}]
    study = RecipeStudy.prepare(toy, spec)
    codes = np.array([[a, d, k] for a in range(2) for d in range(2) for k in range(2)])
    for row, scores in zip(codes, study.evaluate(codes), strict=True):
        assert_allclose(study.regenerate(row).aggregated["I"].to_numpy(), scores, rtol=0, atol=1e-9)
    with pytest.raises(DataError, match="not in the framework"):
        RecipeStudy.prepare(toy, {"weights": [{"Z": 1.0}], "aggregate": ["amean"]})
    with pytest.raises(DataError, match="weights or weights_noise factor"):
        parse_factors({"aggregate": [{"method": "amean", "weights": {"P": 1}}]})
