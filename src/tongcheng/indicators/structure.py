"""Industrial structure indicators for city pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import DataError

__all__ = ["employment_shares", "krugman_specialisation"]


def employment_shares(employment: pd.DataFrame) -> pd.DataFrame:
    """Return each unit's employment shares by industry (rows sum to 1).

    Parameters
    ----------
    employment
        Employed persons, one row per unit code, one column per industry.

    Returns
    -------
    pandas.DataFrame
        Same shape; rows with no employment are dropped.

    Raises
    ------
    DataError
        If a count is negative.
    """
    values = employment.astype(float).fillna(0.0)
    if (values < 0).to_numpy().any():
        msg = "employment counts must not be negative; check the input table"
        raise DataError(msg)
    totals = values.sum(axis=1)
    return values.loc[totals > 0].div(totals[totals > 0], axis=0)


def krugman_specialisation(employment: pd.DataFrame) -> pd.Series:
    r"""Krugman specialisation (dissimilarity) index for every pair of units.

    .. math:: K_{ij} = \sum_k \left| s_{ik} - s_{jk} \right|, \qquad
              s_{ik} = E_{ik} / \sum_k E_{ik}

    :math:`K_{ij}` is 0 for identical industrial structures and 2 for structures with
    no industry in common. A falling :math:`K` between two cities means converging
    structures; a rising one means a sharper division of labour.

    Parameters
    ----------
    employment
        Employed persons by industry: one row per unit code, one column per industry
        (e.g. the 20 sections of GB/T 4754 counted by the census long form).

    Returns
    -------
    pandas.Series
        One value per unordered pair, indexed by ``(from_code, to_code)`` with
        ``from_code < to_code``, named ``krugman_index``.

    Notes
    -----
    Krugman, P. (1991). *Geography and Trade*. MIT Press, appendix D; used for
    Chinese regions by 范剑勇 (2004), 《中国社会科学》(2): 39–51.
    """
    shares = employment_shares(employment).sort_index()
    if len(shares) < 2:
        msg = "krugman_specialisation needs at least two units with employment"
        raise DataError(msg)
    s = shares.to_numpy()
    i, j = np.triu_indices(len(shares), k=1)
    values = np.abs(s[i] - s[j]).sum(axis=1)
    codes = shares.index.to_numpy()
    index = pd.MultiIndex.from_arrays([codes[i], codes[j]], names=["from_code", "to_code"])
    return pd.Series(values, index=index, name="krugman_index")
