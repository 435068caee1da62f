"""Metropolitan areas from a user's table: the plans of a region other than the bundled YRD.

The table has one row per (metro area, member), the layout of the bundled ``metros.csv``::

    metro_code,name_zh,core_code,member_code[,version,name_en,status,source_doc,issued,source_url]

``status`` is ``adopted`` (a plan in force, the default) or ``draft``. Cores are members. Every
problem is located by file, row and column before anything is stored.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from .._errors import Problem, ValidationError
from .._text import Text
from ..io.tables import RawTable, read_table

__all__ = ["METRO_TABLE_COLUMNS", "read_metro_table"]

#: Columns of a metro table: required first, then optional.
METRO_TABLE_COLUMNS = ("metro_code", "name_zh", "core_code", "member_code", "version", "name_en",
                       "status", "source_doc", "issued", "source_url")
_REQUIRED = METRO_TABLE_COLUMNS[:4]
_AREA = ("name_zh", "core_code", "version", "name_en", "status", "source_doc", "issued", "source_url")
_STATUSES = ("adopted", "draft")


def _cell_problems(raw: RawTable, frame: pd.DataFrame, units: Collection[str]) -> list[Problem]:
    problems = []
    for pos, row in enumerate(frame.itertuples(index=False)):
        for col in ("metro_code", "name_zh", "member_code"):
            if not getattr(row, col):
                problems.append(raw.problem(pos, col, "", expected=Text("一个值", "a value"),
                                            fix=Text(f"每一行都要填写 {col}", f"fill in {col} on every row")))
        for col in ("core_code", "member_code"):
            code = getattr(row, col)
            if code and code not in units:
                problems.append(raw.problem(
                    pos, col, code, expected=Text("一个已存单元的代码", "the code of a stored unit"),
                    fix=Text("先导入该单元 (tongcheng units import),或改正代码",
                             "import the unit first (tongcheng units import) or correct the code")))
        if row.status not in _STATUSES:
            problems.append(raw.problem(
                pos, "status", row.status, expected=Text("adopted 或 draft", "adopted or draft"),
                fix=Text("已生效的规划写 adopted,否则写 draft",
                         "write adopted for a plan in force, draft otherwise")))
    return problems


def _area_problems(raw: RawTable, frame: pd.DataFrame) -> list[Problem]:
    problems = []
    for metro, rows in frame.groupby("metro_code", sort=False):
        for col in _AREA:
            values = rows[col]
            if values.nunique() > 1:
                pos = int(rows.index[(values != values.iloc[0]).to_numpy()][0])
                first = f"{raw.row_number(int(rows.index[0]))} ({values.iloc[0]!r})"
                problems.append(raw.problem(
                    pos, col, values.loc[pos],
                    expected=Text(f"都市圈 {metro} 的 {col} 与第 {first} 行相同",
                                  f"the same {col} as row {first} for metro {metro}"),
                    fix=Text(f"{metro} 的每一行使用同一个 {col}", f"give every row of {metro} one {col}")))
        core = rows["core_code"].iloc[0]
        if core and core not in set(rows["member_code"]):
            problems.append(raw.problem(int(rows.index[0]), "core_code", core,
                                        expected=Text(f"{metro} 的一个成员", f"a member of {metro}"),
                                        fix=Text(f"增加一行 member_code 为 {core}",
                                                 f"add a row with member_code {core}")))
        dup = rows["member_code"].duplicated()
        if dup.any():
            pos = int(rows.index[dup.to_numpy()][0])
            problems.append(raw.problem(pos, "member_code", rows.loc[pos, "member_code"],
                                        expected=Text(f"每个成员在都市圈 {metro} 中只出现一次",
                                                      f"each member once per metro ({metro})"),
                                        fix=Text("删去重复的行", "delete the repeated row")))
    return problems


def read_metro_table(path: str | Path, *, units: Collection[str], sheet: str | None = None,
                     encoding: str | None = None) -> pd.DataFrame:
    """Read and check a table of metropolitan areas and their members.

    Parameters
    ----------
    path
        CSV or XLSX file, one row per (metro area, member).
    units
        Codes of the stored units (members and cores must be among them).
    sheet, encoding
        As for :func:`tongcheng.io.tables.read_table`.

    Returns
    -------
    pandas.DataFrame
        The table in the layout :meth:`tongcheng.store.Store.put_metros` takes
        (``version`` defaults to ``"1"``, ``status`` to ``"adopted"``); warnings of reading
        (e.g. a title line above the header) are in ``attrs["warnings"]``.

    Raises
    ------
    ValidationError
        Listing every problem (missing column, empty cell, unknown unit, bad status, metro-level
        columns that differ between the rows of one metro, a core that is not a member, a
        repeated member), each with file, row and column.
    """
    raw = read_table(path, sheet=sheet, encoding=encoding)
    missing = [c for c in _REQUIRED if c not in raw.frame.columns]
    if missing:
        listed = ", ".join(METRO_TABLE_COLUMNS)
        problems = [raw.problem(None, c, None, expected=Text(f"一列 {c}", f"a column {c}"),
                                fix=Text(f"使用以下列: {listed}", f"use the columns {listed}"))
                    for c in missing]
        gone = ", ".join(missing)
        raise ValidationError([*raw.notes, *problems],
                              summary=Text(f"{raw.file}: 缺少列 {gone},未写入任何数据",
                                           f"{raw.file}: missing column(s) {gone}"))
    frame = raw.frame.reindex(columns=list(METRO_TABLE_COLUMNS), fill_value="").astype(str)
    frame = frame.apply(lambda col: col.str.strip())
    frame["status"] = frame["status"].replace("", "adopted")
    frame["version"] = frame["version"].replace("", "1")
    known = {str(u) for u in units}
    problems = _cell_problems(raw, frame, known) + _area_problems(raw, frame)
    if problems:
        n = len(problems)
        raise ValidationError([*problems, *raw.notes],
                              summary=Text(f"{raw.file}: 发现 {n} 个问题,未写入任何数据",
                                           f"{raw.file}: {n} problem(s); nothing stored"))
    out = frame.replace("", None)
    out.attrs["warnings"] = list(raw.notes)
    return out
