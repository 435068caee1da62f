"""One-hour-circle coverage per travel mode: cities, residents, land area and S07 share.

The one-hour circle of a core city is the set of units whose travel time to or from the core
(the faster direction) is at most 60 minutes, the core included (NDRC 2019: 都市圈以1小时通勤圈
为基本范围). How the minutes are obtained is the *mode*; :data:`MODES` lists them:

========================  ================================================================
mode                      pair minutes
========================  ================================================================
``rail``                  stored ``rail_time_min`` (fastest direct train, imported data)
``rail_transfer``         bundled YRD timetable routed with ≤ 2 changes (``rail_transfers``)
``car`` ``transit``       stored ``car_time_min``, ``transit_time_min``, ``bike_time_min``,
``bike`` ``walk``         ``walk_time_min`` (from ``tongcheng network matrix --project``)
========================  ================================================================

A mode whose minutes are not in the project yields no values, so a project that stores
``car_time_min`` gets car coverage with no further change. For every mode four quantities are
registered; where an indicator already existed it is reused rather than registered twice
(:func:`indicator_code` says which code holds a quantity):

- ``onehour_cities_<mode>``: units in the circle (core included);
- ``onehour_pop_<mode>``: their 2020 residents (persons);
- ``onehour_area_<mode>``: their land area (km², sum of the units' ``area_km2``);
- ``onehour_share_<mode>``: S07 1小时可达人口比重, residents of the metropolitan area's
  members within the circle / all its residents × 100 (per metro area).

The mode is part of the code (not a flag) because the store keeps one value per indicator,
subject and period: two modes under one code would collide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .context import ComputeContext
from .metro import metro_share_within
from .rail import circle_population
from .registry import indicator

__all__ = [
    "MODES",
    "QUANTITIES",
    "THRESHOLD_MIN",
    "Mode",
    "core_codes",
    "coverage",
    "indicator_code",
    "mode_period",
    "mode_times",
]

THRESHOLD_MIN = 60.0
SHANGHAI = "310100"
QUANTITIES = ("cities", "pop", "area", "share")
_RAIL_TRANSFER_PERIOD = "2021"
_NDRC_2019 = ("国家发展改革委《关于培育发展现代化都市圈的指导意见》(发改规划〔2019〕328号): "
              "都市圈以1小时通勤圈为基本范围")


@dataclass(frozen=True)
class Mode:
    """A way of getting pair travel minutes for the one-hour circle.

    Attributes
    ----------
    key
        Short code used in indicator codes (``rail_transfer`` …).
    name_zh, name_en
        Display names.
    source
        Stored pair indicator holding the minutes; ``""`` for the bundled rail timetable with
        transfers (always available).
    """

    key: str
    name_zh: str
    name_en: str
    source: str


MODES: tuple[Mode, ...] = (
    Mode("rail", "铁路(直达)", "rail (direct)", "rail_time_min"),
    Mode("rail_transfer", "铁路(含换乘)", "rail (with transfers)", ""),
    Mode("car", "小汽车", "car", "car_time_min"),
    Mode("transit", "公共交通", "public transport", "transit_time_min"),
    Mode("bike", "自行车", "bicycle", "bike_time_min"),
    Mode("walk", "步行", "walking", "walk_time_min"),
)
_BY_KEY = {m.key: m for m in MODES}

# Quantities that existed before this module, kept under their codes.
_EXISTING = {
    ("cities", "rail"): "rail_1h_cities",
    ("pop", "rail"): "rail_1h_population",
    ("share", "rail"): "metro_rail_1h_share",
    ("cities", "rail_transfer"): "rail_1h_cities_transfer",
}


def indicator_code(quantity: str, mode: str) -> str:
    """Return the code of the indicator holding one quantity of one mode.

    Parameters
    ----------
    quantity
        ``"cities"``, ``"pop"``, ``"area"`` or ``"share"``.
    mode
        A key of :data:`MODES`.

    Returns
    -------
    str
        The registered code.

    Examples
    --------
    >>> indicator_code("pop", "rail_transfer")
    'onehour_pop_rail_transfer'
    >>> indicator_code("pop", "rail")  # registered earlier, reused
    'rail_1h_population'
    """
    if quantity not in QUANTITIES or mode not in _BY_KEY:
        from .._errors import DataError

        msg = (f"quantity {quantity!r} / mode {mode!r}; expected one of {', '.join(QUANTITIES)} "
               f"and one of {', '.join(_BY_KEY)}")
        raise DataError(msg)
    return _EXISTING.get((quantity, mode), f"onehour_{quantity}_{mode}")


def mode_period(ctx: ComputeContext, mode: Mode) -> str | None:
    """Return the period of a mode's minutes in the project, ``None`` if it has none."""
    if not mode.source:
        return _RAIL_TRANSFER_PERIOD
    return ctx.latest_period(mode.source) if ctx.has(mode.source) else None


