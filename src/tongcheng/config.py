"""Project settings, kept in ``tongcheng.toml`` in the project folder."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ._errors import ProjectError

__all__ = ["SETTINGS_FILE", "Settings"]

SETTINGS_FILE = "tongcheng.toml"
REGIONS = ("yrd", "empty")
LANGS = ("zh", "en")


@dataclass(frozen=True)
class Settings:
    """Settings of one project.

    Attributes
    ----------
    name
        Project name shown in reports.
    region
        ``"yrd"`` (the bundled Yangtze River Delta default) or ``"empty"``.
    database_url
        SQLAlchemy URL of the store. ``sqlite:///tongcheng.db`` (the default) is relative
        to the project folder; a PostgreSQL server is ``postgresql+psycopg://user@host/db``.
        The environment variable ``TONGCHENG_DATABASE_URL`` overrides it.
    lang
        Default language of what the project writes: ``"zh"`` or ``"en"``.
    map_indicator
        City indicator shown first on the report's map.
    """

    name: str = "长三角同城化监测"
    region: str = "yrd"
    database_url: str = "sqlite:///tongcheng.db"
    lang: str = "zh"
    map_indicator: str = "pop_resident"

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            msg = f"region is {self.region!r}; expected one of {REGIONS}"
            raise ProjectError(msg)
        if self.lang not in LANGS:
            msg = f"lang is {self.lang!r}; expected one of {LANGS}"
            raise ProjectError(msg)

    def resolved_url(self, root: Path) -> str:
        """Return the database URL with a relative SQLite path made absolute to ``root``."""
        url = os.environ.get("TONGCHENG_DATABASE_URL") or self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            return prefix + str((root / url[len(prefix):]).resolve())
        return url

    @classmethod
    def read(cls, root: Path) -> Settings:
        """Read ``tongcheng.toml`` from a project folder.

        Raises
        ------
        ProjectError
            The folder holds no ``tongcheng.toml``, or the file is not valid.
        """
        path = root / SETTINGS_FILE
        if not path.is_file():
            msg = (f"{root} is not a tongcheng project (no {SETTINGS_FILE}). "
                   f"Create one with `tongcheng init {root}` or pass --project DIR.")
            raise ProjectError(msg)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
        except tomllib.TOMLDecodeError as exc:
            msg = f"{path}: not valid TOML ({exc}); fix the file or recreate the project"
            raise ProjectError(msg) from exc
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            msg = f"{path}: unknown setting(s) {unknown}; known: {sorted(known)}"
            raise ProjectError(msg)
        return cls(**data)

    def write(self, root: Path) -> Path:
        """Write the settings to ``root/tongcheng.toml`` and return its path."""
        lines = ["# tongcheng project settings", "[project]"]
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in asdict(self).items()]
        path = root / SETTINGS_FILE
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
