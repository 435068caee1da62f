"""Commands over a project's data: import, template, indicators, report, export."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd

from ..project import Project
from ._common import LANG, Bar, handle_errors, pick_lang, project_option
from ._messages import msg
from .imports import import_group


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: PROJECT/template.xlsx). 输出文件。")
@click.option("--level", type=click.Choice(["province", "city", "county"]), default=None,
              help="One row per unit of this level (default: city, or the project's largest level "
                   "when it has no cities). 每行一个该层级单元(默认: 市)。")
@click.option("--period", default="", help="Period to pre-fill, e.g. 2024. 预填年份。")
@project_option
@LANG
@handle_errors
def template(out: Path | None, level: str | None, period: str, project_dir: Path,
             lang: str | None) -> None:
    """Write an Excel template of the project's indicators. 生成指标填报Excel模板。

    The first sheet (数据 data) is filled in: bilingual headers (地区生产总值 gdp),
    numbers only in value cells, units shown on each cell. The second (说明
    Instructions) explains how to fill it in and import it with `tongcheng import stats`.
    """
    import shlex

    from ..io.template import write_template

    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    with project.store() as store:
        path = write_template(out or project.root / "template.xlsx", units=store.units(),
                              catalogue=store.indicators(), period=period, level=level, lang=lang)
    click.echo(msg("template", lang, path=path))
    click.echo(msg("template_next", lang, path=shlex.quote(str(path))))


@click.group()
def indicators() -> None:
    """Computed indicators. 计算指标。"""


@indicators.command("compute")
@click.option("--strict", is_flag=True, default=False,
              help="Exit non-zero if an input value was left out as implausible or an indicator "
                   "failed. 有输入值被排除或指标计算失败时以非零状态退出。")
@project_option
@LANG
@handle_errors
def compute(strict: bool, project_dir: Path, lang: str | None) -> None:
    """Compute every registered indicator from the stored data. 计算全部指标。

    Stored values outside their indicator's range (see `tongcheng indicators list`)
    are left out (not deleted) and listed, an earlier plausible vintage taking their
    place where there is one; an indicator that fails is reported and the others are
    computed.
    """
    from ..indicators import registered

    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    bar = Bar(len(registered()), "indicators")
    try:
        table = project.compute(progress=bar)
    finally:
        bar.close()
    shown = table[["code", "n_values", "n_excluded"]].assign(
        status=[t.render(lang) for t in table["status_text"]])
    shown.columns = [msg(f"ind_col_{c}", lang) for c in shown.columns]
    click.echo(shown.to_string(index=False))
    excluded = table.attrs.get("excluded")
    n_excluded = 0 if excluded is None else len(excluded)
    if n_excluded:
        click.echo(msg("ind_excluded", lang, n=n_excluded), err=True)
        for text in list(excluded["message"])[:_SHOWN_EXCLUDED]:
            click.echo(f"  - {text.render(lang)}", err=True)
        if n_excluded > _SHOWN_EXCLUDED:
            click.echo(msg("ind_excluded_more", lang, n=n_excluded - _SHOWN_EXCLUDED), err=True)
    done = table[table["status"] == "computed"]
    click.echo(msg("computed", lang, n=len(done), values=int(done["n_values"].sum())))
    failed = int(table["status"].str.startswith("failed").sum())
    if strict and (failed or n_excluded):
        click.echo(msg("ind_strict", lang, failed=failed, excluded=n_excluded), err=True)
        sys.exit(1)


_SHOWN_EXCLUDED = 20


def _range_text(lo: float, hi: float) -> str:
    if pd.isna(lo) and pd.isna(hi):
        return ""
    if pd.isna(hi):
        return f"≥ {lo:g}"
    if pd.isna(lo):
        return f"≤ {hi:g}"
    return f"{lo:g} – {hi:g}"


@indicators.command("list")
@project_option
@LANG
@handle_errors
def list_indicators(project_dir: Path, lang: str | None) -> None:
    """List the project's indicators (raw and computed). 列出指标。

    With each indicator's direction (higher or lower is better), the range its values
    must lie in and the largest plausible jump between periods (empty: the project's
    plausibility_jump).
    """
    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    with project.store() as store:
        cat = store.indicators().set_index("code")
    name = "name_zh" if lang == "zh" else "name_en"
    direction = cat["direction"].map(
        lambda d: "" if pd.isna(d) else msg("ind_dir_up" if d > 0 else "ind_dir_down", lang))
    shown = pd.DataFrame({
        "name": cat[name].fillna(cat["name_zh"]), "unit": cat["unit"].fillna(""),
        "subject_kind": cat["subject_kind"].map(lambda k: msg(f"ind_subject_{k}", lang)),
        "kind": cat["kind"].map(lambda k: msg(f"ind_kind_{k}", lang)), "direction": direction,
        "range": [_range_text(lo, hi) for lo, hi in zip(cat["min_value"], cat["max_value"], strict=True)],
        "max_jump": cat["max_jump"].map(lambda v: "" if pd.isna(v) else f"×{v:g}"),
    }, index=cat.index)
    shown.index.name = msg("ind_col_code", lang)
    shown.columns = [msg(f"ind_col_{c}", lang) for c in shown.columns]
    click.echo(shown.to_string())


@click.command()
@project_option
@LANG
@handle_errors
def report(project_dir: Path, lang: str | None) -> None:
    """Write the HTML report to PROJECT/report/index.html. 生成报告。"""
    from ..reports.project_report import write_project_report

    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    path = write_project_report(project, lang=lang)
    click.echo(f"{msg('report', lang)}: {path}")
    click.echo(msg("open_report", lang, path=path.as_uri()))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "gpkg", "parquet"]), default="csv",
              show_default=True, help="File format. 文件格式。")
@project_option
@LANG
@handle_errors
def export(fmt: str, project_dir: Path, lang: str | None) -> None:
    """Export everything the project holds as open data. 导出全部数据(开放数据格式)。

    Every observation (raw and computed, every vintage, with period, vintage,
    source, import id and whether it is in force), the indicator catalogue,
    units, boundaries, metro memberships, imports, index runs and scores, and
    one wide table per subject kind, into PROJECT/exports.
    """
    from ..io.export import export_project

    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    with project.store() as store:
        paths = export_project(store, project.exports_dir, fmt=fmt)
    click.echo(msg("exported", lang))
    for path in paths:
        click.echo(f"  {path}")


@click.command("run")
@click.option("--framework", "framework_path", type=click.Path(path_type=Path), default=None,
              help="Indicator tree (CSV or YAML) naming indicators of the project "
                   "(default: PROJECT/index/pair_framework.csv). 指标体系。")
@click.option("--recipe", "recipe_path", type=click.Path(path_type=Path), default=None,
              help="Recipe (YAML or JSON; default: PROJECT/index/pair_recipe.yaml). 构建步骤。")
@project_option
@LANG
@handle_errors
def run_index(framework_path: Path | None, recipe_path: Path | None, project_dir: Path,
              lang: str | None) -> None:
    """Build an index over the project's indicators and store it. 用项目指标构建综合指数。

    The framework names indicators of the project (imported or computed); their
    values are read from the store (the recipe's period, else each one's latest).
    Unit indicators give a unit index, pair indicators a pair index.
    """
    from ..project.index import build_project_index

    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    result = build_project_index(project, framework=framework_path, recipe=recipe_path)
    with project.store() as store:
        name = "name_zh" if lang == "zh" else "name_en"
        names = store.units()[name]
        metros = store.metro_memberships().groupby("metro_code")[name].first()
    fw = result.build.framework
    table = result.build.aggregated[[fw.root]].join(result.ranks[["rank", "rank_best", "rank_worst"]]
                                                     .astype("Int64"))
    label = metros if result.kind == "metro" else names
    table.index = [" — ".join(str(label.get(c, c)) for c in key.split(">")) for key in table.index]
    table.index.name = msg("h5_subject", lang)
    table.columns = [f"{fw.root} ({msg('h5_score', lang)})",
                     *(msg(f"h5_{c}", lang) for c in ("rank", "rank_best", "rank_worst"))]
    click.echo(table.sort_values(table.columns[1]).head(15).to_string(float_format=lambda v: f"{v:.1f}"))
    periods = ", ".join(f"{c} {p}" for c, p in result.periods.items())
    click.echo(msg("h5_index_periods", lang, periods=periods))
    click.echo(msg("h5_index_built", lang, code=result.code, n=len(table), run=result.run_id,
                   what=msg(f"h5_kind_{result.kind}", lang)))


DATA_COMMANDS = (import_group, template, indicators, report, export)
