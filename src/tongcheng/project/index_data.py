"""The data of a project index: the framework's indicators read from the store, one row per subject.

The framework's indicators (level 1) are codes of the project's indicator catalogue, imported
(``gdp``) or computed (``urbanisation_rate``); their values are read from the store's
observations:

* **period**: the recipe's ``period:`` if it names one; else, for each indicator, its latest
  period holding values for at least half as many subjects as its best-covered period (a lone
  early release of next year's figure does not make that year the index's); the index's stored
  period is the recipe's, else the latest of the periods read;
* **vintage**: of the values of one period, the latest import's (the highest import id); imported
  values take precedence over computed ones (:meth:`~tongcheng.store.Store.observations`);
* **subjects** follow the indicators: unit indicators give a unit index at one level (the
  recipe's ``level:``, else the level every indicator has values at, cities first), pair
  indicators a pair index, metro indicators a metro index. Mixing kinds is an error located at
  the framework's row.

Three pair indicators are assembled over the city pairs inside each adopted metropolitan area
(:func:`pair_index_data`, the YRD default): ``rail_time_equiv``, ``gravity_rail`` and
``krugman_index``; a framework naming them scores those pairs.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, ValidationError
from .._text import Text
from ..composite.framework import Framework
from ..composite.pipeline import Recipe
from ..indicators.builtin import EMPLOYMENT_SECTIONS
from ..indicators.context import ComputeContext
from ..indicators.rail import DISTANCE_FALLBACK, gravity_linkage
from ..indicators.structure import krugman_specialisation

if TYPE_CHECKING:
    from ..store import Store


__all__ = ["LEVEL_ORDER", "PAIR_INPUTS", "IndexData", "index_data", "pair_index_data"]

PAIR_INPUTS = ("rail_time_equiv", "gravity_rail", "krugman_index")
"""Pair indicators the index assembles itself over the metropolitan city pairs (:func:`pair_index_data`)."""


LEVEL_ORDER = ("city", "county", "province")
"""Preference among the levels every indicator of a unit index has values at."""


_KIND_WORDS = {"unit": Text("单元", "unit"), "pair": Text("城市对", "pair"), "metro": Text("都市圈", "metro")}


@dataclass
class IndexData:
    """What an index scores: one row of indicator values per subject.

    Attributes
    ----------
    data
        Indicator values, indexed by subject key (a unit code, ``"A>B"`` or a metro code).
    subjects
        Same index: ``unit_code, partner_code, metro_code, period, flags`` of each subject.
    kind
        ``"unit"``, ``"pair"`` or ``"metro"``.
    level
        For a unit index, the level of its units; else ``None``.
    periods
        Period read for each indicator.
    """

    data: pd.DataFrame
    subjects: pd.DataFrame
    kind: str
    level: str | None
    periods: dict[str, str]


def pair_index_data(ctx: ComputeContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the indicator table of the city pairs inside each adopted metropolitan area.

    Pairs are the unordered pairs of member *cities* (county members such as 溧阳市 are not
    pairs of their own). Columns: ``rail_time_equiv`` (minimum rail time, or the distance
    equivalent of :func:`~tongcheng.indicators.rail.gravity_linkage` where no direct train
    runs — flagged), ``gravity_rail`` and ``krugman_index`` (2020 census employment).

    Returns
    -------
    data : pandas.DataFrame
        Indexed by pair key ``"a>b"`` (a < b).
    pairs : pandas.DataFrame
        Same index: ``from_code, to_code, metros, flags``.
    """
    units = ctx.units
    cities = set(units.index[units["level"] == "city"])
    members = ctx.metros[ctx.metros["status"] == "adopted"]
    owners: dict[tuple[str, str], set[str]] = {}
    for metro, grp in members.groupby("metro_code"):
        codes = sorted(set(grp["member_code"]) & cities)
        for a, b in itertools.combinations(codes, 2):
            owners.setdefault((a, b), set()).add(str(metro))
    if not owners:
        raise DataError(Text("没有哪个都市圈含两个成员城市; 请先导入都市圈成员 "
                             "(tongcheng import metros FILE)",
                             "no metropolitan area has two member cities; load metro memberships first "
                             "(tongcheng import metros FILE)"))
    keys = sorted(owners)
    index = pd.MultiIndex.from_tuples(keys, names=["from_code", "to_code"])
    period = ctx.latest_period("rail_time_min")
    pop = ctx.series("pop_resident", "2020", level="city")
    coords = units.loc[units["level"] == "city", ["lon", "lat"]]
    grav = gravity_linkage(pop, ctx.pair_series("rail_time_min", period), coords).reindex(index)
    present = [c for c in EMPLOYMENT_SECTIONS if ctx.has(c, "2020")]
    krug = krugman_specialisation(ctx.wide(present, "2020", level="city")).reindex(index)
    labels = [f"{a}>{b}" for a, b in keys]
    data = pd.DataFrame({"rail_time_equiv": grav["time_min"].to_numpy(),
                         "gravity_rail": grav["value"].to_numpy(),
                         "krugman_index": krug.to_numpy()}, index=pd.Index(labels, name="pair"))
    pairs = pd.DataFrame({"from_code": [a for a, _ in keys], "to_code": [b for _, b in keys],
                          "metros": [",".join(sorted(owners[k])) for k in keys],
                          "flags": grav["flags"].fillna("").to_numpy(), "period": period},
                         index=data.index)
    return data, pairs


