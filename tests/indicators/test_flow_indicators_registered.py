"""Flow, linkage and market indicators computed in a YRD project with imported inputs.

The YRD default ships no commuting table, so a synthetic but consistent one is imported:
41 cities, T_ij = 2e-6 P_i^0.9 P_j^0.8 / d_ij² (2020 residents, great-circle km), halved
across provincial borders, rounded (pairs that round to 0 are absent), plus intra-city
commuting. Each indicator is checked against an independent computation: networkx
PageRank, a pyfixest Poisson fit, a hand-written urban-flow-intensity loop and the
hand-computed relative-price example of docs/market-segmentation.md.
"""

from __future__ import annotations

import importlib.util
import math
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tongcheng.flows.gravity_inputs import great_circle_km
from tongcheng.project import Project

CODES = ["flow_pagerank", "border_effect_province", "border_effect_metro", "commuters_filled",
         "urban_flow_intensity", "market_integration"]
BORDER = 0.5
# docs/market-segmentation.md worked example: regions A, B, C; categories f, c, h
PRICES = {("A", "2019"): (102, 101, 103), ("B", "2019"): (104, 101, 100), ("C", "2019"): (101, 103, 103),
          ("A", "2020"): (105, 100, 102), ("B", "2020"): (101, 102, 101), ("C", "2020"): (101, 102, 101)}
REGIONS = {"A": "310000", "B": "320000", "C": "330000"}


def _synthetic_od(units: pd.DataFrame, pop: pd.Series) -> pd.DataFrame:
    rows = []
    for a in pop.index:
        for b in pop.index:
            if a == b:
                value = 0.45 * pop[a] / 100
            else:
                d = great_circle_km(np.array([units.at[a, "lon"]]), np.array([units.at[a, "lat"]]),
                                    np.array([units.at[b, "lon"]]), np.array([units.at[b, "lat"]]))[0]
                cross = units.at[a, "province_code"] != units.at[b, "province_code"]
                value = (BORDER if cross else 1.0) * 2e-6 * pop[a] ** 0.9 * pop[b] ** 0.8 / d ** 2
            if round(value) > 0:
                rows.append((a, b, "commuters", "2021", round(value), "sample"))
    return pd.DataFrame(rows, columns=["from", "to", "indicator", "period", "value", "value_kind"])


