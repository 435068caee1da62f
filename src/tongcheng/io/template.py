"""An Excel template for departments to fill in, which `import stats` reads back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

__all__ = ["write_template"]

_HEAD = PatternFill("solid", fgColor="DDEBF7")
_KEY = PatternFill("solid", fgColor="F2F2F2")


def write_template(path: str | Path, *, units: pd.DataFrame, catalogue: pd.DataFrame,
                   period: str = "", level: str = "city", lang: str = "zh") -> Path:
    """Write an Excel template: one row per unit, one column per region indicator.

    The first sheet (数据 / data) is in the wide-by-indicator layout that
    ``tongcheng import stats`` accepts as it is: ``code, name, period`` and one column
    per indicator code. Number cells carry a decimal data validation, and each header
    has a comment with the indicator's name and unit. A second sheet lists the
    indicators, a third explains how to fill it in.

    Parameters
    ----------
    path
        ``.xlsx`` file to write.
    units
        Units indexed by code (``name_zh``, ``name_en``, ``level``).
    catalogue
        Indicators (``code, name_zh, name_en, unit, subject_kind, kind``); the raw
        region-level ones become columns.
    period
        Period to pre-fill (e.g. ``"2024"``); empty leaves it for the department.
    level
        Unit level of the rows: ``"city"``, ``"county"`` or ``"province"``.
    lang
        Language of the instructions' first lines and of the names shown.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    cat = catalogue.reset_index() if "code" not in catalogue.columns else catalogue
    kind = cat["kind"] if "kind" in cat.columns else pd.Series("raw", index=cat.index)
    cols = cat[(cat["subject_kind"] == "unit") & (kind == "raw")]
    rows = units[units["level"] == level].sort_index()
    name_col = "name_zh" if lang == "zh" else "name_en"

    book = Workbook()
    data = book.active
    data.title = "数据 data"
    headers = ["code", "name", "period", *cols["code"].tolist()]
    data.append(headers)
    for code, unit in rows.iterrows():
        data.append([code, unit[name_col], period, *([None] * len(cols))])
    for i in range(1, len(headers) + 1):
        cell = data.cell(row=1, column=i)
        cell.font, cell.fill = Font(bold=True), _HEAD
        if i > 3:
            meta = cols.iloc[i - 4]
            cell.comment = Comment(f"{meta['name_zh']} / {meta['name_en']}\n单位 unit: {meta['unit']}",
                                   "tongcheng")
        data.column_dimensions[cell.column_letter].width = 14 if i > 3 else 12
    for r in range(2, len(rows) + 2):
        for c in (1, 2):
            data.cell(row=r, column=c).fill = _KEY
    if len(cols):
        last = data.cell(row=len(rows) + 1, column=len(headers)).coordinate
        check = DataValidation(type="decimal", operator="between", formula1="-1e15",
                               formula2="1e15", allow_blank=True, showErrorMessage=True,
                               errorTitle="数字 number", error="请填写数字 / enter a number")
        check.add(f"D2:{last}")
        data.add_data_validation(check)
    data.freeze_panes = "D2"

    sheet = book.create_sheet("指标 indicators")
    sheet.append(["code", "name_zh", "name_en", "unit", "description_zh", "description_en"])
    for _, meta in cols.iterrows():
        sheet.append([meta["code"], meta["name_zh"], meta["name_en"], meta["unit"],
                      meta.get("description_zh", ""), meta.get("description_en", "")])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), _HEAD

    notes = book.create_sheet("说明 README")
    lines = [
        "填写说明", "1. 只在“数据 data”表中填写数值;不要改动表头和 code 列。",
        "2. period 填年份(如 2024);同一单位同一年一行。",
        "3. 数值只填数字,单位见表头批注和“指标 indicators”表;缺失值留空。",
        "4. 填好后: tongcheng import stats 文件.xlsx --source 来源 --vintage 版本",
        "", "How to fill in", "1. Enter values in the 'data' sheet only; keep the headers and codes.",
        "2. period is the year (e.g. 2024); one row per unit and year.",
        "3. Numbers only, in the unit shown in the header comment; leave missing values empty.",
        "4. Then: tongcheng import stats FILE.xlsx --source SOURCE --vintage RELEASE",
    ]
    if lang == "en":
        lines = lines[6:] + [""] + lines[:5]
    for line in lines:
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    notes["A1"].font = Font(bold=True)
    notes["A1"].alignment = Alignment(wrap_text=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
