"""The indicator registry: computed indicators and their metadata, in one place.

Built-in indicator families register themselves here with :func:`indicator`, exactly
as later families (travel times, flows, the composite index) will, so that
computation, the Excel template, the report and the docs all read one list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from .._errors import DataError

if TYPE_CHECKING:
    from .context import ComputeContext

__all__ = ["IndicatorSpec", "catalogue", "get", "indicator", "plausible_range", "registered"]

_OPEN = (None, None)
#: Allowed range of a computed value by its unit. Shares are percentages 0–100; counts,
#: areas, times, amounts, potentials and ratios of non-negative quantities cannot be negative.
_RANGE_BY_UNIT: dict[str, tuple[float | None, float | None]] = {
    "%": (0.0, 100.0),
    "persons": (0.0, None),
    "cities": (0.0, None),
    "km2": (0.0, None),
    "min": (0.0, None),
    "100 million CNY": (0.0, None),
    "(10⁶ persons)²/min²": (0.0, None),
    "ratio": (0.0, None),
    "ratio (region = 1)": (0.0, None),
    "index": (0.0, None),
    "index (0–1)": (0.0, 1.0),
    "index (0–2)": (0.0, 2.0),
}
#: Indicators whose range their unit does not tell: a change in percent can be negative,
#: but a population cannot fall by more than all of it.
_RANGE_BY_CODE: dict[str, tuple[float | None, float | None]] = {
    "pop_change_2010_2020": (-100.0, None),
}


def plausible_range(code: str, unit: str) -> tuple[float | None, float | None]:
    """Return the ``(min_value, max_value)`` a computed indicator's values must lie in.

    Parameters
    ----------
    code
        Indicator code (a few have a range of their own).
    unit
        Its unit; shares in ``%`` lie in 0–100, counts, areas, times, amounts and ratios of
        non-negative quantities are at least 0, an ``index (0–1)`` lies in 0–1.

    Returns
    -------
    tuple
        Inclusive bounds, ``None`` where open (an unknown unit is open on both sides).
    """
    return _RANGE_BY_CODE.get(code, _RANGE_BY_UNIT.get(unit, _OPEN))


@dataclass(frozen=True)
class IndicatorSpec:
    """Metadata and computation of one computed indicator.

    Attributes
    ----------
    code
        Stable snake_case code (the key in the store).
    name_zh, name_en
        Names in Chinese and English.
    unit
        Unit of the values.
    subject_kind
        ``"unit"`` (one value per city/county), ``"pair"`` or ``"metro"``.
    inputs
        Codes of the stored indicators it reads.
    compute
        ``compute(ctx)`` returns a frame indexed by subject (code, or ``from_code,
        to_code``) with columns ``period``, ``value`` and optionally ``flags``.
    family
        Module family (population, structure, rail, …).
    description_zh, description_en
        What it measures and its formula, in words.
    citation
        Published source of the method.
    direction
        ``+1`` if more is more integrated/better, ``-1`` if less is, ``0`` for neither.
    min_value, max_value
        Inclusive range of plausible values (``None`` = open); by default
        :func:`plausible_range` of the code and unit.
    max_jump
        Largest plausible factor between a subject's value and its previous period
        (``None`` = the project default).
    """

    code: str
    name_zh: str
    name_en: str
    unit: str
    subject_kind: str
    inputs: tuple[str, ...]
    compute: Callable[[ComputeContext], pd.DataFrame] = field(repr=False)
    family: str = ""
    description_zh: str = ""
    description_en: str = ""
    citation: str = ""
    direction: int = 1
    min_value: float | None = None
    max_value: float | None = None
    max_jump: float | None = None


_REGISTRY: dict[str, IndicatorSpec] = {}


def indicator(code: str, *, name_zh: str, name_en: str, unit: str, subject_kind: str,  # noqa: PLR0913
              inputs: tuple[str, ...], family: str, description_zh: str = "",
              description_en: str = "", citation: str = "", direction: int = 1,
              value_range: tuple[float | None, float | None] | None = None,
              max_jump: float | None = None,
              ) -> Callable[[Callable[[ComputeContext], pd.DataFrame]],
                            Callable[[ComputeContext], pd.DataFrame]]:
    """Register a computed indicator (decorator of its ``compute(ctx)`` adapter).

    ``value_range`` (inclusive ``(min, max)``, ``None`` for an open side) defaults to
    :func:`plausible_range` of the code and unit; ``max_jump`` to the project default.

    Raises
    ------
    DataError
        If the code is already registered or the subject kind is unknown.
    """
    if subject_kind not in ("unit", "pair", "metro"):
        msg = f"subject_kind is {subject_kind!r}; expected 'unit', 'pair' or 'metro'"
        raise DataError(msg)
    lo, hi = value_range if value_range is not None else plausible_range(code, unit)

    def register(func: Callable[[ComputeContext], pd.DataFrame],
                 ) -> Callable[[ComputeContext], pd.DataFrame]:
        if code in _REGISTRY:
            msg = f"indicator {code!r} is registered twice; choose another code"
            raise DataError(msg)
        _REGISTRY[code] = IndicatorSpec(
            code=code, name_zh=name_zh, name_en=name_en, unit=unit, subject_kind=subject_kind,
            inputs=inputs, compute=func, family=family, description_zh=description_zh,
            description_en=description_en, citation=citation, direction=direction,
            min_value=lo, max_value=hi, max_jump=max_jump)
        return func

    return register


def registered() -> list[IndicatorSpec]:
    """Return every registered computed indicator, built-in families loaded first."""
    from . import builtin  # noqa: F401  (registers the built-in families)

    return list(_REGISTRY.values())


def get(code: str) -> IndicatorSpec:
    """Return one registered indicator.

    Raises
    ------
    DataError
        If no indicator has that code; the message lists the known codes.
    """
    specs = {s.code: s for s in registered()}
    if code not in specs:
        msg = f"no computed indicator {code!r}; known: {', '.join(sorted(specs))}"
        raise DataError(msg)
    return specs[code]


def catalogue() -> pd.DataFrame:
    """Return the registered indicators as a catalogue frame (for the store and docs).

    Besides the names, unit and source it has ``direction`` (Int64: 1, -1, missing =
    neither) and ``min_value``, ``max_value``, ``max_jump`` (float, NaN = open / default).
    """
    rows = [{"code": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "unit": s.unit,
             "subject_kind": s.subject_kind, "description_zh": s.description_zh,
             "description_en": s.description_en, "source": s.citation, "kind": "computed",
             "direction": s.direction or None, "min_value": s.min_value, "max_value": s.max_value,
             "max_jump": s.max_jump}
            for s in registered()]
    frame = pd.DataFrame(rows)
    frame["direction"] = frame["direction"].astype("Int64")
    for col in ("min_value", "max_value", "max_jump"):
        frame[col] = pd.to_numeric(frame[col]).astype("float64")
    return frame
