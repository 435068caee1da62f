"""Travel times on road graphs read from OpenStreetMap.

Build a graph with :func:`graph_from_pbf`, then ask for a long travel-time table with
:func:`travel_time_matrix`. Numba kernels are imported lazily, on first use.
"""

from __future__ import annotations

from .accessibility import LUO_QI_2009_BANDS, Decay, enhanced_two_step_fca, hansen_accessibility, two_step_fca
from .graph import (
    RoadGraph,
    contract_graph,
    graph_from_arcs,
    largest_component,
    main_component_nodes,
    snap_points,
    subgraph,
)
from .gtfs import Timetable, timetable_from_gtfs
from .io import graph_from_npz, graph_metadata, graph_to_npz, points_from_file, points_from_project
from .isochrone import circle_coverage, isochrones
from .matrix import Hierarchy, build_hierarchy, many_to_many, travel_time_matrix
from .osm import graph_from_pbf
from .profiles import PROFILES, Profile

_LAZY = {"earliest_arrival", "range_raptor", "transit_travel_time_matrix"}  # numba-compiled


def __getattr__(name: str) -> object:
    """Import the RAPTOR functions (and numba) only when first used."""
    if name in _LAZY:
        from . import raptor

        return getattr(raptor, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "LUO_QI_2009_BANDS",
    "PROFILES",
    "Decay",
    "Hierarchy",
    "Profile",
    "RoadGraph",
    "Timetable",
    "build_hierarchy",
    "circle_coverage",
    "contract_graph",
    "earliest_arrival",
    "enhanced_two_step_fca",
    "graph_from_arcs",
    "graph_from_npz",
    "graph_from_pbf",
    "graph_metadata",
    "graph_to_npz",
    "hansen_accessibility",
    "isochrones",
    "largest_component",
    "main_component_nodes",
    "many_to_many",
    "points_from_file",
    "points_from_project",
    "range_raptor",
    "snap_points",
    "subgraph",
    "timetable_from_gtfs",
    "transit_travel_time_matrix",
    "travel_time_matrix",
    "two_step_fca",
]
