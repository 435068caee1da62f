"""Flows and linkage: OD tables, commuting indicators, delineation and spatial interaction."""

from __future__ import annotations

from .backends import BACKENDS, aggregate_trips
from .od import OD_COLUMNS, VALUE_KINDS, ODTable, antisymmetric_part, symmetric_part

__all__ = [
    "BACKENDS",
    "OD_COLUMNS",
    "VALUE_KINDS",
    "ODTable",
    "aggregate_trips",
    "antisymmetric_part",
    "symmetric_part",
]
