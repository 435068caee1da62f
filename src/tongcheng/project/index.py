"""A project's composite 同城化 index, over any indicators of its store.

The framework and recipe are data (``index/pair_framework.csv`` and ``index/pair_recipe.yaml`` in
the project folder, copied from the bundled defaults at ``init``, or any files given to
``tongcheng index run --framework FILE --recipe FILE``). The framework's indicators (level 1) are
codes of the project's indicator catalogue, imported (``gdp``) or computed
(``urbanisation_rate``); their values are read from the store's observations:

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

Three pair indicators are assembled by the index itself over the city pairs inside each adopted
metropolitan area (:func:`pair_index_data`, the YRD default): ``rail_time_equiv``,
``gravity_rail`` and ``krugman_index``; a framework naming them scores those pairs.

The build is the JRC/OECD pipeline of :mod:`tongcheng.composite`; its rank intervals come from
re-running every combination of the uncertain discrete assumptions, and scores, aggregates, ranks,
the framework and the recipe go to the store.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import __version__, datasets
from ._errors import DataError, Problem, ProjectError, ValidationError
from ._text import Text
from .composite.framework import Framework
from .composite.pipeline import Build, Recipe, build
from .indicators.builtin import EMPLOYMENT_SECTIONS
from .indicators.context import ComputeContext
from .indicators.rail import DISTANCE_FALLBACK, gravity_linkage
from .indicators.structure import krugman_specialisation
from .io.export import INDEX_SOURCE

if TYPE_CHECKING:
    from .project import Project
    from .store import Store

__all__ = ["INDEX_FILES", "PAIR_INPUTS", "PREFIXES", "IndexData", "ProjectIndex", "build_project_index",
           "copy_index_definition", "index_data", "pair_index_data", "rank_intervals"]

INDEX_DIR = "index"
INDEX_FILES = ("pair_framework.csv", "pair_recipe.yaml")
PREFIX = "tc_pair_"
PREFIXES = {"unit": "tc_unit_", "pair": PREFIX, "metro": "tc_metro_"}
"""Prefix of the stored codes of an index's aggregates, by subject kind (codes starting ``tc_`` are kept)."""
PAIR_INPUTS = ("rail_time_equiv", "gravity_rail", "krugman_index")
"""Pair indicators the index assembles itself over the metropolitan city pairs (:func:`pair_index_data`)."""
LEVEL_ORDER = ("city", "county", "province")
"""Preference among the levels every indicator of a unit index has values at."""
# Uncertain discrete assumptions (as in the ASEM design of COINr's sensitivity vignette).
VARIANTS = {
    "winmax": (1, 2, 3, 4, 5),
    "normalise": ({"method": "minmax", "params": {"l_u": [1, 100]}},
                  {"method": "zscore", "params": {"m_sd": [10, 2]}}),
    "aggregate": ({"method": "amean"}, {"method": "gmean"}),
}
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


@dataclass
class ProjectIndex:
    """A built project index.

    Attributes
    ----------
    build
        The nominal build (all stages).
    subjects
        One row per scored subject: ``unit_code, partner_code, metro_code, period, flags``,
        indexed like the build's units.
    ranks
        Per subject: nominal rank, best and worst rank over the variants, number of variants.
    run_id
        Id of the stored index run.
    kind
        Subject kind: ``"unit"``, ``"pair"`` or ``"metro"``.
    code
        Stored code of the index (its root).
    periods
        Period read for each indicator.
    """

    build: Build
    subjects: pd.DataFrame
    ranks: pd.DataFrame
    run_id: int
    kind: str = "pair"
    code: str = ""
    periods: dict[str, str] = field(default_factory=dict)

    @property
    def pairs(self) -> pd.DataFrame:
        """The subjects (the name of the pair index's first edition)."""
        return self.subjects


def copy_index_definition(root: Path) -> list[Path]:
    """Copy the bundled index framework and recipe into ``root/index`` (existing files are kept)."""
    folder = root / INDEX_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in INDEX_FILES:
        target = folder / name
        if not target.exists():
            shutil.copyfile(Path(str(resources.files(datasets).joinpath("index", name))), target)
            written.append(target)
    return written


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


