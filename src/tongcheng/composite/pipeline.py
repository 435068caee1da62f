"""Recipes and builds: run the steps of a composite index, keep every stage, regenerate.

A :class:`Recipe` is an ordered list of :class:`Step` specs (name + parameters), serialisable to
YAML and JSON, with the hashes of its inputs and the tongcheng version that ran it (COINr's
``coin$Log``, made explicit). :func:`build` runs a recipe on a data table and a
:class:`~tongcheng.composite.framework.Framework` and returns a :class:`Build` holding every
stage (raw, denominated, imputed, screened, treated, normalised, aggregated) and the logs of each
step; :meth:`Build.regenerate` re-runs from a step with changed parameters (COINr ``Regen``).
:func:`build_panel` builds each period of a panel, pooling the steps that must see all periods
at once (normalisation with ``global: true``, imputation in time), like COINr's purse.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
from .._errors import DataError, Problem, TongchengError, ValidationError
from .._text import Text
from . import steps as st
from .aggregate import aggregate_tree
from .framework import Framework
from .normalise import normalise, normalise_panel
from .recipe import STAGES, Recipe, Step, read_csv_table, sha256_file, sha256_frame

__all__ = ["STAGES", "Build", "PanelBuild", "Recipe", "Step", "build", "build_panel", "sha256_file",
           "sha256_frame"]

_TIME_IMPUTE = ("latest", "linear", "constant")


# -- running steps ----------------------------------------------------------------------------

StepFunc = Callable[[pd.DataFrame, pd.DataFrame, Framework, dict[str, Any]],
                    tuple[pd.DataFrame, dict[str, pd.DataFrame]]]


def _denominate(cur: pd.DataFrame, data: pd.DataFrame, fw: Framework,
                p: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    mapping = p.get("mapping", "framework")
    mapping = fw.denominators() if mapping == "framework" else mapping
    return st.denominate(cur, data, mapping=mapping, scale=p.get("scale", 1.0)), {}


def _impute(cur: pd.DataFrame, data: pd.DataFrame, fw: Framework,
            p: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    group = p.get("group")
    if group is not None and group not in data.columns:
        msg = f"impute: group column {group!r} is not in the data; columns: {', '.join(data.columns)}"
        raise DataError(msg)
    opts = {k: p[k] for k in ("max_iter", "tol") if k in p}
    out, flags = st.impute(cur, method=p.get("method", "mean"),
                           groups=None if group is None else data[group], **opts)
    return out, {"imputation_flags": flags}


def _screen(cur: pd.DataFrame, data: pd.DataFrame, fw: Framework,
            p: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    out, table = st.screen(cur, **p)
    return out, {"availability": table}


def _treat(cur: pd.DataFrame, data: pd.DataFrame, fw: Framework,
           p: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    opts = dict(p)
    exclude = set(opts.pop("exclude", ()))  # left untreated (COINr indiv_specs = "none")
    if "percentiles" in opts:
        opts["percentiles"] = tuple(opts["percentiles"])
    cols = [c for c in cur.columns if c not in exclude]
    treated, log = st.treat(cur[cols], **opts)
    out = cur.astype(float).copy()
    out[cols] = treated
    return out, {"treatment": log}


def _framework_targets(method: str, fw: Framework) -> dict[str, dict[str, Any]]:
    """Per-indicator parameters from the framework's policy targets (COINr ``"use_iMeta"``)."""
    out: dict[str, dict[str, Any]] = {}
    problems = []
    for code in fw.indicators:
        node = fw.nodes[code]
        if method in ("dist2targ", "n_dist2targ") and node.target is not None:
            out[code] = {"method": method, "targ": node.target}
        elif method == "band" and node.target_low is not None and node.target_high is not None:
            out[code] = {"method": method, "low": node.target_low, "high": node.target_high}
        else:
            problems.append(Problem(fw.source, None, "target", code, f"a policy target for {method}",
                                    "fill target (or target_low/target_high) in the framework"))
    if problems:
        raise ValidationError(problems, summary="normalise: params 'framework' needs targets")
    return out


