"""Column names accepted in statistical tables, in Chinese and English.

One place maps every header a department is likely to use to the canonical column.
Matching ignores case, spaces, hyphens and underscores.
"""

from __future__ import annotations

import re

__all__ = ["CANONICAL", "canonical_column"]

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
    key = _norm(header)
    if key in _LOOKUP:
        return _LOOKUP[key]
    if key in _INFO:
        return "_info"
    return None
