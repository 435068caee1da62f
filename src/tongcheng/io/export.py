"""Export a project's data as open data: CSV, GeoPackage or Parquet.

Everything the store holds is written: every observation (raw and computed, every vintage, with
period, vintage, source, import id and whether it is the value in force), the indicator catalogue
(with direction and plausible range), units, boundaries, metropolitan memberships, imports,
index runs and index scores, and one wide table per subject kind (the values in force, one row
per subject and period, one column per indicator).

Files are written to a temporary folder first and moved into place at the end, so a failed export
(a full disk) leaves the previous one whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from .._errors import DataError
from .._text import Text

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["CATALOGUE_COLUMNS", "EXPORT_FORMATS", "EXPORT_TABLES", "export_project", "export_tables",
           "project_tables"]

EXPORT_FORMATS = ("csv", "gpkg", "parquet")
EXPORT_TABLES = ("observations", "indicators", "units", "boundaries", "cities", "metros", "imports",
                 "index_runs", "index_scores", "wide_unit", "wide_pair", "wide_metro")
"""Tables an export writes (``boundaries`` and ``cities`` carry geometry)."""
CATALOGUE_COLUMNS = ("code", "name_zh", "name_en", "unit", "subject_kind", "kind", "direction",
                     "min_value", "max_value", "max_jump", "description_zh", "description_en", "source")
"""Columns of the exported indicator catalogue (direction +1/−1/empty; range and jump empty = open)."""
INDEX_SOURCE = "tongcheng composite index"
"""``source`` of the observations an index run stores (:mod:`tongcheng.project.index`)."""
_WIDE_KEYS = {"unit": ["unit_code"], "pair": ["subject_key", "unit_code", "partner_code"],
              "metro": ["metro_code"]}


def project_tables(store: Store) -> dict[str, pd.DataFrame]:
    """Read every table an export writes from a store.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed by :data:`EXPORT_TABLES`; ``boundaries`` (every unit with one) and ``cities``
        (city boundaries, else all, with the latest value of each unit indicator) are
        GeoDataFrames in EPSG:4326.
    """
    from ..units.loader import unit_boundaries

    every = store.observations(latest_vintage=False)
    current = store.observations(latest_vintage=True)
    observations = every.assign(current=every["id"].isin(current["id"]))
    catalogue = store.indicators().reindex(columns=list(CATALOGUE_COLUMNS))
    units = store.units().rename_axis("code").reset_index()
    boundaries = unit_boundaries(store)
    city = boundaries["level"] == "city"
    shapes = boundaries[city] if city.any() else boundaries
    unit_rows = current[current["subject_kind"] == "unit"]
    latest = (unit_rows.sort_values("period").groupby(["unit_code", "indicator"])["value"].last()
              .unstack())
    cities = shapes[["name_zh", "name_en", "geometry"]].join(latest, how="left")
    tables = {"observations": observations, "indicators": catalogue, "units": units,
              "boundaries": boundaries.rename_axis("code").reset_index(),
              "cities": cities.rename_axis("code").reset_index(), "metros": store.metro_memberships(),
              "imports": store.imports(), "index_runs": store.index_runs(),
              "index_scores": current[current["source"] == INDEX_SOURCE].drop(columns=["id"])}
    for kind, keys in _WIDE_KEYS.items():
        tables[f"wide_{kind}"] = _wide(current[current["subject_kind"] == kind], keys)
    names = units.set_index("code")
    for i, col in enumerate(("name_zh", "name_en", "level"), start=1):
        tables["wide_unit"].insert(i, col, tables["wide_unit"]["unit_code"].map(names[col]))
    return tables


def _wide(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return one row per subject and period, one column per indicator (the values in force)."""
    if rows.empty:
        return pd.DataFrame(columns=[*keys, "period"])
    wide = rows.pivot_table(index=[*keys, "period"], columns="indicator", values="value", aggfunc="first",
                            dropna=False, observed=True).dropna(how="all")
    wide.columns.name = None
    return wide.reset_index()


def export_tables(out_dir: Path, tables: Mapping[str, pd.DataFrame], *, fmt: str = "csv") -> list[Path]:
    """Write tables as CSV files, one GeoPackage, or Parquet files.

    Parameters
    ----------
    out_dir
        Folder to write into (created if needed).
    tables
        Table name → table (e.g. :func:`project_tables`); GeoDataFrames keep their geometry.
    fmt
        ``"csv"`` (UTF-8 with BOM so that Excel shows Chinese correctly; geometry as WKT),
        ``"gpkg"`` (one GeoPackage ``tongcheng.gpkg``, one layer per table) or ``"parquet"``
        (GeoParquet for the tables with geometry).

    Returns
    -------
    list of pathlib.Path
        The written files.

    Raises
    ------
    DataError
        For an unknown format.
    """
    if fmt not in EXPORT_FORMATS:
        raise DataError(Text(f"格式 {fmt!r} 不可用; 可选: {', '.join(EXPORT_FORMATS)}",
                             f"format is {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}"))
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=out_dir) as tmp:
        staged = _write(Path(tmp), tables, fmt)
        paths = []
        for path in staged:
            os.replace(path, out_dir / path.name)
            paths.append(out_dir / path.name)
    return paths


def _write(folder: Path, tables: Mapping[str, pd.DataFrame], fmt: str) -> list[Path]:
    if fmt == "gpkg":
        import pyogrio

        path = folder / "tongcheng.gpkg"
        for name, table in tables.items():
            if isinstance(table, gpd.GeoDataFrame):
                table.to_file(path, layer=name, driver="GPKG", promote_to_multi=True)
            else:
                pyogrio.write_dataframe(_plain(table), path, layer=name, driver="GPKG")
        return [path]
    paths = []
    for name, table in tables.items():
        path = folder / f"{name}.{fmt}"
        if fmt == "parquet":
            table.to_parquet(path, index=False)
        elif isinstance(table, gpd.GeoDataFrame):
            wkt = table.geometry.to_wkt()
            pd.DataFrame(table.drop(columns=table.geometry.name)).assign(geometry=wkt).to_csv(
                path, index=False, encoding="utf-8-sig")
        else:
            table.to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """Return a table GDAL can store: text for object columns holding mixed values."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    return out


def export_project(store: Store, out_dir: Path, *, fmt: str = "csv") -> list[Path]:
    """Export everything a store holds (:func:`project_tables`) in one format.

    Returns
    -------
    list of pathlib.Path
        The written files.
    """
    if fmt not in EXPORT_FORMATS:  # before reading anything
        return export_tables(out_dir, {}, fmt=fmt)
    return export_tables(out_dir, project_tables(store), fmt=fmt)

