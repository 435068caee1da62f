"""Recipes: the ordered, serialisable steps of a composite index (YAML/JSON), with input hashes.

A :class:`Recipe` is what :func:`tongcheng.composite.pipeline.build` runs; it records the hashes
of its inputs and the tongcheng version that ran it (COINr's ``coin$Log``, made explicit).

Recipes are strict: an unknown key anywhere (``parms:`` for ``params:``), a value of the wrong
type, malformed YAML or JSON is a located problem (file, line, key path) naming the keys allowed
there and the close match, in Chinese and English; every problem is reported at once.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import inspect
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .. import __version__
from .._errors import Problem, ValidationError
from .._text import Text

__all__ = ["LEVELS", "RECIPE_KEYS", "STAGES", "STEP_KEYS", "Recipe", "Step", "load_yaml", "read_csv_table",
           "read_utf8", "sha256_file", "sha256_frame"]

STAGES: dict[str, str] = {"denominate": "denominated", "impute": "imputed", "screen": "screened",
                          "treat": "treated", "normalise": "normalised", "aggregate": "aggregated"}
"""Step name → name of the stage (data set) it writes, in pipeline order."""

RECIPE_KEYS = ("name", "tongcheng_version", "inputs", "steps", "period", "level")
"""Keys a recipe may have at its top level."""
STEP_KEYS = ("name", "params")
"""Keys a step may have (or the one-key form ``{step_name: params}``)."""
LEVELS = ("province", "city", "county")
"""Unit levels a recipe's ``level`` may name (the level a unit index scores)."""

