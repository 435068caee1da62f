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
    "map_section",
    "methods_section",
    "overview_section",
    "pairs_section",
    "sources_section",
]

METRO_COLOURS = ("#d62728", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
                 "#17becf", "#bcbd22")
LINK_MAX_WIDTH = 6.0
LINK_MIN_WIDTH = 0.6
FILTER_MIN_ROWS = 12  # tables with more rows get a filter box


def _title(ctx: ReportContext, key: str) -> tuple[str, str]:
    return ctx.t(key, "zh"), ctx.t(key, "en")


def _numbers(series: pd.Series) -> list[float | None]:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return [float(v) if np.isfinite(v) else None for v in values]


def _decimals(meta: IndicatorMeta, values: list[float | None]) -> int:
    return auto_decimals(values) if meta.decimals is None else meta.decimals


def _rounded(values: list[float | None], decimals: int) -> list[float | None]:
    """Round to two places more than shown: enough to sort, much smaller JSON."""
    return [None if v is None else round(v, decimals + 2) for v in values]


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
    }


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
            "unit_zh": meta.unit_in("zh"),
            "decimals": _decimals(meta, values)}


def _name_column(ctx: ReportContext, key: str) -> dict[str, Any]:
    return {"kind": "name", "zh": ctx.t(key, "zh"), "en": ctx.t(key, "en"), "unit": ""}


def _table_section(  # noqa: PLR0913 - private; options keyword-only
    ctx: ReportContext, key: str, *, order: int, head: list[dict[str, Any]],
    rows: list[list[Any]], names: dict[str, list[str]],
) -> Section:
    """Build a table section whose body the page fills from the payload.

    Payload: ``columns`` (``kind``: ``text``, ``name`` or ``num``, with ``decimals``),
    ``rows`` (``name`` cells hold a code looked up in ``names``: ``{code: [zh, en]}``).
    """
    zh, en = _title(ctx, f"section.{key}")
    payload = {"columns": [{k: c[k] for k in ("kind", "decimals") if k in c} for c in head],
               "rows": rows, "names": names}
    html = ctx.render_template("sections/table.html.j2", key=key, columns=head,
                               filter=len(rows) >= FILTER_MIN_ROWS, n_rows=len(rows))
    return Section(key, zh, en, html=html, order=order, payload=payload)


def _value_columns(
    frame: pd.DataFrame, metas: list[IndicatorMeta]
) -> tuple[list[dict[str, Any]], list[list[float | None]]]:
    head, columns = [], []
    for meta in metas:
        values = _numbers(frame[meta.code])
        column = _num_column(meta, values)
        head.append(column)
        columns.append(_rounded(values, column["decimals"]))
    return head, columns


def cities_section(ctx: ReportContext) -> Section:
    """Build the sortable table of city indicators."""
    cities = ctx.data.cities
    codes = [str(c) for c in cities.index]
    names = {c: [str(zh), str(en)] for c, zh, en
             in zip(codes, cities["name_zh"], cities["name_en"], strict=True)}
    head, columns = _value_columns(cities, ctx.data.city_indicators)
    head = [{"kind": "text", "zh": ctx.t("table.code", "zh"), "en": ctx.t("table.code", "en"),
             "unit": ""}, _name_column(ctx, "table.city"), *head]
    rows = [[code, code, *vals] for code, *vals in zip(codes, *columns, strict=True)]
    return _table_section(ctx, "cities", order=30, head=head, rows=rows, names=names)


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
    head, columns = _value_columns(pairs, ctx.data.pair_indicators)
    head = [_name_column(ctx, "table.from"), _name_column(ctx, "table.to"), *head]
    rows = [[str(a), str(b), *vals] for a, b, *vals
            in zip(pairs["from_code"], pairs["to_code"], *columns, strict=True)]
    return _table_section(ctx, "pairs", order=40, head=head, rows=rows, names=names)


def metros_section(ctx: ReportContext) -> Section | None:
    """Build the table of metropolitan-area indicators (``None`` when there is none)."""
    metros = ctx.data.metros
    if not ctx.data.metro_indicators:
        return None
    codes = [str(c) for c in metros.index]
    names = {c: [str(zh), str(en)] for c, zh, en
             in zip(codes, metros["name_zh"], metros["name_en"], strict=True)}
    head, columns = _value_columns(metros, ctx.data.metro_indicators)
    head = [_name_column(ctx, "table.metro"), *head]
    rows = [[code, *vals] for code, *vals in zip(codes, *columns, strict=True)]
    return _table_section(ctx, "metros", order=35, head=head, rows=rows, names=names)


def methods_section(ctx: ReportContext) -> Section:
    """Build the method notes and indicator definitions, with citations."""
    zh, en = _title(ctx, "section.methods")
    indicators = [*ctx.data.city_indicators, *ctx.data.metro_indicators,
                  *ctx.data.pair_indicators]
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
    overview_section, map_section, cities_section, metros_section, pairs_section, methods_section,
    sources_section,
)
