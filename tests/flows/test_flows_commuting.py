from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tongcheng._errors import DataError
from tongcheng.flows import ODTable
from tongcheng.flows.commuting import (
    commuting_rate_to,
    cross_city_commuters,
    employment_interchange,
    in_out_ratio,
    inbound_employment_share,
    origin_shares,
)

DATA = Path(__file__).parent / "data"
SHANGHAI = ["SH-central", "SH-outer"]


@pytest.fixture
def tongji() -> ODTable:
    sample = ODTable.read(DATA / "tongji_2021_od.csv", period="2021", kind="commuting")
    expanded = sample.data.assign(value=sample.data["value"] * 5.0, value_kind="expanded",
                                  flags="expansion_factor_5")
    return ODTable.from_frame(pd.concat([sample.data, expanded]))


def test_tongji_2021_in_out_ratios(tongji: ODTable) -> None:
    """DOMAIN F-T1: 10,173 / 5,138 = 1.98 and 4,452 / 872 = 5.10 (published, rounded)."""
    city = in_out_ratio(tongji, SHANGHAI).set_index("value_kind")
    assert city.loc["sample", ["inflow", "outflow"]].tolist() == [10_173, 5_138]
    assert round(city.loc["sample", "value"], 2) == 1.98
    units = set(tongji.data["origin"]) | set(tongji.data["destination"])
    outside = sorted(units - set(SHANGHAI))
    central = in_out_ratio(tongji, "SH-central", partners=outside).set_index("value_kind")
    assert central.loc["sample", ["inflow", "outflow"]].tolist() == [4_452, 872]
    assert central.loc["sample", "value"] == pytest.approx(5.10, abs=0.01)  # 5.1055; published 5.10
    # sample and expanded are kept apart; the ratio does not depend on the expansion
    assert central.loc["expanded", "inflow"] == 5 * 4_452
    assert central.loc["expanded", "value"] == pytest.approx(central.loc["sample", "value"])
    assert central.loc["expanded", "flags"] == "expansion_factor_5"
    assert central.loc["sample", "flags"] == ""


def test_tongji_origin_shares(tongji: ODTable) -> None:
    """DOMAIN F-T2: 昆山 72.4 %, 太仓 14.2 %, 苏州城区 5.3 %; top three above 90 %."""
    shares = origin_shares(tongji.select(value_kind="sample"), SHANGHAI).set_index("origin")["value"]
    assert shares.round(1)[["320583", "320585", "320500"]].tolist() == [72.4, 14.2, 5.3]
    assert shares.iloc[:3].sum() > 90


def test_cross_city_drops_within_groups(tongji: ODTable) -> None:
    cross = cross_city_commuters(tongji.select(value_kind="sample"),
                                 groups={"SH-central": "310000", "SH-outer": "310000"})
    assert cross["value"].sum() == 15_311
    assert (cross["origin"] != cross["destination"]).all()


def _census() -> ODTable:
    # employed residents: A 1000 (core), B 200, C 100; B sends 30 to A (15 %), C sends 14.9
    frame = pd.DataFrame({
        "origin": ["A", "A", "A", "B", "B", "C", "C"],
        "destination": ["A", "B", "C", "B", "A", "C", "A"],
        "value": [900, 60, 40, 170, 30, 85.1, 14.9],
    })
    return ODTable.from_frame(frame, period="2020", kind="commuting", value_kind="expanded")


def test_rates_and_inbound_shares() -> None:
    od = _census()
    rate = commuting_rate_to(od, "A").set_index("unit")["value"]
    assert rate["B"] == pytest.approx(15.0) and rate["C"] == pytest.approx(14.9)
    inb = inbound_employment_share(od, "A").set_index("unit")["value"]
    assert inb["B"] == pytest.approx(100 * 60 / 230) and inb["C"] == pytest.approx(100 * 40 / 125.1)
    given = commuting_rate_to(od, ["A"], employed_residents=pd.Series({"B": 300.0, "C": 100.0}))
    assert given.set_index("unit").loc["B", "value"] == pytest.approx(10.0)


def test_employment_interchange_sums_two_shares() -> None:
    eim = employment_interchange(_census(), "B", larger="A").iloc[0]
    assert eim["out_share"] == pytest.approx(15.0)
    assert eim["in_share"] == pytest.approx(100 * 60 / 230)
    assert eim["value"] == pytest.approx(eim["out_share"] + eim["in_share"])
    with pytest.raises(DataError):
        employment_interchange(_census(), ["A", "B"], larger="A")
