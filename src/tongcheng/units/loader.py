"""Load a region's own administrative units from a boundary or point file, and store them.

The Yangtze River Delta units ship with tongcheng; any other region brings its own: a GeoJSON,
GeoPackage or Shapefile of polygons (or points), or a CSV with ``lon``/``lat`` columns.
:func:`load_units` validates the file and returns the table :meth:`tongcheng.store.Store.put_units`
takes, with areas and centroids computed as for the bundled units (in an equal-area projection);
:func:`store_units` adds it to a store atomically, boundaries included (kept as WGS-84 WKB beside
the units). :func:`unit_boundaries` reads a store's boundaries back for maps and exports: the
stored ones, and the bundled YRD ones for bundled units that have none stored.

The store keys units by numeric codes of 6 to 12 digits: GB/T 2260 counties have 6, Chinese
townships (乡镇街道) 9, Brazil's IBGE municipalities 7 and Germany's AGS 8. Shorter codes are
accepted and zero-padded to 6 (Liechtenstein's municipality number 7001 becomes ``"007001"``);
other codes (longer than 12 digits, or not numeric) are reported, so that a region without
numeric codes numbers its units in a column first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._errors import Problem, ValidationError
from .._text import Text
from ..io.tables import read_table

if TYPE_CHECKING:
    import geopandas as gpd

    from ..store import Store

__all__ = ["UNIT_LEVELS", "load_units", "store_units", "unit_boundaries"]

UNIT_LEVELS: tuple[str, ...] = ("province", "city", "county")
_TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}
_LON_NAMES = ("lon", "lng", "longitude", "x")
_LAT_NAMES = ("lat", "latitude", "y")
_POLYGONAL = {"Polygon", "MultiPolygon"}
_COMPARED = ("name_zh", "name_en", "level", "parent_code")
_COORD_TOLERANCE = 1e-7  # degrees (about 1 cm): a re-import of the same file changes nothing

RowOf = Callable[[int], int]


def _text(value: Any) -> str:
    """Return a cell as stripped text; missing cells and NaN give ``""``; 7001.0 gives ``"7001"``."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        if float(value).is_integer():
            return str(int(value))
    return str(value).strip()


def _problem(file: str, row: int | None, column: str | None, value: str | None, expected: str | Text,
             fix: str | Text) -> Problem:
    return Problem(file=file, row=row, column=column, value=value, expected=expected, fix=fix)


def _summary(file: str, problems: list[Problem]) -> Text:
    n = len(problems)
    return Text(f"{file}: 发现 {n} 个问题,未写入任何数据",
                f"{file}: {n} problem(s) found; nothing was written")


def _read_table(path: Path, crs: str | None, problems: list[Problem], *,
                encoding: str | None, sheet: str | None) -> tuple[gpd.GeoDataFrame | None, RowOf]:
    """Read a point table (CSV or XLSX with lon/lat) with spreadsheet row numbers."""
    import geopandas as gpd

    raw = read_table(path, encoding=encoding, sheet=sheet)
    problems.extend(raw.notes)
    table = raw.frame
    lower = {c.lower(): c for c in table.columns}
    lon = next((lower[n] for n in _LON_NAMES if n in lower), None)
    lat = next((lower[n] for n in _LAT_NAMES if n in lower), None)
    for col, names in ((lon, _LON_NAMES), (lat, _LAT_NAMES)):
        if col is None:
            present = ", ".join(table.columns)
            problems.append(_problem(path.name, None, names[0], None,
                                     Text(f"名为 {' 或 '.join(names)} 的坐标列",
                                          f"a coordinate column named {' or '.join(names)}"),
                                     Text(f"增加该列;现有的列: {present}",
                                          f"add it; columns present: {present}")))
    if lon is None or lat is None:
        return None, raw.row_number
    x = pd.to_numeric(table[lon].str.replace(",", ".", regex=False), errors="coerce")
    y = pd.to_numeric(table[lat].str.replace(",", ".", regex=False), errors="coerce")
    for col, values in ((lon, x), (lat, y)):
        for pos in np.flatnonzero(values.isna().to_numpy()):
            problems.append(_problem(path.name, raw.row_number(int(pos)), col, table[col].iloc[pos],
                                     Text("一个数字(十进制度数)", "a number (decimal degrees)"),
                                     Text("填写坐标", "fill in the coordinate")))
    geometry = gpd.points_from_xy(x.fillna(0.0), y.fillna(0.0))  # bad cells are reported above
    return gpd.GeoDataFrame(table, geometry=geometry, crs=crs or "EPSG:4326"), raw.row_number


