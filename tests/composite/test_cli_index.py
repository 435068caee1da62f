from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from numpy.testing import assert_allclose

from tongcheng.cli.index import index
from tongcheng.composite.pipeline import sha256_file

REPO = Path(__file__).parents[2]
REF = REPO / ".." / "shared" / "data" / "reference" / "coinr_asem"
RECIPES = REPO / "examples" / "asem"


def ref_dir() -> Path:
    if not REF.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"COINr reference data missing at {REF} (CI must check out ../shared)")
        pytest.skip("COINr reference data (../shared) not present")
    return REF


def test_index_build_asem_writes_coinr_layout(tmp_path: Path) -> None:
    ref = ref_dir()
    out = tmp_path / "out"
    res = CliRunner().invoke(index, ["build", "--framework", str(ref / "ASEM_iMeta.csv"),
                                     "--data", str(ref / "ASEM_iData.csv"),
                                     "--recipe", str(RECIPES / "recipe.yaml"), "--out", str(out),
                                     "--excel", "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "CHE  68.38" in res.output and "winsorised: 15" in res.output
    got = pd.read_csv(out / "aggregated.csv")
    expected = pd.read_csv(ref / "asem_aggregated_coinr.csv")
    assert list(got.columns) == list(expected.columns)
    assert got["uCode"].tolist() == expected["uCode"].tolist()
    for col in expected.columns[1:]:
        assert_allclose(got[col].to_numpy(float), expected[col].to_numpy(float), rtol=0, atol=1e-9)
    for stage in ("raw", "denominated", "imputed", "screened", "treated", "normalised"):
        assert (out / f"{stage}.csv").is_file()
    resolved = yaml.safe_load((out / "recipe.resolved.yaml").read_text(encoding="utf-8"))
    assert resolved["inputs"]["files"]["ASEM_iData.csv"] == sha256_file(ref / "ASEM_iData.csv")
    assert (out / "index.xlsx").is_file()


def test_index_build_panel(tmp_path: Path) -> None:
    ref = ref_dir()
    res = CliRunner().invoke(index, ["build", "--framework", str(ref / "ASEM_iMeta.csv"),
                                     "--data", str(ref / "ASEM_iData_p.csv"),
                                     "--recipe", str(RECIPES / "recipe_panel.yaml"),
                                     "--out", str(tmp_path), "--time", "Time"])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(tmp_path / "aggregated.csv")
    expected = pd.read_csv(ref / "asem_purse_aggregated_coinr.csv")
    assert list(got.columns) == list(expected.columns)
    assert_allclose(got["Index"].to_numpy(float), expected["Index"].to_numpy(float), rtol=0, atol=1e-9)


def _toy(tmp_path: Path) -> tuple[Path, Path]:
    fw = tmp_path / "fw.yaml"
    fw.write_text(yaml.safe_dump({"nodes": [
        {"code": "a", "level": 1, "parent": "I", "name_zh": "甲"},
        {"code": "b", "level": 1, "parent": "I", "direction": -1},
        {"code": "I", "level": 2, "name_zh": "同城化指数"}]}, allow_unicode=True), encoding="utf-8")
    data = tmp_path / "data.csv"
    pd.DataFrame({"code": ["310000", "320500", "330100"], "a": [1.0, 2.0, 3.0],
                  "b": [3.0, np.nan, 1.0]}).to_csv(data, index=False)
    return fw, data


def test_index_build_own_framework_yaml(tmp_path: Path) -> None:
    fw, data = _toy(tmp_path)
    recipe = tmp_path / "r.json"
    recipe.write_text('{"steps": [{"name": "normalise"}, {"name": "aggregate"}]}', encoding="utf-8")
    res = CliRunner().invoke(index, ["build", "--framework", str(fw), "--data", str(data),
                                     "--recipe", str(recipe), "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    agg = pd.read_csv(tmp_path / "o" / "aggregated.csv", dtype={"uCode": str})
    assert agg["I"].tolist() == [0.0, 50.0, 100.0]  # the missing b is skipped, weights renormalised
    assert "330100  100.00" in res.output


def test_index_build_reports_located_recipe_problems(tmp_path: Path) -> None:
    fw, data = _toy(tmp_path)
    recipe = tmp_path / "bad.yaml"
    recipe.write_text("steps:\n  - name: normalise\n    params: {methd: rank}\n", encoding="utf-8")
    res = CliRunner().invoke(index, ["build", "--framework", str(fw), "--data", str(data),
                                     "--recipe", str(recipe), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "bad.yaml" in res.output and "steps[0].params" in res.output and "methd" in res.output


def test_index_sensitivity_asem_small_n(tmp_path: Path) -> None:
    ref = ref_dir()
    out = tmp_path / "sa"
    res = CliRunner().invoke(index, ["sensitivity", "--framework", str(ref / "ASEM_iMeta.csv"),
                                     "--data", str(ref / "ASEM_iData.csv"),
                                     "--recipe", str(RECIPES / "recipe.yaml"),
                                     "--factors", str(RECIPES / "factors.yaml"),
                                     "--n", "16", "--method", "sa", "--seed", "3", "--n-boot", "50",
                                     "--out", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "SA: 96 runs" in res.output
    for name in ("winmax", "normalise", "weights_noise", "aggregate"):
        assert name in res.output
    ranks = pd.read_csv(out / "rank_intervals.csv")
    assert len(ranks) == 51 and list(ranks.columns[:2]) == ["uCode", "nominal"]
    sobol = pd.read_csv(out / "sobol.csv")
    assert sobol["factor"].tolist() == ["winmax", "normalise", "weights_noise", "aggregate"]
    assert len(pd.read_csv(out / "sobol_units.csv")) == 4 * 51
    assert len(pd.read_csv(out / "runs.csv")) == 96


def test_index_sensitivity_toy_ua_and_bad_spec(tmp_path: Path) -> None:
    fw, data = _toy(tmp_path)
    recipe = tmp_path / "r.yaml"
    recipe.write_text("steps:\n  - name: normalise\n    params: {method: minmax, params: {l_u: [1, 100]}}\n"
                      "  - name: aggregate\n", encoding="utf-8")
    factors = tmp_path / "f.yaml"
    factors.write_text("normalise: [{method: minmax, params: {l_u: [1, 100]}}, "
                       "{method: zscore, params: {m_sd: [10, 2]}}]\naggregate: [amean, gmean]\n",
                       encoding="utf-8")
    args = ["sensitivity", "--framework", str(fw), "--data", str(data), "--recipe", str(recipe),
            "--n", "10", "--out", str(tmp_path / "ua")]
    res = CliRunner().invoke(index, [*args, "--factors", str(factors), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "UA: 10 runs" in res.output and "widest rank intervals" in res.output
    zh = CliRunner().invoke(index, [*args, "--factors", str(factors)])  # no --lang, no project: 中文
    assert zh.exit_code == 0 and "UA: 10 次运行" in zh.output and "排名区间最宽的" in zh.output
    assert (tmp_path / "ua" / "rank_intervals.csv").is_file()
    assert not (tmp_path / "ua" / "sobol.csv").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("winsor: [1, 5]\n", encoding="utf-8")
    res = CliRunner().invoke(index, [*args, "--factors", str(bad)])
    assert res.exit_code != 0 and "unknown factor key" in res.output
