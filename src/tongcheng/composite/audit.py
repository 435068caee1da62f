"""Statistical audit of a composite index: indicator statistics, correlations, reliability, PCA.

Every function is pure: it takes the wide indicator table (index = unit key, columns =
indicator codes) or a callable, and returns a tidy :class:`pandas.DataFrame` with named
columns, a float, or a small frozen result object holding such tables. The checks follow
the JRC/OECD *Handbook on Constructing Composite Indicators* (OECD/JRC 2008, step 4
"multivariate analysis" and step 7 "uncertainty and sensitivity") and reproduce the
definitions and default thresholds of COINr 1.1.14 (``get_stats``, ``skew``, ``kurt``,
``get_corr``, ``get_corr_flags``, ``get_cronbach``, ``get_PCA``, ``remove_elements``,
``compare_coins``) where COINr has an equivalent.

Ranks everywhere are COINr's: the highest score gets rank 1, ties share the lowest rank
(``ties.method = "min"``), missing scores get no rank. A *rank change* is
``rank(reference) - rank(variant)``, so a positive change means the unit moved up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from tongcheng._errors import DataError

__all__ = [
    "BartlettResult",
    "KMOResult",
    "PCAResult",
    "VariantComparison",
    "bartlett_sphericity",
    "compare_variants",
    "correlation_flags",
    "correlations",
    "correlations_with_parents",
    "cronbach_alpha",
    "indicator_statistics",
    "kmo",
    "pca",
    "rank_scores",
    "remove_one_effect",
    "vif",
]

CorrMethod = Literal["pearson", "spearman"]
_METHODS = ("pearson", "spearman")


# ---------------------------------------------------------------------------------------------
# input checks


def _numeric_frame(data: object, *, name: str = "data", min_cols: int = 1) -> pd.DataFrame:
    """Return ``data`` as a float DataFrame, or raise :class:`DataError` naming every problem."""
    if not isinstance(data, pd.DataFrame):
        msg = f"`{name}` must be a pandas DataFrame (units × indicators); got {type(data).__name__}."
        raise DataError(msg)
    problems: list[str] = []
    if data.shape[0] == 0:
        problems.append("it has no rows (units)")
    if data.shape[1] < min_cols:
        problems.append(f"it has {data.shape[1]} column(s), at least {min_cols} needed")
    if not data.columns.is_unique:
        dup = sorted({str(c) for c in data.columns[data.columns.duplicated()]})
        problems.append(f"duplicated indicator codes {dup}")
    bad = [str(c) for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        problems.append(f"non-numeric columns {bad} (drop names and group columns first)")
    if problems:
        msg = f"`{name}` cannot be audited: " + "; ".join(problems) + "."
        raise DataError(msg)
    out = data.astype(float)
    arr = out.to_numpy()
    if np.isinf(arr).any():
        cols = [str(c) for c in out.columns[np.isinf(arr).any(axis=0)]]
        msg = f"`{name}` holds infinite values in {cols}; replace them by NaN or finite values."
        raise DataError(msg)
    return out


def _check_method(method: str) -> None:
    if method not in _METHODS:
        msg = f"`method` was {method!r} but is expected to be one of {list(_METHODS)}."
        raise DataError(msg)


def _listwise(data: pd.DataFrame, *, min_rows: int, what: str) -> pd.DataFrame:
    """Drop units with any missing value; raise if fewer than ``min_rows`` remain."""
    complete = data.dropna(axis=0, how="any")
    if complete.shape[0] < min_rows:
        msg = (
            f"{what} needs at least {min_rows} units with complete data (listwise deletion); "
            f"got {complete.shape[0]} of {data.shape[0]}. Impute missing values first."
        )
        raise DataError(msg)
    const = [str(c) for c in complete.columns if np.ptp(complete[c].to_numpy()) == 0]
    if const:
        msg = f"{what} cannot use constant columns {const}; drop them first."
        raise DataError(msg)
    return complete


# ---------------------------------------------------------------------------------------------
# indicator statistics


def _skew(x: np.ndarray) -> float:
    """COINr ``skew`` (= e1071 type 2, Excel ``SKEW``) of the finite values of ``x``."""
    n = x.size
    if n < 3:
        return float("nan")
    d = x - x.mean()
    m2 = np.sum(d**2)
    if m2 == 0:
        return float("nan")
    g1 = np.sqrt(n) * np.sum(d**3) / m2**1.5
    return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))


def _kurt(x: np.ndarray) -> float:
    """COINr ``kurt`` (= e1071 type 2, Excel ``KURT``, excess kurtosis) of ``x``."""
    n = x.size
    if n < 4:
        return float("nan")
    d = x - x.mean()
    m2 = np.sum(d**2)
    if m2 == 0:
        return float("nan")
    r = n * np.sum(d**4) / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def indicator_statistics(
    data: pd.DataFrame,
    *,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
    t_avail: float = 0.65,
    t_zero: float = 0.5,
    t_unq: float = 0.5,
) -> pd.DataFrame:
    r"""Summarise each indicator and flag the ones that need attention (COINr ``get_stats``).

    Parameters
    ----------
    data
        Indicator table: index = unit key, columns = indicator codes, numeric, NaN = missing.
    t_skew
        Absolute-skewness threshold of the outlier flag (COINr default 2).
    t_kurt
        Kurtosis threshold of the outlier flag (COINr default 3.5).
    t_avail
        Availability below this share raises ``flag_low_availability`` (COINr default 0.65).
    t_zero
        Share of non-zero values below this raises ``flag_many_zeros`` (COINr default 0.5).
    t_unq
        Share of unique values below this raises ``flag_few_unique`` (COINr default 0.5).

    Returns
    -------
    pandas.DataFrame
        One row per indicator, in column order, with columns ``indicator``, ``n`` (non-missing
        values), ``availability`` (``n`` / number of units), ``min``, ``max``, ``mean``,
        ``median``, ``sd`` (divisor n − 1), ``skew``, ``kurtosis``, ``n_zero``, ``n_nonzero``,
        ``n_unique``, ``n_same`` (size of the largest group of equal values),
        ``frac_nonzero``, ``frac_unique``, ``frac_same`` (each over ``n``), and the boolean
        flags ``flag_low_availability``, ``flag_many_zeros``, ``flag_few_unique`` and
        ``flag_outlier``.

    Raises
    ------
    DataError
        If ``data`` is not a non-empty numeric DataFrame with unique columns.

    Notes
    -----
    Skewness and kurtosis are COINr's ``skew`` and ``kurt`` (taken from e1071 ``type = 2``,
    the definitions of Excel's ``SKEW`` and ``KURT``; Joanes & Gill 1998, :math:`G_1`, :math:`G_2`).
    With :math:`d_i = x_i - \bar x` over the :math:`n` non-missing values,

    .. math::

        g_1 = \frac{\sqrt{n}\,\sum d_i^3}{(\sum d_i^2)^{3/2}},\qquad
        G_1 = g_1 \frac{\sqrt{n(n-1)}}{n-2},\qquad
        r = \frac{n \sum d_i^4}{(\sum d_i^2)^2},\qquad
        G_2 = \frac{\big((n+1)(r-3)+6\big)(n-1)}{(n-2)(n-3)}.

    These equal ``scipy.stats.skew(x, bias=False)`` and
    ``scipy.stats.kurtosis(x, fisher=True, bias=False)``; :math:`G_2` is *excess* kurtosis
    (0 for a normal sample). They are NaN when fewer than 3 (skew) or 4 (kurtosis) values are
    present or the values are constant, where COINr stops with an error.

    The flags are COINr's, including two of its conventions: ``flag_many_zeros`` and
    ``flag_few_unique`` divide by the number of *units* (missing values count as neither
    non-zero nor unique), whereas ``frac_nonzero`` and ``frac_unique`` divide by ``n``.
    ``flag_outlier`` is :math:`|G_1| > t_{skew}` and :math:`G_2 > t_{kurt}` (the trigger of
    COINr's outlier treatment); it is ``False`` where skew or kurtosis is NaN. Values are not
    rounded (COINr rounds to 3 significant figures by default).

    References
    ----------
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, step 4.
    Joanes, D. N. & Gill, C. A. (1998). Comparing measures of sample skewness and kurtosis.
    *The Statistician* 47(1), 183–189.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4, 100], "b": [0.0, 0, 0, 1, None]})
    >>> st = indicator_statistics(df).set_index("indicator")
    >>> st.loc["a", ["skew", "kurtosis"]].astype(float).round(3).tolist()
    [2.232, 4.987]
    >>> int(st.loc["b", "n"]), int(st.loc["b", "n_zero"])
    (4, 3)
    >>> bool(st.loc["a", "flag_outlier"]), bool(st.loc["b", "flag_many_zeros"])
    (True, True)
    """
    df = _numeric_frame(data)
    n_units = df.shape[0]
    rows = []
    for code in df.columns:
        col = df[code].to_numpy()
        x = col[~np.isnan(col)]
        n = x.size
        n_nonzero = int(np.count_nonzero(x))
        uniq, counts = np.unique(x, return_counts=True)
        n_unique = uniq.size
        n_same = int(counts.max()) if n else 0
        sk, kt = _skew(x), _kurt(x)
        rows.append(
            {
                "indicator": code,
                "n": n,
                "availability": n / n_units,
                "min": float(x.min()) if n else np.nan,
                "max": float(x.max()) if n else np.nan,
                "mean": float(x.mean()) if n else np.nan,
                "median": float(np.median(x)) if n else np.nan,
                "sd": float(x.std(ddof=1)) if n > 1 else np.nan,
                "skew": sk,
                "kurtosis": kt,
                "n_zero": n - n_nonzero,
                "n_nonzero": n_nonzero,
                "n_unique": n_unique,
                "n_same": n_same,
                "frac_nonzero": n_nonzero / n if n else np.nan,
                "frac_unique": n_unique / n if n else np.nan,
                "frac_same": n_same / n if n else np.nan,
                "flag_low_availability": n / n_units < t_avail,
                "flag_many_zeros": n_nonzero / n_units < t_zero,
                "flag_few_unique": n_unique / n_units < t_unq,
                "flag_outlier": bool(abs(sk) > t_skew and kt > t_kurt),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# correlations


def _pair_corr(x: np.ndarray, y: np.ndarray, method: str) -> tuple[float, float, int]:
    """Correlation, two-sided p-value and n of two columns over their complete pairs."""
    ok = ~(np.isnan(x) | np.isnan(y))
    n = int(ok.sum())
    if n < 2:
        return float("nan"), float("nan"), n
    x, y = x[ok], y[ok]
    if method == "spearman":
        x, y = stats.rankdata(x), stats.rankdata(y)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan"), n
    with np.errstate(all="ignore"):
        xd, yd = x - x.mean(), y - y.mean()
        r = float(np.sum(xd * yd) / np.sqrt(np.sum(xd**2) * np.sum(yd**2)))
    if not np.isfinite(r):
        return float("nan"), float("nan"), n
    r = min(1.0, max(-1.0, r))
    if n < 3:
        return r, float("nan"), n
    if abs(r) == 1.0:
        return r, 0.0, n
    t = r * np.sqrt((n - 2) / (1.0 - r * r))
    return r, float(2.0 * stats.t.sf(abs(t), n - 2)), n


def correlations(
    data: pd.DataFrame,
    *,
    method: CorrMethod = "pearson",
    with_pvalues: bool = True,
    flag_above: float = 0.9,
) -> pd.DataFrame:
    r"""Correlate every pair of indicators over pairwise complete observations.

    Parameters
    ----------
    data
        Indicator table (units × indicators).
    method
        ``"pearson"`` or ``"spearman"`` (Pearson on average ranks).
    with_pvalues
        Add the two-sided p-value of :math:`H_0: \rho = 0` in column ``p``.
    flag_above
        ``flag`` is ``True`` where :math:`|r| \ge` ``flag_above``.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair (``a`` before ``b`` in column order) with columns ``a``,
        ``b``, ``r``, ``p`` (if ``with_pvalues``), ``n`` (complete pairs) and ``flag``.
        ``r`` is NaN where fewer than 2 complete pairs exist or a column is constant on them.

    Raises
    ------
    DataError
        If ``data`` is not numeric or ``method`` is unknown.

    Notes
    -----
    Missing values are handled like R's ``cor(use = "pairwise.complete.obs")`` as used by
    COINr's ``get_corr``: each pair uses the units where both values are present (for Spearman
    the ranks are taken over those units). The p-value uses
    :math:`t = r\sqrt{(n-2)/(1-r^2)}` with :math:`n-2` degrees of freedom, which is R's
    ``cor.test`` for Pearson; for Spearman it is the usual large-sample approximation (R's
    ``cor.test`` uses the exact null distribution for small samples without ties), and equals
    ``scipy.stats.spearmanr``. COINr blanks correlations with p > 0.05 in ``get_corr``;
    here every value is kept and ``p`` is returned instead.

    See Also
    --------
    correlation_flags : pairs within the same framework group beyond COINr's thresholds.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 9], "c": [4.0, 1, None, 2]})
    >>> correlations(df, with_pvalues=False).round(3)
       a  b      r  n   flag
    0  a  b  0.994  4   True
    1  a  c -0.500  3  False
    2  b  c -0.454  3  False
    """
    df = _numeric_frame(data)
    _check_method(method)
    cols = list(df.columns)
    arr = df.to_numpy()
    rows = []
    for i in range(len(cols)):
        for j in range(i + 1, len(cols)):
            r, p, n = _pair_corr(arr[:, i], arr[:, j], method)
            rows.append({"a": cols[i], "b": cols[j], "r": r, "p": p, "n": n})
    out = pd.DataFrame(rows, columns=["a", "b", "r", "p", "n"])
    out["flag"] = out["r"].abs() >= flag_above
    if not with_pvalues:
        out = out.drop(columns="p")
    return out


def correlation_flags(
    data: pd.DataFrame,
    framework_parents: Mapping[str, str],
    *,
    high: float = 0.9,
    low: float = -0.4,
    method: CorrMethod = "pearson",
) -> pd.DataFrame:
    """Flag pairs of indicators in the same group whose correlation is too high or negative.

    Parameters
    ----------
    data
        Indicator table (units × indicators); every column must have a parent.
    framework_parents
        Parent code of each indicator (child → parent). Extra keys (e.g. aggregates) are
        ignored.
    high
        Flag ``"high"`` where ``r > high`` (COINr ``get_corr_flags`` default 0.9: possible
        double counting).
    low
        Flag ``"low"`` where ``r < low`` (−0.4, the handbook's and COINr's usual threshold
        for trade-offs inside a group).
    method
        ``"pearson"`` or ``"spearman"``.

    Returns
    -------
    pandas.DataFrame
        Only the flagged pairs, each once, with columns ``parent``, ``a``, ``b``, ``r``, ``n``
        and ``flag`` (``"high"`` or ``"low"``), sorted by parent then pair order.

    Raises
    ------
    DataError
        If a column of ``data`` has no entry in ``framework_parents``, or ``low >= high``.

    Notes
    -----
    Correlations use pairwise complete observations (:func:`correlations`). The comparisons
    are strict, as in COINr's ``get_corr_flags``, which tests one threshold at a time
    (``thresh_type = "high"`` or ``"low"``); this function applies both at once.
    """
    df = _numeric_frame(data)
    _check_method(method)
    if not low < high:
        msg = f"`low` must be below `high`; got low={low}, high={high}."
        raise DataError(msg)
    orphans = [str(c) for c in df.columns if c not in framework_parents]
    if orphans:
        msg = f"indicators {orphans} have no parent in `framework_parents`; add them or drop the columns."
        raise DataError(msg)
    pairs = correlations(df, method=method, with_pvalues=False)
    pa = pairs["a"].map(framework_parents)
    pb = pairs["b"].map(framework_parents)
    pairs = pairs.assign(parent=pa)[pa == pb]
    flag = np.where(pairs["r"] > high, "high", np.where(pairs["r"] < low, "low", ""))
    pairs = pairs.assign(flag=flag)[flag != ""]
    order = {p: k for k, p in enumerate(dict.fromkeys(framework_parents[c] for c in df.columns))}
    pairs = pairs.sort_values("parent", key=lambda s: s.map(order), kind="stable")
    return pairs[["parent", "a", "b", "r", "n", "flag"]].reset_index(drop=True)


def correlations_with_parents(
    data: pd.DataFrame,
    framework_parents: Mapping[str, str],
    *,
    method: CorrMethod = "pearson",
    with_pvalues: bool = True,
    ancestors: bool = False,
) -> pd.DataFrame:
    """Correlate each indicator or aggregate with its parent (and optionally every ancestor).

    Parameters
    ----------
    data
        Table holding both children and aggregates as columns (e.g. COINr's "Aggregated"
        data set: indicators, pillars, sub-indices and the index side by side).
    framework_parents
        Parent code of each element (child → parent); the top of the tree has no entry.
    method
        ``"pearson"`` or ``"spearman"``.
    with_pvalues
        Add the two-sided p-value in column ``p``.
    ancestors
        Also correlate with grandparents and higher (COINr ``withparent = "family"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``child``, ``parent``, ``generation`` (1 = parent, 2 = grandparent, ...),
        ``r``, ``p`` (if ``with_pvalues``) and ``n``; one row per child column of ``data``
        whose parent (ancestor) is also a column of ``data``, in column order.

    Raises
    ------
    DataError
        If ``data`` is not numeric, ``method`` is unknown, the parent map has a cycle, or no
        child–parent pair is present in ``data``.

    Notes
    -----
    An indicator that correlates weakly (or negatively) with its own aggregate contributes
    little to it; the handbook reads this as a sign of a misplaced or redundant indicator.
    """
    df = _numeric_frame(data)
    _check_method(method)
    cols = set(df.columns)
    rows = []
    for child in df.columns:
        seen = {child}
        node, gen = child, 0
        while node in framework_parents:
            node, gen = framework_parents[node], gen + 1
            if node in seen:
                msg = f"the parent map has a cycle through {node!r}; each element needs one parent."
                raise DataError(msg)
            seen.add(node)
            if gen > 1 and not ancestors:
                break
            if node in cols:
                r, p, n = _pair_corr(df[child].to_numpy(), df[node].to_numpy(), method)
                rows.append({"child": child, "parent": node, "generation": gen, "r": r, "p": p, "n": n})
    if not rows:
        msg = "no column of `data` has its parent among the columns; pass indicators and aggregates together."
        raise DataError(msg)
    out = pd.DataFrame(rows)
    return out if with_pvalues else out.drop(columns="p")


# ---------------------------------------------------------------------------------------------
# reliability and dimensionality


def cronbach_alpha(data: pd.DataFrame, *, standardised: bool = False) -> float:
    r"""Cronbach's alpha of a group of indicators (COINr ``get_cronbach``).

    Parameters
    ----------
    data
        The indicators of one group (units × indicators), at least two columns.
    standardised
        Return the standardised alpha (from the mean inter-item correlation) instead of the
        raw alpha (from the covariance matrix).

    Returns
    -------
    float
        Alpha; at most 1, can be negative when items correlate negatively.

    Raises
    ------
    DataError
        If fewer than two numeric columns are given or the total variance is zero.

    Notes
    -----
    With :math:`k` items, covariance matrix :math:`\Sigma` and mean off-diagonal
    correlation :math:`\bar r` (Cronbach 1951):

    .. math::

        \alpha = \frac{k}{k-1}\Big(1 - \frac{\sum_i \sigma_{ii}}{\sum_{i,j}\sigma_{ij}}\Big)
               = \frac{k^2\,\bar\sigma_{i\ne j}}{\sum_{i,j}\sigma_{ij}},\qquad
        \alpha_{std} = \frac{k\,\bar r}{1 + (k-1)\,\bar r}.

    As in COINr, covariances (and correlations) use pairwise complete observations, so with
    missing values the matrix mixes different subsets of units.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16(3), 297–334.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 3, 2, 4], "c": [2.0, 2, 3, 4]})
    >>> round(cronbach_alpha(df), 4)  # 120/131
    0.916
    """
    df = _numeric_frame(data, min_cols=2)
    k = int(df.shape[1])
    if standardised:
        corr = df.corr(method="pearson", min_periods=2).to_numpy()
        rbar = float(np.nanmean(corr[~np.eye(k, dtype=bool)]))
        return float(k * rbar / (1 + (k - 1) * rbar))
    cov = df.cov(min_periods=2).to_numpy()
    total = float(np.nansum(cov))
    if total == 0:
        msg = "the items have zero total variance; Cronbach's alpha is undefined."
        raise DataError(msg)
    off = (total - float(np.nansum(np.diag(cov)))) / (k * (k - 1))
    return float(k * k * off / total)


@dataclass(frozen=True)
class PCAResult:
    """Principal components of standardised indicators.

    Attributes
    ----------
    components
        One row per component: ``component`` (``"PC1"``, ...), ``eigenvalue``,
        ``explained_variance_ratio`` and ``cumulative_ratio``.
    loadings
        Long table: ``indicator``, ``component``, ``eigenvector`` (unit-length coefficient,
        COINr's PCA weight for PC1, ``prcomp``'s rotation) and ``loading``
        (eigenvector × √eigenvalue, the correlation of indicator and component).
    n_units
        Units used (after listwise deletion).
    """

    components: pd.DataFrame
    loadings: pd.DataFrame
    n_units: int


def _corr_complete(data: pd.DataFrame, *, what: str) -> tuple[np.ndarray, int]:
    df = _listwise(_numeric_frame(data, min_cols=2), min_rows=3, what=what)
    with np.errstate(all="ignore"):
        corr = np.corrcoef(df.to_numpy(), rowvar=False)
    if not np.isfinite(corr).all():
        msg = f"{what}: correlations are undefined (values too small or too large); rescale the data."
        raise DataError(msg)
    return corr, int(df.shape[0])


def pca(data: pd.DataFrame) -> PCAResult:
    r"""Principal component analysis of standardised indicators (COINr ``get_PCA``).

    Parameters
    ----------
    data
        Indicator table (units × indicators), at least two columns. Units with any missing
        value are dropped (listwise deletion, as COINr does).

    Returns
    -------
    PCAResult
        Eigenvalues, explained-variance ratios and loadings of all components.

    Raises
    ------
    DataError
        If fewer than 3 complete units remain or a column is constant.

    Notes
    -----
    The eigen-decomposition :math:`R = V\Lambda V^\top` of the correlation matrix equals
    ``prcomp(x, center = TRUE, scale = TRUE)``; ratios are :math:`\lambda_j / p`. The sign of
    a component is arbitrary; here each eigenvector is oriented so that its coefficients sum
    to a positive number (if the sum is 0, its largest coefficient is positive), so PC1
    loadings used as weights are mostly positive.

    References
    ----------
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, section 1.5 (PCA).
    """
    corr, n = _corr_complete(data, what="PCA")
    cols = list(data.columns)
    p = len(cols)
    vals, vecs = np.linalg.eigh(corr)
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0.0, None), vecs[:, order]
    for j in range(p):
        s = vecs[:, j].sum()
        if abs(s) < 1e-12:
            s = vecs[np.argmax(np.abs(vecs[:, j])), j]
        if s < 0:
            vecs[:, j] = -vecs[:, j]
    names = [f"PC{j + 1}" for j in range(p)]
    ratio = vals / vals.sum()
    components = pd.DataFrame(
        {
            "component": names,
            "eigenvalue": vals,
            "explained_variance_ratio": ratio,
            "cumulative_ratio": np.cumsum(ratio),
        }
    )
    loadings = pd.DataFrame(
        {
            "indicator": np.tile(np.asarray(cols, dtype=object), p),
            "component": np.repeat(names, p),
            "eigenvector": vecs.T.ravel(),
            "loading": (vecs * np.sqrt(vals)).T.ravel(),
        }
    )
    return PCAResult(components=components, loadings=loadings, n_units=n)


@dataclass(frozen=True)
class KMOResult:
    """Kaiser–Meyer–Olkin measure of sampling adequacy.

    Attributes
    ----------
    overall
        The overall KMO, in [0, 1].
    per_indicator
        Table with columns ``indicator`` and ``msa`` (the measure for each indicator).
    n_units
        Units used (after listwise deletion).
    """

    overall: float
    per_indicator: pd.DataFrame
    n_units: int


def _inverse_corr(corr: np.ndarray, cols: list[object]) -> np.ndarray:
    if np.linalg.cond(corr) > 1e12:
        msg = (
            f"the correlation matrix of {[str(c) for c in cols]} is singular (an indicator is a "
            "linear combination of others, or there are fewer units than indicators); "
            "drop redundant indicators."
        )
        raise DataError(msg)
    return np.linalg.inv(corr)


def kmo(data: pd.DataFrame) -> KMOResult:
    r"""Kaiser–Meyer–Olkin measure of sampling adequacy, overall and per indicator.

    Parameters
    ----------
    data
        Indicator table (units × indicators), at least two columns; listwise deletion.

    Returns
    -------
    KMOResult
        Overall KMO and the MSA of each indicator.

    Raises
    ------
    DataError
        If fewer than 3 complete units remain, a column is constant or the correlation
        matrix is singular.

    Notes
    -----
    With the correlation matrix :math:`R`, its inverse :math:`S = R^{-1}` and the
    anti-image (partial) correlations :math:`q_{ij} = -s_{ij}/\sqrt{s_{ii}s_{jj}}`
    (Kaiser & Rice 1974; as SPSS and R ``psych::KMO``):

    .. math::

        \mathrm{KMO} = \frac{\sum_{i\ne j} r_{ij}^2}{\sum_{i\ne j} r_{ij}^2 + \sum_{i\ne j} q_{ij}^2},
        \qquad
        \mathrm{MSA}_i = \frac{\sum_{j\ne i} r_{ij}^2}{\sum_{j\ne i} r_{ij}^2 + \sum_{j\ne i} q_{ij}^2}.

    Kaiser's reading: ≥ 0.9 marvellous, 0.8 meritorious, 0.7 middling, 0.6 mediocre,
    0.5 miserable, below unacceptable.

    References
    ----------
    Kaiser, H. F. & Rice, J. (1974). Little Jiffy, Mark IV. *Educational and Psychological
    Measurement* 34(1), 111–117.
    """
    corr, n = _corr_complete(data, what="KMO")
    inv = _inverse_corr(corr, list(data.columns))
    d = np.sqrt(np.diag(inv))
    partial = -inv / np.outer(d, d)
    off = ~np.eye(corr.shape[0], dtype=bool)
    r2 = np.where(off, corr**2, 0.0)
    q2 = np.where(off, partial**2, 0.0)
    msa = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    overall = float(r2.sum() / (r2.sum() + q2.sum()))
    table = pd.DataFrame({"indicator": list(data.columns), "msa": msa})
    return KMOResult(overall=overall, per_indicator=table, n_units=n)


@dataclass(frozen=True)
class BartlettResult:
    """Bartlett's test of sphericity.

    Attributes
    ----------
    statistic
        The χ² statistic.
    dof
        Degrees of freedom, p(p − 1)/2.
    p_value
        Upper-tail χ² probability.
    n_units
        Units used (after listwise deletion).
    n_indicators
        Number of indicators p.
    """

    statistic: float
    dof: int
    p_value: float
    n_units: int
    n_indicators: int


def bartlett_sphericity(data: pd.DataFrame) -> BartlettResult:
    r"""Bartlett's test that the indicators' correlation matrix is the identity.

    Parameters
    ----------
    data
        Indicator table (units × indicators), at least two columns; listwise deletion.

    Returns
    -------
    BartlettResult
        Statistic, degrees of freedom and p-value.

    Raises
    ------
    DataError
        If fewer than 3 complete units remain, a column is constant or the correlation
        matrix is singular.

    Notes
    -----
    With :math:`n` units, :math:`p` indicators and correlation matrix :math:`R`
    (Bartlett 1950, 1951):

    .. math::

        \chi^2 = -\Big(n - 1 - \frac{2p + 5}{6}\Big)\ln\lvert R\rvert,\qquad
        \mathrm{df} = \frac{p(p-1)}{2}.

    A small p-value means the indicators share enough correlation for PCA or factor
    analysis to make sense.

    References
    ----------
    Bartlett, M. S. (1951). The effect of standardization on a χ² approximation in factor
    analysis. *Biometrika* 38(3/4), 337–344.
    """
    corr, n = _corr_complete(data, what="Bartlett's test")
    _inverse_corr(corr, list(data.columns))
    p = corr.shape[0]
    _, logdet = np.linalg.slogdet(corr)
    stat = float(-(n - 1 - (2 * p + 5) / 6) * logdet)
    dof = p * (p - 1) // 2
    return BartlettResult(
        statistic=stat,
        dof=dof,
        p_value=float(stats.chi2.sf(stat, dof)),
        n_units=n,
        n_indicators=p,
    )


def vif(data: pd.DataFrame) -> pd.DataFrame:
    r"""Variance inflation factor of each indicator given all the others.

    Parameters
    ----------
    data
        Indicator table (units × indicators), at least two columns; listwise deletion.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator``, ``r_squared`` and ``vif``; ``vif`` is ``inf`` when an
        indicator is an exact linear combination of the others.

    Raises
    ------
    DataError
        If fewer complete units remain than indicators + 1, or a column is constant.

    Notes
    -----
    :math:`\mathrm{VIF}_j = 1/(1 - R_j^2)`, with :math:`R_j^2` from the least-squares
    regression (with intercept) of indicator :math:`j` on all the others. Values above 5–10
    are the usual warning of multicollinearity.
    """
    df = _numeric_frame(data, min_cols=2)
    df = _listwise(df, min_rows=df.shape[1] + 1, what="VIF")
    x = df.to_numpy()
    n, p = x.shape
    rows = []
    for j in range(p):
        y = x[:, j]
        design = np.column_stack([np.ones(n), np.delete(x, j, axis=1)])
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        resid = y - design @ coef
        tss = float(np.sum((y - y.mean()) ** 2))
        r2 = min(1.0, max(0.0, 1.0 - float(resid @ resid) / tss))
        v = np.inf if r2 >= 1.0 - 1e-12 else 1.0 / (1.0 - r2)
        rows.append({"indicator": df.columns[j], "r_squared": r2, "vif": v})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# effect of removing elements and comparison of variants


def rank_scores(scores: pd.Series) -> pd.Series:
    """Rank scores as COINr does: highest = 1, ties share the lowest rank, NaN stays NaN.

    Parameters
    ----------
    scores
        Scores indexed by unit.

    Returns
    -------
    pandas.Series
        Float ranks, same index and name as ``scores``.

    Examples
    --------
    >>> import pandas as pd
    >>> rank_scores(pd.Series([3.0, 5.0, 3.0, None], index=list("abcd"))).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    return scores.astype(float).rank(ascending=False, method="min", na_option="keep")


