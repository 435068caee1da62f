"""Flows read from store observations, gravity inputs, stored delineations, LQ reference."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tongcheng._errors import DataError, ValidationError
from tongcheng.flows import (
    ODTable,
    gravity_inputs,
    od_from_observations,
    ppml,
    store_delineation,
    stored_metro_code,
    urban_flow_intensity,
)


def _obs() -> pd.DataFrame:
    od = ODTable.from_frame(pd.DataFrame({"origin": ["a", "a", "b", "b"], "destination": ["a", "b", "b", "a"],
                                          "value": [90.0, 10.0, 60.0, 40.0]}),
                            period="2021", kind="commuting", value_kind="sample")
    sample = od.to_observations()
    expanded = sample.assign(value_kind="estimated", value=sample["value"] * 7)
    later = expanded.assign(period="2022")
    return pd.concat([sample, expanded, later], ignore_index=True)


def test_od_from_observations_prefers_sample_counts() -> None:
    obs = _obs()
    od = od_from_observations(obs, period="2021")
    assert od is not None and od.data["value_kind"].unique().tolist() == ["sample"]
    assert od.data["value"].sum() == 200.0  # the expanded counts are not added
    latest = od_from_observations(obs)
    assert latest is not None and latest.data["period"].iloc[0] == "2022"
    assert latest.data["value_kind"].iloc[0] == "expanded" and latest.data["value"].sum() == 1400.0
    assert od_from_observations(obs.iloc[:0]) is None
    assert od_from_observations(obs, period="1999") is None


def test_gravity_inputs_masses_and_distance() -> None:
    od = od_from_observations(_obs(), period="2021")
    assert od is not None
    coords = pd.DataFrame({"lon": [0.0, 0.0], "lat": [0.0, 1.0]}, index=["a", "b"])
    frame = gravity_inputs(od, coords).set_index(["origin", "destination"])
    # O_a = 90 + 10, D_a = 90 + 40 (intra flows included); one degree of arc on the mean sphere
    assert frame.loc[("a", "b"), "origin_mass"] == 100.0
    assert frame.loc[("b", "a"), "destination_mass"] == 130.0
    assert frame.loc[("a", "b"), "distance"] == pytest.approx(6371.0088 * math.pi / 180)
    with pytest.raises(DataError, match="no lon/lat"):
        gravity_inputs(od, coords.iloc[:1])


def test_stored_codes_and_refusals() -> None:
    assert stored_metro_code("SH_1P8", "oecd_fua-2021") == "SH_1P8@oecd_fua-2021"
    with pytest.raises(DataError, match="longer than 32"):
        stored_metro_code("a-very-long-metro-name", "oecd_fua-2021")
    plan = pd.DataFrame({"metro_code": ["SH"], "version": ["2022"], "name_zh": ["上海"], "name_en": ["SH"],
                         "core_code": ["310100"], "member_code": ["310100"], "status": ["adopted"],
                         "source_doc": ["《上海大都市圈空间协同规划》"]})
    with pytest.raises(DataError, match="only delineations made by tongcheng"):
        store_delineation(object(), plan)
    with pytest.raises(DataError, match="no delineated members"):
        store_delineation(object(), plan.iloc[:0])


def test_urban_flow_intensity_against_a_reference_economy() -> None:
    emp = pd.DataFrame({"ind": [60.0], "svc": [40.0]}, index=["X"])
    ref = pd.DataFrame({"ind": [60.0, 20.0, 20.0], "svc": [40.0, 80.0, 80.0]}, index=["X", "Y", "Z"])
    res = urban_flow_intensity(emp, pd.Series({"X": 1000.0}), reference=ref)
    # reference share of ind = 100 / 300; X expects 100/3 in ind → surplus 60 − 33.33 = 26.67
    assert res.loc["X", "external_function"] == pytest.approx(60 - 100 / 3)
    assert res.loc["X", "intensity"] == pytest.approx(1000 / 100 * (60 - 100 / 3))
    with pytest.raises(DataError, match="lacks sector"):
        urban_flow_intensity(emp, pd.Series({"X": 1.0}), reference=ref[["ind"]])


def test_ppml_locates_bad_values_and_missing_columns() -> None:
    frame = pd.DataFrame({"origin": list("aabb"), "destination": list("baba"), "value": [1, -2, 3, 4],
                          "x": ["1", "2", "n/a", "4"]})
    with pytest.raises(ValidationError) as err:
        ppml(frame, regressors=["x", "z"], file="flows.csv")
    where = {(p.row, p.column) for p in err.value.problems}
    assert where == {(None, "z"), (3, "value"), (4, "x")}
    assert "flows.csv row 4 column 'x'" in str(err.value)
