"""Hansen potential and floating catchments: PySAL ``access`` on Porto Alegre, hand examples, invariants."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongcheng import DataError, ValidationError
from tongcheng.network import (
    LUO_QI_2009_BANDS,
    Decay,
    enhanced_two_step_fca,
    hansen_accessibility,
    main_component_nodes,
    travel_time_matrix,
)
from tongcheng.network.accessibility import two_step_fca
from tongcheng.network.osm import haversine_m

CATCHMENT = 30.0  # minutes


@pytest.fixture(scope="module")
def poa(poa_walk, raw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Walk times (s, ≤ 30 min) between the 1,206 Porto Alegre hexes on the network, and the hexes."""
    from scipy.spatial import cKDTree

    pytest.importorskip("access")  # the peer (PySAL access), in the test extra

    g = poa_walk
    cells = pd.read_csv(raw("r5r_poa/poa_hexgrid.csv"))
    main = main_component_nodes(g)
    lat0 = math.radians(float(np.median(g.lat)))

    def xy(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return np.column_stack([np.radians(lon) * math.cos(lat0), np.radians(lat)])

    _, k = cKDTree(xy(g.lon[main], g.lat[main])).query(xy(cells["lon"].to_numpy(), cells["lat"].to_numpy()))
    dist = haversine_m(cells["lon"].to_numpy(), cells["lat"].to_numpy(), g.lon[main][k], g.lat[main][k])
    cells = cells[dist <= 240]  # hexes in the Guaíba or beyond the extract are off the network
    assert len(cells) == 1206
    times = travel_time_matrix(g, cells, cutoff=30 * 60.0)
    # 5 hexes have no jobs/healthcare value in the r5r grid: count them as none
    return times, cells.set_index("id").fillna(0.0)


def _costs(times: pd.DataFrame) -> pd.DataFrame:
    """The same table as access wants it: origin, dest, cost in minutes, reachable pairs only."""
    out = times.dropna().rename(columns={"from_id": "origin", "to_id": "dest"})
    out["cost"] = out.pop("travel_time").to_numpy(dtype=np.float64) / 60.0
    return out


def _max_cost(minutes: float) -> float:
    """access keeps ``cost < max_cost``; ours keeps ``t ≤ cutoff``."""
    return float(np.nextafter(minutes, np.inf))


def _compare(ours: pd.Series, ref: pd.Series) -> tuple[float, float]:
    """Max abs and relative difference; access leaves out places that reach nothing (ours: 0)."""
    ours, ref = ours.align(ref, join="outer")
    assert ref.notna().sum() > 1000  # the comparison is not vacuous
    ref = ref.fillna(0.0)
    diff = (ours - ref).abs()
    return float(diff.max()), float((diff / ref.abs()).where(ref != 0, 0.0).max())


def _access_2sfca(cells: pd.DataFrame, costs: pd.DataFrame, **kw: object) -> pd.Series:
    from access import fca as access_fca

    with warnings.catch_warnings():
        # access 1.1.9 does `temp[col].fillna(0, inplace=True)`, a no-op under pandas 3 copy-on-write;
        # harmless here since every site is in the supply frame
        warnings.simplefilter("ignore", pd.errors.ChainedAssignmentError)
        return access_fca.two_stage_fca(cells[["population"]], cells[["healthcare"]], costs,
                                        demand_index=True, demand_name="population",
                                        supply_name="healthcare", **kw)


def test_2sfca_equals_access_on_porto_alegre(poa):
    times, cells = poa
    ours = two_step_fca(times, cells["population"], cells["healthcare"], decay=Decay.cumulative(CATCHMENT))
    ref = _access_2sfca(cells, _costs(times), max_cost=_max_cost(CATCHMENT))
    abs_d, rel_d = _compare(ours["accessibility"], ref)
    assert rel_d < 1e-9 and abs_d < 1e-15
    # supply conservation on real data: every facility is within 30 min of some resident
    total = (cells["population"] * ours["accessibility"]).sum()
    assert total == pytest.approx(cells["healthcare"].sum(), rel=1e-12)


def test_e2sfca_equals_access_on_porto_alegre(poa):
    times, cells = poa
    ours = enhanced_two_step_fca(times, cells["population"], cells["healthcare"])
    from access.weights import step_fn

    ref = _access_2sfca(cells, _costs(times), max_cost=_max_cost(30.0), weight_fn=step_fn(LUO_QI_2009_BANDS))
    abs_d, rel_d = _compare(ours["accessibility"], ref)
    assert rel_d < 1e-9 and abs_d < 1e-15
    plain = two_step_fca(times, cells["population"], cells["healthcare"], decay=Decay.cumulative(30))
    assert not np.allclose(ours["accessibility"], plain["accessibility"])  # the weights matter


def test_dai_gaussian_2sfca_equals_access_with_dai_weights(poa):
    times, cells = poa
    d0 = 20.0
    half = math.exp(-0.5)

    def dai(x: float) -> float:  # Dai (2010), eq. for G(d, d0), written out from the paper
        return (math.exp(-0.5 * (x / d0) ** 2) - half) / (1 - half)

    ours = two_step_fca(times, cells["population"], cells["healthcare"], decay=Decay.dai(d0))
    ref = _access_2sfca(cells, _costs(times), max_cost=_max_cost(d0), weight_fn=dai)
    _, rel_d = _compare(ours["accessibility"], ref)
    assert rel_d < 1e-9


@pytest.mark.parametrize(
    ("decay", "weight_fn", "cutoff"),
    [
        (Decay.cumulative(20), lambda x: 1.0, 20.0),
        (Decay.exponential(half_life=10, cutoff=25), lambda x: math.exp(-math.log(2) / 10 * x), 25.0),
        (Decay.power(1.5, min_time=1.0), ("gravity", {"scale": 1, "alpha": -1.5, "min_dist": 1}), None),
        (Decay.gaussian(15.0), ("gaussian", {"sigma": 15.0}), None),
    ],
    ids=["cumulative", "exponential", "power", "gaussian"],
)
def test_hansen_equals_access_weighted_catchment(poa, decay, weight_fn, cutoff):
    from access import fca as access_fca
    from access import weights

    times, cells = poa
    if isinstance(weight_fn, tuple):  # access's own weight functions
        weight_fn = getattr(weights, weight_fn[0])(**weight_fn[1])
    ours = hansen_accessibility(times, cells["jobs"], decay=decay)
    ref = access_fca.weighted_catchment(cells[["jobs"]], _costs(times),
                                        None if cutoff is None else _max_cost(cutoff),
                                        cost_source="dest", cost_dest="origin", cost_cost="cost",
                                        loc_index=True, loc_value="jobs", weight_fn=weight_fn)
    _, rel_d = _compare(ours, ref)
    assert rel_d < 1e-9
    assert len(ours) == len(cells)


def test_hand_computed_2sfca_and_hansen():
    # demand a, b, c; doctors x (10) and y (4); catchment 30 min; c reaches nothing
    t = pd.DataFrame({"from_id": ["a", "a", "b", "b", "c"], "to_id": ["x", "y", "x", "y", "x"],
                      "travel_time": [10.0, 40.0, 25.0, 15.0, 50.0]})
    pop = pd.Series({"a": 1000.0, "b": 3000.0, "c": 500.0})
    docs = pd.Series({"x": 10.0, "y": 4.0})
    out = two_step_fca(t, pop, docs, decay=Decay.cumulative(30), unit="min")
    # R_x = 10 / (1000 + 3000); R_y = 4 / 3000; A_a = R_x; A_b = R_x + R_y; A_c = 0
    assert out["accessibility"].tolist() == pytest.approx([10 / 4000, 10 / 4000 + 4 / 3000, 0.0])
    assert out["sites"].tolist() == [1, 2, 0]
    han = hansen_accessibility(t, docs, decay=Decay.cumulative(30), unit="min")
    assert han.to_dict() == {"a": 10.0, "b": 14.0, "c": 0.0}
    secs = t.assign(travel_time=t["travel_time"] * 60)
    pd.testing.assert_frame_equal(two_step_fca(secs, pop, docs, decay=Decay.cumulative(30)), out)


def test_self_pairs_and_intrazonal_time():
    t = pd.DataFrame({"from_id": ["a", "a", "b", "b"], "to_id": ["a", "b", "a", "b"],
                      "travel_time": [0.0, 30.0, 30.0, 0.0]})
    pop = pd.Series({"a": 10.0, "b": 20.0})
    exp = Decay.exponential(half_life=30)
    assert hansen_accessibility(t, pop, decay=exp, unit="min").tolist() == pytest.approx([20.0, 25.0])
    no_self = hansen_accessibility(t, pop, decay=exp, unit="min", include_self=False)
    assert no_self.tolist() == pytest.approx([10.0, 5.0])
    # an intra-zonal time of 30 min halves the own term; it also adds self pairs missing from the table
    intra = hansen_accessibility(t, pop, decay=exp, unit="min", self_time=30)
    assert intra.tolist() == pytest.approx([15.0, 15.0])
    cross = t[t["from_id"] != t["to_id"]]
    got = hansen_accessibility(cross, pop, decay=exp, unit="min", self_time=pd.Series({"a": 0.0}))
    assert got.tolist() == pytest.approx([20.0, 5.0])
    # power decay: the floor keeps t = 0 finite (min_time^-β)
    power = hansen_accessibility(t, pop, decay=Decay.power(2, min_time=5), unit="min")
    assert power.tolist() == pytest.approx([10 / 25 + 20 / 900, 20 / 25 + 10 / 900])


def test_decays_by_hand():
    x = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
    assert Decay.cumulative(20)(x).tolist() == [1, 1, 1, 0, 0]
    assert Decay.gaussian(10)(x)[1] == pytest.approx(math.exp(-0.5))
    assert Decay.dai(30)(x)[[0, 3, 4]].tolist() == pytest.approx([1.0, 0.0, 0.0])
    assert Decay.power(1, min_time=2)(np.array([0.0, 1.0, 4.0])).tolist() == [0.5, 0.5, 0.25]
    assert Decay.stepwise({10: 1, 20: 0.5})(np.array([10.0, 10.5, 20.0, 20.5])).tolist() == [1, 0.5, 0.5, 0]
    for bad in (lambda: Decay.cumulative(0), lambda: Decay("dai"), lambda: Decay("linear"),
                lambda: Decay.exponential(), lambda: Decay.exponential(0.1, half_life=5),
                lambda: Decay.power(-1), lambda: Decay.stepwise({}), lambda: Decay.stepwise({10: -1})):
        with pytest.raises(DataError, match=r"expected|needs|give"):
            bad()


def test_validation_collects_located_problems():
    t = pd.DataFrame({"from_id": ["a", "a", None, "b"], "to_id": ["a", "z", "a", "a"],
                      "travel_time": [0.0, -5.0, 1.0, 1.0]})
    opp = pd.Series({"a": 1.0, "b": -2.0})
    with pytest.raises(ValidationError) as err:
        hansen_accessibility(t, opp, decay=Decay.cumulative(30))
    where = {(p.column, p.row) for p in err.value.problems}
    assert ("travel_time", 3) in where  # row 3 of the file (header = row 1)
    assert ("from_id", 4) in where
    assert ("to_id", None) in where and "'z'" in str(err.value)
    assert ("opportunities", None) in where and "'b'" in str(err.value)
    dup = pd.DataFrame({"from_id": ["a", "a"], "to_id": ["a", "a"], "travel_time": [1.0, 2.0]})
    with pytest.raises(ValidationError, match="each pair once"):
        hansen_accessibility(dup, pd.Series({"a": 1.0}), decay=Decay.cumulative(30))
    with pytest.raises(ValidationError, match="an id of the demand"):
        two_step_fca(t.dropna().iloc[:1], pd.Series({"b": 1.0}), pd.Series({"a": 1.0}),
                     decay=Decay.cumulative(30))
    twice = pd.Series([1.0, 2.0], index=["a", "a"])
    with pytest.raises(ValidationError, match="each id once"):
        hansen_accessibility(dup, twice, decay=Decay.cumulative(30))
    with pytest.raises(ValidationError, match="each id once"):
        two_step_fca(dup, twice, pd.Series({"a": 1.0}), decay=Decay.cumulative(30))
    with pytest.raises(DataError, match="lacks column"):
        hansen_accessibility(t.drop(columns="to_id"), opp, decay=Decay.cumulative(30))
    with pytest.raises(DataError, match="unit"):
        hansen_accessibility(t, opp, decay=Decay.cumulative(30), unit="h")


def test_nan_times_are_unreachable():
    t = pd.DataFrame({"from_id": ["a", "a"], "to_id": ["a", "b"], "travel_time": [0.0, np.nan]})
    got = hansen_accessibility(t, pd.Series({"a": 1.0, "b": 5.0}), decay=Decay.exponential(0.1))
    assert got.to_dict() == {"a": 1.0}


@st.composite
def _instances(draw):
    n_d = draw(st.integers(1, 6))
    n_s = draw(st.integers(1, 5))
    pair = st.tuples(st.integers(0, n_d - 1), st.integers(0, n_s - 1))
    pairs = draw(st.lists(pair, unique=True, max_size=30))
    times = draw(st.lists(st.floats(0, 60, allow_nan=False), min_size=len(pairs), max_size=len(pairs)))
    demand = draw(st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 1e4)), min_size=n_d, max_size=n_d))
    supply = draw(st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 100)), min_size=n_s, max_size=n_s))
    table = pd.DataFrame({"from_id": [f"d{i}" for i, _ in pairs], "to_id": [f"s{j}" for _, j in pairs],
                          "travel_time": times})
    return (table, pd.Series(demand, index=[f"d{i}" for i in range(n_d)]),
            pd.Series(supply, index=[f"s{j}" for j in range(n_s)]))


