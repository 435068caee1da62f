"""Recipes: the ordered, serialisable steps of a composite index (YAML/JSON), with input hashes.

A :class:`Recipe` is what :func:`tongcheng.composite.pipeline.build` runs; it records the hashes
of its inputs and the tongcheng version that ran it (COINr's ``coin$Log``, made explicit).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .. import __version__
from .._errors import Problem, ValidationError

__all__ = ["STAGES", "Recipe", "Step", "sha256_file", "sha256_frame"]

STAGES: dict[str, str] = {"denominate": "denominated", "impute": "imputed", "screen": "screened",
                          "treat": "treated", "normalise": "normalised", "aggregate": "aggregated"}
"""Step name → name of the stage (data set) it writes, in pipeline order."""

_PARAMS: dict[str, set[str]] = {
    "denominate": {"mapping", "scale"},
    "impute": {"method", "group", "max_iter", "tol", "max_time"},
    "screen": {"min_availability", "by", "min_nonzero", "force"},
    "treat": {"method", "winmax", "skew_thresh", "kurt_thresh", "fallback", "combine", "percentiles",
              "exclude"},
    "normalise": {"method", "params", "indiv", "global", "base_time"},
    "aggregate": {"method", "params", "weights", "dat_thresh"},
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

    def __post_init__(self) -> None:
        self.steps = [s if isinstance(s, Step) else Step(**s) for s in self.steps]
        problems: list[Problem] = []
        order = list(STAGES)
        last = -1
        for i, s in enumerate(self.steps):
            where = f"steps[{i}]"
            if s.name not in STAGES:
                problems.append(Problem(self.source, None, where, s.name, "one of " + ", ".join(STAGES),
                                        "correct the step name"))
                continue
            if order.index(s.name) <= last:
                problems.append(Problem(self.source, None, where, s.name,
                                        "steps in the order " + " → ".join(STAGES) + ", each once",
                                        "reorder or remove the step"))
            last = max(last, order.index(s.name))
            problems += [Problem(self.source, None, f"{where}.params", k,
                                 "one of " + ", ".join(sorted(_PARAMS[s.name])), "remove or rename it")
                         for k in s.params if k not in _PARAMS[s.name]]
        if problems:
            raise ValidationError(problems, summary=f"recipe {self.source or '<input>'}: "
                                                    f"{len(problems)} problem(s)")

    # -- serialisation ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the recipe as plain data."""
        return {"name": self.name, "tongcheng_version": self.version,
                "inputs": copy.deepcopy(self.inputs), "steps": [s.to_dict() for s in self.steps]}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, source: str = "") -> Recipe:
        """Build from :meth:`to_dict` output (``steps`` may also be ``[{name: params}, …]``)."""
        if not isinstance(doc, Mapping) or not isinstance(doc.get("steps"), list):
            raise ValidationError([Problem(source, None, "steps", None, "a mapping with a list 'steps'",
                                           "see examples/asem/recipe.yaml")])
        items = []
        for s in doc["steps"]:
            if isinstance(s, Mapping) and "name" in s:
                items.append(Step(str(s["name"]), dict(s.get("params") or {})))
            elif isinstance(s, Mapping) and len(s) == 1:
                (k, v), = s.items()
                items.append(Step(str(k), dict(v or {})))
            else:
                items.append(Step(str(s), {}))
        return cls(items, inputs=dict(doc.get("inputs") or {}),
                   version=str(doc.get("tongcheng_version", __version__)), name=str(doc.get("name", "")),
                   source=source)

    def to_yaml(self, path: str | Path | None = None) -> str:
        """Return (and optionally write) the recipe as YAML."""
        text = yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_yaml(cls, text_or_path: str | Path) -> Recipe:
        """Read YAML text or a ``.yaml``/``.yml`` file."""
        src = ""
        if isinstance(text_or_path, Path) or str(text_or_path).lower().endswith((".yaml", ".yml")):
            src = Path(text_or_path).name
            text_or_path = Path(text_or_path).read_text(encoding="utf-8")
        return cls.from_dict(yaml.safe_load(str(text_or_path)), source=src)

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
            text_or_path = Path(text_or_path).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(str(text_or_path), object_hook=_int_keys), source=src)

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
        return Recipe(new.steps, inputs=new.inputs, version=new.version, name=new.name)


def _int_keys(d: dict[str, Any]) -> dict[Any, Any]:
    return {int(k) if isinstance(k, str) and k.isdigit() else k: v for k, v in d.items()}
