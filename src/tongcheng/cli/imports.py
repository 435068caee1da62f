"""`tongcheng import`: bring data in, list and inspect imports, revert one."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from .._errors import Problem
from ..io.importer import UNSPECIFIED, kept_file_state
from ..project import Project
from ..store import ImportRecord
from ._common import ENCODING, LANG, SHEET, UserFile, handle_errors, pick_lang, project_option
from ._messages import msg

__all__ = ["import_group"]


@click.group("import")
def import_group() -> None:
    """Import data into the project; list, show and revert imports. 导入数据;查看、撤销导入。"""


@import_group.command("stats")
@click.argument("file", type=UserFile())
@click.option("--source", default=None,
              help=f"Where the figures come from (required; '{UNSPECIFIED}' if unknown). "
                   "数据来源(必填)。")
@click.option("--vintage", default=None,
              help=f"Release the figures belong to, a revision needs a new one (required; "
                   f"'{UNSPECIFIED}' if unknown). 数据版本(必填)。")
@SHEET
@ENCODING
@click.option("--strict", is_flag=True,
              help="Implausible jumps are errors, not warnings. 不合理的跳变视为错误。")
@project_option
@LANG
@handle_errors
def import_stats(file: Path, source: str | None, vintage: str | None, sheet: str | None,
                 encoding: str | None, strict: bool, project_dir: Path, lang: str | None) -> None:
    """Import a statistics table (CSV or XLSX, long or wide). 导入统计表。

    Every problem is reported at once with file, sheet, row and column; on any
    error nothing is written. Importing the same file again changes nothing; a
    reverted file is re-applied.
    """
    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    missing = [name for name, value in (("--source", source), ("--vintage", vintage))
               if value is None or not value.strip()]
    if missing:
        raise click.UsageError(msg("imp_needs", lang, options=" / ".join(missing),
                                   options_unspecified=" ".join(f"{m} {UNSPECIFIED}"
                                                                for m in missing)))
    result = project.import_stats(file, source=str(source).strip(), vintage=str(vintage).strip(),
                                  sheet=sheet, encoding=encoding, strict=strict)
    for warning in result.warnings:
        click.echo(warning.render(lang), err=True)
    if result.status == "unchanged":
        click.echo(msg("unchanged", lang, file=file.name, id=result.record.id))
        return
    key = "imp_reapplied" if result.status == "reapplied" else "imported"
    click.echo(msg(key, lang, file=file.name, n=result.n_observations, id=result.record.id,
                   same=result.n_unchanged, warn=len(result.warnings)))
    if result.n_empty:
        click.echo(msg("imp_empty", lang, n=result.n_empty))


@import_group.command("metros")
@click.argument("file", type=UserFile())
@SHEET
@ENCODING
@project_option
@LANG
@handle_errors
def import_metros(file: Path, sheet: str | None, encoding: str | None, project_dir: Path,
                  lang: str | None) -> None:
    """Import metropolitan areas and their members (CSV or XLSX). 导入都市圈及其成员。

    One row per metro and member: metro_code, name_zh, core_code, member_code and
    optionally version, name_en, status (adopted/draft), source_doc, issued,
    source_url. Members and cores must be the project's units. Every problem is
    reported with its row; on any error nothing is written. An imported metro
    replaces the stored one with the same code.
    """
    from ..units.metro_table import read_metro_table

    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    with project.store() as store:
        table = read_metro_table(file, units=store.units().index.astype(str), sheet=sheet,
                                 encoding=encoding)
        n = store.put_metros(table)
    click.echo(msg("metros_imported", lang, file=file.name, n=table["metro_code"].nunique(), m=n))


@import_group.command("list")
@project_option
@LANG
@handle_errors
def list_imports(project_dir: Path, lang: str | None) -> None:
    """List the project's imports, reverted ones included. 列出全部导入(含已撤销的)。"""
    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    with project.store() as store:
        imports = store.imports()
    if imports.empty:
        click.echo(msg("imp_none", lang))
        return
    state = imports["reverted_at"].isna().map(
        {True: msg("imp_state_imported", lang), False: msg("imp_state_reverted", lang)})
    table = pd.DataFrame({
        msg("imp_col_id", lang): imports["id"],
        msg("imp_col_file", lang): imports["file_name"].map(_short),
        msg("imp_col_source", lang): imports["source"].map(_short),
        msg("imp_col_vintage", lang): imports["vintage"].map(_short),
        msg("imp_col_rows", lang): imports["n_rows_read"],
        msg("imp_col_obs", lang): imports["n_observations"],
        msg("imp_col_by", lang): imports["imported_by"].fillna("-"),
        msg("imp_col_when", lang): imports["imported_at"].dt.strftime("%Y-%m-%d %H:%M"),
        msg("imp_col_state", lang): state,
    })
    click.echo(table.to_string(index=False))


