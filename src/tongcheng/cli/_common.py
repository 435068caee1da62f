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
from ..project import Project

LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                    help="Language of what is written (default: the project's, else zh). "
                         "输出语言(默认中文)。")


def project_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--project DIR`` (default: the current folder)."""
    return click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("."), show_default=True,
                        help="Project folder. 项目目录。")(func)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into a clean message and a non-zero exit status."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        except TongchengError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def pick_lang(lang: str | None, project: Project | None = None) -> str:
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


