"""A project's composite 同城化 index: for the YRD default, city pairs inside metropolitan areas.

The framework and recipe are data (``index/pair_framework.csv`` and ``index/pair_recipe.yaml`` in
the project folder, copied from the bundled defaults at ``init``); the build is the JRC/OECD
pipeline of :mod:`tongcheng.composite`, its rank intervals come from re-running every combination
of the uncertain discrete assumptions, and scores, pillars, ranks and the recipe go to the store.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import __version__, datasets
from ._errors import DataError
from .composite.framework import Framework
from .composite.pipeline import Build, Recipe, build
from .indicators.builtin import EMPLOYMENT_SECTIONS
from .indicators.context import ComputeContext
from .indicators.rail import DISTANCE_FALLBACK, gravity_linkage
from .indicators.structure import krugman_specialisation

if TYPE_CHECKING:
    from .project import Project

__all__ = ["INDEX_FILES", "ProjectIndex", "build_project_index", "copy_index_definition",
           "pair_index_data", "rank_intervals"]

INDEX_DIR = "index"
INDEX_FILES = ("pair_framework.csv", "pair_recipe.yaml")
PREFIX = "tc_pair_"
# Uncertain discrete assumptions (as in the ASEM design of COINr's sensitivity vignette).
VARIANTS = {
    "winmax": (1, 2, 3, 4, 5),
    "normalise": ({"method": "minmax", "params": {"l_u": [1, 100]}},
                  {"method": "zscore", "params": {"m_sd": [10, 2]}}),
    "aggregate": ({"method": "amean"}, {"method": "gmean"}),
}


@dataclass
class ProjectIndex:
    """A built project index.

    Attributes
    ----------
    build
        The nominal build (all stages).
    pairs
        One row per pair: ``from_code, to_code, metros, flags``, indexed like the build's units.
    ranks
        Per pair: nominal rank, best and worst rank over the variants, number of variants.
    run_id
        Id of the stored index run.
    """

    build: Build
    pairs: pd.DataFrame
    ranks: pd.DataFrame
    run_id: int


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
    """Indicator table of the city pairs inside each adopted metropolitan area.

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
        msg = "no metropolitan area has two member cities; load metro memberships first"
        raise DataError(msg)
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


