"""What `indicators compute` reports for indicators with nothing to compute."""

from __future__ import annotations

from pathlib import Path

from tongcheng.project import Project


def test_no_values_for_a_region_outside_the_bundled_timetable(tmp_path: Path) -> None:
    project = Project.create(tmp_path / "empty", region="empty")
    status = project.compute().set_index("code")["status"]
    # needs no stored input, but the bundled YRD timetable has none of this project's units
    assert status["rail_time_transfer_min"] == "skipped: no values for these units"
    assert status["pop_change_2010_2020"].startswith("skipped: no ")
    assert not (status == "computed").any()
