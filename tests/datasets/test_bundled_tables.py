"""Rail times, city statistics, code changes, metros and the indicator catalogue."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tongcheng import datasets


@pytest.fixture(scope="module")
def rail() -> pd.DataFrame:
    return datasets.rail_times()


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        # minimum scheduled times in RailwayVIS schedulers.json (raw/railwayvis/SOURCE.md)
        ("上海市", "苏州市", 23),
        ("上海市", "杭州市", 45),
        ("上海市", "南京市", 59),
        ("上海市", "嘉兴市", 27),
        ("杭州市", "宁波市", 43),
        ("南京市", "合肥市", 48),
        ("上海市", "合肥市", 124),
    ],
)
def test_rail_minimum_times(rail: pd.DataFrame, a: str, b: str, minutes: int) -> None:
    hit = rail[(rail["from_name"] == a) & (rail["to_name"] == b)]
    assert hit["value"].tolist() == [minutes]
    assert hit["train"].iloc[0][:1] in {"G", "D", "C"}


def test_rail_coverage(rail: pd.DataFrame) -> None:
    cities = set(rail["from_code"]) | set(rail["to_code"])
    assert len(cities) == 24
    assert {"320200", "330500", "330600", "330900"}.isdisjoint(cities)  # 无锡 湖州 绍兴 舟山
    assert (rail["from_code"] != rail["to_code"]).all()
    assert not rail.duplicated(["from_code", "to_code"]).any()
    assert set(rail["indicator"]) == {"rail_time_min"} and set(rail["unit"]) == {"min"}
    assert (rail["value"] > 0).all()


def test_city_stats() -> None:
    s = datasets.city_stats()
    units = datasets.units()
    assert set(s["code"]) <= set(units.index[units["level"] == "city"])
    assert not s["code"].isin(["100000", "310000", "320000"]).any()
    assert set(s["unit"]) == {"100 million CNY", "10,000 persons"}
    assert s["vintage"].ne("").all() and s["source_url"].str.startswith("http").all()
    nb = s[(s["code"] == "330200") & (s["indicator"] == "gdp") & (s["period"] == "2023")]
    assert nb["value"].tolist() == [17146.6]  # revised after the 5th economic census
    assert nb["vintage"].tolist() == ["revised (5th economic census)"]
    # the three sectors add up to GDP wherever all four are present
    w = s.pivot_table(index=["code", "period"], columns="indicator", values="value").dropna(
        subset=["gdp", "gdp_primary", "gdp_secondary", "gdp_tertiary"]
    )
    parts = w["gdp_primary"] + w["gdp_secondary"] + w["gdp_tertiary"]
    assert ((parts - w["gdp"]).abs() <= 0.02 * w["gdp"]).all()
    p = datasets.province_stats()
    assert set(p["code"]) <= {"310000", "320000", "330000", "340000"}


def test_every_indicator_is_catalogued() -> None:
    cat = datasets.indicator_catalogue()
    assert not cat["code"].duplicated().any()
    used = (
        set(datasets.census("city")["indicator"])
        | set(datasets.census("county")["indicator"])
        | set(datasets.city_stats()["indicator"])
        | set(datasets.rail_times()["indicator"])
    )
    assert used <= set(cat["code"])
    assert {f"emp_{c}" for c in "abcdefghijklmnopqrst"} <= used
    assert set(cat["subject_kind"]) == {"unit", "pair"}
    assert cat.set_index("code").at["rail_time_min", "subject_kind"] == "pair"
    units = cat.set_index("code")["unit"]
    for df in (datasets.census("city"), datasets.city_stats()):
        assert (df["unit"] == df["indicator"].map(units)).all()


@pytest.mark.parametrize(
    ("year", "old", "new"),
    [
        (2019, "340225", "340281"),  # 无为县 → 无为市
        (2020, "320684", "320614"),  # 海门市 → 海门区
        (2021, "330103", "330105"),  # 下城区 → 拱墅区
        (2021, "330104", "330114"),  # 江干区 (part) → 钱塘区
        (2011, "341400", "340100"),  # 巢湖 (prefecture) split
        (2015, "320202", "320213"),  # 崇安区 → 梁溪区
    ],
)
def test_code_changes(year: int, old: str, new: str) -> None:
    ch = datasets.code_changes()
    hit = ch[(ch["year"] == year) & (ch["old_code"] == old) & (ch["new_code"] == new)]
    assert len(hit) == 1
    assert hit["kind_en"].iloc[0]


def test_code_changes_scope() -> None:
    ch = datasets.code_changes()
    assert ch["year"].between(2000, 2021).all()
    codes = pd.concat([ch["old_code"], ch["new_code"]])
    codes = codes[codes != ""]
    assert codes.str[:2].isin(["31", "32", "33", "34"]).all()
    assert set(ch["relation"]) == {"whole", "part"}


def test_metros() -> None:
    m = datasets.metro_memberships()
    units = datasets.units()
    assert m["member_code"].isin(units.index).all()
    sh = m[m["metro_code"] == "SH_1P8"]
    assert len(sh) == 9 and {"310100", "330900"} <= set(sh["member_code"])
    assert set(sh["core_code"]) == {"310100"} and set(sh["status"]) == {"adopted"}
    assert set(m.loc[m["metro_code"] == "SH_1P13", "status"]) == {"draft"}
    sfq = m[m["metro_code"] == "SFQ"]
    assert sorted(sfq["member_code"]) == ["310118", "320509", "330421"]
    assert (units.loc[sfq["member_code"], "level"] == "county").all()
    assert set(sfq["core_code"]) == {""}
    nj = set(m.loc[m["metro_code"] == "NJ", "member_code"])
    assert {"320413", "320481"} <= nj and "320400" not in nj  # 金坛区, 溧阳市 — not all 常州
    hf = set(m.loc[m["metro_code"] == "HF", "member_code"])
    assert "340881" in hf and "340800" not in hf  # 桐城市 only, not 安庆


def test_cc_by_sa_rows_are_kept_apart_with_their_licence() -> None:
    """Rows read off Wikipedia (CC BY-SA) live only in the *_wikipedia_cc_by_sa files, whose licence ships."""
    from importlib import resources

    root = Path(str(resources.files(datasets)))
    for name in ("city_stats", "province_stats"):
        official = pd.read_csv(root / f"{name}.csv", dtype=str)
        wiki = pd.read_csv(root / f"{name}_wikipedia_cc_by_sa.csv", dtype=str)
        assert not official["source_url"].str.contains("wikipedia").any()
        assert wiki["source_url"].str.contains("wikipedia").all() and len(wiki) > 0
    both = datasets.city_stats()
    assert set(both["licence"]) == {"official statistics", datasets.CC_BY_SA}
    assert len(datasets.city_stats(include_cc_by_sa=False)) == (both["licence"] != datasets.CC_BY_SA).sum()
    legal = (root / "licenses" / "CC-BY-SA-4.0.txt").read_text(encoding="utf-8")
    assert "Attribution-ShareAlike 4.0 International Public License" in legal
    readme = (root.parents[2] / "README.md").read_text(encoding="utf-8")
    sources = (root / "SOURCES.md").read_text(encoding="utf-8")
    for text in (readme, sources):
        assert "CC BY-SA 4.0" in text and "CC-BY-SA-4.0.txt" in text and "_wikipedia_cc_by_sa" in text
    assert "Amap" in sources and "not an official survey product" in sources


def test_every_bundled_statistics_file_is_imported_by_init() -> None:
    from tongcheng.project import BUNDLED_IMPORTS

    names = {name for name, _source, _vintage in BUNDLED_IMPORTS}
    assert {"city_stats.csv", "city_stats_wikipedia_cc_by_sa.csv"} <= names