_PARAMS: dict[str, set[str]] = {
    "denominate": {"mapping", "scale"},
    "impute": {"method", "group", "max_iter", "tol", "max_time"},
    "screen": {"min_availability", "by", "min_nonzero", "force"},
    "treat": {"method", "winmax", "skew_thresh", "kurt_thresh", "fallback", "combine", "percentiles",
              "exclude"},
    "normalise": {"method", "params", "indiv", "global", "base_time"},
    "aggregate": {"method", "params", "weights", "dat_thresh"},
}
_TOP_TYPES: tuple[tuple[str, tuple[type, ...], Text], ...] = (
    ("name", (str,), Text("文本", "text")),
    ("period", (str, int), Text("文本或年份, 如 2020", "text or a year, e.g. 2020")),
    ("level", (str,), Text("文本: " + ", ".join(LEVELS), "text: " + ", ".join(LEVELS))),
    ("inputs", (Mapping,), Text("映射(键: 值)", "a mapping (key: value)")),
)
# Parameters whose value must be of one type (others are checked where they are used).
_NUMBER = (int, float)
_PARAM_TYPES: dict[str, tuple[tuple[type, ...], Text]] = {
    "method": ((str, Mapping), Text("文本(方法名),或按层级的映射", "text (a method name), or one per level")),
    "winmax": ((int,), Text("整数", "an integer")),
    "max_iter": ((int,), Text("整数", "an integer")),
    "skew_thresh": (_NUMBER, Text("数值", "a number")),
    "kurt_thresh": (_NUMBER, Text("数值", "a number")),
    "tol": (_NUMBER, Text("数值", "a number")),
    "scale": (_NUMBER, Text("数值", "a number")),
    "min_availability": (_NUMBER, Text("数值", "a number")),
    "min_nonzero": (_NUMBER, Text("数值", "a number")),
    "dat_thresh": (_NUMBER, Text("数值", "a number")),
    "combine": ((bool,), Text("true 或 false", "true or false")),
    "global": ((bool,), Text("true 或 false", "true or false")),
}


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sha256_frame(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's CSV text (index included)."""
    return hashlib.sha256(frame.to_csv().encode("utf-8")).hexdigest()


@dataclass
class Step:
    """One step of a recipe: its name (a key of :data:`STAGES`) and its parameters."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"name": …, "params": …}``."""
        return {"name": self.name, "params": copy.deepcopy(self.params)}


@dataclass
class Recipe:
    """An ordered list of steps, with input hashes and the package version.

    Parameters
    ----------
    steps
        The steps, in the order of :data:`STAGES` (any may be left out).
    inputs
        Hashes of the inputs (``{"data_sha256": …, "framework_sha256": …, files …}``).
    version
        The tongcheng version that wrote (or ran) the recipe.
    name
        A label.

    Raises
    ------
    ValidationError
        Unknown step names or parameters, repeated steps, steps out of order.

    Examples
    --------
    >>> r = Recipe([Step("normalise", {"method": "minmax"}), Step("aggregate")])
    >>> Recipe.from_yaml(r.to_yaml()) == r
    True
    """

    steps: list[Step]
    inputs: dict[str, Any] = field(default_factory=dict)
    version: str = __version__
    name: str = ""
    source: str = field(default="", compare=False, repr=False)
    period: str = ""
    level: str = ""
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.steps = [s if isinstance(s, Step) else Step(**s) for s in self.steps]
        self.period = "" if self.period is None else str(self.period)
        problems = self._problems()
        if problems:
            raise ValidationError(problems, summary=_summary(self.source, len(problems)))

    def _problems(self) -> list[Problem]:
        problems: list[Problem] = []
        order = list(STAGES)
        last = -1
        if self.level and self.level not in LEVELS:
            problems.append(self._problem("level", self.level, _one_of(LEVELS), _closest(self.level, LEVELS)))
        for i, s in enumerate(self.steps):
            where = f"steps[{i}]"
            if s.name not in STAGES:
                problems.append(self._problem(where, s.name, _one_of(STAGES), _closest(s.name, STAGES)))
                continue
            if order.index(s.name) <= last:
                problems.append(self._problem(
                    where, s.name, Text("按 " + " → ".join(STAGES) + " 的顺序,每步一次",
                                        "steps in the order " + " → ".join(STAGES) + ", each once"),
                    Text("调整顺序或删除该步", "reorder or remove the step")))
            last = max(last, order.index(s.name))
            problems += _param_problems(s, where, self._problem)
        return problems

    def _problem(self, path: str, value: object, expected: str | Text, fix: str | Text) -> Problem:
        return Problem(self.source, self.lines.get(path), path, None if value is None else str(value),
                       expected, fix)

    # -- serialisation ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the recipe as plain data."""
        out: dict[str, Any] = {"name": self.name, "tongcheng_version": self.version}
        out.update({k: v for k, v in (("period", self.period), ("level", self.level)) if v})
        out.update({"inputs": copy.deepcopy(self.inputs), "steps": [s.to_dict() for s in self.steps]})
        return out

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, source: str = "",
                  lines: Mapping[str, int] | None = None) -> Recipe:
        """Build from :meth:`to_dict` output (``steps`` may also be ``[{name: params}, …]``).

        Parameters
        ----------
        doc
            The recipe as plain data.
        source
            File name, to locate problems.
        lines
            Line of each key path (``"steps[1].params"``), to locate problems.

        Raises
        ------
        ValidationError
            Every problem at once: unknown keys (with the allowed ones and the close match),
            values of the wrong type, unknown or misordered steps, unknown parameters.
        """
        where = dict(lines or {})

        def problem(path: str, value: object, expected: str | Text, fix: str | Text) -> Problem:
            shown = None if value is None else str(value)
            return Problem(source, where.get(path), path, shown, expected, fix)

        if not isinstance(doc, Mapping):
            got = None if doc is None else type(doc).__name__
            raise ValidationError([problem("steps", got, Text("一个含 steps 列表的映射(键: 值)",
                                                              "a mapping with a list 'steps'"),
                                           Text("参见 examples/asem/recipe.yaml",
                                                "see examples/asem/recipe.yaml"))],
                                  summary=_summary(source, 1))
        problems = [problem(str(k), k, _one_of(RECIPE_KEYS), _closest(str(k), RECIPE_KEYS))
                    for k in doc if k not in RECIPE_KEYS]
        raw_steps = doc.get("steps")
        if not isinstance(raw_steps, list):
            problems.append(problem("steps", None if raw_steps is None else type(raw_steps).__name__,
                                    Text("步骤列表(每项以 - 开头)", "a list of steps (one '- ' item each)"),
                                    Text("写成 steps: 并在其下逐项列出 - name: …",
                                         "write steps: and list '- name: …' items under it")))
            raw_steps = []
        items = []
        for i, item in enumerate(raw_steps):
            step, found = _read_step(item, f"steps[{i}]", problem)
            problems += found
            if step is not None:
                items.append(step)
        values: dict[str, Any] = {}
        for key, kinds, word in _TOP_TYPES:
            value = doc.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, kinds)):
                problems.append(problem(key, value, word,
                                        Text(f"改正 {key} 的值", f"correct the value of {key}")))
            elif value is not None:
                values[key] = value
        try:
            recipe = cls(items, inputs=dict(values.get("inputs") or {}),
                         version=str(doc.get("tongcheng_version", __version__)),
                         name=str(values.get("name") or ""), source=source,
                         period=str(values.get("period") or ""), level=str(values.get("level") or ""),
                         lines=where)
        except ValidationError as exc:
            problems += exc.problems
            recipe = None
        if problems or recipe is None:
            raise ValidationError(problems, summary=_summary(source, len(problems)))
        return recipe

    def to_yaml(self, path: str | Path | None = None) -> str:
        """Return (and optionally write) the recipe as YAML."""
        text = yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_yaml(cls, text_or_path: str | Path) -> Recipe:
        """Read YAML text or a ``.yaml``/``.yml`` file.

        Raises
        ------
        ValidationError
            Malformed YAML (with its line) or any problem of :meth:`from_dict`.
        """
        src = ""
        if isinstance(text_or_path, Path) or str(text_or_path).lower().endswith((".yaml", ".yml")):
            src = Path(text_or_path).name
            text_or_path = read_utf8(Path(text_or_path), summary=_summary(Path(text_or_path).name, 1))
        text = str(text_or_path)
        doc = load_yaml(text, source=src, summary=_summary(src, 1))
        lines = _yaml_lines(yaml.compose(text))
        return cls.from_dict(doc, source=src, lines=lines)

    def to_json(self, path: str | Path | None = None) -> str:
        """Return (and optionally write) the recipe as JSON."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> Recipe:
        """Read JSON text or a ``.json`` file (integer-like level keys restored)."""
        src = ""
        if isinstance(text_or_path, Path) or str(text_or_path).lower().endswith(".json"):
            src = Path(text_or_path).name
            text_or_path = read_utf8(Path(text_or_path), summary=_summary(Path(text_or_path).name, 1))
        try:
            doc = json.loads(str(text_or_path), object_hook=_int_keys)
        except json.JSONDecodeError as exc:
            raise ValidationError([Problem(src, exc.lineno, None, None, Text("有效的 JSON", "valid JSON"),
                                           Text(f"改正该行的写法 ({exc.msg})",
                                                f"correct the line ({exc.msg})"))],
                                  summary=_summary(src, 1)) from exc
        return cls.from_dict(doc, source=src)

    @classmethod
    def read(cls, path: str | Path) -> Recipe:
        """Read a recipe file, YAML or JSON by suffix."""
        return cls.from_json(Path(path)) if str(path).lower().endswith(".json") else cls.from_yaml(Path(path))

    def step(self, name: str) -> Step | None:
        """Return the step called ``name``, or ``None``."""
        return next((s for s in self.steps if s.name == name), None)

    def replace(self, **changes: Mapping[str, Any]) -> Recipe:
        """Return a copy with step parameters updated: ``replace(normalise={"method": "zscore"})``.

        A step not in the recipe is inserted at its place in the pipeline order.
        """
        new = copy.deepcopy(self)
        for name, params in changes.items():
            s = new.step(name)
            if s is None:
                new.steps.append(Step(name, dict(params)))
                new.steps.sort(key=lambda x: list(STAGES).index(x.name) if x.name in STAGES else 99)
            else:
                s.params.update(params)
        return Recipe(new.steps, inputs=new.inputs, version=new.version, name=new.name, source=new.source,
                      period=new.period, level=new.level, lines=new.lines)


def _int_keys(d: dict[str, Any]) -> dict[Any, Any]:
    return {int(k) if isinstance(k, str) and k.isdigit() else k: v for k, v in d.items()}


def _summary(source: str, n: int) -> Text:
    src = source or "<input>"
    return Text(f"构建步骤 {src} 有 {n} 个问题,未构建", f"recipe {src}: {n} problem(s)")


def _one_of(allowed: Iterable[str]) -> Text:
    names = ", ".join(sorted(allowed)) if isinstance(allowed, set) else ", ".join(allowed)
    return Text(f"以下之一: {names}", f"one of {names}")


def _closest(key: str, allowed: Iterable[str]) -> Text:
    close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.5)
    if close:
        return Text(f"改为 {close[0]}", f"did you mean {close[0]}? rename it")
    return Text("删除或改名", "remove or rename it")


Found = Any  # the problem factory passed to the readers below


def _read_step(item: object, where: str, problem: Found) -> tuple[Step | None, list[Problem]]:
    """One item of ``steps``: ``{name: …, params: {…}}``, ``{step_name: {…}}`` or a bare name."""
    if isinstance(item, str):
        return Step(item, {}), []
    if not isinstance(item, Mapping):
        return None, [problem(where, item, Text("步骤名或 name/params 映射",
                                                "a step name or a name/params mapping"),
                              Text("写成 - name: normalise", "write '- name: normalise'"))]
    if "name" in item:
        found = [problem(f"{where}.{k}", k, _one_of(STEP_KEYS), _closest(str(k), STEP_KEYS))
                 for k in item if k not in STEP_KEYS]
        name, params = item["name"], item.get("params")
        path = f"{where}.params"
    elif len(item) == 1:
        ((name, params),) = item.items()
        found, path = [], f"{where}.{name}"
    else:
        keys = ", ".join(map(str, item))
        return None, [problem(where, keys, Text("含 name 键(及可选的 params)的映射",
                                                "a mapping with a 'name' key (and optional 'params')"),
                              Text("补上 name: 并把参数放进 params:",
                                   "add name: and put the parameters under params:"))]
    if not isinstance(name, str):
        found.append(problem(f"{where}.name", name, Text("文本(步骤名)", "text (a step name)"),
                             Text("以下之一: ", "one of ") + ", ".join(STAGES)))
        return None, found
    if params is not None and not isinstance(params, Mapping):
        found.append(problem(path, params, Text("参数映射(键: 值)", "a mapping of parameters (key: value)"),
                             Text("写成 params: {method: minmax}", "write params: {method: minmax}")))
        params = None
    return Step(name, dict(params or {})), found


def _param_problems(step: Step, where: str, problem: Found) -> list[Problem]:
    allowed = _PARAMS[step.name]
    out = [problem(f"{where}.params.{k}", k, _one_of(allowed), _closest(str(k), allowed))
           for k in step.params if k not in allowed]
    for key, value in step.params.items():
        if key in _PARAM_TYPES and value is not None:
            kinds, word = _PARAM_TYPES[key]
            wrong_bool = isinstance(value, bool) and bool not in kinds
            if wrong_bool or not isinstance(value, kinds):
                out.append(problem(f"{where}.params.{key}", value, word,
                                   Text(f"改正 {key} 的值", f"correct the value of {key}")))
    method = step.params.get("method")
    for name in method.values() if isinstance(method, Mapping) else [method]:
        if isinstance(name, str):
            out += _method_problems(step, name, where, problem)
    return out


def _method_problems(step: Step, method: str, where: str, problem: Found) -> list[Problem]:
    """Check the method a step names, and the keys of a normaliser's own ``params``."""
    from .aggregate import AGGREGATORS
    from .normalise import NORMALISERS

    known: dict[str, Iterable[str]] = {
        "normalise": NORMALISERS, "aggregate": AGGREGATORS, "treat": ("winsorise", "percentile", "none"),
        "impute": ("mean", "median", "group_mean", "group_median", "regression", "em", "latest", "linear",
                   "constant")}
    names = list(known.get(step.name, ()))
    key = method[2:] if method[:2] in ("n_", "a_") else method
    if names and key not in names:
        return [problem(f"{where}.params.method", method, _one_of(names), _closest(method, names))]
    params = step.params.get("params")
    if step.name != "normalise" or not isinstance(params, Mapping):
        return []
    signature = inspect.signature(NORMALISERS[key])
    allowed = [p for p in list(signature.parameters)[1:] if p != "direction"]
    return [problem(f"{where}.params.params.{k}", k, _one_of(allowed) if allowed else
                    Text(f"无参数({method} 不需要参数)", f"no parameters ({method} takes none)"),
                    _closest(str(k), allowed) if allowed else Text("删除 params", "remove params"))
            for k in params if k not in allowed]


