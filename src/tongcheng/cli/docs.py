"""Generate the command-line reference (docs/cli.md) from the commands' own help."""

from __future__ import annotations

import click

__all__ = ["cli_reference"]


def _helps(command: click.Command, ctx: click.Context) -> list[tuple[str, str]]:
    """``(command path, help text)`` of a command and, depth first, of its subcommands.

    Each context is a child of its parent's and carries the command's ``context_settings``,
    exactly as when a user types ``--help`` (so ``-h`` shows wherever the root allows it).
    """
    out = [(ctx.command_path, command.get_help(ctx))]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            sub = command.commands[name]
            with click.Context(sub, info_name=name, parent=ctx, **sub.context_settings) as child:
                out += _helps(sub, child)
    return out


def cli_reference() -> str:
    """Return the Markdown reference of ``tongcheng`` and every subcommand's ``--help``."""
    from ._click_zh import speak
    from .main import cli

    speak("en")  # the reference is the English click frame around the bilingual help
    parts = ["# Command-line reference / 命令行参考", "",
             "Generated from `--help` by `python -m tongcheng.cli.docs > docs/cli.md`; "
             "a test fails when this file and the commands drift apart.", ""]
    settings = {"terminal_width": 100, "max_content_width": 100, **cli.context_settings}
    with click.Context(cli, info_name="tongcheng", **settings) as root:
        for path, text in _helps(cli, root):
            parts += [f"## `{path}`", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":  # pragma: no cover
    print(cli_reference(), end="")
