"""Unit boundaries in the store (revision 0003), on SQLite and PostgreSQL.

The fixture is real: Liechtenstein's 11 municipalities (OSM ``admin_level=8``) from the shared
extract, loaded with :func:`tongcheng.units.load_units`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from alembic import command
from shapely.geometry import Point, Polygon, box
from sqlalchemy import inspect, text

from tongcheng import StoreError
from tongcheng.store import Store
from tongcheng.store.db import alembic_config
from tongcheng.units import load_units



@pytest.fixture(scope="module")
def li_units(li_geojson: Path) -> gpd.GeoDataFrame:
    """The 11 municipalities as :func:`load_units` returns them (WGS-84 polygons)."""
    units = load_units(li_geojson, code_column="bfs:OBJECTVAL", name_column="name", level="county")
    return units.sort_values("code").reset_index(drop=True)


def _laea_km2(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Areas in the projection load_units uses (LAEA centred on the extent)."""
    minx, miny, maxx, maxy = frame.total_bounds
    crs = (f"+proj=laea +lat_0={(miny + maxy) / 2:.6f} +lon_0={(minx + maxx) / 2:.6f} "
           "+ellps=WGS84 +units=m +no_defs")
    return frame.to_crs(crs).area.to_numpy() / 1e6


def test_stored_boundaries_read_back_exactly(store: Store, li_units: gpd.GeoDataFrame) -> None:
    assert store.put_units(li_units.drop(columns="row")) == 11
    got = store.boundaries()
    assert got.crs.to_epsg() == 4326
    assert got.index.tolist() == sorted(li_units["code"])
    assert set(got["level"]) == {"county"} and got.loc["007001", "name_zh"] == "Vaduz"
    given = li_units.set_index("code").geometry.reindex(got.index)
    # WKB keeps IEEE doubles: the geometries come back bit for bit (tolerance 0)
    assert all(a.equals_exact(b, 0.0) for a, b in zip(got.geometry, given, strict=True))
    assert shapely.get_num_coordinates(got.geometry.values).sum() > 1000  # not simplified
    # the areas recomputed from what was stored are the stored areas
    stored_area = store.units()["area_km2"].reindex(got.index).to_numpy()
    assert np.allclose(_laea_km2(got), stored_area, rtol=1e-12)
    assert stored_area.sum() == pytest.approx(160.5, abs=0.1)  # Liechtenstein: 160.5 km²


def test_units_are_read_without_their_polygons(store: Store, li_units: gpd.GeoDataFrame) -> None:
    store.put_units(li_units.drop(columns="row"))
    assert "geometry" not in store.units().columns
    assert store.boundaries(codes=["007001", "007002"]).index.tolist() == ["007001", "007002"]
    assert store.boundaries(level="city").empty
    with pytest.raises(StoreError, match="level='town'"):
        store.boundaries(level="town")


def test_one_invalid_polygon_writes_neither_units_nor_boundaries(
        store: Store, li_units: gpd.GeoDataFrame) -> None:
    bad = li_units.drop(columns="row").copy()
    bowtie = Polygon([(9.5, 47.1), (9.6, 47.2), (9.6, 47.1), (9.5, 47.2)])
    bad.loc[bad.index[3], "geometry"] = bowtie
    with pytest.raises(StoreError, match=r"(?s)put_units: 1 problem.*nothing was written.*"
                                         r"007004.*invalid"):
        store.put_units(bad)
    assert store.units().empty and store.boundaries().empty


def test_a_failing_unit_write_leaves_no_boundary(store: Store, li_units: gpd.GeoDataFrame) -> None:
    """Units and boundaries are one transaction: a unit refused by the database stores nothing."""
    frame = li_units.drop(columns="row").copy()
    frame.loc[frame.index[5], "parent_code"] = "999999"  # not a unit
    with pytest.raises(StoreError, match="999999"):
        store.put_units(frame)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM unit_boundaries")).scalar_one() == 0


