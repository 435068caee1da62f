"""Industrial integration of cities: similarity, specialisation, location quotients, complementarity.

Every function takes a *structure table*: one row per unit code, one column per industry,
holding employed persons or value added (any non-negative amount; shares are formed
inside). The census employment by the 20 GB/T 4754 sections is bundled
(``emp_a`` … ``emp_t`` in :func:`tongcheng.datasets.census`).

- :func:`unido_similarity` — the structural similarity coefficient (结构相似系数, UNIDO 1979);
- :func:`krugman` — the Krugman specialisation index (re-exported from
  :func:`tongcheng.indicators.structure.krugman_specialisation`);
- :func:`location_quotients` — location quotients against a reference economy;
- :func:`complementarity` — Michaely's (1996) complementarity of one unit's supply with
  another's demand.

Pair results are indexed by ``(from_code, to_code)`` like every pair indicator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, ValidationError
from .._text import Text
from ..indicators.structure import employment_shares, krugman_specialisation

__all__ = ["complementarity", "krugman", "location_quotients", "read_structure", "unido_similarity"]

krugman = krugman_specialisation


def _structure(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return the non-negative numeric structure table, or raise with what to fix."""
    if not isinstance(table, pd.DataFrame) or table.shape[1] == 0:
        msg = (f"{name} must be a DataFrame with one row per unit and one column per industry; "
               "pivot a long table with table.pivot(index='code', columns='industry', values='value')")
        raise DataError(msg)
    values = table.apply(pd.to_numeric, errors="coerce")
    bad = values.isna() & table.notna()
    if bad.to_numpy().any():
        row, col = next((r, c) for r, c in zip(*np.nonzero(bad.to_numpy()), strict=True))
        msg = (f"{name} has a non-numeric value {table.iat[row, col]!r} at unit {table.index[row]!r}, "
               f"industry {table.columns[col]!r}; expected plain numbers (no units or commas)")
        raise DataError(msg)
    if not table.index.is_unique:
        dup = table.index[table.index.duplicated()][0]
        msg = f"{name} lists unit {dup!r} twice; expected one row per unit (sum or drop the duplicates)"
        raise DataError(msg)
    values.index = values.index.astype(str)
    values.index.name = "code"
    return values.astype(float)


def read_structure(path: str | Path, *, code: str = "code") -> pd.DataFrame:
    """Read a structure table (CSV or Parquet): a ``code`` column, then one column per industry.

    Returns
    -------
    pandas.DataFrame
        Indexed by code (text), one float column per industry.

    Raises
    ------
    ValidationError
        Every problem located by file, row (header = row 1) and column: no code column,
        no industry column, a blank or repeated code, a value that is not a number ≥ 0.
    """
    from ..io.files import read_frame

    path = Path(path)
    raw = read_frame(path, what=Text("产业结构表(code 列与各产业列)",
                                     "a structure table (a code column, one column per industry)"))
    raw = raw.astype(object)
    file = path.name
    problems: list[Problem] = []
    if code not in raw.columns or raw.shape[1] < 2:
        problems.append(Problem(file, None, code, None,
                                Text(f"'{code}' 列和每个产业一列",
                                     f"a '{code}' column and one column per industry"),
                                Text("把单元代码放在 'code' 列,每个产业一列",
                                     "put the unit codes in a 'code' column and one industry per column")))
        raise ValidationError(problems)
    codes = raw[code].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    for pos in np.flatnonzero((codes.isna() | (codes == "") | codes.duplicated()).to_numpy(dtype=bool)):
        got = None if pd.isna(codes.iloc[pos]) else str(codes.iloc[pos])
        problems.append(Problem(file, int(pos) + 2, code, got,
                                Text("只出现一次的单元代码", "a unit code given once"),
                                Text("填写代码,或合并重复的行",
                                     "fill in the code or merge the repeated rows")))
    values = raw.drop(columns=code)
    out = values.apply(lambda c: pd.to_numeric(c.astype("string").str.replace(",", ""), errors="coerce"))
    for col in out.columns:
        for pos in np.flatnonzero((out[col].isna() | (out[col] < 0)).to_numpy(dtype=bool)):
            raw_value = values[col].iloc[pos]
            problems.append(Problem(file, int(pos) + 2, str(col),
                                    None if pd.isna(raw_value) else str(raw_value),
                                    Text("≥ 0 的数", "a number ≥ 0"),
                                    Text("就业人数或增加值请写成纯数字(没有时填 0)",
                                         "write employment or value added as a plain number (0 if none)")))
    if problems:
        raise ValidationError(problems)
    out.index = pd.Index(codes.astype(str), name="code")
    return out.astype(float)


