"""Fit gravity models to Austrian inter-regional migration and reproduce PySAL spint.

Data: 72 flows between the 9 Austrian NUTS-2 regions (Dennett 2012), as shipped in the
tests of PySAL ``spint`` 1.0.7 (BSD-3); see ``../shared/data/raw/spint_austria/SOURCE.md``.
With the exponential cost function and a constant, spint's published results are

- ``Gravity`` (unconstrained): k, log origin mass, log destination mass, distance =
  [-7.95447436, 0.863867812, 0.880474585, -0.00620544765] (``test_Gravity``),
- ``Production`` (production-constrained): log destination mass 0.89278717 and distance
  -0.00727113, plus the constant and 8 origin dummies (``test_Production``).

The script fits both (and the attraction- and doubly-constrained models), checks them to
1e-3 — the production-constrained fit too —, estimates PPML with origin and destination
fixed effects and compares it with ``pyfixest.fepois`` when pyfixest is installed (exit 1
beyond 1e-6), then
measures the border effect between Austria's three NUTS-1 groups. It ends with one line
``RESULT coef=[…]`` giving the four published (unconstrained) coefficients as fitted.

Usage::

    python examples/austria_gravity.py [--data PATH]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from tongcheng.flows.interaction import border_effect, fit_gravity, ppml

DEFAULT = (Path(__file__).resolve().parents[1].parent / "shared" / "data" / "raw" / "spint_austria"
           / "austria_migration_flows.csv")
SPINT_GRAVITY = [-7.95447436, 0.863867812, 0.880474585, -0.00620544765]
SPINT_PRODUCTION = [-1.11700938, 1.68662317, 2.15188689, 0.60300297, 0.88380784, 1.20926104,
                    0.68938983, 1.15472804, 1.02479968, 0.89278717, -0.00727113]
TOL = 1e-3
PPML_TOL = 1e-6  # ours against pyfixest.fepois, both iterated to convergence (3.5e-11 apart)


def _fepois(flows: pd.DataFrame) -> float | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pyfixest as pf

            fit = pf.fepois("flow ~ log_dist | origin + destination", data=flows)
    except ImportError:
        return None
    return float(fit.coef()["log_dist"])


def main() -> None:
    """Fit, check against spint and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    args = parser.parse_args()
    flows = pd.read_csv(args.data)
    kw = {"value": "flow", "cost": "distance_km"}

    gravity = fit_gravity(flows, model="unconstrained", **kw)
    production = fit_gravity(flows, model="production", **kw)
    print("unconstrained:", np.round(gravity.params.to_numpy(), 8).tolist(), f"AIC {gravity.fit.aic:.4f}")
    print("production:   ", np.round(production.params.to_numpy(), 8).tolist(),
          f"AIC {production.fit.aic:.4f}")
    for name in ("attraction", "doubly"):
        m = fit_gravity(flows, model=name, **kw)  # type: ignore[arg-type]
        print(f"{name + ':':14}", f"distance {m.params['cost']:.8f}", f"AIC {m.fit.aic:.4f}")
    np.testing.assert_allclose(gravity.params.to_numpy(), SPINT_GRAVITY, atol=TOL, rtol=0)
    np.testing.assert_allclose(production.params.to_numpy(), SPINT_PRODUCTION, atol=TOL, rtol=0)
    print(f"matches spint test_Gravity and test_Production to {TOL:g}")

    flows["log_dist"] = np.log(flows["distance_km"])
    beta = float(ppml(flows, regressors=["log_dist"], value="flow").params["log_dist"])
    ref = _fepois(flows)
    if ref is None:
        print(f"PPML log distance {beta:.8f} (pyfixest not installed; not compared)")
    else:
        print(f"PPML log distance {beta:.8f}; pyfixest fepois {ref:.8f}; |diff| {abs(beta - ref):.2e}")
        if not abs(beta - ref) <= PPML_TOL:  # computed live: a difference fails the run
            msg = f"PPML log distance differs from pyfixest fepois by more than {PPML_TOL:g}"
            raise SystemExit(msg)

    nuts1 = {code: code[:3] for code in pd.concat([flows["origin"], flows["destination"]]).unique()}
    border = border_effect(flows, nuts1, cost="distance_km", value="flow")
    total = border[border["origin_region"] == "*"].iloc[0]
    print(f"border effect between NUTS-1 groups: observed {total['observed']:.0f}, "
          f"expected {total['expected']:.0f}, ratio {total['ratio']:.3f}")

    coef = ", ".join(f"{v:.6g}" for v in gravity.params.to_numpy())
    print(f"RESULT coef=[{coef}]")


if __name__ == "__main__":
    main()
