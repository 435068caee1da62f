"""Every bundled raw and every computed indicator has a thought-out direction and range."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tongcheng import datasets
from tongcheng.indicators.registry import catalogue, plausible_range
from tongcheng.io.plausibility import screen_observations
from tongcheng.project import Project

RULES = ["direction", "min_value", "max_value", "max_jump"]


def _all() -> pd.DataFrame:
    return pd.concat([datasets.indicator_catalogue().assign(kind="raw"), catalogue()], ignore_index=True)


def test_every_indicator_has_a_finite_consistent_range() -> None:
    cat = _all().set_index("code")
    values = cat[["min_value", "max_value", "max_jump"]].to_numpy(dtype="float64")
    assert not np.isinf(values).any()
    assert cat["min_value"].notna().all(), "every indicator of the catalogue has a lower bound"
    assert (cat["min_value"] <= cat["max_value"].fillna(np.inf)).all()
    assert (cat["max_jump"].dropna() > 1).all()
    assert set(cat["direction"].dropna()) <= {1, -1}


def test_ranges_follow_the_units() -> None:
    cat = _all().set_index("code")
    shares = cat[cat["unit"] == "%"].drop(index="pop_change_2010_2020")
    assert (shares["min_value"] == 0).all() and (shares["max_value"] == 100).all()
    counts = cat[cat["unit"].isin(["persons", "persons (long-form sample)", "10,000 persons",
                                   "100 million CNY", "min", "km2", "cities"])]
    assert len(counts) > 40 and (counts["min_value"] == 0).all()
    assert cat.loc["households_size", "min_value"] == 1  # a family household has at least one person
    assert cat.loc["pop_change_2010_2020", "min_value"] == -100
    assert np.isnan(cat.loc["pop_change_2010_2020", "max_value"])
    assert plausible_range("x", "index (0–1)") == (0.0, 1.0)
    assert plausible_range("x", "new unit") == (None, None)
    times = cat.loc[["rail_time_min", "car_time_min", "rail_time_to_shanghai"]]
    assert (times["direction"] == -1).all()


def test_the_bundled_data_is_within_its_ranges(yrd_project: Project) -> None:
    with yrd_project.store() as store:
        obs = store.observations(latest_vintage=False)
        kept, excluded = screen_observations(obs, catalogue=store.indicators())
        stored = store.indicators().set_index("code")
    assert excluded.empty and len(kept) == len(obs) > 20_000
    assert stored.loc["pop_resident", "min_value"] == 0  # a new project stores the rules
    assert stored.loc["urbanisation_rate", "max_value"] == 100
