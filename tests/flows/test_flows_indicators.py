from __future__ import annotations

import pandas as pd
import pytest

from tongcheng.flows import ODTable
from tongcheng.indicators import flows as flow_indicators
from tongcheng.indicators.context import ComputeContext
from tongcheng.indicators.registry import _REGISTRY


def _ctx(with_sample: bool = True, employed: bool = False) -> ComputeContext:
    frame = pd.DataFrame({
        "origin": ["310100", "310100", "320583", "320583", "320585", "320585", "320583"],
        "destination": ["310100", "320583", "320583", "310100", "320585", "310100", "320585"],
        "value": [900.0, 10.0, 70.0, 20.0, 80.0, 15.0, 10.0],
    })
    od = ODTable.from_frame(frame, period="2021", kind="commuting", value_kind="sample")
    obs = od.to_observations()
    if not with_sample:
        obs["value_kind"] = "estimated"
    extra = obs.assign(value_kind="estimated", value=obs["value"] * 5)  # expanded counts, same period
    obs = pd.concat([obs, extra]) if with_sample else obs
    if employed:
        obs = pd.concat([obs, pd.DataFrame({
            "indicator": "employed_residents", "subject_kind": "unit", "subject_key": "320583",
            "unit_code": "320583", "partner_code": None, "period": "2021", "value": 200.0,
            "value_kind": "reported", "flags": ""}, index=[0])])
    metros = pd.DataFrame({"metro_code": ["M"] * 2, "version": ["1"] * 2, "member_code": ["310100", "320583"],
                           "core_code": ["310100"] * 2, "status": ["adopted"] * 2})
    return ComputeContext(observations=obs.reset_index(drop=True), units=pd.DataFrame(), metros=metros)


def test_registered_and_importable_without_data() -> None:
    assert {"commuting_share", "intra_metro_commuting_share"} <= set(_REGISTRY)
    assert _REGISTRY["commuting_share"].subject_kind == "pair"
    empty = ComputeContext(observations=_ctx().observations.iloc[:0], units=pd.DataFrame(),
                           metros=_ctx().metros)
    assert flow_indicators.commuting_share(empty).empty
    assert flow_indicators.intra_metro_share(empty).empty


def test_commuting_share_uses_sample_and_row_sums() -> None:
    res = _REGISTRY["commuting_share"].compute(_ctx())
    v = res["value"]
    assert v[("320583", "310100")] == pytest.approx(20.0)  # 20 / (70 + 20 + 10), sample counts only
    assert "value_kind=sample" in res.loc[("320583", "310100"), "flags"]
    assert "denominator=od_row_sum" in res.loc[("320583", "310100"), "flags"]
    given = _REGISTRY["commuting_share"].compute(_ctx(employed=True))
    assert given.loc[("320583", "310100"), "value"] == pytest.approx(10.0)
    expanded_only = _REGISTRY["commuting_share"].compute(_ctx(with_sample=False))
    assert expanded_only.loc[("320583", "310100"), "flags"] == "denominator=od_row_sum"


def test_intra_metro_share() -> None:
    res = _REGISTRY["intra_metro_commuting_share"].compute(_ctx())
    # cross-unit flows touching M: 10 + 20 + 15 + 10 = 55; inside M: 10 + 20 = 30
    assert res.loc["M", "value"] == pytest.approx(100 * 30 / 55)
    assert res.loc["M", "period"] == "2021"
