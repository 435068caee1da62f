"""Population indicators from the census: size, change, urbanisation, ageing."""

from __future__ import annotations

import pandas as pd

from .._errors import DataError

__all__ = ["ageing_share", "population_change", "urbanisation_rate"]


def _aligned(a: pd.Series, b: pd.Series, what: str) -> tuple[pd.Series, pd.Series]:
    common = a.index.intersection(b.index)
    if common.empty:
        msg = f"{what}: the two inputs share no subject; check that both are indexed by unit code"
        raise DataError(msg)
    return a.loc[common].astype(float), b.loc[common].astype(float)


def population_change(start: pd.Series, end: pd.Series) -> pd.Series:
    r"""Percentage change of population between two censuses.

    .. math:: \Delta P_i = 100 \left( \frac{P_{i,t_1}}{P_{i,t_0}} - 1 \right)

    Parameters
    ----------
    start, end
        Resident population at the start and end year, indexed by unit code.

    Returns
    -------
    pandas.Series
        Change in percent, indexed by the codes present in both, named ``pop_change``.
        Non-positive start populations give NaN.

    Notes
    -----
    Resident (常住) population as counted by the 6th (2010) and 7th (2020) population
    censuses, National Bureau of Statistics of China.
    """
    p0, p1 = _aligned(start, end, "population_change")
    out = 100.0 * (p1 / p0.where(p0 > 0) - 1.0)
    return out.rename("pop_change")


def urbanisation_rate(urban: pd.Series, total: pd.Series) -> pd.Series:
    r"""Urbanisation rate: urban resident population as a share of all residents.

    .. math:: U_i = 100 \, P^{urban}_i / P_i

    Parameters
    ----------
    urban
        Urban (城镇) resident population, indexed by unit code.
    total
        Total resident population, same index.

    Returns
    -------
    pandas.Series
        Percent, named ``urbanisation_rate``.

    Raises
    ------
    DataError
        If an urban population exceeds the total (inputs mixed up).

    Notes
    -----
    常住人口城镇化率 as defined by the NBS (国家统计局《统计上划分城乡的规定》, 2008).
    """
    u, p = _aligned(urban, total, "urbanisation_rate")
    over = u > p * (1 + 1e-9)
    if over.any():
        msg = (f"urban population exceeds the total for {list(u.index[over])[:5]}; "
               "check that the inputs are urban and total population, in that order")
        raise DataError(msg)
    return (100.0 * u / p.where(p > 0)).rename("urbanisation_rate")


def ageing_share(share_60: pd.Series) -> pd.Series:
    r"""Share of residents aged 60 and over, checked to lie in [0, 100].

    .. math:: A_i = 100 \, P^{60+}_i / P_i

    Parameters
    ----------
    share_60
        Census share aged 60+ in percent, indexed by unit code.

    Returns
    -------
    pandas.Series
        Percent, named ``ageing_60``.

    Raises
    ------
    DataError
        If a value lies outside 0–100 (a count given instead of a share).

    Notes
    -----
    The UN threshold for an "ageing society" is 10 % aged 60+ (United Nations, 1956,
    *The Aging of Populations and Its Economic and Social Implications*).
    """
    values = share_60.astype(float)
    bad = ~values.dropna().between(0.0, 100.0)
    if bad.any():
        msg = (f"shares aged 60+ outside 0–100 for {list(values.dropna().index[bad])[:5]}; "
               "give percentages, not counts")
        raise DataError(msg)
    return values.rename("ageing_60")
