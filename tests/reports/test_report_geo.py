"""Map geometry: compact encoding round-trips, simplification stays within budget."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box

from tongcheng.reports import _geo


def test_encode_decode_round_trip() -> None:
    ring = [(120.0, 30.0), (121.5, 30.0), (121.5, 31.25), (120.0, 31.25), (120.0, 30.0)]
    text, offset = _geo.encode_ring(ring)
    assert all(64 <= ord(c) < 0xD800 for c in text)
    decoded = np.array(_geo.decode_ring(text, offset))
    np.testing.assert_allclose(decoded, np.array(ring), atol=1 / _geo.ENCODE_SCALE)


def test_tiny_ring_collapses_to_none() -> None:
    assert _geo.encode_ring([(120.0, 30.0), (120.0001, 30.0), (120.0, 30.0001),
                             (120.0, 30.0)]) is None


def test_geojson_keeps_codes_holes_and_parts() -> None:
    donut = box(120, 30, 121, 31).difference(box(120.4, 30.4, 120.6, 30.6))
    islands = MultiPolygon([box(121.2, 30, 121.5, 30.3), box(121.6, 30, 121.9, 30.3)])
    frame = gpd.GeoDataFrame(geometry=[donut, islands, None], crs=4326,
                             index=["A", "B", "C"])
    collection, _ = _geo.geojson_for_echarts(frame)
    assert collection["UTF8Encoding"] is True
    features = {f["properties"]["name"]: f["geometry"] for f in collection["features"]}
    assert set(features) == {"A", "B"}  # no geometry, no feature
    assert features["A"]["type"] == "Polygon" and len(features["A"]["coordinates"]) == 2
    assert features["B"]["type"] == "MultiPolygon" and len(features["B"]["coordinates"]) == 2
    outer = _geo.decode_ring(features["A"]["coordinates"][0], features["A"]["encodeOffsets"][0])
    assert Polygon(outer).area == pytest.approx(1.0, rel=1e-3)


def test_budget_raises_tolerance() -> None:
    angles = np.linspace(0, 2 * np.pi, 20_000)
    radius = 0.5 + 0.05 * np.sin(angles * 200)  # a jagged, detailed boundary
    jagged = Polygon(np.c_[120 + radius * np.cos(angles), 30 + radius * np.sin(angles)])
    frame = gpd.GeoDataFrame(geometry=[jagged], crs=4326, index=["J"])
    full, tol0 = _geo.geojson_for_echarts(frame, budget_bytes=10**9)
    budget = len(json.dumps(full, ensure_ascii=False).encode()) // 3
    small, tol = _geo.geojson_for_echarts(frame, budget_bytes=budget)
    assert len(json.dumps(small, ensure_ascii=False).encode()) <= budget
    assert tol > tol0 == _geo.default_tolerance(frame)


def test_outline_drops_holes_and_specks() -> None:
    shape = MultiPolygon([
        box(120, 30, 122, 32).difference(Point(121, 31).buffer(0.2)),
        box(122.5, 30, 122.501, 30.001),  # speck, < 0.5 % of the main part
    ])
    paths = _geo.outline_paths(shape, tolerance=0.0)
    assert len(paths) == 1
    assert Polygon(_geo.decode_ring(*paths[0])).area == pytest.approx(4.0, rel=1e-3)