def _feature(pos: int) -> int:
    return pos + 1  # features of a geographic file are counted from 1


def _read(path: Path, layer: str | None, crs: str | None, problems: list[Problem], *,
          encoding: str | None = None, sheet: str | None = None,
          ) -> tuple[gpd.GeoDataFrame | None, RowOf]:
    """Return the file as a GeoDataFrame and the row (or feature) number people see of a position."""
    if path.is_dir() and path.suffix.lower() != ".gdb":
        problems.append(_problem(path.name, None, None, str(path),
                                 Text("一个文件(这是一个文件夹)", "a file (this is a folder)"),
                                 Text("给出文件夹中边界或点文件的路径",
                                      "give the path of the boundary or point file inside the folder")))
        return None, _feature
    if not path.exists():
        problems.append(_problem(path.name, None, None, str(path),
                                 Text("一个存在的文件",
                                      "an existing file"), Text("检查路径", "check the path")))
        return None, _feature
    if path.suffix.lower() in _TABLE_SUFFIXES:
        return _read_table(path, crs, problems, encoding=encoding, sheet=sheet)
    return _read_geo(path, layer, crs, problems)


def _read_geo(path: Path, layer: str | None, crs: str | None,
              problems: list[Problem]) -> tuple[gpd.GeoDataFrame | None, RowOf]:
    """Read a GeoJSON, GeoPackage or Shapefile; its features are counted from 1."""
    import geopandas as gpd

    if path.is_file() and path.stat().st_size == 0:
        problems.append(_problem(path.name, None, None, None,
                                 Text("一个有内容的边界文件", "a boundary file with features"),
                                 Text("文件是空的 (0 字节),请重新导出",
                                      "the file is empty (0 bytes); export it again")))
        return None, _feature
    try:
        frame = gpd.read_file(path, layer=layer)
    except Exception as exc:  # pyogrio raises several kinds for unreadable files
        problems.append(_problem(path.name, None, None, (str(exc).splitlines() or [""])[0][:200],
                                 Text("一个可读的 GeoJSON、GeoPackage 或 Shapefile(或含 lon、lat 列的 CSV)",
                                      "a readable GeoJSON, GeoPackage or Shapefile (or a CSV with lon, lat)"),
                                 Text("检查文件;GeoPackage 请用 --layer 指定图层",
                                      "check the file, and --layer for a GeoPackage")))
        return None, _feature
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        problems.append(_problem(path.name, None, "geometry", None,
                                 Text("带几何图形(多边形或点)的要素",
                                      "features with geometries (polygons or points)"),
                                 Text("该文件没有几何图形;点位表请用含 lon、lat 列的 CSV",
                                      "the file has no geometries; give points as a CSV with lon, "
                                      "lat columns")))
        return None, _feature
    if frame.crs is None:
        if crs is None:
            problems.append(_problem(path.name, None, "geometry", None,
                                     Text("文件中或给定的坐标参考系 (CRS)",
                                          "a coordinate reference system (CRS) in the file or given"),
                                     Text("用 --crs EPSG:… 给出坐标系,或保存文件时带上坐标系",
                                          "pass crs='EPSG:…' (--crs), or save the file with its CRS")))
            return None, _feature
        frame = frame.set_crs(crs)
    elif crs is not None and not frame.crs.equals(crs):
        problems.append(_problem(path.name, None, "geometry", str(frame.crs.to_string()),
                                 Text(f"给定的坐标系 ({crs})", f"the CRS given ({crs})"),
                                 Text("去掉 --crs:文件自带坐标系",
                                      "drop crs= (--crs): the file has its own")))
    return frame, _feature


