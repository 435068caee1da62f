"""Project settings, kept in ``tongcheng.toml`` in the project folder.

Every setting is documented in ``docs/settings.md`` (a test keeps the two in step). A bad
setting is reported with the file, its line, what values it may take and a close match for a
misspelt name, in Chinese and English.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ._errors import Problem, ProjectError, ValidationError
from ._text import Text

__all__ = ["DATABASE_SCHEMES", "LANGS", "REGIONS", "SETTINGS_FILE", "Settings", "check_map_indicator",
           "project_language"]

SETTINGS_FILE = "tongcheng.toml"
REGIONS = ("yrd", "empty")
LANGS = ("zh", "en")
DATABASE_SCHEMES = ("sqlite", "postgresql")
"""Database kinds the store runs on (the part of ``database_url`` before ``://`` or ``+driver``)."""

_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "float": (int, float)}


@dataclass(frozen=True)
class Settings:
    """Settings of one project.

    Attributes
    ----------
    name
        Project name shown in reports.
    region
        ``"yrd"`` (the bundled Yangtze River Delta default) or ``"empty"``.
    database_url
        SQLAlchemy URL of the store. ``sqlite:///tongcheng.db`` (the default) is relative
        to the project folder; a PostgreSQL server is ``postgresql+psycopg://user@host/db``.
        The environment variable ``TONGCHENG_DATABASE_URL`` overrides it.
    lang
        Default language of what the project writes: ``"zh"`` or ``"en"``.
    map_indicator
        City indicator shown first on the report's map (a code of the indicator catalogue;
        checked when the report is built, see :func:`check_map_indicator`).
    plausibility_jump
        Default jump factor of the plausibility warnings: a value more than this many times
        (or less than its inverse) the unit's previous period is flagged. Must be > 1.

    Raises
    ------
    ValidationError
        A value of the wrong type or outside the allowed values (every problem listed).
    """

    name: str = "长三角同城化监测"
    region: str = "yrd"
    database_url: str = "sqlite:///tongcheng.db"
    lang: str = "zh"
    map_indicator: str = "pop_resident"
    plausibility_jump: float = 10.0

    def __post_init__(self) -> None:
        problems = setting_problems(asdict(self), file=SETTINGS_FILE)
        if problems:
            raise ValidationError(problems, summary=_summary(SETTINGS_FILE, len(problems)))
        object.__setattr__(self, "plausibility_jump", float(self.plausibility_jump))

    def resolved_url(self, root: Path) -> str:
        """Return the database URL with a relative SQLite path made absolute to ``root``."""
        url = os.environ.get("TONGCHENG_DATABASE_URL") or self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            return prefix + str((root / url[len(prefix):]).resolve())
        return url

    @classmethod
    def read(cls, root: Path) -> Settings:
        """Read ``tongcheng.toml`` from a project folder.

        Raises
        ------
        ProjectError
            The folder holds no ``tongcheng.toml``, or the file is not TOML.
        ValidationError
            Unknown settings (with a close match), values of the wrong type or outside the
            allowed values, each located by line.
        """
        path = root / SETTINGS_FILE
        if not path.is_file():
            raise ProjectError(Text(
                f"{root} 不是 tongcheng 项目(没有 {SETTINGS_FILE})。"
                f"请用 `tongcheng init {root}` 创建,或用 --project DIR 指定项目目录。",
                f"{root} is not a tongcheng project (no {SETTINGS_FILE}). "
                f"Create one with `tongcheng init {root}` or pass --project DIR."))
        try:
            text = path.read_text(encoding="utf-8")
            doc = tomllib.loads(text)
        except UnicodeDecodeError as exc:
            raise ProjectError(Text(f"{path}: 不是 UTF-8 文本 ({exc.reason});请以 UTF-8 编码保存",
                                    f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8")) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ProjectError(Text(f"{path}: 不是有效的 TOML ({exc});请修改该文件或重新创建项目",
                                    f"{path}: not valid TOML ({exc}); fix the file or recreate the project"),
                               ) from exc
        data = doc.get("project", {})
        problems = [Problem(path.name, _line(text, key), key, None,
                            Text("[project] 表", "a [project] table"),
                            Text(f"把设置写在 [project] 之下,删除 [{key}]",
                                 f"put the settings under [project]; remove [{key}]"))
                    for key in doc if key != "project"]
        if not isinstance(data, Mapping):
            problems.append(Problem(path.name, _line(text, "project"), "project", repr(data),
                                    Text("[project] 表", "a [project] table"),
                                    Text("写成 [project] 再逐行写设置",
                                         "write [project] and one setting per line")))
            data = {}
        problems += setting_problems(data, file=path.name, lines=text)
        if problems:
            raise ValidationError(problems, summary=_summary(str(path), len(problems)))
        return cls(**data)

    def write(self, root: Path) -> Path:
        """Write the settings to ``root/tongcheng.toml`` and return its path."""
        lines = ["# tongcheng project settings (every setting: docs/settings.md)", "[project]"]
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in asdict(self).items()]
        path = root / SETTINGS_FILE
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def setting_problems(values: Mapping[str, Any], *, file: str = SETTINGS_FILE,
                     lines: str = "") -> list[Problem]:
    """Every problem of a set of settings: unknown names, wrong types, values not allowed.

    Parameters
    ----------
    values
        Setting name → value, as read from the ``[project]`` table.
    file
        File name used to locate the problems.
    lines
        The file's text, to give each problem the line of its setting.

    Returns
    -------
    list of Problem
        Empty when every setting is valid.
    """
    known = {f.name: f for f in fields(Settings)}
    problems: list[Problem] = []
    for key, value in values.items():
        row = _line(lines, key) if lines else None
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
            fix = (Text(f"改为 {close[0]}", f"rename it to {close[0]}") if close
                   else Text("删除该行", "remove the line"))
            problems.append(Problem(file, row, key, None,
                                    Text("已知设置之一: ", "one of the settings ") + ", ".join(known), fix))
            continue
        kind = str(known[key].type)
        if isinstance(value, bool) or not isinstance(value, _TYPES[kind]):
            word = Text("文本(加引号)", "text (in quotes)") if kind == "str" else Text("数值", "a number")
            problems.append(Problem(file, row, key, str(value), word,
                                    Text(f"写成 {key} = {_example(key)}", f"write {key} = {_example(key)}")))
            continue
        problems += _value_problems(key, value, file, row)
    return problems