def mode_times(ctx: ComputeContext, mode: Mode) -> pd.Series:
    """Return a mode's directed pair minutes, indexed ``(from_code, to_code)``.

    Parameters
    ----------
    ctx
        The project's data.
    mode
        One of :data:`MODES`.

    Returns
    -------
    pandas.Series
        Minutes between the project's units; empty when the project has none for this mode.
    """
    if not mode.source:
        from .rail_transfers import transfer_times_between

        t = transfer_times_between(ctx.units.index)
        return t.set_index(["from_code", "to_code"])["minutes"].astype(float).rename(mode.key)
    period = mode_period(ctx, mode)
    if period is None:
        index = pd.MultiIndex.from_arrays([[], []], names=["from_code", "to_code"])
        return pd.Series([], index=index, dtype=float, name=mode.key)
    return ctx.pair_series(mode.source, period).rename(mode.key)


def core_codes(ctx: ComputeContext) -> list[str]:
    """Return the cores: Shanghai (when it is a unit of the project), then adopted metro cores."""
    cores = sorted(set(ctx.cores().values()))
    known = set(ctx.units.index.astype(str))
    head = [SHANGHAI] if SHANGHAI in known else []
    return head + [c for c in cores if c != SHANGHAI]


def _population(ctx: ComputeContext) -> pd.Series:
    if not ctx.has("pop_resident"):
        return pd.Series(dtype=float)
    period = "2020" if ctx.has("pop_resident", "2020") else ctx.latest_period("pop_resident")
    return ctx.series("pop_resident", period)


def _covered(times: pd.Series) -> set[str]:
    return set(times.index.get_level_values(0)) | set(times.index.get_level_values(1))


def coverage(ctx: ComputeContext, mode: Mode, *, threshold: float = THRESHOLD_MIN) -> pd.DataFrame:
    r"""Return each core's circle for one mode: units, residents and land area within reach.

    Parameters
    ----------
    ctx
        The project's data.
    mode
        One of :data:`MODES`.
    threshold
        Circle radius in minutes (inclusive).

    Returns
    -------
    pandas.DataFrame
        Indexed by core code (cores the mode has minutes for; a core without any is left out
        rather than given zero): ``n_cities``, ``population`` (sum over the members with a
        value), ``area_km2`` and ``members`` (comma separated, core first).

    Notes
    -----
    .. math:: P_c = \sum_{i:\; \min(t_{ic}, t_{ci}) \le T} P_i

    computed by :func:`tongcheng.indicators.rail.circle_population` for any mode's minutes.
    """
    times = mode_times(ctx, mode)
    cores = [c for c in core_codes(ctx) if c in _covered(times)]
    if not cores:
        return pd.DataFrame(columns=["n_cities", "population", "area_km2", "members"],
                            index=pd.Index([], name="code"))
    table = circle_population(times, _population(ctx), cores, threshold=threshold)
    area = ctx.units["area_km2"].astype(float)
    table["area_km2"] = [float(area.reindex(m.split(",")).sum(min_count=1)) for m in table["members"]]
    table.index.name = "code"
    return table[["n_cities", "population", "area_km2", "members"]]


