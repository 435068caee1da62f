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

__all__ = ["IndicatorSpec", "catalogue", "get", "indicator", "registered"]




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
        ``+1`` if more is more integrated/better, ``-1`` if less is.
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


_REGISTRY: dict[str, IndicatorSpec] = {}


def indicator(code: str, *, name_zh: str, name_en: str, unit: str, subject_kind: str,
              inputs: tuple[str, ...], family: str, description_zh: str = "",
              description_en: str = "", citation: str = "", direction: int = 1,
              ) -> Callable[[Callable[[ComputeContext], pd.DataFrame]],
                            Callable[[ComputeContext], pd.DataFrame]]:
    """Register a computed indicator (decorator of its ``compute(ctx)`` adapter).

    Raises
    ------
    DataError
        If the code is already registered or the subject kind is unknown.
    """
    if subject_kind not in ("unit", "pair", "metro"):
        msg = f"subject_kind is {subject_kind!r}; expected 'unit', 'pair' or 'metro'"
        raise DataError(msg)

    def register(func: Callable[[ComputeContext], pd.DataFrame],
                 ) -> Callable[[ComputeContext], pd.DataFrame]:
        if code in _REGISTRY:
            msg = f"indicator {code!r} is registered twice; choose another code"
            raise DataError(msg)
        _REGISTRY[code] = IndicatorSpec(
            code=code, name_zh=name_zh, name_en=name_en, unit=unit, subject_kind=subject_kind,
            inputs=inputs, compute=func, family=family, description_zh=description_zh,
            description_en=description_en, citation=citation, direction=direction)
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
    """Return the registered indicators as a catalogue frame (for the store and docs)."""
    rows = [{"code": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "unit": s.unit,
             "subject_kind": s.subject_kind, "description_zh": s.description_zh,
             "description_en": s.description_en, "source": s.citation, "kind": "computed"}
            for s in registered()]
    return pd.DataFrame(rows)
