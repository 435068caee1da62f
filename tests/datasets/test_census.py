"""Census tables: totals from the source, territorial mapping, internal consistency."""

from __future__ import annotations

import pandas as pd
import pytest

from tongcheng import datasets


@pytest.fixture(scope="module")
def city() -> pd.DataFrame:
    return datasets.census("city")


@pytest.fixture(scope="module")
def county() -> pd.DataFrame:
    return datasets.census("county")


def _val(df: pd.DataFrame, code: str, ind: str, period: str) -> float:
    hit = df[(df["code"] == code) & (df["indicator"] == ind) & (df["period"] == period)]
    assert len(hit) == 1, (code, ind, period)
    return float(hit["value"].iloc[0])


def test_layout(city: pd.DataFrame, county: pd.DataFrame) -> None:
    for df in (city, county):
        assert list(df.columns) == ["code", "name", "indicator", "period", "value", "unit"]
        assert set(df["period"]) == {"2010", "2020"}
        assert not df.duplicated(["code", "indicator", "period"]).any()


def test_yrd_2020_population_total(city: pd.DataFrame) -> None:
    # 7th census: YRD (41 cities) resident population 235,213,670 (derived/yrd_cities_41.csv)
    pop = city[(city["indicator"] == "pop_resident") & (city["period"] == "2020")]
    assert pop["code"].nunique() == 41
    assert int(pop["value"].sum()) == 235_213_670
    assert _val(city, "310100", "pop_resident", "2020") == 24_870_895


def test_codes_are_todays(city: pd.DataFrame, county: pd.DataFrame) -> None:
    units = datasets.units()
    assert set(city["code"]) == set(units.index[units["level"] == "city"])
    assert set(county["code"]) <= set(units.index[units["level"] == "county"])
    names = units["name_zh"]
    assert (county["name"] == county["code"].map(names)).all()


def test_county_coverage_and_dropped_units(county: pd.DataFrame) -> None:
    c2020 = set(county.loc[county["period"] == "2020", "code"])
    assert len(c2020) == 300
    # Hangzhou 2021 re-districting split 江干/余杭/萧山: no comparable 2020 figures
    assert {"330102", "330109", "330110", "330113", "330114"}.isdisjoint(c2020)
    assert "320614" in c2020  # 海门区
    # 2020 workbook lists 港闸区 (320611) apart; merged into 崇川区 320613
    assert "320611" not in set(county["code"])


def test_mergers_are_summed(county: pd.DataFrame) -> None:
    # 梁溪区 (2015) = 崇安 229003 + 南长 378491 + 北塘 336894 (6th census)
    assert _val(county, "320213", "pop_resident", "2010") == 229_003 + 378_491 + 336_894
    # 无为县 341422 (2010, then 巢湖市) → 无为市 340281
    assert _val(county, "340281", "pop_resident", "2010") > 0
    # 拱墅区 (2021) = 下城 + 拱墅, 2020 figures summed
    assert _val(county, "330105", "pop_resident", "2020") > 1_000_000


def test_shanghai_districts_add_up(county: pd.DataFrame, city: pd.DataFrame) -> None:
    for period in ("2010", "2020"):
        d = county[
            (county["code"].str.startswith("3101"))
            & (county["indicator"] == "pop_resident")
            & (county["period"] == period)
        ]
        assert d["value"].sum() == _val(city, "310100", "pop_resident", period)


def test_industry_sections_sum_to_total(city: pd.DataFrame, county: pd.DataFrame) -> None:
    for df in (city, county):
        emp = df[df["indicator"].str.fullmatch(r"emp_[a-t]")]
        sums = emp.groupby(["code", "period"])["value"].sum()
        total = df[df["indicator"] == "emp_total"].set_index(["code", "period"])["value"]
        assert (sums.reindex(total.index) == total).all()
        assert emp["indicator"].nunique() == 20


def test_2010_sections_follow_2002_order(city: pd.DataFrame) -> None:
    # in 2010 Shanghai, wholesale/retail (2002: H, 2017: F) employed far more than IT
    # (2002: G, 2017: I); a positional mix-up would swap them
    assert _val(city, "310100", "emp_f", "2010") > 3 * _val(city, "310100", "emp_i", "2010")
    assert _val(city, "310100", "emp_f", "2020") > _val(city, "310100", "emp_i", "2020")


def test_age_shares(city: pd.DataFrame, county: pd.DataFrame) -> None:
    for df in (city, county):
        s = df[df["indicator"].isin(["age_0_14_share", "age_15_59_share", "age_60_share"])]
        tot = s.groupby(["code", "period"])["value"].sum()
        assert ((tot - 100).abs() < 0.3).all()
        a60 = df[df["indicator"] == "age_60_share"].set_index(["code", "period"])["value"]
        a65 = df[df["indicator"] == "age_65_share"].set_index(["code", "period"])["value"]
        assert (a65 < a60).all()


def test_urban_plus_rural(county: pd.DataFrame) -> None:
    w = county.pivot_table(index=["code", "period"], columns="indicator", values="value")
    assert ((w["pop_urban"] + w["pop_rural"]) == w["pop_resident"]).all()
