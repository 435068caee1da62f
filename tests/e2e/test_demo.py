"""The README's demo, end to end: figures from the issue and the report in a browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tongcheng.cli.main import cli
from tongcheng.project import Project


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("demo") / "yrd-demo"
    out = CliRunner().invoke(cli, ["demo", "--out", str(root)])
    assert out.exit_code == 0, out.output
    assert str(root / "report" / "index.html") in out.output
    return Project.open(root)


def values(project: Project, indicator: str, period: str | None = None) -> pd.DataFrame:
    with project.store() as store:
        obs = store.observations(indicators=[indicator], periods=[period] if period else None)
    return obs


def test_units_and_population(demo: Project) -> None:
    with demo.store() as store:
        units = store.units()
    assert units["level"].value_counts().to_dict() == {"county": 305, "city": 41, "province": 4}
    pop = values(demo, "pop_resident", "2020")
    cities = pop[pop["unit_code"].isin(units.index[units["level"] == "city"])]
    assert len(cities) == 41
    assert cities["value"].sum() == 235_213_670


def test_rail_times_from_the_bundled_timetable(demo: Project) -> None:
    t = values(demo, "rail_time_min").set_index("subject_key")["value"]
    assert t["310100>320500"] == 23  # Shanghai → Suzhou
    assert t["310100>330100"] == 45  # → Hangzhou
    assert t["310100>320100"] == 59  # → Nanjing


def test_shanghai_one_hour_circle_is_exactly_the_covered_cities_within_60(demo: Project) -> None:
    t = values(demo, "rail_time_min")
    sh = "310100"
    to_sh = t[t["unit_code"] == sh].set_index("partner_code")["value"]
    from_sh = t[t["partner_code"] == sh].set_index("unit_code")["value"]
    fastest = to_sh.combine(from_sh, min)
    expected = {sh, *fastest[fastest <= 60].index}
    circle = values(demo, "rail_1h_population").set_index("unit_code").loc[sh]
    members = set(circle["flags"].removeprefix("members=").split(","))
    assert members == expected
    assert {"320500", "330100", "320100", "330400"} <= members  # Suzhou, Hangzhou, Nanjing, Jiaxing
    pop = values(demo, "pop_resident", "2020").set_index("unit_code")["value"]
    assert circle["value"] == pop[list(members)].sum()


def test_gravity_flags_distance_fallback(demo: Project) -> None:
    g = values(demo, "gravity_rail")
    assert len(g) == 41 * 40 // 2
    flagged = g[g["flags"] == "distance_fallback"]
    assert 0 < len(flagged) < len(g)
    # Wuxi (320200) is not in the timetable, so its links are all fallbacks
    assert (g[(g["unit_code"] == "320200") | (g["partner_code"] == "320200")]["flags"]
            == "distance_fallback").all()


def test_krugman_for_both_censuses(demo: Project) -> None:
    k = values(demo, "krugman_index")
    assert set(k["period"]) == {"2010", "2020"}
    assert len(k[k["period"] == "2020"]) == 41 * 40 // 2
    assert k["value"].between(0, 2).all()


def test_report_is_offline_and_draws_the_map(demo: Project, tmp_path: Path) -> None:
    html = (demo.report_dir / "index.html").read_text(encoding="utf-8")
    assert "长江三角洲" in html and "Yangtze River Delta" in html
    # the YRD's own sources and notes: timetable, census, index; no note of an indicator without values
    assert "RailwayVIS" in html and "leiii/census" in html and "index_runs" in html
    assert "通勤流向占比(城市对)" not in html  # commuting_share: no commuters in the default
    # the title says its words once; names tell the two Suzhous apart; each value's source, not a placeholder
    assert "<title>长三角同城化监测报告</title>" in html and "同城化监测 · 同城化监测报告" not in html
    assert "Suzhou (Anhui)" in html and "Taizhou (Zhejiang)" in html and "per-row source" not in html
    assert 'id="sec-series"' in html and 'id="sec-counties"' in html
    for needle in ('src="http', "src='http", 'href="http', "url(http"):
        assert needle not in html
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (scripts/test.sh installs it)")
        pytest.skip("no Chromium on this machine")
    from tongcheng.reports.browser_check import check_in_browser

    shot = tmp_path / "demo.png"
    result = check_in_browser(demo.report_dir / "index.html", screenshot=shot)
    assert result.console_errors == [] and result.external_requests == [] and result.failed_requests == []
    assert result.map_drawn and result.nonblank_pixels > 10_000
    assert result.switched_to_en
    assert shot.stat().st_size > 10_000


def test_metro_indicators_match_published_figures(demo: Project) -> None:
    m = values(demo, "metro_population", "2020").set_index("metro_code")["value"]
    # 上海大都市圈 1+8: 7,742万 residents in 2020 (上海市城市规划设计研究院, DOMAIN F-G1)
    assert m["SH_1P8"] == pytest.approx(77_420_000, rel=0.001)
    # 1+13 draft: about 1.1亿 (DOMAIN F-G2)
    assert m["SH_1P13"] == pytest.approx(110_000_000, rel=0.02)
    area = values(demo, "metro_area_km2").set_index("metro_code")["value"]
    assert area["SH_1P8"] == pytest.approx(56_000, rel=0.05)  # 5.6万 km² (F-G1)
    assert 2_300 <= area["SFQ"] <= 2_413  # 示范区 2,300–2,413 km² depending on the source (F-G3)
    share = values(demo, "metro_rail_1h_share").set_index("metro_code")["value"]
    assert share.between(0, 100).all() and "SXC" not in share.index  # 苏锡常 has no single core
    html = (demo.report_dir / "index.html").read_text(encoding="utf-8")
    assert "都市圈指标" in html and "Metropolitan-area indicators" in html


def test_pair_index_with_rank_ranges_and_recipe(demo: Project) -> None:
    from tongcheng.composite.pipeline import Recipe

    score = values(demo, "tc_pair_index").set_index("subject_key")["value"]
    best = values(demo, "tc_pair_index_rank_best").set_index("subject_key")["value"]
    worst = values(demo, "tc_pair_index_rank_worst").set_index("subject_key")["value"]
    rank = values(demo, "tc_pair_index_rank").set_index("subject_key")["value"]
    assert len(score) == 98 and score.between(0, 100).all()
    assert ((best <= rank) & (rank <= worst)).all()
    assert rank.min() == 1 and rank[score.idxmax()] == 1
    # every scored pair lies inside one adopted metro area
    flags = values(demo, "tc_pair_index").set_index("subject_key")["flags"]
    assert flags.str.startswith("metros=").all()
    assert "310100>320500" in score.index and "310100>340100" not in score.index
    with demo.store() as store:
        runs = store.index_runs()
    assert len(runs) == 1 and runs.iloc[0]["n_units"] == 98
    recipe = Recipe.from_yaml(runs.iloc[0]["recipe_yaml"])
    assert [s.name for s in recipe.steps] == ["treat", "normalise", "aggregate"]
    assert (demo.root / "index" / "pair_framework.csv").is_file()
    html = (demo.report_dir / "index.html").read_text(encoding="utf-8")
    assert 'id="sec-index"' in html


def test_report_maps_each_core_rail_reach(demo: Project) -> None:
    html = (demo.report_dir / "index.html").read_text(encoding="utf-8")
    assert 'id="sec-isochrone"' in html and 'id="tc-iso-map"' in html
    with demo.store() as store:
        from tongcheng.reports.isochrone import isochrone_data
        from tongcheng.reports.project_report import datasets

        data = isochrone_data(store.observations(latest_vintage=True), store.units(),
                              store.metro_memberships(), datasets.boundaries("city"))
    assert data is not None
    assert data.cores == ["310100", "320100", "330100", "330200", "340100"]
    assert [m.key for m in data.modes] == ["rail", "rail_transfer"]
    sh = next(v for v in data.views if v.core == "310100" and v.mode == "rail_transfer")
    assert sh.minutes["310100"] == 0 and sh.minutes["320500"] == 23  # Shanghai itself; Suzhou direct
    circle = set(sh.minutes.index[sh.minutes <= 60])
    assert circle == {"310100", "320500", "330400", "320400", "330100", "320100"}
