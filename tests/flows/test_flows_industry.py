from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tongcheng import datasets
from tongcheng._errors import DataError
from tongcheng.flows.industry import complementarity, krugman, location_quotients, unido_similarity
from tongcheng.indicators import industry as industry_indicators
from tongcheng.indicators.context import ComputeContext
from tongcheng.indicators.registry import _REGISTRY
from tongcheng.indicators.structure import krugman_specialisation

SECTIONS = [f"emp_{c}" for c in "abcdefghijklmnopqrst"]


def _census_emp(year: str = "2020") -> pd.DataFrame:
    c = datasets.census("city")
    c = c[c["indicator"].isin(SECTIONS) & (c["period"] == year)]
    return c.pivot(index="code", columns="indicator", values="value").fillna(0.0)


def test_unido_hand_examples() -> None:
    t = pd.DataFrame({"a": [1, 2, 1], "b": [1, 2, 0]}, index=["X", "Y", "Z"])
    s = unido_similarity(t)
    assert s.name == "unido_similarity"
    assert s[("X", "Y")] == pytest.approx(1.0)  # proportional structures
    assert s[("X", "Z")] == pytest.approx(1 / math.sqrt(2))  # (1,1)·(1,0) / (√2 · 1)
    # (0.5, 0.3, 0.2) vs (0.2, 0.3, 0.5): 0.29 / 0.38
    u = pd.DataFrame([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]], index=["P", "Q"], columns=list("xyz"))
    assert unido_similarity(u)[("P", "Q")] == pytest.approx(0.29 / 0.38)
    # the Krugman index of the same pair: |0.3| + 0 + |−0.3| = 0.6; krugman is the existing function
    assert krugman is krugman_specialisation
    assert krugman(u)[("P", "Q")] == pytest.approx(0.6)


def test_unido_properties_on_census() -> None:
    emp = _census_emp()
    s = unido_similarity(emp)
    assert len(s) == len(emp) * (len(emp) - 1) // 2
    assert ((s >= 0) & (s <= 1)).all()
    # symmetric and scale-free: reversed row order and rescaled rows give the same values
    rev = unido_similarity(emp.iloc[::-1] * np.arange(1, len(emp) + 1)[:, None])
    pd.testing.assert_series_equal(rev, s, rtol=1e-12)
    # Shanghai and Suzhou share a similar structure more than Shanghai and Huangshan
    assert s[("310100", "320500")] > s[("310100", "341000")]


def test_unido_errors() -> None:
    with pytest.raises(DataError, match="non-numeric value 'x'"):
        unido_similarity(pd.DataFrame({"a": [1, "x"]}, index=["A", "B"]))
    with pytest.raises(DataError, match="twice"):
        unido_similarity(pd.DataFrame({"a": [1, 2]}, index=["A", "A"]))
    with pytest.raises(DataError, match="at least two units"):
        unido_similarity(pd.DataFrame({"a": [1, 0]}, index=["A", "B"]))


def test_location_quotients_hand_example() -> None:
    emp = pd.DataFrame({"m": [10.0, 30.0], "s": [30.0, 30.0]}, index=["A", "B"])
    lq = location_quotients(emp)
    # reference = (40, 60) → shares (0.4, 0.6); A = (0.25, 0.75), B = (0.5, 0.5)
    assert lq.loc["A"].tolist() == pytest.approx([0.625, 1.25])
    assert lq.loc["B"].tolist() == pytest.approx([1.25, 0.5 / 0.6])
    # employment-weighted mean over units = 1 per industry (weights 0.4, 0.6)
    assert (0.4 * lq.loc["A"] + 0.6 * lq.loc["B"]).tolist() == pytest.approx([1.0, 1.0])
    by_b = location_quotients(emp, reference="B")
    assert by_b.loc["B"].tolist() == pytest.approx([1.0, 1.0])  # the reference region is 1
    given = location_quotients(emp, reference=pd.Series({"m": 1.0, "s": 3.0}))
    assert given.loc["A"].tolist() == pytest.approx([1.0, 1.0])


def test_location_quotients_identities_on_census() -> None:
    emp = _census_emp()
    lq = location_quotients(emp)
    weights = emp.sum(axis=1) / emp.to_numpy().sum()
    ref_share = emp.sum() / emp.to_numpy().sum()
    np.testing.assert_allclose((lq.mul(weights, axis=0)).sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(lq.fillna(0.0).mul(ref_share, axis=1).sum(axis=1), 1.0, rtol=1e-12)
    assert location_quotients(emp, reference="310100").loc["310100"].dropna().eq(1.0).all()
    with pytest.raises(DataError, match="not a row of the table"):
        location_quotients(emp, reference="999999")
    with pytest.raises(DataError, match="lacks industries"):
        location_quotients(emp, reference=pd.Series({"emp_a": 1.0}))


def test_complementarity_hand_example() -> None:
    supply = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}, index=["X", "Y"])
    demand = pd.DataFrame({"a": [0.5, 1.0], "b": [0.5, 0.0]}, index=["X", "Y"])
    c = complementarity(supply, demand)
    # X supplies (1, 0); Y demands (1, 0): 100 (1 − 0) = 100
    assert c[("X", "Y")] == pytest.approx(100.0)
    # Y supplies (0, 1); X demands (0.5, 0.5): 100 (1 − (0.5 + 0.5) / 2) = 50
    assert c[("Y", "X")] == pytest.approx(50.0)
    assert ("X", "X") not in c.index
    with pytest.raises(DataError, match="distinct from the supply"):
        complementarity(supply, supply.copy())


def test_industry_indicators_registered_and_computed() -> None:
    assert _REGISTRY["unido_similarity"].subject_kind == "pair"
    assert _REGISTRY["lq_manufacturing"].subject_kind == "unit"
    c = datasets.census("city")
    c = c[c["indicator"].isin(SECTIONS)]
    obs = pd.DataFrame({"indicator": c["indicator"], "subject_kind": "unit", "unit_code": c["code"],
                        "partner_code": None, "period": c["period"], "value": c["value"].astype(float)})
    ctx = ComputeContext(observations=obs, units=datasets.units(), metros=pd.DataFrame())
    sim = _REGISTRY["unido_similarity"].compute(ctx)
    assert set(sim["period"]) == {"2010", "2020"}
    expected = unido_similarity(_census_emp("2020"))
    got = sim[sim["period"] == "2020"]["value"]
    assert got[("310100", "320500")] == pytest.approx(expected[("310100", "320500")])
    lq = _REGISTRY["lq_manufacturing"].compute(ctx)
    lq20 = lq[lq["period"] == "2020"]["value"]
    assert lq20["320500"] > 1 > lq20["341000"]  # Suzhou manufacturing, Huangshan not
    empty = ComputeContext(observations=obs.iloc[:0], units=datasets.units(), metros=pd.DataFrame())
    assert industry_indicators.similarity(empty).empty
    assert industry_indicators.lq_manufacturing(empty).empty