def rank_intervals(nominal: Build, code: str) -> pd.DataFrame:
    """Rank of every unit under each combination of the uncertain discrete assumptions.

    The assumptions (:data:`VARIANTS`) are the winsorisation limit 1–5, min–max (1–100) or
    z-score (mean 10, sd 2) normalisation, and arithmetic or geometric aggregation: 20
    regenerations of the index; the best and worst rank also count the nominal build (so the
    interval holds the nominal rank whatever the recipe). Runs in which a geometric mean meets a
    non-positive value give no rank (as in COINr).

    Returns
    -------
    pandas.DataFrame
        Per unit: ``rank`` (nominal), ``rank_best``, ``rank_worst``, ``rank_median``,
        ``n_variants`` (runs with a rank).
    """
    runs = []
    for winmax, norm, agg in itertools.product(*VARIANTS.values()):
        variant = nominal.regenerate(treat={"winmax": winmax}, normalise=norm, aggregate=agg)
        runs.append(variant.aggregated[code].rank(ascending=False, method="min"))
    ranks = pd.concat(runs, axis=1)
    nominal_rank = nominal.aggregated[code].rank(ascending=False, method="min")
    span = pd.concat([nominal_rank, ranks], axis=1)  # the interval holds the nominal rank
    return pd.DataFrame({"rank": nominal_rank, "rank_best": span.min(axis=1),
                         "rank_worst": span.max(axis=1), "rank_median": ranks.median(axis=1),
                         "n_variants": ranks.notna().sum(axis=1)})


def read_definition(project: Project, *, framework: Path | None = None,
                    recipe: Path | None = None) -> tuple[Framework, Recipe, Path]:
    """Read an index's framework and recipe: the files given, else the project's ``index/`` ones.

    Raises
    ------
    ProjectError
        A file is missing.
    ValidationError
        A file is not a valid framework or recipe (located problems).
    """
    folder = project.root / INDEX_DIR
    fw_path = framework or folder / INDEX_FILES[0]
    recipe_path = recipe or folder / INDEX_FILES[1]
    for path in (fw_path, recipe_path):
        if not Path(path).is_file():
            raise ProjectError(Text(
                f"找不到文件 {path}; 请用 --framework FILE --recipe FILE 指定, 或在项目的 index/ 目录放入 "
                f"{' 与 '.join(INDEX_FILES)} (tongcheng.project_index.copy_index_definition 可复制内置的)",
                f"{path} is not a file; give --framework FILE --recipe FILE, or put "
                f"{' and '.join(INDEX_FILES)} in the project's index/ folder "
                "(tongcheng.project_index.copy_index_definition copies the bundled ones)"))
    return Framework.read(fw_path), Recipe.read(recipe_path), Path(fw_path)


def _stored_code(code: str, kind: str) -> str:
    return code if code.startswith("tc_") else f"{PREFIXES[kind]}{code}"


def _observations(b: Build, inputs: IndexData, ranks: pd.DataFrame, root_code: str) -> pd.DataFrame:
    fw = b.framework
    columns = {_stored_code(c, inputs.kind): b.aggregated[c]
               for lv in fw.levels if lv > 1 for c in fw.codes_at(lv)}
    for col in ("rank", "rank_best", "rank_worst"):
        columns[f"{root_code}_{col}"] = ranks[col]
    subjects = inputs.subjects
    frames = []
    for code, values in columns.items():
        frame = subjects.copy()
        frame["value"] = values.reindex(subjects.index).astype(float).to_numpy()
        frame["indicator"] = code
        frames.append(frame.rename_axis("subject_key").reset_index())
    out = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    keys = "metro:" + out["metro_code"] if inputs.kind == "metro" else out["subject_key"]  # the store's keys
    return pd.DataFrame({
        "indicator": out["indicator"], "subject_kind": inputs.kind, "subject_key": keys,
        "unit_code": out["unit_code"], "partner_code": out["partner_code"], "metro_code": out["metro_code"],
        "period": out["period"], "value": out["value"],
        "unit": np.where(out["indicator"].str.contains("_rank"), "rank", "score (0–100)"),
        "value_kind": "computed", "vintage": "", "source": INDEX_SOURCE,
        "flags": out["flags"]})