def _normalise(cur: pd.DataFrame, data: pd.DataFrame, fw: Framework,
               p: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    method = p.get("method", "minmax")
    params, indiv = p.get("params"), p.get("indiv")
    if params == "framework":  # distance to each indicator's policy target
        params, indiv = None, {**_framework_targets(method, fw), **(indiv or {})}
    return normalise(cur, method=method, params=params, directions=fw.directions(), indiv=indiv), {}


def _aggregate(cur: pd.DataFrame, data: pd.DataFrame, fw: Framework,
               p: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    method = p.get("method", "amean")
    params = p.get("params")
    weights = p.get("weights")
    if isinstance(weights, str):  # a named weight set of the framework
        weights = fw.weights(weights)
    return aggregate_tree(cur, fw, weights=weights, method=method,
                          params=params, dat_thresh=p.get("dat_thresh")), {}


def _step_error(recipe: Recipe, s: Step, exc: Exception) -> ValidationError:
    """Return the error of a step whose parameters do not run, located at its step of the recipe."""
    i = next((i for i, x in enumerate(recipe.steps) if x.name == s.name), 0)
    path = f"steps[{i}].params"
    if isinstance(exc, TongchengError):  # the step's own message, in both languages
        fix: str | Text = exc.text or str(exc)
    else:
        detail = f"{type(exc).__name__}: {exc}"
        fix = Text(f"改正参数 ({detail}); 参见 examples/asem/recipe.yaml",
                   f"correct the parameters ({detail}); see examples/asem/recipe.yaml")
    problem = Problem(recipe.source, recipe.lines.get(path) or recipe.lines.get(f"steps[{i}]"), path,
                      ", ".join(f"{k}={v!r}" for k, v in s.params.items()) or None,
                      Text(f"{s.name} 能运行的参数", f"parameters {s.name} can run with"), fix)
    src = recipe.source or "<input>"
    return ValidationError([problem], summary=Text(f"构建步骤 {src} 的 {s.name} 步无法运行",
                                                    f"recipe {src}: step {s.name} cannot run"))


STEP_FUNCTIONS: dict[str, StepFunc] = {
    "denominate": _denominate, "impute": _impute, "screen": _screen,
    "treat": _treat, "normalise": _normalise, "aggregate": _aggregate,
}
"""The function that runs each recipe step: ``f(current, data, framework, params) -> (table, logs)``."""


def _prepare(data: pd.DataFrame, framework: Framework, unit: str | None) -> pd.DataFrame:
    df = data.set_index(unit) if unit is not None else data
    src = str(data.attrs.get("source", ""))
    problems = [Problem(src, None, code, None, Text("每个指标一列数据", "a data column for every indicator"),
                        Text("添加该列(列名为指标代码)", "add the column (named by the indicator code)"))
                for code in framework.indicators if code not in df.columns]
    if not df.index.is_unique:
        dup = df.index[df.index.duplicated()].unique().tolist()
        problems.append(Problem(src, None, unit or "index", ", ".join(map(str, dup[:10])),
                                Text("每个单元一行", "one row per unit"),
                                Text("删除或合并重复的行", "drop or merge the duplicate rows")))
    for code in framework.indicators:
        if code in df.columns and not pd.api.types.is_numeric_dtype(df[code]):
            values = pd.to_numeric(df[code], errors="coerce")
            bad = df.index[values.isna() & df[code].notna()]
            problems += [Problem(src, None, code, str(df.at[u, code]), Text(f"单元 {u} 的数值",
                                                                           f"a number (unit {u})"),
                                 Text("改为数值, 缺失值留空", "write a number; leave missing values empty"))
                         for u in bad[:20]]
    if problems:
        raise ValidationError(problems, summary=Text("数据与指标体系不符", "data do not fit the framework"))
    df = df.copy()
    df.index = df.index.astype(str)
    df.index.name = "uCode"
    return df.sort_index(kind="stable")  # COINr's new_coin orders units by code


# -- builds -----------------------------------------------------------------------------------

@dataclass
class Build:
    """Every stage and log of one run of a recipe.

    Attributes
    ----------
    recipe
        The resolved recipe (with input hashes and version).
    framework
        The tree.
    data
        The input table (indicators and other columns such as groups and denominators).
    stages
        ``"raw"`` and one entry per step (``"denominated"`` … ``"aggregated"``), index = unit.
    logs
        ``"imputation_flags"``, ``"availability"``, ``"treatment"`` as produced.
    can_regenerate
        ``False`` for a period of a panel whose steps were pooled over periods.
    """

    recipe: Recipe
    framework: Framework
    data: pd.DataFrame
    stages: dict[str, pd.DataFrame]
    logs: dict[str, pd.DataFrame] = field(default_factory=dict)
    can_regenerate: bool = True

    @property
    def aggregated(self) -> pd.DataFrame:
        """The last stage (aggregated data when the recipe aggregates)."""
        return self.stages[list(self.stages)[-1]]

    @property
    def n_winsorised(self) -> int:
        """Number of indicators winsorised (0 without a treat step)."""
        log = self.logs.get("treatment")
        return 0 if log is None else int(log["winsorised"].sum())

    @property
    def n_log_transformed(self) -> int:
        """Number of indicators log-transformed."""
        log = self.logs.get("treatment")
        return 0 if log is None else int(log["log_transformed"].sum())

    def regenerate(self, from_step: str | None = None, **changes: Mapping[str, Any]) -> Build:
        """Re-run the recipe from ``from_step`` with changed step parameters (COINr ``Regen``).

        Parameters
        ----------
        from_step
            First step to re-run (default: the earliest changed step, else the first step).
        **changes
            ``step_name={param: value}`` updates, e.g. ``normalise={"method": "zscore"}``.

        Returns
        -------
        Build
            A new build; stages before ``from_step`` are reused.
        """
        if not self.can_regenerate:
            msg = "this build was made inside a panel with pooled steps; rebuild the panel instead"
            raise DataError(msg)
        recipe = self.recipe.replace(**changes)
        names = [s.name for s in recipe.steps]
        if from_step is None:
            changed = [n for n in names if n in changes]
            from_step = changed[0] if changed else names[0]
        if from_step not in names:
            msg = f"from_step {from_step!r} is not a step of the recipe ({', '.join(names)})"
            raise DataError(msg)
        keep = names[:names.index(from_step)]
        stages = {"raw": self.stages["raw"], **{STAGES[n]: self.stages[STAGES[n]] for n in keep}}
        logs = dict(self.logs)
        out = Build(recipe, self.framework, self.data, stages, logs)
        for s in recipe.steps[len(keep):]:
            out._apply(s)
        return out

    def _apply(self, s: Step) -> None:
        cur = self.stages[list(self.stages)[-1]]
        try:
            result, logs = STEP_FUNCTIONS[s.name](cur, self.data, self.framework, dict(s.params))
        except ValidationError:
            raise
        except (TongchengError, TypeError, ValueError, KeyError, IndexError, ZeroDivisionError) as exc:
            raise _step_error(self.recipe, s, exc) from exc
        self.stages[STAGES[s.name]] = result
        self.logs.update(logs)

    # -- outputs ------------------------------------------------------------------------------
    def aggregated_coinr(self) -> pd.DataFrame:
        """Return the aggregated stage in COINr's layout: ``uCode`` then one column per iCode."""
        return self.aggregated.reset_index().rename(columns={self.aggregated.index.name or "index": "uCode"})

    def scores(self, level: int | None = None) -> pd.DataFrame:
        """Tidy scores and ranks: ``unit, code, level, score, rank`` (rank 1 = best, ties min)."""
        agg = self.aggregated
        codes = [c for c in agg.columns if c in self.framework.nodes
                 and (level is None or self.framework.nodes[c].level == level)]
        long = agg[codes].rank(ascending=False, method="min").astype("Int64")
        out = (agg[codes].stack(future_stack=True).rename("score").to_frame()
               .join(long.stack(future_stack=True).rename("rank")))
        out.index.names = ["unit", "code"]
        out = out.reset_index()
        out.insert(2, "level", out["code"].map(lambda c: self.framework.nodes[c].level))
        return out

    def contributions(self, code: str | None = None) -> pd.DataFrame:
        r"""Contribution of each indicator to ``code`` (default the root).

        .. math:: c_{ui} = \frac{w^{\mathrm{eff}}_i}{w^{\mathrm{eff}}_{code}}\; y_{ui}

        with :math:`y` the normalised score. For arithmetic means with no missing values the
        contributions of a unit sum to its score.
        """
        code = code or self.framework.root
        agg = self.aggregated
        step = self.recipe.step("aggregate")
        eff = self.framework.effective_weights(None if step is None else step.params.get("weights"))
        inds = [i for i in self.framework.indicators if code in self.framework.lineage(i)]
        share = eff[inds] / eff[code]
        return agg[inds].mul(share, axis=1)

    def strengths_weaknesses(self, n: int = 3) -> pd.DataFrame:
        """Each unit's ``n`` best- and worst-ranked indicators: ``unit, kind, indicator, score, rank``."""
        inds = self.framework.indicators
        agg = self.aggregated[inds]
        ranks = agg.rank(ascending=False, method="min")
        rows = []
        for u in agg.index:
            r = ranks.loc[u].dropna().sort_values(kind="stable")
            for kind, picks in (("strength", r.index[:n]), ("weakness", r.index[::-1][:n])):
                rows += [{"unit": u, "kind": kind, "indicator": i, "score": agg.loc[u, i],
                          "rank": int(r[i])} for i in picks]
        return pd.DataFrame(rows)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All stages and logs, by name (what the exports write)."""
        out = {name: df for name, df in self.stages.items()}
        out.update(self.logs)
        out["scores"] = self.scores()
        return out

    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write one CSV per stage and log, ``aggregated.csv`` in COINr's layout, and the recipe."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, df in self.tables().items():
            path = folder / f"{name}.csv"
            if name == "scores":
                df.to_csv(path, index=False)
            else:
                df.to_csv(path, index_label="uCode" if name != "treatment" else "iCode")
            written.append(path)
        written.append(folder / "recipe.resolved.yaml")
        self.recipe.to_yaml(written[-1])
        return written

    def to_excel(self, path: str | Path) -> Path:
        """Write every stage and log to one ``.xlsx`` (opens in openpyxl's normal mode)."""
        path = Path(path)
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, df in self.tables().items():
                df.to_excel(writer, sheet_name=name[:31], index=name != "scores")
            pd.DataFrame({"recipe": self.recipe.to_yaml().splitlines()}).to_excel(
                writer, sheet_name="recipe", index=False)
        return path

    def to_parquet(self, folder: str | Path) -> list[Path]:
        """Write one Parquet file per stage and log."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, df in self.tables().items():
            path = folder / f"{name}.parquet"
            df.to_parquet(path)
            written.append(path)
        return written


def _resolved(recipe: Recipe, data: pd.DataFrame, framework: Framework) -> Recipe:
    inputs = dict(recipe.inputs)
    inputs["data_sha256"] = sha256_frame(data)
    inputs["framework_sha256"] = sha256_frame(framework.to_table())
    return Recipe(copy.deepcopy(recipe.steps), inputs=inputs, version=__version__, name=recipe.name,
                  source=recipe.source, period=recipe.period, level=recipe.level, lines=recipe.lines)


def build(recipe: Recipe, data: pd.DataFrame, framework: Framework, *,
          unit: str | None = None) -> Build:
    """Run a recipe on one table.

    Parameters
    ----------
    recipe
        The steps to run.
    data
        One row per unit: the indicator columns of ``framework`` plus any other columns the
        steps use (denominators, group labels).
    framework
        The indicator tree.
    unit
        Column holding the unit keys (default: the index).

    Returns
    -------
    Build
        All stages and logs; its recipe records the input hashes and the version.

    Examples
    --------
    >>> from tongcheng.composite.framework import Node
    >>> fw = Framework([Node("a", 1, "I"), Node("b", 1, "I", direction=-1), Node("I", 2)])
    >>> df = pd.DataFrame({"a": [1.0, 2, 3], "b": [3.0, 2, 1]}, index=["x", "y", "z"])
    >>> b = build(Recipe([Step("normalise"), Step("aggregate")]), df, fw)
    >>> b.aggregated["I"].tolist()
    [0.0, 50.0, 100.0]
    """
    df = _prepare(data, framework, unit)
    out = Build(_resolved(recipe, df, framework), framework, df,
                {"raw": df[framework.indicators].astype(float)})
    for s in out.recipe.steps:
        out._apply(s)
    return out


@dataclass
class PanelBuild:
    """A build per period, like COINr's purse."""

    recipe: Recipe
    builds: dict[Any, Build]
    time: str = "Time"

    def stage(self, name: str) -> pd.DataFrame:
        """One stage of every period, stacked: ``Time, uCode`` then the columns."""
        frames = [b.stages[name].reset_index().assign(**{self.time: t}) for t, b in self.builds.items()
                  if name in b.stages]
        df = pd.concat(frames, ignore_index=True)
        return df[[self.time, *[c for c in df.columns if c != self.time]]]

    @property
    def aggregated(self) -> pd.DataFrame:
        """The aggregated stage of all periods in COINr's purse layout (``Time, uCode, …``)."""
        return self.stage("aggregated")

    def to_csv(self, folder: str | Path) -> list[Path]:
        """One CSV per stage (all periods stacked) and the resolved recipe."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        first = next(iter(self.builds.values()))
        written = []
        for name in first.stages:
            written.append(folder / f"{name}.csv")
            self.stage(name).to_csv(written[-1], index=False)
        for name in first.logs:
            frames = [b.logs[name].reset_index().assign(**{self.time: t})
                      for t, b in self.builds.items() if name in b.logs]
            written.append(folder / f"{name}.csv")
            pd.concat(frames, ignore_index=True).to_csv(written[-1], index=False)
        written.append(folder / "recipe.resolved.yaml")
        self.recipe.to_yaml(written[-1])
        return written


def _pooled(s: Step) -> bool:
    return (s.name == "normalise" and bool(s.params.get("global"))) or (
        s.name == "impute" and s.params.get("method") in _TIME_IMPUTE)


def build_panel(recipe: Recipe, panel: pd.DataFrame, framework: Framework, *,
                time: str = "Time", unit: str = "uCode") -> PanelBuild:
    """Run a recipe on each period of a panel (COINr purse).

    Steps run period by period, except two that see all periods at once: ``normalise`` with
    ``global: true`` (statistics pooled over the panel, or ``method: base_index`` on
    ``base_time``) and ``impute`` with a time method (``latest``, ``linear``, ``constant``).
    Periods built with pooled steps cannot be regenerated one by one.

    Parameters
    ----------
    recipe, framework
        As in :func:`build`.
    panel
        Long table: a unit column, a time column, indicator and other columns.
    time, unit
        Names of the time and unit columns.
    """
    for col in (time, unit):
        if col not in panel.columns:
            msg = f"panel lacks column {col!r}; pass time= and unit= naming the columns"
            raise DataError(msg)
    periods = sorted(panel[time].unique())
    builds: dict[Any, Build] = {}
    for t in periods:
        df = _prepare(panel[panel[time] == t].drop(columns=time), framework, unit)
        builds[t] = Build(_resolved(recipe, df, framework), framework, df,
                          {"raw": df[framework.indicators].astype(float)})
    pooled_any = False
    for s in recipe.steps:
        if not _pooled(s):
            for b in builds.values():
                b._apply(s)
            continue
        pooled_any = True
        cur = pd.concat([b.stages[list(b.stages)[-1]].assign(**{time: t}) for t, b in builds.items()])
        cur = cur.reset_index()
        if s.name == "normalise":
            res = normalise_panel(cur, time=time, unit="uCode", method=s.params.get("method", "minmax"),
                                  params=s.params.get("params"), directions=framework.directions(),
                                  base_time=s.params.get("base_time"))
            logs: dict[str, pd.DataFrame] = {}
        else:
            res, flags = st.impute_time(cur, method=s.params["method"], unit="uCode", time=time,
                                        max_time=s.params.get("max_time"))
            logs = {"imputation_flags": flags.set_index(cur["uCode"]).assign(**{time: cur[time].to_numpy()})}
        for t, b in builds.items():
            part = res[res[time] == t].drop(columns=time).set_index("uCode")
            b.stages[STAGES[s.name]] = part[framework.indicators]
            b.logs.update({k: v[v[time] == t].drop(columns=time) for k, v in logs.items()})
    for b in builds.values():
        b.can_regenerate = not pooled_any
    resolved = _resolved(recipe, panel, framework)
    return PanelBuild(resolved, builds, time=time)


def read_table(path: str | Path, *, unit: str | None = None, set_index: bool = True) -> pd.DataFrame:
    """Read a CSV/Excel/Parquet data table; ``uCode`` (or ``unit``) becomes the index if present."""
    p = str(path).lower()
    name = Path(path).name
    summary = Text(f"数据表 {name} 无法读取", f"data table {name} cannot be read")
    try:
        if p.endswith(".parquet"):
            df = pd.read_parquet(path)
        elif p.endswith((".xlsx", ".xls")):
            df = pd.read_excel(path)
        else:
            df = read_csv_table(Path(path), summary=summary)
    except (ValueError, OSError, ImportError, KeyError, zipfile.BadZipFile) as exc:
        if isinstance(exc, ValidationError):
            raise
        kind = "Parquet" if p.endswith(".parquet") else "Excel"
        raise ValidationError([Problem(name, None, None, None, Text(f"可读的 {kind} 文件",
                                                                    f"a readable {kind} file"),
                                       Text(f"用 {kind} 重新保存该文件 ({type(exc).__name__}: {exc})",
                                            f"save the file again as {kind} ({type(exc).__name__}: {exc})"))],
                              summary=summary) from exc
    key = unit or next((c for c in ("uCode", "code", "unit") if c in df.columns), None)
    out = df if not set_index or key is None or key not in df.columns else df.set_index(key)
    out.attrs["source"] = name  # problems found later name the file
    return out


def summary(b: Build, *, top: int = 6) -> dict[str, Any]:
    """Summarise a build: top units of the root and treatment counts."""
    root = b.framework.root
    agg = b.aggregated
    best = agg[root].sort_values(ascending=False).head(top) if root in agg.columns else pd.Series(dtype=float)
    return {"units": len(agg), "root": root,
            "top": [(u, float(np.round(v, 2))) for u, v in best.items()],
            "n_winsorised": b.n_winsorised, "n_log_transformed": b.n_log_transformed}
