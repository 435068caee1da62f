"""One-hour-circle coverage per mode: checked against census figures and brute force."""

from __future__ import annotations

import uuid

import pandas as pd
import pytest

from tongcheng import datasets
from tongcheng.indicators import get, registered
from tongcheng.indicators.compute import compute_indicators
from tongcheng.indicators.context import ComputeContext
from tongcheng.indicators.coverage import MODES, coverage, indicator_code, mode_times
from tongcheng.project import Project
from tongcheng.store.records import ImportRecord

SHANGHAI = "310100"
# Shanghai's one-hour rail circle with up to 2 changes (also checked end to end in tests/e2e)
SH_CIRCLE = {"310100": "上海市", "320500": "苏州市", "330400": "嘉兴市", "320400": "常州市",
             "330100": "杭州市", "320100": "南京市"}
MODE = {m.key: m for m in MODES}


def _census_2020() -> pd.Series:
    """2020 residents read straight from the bundled census files (no tongcheng code)."""
    frames = [pd.read_csv(datasets.path(f"census_{lvl}.csv"), dtype={"code": str})
              for lvl in ("city", "county")]
    c = pd.concat(frames)
    c = c[(c["indicator"] == "pop_resident") & (c["period"].astype(str) == "2020")]
    return c.drop_duplicates("code").set_index("code")["value"].astype(float)


def _context(extra: pd.DataFrame | None = None) -> ComputeContext:
    pop = _census_2020()
    obs = pd.DataFrame({"indicator": "pop_resident", "period": "2020", "value": pop.to_numpy(),
                        "subject_kind": "unit", "unit_code": pop.index, "partner_code": None})
    if extra is not None:
        obs = pd.concat([obs, extra], ignore_index=True)
    return ComputeContext(observations=obs, units=datasets.units(),
                          metros=datasets.metro_memberships())


@pytest.fixture(scope="module")
def ctx() -> ComputeContext:
    return _context()


def test_shanghai_rail_transfer_circle_population_is_the_census_sum(ctx: ComputeContext) -> None:
    pop = get("onehour_pop_rail_transfer").compute(ctx)
    members = set(pop.loc[SHANGHAI, "flags"].removeprefix("members=").split(","))
    assert members == set(SH_CIRCLE)
    census = pd.read_csv(datasets.path("census_city.csv"), dtype={"code": str})
    census = census[(census["indicator"] == "pop_resident") & (census["period"].astype(str) == "2020")]
    by_name = census.set_index("name")["value"]
    assert pop.loc[SHANGHAI, "value"] == sum(by_name[n] for n in SH_CIRCLE.values())
    area = get("onehour_area_rail_transfer").compute(ctx)
    units = pd.read_csv(datasets.path("units.csv"), dtype={"code": str}).set_index("code")
    assert area.loc[SHANGHAI, "value"] == pytest.approx(units.loc[list(SH_CIRCLE), "area_km2"].sum())


def test_every_core_matches_a_brute_force_filter(ctx: ComputeContext) -> None:
    times = mode_times(ctx, MODE["rail_transfer"])
    table = coverage(ctx, MODE["rail_transfer"])
    assert list(table.index) == ["310100", "320100", "330100", "330200", "340100"]
    for core, row in table.iterrows():
        near = {b if a == core else a for (a, b), t in times.items() if core in (a, b) and t <= 60}
        assert set(row["members"].split(",")) == near | {core}
        assert row["n_cities"] == len(near | {core})
        assert row["members"].split(",")[0] == core
    # the circle count agrees with the indicator registered before (reused, not duplicated)
    cities = get(indicator_code("cities", "rail_transfer")).compute(ctx)
    assert cities["value"].to_dict() == table["n_cities"].astype(float).to_dict()


def test_share_is_s07_over_metro_members(ctx: ComputeContext) -> None:
    share = get("onehour_share_rail_transfer").compute(ctx)["value"]
    times = mode_times(ctx, MODE["rail_transfer"])
    pop = _census_2020()
    m = datasets.metro_memberships()
    for metro in ("SH_1P8", "HZ", "NB"):
        rows = m[m["metro_code"] == metro]
        core = rows["core_code"].iloc[0]
        inside = [c for c in rows["member_code"] if c == core or any(
            core in pair and c in pair and t <= 60 for pair, t in times.items())]
        expected = 100 * pop[inside].sum() / pop[list(rows["member_code"])].sum()
        assert share[metro] == pytest.approx(expected)
    assert "SXC" not in share.index and "SFQ" not in share.index  # no single core