def _check_columns(frame: pd.DataFrame, columns: dict[str, str | None], file: str,
                   problems: list[Problem]) -> bool:
    present = ", ".join(str(c) for c in frame.columns if c != frame.geometry.name)
    ok = True
    for option, column in columns.items():
        if column is not None and column not in frame.columns:
            flag = "--" + option.replace("_", "-")
            problems.append(_problem(file, None, column, None,
                                     Text(f"一个名为 {column!r} 的列 ({flag})",
                                          f"a column {column!r} ({option})"),
                                     Text(f"从以下列中选择: {present}", f"choose one of: {present}")))
            ok = False
    return ok


#: Longest unit code the store keeps (digits); shorter codes are zero-padded to six.
MAX_CODE_DIGITS = 12
_CODE_EXPECTED = Text(f"最多 {MAX_CODE_DIGITS} 位的数字代码(不足 6 位的在前面补 0 至 6 位)",
                      f"a numeric code of at most {MAX_CODE_DIGITS} digits (codes shorter than 6 "
                      "digits are zero-padded to 6)")


def _unit_code(raw: str) -> str | None:
    """Return ``raw`` as a stored unit code, or ``None`` if it cannot be one.

    >>> _unit_code("7001"), _unit_code("310101002"), _unit_code("4314902")
    ('007001', '310101002', '4314902')
    >>> _unit_code("1234567890123") is None, _unit_code("A01") is None
    (True, True)
    """
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_CODE_DIGITS:
        return raw.zfill(6)
    return None


def _codes(values: pd.Series, column: str, file: str, row_of: RowOf,
           problems: list[Problem]) -> list[str]:
    codes = [_text(v) for v in values]
    first: dict[str, int] = {}
    for pos, raw in enumerate(codes):
        row = row_of(pos)
        if not raw:
            problems.append(_problem(file, row, column, None, Text("一个单元代码", "a unit code"),
                                     Text("填写代码", "fill in the code")))
        elif (code := _unit_code(raw)) is None:
            problems.append(_problem(file, row, column, raw, _CODE_EXPECTED,
                                     Text("增加一列数字代码(如国家统计代码或流水号),并用它作代码列",
                                          "add a column of numeric codes, e.g. the national statistical "
                                          "code or a running number, and use it as the code column")))
        else:
            codes[pos] = code
            if code in first:
                problems.append(_problem(file, row, column, code,
                                         Text(f"只用一次的代码(第 {first[code]} 行也用了它)",
                                              f"a code used once (it is also in row {first[code]})"),
                                         Text("每个单元用自己的代码;合并或删去重复的行",
                                              "give every unit its own code; merge or drop repeated rows")))
            else:
                first[code] = row
    return codes


def _parent_problems(codes: list[str], parents: list[str], column: str, file: str,
                     row_of: RowOf) -> list[Problem]:
    """Report a unit that is its own parent, or parents that lead back to a unit (a cycle).

    Parents may come later in the file than their children.
    """
    problems = []
    parent_of = {c: p for c, p in zip(codes, parents, strict=True) if c and p}
    for pos, (code, parent) in enumerate(zip(codes, parents, strict=True)):
        if not parent or not code:
            continue
        if parent == code:
            problems.append(_problem(file, row_of(pos), column, parent,
                                     Text("上级单元的代码(不能是本单元自己的代码)",
                                          "the code of the parent unit (not the unit's own code)"),
                                     Text("填写上一级单元的代码,没有上级则留空",
                                          "give the code of the unit one level up, or leave the cell empty")))
            continue
        seen, step = [code], parent
        while step in parent_of and step not in seen:
            seen.append(step)
            step = parent_of[step]
        if step == code:
            chain = " → ".join([*seen, code])
            problems.append(_problem(file, row_of(pos), column, parent,
                                     Text(f"不成环的上级关系(此处成环: {chain})",
                                          f"parents that do not lead back to the unit (a cycle: {chain})"),
                                     Text("改正环中某个单元的上级代码",
                                          "correct the parent code of one unit in the cycle")))
    return problems


