from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tongcheng._errors import DataError, ValidationError
from tongcheng.flows.market import (
    read_prices,
    relative_price_changes,
    relative_price_variance,
    segmentation_index,
)

REPO = Path(__file__).resolve().parents[2]
ZHEJIANG = REPO.parent / "shared" / "data" / "derived" / "provincial_cpi_categories.csv"


def _worked() -> pd.DataFrame:
    """3 regions × 3 categories × 2 years of chained indices (previous year = 100).

    2019: A = (102, 101, 103), B = (104, 101, 100), C = (101, 103, 103) for (f, c, h).
    2020: A = (105, 100, 102), B = C = (101, 102, 101).
    """
    idx = {2019: {"A": (102, 101, 103), "B": (104, 101, 100), "C": (101, 103, 103)},
           2020: {"A": (105, 100, 102), "B": (101, 102, 101), "C": (101, 102, 101)}}
    rows = [{"region": r, "year": y, "category": k, "index_prev_year_100": float(v)}
            for y, by_region in idx.items() for r, values in by_region.items()
            for k, v in zip(("f", "c", "h"), values, strict=True)]
    return pd.DataFrame(rows)


# ---- the worked example, by hand ---------------------------------------------------------------
# l(x) = ln(x / 100): l(100) = 0, l(101) = 0.00995033, l(102) = 0.01980263, l(103) = 0.02955880,
# l(104) = 0.03922071, l(105) = 0.04879016.
#
# 2019, |ΔQ| = |l(I_i) − l(I_j)| for (f, c, h):
#   AB = (0.01941809, 0,          0.02955880)
#   AC = (0.00985230, 0.01960847, 0         )
#   BC = (0.02927038, 0.01960847, 0.02955880)
#   mean over the 3 pairs = (0.01951359, 0.01307231, 0.01970587)
#   q_AB = |ΔQ_AB| − mean = (−0.00009550, −0.01307231, 0.00985293), mean −0.00110496
#   deviations (0.00100946, −0.01196735, 0.01095789), squares (1.01901e-6, 1.432175e-4, 1.200753e-4)
#   Var(q_AB) = 2.643118e-4 / (3 − 1) = 1.321559e-4
#
# 2020: B and C are identical, so |ΔQ_BC| = 0 and |ΔQ_AB| = |ΔQ_AC| = d with
#   d = (ln(105/101), ln(102/100), ln(102/101)) = (0.03883983, 0.01980263, 0.00985230)
#   mean over pairs = 2d/3, so q_AB = q_AC = d/3 and q_BC = −2d/3:
#   Var(d) = (0.01600824² + 0.00302896² + 0.01297929²) / 2 = 4.339003e-4 / 2 = 2.169502e-4
#   Var(q_AB) = Var(d)/9 = 2.410558e-5, Var(q_BC) = 4 Var(d)/9 = 9.642231e-5
HAND_AB_2019 = 1.321559e-4
HAND_AB_2020 = 2.410558e-5
HAND_BC_2020 = 9.642231e-5


def test_worked_example_steps() -> None:
    long = relative_price_changes(_worked()).set_index(["from_code", "to_code", "year", "category"])
    ab = long.loc[("A", "B", 2019)]
    assert ab.loc[["f", "c", "h"], "abs_dq"].tolist() == pytest.approx([0.01941809, 0.0, 0.02955880],
                                                                       abs=1e-8)
    assert ab.loc[["f", "c", "h"], "q"].tolist() == pytest.approx([-0.00009550, -0.01307231, 0.00985293],
                                                                  abs=1e-8)
    # the de-meaned values sum to zero over pairs in every category-year
    assert long.groupby(["year", "category"])["q"].sum().abs().max() < 1e-15


def test_worked_example_variance() -> None:
    var = relative_price_variance(_worked())
    assert var.name == "relative_price_variance"
    assert list(var.index.names) == ["from_code", "to_code", "year"]
    assert len(var) == 6  # 3 pairs × 2 years
    assert var[("A", "B", 2019)] == pytest.approx(HAND_AB_2019, rel=1e-5)
    assert var[("A", "B", 2020)] == pytest.approx(HAND_AB_2020, rel=1e-5)
    assert var[("A", "C", 2020)] == pytest.approx(HAND_AB_2020, rel=1e-5)
    assert var[("B", "C", 2020)] == pytest.approx(HAND_BC_2020, rel=1e-5)
    pop = relative_price_variance(_worked(), ddof=0)
    assert pop[("A", "B", 2019)] == pytest.approx(HAND_AB_2019 * 2 / 3, rel=1e-5)


def test_segmentation_index_pair_and_region() -> None:
    seg = segmentation_index(_worked())
    row = seg.loc[("A", "B", 2019)]
    assert row["segmentation"] == pytest.approx(HAND_AB_2019, rel=1e-5)
    assert row["integration"] == pytest.approx(math.sqrt(1 / HAND_AB_2019), rel=1e-5)  # ≈ 86.99
    assert row["n"] == 3
    reg = segmentation_index(_worked(), level="region")
    # B in 2020: mean of Var(q_AB) and Var(q_BC) = (1 + 4) Var(d) / 18
    assert reg.loc[("B", 2020), "segmentation"] == pytest.approx((HAND_AB_2020 + HAND_BC_2020) / 2, rel=1e-5)
    assert reg.loc[("B", 2020), "n"] == 2
    with pytest.raises(DataError, match="'pair' or 'region'"):
        segmentation_index(_worked(), level="city")


