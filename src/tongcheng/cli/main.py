"""The `tongcheng` command: parses options, calls the library, formats the output."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..project import BUNDLED_IMPORTS, Project
from . import accessibility as _accessibility  # noqa: F401  (adds `network accessibility`)
from ._click_zh import TranslatedGroup
from ._common import LANG, Bar, handle_errors, pick_lang, project_option
from ._messages import msg
from .data import DATA_COMMANDS, run_index
from .flows import flows
from .index import index
from .network import network
from .units import units


@click.group(cls=TranslatedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tongcheng")
def cli() -> None:
    """同城化监测评估系统 — measure, monitor and evaluate metropolitan integration.

    The Yangtze River Delta (长三角) is built in: `tongcheng demo` builds it.
    """


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the demo project (default: ./yrd-demo). 示范项目目录。")
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Same as --out. 同 --out。")
@LANG
@handle_errors
def demo(out: Path | None, project_dir: Path | None, lang: str | None) -> None:
    """Build the Yangtze River Delta demo project and its report. 生成长三角示范项目及报告。"""
    from ..indicators import registered
    from ..project.index import build_project_index
    from ..reports.project_report import write_project_report

    lang = pick_lang(lang)
    root = out or project_dir or Path("yrd-demo")
    bar = Bar(2 + len(BUNDLED_IMPORTS) + len(registered()) + 2, "demo")
    try:
        project = Project.create(root, region="yrd", lang=lang, progress=bar)
        project.compute(progress=bar)
        bar("index")
        build_project_index(project)
        bar("report")
        report = write_project_report(project, lang=lang)
    finally:
        bar.close()
    click.echo(msg("demo_done", lang))
    _echo_locations(project, report, lang)


def _echo_locations(project: Project, report: Path | None, lang: str) -> None:
    click.echo(f"  {msg('project', lang)}: {project.root}")
    click.echo(f"  {msg('database', lang)}: {project.settings.resolved_url(project.root)}")
    click.echo(f"  {msg('raw', lang)}: {project.raw_dir}")
    if report is not None:
        click.echo(f"  {msg('report', lang)}: {report}")
        click.echo(msg("open_report", lang, path=report.as_uri()))


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--region", type=click.Choice(["yrd", "empty"]), default="yrd", show_default=True,
              help="yrd: bundled Yangtze River Delta data; empty: nothing but the catalogue.")
@click.option("--database-url", default=None,
              help="Store URL, e.g. postgresql+psycopg://user@host/db (default: SQLite in DIR).")
@project_option
@LANG
@handle_errors
def init(directory: Path | None, region: str, database_url: str | None, project_dir: Path,
         lang: str | None) -> None:
    """Create a project in DIRECTORY (default: --project). 创建项目。"""
    lang = pick_lang(lang)
    bar = Bar(2 + (len(BUNDLED_IMPORTS) if region == "yrd" else 0), "init")
    try:
        project = Project.create(directory or project_dir, region=region, lang=lang,
                                 database_url=database_url, progress=bar)
    finally:
        bar.close()
    click.echo(msg("created", lang, root=project.root))
    _echo_locations(project, None, lang)



cli.add_command(units)
cli.add_command(index)
cli.add_command(network)
cli.add_command(flows)
index.add_command(run_index)
for command in DATA_COMMANDS:
    cli.add_command(command)