def test_codes_are_unique_and_existing_ones_reused() -> None:
    codes = [s.code for s in registered()]
    assert len(codes) == len(set(codes))
    for mode in MODES:
        for quantity in ("cities", "pop", "area", "share"):
            assert indicator_code(quantity, mode.key) in codes
    assert indicator_code("pop", "rail") == "rail_1h_population"
    assert "onehour_pop_rail" not in codes


def _car_rows(minutes: dict[tuple[str, str], float]) -> pd.DataFrame:
    return pd.DataFrame({"indicator": "car_time_min", "period": "2024", "value": list(minutes.values()),
                         "subject_kind": "pair", "unit_code": [a for a, _ in minutes],
                         "partner_code": [b for _, b in minutes]})


CAR = {("310100", "320500"): 75.0, ("320500", "310100"): 58.0, ("310100", "330400"): 59.9,
       ("310100", "320600"): 60.0, ("310100", "320100"): 180.0, ("330100", "330400"): 50.0}


def test_car_minutes_light_up_car_coverage() -> None:
    ctx = _context(_car_rows(CAR))
    pop = get("onehour_pop_car").compute(ctx)
    # Suzhou counts by its faster direction; Nanjing (180) and unknown cities do not
    members = {"310100", "320500", "330400", "320600"}
    assert set(pop.loc[SHANGHAI, "flags"].removeprefix("members=").split(",")) == members
    assert pop.loc[SHANGHAI, "value"] == _census_2020()[list(members)].sum()
    assert set(pop.index) == {"310100", "320100", "330100"}  # cores with a car time; others left out
    cities = get("onehour_cities_car").compute(ctx)["value"]
    assert cities.to_dict() == {"310100": 4, "320100": 1, "330100": 2}  # Nanjing: 180 min only
    assert get("onehour_pop_walk").compute(ctx).empty  # no walking times stored


def test_a_core_without_times_gets_no_value_not_zero(ctx: ComputeContext) -> None:
    car = _context(_car_rows({("330100", "330400"): 30.0}))
    pop = get("onehour_pop_car").compute(car)
    assert SHANGHAI not in pop.index and list(pop.index) == ["330100"]
    assert "NJ" not in get("onehour_share_car").compute(car).index


def test_stored_car_times_are_computed_in_a_project(yrd_project: Project) -> None:
    # stored as ``tongcheng network matrix --project`` stores them: computed outside the registry
    obs = _car_rows(CAR).assign(unit="min", value_kind="computed")
    obs["subject_key"] = obs["unit_code"] + ">" + obs["partner_code"]
    with yrd_project.store() as store:
        store.put_indicators(pd.DataFrame({"code": ["car_time_min"], "name_zh": ["小汽车时间"],
                                           "subject_kind": ["pair"], "unit": ["min"],
                                           "kind": ["computed"]}))
        store.record_import(ImportRecord(sha256=uuid.uuid4().hex * 2, file_name="car.csv",
                                         stored_path="raw/car.csv", source="test", vintage="2024"),
                            obs)
        status = compute_indicators(store, codes=["onehour_pop_car", "onehour_pop_walk"])
        stored = store.observations(indicators=["onehour_pop_car"]).set_index("unit_code")
    status = status.set_index("code")["status"]
    assert status["onehour_pop_car"] == "computed" and status["onehour_pop_walk"].startswith("skipped")
    members = ["310100", "320500", "330400", "320600"]
    assert stored.loc[SHANGHAI, "value"] == _census_2020()[members].sum()


def test_a_project_without_shanghai_has_only_its_metro_cores() -> None:
    units = datasets.units()
    units = units[~units.index.str.startswith("31")]
    metros = pd.DataFrame({"metro_code": ["HZ", "HZ"], "status": "adopted", "core_code": "330100",
                           "member_code": ["330100", "330400"]})
    ctx = ComputeContext(observations=_context().observations, units=units, metros=metros)
    table = coverage(ctx, MODE["rail_transfer"])
    assert list(table.index) == ["330100"]
    assert SHANGHAI not in table.loc["330100", "members"].split(",")  # not a unit of this project
