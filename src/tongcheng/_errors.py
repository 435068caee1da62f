"""One error hierarchy for tongcheng.

Every error raised on purpose by the library derives from :class:`TongchengError` and
also from the built-in exception it refines, so callers can catch either. Validation
errors carry *every* problem found, each located by file, sheet, row and column, with
what was expected and how to fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ._text import Text, render

__all__ = [
    "BrowserUnavailableError",
    "DataError",
    "MissingTranslationError",
    "Problem",
    "ProjectError",
    "StoreError",
    "Text",
    "TongchengError",
    "UnitMatchError",
    "ValidationError",
]


class TongchengError(Exception):
    """Base class of every error tongcheng raises on purpose.

    Parameters
    ----------
    message
        What went wrong and how to fix it: a :class:`~tongcheng._text.Text` (Chinese and
        English; ``str()`` of the error is the English) or a plain ``str``.

    Examples
    --------
    >>> err = ProjectError(Text("缺少 tongcheng.toml", "no tongcheng.toml"))
    >>> str(err), err.render("zh")
    ('no tongcheng.toml', '缺少 tongcheng.toml')
    """

    def __init__(self, message: str | Text = "", *args: object) -> None:
        self.text: Text | None = message if isinstance(message, Text) else None
        super().__init__(str(message), *args)

    def render(self, lang: str) -> str:
        """Return the message in ``lang`` (``"zh"`` or ``"en"``)."""
        if self.text is not None:
            return self.text.render(lang)
        return str(self)


@dataclass(frozen=True)
class Problem:
    """One located problem in an input.

    Attributes
    ----------
    file
        File name the problem was found in (or ``""`` for in-memory input).
    row
        1-based row number as a person sees it in a spreadsheet (header = row 1),
        or ``None`` when the problem concerns the whole file or a column.
    column
        Column header, or ``None``.
    value
        The offending value as text, or ``None``.
    expected
        What was expected there.
    fix
        How to fix it.
    sheet
        Excel sheet name, or ``None`` for CSV.
    severity
        ``"error"`` (blocks the import) or ``"warning"`` (reported, import goes on).
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str | Text
    fix: str | Text
    sheet: str | None = None
    severity: str = "error"

    def location(self, lang: str = "en") -> str:
        """Return where the problem is (file, sheet, row, column as far as known) in ``lang``."""
        where = self.file or "<input>"
        if lang == "zh":
            if self.sheet:
                where += f" 工作表「{self.sheet}」"
            if self.row is not None:
                where += f" 第 {self.row} 行"
            if self.column is not None:
                where += f" 「{self.column}」列"
            return where
        if self.sheet:
            where += f"[{self.sheet}]"
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f" column '{self.column}'"
        return where

    def render(self, lang: str) -> str:
        """Return the problem as one line in ``lang`` (``"zh"`` or ``"en"``)."""
        if lang == "zh":
            got = "" if self.value is None else f": 值为 {self.value!r}"
            tag = "警告 " if self.severity == "warning" else ""
            return (f"{tag}{self.location('zh')}{got}；应为 {render(self.expected, 'zh')}。"
                    f"修改方法: {render(self.fix, 'zh')}")
        got = "" if self.value is None else f": got {self.value!r}"
        tag = "warning: " if self.severity == "warning" else ""
        return (f"{tag}{self.location()}{got}; expected {render(self.expected, 'en')}. "
                f"Fix: {render(self.fix, 'en')}")

    def __str__(self) -> str:
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{self.location()}{got}; expected {self.expected}. Fix: {self.fix}"

    def to_dict(self, lang: str | None = None) -> dict[str, object]:
        """Return the problem as a plain dict (for JSON and tables).

        ``expected`` and ``fix`` are given in ``lang``; without one, as ``{"zh", "en"}``
        dicts where they are bilingual.
        """
        out = asdict(self)
        for key in ("expected", "fix"):
            value = getattr(self, key)
            if isinstance(value, Text):
                out[key] = value.render(lang) if lang else {"zh": value.zh, "en": value.en}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Problem:
        """Rebuild a problem from :meth:`to_dict` output (bilingual fields kept)."""
        values = dict(data)
        for key in ("expected", "fix"):
            value = values.get(key)
            if isinstance(value, dict):
                values[key] = Text(str(value.get("zh", "")), str(value.get("en", "")))
        return cls(**values)  # type: ignore[arg-type]


class ValidationError(TongchengError, ValueError):
    """Input failed validation; ``problems`` lists every problem found.

    Parameters
    ----------
    problems
        All problems found (errors and warnings). At least one is an error.
    summary
        A one-line summary shown before the list.
    """

    def __init__(self, problems: list[Problem], summary: str | Text | None = None) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        self.summary: str | Text = summary or Text(
            f"发现 {len(errors)} 个问题,未写入任何数据",
            f"{len(errors)} problem(s) found; nothing was written")
        lines = [str(self.summary), *(f"  - {p}" for p in self.problems)]
        super().__init__("\n".join(lines))
        self.text = None

    def render(self, lang: str) -> str:
        """Return the summary and every problem, one per line, in ``lang``."""
        lines = [render(self.summary, lang), *(f"  - {p.render(lang)}" for p in self.problems)]
        return "\n".join(lines)

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``"error"``."""
        return [p for p in self.problems if p.severity == "error"]


class UnitMatchError(TongchengError, LookupError):
    """A unit name or code could not be matched to exactly one unit.

    Parameters
    ----------
    query
        The name or code that was looked up.
    candidates
        ``(code, name)`` pairs that could be meant; empty when nothing is close.
    """

    def __init__(self, query: str, candidates: list[tuple[str, str]], *,
                 ambiguous: bool | None = None) -> None:
        self.query = query
        self.candidates = list(candidates)
        self.ambiguous = bool(candidates) if ambiguous is None else ambiguous
        opts = ", ".join(f"{n} ({c})" for c, n in candidates)
        if self.ambiguous:
            msg = Text(f"「{query}」有歧义,可指 {opts}。请改用行政区划代码。",
                       f"'{query}' is ambiguous: it matches {opts}. Use the unit code instead.")
        elif candidates:
            msg = Text(f"未找到单元「{query}」。相近的有: {opts}。",
                       f"'{query}' matches no unit; close ones: {opts}.")
        else:
            msg = Text(f"未找到单元「{query}」。请使用行政区划代码或 `tongcheng units list` 中的名称。",
                       f"'{query}' matches no unit. Use a GB/T 2260 code or a name from "
                       "`tongcheng units list`.")
        super().__init__(msg)


class DataError(TongchengError, ValueError):
    """Data given to a computation is unusable (wrong shape, missing values, ...)."""


class ProjectError(TongchengError, RuntimeError):
    """A project folder is missing, incomplete or not a tongcheng project."""


class StoreError(TongchengError, RuntimeError):
    """The store refused an operation (conflicting values, bad URL, migration state)."""


class MissingTranslationError(TongchengError, KeyError):
    """A UI string key or a language is not defined in the report's string tables."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class BrowserUnavailableError(TongchengError, RuntimeError):
    """selenium, Chromium or chromedriver is missing (headless report checks)."""
