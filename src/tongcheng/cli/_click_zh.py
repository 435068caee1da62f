"""click's own messages in Chinese: usage errors ("Missing option …") follow ``--lang`` too.

click writes its usage errors through :mod:`gettext` (``_("Missing option")``, …), bound in each
of its modules as ``_`` and ``ngettext``. :func:`speak` points those names at a small catalogue
of the messages a person meets on the command line — missing or unknown options and arguments,
invalid values, "Error:", "Try … for help" — and back at :mod:`gettext` for English. Messages
not in the catalogue stay English.
"""

from __future__ import annotations

import gettext
import sys
from collections.abc import Sequence

import click

__all__ = ["ZH", "language_of_argv", "speak"]

ZH: dict[str, str] = {
    "Error: {message}": "错误: {message}",
    "Try '{command} {option}' for help.": "用 '{command} {option}' 查看帮助。",
    "Missing {param_type}": "缺少{param_type}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数: {param_name}",
    "Missing command.": "缺少子命令。",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效: {message}",
    "Invalid value: {message}": "值无效: {message}",
    "No such command {name!r}.": "没有子命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项: {name}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "integer": "整数",
    "float": "数值",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
}
"""click's English messages and their Chinese forms."""

ZH_PLURAL: dict[str, str] = {
    "Did you mean {possibility}?": "您是想用 {possibility} 吗?",
    "(Did you mean one of: {possibilities}?)": "(您是想用其中之一吗: {possibilities}?)",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多余的参数 ({args})",
    "Got unexpected extra arguments ({args})": "多余的参数 ({args})",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
}
"""click's messages with a plural form (both forms map to one Chinese text)."""

_MODULES = ("click.core", "click.exceptions", "click.parser", "click.types", "click.formatting",
            "click.decorators")


def _zh(message: str) -> str:
    return ZH.get(message, message)


def _zh_plural(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return ZH_PLURAL.get(chosen, chosen)


def speak(lang: str) -> None:
    """Make click's own messages Chinese (``"zh"``) or English (anything else)."""
    for name in _MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = _zh if lang == "zh" else gettext.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _zh_plural if lang == "zh" else gettext.ngettext  # type: ignore[attr-defined]


def language_of_argv(argv: Sequence[str]) -> str:
    """Return the language a command line asks for: ``--lang``, else its project's, else Chinese.

    Read before click parses the line, so that click's own errors speak it too.
    """
    from ..config import project_language

    lang = _option_value(argv, "--lang")
    if lang in ("zh", "en"):
        return lang
    return project_language(_option_value(argv, "--project") or ".")


def _option_value(argv: Sequence[str], name: str) -> str | None:
    """Return the value given to option ``name`` (``name V`` or ``name=V``), or ``None``."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


class TranslatedGroup(click.Group):
    """The top-level group: click's own messages follow the command line's language."""

    def main(self, args: Sequence[str] | None = None, *pos: object, **kwargs: object) -> object:
        """Run the command line, with click's messages in its language."""
        argv = list(sys.argv[1:] if args is None else args)
        speak(language_of_argv(argv))
        return super().main(argv, *pos, **kwargs)  # type: ignore[arg-type]
