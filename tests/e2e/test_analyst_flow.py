"""The analyst's flow, as a new user runs it: their own figures reach every output, and can be taken back.

template → fill 2024 GDP for eight cities → import → compute → an index whose framework names
``gdp`` → report and export: the values appear in the map selector, the city table and the time
series, in the index and in the export. ``import revert`` then removes exactly them: after a
recompute the store holds what it held before the import (index runs stay, as history).
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from tongcheng.cli.main import cli
from tongcheng.project import Project
from tongcheng.reports import shown_values
from tongcheng.reports.project_report import project_report_data

GDP_2024 = {  # 亿元; made-up figures of the right size, so nothing can come from the bundled data
    "310100": 53926.7, "320100": 18500.1, "320200": 16263.3, "320500": 26727.2,
    "330100": 21860.9, "330200": 18147.7, "330400": 7795.1, "340100": 13507.4,
}
FRAMEWORK = ("code,level,parent,name_zh,name_en,direction,weight\n"
             "gdp,1,economy,地区生产总值,GDP,1,1\n"
             "economy,2,gdp_index,经济规模,Economic size,1,1\n"
             "gdp_index,3,,经济规模指数,Economic size index,1,1\n")
RECIPE = ("name: GDP index of the analyst\nsteps:\n"
          "  - name: normalise\n    params: {method: minmax, params: {l_u: [0, 100]}}\n"
          "  - name: aggregate\n    params: {method: amean}\n")


def _run(*args: object) -> Result:
    out = CliRunner().invoke(cli, [str(a) for a in args])
    assert out.exit_code == 0, out.output
    assert "Traceback" not in out.output
    return out


def _fill(template: Path, filled: Path) -> int:
    """Type the 2024 GDP figures into the template as a department would; return the rows filled."""
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    header = [str(c.value or "") for c in sheet[1]]
    code_col = next(i for i, h in enumerate(header) if re.search(r"\bcode\b", h)) + 1
    gdp_col = next(i for i, h in enumerate(header) if re.search(r"\bgdp\b", h)) + 1
    filled_rows = 0
    for row in range(2, sheet.max_row + 1):
        code = str(sheet.cell(row, code_col).value or "")
        if code in GDP_2024:
            sheet.cell(row, gdp_col).value = GDP_2024[code]
            filled_rows += 1
    book.save(filled)
    return filled_rows


def _observations(project: Project) -> pd.DataFrame:
    with project.store() as store:
        obs = store.observations(latest_vintage=False)
    obs = obs[~obs["indicator"].str.startswith("tc_")]  # index scores: history of index runs
    keys = ["indicator", "subject_key", "period", "vintage"]
    return (obs.drop(columns=["id", "created_at"]).sort_values(keys).reset_index(drop=True))


@pytest.mark.slow
def test_analyst_flow_template_to_report_and_back(  # noqa: PLR0915 - one user's session, in order
yrd_project: Project, tmp_path: Path) -> None:
    root = yrd_project.root
    p = ["--project", root]
    _run("indicators", "compute", *p)
    before = _observations(yrd_project)

    _run("template", "--period", "2024", "--out", tmp_path / "template.xlsx", *p)
    assert _fill(tmp_path / "template.xlsx", tmp_path / "filled.xlsx") == 8
    out = _run("import", "stats", tmp_path / "filled.xlsx", "--source", "市统计局",
               "--vintage", "2024-bulletin", *p, "--lang", "en")
    assert "8 observations" in out.output
    with yrd_project.store() as store:
        imports = store.imports()
        gdp = store.observations(indicators=["gdp"], periods=["2024"])
    import_id = int(imports["id"].max())
    assert dict(zip(gdp["unit_code"], gdp["value"], strict=True)) == GDP_2024
    assert set(gdp["vintage"]) == {"2024-bulletin"} and set(gdp["source"]) == {"市统计局"}

    _run("indicators", "compute", *p)
    (tmp_path / "fw.csv").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "recipe.yaml").write_text(RECIPE, encoding="utf-8")
    _run("index", "run", "--framework", tmp_path / "fw.csv", "--recipe", tmp_path / "recipe.yaml", *p)
    with yrd_project.store() as store:
        scores = store.observations(indicators=["tc_unit_gdp_index"])
    scores = scores.set_index("unit_code")["value"]
    assert set(scores.index) == set(GDP_2024)
    expected = {c: (v - min(GDP_2024.values())) / (max(GDP_2024.values()) - min(GDP_2024.values())) * 100
                for c, v in GDP_2024.items()}
    assert scores.to_dict() == pytest.approx(expected, abs=1e-9)

    # the report: the map selector, the city table and the time series carry the analyst's figures
    _run("report", *p)
    html = (root / "report" / "index.html").read_text(encoding="utf-8")
    assert "26727.2" in html or "26,727.2" in html
    data = project_report_data(yrd_project)
    assert "gdp" in [m.catalogue_code for m in data.city_indicators]  # the map selector's list
    shown = shown_values(data)
    gdp_shown = shown[(shown["table"] == "cities") & (shown["indicator"] == "gdp")].set_index("subject")
    mine = gdp_shown[gdp_shown["period"] == "2024"]
    assert mine["value"].to_dict() == GDP_2024  # the latest period of these cities: the analyst's
    assert set(mine["vintage"]) == {"2024-bulletin"} and set(mine["source"]) == {"市统计局"}
    assert (gdp_shown.drop(index=list(GDP_2024))["period"] < "2024").all()  # the others: bundled years
    series = next(ts for ts in data.series if ts.meta.catalogue_code == "gdp")
    assert series.values["2024"].dropna().to_dict() == GDP_2024
    assert len(series.values.columns) > 1  # the bundled earlier years are on the same line

    # the export has every one of them, with its provenance
    _run("export", "--format", "csv", *p)
    exported = pd.concat([pd.read_csv(f, dtype=str) for f in (root / "exports").glob("*observations*.csv")])
    gdp_2024 = exported[(exported["indicator"] == "gdp") & (exported["period"] == "2024")]
    mine = gdp_2024[gdp_2024["vintage"] == "2024-bulletin"]
    assert dict(zip(mine["subject_key"], mine["value"].astype(float), strict=True)) == GDP_2024
    assert set(mine["source"]) == {"市统计局"} and set(mine["import_id"]) == {str(import_id)}
    # Ningbo's bundled 2024 figure is another vintage: kept beside the analyst's, not replaced
    assert set(gdp_2024.loc[gdp_2024["vintage"] != "2024-bulletin", "subject_key"]) == {"330200"}

    # and back: the import's observations go, exactly; after a recompute the store is as before
    kept = root / imports.set_index("id").at[import_id, "stored_path"]
    out = _run("import", "revert", import_id, *p, "--lang", "en")
    assert "8" in out.output
    with yrd_project.store() as store:
        left = store.observations(indicators=["gdp"], periods=["2024"], latest_vintage=False)
        assert import_id not in set(left["import_id"]) and set(left["unit_code"]) == {"330200"}
        events = store.import_events(import_id)
    assert list(events["action"]) == ["imported", "reverted"]
    assert kept.is_file()  # the raw file is kept, as provenance of what was reverted
    _run("indicators", "compute", *p)
    pd.testing.assert_frame_equal(_observations(yrd_project), before)
    listing = _run("import", "list", *p, "--lang", "en").output
    assert "filled.xlsx" in listing and "reverted" in listing
