"""Imported units keep their boundaries; `unit_boundaries` reads them (and the bundled YRD ones)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from tongcheng import datasets
from tongcheng._errors import ValidationError
from tongcheng.store import Store
from tongcheng.units import load_units, store_units
from tongcheng.units.loader import unit_boundaries


@pytest.fixture(scope="module")
def li_file(li_geojson: Path) -> Path:
    return li_geojson


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open("sqlite://") as opened:
        yield opened


def _load(path: Path) -> gpd.GeoDataFrame:
    return load_units(path, code_column="bfs:OBJECTVAL", name_column="name", level="county")


def test_imported_boundaries_are_the_file_s(li_file: Path, store: Store) -> None:
    units = _load(li_file)
    assert store_units(store, units, file=li_file.name) == 11
    got = unit_boundaries(store)
    assert len(got) == 11 and not got["bundled"].any()
    given = units.set_index("code").geometry.reindex(got.index)
    assert got.geom_equals_exact(given, tolerance=0.0).all()
    # the file itself, read again: same polygons as stored
    raw = gpd.read_file(li_file).set_index(gpd.read_file(li_file)["bfs:OBJECTVAL"].str.zfill(6))
    assert got.geom_equals_exact(raw.geometry.reindex(got.index), tolerance=0.0).all()
    etrs = got.to_crs("EPSG:3035").area / 1e6  # ETRS89-LAEA: another equal-area projection
    assert np.allclose(etrs, store.units()["area_km2"].reindex(got.index), rtol=1e-5)


def test_reimport_writes_nothing_but_fills_missing_boundaries(li_file: Path, store: Store) -> None:
    units = _load(li_file)
    # a project that imported these units before boundaries were kept: units, no polygons
    store.put_units(units.drop(columns=["geometry", "row"]))
    assert store.boundaries().empty
    assert store_units(store, units, file=li_file.name) == 11  # the boundaries are added
    assert len(store.boundaries()) == 11
    assert store_units(store, units, file=li_file.name) == 0  # and now nothing changes


def test_a_refused_import_stores_no_boundary(li_file: Path, store: Store, tmp_path: Path) -> None:
    frame = gpd.read_file(li_file)
    frame.loc[3, "bfs:OBJECTVAL"] = "7100000000000"  # too long a code (13 digits)
    bad = tmp_path / "bad.geojson"
    frame.to_file(bad)
    with pytest.raises(ValidationError):
        store_units(store, _load(bad))
    units = _load(li_file)
    units.loc[units["code"] == "007005", "parent_code"] = "009999"  # unknown parent
    with pytest.raises(ValidationError, match="nothing was written"):
        store_units(store, units)
    assert store.units().empty and store.boundaries().empty


def test_points_keep_no_boundary(store: Store, tmp_path: Path) -> None:
    csv = tmp_path / "points.csv"
    csv.write_text("id,name,lon,lat\n1,Vaduz,9.52,47.14\n", encoding="utf-8")
    store_units(store, load_units(csv, code_column="id", name_column="name", level="county"))
    assert len(store.units()) == 1 and unit_boundaries(store).empty


def test_yrd_units_read_the_bundled_boundaries(store: Store) -> None:
    store.put_units(datasets.units())
    got = unit_boundaries(store, level="city")
    bundled = datasets.boundaries("city")
    assert got.index.tolist() == bundled.index.tolist() and len(got) == 41
    assert got["bundled"].all()
    assert got.geom_equals_exact(bundled.geometry, tolerance=0.0).all()
    assert len(unit_boundaries(store)) == 350
    assert store.boundaries().empty  # nothing was copied into the store


def test_a_stored_boundary_wins_over_the_bundled_one(store: Store) -> None:
    store.put_units(datasets.units())
    square = gpd.GeoDataFrame({"code": ["320500"]}, geometry=[box(120.5, 31.2, 120.8, 31.5)],
                              crs="EPSG:4326")
    store.put_boundaries(square)
    got = unit_boundaries(store, level="city")
    assert len(got) == 41 and not got.loc["320500", "bundled"]
    assert got.geometry.loc["320500"].equals_exact(square.geometry[0], 0.0)
    assert got.loc[got.index != "320500", "bundled"].all()


def test_a_foreign_unit_reusing_a_yrd_code_gets_no_yrd_polygon(store: Store) -> None:
    store.put_units(gpd.GeoDataFrame({"code": ["320500"], "name_zh": ["Somewhere else"],
                                      "level": ["city"]}))
    assert unit_boundaries(store).empty


def test_outline_of_an_imported_metro(li_file: Path, store: Store) -> None:
    import pandas as pd
    import shapely

    from tongcheng.units import metro_outline

    store_units(store, load_units(li_file, code_column="bfs:OBJECTVAL", name_column="name",
                                  level="county"), file=li_file.name)
    members = ["007001", "007002", "007003"]  # Vaduz, Triesen, Balzers
    store.put_metros(pd.DataFrame({"metro_code": "OBERLAND", "name_zh": "上区", "status": "adopted",
                                   "core_code": "007001", "member_code": members}))
    shapes = unit_boundaries(store)
    outline = metro_outline("OBERLAND", memberships=store.metro_memberships(),
                            level_boundaries={"county": shapes, "city": shapes.iloc[:0]})
    assert outline.equals(shapely.union_all(shapes.geometry.loc[members].to_numpy()))
    assert not outline.contains(shapes.geometry.loc["007005"].representative_point())  # Schaan
