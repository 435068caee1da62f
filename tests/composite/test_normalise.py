from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tongcheng._errors import DataError
from tongcheng.composite import normalise as nz

vals = arrays(np.float64, st.integers(3, 30), fill=st.nothing(),
              elements=st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False))
positive = arrays(np.float64, st.integers(3, 30), fill=st.nothing(),
                  elements=st.floats(0.01, 1e4, allow_nan=False, allow_infinity=False))
distinct = arrays(np.float64, st.integers(3, 30), unique=True,
                  elements=st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False))

# normalisers whose output increases with the (direction-adjusted) input
MONOTONE: dict[str, dict] = {
    "minmax": {"l_u": (0, 100)}, "zscore": {"m_sd": (10, 2)}, "scaled": {"npara": (-5, 5)},
    "rank": {}, "prank": {}, "borda": {}, "dist2max": {}, "dist2targ": {"targ": 2e4},
    "goalposts": {"gposts": (-2e4, 2e4, 100)},
}


def spread(x: np.ndarray) -> bool:
    return np.ptp(x) > 1e-6 * max(1.0, float(np.abs(x).max()))


@settings(max_examples=50, deadline=None)
@given(vals, st.floats(-100, 100), st.floats(1, 100))
def test_minmax_bounds(x: np.ndarray, lo: float, width: float) -> None:
    assume(spread(x))
    y = nz.minmax(x, l_u=(lo, lo + width))
    assert np.nanmin(y) == pytest.approx(lo, abs=1e-9 * max(1, abs(lo)))
    assert np.nanmax(y) == pytest.approx(lo + width, rel=1e-9, abs=1e-9)
    assert np.all((y >= lo - 1e-9) & (y <= lo + width + 1e-9))


@settings(max_examples=40, deadline=None)
@given(distinct, st.sampled_from(sorted(MONOTONE)))
def test_direction_flip_reverses_order(x: np.ndarray, name: str) -> None:
    assume(spread(x))
    func = nz.NORMALISERS[name]
    up = func(x, direction=1, **MONOTONE[name])
    # a target lies on the good side: above the data for +1, below for -1
    down_params = {"targ": -2e4} if name == "dist2targ" else MONOTONE[name]
    down = func(x, direction=-1, **down_params)
    order = np.argsort(x)
    assert np.all(np.diff(up[order]) >= -1e-12)
    assert np.all(np.diff(down[order]) <= 1e-12)


@settings(max_examples=40, deadline=None)
@given(positive, st.sampled_from(["rank", "prank", "borda"]))
def test_rank_methods_invariant_under_monotone_transform(x: np.ndarray, name: str) -> None:
    func = nz.NORMALISERS[name]
    for transformed in (np.log(x), x**3 + 7, 8 * x):
        # only where rounding keeps distinct values distinct
        if len(np.unique(transformed)) == len(np.unique(x)):
            assert np.array_equal(func(x), func(transformed))


@settings(max_examples=40, deadline=None)
@given(vals)
def test_zscore_moments(x: np.ndarray) -> None:
    assume(spread(x) and np.std(x) > 1e-3)
    y = nz.zscore(x, m_sd=(10, 2))
    assert np.mean(y) == pytest.approx(10, abs=1e-8)
    assert np.std(y, ddof=1) == pytest.approx(2, rel=1e-8)


@settings(max_examples=40, deadline=None)
@given(positive)
def test_mcda_scalings(x: np.ndarray) -> None:
    assert np.sum(nz.vector(x) ** 2) == pytest.approx(1)
    assert np.sum(nz.NORMALISERS["sum"](x)) == pytest.approx(1)
    assert np.max(nz.fracmax(x)) == pytest.approx(1)
    assert np.all(nz.base_index(x, base=x[0])[0] == pytest.approx(100))


@settings(max_examples=40, deadline=None)
@given(vals, st.floats(-1e4, 1e4), st.floats(0, 1e4))
def test_band_between_zero_and_one(x: np.ndarray, low: float, width: float) -> None:
    y = nz.band(x, low=low, high=low + width)
    assert np.all((y >= -1e-12) & (y <= 1 + 1e-12))
    inside = (x >= low) & (x <= low + width)
    assert np.all(y[inside] == 1)


def test_hand_values() -> None:
    x = np.array([0.0, 5.0, 10.0])
    assert nz.dist2targ(x, targ=5.0, cap_max=True).tolist() == [0.0, 1.0, 1.0]
    # direction -1: COINr's (max - x) / (max - targ)
    assert nz.dist2targ(x, targ=5.0, direction=-1).tolist() == [2.0, 1.0, 0.0]
    assert nz.goalposts(x, gposts=(0, 10, 100), direction=-1).tolist() == [100.0, 50.0, 0.0]
    assert nz.goalposts(np.array([-5.0, 20.0]), gposts=(0, 10, 1)).tolist() == [0.0, 1.0]
    assert nz.dist2ref(x, iref=1, cap_max=True).tolist() == [0.0, 1.0, 1.0]
    assert nz.prank(np.array([1.0, 2.0, 2.0, 3.0])).tolist() == [0.0, 1 / 3, 1 / 3, 1.0]
    assert nz.borda(np.array([5.0, np.nan, 1.0])).tolist() == pytest.approx([1.0, np.nan, 0.0], nan_ok=True)
    with pytest.raises(DataError):
        nz.minmax(x, direction=2)
    with pytest.raises(DataError):
        nz.dist2ref(x, iref=3)


@pytest.mark.parametrize("name", sorted(nz.NORMALISERS))
def test_every_normaliser_keeps_series_index_and_missing(name: str) -> None:
    params = {"dist2ref": {"iref": 0}, "dist2targ": {"targ": 10.0}, "goalposts": {"gposts": (0, 10, 1)},
              "base_index": {"base": 2.0}, "band": {"low": 2, "high": 3}}.get(name, {})
    s = pd.Series([1.0, np.nan, 4.0, 2.0], index=list("abcd"), name="x")
    out = nz.NORMALISERS[name](s, **params)
    assert isinstance(out, pd.Series) and out.index.equals(s.index) and out.name == "x"
    assert np.isnan(out["b"])
    assert nz.get_normaliser("n_" + name) is nz.NORMALISERS[name]


def test_unknown_normaliser() -> None:
    with pytest.raises(DataError, match="unknown normaliser"):
        nz.get_normaliser("nope")


def test_normalise_table_with_overrides() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]})
    out = nz.normalise(df, directions={"b": -1}, indiv={"a": {"method": "rank"}})
    assert out["a"].tolist() == [1, 2, 3]
    assert out["b"].tolist() == [0, 50, 100]


def test_panel_normalisation_pools_years() -> None:
    p = pd.DataFrame({"uCode": ["a", "b"] * 2, "Time": [1, 1, 2, 2], "x": [1.0, 2.0, 3.0, 5.0]})
    pooled = nz.normalise_panel(p)
    assert pooled["x"].tolist() == [0, 25, 50, 100]
    base = nz.normalise_panel(p, method="base_index", base_time=1)
    assert base["x"].tolist() == [100, 100, 300, 250]
    with pytest.raises(DataError):
        nz.normalise_panel(p, method="base_index", base_time=9)
