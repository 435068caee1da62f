"""Options, error handling and progress bars shared by the commands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from .._errors import TongchengError, ValidationError
from ..config import project_language
from ..project import Project
from ._failures import describe_failure

LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                    help="Language of what is written (default: the project's, else zh). "
                         "输出语言(默认中文)。")


class UserFile(click.Path):
    """A file a person gives: it must exist and not be a folder, which the library checks.

    click would refuse a missing file or a folder in English only; the library's check names the
    file in the command's language (``--lang``, which click may not have read yet at this point)
    together with what the file should be. ``exists`` stays ``True`` for whoever inspects the
    command's parameters: the file is required to exist, only the check is deferred.
    """

    def __init__(self) -> None:
        super().__init__(exists=True, dir_okay=False, path_type=Path)

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        """Return the path as given; existence is checked where the file is read."""
        return value if isinstance(value, Path) else Path(str(value))


SHEET = click.option("--sheet", default=None,
                     help="Excel sheet (default: the first visible one). 工作表(默认: 第一个可见的)。")
ENCODING = click.option("--encoding", default=None,
                        help="CSV encoding if not UTF-8, e.g. gbk. 非UTF-8编码时指定,如 gbk。")


def project_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--project DIR`` (default: the current folder)."""
    return click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("."), show_default=True,
                        help="Project folder. 项目目录。")(func)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure into a message in the command's language and a non-zero exit.

    Library errors print their own message (validation errors exit 2, others 1); files
    that cannot be read or written, a busy or broken store, memory exhaustion and an
    interruption get a located message (see :mod:`._failures`). No traceback reaches
    the user: an unexpected error is reported as a tongcheng bug, with the traceback
    written to a log file whose path is printed.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except SystemExit:
            raise
        except ValidationError as exc:
            click.echo(exc.render(_lang_of(kwargs)), err=True)
            sys.exit(2)
        except TongchengError as exc:
            click.echo(f"{_error_word(_lang_of(kwargs))}: {exc.render(_lang_of(kwargs))}", err=True)
            sys.exit(1)
        except BaseException as exc:  # the last line of defence, see the docstring
            lang = _lang_of(kwargs)
            text, status = describe_failure(exc, lang=lang)
            click.echo(f"{_error_word(lang)}: {text}", err=True)
            sys.exit(status)

    return wrapper


def _error_word(lang: str) -> str:
    return "错误" if lang == "zh" else "Error"


def _lang_of(kwargs: dict[str, Any]) -> str:
    """Return the language a command speaks: ``--lang``, else its project's, else Chinese."""
    lang = kwargs.get("lang")
    if lang in ("zh", "en"):
        return str(lang)
    root = kwargs.get("project_dir")
    return "zh" if root is None else project_language(root)


def pick_lang(lang: str | None, project: Project | None = None) -> str:
    """Return ``lang`` if given, else the project's language, else ``"zh"``."""
    if lang:
        return lang
    return project.settings.lang if project is not None else "zh"


class Bar:
    """A tqdm progress bar driven by the library's ``progress(step)`` callback."""

    def __init__(self, total: int, desc: str) -> None:
        self.bar = tqdm(total=total, desc=desc, unit="step", leave=False,
                        disable=not sys.stderr.isatty())

    def __call__(self, step: str) -> None:
        self.bar.set_postfix_str(step)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


