"""Code-change chains and metropolitan areas."""

from __future__ import annotations

import pytest
import shapely

from tongcheng import DataError, UnitMatchError, datasets
from tongcheng.units import changes_for, current_codes, members, metro_areas, metro_outline


@pytest.mark.parametrize(
    ("old", "since", "expected"),
    [
        ("320684", None, ["320614"]),  # 海门市 → 海门区
        ("341422", 2010, ["340281"]),  # 无为县 (巢湖) → 340225 (2011) → 无为市 (2019)
        ("330104", None, ["330102", "330114"]),  # 江干区 split
        ("341424", 2010, ["340207", "340523"]),  # 和县: 沈巷镇 went to 鸠江区
        ("320202", None, ["320213"]),  # 崇安区 → 梁溪区
        ("320500", None, ["320500"]),  # unchanged
        ("330110", 2020, ["330110", "330113"]),  # 余杭区 gave 临平区 in 2021
        ("330110", 2022, ["330110"]),
    ],
)
def test_current_codes(old: str, since: int | None, expected: list[str]) -> None:
    assert current_codes(old, since=since) == expected


def test_current_codes_bad_input() -> None:
    with pytest.raises(DataError):
        current_codes("3205")


def test_changes_for() -> None:
    ch = changes_for("320614")
    assert "320684" in set(ch["old_code"])
    assert ch["year"].is_monotonic_increasing
    assert changes_for("320684000000").equals(changes_for("320684"))


def test_members() -> None:
    sh = members("SH_1P8")
    assert len(sh) == 9 and "310100" in sh and "330900" in sh
    assert members("上海大都市圈") == sh  # the adopted version
    assert len(members("上海大都市圈 1+13")) == 14
    assert members("SH_1P13") == members("上海大都市圈1+13")
    assert sorted(members("SFQ")) == ["310118", "320509", "330421"]
    assert members(
        "Yangtze River Delta Eco-Green Integrated Development Demonstration Zone"
    ) == members("SFQ")
    assert members("hangzhou metropolitan area") == members("杭州都市圈")
    with pytest.raises(UnitMatchError) as err:
        members("广州都市圈")
    assert ("SH_1P8", "上海大都市圈") in err.value.candidates


def test_metro_areas() -> None:
    a = metro_areas().set_index("metro_code")
    assert a.at["SH_1P8", "n_members"] == 9
    assert a.at["NJ", "n_members"] == 10
    assert a.at["SFQ", "core_code"] == ""
    assert a.at["SH_1P13", "status"] == "draft"
    assert a.at["NJ", "source_doc"] == "《南京都市圈发展规划》"
    assert set(a.index) == {"SH_1P8", "SH_1P13", "NJ", "HZ", "SXC", "HF", "NB", "SFQ"}


def test_metro_outline() -> None:
    alb = "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=WGS84 +units=m"
    out = metro_outline("SFQ")
    counties = datasets.boundaries("county").loc[["310118", "320509", "330421"]]
    assert shapely.equals_exact(
        shapely.normalize(out),
        shapely.normalize(shapely.union_all(counties.geometry.values)),
        tolerance=1e-9,
    )
    import geopandas as gpd

    area = gpd.GeoSeries([out], crs="EPSG:4326").to_crs(alb).area.iloc[0] / 1e6
    assert area == pytest.approx(2400, rel=0.1)  # 示范区 ≈ 2,300 km² (+ water)
    nj = metro_outline("NJ")
    assert nj.contains(shapely.Point(119.5, 31.75))  # 金坛 is in
    assert not nj.contains(shapely.Point(119.95, 31.8))  # 常州 city centre is not
