"""Read statistical tables (CSV or Excel) exactly as a person sees them.

Everything is read as text, so that validation can report the original cell value, and
every data row keeps the number it has in a spreadsheet: blank rows and title lines above
the header are counted, never skipped silently, and the first data row below a header in
row 1 is row 2.

What is refused before anything is parsed, each with a located message in Chinese and
English: a missing path, a folder, an empty file, a file larger than :data:`MAX_FILE_BYTES`,
a sheet declaring more than :data:`MAX_CELLS` cells, and files that are not what their name
says (an old ``.xls``, an OpenDocument or Numbers file, a damaged or truncated ``.xlsx``, a
zip that is not a workbook, binary data, UTF-16 or GBK text without ``encoding``).
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._errors import Problem, ValidationError
from .._text import Text

__all__ = ["MAX_CELLS", "MAX_FILE_BYTES", "MAX_UNZIPPED_BYTES", "RawTable", "read_table"]

#: Largest file read (bytes). A statistics table of a region (every county, a hundred
#: indicators, twenty years in the long layout) is a few tens of megabytes; anything larger
#: is refused before it is read, so that a wrong file cannot exhaust the memory.
MAX_FILE_BYTES = 100 * 2**20
#: Largest number of cells in one table or sheet (rows × columns), checked against a
#: workbook's declared dimension before its cells are read, and counted while reading.
MAX_CELLS = 5_000_000
#: Largest total size of the parts of an ``.xlsx`` once unzipped (a "zip bomb" guard).
MAX_UNZIPPED_BYTES = 1 * 2**30

_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_DELIMITERS = (",", ";", "\t", "|")
_TITLE_SCAN = 30        # non-blank rows looked at to find the header
_HEADER_SHARE = 0.6     # a header fills at least this share of the widest of those rows
_SHOWN_ROWS = 5         # rows listed by number in a grouped message
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_RESAVE = Text("用 Excel 或 WPS 打开该文件,另存为「Excel 工作簿 (*.xlsx)」或「CSV UTF-8 (逗号分隔)」后再导入",
               "open the file in Excel or WPS and save it as 'Excel Workbook (*.xlsx)' or "
               "'CSV UTF-8 (comma delimited)', then import that file")
_ROWS_NEEDED = Text("一行表头和至少一行数据", "a header row and at least one data row")


@dataclass(frozen=True)
class RawTable:
    """A table as read from a file: every cell text, rows numbered as in a spreadsheet.

    Attributes
    ----------
    frame
        The data rows (blank rows left out) as strings (empty cells are ``""``); columns
        are the stripped header texts.
    file
        File name (without folders) for messages.
    sheet
        Sheet name for Excel files, ``None`` for CSV.
    rows
        Spreadsheet row number of each row of ``frame`` (the header's row plus blank rows
        and title lines above it counted). Empty: the header is row 1 and no row is blank.
    notes
        Warnings found while reading (title lines above the header, short rows, a hidden
        sheet chosen explicitly); parsers add them to their problems.
    delimiter
        The separator of a CSV (``","``, ``";"``, tab or ``"|"``); ``None`` for Excel.
    header_row
        Spreadsheet row of the header.
    """

    frame: pd.DataFrame
    file: str
    sheet: str | None = None
    rows: tuple[int, ...] = ()
    notes: tuple[Problem, ...] = ()
    delimiter: str | None = None
    header_row: int = 1

    def row_number(self, position: int) -> int:
        """Return the spreadsheet row number of the data row at ``position`` (0-based)."""
        if self.rows:
            return self.rows[position]
        return position + self.header_row + 1

    def problem(self, position: int | None, column: str | None, value: object, *,
                expected: str | Text, fix: str | Text, severity: str = "error") -> Problem:
        """Build a :class:`~tongcheng.Problem` located in this table."""
        row = None if position is None else self.row_number(position)
        text = None if value is None else str(value)
        return Problem(file=self.file, sheet=self.sheet, row=row, column=column,
                       value=text, expected=expected, fix=fix, severity=severity)

    def header_problem(self, column: str, *, expected: str | Text, fix: str | Text,
                       severity: str = "error") -> Problem:
        """Build a problem of a column header, located at the header's row."""
        return Problem(file=self.file, sheet=self.sheet, row=self.header_row, column=column,
                       value=column, expected=expected, fix=fix, severity=severity)


