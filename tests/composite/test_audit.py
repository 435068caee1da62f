"""Tests of tongcheng.composite.audit.

Numbers are checked against independent recomputations (scipy, numpy SVD / lstsq, residual
regression), closed forms on data built to have an exact sample correlation matrix, values
computed with factor_analyzer 0.5.1 on COINr's ASEM data, and COINr's own example build
(the 15 indicators COINr winsorises are exactly the ones flagged here).
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from tongcheng._errors import DataError
from tongcheng.composite import audit

REF = Path(__file__).parents[2] / ".." / "shared" / "data" / "reference" / "coinr_asem"


# ---------------------------------------------------------------------------------------------
# fixtures and helpers


def _ref_dir() -> Path:
    if not (REF / "ASEM_iMeta.csv").is_file():
        msg = f"COINr ASEM reference data not found at {REF} (expected ../shared beside the clone)"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return REF


@pytest.fixture(scope="module")
def meta() -> pd.DataFrame:
    return pd.read_csv(_ref_dir() / "ASEM_iMeta.csv")


@pytest.fixture(scope="module")
def codes(meta: pd.DataFrame) -> list[str]:
    return list(meta.loc[meta["Type"] == "Indicator", "iCode"])


@pytest.fixture(scope="module")
def parents(meta: pd.DataFrame) -> dict[str, str]:
    m = meta.dropna(subset=["Parent"])
    return dict(zip(m["iCode"], m["Parent"], strict=True))


def _stage(name: str, cols: list[str] | None = None) -> pd.DataFrame:
    df = pd.read_csv(_ref_dir() / name).set_index("uCode")
    return df if cols is None else df[cols]


@pytest.fixture(scope="module")
def raw(codes: list[str]) -> pd.DataFrame:
    return _stage("ASEM_iData.csv", codes)


@pytest.fixture(scope="module")
def imputed(codes: list[str]) -> pd.DataFrame:
    return _stage("asem_imputed_coinr.csv", codes)


def exact_corr_data(corr: np.ndarray, n: int, *, seed: int = 0, sd: np.ndarray | None = None) -> pd.DataFrame:
    """Data whose *sample* correlation matrix is exactly ``corr`` (whitened noise × Cholesky)."""
    p = corr.shape[0]
    z = np.random.default_rng(seed).standard_normal((n, p))
    z -= z.mean(axis=0)
    q, _ = np.linalg.qr(z)  # orthonormal, mean-zero columns
    x = q @ np.linalg.cholesky(corr).T * np.sqrt(n - 1)
    if sd is not None:
        x = x * sd
    return pd.DataFrame(x + 10.0, columns=[f"x{j}" for j in range(p)])


def equicorr(p: int, r: float) -> np.ndarray:
    return np.full((p, p), r) + (1 - r) * np.eye(p)


def group(meta: pd.DataFrame, parent: str) -> list[str]:
    return list(meta.loc[(meta["Parent"] == parent) & (meta["Type"] == "Indicator"), "iCode"])


# ---------------------------------------------------------------------------------------------
# indicator statistics


def test_statistics_match_independent_formulas_on_asem_raw(raw: pd.DataFrame) -> None:
    st_ = audit.indicator_statistics(raw).set_index("indicator")
    assert list(st_.index) == list(raw.columns)
    for code in raw.columns:
        x = raw[code].dropna().to_numpy()
        n = x.size
        row = st_.loc[code]
        assert row["n"] == n
        assert row["availability"] == pytest.approx(n / 51, abs=1e-15)
        assert row["mean"] == pytest.approx(x.mean(), rel=1e-13)
        assert row["median"] == pytest.approx(np.median(x), rel=1e-13)
        assert row["sd"] == pytest.approx(np.sqrt(np.sum((x - x.mean()) ** 2) / (n - 1)), rel=1e-12)
        # skew = scipy's bias-corrected G1; kurt = bias-corrected excess G2 (Joanes & Gill 1998)
        assert row["skew"] == pytest.approx(stats.skew(x, bias=False), rel=1e-10, abs=1e-12)
        assert row["kurtosis"] == pytest.approx(
            stats.kurtosis(x, fisher=True, bias=False), rel=1e-10, abs=1e-12
        )
        # and from moments, G1 = sqrt(n(n-1))/(n-2) * m3 / m2^1.5
        m2, m3 = np.mean((x - x.mean()) ** 2), np.mean((x - x.mean()) ** 3)
        assert row["skew"] == pytest.approx(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5, rel=1e-10)
        assert row["n_zero"] == int(np.sum(x == 0))
        assert row["n_unique"] == len(set(x.tolist()))


def test_raw_asem_flags(raw: pd.DataFrame) -> None:
    st_ = audit.indicator_statistics(raw).set_index("indicator")
    # TIRcon has 13 zeros among 51 and 2 distinct values; Poverty 14 zeros, 17 distinct of 44
    assert st_.loc["TIRcon", ["n_zero", "n_unique", "n_same"]].tolist() == [13, 2, 38]
    assert set(st_.index[st_["flag_few_unique"]]) == {"Tariff", "TIRcon", "RTAs", "Visa", "Poverty"}
    assert not st_["flag_many_zeros"].any()
    assert not st_["flag_low_availability"].any()  # the lowest availability is ConSpeed, 43/51
    assert st_["availability"].min() == pytest.approx(43 / 51)


def test_outlier_flags_are_the_15_indicators_coinr_winsorises(codes: list[str]) -> None:
    screened = _stage("asem_screened_coinr.csv", codes)
    treated = _stage("asem_treated_coinr.csv", codes)
    flagged = audit.indicator_statistics(screened)
    flagged = set(flagged.loc[flagged["flag_outlier"], "indicator"])
    changed = {c for c in codes if not np.allclose(screened[c], treated[c], equal_nan=True)}
    assert len(flagged) == 15
    assert flagged == changed
    assert not audit.indicator_statistics(treated)["flag_outlier"].any()


def test_flag_thresholds_follow_coinr_conventions() -> None:
    # 10 units; "z": 4 non-zero among 8 present -> frac_nonzero 0.5 (over n) but 4/10 < 0.5 (over units)
    df = pd.DataFrame(
        {
            "z": [0.0, 0, 0, 0, 1, 2, 3, 4, np.nan, np.nan],
            "u": [1.0, 1, 2, 2, 3, 3, 4, 4, 5, 5],  # 5 unique of 10 -> exactly 0.5, not flagged
            "a": [1.0, 2, 3, 4, 5, 6, np.nan, np.nan, np.nan, np.nan],  # 0.6 < 0.65
        },
        index=[f"u{i}" for i in range(10)],
    )
    st_ = audit.indicator_statistics(df).set_index("indicator")
    assert st_.loc["z", "frac_nonzero"] == 0.5
    assert bool(st_.loc["z", "flag_many_zeros"])
    assert not bool(st_.loc["u", "flag_few_unique"])
    assert st_.loc["u", "n_same"] == 2
    assert bool(st_.loc["a", "flag_low_availability"])
    assert not bool(st_.loc["z", "flag_low_availability"])  # 0.8
    relaxed = audit.indicator_statistics(df, t_avail=0.6, t_zero=0.4).set_index("indicator")
    assert not relaxed["flag_low_availability"].any()
    assert not relaxed["flag_many_zeros"].any()


def test_outlier_flag_needs_both_skew_and_kurtosis() -> None:
    x = np.r_[np.arange(20.0), 200.0]
    df = pd.DataFrame({"x": x})
    sk, kt = stats.skew(x, bias=False), stats.kurtosis(x, bias=False)
    assert sk > 2 and kt > 3.5
    assert bool(audit.indicator_statistics(df)["flag_outlier"].iloc[0])
    assert not bool(audit.indicator_statistics(df, t_kurt=kt + 0.01)["flag_outlier"].iloc[0])
    assert not bool(audit.indicator_statistics(df, t_skew=sk + 0.01)["flag_outlier"].iloc[0])


def test_statistics_short_and_constant_columns_give_nan_not_errors() -> None:
    df = pd.DataFrame({"c": [2.0, 2, 2, 2], "s": [1.0, 2, 4, np.nan], "e": [np.nan] * 4})
    st_ = audit.indicator_statistics(df).set_index("indicator")
    assert np.isnan(st_.loc["c", "skew"]) and np.isnan(st_.loc["c", "kurtosis"])
    assert st_.loc["s", "skew"] == pytest.approx(stats.skew([1, 2, 4], bias=False))
    assert np.isnan(st_.loc["s", "kurtosis"])  # n = 3 < 4
    assert st_.loc["e", "n"] == 0 and not st_["flag_outlier"].any()


@pytest.mark.parametrize(
    "bad",
    [
        pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}),
        pd.DataFrame(columns=["a"], dtype=float),
        pd.DataFrame([[1.0, 2.0]], columns=["a", "a"]),
        pd.DataFrame({"a": [1.0, np.inf]}),
        [[1.0, 2.0]],
    ],
)
def test_statistics_reject_unusable_input(bad: object) -> None:
    with pytest.raises(DataError):
        audit.indicator_statistics(bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# correlations


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_correlations_match_scipy_pairwise_on_asem_raw(raw: pd.DataFrame, method: str) -> None:
    sub = raw[["ConSpeed", "Cov4G", "Goods", "Poverty", "Palma", "CultGood", "TIRcon"]]
    out = audit.correlations(sub, method=method)  # type: ignore[arg-type]
    assert list(out.columns) == ["a", "b", "r", "p", "n", "flag"]
    assert len(out) == 7 * 6 // 2
    peer = stats.pearsonr if method == "pearson" else stats.spearmanr
    for row in out.itertuples():
        pair = sub[[row.a, row.b]].dropna()
        res = peer(pair[row.a], pair[row.b])
        assert row.n == len(pair)
        assert row.r == pytest.approx(res.statistic, abs=1e-12)
        assert row.p == pytest.approx(res.pvalue, rel=1e-8, abs=1e-15)
        assert row.flag == (abs(row.r) >= 0.9)


def test_correlations_matrix_equals_pandas_pairwise(raw: pd.DataFrame) -> None:
    out = audit.correlations(raw, with_pvalues=False)
    assert "p" not in out.columns and len(out) == 49 * 48 // 2
    ref = raw.corr(min_periods=2)
    got = out.pivot(index="a", columns="b", values="r")
    for row in out.sample(200, random_state=1).itertuples():
        assert got.loc[row.a, row.b] == pytest.approx(ref.loc[row.a, row.b], abs=1e-12)


def test_correlations_perfect_and_degenerate_pairs() -> None:
    df = pd.DataFrame(
        {"a": [1.0, 2, 3, 4], "b": [3.0, 5, 7, 9], "c": [1.0, 1, 1, 1], "d": [1.0, np.nan, np.nan, 2]}
    )
    out = audit.correlations(df).set_index(["a", "b"])
    assert out.loc[("a", "b"), "r"] == 1.0 and out.loc[("a", "b"), "p"] == 0.0
    assert np.isnan(out.loc[("a", "c"), "r"])  # constant column
    assert out.loc[("a", "d"), "n"] == 2 and np.isnan(out.loc[("a", "d"), "p"])
    with pytest.raises(DataError, match="method"):
        audit.correlations(df, method="kendall")  # type: ignore[arg-type]


def test_correlation_flags_within_groups_on_asem(imputed: pd.DataFrame, parents: dict[str, str]) -> None:
    out = audit.correlation_flags(imputed, parents)
    assert list(out.columns) == ["parent", "a", "b", "r", "n", "flag"]
    # independent: every same-parent pair from pandas' matrix, strict thresholds
    cm = imputed.corr()
    cols = list(imputed.columns)
    expect = set()
    for i, a in enumerate(cols):
        for b in cols[i + 1 :]:
            if parents[a] == parents[b] and (cm.loc[a, b] > 0.9 or cm.loc[a, b] < -0.4):
                expect.add((parents[a], a, b, "high" if cm.loc[a, b] > 0.9 else "low"))
    assert set(zip(out["parent"], out["a"], out["b"], out["flag"], strict=True)) == expect
    assert expect  # the ASEM framework has such pairs
    loose = audit.correlation_flags(imputed, parents, high=0.5, low=-0.1)
    assert len(loose) > len(out)


def test_correlation_flags_strict_thresholds_and_errors() -> None:
    corr = np.array([[1.0, 0.9, -0.4], [0.9, 1.0, 0.0], [-0.4, 0.0, 1.0]])
    df = exact_corr_data(corr, 30)
    fam = {"x0": "G", "x1": "G", "x2": "G"}
    assert audit.correlation_flags(df, fam, high=0.9 + 1e-9, low=-0.4 - 1e-9).empty
    got = audit.correlation_flags(df, fam, high=0.9 - 1e-9, low=-0.4 + 1e-9)
    assert got[["a", "b", "flag"]].values.tolist() == [["x0", "x1", "high"], ["x0", "x2", "low"]]
    # different parents are never compared
    assert audit.correlation_flags(df, {"x0": "G", "x1": "H", "x2": "K"}, high=0.5).empty
    with pytest.raises(DataError, match="x2"):
        audit.correlation_flags(df, {"x0": "G", "x1": "G"})
    with pytest.raises(DataError, match="below"):
        audit.correlation_flags(df, fam, high=0.1, low=0.2)


def test_correlations_with_parents_on_asem_aggregated(codes: list[str], parents: dict[str, str]) -> None:
    agg = _stage("asem_aggregated_coinr.csv")
    out = audit.correlations_with_parents(agg, parents)
    assert list(out.columns) == ["child", "parent", "generation", "r", "p", "n"]
    assert len(out) == 49 + 8 + 2 and (out["generation"] == 1).all()
    for row in out.itertuples():
        assert row.parent == parents[row.child]
        res = stats.pearsonr(agg[row.child], agg[row.parent])
        assert row.r == pytest.approx(res.statistic, abs=1e-12)
        assert row.p == pytest.approx(res.pvalue, rel=1e-8, abs=1e-300)
    fam = audit.correlations_with_parents(agg, parents, ancestors=True, with_pvalues=False)
    assert "p" not in fam.columns
    assert len(fam) == 49 * 3 + 8 * 2 + 2
    lpi = fam[fam["child"] == "LPI"]
    assert lpi[["parent", "generation"]].values.tolist() == [["Physical", 1], ["Conn", 2], ["Index", 3]]
    assert lpi["r"].iloc[2] == pytest.approx(agg["LPI"].corr(agg["Index"]), abs=1e-12)
    assert set(codes) <= set(fam["child"])


def test_correlations_with_parents_errors() -> None:
    df = pd.DataFrame({"a": [1.0, 2, 3], "b": [2.0, 1, 3]})
    with pytest.raises(DataError, match="cycle"):
        audit.correlations_with_parents(df, {"a": "b", "b": "a"})
    with pytest.raises(DataError, match="no column"):
        audit.correlations_with_parents(df, {"a": "P", "b": "P"})


# ---------------------------------------------------------------------------------------------
# Cronbach's alpha


def test_cronbach_hand_computed_example() -> None:
    # items a,b,c over 4 units; variances 5/3, 5/3, 11/12; total score [4,7,8,12] has variance 131/12
    # alpha = 3/2 * (1 - (51/12) / (131/12)) = 120/131
    df = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 3, 2, 4], "c": [2.0, 2, 3, 4]})
    assert Fraction(3, 2) * (1 - Fraction(51, 131)) == Fraction(120, 131)
    assert audit.cronbach_alpha(df) == pytest.approx(120 / 131, abs=1e-14)
    # standardised: r_ab = 0.8, r_ac = 0.7385..., r_bc = 0.3693...; alpha_std = 3 rbar / (1 + 2 rbar)
    r = df.corr().to_numpy()[np.triu_indices(3, 1)]
    rbar = r.mean()
    assert r[0] == pytest.approx(0.8)
    assert audit.cronbach_alpha(df, standardised=True) == pytest.approx(3 * rbar / (1 + 2 * rbar), abs=1e-14)


def test_cronbach_spearman_brown_textbook_identity() -> None:
    # k parallel items with common correlation r: alpha = k r / (1 + (k-1) r) (Spearman-Brown);
    # k = 4, r = 0.3 gives 1.2 / 1.9 = 0.6316 for raw and standardised alike
    df = exact_corr_data(equicorr(4, 0.3), 50, seed=3, sd=np.full(4, 2.5))
    assert audit.cronbach_alpha(df) == pytest.approx(12 / 19, abs=1e-12)
    assert audit.cronbach_alpha(df, standardised=True) == pytest.approx(12 / 19, abs=1e-12)
    # unequal variances: standardised ignores the scale, raw does not
    scaled = exact_corr_data(equicorr(4, 0.3), 50, seed=3, sd=np.array([1.0, 1, 1, 10]))
    assert audit.cronbach_alpha(scaled, standardised=True) == pytest.approx(12 / 19, abs=1e-12)
    assert audit.cronbach_alpha(scaled) < 0.5


def test_cronbach_equals_classic_formula_on_asem_groups(imputed: pd.DataFrame, meta: pd.DataFrame) -> None:
    for grp in ["Physical", "ConEcFin", "Political", "Instit", "P2P", "Environ", "Social", "SusEcFin"]:
        x = imputed[group(meta, grp)]
        k = x.shape[1]
        classic = k / (k - 1) * (1 - x.var().sum() / x.sum(axis=1).var())
        assert audit.cronbach_alpha(x) == pytest.approx(classic, rel=1e-12), grp


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (12, 4), elements=st.floats(-100, 100, allow_nan=False, allow_subnormal=False)),
    st.permutations(range(4)),
)
def test_cronbach_invariant_to_item_order(x: np.ndarray, perm: list[int]) -> None:
    df = pd.DataFrame(x, columns=list("abcd"))
    if (df.std() < 1e-6).any() or df.sum(axis=1).std() < 1e-3 * df.std().max():
        return  # degenerate items, or a total so small that alpha is dominated by rounding
    a = audit.cronbach_alpha(df)
    b = audit.cronbach_alpha(df.iloc[:, perm])
    assert b == pytest.approx(a, rel=1e-7, abs=1e-9)
    assert a <= 1 + 1e-12


def test_cronbach_needs_two_items() -> None:
    with pytest.raises(DataError, match="at least 2"):
        audit.cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0]}))


# ---------------------------------------------------------------------------------------------
# PCA, KMO, Bartlett, VIF


def test_pca_matches_svd_of_standardised_data(raw: pd.DataFrame, meta: pd.DataFrame) -> None:
    x = raw[group(meta, "P2P") + group(meta, "Social")]  # has missing values
    res = audit.pca(x)
    complete = x.dropna()
    assert res.n_units == len(complete) < len(x)
    z = ((complete - complete.mean()) / complete.std()).to_numpy()
    _, s, vt = np.linalg.svd(z, full_matrices=False)
    eig = s**2 / (len(z) - 1)
    p = x.shape[1]
    assert res.components["eigenvalue"].to_numpy() == pytest.approx(eig, rel=1e-10)
    assert res.components["explained_variance_ratio"].sum() == pytest.approx(1.0)
    assert res.components["cumulative_ratio"].iloc[-1] == pytest.approx(1.0)
    assert res.components["explained_variance_ratio"].iloc[0] == pytest.approx(eig[0] / p)
    ld = res.loadings
    assert len(ld) == p * p
    for j in range(3):
        vec = ld.loc[ld["component"] == f"PC{j + 1}", "eigenvector"].to_numpy()
        assert vec.sum() > 0  # sign fixed
        assert np.abs(vec) == pytest.approx(np.abs(vt[j]), abs=1e-9)
        # loading = correlation of the indicator with the component scores
        scores = z @ vec
        corr = [np.corrcoef(z[:, i], scores)[0, 1] for i in range(p)]
        got = ld.loc[ld["component"] == f"PC{j + 1}", "loading"].to_numpy()
        assert got == pytest.approx(corr, abs=1e-9)


def test_pca_of_uncorrelated_columns_has_unit_eigenvalues() -> None:
    res = audit.pca(exact_corr_data(np.eye(3), 20))
    assert res.components["eigenvalue"].to_numpy() == pytest.approx([1, 1, 1], abs=1e-10)


# factor_analyzer 0.5.1 (calculate_kmo, calculate_bartlett_sphericity) on asem_imputed_coinr.csv
FACTOR_ANALYZER = {
    "Physical": (0.5958213315243611, 101.36268185543331, 3.0418169825467574e-10),
    "ConEcFin": (0.4807283491895743, 90.91135314031759, 3.532120796187539e-15),
    "Environ": (0.6742168653708905, 71.2075971971867, 2.5904386102440155e-11),
    "Social": (0.7897351637091777, 201.96424935383192, 5.548163050586065e-25),
}


@pytest.mark.parametrize("grp", sorted(FACTOR_ANALYZER))
def test_kmo_and_bartlett_match_factor_analyzer(imputed: pd.DataFrame, meta: pd.DataFrame, grp: str) -> None:
    x = imputed[group(meta, grp)]
    kmo_fa, chi_fa, p_fa = FACTOR_ANALYZER[grp]
    assert audit.kmo(x).overall == pytest.approx(kmo_fa, abs=1e-12)
    b = audit.bartlett_sphericity(x)
    assert b.statistic == pytest.approx(chi_fa, rel=1e-12)
    assert b.p_value == pytest.approx(p_fa, rel=1e-9)
    assert b.dof == x.shape[1] * (x.shape[1] - 1) // 2
    assert (b.n_units, b.n_indicators) == (51, x.shape[1])


def test_kmo_partial_correlations_by_residual_regression(imputed: pd.DataFrame, meta: pd.DataFrame) -> None:
    x = imputed[group(meta, "Social")]
    arr = x.to_numpy()
    p = arr.shape[1]
    r = np.corrcoef(arr, rowvar=False)
    q = np.zeros((p, p))
    for i in range(p):
        for j in range(i + 1, p):
            rest = np.column_stack([np.ones(len(arr)), np.delete(arr, [i, j], axis=1)])
            ei = arr[:, i] - rest @ np.linalg.lstsq(rest, arr[:, i], rcond=None)[0]
            ej = arr[:, j] - rest @ np.linalg.lstsq(rest, arr[:, j], rcond=None)[0]
            q[i, j] = q[j, i] = np.corrcoef(ei, ej)[0, 1]
    np.fill_diagonal(r, 0)
    msa = (r**2).sum(axis=0) / ((r**2).sum(axis=0) + (q**2).sum(axis=0))
    res = audit.kmo(x)
    assert res.per_indicator["msa"].to_numpy() == pytest.approx(msa, abs=1e-10)
    assert res.overall == pytest.approx((r**2).sum() / ((r**2).sum() + (q**2).sum()), abs=1e-10)
    assert list(res.per_indicator["indicator"]) == list(x.columns)


def test_kmo_closed_form_equicorrelated_three() -> None:
    # p = 3, common r: partial r_ij.k = (r - r^2)/(1 - r^2) = r/(1+r); KMO = (1+r)^2 / ((1+r)^2 + 1)
    r = 0.5
    res = audit.kmo(exact_corr_data(equicorr(3, r), 25))
    assert res.overall == pytest.approx(2.25 / 3.25, abs=1e-12)
    assert res.per_indicator["msa"].to_numpy() == pytest.approx([2.25 / 3.25] * 3, abs=1e-12)


def test_bartlett_closed_forms() -> None:
    # identity correlation: ln|R| = 0, statistic 0, p-value 1
    b = audit.bartlett_sphericity(exact_corr_data(np.eye(4), 30))
    assert b.statistic == pytest.approx(0.0, abs=1e-10)
    assert b.p_value == pytest.approx(1.0)
    assert b.dof == 6
    # equicorrelated p = 3, r = 0.5: |R| = (1-r)^2 (1+2r) = 0.5; n = 40
    b = audit.bartlett_sphericity(exact_corr_data(equicorr(3, 0.5), 40))
    expect = -(40 - 1 - 11 / 6) * np.log(0.5)
    assert b.statistic == pytest.approx(expect, rel=1e-12)
    assert b.p_value == pytest.approx(stats.chi2.sf(expect, 3), rel=1e-10)


def test_kmo_and_bartlett_reject_singular_and_short_data() -> None:
    df = pd.DataFrame({"a": [1.0, 2, 3, 5], "b": [2.0, 1, 4, 3]})
    df["c"] = df["a"] + df["b"]
    with pytest.raises(DataError, match="singular"):
        audit.kmo(df)
    with pytest.raises(DataError, match="singular"):
        audit.bartlett_sphericity(df)
    with pytest.raises(DataError, match="complete data"):
        audit.pca(pd.DataFrame({"a": [1.0, np.nan, 3], "b": [1.0, 2, np.nan]}))
    with pytest.raises(DataError, match="constant"):
        audit.pca(pd.DataFrame({"a": [1.0, 1, 1], "b": [1.0, 2, 3]}))


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (15, 4), elements=st.floats(-10, 10, allow_nan=False, allow_subnormal=False)))
def test_kmo_between_zero_and_one(x: np.ndarray) -> None:
    df = pd.DataFrame(x, columns=list("abcd"))
    try:
        res = audit.kmo(df)
    except DataError:
        return  # constant or collinear draws
    assert 0.0 <= res.overall <= 1.0
    assert ((res.per_indicator["msa"] >= 0) & (res.per_indicator["msa"] <= 1)).all()


def test_vif_orthogonal_columns_is_one() -> None:
    out = audit.vif(exact_corr_data(np.eye(4), 12))
    assert list(out.columns) == ["indicator", "r_squared", "vif"]
    assert out["vif"].to_numpy() == pytest.approx([1, 1, 1, 1], abs=1e-10)
    assert out["r_squared"].to_numpy() == pytest.approx([0, 0, 0, 0], abs=1e-10)


def test_vif_equals_diagonal_of_inverse_correlation(imputed: pd.DataFrame, meta: pd.DataFrame) -> None:
    x = imputed[group(meta, "Social")]
    expect = np.diag(np.linalg.inv(np.corrcoef(x.to_numpy(), rowvar=False)))
    assert audit.vif(x)["vif"].to_numpy() == pytest.approx(expect, rel=1e-9)
    # closed form: equicorrelated p = 3, r = 0.5 -> R_j^2 = 2r^2/(1+r) = 1/3, VIF = 1.5
    assert audit.vif(exact_corr_data(equicorr(3, 0.5), 20))["vif"].to_numpy() == pytest.approx([1.5] * 3)


def test_vif_of_exact_combination_is_infinite() -> None:
    df = pd.DataFrame({"a": [1.0, 2, 3, 5, 4], "b": [2.0, 1, 4, 3, 7]})
    df["c"] = 2 * df["a"] - df["b"]
    assert np.isinf(audit.vif(df)["vif"]).all()
    with pytest.raises(DataError, match="at least 4"):
        audit.vif(df.iloc[:3])


# ---------------------------------------------------------------------------------------------
# remove one element; compare variants


def test_rank_scores_follow_coinr() -> None:
    s = pd.Series([10.0, 30.0, 10.0, np.nan, 20.0], index=list("abcde"))
    assert audit.rank_scores(s).tolist()[:3] == [3.0, 1.0, 3.0]
    assert np.isnan(audit.rank_scores(s)["d"]) and audit.rank_scores(s)["e"] == 2.0


def test_remove_one_effect_against_hand_computation() -> None:
    data = pd.DataFrame(
        {"i1": [90.0, 10, 50, 70], "i2": [20.0, 80, 50, 40], "i3": [55.0, 45, 50, 60]},
        index=["A", "B", "C", "D"],
    )
    calls: list[list[str]] = []

    def build(excluded: list[str]) -> pd.Series:
        calls.append(list(excluded))
        return data.drop(columns=excluded).mean(axis=1)

    out = audit.remove_one_effect(build, ["i1", "i2", "i3"]).set_index("removed")
    assert calls == [[], ["i1"], ["i2"], ["i3"]]
    # full: A 55, B 45, C 50, D 56.67 -> ranks A2 B4 C3 D1
    # without i1: A 37.5 B 62.5 C 50 D 50 -> A4 B1 C2 D2 -> |diff| 2,3,1,1 -> mean 1.75
    # without i2: A 72.5 B 27.5 C 50 D 65 -> A1 B4 C3 D2 -> |diff| 1,0,0,1 -> mean 0.5
    # without i3: A 55 B 45 C 50 D 55 -> A1 B4 C3 D1 -> |diff| 1,0,0,0 -> mean 0.25
    assert out["mean_abs_rank_change"].tolist() == [1.75, 0.5, 0.25]
    assert out["max_abs_rank_change"].tolist() == [3.0, 1.0, 1.0]
    full = data.mean(axis=1)
    for code in data.columns:
        wo = data.drop(columns=code).mean(axis=1)
        assert out.loc[code, "pearson_r"] == pytest.approx(np.corrcoef(full, wo)[0, 1], abs=1e-12)
        assert out.loc[code, "spearman_rho"] == pytest.approx(stats.spearmanr(full, wo).statistic, abs=1e-12)
    assert (out["n_units"] == 4).all()


def test_remove_one_effect_of_an_irrelevant_element_is_nil() -> None:
    s = pd.Series([3.0, 1.0, 2.0], index=list("xyz"))
    out = audit.remove_one_effect(lambda excluded: s, ["q"])
    assert out.loc[0, "mean_abs_rank_change"] == 0.0
    assert out.loc[0, "pearson_r"] == pytest.approx(1.0)


def test_remove_one_effect_errors() -> None:
    s = pd.Series([3.0, 1.0, 2.0])
    with pytest.raises(DataError, match="empty"):
        audit.remove_one_effect(lambda e: s, [])
    with pytest.raises(DataError, match="repeats"):
        audit.remove_one_effect(lambda e: s, ["a", "a"])
    with pytest.raises(DataError, match="Series"):
        audit.remove_one_effect(lambda e: s.to_numpy(), ["a"])  # type: ignore[arg-type, return-value]


def test_compare_variants() -> None:
    ref = pd.Series([4.0, 3.0, 2.0, 1.0], index=list("abcd"))
    same = ref * 10
    rev = -ref
    part = pd.Series([1.0, 5.0, 3.0], index=list("abc"))  # d missing
    res = audit.compare_variants({"nominal": ref, "scaled": same, "reversed": rev, "partial": part})
    summ = res.summary.set_index("variant")
    assert summ.loc["scaled", "mean_abs_rank_change"] == 0.0
    assert summ.loc["scaled", "spearman_rho"] == pytest.approx(1.0)
    # reversed: ranks 4,3,2,1 vs 1,2,3,4 -> |diff| 3,1,1,3
    assert summ.loc["reversed", "mean_abs_rank_change"] == 2.0
    assert summ.loc["reversed", "max_abs_rank_change"] == 3.0
    assert summ.loc["reversed", "spearman_rho"] == pytest.approx(-1.0)
    assert summ.loc["partial", "n_units"] == 3
    ranks = res.ranks.set_index(["variant", "unit"])
    assert list(res.ranks.columns) == ["unit", "variant", "score", "rank", "rank_change", "abs_rank_change"]
    # partial ranks b1 c2 a3; reference a1 b2 c3 -> change a: 1-3 = -2, b: 2-1 = +1
    assert ranks.loc[("partial", "a"), "rank_change"] == -2.0
    assert ranks.loc[("partial", "b"), "rank_change"] == 1.0
    assert ("partial", "d") not in ranks.index
    sp = res.spearman.set_index(["a", "b"])
    assert len(sp) == 6
    assert sp.loc[("scaled", "reversed"), "rho"] == pytest.approx(-1.0)
    assert sp.loc[("nominal", "partial"), "n"] == 3
    assert sp.loc[("nominal", "partial"), "rho"] == pytest.approx(
        stats.spearmanr(ref[list("abc")], part).statistic, abs=1e-12
    )


def test_compare_variants_errors() -> None:
    with pytest.raises(DataError, match="at least two"):
        audit.compare_variants({"a": pd.Series([1.0])})
    with pytest.raises(DataError, match="duplicated"):
        audit.compare_variants({"a": pd.Series([1.0, 2.0]), "b": pd.Series([1.0, 2.0], index=[0, 0])})
