"""Reference data: units, metropolitan areas and the indicator catalogue (idempotent upserts)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from .._errors import StoreError
from .._text import Text
from ._frames import (
    UNIT_CODE,
    as_text,
    frame_from_rows,
    raise_problems,
    records,
    require_columns,
)
from .models import (
    INDICATOR_KINDS,
    LEVELS,
    METRO_STATUSES,
    SUBJECT_KINDS,
    Indicator,
    MetroArea,
    MetroMember,
    Unit,
)

__all__ = [
    "INDICATOR_COLUMNS",
    "INDICATOR_RULE_COLUMNS",
    "METRO_COLUMNS",
    "UNIT_COLUMNS",
    "known",
    "read_indicators",
    "read_metros",
    "read_units",
    "write_indicators",
    "write_metros",
    "write_units",
]

UNIT_COLUMNS: tuple[str, ...] = (
    "code", "name_zh", "short_zh", "name_en", "level", "kind_zh", "parent_code",
    "province_code", "lon", "lat", "area_km2",
)
METRO_AREA_COLUMNS: tuple[str, ...] = (
    "metro_code", "version", "name_zh", "name_en", "core_code", "status", "source_doc",
    "issued", "source_url",
)
METRO_COLUMNS: tuple[str, ...] = (*METRO_AREA_COLUMNS[:5], "member_code", *METRO_AREA_COLUMNS[5:])
INDICATOR_COLUMNS: tuple[str, ...] = (
    "code", "name_zh", "name_en", "unit", "subject_kind", "description_zh", "description_en",
    "source", "kind",
)
INDICATOR_RULE_COLUMNS: tuple[str, ...] = ("direction", "min_value", "max_value", "max_jump")
"""Direction and plausibility columns of the catalogue (revision 0005); NULL = neutral / open."""
_FLOATS = ("lon", "lat", "area_km2")
_CHUNK = 500


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def known(conn: Connection, column: Any, values: Iterable[str]) -> set[str]:
    """Return those of ``values`` present in ``column`` (a mapped primary-key column)."""
    wanted = sorted({v for v in values if isinstance(v, str)})
    found: set[str] = set()
    for part in _chunks(wanted, 5000):
        found.update(conn.scalars(select(column).where(column.in_(part))))
    return found


def _upsert(
    conn: Connection, table: Table, rows: list[dict[str, Any]], keys: Sequence[str],
    *, columns: Sequence[str] | None = None,
) -> None:
    """Insert or update ``rows`` by ``keys``; on conflict update ``columns`` (default: all)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    update = {c.name: stmt.excluded[c.name] for c in table.columns
              if c.name not in keys and (columns is None or c.name in columns)}
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=update)
    for part in _chunks(rows, _CHUNK):
        conn.execute(stmt, list(part))


