"""User files given to routing, flows and index builds, checked before they are read.

(:mod:`tongcheng.io.tables` reads the statistics, units and metro tables people import, with
spreadsheet row numbers; this module checks files and reads plain frames for the rest.)

Every file a person hands to ``tongcheng network …`` or ``tongcheng flows …`` — a GTFS zip, an
OSM PBF, a graph ``.npz``, a CSV or Parquet table — may be missing, a folder, empty, unreadable,
in the wrong encoding, truncated or forged. The functions here turn each of those into a
:class:`~tongcheng._errors.ValidationError` naming the file (and the row, member or array), what
was expected and how to fix it, in Chinese and English, before pandas, numpy or pyosmium see it.

Size limits stop a small file that declares an enormous content before it is unpacked:

* :data:`MAX_MEMBER_BYTES` — the largest uncompressed member of a zip (a GTFS table, a graph
  array in an ``.npz``), 2 GiB; :data:`MAX_ZIP_BYTES` — all members together, 8 GiB. A zip bomb
  declares its size in the central directory, which is read without unpacking anything.
* :data:`MAX_TABLE_BYTES` — the largest CSV or Parquet table read into memory (file size for a
  CSV, the uncompressed size recorded in a Parquet footer), 2 GiB.

Each function takes the limit as a keyword argument for the rare national-scale input.
"""

from __future__ import annotations

import errno
import io
import re
import zipfile
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import Problem, ValidationError
from .._text import Text

__all__ = [
    "MAX_MEMBER_BYTES",
    "MAX_TABLE_BYTES",
    "MAX_ZIP_BYTES",
    "TABLE_AND_EXCEL_SUFFIXES",
    "check_file",
    "check_npz_arrays",
    "check_zip",
    "file_problem",
    "not_text",
    "open_zip",
    "parse_csv",
    "read_frame",
    "shown_name",
]

MAX_MEMBER_BYTES = 2 * 1024**3
"""Largest uncompressed zip member (GTFS table, graph array) read: 2 GiB."""
MAX_ZIP_BYTES = 8 * 1024**3
"""Largest uncompressed content of one zip, all members together: 8 GiB."""
MAX_TABLE_BYTES = 2 * 1024**3
"""Largest CSV file, or uncompressed Parquet table, read into memory: 2 GiB."""

_GIB = 1024**3
_NAME_SHOWN = 80
_TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", ".pq")
TABLE_AND_EXCEL_SUFFIXES = (*_TABLE_SUFFIXES, ".xlsx", ".xlsm")
"""Endings :func:`read_frame` reads when Excel workbooks are welcome too."""
_CSV_SUFFIXES = (".csv", ".txt", ".tsv")
_EXPORT_AGAIN = Text("重新导出该文件(另存为 CSV UTF-8 或 Parquet)",
                     "export the file again (as CSV UTF-8 or Parquet)")


def shown_name(path: str | PathLike[str]) -> str:
    """Return the file name as messages show it (an over-long name shortened in the middle).

    A path shows its last part; a ``str`` is shown as given, so ``"feed.zip/stops.txt"`` names a
    member of a zip.
    """
    name = str(path) if isinstance(path, str) else (Path(path).name or str(path))
    if len(name) <= _NAME_SHOWN:
        return name
    return f"{name[:40]}…{name[-30:]}"


def file_problem(path: str | PathLike[str], expected: Text, fix: Text, *, value: str | None = None,
                 row: int | None = None, column: str | None = None) -> ValidationError:
    """Return a :class:`ValidationError` with one problem located in ``path``.

    Parameters
    ----------
    path
        The file (its name is what the message shows).
    expected, fix
        What the file should be and how to make it so, in both languages.
    value
        What was found instead (e.g. the reader's own words), at most 200 characters kept.
    row, column
        Where in the file, when known (row as a spreadsheet counts: header = row 1).
    """
    name = shown_name(path)
    problem = Problem(file=name, row=row, column=column,
                      value=None if value is None else value[:200], expected=expected, fix=fix)
    return ValidationError([problem], summary=Text(f"{name}: 无法读取,未写入任何数据",
                                                   f"{name}: cannot be read; nothing was written"))