def _pairs(codes: np.ndarray, values: np.ndarray, name: str) -> pd.Series:
    i, j = np.triu_indices(len(codes), k=1)
    index = pd.MultiIndex.from_arrays([codes[i], codes[j]], names=["from_code", "to_code"])
    return pd.Series(values[i, j], index=index, name=name)


def unido_similarity(shares: pd.DataFrame) -> pd.Series:
    r"""UNIDO structural similarity coefficient (结构相似系数) for every pair of units.

    .. math::

        S_{ij} = \frac{\sum_k s_{ik}\, s_{jk}}
                      {\sqrt{\sum_k s_{ik}^2 \; \sum_k s_{jk}^2}}

    the cosine of the angle between the two industry-structure vectors. :math:`S_{ij}`
    is 1 for proportional structures and 0 for structures with no industry in common;
    it is symmetric and does not depend on the scale of either row, so employment,
    value added or their shares give the same value. Values near 1 between neighbouring
    cities are read in Chinese practice as 产业同构 (duplicated structures); compare with
    :func:`krugman`, which measures the opposite, the division of labour.

    Parameters
    ----------
    shares
        Industry structure: one row per unit code, one column per industry (shares,
        employed persons or value added; non-negative).

    Returns
    -------
    pandas.Series
        One value per unordered pair, indexed by ``(from_code, to_code)`` with
        ``from_code < to_code``, named ``unido_similarity``.

    Raises
    ------
    DataError
        If a value is non-numeric or negative, or fewer than two units have a non-zero
        structure.

    Notes
    -----
    UNIDO (1979). *World Industry since 1960: Progress and Prospects*. New York: United
    Nations (Special Issue of the Industrial Development Survey).

    Examples
    --------
    >>> t = pd.DataFrame({"a": [1, 2, 1], "b": [1, 2, 0]}, index=["X", "Y", "Z"])
    >>> unido_similarity(t).round(4).tolist()
    [1.0, 0.7071, 0.7071]
    """
    shares_ = employment_shares(_structure(shares, "shares")).sort_index()
    if len(shares_) < 2:
        msg = Text("unido_similarity 至少需要两个产业结构非零的单元",
                   "unido_similarity needs at least two units with a non-zero industry structure")
        raise DataError(msg)
    s = shares_.to_numpy()
    norm = np.sqrt((s**2).sum(axis=1))
    cos = (s @ s.T) / np.outer(norm, norm)
    return _pairs(shares_.index.to_numpy(), np.clip(cos, 0.0, 1.0), "unido_similarity")


def location_quotients(employment: pd.DataFrame, *,
                       reference: str | pd.Series | None = None) -> pd.DataFrame:
    r"""Location quotient of every industry in every unit.

    .. math::

        LQ_{ik} = \frac{E_{ik} / \sum_m E_{im}}{R_k / \sum_m R_m}

    :math:`R` is the reference economy: by default the sum of all rows of
    ``employment`` (e.g. the whole Yangtze River Delta), or one unit of the table, or a
    given industry vector (e.g. national employment). :math:`LQ_{ik} > 1` means *i* is
    specialised in *k* relative to the reference. Two identities hold and are tested:
    the reference-share-weighted mean of a unit's quotients is 1,
    :math:`\sum_k (R_k/R)\, LQ_{ik} = 1`; and with the default reference the
    employment-weighted mean over units of one industry's quotients is 1,
    :math:`\sum_i (E_i/E)\, LQ_{ik} = 1`.

    Parameters
    ----------
    employment
        Employed persons (or value added) by industry: one row per unit code, one column
        per industry.
    reference
        ``None`` (the sum of all rows), a unit code of ``employment``, or a Series of
        reference amounts indexed by the same industry columns.

    Returns
    -------
    pandas.DataFrame
        Same rows (units with no employment dropped) and columns, the quotients;
        ``NaN`` where the reference has none of an industry.

    Raises
    ------
    DataError
        If a value is non-numeric or negative, the reference code is not a row of the
        table, or a reference Series lacks industries of the table.

    Notes
    -----
    Isard, W. (1960). *Methods of Regional Analysis: An Introduction to Regional
    Science*. Cambridge, MA: MIT Press, ch. 7.
    """
    table = _structure(employment, "employment")
    shares = employment_shares(table)
    if reference is None:
        ref = table.sum(axis=0)
    elif isinstance(reference, str):
        if reference not in table.index:
            msg = (f"reference unit {reference!r} is not a row of the table; expected one of "
                   f"{', '.join(map(str, table.index[:10]))}{' …' if len(table) > 10 else ''}")
            raise DataError(msg)
        ref = table.loc[reference]
    else:
        missing = [c for c in table.columns if c not in reference.index]
        if missing:
            msg = (f"the reference Series lacks industries {missing}; index it by the same "
                   "industry columns as the employment table")
            raise DataError(msg)
        ref = pd.to_numeric(reference[table.columns], errors="coerce").astype(float)
    total = float(ref.sum())
    if not np.isfinite(total) or total <= 0 or (ref < 0).any():
        msg = "the reference economy must have non-negative amounts with a positive total"
        raise DataError(msg)
    ref_share = (ref / total).replace(0.0, np.nan)
    return shares.div(ref_share, axis=1)