def rank_intervals(nominal: Build, code: str) -> pd.DataFrame:
    """Rank of every unit under each combination of the uncertain discrete assumptions.

    The assumptions (:data:`VARIANTS`) are the winsorisation limit 1–5, min–max (1–100) or
    z-score (mean 10, sd 2) normalisation, and arithmetic or geometric aggregation: 20
    regenerations of the index. Runs in which a geometric mean meets a non-positive value
    give no rank (as in COINr).

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
    return pd.DataFrame({"rank": nominal_rank, "rank_best": ranks.min(axis=1),
                         "rank_worst": ranks.max(axis=1), "rank_median": ranks.median(axis=1),
                         "n_variants": ranks.notna().sum(axis=1)})


def _definition(project: Project) -> tuple[Framework, Recipe, Path]:
    folder = project.root / INDEX_DIR
    fw_path, recipe_path = (folder / n for n in INDEX_FILES)
    if not fw_path.is_file() or not recipe_path.is_file():
        msg = (f"{folder} lacks {' or '.join(INDEX_FILES)}; copy them with "
               "tongcheng.project_index.copy_index_definition(project.root) or re-create the project")
        raise DataError(msg)
    return Framework.read(fw_path), Recipe.read(recipe_path), fw_path


def _observations(b: Build, pairs: pd.DataFrame, ranks: pd.DataFrame, root_code: str,
                  ) -> pd.DataFrame:
    columns = {f"{PREFIX}{c}" if not c.startswith(PREFIX) else c: b.aggregated[c]
               for c in b.framework.codes_at(max(b.framework.levels))
               + [c for lv in b.framework.levels if lv > 1 for c in b.framework.codes_at(lv)]}
    for col in ("rank", "rank_best", "rank_worst"):
        columns[f"{root_code}_{col}"] = ranks[col]
    frames = []
    for code, values in columns.items():
        frame = pairs[["from_code", "to_code", "period", "metros", "flags"]].copy()
        frame["value"] = values.reindex(pairs.index).astype(float).to_numpy()
        frame["indicator"] = code
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    flags = "metros=" + out["metros"] + np.where(out["flags"] == DISTANCE_FALLBACK,
                                                 ";" + DISTANCE_FALLBACK, "")
    return pd.DataFrame({
        "indicator": out["indicator"], "subject_kind": "pair",
        "subject_key": out["from_code"] + ">" + out["to_code"], "unit_code": out["from_code"],
        "partner_code": out["to_code"], "metro_code": None, "period": out["period"],
        "value": out["value"], "unit": np.where(out["indicator"].str.contains("_rank"), "rank",
                                                 "score (0–100)"),
        "value_kind": "computed", "vintage": "", "source": "tongcheng composite index",
        "flags": flags})


def _catalogue(b: Build, root_code: str) -> pd.DataFrame:
    rows = []
    for lv in b.framework.levels:
        if lv == 1:
            continue
        for c in b.framework.codes_at(lv):
            node = b.framework.nodes[c]
            code = c if c.startswith(PREFIX) else f"{PREFIX}{c}"
            rows.append({"code": code, "name_zh": node.name_zh or c, "name_en": node.name_en or c,
                         "unit": "score (0–100)", "subject_kind": "pair", "kind": "computed",
                         "description_zh": "综合指数(JRC/OECD 手册方法), 见项目 index/ 目录中的指标体系与构建步骤",
                         "description_en": "composite index (JRC/OECD handbook); framework and recipe "
                                           "in the project's index/ folder",
                         "source": "OECD/JRC (2008) Handbook on Constructing Composite Indicators"})
    for col, zh, en in (("rank", "排名", "rank"), ("rank_best", "最好排名(不确定性)", "best rank (uncertainty)"),
                        ("rank_worst", "最差排名(不确定性)", "worst rank (uncertainty)")):
        rows.append({"code": f"{root_code}_{col}", "name_zh": f"同城化指数{zh}",
                     "name_en": f"Integration index {en}", "unit": "rank", "subject_kind": "pair",
                     "kind": "computed", "description_zh": "20种假设组合下的排名区间",
                     "description_en": "rank range over 20 combinations of assumptions",
                     "source": "Saisana, Saltelli & Tarantola (2005) J. R. Stat. Soc. A 168(2)"})
    return pd.DataFrame(rows)


def build_project_index(project: Project) -> ProjectIndex:
    """Build the project's pair index, its rank intervals, and store both with the recipe.

    Raises
    ------
    DataError
        If the project lacks the index definition or the data it needs.
    """
    framework, recipe, fw_path = _definition(project)
    with project.store() as store:
        ctx = ComputeContext.from_store(store)
        data, pairs = pair_index_data(ctx)
        nominal = build(recipe, data, framework)
        root = framework.codes_at(max(framework.levels))[0]
        root_code = root if root.startswith(PREFIX) else f"{PREFIX}{root}"
        ranks = rank_intervals(nominal, root)
        obs = _observations(nominal, pairs, ranks, root_code)
        store.put_indicators(_catalogue(nominal, root_code))
        store.replace_computed(obs, indicators=sorted(set(obs["indicator"])))
        run_id = store.record_index_run(
            name=recipe.name or root, indicator=root_code, recipe_yaml=recipe.to_yaml(),
            framework_csv=fw_path.read_text(encoding="utf-8"),
            data_sha256=hashlib.sha256(data.to_csv().encode()).hexdigest(),
            n_units=len(data), version=__version__)
    return ProjectIndex(build=nominal, pairs=pairs, ranks=ranks, run_id=run_id)
