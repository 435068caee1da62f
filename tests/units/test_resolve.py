"""UnitResolver: codes, names, English names, former codes/names, ambiguity."""

from __future__ import annotations

import pandas as pd
import pytest

from tongcheng import DataError, UnitMatchError
from tongcheng.units import Resolution, UnitResolver


@pytest.fixture(scope="module")
def r() -> UnitResolver:
    return UnitResolver.from_bundled()


@pytest.mark.parametrize(
    ("query", "code", "by"),
    [
        ("320500", "320500", "code"),
        (" 320500 ", "320500", "code"),
        ("320500000000", "320500", "code"),
        ("苏州市", "320500", "name_zh"),
        ("苏州", "320500", "short_zh"),
        ("宿州", "341300", "short_zh"),
        ("吴江区", "320509", "name_zh"),
        ("Wujiang", "320509", "name_en"),
        ("LU'AN", "341500", "name_en"),
        ("luan", "341500", "name_en"),
        ("Xuzhou City", "320300", "name_en"),
        ("xuzhou shi", "320300", "name_en"),
        ("上海", "310100", "short_zh"),
        ("Shanghai", "310100", "name_en"),
    ],
)
def test_resolve(r: UnitResolver, query: str, code: str, by: str) -> None:
    res = r.resolve(query)
    assert isinstance(res, Resolution)
    assert (res.code, res.matched_by, res.note) == (code, by, None)


def test_level_restricts(r: UnitResolver) -> None:
    assert r.resolve("上海", level="province").code == "310000"
    with pytest.raises(UnitMatchError):
        r.resolve("320500", level="county")
    with pytest.raises(DataError):
        r.resolve("苏州", level="town")


@pytest.mark.parametrize(
    ("query", "level", "expected"),
    [
        ("Suzhou", None, [("320500", "苏州市"), ("341300", "宿州市")]),
        ("Suzhou", "city", [("320500", "苏州市"), ("341300", "宿州市")]),
        ("Taizhou", None, [("321200", "泰州市"), ("331000", "台州市")]),
        ("鼓楼区", None, [("320106", "鼓楼区"), ("320302", "鼓楼区")]),
        ("Gulou", "county", [("320106", "鼓楼区"), ("320302", "鼓楼区")]),
    ],
)
def test_ambiguous(
    r: UnitResolver, query: str, level: str | None, expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(UnitMatchError) as err:
        r.resolve(query, level=level)
    assert err.value.candidates == expected
    assert err.value.query == query


def test_no_match_suggests(r: UnitResolver) -> None:
    with pytest.raises(UnitMatchError) as err:
        r.resolve("苏洲")  # typo
    assert ("320500", "苏州市") in err.value.candidates
    assert len(err.value.candidates) <= 5
    with pytest.raises(UnitMatchError) as err:
        r.resolve("Atlantis")
    assert err.value.candidates == []


def test_old_code(r: UnitResolver) -> None:
    res = r.resolve("320684")
    assert (res.code, res.name_zh, res.matched_by) == ("320614", "海门区", "old_code")
    assert res.note == (
        "海门市 (320684) → 海门区 (320614), 2020 撤市设区 / county-level city became a district"
    )


def test_old_name(r: UnitResolver) -> None:
    res = r.resolve("无为县")
    assert (res.code, res.matched_by) == ("340281", "old_name")
    assert res.note is not None and "无为县" in res.note and "2019" in res.note
    assert "county became a county-level city" in res.note
    res = r.resolve("下城区")
    assert (res.code, res.name_zh) == ("330105", "拱墅区")
    assert r.resolve("崇安区").code == "320213"  # → 梁溪区 (2015)


def test_split_old_units_are_ambiguous(r: UnitResolver) -> None:
    with pytest.raises(UnitMatchError) as err:
        r.resolve("江干区")
    assert [c for c, _ in err.value.candidates] == ["330102", "330114"]  # 上城区, 钱塘区
    with pytest.raises(UnitMatchError) as err:
        r.resolve("341400")  # 巢湖 prefecture, split 2011
    assert [c for c, _ in err.value.candidates] == ["340100", "340200", "340500"]


def test_year_follows_later_changes(r: UnitResolver) -> None:
    assert r.resolve("330110").code == "330110"  # today's 余杭区
    with pytest.raises(UnitMatchError) as err:
        r.resolve("330110", year=2020)  # the 2020 余杭区 was split into 余杭 + 临平
    assert [c for c, _ in err.value.candidates] == ["330110", "330113"]


def test_resolve_many_never_raises(r: UnitResolver) -> None:
    res, errs = r.resolve_many(["苏州", "Suzhou", "320684", "nowhere", "苏州"])
    assert [x.code if x else None for x in res] == ["320500", None, "320614", None, "320500"]
    assert [type(e).__name__ if e else None for e in errs] == [
        None,
        "UnitMatchError",
        None,
        "UnitMatchError",
        None,
    ]


def test_custom_tables() -> None:
    units = pd.DataFrame(
        {"name_zh": ["甲市"], "short_zh": ["甲"], "name_en": ["Jia"], "level": ["city"]},
        index=pd.Index(["990100"], name="code"),
    )
    changes = pd.DataFrame(
        {
            "year": [2020],
            "kind": ["更名"],
            "kind_en": ["renamed"],
            "old_code": ["990200"],
            "old_name": ["乙市"],
            "new_code": ["990100"],
            "new_name": ["甲市"],
            "relation": ["whole"],
            "source": ["test"],
        }
    )
    r = UnitResolver(units, changes)
    assert r.resolve("乙市").code == "990100"
    assert r.resolve("jia city").code == "990100"
    with pytest.raises(DataError):
        UnitResolver(units.drop(columns="short_zh"), changes)
