"""Fixtures of the store tests: every test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``TONGCHENG_TEST_PG_URL`` (start one with
``export TONGCHENG_TEST_PG_URL=$(bash scripts/start_postgres.sh)``); each test gets a database
of its own, created through that URL and dropped afterwards. Without the variable the
PostgreSQL half is skipped locally, but fails when ``CI`` is set, so CI cannot skip silently.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from tongcheng.store import ImportRecord, Store


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tongcheng.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """Yield a freshly migrated, empty store."""
    with Store.open(store_url) as opened:
        yield opened


UNITS = pd.DataFrame(
    {
        "code": ["310000", "320000", "310100", "320100", "320500", "320505"],
        "name_zh": ["上海市", "江苏省", "上海市", "南京市", "苏州市", "虎丘区"],
        "short_zh": ["上海", "江苏", "上海", "南京", "苏州", "虎丘"],
        "name_en": ["Shanghai", "Jiangsu", "Shanghai", "Nanjing", "Suzhou", "Huqiu"],
        "level": ["province", "province", "city", "city", "city", "county"],
        "kind_zh": ["直辖市", "省", "直辖市", "地级市", "地级市", "市辖区"],
        "parent_code": [None, None, "310000", "320000", "320000", "320500"],
        "province_code": ["310000", "320000", "310000", "320000", "320000", "320000"],
        "lon": [121.47, 118.76, 121.47, 118.80, 120.58, 120.57],
        "lat": [31.23, 32.06, 31.23, 32.06, 31.30, 31.30],
        "area_km2": [6340.5, 107200.0, 6340.5, 6587.0, 8657.3, None],
    }
)
METROS = pd.DataFrame(
    {
        "metro_code": ["SH_1P8"] * 2 + ["NJ"] * 2,
        "version": ["2022"] * 2 + ["2021"] * 2,
        "name_zh": ["上海大都市圈"] * 2 + ["南京都市圈"] * 2,
        "name_en": ["Shanghai Metropolitan Area"] * 2 + ["Nanjing Metropolitan Area"] * 2,
        "core_code": ["310100"] * 2 + ["320100"] * 2,
        "member_code": ["310100", "320500", "320100", "320500"],
        "member_name": ["上海", "苏州", "南京", "苏州"],
        "status": ["adopted"] * 2 + ["draft"] * 2,
        "source_doc": ["上海大都市圈空间协同规划"] * 2 + ["南京都市圈发展规划"] * 2,
        "issued": ["2022-09"] * 2 + ["2021-02"] * 2,
        "source_url": ["https://example.org/sh"] * 2 + ["https://example.org/nj"] * 2,
    }
)
CATALOGUE = pd.DataFrame(
    {
        "code": ["gdp", "pop", "commute_share", "metro_gdp", "gdp_per_cap"],
        "name_zh": ["地区生产总值", "常住人口", "通勤占比", "都市圈生产总值", "人均GDP"],
        "name_en": ["GDP", "Population", "Commuting share", "Metro GDP", "GDP per capita"],
        "unit": ["100 million CNY", "10,000 persons", "%", "100 million CNY", "CNY"],
        "subject_kind": ["unit", "unit", "pair", "metro", "unit"],
        "description_zh": ["", "", "", "", ""],
        "description_en": ["", "", "", "", ""],
        "source": ["统计年鉴", "统计年鉴", "手机信令", "computed", "computed"],
        "kind": ["raw", "raw", "raw", "computed", "computed"],
    }
)


@pytest.fixture
def loaded(store: Store) -> Store:
    """Return the store loaded with units, metro areas and the indicator catalogue."""
    store.put_units(UNITS)
    store.put_metros(METROS)
    store.put_indicators(CATALOGUE)
    return store


def _make_obs(
    indicator: str = "gdp",
    keys: tuple[str, ...] = ("310100", "320100", "320500"),
    *,
    periods: tuple[str, ...] = ("2020",),
    value: float = 1.0,
    **columns: str,
) -> pd.DataFrame:
    """Return observations of one indicator for every key and period.

    Values are ``value``, ``value + 1``, ...; ``columns`` override the constant columns
    (``vintage="2021"``, ``subject_kind="unit"``, ``value_kind="reported"``, ...).
    """
    rows = [(k, p) for k in keys for p in periods]
    constants = {"subject_kind": "unit", "unit": "100 million CNY", "value_kind": "reported",
                 "vintage": "2021", "source": "统计年鉴", "flags": "", **columns}
    return pd.DataFrame(
        {
            "indicator": indicator,
            "subject_key": [k for k, _ in rows],
            "period": [p for _, p in rows],
            "value": [value + i for i in range(len(rows))],
            **constants,
        }
    )


MakeObs = Callable[..., pd.DataFrame]


@pytest.fixture
def make_obs() -> MakeObs:
    """Return the factory of observation frames (see :func:`_make_obs`)."""
    return _make_obs


@pytest.fixture
def units_table() -> pd.DataFrame:
    """Return six real units (two provinces, three cities, one district)."""
    return UNITS.copy()


@pytest.fixture
def metros_table() -> pd.DataFrame:
    """Return a long membership table of two metropolitan areas."""
    return METROS.copy()


@pytest.fixture
def catalogue_table() -> pd.DataFrame:
    """Return a small indicator catalogue (unit, pair and metro indicators)."""
    return CATALOGUE.copy()


@pytest.fixture
def new_record() -> Callable[..., ImportRecord]:
    """Return a factory of import records with unique hashes."""

    def make(vintage: str = "2021", **kw: object) -> ImportRecord:
        base: dict[str, object] = {
            "sha256": uuid.uuid4().hex * 2, "file_name": "gdp.csv",
            "stored_path": "raw/gdp.csv", "source": "统计年鉴", "vintage": vintage,
        }
        base.update(kw)
        return ImportRecord(**base)  # type: ignore[arg-type]

    return make
