"""Tests of tongcheng.composite.time: growth rates, points per year, assessment windows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from tongcheng._errors import DataError
from tongcheng.composite.framework import Framework, Node
from tongcheng.composite.pipeline import Recipe, Step, build_panel
from tongcheng.composite.time import assess_window, cagr, pct_change, points_per_year, scores_by_period

# -- growth -------------------------------------------------------------------------------------


def test_cagr_and_pct_change_by_hand():
    assert cagr(100, 121, 2) == pytest.approx(0.1)
    assert cagr(100, 129.5, 7) == pytest.approx(1.295 ** (1 / 7) - 1)
    assert_allclose(cagr([100, 50], [110, 50], 1), [0.1, 0.0])
    assert math.isnan(cagr(0, 10, 3)) and math.isnan(cagr(-1, 10, 3))
    assert pct_change(100, 129.5) == pytest.approx(0.295)
    assert pct_change(100, 129.5, percent=True) == pytest.approx(29.5)
    assert pct_change(-10, -5) == pytest.approx(0.5)  # relative to |start|: an improvement
    assert math.isnan(pct_change(0, 5))
    with pytest.raises(DataError, match="years must be positive"):
        cagr(100, 110, 0)


def test_points_per_year_yrd_development_index():
    # DOMAIN §2.1 / F-Y6: 长三角区域发展指数 2015 = 100, 2022 = 129.5, "年均提高 4.2 点"
    s = pd.Series({2015: 100.0, 2022: 129.5})
    p = points_per_year(s, base_period=2015)
    assert math.isnan(p[2015])
    assert p[2022] == pytest.approx((129.5 - 100) / 7)
    assert round(float(p[2022]), 1) == 4.2


def test_points_per_year_table_and_string_periods():
    wide = pd.DataFrame({"2015": [100.0, 100.0], "2018": [106.0, 103.0], "2022": [129.5, 114.0]},
                        index=["YRD", "X"])
    p = points_per_year(wide, base_period="2015")
    assert_allclose(p.loc["YRD", ["2018", "2022"]].to_numpy(float), [2.0, 29.5 / 7])
    assert_allclose(p.loc["X", ["2018", "2022"]].to_numpy(float), [1.0, 2.0])
    with pytest.raises(DataError, match="base_period"):
        points_per_year(wide, base_period="2010")
    with pytest.raises(DataError, match="not a year"):
        points_per_year(pd.Series({"a": 1.0, "b": 2.0}), base_period="a")


# -- assessment windows ----------------------------------------------------------------------------

@pytest.fixture
def wide() -> pd.DataFrame:
    return pd.DataFrame({2020: [50.0, 60.0, 40.0], 2021: [52.0, 60.5, 41.0], 2023: [56.0, 61.0, 40.0]},
                        index=pd.Index(["a", "b", "c"], name="uCode"))


def test_assess_window_change_pace_ranks(wide: pd.DataFrame):
    res = assess_window(wide, baseline=2020, final=2023)
    assert res.index.tolist() == ["a", "b", "c"]
    assert_allclose(res["change"], [6.0, 1.0, 0.0])
    assert_allclose(res["points_per_year"], [2.0, 1 / 3, 0.0])
    assert_allclose(res["pct_change"], [0.12, 1 / 60, 0.0])
    assert res["rank_baseline"].tolist() == [2, 1, 3] and res["rank_final"].tolist() == [2, 1, 3]
    assert res["rank_gain"].tolist() == [0, 0, 0]
    assert "target" not in res and "significant" not in res


def test_assess_window_targets(wide: pd.DataFrame):
    res = assess_window(wide, baseline=2020, final=2023, targets={"a": 55.0, "b": 64.0, "c": 40.0})
    assert_allclose(res["gap_closed"].to_numpy(float), [6 / 5, 0.25, np.nan])  # c: no gap to close
    assert res["met"].tolist() == [True, False, True]
    one = assess_window(wide, baseline=2020, final=2023, targets=58.0)
    assert one["met"].tolist() == [False, True, False]
    # lower is better: targets to reach from above
    low = assess_window(-wide, baseline=2020, final=2023, targets=-55.0, direction=-1)
    assert low["met"].tolist() == [True, True, False]  # -56 and -61 are at or below -55, -40 is not
    assert_allclose(low["gap_closed"].to_numpy(float), [6 / 5, -1 / 5, 0.0])
    assert low["rank_final"].tolist() == [2, 1, 3]  # same order as the positive scores


def test_assess_window_significance_rule(wide: pd.DataFrame):
    # one interval table at both ends: band = 2 h; significant iff |change| > band
    unc = pd.DataFrame({"q05": [48.0, 59.0, 39.0], "q95": [52.0, 61.0, 41.0]}, index=["a", "b", "c"])
    res = assess_window(wide, baseline=2020, final=2023, uncertainty=unc)
    assert_allclose(res["band"], [4.0, 2.0, 2.0])
    assert res["significant"].tolist() == [True, False, False]
    # per period: h_0 + h_T
    per = {2020: pd.DataFrame({"half_width": [1.0, 0.2, 1.0]}, index=["a", "b", "c"]),
           2023: pd.DataFrame({"half_width": [5.5, 0.2, 1.0]}, index=["a", "b", "c"])}
    res = assess_window(wide, baseline=2020, final=2023, uncertainty=per)
    assert_allclose(res["band"], [6.5, 0.4, 2.0])
    assert res["significant"].tolist() == [False, True, False]
    # rank band: rank change against rank interval half-widths
    moved = wide.copy()
    moved[2023] = [70.0, 61.0, 40.0]
    ranks = pd.DataFrame({"low": [1.0, 1.0, 3.0], "high": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    res = assess_window(moved, baseline=2020, final=2023, uncertainty=ranks, band="rank")
    assert res["rank_gain"].tolist() == [1, -1, 0]
    assert_allclose(res["band"], [0.0, 1.0, 0.0])
    assert res["significant"].tolist() == [True, False, False]
    with pytest.raises(DataError, match="per period lacks"):
        assess_window(wide, baseline=2020, final=2021, uncertainty=per)
    with pytest.raises(DataError, match="half_width"):
        assess_window(wide, baseline=2020, final=2023, uncertainty=pd.DataFrame({"x": [1.0]}))


def test_assess_window_uses_an_uncertainty_result_duck(wide: pd.DataFrame):
    class Result:
        rank_intervals = pd.DataFrame({"q05": [1.0, 1.0, 3.0], "q95": [3.0, 2.0, 3.0]}, index=["a", "b", "c"])
        score_intervals = pd.DataFrame({"q05": [49.0, 59.0, 39.0], "q95": [51.0, 61.0, 41.0]},
                                       index=["a", "b", "c"])

    res = assess_window(wide, baseline=2020, final=2023, uncertainty=Result())
    assert_allclose(res["band"], [2.0, 2.0, 2.0])
    res = assess_window(wide, baseline=2020, final=2023, uncertainty=Result(), band="rank")
    assert_allclose(res["band"], [2.0, 1.0, 0.0])


def test_assess_window_long_table_and_errors(wide: pd.DataFrame):
    long = wide.stack().rename("score").rename_axis(["uCode", "Time"]).reset_index()
    assert_allclose(scores_by_period(long).to_numpy(), wide.to_numpy())
    res = assess_window(long, baseline=2020, final=2023)
    assert_allclose(res["change"], [6.0, 1.0, 0.0])
    with pytest.raises(DataError, match="not in the scores"):
        assess_window(wide, baseline=2019, final=2023)
    with pytest.raises(DataError, match="must come after"):
        assess_window(wide, baseline=2023, final=2020)
    with pytest.raises(DataError, match="value column"):
        scores_by_period(long.assign(other=1.0).rename(columns={"score": "s"}))


def test_assess_window_on_a_panel_build():
    fw = Framework([Node("a", 1, "I"), Node("b", 1, "I"), Node("I", 2)])
    rows = []
    for t, shift in ((2020, 0.0), (2021, 1.0), (2022, 2.0), (2023, 4.0)):
        for u, base in (("x", 1.0), ("y", 2.0), ("z", 3.0)):
            rows.append({"uCode": u, "Time": t, "a": base + shift * (u == "x"), "b": base + shift})
    recipe = Recipe([Step("normalise", {"method": "minmax", "global": True}), Step("aggregate")])
    pb = build_panel(recipe, pd.DataFrame(rows), fw)
    res = assess_window(pb, baseline=2020, final=2023)
    wide = scores_by_period(pb)
    assert list(wide.columns) == [2020, 2021, 2022, 2023]
    assert_allclose(res["change"].to_numpy(), (wide[2023] - wide[2020]).to_numpy())
    assert res.loc["x", "change"] > res.loc["y", "change"] > 0
    assert res.loc["x", "rank_gain"] == 2  # from last to first
    pillar = assess_window(pb, baseline=2020, final=2023, code="a")
    assert pillar.loc["y", "change"] == 0


def test_assess_window_with_an_uncertainty_analysis():
    from tongcheng.composite.pipeline import build
    from tongcheng.composite.uncertainty import uncertainty_analysis

    fw = Framework([Node("a", 1, "I"), Node("b", 1, "I"), Node("c", 1, "I"), Node("I", 2)])
    rng = np.random.default_rng(1)
    rows = [{"uCode": f"u{i}", "Time": t, "a": 1 + i + t - 2020 + rng.random(),
             "b": 5 - 0.3 * i + rng.random(), "c": 2 + rng.random()} for t in (2020, 2023) for i in range(6)]
    panel = pd.DataFrame(rows)
    norm = {"method": "minmax", "params": {"l_u": [1, 100]}}
    pb = build_panel(Recipe([Step("normalise", {**norm, "global": True}), Step("aggregate")]), panel, fw)
    final = build(Recipe([Step("normalise", norm), Step("aggregate")]),
                  panel[panel["Time"] == 2023].drop(columns="Time"), fw, unit="uCode")
    res = uncertainty_analysis(final, factors={"aggregate": ["amean", "gmean"],
                                               "weights_noise": {"levels": [1], "noise": 0.5, "n_sets": 20}},
                               n=50, rng=4)
    out = assess_window(pb, baseline=2020, final=2023, uncertainty=res, band="rank")
    half = (res.rank_intervals["q95"] - res.rank_intervals["q05"]) / 2
    assert_allclose(out["band"].to_numpy(), 2 * half.reindex(out.index).to_numpy())
    assert out["significant"].tolist() == (out["rank_gain"].abs() > out["band"]).tolist()
    scores = assess_window(pb, baseline=2020, final=2023, uncertainty=res)
    assert scores["band"].notna().all()
