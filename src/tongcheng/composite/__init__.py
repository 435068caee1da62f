"""Composite indicators to the JRC/OECD handbook: the 同城化 index engine.

Modules (one concept each): ``framework`` (the indicator tree), ``steps`` (denominate,
impute, screen, treat), ``normalise``, ``weights``, ``aggregate`` (means), ``mcda``
(TOPSIS, outranking, Kemeny, Mazziotta–Pareto), ``coupling`` (coupling coordination),
``audit`` (statistics, correlations, reliability), ``sensitivity`` (Saltelli/Sobol),
``pipeline`` (recipe, build, regenerate).
"""

from __future__ import annotations

from . import audit as audit
from . import coupling as coupling
from . import mcda as mcda
from . import sensitivity as sensitivity
from . import time as time
from . import uncertainty as uncertainty
from . import weights as weights
from .aggregate import AGGREGATORS
from .framework import Framework
from .normalise import NORMALISERS
from .pipeline import Build, PanelBuild, Recipe, Step, build, build_panel

__all__ = [
    "AGGREGATORS",
    "NORMALISERS",
    "Build",
    "Framework",
    "PanelBuild",
    "Recipe",
    "Step",
    "audit",
    "build",
    "build_panel",
    "coupling",
    "mcda",
    "sensitivity",
    "time",
    "uncertainty",
    "weights",
]
