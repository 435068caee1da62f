"""Read statistical tables (CSV or Excel) exactly as a person sees them.

Everything is read as text, so that validation can report the original cell value,
and rows are numbered as in a spreadsheet (the header is row 1, the first data row
is row 2).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._errors import Problem, ValidationError

__all__ = ["RawTable", "read_table"]

_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}


@dataclass(frozen=True)
class RawTable:
    """A table as read from a file: every cell text, rows numbered as in a spreadsheet.

    Attributes
    ----------
    frame
        The cells as strings (empty cells are ``""``), columns = stripped header texts.
    file
        File name (without folders) for messages.
    sheet
        Sheet name for Excel files, ``None`` for CSV.
    """

    frame: pd.DataFrame
    file: str
    sheet: str | None = None

    def row_number(self, position: int) -> int:
        """Return the spreadsheet row number of the data row at ``position`` (0-based)."""
        return position + 2

    def problem(self, position: int | None, column: str | None, value: object, *,
                expected: str, fix: str, severity: str = "error") -> Problem:
        """Build a :class:`~tongcheng.Problem` located in this table."""
        row = None if position is None else self.row_number(position)
        text = None if value is None else str(value)
        return Problem(file=self.file, sheet=self.sheet, row=row, column=column,
                       value=text, expected=expected, fix=fix, severity=severity)


def _whole_file_problem(path: Path, expected: str, fix: str, *, sheet: str | None = None,
                        row: int | None = None, value: str | None = None) -> ValidationError:
    problem = Problem(file=path.name, sheet=sheet, row=row, column=None, value=value,
                      expected=expected, fix=fix)
    return ValidationError([problem])


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            msg = f"{encoding} text"
            raise _whole_file_problem(path, msg, "check the --encoding value") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            looks = "the file looks GBK/GB18030-encoded (common for Excel exports on Chinese Windows)"
            fix = "re-save it as 'CSV UTF-8' in Excel, or import again with --encoding gbk"
        except UnicodeDecodeError:
            looks = "the bytes are not valid UTF-8"
            fix = "re-save the file as UTF-8, or pass its encoding with --encoding"
        snippet = data[exc.start : exc.start + 4].hex(" ")
        raise _whole_file_problem(
            path, f"UTF-8 text; {looks}", fix, row=line, value=f"bytes {snippet}"
        ) from exc


def _read_csv(path: Path, encoding: str | None) -> RawTable:
    text = _decode(path, path.read_bytes(), encoding)
    if not text.strip():
        raise _whole_file_problem(path, "a header row and at least one data row",
                                  "the file is empty; export the table again")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                        skip_blank_lines=True)
    return _finish(frame, path, None)


def _read_excel(path: Path, sheet: str | None) -> RawTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise _whole_file_problem(path, "an .xlsx workbook",
                                  "open it in Excel and save as .xlsx", value=str(exc)) from exc
    try:
        names = list(book.sheetnames)
        if sheet is None:
            sheet = names[0]
        elif sheet not in names:
            raise _whole_file_problem(
                path, f"a sheet named one of {names}",
                f"pass --sheet with one of: {', '.join(names)}", value=sheet)
        rows = [["" if v is None else _cell_text(v) for v in r]
                for r in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise _whole_file_problem(path, "a header row and at least one data row",
                                  "the sheet is empty; choose another with --sheet", sheet=sheet)
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    frame = pd.DataFrame(rows[1:], columns=[str(c) for c in rows[0]], dtype=object)
    return _finish(frame, path, sheet)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _finish(frame: pd.DataFrame, path: Path, sheet: str | None) -> RawTable:
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    keep = [c for c in frame.columns if c and not c.startswith("Unnamed:")]
    frame = frame.loc[:, keep].astype(object).fillna("")
    frame = frame.map(lambda v: str(v).strip())
    if frame.empty:
        raise _whole_file_problem(path, "at least one data row below the header",
                                  "the table has only a header; fill in data rows", sheet=sheet)
    return RawTable(frame=frame.reset_index(drop=True), file=path.name, sheet=sheet)


def read_table(path: str | Path, *, sheet: str | None = None,
               encoding: str | None = None) -> RawTable:
    """Read a CSV or Excel file as text cells.

    Parameters
    ----------
    path
        A ``.csv`` (comma, semicolon or tab separated) or ``.xlsx`` file.
    sheet
        Sheet to read from a workbook (default: the first). Ignored for CSV.
    encoding
        Text encoding of a CSV. By default UTF-8 (with or without BOM) is required, so
        that a GBK file is never mis-read silently; pass ``"gbk"`` to read one.

    Returns
    -------
    RawTable
        The cells as strings with spreadsheet row numbering.

    Raises
    ------
    ValidationError
        The file is missing, empty, of an unknown type, not decodable, or the sheet
        does not exist. The problem names the file, sheet and row.
    """
    path = Path(path)
    if not path.is_file():
        raise _whole_file_problem(path, "an existing file", "check the path")
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise _whole_file_problem(path, "a header row and at least one data row",
                                  "the file is empty (0 bytes); export the table again")
    if suffix in _EXCEL_SUFFIXES:
        return _read_excel(path, sheet)
    if suffix in _CSV_SUFFIXES:
        return _read_csv(path, encoding)
    raise _whole_file_problem(path, "a .csv or .xlsx file", "save the table as CSV (UTF-8) or .xlsx",
                              value=suffix or "(no suffix)")
