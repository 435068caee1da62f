"""Checks and conversions between pandas frames and database rows (no SQL here).

Frames are validated once, at the store's boundary: every problem is collected and reported in
one :class:`~tongcheng.StoreError` that names the columns and rows concerned and how to fix them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._errors import StoreError
from .._text import Text, render
from .models import SUBJECT_KINDS, VALUE_KINDS

__all__ = [
    "KEY_COLUMNS",
    "OBSERVATION_COLUMNS",
    "OBSERVATION_INPUT_COLUMNS",
    "REQUIRED_OBSERVATION_COLUMNS",
    "UNIT_CODE",
    "as_text",
    "frame_from_rows",
    "prepare_observations",
    "raise_problems",
    "records",
    "require_columns",
    "tuples",
]

#: Columns of an observation as the store returns it, in order.
OBSERVATION_COLUMNS: tuple[str, ...] = (
    "id", "indicator", "subject_kind", "subject_key", "unit_code", "partner_code",
    "metro_code", "period", "value", "unit", "value_kind", "vintage", "source", "import_id",
    "flags", "created_at",
)
#: Columns the store reads from an observations frame (extra columns are ignored).
OBSERVATION_INPUT_COLUMNS: tuple[str, ...] = (
    "indicator", "subject_kind", "subject_key", "unit_code", "partner_code", "metro_code",
    "period", "value", "unit", "value_kind", "vintage", "source", "flags",
)
#: Columns an observations frame must have; the others have defaults.
REQUIRED_OBSERVATION_COLUMNS: tuple[str, ...] = (
    "indicator", "subject_kind", "subject_key", "period", "value", "unit",
)
#: The identity of an observation (unique in the store).
KEY_COLUMNS: tuple[str, ...] = ("indicator", "subject_key", "period", "vintage")

#: A unit code: 6 to 12 digits (GB/T 2260 counties have 6, townships 9, IBGE municipalities 7).
UNIT_CODE = r"\d{6,12}"
_KEY_PATTERNS = {
    "unit": re.compile(rf"^{UNIT_CODE}$"),
    "pair": re.compile(rf"^{UNIT_CODE}>{UNIT_CODE}$"),
    "metro": re.compile(r"^metro:\S+$"),
}
_KEY_EXAMPLES = {"unit": "'320500' (6 to 12 digits)", "pair": "'320500>310100'",
                 "metro": "'metro:SH_1P8'"}
_MAX_SHOWN = 5


def raise_problems(problems: Sequence[str | Text], *, what: str | Text) -> None:
    """Raise one :class:`StoreError` listing ``problems`` (do nothing if there are none).

    Problems and ``what`` may be :class:`~tongcheng._text.Text`; the message is then
    bilingual (plain strings read the same in both languages).
    """
    if problems:
        head = Text("{what}: 发现 {n} 个问题,未写入任何数据",
                    "{what}: {n} problem(s) found; nothing was written").format(
                        what=what, n=len(problems))
        lines = [head, *problems]
        raise StoreError(Text("\n  - ".join(render(x, "zh") for x in lines),
                              "\n  - ".join(render(x, "en") for x in lines)))


def _rows_hint(frame: pd.DataFrame, mask: pd.Series) -> Text:
    labels = ", ".join(str(x) for x in frame.index[mask.to_numpy()][:_MAX_SHOWN])
    more = int(mask.sum()) - min(int(mask.sum()), _MAX_SHOWN)
    return Text(f"(第 {labels} 行{f' 等另 {more} 行' if more > 0 else ''})",
                f" (rows {labels}{f' and {more} more' if more > 0 else ''})")


def require_columns(frame: pd.DataFrame, required: Iterable[str], *, what: str | Text) -> None:
    """Raise :class:`StoreError` naming every required column ``frame`` lacks."""
    if not isinstance(frame, pd.DataFrame):
        msg = f"{what}: expected a pandas DataFrame, got {type(frame).__name__}."
        raise StoreError(msg)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "none"
        msg = Text("{what}: 缺少列 {cols}(现有列: {have})。请补上,或把列名改为数据库使用的名称。",
                   "{what}: missing column(s) {cols} (columns present: {have}). Add them, or "
                   "rename the columns to the store's names.").format(
                       what=what, cols=", ".join(missing), have=have)
        raise StoreError(msg)


def as_text(series: pd.Series) -> pd.Series:
    """Return ``series`` as strings, keeping missing values missing.

    Whole numbers stored as floats (``320500.0``, ``2020.0``) become ``"320500"``, ``"2020"``.
    """
    if pd.api.types.is_bool_dtype(series):
        return series.astype("str")
    if pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        finite = values[~np.isnan(values)]
        if finite.size == 0 or np.all(np.mod(finite, 1) == 0):
            return series.astype("Float64").astype("Int64").astype("str")
        return series.astype("str")
    out = series.astype("str")
    return out.str.strip()


def _text_or_default(frame: pd.DataFrame, column: str, default: str | None) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype="str")
    out = as_text(frame[column])
    if default is not None:
        out = out.fillna(default)
    return out


def _derived_codes(key: pd.Series, kind: pd.Series) -> dict[str, pd.Series]:
    key = key.astype("str")
    pair = key.where(kind == "pair").str.extract(rf"^({UNIT_CODE})>({UNIT_CODE})$")
    unit = key.where(kind == "unit").fillna(pair[0]).astype("str")
    metro = key.where(kind == "metro").str.removeprefix("metro:").astype("str")
    return {"unit_code": unit, "partner_code": pair[1].astype("str"), "metro_code": metro}


def prepare_observations(
    frame: pd.DataFrame, *, defaults: Mapping[str, str], what: str | Text
) -> pd.DataFrame:
    """Validate an observations frame and return it in the store's canonical form.

    Parameters
    ----------
    frame
        Observations with at least :data:`REQUIRED_OBSERVATION_COLUMNS`.
    defaults
        Values for ``value_kind``, ``vintage``, ``source`` and ``flags`` when the column is
        absent or a cell is missing.
    what
        What is being stored, for error messages.

    Returns
    -------
    pandas.DataFrame
        Exactly :data:`OBSERVATION_INPUT_COLUMNS`, text columns as strings, ``value`` as float.
        ``unit_code``/``partner_code``/``metro_code`` are derived from ``subject_key`` when the
        frame lacks them.

    Raises
    ------
    StoreError
        Listing every problem: missing columns, empty keys, unknown kinds, keys that do not
        match their kind, non-numeric values, repeated keys.
    """
    require_columns(frame, REQUIRED_OBSERVATION_COLUMNS, what=what)
    out = pd.DataFrame(index=frame.index)
    for col in ("indicator", "subject_kind", "subject_key", "period", "unit"):
        out[col] = _text_or_default(frame, col, None)
    for col in ("value_kind", "vintage", "source", "flags"):
        out[col] = _text_or_default(frame, col, defaults.get(col, ""))
    problems: list[Text] = []
    for col in ("indicator", "subject_kind", "subject_key", "period"):
        bad = out[col].isna() | (out[col] == "")
        if bad.any():
            problems.append(Text("「{col}」列有 {n} 行为空{rows};每个观测值都需要它",
                                 "column '{col}' is empty in {n} row(s){rows}; every observation "
                                 "needs one").format(col=col, n=int(bad.sum()),
                                                     rows=_rows_hint(out, bad)))
    out["unit"] = out["unit"].fillna("")
    for col, allowed in (("subject_kind", SUBJECT_KINDS), ("value_kind", VALUE_KINDS)):
        bad = out[col].notna() & ~out[col].isin(allowed)
        if bad.any():
            seen = ", ".join(sorted(set(out.loc[bad, col].astype(str)))[:_MAX_SHOWN])
            problems.append(Text("「{col}」列有 {seen}{rows};应为 {allowed} 之一",
                                 "column '{col}' has {seen}{rows}; expected one of {allowed}").format(
                                     col=col, seen=seen, rows=_rows_hint(out, bad),
                                     allowed=", ".join(allowed)))
    for kind, pattern in _KEY_PATTERNS.items():
        rows = (out["subject_kind"] == kind) & out["subject_key"].notna()
        bad = rows & ~out["subject_key"].str.match(pattern).fillna(False).astype(bool)
        if bad.any():
            problems.append(Text(
                "subject_key 与 subject_kind '{kind}' 不符{rows},例如 {key};应为 {like} 这样的键",
                "subject_key does not fit subject_kind '{kind}'{rows}, e.g. {key}; expected keys "
                "like {like}").format(kind=kind, rows=_rows_hint(out, bad),
                                      key=repr(out.loc[bad, "subject_key"].iloc[0]),
                                      like=_KEY_EXAMPLES[kind]))
    values = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    bad = values.isna() & frame["value"].notna() & (as_text(frame["value"]) != "")
    if bad.any():
        problems.append(Text("「value」列有 {n} 行不是数字{rows};缺失的值请留空",
                             "column 'value' is not a number in {n} row(s){rows}; leave a cell "
                             "empty for a missing value").format(n=int(bad.sum()),
                                                                 rows=_rows_hint(out, bad)))
    infinite = values.abs() == np.inf
    if infinite.any():
        problems.append(Text("「value」列有 {n} 行为无穷大{rows};请改存缺失值 (NaN)",
                             "column 'value' is infinite in {n} row(s){rows}; store a missing "
                             "value (NaN) instead").format(n=int(infinite.sum()),
                                                           rows=_rows_hint(out, infinite)))
    out["value"] = values
    derived = _derived_codes(out["subject_key"], out["subject_kind"])
    for col, series in derived.items():
        out[col] = as_text(frame[col]) if col in frame.columns else series
    dup = out.duplicated(list(KEY_COLUMNS), keep=False)
    if dup.any():
        first = out.loc[dup, list(KEY_COLUMNS)].iloc[0].to_dict()
        problems.append(Text("{n} 行的键 (indicator, subject_key, period, vintage) 重复{rows},"
                             "例如 {first};每个键只保留一行",
                             "{n} row(s) repeat the key (indicator, subject_key, period, vintage)"
                             "{rows}, e.g. {first}; keep one row per key").format(
                                 n=int(dup.sum()), rows=_rows_hint(out, dup), first=first))
    raise_problems(problems, what=what)
    return out[list(OBSERVATION_INPUT_COLUMNS)]


def _column_list(series: pd.Series) -> list[Any]:
    if pd.api.types.is_float_dtype(series):
        return [None if math.isnan(v) else float(v) for v in series.tolist()]
    return series.astype(object).where(series.notna(), None).tolist()


def records(frame: pd.DataFrame, **constants: Any) -> list[dict[str, Any]]:
    """Return the rows of ``frame`` as dicts of Python values (missing → ``None``).

    Parameters
    ----------
    frame
        The rows to convert.
    **constants
        Extra keys with the same value in every row (e.g. ``import_id``).
    """
    names = [*(str(c) for c in frame.columns), *constants]
    return [dict(zip(names, row, strict=True)) for row in tuples(frame, **constants)]


def tuples(frame: pd.DataFrame, **constants: Any) -> list[tuple[Any, ...]]:
    """Return the rows of ``frame`` (then ``constants``) as tuples of Python values."""
    columns = [_column_list(frame[c]) for c in frame.columns]
    columns += [[value] * len(frame) for value in constants.values()]
    return list(zip(*columns, strict=True))


def frame_from_rows(
    rows: Sequence[Any], columns: Sequence[str], *, dtypes: Mapping[str, str],
    index: str | None = None,
) -> pd.DataFrame:
    """Build a frame from database rows with fixed dtypes (``str`` unless told otherwise).

    Parameters
    ----------
    rows
        Result rows.
    columns
        Their column names.
    dtypes
        dtype per column for the non-text columns (``"float64"``, ``"Int64"``, ``"utc"``).
    index
        Column to use as the index, if any.
    """
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    for col in columns:
        kind = dtypes.get(col, "str")
        if kind == "utc":
            frame[col] = pd.to_datetime(frame[col], utc=True).astype("datetime64[us, UTC]")
        elif kind == "float64":
            frame[col] = pd.to_numeric(frame[col]).astype("float64")
        else:
            frame[col] = frame[col].astype(pd.api.types.pandas_dtype(kind))
    if index is not None:
        frame = frame.set_index(index)
    return frame
