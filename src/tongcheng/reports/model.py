"""Input contract of the HTML report: what a caller hands to :func:`render_report`.

:class:`ReportData` is the seam between the computations (indicators, index, flows …)
and the report. Everything in it is plain data; the report never computes indicators.
Later features add their own parts of the page as :class:`Section` objects, either in
``ReportData.sections`` or through :func:`tongcheng.reports.register_section`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import geopandas
import pandas as pd

from .._errors import Problem, ValidationError

__all__ = [
    "CITY_COLUMNS",
    "LINK_COLUMNS",
    "LINK_FLAG_DISTANCE_FALLBACK",
    "METRO_COLUMNS",
    "PAIR_COLUMNS",
    "DataSource",
    "IndicatorMeta",
    "MethodNote",
    "ReportData",
    "Section",
    "TimeSeries",
    "shown_values",
    "validate_report_data",
]

CITY_COLUMNS = ("name_zh", "name_en", "geometry")
PAIR_COLUMNS = ("from_code", "from_zh", "from_en", "to_code", "to_zh", "to_en")
LINK_COLUMNS = ("from_code", "to_code", "value", "flag")
METRO_COLUMNS = ("name_zh", "name_en", "geometry")
LINK_FLAG_DISTANCE_FALLBACK = "distance_fallback"
_LINK_FLAGS = ("", LINK_FLAG_DISTANCE_FALLBACK)


@dataclass
class IndicatorMeta:
    """How to label one indicator column of ``cities`` or ``pairs``.

    Attributes
    ----------
    code
        Column name in the table.
    name_zh, name_en
        Display names.
    unit
        Unit shown in table headers and map tooltips (e.g. ``"亿元"``, ``"min"``, ``"%"``);
        ``""`` for none.
    description_zh, description_en
        One-sentence explanation, shown as a hint.
    citation
        Published method, shown with the description.
    direction
        ``1`` if higher is better, ``-1`` if lower is better (flips the map colours), ``0``
        if neither (the catalogue does not say).
    decimals
        Decimal places to show; ``None`` chooses from the magnitude of the values.
    indicator
        Catalogue code of the indicator (``""``: same as `code`); two columns of one
        indicator (e.g. two periods) share it.
    kind
        ``"raw"`` (imported), ``"computed"`` or ``""`` (not said).
    period
        Period(s) of the values shown, e.g. ``"2020"`` or ``"2022–2024"`` (``""``: not said).
    periods
        Every period with values in the project (for the time-series view and the notes).
    provenance
        Per row of the table (index label as text): ``(period, vintage, source)`` of the value
        shown; shown on the value and in its tooltip. Empty: no provenance per value.
    """

    code: str
    name_zh: str
    name_en: str
    unit: str
    description_zh: str = ""
    description_en: str = ""
    citation: str = ""
    direction: int = 1
    decimals: int | None = None
    indicator: str = ""
    kind: str = ""
    period: str = ""
    periods: tuple[str, ...] = ()
    provenance: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)

    def label(self, lang: str, *, with_period: bool = True) -> str:
        """Return the name with unit and period: ``常住人口（人，2020）``, ``GDP (100 million CNY, 2024)``.

        The period is left out where the name already says it (``常住人口增长率(2010—2020)``).
        """
        name = self.name_zh if lang == "zh" else self.name_en
        unit = self.unit_in(lang)
        period = self.shown_period if with_period else ""
        inner = ("，" if lang == "zh" else ", ").join(x for x in (unit, period) if x)
        if not inner:
            return name
        return f"{name}（{inner}）" if lang == "zh" else f"{name} ({inner})"

    @property
    def shown_period(self) -> str:
        """Return `period` unless a name already says it."""
        return "" if not self.period or self.period in self.name_zh or self.period in self.name_en \
            else self.period

    @property
    def catalogue_code(self) -> str:
        """Return the catalogue code of the indicator (`indicator`, else `code`)."""
        return self.indicator or self.code

    def unit_in(self, lang: str) -> str:
        """Return the unit as shown in ``lang`` (Chinese label where one is known)."""
        from .i18n import unit_label

        return unit_label(self.unit, lang)


@dataclass
class MethodNote:
    """A method note: plain text, blank lines separate paragraphs."""

    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    citation: str = ""


@dataclass
class DataSource:
    """A data source and its licence. ``url`` is shown as text and never fetched."""

    name: str
    licence: str
    citation: str = ""
    url: str = ""
    name_en: str = ""
    indicators: str = ""
    """Codes of the indicators whose values come from it (e.g. an import), comma-separated."""
    details: tuple[str, ...] = ()
    """Sources it gathers (e.g. the own source of each row of an imported file), listed below it."""


@dataclass
class Section:
    """One section of the report page.

    Attributes
    ----------
    key
        Unique identifier (letters, digits, ``-``, ``_``); the section's element id is
        ``sec-<key>``.
    title_zh, title_en
        Heading in each language.
    html_zh, html_en
        Already-escaped HTML fragments, shown only in their language.
    order
        Position on the page, ascending. Built-ins: overview 10, map 20, cities 30,
        pairs 40, methods 90, sources 100; use 50–89 for analysis sections.
    html
        Language-neutral HTML fragment shown in both languages, after the language
        fragments. Inside it, ``<span class="l-zh">…</span><span class="l-en">…</span>``
        shows text per language, and elements with ``data-zh``/``data-en`` attributes
        get their text swapped on a language switch. ``table.tc-sortable`` tables with
        ``data-v`` cell attributes become sortable.
    payload
        JSON-serialisable data made available to `script` as
        ``tongchengReport.payload(key)``.
    script
        JavaScript run after the page is set up (ECharts is loaded). It can call
        ``tongchengReport.onLanguageChange(fn)``, ``tongchengReport.lang()``,
        ``tongchengReport.t(key)`` and ``tongchengReport.fmt(value, decimals)``.
    """

    key: str
    title_zh: str
    title_en: str
    html_zh: str = ""
    html_en: str = ""
    order: int = 50
    html: str = ""
    payload: Mapping[str, object] | list[object] | None = None
    script: str = ""


@dataclass
class TimeSeries:
    """Values of one unit indicator over its periods, for the time-series chart.

    Attributes
    ----------
    meta
        Label, unit and decimals of the indicator.
    values
        Index: unit code (units of ``ReportData.cities``); columns: periods in order;
        NaN where a unit has no value for a period.
    """

    meta: IndicatorMeta
    values: pd.DataFrame


@dataclass
class ReportData:
    """Everything a report shows.

    Attributes
    ----------
    title_zh, title_en
        Report title.
    region_zh, region_en
        Name of the region covered.
    cities
        Index: city code. Columns ``name_zh``, ``name_en``, ``geometry`` (EPSG:4326; other
        CRSs are converted) plus one numeric column per city indicator.
    city_indicators
        Columns of `cities` to show in the city table and the map selector, in order.
    pairs
        One row per city pair: ``from_code, from_zh, from_en, to_code, to_zh, to_en`` plus
        numeric columns.
    pair_indicators
        Numeric columns of `pairs` to show.
    links
        Strongest links to draw: ``from_code, to_code, value, flag`` (``""`` or
        ``"distance_fallback"``, drawn dashed). Line width is proportional to ``value``.
    metros
        Metropolitan-area outlines; index ``metro_code``; ``name_zh, name_en, geometry``.
    overview
        Key figures ``(label_zh, label_en, formatted value)``.
    notes
        Method notes.
    sources
        Data sources with licences.
    sections
        Extra sections, merged with those from registered providers.
    metro_indicators
        Numeric columns of `metros` to show in the metropolitan-area table (optional).
    default_indicator
        City indicator shown first on the map; default the first of `city_indicators`.
    counties
        County-level units (optional): index code, ``name_zh``, ``name_en`` plus one numeric
        column per county indicator; shown as a table when `county_indicators` is not empty.
    county_indicators
        Numeric columns of `counties` to show.
    provinces, province_indicators
        The same for provinces (optional; when the map does not show them).
    series
        Indicators with several periods, drawn as lines per unit (optional).
    generated_at, version
        Shown in the header (e.g. ISO timestamp, package version).
    """

    title_zh: str
    title_en: str
    region_zh: str
    region_en: str
    cities: geopandas.GeoDataFrame
    city_indicators: list[IndicatorMeta]
    pairs: pd.DataFrame
    pair_indicators: list[IndicatorMeta]
    links: pd.DataFrame
    metros: geopandas.GeoDataFrame
    overview: list[tuple[str, str, str]]
    notes: list[MethodNote]
    sources: list[DataSource]
    sections: list[Section] = field(default_factory=list)
    default_indicator: str | None = None
    metro_indicators: list[IndicatorMeta] = field(default_factory=list)
    counties: pd.DataFrame | None = None
    county_indicators: list[IndicatorMeta] = field(default_factory=list)
    provinces: pd.DataFrame | None = None
    province_indicators: list[IndicatorMeta] = field(default_factory=list)
    series: list[TimeSeries] = field(default_factory=list)
    generated_at: str = ""
    version: str = ""


def _missing_columns(
    frame: pd.DataFrame, required: tuple[str, ...], where: str
) -> list[Problem]:
    return [
        Problem(file=where, row=None, column=col, value=None,
                expected=f"a column {col!r}",
                fix=f"add {col!r} (required: {', '.join(required)})")
        for col in required if col not in frame.columns
    ]


def _check_indicators(
    frame: pd.DataFrame, metas: list[IndicatorMeta], where: str
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for meta in metas:
        if meta.code in seen:
            problems.append(Problem(file=where, row=None, column=meta.code, value=meta.code,
                                    expected="each indicator listed once",
                                    fix="remove the duplicate IndicatorMeta"))
        seen.add(meta.code)
        if meta.code not in frame.columns:
            problems.append(Problem(file=where, row=None, column=meta.code, value=None,
                                    expected=f"a numeric column {meta.code!r}",
                                    fix="add the column or drop its IndicatorMeta"))
        elif not pd.api.types.is_numeric_dtype(frame[meta.code]):
            problems.append(Problem(file=where, row=None, column=meta.code,
                                    value=str(frame[meta.code].dtype),
                                    expected="a numeric column",
                                    fix="convert it with pandas.to_numeric"))
        if meta.direction not in (1, -1, 0):
            problems.append(Problem(file=where, row=None, column=meta.code,
                                    value=str(meta.direction), expected="direction 1, -1 or 0",
                                    fix="set IndicatorMeta.direction to 1, -1 or 0 (neither)"))
    return problems


def _check_geo(frame: geopandas.GeoDataFrame, where: str) -> list[Problem]:
    if not isinstance(frame, geopandas.GeoDataFrame):
        return [Problem(file=where, row=None, column=None, value=type(frame).__name__,
                        expected="a GeoDataFrame", fix="pass a geopandas.GeoDataFrame")]
    problems = []
    if frame.crs is None and len(frame) > 0:
        problems.append(Problem(file=where, row=None, column="geometry", value="no CRS",
                                expected="a CRS (EPSG:4326 preferred)",
                                fix="call .set_crs('EPSG:4326') if the coordinates are lon/lat"))
    if not frame.index.is_unique:
        dup = frame.index[frame.index.duplicated()].unique()[:5]
        problems.append(Problem(file=where, row=None, column="index",
                                value=", ".join(map(str, dup)), expected="unique codes",
                                fix="drop or merge the duplicated rows"))
    return problems


def _check_links(data: ReportData) -> list[Problem]:
    where = "ReportData.links"
    problems = _missing_columns(data.links, LINK_COLUMNS, where)
    if problems:
        return problems
    known = {str(c) for c in data.cities.index}
    for i, rec in enumerate(data.links.itertuples(index=False), start=2):
        for col in ("from_code", "to_code"):
            code = str(getattr(rec, col))
            if code not in known:
                problems.append(Problem(file=where, row=i, column=col, value=code,
                                        expected="a code from the cities index",
                                        fix="add the city or drop the link"))
        if str(rec.flag) not in _LINK_FLAGS:
            problems.append(Problem(file=where, row=i, column="flag", value=str(rec.flag),
                                    expected='"" or "distance_fallback"',
                                    fix="use one of the known flags"))
    if not pd.api.types.is_numeric_dtype(data.links["value"]):
        problems.append(Problem(file=where, row=None, column="value",
                                value=str(data.links["value"].dtype),
                                expected="numeric values", fix="convert with pandas.to_numeric"))
    return problems


def validate_report_data(data: ReportData) -> ReportData:
    """Check `data` and return it with geometries in EPSG:4326.

    All problems are collected and raised together.

    Parameters
    ----------
    data
        The report input.

    Returns
    -------
    ReportData
        A shallow copy whose ``cities`` and ``metros`` are in EPSG:4326.

    Raises
    ------
    tongcheng.ValidationError
        Listing every missing column, non-numeric indicator, unknown city code in
        ``links``, bad flag, duplicated code or unknown ``default_indicator``.
    """
    problems: list[Problem] = []
    problems += _check_geo(data.cities, "ReportData.cities")
    problems += _check_geo(data.metros, "ReportData.metros")
    if isinstance(data.cities, geopandas.GeoDataFrame):
        problems += _missing_columns(data.cities, CITY_COLUMNS, "ReportData.cities")
        problems += _check_indicators(data.cities, data.city_indicators, "ReportData.cities")
        problems += _check_links(data)
    if isinstance(data.metros, geopandas.GeoDataFrame):
        problems += _missing_columns(data.metros, METRO_COLUMNS, "ReportData.metros")
    problems += _missing_columns(data.pairs, PAIR_COLUMNS, "ReportData.pairs")
    problems += _check_indicators(data.pairs, data.pair_indicators, "ReportData.pairs")
    problems += _check_indicators(data.metros, data.metro_indicators, "ReportData.metros")
    for name, frame, metas in (("counties", data.counties, data.county_indicators),
                               ("provinces", data.provinces, data.province_indicators)):
        if metas:
            table = frame if frame is not None else pd.DataFrame()
            problems += _missing_columns(table, ("name_zh", "name_en"), f"ReportData.{name}")
            problems += _check_indicators(table, metas, f"ReportData.{name}")
    for ts in data.series:
        unknown = [str(c) for c in ts.values.index if c not in data.cities.index] \
            if isinstance(data.cities, geopandas.GeoDataFrame) else []
        if unknown:
            problems.append(Problem(file="ReportData.series", row=None, column=ts.meta.code,
                                    value=", ".join(unknown[:5]), expected="codes of the cities index",
                                    fix="drop the units the map does not show"))
    codes = [m.code for m in data.city_indicators]
    if data.default_indicator is not None and data.default_indicator not in codes:
        problems.append(Problem(file="ReportData", row=None, column="default_indicator",
                                value=data.default_indicator,
                                expected=f"one of the city indicators: {', '.join(codes)}",
                                fix="pick a code listed in city_indicators, or None"))
    keys = [s.key for s in data.sections]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(Problem(file="ReportData.sections", row=None, column="key", value=key,
                                expected="unique section keys", fix="rename one section"))
    if problems:
        raise ValidationError(problems, summary=f"{len(problems)} problem(s) in the report data")
    return replace(data, cities=_to_wgs84(data.cities), metros=_to_wgs84(data.metros))


SHOWN_COLUMNS = ("table", "indicator", "column", "subject", "period", "vintage", "source", "value")


def shown_values(data: ReportData) -> pd.DataFrame:
    """Return every value the report's tables show, one row each, with where it comes from.

    Parameters
    ----------
    data
        The report input (e.g. from :func:`tongcheng.reports.project_report.project_report_data`).

    Returns
    -------
    pandas.DataFrame
        Columns ``table`` (``cities``, ``provinces``, ``counties``, ``metros`` or ``pairs``),
        ``indicator`` (catalogue code), ``column``, ``subject`` (unit or metro code, ``"a>b"``
        for a pair), ``period``, ``vintage``, ``source`` (``""`` where the report was given
        none) and ``value``; missing values are left out.
    """
    rows = []
    tables = (("cities", data.cities, data.city_indicators), ("provinces", data.provinces,
              data.province_indicators), ("counties", data.counties, data.county_indicators),
              ("metros", data.metros, data.metro_indicators), ("pairs", data.pairs, data.pair_indicators))
    for table, frame, metas in tables:
        if frame is None:
            continue
        for meta in metas:
            for key, value in frame[meta.code].dropna().items():
                period, vintage, source = meta.provenance.get(str(key), (meta.period, "", ""))
                rows.append((table, meta.catalogue_code, meta.code, str(key), period, vintage, source,
                             float(value)))
    return pd.DataFrame(rows, columns=list(SHOWN_COLUMNS))


def _to_wgs84(frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    if frame.crs is None or frame.crs.to_epsg() == 4326:
        return frame
    return frame.to_crs(4326)