def _value_problems(key: str, value: Any, file: str, row: int | None) -> list[Problem]:
    choices = {"region": REGIONS, "lang": LANGS}
    if key in choices and value not in choices[key]:
        allowed = ", ".join(choices[key])
        close = difflib.get_close_matches(str(value), choices[key], n=1, cutoff=0.5)
        fix = Text(f"改为 {close[0]}", f"use {close[0]}") if close else Text(f"改为 {allowed} 之一",
                                                                             f"use one of {allowed}")
        return [Problem(file, row, key, str(value), Text("以下之一: ", "one of ") + allowed, fix)]
    if key == "database_url" and _scheme(value) not in DATABASE_SCHEMES:
        return [Problem(file, row, key, str(value),
                        Text("以 sqlite:/// 或 postgresql+psycopg:// 开头的数据库地址",
                             "a database URL starting with sqlite:/// or postgresql+psycopg://"),
                        Text("例如 sqlite:///tongcheng.db 或 postgresql+psycopg://user@host/db",
                             "e.g. sqlite:///tongcheng.db or postgresql+psycopg://user@host/db"))]
    if key == "plausibility_jump" and not (math.isfinite(value) and value > 1):
        return [Problem(file, row, key, str(value), Text("大于 1 的数", "a number greater than 1"),
                        Text("例如 plausibility_jump = 10.0", "e.g. plausibility_jump = 10.0"))]
    if key in ("name", "map_indicator") and not str(value).strip():
        return [Problem(file, row, key, str(value), Text("非空文本", "non-empty text"),
                        Text(f"写成 {key} = {_example(key)}", f"write {key} = {_example(key)}"))]
    return []


def check_map_indicator(settings: Settings, codes: Iterable[str], *, file: str = SETTINGS_FILE) -> None:
    """Check that ``map_indicator`` is a code of the project's indicator catalogue.

    Parameters
    ----------
    settings
        The project's settings.
    codes
        Codes of the catalogue (``store.indicators()["code"]``).
    file
        File name used to locate the problem.

    Raises
    ------
    ValidationError
        The code is unknown; the message names close codes.
    """
    known = sorted({str(c) for c in codes})
    code = settings.map_indicator
    if code in known:
        return
    close = difflib.get_close_matches(code, known, n=3, cutoff=0.5)
    hint = ", ".join(close) if close else ", ".join(known[:8])
    problem = Problem(file, None, "map_indicator", code,
                      Text("项目指标目录中的指标代码", "a code of the project's indicator catalogue"),
                      Text(f"改为其一(相近: {hint});全部代码见 `tongcheng indicators list`",
                            f"use one of them (close: {hint}); all codes: `tongcheng indicators list`"))
    raise ValidationError([problem], summary=_summary(file, 1))


def _summary(file: str, n: int) -> Text:
    return Text(f"项目设置 {file} 有 {n} 个问题", f"project settings {file}: {n} problem(s)")


def _line(text: str, key: str) -> int | None:
    match = re.search(rf"^[ \t]*\[?[ \t]*\"?{re.escape(key)}\"?[ \t]*[=\]]", text, flags=re.MULTILINE)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _scheme(url: str) -> str:
    head = url.split("://", 1)[0] if "://" in url else ""
    return head.split("+", 1)[0].lower()


def _example(key: str) -> str:
    return json.dumps(getattr(Settings, key), ensure_ascii=False)


def project_language(root: str | Path) -> str:
    """Return the language of the project in ``root``; ``"zh"`` when there is none or it is unreadable.

    For messages that must speak before (or without) a project being opened: errors about the
    project itself, and the command line's own usage errors.
    """
    try:
        return Settings.read(Path(root)).lang
    except Exception:  # no project (yet), or a broken one: the default language
        return "zh"