def _catalogue(b: Build, root_code: str, kind: str) -> pd.DataFrame:
    rows = []
    for lv in b.framework.levels:
        if lv == 1:
            continue
        for c in b.framework.codes_at(lv):
            node = b.framework.nodes[c]
            rows.append({"code": _stored_code(c, kind), "name_zh": node.name_zh or c,
                         "name_en": node.name_en or c, "unit": "score (0–100)", "subject_kind": kind,
                         "kind": "computed",
                         "description_zh": "综合指数(JRC/OECD 手册方法), "
                                           "见项目 index/ 目录中的指标体系与构建步骤",
                         "description_en": "composite index (JRC/OECD handbook); framework and recipe "
                                           "in the project's index/ folder",
                         "source": "OECD/JRC (2008) Handbook on Constructing Composite Indicators"})
    root = b.framework.nodes[b.framework.root]
    for col, zh, en in (("rank", "排名", "rank"),
                        ("rank_best", "最好排名(不确定性)", "best rank (uncertainty)"),
                        ("rank_worst", "最差排名(不确定性)", "worst rank (uncertainty)")):
        rows.append({"code": f"{root_code}_{col}", "name_zh": f"{root.name_zh or root.code}{zh}",
                     "name_en": f"{root.name_en or root.code} {en}", "unit": "rank", "subject_kind": kind,
                     "kind": "computed", "description_zh": "20种假设组合下的排名区间",
                     "description_en": "rank range over 20 combinations of assumptions",
                     "source": "Saisana, Saltelli & Tarantola (2005) J. R. Stat. Soc. A 168(2)"})
    return pd.DataFrame(rows)


def build_project_index(project: Project, *, framework: Path | None = None,
                        recipe: Path | None = None) -> ProjectIndex:
    """Build a project index from its store, its rank intervals, and store both with the recipe.

    Parameters
    ----------
    project
        The project.
    framework, recipe
        Framework and recipe files (default: the project's ``index/pair_framework.csv`` and
        ``index/pair_recipe.yaml``).

    Raises
    ------
    ProjectError
        A definition file is missing.
    ValidationError
        The framework or recipe is invalid, or does not fit the store (unknown codes, codes
        without values, mixed subject kinds), located at the file's row and column.
    DataError
        The data cannot make an index (e.g. no metropolitan area for the pair inputs).
    """
    fw, rec, fw_path = read_definition(project, framework=framework, recipe=recipe)
    if rec.step("aggregate") is None:
        problem = Problem(rec.source, rec.lines.get("steps"), "steps", None,
                          Text("含 aggregate 步的构建步骤(指数是各层的加权汇总)",
                               "steps with an aggregate step (the index aggregates the tree)"),
                          Text("在 steps 末尾加一项 - name: aggregate",
                               "add '- name: aggregate' at the end of steps"))
        raise ValidationError([problem], summary=Text(f"构建步骤 {rec.source} 不能构建指数",
                                                      f"recipe {rec.source} cannot build an index"))
    with project.store() as store:
        inputs = index_data(store, fw, rec)
        if inputs.data.empty:
            raise DataError(Text(f"指标体系 {fw.source} 的指标没有可评价的对象", f"framework {fw.source}: no "
                                 "subject has values of its indicators"))
        nominal = build(rec, inputs.data, fw)
        root = fw.root
        root_code = _stored_code(root, inputs.kind)
        ranks = rank_intervals(nominal, root)
        obs = _observations(nominal, inputs, ranks, root_code)
        store.put_indicators(_catalogue(nominal, root_code, inputs.kind))
        store.replace_computed(obs, indicators=sorted(set(obs["indicator"])))
        run_id = store.record_index_run(
            name=rec.name or root, indicator=root_code, recipe_yaml=rec.to_yaml(),
            framework_csv=fw_path.read_text(encoding="utf-8-sig"),
            data_sha256=hashlib.sha256(inputs.data.to_csv().encode()).hexdigest(),
            n_units=len(inputs.data), version=__version__)
    return ProjectIndex(build=nominal, subjects=inputs.subjects, ranks=ranks, run_id=run_id,
                        kind=inputs.kind, code=root_code, periods=inputs.periods)
