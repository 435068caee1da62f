"""Unit codes longer than six digits: Chinese townships (9), Brazil's IBGE municipalities (7)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import box

from tongcheng import datasets
from tongcheng._errors import ValidationError
from tongcheng.store import Store
from tongcheng.units import UnitResolver, load_units, store_units

# 南京东路街道 (310101002) lies in 黄浦区 (310101); Porto Alegre's IBGE code is 4314902
TOWNSHIPS = ("code,name,parent,lon,lat\n"
             "310101,黄浦区,,121.49,31.23\n"
             "310101002,南京东路街道,310101,121.48,31.24\n"
             "4314902,Porto Alegre,,-51.23,-30.03\n")


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_township_and_ibge_codes_load_and_round_trip(tmp_path: Path) -> None:
    units = load_units(_csv(tmp_path, TOWNSHIPS), code_column="code", name_column="name",
                       parent_column="parent", level="county")
    assert units["code"].tolist() == ["310101", "310101002", "4314902"]
    assert units["parent_code"].tolist()[1] == "310101"
    with Store.open("sqlite://") as store:
        assert store_units(store, units, file="units.csv") == 3
        back = store.units()
        assert back.index.tolist() == ["310101", "310101002", "4314902"]
        assert back.loc["310101002", "parent_code"] == "310101"
        assert back.loc["4314902", "lon"] == -51.23
        assert store_units(store, units, file="units.csv") == 0  # the same file again: nothing


def test_long_codes_keep_their_boundaries(tmp_path: Path) -> None:
    import geopandas as gpd

    frame = gpd.GeoDataFrame({"code": ["310101002", "4314902"],
                              "name": ["南京东路街道", "Porto Alegre"]},
                             geometry=[box(121.47, 31.23, 121.49, 31.25),
                                       box(-51.3, -30.1, -51.0, -29.9)], crs="EPSG:4326")
    path = tmp_path / "units.geojson"
    frame.to_file(path)
    units = load_units(path, code_column="code", name_column="name", level="county")
    with Store.open("sqlite://") as store:
        store_units(store, units, file="units.geojson")
        got = store.boundaries()
        assert got.index.tolist() == ["310101002", "4314902"]
        assert got.loc["4314902"].geometry.equals_exact(box(-51.3, -30.1, -51.0, -29.9), 0.0)


def test_short_codes_are_still_padded_to_six(tmp_path: Path) -> None:
    units = load_units(_csv(tmp_path, "code,name,lon,lat\n7001,Vaduz,9.52,47.14\n"),
                       code_column="code", name_column="name", level="county")
    assert units["code"].tolist() == ["007001"]


def test_thirteen_digit_codes_are_refused_with_row_and_column(tmp_path: Path) -> None:
    text = ("code,name,parent,lon,lat\n"
            "310101002,南京东路街道,3101010020001,121.48,31.24\n"
            "3101010020001,某社区,,121.48,31.24\n")
    with pytest.raises(ValidationError) as exc:
        load_units(_csv(tmp_path, text), code_column="code", name_column="name",
                   parent_column="parent", level="county")
    found = {(p.row, p.column, p.value) for p in exc.value.errors}
    assert found == {(2, "parent", "3101010020001"), (3, "code", "3101010020001")}
    assert all("at most 12 digits" in str(p.expected) for p in exc.value.errors)


def test_resolver_finds_long_codes_of_stored_units() -> None:
    extra = pd.DataFrame({"name_zh": ["南京东路街道", "Porto Alegre"],
                          "short_zh": ["南京东路", "Porto Alegre"],
                          "name_en": ["Nanjing East Road", "Porto Alegre"],
                          "level": ["county", "county"]}, index=["310101002", "4314902"])
    resolver = UnitResolver(pd.concat([datasets.units(), extra]), datasets.code_changes())
    assert resolver.resolve("310101002").code == "310101002"
    assert resolver.resolve("4314902").name_zh == "Porto Alegre"
    # a 12-digit statistical code that is not a unit still means its county
    assert resolver.resolve("320505000000").code == "320505"
    resolved, errors = resolver.resolve_many(["1234567", "3101010020001"])
    assert resolved == [None, None] and all(e is not None for e in errors)


def test_a_project_imports_flows_between_long_codes(tmp_path: Path) -> None:
    from tongcheng.project import Project

    project = Project.create(tmp_path / "p", region="empty")
    units = load_units(_csv(tmp_path, TOWNSHIPS), code_column="code", name_column="name",
                       parent_column="parent", level="county")
    with project.store() as store:
        store_units(store, units, file="units.csv")
    od = tmp_path / "od.csv"
    pd.DataFrame({"from": ["310101002", "4314902"], "to": ["4314902", "310101"],
                  "indicator": "commuters", "period": "2021", "value_kind": "sample",
                  "value": [12, 3]}).to_csv(od, index=False)
    project.import_stats(od, source="test")
    with project.store() as store:
        obs = store.observations(indicators=["commuters"]).set_index("subject_key")
    assert obs.loc["310101002>4314902", ["unit_code", "partner_code", "value"]].tolist() == [
        "310101002", "4314902", 12.0]
    assert obs.loc["4314902>310101", "partner_code"] == "310101"