def test_properties_order_and_common_shocks() -> None:
    base = relative_price_variance(_worked())
    shuffled = _worked().sample(frac=1.0, random_state=3)
    pd.testing.assert_series_equal(relative_price_variance(shuffled), base)
    # a shock common to every region (×1.05 on category f in 2019) leaves relative prices unchanged
    shocked = _worked()
    mask = (shocked["category"] == "f") & (shocked["year"] == 2019)
    shocked.loc[mask, "index_prev_year_100"] *= 1.05
    pd.testing.assert_series_equal(relative_price_variance(shocked), base, rtol=1e-9)


def test_pairs_subset_and_errors() -> None:
    # with two pairs only, the mean removed is over those two pairs
    var = relative_price_variance(_worked(), pairs=[("B", "A"), ("A", "C"), ("A", "B")])
    assert set(var.index.droplevel("year")) == {("A", "B"), ("A", "C")}
    long = relative_price_changes(_worked(), pairs=[("A", "B"), ("A", "C")])
    q = long[(long["year"] == 2019) & (long["category"] == "f")]["q"].to_numpy()
    assert q == pytest.approx([(0.01941809 - 0.00985230) / 2, -(0.01941809 - 0.00985230) / 2], abs=1e-8)
    with pytest.raises(DataError, match="not in the price table: X"):
        relative_price_variance(_worked(), pairs=[("A", "X")])
    with pytest.raises(DataError, match="with itself"):
        relative_price_variance(_worked(), pairs=[("A", "A")])
    with pytest.raises(DataError, match="ddof"):
        relative_price_variance(_worked(), ddof=2)


def test_two_regions_need_demean_false() -> None:
    two = _worked()[_worked()["region"] != "C"]
    with pytest.raises(DataError, match="single pair"):
        relative_price_variance(two)
    raw = relative_price_variance(two, demean=False)
    assert raw[("A", "B", 2019)] == pytest.approx(np.var([0.01941809, 0.0, 0.02955880], ddof=1), rel=1e-6)


def test_zhejiang_official_series() -> None:
    if not ZHEJIANG.exists():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing: {ZHEJIANG.relative_to(REPO.parent)}")
        pytest.skip("shared data ../shared/data/derived/provincial_cpi_categories.csv not present")
    table = read_prices(ZHEJIANG)
    assert list(table.columns) == ["region", "year", "category", "index_prev_year_100"]
    assert len(table) == 16  # 8 CPI groups × 2018–2019; the all-items rows are dropped
    assert set(table["region"]) == {"330000"}
    assert "居民消费价格总指数" not in set(table["category"])
    row = table[(table["year"] == 2019) & (table["category"] == "食品烟酒")]
    assert row["index_prev_year_100"].item() == pytest.approx(106.2)
    with pytest.raises(DataError, match="at least two regions"):
        relative_price_variance(pd.read_csv(ZHEJIANG, dtype=str))
    # the format works as soon as other regions are added (here: made-up rows, for the shape only)
    other = table.assign(region="X", index_prev_year_100=table["index_prev_year_100"] + 0.5)
    third = table.assign(region="Y", index_prev_year_100=100.0)
    var = relative_price_variance(pd.concat([table, other, third]))
    assert len(var) == 6 and (var >= 0).all()


def test_validation_problems_are_located(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text(
        "province_adcode,year,category,index_prev_year_100\n"
        "310000,2019,食品烟酒,104.5\n"      # row 2
        "310000,2019,衣着,n/a\n"           # row 3: not a number
        "310000,2019年,居住,101.0\n"       # row 4: year with 年
        "320000,2019,食品烟酒,2.3\n"        # row 5: percent change, not the index
        "310000,2019,食品烟酒,104.6\n",     # row 6: duplicate of row 2
        encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_prices(path)
    where = {(p.file, p.row, p.column) for p in err.value.problems}
    assert where == {("prices.csv", 3, "index_prev_year_100"), ("prices.csv", 4, "year"),
                     ("prices.csv", 5, "index_prev_year_100"), ("prices.csv", 6, "category")}
    dup = next(p for p in err.value.problems if p.row == 6)
    assert "row 2" in str(dup.expected) and "第 2 行" in dup.render("zh")
    pct = next(p for p in err.value.problems if p.row == 5)
    assert "102.3" in str(pct.fix) and "涨幅" in pct.render("zh")


def test_validation_missing_columns_and_excel(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        read_prices(pd.DataFrame({"year": [2019], "index": [101.0]}))
    assert {p.column for p in err.value.problems} == {"region", "category", "index_prev_year_100"}
    xlsx = tmp_path / "prices.xlsx"
    _worked().to_excel(xlsx, sheet_name="CPI", index=False)
    table = read_prices(xlsx, sheet="CPI")
    assert len(table) == 18 and table["region"].tolist()[:3] == ["A", "A", "A"]
    pd.testing.assert_series_equal(relative_price_variance(table), relative_price_variance(_worked()))
