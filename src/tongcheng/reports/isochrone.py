"""The one-hour-circle section: banded isochrone maps per core and mode, and a summary table.

For Shanghai and every metro core, and every travel mode whose minutes the project stores
(:data:`tongcheng.indicators.coverage.MODES`), the map colours each city by its band of
travel time to or from the core (0–30, 30–60, 60–90, 90–120, > 120 minutes, or no data) and
draws the one-hour circle (the dissolved ≤ 60-minute band) on top. The table below it gives,
per core and mode, the cities, residents and land area within 60 minutes and the S07 share of
the metro area's residents. Everything is read from stored values; nothing is estimated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import geopandas as gpd
import pandas as pd

from ..indicators.coverage import MODES, SHANGHAI, THRESHOLD_MIN, Mode, indicator_code
from ..network.zone_isochrone import DEFAULT_BANDS, minutes_from_core, zone_isochrones
from . import _geo
from .model import Section
from .sections import ReportContext

__all__ = ["CoreView", "IsochroneData", "isochrone_data", "isochrone_section", "stored_pair_code"]

ORDER = 22  # just after the region map


def stored_pair_code(mode: Mode) -> str:
    """Return the stored pair indicator holding a mode's minutes.

    Examples
    --------
    >>> stored_pair_code(MODES[1])
    'rail_time_transfer_min'
    """
    return mode.source or "rail_time_transfer_min"


@dataclass
class CoreView:
    """One core and one mode: minutes by city, the one-hour circle and its totals.

    ``status`` is ``"ok"``, or ``"no_data"`` when the core has no time in this mode (then every
    other field is empty: the core is not given a zero).
    """

    core: str
    mode: str
    status: str
    minutes: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    bands: gpd.GeoDataFrame | None = None
    n_cities: int | None = None
    population: float | None = None
    area_km2: float | None = None
    share: float | None = None
    metro: str | None = None


@dataclass
class IsochroneData:
    """What the section shows: names, cores, available modes and one view per core and mode."""

    names: dict[str, list[str]]
    cores: list[str]
    modes: list[Mode]
    views: list[CoreView]
    metro_names: dict[str, list[str]]
    no_core: list[str]
    bands: tuple[float, ...] = DEFAULT_BANDS


def _pair_times(obs: pd.DataFrame, code: str) -> pd.Series:
    rows = obs[(obs["indicator"] == code) & (obs["subject_kind"] == "pair")]
    if rows.empty:
        return pd.Series(dtype=float)
    rows = rows[rows["period"] == rows["period"].max()]
    index = pd.MultiIndex.from_arrays([rows["unit_code"].astype(str), rows["partner_code"].astype(str)],
                                      names=["from_code", "to_code"])
    return pd.Series(rows["value"].to_numpy(float), index=index)


def _latest(obs: pd.DataFrame, code: str, kind: str, key: str) -> pd.Series:
    rows = obs[(obs["indicator"] == code) & (obs["subject_kind"] == kind)].sort_values("period")
    return rows.groupby(key)["value"].last().astype(float)


def _population(obs: pd.DataFrame) -> pd.Series:
    rows = obs[(obs["indicator"] == "pop_resident") & (obs["subject_kind"] == "unit")]
    period = "2020" if (rows["period"] == "2020").any() else (rows["period"].max() if len(rows) else "")
    return rows[rows["period"] == period].set_index("unit_code")["value"].astype(float)


def _view(mode: Mode, core: str, times: pd.Series, zones: gpd.GeoDataFrame, pop: pd.Series,
          share: tuple[str | None, float | None]) -> CoreView:
    bands = zone_isochrones(times, zones, core, mode=mode.key, population=pop)
    if bands.empty:
        return CoreView(core=core, mode=mode.key, status="no_data")
    minutes = minutes_from_core(times, core)
    hour = bands[bands["band"] == THRESHOLD_MIN].iloc[0]
    return CoreView(core=core, mode=mode.key, status="ok", minutes=minutes[minutes.index.isin(zones.index)],
                    bands=bands, n_cities=int(hour["n_units"]), population=float(hour["population"]),
                    area_km2=float(hour["area_km2"]), metro=share[0], share=share[1])


def isochrone_data(obs: pd.DataFrame, units: pd.DataFrame, memberships: pd.DataFrame,
                   zones: gpd.GeoDataFrame) -> IsochroneData | None:
    """Build the section's data from a project's stored observations.

    Parameters
    ----------
    obs
        Latest-vintage observations (store columns), computed indicators included.
    units
        The project's units (names, ``area_km2``), indexed by code.
    memberships
        Metro-area memberships (long form).
    zones
        Polygons the maps show (the report's cities), indexed by code.

    Returns
    -------
    IsochroneData or None
        ``None`` when no mode has any stored minutes.
    """
    zones = zones.join(units["area_km2"]) if "area_km2" not in zones.columns else zones
    adopted = memberships[memberships["status"] == "adopted"]
    has_core = adopted["core_code"].notna() & (adopted["core_code"] != "")
    core_metro = dict(zip(adopted.loc[has_core, "core_code"], adopted.loc[has_core, "metro_code"],
                          strict=True))
    cores = ([SHANGHAI] if SHANGHAI in units.index else []) + sorted(set(core_metro) - {SHANGHAI})
    pop = _population(obs)
    modes, views = [], []
    for mode in MODES:
        times = _pair_times(obs, stored_pair_code(mode))
        if times.empty:
            continue
        modes.append(mode)
        shares = _latest(obs, indicator_code("share", mode.key), "metro", "metro_code")
        for core in cores:
            metro = core_metro.get(core)
            share = shares.get(metro) if metro is not None else None
            views.append(_view(mode, core, times, zones, pop,
                               (metro, None if share is None else float(share))))
    if not modes:
        return None
    names = {str(c): [str(units.loc[c, "name_zh"]), str(units.loc[c, "name_en"])]
             for c in dict.fromkeys([*map(str, zones.index), *cores]) if c in units.index}
    first = adopted.drop_duplicates("metro_code").set_index("metro_code")
    metro_names = {str(m): [str(r["name_zh"]), str(r["name_en"])] for m, r in first.iterrows()}
    no_core = sorted(set(first.index) - set(core_metro.values()))
    return IsochroneData(names=names, cores=cores, modes=modes, views=views,
                         metro_names=metro_names, no_core=no_core)


def _number(value: float | None, digits: int) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), digits)


def _view_payload(view: CoreView, tolerance: float) -> dict[str, Any]:
    if view.status != "ok" or view.bands is None:
        return {"status": view.status}
    hour = view.bands.loc[view.bands["band"] == THRESHOLD_MIN, "geometry"].iloc[0]
    return {"status": "ok", "minutes": {str(k): round(float(v), 1) for k, v in view.minutes.items()},
            "outline": _geo.ring_paths(hour, tolerance=tolerance), "n": view.n_cities,
            "population": _number(view.population, 0), "area": _number(view.area_km2, 0),
            "share": _number(view.share, 1), "metro": view.metro}


def _payload(data: IsochroneData, tolerance: float) -> dict[str, Any]:
    default_mode = next((m.key for m in data.modes if m.key == "rail_transfer"), data.modes[0].key)
    return {
        "bands": list(data.bands), "names": data.names, "metros": data.metro_names,
        "cores": data.cores,
        "modes": [{"key": m.key, "name_zh": m.name_zh, "name_en": m.name_en,
                   "timetable": m.key.startswith("rail")} for m in data.modes],
        "views": {f"{v.core}|{v.mode}": _view_payload(v, tolerance) for v in data.views},
        "default": {"core": data.cores[0] if data.cores else "", "mode": default_mode},
    }


def isochrone_section(ctx: ReportContext, *, data: IsochroneData) -> Section | None:
    """Build the one-hour-circle section (``None`` when there is no core or no mode).

    Parameters
    ----------
    ctx
        Report context (its ``data.cities`` are the map's polygons).
    data
        From :func:`isochrone_data`.

    Returns
    -------
    Section or None
        Order 22: a core and a mode selector, the banded map, the summary table.
    """
    if not data.cores or not data.modes:
        return None
    tolerance = 2 * _geo.default_tolerance(ctx.data.cities)
    payload = _payload(data, tolerance)
    modes = {m.key: m for m in data.modes}
    rows = [{"core": data.names.get(v.core, [v.core, v.core]), "mode": modes[v.mode],
             "view": v, "metro": data.metro_names.get(v.metro or "", ["", ""])} for v in data.views]
    html = ctx.render_template(
        "sections/isochrone.html.j2", cores=[(c, *data.names.get(c, [c, c])) for c in data.cores],
        modes=data.modes, default=payload["default"], rows=rows,
        no_core=[data.metro_names[m] for m in data.no_core], lang=ctx.lang)
    script = files("tongcheng.reports").joinpath("static", "isochrone.js").read_text("utf-8")
    return Section("isochrone", ctx.t("section.isochrone", "zh"), ctx.t("section.isochrone", "en"),
                   html=html, order=ORDER, payload=payload, script=script)
