"""Column names accepted in statistical tables, in Chinese and English.

One place maps every header a department is likely to use to the canonical column.
Matching ignores case, spaces, hyphens and underscores.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["CANONICAL", "bilingual_header", "canonical_column", "match_bilingual"]

CANONICAL: dict[str, tuple[str, ...]] = {
    "code": ("code", "adcode", "unit_code", "region_code", "行政区划代码", "区划代码", "代码", "地区代码"),
    "name": ("name", "region", "city", "county", "地区", "城市", "区县", "名称", "地区名称", "城市名称"),
    "from": ("from", "from_code", "origin", "origin_code", "o", "起点", "出发地", "起点代码"),
    "metro": ("metro", "metro_code", "metropolitan_area", "都市圈", "都市圈代码"),
    "to": ("to", "to_code", "destination", "destination_code", "dest", "d", "终点", "目的地", "终点代码"),
    "indicator": ("indicator", "indicator_code", "指标", "指标代码", "指标名称"),
    "period": ("period", "year", "年份", "年度", "时期", "年"),
    "value": ("value", "数值", "值", "指标值"),
    "unit": ("unit", "unit_of_measure", "measure_unit", "计量单位", "单位"),
    "vintage": ("vintage", "数据版本", "版本"),
    "source": ("source", "数据来源", "来源"),
    "value_kind": ("value_kind", "数据性质", "口径"),
    "flags": ("flags", "标注"),
}

# Columns kept for people but not stored as observations.
INFORMATIONAL = ("from_name", "to_name", "name_en", "note", "notes", "备注", "source_url",
                 "source_note", "train", "说明")


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).lower()


_LOOKUP = {_norm(alias): canon for canon, aliases in CANONICAL.items() for alias in aliases}
_INFO = {_norm(a) for a in INFORMATIONAL}


def bilingual_header(label: str, key: str) -> str:
    """Return the header the Excel template writes: a label for people, then the key.

    Examples
    --------
    >>> bilingual_header("地区生产总值", "gdp")
    '地区生产总值 gdp'
    """
    return f"{label} {key}"


def match_bilingual(header: str, match: Callable[[str], str | None]) -> str | None:
    """Match ``header`` whole, else as ``"<label> <key>"`` whose two halves match the same thing.

    Parameters
    ----------
    header
        A column header, e.g. ``"地区生产总值 gdp"`` or ``"代码 code"``.
    match
        Looks one text up; returns what it names or ``None``.

    Returns
    -------
    str or None
        What ``match`` returns for the whole header, or for both halves when they agree;
        ``None`` otherwise (``"代码 name"`` names two different columns).
    """
    found = match(header)
    if found is not None:
        return found
    parts = header.strip().rsplit(maxsplit=1)
    if len(parts) == 2:
        found = match(parts[1])
        if found is not None and match(parts[0]) == found:
            return found
    return None


def _canonical(header: str) -> str | None:
    key = _norm(header)
    if key in _LOOKUP:
        return _LOOKUP[key]
    if key in _INFO:
        return "_info"
    return None


def canonical_column(header: str) -> str | None:
    """Return the canonical column for a header, ``"_info"`` for known informational columns.

    Parameters
    ----------
    header
        A column header as written in the file.

    Returns
    -------
    str or None
        One of the keys of :data:`CANONICAL`, ``"_info"``, or ``None`` if unknown.
    """
    return match_bilingual(header, _canonical)
