"""tongcheng — 同城化监测评估系统: measure, monitor and evaluate metropolitan integration."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from ._errors import (
    DataError,
    Problem,
    ProjectError,
    StoreError,
    TongchengError,
    UnitMatchError,
    ValidationError,
)

try:
    __version__ = version("tongcheng")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "DataError",
    "Problem",
    "ProjectError",
    "StoreError",
    "TongchengError",
    "UnitMatchError",
    "ValidationError",
    "__version__",
    "show_versions",
]


def show_versions() -> str:
    """Return the versions of tongcheng and its main dependencies, one per line."""
    import platform
    import sys

    lines = [f"tongcheng: {__version__}", f"python: {sys.version.split()[0]}",
             f"platform: {platform.platform()}"]
    for name in ("numpy", "pandas", "geopandas", "shapely", "pyproj", "sqlalchemy",
                 "alembic", "click", "jinja2", "openpyxl"):
        try:
            lines.append(f"{name}: {version(name)}")
        except PackageNotFoundError:
            lines.append(f"{name}: not installed")
    return "\n".join(lines)
