"""Metropolitan areas (都市圈) as versioned memberships of cities and county-level units."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import shapely

from .._errors import UnitMatchError

if TYPE_CHECKING:
    import geopandas
    from shapely.geometry.base import BaseGeometry

__all__ = ["members", "metro_areas", "metro_outline"]


def _memberships() -> pd.DataFrame:
    from .. import datasets

    return datasets.metro_memberships()


def metro_areas() -> pd.DataFrame:
    """Return one row per metropolitan area and version.

    Returns
    -------
    pandas.DataFrame
        Columns ``metro_code, version, name_zh, name_en, core_code, status, source_doc, issued,
        source_url, n_members``.

    Examples
    --------
    >>> int(metro_areas().set_index("metro_code").loc["SH_1P8", "n_members"])
    9
    """
    m = _memberships()
    keys = [
        "metro_code",
        "version",
        "name_zh",
        "name_en",
        "core_code",
        "status",
        "source_doc",
        "issued",
        "source_url",
    ]
    out = m.groupby(keys, sort=False, dropna=False).size().rename("n_members").reset_index()
    return out


def _norm(text: str) -> str:
    return "".join(str(text).split()).lower()


def _find(metro: str, m: pd.DataFrame) -> str:
    areas = m.drop_duplicates("metro_code")
    q = _norm(metro)
    for col in ("metro_code", "name_zh", "name_en"):
        hit = areas[areas[col].map(_norm) == q]
        if len(hit) > 1:
            adopted = hit[hit["status"] == "adopted"]
            hit = adopted if len(adopted) == 1 else hit
        if len(hit) == 1:
            return str(hit["metro_code"].iloc[0])
        if len(hit) > 1:
            raise UnitMatchError(metro, list(zip(hit["metro_code"], hit["name_zh"], strict=True)))
    cands = areas[
        areas["name_zh"].str.contains(str(metro).strip(), regex=False)
        | areas["name_en"].str.lower().str.contains(str(metro).strip().lower(), regex=False)
    ]
    if cands.empty:
        cands = areas
    raise UnitMatchError(metro, list(zip(cands["metro_code"], cands["name_zh"], strict=True)),
                         ambiguous=False)


def members(metro: str, *, memberships: pd.DataFrame | None = None) -> list[str]:
    """Return the member codes of a metropolitan area.

    Parameters
    ----------
    metro
        A metro code (``"SH_1P8"``), a Chinese name (``"上海大都市圈"`` → the adopted version;
        ``"上海大都市圈 1+13"`` → the draft) or an English name.
    memberships
        Membership table to search (e.g. a project's, from its store); default: the
        bundled YRD memberships.

    Returns
    -------
    list of str
        Member codes in the order of the source (cities and/or county-level units).

    Raises
    ------
    tongcheng.UnitMatchError
        If ``metro`` names no metropolitan area or several; ``candidates`` lists
        ``(metro_code, name_zh)`` pairs.

    Examples
    --------
    >>> members("SFQ")
    ['310118', '320509', '330421']
    """
    m = _memberships() if memberships is None else memberships
    code = _find(metro, m)
    return m.loc[m["metro_code"] == code, "member_code"].astype(str).tolist()


def metro_outline(
    metro: str, *, level_boundaries: dict[str, geopandas.GeoDataFrame] | None = None,
    memberships: pd.DataFrame | None = None,
) -> BaseGeometry:
    """Return the union of the member boundaries of a metropolitan area.

    Parameters
    ----------
    metro
        As in :func:`members`.
    level_boundaries
        ``{"city": gdf, "county": gdf}`` boundaries indexed by code to use instead of the
        bundled ones (e.g. more detailed ones). Member cities are taken from the city level,
        member counties from the county level.
    memberships
        A project's memberships (``store.metro_memberships()``) instead of the bundled ones,
        as in :func:`members`; give the project's boundaries too
        (``tongcheng.units.unit_boundaries``).

    Returns
    -------
    shapely.geometry.base.BaseGeometry
        (Multi)polygon in the CRS of the boundaries (EPSG:4326 for the bundled ones).

    Raises
    ------
    tongcheng.UnitMatchError
        If ``metro`` cannot be matched, or a member has no boundary.
    """
    from .. import datasets

    codes = members(metro, memberships=memberships)
    lv = level_boundaries or {}
    city = lv["city"] if "city" in lv else datasets.boundaries("city")
    county = lv["county"] if "county" in lv else datasets.boundaries("county")
    geoms = []
    for c in codes:
        if c in city.index:
            geoms.append(city.geometry.loc[c])
        elif c in county.index:
            geoms.append(county.geometry.loc[c])
        else:
            raise UnitMatchError(c, [])
    return shapely.union_all(geoms)
