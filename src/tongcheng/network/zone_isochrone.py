"""Isochrone bands from zone-to-zone travel times: unit polygons dissolved by minutes to a core.

Road isochrones (:mod:`tongcheng.network.isochrone`) grow along a road graph. Where only
zone-to-zone minutes exist (scheduled rail between cities, a stored ``car_time_min`` matrix …)
the reachable area is the union of the zones within reach. Bands are cumulative: the 60-minute
band holds every zone at most 60 minutes from the core (either direction, the faster one), the
core included, so the bands are nested. Zones without a time are in no band; they are not
counted as far away, because nothing is known about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._errors import DataError

__all__ = ["DEFAULT_BANDS", "EQUAL_AREA_CRS", "band_labels", "minutes_from_core", "zone_isochrones"]

DEFAULT_BANDS: tuple[float, ...] = (30.0, 60.0, 90.0, 120.0)
"""Upper bounds (minutes, inclusive) of the cumulative bands."""

EQUAL_AREA_CRS = "EPSG:6933"
"""World cylindrical equal-area projection, used when zones carry no ``area_km2``."""


def minutes_from_core(times: pd.Series, core: str) -> pd.Series:
    """Return the minutes between a core and every zone it has a time with (faster direction).

    Parameters
    ----------
    times
        Directed minutes indexed by ``(from_code, to_code)``.
    core
        Code of the core zone.

    Returns
    -------
    pandas.Series
        Minutes indexed by zone code, the core at 0; empty when the core has no time at all.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("a", "b"), ("b", "a"), ("c", "a")])
    >>> minutes_from_core(pd.Series([40.0, 35.0, 70.0], index=idx), "a").to_dict()
    {'a': 0.0, 'b': 35.0, 'c': 70.0}
    """
    if times.index.nlevels != 2:
        msg = "times must be indexed by (from_code, to_code); got a single-level index"
        raise DataError(msg)
    values = times.astype(float).dropna()
    a = values.index.get_level_values(0).astype(str)
    b = values.index.get_level_values(1).astype(str)
    other = np.where(a == core, b, a)
    touches = (a == core) | (b == core)
    out = pd.Series(values.to_numpy()[touches], index=other[touches]).groupby(level=0).min()
    if out.empty:
        return pd.Series(dtype=float, name="minutes")
    out[core] = 0.0
    out.index.name = "code"
    return out.sort_values(kind="stable").rename("minutes")


def band_labels(minutes: pd.Series, *, bands: Sequence[float] = DEFAULT_BANDS) -> pd.Series:
    """Return the band of each zone (``"0–30"``, ``"30–60"``, …, ``">120"``); NaN stays NaN.

    Examples
    --------
    >>> band_labels(pd.Series({"a": 0.0, "b": 30.0, "c": 31.0, "d": 200.0})).tolist()
    ['0–30', '0–30', '30–60', '>120']
    """
    edges = [0.0, *map(float, bands)]
    labels = [f"{lo:g}–{hi:g}" for lo, hi in pairwise(edges)]
    labels.append(f">{edges[-1]:g}")
    idx = np.searchsorted(np.asarray(edges[1:]), minutes.to_numpy(float), side="left")
    out = pd.Series([labels[i] for i in np.minimum(idx, len(labels) - 1)], index=minutes.index,
                    dtype=object)
    return out.where(minutes.notna())


def _areas(zones: gpd.GeoDataFrame) -> pd.Series:
    if "area_km2" in zones.columns and zones["area_km2"].notna().all():
        return zones["area_km2"].astype(float)
    return zones.geometry.to_crs(EQUAL_AREA_CRS).area / 1e6


def zone_isochrones(
    times: pd.Series,
    zones: gpd.GeoDataFrame,
    core: str,
    *,
    mode: str = "",
    bands: Sequence[float] = DEFAULT_BANDS,
    population: pd.Series | None = None,
) -> gpd.GeoDataFrame:
    """Dissolve the zones within each cumulative time band of a core into one polygon.

    Parameters
    ----------
    times
        Directed minutes indexed by ``(from_code, to_code)``.
    zones
        Zone polygons indexed by code (any CRS); an ``area_km2`` column is used for areas when
        complete, otherwise areas are measured in :data:`EQUAL_AREA_CRS`.
    core
        Code of the core zone.
    mode
        Label copied into the ``mode`` column.
    bands
        Increasing upper bounds in minutes (inclusive); default 30, 60, 90, 120.
    population
        Residents by zone code, summed per band (zones without a value add nothing).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per band, in the CRS of `zones`: ``core``, ``mode``, ``band`` (upper bound),
        ``n_units``, ``members`` (codes, comma separated, nearest first), ``population``
        (NaN without `population`), ``area_km2`` (sum of the members' areas) and
        ``geometry`` (union of the members; empty if none). No rows when the core has no
        time at all. Zones with a time but no polygon in `zones` are left out.

    Raises
    ------
    DataError
        If `bands` is empty or not increasing, or `zones` has duplicated codes.

    Notes
    -----
    The band polygon is ``shapely.union_all`` of the member polygons, so its area equals the
    sum of member areas up to overlaps and slivers between neighbouring boundaries.
    """
    edges = [float(b) for b in bands]
    if not edges or any(b <= a for a, b in pairwise(edges)):
        msg = f"bands must be increasing minutes such as (30, 60, 90, 120); got {list(bands)}"
        raise DataError(msg)
    if not zones.index.is_unique:
        msg = "zones must be indexed by unique codes; drop or dissolve the duplicated rows first"
        raise DataError(msg)
    zones = zones.copy()
    zones.index = zones.index.astype(str)
    minutes = minutes_from_core(times, core)
    minutes = minutes[minutes.index.isin(zones.index)]
    area = _areas(zones)
    geoms = shapely.make_valid(np.asarray(zones.geometry.values))
    position = {code: i for i, code in enumerate(zones.index)}
    rows = []
    for band in edges if not minutes.empty else []:
        members = list(minutes.index[minutes <= band])
        pop = np.nan if population is None else float(population.reindex(members).sum())
        rows.append({"core": core, "mode": mode, "band": band, "n_units": len(members),
                     "members": ",".join(members), "population": pop,
                     "area_km2": float(area.reindex(members).sum()),
                     "geometry": shapely.union_all(geoms[[position[m] for m in members]])})
    columns = ["core", "mode", "band", "n_units", "members", "population", "area_km2", "geometry"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry="geometry", crs=zones.crs)