def index_data(store: Store, framework: Framework, recipe: Recipe) -> IndexData:
    """Read the values of a framework's indicators from a store (rules: module docstring).

    Parameters
    ----------
    store
        The project's store.
    framework
        The indicator tree; its level-1 codes are indicator codes of the store's catalogue
        (or :data:`PAIR_INPUTS`).
    recipe
        The recipe; its ``period`` and ``level`` (if given) choose what is read.

    Returns
    -------
    IndexData
        The table the pipeline builds on, and what each row is.

    Raises
    ------
    ValidationError
        Every problem, located at the framework's file, row and ``code`` column: a code the
        catalogue does not know (with close codes), one without values (in the recipe's period,
        at its level), indicators of different subject kinds, or of no common level.
    """
    codes = framework.indicators
    stored = [c for c in codes if c not in PAIR_INPUTS]
    catalogue = store.indicators()
    known = set(catalogue["code"]) if "code" in catalogue.columns else set()
    obs = store.observations(indicators=stored, latest_vintage=True) if stored else None
    problems = [_unknown(framework, c, known) for c in stored if c not in known]
    rows = {c: g for c, g in obs.groupby("indicator")} if obs is not None else {}
    problems += [_no_values(framework, c, recipe, rows.get(c),
                            None if c in rows else _close_with_values(store, c, known))
                 for c in stored if c in known
                 and (c not in rows or (recipe.period and not (rows[c]["period"] == recipe.period).any()))]
    if problems:
        raise ValidationError(problems, summary=_summary(framework, len(problems)))
    kinds = {c: ("pair" if c in PAIR_INPUTS else str(rows[c]["subject_kind"].mode().iloc[0])) for c in codes}
    first = kinds[codes[0]]
    problems = [_problem(framework, c, Text(f"与 {codes[0]} 同类({_KIND_WORDS[first].zh})的指标",
                                            f"an indicator of the same subject kind as {codes[0]} ({first})"),
                         Text(f"{c} 是{_KIND_WORDS[kinds[c]].zh}指标; "
                              "一个指数只能包含一类对象(单元、城市对或都市圈)",
                              f"{c} is a {kinds[c]} indicator; an index scores one kind of subject "
                              "(units, pairs or metros)"))
                for c in codes if kinds[c] != first]
    if problems:
        raise ValidationError(problems, summary=_summary(framework, len(problems)))
    if first == "unit":
        return _unit_data(store, framework, recipe, rows)
    latest = {c: _period(g, recipe) for c, g in rows.items()}
    values = {c: g[g["period"] == latest[c]] for c, g in rows.items()}
    if first == "metro":
        series = {c: v.set_index("metro_code")["value"].astype(float) for c, v in values.items()}
        data = pd.DataFrame(series).reindex(columns=codes)
        subjects = pd.DataFrame({"unit_code": None, "partner_code": None, "metro_code": data.index,
                                 "period": recipe.period or max(latest.values()), "flags": ""},
                                index=data.index)
        return IndexData(data, subjects, "metro", None, latest)
    return _pair_data(store, framework, recipe, values, latest)


