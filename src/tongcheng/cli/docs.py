"""Generate the command-line reference (docs/cli.md) from the commands' own help."""

from __future__ import annotations

import click

__all__ = ["cli_reference"]


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            out += _walk(command.commands[name], [*path, name])
    return out


def cli_reference() -> str:
    """Return the Markdown reference of ``tongcheng`` and every subcommand's ``--help``."""
    from .main import cli

    parts = ["# Command-line reference / 命令行参考", "",
             "Generated from `--help` by `python -m tongcheng.cli.docs > docs/cli.md`; "
             "a test fails when this file and the commands drift apart.", ""]
    for path, command in _walk(cli, ["tongcheng"]):
        with click.Context(command, info_name=" ".join(path), terminal_width=100,
                           max_content_width=100) as ctx:
            text = command.get_help(ctx)
        parts += [f"## `{' '.join(path)}`", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    print(cli_reference(), end="")
