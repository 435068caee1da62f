"""A project's stored values as report columns: every indicator with values, not a fixed list.

Each table of the report (map units, county-level units, city pairs, metropolitan areas) gets
one column per indicator that has values for its subjects — imported series and computed
indicators alike — labelled from the project's catalogue (names, unit, direction) and with
the period, vintage and source of every value shown. Known codes come first in a curated
order; the rest follow in catalogue order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from ..indicators import registered
from .model import IndicatorMeta, TimeSeries

__all__ = [
    "MAX_PERIOD_COLUMNS",
    "UNIT_ORDER",
    "indicator_meta",
    "indicator_order",
    "latest_columns",
    "pair_keys",
    "period_columns",
    "time_series",
    "value_sources",
]

UNIT_ORDER: tuple[str, ...] = (
    "pop_resident", "pop_change_2010_2020", "urbanisation_rate", "ageing_60", "gdp", "gdp_primary",
    "gdp_secondary", "gdp_tertiary", "rail_time_to_shanghai", "rail_time_to_core", "rail_1h_population",
    "rail_potential_pop", "rail_2sfca_health_workers", "lq_manufacturing", "urban_flow_intensity",
)
"""Unit indicators shown first (map selector, tables), in this order; the rest follow."""
PAIR_ORDER: tuple[str, ...] = (
    "rail_time_min", "rail_time_transfer_min", "gravity_rail", "krugman_index", "unido_similarity",
    "tc_pair_index",
)
METRO_ORDER: tuple[str, ...] = (
    "metro_population", "metro_area_km2", "metro_rail_1h_share", "onehour_share_rail_transfer",
)
MAX_PERIOD_COLUMNS = 3
"""Pair and metro tables show one column per period, for at most this many latest periods."""


def indicator_order(codes: Iterable[str], catalogue: Sequence[str], curated: Sequence[str]) -> list[str]:
    """Return `codes` with the `curated` ones first (in that order), then in catalogue order.

    Examples
    --------
    >>> indicator_order(["b", "z", "a", "x"], ["a", "b", "x"], ["x"])
    ['x', 'a', 'b', 'z']
    """
    have = set(codes)
    position = {c: i for i, c in enumerate(catalogue)}
    first = [c for c in curated if c in have]
    rest = sorted(have - set(first), key=lambda c: (position.get(c, len(position)), c))
    return first + rest


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def indicator_meta(catalogue: pd.DataFrame, code: str, *, suffix: str = "") -> IndicatorMeta:
    """Label one indicator from the project's catalogue (indexed by code).

    The direction is the catalogue's (revision 0005), else the registered indicator's, else
    ``0`` (neither); a code missing from the catalogue is labelled by itself.
    """
    spec = next((s for s in registered() if s.code == code), None)
    row = catalogue.loc[code] if code in catalogue.index else pd.Series(dtype=object)
    raw = row.get("direction")
    direction = int(raw) if raw is not None and not pd.isna(raw) and int(raw) in (1, -1) else (
        spec.direction if spec else 0)
    name_zh = _text(row.get("name_zh")) or code
    return IndicatorMeta(
        code=code, indicator=code, name_zh=name_zh + suffix,
        name_en=(_text(row.get("name_en")) or name_zh) + suffix, unit=_text(row.get("unit")),
        description_zh=_text(row.get("description_zh")), description_en=_text(row.get("description_en")),
        citation=spec.citation if spec else _text(row.get("source")), direction=direction,
        kind=_text(row.get("kind")))


def value_sources(obs: pd.DataFrame, imports: pd.DataFrame) -> pd.Series:
    """Return each observation's source: its own, else its import's (``""`` if neither)."""
    own = obs["source"].astype("string").fillna("").str.strip()
    by_import = pd.Series(dtype=object) if imports.empty else \
        imports.set_index("id")["source"].astype("string").fillna("")
    of_import = obs["import_id"].map(by_import).astype("string").fillna("")
    return own.where(own != "", of_import).astype(str)


def pair_keys(obs: pd.DataFrame) -> pd.Series:
    """Return ``"a>b"`` with ``a < b`` for each pair observation (both directions meet)."""
    a, b = obs["unit_code"].astype(str), obs["partner_code"].astype(str)
    return a.where(a < b, b) + ">" + b.where(a < b, a)


def _span(periods: Iterable[str]) -> str:
    shown = sorted(set(periods))
    return "" if not shown else shown[0] if len(shown) == 1 else f"{shown[0]}–{shown[-1]}"


def _provenance(rows: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    return {str(k): (str(p), _text(v), _text(s)) for k, p, v, s
            in zip(rows["key"], rows["period"], rows["vintage"], rows["src"], strict=True)}


def _prepared(obs: pd.DataFrame, keys: pd.Series, subjects: pd.Index, sources: pd.Series,
              ) -> pd.DataFrame:
    rows = obs.assign(key=keys.astype(str), src=sources, period=obs["period"].astype(str))
    rows = rows[rows["key"].isin(subjects.astype(str)) & rows["value"].notna()]
    return rows.sort_values(["indicator", "key", "period", "value"])


def latest_columns(
    obs: pd.DataFrame, *, keys: pd.Series, subjects: pd.Index, catalogue: pd.DataFrame,
    sources: pd.Series, curated: Sequence[str] = UNIT_ORDER,
) -> tuple[pd.DataFrame, list[IndicatorMeta]]:
    """Return one column per indicator with the latest value of each subject.

    Parameters
    ----------
    obs
        Observations (one subject kind).
    keys
        The subject of each observation (unit code, metro code or pair key), aligned to `obs`.
    subjects
        The table's rows; observations of other subjects are left out.
    catalogue
        The project's catalogue indexed by code.
    sources
        The source of each observation (:func:`value_sources`).
    curated
        Codes shown first.

    Returns
    -------
    tuple of (pandas.DataFrame, list of IndicatorMeta)
        Values indexed by `subjects` (NaN where a subject has none) and their labels, each
        with ``period`` (the span of the periods shown), ``periods`` (all) and
        ``provenance`` (period, vintage, source of each value).
    """
    rows = _prepared(obs, keys, subjects, sources)
    values: dict[str, pd.Series] = {}
    metas = []
    groups = dict(tuple(rows.groupby("indicator", sort=False)))
    for code in indicator_order(groups, list(catalogue.index), curated):
        mine = groups[code]
        last = mine.drop_duplicates("key", keep="last")
        values[code] = pd.Series(last["value"].to_numpy(dtype=float), index=last["key"].to_numpy())
        meta = indicator_meta(catalogue, code)
        meta.period = _span(last["period"])
        meta.periods = tuple(sorted(set(mine["period"])))
        meta.provenance = _provenance(last)
        metas.append(meta)
    index = pd.Index(subjects.astype(str), name=subjects.name)
    frame = pd.DataFrame({c: v.reindex(index) for c, v in values.items()}, index=index)
    return frame, metas


def period_columns(
    obs: pd.DataFrame, *, keys: pd.Series, subjects: pd.Index, catalogue: pd.DataFrame,
    sources: pd.Series, curated: Sequence[str], max_periods: int = MAX_PERIOD_COLUMNS,
) -> tuple[pd.DataFrame, list[IndicatorMeta]]:
    """Return one column per indicator and period (its latest `max_periods` periods).

    Used where there is no time-series chart (city pairs, metropolitan areas). Where a subject
    has several values for one period (a pair in both directions) the smallest is shown.
    Parameters as :func:`latest_columns`; a column's code is ``<indicator>_<period>`` when the
    indicator has several periods, else the indicator's code.
    """
    rows = _prepared(obs, keys, subjects, sources)
    values: dict[str, pd.Series] = {}
    metas = []
    groups = dict(tuple(rows.groupby("indicator", sort=False)))
    for code in indicator_order(groups, list(catalogue.index), curated):
        mine = groups[code]
        periods = sorted(set(mine["period"]))
        for period in periods[-max_periods:]:
            at = mine[mine["period"] == period].drop_duplicates("key", keep="first")  # smallest
            col = code if len(periods) == 1 else f"{code}_{period}"
            values[col] = pd.Series(at["value"].to_numpy(dtype=float), index=at["key"].to_numpy())
            meta = indicator_meta(catalogue, code, suffix="" if len(periods) == 1 else f" {period}")
            meta.code, meta.period, meta.periods = col, period, tuple(periods)
            meta.provenance = _provenance(at)
            metas.append(meta)
    index = pd.Index(subjects.astype(str), name=subjects.name)
    frame = pd.DataFrame({c: v.reindex(index) for c, v in values.items()}, index=index)
    return frame, metas


def time_series(obs: pd.DataFrame, *, units: pd.Index, metas: Sequence[IndicatorMeta]) -> list[TimeSeries]:
    """Return the unit indicators of `metas` that have several periods, as unit × period frames.

    Parameters
    ----------
    obs
        Unit observations (latest vintage).
    units
        Units drawn (the map's); others are left out.
    metas
        Labels of the indicators (from :func:`latest_columns`), in the order to show.
    """
    wanted = {m.catalogue_code for m in metas if len(m.periods) > 1}
    rows = obs[obs["indicator"].isin(wanted) & obs["unit_code"].astype(str).isin(units.astype(str))
               & obs["value"].notna()]
    long = rows.assign(unit_code=rows["unit_code"].astype(str), period=rows["period"].astype(str)) \
        .groupby(["indicator", "unit_code", "period"])["value"].last()
    out = []
    for meta in metas:
        if meta.catalogue_code not in wanted or meta.catalogue_code not in long.index.get_level_values(0):
            continue
        wide = long.loc[meta.catalogue_code].unstack("period")
        if wide.shape[1] < 2 or not (wide.notna().sum(axis=1) >= 2).any():
            continue
        out.append(TimeSeries(meta=meta, values=wide.reindex(columns=sorted(wide.columns))))
    return out