def _period(rows: pd.DataFrame, recipe: Recipe) -> str:
    """Return the recipe's period, else the latest one covering half the subjects of the best-covered."""
    if recipe.period:
        return recipe.period
    counts = rows.groupby("period")["subject_key"].nunique()
    return str(max(counts.index[counts >= counts.max() / 2]))


def _unit_data(store: Store, framework: Framework, recipe: Recipe,
               rows: dict[str, pd.DataFrame]) -> IndexData:
    levels = store.units()["level"]
    have = {c: set(levels.reindex(v["unit_code"]).dropna()) for c, v in rows.items()}
    shared = set.intersection(*have.values())
    level = recipe.level or next((lv for lv in LEVEL_ORDER if lv in shared), "")
    missing = [c for c in framework.indicators if level not in have[c]]
    if missing:
        asked = Text(f"配方指定的层级 {level}", f"the recipe's level {level}") if recipe.level else Text(
            "所有指标共有的层级", "a level every indicator has values at")
        problems = [_problem(framework, c, Text("在", "values at ") + asked + Text("有值", ""),
                             Text(f"{c} 只有以下层级的值: {', '.join(sorted(have[c])) or '无'}; "
                                  "请导入该层级的数据, 或在配方中写 level: 指定层级",
                                  f"{c} has values at: {', '.join(sorted(have[c])) or 'none'}; import values "
                                  "at that level or name one in the recipe (level: city)"))
                    for c in missing]
        raise ValidationError(problems, summary=_summary(framework, len(problems)))
    at_level = set(levels.index[levels == level])
    rows = {c: v[v["unit_code"].isin(at_level)] for c, v in rows.items()}
    latest = {c: _period(v, recipe) for c, v in rows.items()}
    missing = [c for c, v in rows.items() if not (v["period"] == latest[c]).any()]
    if missing:
        problems = [_no_values(framework, c, recipe, rows[c]) for c in missing]
        raise ValidationError(problems, summary=_summary(framework, len(problems)))
    series = {c: v[v["period"] == latest[c]].set_index("unit_code")["value"].astype(float)
              for c, v in rows.items()}
    data = pd.DataFrame(series).reindex(columns=framework.indicators)
    data.index.name = "code"
    subjects = pd.DataFrame({"unit_code": data.index, "partner_code": None, "metro_code": None,
                             "period": recipe.period or max(latest.values()), "flags": ""}, index=data.index)
    return IndexData(data, subjects, "unit", level, latest)