@pytest.fixture(scope="module")
def computed(yrd_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("flowind") / "yrd"
    shutil.copytree(yrd_template, root)
    project = Project.open(root)
    before = project.compute(codes=CODES).set_index("code")["status"]
    with project.store() as store:
        units = store.units()
        obs = store.observations()
    cities = units[units["level"] == "city"]
    pop = obs[(obs["indicator"] == "pop_resident") & (obs["period"] == "2020")
              & obs["unit_code"].isin(cities.index)].set_index("unit_code")["value"].sort_index()
    od = _synthetic_od(units, pop)
    od.to_csv(root / "od.csv", index=False)
    project.import_stats(root / "od.csv", source="synthetic")
    cats = ("cpi_food", "cpi_clothing", "cpi_housing")
    prices = pd.DataFrame([(REGIONS[r], cat, y, v) for (r, y), vals in PRICES.items()
                           for cat, v in zip(cats, vals, strict=True)],
                          columns=["code", "indicator", "period", "value"])
    prices.to_csv(root / "prices.csv", index=False)
    project.import_stats(root / "prices.csv", source="synthetic")
    status = project.compute(codes=CODES).set_index("code")["status"]
    with project.store() as store:
        out = store.observations(indicators=CODES)
        all_obs = store.observations()
        metros = store.metro_memberships()
    return {"before": before, "status": status, "obs": out, "od": od, "units": units,
            "all": all_obs, "metros": metros}


def _values(obs: pd.DataFrame, code: str) -> pd.Series:
    rows = obs[obs["indicator"] == code]
    return rows.set_index("subject_key")["value"]


def test_skipped_without_inputs_and_computed_with_them(computed: dict) -> None:
    before, status = computed["before"], computed["status"]
    for code in ("flow_pagerank", "border_effect_province", "commuters_filled", "market_integration"):
        assert before[code].startswith("skipped"), before[code]
    assert (status == "computed").all(), status


def test_pagerank_equals_networkx(computed: dict) -> None:
    import networkx as nx  # a test dependency (pyproject: test extra)
    od = computed["od"]
    cross = od[od["from"] != od["to"]]
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(zip(cross["from"], cross["to"], cross["value"], strict=True))
    ref = pd.Series(nx.pagerank(graph, alpha=0.85, tol=1e-12, max_iter=1000)) * 100
    ours = _values(computed["obs"], "flow_pagerank")
    assert set(ours.index) == set(ref.index)
    np.testing.assert_allclose(ours[ref.index].to_numpy(), ref.to_numpy(), rtol=1e-6)
    assert ours.sum() == pytest.approx(100)


def _gravity_frame(computed: dict) -> pd.DataFrame:
    od, units = computed["od"], computed["units"]
    out_mass = od.groupby("from")["value"].sum()
    in_mass = od.groupby("to")["value"].sum()
    frame = od[od["from"] != od["to"]].copy()
    frame["log_om"] = np.log(frame["from"].map(out_mass))
    frame["log_dm"] = np.log(frame["to"].map(in_mass))
    frame["log_d"] = np.log([
        6371.0088 * 2 * math.asin(math.sqrt(
            math.sin(math.radians(units.at[b, "lat"] - units.at[a, "lat"]) / 2) ** 2
            + math.cos(math.radians(units.at[a, "lat"])) * math.cos(math.radians(units.at[b, "lat"]))
            * math.sin(math.radians(units.at[b, "lon"] - units.at[a, "lon"]) / 2) ** 2))
        for a, b in zip(frame["from"], frame["to"], strict=True)])
    frame["pa"] = frame["from"].map(units["province_code"])
    frame["pb"] = frame["to"].map(units["province_code"])
    frame["value"] = frame["value"].astype(float)
    return frame


def _pyfixest_fit(frame: pd.DataFrame) -> pd.Series:
    if importlib.util.find_spec("pyfixest") is None:
        pytest.skip("pyfixest not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyfixest as pf

        fit = pf.fepois("value ~ log_om + log_dm + log_d", data=frame.reset_index(drop=True), vcov="iid")
    return fit.coef()


def _predict(coef: pd.Series, frame: pd.DataFrame) -> np.ndarray:
    return np.exp(coef["Intercept"] + coef["log_om"] * frame["log_om"] + coef["log_dm"] * frame["log_dm"]
                  + coef["log_d"] * frame["log_d"]).to_numpy()


def test_border_effect_equals_pyfixest_and_recovers_the_planted_barrier(computed: dict) -> None:
    frame = _gravity_frame(computed)
    coef = _pyfixest_fit(frame[frame["pa"] == frame["pb"]])
    cross = frame[frame["pa"] != frame["pb"]].assign(expected=lambda f: _predict(coef, f))
    sums = cross.groupby(["pa", "pb"])[["value", "expected"]].sum()
    ref = sums["value"] / sums["expected"]
    ref.index = [f"{a}>{b}" for a, b in ref.index]
    ours = _values(computed["obs"], "border_effect_province")
    assert len(ours) == 12  # 4 provinces, ordered pairs
    np.testing.assert_allclose(ours[ref.index].to_numpy(), ref.to_numpy(), rtol=1e-5)
    assert ours.between(BORDER * 0.9, BORDER * 1.1).all(), ours  # the halving is recovered
    sh = set(computed["metros"].query("metro_code == 'SH_1P8'")["member_code"])  # three provinces
    inside = cross[cross["from"].isin(sh) & cross["to"].isin(sh)]
    metro = _values(computed["obs"], "border_effect_metro")
    assert metro["metro:SH_1P8"] == pytest.approx(inside["value"].sum() / inside["expected"].sum(), rel=1e-5)
    assert "metro:HF" not in metro.index  # Hefei's metro lies in Anhui only


def test_filled_flows_keep_observed_and_model_the_rest(computed: dict) -> None:
    frame = _gravity_frame(computed)
    coef = _pyfixest_fit(frame)
    rows = computed["obs"][computed["obs"]["indicator"] == "commuters_filled"].set_index("subject_key")
    observed = frame.assign(key=frame["from"] + ">" + frame["to"]).set_index("key")
    n = 41
    assert len(rows) == n * (n - 1)
    modelled = rows["flags"].str.contains("modelled")
    assert set(rows.index[~modelled]) == set(observed.index)
    np.testing.assert_array_equal(rows.loc[observed.index, "value"], observed["value"])
    gaps = rows[modelled]
    assert len(gaps) > 0
    a, b = zip(*(k.split(">") for k in gaps.index), strict=True)
    units, od = computed["units"], computed["od"]
    miss = pd.DataFrame({"from": a, "to": b})
    miss["log_om"] = np.log(miss["from"].map(od.groupby("from")["value"].sum()))
    miss["log_dm"] = np.log(miss["to"].map(od.groupby("to")["value"].sum()))
    miss["log_d"] = np.log(great_circle_km(units.loc[miss["from"], "lon"].to_numpy(),
                                           units.loc[miss["from"], "lat"].to_numpy(),
                                           units.loc[miss["to"], "lon"].to_numpy(),
                                           units.loc[miss["to"], "lat"].to_numpy()))
    np.testing.assert_allclose(gaps["value"].to_numpy(), _predict(coef, miss), rtol=1e-5)


def test_urban_flow_intensity_by_brute_force(computed: dict) -> None:
    obs, units = computed["all"], computed["units"]
    cities = set(units.index[units["level"] == "city"])
    sections = [f"emp_{c}" for c in "abcdefghijklmnopqrst"]
    emp = obs[obs["indicator"].isin(sections) & (obs["period"] == "2020") & obs["unit_code"].isin(cities)]
    table: dict[str, dict[str, float]] = {}
    for code, sec, v in zip(emp["unit_code"], emp["indicator"], emp["value"], strict=True):
        table.setdefault(code, {})[sec] = float(v)
    total = sum(sum(r.values()) for r in table.values())
    sector = {s: sum(r.get(s, 0.0) for r in table.values()) for s in sections}
    gdp = obs[(obs["indicator"] == "gdp") & (obs["period"] == "2022") & obs["unit_code"].isin(cities)]
    ours = computed["obs"].query("indicator == 'urban_flow_intensity' and period == '2022'")
    ours = ours.set_index("unit_code")["value"]
    assert len(ours) == len(gdp) > 5
    for code, g in zip(gdp["unit_code"], gdp["value"], strict=True):
        row = table[code]
        gi = sum(row.values())
        surplus = 0.0
        for s in sections:
            lq = (row.get(s, 0.0) / gi) / (sector[s] / total)
            if lq > 1:
                surplus += row.get(s, 0.0) - gi * sector[s] / total
        assert ours[code] == pytest.approx(g * surplus / gi, rel=1e-9)


def test_market_integration_matches_the_hand_computed_example(computed: dict) -> None:
    ours = computed["obs"][computed["obs"]["indicator"] == "market_integration"]
    ours = ours.set_index(["subject_key", "period"])["value"]
    assert ours[("310000>320000", "2019")] == pytest.approx(1 / math.sqrt(1.321559e-4), rel=1e-6)
    assert ours[("310000>320000", "2020")] == pytest.approx(1 / math.sqrt(2.410558e-5), rel=1e-6)
    assert ours[("320000>330000", "2020")] == pytest.approx(1 / math.sqrt(9.642231e-5), rel=1e-6)
    assert len(ours) == 6  # three pairs, two years
