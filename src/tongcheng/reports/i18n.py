"""User-interface strings in Chinese (first) and English.

Every label a report shows comes from :data:`STRINGS`: one dict per language with the
same keys. Other parts of tongcheng (CLI output, web pages) may use :func:`t` too, so
keys are namespaced (``section.map``, ``table.from`` …). A test checks that both
languages define exactly the same keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .._errors import MissingTranslationError
from .._measures import UNITS_ZH, unit_label

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "STRINGS",
    "UNITS_ZH",
    "MissingTranslationError",
    "check_lang",
    "t",
    "unit_label",
]

LANGS: Final = ("zh", "en")
"""Supported languages, Chinese first."""

DEFAULT_LANG: Final = "zh"

_ZH: dict[str, str] = {
    "lang.name": "中文",
    "lang.switch_label": "语言",
    "report.generated_at": "生成时间",
    "report.version": "版本",
    "report.region": "区域",
    "report.contents": "目录",
    "report.offline_note": "本报告为单一离线文件：所有数据与脚本均内嵌，无需联网或服务器。",
    "report.noscript": "请启用 JavaScript 以显示地图和表格。",
    "report.made_with": "由 tongcheng 同城化监测评估系统生成",
    "section.overview": "概览",
    "section.map": "地图",
    "section.cities": "城市指标",
    "section.pairs": "城市对指标",
    "section.metros": "都市圈指标",
    "section.index": "同城化指数(都市圈内城市对)",
    "table.metros": "所属都市圈",
    "table.rank": "排名",
    "table.rank_range": "排名区间",
    "section.methods": "方法说明",
    "section.sources": "数据来源",
    "overview.empty": "暂无关键数据。",
    "map.indicator": "指标",
    "map.links": "最强联系",
    "map.links_fallback": "最强联系（距离替代）",
    "map.links_fallback_note": "虚线：缺少实测数据，按距离估算的联系。",
    "map.link_value": "联系强度",
    "map.no_data": "无数据",
    "map.high": "高",
    "map.low": "低",
    "map.save_image": "保存图片",
    "map.reset": "还原",
    "map.metro": "都市圈",
    "map.hint": "滚轮缩放、拖动平移；点击图例显示或隐藏都市圈边界与联系线。",
    "table.code": "代码",
    "table.city": "城市",
    "table.metro": "都市圈",
    "table.from": "起点城市",
    "table.to": "终点城市",
    "table.filter": "筛选",
    "table.filter_placeholder": "输入城市名或代码",
    "table.rows": "行",
    "table.sort_hint": "点击表头排序",
    "table.missing": "—",
    "table.empty": "无数据。",
    "methods.citation": "参考文献",
    "methods.empty": "暂无方法说明。",
    "sources.name": "数据集",
    "sources.licence": "许可",
    "sources.citation": "引用",
    "sources.url": "网址（仅文本，不联网获取）",
    "sources.empty": "暂无数据来源。",
    "indicator.direction_pos": "数值越高越好",
    "indicator.direction_neg": "数值越低越好",
    "section.isochrone": "1小时交通圈(等时圈)",
    "iso.core": "核心城市",
    "iso.mode": "交通方式",
    "iso.minutes": "分钟",
    "iso.outline": "1小时圈边界(≤ 60 分钟)",
    "iso.no_timetable": "该核心城市不在时刻表内: 无时刻表数据(不按0计)。",
    "iso.no_times": "该核心城市无此交通方式的出行时间数据(不按0计)。",
    "iso.within": "60分钟内",
    "iso.units": "城市数",
    "iso.population": "常住人口(2020)",
    "iso.area": "面积",
    "iso.share": "占都市圈人口比重(S07)",
    "iso.no_core": "无单一核心城市, 不绘制等时圈:",
    "iso.hint": "色带为与核心城市的最短出行时间(任一方向, 累计: ≤30、≤60、≤90、≤120 分钟); 红线为1小时圈边界; 灰色为无时间数据的城市。",
    "flow.section": "通勤与联系",
    "flow.period": "时期",
    "flow.value_kind": "数据口径",
    "flow.kind_sample": "样本量(单一数据商识别用户)",
    "flow.kind_expanded": "扩样量",
    "flow.total": "跨单元通勤人数",
    "flow.shown": "图中通勤流条数(最大者)",
    "flow.commuters": "通勤人数",
    "flow.map_hint": "线宽与通勤人数成正比, 箭头指向就业地; 只画最大的若干条跨单元通勤流; 圆点为单元代表点。",
    "flow.delin_title": "按通勤划定的都市圈(OECD 15% 规则)与规划范围",
    "flow.delin_hint": ("颜色为按 EU-OECD 功能城市区规则划定的都市圈(就业常住人口 ≥ 15% 在核心城市就业; "
                        "未检查空间连续性); 虚线为已批复规划的都市圈范围。"),
    "flow.not_member": "不属于划定的都市圈",
    "flow.outline": "规划范围",
    "flow.no_core": "已批复都市圈的核心城市不在通勤数据中, 无法划定。",
    "flow.sens_title": "阈值敏感性: 各通勤率阈值下的成员数(不含核心)",
    "flow.metro": "都市圈",
    "flow.adopted_members": "规划成员数(不含核心)",
    # issue 9 (report shows the project's data): counties, time series, provenance, imports
    "section.counties": "县级单元指标",
    "section.provinces": "省级单元指标",
    "table.province": "省级单元",
    "section.series": "时间序列",
    "table.county": "县级单元",
    "table.parent": "所属城市",
    "series.indicator": "指标",
    "series.units": "单元(可多选)",
    "series.hint": ("有多个时期数值的指标按单元绘制折线; 在列表中按住 Ctrl 或 ⌘ 可选择多个单元。"
                    "缺失的时期不连线、不按0计。"),
    "value.period": "时期",
    "value.vintage": "版本",
    "value.source": "来源",
    "value.other_period": "上标为该值的时期(与本列其他值不同)。",
    "indicator.kind_raw": "导入数据",
    "indicator.kind_computed": "计算指标",
    "indicator.periods": "时期",
    "indicator.sources": "来源",
    "sources.imported": "项目导入的数据",
    "sources.file": "文件",
    "sources.vintage": "版本",
    "sources.imported_at": "导入时间",
    "sources.n_obs": "观测值数",
    "sources.indicators": "指标",
    "index.metro_legend": "都市圈",
    "index.fallback_mark": "* 城市对之间无直达列车: 铁路时间按距离折算。",
}

_EN: dict[str, str] = {
    "lang.name": "English",
    "lang.switch_label": "Language",
    "report.generated_at": "Generated",
    "report.version": "Version",
    "report.region": "Region",
    "report.contents": "Contents",
    "report.offline_note": (
        "This report is a single offline file: all data and scripts are embedded; "
        "no network or server is needed."
    ),
    "report.noscript": "Enable JavaScript to see the map and the tables.",
    "report.made_with": "Made with tongcheng, the metropolitan integration monitoring system",
    "section.overview": "Overview",
    "section.map": "Map",
    "section.cities": "City indicators",
    "section.pairs": "City-pair indicators",
    "section.metros": "Metropolitan-area indicators",
    "section.index": "Integration index (city pairs within metropolitan areas)",
    "table.metros": "Metropolitan area(s)",
    "table.rank": "Rank",
    "table.rank_range": "Rank range",
    "section.methods": "Methods",
    "section.sources": "Data sources",
    "overview.empty": "No key figures yet.",
    "map.indicator": "Indicator",
    "map.links": "Strongest links",
    "map.links_fallback": "Strongest links (distance fallback)",
    "map.links_fallback_note": "Dashed: no measured data, link estimated from distance.",
    "map.link_value": "Link strength",
    "map.no_data": "No data",
    "map.high": "High",
    "map.low": "Low",
    "map.save_image": "Save image",
    "map.reset": "Reset",
    "map.metro": "Metropolitan area",
    "map.hint": (
        "Scroll to zoom, drag to pan; click the legend to show or hide metro outlines "
        "and links."
    ),
    "table.code": "Code",
    "table.city": "City",
    "table.metro": "Metropolitan area",
    "table.from": "From",
    "table.to": "To",
    "table.filter": "Filter",
    "table.filter_placeholder": "City name or code",
    "table.rows": "rows",
    "table.sort_hint": "Click a header to sort",
    "table.missing": "—",
    "table.empty": "No data.",
    "methods.citation": "Reference",
    "methods.empty": "No method notes yet.",
    "sources.name": "Dataset",
    "sources.licence": "Licence",
    "sources.citation": "Citation",
    "sources.url": "URL (text only, never fetched)",
    "sources.empty": "No data sources listed.",
    "indicator.direction_pos": "higher is better",
    "indicator.direction_neg": "lower is better",
    "section.isochrone": "One-hour circles (isochrones)",
    "iso.core": "Core city",
    "iso.mode": "Mode",
    "iso.minutes": "min",
    "iso.outline": "One-hour circle (≤ 60 min)",
    "iso.no_timetable": "This core is not in the timetable: no timetable data (not counted as zero).",
    "iso.no_times": "No travel times of this mode for this core (not counted as zero).",
    "iso.within": "Within 60 min",
    "iso.units": "Cities",
    "iso.population": "Residents (2020)",
    "iso.area": "Area",
    "iso.share": "Share of metro residents (S07)",
    "iso.no_core": "No single core city, so no isochrones:",
    "iso.hint": ("Colour bands: shortest travel time to or from the core (either direction; cumulative "
                 "≤30, ≤60, ≤90, ≤120 min); red line: the one-hour circle; grey: cities without a time."),
    "flow.section": "Commuting and linkage",
    "flow.period": "Period",
    "flow.value_kind": "Counts",
    "flow.kind_sample": "sample (identified users of one provider)",
    "flow.kind_expanded": "expanded",
    "flow.total": "Cross-unit commuters",
    "flow.shown": "Flows drawn (largest)",
    "flow.commuters": "Commuters",
    "flow.map_hint": ("Line width is proportional to commuters, arrows point to the workplace; only the "
                      "largest cross-unit flows are drawn; dots are the units' representative points."),
    "flow.delin_title": "Metro areas delineated from commuting (OECD 15 % rule) and the adopted plans",
    "flow.delin_hint": ("Colours: metro areas under the EU-OECD functional-urban-area rule (≥ 15 % of "
                        "employed residents work in the core; contiguity not checked); dashed lines: "
                        "the adopted plans' areas."),
    "flow.not_member": "Not in a delineated metro",
    "flow.outline": "Adopted plan",
    "flow.no_core": "No adopted metro core is in the commuting data, so nothing is delineated.",
    "flow.sens_title": "Threshold sensitivity: members at each commuting-share threshold (core excluded)",
    "flow.metro": "Metro area",
    "flow.adopted_members": "Members in the plan (core excluded)",
    # issue 9 (report shows the project's data): counties, time series, provenance, imports
    "section.counties": "County-level indicators",
    "section.provinces": "Province-level indicators",
    "table.province": "Province",
    "section.series": "Time series",
    "table.county": "County-level unit",
    "table.parent": "City",
    "series.indicator": "Indicator",
    "series.units": "Units (select several)",
    "series.hint": ("Indicators with values for several periods, one line per unit; hold Ctrl or ⌘ to "
                    "select several units. Missing periods are gaps, never zero."),
    "value.period": "Period",
    "value.vintage": "Vintage",
    "value.source": "Source",
    "value.other_period": "A superscript is the value's period (it differs from the rest of the column).",
    "indicator.kind_raw": "imported",
    "indicator.kind_computed": "computed",
    "indicator.periods": "Periods",
    "indicator.sources": "Sources",
    "sources.imported": "Data imported by the project",
    "sources.file": "File",
    "sources.vintage": "Vintage",
    "sources.imported_at": "Imported",
    "sources.n_obs": "Observations",
    "sources.indicators": "Indicators",
    "index.metro_legend": "Metropolitan areas",
    "index.fallback_mark": "* No direct train between the two cities: rail time estimated from distance.",
}

STRINGS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {"zh": MappingProxyType(_ZH), "en": MappingProxyType(_EN)}
)
"""All UI strings: ``STRINGS[lang][key]`` (read-only)."""


def check_lang(lang: str) -> str:
    """Return `lang` if it is supported, else raise.

    Parameters
    ----------
    lang
        Language code, ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The same code.

    Raises
    ------
    MissingTranslationError
        If `lang` is not one of :data:`LANGS`.
    """
    if lang not in STRINGS:
        msg = f"language {lang!r} is not supported; expected one of {', '.join(LANGS)}"
        raise MissingTranslationError(msg)
    return lang


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    """Return the UI string `key` in language `lang`.

    Parameters
    ----------
    key
        A key of :data:`STRINGS`, e.g. ``"section.map"``.
    lang
        ``"zh"`` (default) or ``"en"``.

    Returns
    -------
    str
        The translated string.

    Raises
    ------
    MissingTranslationError
        If the language or the key is unknown (a ``KeyError`` and a ``TongchengError``).

    Examples
    --------
    >>> t("section.map", "en")
    'Map'
    >>> t("section.map")
    '地图'
    """
    table = STRINGS[check_lang(lang)]
    try:
        return table[key]
    except KeyError:
        group = key.partition(".")[0]
        close = sorted(k for k in table if k.partition(".")[0] == group)
        hint = f" Keys in this group: {', '.join(close)}." if close else ""
        msg = (
            f"no UI string {key!r} for language {lang!r}. Add it to both dicts in "
            f"tongcheng/reports/i18n.py.{hint}"
        )
        raise MissingTranslationError(msg) from None


