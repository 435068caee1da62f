"""`tongcheng export` writes everything: observations of every vintage, catalogue, units, boundaries,
metros, imports, index runs and scores, wide tables, in CSV, Parquet and GeoPackage."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

from tongcheng._errors import DataError
from tongcheng.cli.main import cli
from tongcheng.io import export as export_module
from tongcheng.io.export import EXPORT_TABLES, export_project
from tongcheng.project import Project
from tongcheng.project.index import build_project_index

CITIES = ["310100", "320100", "320500"]


@pytest.fixture
def revised(yrd_project: Project, tmp_path: Path) -> Project:
    """The YRD project with the user's own indicator, imported twice (v1, then a revised v2)."""
    with yrd_project.store() as store:
        store.put_indicators(pd.DataFrame([{
            "code": "own_score", "name_zh": "自有得分", "name_en": "Own score", "unit": "index",
            "subject_kind": "unit", "kind": "raw", "description_zh": "测试", "description_en": "test",
            "source": "test"}]))
    for vintage, values in (("v1", [10.0, 20.0, 30.0]), ("v2", [11.0, 20.0, 30.0])):
        path = tmp_path / f"own_{vintage}.csv"
        pd.DataFrame({"code": CITIES, "indicator": "own_score", "period": "2023", "value": values,
                      "unit": "index"}).to_csv(path, index=False)
        yrd_project.import_stats(path, source=f"office {vintage}", vintage=vintage)
    return yrd_project


def _export(project: Project, fmt: str, lang: str = "en") -> str:
    out = CliRunner().invoke(cli, ["export", "--format", fmt, "--project", str(project.root), "--lang", lang])
    assert out.exit_code == 0, out.output
    return out.output


def test_csv_export_has_every_vintage_of_an_imported_indicator(revised: Project) -> None:
    assert "Exported" in _export(revised, "csv")
    folder = revised.exports_dir
    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(EXPORT_TABLES)
    obs = pd.read_csv(folder / "observations.csv", dtype={"unit_code": str, "period": str})
    own = obs[obs["indicator"] == "own_score"]
    shanghai = own[own["unit_code"] == "310100"].set_index("vintage")
    assert shanghai.loc["v1", "value"] == 10.0 and shanghai.loc["v2", "value"] == 11.0
    assert not shanghai.loc["v1", "current"] and shanghai.loc["v2", "current"]
    assert shanghai.loc["v2", "source"] == "office v2" and shanghai["import_id"].notna().all()
    assert (shanghai["period"] == "2023").all()
    wide = pd.read_csv(folder / "wide_unit.csv", dtype={"unit_code": str, "period": str})
    row = wide[(wide["unit_code"] == "310100") & (wide["period"] == "2023")]
    assert row["own_score"].tolist() == [11.0] and row["name_zh"].tolist() == ["上海市"]
    cat = pd.read_csv(folder / "indicators.csv").set_index("code")
    assert {"direction", "min_value", "max_value", "max_jump"} <= set(cat.columns)
    assert cat.loc["own_score", "name_en"] == "Own score"
    imports = pd.read_csv(folder / "imports.csv")
    assert {"v1", "v2"} <= set(imports["vintage"])
    assert len(pd.read_csv(folder / "metros.csv")) > 0
    boundaries = pd.read_csv(folder / "boundaries.csv", dtype={"code": str})
    assert boundaries["geometry"].str.startswith("MULTIPOLYGON").all()
    assert set(boundaries["level"]) >= {"city", "county"}


def test_parquet_and_gpkg_hold_the_same_rows(revised: Project) -> None:
    build_project_index(revised)
    _export(revised, "csv")
    csv = pd.read_csv(revised.exports_dir / "observations.csv")
    _export(revised, "parquet")
    parquet = pd.read_parquet(revised.exports_dir / "observations.parquet")
    assert len(parquet) == len(csv) and (parquet["indicator"] == "own_score").sum() == 6
    assert {"reported", "computed"} <= set(parquet["value_kind"])  # raw and computed alike
    scores = pd.read_parquet(revised.exports_dir / "index_scores.parquet")
    assert (scores["indicator"] == "tc_pair_index").sum() == 98
    assert len(pd.read_parquet(revised.exports_dir / "index_runs.parquet")) == 1
    assert isinstance(gpd.read_parquet(revised.exports_dir / "boundaries.parquet"), gpd.GeoDataFrame)
    _export(revised, "gpkg", lang="zh")
    gpkg = revised.exports_dir / "tongcheng.gpkg"
    assert sorted(pyogrio.list_layers(gpkg)[:, 0]) == sorted(EXPORT_TABLES)
    assert len(pyogrio.read_dataframe(gpkg, layer="observations")) == len(csv)
    assert len(gpd.read_file(gpkg, layer="cities")) == 41
    wide = pyogrio.read_dataframe(gpkg, layer="wide_pair")
    assert wide["tc_pair_index"].notna().sum() == 98


def test_a_failed_export_leaves_the_previous_one_whole(revised: Project,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _export(revised, "csv")
    before = (revised.exports_dir / "observations.csv").read_bytes()
    original = pd.DataFrame.to_csv
    calls = []

    def full_disk(self: pd.DataFrame, path: object = None, **kw: object) -> object:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return original(self, path, **kw)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    with revised.store() as store, pytest.raises(OSError, match="No space"):
        export_project(store, revised.exports_dir, fmt="csv")
    assert (revised.exports_dir / "observations.csv").read_bytes() == before
    assert not list(revised.exports_dir.glob(".export-*"))


def test_unknown_format_is_a_bilingual_error(revised: Project) -> None:
    with revised.store() as store, pytest.raises(DataError) as info:
        export_module.export_project(store, revised.exports_dir, fmt="xlsx")
    assert "csv, gpkg, parquet" in str(info.value) and "可选" in info.value.render("zh")
