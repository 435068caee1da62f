"""`tongcheng index …`: build a composite index from a framework, data and a recipe."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from ._common import LANG, UserFile, handle_errors, project_option
from ._messages import msg


@click.group()
def index() -> None:
    """Composite indices (COINr-compatible). 综合指数。"""


@index.command("build")
@click.option("--framework", "framework_path", required=True,
              type=UserFile(),
              help="Indicator tree: CSV (ours or COINr iMeta) or YAML. 指标体系。")
@click.option("--data", "data_path", required=True,
              type=UserFile(),
              help="Data table (CSV, Excel or Parquet), one row per unit (per period for a panel). 数据。")
@click.option("--recipe", "recipe_path", required=True,
              type=UserFile(),
              help="Recipe (YAML or JSON). 构建步骤。")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: one CSV per stage, aggregated.csv, recipe.resolved.yaml. 输出目录。")
@click.option("--unit", "unit_col", default=None, help="Unit column (default uCode, code or unit).")
@click.option("--time", "time_col", default=None,
              help="Time column: build each period as a panel (COINr purse). 面板时间列。")
@click.option("--excel/--no-excel", default=False, help="Also write index.xlsx. 同时导出 Excel。")
@project_option
@LANG
@handle_errors
def build_cmd(*, framework_path: Path, data_path: Path, recipe_path: Path, out_dir: Path,  # noqa: PLR0913
              unit_col: str | None, time_col: str | None, excel: bool, project_dir: Path,
              lang: str | None) -> None:
    """Build an index from files and write every stage. 构建指数并输出各阶段数据。

    --project only sets the language of the messages (the project's); the data
    come from --data. `tongcheng index run` builds over a project's own data.
    """
    from ..composite.framework import Framework
    from ..composite.pipeline import Recipe, build, build_panel, read_table, sha256_file, summary

    lang = _lang(lang, project_dir)
    _check_files(framework=framework_path, data=data_path, recipe=recipe_path)
    framework = Framework.read(framework_path)
    recipe = Recipe.read(recipe_path)
    recipe.inputs.update({"files": {p.name: sha256_file(p)
                                    for p in (framework_path, data_path, recipe_path)}})
    if time_col:
        panel = read_table(data_path, set_index=False)
        pb = build_panel(recipe, panel, framework, time=time_col, unit=unit_col or "uCode")
        pb.recipe.inputs.update(recipe.inputs)
        written = pb.to_csv(out_dir)
        click.echo(msg("h5_periods_written", lang, n=len(pb.builds), m=len(written), out=out_dir))
        last = pb.builds[max(pb.builds)]
        _echo_summary(summary(last), label=f"{time_col} {max(pb.builds)}", lang=lang)
        return
    data = read_table(data_path, unit=unit_col)
    b = build(recipe, data, framework)
    b.recipe.inputs.update(recipe.inputs)
    written = b.to_csv(out_dir)
    if excel:
        written.append(b.to_excel(out_dir / "index.xlsx"))
    click.echo(msg("h5_files_written", lang, n=len(written), out=out_dir))
    _echo_summary(summary(b), label="", lang=lang)


def _lang(lang: str | None, project_dir: Path) -> str:
    """``--lang``, else the language of the project at ``--project`` (if one is there), else zh."""
    from ..config import SETTINGS_FILE
    from ..project import Project
    from ._common import pick_lang

    return pick_lang(lang, Project.open(project_dir) if (project_dir / SETTINGS_FILE).is_file() else None)


_WHAT = {"framework": ("指标体系(CSV 或 YAML)", "an indicator tree (CSV or YAML)"),
         "data": ("数据表(CSV、Excel 或 Parquet)", "a data table (CSV, Excel or Parquet)"),
         "recipe": ("构建步骤(YAML 或 JSON)", "a recipe (YAML or JSON)"),
         "factors": ("不确定因素(YAML 或 JSON)", "uncertain assumptions (YAML or JSON)")}


def _check_files(**paths: Path) -> None:
    """Name a missing, empty or unreadable input in the command's language (click would in English)."""
    from .._text import Text
    from ..io.files import check_file

    for key, path in paths.items():
        check_file(path, what=Text(*_WHAT[key]))


def _echo_summary(s: dict[str, object], *, label: str, lang: str) -> None:
    click.echo(msg("h5_summary_head", lang, root=s["root"], units=s["units"],
                   label=f", {label}" if label else ""))
    top = cast("list[tuple[str, float]]", s["top"])
    for i, (unit, score) in enumerate(top, start=1):
        click.echo(f"  {i:>2}. {unit}  {score:.2f}")
    click.echo(msg("h5_summary_tail", lang, w=s["n_winsorised"], l=s["n_log_transformed"]))


@index.command("sensitivity")
@click.option("--framework", "framework_path", required=True,
              type=UserFile(), help="Indicator tree. 指标体系。")
@click.option("--data", "data_path", required=True,
              type=UserFile(), help="Data table. 数据。")
@click.option("--recipe", "recipe_path", required=True,
              type=UserFile(), help="Nominal recipe. 构建步骤。")
@click.option("--factors", "factors_path", required=True,
              type=UserFile(),
              help="Uncertain assumptions (YAML/JSON), e.g. examples/asem/factors.yaml. 不确定因素。")
@click.option("--n", "n", required=True, type=click.IntRange(min=2),
              help="Runs (ua) or base sample size N (sa: N(k+2) runs). 样本量。")
@click.option("--method", type=click.Choice(["ua", "sa"]), default="ua", show_default=True,
              help="ua: rank intervals; sa: also Sobol' indices. 不确定性/敏感性分析。")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed. 随机种子。")
@click.option("--n-boot", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Bootstrap resamples for the Sobol' intervals.")
@click.option("--unit", "unit_col", default=None, help="Unit column (default uCode, code or unit).")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: rank_intervals.csv, score_intervals.csv, runs.csv, sobol*.csv. 输出目录。")
@project_option
@LANG
@handle_errors
def sensitivity_cmd(  # noqa: PLR0913  (one parameter per option)
        *, framework_path: Path, data_path: Path, recipe_path: Path, factors_path: Path, n: int,
        method: str, seed: int, n_boot: int, unit_col: str | None, out_dir: Path, project_dir: Path,
        lang: str | None) -> None:
    """Uncertainty/sensitivity analysis of an index. 综合指数的不确定性与敏感性分析。

    --project only sets the language of the messages (the project's).
    """
    from ..composite.framework import Framework
    from ..composite.pipeline import Recipe, build, read_table
    from ..composite.uncertainty import read_factors, uncertainty_analysis

    lang = _lang(lang, project_dir)
    _check_files(framework=framework_path, data=data_path, recipe=recipe_path, factors=factors_path)
    b = build(Recipe.read(recipe_path), read_table(data_path, unit=unit_col), Framework.read(framework_path))
    res = uncertainty_analysis(b, factors=read_factors(factors_path), n=n, method=method,  # type: ignore[arg-type]
                               rng=seed, n_boot=n_boot)
    written = res.to_csv(out_dir)
    click.echo(msg("h5_sens_done", lang, method=method.upper(), runs=len(res.scores), n=len(written),
                   out=out_dir))
    if res.sobol is not None:
        click.echo(msg("h5_sens_head", lang))
        for _, r in res.top_factors().iterrows():
            ci1 = f"[{r['first_low']:.3f}, {r['first_high']:.3f}]" if "first_low" in r else ""
            cit = f"[{r['total_low']:.3f}, {r['total_high']:.3f}]" if "total_low" in r else ""
            click.echo(f"  {r['factor']:<28}{r['first']:>6.3f} {ci1:<17}{r['total']:>6.3f} {cit}")
    widest = res.rank_intervals.sort_values("width", ascending=False, kind="stable").head(5)
    click.echo(msg("h5_widest", lang, items=", ".join(
        f"{u} {int(r['nominal'])} ({r['q05']:.0f}–{r['q95']:.0f})" for u, r in widest.iterrows())))
