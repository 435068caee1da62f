"""Bilingual (中文 / English), self-contained, offline HTML reports.

The page is a single ``index.html`` with Apache ECharts, the map geometry and all data
inline; it opens from disk with no server and loads nothing from the network.

Public API
----------
- :class:`ReportData`, :class:`IndicatorMeta`, :class:`MethodNote`, :class:`DataSource`,
  :class:`Section`, :class:`TimeSeries` -- the input contract (``model.py``);
  :func:`shown_values` -- every value the tables show, with its period, vintage and source.
- :func:`render_report` -- write ``out_dir/index.html``.
- :func:`register_section`, :func:`unregister_section`, :func:`section_providers`,
  :class:`ReportContext` -- how features add sections.
- :func:`t`, :data:`STRINGS` -- UI strings (``i18n.py``).
- :func:`check_in_browser` -- open a report in headless Chromium (needs selenium).
"""

from __future__ import annotations

from ._format import format_number
from .browser_check import (
    BrowserCheck,
    BrowserUnavailableError,
    check_in_browser,
    open_in_browser,
)
from .i18n import LANGS, STRINGS, MissingTranslationError, t
from .model import (
    LINK_FLAG_DISTANCE_FALLBACK,
    DataSource,
    IndicatorMeta,
    MethodNote,
    ReportData,
    Section,
    TimeSeries,
    shown_values,
    validate_report_data,
)
from .render import embed_json, render_report, render_report_html
from .sections import (
    ReportContext,
    SectionProvider,
    builtin_section_providers,
    register_section,
    section_providers,
    unregister_section,
)

__all__ = [
    "LANGS",
    "LINK_FLAG_DISTANCE_FALLBACK",
    "STRINGS",
    "BrowserCheck",
    "BrowserUnavailableError",
    "DataSource",
    "IndicatorMeta",
    "MethodNote",
    "MissingTranslationError",
    "ReportContext",
    "ReportData",
    "Section",
    "SectionProvider",
    "TimeSeries",
    "builtin_section_providers",
    "check_in_browser",
    "embed_json",
    "format_number",
    "open_in_browser",
    "register_section",
    "render_report",
    "render_report_html",
    "section_providers",
    "shown_values",
    "t",
    "unregister_section",
    "validate_report_data",
]