def _as_scores(obj: object, what: str) -> pd.Series:
    if not isinstance(obj, pd.Series):
        msg = f"{what} must be a pandas Series of index scores indexed by unit; got {type(obj).__name__}."
        raise DataError(msg)
    if not obj.index.is_unique:
        msg = f"{what} has duplicated unit keys; each unit needs one score."
        raise DataError(msg)
    try:
        return obj.astype(float)
    except (TypeError, ValueError) as exc:
        msg = f"{what} must hold numeric scores."
        raise DataError(msg) from exc


def _compare(ref: pd.Series, other: pd.Series) -> dict[str, float | int]:
    """Rank change and correlations of ``other`` against ``ref`` over their common units."""
    rr, ro = rank_scores(ref), rank_scores(other)
    common = ref.index.intersection(other.index)
    both = pd.DataFrame({"s0": ref, "s1": other, "r0": rr, "r1": ro}).loc[common].dropna()
    diff = (both["r0"] - both["r1"]).abs()
    pearson, _, n = _pair_corr(both["s0"].to_numpy(), both["s1"].to_numpy(), "pearson")
    spearman, _, _ = _pair_corr(both["s0"].to_numpy(), both["s1"].to_numpy(), "spearman")
    return {
        "mean_abs_rank_change": float(diff.mean()) if n else np.nan,
        "max_abs_rank_change": float(diff.max()) if n else np.nan,
        "pearson_r": pearson,
        "spearman_rho": spearman,
        "n_units": n,
    }