def _pair_data(store: Store, framework: Framework, recipe: Recipe, values: dict[str, pd.DataFrame],
               latest: dict[str, str]) -> IndexData:
    codes = framework.indicators
    series = {c: v.set_index("subject_key")["value"].astype(float) for c, v in values.items()}
    if not any(c in PAIR_INPUTS for c in codes):
        data = pd.DataFrame(series).reindex(columns=codes)
        ends = data.index.to_series().str.split(">", n=1, expand=True)
        subjects = pd.DataFrame({"unit_code": ends[0], "partner_code": ends[1], "metro_code": None,
                                 "period": recipe.period or max(latest.values()), "flags": ""},
                                index=data.index)
        return IndexData(data, subjects, "pair", None, latest)
    derived, pairs = pair_index_data(ComputeContext.from_store(store))
    data = derived[[c for c in codes if c in PAIR_INPUTS]].copy()
    reverse = pairs["to_code"] + ">" + pairs["from_code"]
    for c, s in series.items():  # a stored pair indicator on the same pairs, either direction
        data[c] = s.reindex(data.index).fillna(s.reindex(reverse).set_axis(data.index)).to_numpy()
    data = data[codes]
    period = recipe.period or max([*latest.values(), *pairs["period"]])
    flags = "metros=" + pairs["metros"] + np.where(pairs["flags"] == DISTANCE_FALLBACK,
                                                   ";" + DISTANCE_FALLBACK, "")
    subjects = pd.DataFrame({"unit_code": pairs["from_code"], "partner_code": pairs["to_code"],
                             "metro_code": None, "period": period, "flags": flags}, index=data.index)
    rail = str(pairs["period"].iloc[0])  # the census inputs of gravity and Krugman are 2020's
    derived_periods = {"rail_time_equiv": rail, "gravity_rail": rail, "krugman_index": "2020"}
    used = {c: latest.get(c) or derived_periods[c] for c in codes}
    return IndexData(data, subjects, "pair", None, used)


def _problem(framework: Framework, code: str, expected: Text, fix: Text) -> Problem:
    return Problem(framework.source, framework.rows.get(code), "code", code, expected, fix)


def _summary(framework: Framework, n: int) -> Text:
    src = framework.source or "<input>"
    return Text(f"指标体系 {src} 的指标与项目数据不符: {n} 个问题",
                f"framework {src} does not fit the project's data: {n} problem(s)")


def _unknown(framework: Framework, code: str, known: set[str]) -> Problem:
    close = difflib.get_close_matches(code, sorted(known | set(PAIR_INPUTS)), n=3, cutoff=0.5)
    hint = ", ".join(close)
    return _problem(framework, code, Text("项目指标目录中的指标代码",
                                          "an indicator code of the project's catalogue"),
                    Text(f"改为相近的代码 ({hint}) 之一; 全部代码见 tongcheng indicators list",
                         f"use a close code ({hint}); every code: tongcheng indicators list") if close else
                    Text("全部代码见 tongcheng indicators list; 新指标请先导入 (tongcheng import stats FILE)",
                         "every code: tongcheng indicators list; import a new indicator first "
                         "(tongcheng import stats FILE)"))


def _close_with_values(store: Store, code: str, known: set[str]) -> list[str]:
    """Return catalogue codes close to ``code`` that have values (for the hint of an empty one)."""
    close = difflib.get_close_matches(code, sorted(known - {code}), n=6, cutoff=0.5)
    have = set(store.observations(indicators=close)["indicator"]) if close else set()
    return [c for c in close if c in have][:3]


def _no_values(framework: Framework, code: str, recipe: Recipe, rows: pd.DataFrame | None,
               with_values: list[str] | None = None) -> Problem:
    if rows is None:
        hint = Text(f"; 相近且有值的代码: {', '.join(with_values)}",
                    f"; close codes with values: {', '.join(with_values)}") if with_values else ""
        return _problem(framework, code, Text("数据库中有值的指标", "an indicator with values in the store"),
                        Text("先导入 (tongcheng import stats FILE) 或计算 (tongcheng indicators compute)",
                             "import it (tongcheng import stats FILE) or compute it (tongcheng indicators "
                             "compute) first") + hint)
    periods = ", ".join(sorted(set(rows["period"])))
    return _problem(framework, code, Text(f"配方指定的时期 {recipe.period} 的值",
                                          f"values for the recipe's period "
                                          f"{recipe.period}"),
                    Text(f"已有时期: {periods}; 改配方的 period: 或导入该时期的数据",
                         f"stored periods: {periods}; change the recipe's period: or import that period"))