def _text_frame(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    for col in columns:
        if col in _FLOATS:
            src = frame[col] if col in frame.columns else pd.Series(float("nan"), index=frame.index)
            out[col] = pd.to_numeric(src, errors="coerce").astype("float64")
        elif col in frame.columns:
            text = as_text(frame[col])
            out[col] = text.mask(text == "")
        else:
            out[col] = pd.Series(None, index=frame.index, dtype="str")
    return out


def _check_values(
    frame: pd.DataFrame, column: str, allowed: Sequence[str], problems: list[str]
) -> None:
    bad = ~frame[column].isin(allowed)
    if bad.any():
        seen = ", ".join(sorted({str(v) for v in frame.loc[bad, column]})[:5])
        problems.append(f"column '{column}' has {seen}; expected one of {', '.join(allowed)}")


def _check_filled(frame: pd.DataFrame, columns: Sequence[str], problems: list[str]) -> None:
    for col in columns:
        n = int(frame[col].isna().sum())
        if n:
            problems.append(f"column '{col}' is empty in {n} row(s); it is required")


def write_units(conn: Connection, units: pd.DataFrame) -> int:
    """Upsert units by code, parents before children; return the rows written."""
    what = "put_units"
    if "code" not in units.columns and units.index.name == "code":
        units = units.reset_index()
    require_columns(units, ("code", "name_zh", "level"), what=what)
    frame = _text_frame(units, UNIT_COLUMNS)
    problems: list[str] = []
    _check_filled(frame, ("code", "name_zh", "level"), problems)
    bad = frame["code"].notna() & ~frame["code"].str.fullmatch(UNIT_CODE).fillna(False).astype(bool)
    if bad.any():
        problems.append(f"column 'code' has {', '.join(frame.loc[bad, 'code'].head(5))}; "
                        "expected codes of 6 to 12 digits, such as GB/T 2260's '320500' or "
                        "a township's '310101002'")
    _check_values(frame, "level", LEVELS, problems)
    if frame["code"].duplicated().any():
        dups = ", ".join(frame.loc[frame["code"].duplicated(), "code"].head(5))
        problems.append(f"code(s) {dups} appear more than once; keep one row per unit")
    parents = set(frame["parent_code"].dropna()) - set(frame["code"].dropna())
    missing = parents - known(conn, Unit.code, parents)
    if missing:
        problems.append(f"parent_code(s) {', '.join(sorted(missing)[:10])} are not units; add the "
                        "parent units to the same table or store them first")
    raise_problems(problems, what=what)
    rank = frame["level"].map({lvl: i for i, lvl in enumerate(LEVELS)})
    frame = frame.assign(_rank=rank).sort_values(["_rank", "code"]).drop(columns="_rank")
    _upsert(conn, Unit.__table__, records(frame), ("code",))  # type: ignore[arg-type]
    return len(frame)


def read_units(conn: Connection, *, level: str | None = None) -> pd.DataFrame:
    """Return units indexed by code (str), optionally of one level."""
    if level is not None and level not in LEVELS:
        msg = f"level={level!r} is not a unit level; use one of {', '.join(LEVELS)} or None."
        raise StoreError(msg)
    cols = [getattr(Unit, c) for c in UNIT_COLUMNS]
    query = select(*cols).order_by(Unit.code)
    if level is not None:
        query = query.where(Unit.level == level)
    rows = conn.execute(query).all()
    return frame_from_rows(rows, UNIT_COLUMNS, dtypes=dict.fromkeys(_FLOATS, "float64"),
                           index="code")


def write_metros(conn: Connection, memberships: pd.DataFrame) -> int:
    """Upsert metro areas and replace their member lists; return membership rows written."""
    what = "put_metros"
    require_columns(memberships, ("metro_code", "name_zh", "status", "member_code"), what=what)
    frame = _text_frame(memberships, METRO_COLUMNS)
    problems: list[str] = []
    _check_filled(frame, ("metro_code", "name_zh", "status", "member_code"), problems)
    _check_values(frame, "status", METRO_STATUSES, problems)
    areas = frame[list(METRO_AREA_COLUMNS)].drop_duplicates()
    clash = areas["metro_code"].duplicated(keep=False)
    if clash.any():
        clashing = ", ".join(sorted(set(areas.loc[clash, "metro_code"]))[:5])
        problems.append(f"metro area(s) {clashing} have differing names, versions, status or "
                        "sources across their rows; the metro-level columns must agree within "
                        "a metro_code")
    codes = set(frame["member_code"].dropna()) | set(frame["core_code"].dropna())
    missing = codes - known(conn, Unit.code, codes)
    if missing:
        problems.append(f"member/core code(s) {', '.join(sorted(missing)[:10])} are not stored "
                        "units; store them with put_units first")
    members = frame[["metro_code", "member_code"]].drop_duplicates()
    raise_problems(problems, what=what)
    _upsert(conn, MetroArea.__table__, records(areas), ("metro_code",))  # type: ignore[arg-type]
    metro_codes = sorted(set(areas["metro_code"]))
    for part in _chunks(metro_codes, 1000):
        conn.execute(delete(MetroMember).where(MetroMember.metro_code.in_(part)))
    for part in _chunks(records(members), _CHUNK):
        conn.execute(insert(MetroMember), list(part))
    return len(members)


def read_metros(conn: Connection) -> pd.DataFrame:
    """Return the long membership table (one row per metro area and member)."""
    cols = [getattr(MetroArea, c) for c in METRO_AREA_COLUMNS]
    query = (select(*cols[:5], MetroMember.member_code, *cols[5:])
             .join(MetroMember, MetroMember.metro_code == MetroArea.metro_code)
             .order_by(MetroArea.metro_code, MetroMember.member_code))
    return frame_from_rows(conn.execute(query).all(), METRO_COLUMNS, dtypes={})


def _rule_frame(catalogue: pd.DataFrame, present: Sequence[str], problems: list[str | Text],
                ) -> pd.DataFrame:
    """Numeric direction and plausibility columns; every unusable cell is a problem."""
    out = pd.DataFrame(index=catalogue.index)
    codes = as_text(catalogue["code"]) if "code" in catalogue.columns else catalogue.index
    for col in present:
        raw = catalogue[col]
        blank = raw.isna() | (raw.astype(str).str.strip() == "")
        values = pd.to_numeric(raw.where(~blank), errors="coerce").astype("float64")
        bad = (values.isna() & ~blank) | np.isinf(values)
        if col == "direction":
            values = values.where(values != 0)  # 0 = neither way: stored as NULL
            bad |= values.notna() & ~values.isin([1.0, -1.0])
        if col == "max_jump":
            bad |= values.notna() & ~(values > 1)
        if bad.any():
            shown = ", ".join(f"{c}={v!s}" for c, v in zip(list(codes[bad])[:5], raw[bad][:5], strict=True))
            need = {"direction": Text("1、-1 或空（中性）", "1, -1 or empty (neutral)"),
                    "max_jump": Text("大于 1 的有限倍数或空（项目默认值）",
                                     "a finite factor above 1, or empty (project default)")}.get(
                col, Text("有限的数值或空（不限）", "a finite number, or empty (open)"))
            problems.append(Text("「{col}」列有 {shown}；应为 {need}",
                                 "column '{col}' has {shown}; expected {need}").format(
                                     col=col, shown=shown, need=need))
        out[col] = values
    if {"min_value", "max_value"} <= set(present):
        crossed = out["min_value"] > out["max_value"]
        if crossed.any():
            shown = ", ".join(list(codes[crossed])[:5])
            problems.append(Text("{shown} 的 min_value 大于 max_value；请交换或修正",
                                 "{shown}: min_value is above max_value; swap or correct them").format(
                                     shown=shown))
    if "direction" in out.columns:
        out["direction"] = out["direction"].astype("Int64")
    return out


def write_indicators(conn: Connection, catalogue: pd.DataFrame) -> int:
    """Upsert catalogue entries by code; return the rows written.

    The direction and plausibility columns (:data:`INDICATOR_RULE_COLUMNS`) are written
    where the frame has them; a frame without one leaves that column of stored entries as
    it is (new entries get NULL: neutral, open range, project default jump).
    """
    what = "put_indicators"
    if "code" not in catalogue.columns and catalogue.index.name == "code":
        catalogue = catalogue.reset_index()
    require_columns(catalogue, ("code", "name_zh", "subject_kind"), what=what)
    frame = _text_frame(catalogue, INDICATOR_COLUMNS)
    frame["kind"] = frame["kind"].fillna("raw")
    problems: list[str | Text] = []
    _check_filled(frame, ("code", "name_zh", "subject_kind"), problems)  # type: ignore[arg-type]
    _check_values(frame, "subject_kind", SUBJECT_KINDS, problems)  # type: ignore[arg-type]
    _check_values(frame, "kind", INDICATOR_KINDS, problems)  # type: ignore[arg-type]
    if frame["code"].duplicated().any():
        dups = ", ".join(frame.loc[frame["code"].duplicated(), "code"].head(5))
        problems.append(f"indicator code(s) {dups} appear more than once")
    present = [c for c in INDICATOR_RULE_COLUMNS if c in catalogue.columns]
    rules = _rule_frame(catalogue, present, problems)
    raise_problems(problems, what=what)
    frame = pd.concat([frame, rules], axis=1)
    _upsert(conn, Indicator.__table__, records(frame), ("code",),  # type: ignore[arg-type]
            columns=[*INDICATOR_COLUMNS, *present])
    return len(frame)


def read_indicators(conn: Connection) -> pd.DataFrame:
    """Return the catalogue, one row per indicator, sorted by code.

    ``direction`` is ``Int64`` (1, -1 or missing = neutral); ``min_value``, ``max_value``
    and ``max_jump`` are floats (NaN = open range / project default).
    """
    names = (*INDICATOR_COLUMNS, *INDICATOR_RULE_COLUMNS)
    cols = [getattr(Indicator, c) for c in names]
    rows = conn.execute(select(*cols).order_by(Indicator.code)).all()
    dtypes = {"direction": "Int64", "min_value": "float64", "max_value": "float64",
              "max_jump": "float64"}
    return frame_from_rows(rows, names, dtypes=dtypes)