def remove_one_effect(
    build_fn: Callable[[list[str]], pd.Series],
    codes: Iterable[str],
) -> pd.DataFrame:
    """Measure how much the index moves when each element is left out (COINr ``remove_elements``).

    Parameters
    ----------
    build_fn
        Rebuilds the index without the elements it is given: ``build_fn([])`` is the full
        (nominal) index, ``build_fn(["X"])`` the index without ``X``. It returns index
        scores indexed by unit. How an element is removed (weight set to zero and the
        remaining weights rescaled, as COINr does, or the indicator dropped) is up to it.
    codes
        The elements (indicators or aggregates) to remove, one at a time.

    Returns
    -------
    pandas.DataFrame
        One row per removed element: ``removed``, ``mean_abs_rank_change`` (mean over units
        of :math:`|rank_{full} - rank_{without}|`, COINr's ``MeanAbsDiff``),
        ``max_abs_rank_change``, ``pearson_r`` and ``spearman_rho`` (scores without the
        element vs the full index) and ``n_units`` (units scored by both).

    Raises
    ------
    DataError
        If ``codes`` is empty or repeats a code, or ``build_fn`` does not return a Series of
        numeric scores with unique unit keys.

    Notes
    -----
    Ranks follow :func:`rank_scores` and are computed on each build separately, then
    compared on the units both builds score. A small mean rank change means the index is
    robust to (or does not depend on) that element; a large one means it drives the results.
    """
    todo = list(codes)
    if not todo:
        msg = "`codes` is empty; give the elements to remove one at a time."
        raise DataError(msg)
    if len(set(todo)) != len(todo):
        msg = f"`codes` repeats elements: {todo}."
        raise DataError(msg)
    full = _as_scores(build_fn([]), "build_fn([])")
    rows = []
    for code in todo:
        without = _as_scores(build_fn([code]), f"build_fn([{code!r}])")
        rows.append({"removed": code, **_compare(full, without)})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class VariantComparison:
    """Scores and ranks of several variants of an index, compared with the first.

    Attributes
    ----------
    ranks
        Long table, one row per unit and variant: ``unit``, ``variant``, ``score``,
        ``rank``, ``rank_change`` (rank in the reference minus rank in the variant, positive
        = moved up) and ``abs_rank_change``.
    summary
        One row per variant: ``variant``, ``mean_abs_rank_change``, ``max_abs_rank_change``,
        ``pearson_r``, ``spearman_rho`` (against the reference) and ``n_units``.
    spearman
        Long table of Spearman's rho between every pair of variants: ``a``, ``b``, ``rho``,
        ``n`` (units scored by both).
    """

    ranks: pd.DataFrame
    summary: pd.DataFrame
    spearman: pd.DataFrame


