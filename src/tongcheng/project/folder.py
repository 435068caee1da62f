"""A tongcheng project: a folder with settings, a store, kept raw files and outputs."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pandas as pd

from .. import datasets
from .._errors import ProjectError
from ..config import SETTINGS_FILE, Settings
from ..indicators import compute_indicators
from ..indicators.registry import catalogue as computed_catalogue
from ..io.importer import ImportResult, import_stats
from ..store import Store
from ..units import UnitResolver
from .index import copy_index_definition

__all__ = ["BUNDLED_IMPORTS", "Project"]

Progress = Callable[[str], None] | None

# (bundled file, source, vintage): what `init --region yrd` imports, in this order. "per-row":
# every row of those files carries its own vintage; the record's only describes them.
BUNDLED_IMPORTS: tuple[tuple[str, str, str], ...] = (
    ("census_city.csv", "第六次、第七次全国人口普查, via leiii/census (Dong et al. 2022, MIT)", "census"),
    ("census_county.csv", "第六次、第七次全国人口普查, via leiii/census (Dong et al. 2022, MIT)", "census"),
    ("city_stats.csv", "official statistical releases (see per-row source)", "per-row"),
    ("city_stats_wikipedia_cc_by_sa.csv",
     "Wikipedia tables citing the statistical yearbooks (CC BY-SA 4.0; see per-row source)", "per-row"),
    ("rail_times.csv", "RailwayVIS timetable (thaddywu/RailwayVIS, Apache-2.0)", "timetable"),
)


class Project:
    """A project folder.

    Parameters
    ----------
    root
        The folder holding ``tongcheng.toml``.
    settings
        Its settings.
    """

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = Path(root).resolve()
        self.settings = settings

    def __repr__(self) -> str:
        return f"Project({str(self.root)!r}, region={self.settings.region!r})"

    @classmethod
    def open(cls, root: str | Path = ".") -> Project:
        """Open an existing project folder.

        Raises
        ------
        ProjectError
            If the folder holds no ``tongcheng.toml``.
        """
        root = Path(root)
        return cls(root, Settings.read(root))

    @classmethod
    def create(cls, root: str | Path, *, region: str = "yrd", lang: str = "zh",
               database_url: str | None = None, progress: Progress = None) -> Project:
        """Create a project folder, its store and (for ``region="yrd"``) the bundled data.

        Parameters
        ----------
        root
            Folder to create (may exist if it holds no project yet).
        region
            ``"yrd"`` loads the Yangtze River Delta units, metropolitan areas and the
            bundled statistics; ``"empty"`` creates the store with the indicator
            catalogue only.
        lang
            Default language of outputs (``"zh"`` or ``"en"``).
        database_url
            Store URL (default: SQLite file ``tongcheng.db`` in the folder).
        progress
            Called with a short description of each step.

        Raises
        ------
        ProjectError
            If the folder already holds a project.
        """
        root = Path(root)
        if (root / SETTINGS_FILE).exists():
            msg = f"{root} already holds a project ({SETTINGS_FILE}); open it or choose another folder"
            raise ProjectError(msg)
        fresh = not root.exists() or not any(root.iterdir())
        root.mkdir(parents=True, exist_ok=True)
        try:
            return cls._populate(root, region=region, lang=lang, database_url=database_url,
                                 progress=progress)
        except BaseException:
            if fresh:  # leave no half-built project behind
                shutil.rmtree(root, ignore_errors=True)
            raise

    @classmethod
    def _populate(cls, root: Path, *, region: str, lang: str, database_url: str | None,
                  progress: Progress) -> Project:
        settings = Settings(region=region, lang=lang)
        if database_url:
            settings = replace(settings, database_url=database_url)
        if region == "empty":
            settings = replace(settings, name="同城化监测")
        project = cls(root, settings)
        with project.store() as store:
            _step(progress, "catalogue")
            store.put_indicators(_raw_catalogue())
            store.put_indicators(computed_catalogue())
            if region == "yrd":
                _step(progress, "units")
                store.put_units(datasets.units())
                store.put_metros(datasets.metro_memberships())
        settings.write(root)
        if region == "yrd":
            copy_index_definition(root)
            for name, source, vintage in BUNDLED_IMPORTS:
                _step(progress, f"import {name}")
                project.import_stats(datasets.path(name), source=source, vintage=vintage)
        return project

    @contextmanager
    def store(self) -> Iterator[Store]:
        """Open the project's store (migrated to the current schema)."""
        store = Store.open(self.settings.resolved_url(self.root))
        try:
            yield store
        finally:
            store.close()

    @property
    def raw_dir(self) -> Path:
        """Folder where imported files are kept, named by their hash."""
        return self.root / "raw"

    @property
    def report_dir(self) -> Path:
        """Folder of the HTML report."""
        return self.root / "report"

    @property
    def exports_dir(self) -> Path:
        """Folder of exported open data."""
        return self.root / "exports"

    def resolver(self, store: Store) -> UnitResolver:
        """Return a unit resolver over the project's units and the bundled code changes."""
        units = store.units()
        if units.empty:
            msg = (f"project {self.root} has no units; create it with --region yrd "
                   "or load units first")
            raise ProjectError(msg)
        return UnitResolver(units, datasets.code_changes())

    def import_stats(self, path: str | Path, *, source: str = "", vintage: str = "",
                     sheet: str | None = None, encoding: str | None = None,
                     strict: bool = False, actor: str | None = None) -> ImportResult:
        """Validate a statistics file and store it, all or nothing (see :func:`tongcheng.io.import_stats`).

        Jumps are judged with the project's ``plausibility_jump``; ``strict`` makes them
        errors. ``actor`` is who imports (default: the operating system's user).
        """
        with self.store() as store:
            return import_stats(store, path, raw_dir=self.raw_dir, resolver=self.resolver(store),
                                source=source, vintage=vintage, sheet=sheet, encoding=encoding,
                                strict=strict, default_jump=self.settings.plausibility_jump,
                                actor=actor)

    def compute(self, *, codes: list[str] | None = None, progress: Progress = None) -> pd.DataFrame:
        """Compute the registered indicators and store them (see :func:`compute_indicators`)."""
        with self.store() as store:
            return compute_indicators(store, codes=codes, progress=progress)


def _step(progress: Progress, what: str) -> None:
    if progress is not None:
        progress(what)


def _raw_catalogue() -> pd.DataFrame:
    cat = datasets.indicator_catalogue().reset_index()
    cat["kind"] = "raw"
    return cat
