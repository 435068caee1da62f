from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

import tongcheng.datasets as ds
from tongcheng._errors import DataError
from tongcheng.flows import ODTable
from tongcheng.flows.delineation import (
    JAPAN_CENSUS,
    JAPAN_UEA,
    MEMBERSHIP_COLUMNS,
    OECD_FUA,
    OMB_CBSA,
    OMB_CSA,
    Rule,
    combine_metros,
    delineate,
    threshold_sensitivity,
    unit_shares,
)


def _od(rows: list[tuple[str, str, float]]) -> ODTable:
    frame = pd.DataFrame(rows, columns=["origin", "destination", "value"])
    return ODTable.from_frame(frame, period="2020", kind="commuting", value_kind="expanded")


# Core A. Employed residents: B 200 (30 → A: 15.0 %), C 100 (14.9 → A: 14.9 %),
# X 100 (20 → A: 20 % out; 26 of X's 100 jobs held by A residents: 26 % in),
# Y 100 (10 → A; 26 of Y's 100 jobs from A), Q 100 (12 → Y, its strongest tie; 2 → A).
CASE = _od([
    ("A", "A", 1000), ("A", "B", 5), ("A", "X", 26), ("A", "Y", 26),
    ("B", "B", 170), ("B", "A", 30),
    ("C", "C", 85.1), ("C", "A", 14.9),
    ("X", "X", 74), ("X", "A", 20), ("X", "Z", 6),
    ("Y", "Y", 64), ("Y", "A", 10), ("Y", "Z", 26),
    ("Q", "Q", 86), ("Q", "Y", 12), ("Q", "A", 2),
    ("Z", "Z", 50),
])


def _members(table: pd.DataFrame, metro: str = "M") -> set[str]:
    return set(table.loc[table["metro_code"] == metro, "member_code"]) - {"A"}


def test_oecd_boundary_149_out_150_in() -> None:
    """DOMAIN F-I1: 14.9 % → out, 15.0 % → in."""
    assert not OECD_FUA.qualifies(out_share=14.9) and OECD_FUA.qualifies(out_share=15.0)
    got = _members(delineate(CASE, {"M": "A"}, rule=OECD_FUA))
    assert "B" in got and "C" not in got
    assert got == {"B", "X"}


def test_omb_either_direction() -> None:
    """DOMAIN F-I3: a county with 20 % out and 26 % in is included under OMB."""
    shares = unit_shares(CASE, {"M": "A"}).set_index("unit")
    assert shares.loc["X", "out_share"] == pytest.approx(20)
    assert shares.loc["X", "in_share"] == pytest.approx(26)
    assert OMB_CBSA.qualifies(out_share=20, in_share=26)
    got = _members(delineate(CASE, {"M": "A"}, rule=OMB_CBSA))
    assert got == {"X", "Y"}  # Y: 10 % out but 26 % in; B (15 %) and C are out
    assert "X" in _members(delineate(CASE, {"M": "A"}, rule=replace(OMB_CBSA, direction="in")))
    assert "X" not in _members(delineate(CASE, {"M": "A"}, rule=replace(OMB_CBSA, direction="out")))


def test_csa_eim_9_plus_7_is_16_combined() -> None:
    """DOMAIN F-I4: EIM = 9 + 7 = 16 ≥ 15 → combine."""
    assert OMB_CSA.qualifies(out_share=9, in_share=7)
    assert not OMB_CSA.qualifies(out_share=8, in_share=6.9)
    # S: 100 employed residents, 9 work in L; S has 100 jobs, 7 held by L residents.
    od = _od([("L", "L", 5000), ("L", "S", 7), ("S", "S", 91), ("S", "L", 9), ("Z", "S", 2),
              ("Z", "Z", 10)])
    cbsa = pd.concat([delineate(od, {"L": "L"}, rule=OMB_CBSA), delineate(od, {"S": "S"}, rule=OMB_CBSA)])
    csa = combine_metros(od, cbsa)
    assert set(csa["member_code"]) == {"L", "S"} and set(csa["core_code"]) == {"L"}
    assert csa["metro_code"].iloc[0] == "C:L+S"
    assert combine_metros(od, cbsa, rule=replace(OMB_CSA, threshold=16.5)).empty