def _geometries(frame: gpd.GeoDataFrame, file: str, row_of: RowOf,
                problems: list[Problem]) -> tuple[gpd.GeoSeries, bool]:
    """Return the repaired geometries and whether they are polygons (else points)."""
    import shapely

    geo = frame.geometry.copy()
    kinds = geo.geom_type.fillna("").to_numpy()
    empty = (geo.isna() | geo.is_empty).to_numpy()
    polygonal = bool(np.isin(kinds, list(_POLYGONAL)).any())
    wanted = _POLYGONAL if polygonal else {"Point"}
    expected = (Text("多边形 (Polygon/MultiPolygon)(同一文件中的单元须为同一种几何)",
                     "a Polygon or MultiPolygon (all units of a file are of one kind)") if polygonal
                else Text("点 (Point)(同一文件中的单元须为同一种几何)",
                          "a Point (all units of a file are of one kind)"))
    for pos in np.flatnonzero(empty | ~np.isin(kinds, list(wanted))):
        problems.append(_problem(file, row_of(int(pos)), "geometry",
                                 "empty" if empty[pos] else str(kinds[pos]), expected,
                                 Text("修正或删去该要素", "fix or drop the feature")))
    if polygonal:
        invalid = np.flatnonzero(~empty & ~geo.is_valid.to_numpy())
        for pos in invalid:
            fixed = shapely.make_valid(geo.iloc[pos])
            parts = [p for p in getattr(fixed, "geoms", [fixed]) if p.geom_type in _POLYGONAL]
            if not parts:
                problems.append(_problem(file, row_of(int(pos)), "geometry",
                                         shapely.is_valid_reason(geo.iloc[pos]),
                                         Text("一个有效的多边形(无法自动修复)",
                                              "a valid polygon (it could not be repaired)"),
                                         Text("在 GIS 软件中修复该多边形后重新导出",
                                              "repair the polygon in a GIS and export again")))
            else:
                geo.iloc[pos] = shapely.union_all(parts)
    return geo, polygonal


def _equal_area_crs(lon: np.ndarray, lat: np.ndarray) -> str:
    """Lambert azimuthal equal-area projection centred on the middle of the points' extent."""
    lon0 = (float(np.nanmin(lon)) + float(np.nanmax(lon))) / 2
    lat0 = (float(np.nanmin(lat)) + float(np.nanmax(lat))) / 2
    return f"+proj=laea +lat_0={lat0:.6f} +lon_0={lon0:.6f} +ellps=WGS84 +units=m +no_defs"


