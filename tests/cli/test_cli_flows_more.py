"""`tongcheng flows ppml | border | industry | market | combine` and `delineate --project`.

Checked against peers and hand computations: pyfixest for PPML and the border model on the
Austrian migration flows of PySAL spint, the worked example of docs/market-segmentation.md,
cosine similarity and location quotients by hand, OMB's EIM by hand, and the OECD 15 % rule
at 14.9 % and 15.0 % (DOMAIN.md F-I1).
"""

from __future__ import annotations

import importlib.util
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from tongcheng.cli.main import cli
from tongcheng.project import Project

REPO = Path(__file__).resolve().parents[2]
AUSTRIA = REPO.parent / "shared" / "data" / "raw" / "spint_austria" / "austria_migration_flows.csv"


def _run(*args: object, lang: str | None = "en") -> Result:
    """Run `tongcheng flows …` in ``lang`` (``None``: the default language, Chinese)."""
    tail = [] if lang is None else ["--lang", lang]
    return CliRunner().invoke(cli, ["flows", *map(str, args), *tail])


@pytest.fixture
def austria(tmp_path: Path) -> Path:
    if not AUSTRIA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"shared data missing: {AUSTRIA}")
        pytest.skip("shared data spint_austria not present")
    flows = pd.read_csv(AUSTRIA)
    flows["log_dist"] = np.log(flows["distance_km"])
    path = tmp_path / "austria.csv"
    flows.to_csv(path, index=False)
    return path


