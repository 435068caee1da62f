"""Units of measure as people read them: the catalogue's English units and their Chinese labels.

Catalogues write units in English (``"100 million CNY"``, ``"persons"``); what a person reads
follows the language: the template's cells, the report's headers, the CLI's tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from ._errors import MissingTranslationError
from ._text import LANGS

__all__ = ["UNITS_ZH", "unit_label"]

UNITS_ZH: Final[Mapping[str, str]] = MappingProxyType({
    "persons": "人",
    "10,000 persons": "万人",
    "persons per household": "人/户",
    "persons (long-form sample)": "人(长表抽样)",
    "100 million CNY": "亿元",
    "10,000 CNY": "万元",
    "CNY": "元",
    "min": "分钟",
    "km": "公里",
    "km2": "平方公里",
    "cities": "个城市",
    "index (0–2)": "指数(0—2)",
    "(10⁶ persons)²/min²": "(百万人)²/分钟²",
    # the rest of the bundled and computed catalogues (issue 9: no English unit in a Chinese header)
    "ratio": "比值",
    "ratio (region = 1)": "比值(区域=1)",
    "index": "指数",
    "index (0–1)": "指数(0—1)",
    "previous year = 100": "上年=100",
    "score (0–100)": "得分(0—100)",
    "rank": "名次",
    "s": "秒",
    "step": "步",
    # units a project's own catalogue commonly uses
    "percent": "%",
    "per cent": "%",
    "people": "人",
    "person": "人",
    "households": "户",
    "10,000 households": "万户",
    "1,000 persons": "千人",
    "million persons": "百万人",
    "100 million persons": "亿人",
    "persons/km2": "人/平方公里",
    "persons per km2": "人/平方公里",
    "persons/km²": "人/平方公里",
    "km²": "平方公里",
    "m2": "平方米",
    "m²": "平方米",
    "10,000 m2": "万平方米",
    "hectares": "公顷",
    "ha": "公顷",
    "m": "米",
    "h": "小时",
    "hours": "小时",
    "minutes": "分钟",
    "days": "天",
    "years": "年",
    "yuan": "元",
    "CNY per person": "元/人",
    "CNY/person": "元/人",
    "10,000 CNY per person": "万元/人",
    "1 billion CNY": "十亿元",
    "billion CNY": "十亿元",
    "million CNY": "百万元",
    "USD": "美元",
    "10,000 USD": "万美元",
    "100 million USD": "亿美元",
    "EUR": "欧元",
    "count": "个",
    "units": "个",
    "trips": "人次",
    "10,000 trips": "万人次",
    "passengers": "人次",
    "10,000 passengers": "万人次",
    "vehicles": "辆",
    "10,000 tonnes": "万吨",
    "tonnes": "吨",
    "t": "吨",
    "kWh": "千瓦时",
    "100 million kWh": "亿千瓦时",
    "enterprises": "家",
    "patents": "件",
    "beds": "张",
    "schools": "所",
    "‰": "‰",
})
"""Chinese labels of the units used in catalogues (which are written in English).

:func:`unit_label` also finds an entry whatever its case and surrounding spaces.
"""

_UNITS_ZH_FOLDED: Final[Mapping[str, str]] = MappingProxyType(
    {k.strip().casefold(): v for k, v in UNITS_ZH.items()})


def unit_label(unit: str, lang: str = "zh") -> str:
    """Return a unit as shown in ``lang``: the Chinese label where one is known.

    Examples
    --------
    >>> unit_label("persons", "zh"), unit_label("persons", "en"), unit_label("%", "zh")
    ('人', 'persons', '%')
    """
    if lang not in LANGS:
        msg = f"no language {lang!r}; expected one of {LANGS}"
        raise MissingTranslationError(msg)
    if lang != "zh":
        return unit
    return UNITS_ZH.get(unit) or _UNITS_ZH_FOLDED.get(str(unit).strip().casefold(), unit)
