"""`tongcheng units …`: list administrative units, import a region's own units."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from ..project import Project
from ..units.metros import members
from ._common import ENCODING, LANG, SHEET, Bar, handle_errors, pick_lang, project_option
from ._messages import msg

#: Table headers of `units list` and `units metros`, per language (csv output keeps the keys).
_HEADERS = {
    "zh": {"code": "代码", "name_zh": "名称", "name_en": "英文名称", "level": "层级",
           "parent_code": "上级代码", "metro_code": "都市圈代码", "name": "名称", "version": "版本",
           "status": "状态", "core": "核心", "members": "成员数", "source": "依据文件"},
    "en": {"code": "code", "name_zh": "name (zh)", "name_en": "name (en)", "level": "level",
           "parent_code": "parent", "metro_code": "metro", "name": "name", "version": "version",
           "status": "status", "core": "core", "members": "members", "source": "source"},
}
_LEVELS = {"zh": {"province": "省级", "city": "地级", "county": "县级"}}
_STATUSES = {"zh": {"adopted": "已生效", "draft": "草案"}}


def _shown(table: pd.DataFrame, lang: str) -> str:
    """Return a table as text with its headers (and index name) in ``lang``."""
    heads = _HEADERS[lang]
    out = table.rename(columns=heads)
    out.index.name = heads.get(str(table.index.name), table.index.name)
    return out.to_string()


@click.group()
def units() -> None:
    """Administrative units: provinces, cities, counties. 行政区划单元。"""


@units.command("list")
@click.option("--level", type=click.Choice(["province", "city", "county"]), default=None,
              help="Only units of this level. 仅列出该层级。")
@click.option("--metro", default=None,
              help="Only members of this metropolitan area (code such as SH_1P8, or name such as "
                   "上海大都市圈). 仅列出该都市圈成员。")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "geojson"]), default="table",
              show_default=True, help="Output format. 输出格式。")
@project_option
@LANG
@handle_errors
def list_units(level: str | None, metro: str | None, fmt: str, project_dir: Path,
               lang: str | None) -> None:
    """List the project's units. 列出项目的行政区划单元。"""
    from ..units.loader import unit_boundaries

    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    with project.store() as store:
        table = store.units(level=level)
        memberships = store.metro_memberships()
        geo = unit_boundaries(store, level=level) if fmt == "geojson" else None
    if metro:
        table = table.loc[[c for c in members(metro, memberships=memberships) if c in table.index]]
    cols = ["name_zh", "name_en", "level", "parent_code"]
    if fmt == "csv":
        click.echo(table[[*cols, "lon", "lat", "area_km2"]].to_csv(), nl=False)
    elif geo is not None:
        geo = geo[geo.index.isin(table.index)]
        out = geo[["name_zh", "name_en", "geometry"]].join(table[["level", "parent_code"]])
        click.echo(json.dumps(json.loads(out.to_json(drop_id=False)), ensure_ascii=False))
    else:
        shown = table[cols].copy()
        shown["level"] = shown["level"].map(lambda v: _LEVELS.get(lang, {}).get(v, v))
        shown.index.name = "code"
        click.echo(_shown(shown.fillna(""), lang))
        click.echo(f"({len(table)})")


@units.command("metros")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table",
              show_default=True, help="Output format. 输出格式。")
@project_option
@LANG
@handle_errors
def list_metros(fmt: str, project_dir: Path, lang: str | None) -> None:
    """List the metropolitan areas, their versions and source documents. 列出都市圈及其版本、依据文件。"""
    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    with project.store() as store:
        memberships = store.metro_memberships()
    table = (memberships.groupby("metro_code", sort=False)
             .agg(name=("name_zh" if lang == "zh" else "name_en", "first"),
                  version=("version", "first"), status=("status", "first"),
                  core=("core_code", "first"), members=("member_code", "size"),
                  source=("source_doc", "first")))
    if fmt == "csv":
        click.echo(table.to_csv(), nl=False)
        return
    table["status"] = table["status"].map(lambda v: _STATUSES.get(lang, {}).get(v, v))
    click.echo(_shown(table, lang))


@units.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--code-column", required=True,
              help="Column of unit codes (up to 12 digits; shorter than 6 are zero-padded to 6). "
                   "单元代码列。")
@click.option("--name-column", required=True, help="Column of unit names. 单元名称列。")
@click.option("--name-en-column", default=None, help="Column of English names. 英文名称列。")
@click.option("--level", required=True, type=click.Choice(["province", "city", "county"]),
              help="Level of every unit in the file. 单元层级。")
@click.option("--parent-column", default=None,
              help="Column of the parent unit's code. 上级单元代码列。")
@click.option("--layer", default=None, help="Layer of a GeoPackage. 图层。")
@click.option("--crs", default=None,
              help="CRS of the coordinates when the file declares none, e.g. EPSG:2056. 坐标系。")
@ENCODING
@SHEET
@project_option
@LANG
@handle_errors
def import_units(file: Path, code_column: str, name_column: str,  # noqa: PLR0913, PLR0917
                 name_en_column: str | None, level: str, parent_column: str | None,
                 layer: str | None, crs: str | None, encoding: str | None, sheet: str | None,
                 project_dir: Path, lang: str | None) -> None:
    """Import a region's units from a boundary or point file. 导入本地区的行政区划单元。

    FILE is a GeoJSON, GeoPackage or Shapefile of polygons (or points), or a CSV or
    XLSX with lon, lat columns (WGS-84). Parents may come later in the file. Areas and
    centroids are computed in an equal-area projection; the boundaries are kept for maps
    and exports. Nothing is stored when any row has a problem; importing the same file
    again changes nothing. Define the region's metropolitan areas next with
    `tongcheng import metros FILE`.
    """
    from ..units.loader import load_units, store_units

    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    bar = Bar(2, "units import")
    try:
        bar("read")
        table = load_units(file, code_column=code_column, name_column=name_column,
                           name_en_column=name_en_column, level=level,
                           parent_column=parent_column, layer=layer, crs=crs,
                           encoding=encoding, sheet=sheet)
        bar("store")
        with project.store() as store:
            written = store_units(store, table, file=file.name)
    finally:
        bar.close()
    for warning in table.attrs.get("warnings", []):
        click.echo(warning.render(lang), err=True)
    same = len(table) - written
    if written:
        click.echo(msg("units_imported", lang, file=file.name, n=written, level=level, same=same))
    else:
        click.echo(msg("units_unchanged", lang, file=file.name, same=same))
