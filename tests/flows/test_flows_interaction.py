from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tongcheng._errors import DataError, ValidationError
from tongcheng.flows.interaction import (
    MODELLED,
    border_effect,
    fill_missing_flows,
    fit_gravity,
    poisson_irls,
    ppml,
)

REPO = Path(__file__).resolve().parents[2]
AUSTRIA = REPO.parent / "shared" / "data" / "raw" / "spint_austria" / "austria_migration_flows.csv"


@pytest.fixture(scope="module")
def austria() -> pd.DataFrame:
    if not AUSTRIA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing: {AUSTRIA.relative_to(REPO.parent)}")
        pytest.skip("shared data ../shared/data/raw/spint_austria not present")
    flows = pd.read_csv(AUSTRIA)
    flows["log_dist"] = np.log(flows["distance_km"])
    return flows


def test_unconstrained_matches_spint(austria: pd.DataFrame) -> None:
    m = fit_gravity(austria, value="flow", cost="distance_km")
    np.testing.assert_allclose(m.params, [-7.95447436, 0.863867812, 0.880474585, -0.00620544765],
                               rtol=1e-4)  # pyfixest stops at a looser tolerance
    assert m.fit.aic == pytest.approx(20395.085388908723, abs=1e-3)
    np.testing.assert_allclose(m.fit.std_err, [7.55583451e-02, 5.16838440e-03, 4.78122141e-03,
                                               5.18488192e-05], rtol=1e-4)


def test_constrained_models_match_spint_and_margins(austria: pd.DataFrame) -> None:
    prod = fit_gravity(austria, model="production", value="flow", cost="distance_km")
    assert prod.params["log_destination_mass"] == pytest.approx(0.89278717, abs=1e-6)
    assert prod.params["cost"] == pytest.approx(-0.00727113, abs=1e-8)
    assert prod.fit.aic == pytest.approx(15882.651018068489, abs=1e-3)
    out_obs = austria.groupby("origin")["flow"].sum()
    out_fit = prod.fit.fitted.groupby(austria["origin"]).sum()
    np.testing.assert_allclose(out_fit, out_obs, rtol=1e-8)  # production constraint holds
    attr = fit_gravity(austria, model="attraction", value="flow", cost="distance_km")
    assert attr.params["cost"] == pytest.approx(-0.00693755, abs=1e-7)
    doubly = fit_gravity(austria, model="doubly", value="flow", cost="distance_km")
    assert doubly.params["const"] == pytest.approx(6.20471518, abs=1e-6)
    in_fit = doubly.fit.fitted.groupby(austria["destination"]).sum()
    np.testing.assert_allclose(in_fit, austria.groupby("destination")["flow"].sum(), rtol=1e-8)


def test_ppml_equals_doubly_pow(austria: pd.DataFrame) -> None:
    beta = ppml(austria, regressors=["log_dist"], value="flow").params["log_dist"]
    doubly = fit_gravity(austria, model="doubly", value="flow", cost="distance_km", cost_function="pow")
    assert beta == pytest.approx(doubly.params["cost"], abs=1e-9)


def test_ppml_equals_pyfixest_fepois(austria: pd.DataFrame) -> None:
    if importlib.util.find_spec("pyfixest") is None:
        if os.environ.get("CI"):
            pytest.fail("pyfixest is in the test extra but not installed")
        pytest.skip("pyfixest not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyfixest as pf

        ref = pf.fepois("flow ~ log_dist + log_o | origin + destination",
                        data=austria.assign(log_o=np.log(austria["origin_mass"]) * austria["log_dist"]),
                        vcov="iid")
    ours = ppml(austria.assign(log_o=np.log(austria["origin_mass"]) * austria["log_dist"]),
                regressors=["log_dist", "log_o"], value="flow")
    np.testing.assert_allclose(ours.params.to_numpy(), ref.coef().to_numpy(), rtol=1e-7, atol=1e-9)
    # pyfixest's "iid" errors carry the small-sample factor (n - 1) / (n - k), k = 2 + 9 + 8 parameters
    n, k = len(austria), 2 + 9 + 8
    np.testing.assert_allclose(ours.std_err.to_numpy() * np.sqrt((n - 1) / (n - k)), ref.se().to_numpy(),
                               rtol=1e-4)  # pyfixest stops at a looser tolerance


def test_example_prints_result(austria: pd.DataFrame) -> None:
    del austria
    run = subprocess.run([sys.executable, str(REPO / "examples" / "austria_gravity.py")],
                         capture_output=True, text=True, check=True, timeout=300)
    last = run.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT coef=[")
    values = [float(v) for v in last.split("[")[1].rstrip("]").split(",")]
    np.testing.assert_allclose(values, [-7.954, 0.864, 0.880, -0.00621], atol=1e-3)


def _synthetic(border: float) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    units = [f"u{i}" for i in range(12)]
    xy = rng.uniform(0, 100, (12, 2))
    mass = rng.uniform(1e3, 1e4, 12)
    rows = []
    for i, a in enumerate(units):
        for j, b in enumerate(units):
            if i != j:
                d = float(np.hypot(*(xy[i] - xy[j]))) + 5
                mu = 0.01 * mass[i] ** 0.9 * mass[j] ** 0.8 * d ** -1.2
                mu *= border if (i < 6) != (j < 6) else 1.0
                rows.append((a, b, mu, d, mass[i], mass[j]))
    return pd.DataFrame(rows, columns=["origin", "destination", "value", "distance", "origin_mass",
                                       "destination_mass"])


def test_border_effect_recovers_known_barrier() -> None:
    region = {f"u{i}": ("west" if i < 6 else "east") for i in range(12)}
    none = border_effect(_synthetic(1.0), region)
    half = border_effect(_synthetic(0.5), region)
    assert none.iloc[-1]["ratio"] == pytest.approx(1.0, rel=1e-6)
    assert half.iloc[-1]["ratio"] == pytest.approx(0.5, rel=1e-6)
    assert half.iloc[-1]["origin_region"] == "*"
    with pytest.raises(DataError, match="no region"):
        border_effect(_synthetic(1.0), {"u0": "west"})


def test_missing_flows_are_marked_modelled() -> None:
    flows = _synthetic(1.0)
    model = fit_gravity(flows, cost_function="pow")
    gaps = flows.copy()
    gaps.loc[[3, 7], "value"] = np.nan
    filled = fill_missing_flows(gaps, model)
    assert filled.loc[[3, 7], "flags"].tolist() == [MODELLED, MODELLED]
    assert (filled.drop(index=[3, 7])["flags"] == "").all()
    np.testing.assert_allclose(filled.loc[[3, 7], "value"], flows.loc[[3, 7], "value"], rtol=1e-6)


def test_irls_errors() -> None:
    x = pd.DataFrame({"const": [1.0, 1.0, 1.0]})
    with pytest.raises(DataError, match="≥ 0"):
        poisson_irls(np.array([1.0, -1.0, 2.0]), x)
    with pytest.raises(ValidationError, match="lack column"):
        fit_gravity(pd.DataFrame({"origin": ["a"]}))
    with pytest.raises(DataError, match="model"):
        fit_gravity(_synthetic(1.0), model="gravity")  # type: ignore[arg-type]
    prod = fit_gravity(_synthetic(1.0), model="production", cost_function="pow")
    with pytest.raises(DataError, match="not in the fitted data"):
        prod.predict(pd.DataFrame({"origin": ["zz"], "destination": ["u1"], "distance": [3.0],
                                   "destination_mass": [5.0]}))
