"""Helpers of the import tests: what a failed import must leave untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tongcheng import ValidationError
from tongcheng.project import Project

Rejected = Callable[..., ValidationError]


def store_state(project: Project) -> tuple[int, int, list[str]]:
    """Observations, imports and kept raw files: what must not change on a failed import."""
    with project.store() as store:
        n_obs = len(store.observations(latest_vintage=False))
        n_imp = len(store.imports())
    return n_obs, n_imp, sorted(p.name for p in project.raw_dir.iterdir())


@pytest.fixture
def state() -> Callable[[Project], tuple[int, int, list[str]]]:
    """:func:`store_state`, for tests that compare a project before and after."""
    return store_state


@pytest.fixture
def rejected() -> Rejected:
    """Import a file that must be refused; check nothing was written; return the error."""

    def check(project: Project, path: Path, **kwargs: object) -> ValidationError:
        before = store_state(project)
        with pytest.raises(ValidationError) as info:
            project.import_stats(path, **kwargs)
        assert store_state(project) == before, "a failed import must write nothing"
        return info.value

    return check

