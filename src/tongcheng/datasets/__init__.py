"""Bundled real data of the Yangtze River Delta and loaders for it.

The files in this folder are produced by ``scripts/build_datasets.py`` from public sources; see
``SOURCES.md`` beside them for origin, method, licence and citation of each file. Nothing is read
at import time; every loader reads its file on first call and caches the result, returning a copy
so that callers may modify what they get.

All GB/T 2260 codes are returned as 6-character strings (``"310100"``), never as integers.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._errors import DataError

if TYPE_CHECKING:
    import geopandas

__all__ = [
    "CC_BY_SA",
    "boundaries",
    "census",
    "city_stats",
    "code_changes",
    "indicator_catalogue",
    "metro_memberships",
    "names",
    "path",
    "province_stats",
    "rail_times",
    "rail_timetable",
    "units",
]

_LEVELS = ("province", "city", "county")
_CODE_COLUMNS = (
    "code",
    "parent_code",
    "province_code",
    "from_code",
    "to_code",
    "old_code",
    "new_code",
    "metro_code",
    "core_code",
    "member_code",
    "period",
    "version",
    "issued",
    "train",
    "city_code",
)


def names() -> list[str]:
    """Return the file names of every bundled data file.

    Returns
    -------
    list of str
        Sorted file names (``"units.csv"``, ``"boundaries_city.geojson"``, ...).
    """
    root = resources.files(__name__)
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_file() and p.name.endswith((".csv", ".geojson", ".md", ".txt"))
    )


def path(name: str) -> Path:
    """Return the absolute path of a bundled data file.

    Parameters
    ----------
    name
        File name, e.g. ``"units.csv"``.

    Returns
    -------
    pathlib.Path
        Path of the file inside the installed package.

    Raises
    ------
    tongcheng.DataError
        If no bundled file has that name; the message lists the available names.
    """
    available = names()
    if name not in available:
        msg = f"no bundled data file named {name!r}; expected one of: {', '.join(available)}"
        raise DataError(msg)
    return Path(str(resources.files(__name__).joinpath(name)))


def _read_csv(name: str) -> pd.DataFrame:
    # read codes (and other identifiers) as text so that "310100" never becomes 310100
    header = pd.read_csv(path(name), nrows=0).columns
    dtypes = {c: "str" for c in header if c in _CODE_COLUMNS}
    return pd.read_csv(
        path(name),
        dtype=dtypes,
        keep_default_na=False,
        na_values={c: [""] for c in header if c not in _CODE_COLUMNS},
    )


@functools.cache
def _units() -> pd.DataFrame:
    return _read_csv("units.csv").set_index("code")


def units() -> pd.DataFrame:
    """Return the 350 YRD units (4 provinces, 41 cities, 305 county-level units).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code`` (str); columns ``name_zh, short_zh, name_en, level, kind_zh,
        parent_code, province_code, lon, lat, area_km2``. ``parent_code`` is ``""`` for provinces.
        ``lon``/``lat`` are WGS-84 centroids and ``area_km2`` the area, both computed in an
        Albers equal-area projection from the unsimplified WGS-84 boundary.

    Examples
    --------
    >>> units().loc["320500", "name_en"]
    'Suzhou'
    """
    return _units().copy()


@functools.cache
def _boundaries(level: str) -> geopandas.GeoDataFrame:
    import geopandas as gpd

    gdf = gpd.read_file(path(f"boundaries_{level}.geojson"))
    gdf["code"] = gdf["code"].astype(str)
    return gdf.set_index("code").set_crs("EPSG:4326", allow_override=True)


def boundaries(level: str) -> geopandas.GeoDataFrame:
    """Return simplified WGS-84 boundaries of one level.

    Parameters
    ----------
    level
        ``"province"``, ``"city"`` or ``"county"``.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``code`` (str), columns ``name_zh, name_en, geometry``, CRS EPSG:4326.

    Raises
    ------
    tongcheng.DataError
        If ``level`` is not one of the three levels.
    """
    _check_level(level)
    return _boundaries(level).copy()


def _check_level(level: str) -> None:
    if level not in _LEVELS:
        msg = f"level must be one of {', '.join(_LEVELS)}; got {level!r}"
        raise DataError(msg)


@functools.cache
def _census(level: str) -> pd.DataFrame:
    return _read_csv(f"census_{level}.csv")


def census(level: str) -> pd.DataFrame:
    """Return the 2010 and 2020 census indicators in the long import layout.

    Parameters
    ----------
    level
        ``"city"`` (41 cities) or ``"county"`` (county-level units of today).

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name, indicator, period, value, unit``; ``period`` is ``"2010"`` or
        ``"2020"``. Codes are today's; see SOURCES.md for how older units were mapped.

    Raises
    ------
    tongcheng.DataError
        If ``level`` is not ``"city"`` or ``"county"``.
    """
    if level not in ("city", "county"):
        msg = f"census level must be 'city' or 'county'; got {level!r}"
        raise DataError(msg)
    return _census(level).copy()


@functools.cache
def _table(name: str) -> pd.DataFrame:
    return _read_csv(name)


CC_BY_SA = "CC BY-SA 4.0"
"""Licence of the statistics rows read off Wikipedia tables (``*_wikipedia_cc_by_sa.csv``)."""


def _stats(name: str, include_cc_by_sa: bool) -> pd.DataFrame:
    parts = [_table(f"{name}.csv").assign(licence="official statistics")]
    if include_cc_by_sa:
        parts.append(_table(f"{name}_wikipedia_cc_by_sa.csv").assign(licence=CC_BY_SA))
    return pd.concat(parts, ignore_index=True)


def city_stats(*, include_cc_by_sa: bool = True) -> pd.DataFrame:
    """Return official GDP and year-end population figures of the cities.

    The figures are official statistics. Most rows were read off Wikipedia tables that cite
    the statistical yearbooks; those tables are CC BY-SA 4.0, so their rows are kept in a
    file of their own (``city_stats_wikipedia_cc_by_sa.csv``, licence text in
    ``licenses/CC-BY-SA-4.0.txt``) and carry ``licence == "CC BY-SA 4.0"`` here.

    Parameters
    ----------
    include_cc_by_sa
        Whether to include the rows taken from Wikipedia tables (CC BY-SA 4.0).

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name, indicator, period, value, unit, vintage, source_url,
        source_note, licence``. Vintages differ between rows; do not difference values of
        different vintages without checking.
    """
    return _stats("city_stats", include_cc_by_sa)


def province_stats(*, include_cc_by_sa: bool = True) -> pd.DataFrame:
    """Return the province-level rows of the official statistics (same layout as ``city_stats``).

    Parameters
    ----------
    include_cc_by_sa
        Whether to include the rows taken from Wikipedia tables (CC BY-SA 4.0).

    Returns
    -------
    pandas.DataFrame
        Columns as in :func:`city_stats`, keyed by province code.
    """
    return _stats("province_stats", include_cc_by_sa)


def rail_times() -> pd.DataFrame:
    """Return the minimum scheduled rail time between ordered pairs of YRD cities.

    Returns
    -------
    pandas.DataFrame
        Columns ``from_code, from_name, to_code, to_name, indicator, period, value, unit,
        train``; ``indicator`` is ``"rail_time_min"``, ``value`` in minutes, ``train`` the
        fastest train's number. Covers the 24 YRD cities that the timetable has.
    """
    return _table("rail_times.csv").copy()


def indicator_catalogue() -> pd.DataFrame:
    """Return the catalogue of the raw indicators used in the bundled tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``code, name_zh, name_en, unit, subject_kind, description_zh, description_en,
        source``; ``subject_kind`` is ``"unit"`` or ``"pair"``; ``direction`` (1, -1, missing =
        neutral), ``min_value``, ``max_value`` (missing = open) and ``max_jump`` (missing = the
        project default) are the plausibility rules.
    """
    return _table("indicators.csv").copy()


def code_changes() -> pd.DataFrame:
    """Return GB/T 2260 code and name changes of YRD units, 2000–2021.

    Returns
    -------
    pandas.DataFrame
        Columns ``year, kind, kind_en, old_code, old_name, new_code, new_name, relation,
        source``; ``relation`` is ``"whole"`` or ``"part"`` (only part of the old unit went to
        the new code). ``old_code`` is ``""`` for units created from nothing recorded.
    """
    return _table("code_changes.csv").copy()


def metro_memberships() -> pd.DataFrame:
    """Return the versioned memberships of metropolitan areas.

    Returns
    -------
    pandas.DataFrame
        One row per member: ``metro_code, version, name_zh, name_en, core_code, member_code,
        member_name, status, source_doc, issued, source_url``. ``core_code`` and ``issued`` are
        ``""`` when there is none or it could not be confirmed.
    """
    return _table("metros.csv").copy()


def rail_timetable() -> pd.DataFrame:
    """Return the city-level train timetable of the YRD (trains calling at 2 or more YRD cities).

    Returns
    -------
    pandas.DataFrame
        One row per stop: ``train, seq, city_code, city_name, arrival_min, departure_min``. Times
        are minutes after midnight of the train's start day (``Int64``, ≥ 1440 on later days,
        missing for the arrival at a first stop and the departure from a last stop). Route it
        with :func:`tongcheng.network.railtable.timetable_from_city_schedule`.

    Examples
    --------
    >>> int(rail_timetable().groupby("train")["city_code"].nunique().min())
    2
    """
    frame = _table("rail_timetable.csv").copy()
    return frame.astype({"arrival_min": "Int64", "departure_min": "Int64"})
