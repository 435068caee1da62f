"""A project's composite 同城化 index, over any indicators of its store.

The framework and recipe are data (``index/pair_framework.csv`` and ``index/pair_recipe.yaml`` in
the project folder, copied from the bundled defaults at ``init``, or any files given to
``tongcheng index run --framework FILE --recipe FILE``). What the framework's indicators read
from the store — period, vintage, subjects — is :mod:`.index_data`'s.

The build is the JRC/OECD pipeline of :mod:`tongcheng.composite`; its rank intervals come from
re-running every combination of the uncertain discrete assumptions, and scores, aggregates, ranks,
the framework and the recipe go to the store.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import __version__, datasets
from .._errors import DataError, Problem, ProjectError, ValidationError
from .._text import Text
from ..composite.framework import Framework
from ..composite.pipeline import Build, Recipe, build
from ..io.export import INDEX_SOURCE
from .index_data import IndexData, index_data

if TYPE_CHECKING:
    from .folder import Project

__all__ = ["INDEX_FILES", "PREFIXES", "ProjectIndex", "build_project_index", "copy_index_definition",
           "rank_intervals", "read_definition"]

INDEX_DIR = "index"
INDEX_FILES = ("pair_framework.csv", "pair_recipe.yaml")
PREFIX = "tc_pair_"
PREFIXES = {"unit": "tc_unit_", "pair": PREFIX, "metro": "tc_metro_"}
"""Prefix of the stored codes of an index's aggregates, by subject kind (codes starting ``tc_`` are kept)."""
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
                f"{' 与 '.join(INDEX_FILES)} (tongcheng.project.copy_index_definition 可复制内置的)",
                f"{path} is not a file; give --framework FILE --recipe FILE, or put "
                f"{' and '.join(INDEX_FILES)} in the project's index/ folder "
                "(tongcheng.project.copy_index_definition copies the bundled ones)"))
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