def complementarity(supply: pd.DataFrame, demand: pd.DataFrame) -> pd.Series:
    r"""Michaely's complementarity of one unit's supply with another's demand, ordered pairs.

    .. math::

        C_{ij} = 100 \left(1 - \tfrac{1}{2} \sum_k \left| m_{jk} - x_{ik} \right| \right),
        \quad x_{ik} = \frac{X_{ik}}{\sum_k X_{ik}}, \;
        m_{jk} = \frac{M_{jk}}{\sum_k M_{jk}}

    :math:`x_i` is the supply structure of *i* (export, outflow or output shares) and
    :math:`m_j` the demand structure of *j* (import, inflow or intermediate-demand
    shares). :math:`C_{ij}` is 100 when *i* supplies exactly the mix *j* buys and 0 when
    they share no industry. It is directional: :math:`C_{ij} \ne C_{ji}` in general.

    Complementarity needs a demand side. With the *same* table for both (e.g.
    employment shares only) the index reduces to :math:`100 (1 - K_{ij}/2)`, a
    similarity measure rather than complementarity, so that call is refused.

    Parameters
    ----------
    supply
        Amounts supplied by industry: one row per unit code, one column per industry.
    demand
        Amounts demanded by industry, same layout; industries missing in one table count
        as zero in it.

    Returns
    -------
    pandas.Series
        Indexed by ``(from_code, to_code)`` = (supplier *i*, buyer *j*), ``i != j``, named
        ``complementarity`` (0–100).

    Raises
    ------
    DataError
        If a value is non-numeric or negative, or ``supply`` and ``demand`` are the
        same table.

    Notes
    -----
    Michaely, M. (1996). Trade preferential agreements in Latin America: an ex-ante
    assessment. World Bank Policy Research Working Paper 1583.
    """
    if supply is demand or (supply.shape == demand.shape and supply.equals(demand)):
        msg = Text("供给与需求是同一张表;互补性需要不同于供给结构的需求结构(进口、"
                   "流入或中间需求)。比较两种结构的相似性请用 unido_similarity 或 "
                   "krugman",
                   "supply and demand are the same table; complementarity needs a demand structure "
                   "(imports, inflows or intermediate demand) distinct from the supply structure. "
                   "For the similarity of two structures use unido_similarity or krugman")
        raise DataError(msg)
    sup, dem = _structure(supply, "supply"), _structure(demand, "demand")
    industries = sup.columns.union(dem.columns)
    x = employment_shares(sup.reindex(columns=industries, fill_value=0.0))
    m = employment_shares(dem.reindex(columns=industries, fill_value=0.0))
    rows = []
    for i, xi in x.iterrows():
        dist = (m - xi).abs().sum(axis=1)
        for j, d in dist.items():
            if j != i:
                rows.append((i, j, 100.0 * (1.0 - d / 2.0)))
    index = pd.MultiIndex.from_tuples([(a, b) for a, b, _ in rows], names=["from_code", "to_code"])
    return pd.Series([v for _, _, v in rows], index=index, name="complementarity", dtype=float)
