"""Rail accessibility indicators: recomputed pair by pair from the rail times and the census files."""

from __future__ import annotations

import pandas as pd
import pytest

from tongcheng import datasets
from tongcheng.indicators import get
from tongcheng.indicators.context import ComputeContext
from tongcheng.indicators.rail_transfers import bundled_transfer_times

CODES = ("rail_potential_pop", "rail_2sfca_health_workers")


def _census(indicator: str) -> pd.Series:
    """2020 city values read straight from the bundled census file (no tongcheng code)."""
    c = pd.read_csv(datasets.path("census_city.csv"), dtype={"code": str})
    c = c[(c["indicator"] == indicator) & (c["period"].astype(str) == "2020")]
    return c.set_index("code")["value"].astype(float)


def _context(indicators: tuple[str, ...]) -> ComputeContext:
    rows = [pd.DataFrame({"indicator": code, "period": "2020", "value": s.to_numpy(), "subject_kind": "unit",
                          "unit_code": s.index, "partner_code": None})
            for code in indicators for s in [_census(code)]]
    return ComputeContext(observations=pd.concat(rows, ignore_index=True), units=datasets.units(),
                          metros=datasets.metro_memberships())


@pytest.fixture(scope="module")
def ctx() -> ComputeContext:
    return _context(("pop_resident", "emp_q"))


@pytest.fixture(scope="module")
def minutes() -> dict[tuple[str, str], float]:
    t = bundled_transfer_times()
    return {(a, b): float(m) for a, b, m in zip(t["from_code"], t["to_code"], t["minutes"], strict=True)}


def test_potential_equals_a_loop_over_city_pairs(ctx, minutes) -> None:
    got = get("rail_potential_pop").compute(ctx)
    pop = _census("pop_resident")
    covered = {a for a, _ in minutes}
    assert set(got.index) == covered and len(covered) == 24
    for i in covered:
        want = sum(pop[j] * 0.5 ** (t / 60.0) for (a, j), t in minutes.items() if a == i)
        assert got.loc[i, "value"] == pytest.approx(want, rel=1e-12)
    # a city off the bundled timetable (e.g. 湖州, 绍兴, 舟山) has no value rather than 0
    cities = datasets.units()
    outside = set(cities.index[cities["level"] == "city"]) - covered
    assert {"330500", "330600", "330900"} <= outside and not outside & set(got.index)
    assert (got["period"] == "2021").all()


def test_2sfca_equals_a_loop_and_averages_to_one(ctx, minutes) -> None:
    got = get("rail_2sfca_health_workers").compute(ctx)["value"]
    pop, workers = _census("pop_resident"), _census("emp_q")
    covered = sorted({a for a, _ in minutes})
    assert list(got.index) == covered

    def near(i: str, j: str) -> bool:  # i's residents reach j's workers within an hour (own city at 0)
        return i == j or minutes[(i, j)] <= 60

    ratio = {j: workers[j] / sum(pop[i] for i in covered if near(i, j)) for j in covered}
    regional = workers[covered].sum() / pop[covered].sum()
    for i in covered:
        assert got[i] == pytest.approx(sum(ratio[j] for j in covered if near(i, j)) / regional, rel=1e-12)
    # every city reaches itself, so all workers are shared out: the population-weighted mean is 1
    assert (got * pop[covered]).sum() / pop[covered].sum() == pytest.approx(1.0, rel=1e-12)
    assert got.min() < 1 < got.max()


def test_without_health_workers_nothing_is_computed() -> None:
    empty = get("rail_2sfca_health_workers").compute(_context(("pop_resident",)))
    assert empty.empty and list(empty.columns) == ["period", "value", "flags"]
    assert len(get("rail_potential_pop").compute(_context(("pop_resident",)))) == 24


def test_metadata_is_complete() -> None:
    for code in CODES:
        spec = get(code)
        assert spec.name_zh and spec.name_en and spec.description_zh and spec.description_en
        assert spec.direction == 1 and spec.subject_kind == "unit" and spec.family == "accessibility"
        assert "Hansen" in get(CODES[0]).citation and "Luo & Wang" in get(CODES[1]).citation


def test_computed_and_stored_in_the_yrd_project(yrd_project, ctx) -> None:
    status = yrd_project.compute(codes=list(CODES)).set_index("code")
    assert status["status"].tolist() == ["computed", "computed"]
    assert status["n_values"].tolist() == [24, 24]  # the YRD default stores the census emp_q
    with yrd_project.store() as store:
        obs = store.observations(indicators=list(CODES))
    for code in CODES:  # the project's store gives what the census files give
        stored = obs[obs["indicator"] == code].set_index("unit_code")["value"].sort_index()
        direct = get(code).compute(ctx)["value"].sort_index()
        assert stored.to_dict() == pytest.approx(direct.to_dict(), rel=1e-12)


class _WithoutHealthWorkers:
    """The YRD project's store with its ``emp_q`` observations hidden."""

    def __init__(self, store: object) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def observations(self, **kwargs: object) -> pd.DataFrame:
        obs = self._store.observations(**kwargs)  # type: ignore[attr-defined]
        return obs[obs["indicator"] != "emp_q"]


def test_reported_skipped_not_computed_when_one_input_is_missing(yrd_project) -> None:
    from tongcheng.indicators import compute_indicators

    with yrd_project.store() as store:
        status = compute_indicators(_WithoutHealthWorkers(store), codes=list(CODES)).set_index("code")
        stored = store.observations(indicators=list(CODES))
    assert status.loc["rail_potential_pop", "status"] == "computed"
    assert status.loc["rail_2sfca_health_workers", "status"] == "skipped: no emp_q"
    assert status.loc["rail_2sfca_health_workers", "n_values"] == 0
    assert set(stored["indicator"]) == {"rail_potential_pop"}