def _pyfixest() -> object:
    if importlib.util.find_spec("pyfixest") is None:
        pytest.skip("pyfixest not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyfixest as pf
    return pf


def test_ppml_equals_pyfixest(austria: Path, tmp_path: Path) -> None:
    pf = _pyfixest()
    out = tmp_path / "ppml.csv"
    res = _run("ppml", austria, "--regressors", "log_dist", "--value", "flow", "--out", out)
    assert res.exit_code == 0, res.output
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.fepois("flow ~ log_dist | origin + destination", data=pd.read_csv(austria),  # type: ignore[attr-defined]
                        vcov="iid")
    got = pd.read_csv(out).set_index("name")
    assert got.loc["log_dist", "coef"] == pytest.approx(ref.coef()["log_dist"], rel=1e-7)


def test_border_equals_pyfixest_refit(austria: Path, tmp_path: Path) -> None:
    pf = _pyfixest()
    flows = pd.read_csv(austria)
    regions = pd.DataFrame({"code": sorted(set(flows["origin"]))})
    regions["region"] = regions["code"].str[:3]  # NUTS-1: AT1, AT2, AT3
    regions.to_csv(tmp_path / "regions.csv", index=False)
    out = tmp_path / "border.csv"
    res = _run("border", austria, "--regions", tmp_path / "regions.csv", "--cost", "distance_km",
               "--value", "flow", "--out", out)
    assert res.exit_code == 0, res.output
    flows["ro"], flows["rd"] = flows["origin"].str[:3], flows["destination"].str[:3]
    for col in ("origin_mass", "destination_mass", "distance_km"):
        flows[f"l_{col}"] = np.log(flows[col])
    inside = flows[flows["ro"] == flows["rd"]].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coef = pf.fepois("flow ~ l_origin_mass + l_destination_mass + l_distance_km",  # type: ignore[attr-defined]
                         data=inside, vcov="iid").coef()
    cross = flows[flows["ro"] != flows["rd"]]
    expected = np.exp(coef["Intercept"] + sum(coef[c] * cross[c] for c in coef.index if c != "Intercept"))
    got = pd.read_csv(out)
    total = got[got["origin_region"] == "*"].iloc[0]
    assert total["ratio"] == pytest.approx(cross["flow"].sum() / expected.sum(), rel=1e-5)
    assert total["observed"] == cross["flow"].sum()
    assert len(got) == 3 * 2 + 1  # six ordered crossings and the total


def test_border_locates_bad_values(tmp_path: Path) -> None:
    frame = pd.DataFrame({"origin": list("aabbc"), "destination": list("bcaca"), "value": [1, 2, "x", 4, 5],
                          "distance": [1, 2, 3, 4, 5], "origin_mass": 1, "destination_mass": 1})
    frame.to_csv(tmp_path / "f.csv", index=False)
    pd.DataFrame({"code": list("abc"), "region": list("ppq")}).to_csv(tmp_path / "r.csv", index=False)
    args = ["border", tmp_path / "f.csv", "--regions", tmp_path / "r.csv", "--out", tmp_path / "o.csv"]
    res = _run(*args)
    assert res.exit_code == 2, res.output
    assert "f.csv row 4 column 'value'" in res.output and "expected a finite number" in res.output
    res = _run(*args, lang=None)  # Chinese by default, location and fix included
    assert res.exit_code == 2, res.output
    assert "f.csv 第 4 行 「value」列" in res.output and "应为 有限的数值" in res.output
    assert "不带单位" in res.output
    assert not (tmp_path / "o.csv").exists()


def test_industry_similarity_and_lq_by_hand(tmp_path: Path) -> None:
    pd.DataFrame({"code": ["A", "B", "C"], "ind": [60, 20, 30], "svc": [40, 80, 30]}).to_csv(
        tmp_path / "s.csv", index=False)
    res = _run("industry", tmp_path / "s.csv", "--measure", "similarity", "--out", tmp_path / "sim.csv")
    assert res.exit_code == 0, res.output
    sim = pd.read_csv(tmp_path / "sim.csv", dtype={"from_code": str, "to_code": str})
    ab = sim[(sim["from_code"] == "A") & (sim["to_code"] == "B")]["value"].iloc[0]
    assert ab == pytest.approx((60 * 20 + 40 * 80) / math.hypot(60, 40) / math.hypot(20, 80))
    res = _run("industry", tmp_path / "s.csv", "--measure", "lq", "--out", tmp_path / "lq.csv")
    lq = pd.read_csv(tmp_path / "lq.csv").set_index("code")
    assert lq.loc["A", "ind"] == pytest.approx((60 / 100) / (110 / 260))


def test_industry_locates_bad_values(tmp_path: Path) -> None:
    pd.DataFrame({"code": ["A", "B"], "ind": ["60", "many"], "svc": ["40", "-1"]}).to_csv(
        tmp_path / "s.csv", index=False)
    res = _run("industry", tmp_path / "s.csv", "--out", tmp_path / "o.csv")
    assert res.exit_code == 2, res.output
    assert "s.csv row 3 column 'ind'" in res.output and "s.csv row 3 column 'svc'" in res.output
    assert "expected a number ≥ 0" in res.output
    res = _run("industry", tmp_path / "s.csv", "--out", tmp_path / "o.csv", lang=None)
    assert res.exit_code == 2, res.output
    assert "s.csv 第 3 行 「ind」列" in res.output and "s.csv 第 3 行 「svc」列" in res.output
    assert "应为 ≥ 0 的数" in res.output and "没有时填 0" in res.output


def test_market_reproduces_the_worked_example(tmp_path: Path) -> None:
    rows = {("A", 2019): (102, 101, 103), ("B", 2019): (104, 101, 100), ("C", 2019): (101, 103, 103),
            ("A", 2020): (105, 100, 102), ("B", 2020): (101, 102, 101), ("C", 2020): (101, 102, 101)}
    pd.DataFrame([(r, y, c, v) for (r, y), vals in rows.items() for c, v in zip("fch", vals, strict=True)],
                 columns=["region", "year", "category", "index_prev_year_100"]).to_csv(
        tmp_path / "p.csv", index=False)
    res = _run("market", tmp_path / "p.csv", "--out", tmp_path / "m.csv")
    assert res.exit_code == 0, res.output
    got = pd.read_csv(tmp_path / "m.csv").set_index(["from_code", "to_code", "year"])
    assert got.loc[("A", "B", 2019), "segmentation"] == pytest.approx(1.321559e-4, rel=1e-6)
    assert got.loc[("A", "B", 2019), "integration"] == pytest.approx(1 / math.sqrt(1.321559e-4), rel=1e-6)
    assert got.loc[("B", "C", 2020), "segmentation"] == pytest.approx(9.642231e-5, rel=1e-6)


def _two_metros(tmp_path: Path) -> tuple[Path, Path]:
    pd.DataFrame({"origin": ["x1", "y1", "y1", "x1"], "destination": ["x1", "y1", "x1", "y1"],
                  "value": [100, 50, 10, 3]}).to_csv(tmp_path / "od.csv", index=False)
    pd.DataFrame({"metro_code": ["X", "Y"], "version": "1", "name_zh": ["X", "Y"], "name_en": ["X", "Y"],
                  "core_code": ["x1", "y1"], "member_code": ["x1", "y1"], "member_name": "",
                  "status": "derived", "source_doc": "", "issued": "", "source_url": ""}).to_csv(
        tmp_path / "m.csv", index=False)
    return tmp_path / "od.csv", tmp_path / "m.csv"


def test_combine_by_hand_eim(tmp_path: Path) -> None:
    od, members = _two_metros(tmp_path)
    # Y is smaller (60 employed residents): out 10/60 = 16.7 %, in 3/53 = 5.7 %, EIM = 22.3
    res = _run("combine", od, "--memberships", members, "--period", "2021", "--value-kind", "sample",
               "--out", tmp_path / "c.csv")
    assert res.exit_code == 0, res.output
    got = pd.read_csv(tmp_path / "c.csv")
    assert set(got["metro_code"]) == {"C:X+Y"} and set(got["member_code"]) == {"x1", "y1"}
    assert (got["core_code"] == "x1").all()
    res = _run("combine", od, "--memberships", members, "--period", "2021", "--value-kind", "sample",
               "--threshold", "22.5", "--out", tmp_path / "c2.csv")
    assert res.exit_code == 0, res.output
    assert pd.read_csv(tmp_path / "c2.csv").empty  # 16.67 + 5.66 = 22.33 < 22.5


def test_delineate_stores_a_new_metro_version(yrd_project: Project, tmp_path: Path) -> None:
    # OECD 15 %: Suzhou sends exactly 15.0 % of its employed residents to Shanghai (in),
    # Jiaxing 14.9 % (out) — DOMAIN.md F-I1
    pd.DataFrame({"origin": ["310100", "320500", "320500", "330400", "330400", "320600"],
                  "destination": ["310100", "320500", "310100", "330400", "310100", "320600"],
                  "value": [1000, 85, 15, 85.1, 14.9, 50]}).to_csv(tmp_path / "od.csv", index=False)
    args = ["delineate", tmp_path / "od.csv", "--cores", "SH_1P8=310100", "--period", "2021",
            "--value-kind", "sample", "--out", tmp_path / "d.csv", "--project", yrd_project.root]
    for _ in range(2):  # storing again replaces, never duplicates
        res = _run(*args)
        assert res.exit_code == 0, res.output
    assert "SH_1P8@oecd_fua-2021" in res.output
    with yrd_project.store() as store:
        metros = store.metro_memberships()
    new = metros[metros["metro_code"] == "SH_1P8@oecd_fua-2021"]
    assert sorted(new["member_code"]) == ["310100", "320500"]
    assert set(new["status"]) == {"draft"}
    assert new["name_zh"].iloc[0] == "上海大都市圈（通勤划定 oecd_fua-2021）"
    assert new["source_doc"].iloc[0].startswith("tongcheng delineation, rule oecd_fua")
    adopted = metros[metros["metro_code"] == "SH_1P8"]
    assert len(adopted) == 9 and set(adopted["status"]) == {"adopted"}  # the plan is untouched


def test_border_with_project_provinces_recovers_a_planted_barrier(yrd_project: Project,
                                                                  tmp_path: Path) -> None:
    # flows exactly from T = 0.01 O^0.9 D^0.8 d^-1.5, halved between Jiangsu and Zhejiang
    codes = ["320100", "320200", "320300", "320400", "330100", "330200"]
    rng = np.random.default_rng(5)
    mass = dict(zip(codes, rng.uniform(1e5, 1e6, len(codes)), strict=True))
    rows = []
    for n, a in enumerate(codes):
        for m, b in enumerate(codes):
            if a != b:
                d = 10.0 + 7.0 * abs(n - m) + n
                barrier = 0.5 if a[:2] != b[:2] else 1.0
                rows.append((a, b, barrier * 0.01 * mass[a] ** 0.9 * mass[b] ** 0.8 * d ** -1.5, d,
                             mass[a], mass[b]))
    pd.DataFrame(rows, columns=["origin", "destination", "value", "distance", "origin_mass",
                                "destination_mass"]).to_csv(tmp_path / "f.csv", index=False)
    res = _run("border", tmp_path / "f.csv", "--project", yrd_project.root, "--out", tmp_path / "b.csv")
    assert res.exit_code == 0, res.output
    got = pd.read_csv(tmp_path / "b.csv", dtype={"origin_region": str, "destination_region": str})
    assert set(got["origin_region"]) == {"320000", "330000", "*"}
    np.testing.assert_allclose(got["ratio"], 0.5, rtol=1e-8)


def test_delineate_from_the_commuters_stored_in_a_project(yrd_project: Project, tmp_path: Path) -> None:
    # the same flows as above, imported into the project instead of given as a file
    pd.DataFrame({"from": ["310100", "320500", "320500", "330400", "330400", "320600"],
                  "to": ["310100", "320500", "310100", "330400", "310100", "320600"],
                  "indicator": "commuters", "period": "2021", "value_kind": "sample",
                  "value": [1000, 85, 15, 85.1, 14.9, 50]}).to_csv(tmp_path / "od.csv", index=False)
    res = _run("delineate", "--cores", "SH_1P8=310100", "--out", tmp_path / "d.csv",
               "--project", yrd_project.root)
    assert res.exit_code != 0 and "import them first" in res.output  # nothing imported yet
    yrd_project.import_stats(tmp_path / "od.csv", source="test")
    res = _run("delineate", "--cores", "SH_1P8=310100", "--out", tmp_path / "d.csv",
               "--project", yrd_project.root)
    assert res.exit_code == 0, res.output
    got = pd.read_csv(tmp_path / "d.csv", dtype=str)
    assert sorted(got["member_code"]) == ["310100", "320500"]  # 15.0 % joins, 14.9 % does not
    res = _run("delineate", "--cores", "SH_1P8=310100", "--out", tmp_path / "d.csv")
    assert res.exit_code != 0 and "--project" in res.output
