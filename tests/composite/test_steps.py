from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tongcheng._errors import DataError, ValidationError
from tongcheng.composite import steps

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def test_denominate() -> None:
    x = pd.DataFrame({"a": [10.0, np.nan], "b": [1.0, 2.0]}, index=["u", "v"])
    d = pd.DataFrame({"pop": [2.0, 4.0]}, index=["v", "u"])
    out = steps.denominate(x, d, mapping={"a": "pop", "b": None}, scale=1000)
    assert out.loc["u", "a"] == 2500
    assert np.isnan(out.loc["v", "a"])
    assert out["b"].tolist() == [1.0, 2.0]
    with pytest.raises(ValidationError, match="denominator column"):
        steps.denominate(x, d, mapping={"a": "gdp"})


def test_impute_methods_and_flags() -> None:
    x = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0, np.nan]}, index=list("pqrst"))
    g = pd.Series(["A", "A", "A", "B", "B"], index=list("pqrst"))
    out, flags = steps.impute(x, method="mean")
    assert out.loc["q", "a"] == pytest.approx(14 / 3)
    assert flags["a"].tolist() == [False, True, False, False, True]
    assert steps.impute(x, method="median")[0].loc["q", "a"] == 3
    grp = steps.impute(x, method="group_mean", groups=g)[0]
    assert grp.loc["q", "a"] == 2 and grp.loc["t", "a"] == 10
    assert steps.impute(x, method="group_median", groups=g)[0].loc["q", "a"] == 2
    with pytest.raises(DataError, match="groups"):
        steps.impute(x, method="group_mean")
    with pytest.raises(DataError, match="unknown imputation"):
        steps.impute(x, method="nope")  # type: ignore[arg-type]


def test_regression_imputation_recovers_linear_relation() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=40)
    x = pd.DataFrame({"a": a, "b": 2 * a + 1})
    x.loc[[3, 7], "b"] = np.nan
    out, flags = steps.impute(x, method="regression")
    assert out.loc[[3, 7], "b"].tolist() == pytest.approx((2 * a[[3, 7]] + 1).tolist())
    assert flags["b"].sum() == 2


def test_em_imputation() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(size=60)
    x = pd.DataFrame({"a": a, "b": 2 * a + 1, "c": rng.normal(size=60)})
    x.loc[[3, 7], "b"] = np.nan
    x.loc[[5], ["b", "c"]] = np.nan
    out, flags = steps.impute(x, method="em", max_iter=500)
    assert out.loc[[3, 5, 7], "b"].tolist() == pytest.approx((2 * a[[3, 5, 7]] + 1).tolist(), abs=1e-6)
    assert flags.to_numpy().sum() == 4
    assert not out.isna().any().any()


def test_impute_time() -> None:
    p = pd.DataFrame({"uCode": ["a"] * 4 + ["b"] * 4, "Time": [1, 2, 3, 4] * 2,
                      "x": [np.nan, 1.0, np.nan, 4.0, 2.0, np.nan, np.nan, np.nan]})
    latest, flags = steps.impute_time(p, method="latest")
    assert latest["x"].tolist()[:4] == pytest.approx([np.nan, 1, 1, 4], nan_ok=True)
    assert latest["x"].tolist()[4:] == [2, 2, 2, 2]
    assert flags["x"].sum() == 4
    const = steps.impute_time(p, method="constant")[0]
    assert const["x"].tolist()[:4] == [1, 1, 1, 4]
    lin = steps.impute_time(p, method="linear")[0]
    assert lin["x"].tolist()[:4] == [1, 1, 2.5, 4]
    assert steps.impute_time(p, method="latest", max_time=1)[0]["x"].tolist()[4:] == \
        pytest.approx([2, 2, np.nan, np.nan], nan_ok=True)
    with pytest.raises(DataError):
        steps.impute_time(p.drop(columns="Time"))


