"""Uncertain assumptions of a recipe: the factor spec of :mod:`tongcheng.composite.uncertainty`.

The spec format is described there; :func:`parse_factors` turns it into :class:`RecipeFactor`
objects and :func:`read_factors` reads it from a YAML or JSON file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .._errors import DataError
from .sensitivity import Factor

__all__ = ["DATA_STEPS", "STEP_KEYS", "RecipeFactor", "parse_factors", "read_factors"]

#: Pipeline steps whose parameters a factor may vary (before weighting and aggregation).
DATA_STEPS = ("denominate", "impute", "treat", "normalise")
#: Steps a shorthand key may name.
STEP_KEYS = (*DATA_STEPS, "aggregate")


@dataclass(frozen=True)
class RecipeFactor:
    """One uncertain assumption of a recipe and what each of its levels changes.

    Attributes
    ----------
    name
        Factor name.
    kind
        ``"step"`` (changes a step's parameters), ``"weights"`` (weight overrides) or
        ``"weights_noise"`` (one of ``n_sets`` noisy weight sets).
    step
        The step changed (``kind="step"``).
    options
        Per level: the step-parameter update, or the weight override mapping.
    labels
        Per level: a short label (the factor's value in tables).
    levels, noise, n_sets
        Noisy weights: framework levels perturbed, relative half-width, number of sets.
    integer
        Levels are the integers of a range (the labels are numbers).
    """

    name: str
    kind: Literal["step", "weights", "weights_noise"]
    step: str | None = None
    options: tuple[dict[str, Any], ...] = ()
    labels: tuple[Any, ...] = ()
    levels: tuple[int, ...] = ()
    noise: float = 0.25
    n_sets: int = 100
    integer: bool = False

    @property
    def factor(self) -> Factor:
        """The :class:`~tongcheng.composite.sensitivity.Factor` driving this assumption."""
        if self.kind == "weights_noise":
            return Factor.noisy_weights(self.name, n_sets=self.n_sets)
        if self.integer:
            return Factor.integer(self.name, int(self.labels[0]), int(self.labels[-1]))
        return Factor.discrete(self.name, self.labels)


def _label(opt: Mapping[str, Any]) -> str:
    if set(opt) == {"method"}:
        return str(opt["method"])
    if "method" in opt and set(opt) <= {"method", "params"}:
        inner = ", ".join(f"{k}={v}" for k, v in (opt.get("params") or {}).items())
        return f"{opt['method']}({inner})"
    return json.dumps(opt, sort_keys=True, default=str)


def _weights_entry(name: str, item: Mapping[str, Any]) -> RecipeFactor:
    if "weights_noise" in item:
        wn = item["weights_noise"] or {}
        levels = tuple(int(v) for v in wn.get("levels", ()))
        if not levels:
            msg = f"factor {name!r}: weights_noise needs levels, e.g. {{levels: [2, 3], noise: 0.25}}"
            raise DataError(msg)
        return RecipeFactor(name, "weights_noise", levels=levels, noise=float(wn.get("noise", 0.25)),
                            n_sets=int(wn.get("n_sets", 100)))
    sets = [dict(w) for w in item["weights"]]
    return RecipeFactor(name, "weights", options=tuple(sets),
                        labels=tuple(f"set{i + 1}" for i in range(len(sets))))


def _entry(item: Mapping[str, Any], where: str) -> RecipeFactor:
    name = str(item.get("name", ""))
    if not name:
        msg = f"factor spec {where}: every entry needs a name"
        raise DataError(msg)
    if "weights_noise" in item or "weights" in item:
        return _weights_entry(name, item)
    step = item.get("step")
    if step not in STEP_KEYS:
        msg = (f"factor {name!r}: step must be one of {', '.join(STEP_KEYS)} (screening would change "
               f"the units), got {step!r}")
        raise DataError(msg)
    if "range" in item or "values" in item:
        param = item.get("param")
        if not param:
            msg = f"factor {name!r}: a range or values needs param (the {step} parameter that varies)"
            raise DataError(msg)
        if "range" in item:
            lo, hi = (int(v) for v in item["range"])
            values: list[Any] = list(range(lo, hi + 1))
        else:
            values = list(item["values"])
        if len(values) < 1:
            msg = f"factor {name!r}: no values"
            raise DataError(msg)
        return RecipeFactor(name, "step", step=step, options=tuple({param: v} for v in values),
                            labels=tuple(values), integer="range" in item and len(values) > 1)
    choices = item.get("choices")
    if not choices:
        msg = f"factor {name!r}: give choices, range or values"
        raise DataError(msg)
    opts = tuple({"method": c} if isinstance(c, str) else dict(c) for c in choices)
    if step == "aggregate" and any("weights" in o for o in opts):
        msg = f"factor {name!r}: vary weights with a weights or weights_noise factor, not in aggregate"
        raise DataError(msg)
    labels = [_label(o) for o in opts]
    if len(set(labels)) < len(labels):
        labels = [f"{lab}#{i + 1}" for i, lab in enumerate(labels)]
    return RecipeFactor(name, "step", step=step, options=opts, labels=tuple(labels))


def parse_factors(spec: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> tuple[RecipeFactor, ...]:
    """Turn a factor spec (see the module notes) into :class:`RecipeFactor` objects.

    Parameters
    ----------
    spec
        Shorthand mapping, ``{"factors": [...]}`` or a list of full entries.

    Returns
    -------
    tuple of RecipeFactor
        In spec order.

    Raises
    ------
    DataError
        On an unknown key, a missing part or repeated names.

    Examples
    --------
    >>> fs = parse_factors({"winmax": [1, 5], "aggregate": ["amean", "gmean"]})
    >>> [(f.name, f.step, f.labels) for f in fs]
    [('winmax', 'treat', (1, 2, 3, 4, 5)), ('aggregate', 'aggregate', ('amean', 'gmean'))]
    """
    if isinstance(spec, Mapping) and "factors" in spec:
        spec = spec["factors"]
    entries: list[Mapping[str, Any]] = []
    if isinstance(spec, Mapping):
        for key, value in spec.items():
            if key == "winmax":
                entries.append({"name": key, "step": "treat", "param": "winmax", "range": value})
            elif key in STEP_KEYS:
                entries.append({"name": key, "step": key, "choices": value})
            elif key in ("weights_noise", "weights"):
                entries.append({"name": key, key: value})
            else:
                msg = (f"unknown factor key {key!r}; use winmax, {', '.join(STEP_KEYS)}, weights, "
                       "weights_noise, or a list of full entries")
                raise DataError(msg)
    elif isinstance(spec, Sequence) and not isinstance(spec, str):
        entries = list(spec)
    else:
        msg = f"factor spec must be a mapping or a list, got {type(spec).__name__}"
        raise DataError(msg)
    out = tuple(_entry(e, f"[{i}]") for i, e in enumerate(entries))
    names = [f.name for f in out]
    if len(set(names)) != len(names) or not out:
        msg = f"factor names must be unique and at least one factor given, got {names}"
        raise DataError(msg)
    return out


def read_factors(path: str | Path) -> tuple[RecipeFactor, ...]:
    """Read a factor spec from a YAML or JSON file (see :func:`parse_factors`).

    Raises
    ------
    ValidationError
        The file is not UTF-8, not valid YAML/JSON (with its line), or not a factor spec; the
        problem names the file.
    """
    from .._errors import Problem, ValidationError
    from .._text import Text
    from .recipe import load_yaml, read_utf8

    name = Path(path).name
    summary = Text(f"不确定因素文件 {name} 有问题", f"factor file {name}: 1 problem")
    text = read_utf8(Path(path), summary=summary)
    if str(path).lower().endswith(".json"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError([Problem(name, exc.lineno, None, None, Text("有效的 JSON", "valid JSON"),
                                           Text(f"改正该行的写法 ({exc.msg})",
                                                f"correct the line ({exc.msg})"))],
                                  summary=summary) from exc
    else:
        doc = load_yaml(text, source=name, summary=summary)
    try:
        return parse_factors(doc)
    except DataError as exc:
        raise ValidationError([Problem(name, None, None, None,
                                       Text("因素说明(见 examples/asem/factors.yaml)",
                                            "a factor spec (see examples/asem/factors.yaml)"),
                                       exc.text or str(exc))], summary=summary) from exc


# -- the model --------------------------------------------------------------------------------------
