"""Indicators: a registry that every family plugs into, and the built-in families."""

from __future__ import annotations

from . import population as population
from . import rail as rail
from . import structure as structure
from .compute import compute_indicators
from .context import ComputeContext
from .registry import IndicatorSpec, catalogue, get, indicator, registered

__all__ = [
    "ComputeContext",
    "IndicatorSpec",
    "catalogue",
    "compute_indicators",
    "get",
    "indicator",
    "population",
    "rail",
    "registered",
    "structure",
]
