"""Administrative boundaries from an OpenStreetMap ``.osm.pbf`` extract.

OSM maps administrative units as ``boundary=administrative`` relations (or closed ways) tagged
with an ``admin_level`` (2 = country; the meaning of 4–10 varies by country, see the OSM wiki
page *Tag:boundary=administrative*). pyosmium assembles their outer and inner rings into
(multi)polygons; only areas whose every member is in the extract come out complete, so a
unit cut by the edge of the extract is missing rather than wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import pandas as pd

from .._errors import DataError

__all__ = ["boundaries_from_pbf"]


def boundaries_from_pbf(
    path: str | PathLike[str],
    *,
    admin_level: int | str,
    tags: Sequence[str] = ("name",),
) -> pd.DataFrame:
    """Return the administrative areas of one ``admin_level`` of an OSM extract.

    Parameters
    ----------
    path
        An ``.osm.pbf`` (or ``.osm``) file.
    admin_level
        OSM ``admin_level`` to keep, e.g. ``8`` for the municipalities of Liechtenstein or
        ``7`` for the parishes of Andorra.
    tags
        OSM tags copied into columns of the same name (missing tags give ``None``). Areas
        without a ``name`` tag are skipped.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area, sorted by ``osm_id``: ``osm_id`` (``r123`` for relations, ``w123``
        for closed ways), ``admin_level``, the requested ``tags`` and a WGS-84 (Multi)Polygon
        ``geometry``. Write it with ``to_file`` and load it with
        :func:`tongcheng.units.load_units`.

    Raises
    ------
    DataError
        If the file does not exist or holds no named area at that level.

    Examples
    --------
    >>> from tongcheng.units import boundaries_from_pbf
    >>> boundaries_from_pbf("missing.osm.pbf", admin_level=8)
    Traceback (most recent call last):
    ...
    tongcheng._errors.DataError: missing.osm.pbf: file not found; give the path of an .osm.pbf extract
    """
    import geopandas as gpd
    import osmium
    import shapely

    path = Path(path)
    if not path.is_file():
        msg = f"{path.name}: file not found; give the path of an .osm.pbf extract"
        raise DataError(msg)
    level = str(admin_level)
    wkb = osmium.geom.WKBFactory()
    rows: list[dict[str, object]] = []
    processor = (osmium.FileProcessor(str(path)).with_areas()
                 .with_filter(osmium.filter.KeyFilter("boundary")))
    for obj in processor:
        if not isinstance(obj, osmium.osm.Area):
            continue
        t = obj.tags
        if t.get("boundary") != "administrative" or t.get("admin_level") != level or "name" not in t:
            continue
        prefix = "w" if obj.from_way() else "r"
        row: dict[str, object] = {"osm_id": f"{prefix}{obj.orig_id()}", "admin_level": level}
        row.update({tag: t.get(tag) for tag in tags})
        row["geometry"] = shapely.from_wkb(wkb.create_multipolygon(obj))
        rows.append(row)
    if not rows:
        msg = (f"{path.name}: no named boundary=administrative area with admin_level={level}; "
               "check the level (OSM wiki: Tag:boundary=administrative) or use a larger extract")
        raise DataError(msg)
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    return frame.sort_values("osm_id", key=lambda s: s.str[1:].astype("int64")).reset_index(drop=True)
