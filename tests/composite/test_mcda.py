"""MCDA aggregation: published worked examples and Hypothesis properties."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tongcheng._errors import DataError
from tongcheng.composite.mcda import (
    copeland,
    kemeny,
    mazziotta_pareto,
    outranking_matrix,
    topsis,
    topsis_array,
)

# Hwang, C.-L. & Yoon, K. (1981) Multiple Attribute Decision Making, Springer: the fighter-aircraft
# example. Attributes: max speed (Mach), ferry range (NM), max payload (lb), acquisition cost (10^6 $,
# a cost), reliability and manoeuvrability (interval scale 3 = low ... 9 = very high); weights
# (.2, .1, .1, .1, .2, .3). The data are confirmed by the pairwise concordances published for the
# same example with the permutation method (orms.pef.czu.cz, "Fighter Aircraft Problem - Permutation
# Method": c13 = .5, c14 = .6, c12 = .7, c34 = .8, c41 = .7, best order A3, A4, A1, A2).
FIGHTER = pd.DataFrame(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ],
    index=["A1", "A2", "A3", "A4"],
    columns=["speed", "range", "payload", "cost", "reliability", "manoeuvre"],
)
FIGHTER_W = pd.Series([0.2, 0.1, 0.1, 0.1, 0.2, 0.3], index=FIGHTER.columns)
FIGHTER_DIR = {c: (-1 if c == "cost" else 1) for c in FIGHTER.columns}


def test_topsis_hwang_yoon_fighter_aircraft() -> None:
    c = topsis(FIGHTER, FIGHTER_W, directions=FIGHTER_DIR, weights_inside_root=False)
    # Hwang & Yoon report C* = 0.643 (A1) and 0.268 (A2); A3 and A4 are computed here by hand
    # from the same steps (0.614, 0.312), giving the order A1 > A3 > A4 > A2.
    assert c.round(3).tolist() == [0.643, 0.268, 0.614, 0.312]
    assert list(c.sort_values(ascending=False).index) == ["A1", "A3", "A4", "A2"]


def test_topsis_yoon_hwang_1995_intermediate_matrix() -> None:
    # Yoon & Hwang (1995) Multiple Attribute Decision Making: An Introduction, Sage (as worked in
    # B. Sennaroğlu's Decision Analysis notes): weights .714/.286, data (17, 12), (10, 9), (8, 6);
    # weighted normalised matrix V = [[.5703, .2124], [.3355, .1593], [.2684, .1062]].
    d = pd.DataFrame({"p": [17.0, 10, 8], "l": [12.0, 9, 6]})
    v = np.array([[0.5703, 0.2124], [0.3355, 0.1593], [0.2684, 0.1062]])
    s_pos = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    s_neg = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    c = topsis(d, {"p": 0.714, "l": 0.286}, weights_inside_root=False)
    np.testing.assert_allclose(c, s_neg / (s_pos + s_neg), atol=5e-4)
    assert c.tolist() == pytest.approx([1.0, 0.262, 0.0], abs=1e-3)


def test_topsis_conventions_differ_and_minmax() -> None:
    inside = topsis(FIGHTER, FIGHTER_W, directions=FIGHTER_DIR)
    outside = topsis(FIGHTER, FIGHTER_W, directions=FIGHTER_DIR, weights_inside_root=False)
    assert not np.allclose(inside, outside)
    # Weights inside the root equal the classic method with sqrt(w) weights (renormalised).
    sw = np.sqrt(FIGHTER_W) / np.sqrt(FIGHTER_W).sum()
    np.testing.assert_allclose(inside, topsis(FIGHTER, sw, directions=FIGHTER_DIR, weights_inside_root=False))
    mm = topsis(FIGHTER, FIGHTER_W, directions=FIGHTER_DIR, normalisation="minmax")
    x = FIGHTER.to_numpy()
    r = (x - x.min(axis=0)) / (x.max(axis=0) - x.min(axis=0))
    r[:, 3] = 1 - r[:, 3]  # cost: the ideal is the minimum
    w = FIGHTER_W.to_numpy()
    sp = np.sqrt((w * (r - 1) ** 2).sum(axis=1))
    sn = np.sqrt((w * r**2).sum(axis=1))
    np.testing.assert_allclose(mm, sn / (sp + sn))


def test_topsis_errors() -> None:
    with pytest.raises(DataError, match="non-negative data"):
        topsis(pd.DataFrame({"a": [-1.0, 1], "b": [1.0, 2]}))
    with pytest.raises(DataError, match=r"missing \['c'\], unknown \['b'\]"):
        topsis(FIGHTER[["speed"]].assign(c=1.0), {"speed": 1.0, "b": 1.0})
    with pytest.raises(DataError, match="direction"):
        topsis(FIGHTER, directions={"speed": 2})


_data = arrays(
    float,
    st.tuples(st.integers(2, 7), st.integers(1, 5)),
    elements=st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2)),
)
_w = st.lists(st.floats(0.01, 1), min_size=5, max_size=5)


@settings(max_examples=100, deadline=None)
@given(_data, _w, st.booleans(), st.sampled_from(["vector", "minmax"]), st.data())
def test_topsis_properties(
    x: np.ndarray, wl: list[float], inside: bool, norm: str, data: st.DataObject
) -> None:
    m = x.shape[1]
    codes = [f"i{k}" for k in range(m)]
    d = pd.DataFrame(x, columns=codes)
    w = pd.Series(wl[:m], index=codes)
    kw = {"weights_inside_root": inside, "normalisation": norm}
    c = topsis(d, w, **kw)
    assume(c.notna().all())
    assert ((c >= 0) & (c <= 1)).all()
    # A unit that is best on every indicator scores 1, one worst on every indicator 0.
    best = pd.DataFrame([d.max()], index=["best"])
    worst = pd.DataFrame([d.min()], index=["worst"])
    c2 = topsis(pd.concat([d, best, worst]), w, **kw)
    assume(c2.notna().all())
    assert c2["best"] == pytest.approx(1) and c2["worst"] == pytest.approx(0, abs=1e-12)
    # Permuting indicators changes nothing; scaling an indicator changes nothing.
    perm = data.draw(st.permutations(codes))
    np.testing.assert_allclose(topsis(d[perm], w, **kw), c, atol=1e-9)
    scale = data.draw(arrays(float, m, elements=st.floats(0.5, 20)))
    np.testing.assert_allclose(topsis(d * scale, w, **kw), c, atol=1e-9)
    # The array kernel batches replicates.
    batch = topsis_array(
        np.stack([x, x]), w.to_numpy() / w.sum(), normalisation=norm, weights_inside_root=inside
    )
    np.testing.assert_allclose(batch, np.stack([c, c]), atol=1e-12)


# ----------------------------------------------------------------------------- outranking


def test_outranking_and_copeland_fighter_aircraft() -> None:
    d = FIGHTER.assign(cost=-FIGHTER["cost"])  # direction-corrected
    e = outranking_matrix(d, FIGHTER_W)
    # Published concordances (ties counted fully) minus half the tie weight: c14 = .6 with ties on
    # payload (.1) and reliability (.2) -> e14 = .6 - .15 = .45; c13 = .5 (no ties) -> e13 = .5.
    assert e.loc["A1", "A3"] == pytest.approx(0.5)
    assert e.loc["A1", "A4"] == pytest.approx(0.45)
    assert e.loc["A3", "A4"] == pytest.approx(0.8)
    assert e.loc["A1", "A2"] == pytest.approx(0.7)
    np.testing.assert_allclose(e + e.T, np.ones((4, 4)) - np.eye(4))
    # Copeland: A3 beats A4, A2 and ties A1 (e = 0.5 exactly, reached through 0.1 + 0.1 + 0.1 + 0.2).
    assert copeland(d, FIGHTER_W).to_dict() == {"A1": 0.0, "A2": -3.0, "A3": 2.0, "A4": 1.0}


def test_kemeny_fighter_aircraft_matches_permutation_method() -> None:
    d = FIGHTER.assign(cost=-FIGHTER["cost"])
    res = kemeny(d, FIGHTER_W)
    order = list(res.ranks.sort_values().index)
    assert order == ["A3", "A4", "A1", "A2"]  # the published best permutation
    assert res.n_optimal == 1
    e = outranking_matrix(d, FIGHTER_W)
    brute = max(
        sum(e.loc[a, b] for a, b in itertools.combinations(p, 2)) for p in itertools.permutations(d.index)
    )
    assert res.score == pytest.approx(brute)


def test_kemeny_ties_and_limit() -> None:
    d = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}, index=["x", "y"])
    res = kemeny(d)
    assert res.n_optimal == 2 and res.ranks.tolist() == [1, 2]
    big = pd.DataFrame({"a": np.arange(11.0)})
    with pytest.raises(DataError, match="max_units=10"):
        kemeny(big)
    assert kemeny(big, max_units=11).ranks.tolist() == list(range(11, 0, -1))


@st.composite
def _dominance(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.Series]:
    n = draw(st.integers(2, 7))
    m = draw(st.integers(1, 4))
    x = draw(arrays(float, (n, m), elements=st.integers(0, 5).map(float)))
    codes = [f"i{k}" for k in range(m)]
    d = pd.DataFrame(x, columns=codes, index=[f"u{k}" for k in range(n)])
    w = pd.Series(draw(st.lists(st.floats(0.05, 1), min_size=m, max_size=m)), index=codes)
    return d, w


@settings(max_examples=100, deadline=None)
@given(_dominance(), st.data())
def test_copeland_kemeny_respect_unanimous_dominance(
    case: tuple[pd.DataFrame, pd.Series], data: st.DataObject
) -> None:
    d, w = case
    top = pd.DataFrame([d.max() + 1], index=["top"])  # strictly better than everyone on everything
    full = pd.concat([d, top])
    cop = copeland(full, w)
    assert cop["top"] == len(full) - 1
    ken = kemeny(full, w)
    assert ken.ranks["top"] == 1
    assert sorted(ken.ranks) == list(range(1, len(full) + 1))
    # A unit that dominates another (>= everywhere, > somewhere) wins their weighted pairwise majority.
    e = outranking_matrix(full, w)
    x = full.to_numpy()
    for i, j in itertools.permutations(range(len(full)), 2):
        if np.all(x[i] >= x[j]) and np.any(x[i] > x[j] + 0) and np.all(w[x[i] > x[j]] > 0):
            assert e.iloc[i, j] > 0.5
    # Indicator order does not matter.
    perm = data.draw(st.permutations(list(d.columns)))
    pd.testing.assert_series_equal(copeland(full[perm], w), cop)
    assert kemeny(full[perm], w).score == pytest.approx(ken.score)


# ----------------------------------------------------------------------------- MPI


def test_mazziotta_pareto_hand_computed() -> None:
    d = pd.DataFrame({"a": [1.0, 2, 3], "b": [2.0, 2, 5]})
    x = d.to_numpy()
    z = 100 + 10 * (x - x.mean(axis=0)) / x.std(axis=0)  # population sd
    m, s = z.mean(axis=1), z.std(axis=1)
    assert mazziotta_pareto(d).tolist() == pytest.approx((m - s * s / m).tolist())
    assert mazziotta_pareto(d, penalty="plus").tolist() == pytest.approx((m + s * s / m).tolist())
    # Unit 0 by hand: z = (100 - 10/sqrt(2/3), 100 - 10/sqrt(2)) = (87.7526, 92.9289);
    # M = 90.3408, S = 2.5882, MPI- = 90.3408 - 2.5882^2 / 90.3408 = 90.2666.
    assert mazziotta_pareto(d).iloc[0] == pytest.approx(90.2666, abs=1e-4)


def test_mazziotta_pareto_directions_and_errors() -> None:
    d = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 2, 1]})
    np.testing.assert_allclose(
        mazziotta_pareto(d, directions={"a": 1, "b": -1}),
        mazziotta_pareto(d.assign(b=-d["b"])),
    )
    with pytest.raises(DataError, match=r"\['k'\] are constant"):
        mazziotta_pareto(d.assign(k=1.0))


@settings(max_examples=100, deadline=None)
@given(_data, st.data())
def test_mazziotta_pareto_properties(x: np.ndarray, data: st.DataObject) -> None:
    assume(np.all(x.std(axis=0) > 1e-6))
    m = x.shape[1]
    codes = [f"i{k}" for k in range(m)]
    d = pd.DataFrame(x, columns=codes)
    minus = mazziotta_pareto(d)
    plus = mazziotta_pareto(d, penalty="plus")
    z = 100 + 10 * (x - x.mean(axis=0)) / x.std(axis=0)
    assert (minus <= z.mean(axis=1) + 1e-9).all() and (plus >= z.mean(axis=1) - 1e-9).all()
    perm = data.draw(st.permutations(codes))
    np.testing.assert_allclose(mazziotta_pareto(d[perm]), minus)
    scale = data.draw(arrays(float, m, elements=st.floats(0.5, 20)))
    np.testing.assert_allclose(mazziotta_pareto(d * scale + 7), minus, atol=1e-8)  # standardised