def check_file(path: str | PathLike[str], *, what: Text, suffixes: Iterable[str] | None = None) -> Path:
    """Check that ``path`` is a readable, non-empty file, optionally of a given type.

    Parameters
    ----------
    path
        The file a person gave.
    what
        What the file should be, e.g. ``Text("GTFS 时刻表(.zip)", "a GTFS feed (.zip)")``.
    suffixes
        Accepted endings (lower case, with the dot); ``None`` accepts any.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ValidationError
        Naming the file when it is missing, a folder, has a name too long for the file
        system, cannot be opened (permissions), is empty (0 bytes) or has another ending.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "data"
    >>> folder.mkdir()
    >>> try:
    ...     check_file(folder, what=Text("表格", "a table"))
    ... except ValidationError as exc:
    ...     print(exc.problems[0].render("zh"))
    data；应为 表格。修改方法: 请给出文件,而不是目录
    """
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise file_problem(path, what, Text("文件名过长,请改用较短的文件名",
                                                "the file name is too long; rename the file")) from exc
        raise file_problem(path, what, Text("找不到该文件,请检查路径",
                                            "the file does not exist; check the path")) from exc
    if path.is_dir():
        raise file_problem(path, what, Text("请给出文件,而不是目录", "give a file, not a folder"))
    if suffixes is not None:
        allowed = tuple(suffixes)
        if not path.name.lower().endswith(allowed):
            raise file_problem(path, what, Text("请给出以 {ends} 结尾的文件", "give a file ending in {ends}")
                               .format(ends=" / ".join(allowed)), value=path.suffix or "(no suffix)")
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise file_problem(path, what, Text("无法打开该文件(权限不足?),请检查文件权限",
                                            "the file cannot be opened (permissions?); check them"),
                           value=exc.strerror) from exc
    if info.st_size == 0:
        raise file_problem(path, what, Text("文件为空(0 字节),请重新导出或下载",
                                            "the file is empty (0 bytes); export or download it again"))
    return path


def check_zip(zf: zipfile.ZipFile, name: str, *, max_member_bytes: int = MAX_MEMBER_BYTES,
              max_total_bytes: int = MAX_ZIP_BYTES) -> None:
    """Refuse a zip whose members declare more content than the limits, before unpacking any.

    Parameters
    ----------
    zf
        An open zip file.
    name
        Its file name, for messages.
    max_member_bytes, max_total_bytes
        Limits on one member's and on all members' declared uncompressed sizes.

    Raises
    ------
    ValidationError
        Naming the member (``name/member``) that is too large, or the zip as a whole.
    """
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > max_member_bytes:
            member = f"{name}/{info.filename}"
            raise file_problem(
                member,
                Text("不超过 {limit:.1f} GiB 的成员文件", "a member of at most {limit:.1f} GiB").format(
                    limit=max_member_bytes / _GIB),
                Text("该 zip 声明的解压大小异常(可能是损坏的文件或压缩炸弹),请重新下载;"
                     "确属超大数据时请拆分", "the zip declares an implausible unpacked size (a damaged "
                     "file or a zip bomb); download it again, or split a genuinely huge feed"),
                value=f"{info.file_size:,} bytes")
    if total > max_total_bytes:
        raise file_problem(
            name, Text("解压后不超过 {limit:.1f} GiB 的 zip", "a zip of at most {limit:.1f} GiB unpacked")
            .format(limit=max_total_bytes / _GIB),
            Text("请重新下载,或拆分该文件", "download it again, or split it"), value=f"{total:,} bytes")


