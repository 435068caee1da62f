from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tongcheng.flows import ODTable
from tongcheng.flows.network import flow_centrality, intra_metro_share, urban_flow_intensity


def _od() -> ODTable:
    frame = pd.DataFrame({"origin": ["A", "B", "C", "A", "D"], "destination": ["B", "A", "A", "A", "C"],
                          "value": [10.0, 30.0, 20.0, 99.0, 5.0]})
    return ODTable.from_frame(frame, period="2021", kind="commuting", value_kind="sample")


def test_centrality() -> None:
    c = flow_centrality(_od())
    assert c.loc["A", "in_strength"] == 50 and c.loc["A", "out_strength"] == 10  # intra 99 left out
    assert c["pagerank"].sum() == pytest.approx(1.0)
    assert c["pagerank"].idxmax() == "A"
    assert c.loc["D", "in_degree"] == 0


def test_intra_metro_share() -> None:
    members = pd.DataFrame({"metro_code": ["M", "M"], "member_code": ["A", "B"]})
    res = intra_metro_share(_od(), members).iloc[0]
    assert res["inside"] == 40 and res["touching"] == 60 and res["value"] == pytest.approx(200 / 3)


def test_urban_flow_intensity_by_hand() -> None:
    emp = pd.DataFrame({"ind": [60.0, 20.0], "svc": [40.0, 80.0]}, index=["X", "Y"])
    gdp = pd.Series({"X": 1000.0, "Y": 500.0})
    res = urban_flow_intensity(emp, gdp)
    # shares: ind 80/200 = 0.4; X expects 40 in ind → surplus 20; Y expects 60 in svc → surplus 20
    assert res.loc["X", "external_function"] == pytest.approx(20)
    assert res.loc["X", "intensity"] == pytest.approx(10 * 20)
    assert res.loc["Y", "tendency"] == pytest.approx(5 * 20 / 500)
    assert np.isfinite(res.to_numpy()).all()
