"""Shared fixtures: a YRD project built once per session, copied for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tongcheng.project import Project


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