def open_zip(source: str | PathLike[str] | bytes, name: str, *, what: Text,
             max_member_bytes: int = MAX_MEMBER_BYTES) -> zipfile.ZipFile:
    """Open a zip (a path or its bytes) and check its declared sizes (:func:`check_zip`).

    Raises
    ------
    ValidationError
        If it is not a zip, is truncated, or declares too much content.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else Path(source))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise file_problem(name, what, Text("该文件不是 zip 文件,或已被截断、损坏;请重新下载或导出",
                                            "it is not a zip file, or a truncated or damaged one; "
                                            "download or export it again"), value=str(exc)) from exc
    try:
        check_zip(zf, name, max_member_bytes=max_member_bytes)
    except ValidationError:
        zf.close()
        raise
    return zf


def check_npz_arrays(zf: zipfile.ZipFile, name: str, *, max_array_bytes: int = MAX_MEMBER_BYTES) -> None:
    """Check the header of every array of an ``.npz`` before any is loaded.

    Each member must be an ``.npy`` array whose declared shape and type fit in the bytes the
    member really holds and in ``max_array_bytes``; object arrays (which would need unpickling)
    are refused.

    Raises
    ------
    ValidationError
        Naming the array (``name/array``) whose header is damaged, declares more data than
        stored, holds Python objects, or is too large.
    """
    fix = Text("该文件已损坏或不是 tongcheng 写出的路网,请用 tongcheng network build 重新生成",
               "the file is damaged or was not written by tongcheng; build it again with "
               "`tongcheng network build`")
    expected = Text("numpy 数组(.npy)", "a numpy array (.npy)")
    check_zip(zf, name, max_member_bytes=max_array_bytes)
    for info in zf.infolist():
        label = f"{name}/{info.filename}"
        try:
            with zf.open(info) as fh:
                version = np.lib.format.read_magic(fh)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
                else:
                    msg = f"npy format version {version[0]}.{version[1]}"
                    raise ValueError(msg)
                header = fh.tell()
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, SyntaxError) as exc:
            raise file_problem(label, expected, fix, value=str(exc)) from exc
        if dtype.hasobject:
            raise file_problem(label, expected, fix, value=f"dtype {dtype} (Python objects)")
        declared = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
        if declared > info.file_size - header:
            raise file_problem(label, expected, fix,
                               value=f"shape {shape} of {dtype} = {declared:,} bytes, "
                                     f"{info.file_size - header:,} stored")


_TEXT_TABLE = Text("UTF-8 编码的文本表格(CSV)", "a UTF-8 text table (CSV)")


def not_text(name: str, sample: bytes, *, row: int | None = None) -> ValidationError:
    """Return the problem of a table that is not UTF-8 text, with the likely encoding as the fix.

    Parameters
    ----------
    name
        The file (or ``zip/member``) as messages show it.
    sample
        Bytes from where decoding failed: a UTF-16 byte-order mark, NUL bytes (binary) and
        GBK/GB18030 text are recognised.
    row
        The row of the first undecodable byte (header = row 1), when known.
    """
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        fix = Text("文件为 UTF-16 编码;请在 Excel/WPS 中另存为「CSV UTF-8」",
                   "the file is UTF-16; save it as 'CSV UTF-8' in Excel/WPS")
        return file_problem(name, _TEXT_TABLE, fix, value="UTF-16")
    if b"\x00" in sample:
        fix = Text("该文件是二进制文件,不是文本表格;请导出为 CSV",
                   "it is a binary file, not a text table; export it as CSV")
        return file_problem(name, _TEXT_TABLE, fix, value="binary", row=row)
    try:
        sample[:64].decode("gb18030")
        fix = Text("文件似乎是 GBK 编码;请在 Excel/WPS 中另存为「CSV UTF-8」",
                   "the file looks GBK-encoded; save it as 'CSV UTF-8' in Excel/WPS")
    except UnicodeDecodeError:
        fix = Text("文件不是 UTF-8 编码;请另存为「CSV UTF-8」",
                   "the file is not UTF-8; save it as 'CSV UTF-8'")
    return file_problem(name, _TEXT_TABLE, fix, row=row, value=repr(sample[:8]))


def _decode(name: str, raw: bytes) -> str:
    """Return the text of a CSV, refusing anything that is not UTF-8 with a located problem."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise not_text(name, raw[:4096])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_text(name, raw[exc.start:exc.start + 64], row=raw.count(b"\n", 0, exc.start) + 1) from exc


