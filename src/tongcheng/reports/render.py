"""Render a :class:`ReportData` into one self-contained, offline HTML file."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from .._errors import DataError
from .i18n import STRINGS, check_lang
from .model import ReportData, validate_report_data
from .sections import ReportContext, SectionProvider, collect_sections

__all__ = ["CSP", "ECHARTS_VERSION", "embed_json", "render_report", "render_report_html"]

ECHARTS_VERSION = "6.1.0"
"""Version of the vendored ``static/echarts.min.js`` (see ``static/VENDORED.md``)."""

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data: blob:; base-uri 'none'; form-action 'none'")
"""Content-Security-Policy of the page: nothing can be fetched from anywhere."""

_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)


def _static(name: str) -> str:
    return files("tongcheng.reports").joinpath("static", name).read_text("utf-8")


def embed_json(value: Any) -> str:
    r"""Serialise `value` as JSON that is safe inside ``<script>`` in HTML.

    ``<``, ``>`` and ``&`` become ``\u003c``, ``\u003e`` and ``\u0026`` (still valid
    JSON), so no ``</script>`` or ``<!--`` can appear. NaN is not allowed.

    Parameters
    ----------
    value
        JSON-serialisable data.

    Returns
    -------
    str
        The JSON text.

    Examples
    --------
    >>> embed_json({"name": "</script><b>"})
    '{"name":"\\u003c/script\\u003e\\u003cb\\u003e"}'
    """
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:
        msg = f"report data contains NaN or infinity where JSON needs a number or null: {exc}"
        raise DataError(msg) from exc
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _inline_script(source: str) -> str:
    """Make JavaScript source safe to put between ``<script>`` tags."""
    return _SCRIPT_END.sub(r"<\\/\1", source).replace("<!--", "<\\!--")


def render_report_html(
    data: ReportData,
    *,
    lang: str = "zh",
    providers: Sequence[SectionProvider] | None = None,
) -> str:
    """Return the report page as one HTML string (see :func:`render_report`)."""
    check_lang(lang)
    data = validate_report_data(data)
    context = ReportContext(data=data, lang=lang)
    sections = collect_sections(context, providers)
    page = {
        "lang": lang,
        "strings": {code: dict(table) for code, table in STRINGS.items()},
        "title": {"zh": data.title_zh, "en": data.title_en},
        "payloads": {s.key: s.payload for s in sections if s.payload is not None},
    }
    template = context.render_template  # same environment as the sections
    return template(
        "report.html.j2",
        data=data, lang=lang, sections=sections, csp=CSP,
        css=_static("report.css"),
        page_json=embed_json(page),
        echarts_js=_inline_script(_static("echarts.min.js")),
        echarts_version=ECHARTS_VERSION,
        app_js=_inline_script(_static("report.js")),
        scripts=[(s.key, _inline_script(s.script)) for s in sections if s.script.strip()],
    )


def render_report(
    data: ReportData,
    out_dir: Path | str,
    *,
    lang: str = "zh",
    providers: Sequence[SectionProvider] | None = None,
) -> Path:
    """Write the bilingual report to ``out_dir/index.html`` and return its path.

    The page is one file: ECharts, the map geometry and all tables are inline, and a
    Content-Security-Policy forbids every network request, so it opens from disk on a
    machine with no internet. Readers switch between 中文 and English on the page; the
    choice is kept in the URL hash (``#en``).

    Parameters
    ----------
    data
        Report input; validated first.
    out_dir
        Folder to write to (created if missing). Only ``index.html`` is written, via a
        temporary file, so a failed render never leaves a half-written report.
    lang
        Initial language, ``"zh"`` (default) or ``"en"``.
    providers
        Section providers to use instead of :func:`section_providers` (built-ins plus
        registered ones). ``data.sections`` are always added.

    Returns
    -------
    pathlib.Path
        Path of ``index.html``.

    Raises
    ------
    tongcheng.ValidationError
        If `data` breaks the input contract (every problem is listed).
    tongcheng.DataError
        If a section provider returns something unusable or section keys repeat.
    tongcheng.reports.MissingTranslationError
        If `lang` is not supported.

    See Also
    --------
    tongcheng.reports.register_section : add a section to every report.
    tongcheng.reports.check_in_browser : open the result in headless Chromium.
    """
    html = render_report_html(data, lang=lang, providers=providers)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "index.html"
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".html", dir=out)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(html)
        Path(tmp).chmod(0o644)  # mkstemp makes 0600; a report is meant to be shared
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