def compare_variants(scores: Mapping[str, pd.Series]) -> VariantComparison:
    """Compare index variants by rank (COINr ``compare_coins`` for any number of variants).

    Parameters
    ----------
    scores
        Variant name → index scores indexed by unit. The first entry is the reference.

    Returns
    -------
    VariantComparison
        Ranks and rank changes per unit, a per-variant summary and pairwise Spearman's rho.

    Raises
    ------
    DataError
        If fewer than two variants are given or a variant is not a Series of numeric scores
        with unique unit keys.

    Notes
    -----
    Units missing from a variant get no rank there and no rank change. Ranks follow
    :func:`rank_scores`.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.Series([3.0, 2.0, 1.0], index=["x", "y", "z"])
    >>> b = pd.Series([1.0, 2.0, 3.0], index=["x", "y", "z"])
    >>> compare_variants({"a": a, "b": b}).summary[["variant", "mean_abs_rank_change"]]
      variant  mean_abs_rank_change
    0       a              0.000000
    1       b              1.333333
    """
    if len(scores) < 2:
        msg = f"`scores` must map at least two variant names to score Series; got {len(scores)}."
        raise DataError(msg)
    series = {str(k): _as_scores(v, f"scores[{k!r}]") for k, v in scores.items()}
    names = list(series)
    ref = series[names[0]]
    ref_rank = rank_scores(ref)
    long_parts, summary = [], []
    for name in names:
        s = series[name]
        rk = rank_scores(s)
        change = ref_rank.reindex(s.index) - rk
        long_parts.append(
            pd.DataFrame(
                {
                    "unit": s.index,
                    "variant": name,
                    "score": s.to_numpy(),
                    "rank": rk.to_numpy(),
                    "rank_change": change.to_numpy(),
                    "abs_rank_change": change.abs().to_numpy(),
                }
            )
        )
        summary.append({"variant": name, **_compare(ref, s)})
    pairs = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = series[names[i]], series[names[j]]
            common = a.index.intersection(b.index)
            rho, _, n = _pair_corr(a.loc[common].to_numpy(), b.loc[common].to_numpy(), "spearman")
            pairs.append({"a": names[i], "b": names[j], "rho": rho, "n": n})
    return VariantComparison(
        ranks=pd.concat(long_parts, ignore_index=True),
        summary=pd.DataFrame(summary),
        spearman=pd.DataFrame(pairs, columns=["a", "b", "rho", "n"]),
    )
