"""The whole project workflow on a real PostgreSQL server, not only the store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tongcheng import ValidationError
from tongcheng.project import Project


@pytest.mark.postgres
def test_yrd_project_on_postgres(pg_url: str, tmp_path: Path, yrd_project: Project) -> None:
    project = Project.create(tmp_path / "pg", region="yrd", database_url=pg_url)
    assert "tongcheng.db" not in {p.name for p in project.root.iterdir()}
    summary = project.compute().set_index("code")
    status = summary["status"]
    assert status["commuting_share"] == "skipped: no commuters"  # no OD data in the YRD default
    assert (status == "computed").sum() >= 20
    # the same indicators, with the same number of values, as the same project on SQLite
    on_sqlite = yrd_project.compute().set_index("code")
    pd.testing.assert_frame_equal(summary, on_sqlite)
    from tongcheng.project.index import build_project_index

    run = build_project_index(project)
    assert run.run_id == 1 and len(run.pairs) == 98
    with project.store() as store:
        pop = store.observations(indicators=["pop_resident"], periods=["2020"])
        units = store.units()
        metro = store.observations(indicators=["metro_population"], periods=["2020"])
    cities = pop[pop["unit_code"].isin(units.index[units["level"] == "city"])]
    assert cities["value"].sum() == 235_213_670
    assert metro.set_index("metro_code").loc["SH_1P8", "value"] == 77_416_595
    bad = tmp_path / "bad.csv"
    bad.write_text("code,indicator,period,value\n320500,gdp,2024,1\n999999,gdp,2024,2\n",
                   encoding="utf-8")
    with project.store() as store:
        before = len(store.observations(latest_vintage=False))
    with pytest.raises(ValidationError):
        project.import_stats(bad)
    with project.store() as store:
        assert len(store.observations(latest_vintage=False)) == before
