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
                problems.append(raw.problem(pos, col, "", expected="a value",
                                            fix=f"fill in {col} on every row"))
        for col in ("core_code", "member_code"):
            code = getattr(row, col)
            if code and code not in units:
                problems.append(raw.problem(pos, col, code, expected="the code of a stored unit",
                                            fix="import the unit first (tongcheng units import) "
                                                "or correct the code"))
        if row.status not in _STATUSES:
            problems.append(raw.problem(pos, "status", row.status, expected="adopted or draft",
                                        fix="write adopted for a plan in force, draft otherwise"))
    return problems


def _area_problems(raw: RawTable, frame: pd.DataFrame) -> list[Problem]:
    problems = []
    for metro, rows in frame.groupby("metro_code", sort=False):
        for col in _AREA:
            values = rows[col]
            if values.nunique() > 1:
                pos = int(rows.index[(values != values.iloc[0]).to_numpy()][0])
                problems.append(raw.problem(
                    pos, col, values.loc[pos],
                    expected=f"the same {col} as row {raw.row_number(int(rows.index[0]))} "
                             f"({values.iloc[0]!r}) for metro {metro}",
                    fix=f"give every row of {metro} one {col}"))
        core = rows["core_code"].iloc[0]
        if core and core not in set(rows["member_code"]):
            problems.append(raw.problem(int(rows.index[0]), "core_code", core,
                                        expected=f"a member of {metro}",
                                        fix=f"add a row with member_code {core}"))
        dup = rows["member_code"].duplicated()
        if dup.any():
            pos = int(rows.index[dup.to_numpy()][0])
            problems.append(raw.problem(pos, "member_code", rows.loc[pos, "member_code"],
                                        expected=f"each member once per metro ({metro})",
                                        fix="delete the repeated row"))
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
        (``version`` defaults to ``"1"``, ``status`` to ``"adopted"``).

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
        problems = [raw.problem(None, c, None, expected=f"a column {c}",
                                fix="use the columns " + ", ".join(METRO_TABLE_COLUMNS))
                    for c in missing]
        raise ValidationError(problems, summary=f"{raw.file}: missing column(s) {', '.join(missing)}")
    frame = raw.frame.reindex(columns=list(METRO_TABLE_COLUMNS), fill_value="").astype(str)
    frame = frame.apply(lambda col: col.str.strip())
    frame["status"] = frame["status"].replace("", "adopted")
    frame["version"] = frame["version"].replace("", "1")
    known = {str(u) for u in units}
    problems = _cell_problems(raw, frame, known) + _area_problems(raw, frame)
    if problems:
        raise ValidationError(problems, summary=f"{raw.file}: {len(problems)} problem(s); nothing stored")
    return frame.replace("", None)
