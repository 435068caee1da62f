from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import dijkstra

from tongcheng import DataError, ValidationError
from tongcheng.network import graph_from_arcs, snap_points
from tongcheng.network.graph import main_component_nodes
from tongcheng.network.isochrone import circle_coverage, isochrones
from tongcheng.network.osm import haversine_m

WALK = 5 / 3.6  # m/s


def _equator_line(n: int = 4, step: float = 0.01):
    lon = np.arange(n) * step
    lat = np.zeros(n)
    seg = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:]) / WALK
    t = np.r_[np.arange(n - 1), np.arange(1, n)]
    h = np.r_[np.arange(1, n), np.arange(n - 1)]
    return graph_from_arcs(t, h, times=np.r_[seg, seg], lon=lon, lat=lat, profile="walk")


def test_isochrone_cuts_the_arc_where_time_runs_out():
    g = _equator_line()
    origin = pd.DataFrame({"id": ["o"], "lon": [0.0], "lat": [0.0]})
    iso = isochrones(g, origin, breaks=[600.0, 1200.0], buffer=50.0)
    assert iso["travel_time"].tolist() == [600.0, 1200.0]
    area = iso.to_crs(iso.estimate_utm_crs()).area.to_numpy()
    for band, a in zip([600.0, 1200.0], area, strict=True):
        reach = band * WALK  # metres along the line
        want = 2 * 50 * reach + np.pi * 50**2  # corridor + two round ends
        assert a == pytest.approx(want, rel=0.03)


def test_isochrone_breaks_validated():
    g = _equator_line()
    origin = pd.DataFrame({"lon": [0.0], "lat": [0.0]})
    with pytest.raises(DataError, match="increasing"):
        isochrones(g, origin, breaks=[600.0, 300.0])


def test_circle_coverage_by_hand():
    g = _equator_line(n=5)  # nodes 1,113 m apart: 801 s each at 5 km/h
    cells = pd.DataFrame(
        {"id": list("abcde"), "lon": g.lon, "lat": g.lat, "population": [10.0, 20, 30, 40, 50]}
    )
    core = pd.DataFrame({"id": ["core"], "lon": [0.0], "lat": [0.0]})
    cov = circle_coverage(g, core, cells=cells, threshold=1700.0)  # nodes 0, 1, 2 within
    assert cov.loc["core", "within"] == 60.0
    assert cov.loc["core", "total"] == 150.0
    assert cov.loc["core", "share"] == pytest.approx(0.4)
    assert cov.loc["core", "cells_within"] == 3


def test_circle_coverage_errors():
    g = _equator_line()
    core = pd.DataFrame({"lon": [0.0], "lat": [0.0]})
    with pytest.raises(DataError, match="no column 'jobs'"):
        circle_coverage(g, core, cells=pd.DataFrame({"lon": [0.0], "lat": [0.0]}), weight="jobs")
    far = pd.DataFrame({"id": ["sea"], "lon": [1.0], "lat": [1.0], "population": [1.0]})
    with pytest.raises(ValidationError, match="'sea'"):
        circle_coverage(g, core, cells=far)


def test_porto_alegre_one_hour_walk_circle(poa_walk, raw):
    """Population of the Porto Alegre hex grid within one hour's walk of the centre."""
    g = poa_walk
    cells = pd.read_csv(raw("r5r_poa/poa_hexgrid.csv"))
    main = main_component_nodes(g)
    lon, lat = cells["lon"].to_numpy(), cells["lat"].to_numpy()
    # cells in the Guaíba or beyond the OSM extract are off the network: leave them out
    near = np.ones(len(cells), dtype=bool)
    for i in range(len(cells)):
        near[i] = haversine_m(lon[i], lat[i], g.lon[main], g.lat[main]).min() <= 240
    cells = cells[near]
    assert len(cells) == 1206
    core = pd.DataFrame({"id": ["centro"], "lon": [-51.2287], "lat": [-30.0277]})
    cov = circle_coverage(g, core, cells=cells, threshold=3600.0)
    # brute force: scipy Dijkstra on the full graph from the same snapped node
    src = snap_points(g, core, candidates=main)
    dst = snap_points(g, cells, candidates=main)
    t = dijkstra(g.to_scipy(), indices=src)[0, dst]
    assert cov.loc["centro", "within"] == cells["population"].to_numpy()[t <= 3600].sum()
    assert cov.loc["centro", "cells_within"] == (t <= 3600).sum()
    assert cov.loc["centro", "share"] == pytest.approx(0.3444, abs=1e-4)
