"""One error hierarchy for tongcheng.

Every error raised on purpose by the library derives from :class:`TongchengError` and
also from the built-in exception it refines, so callers can catch either. Validation
errors carry *every* problem found, each located by file, sheet, row and column, with
what was expected and how to fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = [
    "BrowserUnavailableError",
    "DataError",
    "MissingTranslationError",
    "Problem",
    "ProjectError",
    "StoreError",
    "TongchengError",
    "UnitMatchError",
    "ValidationError",
]


class TongchengError(Exception):
    """Base class of every error tongcheng raises on purpose."""


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
    expected: str
    fix: str
    sheet: str | None = None
    severity: str = "error"

    def location(self) -> str:
        """Return ``file[sheet]:row:column`` as far as known."""
        where = self.file or "<input>"
        if self.sheet:
            where += f"[{self.sheet}]"
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f" column '{self.column}'"
        return where

    def __str__(self) -> str:
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{self.location()}{got}; expected {self.expected}. Fix: {self.fix}"

    def to_dict(self) -> dict[str, object]:
        """Return the problem as a plain dict (for JSON and tables)."""
        return asdict(self)


class ValidationError(TongchengError, ValueError):
    """Input failed validation; ``problems`` lists every problem found.

    Parameters
    ----------
    problems
        All problems found (errors and warnings). At least one is an error.
    summary
        A one-line summary shown before the list.
    """

    def __init__(self, problems: list[Problem], summary: str | None = None) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        head = summary or f"{len(errors)} problem(s) found; nothing was written"
        lines = [head, *(f"  - {p}" for p in self.problems)]
        super().__init__("\n".join(lines))

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

    def __init__(self, query: str, candidates: list[tuple[str, str]]) -> None:
        self.query = query
        self.candidates = list(candidates)
        if candidates:
            opts = ", ".join(f"{n} ({c})" for c, n in candidates)
            msg = f"'{query}' is ambiguous: it matches {opts}. Use the 6-digit code instead."
        else:
            msg = f"'{query}' matches no unit. Use a GB/T 2260 code or a name from `tongcheng units list`."
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
