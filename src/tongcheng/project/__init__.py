"""A tongcheng project: a folder with settings, a store, kept raw files and outputs, and its index.

:mod:`.folder` is the project itself (:class:`Project`); :mod:`.index` builds its composite
同城化 index from :mod:`.index_data`, the framework's indicators read from the store.
"""

from __future__ import annotations

from .folder import BUNDLED_IMPORTS, Project
from .index import ProjectIndex, build_project_index, copy_index_definition

__all__ = ["BUNDLED_IMPORTS", "Project", "ProjectIndex", "build_project_index", "copy_index_definition"]