def test_screen() -> None:
    x = pd.DataFrame({"a": [1.0, np.nan, 0.0], "b": [2.0, np.nan, 0.0], "c": [3.0, 1.0, 0.0]},
                     index=["u", "v", "w"])
    kept, table = steps.screen(x, min_availability=0.5)
    assert kept.index.tolist() == ["u", "w"]
    assert table.loc["v", "availability"] == pytest.approx(1 / 3)
    assert steps.screen(x, min_availability=0, by="zeros")[0].index.tolist() == ["u", "v"]
    assert steps.screen(x, min_availability=0.5, by="na_and_zeros")[0].index.tolist() == ["u"]
    assert steps.screen(x, min_availability=0.5, force={"v": True})[0].index.tolist() == ["u", "v", "w"]
    with pytest.raises(DataError):
        steps.screen(x, min_availability=2)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=4, max_size=40))
def test_skew_kurt_match_scipy_unbiased(values: list[float]) -> None:
    x = np.array(values)
    if np.ptp(x) < 1e-3 * max(1.0, np.abs(x).max()):
        return
    assert steps.skewness(x) == pytest.approx(stats.skew(x, bias=False), rel=1e-6, abs=1e-6)
    assert steps.kurtosis(x) == pytest.approx(stats.kurtosis(x, bias=False), rel=1e-6, abs=1e-6)


def test_winsorise_coinr_example() -> None:
    # COINr's ?winsorise example: 1..10 with two outliers 30 and 100; 100 -> 30 suffices
    x = np.array([*range(1, 11), 30.0, 100.0])
    out, info = steps.winsorise(x, winmax=5)
    assert out[-2:].tolist() == [30.0, 30.0]
    assert info == {"n_winsorised": 1, "high": [11], "low": []}


def test_winsorise_ties_move_together_and_are_counted() -> None:
    # 100 -> 80 (1 point); then the tied pair {80, 80} -> 60 (2 points, COINr's count)
    x = np.array([*range(1, 21), 60.0, 80.0, 100.0])
    out, info = steps.winsorise(x, winmax=5)
    assert out[-3:].tolist() == [60.0, 60.0, 60.0]
    assert info["n_winsorised"] == 2 and info["high"] == [21, 22]
    assert steps.check_skew_kurt(out)
    tied = np.array([*range(1, 21), 100.0, 100.0])
    out, info = steps.winsorise(tied)
    assert out[-2:].tolist() == [20.0, 20.0] and info["n_winsorised"] == 2


def test_winsorise_respects_winmax_and_low_side() -> None:
    x = -np.array([*range(1, 11), 30.0, 100.0])
    out, info = steps.winsorise(x, winmax=1)
    assert info["n_winsorised"] == 1 and info["low"] == [11]
    assert out[11] == -30.0
    y = np.array([*range(1, 21), 60.0, 80.0, 100.0])
    assert steps.winsorise(y, winmax=1)[0][-3:].tolist() == [60.0, 80.0, 80.0]


def test_treat_log_fallback_and_percentile() -> None:
    x = pd.DataFrame({"heavy": [1.0] * 20 + [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9],
                      "fine": np.linspace(0, 1, 27)})
    out, log = steps.treat(x, winmax=1)
    assert bool(log.loc["heavy", "log_transformed"])
    assert out["heavy"].iloc[0] == pytest.approx(np.log(0.01 * (1e9 - 1)))
    assert not log.loc["fine", "winsorised"] and out["fine"].equals(x["fine"])
    capped, log2 = steps.treat(x, method="percentile", percentiles=(0.0, 0.9), fallback="none")
    assert capped["heavy"].max() == pytest.approx(np.quantile(x["heavy"], 0.9))
    assert log2.loc["heavy", "n_winsorised"] >= 1
    with pytest.raises(DataError):
        steps.treat(x, method="nope")  # type: ignore[arg-type]


def test_treat_constant_column_untouched() -> None:
    x = pd.DataFrame({"c": [2.0] * 6})
    out, log = steps.treat(x)
    assert out["c"].tolist() == [2.0] * 6 and log.loc["c", "passed"] is None