@import_group.command("show")
@click.argument("import_id", metavar="ID", type=click.IntRange(min=1))
@project_option
@LANG
@handle_errors
def show_import(import_id: int, project_dir: Path, lang: str | None) -> None:
    """Show one import: file, kept copy, provenance, warnings and history. 查看一次导入。"""
    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    with project.store() as store:
        record = store.get_import(import_id)
        events = store.import_events(import_id)
    click.echo(msg("imp_show_title", lang, id=record.id))
    for key, value in _details(project, record, lang):
        click.echo(f"  {msg(key, lang)}: {value}")
    for line in _warning_lines(record, lang):
        click.echo(f"    - {line}")
    click.echo(f"  {msg('imp_show_events', lang)}:")
    if events.empty:
        click.echo(msg("imp_no_events", lang))
    for event in events.itertuples():
        note = f" ({event.note})" if isinstance(event.note, str) and event.note else ""
        click.echo(msg("imp_event", lang, at=f"{event.at:%Y-%m-%d %H:%M:%S}",
                       action=msg(f"imp_action_{event.action}", lang),
                       by=event.actor or "-", n=event.n_observations, note=note))


@import_group.command("revert")
@click.argument("import_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--note", default=None, help="Why, kept in the import's history. 撤销原因。")
@project_option
@LANG
@handle_errors
def revert_import(import_id: int, note: str | None, project_dir: Path, lang: str | None) -> None:
    """Remove exactly one import's observations (record and raw file are kept). 撤销一次导入。

    All in one transaction. Importing the same file again re-applies it.
    """
    project = Project.open(project_dir)
    lang = pick_lang(lang, project)
    with project.store() as store:
        reverted = store.revert_import(import_id, note=note)
        removed = store.import_events(import_id).iloc[-1]["n_observations"]
    click.echo(msg("imp_reverted", lang, id=reverted.id, file=reverted.file_name, n=removed,
                   kept=reverted.stored_path))


def _short(text: object, width: int = 40) -> str:
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    return value if len(value) <= width else value[: width - 1] + "…"


def _details(project: Project, record: ImportRecord, lang: str) -> list[tuple[str, object]]:
    kept = kept_file_state(project.root, record)
    kept_note = "" if kept is None else f" ({msg(f'imp_kept_{_KEPT[kept]}', lang)})"
    if record.reverted_at is None:
        state = msg("imp_state_imported", lang)
    else:
        state = msg("imp_reverted_state", lang, at=f"{record.reverted_at:%Y-%m-%d %H:%M}",
                    by=record.reverted_by or "-")
    return [
        ("imp_show_file", record.file_name),
        ("imp_show_kept", f"{record.stored_path}{kept_note}"),
        ("imp_show_sha", record.sha256),
        ("imp_show_source", record.source),
        ("imp_show_vintage", record.vintage),
        ("imp_show_sheet", record.sheet or "-"),
        ("imp_show_rows", record.n_rows_read),
        ("imp_show_obs", record.n_observations),
        ("imp_show_by", record.imported_by or "-"),
        ("imp_show_at", f"{record.imported_at:%Y-%m-%d %H:%M:%S} UTC"),
        ("imp_show_state", state),
        ("imp_show_warnings", record.n_warnings),
    ]


_KEPT = {"whole": "ok", "missing": "missing", "differs": "bad"}


def _warning_lines(record: ImportRecord, lang: str) -> list[str]:
    """Return the recorded warnings in ``lang`` (plain text for records holding no problems)."""
    try:
        items = json.loads(record.warnings_json or "[]")
    except ValueError:
        return [record.warnings_json]
    lines = []
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, dict):
            try:
                lines.append(Problem.from_dict(item).render(lang))
                continue
            except (TypeError, ValueError):
                pass
        lines.append(str(item))
    return lines
