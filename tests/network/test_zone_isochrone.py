"""Isochrone bands from zone-to-zone minutes: members by brute force, nesting, areas."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tongcheng import DataError, datasets
from tongcheng.indicators.rail_transfers import bundled_transfer_times
from tongcheng.network.zone_isochrone import band_labels, minutes_from_core, zone_isochrones

SHANGHAI = "310100"
SH_CIRCLE = {"310100", "320500", "330400", "320400", "330100", "320100"}
# Simplified bundled boundaries vs the units' area_km2 (same source, equal-area): the union of
# neighbouring polygons differs from the sum of areas by slivers/overlaps; 0.5 % bounds both.
AREA_RTOL = 0.005


@pytest.fixture(scope="module")
def rail() -> pd.Series:
    return bundled_transfer_times().set_index(["from_code", "to_code"])["minutes"]


@pytest.fixture(scope="module")
def cities() -> gpd.GeoDataFrame:
    return datasets.boundaries("city").join(datasets.units()["area_km2"])


def _brute(times: pd.Series, core: str, band: float) -> set[str]:
    return {core} | {b if a == core else a for (a, b), t in times.items()
                     if core in (a, b) and a != b and t <= band}


def test_shanghai_60_band_is_the_known_circle_and_areas_add_up(rail, cities) -> None:
    iso = zone_isochrones(rail, cities, SHANGHAI, mode="rail_transfer").set_index("band")
    assert set(iso.loc[60.0, "members"].split(",")) == SH_CIRCLE
    units = pd.read_csv(datasets.path("units.csv"), dtype={"code": str}).set_index("code")
    assert iso.loc[60.0, "area_km2"] == pytest.approx(units.loc[list(SH_CIRCLE), "area_km2"].sum())
    polygon_km2 = iso.to_crs("EPSG:6933").area / 1e6
    for band, row in iso.iterrows():
        assert polygon_km2[band] == pytest.approx(row["area_km2"], rel=AREA_RTOL)


@pytest.mark.parametrize("core", ["310100", "320100", "330100", "340100", "330200"])
def test_bands_nest_and_match_brute_force(rail, cities, core: str) -> None:
    iso = zone_isochrones(rail, cities, core, bands=(30, 60, 90, 120, 180))
    previous = None
    for _, row in iso.iterrows():
        members = set(row["members"].split(","))
        assert members == _brute(rail, core, row["band"])
        if previous is not None:
            assert previous.difference(row.geometry).area < 1e-9  # nested
        previous = row.geometry


def test_units_without_time_are_in_no_band(rail, cities) -> None:
    timed = set(rail.index.get_level_values(0))
    untimed = set(cities.index) - timed
    assert "320200" in untimed  # Wuxi is not in the timetable
    iso = zone_isochrones(rail, cities, SHANGHAI, bands=(10_000,))
    assert set(iso["members"].iloc[0].split(",")) == timed  # every timed city, no other
    for code in untimed:
        assert cities.loc[code].geometry.representative_point().within(iso.geometry.iloc[0]) is False
    assert zone_isochrones(rail, cities, "320200").empty  # a core without time: no bands at all


def test_population_and_toy_geometry() -> None:
    zones = gpd.GeoDataFrame({"area_km2": [1.0, 2.0, 4.0]}, geometry=[
        box(0, 0, 1, 1), box(1, 0, 2, 1), box(3, 0, 4, 1)], index=["a", "b", "c"], crs=3857)
    times = pd.Series([20.0, 45.0, 45.0, 10.0],
                      index=pd.MultiIndex.from_tuples([("a", "b"), ("b", "a"), ("a", "c"), ("x", "a")]))
    iso = zone_isochrones(times, zones, "a", bands=(15, 30, 60),
                          population=pd.Series({"a": 5.0, "b": 7.0, "c": 11.0}))
    assert iso["members"].tolist() == ["a", "a,b", "a,b,c"]  # x has no polygon: ignored
    assert iso["population"].tolist() == [5.0, 12.0, 23.0]
    assert iso["area_km2"].tolist() == [1.0, 3.0, 7.0]
    assert iso.geometry.iloc[1].equals(box(0, 0, 2, 1))
    assert minutes_from_core(times, "a").to_dict() == {"a": 0.0, "x": 10.0, "b": 20.0, "c": 45.0}
    assert band_labels(pd.Series([0.0, 60.0, 61.0, None])).tolist()[:3] == ["0–30", "30–60", "60–90"]
    with pytest.raises(DataError, match="increasing"):
        zone_isochrones(times, zones, "a", bands=(60, 30))