DECAYS = st.sampled_from([Decay.cumulative(30), Decay.stepwise(LUO_QI_2009_BANDS), Decay.dai(40),
                          Decay.exponential(0.05, cutoff=50)])


@settings(max_examples=80, deadline=None)
@given(_instances(), DECAYS)
def test_2sfca_conserves_supply_and_equals_brute_force(inst, decay):
    table, demand, supply = inst
    out = two_step_fca(table, demand, supply, decay=decay, unit="min")
    w = decay(table["travel_time"].to_numpy())
    rows = list(zip(table["from_id"], table["to_id"], w, strict=True))
    served = {j: sum(demand[i] * wk for i, jj, wk in rows if jj == j) for j in supply.index}
    reached = [j for j in supply.index if served[j] > 0]
    total = float((demand * out["accessibility"]).sum())
    assert total == pytest.approx(float(supply[reached].sum()), rel=1e-9, abs=1e-9)
    for i in demand.index:  # brute force, pair by pair
        want = sum(supply[j] / served[j] * wk for ii, j, wk in rows if ii == i and served[j] > 0)
        assert out.loc[i, "accessibility"] == pytest.approx(want, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(_instances(), st.floats(1, 59), st.floats(0.5, 30))
def test_hansen_cumulative_is_monotone_in_the_cutoff(inst, cutoff, more):
    table, _, supply = inst
    small = hansen_accessibility(table, supply, decay=Decay.cumulative(cutoff), unit="min")
    large = hansen_accessibility(table, supply, decay=Decay.cumulative(cutoff + more), unit="min")
    assert (large >= small).all()
    brute = dict.fromkeys(small.index, 0.0)
    for i, j, t in table.itertuples(index=False):
        brute[i] += supply[j] if t <= cutoff else 0.0
    assert small.to_dict() == pytest.approx(brute)