def _frame(values: pd.Series, period: str, flags: pd.Series | None = None) -> pd.DataFrame:
    out = pd.DataFrame({"period": period, "value": values.astype(float)})
    out["flags"] = "" if flags is None else flags.reindex(out.index).fillna("")
    out.index.name = values.index.name or "code"
    return out.dropna(subset=["value"])


def _empty(name: str = "code") -> pd.DataFrame:
    return pd.DataFrame({"period": pd.Series(dtype=str), "value": pd.Series(dtype=float),
                         "flags": pd.Series(dtype=str)}, index=pd.Index([], name=name))


def _unit_quantity(mode: Mode, column: str) -> Callable[[ComputeContext], pd.DataFrame]:
    def compute(ctx: ComputeContext) -> pd.DataFrame:
        period = mode_period(ctx, mode)
        table = coverage(ctx, mode)
        if period is None or table.empty:
            return _empty()
        return _frame(table[column], period, "members=" + table["members"])

    return compute


def _share(mode: Mode) -> Callable[[ComputeContext], pd.DataFrame]:
    def compute(ctx: ComputeContext) -> pd.DataFrame:
        period = mode_period(ctx, mode)
        times = mode_times(ctx, mode)
        covered = _covered(times)
        cores = {m: c for m, c in (ctx.cores(status="adopted") | ctx.cores(status="draft")).items()
                 if c in covered}
        if period is None or not cores:
            return _empty("metro_code")
        share = metro_share_within(times, _population(ctx), ctx.metros, cores)
        share.index.name = "metro_code"
        return _frame(share.dropna(), period)

    return compute


_TEXT = {
    "cities": ("1小时{zh}圈城市数", "Units in the one-hour circle by {en}", "cities",
               "核心城市及与核心城市{zh}时间(任一方向) ≤ 60 分钟的单元数(含核心)",
               "units ≤ 60 min from the core by {en} (either direction), core included"),
    "pop": ("1小时{zh}圈常住人口", "Residents in the one-hour circle by {en}", "persons",
            "核心城市及{zh}时间 ≤ 60 分钟单元的2020年常住人口之和",
            "2020 residents of the core and of every unit ≤ 60 min away by {en}"),
    "area": ("1小时{zh}圈面积", "Land area of the one-hour circle by {en}", "km2",
             "核心城市及{zh}时间 ≤ 60 分钟单元的行政区面积之和(等积投影)",
             "land area of the core and of every unit ≤ 60 min away by {en} (equal-area projection)"),
    "share": ("1小时{zh}可达人口比重(S07)", "Share of metro residents within 1 h by {en} (S07)", "%",
              "都市圈成员中与核心城市{zh}时间 ≤ 60 分钟(含核心)者的2020年常住人口 / 都市圈常住人口 × 100; "
              "无时间数据的成员计为圈外",
              "2020 residents of members ≤ 60 min from the core by {en} (core included) / all "
              "residents of the metro area × 100; members without a time count as outside"),
}


def _register(mode: Mode) -> None:
    inputs = (mode.source,) if mode.source else ()
    for quantity, (zh, en, unit, dzh, den) in _TEXT.items():
        code = indicator_code(quantity, mode.key)
        if code in _EXISTING.values():
            continue
        compute = _share(mode) if quantity == "share" else _unit_quantity(
            mode, {"cities": "n_cities", "pop": "population", "area": "area_km2"}[quantity])
        indicator(code, name_zh=zh.format(zh=mode.name_zh), name_en=en.format(en=mode.name_en),
                  unit=unit, subject_kind="metro" if quantity == "share" else "unit",
                  inputs=inputs, family="coverage", description_zh=dzh.format(zh=mode.name_zh),
                  description_en=den.format(en=mode.name_en), citation=_NDRC_2019)(compute)


for _mode in MODES:
    _register(_mode)
