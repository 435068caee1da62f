"""The built-in report sections, written as ordinary section providers."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd

from . import _geo
from ._format import auto_decimals
from .model import LINK_FLAG_DISTANCE_FALLBACK, IndicatorMeta, Section
from .sections import ReportContext, SectionProvider

__all__ = [
    "BUILTIN_PROVIDERS",
    "cities_section",
    "counties_section",
    "map_section",
    "methods_section",
    "overview_section",
    "pairs_section",
    "provinces_section",
    "series_section",
    "sources_section",
]

METRO_COLOURS = ("#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
                 "#17becf", "#bcbd22")
LINK_MAX_WIDTH = 6.0
LINK_MIN_WIDTH = 0.6
FILTER_MIN_ROWS = 12  # tables with more rows get a filter box
SERIES_DEFAULT_UNITS = 5  # lines drawn before the reader picks units: the largest latest values


def _title(ctx: ReportContext, key: str) -> tuple[str, str]:
    return ctx.t(key, "zh"), ctx.t(key, "en")


def _numbers(series: pd.Series) -> list[float | None]:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return [float(v) if np.isfinite(v) else None for v in values]


def _decimals(meta: IndicatorMeta, values: list[float | None]) -> int:
    return auto_decimals(values) if meta.decimals is None else meta.decimals


def _rounded(values: list[float | None], decimals: int) -> list[float | int | None]:
    """Round to two places more than shown: enough to sort, much smaller JSON (whole numbers as int)."""
    out: list[float | int | None] = []
    for v in values:
        r = None if v is None else round(v, decimals + 2)
        out.append(int(r) if r is not None and r.is_integer() and abs(r) < 2**53 else r)
    return out


def overview_section(ctx: ReportContext) -> Section:
    """Build the key-figure cards."""
    zh, en = _title(ctx, "section.overview")
    html = ctx.render_template("sections/overview.html.j2", items=ctx.data.overview)
    return Section("overview", zh, en, html=html, order=10)


def _indicator_payload(meta: IndicatorMeta, frame: pd.DataFrame) -> dict[str, Any]:
    values = _numbers(frame[meta.code])
    decimals = _decimals(meta, values)
    values = _rounded(values, decimals)
    finite = [v for v in values if v is not None]
    return {
        "code": meta.code, "name_zh": meta.name_zh, "name_en": meta.name_en,
        "unit": meta.unit, "unit_zh": meta.unit_in("zh"), "direction": meta.direction,
        "description_zh": meta.description_zh, "description_en": meta.description_en,
        "decimals": decimals,
        "values": dict(zip(map(str, frame.index), values, strict=True)),
        "min": min(finite) if finite else None, "max": max(finite) if finite else None,
        "period": meta.period, **_value_periods(meta),
    }


def _value_periods(meta: IndicatorMeta) -> dict[str, Any]:
    """``{"periods": {code: period}}`` when the values shown are of more than one period."""
    periods = {key: prov[0] for key, prov in meta.provenance.items()}
    return {"periods": periods} if len(set(periods.values())) > 1 else {}


def _links_payload(ctx: ReportContext, known: dict[str, list[float]]) -> list[dict[str, Any]]:
    links = ctx.data.links
    if links.empty:
        return []
    values = _numbers(links["value"])
    top = max((abs(v) for v in values if v is not None), default=0.0) or 1.0
    out = []
    for rec, value in zip(links.itertuples(index=False), values, strict=True):
        a, b = str(rec.from_code), str(rec.to_code)
        if a not in known or b not in known or value is None:
            continue
        width = max(LINK_MIN_WIDTH, LINK_MAX_WIDTH * abs(value) / top)
        out.append({"from": a, "to": b, "value": value, "width": round(width, 2),
                    "fallback": str(rec.flag) == LINK_FLAG_DISTANCE_FALLBACK,
                    "coords": [known[a], known[b]]})
    return out


def _map_payload(ctx: ReportContext) -> dict[str, Any]:
    data = ctx.data
    cities = data.cities
    geojson, tolerance = _geo.geojson_for_echarts(cities)
    centres = _geo.centroids(cities)
    names = {str(c): [str(zh), str(en)] for c, zh, en
             in zip(cities.index, cities["name_zh"], cities["name_en"], strict=True)}
    metros = [
        {"code": str(code), "name_zh": str(row["name_zh"]), "name_en": str(row["name_en"]),
         "colour": METRO_COLOURS[i % len(METRO_COLOURS)],
         "paths": _geo.outline_paths(row.geometry, tolerance=1.5 * tolerance)}
        for i, (code, row) in enumerate(data.metros.iterrows())
    ]
    links = _links_payload(ctx, centres)
    link_values = [link["value"] for link in links]
    codes = [m.code for m in data.city_indicators]
    default = data.default_indicator or (codes[0] if codes else None)
    return {
        "geojson": geojson, "scale": _geo.ENCODE_SCALE, "names": names, "centroids": centres,
        "aspect": _geo.aspect_scale(cities),
        "indicators": [_indicator_payload(m, cities) for m in data.city_indicators],
        "default": default, "metros": metros, "links": links,
        "link_decimals": auto_decimals(link_values),
    }


def map_section(ctx: ReportContext) -> Section:
    """Build the map: choropleth of a city indicator, metro outlines, strongest links."""
    zh, en = _title(ctx, "section.map")
    payload = _map_payload(ctx)
    html = ctx.render_template(
        "sections/map.html.j2", indicators=ctx.data.city_indicators,
        default=payload["default"], lang=ctx.lang,
        has_fallback=any(link["fallback"] for link in payload["links"]),
    )
    script = files("tongcheng.reports").joinpath("static", "map.js").read_text("utf-8")
    return Section("map", zh, en, html=html, order=20, payload=payload, script=script)


def _num_column(meta: IndicatorMeta, values: list[float | None]) -> dict[str, Any]:
    return {"kind": "num", "zh": meta.name_zh, "en": meta.name_en, "unit": meta.unit,
            "unit_zh": meta.unit_in("zh"), "period": meta.shown_period,
            "decimals": _decimals(meta, values)}


def _provenance(meta: IndicatorMeta, keys: list[str], sources: list[str]) -> dict[str, Any]:
    """Encode where each value of a column comes from, for its tooltip and period mark.

    ``prov``: distinct ``[period, vintage, index into the table's sources]``; ``pi``: per row,
    the index into ``prov`` (``None`` without a value), left out when one entry covers all;
    ``latest``: the column's latest period — values of another period are marked.
    """
    if not meta.provenance:
        return {}
    entries: dict[tuple[str, str, int], int] = {}
    per_row: list[int | None] = []
    for key in keys:
        found = meta.provenance.get(key)
        if found is None:
            per_row.append(None)
            continue
        period, vintage, source = found
        if source not in sources:
            sources.append(source)
        entry = (period, vintage, sources.index(source))
        per_row.append(entries.setdefault(entry, len(entries)))
    if not entries:
        return {}
    out: dict[str, Any] = {"prov": [list(e) for e in entries], "latest": max(e[0] for e in entries)}
    if len(entries) > 1:
        out["pi"] = per_row
    return out


def _name_column(ctx: ReportContext, key: str) -> dict[str, Any]:
    return {"kind": "name", "zh": ctx.t(key, "zh"), "en": ctx.t(key, "en"), "unit": ""}


def _table_section(
    ctx: ReportContext, key: str, *, order: int, head: list[dict[str, Any]],
    rows: list[list[Any]], names: dict[str, list[str]], sources: list[str] | None = None,
) -> Section:
    """Build a table section whose body the page fills from the payload.

    Payload: ``columns`` (``kind``: ``text``, ``name`` or ``num``, with ``decimals`` and the
    provenance of :func:`_provenance`), ``rows`` (``name`` cells hold a code looked up in
    ``names``: ``{code: [zh, en]}``, or ``[zh, en]``), ``sources`` (texts the columns point to).
    """
    zh, en = _title(ctx, f"section.{key}")
    keep = ("kind", "decimals", "prov", "pi", "latest")
    payload = {"columns": [{k: c[k] for k in keep if k in c} for c in head],
               "rows": rows, "names": names, "sources": sources or []}
    other = any(len(c.get("prov", ())) > 1 and len({p[0] for p in c["prov"]}) > 1 for c in head)
    html = ctx.render_template("sections/table.html.j2", key=key, columns=head,
                               filter=len(rows) >= FILTER_MIN_ROWS, n_rows=len(rows),
                               other_period=other)
    return Section(key, zh, en, html=html, order=order, payload=payload)


def _value_columns(
    frame: pd.DataFrame, metas: list[IndicatorMeta], sources: list[str] | None = None,
) -> tuple[list[dict[str, Any]], list[list[float | None]]]:
    """Return the header and values of `metas`; provenance texts are appended to `sources`."""
    head, columns = [], []
    keys = [str(k) for k in frame.index]
    for meta in metas:
        values = _numbers(frame[meta.code])
        column = _num_column(meta, values)
        if sources is not None:
            column.update(_provenance(meta, keys, sources))
        head.append(column)
        columns.append(_rounded(values, column["decimals"]))
    return head, columns


def cities_section(ctx: ReportContext) -> Section:
    """Build the sortable table of city indicators."""
    cities = ctx.data.cities
    codes = [str(c) for c in cities.index]
    names = {c: [str(zh), str(en)] for c, zh, en
             in zip(codes, cities["name_zh"], cities["name_en"], strict=True)}
    sources: list[str] = []
    head, columns = _value_columns(cities, ctx.data.city_indicators, sources)
    head = [{"kind": "text", "zh": ctx.t("table.code", "zh"), "en": ctx.t("table.code", "en"),
             "unit": ""}, _name_column(ctx, "table.city"), *head]
    rows = [[code, code, *vals] for code, *vals in zip(codes, *columns, strict=True)]
    return _table_section(ctx, "cities", order=30, head=head, rows=rows, names=names,
                          sources=sources)


def _units_section(
    ctx: ReportContext, key: str, *, frame: pd.DataFrame | None, metas: list[IndicatorMeta],
    order: int, name_key: str,
) -> Section | None:
    """Build a table of units not on the map: code, name, parent (if given) and indicators."""
    if frame is None or not metas:
        return None
    codes = [str(c) for c in frame.index]
    names = {c: [str(zh), str(en)] for c, zh, en
             in zip(codes, frame["name_zh"], frame["name_en"], strict=True)}
    sources: list[str] = []
    head, columns = _value_columns(frame, metas, sources)
    parent = "parent_zh" in frame.columns
    head = [{"kind": "text", "zh": ctx.t("table.code", "zh"), "en": ctx.t("table.code", "en"),
             "unit": ""}, _name_column(ctx, name_key),
            *([_name_column(ctx, "table.parent")] if parent else []), *head]
    parents = ([[str(zh), str(en)] for zh, en in zip(frame["parent_zh"], frame["parent_en"], strict=True)]
               if parent else [None] * len(codes))
    rows = [[code, code, *([up] if parent else []), *vals]
            for code, up, *vals in zip(codes, parents, *columns, strict=True)]
    return _table_section(ctx, key, order=order, head=head, rows=rows, names=names, sources=sources)


def counties_section(ctx: ReportContext) -> Section | None:
    """Build the table of county-level units not on the map (``None`` without indicators)."""
    return _units_section(ctx, "counties", frame=ctx.data.counties, metas=ctx.data.county_indicators,
                          order=32, name_key="table.county")


def provinces_section(ctx: ReportContext) -> Section | None:
    """Build the table of provinces with values (``None`` without indicators)."""
    return _units_section(ctx, "provinces", frame=ctx.data.provinces,
                          metas=ctx.data.province_indicators, order=31, name_key="table.province")


def _series_payload(ctx: ReportContext) -> dict[str, Any]:
    cities = ctx.data.cities
    names = {str(c): [str(zh), str(en)] for c, zh, en
             in zip(cities.index, cities["name_zh"], cities["name_en"], strict=True)}
    indicators = []
    for ts in ctx.data.series:
        meta = ts.meta
        flat = [v for col in ts.values.columns for v in _numbers(ts.values[col])]
        decimals = _decimals(meta, flat)
        values = {str(code): _rounded(_numbers(row), decimals) for code, row in ts.values.iterrows()}
        indicators.append({"code": meta.code, "name_zh": meta.name_zh, "name_en": meta.name_en,
                           "unit": meta.unit, "unit_zh": meta.unit_in("zh"), "decimals": decimals,
                           "periods": [str(p) for p in ts.values.columns], "values": values})
    return {"names": names, "indicators": indicators, "default_units": SERIES_DEFAULT_UNITS}


def series_section(ctx: ReportContext) -> Section | None:
    """Build the time-series chart of indicators with several periods (``None`` if there is none)."""
    if not ctx.data.series:
        return None
    zh, en = _title(ctx, "section.series")
    payload = _series_payload(ctx)
    units = sorted(payload["names"].items(), key=lambda kv: kv[0])
    html = ctx.render_template("sections/series.html.j2", indicators=[ts.meta for ts in ctx.data.series],
                               units=units, lang=ctx.lang)
    script = files("tongcheng.reports").joinpath("static", "series.js").read_text("utf-8")
    return Section("series", zh, en, html=html, order=34, payload=payload, script=script)


def pairs_section(ctx: ReportContext) -> Section | None:
    """Build the sortable, filterable city-pair table (``None`` when there is none)."""
    pairs = ctx.data.pairs
    if pairs.empty and not ctx.data.pair_indicators:
        return None
    names: dict[str, list[str]] = {}
    for side in ("from", "to"):
        for code, zh, en in zip(pairs[f"{side}_code"], pairs[f"{side}_zh"], pairs[f"{side}_en"],
                                strict=True):
            names.setdefault(str(code), [str(zh), str(en)])
    sources: list[str] = []
    head, columns = _value_columns(pairs, ctx.data.pair_indicators, sources)
    head = [_name_column(ctx, "table.from"), _name_column(ctx, "table.to"), *head]
    rows = [[str(a), str(b), *vals] for a, b, *vals
            in zip(pairs["from_code"], pairs["to_code"], *columns, strict=True)]
    return _table_section(ctx, "pairs", order=40, head=head, rows=rows, names=names,
                          sources=sources)


def metros_section(ctx: ReportContext) -> Section | None:
    """Build the table of metropolitan-area indicators (``None`` when there is none)."""
    metros = ctx.data.metros
    if not ctx.data.metro_indicators:
        return None
    codes = [str(c) for c in metros.index]
    names = {c: [str(zh), str(en)] for c, zh, en
             in zip(codes, metros["name_zh"], metros["name_en"], strict=True)}
    sources: list[str] = []
    head, columns = _value_columns(metros, ctx.data.metro_indicators, sources)
    head = [_name_column(ctx, "table.metro"), *head]
    rows = [[code, *vals] for code, *vals in zip(codes, *columns, strict=True)]
    return _table_section(ctx, "metros", order=35, head=head, rows=rows, names=names,
                          sources=sources)


def methods_section(ctx: ReportContext) -> Section:
    """Build the method notes and indicator definitions, with citations."""
    zh, en = _title(ctx, "section.methods")
    indicators, seen = [], set()
    for meta in (*ctx.data.city_indicators, *ctx.data.county_indicators, *ctx.data.province_indicators,
                 *ctx.data.metro_indicators, *ctx.data.pair_indicators):
        if meta.catalogue_code not in seen:  # one entry per indicator, not per period column
            seen.add(meta.catalogue_code)
            indicators.append(meta)
    html = {lang: ctx.render_template("sections/methods.html.j2", lang=lang,
                                      notes=ctx.data.notes, indicators=indicators)
            for lang in ("zh", "en")}
    return Section("methods", zh, en, html_zh=html["zh"], html_en=html["en"], order=90)


def sources_section(ctx: ReportContext) -> Section:
    """Build the data-source table with licences; URLs as plain text."""
    zh, en = _title(ctx, "section.sources")
    html = ctx.render_template("sections/sources.html.j2", sources=ctx.data.sources)
    return Section("sources", zh, en, html=html, order=100)


BUILTIN_PROVIDERS: tuple[SectionProvider, ...] = (
    overview_section, map_section, cities_section, provinces_section, counties_section, series_section,
    metros_section,
    pairs_section, methods_section, sources_section,
)