def test_projected_boundaries_are_stored_in_wgs84(store: Store, li_units: gpd.GeoDataFrame) -> None:
    store.put_units(li_units.drop(columns=["row", "geometry"]).assign(geometry=None))
    assert store.boundaries().empty  # no polygons given, none stored
    swiss = li_units[["code", "geometry"]].to_crs("EPSG:2056")  # CH1903+ / LV95, metres
    assert store.put_boundaries(swiss) == 11
    got = store.boundaries().geometry
    converted = swiss.set_index("code").to_crs("EPSG:4326").geometry.reindex(got.index)
    assert got.geom_equals_exact(converted, tolerance=0.0).all()
    # the round trip through the Swiss grid (a datum shift) moves vertices by about 1e-8°
    given = li_units.set_index("code").geometry.reindex(got.index)
    assert got.geom_equals_exact(given, tolerance=1e-7).all()  # 1e-7° ≈ 1 cm
    assert not got.geom_equals_exact(given, tolerance=0.0).all()  # so it really was converted


def test_boundaries_are_replaced_not_added(store: Store, li_units: gpd.GeoDataFrame) -> None:
    store.put_units(li_units.drop(columns="row"))
    square = gpd.GeoDataFrame({"code": ["007001"]}, geometry=[box(9.5, 47.1, 9.52, 47.12)],
                              crs="EPSG:4326")
    assert store.put_boundaries(square) == 1
    got = store.boundaries()
    assert len(got) == 11 and got.geometry.loc["007001"].equals_exact(square.geometry[0], 0.0)


def test_put_boundaries_refuses_unknown_units_and_points(store: Store,
                                                         li_units: gpd.GeoDataFrame) -> None:
    store.put_units(li_units.drop(columns=["row", "geometry"]).iloc[:2])
    unknown = li_units[["code", "geometry"]].iloc[1:3]
    with pytest.raises(StoreError, match=r"(?s)007003 are not stored units.*put_units"):
        store.put_boundaries(unknown)
    assert store.boundaries().empty  # 007002 was not written either
    points = gpd.GeoDataFrame({"code": ["007001"]}, geometry=[Point(9.52, 47.14)], crs=4326)
    with pytest.raises(StoreError, match=r"007001 \(Point\) have no polygon"):
        store.put_boundaries(points)
    far = gpd.GeoDataFrame({"code": ["007001"]}, geometry=[box(758_000, 222_000, 760_000, 224_000)])
    with pytest.raises(StoreError, match="outside ±180° longitude"):
        store.put_boundaries(far)  # metres given without a CRS


def test_point_units_store_no_boundary(store: Store) -> None:
    units = gpd.GeoDataFrame({"code": ["000012"], "name_zh": ["A"], "level": ["county"],
                              "lon": [-51.2], "lat": [-30.03]},
                             geometry=[Point(-51.2, -30.03)], crs="EPSG:4326")
    assert store.put_units(units) == 1
    assert store.units().index.tolist() == ["000012"] and store.boundaries().empty


def test_upgrade_from_0002_keeps_units_then_stores_boundaries(
        store: Store, li_units: gpd.GeoDataFrame) -> None:
    """A project database at 0002 (units without boundaries) is upgraded; its data stays."""
    plain = li_units.drop(columns=["row", "geometry"])
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    assert "unit_boundaries" not in inspect(store.engine).get_table_names()
    with store.engine.begin() as conn:  # what an older tongcheng wrote
        conn.execute(text("INSERT INTO units (code, name_zh, level, lon, lat, area_km2) "
                          "VALUES (:code, :name_zh, :level, :lon, :lat, :area_km2)"),
                     plain[["code", "name_zh", "level", "lon", "lat", "area_km2"]]
                     .to_dict("records"))
    url = store.url
    store.close()
    with Store.open(url, create=False) as again:
        assert again.revision() == "0005"
        assert again.units().index.tolist() == sorted(plain["code"])
        assert again.boundaries().empty
        assert again.put_boundaries(li_units[["code", "geometry"]]) == 11
        assert len(again.boundaries()) == 11


def test_downgrade_to_0002_drops_boundaries_keeps_units(store: Store,
                                                        li_units: gpd.GeoDataFrame) -> None:
    store.put_units(li_units.drop(columns="row"))
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    assert "unit_boundaries" not in inspect(store.engine).get_table_names()
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM units")).scalar_one() == 11
