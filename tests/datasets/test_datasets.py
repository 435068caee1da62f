"""Facts about the bundled data (counts, totals, codes, cross-file consistency)."""

from __future__ import annotations

import pandas as pd
import pytest

from tongcheng import DataError, datasets


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return datasets.units()


def test_unit_counts_by_level(units: pd.DataFrame) -> None:
    assert units["level"].value_counts().to_dict() == {"county": 305, "city": 41, "province": 4}
    assert sorted(units.index[units["level"] == "province"]) == [
        "310000",
        "320000",
        "330000",
        "340000",
    ]


def test_parents_form_a_tree(units: pd.DataFrame) -> None:
    level = units["level"]
    county_parents = units.loc[level == "county", "parent_code"]
    assert county_parents.isin(units.index[level == "city"]).all()
    city_parents = units.loc[level == "city", "parent_code"]
    assert city_parents.isin(units.index[level == "province"]).all()
    assert units.at["310100", "parent_code"] == "310000"
    assert units.at["310118", "parent_code"] == "310100"  # Shanghai districts → 310100
    assert (units.loc[level == "province", "parent_code"] == "").all()
    assert (units["province_code"] == units.index.str[:2] + "0000").all()


def test_codes_are_strings_everywhere(units: pd.DataFrame) -> None:
    assert all(isinstance(c, str) and len(c) == 6 for c in units.index)
    assert "310100" in units.index
    for frame, cols in (
        (datasets.census("city"), ["code", "period"]),
        (datasets.census("county"), ["code"]),
        (datasets.rail_times(), ["from_code", "to_code", "period"]),
        (datasets.code_changes(), ["old_code", "new_code"]),
        (datasets.metro_memberships(), ["member_code", "core_code"]),
        (datasets.city_stats(), ["code", "period"]),
    ):
        for c in cols:
            assert all(isinstance(v, str) for v in frame[c]), c
    assert datasets.boundaries("city").index.map(type).unique().tolist() == [str]


@pytest.mark.parametrize(
    ("code", "name_zh", "short_zh", "name_en", "kind"),
    [
        ("310100", "上海市", "上海", "Shanghai", "直辖市"),
        ("320000", "江苏省", "江苏", "Jiangsu", "省"),
        ("320500", "苏州市", "苏州", "Suzhou", "地级市"),
        ("320509", "吴江区", "吴江", "Wujiang", "市辖区"),
        ("341500", "六安市", "六安", "Lu'an", "地级市"),
        ("340300", "蚌埠市", "蚌埠", "Bengbu", "地级市"),
        ("330522", "长兴县", "长兴", "Changxing", "县"),
        ("330382", "乐清市", "乐清", "Yueqing", "县级市"),
        ("331100", "丽水市", "丽水", "Lishui", "地级市"),
        ("341021", "歙县", "歙县", "Shexian", "县"),
        ("331127", "景宁畲族自治县", "景宁", "Jingning", "自治县"),
        ("310115", "浦东新区", "浦东", "Pudong", "市辖区"),
        ("341600", "亳州市", "亳州", "Bozhou", "地级市"),
    ],
)
def test_names(
    units: pd.DataFrame, code: str, name_zh: str, short_zh: str, name_en: str, kind: str
) -> None:
    row = units.loc[code]
    assert (row["name_zh"], row["short_zh"], row["name_en"], row["kind_zh"]) == (
        name_zh,
        short_zh,
        name_en,
        kind,
    )


def test_areas_are_plausible(units: pd.DataFrame) -> None:
    # official land areas (km²): Suzhou 8657, Hefei ≈ 11445; boundary-derived areas within 5 %
    assert units.at["320500", "area_km2"] == pytest.approx(8657, rel=0.05)
    assert units.at["340100", "area_km2"] == pytest.approx(11445, rel=0.05)
    by_prov = units[units["level"] == "city"].groupby("parent_code")["area_km2"].sum()
    prov = units.loc[by_prov.index, "area_km2"]
    assert ((by_prov / prov - 1).abs() < 0.01).all()


def test_path_unknown_lists_names() -> None:
    with pytest.raises(DataError, match=r"units\.csv"):
        datasets.path("nope.csv")
    assert datasets.path("units.csv").is_file()


def test_bad_levels() -> None:
    with pytest.raises(DataError):
        datasets.boundaries("town")
    with pytest.raises(DataError):
        datasets.census("province")


def test_loaders_return_copies() -> None:
    u = datasets.units()
    u.loc["310100", "name_en"] = "changed"
    assert datasets.units().at["310100", "name_en"] == "Shanghai"
