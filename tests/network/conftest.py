"""Fixtures: real OSM extracts from ../shared/data/raw (fail under CI when missing, else skip)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from tongcheng.network import RoadGraph, graph_from_pbf, largest_component

RAW = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "raw"


def raw_file(relative: str) -> Path:
    """Return a shared raw data file, or skip (fail when CI is set) if it is missing."""
    path = RAW / relative
    if not path.is_file():
        msg = f"shared raw data not found: {path} (expected ../shared beside the clone)"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def andorra_walk() -> RoadGraph:
    return graph_from_pbf(raw_file("valhalla_osm/andorra.osm.pbf"), profile="walk")


@pytest.fixture(scope="session")
def andorra_car() -> RoadGraph:
    return graph_from_pbf(raw_file("valhalla_osm/andorra.osm.pbf"), profile="car")


@pytest.fixture(scope="session")
def poa_walk() -> RoadGraph:
    return graph_from_pbf(raw_file("r5r_poa/poa_osm.pbf"), profile="walk")


@pytest.fixture(scope="session")
def poa_car() -> RoadGraph:
    return graph_from_pbf(raw_file("r5r_poa/poa_osm.pbf"), profile="car")


def _sample_nodes(graph: RoadGraph, n: int, seed: int) -> np.ndarray:
    """Random nodes of the largest strongly connected component, as indices into ``graph``."""
    comp = largest_component(graph)
    rng = np.random.default_rng(seed)
    return comp.parent_index[rng.choice(comp.n_nodes, n, replace=False)]


@pytest.fixture(scope="session")
def sample_nodes() -> Callable[[RoadGraph, int, int], np.ndarray]:
    return _sample_nodes


@pytest.fixture(scope="session")
def raw() -> Callable[[str], Path]:
    return raw_file
