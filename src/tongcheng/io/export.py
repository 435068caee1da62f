"""Export a project's data as open data: CSV, GeoPackage or Parquet."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from .._errors import DataError

__all__ = ["EXPORT_FORMATS", "export_tables"]

EXPORT_FORMATS = ("csv", "gpkg", "parquet")


def export_tables(out_dir: Path, *, observations: pd.DataFrame, units: pd.DataFrame,
                  boundaries: gpd.GeoDataFrame, fmt: str = "csv") -> list[Path]:
    """Write observations (long), units and boundaries with the latest values.

    Parameters
    ----------
    out_dir
        Folder to write into (created if needed).
    observations
        Long observations (store columns).
    units
        Units indexed by code.
    boundaries
        City boundaries indexed by code (EPSG:4326).
    fmt
        ``"csv"`` (UTF-8 with BOM so that Excel shows Chinese correctly), ``"gpkg"``
        (one GeoPackage with layers ``cities`` and ``observations``) or ``"parquet"``.

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
        msg = f"format is {fmt!r}; expected one of {EXPORT_FORMATS}"
        raise DataError(msg)
    out_dir.mkdir(parents=True, exist_ok=True)
    obs = observations.drop(columns=[c for c in ("id",) if c in observations.columns])
    unit_rows = obs[obs["subject_kind"] == "unit"]
    latest = (unit_rows.sort_values("period").groupby(["unit_code", "indicator"])["value"].last()
              .unstack())
    cities = boundaries.join(latest, how="left")
    if fmt == "csv":
        paths = [out_dir / "observations.csv", out_dir / "units.csv"]
        obs.to_csv(paths[0], index=False, encoding="utf-8-sig")
        units.to_csv(paths[1], encoding="utf-8-sig")
        return paths
    if fmt == "parquet":
        paths = [out_dir / "observations.parquet", out_dir / "units.parquet",
                 out_dir / "cities.parquet"]
        obs.to_parquet(paths[0], index=False)
        units.to_parquet(paths[1])
        cities.to_parquet(paths[2])
        return paths
    path = out_dir / "tongcheng.gpkg"
    path.unlink(missing_ok=True)
    cities.reset_index().to_file(path, layer="cities", driver="GPKG")
    import pyogrio

    pyogrio.write_dataframe(obs, path, layer="observations", driver="GPKG", append=False)
    return [path]
