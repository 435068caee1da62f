"""`tongcheng network accessibility` on tiny hand-computed tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from tongcheng.cli.main import cli

# demand a, b, c; doctors at x (10) and y (4); times in seconds; c reaches x only in 50 min
TIMES = pd.DataFrame({"from_id": ["a", "a", "b", "b", "c"], "to_id": ["x", "y", "x", "y", "x"],
                      "travel_time": [600.0, 2400.0, 1500.0, 900.0, 3000.0]})
PLACES = pd.DataFrame({"id": ["a", "b", "c", "x", "y"], "population": [1000, 3000, 500, 0, 0],
                       "doctors": [0, 0, 0, 10, 4]})


def run(*args: object, lang: str | None = "en") -> Result:
    """Run `tongcheng network accessibility …` in ``lang`` (``None``: the default, Chinese)."""
    tail = [] if lang is None else ["--lang", lang]
    return CliRunner().invoke(cli, ["network", "accessibility", *(str(a) for a in args), *tail])


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    TIMES.to_csv(tmp_path / "times.csv", index=False)
    PLACES.to_csv(tmp_path / "places.csv", index=False)
    return tmp_path / "times.csv", tmp_path / "places.csv"


def _base(files: tuple[Path, Path]) -> list[object]:
    return ["--times", files[0], "--opportunities", files[1], "--supply-column", "doctors"]


def test_2sfca_by_hand(files, tmp_path):
    out = run(*_base(files), "--method", "2sfca", "--demand-column", "population", "--cutoff", 30,
              "--out", tmp_path / "a.parquet")
    assert out.exit_code == 0, out.output
    got = pd.read_parquet(tmp_path / "a.parquet").set_index("id")
    # R_x = 10 / (1000 + 3000), R_y = 4 / 3000; x and y have no demand and reach nothing
    want = {"a": 10 / 4000, "b": 10 / 4000 + 4 / 3000, "c": 0.0, "x": 0.0, "y": 0.0}
    assert got["accessibility"].to_dict() == pytest.approx(want)
    assert got["sites"].to_dict() == {"a": 1, "b": 2, "c": 0, "x": 0, "y": 0}
    assert "5 places, 2 with access > 0" in out.output


def test_e2sfca_and_hansen_by_hand(files, tmp_path):
    out = run(*_base(files), "--method", "e2sfca", "--demand-column", "population",
              "--out", tmp_path / "e.csv")
    assert out.exit_code == 0, out.output
    got = pd.read_csv(tmp_path / "e.csv", dtype={"id": str}).set_index("id")["accessibility"]
    # Luo & Qi weights: a→x 10 min (1), b→x 25 min (0.22), b→y 15 min (0.68)
    r_x, r_y = 10 / (1000 + 0.22 * 3000), 4 / (0.68 * 3000)
    assert got["a"] == pytest.approx(r_x) and got["b"] == pytest.approx(0.22 * r_x + 0.68 * r_y)
    out = run(*_base(files), "--decay", "exponential", "--half-life", 20, "--out", tmp_path / "h.csv")
    assert out.exit_code == 0, out.output
    han = pd.read_csv(tmp_path / "h.csv").set_index("id")["accessibility"]
    assert han.to_dict() == pytest.approx({"a": 10 * 2 ** -0.5 + 4 * 2 ** -2,
                                           "b": 10 * 2 ** -1.25 + 4 * 2 ** -0.75, "c": 10 * 2 ** -2.5})
    out = run(*_base(files), "--decay", "power", "--beta", 2, "--unit", "min", "--out", tmp_path / "p.csv")
    assert out.exit_code == 0, out.output  # minutes: 600 min and more
    power = pd.read_csv(tmp_path / "p.csv").set_index("id")["accessibility"]
    assert power["c"] == pytest.approx(10 / 3000**2) and math.isfinite(power.sum())


def test_bad_cells_are_located(files, tmp_path):
    times = TIMES.astype({"travel_time": object})
    times.loc[3, "travel_time"] = "15 min"
    times.to_csv(tmp_path / "bad_times.csv", index=False)
    bad = ["--times", tmp_path / "bad_times.csv", "--opportunities", files[1],
           "--supply-column", "doctors", "--cutoff", 30, "--out", tmp_path / "o.csv"]
    out = run(*bad)
    assert out.exit_code == 2
    assert "bad_times.csv row 5 column 'travel_time'" in out.output and "'15 min'" in out.output
    assert "expected a number" in out.output
    out = run(*bad, lang=None)  # the default language is Chinese, the location too
    assert out.exit_code == 2
    assert "bad_times.csv 第 5 行 「travel_time」列" in out.output and "'15 min'" in out.output
    assert "应为 数值" in out.output and "不可达时留空" in out.output
    PLACES.assign(doctors=[0, 0, 0, -10, None]).to_csv(tmp_path / "bad_places.csv", index=False)
    out = run("--times", files[0], "--opportunities", tmp_path / "bad_places.csv",
              "--supply-column", "doctors", "--cutoff", 30, "--out", tmp_path / "o.csv")
    assert out.exit_code == 2
    assert "bad_places.csv row 5 column 'doctors'" in out.output and "bad_places.csv row 6" in out.output
    # an id of the table missing from the places: named, in the times file
    PLACES[PLACES["id"] != "y"].to_csv(tmp_path / "no_y.csv", index=False)
    out = run("--times", files[0], "--opportunities", tmp_path / "no_y.csv", "--supply-column", "doctors",
              "--cutoff", 30, "--out", tmp_path / "o.csv")
    assert out.exit_code == 2 and "times.csv column 'to_id': got 'y'" in out.output
    out = run(*_base(files), "--id-column", "code", "--cutoff", 30, "--out", tmp_path / "o.csv")
    assert out.exit_code == 2 and "a column 'code'" in out.output
    assert not (tmp_path / "o.csv").exists()


def test_option_errors(files, tmp_path):
    out = run(*_base(files), "--method", "2sfca", "--cutoff", 30, "--out", tmp_path / "o.csv")
    assert out.exit_code != 0 and "--demand-column" in out.output
    out = run(*_base(files), "--out", tmp_path / "o.csv")  # cumulative without a catchment
    assert out.exit_code == 1 and "needs a cutoff" in out.output
    out = run(*_base(files), "--method", "e2sfca", "--demand-column", "population", "--bands", "10=1",
              "--out", tmp_path / "o.csv")
    assert out.exit_code == 2 and "bound:weight" in out.output
    out = run(*_base(files), "--cutoff", 30, "--out", tmp_path / "o.xlsx")
    assert out.exit_code == 2 and ".csv or .parquet" in out.output