def parse_csv(name: str, raw: bytes, *, dtype: Any = str) -> pd.DataFrame:
    """Parse the bytes of a UTF-8 CSV (a file, or a table inside a zip) with located errors.

    Parameters
    ----------
    name
        Where the bytes come from, as messages show it (e.g. ``"feed.zip/stops.txt"``).
    raw
        The bytes.
    dtype
        Passed to :func:`pandas.read_csv` (default: every cell as text).

    Raises
    ------
    ValidationError
        Not UTF-8 (row of the first bad byte; GBK and UTF-16 recognised), binary, empty, or a
        row pandas cannot split (row named).
    """
    text = _decode(name, raw)
    try:
        return pd.read_csv(io.StringIO(text), dtype=dtype, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError as exc:
        raise file_problem(name, Text("第一行为表头的表格", "a table with a header row"),
                           Text("文件没有内容,请重新导出",
                                "the file has no content; export it again")) from exc
    except (pd.errors.ParserError, ValueError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise file_problem(name, Text("每行列数相同的 CSV 表格",
                                      "a CSV table with the same columns in every row"),
                           Text("检查该行的分隔符和引号(多余的逗号、未闭合的引号)",
                                "check the separators and quotes of that row (an extra comma, "
                                "an unclosed quote)"),
                           row=int(line.group(1)) if line else None, value=str(exc)) from exc


def _csv(path: Path, *, dtype: Any, max_bytes: int) -> pd.DataFrame:
    size = path.stat().st_size
    if size > max_bytes:
        raise file_problem(path, Text("不超过 {limit:.1f} GiB 的 CSV", "a CSV of at most {limit:.1f} GiB")
                           .format(limit=max_bytes / _GIB),
                           Text("请拆分文件,或改用 Parquet", "split the file, or use Parquet"),
                           value=f"{size:,} bytes")
    return parse_csv(path.name, path.read_bytes(), dtype=dtype)


def _parquet(path: Path, *, max_bytes: int) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    expected = Text("可读取的 Parquet 文件", "a readable Parquet file")
    fix = Text("文件已损坏或不完整(被截断?),请重新导出", "the file is damaged or incomplete (truncated?); "
               "export it again")
    try:
        meta = pq.ParquetFile(path).metadata
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if size > max_bytes:
            raise file_problem(path, Text("解压后不超过 {limit:.1f} GiB 的表格",
                                          "a table of at most {limit:.1f} GiB unpacked")
                               .format(limit=max_bytes / _GIB),
                               Text("请拆分文件", "split the file"), value=f"{size:,} bytes")
        return pd.read_parquet(path)
    except (pa.ArrowException, OSError, ValueError, TypeError) as exc:
        raise file_problem(path, expected, fix, value=str(exc)) from exc


def _excel(path: Path, *, sheet: str | int | None) -> pd.DataFrame:
    expected = Text("可读取的 Excel 工作簿(.xlsx)", "a readable Excel workbook (.xlsx)")
    open_zip(path, path.name, what=expected).close()  # an .xlsx is a zip: sizes checked first
    try:
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet, dtype=object)
    except (ValueError, KeyError, OSError, EOFError, zipfile.BadZipFile, TypeError) as exc:
        fix = (Text("工作簿中没有该工作表,请检查名称", "the workbook has no such sheet; check its name")
               if "not found" in str(exc) else
               Text("文件已损坏,或不是 .xlsx 工作簿;请在 Excel/WPS 中打开后另存为 .xlsx",
                    "the file is damaged or not an .xlsx workbook; open it in Excel/WPS and save it "
                    "as .xlsx"))
        raise file_problem(path, expected, fix, value=str(exc)) from exc


def read_frame(path: str | PathLike[str], *, what: Text, dtype: Any = str, min_rows: int = 1,
               suffixes: Iterable[str] = _TABLE_SUFFIXES, sheet: str | int | None = None,
               max_bytes: int = MAX_TABLE_BYTES) -> pd.DataFrame:
    """Read a CSV (UTF-8), Parquet or Excel table a person gave, every failure located.

    Parameters
    ----------
    path
        ``.csv`` (also ``.txt``/``.tsv`` with commas), ``.parquet``, or ``.xlsx`` when
        ``suffixes`` allows it.
    what
        What the table should be, for messages (e.g. ``Text("出行时间表", "a travel-time table")``).
    dtype
        Passed to :func:`pandas.read_csv` (default: every cell as text); ignored for Parquet.
    min_rows
        Fewest data rows accepted (a header-only file is refused by default).
    suffixes
        File endings accepted (default: CSV and Parquet).
    sheet
        Sheet of a workbook (default: the first).
    max_bytes
        Size limit (see :data:`MAX_TABLE_BYTES`).

    Returns
    -------
    pandas.DataFrame
        Empty cells of a CSV are missing values (``NaN``), never the text ``"NA"``.

    Raises
    ------
    ValidationError
        The file is missing, a folder, empty, of another type, not UTF-8 (the row of the first
        undecodable byte and a GBK/UTF-16 hint), binary, ragged (row named), a damaged Parquet
        or Excel file, too large, or has fewer than ``min_rows`` rows.
    """
    path = check_file(path, what=what, suffixes=suffixes)
    name = path.name.lower()
    if name.endswith(_CSV_SUFFIXES):
        frame = _csv(path, dtype=dtype, max_bytes=max_bytes)
    elif name.endswith((".xlsx", ".xlsm")):
        frame = _excel(path, sheet=sheet)
    else:
        frame = _parquet(path, max_bytes=max_bytes)
    if len(frame) < min_rows:
        raise file_problem(path, what, Text("文件只有表头,没有数据行;请检查导出的范围",
                                            "the file has a header but no data rows; check what was "
                                            "exported"), row=2)
    return frame
