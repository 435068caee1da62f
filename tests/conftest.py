"""Shared fixtures: a YRD project built once per session, copied for each test."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tongcheng.project import Project

SHARED_RAW = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "raw"
LI_PBF = SHARED_RAW / "valhalla_osm" / "liechtenstein-latest.osm.pbf"


@pytest.fixture(scope="session")
def li_geojson(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Liechtenstein's 11 municipalities (OSM admin_level 8) as GeoJSON: name, bfs:OBJECTVAL."""
    from tongcheng.units import boundaries_from_pbf

    if not LI_PBF.is_file():
        msg = f"shared raw data not found: {LI_PBF}"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    path = tmp_path_factory.mktemp("li") / "li.geojson"
    boundaries_from_pbf(LI_PBF, admin_level=8, tags=("name", "bfs:OBJECTVAL")).to_file(path)
    return path


@pytest.fixture(scope="session")
def yrd_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A YRD default project (bundled data imported, indicators not computed)."""
    root = tmp_path_factory.mktemp("template") / "yrd"
    Project.create(root, region="yrd")
    return root


@pytest.fixture
def yrd_project(yrd_template: Path, tmp_path: Path) -> Project:
    """A fresh copy of the YRD default project for one test."""
    root = tmp_path / "yrd"
    shutil.copytree(yrd_template, root)
    return Project.open(root)


PG_ENV = "TONGCHENG_TEST_PG_URL"


def pg_admin_url() -> str:
    """Return the PostgreSQL URL from the environment, or skip (fail under CI)."""
    url = os.environ.get(PG_ENV)
    if not url:
        hint = f"{PG_ENV} is not set; run: export {PG_ENV}=$(bash scripts/start_postgres.sh)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {hint}", pytrace=False)
        pytest.skip(hint)
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    admin = make_url(pg_admin_url())
    name = f"tc_test_{uuid.uuid4().hex[:16]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin.set(database=name).render_as_string(hide_password=False)
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
