"""Unit boundaries: WGS-84 (Multi)Polygons kept as well-known binary (WKB) beside the units.

Geometries are written and read with shapely's vectorised WKB functions; nothing here needs a
spatial database, so the same code runs on SQLite and PostgreSQL (``BLOB`` / ``bytea``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from .._errors import StoreError
from ._frames import as_text, raise_problems
from .models import LEVELS, Unit, UnitBoundary

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["BOUNDARY_CRS", "boundary_rows", "read_boundaries", "write_boundaries"]

BOUNDARY_CRS = "EPSG:4326"
"""CRS of every stored boundary: WGS-84 longitude/latitude in degrees."""
_POLYGONAL = ("Polygon", "MultiPolygon")
_CHUNK = 200  # boundaries per statement: polygons can be large


def _wgs84(frame: pd.DataFrame, what: str) -> np.ndarray:
    """Return the geometry column as an array of shapely geometries in WGS-84."""
    crs = getattr(frame, "crs", None)
    geometry = frame.geometry if hasattr(frame, "geometry") else frame["geometry"]
    if crs is not None:
        from pyproj import CRS

        if not CRS.from_user_input(crs).equals(CRS.from_user_input(BOUNDARY_CRS)):
            geometry = geometry.to_crs(BOUNDARY_CRS)
    values = np.asarray(getattr(geometry, "values", geometry), dtype=object)
    if values.ndim != 1:  # pragma: no cover - a column is one-dimensional
        msg = f"{what}: the geometry column must hold one geometry per row"
        raise StoreError(msg)
    return values


def boundary_rows(frame: pd.DataFrame, *, what: str, points: str = "skip") -> list[dict[str, Any]]:
    """Validate the polygons of ``frame`` and return ``{"code", "wkb"}`` rows to store.

    Parameters
    ----------
    frame
        A GeoDataFrame (any CRS; converted to WGS-84) or a frame whose ``geometry`` column holds
        shapely geometries in WGS-84, with the codes in ``code`` or the index named ``code``.
    what
        Operation named in problems.
    points
        What to do with rows that are not polygons (points, missing geometries): ``"skip"``
        them (a unit imported as a point has no boundary), or ``"refuse"`` them.

    Returns
    -------
    list of dict
        One row per polygonal geometry, keyed by the 6-character code.

    Raises
    ------
    StoreError
        Listing every problem: empty, invalid or non-polygonal geometries (with
        ``points="refuse"``), coordinates outside WGS-84 ranges, repeated codes.
    """
    import shapely

    if "geometry" not in frame.columns:
        return []
    if "code" not in frame.columns and frame.index.name == "code":
        frame = frame.reset_index()
    geoms = _wgs84(frame, what)
    codes = as_text(frame["code"]).to_numpy(dtype=object)
    kinds = np.array([g.geom_type if isinstance(g, shapely.Geometry) else "" for g in geoms])
    polygonal = np.isin(kinds, _POLYGONAL)
    problems: list[str] = []
    if points == "refuse" and not polygonal.all():
        bad = ", ".join(f"{c} ({k or 'missing'})" for c, k in
                        zip(codes[~polygonal][:5], kinds[~polygonal][:5], strict=True))
        problems.append(f"unit(s) {bad} have no polygon; a boundary must be a Polygon or "
                        "MultiPolygon")
    codes, geoms = codes[polygonal], geoms[polygonal]
    empty = shapely.is_empty(geoms)
    invalid = ~empty & ~shapely.is_valid(geoms)
    for mask, what_is in ((empty, "empty"), (invalid, "invalid (repair with shapely.make_valid)")):
        if mask.any():
            problems.append(f"the boundary of unit(s) {', '.join(codes[mask][:5])} is {what_is}")
    if len(geoms):
        bounds = shapely.bounds(geoms)
        wrong = ((bounds[:, 0] < -180) | (bounds[:, 2] > 180) | (bounds[:, 1] < -90)
                 | (bounds[:, 3] > 90))
        if wrong.any():
            problems.append(f"the boundary of unit(s) {', '.join(codes[wrong][:5])} lies outside "
                            "±180° longitude / ±90° latitude; give a GeoDataFrame with its CRS "
                            "so that it is converted to WGS-84")
    dups = pd.Index(codes)[pd.Index(codes).duplicated()].unique()
    if len(dups):
        problems.append(f"unit(s) {', '.join(dups[:5])} have more than one boundary; dissolve "
                        "them into one MultiPolygon first")
    raise_problems(problems, what=what)
    blobs = shapely.to_wkb(geoms, byte_order=1, include_srid=False)
    return [{"code": str(c), "wkb": bytes(b)} for c, b in zip(codes, blobs, strict=True)]


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def write_boundaries(conn: Connection, rows: list[dict[str, Any]], *, what: str) -> int:
    """Upsert boundary rows from :func:`boundary_rows` of stored units; return rows written."""
    from ._reference import _upsert, known

    if not rows:
        return 0
    codes = [r["code"] for r in rows]
    missing = sorted(set(codes) - known(conn, Unit.code, codes))
    if missing:
        raise_problems([f"code(s) {', '.join(missing[:10])} are not stored units; store the "
                        "units (put_units) before their boundaries"], what=what)
    for part in _chunks(rows, _CHUNK):
        _upsert(conn, UnitBoundary.__table__, list(part), ("code",))  # type: ignore[arg-type]
    return len(rows)


def read_boundaries(conn: Connection, *, level: str | None = None,
                    codes: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Return stored boundaries joined to their units (see :meth:`Store.boundaries`)."""
    import geopandas as gpd
    import shapely

    if level is not None and level not in LEVELS:
        msg = f"level={level!r} is not a unit level; use one of {', '.join(LEVELS)} or None."
        raise StoreError(msg)
    query = (select(Unit.code, Unit.name_zh, Unit.name_en, Unit.level, UnitBoundary.wkb)
             .join(UnitBoundary, UnitBoundary.code == Unit.code).order_by(Unit.code))
    if level is not None:
        query = query.where(Unit.level == level)
    wanted = None if codes is None else sorted({str(c) for c in codes})
    if wanted is not None and len(wanted) <= 5000:
        query = query.where(Unit.code.in_(wanted))
    rows = conn.execute(query).all()
    if wanted is not None and len(wanted) > 5000:
        keep = set(wanted)
        rows = [r for r in rows if r[0] in keep]
    blobs = np.array([bytes(r[4]) for r in rows], dtype=object)
    frame = pd.DataFrame({"code": pd.Series([r[0] for r in rows], dtype="str"),
                          "name_zh": pd.Series([r[1] for r in rows], dtype="str"),
                          "name_en": pd.Series([r[2] for r in rows], dtype="str"),
                          "level": pd.Series([r[3] for r in rows], dtype="str")})
    geometry = shapely.from_wkb(blobs) if len(blobs) else np.array([], dtype=object)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=BOUNDARY_CRS),
                            crs=BOUNDARY_CRS).set_index("code")