def test_japan_uea_multi_order_and_census() -> None:
    uea = delineate(CASE, {"M": "A"}, rule=JAPAN_UEA)
    assert _members(uea) == {"B", "C", "X", "Y", "Q"}
    assert uea.loc[uea["member_code"] == "Q", "source_doc"].iloc[0].endswith("order 2")
    single = _members(delineate(CASE, {"M": "A"}, rule=replace(JAPAN_UEA, multi_order=False)))
    assert "Q" not in single
    assert "Q" in _members(delineate(CASE, {"M": "A"}, rule=JAPAN_CENSUS))  # 2 % ≥ 1.5 %
    strongest = replace(JAPAN_UEA, relative_to="strongest")
    # Y's strongest tie is Z (26 > 10), so Y is out, and Q (whose strongest tie is Y) with it
    assert _members(delineate(CASE, {"M": "A"}, rule=strongest)) == {"B", "C", "X"}


def test_enclaves_added_exclaves_dropped() -> None:
    # a row of units W - A - B - E - F and G hanging off F; B and F qualify, E does not.
    od = _od([("A", "A", 100), ("B", "B", 80), ("B", "A", 20), ("E", "E", 95), ("E", "A", 5),
              ("F", "F", 70), ("F", "A", 30), ("W", "W", 100), ("W", "A", 1)])
    adjacency = {"W": ["A"], "A": ["B"], "B": ["E"], "E": ["F"]}
    plain = _members(delineate(od, {"M": "A"}))
    assert plain == {"B", "F"}
    assert "contiguity not checked" in delineate(od, {"M": "A"})["source_doc"].iloc[0]
    fixed = delineate(od, {"M": "A"}, adjacency=adjacency)
    assert _members(fixed) == {"B", "W"}  # F is an exclave; W is enclosed by A only
    frame = pd.DataFrame({"focal": ["W", "A", "B", "E"], "neighbor": ["A", "B", "E", "F"]})
    assert _members(delineate(od, {"M": "A"}, adjacency=frame)) == {"B", "W"}


def test_output_shape_matches_metro_memberships() -> None:
    table = delineate(CASE, {"M": "A"}, names={"M": ("测试都市圈", "Test metro")},
                      unit_names={"A": "甲"}, issued="2020")
    assert tuple(table.columns) == MEMBERSHIP_COLUMNS
    assert set(MEMBERSHIP_COLUMNS) == set(ds.metro_memberships().columns)
    core = table[table["member_code"] == "A"].iloc[0]
    assert core["core_code"] == "A" and core["member_name"] == "甲" and core["status"] == "derived"
    assert table["version"].eq("oecd_fua-2020").all()


def test_strongest_tie_wins_between_metros() -> None:
    od = _od([("A", "A", 100), ("K", "K", 100), ("U", "U", 50), ("U", "A", 20), ("U", "K", 30)])
    table = delineate(od, {"M": "A", "N": "K"})
    assert table.loc[table["member_code"] == "U", "metro_code"].tolist() == ["N"]


def test_sensitivity_and_errors() -> None:
    sens = threshold_sensitivity(CASE, {"M": "A"}, population=pd.Series(1.0, index=list("ABCXYQZ")))
    n = sens.set_index("threshold")["n_members"]
    assert n[1.5] >= n[10] >= n[15] >= n[25] and n[15] == 2
    assert sens.set_index("threshold").loc[15.0, "population"] == 3.0
    with pytest.raises(DataError):
        Rule("bad", 15, "sideways")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="no flows"):
        delineate(CASE, {"M": "NOPE"})
    mixed = ODTable.from_frame(pd.concat([CASE.data, CASE.data.assign(period="2021")]))
    with pytest.raises(DataError, match="one at a time"):
        delineate(mixed, {"M": "A"})
