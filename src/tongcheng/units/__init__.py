"""Administrative units: code/name resolution, code changes over time, metropolitan areas."""

from __future__ import annotations

from .crosswalk import changes_for as changes_for
from .crosswalk import current_codes as current_codes
from .loader import load_units as load_units
from .loader import store_units as store_units
from .loader import unit_boundaries as unit_boundaries
from .metros import members as members
from .metros import metro_areas as metro_areas
from .metros import metro_outline as metro_outline
from .osm_boundaries import boundaries_from_pbf as boundaries_from_pbf
from .resolve import Resolution as Resolution
from .resolve import UnitResolver as UnitResolver

__all__ = [
    "unit_boundaries",
    "Resolution",
    "UnitResolver",
    "boundaries_from_pbf",
    "changes_for",
    "current_codes",
    "load_units",
    "members",
    "metro_areas",
    "metro_outline",
    "store_units",
]