def _yaml_lines(node: yaml.Node | None, path: str = "") -> dict[str, int]:
    """Line (1-based) of every key path in a composed YAML document: ``{"steps[0].params": 7}``."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{path}.{key.value}" if path else str(key.value)
            out[name] = key.start_mark.line + 1
            out.update(_yaml_lines(value, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            name = f"{path}[{i}]"
            out[name] = item.start_mark.line + 1
            out.update(_yaml_lines(item, name))
    return out


def read_utf8(path: Path, *, summary: Text) -> str:
    """Return a file's UTF-8 text (a BOM is dropped); other encodings are a located problem."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError([Problem(path.name, None, None, None, Text("UTF-8 文本", "UTF-8 text"),
                                       Text("以 UTF-8 编码另存该文件(Excel: CSV UTF-8)",
                                            "save the file as UTF-8 (Excel: CSV UTF-8)"))],
                              summary=summary) from exc


def read_csv_table(path: Path, *, summary: Text) -> pd.DataFrame:
    """Read a UTF-8 CSV table; an empty or ragged file is a problem located at its line."""
    import io
    import re

    text = read_utf8(path, summary=summary)
    try:
        return pd.read_csv(io.StringIO(text), keep_default_na=True)
    except pd.errors.EmptyDataError as exc:
        problem = Problem(path.name, None, None, None, Text("表头行及至少一行数据", "a header row and rows"),
                          Text("写入表头行及各行数据", "write the header row and the rows"))
        raise ValidationError([problem], summary=summary) from exc
    except pd.errors.ParserError as exc:
        found = re.search(r"line (\d+)", str(exc))
        problem = Problem(path.name, int(found.group(1)) if found else None, None, None,
                          Text("每行列数与表头相同", "as many fields as the header"),
                          Text(f"改正该行的逗号或引号 ({exc})",
                               f"correct the commas or quotes of the row ({exc})"))
        raise ValidationError([problem], summary=summary) from exc


def load_yaml(text: str, *, source: str, summary: Text) -> Any:
    """Parse YAML text; malformed YAML is a problem located at its line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = str(getattr(exc, "problem", None) or exc)
        raise ValidationError([Problem(source, None if mark is None else mark.line + 1, None, None,
                                       Text("有效的 YAML", "valid YAML"),
                                       Text(f"改正该行的写法 ({reason}); 缩进用空格, 冒号后加空格",
                                            f"correct the line ({reason}); indent with spaces, put a "
                                            "space after each colon"))],
                              summary=summary) from exc
