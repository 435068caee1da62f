"""The indicator functions on hand-computable inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tongcheng import DataError
from tongcheng.indicators.population import ageing_share, population_change, urbanisation_rate
from tongcheng.indicators.rail import (
    DISTANCE_FALLBACK,
    circle_population,
    gravity_linkage,
    one_hour_circle,
    rail_time_to,
    symmetric_times,
)
from tongcheng.indicators.structure import krugman_specialisation


def times(rows: list[tuple[str, str, float]]) -> pd.Series:
    idx = pd.MultiIndex.from_tuples([(a, b) for a, b, _ in rows], names=["from_code", "to_code"])
    return pd.Series([t for _, _, t in rows], index=idx, dtype=float)


def test_population_change_aligns_and_computes_percent() -> None:
    start = pd.Series({"a": 100.0, "b": 200.0, "c": 50.0})
    end = pd.Series({"b": 150.0, "a": 110.0})
    out = population_change(start, end)
    assert out.name == "pop_change"
    assert out.to_dict() == pytest.approx({"a": 10.0, "b": -25.0})


def test_urbanisation_rate_rejects_swapped_inputs() -> None:
    urban, total = pd.Series({"a": 60.0}), pd.Series({"a": 80.0})
    assert urbanisation_rate(urban, total)["a"] == pytest.approx(75.0)
    with pytest.raises(DataError, match="exceeds the total"):
        urbanisation_rate(total, urban)


def test_ageing_share_rejects_counts() -> None:
    assert ageing_share(pd.Series({"a": 23.4}))["a"] == pytest.approx(23.4)
    with pytest.raises(DataError, match="outside 0–100"):
        ageing_share(pd.Series({"a": 5_000.0}))


def test_krugman_hand_example() -> None:
    emp = pd.DataFrame({"x": [50, 0, 30], "y": [50, 40, 30], "z": [0, 40, 40]},
                       index=["b", "a", "c"])
    k = krugman_specialisation(emp)
    # shares: a = (0, .5, .5), b = (.5, .5, 0), c = (.3, .3, .4)
    assert k[("a", "b")] == pytest.approx(1.0)
    assert k[("a", "c")] == pytest.approx(0.3 + 0.2 + 0.1)
    assert k[("b", "c")] == pytest.approx(0.2 + 0.2 + 0.4)
    assert list(k.index.names) == ["from_code", "to_code"]
    assert len(k) == 3


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (4, 5), elements=st.floats(0, 1e6)))
def test_krugman_bounds_and_identity(values: np.ndarray) -> None:
    values[:, 0] += 1.0  # every unit employs someone
    emp = pd.DataFrame(values, index=list("pqrs"))
    k = krugman_specialisation(emp)
    assert ((k >= -1e-12) & (k <= 2 + 1e-12)).all()
    same = krugman_specialisation(pd.concat([emp.iloc[[0]], emp.iloc[[0]].rename(index={"p": "q"})]))
    assert same.iloc[0] == pytest.approx(0.0, abs=1e-12)


def test_krugman_disjoint_structures_give_two() -> None:
    emp = pd.DataFrame({"x": [10, 0], "y": [0, 7]}, index=["a", "b"])
    assert krugman_specialisation(emp).iloc[0] == pytest.approx(2.0)


def test_rail_time_to_takes_faster_direction_and_excludes_target() -> None:
    t = times([("s", "a", 30), ("a", "s", 28), ("s", "b", 70), ("c", "d", 5)])
    out = rail_time_to(t, "s")
    assert out.to_dict() == {"a": 28.0, "b": 70.0}
    assert rail_time_to(t, "s", direction="from").to_dict() == {"a": 30.0, "b": 70.0}
    with pytest.raises(DataError, match="direction"):
        rail_time_to(t, "s", direction="sideways")


def test_one_hour_circle_is_inclusive_and_contains_core() -> None:
    t = times([("s", "a", 60), ("s", "b", 61), ("c", "s", 20)])
    circle = one_hour_circle(t, "s")
    assert list(circle.index) == ["s", "c", "a"]
    assert circle["s"] == 0.0
    table = circle_population(t, pd.Series({"s": 10.0, "a": 1.0, "b": 5.0, "c": 2.0}), ["s"])
    assert table.loc["s", "population"] == 13.0
    assert table.loc["s", "n_cities"] == 3


def test_symmetric_times_orders_codes() -> None:
    t = times([("b", "a", 40), ("a", "b", 45), ("a", "c", 10)])
    sym = symmetric_times(t)
    assert sym.to_dict() == {("a", "b"): 40.0, ("a", "c"): 10.0}


def test_gravity_uses_rail_time_and_flags_distance_fallback() -> None:
    # three cities on the equator, 1 degree apart (~111.3 km)
    coords = pd.DataFrame({"lon": [0.0, 1.0, 2.0], "lat": [0.0, 0.0, 0.0]}, index=["a", "b", "c"])
    pop = pd.Series({"a": 2e6, "b": 3e6, "c": 1e6})
    t = times([("a", "b", 30.0), ("b", "c", 60.0)])
    g = gravity_linkage(pop, t, coords)
    assert g.loc[("a", "b"), "value"] == pytest.approx(2 * 3 / 30**2)
    assert g.loc[("b", "c"), "value"] == pytest.approx(3 * 1 / 60**2)
    assert g.loc[("a", "b"), "flags"] == ""
    # a–c has no train: time = distance / median speed of the two rail pairs
    d_ab, d_ac = g.loc[("a", "b"), "distance_km"], g.loc[("a", "c"), "distance_km"]
    speed = np.median([d_ab / 30.0, g.loc[("b", "c"), "distance_km"] / 60.0])
    assert g.loc[("a", "c"), "flags"] == DISTANCE_FALLBACK
    assert g.loc[("a", "c"), "time_min"] == pytest.approx(d_ac / speed)
    assert d_ab == pytest.approx(111.32, rel=1e-3)
    assert len(gravity_linkage(pop, t, coords, fallback=False)) == 2