def load_units(  # noqa: PLR0913 - keyword-only options of one file format
    path: str | PathLike[str],
    *,
    code_column: str,
    name_column: str,
    name_en_column: str | None = None,
    level: str,
    parent_column: str | None = None,
    layer: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> gpd.GeoDataFrame:
    r"""Read and validate a region's units from a boundary file or a point table.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage or Shapefile of (Multi)Polygons or Points in any declared CRS, or a
        CSV/TSV/XLSX table with ``lon``/``lat`` (or ``lng``/``longitude``/``x``,
        ``latitude``/``y``) columns in WGS-84 (or ``crs``), read as
        :func:`tongcheng.io.tables.read_table` reads statistics (separator detected, rows
        numbered as in a spreadsheet, broken or mis-encoded files refused with a message).
    code_column
        Column of unit codes: up to 12 digits, unique; codes shorter than 6 digits are
        zero-padded to 6.
    name_column
        Column of unit names (stored as ``name_zh``, the name shown first).
    name_en_column
        Column of English (or romanised) names, stored as ``name_en``.
    level
        Level of every unit in the file: ``"province"``, ``"city"`` or ``"county"``.
    parent_column
        Column of the parent unit's code (the unit one level up); empty cells mean none.
    layer
        Layer of a GeoPackage (default: the first).
    crs
        CRS of the coordinates when the file declares none (e.g. ``"EPSG:2056"``).
    encoding, sheet
        Text encoding of a CSV that is not UTF-8 (e.g. ``"gbk"``) and sheet of a workbook
        (default: the first visible one), as for :func:`~tongcheng.io.tables.read_table`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per unit in file order: ``code`` (6 characters), ``name_zh``, ``name_en``,
        ``level``, ``parent_code``, ``lon``, ``lat`` (WGS-84), ``area_km2``, ``row`` (the row
        or feature number in the file) and the WGS-84 ``geometry``. For polygons ``lon``/``lat``
        is the centroid and ``area_km2`` the area, both computed in a Lambert azimuthal
        equal-area projection centred on the file's extent (the bundled YRD units use an Albers
        equal-area projection for China the same way); for points ``lon``/``lat`` is the point
        and ``area_km2`` is empty. Invalid polygons are repaired with ``make_valid``. The frame
        is what :meth:`~tongcheng.store.Store.put_units` accepts (extra columns are ignored).
        Warnings (e.g. a title line above a table's header) are in ``attrs["warnings"]``.
        A parent may come later in the file than its children.

    Raises
    ------
    ValidationError
        Listing every problem, each with file, row (header = row 1 for tables; feature number
        for geographic files) and column: missing file or columns, no CRS, empty, malformed or
        repeated codes, empty names, a unit that is its own parent (or a cycle of parents),
        empty, unrepairable or mixed geometries, coordinates
        outside WGS-84 ranges (a wrong CRS).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> csv = pathlib.Path(tempfile.mkdtemp()) / "units.csv"
    >>> _ = csv.write_text("id,name,lon,lat\n1,Vaduz,9.52,47.14\n1,Schaan,9.51,47.17\n")
    >>> try:
    ...     load_units(csv, code_column="id", name_column="name", level="county")
    ... except ValidationError as err:
    ...     print(err.problems[0].location(), err.problems[0].value, err.problems[0].expected)
    units.csv row 3 column 'id' 000001 a code used once (it is also in row 2)
    """
    path = Path(path)
    problems: list[Problem] = []
    file = path.name
    if level not in UNIT_LEVELS:
        listed = ", ".join(UNIT_LEVELS)
        problems.append(_problem(file, None, None, level, Text(f"一个层级: {listed}", f"a level: {listed}"),
                                 Text("选择文件中单元的层级", "choose the level of the units in the file")))
    frame, row_of = _read(path, layer, crs, problems, encoding=encoding, sheet=sheet)
    columns = {"code_column": code_column, "name_column": name_column,
               "name_en_column": name_en_column, "parent_column": parent_column}
    if frame is None or not _check_columns(frame, columns, file, problems):
        raise ValidationError(problems, summary=_summary(file, _errors(problems)))
    codes = _codes(frame[code_column], code_column, file, row_of, problems)
    names = [_text(v) for v in frame[name_column]]
    for pos in (i for i, n in enumerate(names) if not n):
        problems.append(_problem(file, row_of(pos), name_column, None, Text("一个单元名称", "a unit name"),
                                 Text("填写名称", "fill in the name")))
    parents = [""] * len(frame)
    if parent_column is not None:
        parents = [_text(v) for v in frame[parent_column]]
        for pos, parent in enumerate(parents):
            code = _unit_code(parent) if parent else ""
            if code is None:
                problems.append(_problem(file, row_of(pos), parent_column, parent,
                                         _CODE_EXPECTED + Text(",或空单元格", ", or an empty cell"),
                                         Text("按上级单元自己的代码列填写其代码",
                                              "give the parent's code as in its own code column")))
            parents[pos] = code or ""
        problems.extend(_parent_problems(codes, parents, parent_column, file, row_of))
    geo, polygonal = _geometries(frame, file, row_of, problems)
    if _errors(problems):
        raise ValidationError(problems, summary=_summary(file, _errors(problems)))
    wgs = geo.to_crs("EPSG:4326")
    bounds = wgs.bounds
    wrong = ((bounds["minx"] < -180) | (bounds["maxx"] > 180) | (bounds["miny"] < -90)
             | (bounds["maxy"] > 90)).to_numpy()
    for where in np.flatnonzero(wrong):
        problems.append(_problem(file, row_of(int(where)), "geometry", f"{wgs.iloc[where].bounds}",
                                 Text("经度 ±180°、纬度 ±90° 以内的 WGS-84 坐标",
                                      "WGS-84 coordinates within ±180° longitude and ±90° latitude"),
                                 Text("给出文件真实的坐标系(如 Web 墨卡托用 --crs EPSG:3857)",
                                      "declare the file's real CRS (e.g. --crs EPSG:3857 for web-Mercator)")))
    if _errors(problems):
        raise ValidationError(problems, summary=_summary(file, _errors(problems)))
    if polygonal:
        b = wgs.total_bounds
        equal_area = wgs.to_crs(_equal_area_crs(b[[0, 2]], b[[1, 3]]))
        area = equal_area.area.to_numpy() / 1e6
        centre = equal_area.centroid.to_crs("EPSG:4326")
    else:
        area = np.full(len(wgs), np.nan)
        centre = wgs
    import geopandas as gpd

    name_en = ([_text(v) or None for v in frame[name_en_column]] if name_en_column is not None
               else [None] * len(frame))
    out = gpd.GeoDataFrame(
        {
            "code": codes,
            "name_zh": names,
            "name_en": name_en,
            "level": level,
            "parent_code": [p or None for p in parents],
            "lon": centre.x.to_numpy(np.float64),
            "lat": centre.y.to_numpy(np.float64),
            "area_km2": area,
            "row": [row_of(pos) for pos in range(len(frame))],
        },
        geometry=wgs.to_numpy(),
        crs="EPSG:4326",
    )
    out.attrs["columns"] = {"code": code_column, "parent_code": parent_column or "parent_code"}
    out.attrs["warnings"] = [p for p in problems if p.severity == "warning"]
    return out


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _same(new: pd.Series, old: pd.Series) -> bool:
    for col in _COMPARED:
        a, b = new[col], old[col]
        if (a if isinstance(a, str) and a else None) != (b if isinstance(b, str) and b else None):
            return False
    for col in ("lon", "lat", "area_km2"):
        a, b = float(new[col]), float(old[col])
        if not (math.isclose(a, b, abs_tol=_COORD_TOLERANCE) or (math.isnan(a) and math.isnan(b))):
            return False
    return True


def store_units(store: Store, units: pd.DataFrame, *, file: str = "") -> int:
    """Add units from :func:`load_units` to a store, all or nothing, with their boundaries.

    Units already stored with the same code, names, level, parent, centroid and area are
    skipped, so importing the same file again writes nothing; a unit stored without a
    boundary (e.g. imported before boundaries were kept) is written again with it. The
    polygons of a boundary file are stored exactly as loaded (WGS-84); point units have none.

    Parameters
    ----------
    store
        An open store.
    units
        The frame returned by :func:`load_units`.
    file
        File name used in problems.

    Returns
    -------
    int
        Number of units written (0 when every unit was already stored as given).

    Raises
    ------
    ValidationError
        Nothing is written when any row's code is stored for a different unit (name, level,
        parent, centroid or area differ) or names a parent that is neither in the file nor
        stored; each such row is listed.
    """
    import geopandas as gpd

    stored = store.units()
    with_boundary = set(store.boundaries(codes=list(units["code"])).index)
    polygonal = (units.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
                 if isinstance(units, gpd.GeoDataFrame) else np.zeros(len(units), dtype=bool))
    problems: list[Problem] = []
    names = {"code": "code", "parent_code": "parent_code", **units.attrs.get("columns", {})}
    rows = units["row"] if "row" in units.columns else pd.Series(range(2, len(units) + 2))
    codes = set(units["code"])
    new = np.ones(len(units), dtype=bool)
    for pos, (code, row) in enumerate(zip(units["code"], rows, strict=True)):
        record = units.iloc[pos]
        if code in stored.index:
            old = stored.loc[code]
            if _same(record, old):
                new[pos] = bool(polygonal[pos]) and code not in with_boundary
            else:
                stored_as = f"{old['name_zh']}, {old['level']}, {old['lon']:.5f}, {old['lat']:.5f}"
                problems.append(_problem(
                    file, int(row), names["code"], code,
                    Text(f"一个未被其他单元占用的代码(已存: {stored_as})",
                         f"a code not already used by another unit (stored: {old['name_zh']}, "
                         f"{old['level']}, centroid {old['lon']:.5f}, {old['lat']:.5f})"),
                    Text("给该单元一个自己的代码,或导入到没有该单元的项目中",
                         "give this unit a code of its own, or import into a project without it")))
        parent = record["parent_code"]
        if isinstance(parent, str) and parent and parent not in codes and parent not in stored.index:
            problems.append(_problem(file, int(row), names["parent_code"], parent,
                                     Text("同一文件中或已存单元的代码",
                                          "the code of a unit in the same file or already stored"),
                                     Text("先导入上级单元,或改正上级代码",
                                          "import the parent units first, or fix the parent code")))
    if problems:
        raise ValidationError(problems, summary=_summary(file or "units", problems))
    if not new.any():
        return 0
    return store.put_units(units.loc[new].drop(columns=["row"], errors="ignore"))


def unit_boundaries(store: Store, *, level: str | None = None) -> gpd.GeoDataFrame:
    """Return the boundaries of a store's units, for maps and exports.

    A unit's stored boundary (from :func:`store_units` or
    :meth:`~tongcheng.store.Store.put_boundaries`) is used when there is one. A unit without
    one that is a bundled Yangtze River Delta unit (same code and name as in
    :func:`tongcheng.datasets.units`) gets its bundled boundary: the YRD default keeps reading
    the files that ship with tongcheng, and an imported unit that happens to reuse a YRD code
    never gets a YRD polygon.

    Parameters
    ----------
    store
        An open store.
    level
        Only units of this level (``"province"``, ``"city"`` or ``"county"``).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ``code`` (str), sorted; columns ``name_zh``, ``name_en``, ``level``,
        ``bundled`` (``True`` where the boundary is the bundled one) and ``geometry`` in
        EPSG:4326. Units with neither a stored nor a bundled boundary (point units) are absent.

    Examples
    --------
    >>> from tongcheng.store import Store
    >>> from tongcheng import datasets
    >>> with Store.open("sqlite://") as store:
    ...     _ = store.put_units(datasets.units().loc[["310000", "310100"]])
    ...     unit_boundaries(store, level="city").index.tolist()
    ['310100']
    """
    import geopandas as gpd

    from .. import datasets

    units = store.units(level=level)
    stored = store.boundaries(level=level)
    rest = units.loc[~units.index.isin(stored.index)]
    parts = [stored.assign(bundled=False)]
    if len(rest):
        bundled = datasets.units()
        same = rest.index.isin(bundled.index)
        same[same] = (bundled.loc[rest.index[same], "name_zh"].to_numpy()
                      == rest.loc[same, "name_zh"].to_numpy())
        for lv, group in rest.loc[same].groupby("level"):
            shapes = datasets.boundaries(str(lv))
            shapes = shapes.loc[shapes.index.isin(group.index), ["geometry"]]
            own = group.loc[shapes.index, ["name_zh", "name_en", "level"]].assign(bundled=True)
            parts.append(gpd.GeoDataFrame(own.join(shapes), geometry="geometry", crs="EPSG:4326"))
    frame = pd.concat(parts) if len(parts) > 1 else parts[0]
    columns = ["name_zh", "name_en", "level", "bundled", "geometry"]
    frame = gpd.GeoDataFrame(frame[columns], geometry="geometry", crs="EPSG:4326").sort_index()
    frame.index.name = "code"
    return frame
