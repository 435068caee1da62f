"""Travel times on road graphs read from OpenStreetMap.

Build a graph with :func:`graph_from_pbf`, then ask for a long travel-time table with
:func:`travel_time_matrix`. Numba kernels are imported lazily, on first use.
"""

from __future__ import annotations

from .graph import (
    RoadGraph,
    contract_graph,
    graph_from_arcs,
    largest_component,
    main_component_nodes,
    snap_points,
    subgraph,
)
from .isochrone import circle_coverage, isochrones
from .matrix import Hierarchy, build_hierarchy, many_to_many, travel_time_matrix
from .osm import graph_from_pbf
from .profiles import PROFILES, Profile

__all__ = [
    "PROFILES",
    "Hierarchy",
    "Profile",
    "RoadGraph",
    "build_hierarchy",
    "circle_coverage",
    "contract_graph",
    "graph_from_arcs",
    "graph_from_pbf",
    "isochrones",
    "largest_component",
    "main_component_nodes",
    "many_to_many",
    "snap_points",
    "subgraph",
    "travel_time_matrix",
]