def _refuse(path: Path, expected: str | Text, fix: str | Text, *, sheet: str | None = None,
            row: int | None = None, column: str | None = None,
            value: str | None = None) -> ValidationError:
    problem = Problem(file=path.name, sheet=sheet, row=row, column=column, value=value,
                      expected=expected, fix=fix)
    return ValidationError([problem], summary=Text(f"{path.name}: 无法读取,未写入任何数据",
                                                   f"{path.name}: cannot be read; nothing was written"))


def _too_large(path: Path, size: int, limit: int, what: Text, fix: Text) -> ValidationError:
    mb = limit >> 20
    return _refuse(path, Text(f"一个不超过 {mb} MB 的{what.zh}", f"a {what.en} of at most {mb} MB"), fix,
                   value=f"{size / 2**20:.0f} MB")


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 → ``"A"``, 27 → ``"AB"``)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


# -- what kind of file ---------------------------------------------------------------------


def _zip_kind(path: Path) -> str:
    """Return ``"xlsx"``, ``"ods"``, ``"numbers"``, ``"zip"`` or ``"broken"`` for a zip file."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                return "ods"
            if any(n.startswith("Index/") or n == "Index.zip" for n in names):
                return "numbers"
            return "zip"
    except (zipfile.BadZipFile, OSError, EOFError, KeyError):
        return "broken"


_MISMATCH: dict[str, tuple[Text, Text]] = {
    "xls": (Text("一个 .xlsx 工作簿或 CSV 文件(这是旧版 Excel 97-2003 .xls 文件,或设置了打开密码的工作簿)",
                 "an .xlsx workbook or a CSV (this is an old Excel 97-2003 .xls file, or a workbook "
                 "protected by a password)"),
            Text("用 Excel 或 WPS 打开,取消密码,另存为「Excel 工作簿 (*.xlsx)」",
                 "open it in Excel or WPS, remove any password and save it as 'Excel Workbook (*.xlsx)'")),
    "ods": (Text("一个 .xlsx 工作簿或 CSV 文件(这是 OpenDocument .ods 表格)",
                 "an .xlsx workbook or a CSV (this is an OpenDocument .ods spreadsheet)"), _RESAVE),
    "numbers": (Text("一个 .xlsx 工作簿或 CSV 文件(这是 Apple Numbers 文件)",
                     "an .xlsx workbook or a CSV (this is an Apple Numbers file)"),
                Text("在 Numbers 中选择「文件 › 导出为 › Excel」,再导入导出的 .xlsx",
                     "in Numbers choose File › Export To › Excel and import the .xlsx")),
    "broken": (Text("一个完整的 .xlsx 工作簿(文件已损坏或不完整,例如下载或复制中断)",
                    "a complete .xlsx workbook (the file is damaged or truncated, e.g. an interrupted "
                    "download or copy)"),
               Text("重新获取或复制该文件,或用 Excel/WPS 打开并另存为 .xlsx",
                    "get or copy the file again, or open it in Excel or WPS and save it as .xlsx")),
    "zip": (Text("一个 .xlsx 工作簿(这是一个压缩包,不是工作簿)",
                 "an .xlsx workbook (this is a zip archive, not a workbook)"),
            Text("解压后导入其中的表格文件", "unzip it and import the table inside")),
    "csv_as_xlsx": (Text("一个 .xlsx 工作簿(该文件是纯文本,可能是改了扩展名的 CSV)",
                         "an .xlsx workbook (the file is plain text, perhaps a CSV renamed to .xlsx)"),
                    Text("若它是 CSV,把扩展名改为 .csv;否则用 Excel 另存为 .xlsx",
                         "if it is a CSV, rename it to .csv; otherwise save it from Excel as .xlsx")),
    "xlsx_as_csv": (Text("一个 CSV 文本文件(该文件是压缩包,可能是改了扩展名的 .xlsx)",
                         "a CSV text file (this is a zip archive, perhaps an .xlsx renamed to .csv)"),
                    Text("若它是 Excel 工作簿,把扩展名改为 .xlsx",
                         "if it is an Excel workbook, rename it to .xlsx")),
    "suffix": (Text("一个 .csv 或 .xlsx 文件", "a .csv or .xlsx file"),
               Text("把表格保存为 CSV (UTF-8) 或 .xlsx", "save the table as CSV (UTF-8) or .xlsx")),
}


def _not_a_table(path: Path, head: bytes) -> ValidationError | None:
    """Return the error for a file that is not a CSV or workbook as its name says, else None."""
    suffix = path.suffix.lower()
    kind = ("ole2" if head.startswith(_OLE2) else _zip_kind(path) if head.startswith(_ZIP)
            else "text")
    excel, text = suffix in _EXCEL_SUFFIXES, suffix in _CSV_SUFFIXES
    checks = (
        ("xls", suffix in (".xls", ".et") or kind == "ole2"),
        ("ods", suffix == ".ods" or kind == "ods"),
        ("numbers", suffix == ".numbers" or kind == "numbers"),
        ("broken", excel and kind == "broken"),
        ("zip", excel and kind == "zip"),
        ("csv_as_xlsx", excel and kind == "text"),
        ("xlsx_as_csv", text and kind in ("xlsx", "zip", "broken")),
        ("suffix", not excel and not text),
    )
    key = next((k for k, hit in checks if hit), None)
    if key is None:
        return None
    expected, fix = _MISMATCH[key]
    shown = (suffix or "(no suffix)") if key == "suffix" else None
    return _refuse(path, expected, fix, value=shown)


# -- CSV -----------------------------------------------------------------------------------


def _is_binary(data: bytes) -> bool:
    """Tell whether bytes are no text table in any encoding (NUL or many control bytes)."""
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(sample) // 100)


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except LookupError as exc:
            raise _refuse(path, Text("一个已知的编码名称,如 gbk、utf-8、utf-16",
                                     "a known encoding name such as gbk, utf-8 or utf-16"),
                          Text("检查 --encoding 的值", "check the --encoding value"),
                          value=encoding) from exc
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise _refuse(path, Text(f"{encoding} 编码的文本", f"{encoding} text"),
                          Text("检查 --encoding 的值(文件可能是 UTF-8,此时不用 --encoding)",
                               "check the --encoding value (if the file is UTF-8, leave "
                               "--encoding out)"),
                          row=line, value=f"bytes {data[exc.start:exc.start + 4].hex(' ')}") from exc
        if "\x00" in text:
            raise _refuse(path, Text(f"{encoding} 编码的文本(解码后含有空字符)",
                                     f"{encoding} text (the decoded text holds NUL characters)"),
                          Text("检查 --encoding 的值", "check the --encoding value"))
        return text
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in data[:4096] and _utf16_like(data)):
        raise _refuse(path, Text("UTF-8 文本;该文件是 UTF-16 编码(Excel「Unicode 文本」)",
                                 "UTF-8 text; the file is UTF-16 encoded (Excel 'Unicode Text')"),
                      Text("在 Excel 中另存为「CSV UTF-8 (逗号分隔)」,或加 --encoding utf-16 再导入",
                           "save it from Excel as 'CSV UTF-8 (comma delimited)', or import again "
                           "with --encoding utf-16"))
    if _is_binary(data):
        raise _refuse(path, Text("一个文本表格(该文件含有二进制数据,不是 CSV)",
                                 "a text table (the file holds binary data; it is not a CSV)"),
                      Text("检查是否选错了文件;表格请保存为 CSV (UTF-8) 或 .xlsx",
                           "check that this is the right file; save tables as CSV (UTF-8) or .xlsx"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            looks = Text("文件看起来是 GBK/GB18030 编码(中文 Windows 上 Excel 导出的常见编码)",
                         "the file looks GBK/GB18030-encoded (common for Excel exports on "
                         "Chinese Windows)")
            fix = Text("在 Excel 中另存为「CSV UTF-8」,或加 --encoding gbk 再导入",
                       "re-save it as 'CSV UTF-8' in Excel, or import again with --encoding gbk")
        except UnicodeDecodeError:
            looks = Text("这些字节不是有效的 UTF-8", "the bytes are not valid UTF-8")
            fix = Text("把文件另存为 UTF-8,或用 --encoding 给出其编码",
                       "re-save the file as UTF-8, or pass its encoding with --encoding")
        snippet = data[exc.start : exc.start + 4].hex(" ")
        raise _refuse(path, Text("UTF-8 文本;", "UTF-8 text; ") + looks, fix, row=line,
                      value=f"bytes {snippet}") from exc


def _utf16_like(data: bytes) -> bool:
    sample = data[:4096]
    return sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4


def _pick_delimiter(text: str) -> str:
    """Return the separator that splits the first lines into the most rows of one width (> 1)."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best, best_score = ",", (0, 0)
    for delim in _DELIMITERS:
        try:
            widths = [len(r) for r in csv.reader(io.StringIO(sample, newline=None), delimiter=delim)
                      if any(c.strip() for c in r)]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        mode = max(set(wide), key=lambda w: (wide.count(w), w))
        score = (wide.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _csv_rows(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (spreadsheet row, cells); a quote left open or misplaced is a located error."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter, strict=True)
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger" in str(exc):
                limit = csv.field_size_limit()
                expected = Text(f"不超过 {limit:,} 个字符的单元格", f"cells of at most {limit:,} characters")
                fix = Text("这一行有一个极长的单元格(常见原因: 未闭合的引号吞掉了后面的行);检查引号,"
                           "或把长文本移出表格",
                           "a cell of this row is extremely long (often a quote left open swallowing the "
                           "rows after it): check the quotes, or move long text out of the table")
            elif "unexpected end of data" in str(exc):
                expected = Text("每个以英文引号 \" 开始的单元格都有配对的结束引号",
                                "every cell that opens a quote \" to close it")
                fix = Text("这一行有未闭合的引号,其后的行都被读进了同一个单元格:补上结束引号或删去该引号",
                           "a quote opened in this row is never closed, so the rows after it run "
                           "into one cell: close the quote or remove it")
            else:
                expected = Text("引号只包住整个单元格", "quotes around whole cells only")
                fix = Text("单元格中间的引号要写成两个 \"\",或去掉引号",
                           "write a quote inside a cell as two quotes \"\", or remove it")
            raise _refuse(path, expected, fix, row=row, value=str(exc)) from exc
        yield row, cells


def _read_csv(path: Path, encoding: str | None) -> RawTable:
    text = _decode(path, path.read_bytes(), encoding)
    if not text.strip():
        raise _refuse(path, _ROWS_NEEDED, Text("文件是空的,请重新导出表格",
                                               "the file is empty; export the table again"))
    delimiter = _pick_delimiter(text)
    return _build(path, _csv_rows(path, text, delimiter), sheet=None, delimiter=delimiter)


# -- Excel ---------------------------------------------------------------------------------


def _open_book(path: Path, *, data_only: bool):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:
        raise _refuse(path, Text("一个可以打开的 .xlsx 工作簿(文件已损坏)",
                                 "an .xlsx workbook that opens (the file is damaged)"),
                      Text("用 Excel 或 WPS 打开并另存为 .xlsx,或重新获取该文件",
                           "open it in Excel or WPS and save it as .xlsx, or get the file again"),
                      value=f"{type(exc).__name__}: {str(exc)[:200]}") from exc


def _has_formulas(path: Path) -> bool:
    """Tell whether a worksheet of the workbook holds a formula (an ``<f>`` element)."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with archive.open(info) as handle:
                    tail = b""
                    for block in iter(lambda h=handle: h.read(1 << 20), b""):
                        if re.search(rb"<(?:\w+:)?f[ >/]", tail + block):
                            return True
                        tail = block[-8:]
    return False


def _check_unzipped_size(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        total = sum(i.file_size for i in archive.infolist())
    if total > MAX_UNZIPPED_BYTES:
        raise _too_large(path, total, MAX_UNZIPPED_BYTES, Text("工作簿(解压后)", "workbook (unzipped)"),
                         Text("该文件解压后过大;只把需要的表格复制到新工作簿中再导入",
                              "the file is far too large unzipped; copy the table you need into a new "
                              "workbook and import that"))


def _pick_sheet(path: Path, book: object, sheet: str | None) -> tuple[str, list[Problem]]:
    """Return the sheet to read (default: the first visible one) and warnings."""
    sheets = list(book.worksheets)  # type: ignore[attr-defined]
    names = [ws.title for ws in sheets]
    visible = [ws.title for ws in sheets if ws.sheet_state == "visible"]
    listed = ", ".join(f"{n}" + ("" if n in visible else " (hidden)") for n in names)
    if sheet is None:
        if not visible:
            raise _refuse(path, Text("至少一个可见的工作表", "at least one visible worksheet"),
                          Text(f"用 --sheet 指定要读的工作表: {listed}",
                               f"choose the sheet with --sheet: {listed}"))
        return visible[0], []
    if sheet not in names:
        charts = list(getattr(book, "chartsheets", []))
        if sheet in [c.title for c in charts]:
            expected = Text("一个含单元格的工作表(这是图表工作表)",
                            "a worksheet with cells (this is a chart sheet)")
        else:
            expected = Text(f"一个名为以下之一的工作表: {names}", f"a sheet named one of {names}")
        raise _refuse(path, expected, Text(f"--sheet 请用以下之一: {listed}",
                                           f"pass --sheet with one of: {listed}"), value=sheet)
    if sheet in visible:
        return sheet, []
    note = Problem(file=path.name, sheet=sheet, row=None, column=None, value=sheet, severity="warning",
                   expected=Text("一个可见的工作表(该工作表在 Excel 中是隐藏的)",
                                 "a visible sheet (this sheet is hidden in Excel)"),
                   fix=Text("已按 --sheet 读取隐藏的工作表;请确认这正是要导入的数据",
                            "the hidden sheet was read because --sheet names it; make sure it "
                            "holds the figures you mean to import"))
    return sheet, [note]


def _declared_cells(path: Path, ws: object, sheet: str) -> None:
    """Refuse a sheet whose declared dimension exceeds :data:`MAX_CELLS`."""
    rows, cols = getattr(ws, "max_row", None), getattr(ws, "max_column", None)
    if rows and cols and rows * cols > MAX_CELLS:
        raise _refuse(path, Text(f"一个不超过 {MAX_CELLS:,} 个单元格的工作表",
                                 f"a sheet of at most {MAX_CELLS:,} cells"),
                      Text("该工作表声明的范围过大(常见原因: 表格下方或右侧有格式化的空行空列);"
                           "删除表格下方和右侧的空行空列后保存,或把表格复制到新工作表",
                           "the sheet declares a huge range (often formatted empty rows or columns "
                           "below or beside the table): delete the empty rows and columns after the "
                           "table and save, or copy the table to a new sheet"),
                      sheet=sheet, value=f"{rows:,} rows × {cols:,} columns")


def _is_formula(value: object) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in (
        "ArrayFormula", "DataTableFormula")


def _excel_rows(path: Path, values: object, sheet: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (row, cells) of a sheet of the open workbook ``values`` (cached results).

    Formulas without a stored result are a located error.
    """
    formulas = _open_book(path, data_only=False) if _has_formulas(path) else None
    missing: list[str] = []
    row = 0
    try:
        ws = values[sheet]  # type: ignore[index]
        _declared_cells(path, ws, sheet)
        ws.reset_dimensions()
        value_rows: Iterable[tuple[object, ...]] = ws.iter_rows(values_only=True)
        if formulas is not None:
            fws = formulas[sheet]
            fws.reset_dimensions()
            formula_rows: Iterable[tuple[object, ...] | None] = fws.iter_rows(values_only=True)
        else:
            formula_rows = iter(lambda: None, 0)  # endless Nones
        for cells, shown in zip(value_rows, formula_rows, strict=False):
            row += 1
            if shown is not None:
                pairs = enumerate(zip(cells, shown, strict=False))
                missing.extend(f"{column_letter(i)}{row}" for i, (v, f) in pairs
                               if v is None and _is_formula(f))
            yield row, ["" if v is None else _cell_text(v) for v in cells]
    except ValidationError:
        raise
    except Exception as exc:
        raise _refuse(path, Text("一个完整的工作表(读取时文件内容出错,文件可能已损坏)",
                                 "a complete sheet (reading it failed; the file may be damaged)"),
                      Text("用 Excel 或 WPS 打开并另存为 .xlsx,或重新获取该文件",
                           "open it in Excel or WPS and save it as .xlsx, or get the file again"),
                      sheet=sheet, row=row + 1 if row else None,
                      value=f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    finally:
        if formulas is not None:
            formulas.close()
    if missing:
        shown_refs = ", ".join(missing[:10]) + (f" … ({len(missing)})" if len(missing) > 10 else "")
        first = re.match(r"([A-Z]+)(\d+)", missing[0])
        raise _refuse(path, Text("公式单元格带有计算结果(该文件中的公式从未在 Excel 中计算并保存过,"
                                 "例如由程序生成的文件)",
                                 "formula cells with their computed results (the formulas of this "
                                 "file were never calculated and saved, e.g. a file written by a "
                                 "program)"),
                      Text(f"用 Excel 或 WPS 打开该文件并保存一次,再导入;没有结果的公式单元格: {shown_refs}",
                           f"open the file in Excel or WPS and save it once, then import it again; "
                           f"formula cells without a result: {shown_refs}"),
                      sheet=sheet, row=int(first.group(2)) if first else None,
                      column=first.group(1) if first else None)


def _read_excel(path: Path, sheet: str | None) -> RawTable:
    _check_unzipped_size(path)
    book = _open_book(path, data_only=True)
    try:
        sheet, notes = _pick_sheet(path, book, sheet)
        return _build(path, _excel_rows(path, book, sheet), sheet=sheet, delimiter=None, notes=notes)
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- from rows to a table ------------------------------------------------------------------


def _rows_listed(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_SHOWN_ROWS])
    return shown + (f" … ({len(rows)})" if len(rows) > _SHOWN_ROWS else "")


def _collect(path: Path, rows: Iterator[tuple[int, list[str]]],
             sheet: str | None) -> list[tuple[int, list[str]]]:
    """Non-blank rows with their numbers (cells stripped), within :data:`MAX_CELLS`."""
    out: list[tuple[int, list[str]]] = []
    cells = 0
    for number, raw in rows:
        cells += len(raw)
        if cells > MAX_CELLS:
            raise _refuse(path, Text(f"一个不超过 {MAX_CELLS:,} 个单元格的表格",
                                     f"a table of at most {MAX_CELLS:,} cells"),
                          Text("把表格拆成几个文件分别导入", "split the table into several files and "
                               "import them one by one"), sheet=sheet, row=number)
        stripped = [c.strip() for c in raw]
        if any(stripped):
            out.append((number, stripped))
    return out


def _header_index(rows: list[tuple[int, list[str]]]) -> int:
    """Position of the header among the non-blank rows: the first row about as wide as the table."""
    head = rows[:_TITLE_SCAN]
    filled = [sum(1 for c in cells if c) for _, cells in head]
    need = max(2, math.ceil(_HEADER_SHARE * max(filled)))
    return next((i for i, n in enumerate(filled) if n >= need), 0)


def _build(path: Path, source: Iterator[tuple[int, list[str]]], *, sheet: str | None,
           delimiter: str | None, notes: list[Problem] | None = None) -> RawTable:
    rows = _collect(path, source, sheet)
    if not rows:
        fix = (Text("工作表是空的;用 --sheet 选择其他工作表",
                    "the sheet is empty; choose another with --sheet") if sheet is not None
               else Text("文件是空的,请重新导出表格", "the file is empty; export the table again"))
        raise _refuse(path, _ROWS_NEEDED, fix, sheet=sheet)
    found = list(notes or [])
    start = _header_index(rows)
    header_row, header = rows[start]
    header = [c.lstrip("\ufeff").strip() for c in header]
    for number, cells in rows[:start]:
        title = " ".join(c for c in cells if c)
        found.append(Problem(file=path.name, sheet=sheet, row=number, column=None, value=title[:80],
                             severity="warning",
                             expected=Text(f"表头(表头在第 {header_row} 行)",
                                           f"the header (it is row {header_row})"),
                             fix=Text("已作为标题行跳过;如果它是数据,请把表头移到第 1 行",
                                      "read as a title above the table and skipped; if it holds data, "
                                      "move the header to row 1")))
    names = list(header)
    problems = _header_problems(path, sheet, header_row, names)
    data = rows[start + 1:]
    problems += _width_problems(path, sheet, names, data, found, delimiter)
    if problems:
        raise ValidationError(problems + found, summary=Text(
            f"{path.name}: 发现 {len(problems)} 个问题,未写入任何数据",
            f"{path.name}: {len(problems)} problem(s) found; nothing was written"))
    if delimiter is not None and len([n for n in names if n]) == 1:
        raise _refuse(path, Text("用逗号、分号或制表符分隔的多列表格(只读出一列,分隔符可能不对)",
                                 "a table of columns separated by commas, semicolons or tabs (only "
                                 "one column was found; the separator may be wrong)"),
                      Text("在 Excel 中另存为「CSV UTF-8 (逗号分隔)」",
                           "save it from Excel as 'CSV UTF-8 (comma delimited)'"),
                      row=header_row, value=names[0][:80])
    if not data:
        raise _refuse(path, Text("表头下方至少一行数据", "at least one data row below the header"),
                      Text("表格只有表头;请填写数据行", "the table has only a header; fill in data rows"),
                      sheet=sheet, row=header_row)
    keep = [i for i, n in enumerate(names) if n]
    width = len(names)
    cells = [c if len(c) == width else (c + [""] * width)[:width] for _, c in data]
    frame = pd.DataFrame(cells, columns=list(range(width)), dtype=object)
    frame = frame.iloc[:, keep].set_axis([names[i] for i in keep], axis=1)
    return RawTable(frame=frame, file=path.name, sheet=sheet, rows=tuple(n for n, _ in data),
                    notes=tuple(found), delimiter=delimiter, header_row=header_row)


def _header_problems(path: Path, sheet: str | None, header_row: int, names: list[str]) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(names):
        if not name:
            continue
        if name in seen:
            problems.append(Problem(
                file=path.name, sheet=sheet, row=header_row, column=name, value=name,
                expected=Text(f"每个列名只出现一次(第 {column_letter(seen[name])} 列已用此名)",
                              f"each column header once (column {column_letter(seen[name])} has it too)"),
                fix=Text(f"重命名或删除第 {column_letter(i)} 列",
                         f"rename or delete column {column_letter(i)}")))
        else:
            seen[name] = i
    return problems


def _width_problems(path: Path, sheet: str | None, names: list[str],
                    data: list[tuple[int, list[str]]], notes: list[Problem],
                    delimiter: str | None) -> list[Problem]:
    """Values under no header are errors; short CSV rows are one warning."""
    problems: list[Problem] = []
    short: list[int] = []
    reported: set[int] = set()
    unnamed = [i for i, n in enumerate(names) if not n]
    width = len(names)
    for number, cells in data:
        if len(cells) < width:
            if delimiter is not None:
                short.append(number)
            continue
        if len(cells) == width and not any(cells[i] for i in unnamed):
            continue
        for i, cell in enumerate(cells):
            if cell and (i >= width or not names[i]) and i not in reported:
                reported.add(i)
                rows_with = [n for n, c in data if len(c) > i and c[i]]
                if delimiter is not None:
                    expected = Text(f"每行最多 {len(names)} 个单元格,与表头相同",
                                    f"at most {len(names)} cells per row, as in the header")
                    fix = Text(f"这一行有 {len(cells)} 个单元格:多出的分隔符「{delimiter}」多半来自数值中的"
                               f"小数逗号或千位分隔符(如 24653,4),请写成 24653.4,或给含分隔符的单元格加引号。"
                               f"涉及行: {_rows_listed(rows_with)}",
                               f"this row has {len(cells)} cells: an extra '{delimiter}' is usually a "
                               f"decimal comma or a thousands separator inside a number (such as "
                               f"24653,4); write 24653.4, or quote cells that contain the separator. "
                               f"Rows: {_rows_listed(rows_with)}")
                else:
                    expected = Text("每个有数据的列都有列名", "a header above every column with values")
                    fix = Text(f"在第 {column_letter(i)} 列的表头填写列名,或删除该列。"
                               f"涉及行: {_rows_listed(rows_with)}",
                               f"write a header above column {column_letter(i)}, or delete the column. "
                               f"Rows: {_rows_listed(rows_with)}")
                problems.append(Problem(file=path.name, sheet=sheet, row=number, column=column_letter(i),
                                        value=cell[:80], expected=expected, fix=fix))
    if short:
        notes.append(Problem(
            file=path.name, sheet=sheet, row=short[0], column=None, value=None, severity="warning",
            expected=Text(f"每行 {len(names)} 个单元格,与表头相同",
                          f"{len(names)} cells per row, as in the header"),
            fix=Text(f"较短的行末尾缺少的单元格按空单元格读取。涉及行: {_rows_listed(short)}",
                     f"the missing cells at the end of shorter rows are read as empty. "
                     f"Rows: {_rows_listed(short)}")))
    return problems


def read_table(path: str | Path, *, sheet: str | None = None,
               encoding: str | None = None) -> RawTable:
    r"""Read a CSV or Excel file as text cells, rows numbered as in a spreadsheet.

    Parameters
    ----------
    path
        A ``.csv`` (comma, semicolon, tab or ``|`` separated; the separator is detected)
        or ``.xlsx`` file.
    sheet
        Sheet to read from a workbook (default: the first *visible* one; a hidden sheet
        named here is read with a warning in :attr:`RawTable.notes`). Ignored for CSV.
    encoding
        Text encoding of a CSV. By default UTF-8 (with or without BOM) is required, so
        that a GBK or UTF-16 file is never mis-read silently; pass ``"gbk"`` to read one.

    Returns
    -------
    RawTable
        The cells as strings with spreadsheet row numbering. Title lines above the header
        (rows much narrower than the table) are skipped with a warning in ``notes``.

    Raises
    ------
    ValidationError
        The file is missing, a folder, empty, larger than :data:`MAX_FILE_BYTES` or
        :data:`MAX_CELLS`, not what its suffix says (``.xls``, ``.ods``, ``.numbers``, a
        damaged workbook, a zip, binary data), not decodable, has an unbalanced quote,
        values under no header (a row longer than the header), a repeated header, formula
        cells without a stored result, or the sheet does not exist. The problem names the
        file, sheet, row and column, in Chinese and English.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> csv_path = pathlib.Path(tempfile.mkdtemp()) / "gdp.csv"
    >>> _ = csv_path.write_text("2024年地区生产总值\n\ncode;value\n320500;26700\n", encoding="utf-8")
    >>> table = read_table(csv_path)
    >>> table.delimiter, table.row_number(0), table.notes[0].row
    (';', 4, 1)
    """
    path = Path(path)
    if path.is_dir():
        raise _refuse(path, Text("一个文件(这是一个文件夹)", "a file (this is a folder)"),
                      Text("给出文件夹中表格文件的路径", "give the path of the table file inside the folder"))
    if not path.is_file():
        raise _refuse(path, Text("一个存在的文件", "an existing file"), Text("检查路径", "check the path"),
                      value=str(path))
    size = path.stat().st_size
    if size == 0:
        raise _refuse(path, _ROWS_NEEDED, Text("文件是空的 (0 字节),请重新导出表格",
                                               "the file is empty (0 bytes); export the table again"))
    if size > MAX_FILE_BYTES:
        raise _too_large(path, size, MAX_FILE_BYTES, Text("表格文件", "table file"),
                         Text("把表格拆成几个文件分别导入,或确认选对了文件",
                              "split the table into several files and import them one by one, or "
                              "check that this is the right file"))
    with path.open("rb") as handle:
        head = handle.read(8)
    refused = _not_a_table(path, head)
    if refused is not None:
        raise refused
    if path.suffix.lower() in _EXCEL_SUFFIXES:
        return _read_excel(path, sheet)
    return _read_csv(path, encoding)
